"""Stage 6: hybrid retrieval of chunks.

Dense search (inner product over normalized sentence vectors) finds
paraphrases: a chunk scores the cosine of its best sentence, so one sentence
that matches the question is not averaged away by the rest of its chunk.
BM25 finds exact names, numbers and rare terms. The two rankings are fused by
weighted reciprocal rank fusion, whose weights are fitted on evaluation data
(`Calibration.dense_weight`, `keyword_weight`, `rrf_k`). Rank fusion, rather
than adding raw scores, keeps BM25's unbounded scores from drowning the dense
side on natural questions.

Hands a ranked list of `Retrieved` chunks to the answerer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .settings import Calibration
from .storage import IndexView
from .types import Retrieved

CANDIDATES = 100  # how deep each side's ranking goes before fusion
# Sentences searched per chunk wanted: a chunk holds several sentences, and
# overlapping chunks share some, so the best few hundred sentences cover
# the best hundred chunks.
SENTENCES_PER_CHUNK = 8


@dataclass(frozen=True)
class Ranking:
    """Fused ranking of chunk ids with the scores each side gave."""

    chunk_ids: np.ndarray
    fused: np.ndarray
    dense_rank: dict[int, int]
    keyword_rank: dict[int, int]


class HybridRetriever:
    def __init__(self, data: IndexView, calibration: Calibration):
        self.data = data
        self.calibration = calibration

    def dense_ranking(self, query_vector: np.ndarray, depth: int) -> list[int]:
        """Chunk ids by the cosine of their best sentence, best first."""
        ranking: list[int] = []
        seen: set[int] = set()
        for _, chunk_ids in self.data.dense_search(query_vector, depth * SENTENCES_PER_CHUNK):
            for chunk_id in chunk_ids:
                if chunk_id not in seen:
                    seen.add(chunk_id)
                    ranking.append(chunk_id)
            if len(ranking) >= depth:
                break
        return ranking[:depth]

    def keyword_ranking(self, query: str, depth: int) -> list[int]:
        return self.data.keyword_search(query, depth)

    def rank(self, query: str, query_vector: np.ndarray, depth: int = CANDIDATES) -> Ranking:
        dense = self.dense_ranking(query_vector, depth)
        keyword = self.keyword_ranking(query, depth)
        calibration = self.calibration
        fused: dict[int, float] = {}
        for weight, ranking in ((calibration.dense_weight, dense),
                                (calibration.keyword_weight, keyword)):
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (calibration.rrf_k + rank + 1)
        ordered = sorted(fused, key=lambda chunk_id: (-fused[chunk_id], chunk_id))
        return Ranking(
            chunk_ids=np.array(ordered, dtype=np.int64),
            fused=np.array([fused[chunk_id] for chunk_id in ordered], dtype=np.float32),
            dense_rank={chunk_id: rank for rank, chunk_id in enumerate(dense)},
            keyword_rank={chunk_id: rank for rank, chunk_id in enumerate(keyword)},
        )

    def retrieved(self, ranking: Ranking, k: int) -> list[Retrieved]:
        results = []
        self.data.prefetch(chunk_ids=[int(chunk_id) for chunk_id in ranking.chunk_ids[:k]])
        for chunk_id, score in zip(ranking.chunk_ids[:k], ranking.fused[:k]):
            chunk = self.data.chunk(int(chunk_id))
            results.append(Retrieved(chunk.file, chunk.line_start, chunk.line_end, float(score),
                                     chunk_id=int(chunk_id), page=chunk.page,
                                     extracted=chunk.extracted, text=chunk.text))
        return results

