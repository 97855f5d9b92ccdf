"""The solvers of the fit (`calibrate.py`): a weighted logistic regression,
a conditional logit that learns to rank the sentences within a question,
its Platt scaling to a probability, and the answer threshold that scores
best when a wrong answer costs WRONG_ANSWER_COST. Deterministic: the same
rows give the same weights.
"""

from __future__ import annotations

import numpy as np

# A wrong answer with a citation misleads; an abstention only disappoints.
WRONG_ANSWER_COST = 0.5
# L2 penalty of the ranking objective of the scorer and the reranker (per unit
# of question weight).
RANKING_L2 = 1e-3


def logistic(features: np.ndarray, labels: np.ndarray, weights: np.ndarray,
              names) -> tuple[dict, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=5000)
    # Mean weight 1, so the sets' balance does not change regularization strength.
    model.fit(features, labels, sample_weight=weights / weights.mean())
    return ({name: float(value) for name, value in zip(names, model.coef_[0])},
            float(model.intercept_[0]))


def conditional_logit(groups: list[np.ndarray], labels: list[np.ndarray],
                       weights: np.ndarray, l2: float = RANKING_L2) -> np.ndarray:
    """Weights of a linear score whose softmax over each question's rows puts
    the most probability on its right rows (a ranking objective: it learns
    which sentence of a question answers, not which questions are easy)."""
    from scipy.optimize import minimize

    rows = np.concatenate(groups)
    right = np.concatenate(labels).astype(np.float64)
    starts = np.cumsum([0] + [len(group) for group in groups])[:-1]
    member = np.repeat(np.arange(len(groups)), [len(group) for group in groups])
    weights = weights / weights.sum()

    def loss(coefficients):
        scores = rows @ coefficients
        scores = np.exp(scores - np.maximum.reduceat(scores, starts)[member])
        total = np.add.reduceat(scores, starts)
        on_right = np.add.reduceat(scores * right, starts)
        value = -np.sum(weights * (np.log(on_right) - np.log(total))) + l2 * coefficients @ coefficients
        expected_all = np.add.reduceat(scores[:, None] * rows, starts) / total[:, None]
        expected_right = np.add.reduceat((scores * right)[:, None] * rows, starts) / on_right[:, None]
        gradient = (weights[:, None] * (expected_all - expected_right)).sum(axis=0) + 2 * l2 * coefficients
        return value, gradient

    return minimize(loss, np.zeros(rows.shape[1]), jac=True, method="L-BFGS-B").x


def fit_ranking(groups: list[np.ndarray], labels: list[np.ndarray], weights: np.ndarray,
                 names) -> tuple[dict, float]:
    """Ranking weights fitted on the questions that have a right row
    (`conditional_logit`), then scaled with a bias over every row (Platt
    scaling) so their logit is a probability."""
    ranks = [index for index, right in enumerate(labels) if right.any()]
    coefficients = conditional_logit([groups[index] for index in ranks],
                                      [labels[index] for index in ranks], weights[ranks])
    scores = np.concatenate([group @ coefficients for group in groups])[:, None]
    row_weights = np.concatenate([np.full(len(group), weight)
                                  for group, weight in zip(groups, weights)])
    scale, bias = logistic(scores, np.concatenate(labels), row_weights, ["scale"])
    return ({name: float(value * scale["scale"]) for name, value in
             zip(names, coefficients)}, bias)


# Weighted scores within this share of the best are ties: on the answer
# model's training rows the score is flat from about 0.29 to 0.39, with two
# peaks (0.336, 0.348) a ten-thousandth apart, and the rows of four questions
# more flip the best from one to the other. Over 30 draws that each leave out
# 2% of the rows, the best threshold ranged 0.331-0.349; the lowest within
# this share of the best, 0.327-0.328.
TIED_SCORE_SHARE = 0.001


def fit_threshold(confidences, right, unanswerable, weights,
                  wrong_cost: float = WRONG_ANSWER_COST,
                  tied_share: float = TIED_SCORE_SHARE) -> float:
    """The lowest threshold whose weighted score is within `tied_share` of
    the best, where a right answer or a right abstention scores 1, a missed
    answer 0, and a wrong answer -`wrong_cost` (with 0, this is SQuAD 2.0's
    overall accuracy). Among thresholds the training data cannot tell
    apart, the one that answers most: an answer to a question users ask is
    what the model is for, and a near-miss it lets through is priced in the
    score already.

    Answering at threshold t means answering every question whose
    confidence is >= t, so any t in (previous value, value] gives the same
    result; the midpoint of that interval is returned.
    """
    confidences = np.asarray(confidences, dtype=np.float64)
    values = np.unique(np.concatenate([confidences, [1.0 + 1e-9]]))
    answered_score = np.where(right & ~unanswerable, 1.0, -wrong_cost)
    scores = np.array([float(np.sum(weights * np.where(confidences >= value, answered_score,
                                                       unanswerable.astype(np.float64))))
                       for value in values])
    best = float(scores.max())
    chosen = int(np.flatnonzero(scores >= best - tied_share * abs(best))[0])
    return float(values[chosen] if chosen == 0 else (values[chosen - 1] + values[chosen]) / 2)
