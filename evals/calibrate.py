"""Fit the values the assistant would otherwise have to guess, and save them
to rag/calibration.json (`rag eval --fit`):

1. fusion weights (dense vs. keyword, RRF constant) by MRR@10 of the chunk
   that holds the evidence;
2. the sentence scorer: logistic regression on candidate sentences, a
   sentence being positive when it holds a gold answer on the evidence lines;
3. answer triggering: logistic regression on the best sentence's features,
   positive when that sentence is a right answer;
4. the "not found" threshold on that probability, maximizing overall
   accuracy (SQuAD 2.0 style) with a cost for each wrong answer.

Fitted on our sample questions and the SQuAD articles set aside for fitting
(never the SQuAD articles `rag eval squad` reports on). Each dataset counts
equally, whatever its size.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag.answering import FEATURES, TRIGGER_FEATURES
from rag.assistant import Assistant
from rag.keyword import fold
from rag.settings import Calibration, Settings

from .dataset import Dataset, EvalItem, load_dataset
from .runner import index_dir_for, prepare

FIT_DATASETS = ("sample", "squad-fit")
KEYWORD_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
RRF_KS = (5.0, 20.0, 60.0)
# A wrong answer with a citation misleads; "not found" only disappoints. The
# threshold is fitted so that a wrong answer costs half a right one.
WRONG_ANSWER_COST = 0.5


def _relevant(item: EvalItem, chunk) -> bool:
    return any(evidence.overlaps(chunk.file, chunk.line_start, chunk.line_end)
               for evidence in item.evidence)


def fit_fusion(pairs: list[tuple[Dataset, Assistant]]) -> tuple[float, float, float]:
    """(dense weight, keyword weight, rrf_k) with the best mean MRR@10."""
    prepared = []
    for dataset, assistant in pairs:
        data = assistant.data()
        retriever = assistant.retriever
        rows = []
        for item in dataset.items:
            if item.unanswerable:
                continue
            vector = assistant.embedder.encode_query(item.question)
            relevant = {index for index, chunk in enumerate(data.chunks) if _relevant(item, chunk)}
            rows.append((retriever.dense_ranking(vector, 100),
                         retriever.keyword_ranking(item.question, 100), relevant))
        prepared.append(rows)
    best, best_score = (1.0, 0.5, 60.0), -1.0
    for keyword_weight in KEYWORD_WEIGHTS:
        for rrf_k in RRF_KS:
            score = float(np.mean([np.mean([_reciprocal_rank(dense, keyword, relevant,
                                                             keyword_weight, rrf_k)
                                            for dense, keyword, relevant in rows])
                                   for rows in prepared]))
            if score > best_score + 1e-9:
                best, best_score = (1.0, keyword_weight, rrf_k), score
    return best


def _reciprocal_rank(dense, keyword, relevant, keyword_weight, rrf_k) -> float:
    fused: dict[int, float] = {}
    for weight, ranking in ((1.0, dense), (keyword_weight, keyword)):
        for rank, chunk_id in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (rrf_k + rank + 1)
    ordered = sorted(fused, key=lambda chunk_id: (-fused[chunk_id], chunk_id))[:10]
    for rank, chunk_id in enumerate(ordered, 1):
        if chunk_id in relevant:
            return 1.0 / rank
    return 0.0


def _is_answer(item: EvalItem, sentence) -> bool:
    if item.unanswerable:
        return False
    on_evidence = any(evidence.overlaps(sentence.file, sentence.line_start, sentence.line_end)
                      for evidence in item.evidence)
    return on_evidence and any(fold(gold) in fold(sentence.text) for gold in item.answers)


def _assistants(datasets: list[Dataset], settings: Settings) -> list[tuple[Dataset, Assistant]]:
    return [(dataset, Assistant(settings.with_(index_dir=index_dir_for(dataset.corpus_dir))))
            for dataset in datasets]


def _logistic(features: np.ndarray, labels: np.ndarray, weights: np.ndarray, names) -> tuple[dict, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=5000)
    # Mean weight 1, so the datasets' balance does not change regularization strength.
    model.fit(features, labels, sample_weight=weights / weights.mean())
    return ({name: float(value) for name, value in zip(names, model.coef_[0])},
            float(model.intercept_[0]))


def fit_scorer(pairs) -> tuple[dict, float]:
    rows, labels, weights = [], [], []
    for dataset, assistant in pairs:
        per_question = 1.0 / max(len(dataset.items), 1)
        for item in dataset.items:
            for candidate in assistant.candidates(item.question):
                rows.append(candidate.features)
                labels.append(_is_answer(item, candidate.sentence))
                weights.append(per_question)
    return _logistic(np.array(rows), np.array(labels), np.array(weights), FEATURES)


def _question_rows(pairs):
    """Per question: trigger features, whether the best sentence is right,
    and the question's weight."""
    rows = []
    for dataset, assistant in pairs:
        answerer = assistant.answerer
        per_question = 1.0 / max(len(dataset.items), 1)
        for item in dataset.items:
            candidates = sorted(assistant.candidates(item.question),
                                key=lambda candidate: -candidate.probability)
            if not candidates:
                continue
            rows.append((answerer.trigger_features(item.question, candidates),
                         _is_answer(item, candidates[0].sentence), item.unanswerable,
                         per_question, answerer))
    return rows


def fit_threshold(confidences, right, unanswerable, weights,
                  wrong_cost: float = WRONG_ANSWER_COST) -> float:
    """The "not found" threshold with the best weighted score, where a right
    answer or a right "not found" scores 1, a missed answer 0, and a wrong
    answer -`wrong_cost` (with 0, this is SQuAD 2.0's overall accuracy).

    Answering at threshold t means answering every question whose
    confidence is >= t, so any t in (previous value, value] gives the same
    result; the midpoint of that interval is returned.
    """
    confidences = np.asarray(confidences, dtype=np.float64)
    values = np.unique(np.concatenate([confidences, [1.0 + 1e-9]]))
    answered_score = np.where(right & ~unanswerable, 1.0, -wrong_cost)
    scores = [float(np.sum(weights * np.where(confidences >= value, answered_score,
                                              unanswerable.astype(np.float64))))
              for value in values]
    best = int(np.argmax(scores))
    return float(values[best] if best == 0 else (values[best - 1] + values[best]) / 2)


def fit_and_save(notify=print, settings: Settings | None = None) -> Calibration:
    base = settings or Settings.from_env()
    datasets = [load_dataset(name) for name in FIT_DATASETS]
    for dataset in datasets:
        prepare(dataset, base, notify=notify)
    calibration = Calibration()
    dense_weight, keyword_weight, rrf_k = fit_fusion(_assistants(datasets, base.with_(
        calibration=calibration)))
    calibration = replace(calibration, dense_weight=dense_weight, keyword_weight=keyword_weight,
                          rrf_k=rrf_k)
    notify(f"fusion: dense {dense_weight}, keyword {keyword_weight}, rrf_k {rrf_k}")
    scorer_weights, scorer_bias = fit_scorer(_assistants(datasets, base.with_(
        calibration=calibration)))
    calibration = replace(calibration, scorer_weights=scorer_weights, scorer_bias=scorer_bias)
    notify(f"scorer: {scorer_weights}, bias {scorer_bias:.3f}")
    rows = _question_rows(_assistants(datasets, base.with_(calibration=calibration)))
    features = np.array([row[0] for row in rows])
    right = np.array([row[1] for row in rows])
    unanswerable = np.array([row[2] for row in rows])
    weights = np.array([row[3] for row in rows])
    trigger_weights, trigger_bias = _logistic(features, right & ~unanswerable, weights,
                                              TRIGGER_FEATURES)
    logits = features @ np.array([trigger_weights[name] for name in TRIGGER_FEATURES]) \
        + trigger_bias
    confidences = 1.0 / (1.0 + np.exp(-logits))
    threshold = fit_threshold(confidences, right, unanswerable, weights)
    calibration = replace(calibration, trigger_weights=trigger_weights,
                          trigger_bias=trigger_bias, abstain_threshold=threshold,
                          fitted_on=" + ".join(FIT_DATASETS))
    notify(f"trigger: {trigger_weights}, bias {trigger_bias:.3f}; not-found below {threshold:.3f}")
    calibration.save()
    notify("saved rag/calibration.json")
    return calibration
