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
from dataclasses import dataclass

import numpy as np

from .injection import addresses_the_model
from .keyword import MAX_RARITY, KeywordIndex, raw_tokens, tokenize, weighted_tokens
from .retrieval import Ranking
from .settings import Calibration
from .store import IndexData
from .types import Citation, Claim, Sentence

NOT_FOUND = "Not found in the indexed documents."

FEATURES = ("dense", "dense_window", "lexical", "lexical_window", "missing_rare",
            "chunk_score", "type_match", "novelty", "short", "dense_previous", "lexical_previous",
            "dense_gap", "lexical_gap")

TRIGGER_FEATURES = FEATURES + ("best_logit", "margin", "question_negated")
NEGATION = re.compile(r"\b(not|never|no|n't|without|none)\b|n't\b", re.IGNORECASE)

# Used until `rag eval --fit` has written fitted values to calibration.json.
DEFAULT_WEIGHTS = {"dense": 6.0, "dense_window": 2.0, "lexical": 3.0, "lexical_window": 1.0,
                   "missing_rare": -2.0, "chunk_score": 1.0, "type_match": 1.0,
                   "novelty": 0.5, "short": -1.0, "dense_previous": 0.0,
                   "lexical_previous": 0.0, "dense_gap": 2.0, "lexical_gap": 2.0}
DEFAULT_BIAS = -6.0

MONTHS = ("january february march april may june july august september october november "
          "december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday "
          "thursday friday saturday sunday century decade year years today yesterday tomorrow "
          "dawn dusk noon midnight morning afternoon evening night weekly daily").split()
DATE_PATTERN = re.compile(r"\b(?:1[5-9]\d\d|20\d\d|\d{1,2}(?:st|nd|rd|th)|\d{1,2}[:.]\d\d|"
                          + "|".join(MONTHS) + r")\b", re.IGNORECASE)
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve dozen hundred "
                "thousand million billion trillion half several").split()
NUMBER_PATTERN = re.compile(r"\d|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
NAME_PATTERN = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+|\b[A-Z]{2,}\b")


@dataclass(frozen=True)
class Candidate:
    sentence_id: int
    sentence: Sentence
    features: np.ndarray
    probability: float


def question_type(question: str) -> str | None:
    """What kind of thing the question asks for, where that is clear."""
    lowered = question.lower()
    if re.search(r"\b(when|what year|which year|what date|what day|what month|how long ago)\b",
                 lowered):
        return "date"
    if re.search(r"\b(how many|how much|how often|what percentage|what number|how old|how far|"
                 r"how long)\b",
                 lowered):
        return "number"
    if re.search(r"\b(who|whom|whose|where|which country|which city)\b", lowered):
        return "name"
    return None


def type_match(kind: str | None, text: str, question: str = "") -> float:
    """+1 when the sentence holds what the question asks for, -1 when it
    cannot, 0 when the question does not say. What the question itself
    names does not count: "Who alerted Erdogan?" needs a name besides Erdogan."""
    if kind is None:
        return 0.0
    asked = {word.lower() for word in re.findall(r"\w+", question)}
    remainder = " ".join(word for word in re.findall(r"\S+", text)
                         if re.sub(r"\W", "", word).lower() not in asked)
    pattern = {"date": DATE_PATTERN, "number": NUMBER_PATTERN, "name": NAME_PATTERN}[kind]
    return 1.0 if pattern.search(remainder) else -1.0


def _weighted_share(question_weights: dict[str, float], tokens: set[str]) -> float:
    """Share of the question's content words (weighted by rarity) in `tokens`."""
    total = sum(question_weights.values())
    if total <= 0:
        return 0.0
    return sum(weight for token, weight in question_weights.items() if token in tokens) / total


class ExtractiveAnswerer:
    def __init__(self, data: IndexData, keyword_index: KeywordIndex, calibration: Calibration):
        self.data = data
        self.keyword_index = keyword_index
        self.weights = np.array([calibration.scorer_weights.get(name, DEFAULT_WEIGHTS[name])
                                 if calibration.scorer_weights else DEFAULT_WEIGHTS[name]
                                 for name in FEATURES], dtype=np.float64)
        self.bias = calibration.scorer_bias if calibration.scorer_weights else DEFAULT_BIAS
        self.threshold = calibration.abstain_threshold
        self.trigger_weights = (np.array([calibration.trigger_weights[name] for name in
                                          TRIGGER_FEATURES], dtype=np.float64)
                                if calibration.trigger_weights else None)
        self.trigger_bias = calibration.trigger_bias
        self.max_fused = (calibration.dense_weight + calibration.keyword_weight) / (
            calibration.rrf_k + 1)
        self._sentence_tokens: dict[int, set[str]] = {}

    def _tokens(self, sentence_id: int) -> set[str]:
        tokens = self._sentence_tokens.get(sentence_id)
        if tokens is None:
            tokens = set(tokenize(self.data.sentences[sentence_id].text))
            self._sentence_tokens[sentence_id] = tokens
        return tokens

    def _window(self, sentence_id: int) -> list[int]:
        file = self.data.sentences[sentence_id].file
        return [neighbour for neighbour in (sentence_id - 1, sentence_id, sentence_id + 1)
                if 0 <= neighbour < len(self.data.sentences)
                and self.data.sentences[neighbour].file == file]

    def candidates(self, question: str, query_vector: np.ndarray, ranking: Ranking,
                   pool: int) -> list[Candidate]:
        """Every answerable sentence of the top `pool` chunks, scored."""
        best_chunk_score: dict[int, float] = {}
        for chunk_id, score in zip(ranking.chunk_ids[:pool], ranking.fused[:pool]):
            chunk = self.data.chunks[int(chunk_id)]
            for sentence_id in range(chunk.sentence_start, chunk.sentence_end):
                sentence = self.data.sentences[sentence_id]
                if not sentence.is_furniture and not addresses_the_model(sentence.text):
                    best_chunk_score.setdefault(sentence_id, float(score))
        if not best_chunk_score:
            return []
        question_weights = weighted_tokens(question)
        question_set = set(question_weights)
        kind = question_type(question)
        vectors = self.data.sentence_vectors
        rows = []
        ids = sorted(best_chunk_score)
        for sentence_id in ids:
            sentence = self.data.sentences[sentence_id]
            window = self._window(sentence_id)
            previous = sentence_id - 1 if window[0] == sentence_id - 1 else None
            window_vector = vectors[window].sum(axis=0)
            window_vector /= max(np.linalg.norm(window_vector), 1e-9)
            tokens = self._tokens(sentence_id)
            window_tokens = set().union(*(self._tokens(neighbour) for neighbour in window))
            missing = [weight for token, weight in question_weights.items()
                       if token not in window_tokens]
            novel = tokens - question_set
            rows.append([
                float(vectors[sentence_id] @ query_vector),
                float(window_vector @ query_vector),
                _weighted_share(question_weights, tokens),
                _weighted_share(question_weights, window_tokens),
                max(missing, default=0.0) / MAX_RARITY,
                best_chunk_score[sentence_id] / self.max_fused,
                type_match(kind, sentence.text, question),
                len(novel) / max(len(tokens), 1),
                1.0 if len(raw_tokens(sentence.text)) < 6 else 0.0,
                # Answers often follow the sentence that restates the question
                # ("Erdogan asked whether ... " / "'Yes, you can,' Putin replied.").
                float(vectors[previous] @ query_vector) if previous is not None else 0.0,
                _weighted_share(question_weights, self._tokens(previous))
                if previous is not None else 0.0,
                0.0, 0.0,  # gaps, filled in below
            ])
        features = np.array(rows, dtype=np.float64)
        # How far each sentence is behind the best one of this question: a
        # relative signal that means the same in a small or a large corpus.
        gap_columns = [FEATURES.index("dense_gap"), FEATURES.index("lexical_gap")]
        for column, source in zip(gap_columns, (FEATURES.index("dense"), FEATURES.index("lexical"))):
            features[:, column] = features[:, source] - features[:, source].max()
        logits = features @ self.weights + self.bias
        probabilities = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))
        return [Candidate(sentence_id, self.data.sentences[sentence_id], features[row],
                          float(probabilities[row])) for row, sentence_id in enumerate(ids)]

    def trigger_features(self, question: str, ranked: list[Candidate]) -> np.ndarray:
        """Question-level features for "does the best sentence answer it?"."""
        best = ranked[0]
        best_logit = float(best.features @ self.weights + self.bias)
        runner_up = ranked[1].probability if len(ranked) > 1 else 0.0
        negated = 1.0 if NEGATION.search(question) else 0.0
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
    # Keep document order so two sentences read naturally.
    ordered = sorted(chosen, key=lambda candidate: candidate.sentence_id)
    citations = [Citation(candidate.sentence.file, candidate.sentence.line_start,
                          candidate.sentence.line_end, candidate.sentence.text,
                          candidate.sentence.page, candidate.sentence.extracted)
                 for candidate in ordered]
    text = " ".join(f"{citation.text} [{citation.label()}]" for citation in citations)
    claims = [Claim(citation.text, (index,), True) for index, citation in enumerate(citations)]
    return text, citations, claims
