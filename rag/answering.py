"""Stage 7: the extractive answerer.

Reads the sentences of the top retrieved chunks, scores each as "this
sentence answers the question" with a small logistic model over features
(meaning, word overlap, what the question asks for, how well its chunk
ranked), and answers with the best sentence, cited by that sentence's own
lines. When even the best sentence is unlikely to answer, it says "not found"
and cites nothing. The model's weights and the "not found" threshold are
fitted on evaluation data (`evals/calibrate.py`), not guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .answer_types import VALUE_KINDS, is_reply, known_names, question_type, type_match
from .context import clauses, is_byline, quotation_starts
from .injection import addresses_the_model
from .keyword import MAX_RARITY, KeywordIndex, raw_tokens, tokenize, weighted_tokens
from .retrieval import Ranking
from .settings import Calibration
from .store import IndexData
from .types import Citation, Claim, Sentence

NOT_FOUND = "Not found in the indexed documents."
MAX_CACHED_CLAUSES = 200_000  # sentences whose clause vectors are kept between questions

FEATURES = ("dense", "dense_window", "lexical", "lexical_window", "missing_rare",
            "missing_name", "chunk_score", "type_match", "value_match", "novelty", "short",
            "dense_previous", "lexical_previous", "dense_gap", "lexical_gap",
            "lexical_window_gap", "dense_clause")

TRIGGER_FEATURES = FEATURES + ("best_logit", "margin", "question_negated")
NEGATION = re.compile(r"\b(not|never|no|n't|without|none)\b|n't\b", re.IGNORECASE)

# Used until `rag eval --fit` has written fitted values to calibration.json.
DEFAULT_WEIGHTS = {"dense": 6.0, "dense_window": 2.0, "lexical": 3.0, "lexical_window": 1.0,
                   "missing_rare": -2.0, "missing_name": -2.0, "chunk_score": 1.0,
                   "type_match": 1.0, "value_match": 1.0,
                   "novelty": 0.5, "short": -1.0, "dense_previous": 0.0,
                   "lexical_previous": 0.0, "dense_gap": 2.0, "lexical_gap": 2.0,
                   "lexical_window_gap": 0.0, "dense_clause": 0.0}
DEFAULT_BIAS = -6.0

@dataclass(frozen=True)
class Candidate:
    sentence_id: int
    sentence: Sentence
    features: np.ndarray
    probability: float


def _names_in(question: str) -> set[str]:
    """The names a question mentions (capitalized past its first word, or
    with digits like "S-400"), folded as `raw_tokens` folds them."""
    words = question.split()
    names = set()
    for position, word in enumerate(words):
        word = word.strip("\"'“”‘’()[],.;:!?")
        # Pure numbers are left out: "the 2016 coup" is often just "the coup".
        if (position and word[:1].isupper()) or (any(char.isdigit() for char in word)
                                                 and any(char.isalpha() for char in word)):
            names.update(raw_tokens(word)[:1])
    return names


def _weighted_share(question_weights: dict[str, float], tokens: set[str]) -> float:
    """Share of the question's content words (weighted by rarity) in `tokens`."""
    total = sum(question_weights.values())
    if total <= 0:
        return 0.0
    return sum(weight for token, weight in question_weights.items() if token in tokens) / total


class ExtractiveAnswerer:
    def __init__(self, data: IndexData, keyword_index: KeywordIndex, calibration: Calibration,
                 embed: Callable[[list[str]], np.ndarray] | None = None):
        self.data = data
        self.embed = embed  # for clause vectors; None leaves the clause feature at the sentence's
        self.keyword_index = keyword_index
        self.weights = np.array([calibration.scorer_weights.get(name, DEFAULT_WEIGHTS[name])
                                 if calibration.scorer_weights else DEFAULT_WEIGHTS[name]
                                 for name in FEATURES], dtype=np.float64)
        self.bias = calibration.scorer_bias if calibration.scorer_weights else DEFAULT_BIAS
        self.threshold = calibration.abstain_threshold
        # A calibration fitted before a feature existed lacks its weight; its
        # trigger is then not used (the scorer's own probability is).
        fitted = calibration.trigger_weights or {}
        self.trigger_weights = (np.array([fitted[name] for name in TRIGGER_FEATURES],
                                         dtype=np.float64)
                                if all(name in fitted for name in TRIGGER_FEATURES) else None)
        self.trigger_bias = calibration.trigger_bias
        self.max_fused = (calibration.dense_weight + calibration.keyword_weight) / (
            calibration.rrf_k + 1)
        self._sentence_tokens: dict[int, set[str]] = {}
        self._sentence_words: dict[int, set[str]] = {}
        self._known_names: frozenset[str] | None = None
        self._quotation_starts: list[int] | None = None
        self._bylines: dict[str, list[int]] | None = None
        self._clause_vectors: dict[int, np.ndarray | None] = {}

    # -- what the index says about its documents, worked out once -------
    @property
    def names(self) -> frozenset[str]:
        """Words the documents capitalize mid-sentence (see `known_names`)."""
        if self._known_names is None:
            self._known_names = known_names(sentence.text for sentence in self.data.sentences)
        return self._known_names

    def _quotation_start(self, sentence_id: int) -> int:
        if self._quotation_starts is None:
            self._quotation_starts = quotation_starts(self.data.sentences)
        return self._quotation_starts[sentence_id]

    def _byline_ids(self, file: str) -> list[int]:
        if self._bylines is None:
            self._bylines = {}
            for sentence_id, sentence in enumerate(self.data.sentences):
                if is_byline(sentence.text):
                    self._bylines.setdefault(sentence.file, []).append(sentence_id)
        return self._bylines.get(file, [])

    def _cached_set(self, cache: dict[int, set[str]], sentence_id: int, split) -> set[str]:
        words = cache.get(sentence_id)
        if words is None:
            words = cache[sentence_id] = set(split(self.data.sentences[sentence_id].text))
        return words

    def _tokens(self, sentence_id: int) -> set[str]:
        """Stemmed content words (as the keyword index sees them)."""
        return self._cached_set(self._sentence_tokens, sentence_id, tokenize)

    def _words(self, sentence_id: int) -> set[str]:
        """Every word, folded but not stemmed (for matching names)."""
        return self._cached_set(self._sentence_words, sentence_id, raw_tokens)

    def _window(self, sentence_id: int) -> list[int]:
        """The sentence, its neighbours, and the rest of the quotation it ends."""
        file = self.data.sentences[sentence_id].file
        first = min(sentence_id - 1, self._quotation_start(sentence_id))
        return [neighbour for neighbour in range(first, sentence_id + 2)
                if 0 <= neighbour < len(self.data.sentences)
                and self.data.sentences[neighbour].file == file]

    def _clause_similarity(self, ids: list[int], query_vector: np.ndarray) -> np.ndarray:
        """Per sentence, the best similarity to the question of the sentence
        or one of its clauses."""
        if self.embed is not None:
            todo = [sentence_id for sentence_id in ids if sentence_id not in self._clause_vectors]
            if len(self._clause_vectors) + len(todo) > MAX_CACHED_CLAUSES:
                self._clause_vectors.clear()
                todo = ids
            texts, spans = [], []
            for sentence_id in todo:
                parts = clauses(self.data.sentences[sentence_id].text)
                spans.append((sentence_id, len(texts), len(texts) + len(parts)))
                texts.extend(parts)
            vectors = self.embed(texts) if texts else None
            for sentence_id, start, end in spans:
                self._clause_vectors[sentence_id] = vectors[start:end] if end > start else None
        best = self.data.sentence_vectors[ids] @ query_vector
        for row, sentence_id in enumerate(ids):
            vectors = self._clause_vectors.get(sentence_id)
            if vectors is not None:
                best[row] = max(best[row], float((vectors @ query_vector).max()))
        return best

    # -- scoring ---------------------------------------------------------
    def _pool(self, ranking: Ranking, pool: int, kind: str | None) -> dict[int, float]:
        """Answerable sentences of the top `pool` chunks, each with the best
        fused score of a chunk that holds it."""
        best_chunk_score: dict[int, float] = {}
        for chunk_id, score in zip(ranking.chunk_ids[:pool], ranking.fused[:pool]):
            chunk = self.data.chunks[int(chunk_id)]
            for sentence_id in range(chunk.sentence_start, chunk.sentence_end):
                sentence = self.data.sentences[sentence_id]
                if not sentence.is_furniture and not addresses_the_model(sentence.text):
                    best_chunk_score.setdefault(sentence_id, float(score))
        if kind == "author":
            # The author of an article the question is about stands in its
            # byline, wherever that is in the file.
            for sentence_id, score in list(best_chunk_score.items()):
                for byline in self._byline_ids(self.data.sentences[sentence_id].file):
                    best_chunk_score[byline] = max(best_chunk_score.get(byline, 0.0), score)
        return best_chunk_score

    def candidates(self, question: str, query_vector: np.ndarray, ranking: Ranking,
                   pool: int) -> list[Candidate]:
        """Every answerable sentence of the top `pool` chunks, scored."""
        kind = question_type(question)
        best_chunk_score = self._pool(ranking, pool, kind)
        if not best_chunk_score:
            return []
        question_weights = weighted_tokens(question)
        question_set = set(question_weights)
        question_names = _names_in(question)
        vectors = self.data.sentence_vectors
        rows = []
        ids = sorted(best_chunk_score)
        for sentence_id in ids:
            sentence = self.data.sentences[sentence_id]
            window = self._window(sentence_id)
            previous = sentence_id - 1 if sentence_id - 1 in window else None
            window_vector = vectors[window].sum(axis=0)
            window_vector /= max(np.linalg.norm(window_vector), 1e-9)
            tokens = self._tokens(sentence_id)
            window_tokens = set().union(*(self._tokens(neighbour) for neighbour in window))
            window_words = set().union(*(self._words(neighbour) for neighbour in window))
            missing = [weight for token, weight in question_weights.items()
                       if token not in window_tokens]
            novel = tokens - question_set
            matched_type = type_match(kind, sentence.text, question, self.names)
            # A short reply ('"Yes, you can," Putin replied.') means nothing
            # alone; it is read together with what it replies to.
            own = [sentence_id]
            if previous is not None and is_reply(sentence.text):
                own = [previous, sentence_id]
            own_vector = vectors[own].sum(axis=0)
            own_vector /= max(np.linalg.norm(own_vector), 1e-9)
            own_tokens = set().union(*(self._tokens(part) for part in own))
            rows.append([
                float(own_vector @ query_vector),
                float(window_vector @ query_vector),
                _weighted_share(question_weights, own_tokens),
                _weighted_share(question_weights, window_tokens),
                max(missing, default=0.0) / MAX_RARITY,
                # A question about China is not answered by a sentence about
                # Turkey, however common a word "China" is.
                (sum(1 for name in question_names if name not in window_words)
                 / len(question_names)) if question_names else 0.0,
                best_chunk_score[sentence_id] / self.max_fused,
                matched_type,
                matched_type if kind in VALUE_KINDS else 0.0,
                len(novel) / max(len(tokens), 1),
                1.0 if len(raw_tokens(sentence.text)) < 6 else 0.0,
                # Answers often follow the sentence that restates the question
                # ("Erdogan asked whether ... " / "'Yes, you can,' Putin replied.").
                float(vectors[previous] @ query_vector) if previous is not None else 0.0,
                _weighted_share(question_weights, self._tokens(previous))
                if previous is not None else 0.0,
                0.0, 0.0, 0.0, 0.0,  # gaps and clauses, filled in below
            ])
        features = np.array(rows, dtype=np.float64)
        # A leading clause ("The same day Erdogan and Putin met, ...") blurs
        # what the rest of the sentence says; its best clause is compared too.
        features[:, FEATURES.index("dense_clause")] = np.maximum(
            self._clause_similarity(ids, query_vector), features[:, FEATURES.index("dense")])
        if kind == "author":
            self._bylines_take_article_relevance(ids, features)
        # How far each sentence is behind the best one of this question: a
        # relative signal that means the same in a small or a large corpus.
        for gap, source in (("dense_gap", "dense"), ("lexical_gap", "lexical"),
                            ("lexical_window_gap", "lexical_window")):
            column, values = FEATURES.index(gap), features[:, FEATURES.index(source)]
            features[:, column] = values - values.max()
        logits = features @ self.weights + self.bias
        probabilities = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))
        return [Candidate(sentence_id, self.data.sentences[sentence_id], features[row],
                          float(probabilities[row])) for row, sentence_id in enumerate(ids)]

    def _bylines_take_article_relevance(self, ids: list[int], features: np.ndarray) -> None:
        """A byline shares no words with "Who wrote the article on X?"; its
        relevance is that of its article, so it takes the best meaning and
        overlap features of its file's sentences."""
        relevance = [FEATURES.index(name) for name in
                     ("dense", "dense_window", "lexical", "lexical_window", "missing_rare",
                      "missing_name", "chunk_score")]
        lower_is_better = {FEATURES.index("missing_rare"), FEATURES.index("missing_name")}
        files = [self.data.sentences[sentence_id].file for sentence_id in ids]
        for row, sentence_id in enumerate(ids):
            if sentence_id not in self._byline_ids(files[row]):
                continue
            same_file = [other for other, file in enumerate(files) if file == files[row]]
            for column in relevance:
                values = features[same_file, column]
                features[row, column] = values.min() if column in lower_is_better else values.max()

    def trigger_features(self, question: str, ranked: list[Candidate]) -> np.ndarray:
        """Question-level features for "does the best sentence answer it?"."""
        best = ranked[0]
        best_logit = float(best.features @ self.weights + self.bias)
        runner_up = ranked[1].probability if len(ranked) > 1 else 0.0
        # "What did X not do?" asked of a sentence that says what X did. A
        # negation the sentence shares ("no time and patience") is no sign.
        negated = 1.0 if NEGATION.search(question) and not any(
            NEGATION.search(self.data.sentences[neighbour].text)
            for neighbour in self._window(best.sentence_id)) else 0.0
        return np.concatenate([best.features,
                               [best_logit / 10.0, best.probability - runner_up, negated]])

    def confidence(self, question: str, ranked: list[Candidate]) -> float:
        """Calibrated probability that the best sentence answers the question."""
        if self.trigger_weights is None:
            return ranked[0].probability
        logit = float(self.trigger_features(question, ranked) @ self.trigger_weights
                      + self.trigger_bias)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))

    def choose(self, question: str, candidates: list[Candidate]) -> tuple[list[Candidate], float]:
        """The sentence(s) to answer with, best first, and the confidence.
        An empty list means "not found"."""
        if not candidates:
            return [], 0.0
        ranked = sorted(candidates, key=lambda candidate: -candidate.probability)
        confidence = self.confidence(question, ranked)
        if confidence < self.threshold:
            return [], confidence
        best = ranked[0]
        chosen = [best]
        # A second sentence only when it is nearly as likely and says
        # something else; more citations must each earn their place.
        if len(ranked) > 1:
            runner_up = ranked[1]
            if (runner_up.probability >= 0.9 * best.probability
                    and runner_up.sentence.text != best.sentence.text):
                chosen.append(runner_up)
        return chosen, confidence


def compose(chosen: list[Candidate]) -> tuple[str, list[Citation], list[Claim]]:
    """Answer text in which every sentence carries its citation, and the
    claims (one per sentence, each supported by the line it quotes)."""
    if not chosen:
        return NOT_FOUND, [], []
    # The sentence most likely to answer comes first; a second one supports it.
    ordered = chosen
    citations = [Citation(candidate.sentence.file, candidate.sentence.line_start,
                          candidate.sentence.line_end, candidate.sentence.text,
                          candidate.sentence.page, candidate.sentence.extracted)
                 for candidate in ordered]
    text = " ".join(f"{citation.text} [{citation.label()}]" for citation in citations)
    claims = [Claim(citation.text, (index,), True) for index, citation in enumerate(citations)]
    return text, citations, claims
