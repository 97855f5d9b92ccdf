"""Metrics over a dataset's answers.

Every metric takes `Outcome`s (an item and the JSON `rag ask --json` gave for
it) and returns plain numbers, so the same functions score a live run and a
saved one. Ranking metrics come from ir-measures (pytrec_eval underneath);
the rest are counts simple enough to check by hand in tests/test_metrics.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.keyword import fold

from .dataset import EvalItem

RECALL_DEPTHS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)


@dataclass(frozen=True)
class Outcome:
    item: EvalItem
    answer: dict  # the `rag ask --json` contract
    seconds: float = 0.0

    @property
    def answered(self) -> bool:
        return not self.answer["abstained"]

    def overlaps_evidence(self, span: dict) -> bool:
        return any(evidence.overlaps(span["file"], span["line_start"], span["line_end"])
                   for evidence in self.item.evidence)

    @property
    def answer_correct(self) -> bool:
        text = fold(self.answer["answer"])
        return self.answered and any(fold(gold) in text for gold in self.item.answers)

    @property
    def first_citation_on_evidence(self) -> bool:
        citations = self.answer["citations"]
        return bool(citations) and self.overlaps_evidence(citations[0])

    @property
    def correct(self) -> bool:
        """SQuAD-2.0-style: right answer with its first citation on the
        evidence, or "not found" for an unanswerable question."""
        if self.item.unanswerable:
            return not self.answered
        return self.answer_correct and self.first_citation_on_evidence


def _doc_id(span: dict) -> str:
    return f"{span['file']}:{span['line_start']}-{span['line_end']}"


def retrieval_metrics(outcomes: list[Outcome], chunks: list[dict]) -> dict:
    """Recall@k, Success@k, MRR@10 and nDCG@10 over answerable questions;
    a chunk is relevant when its lines overlap the evidence."""
    import ir_measures
    from ir_measures import RR, R, Success, nDCG

    qrels, run = [], []
    for outcome in outcomes:
        if outcome.item.unanswerable or not outcome.item.evidence:
            continue
        query_id = outcome.item.id
        relevant = {_doc_id(chunk) for chunk in chunks if outcome.overlaps_evidence(chunk)}
        qrels.extend(ir_measures.Qrel(query_id, doc_id, 1) for doc_id in relevant)
        seen = set()
        for rank, span in enumerate(outcome.answer["retrieved"]):
            doc_id = _doc_id(span)
            if doc_id not in seen:
                seen.add(doc_id)
                # Scores by rank so ties cannot reorder what the assistant ranked.
                run.append(ir_measures.ScoredDoc(query_id, doc_id, float(1000 - rank)))
    if not qrels:
        return {}
    measures = [R @ 1, R @ 5, R @ 10, RR @ 10, nDCG @ 10]
    measures += [Success @ depth for depth in RECALL_DEPTHS]
    values = ir_measures.calc_aggregate(measures, qrels, run)
    result = {"recall@1": values[R @ 1], "recall@5": values[R @ 5], "recall@10": values[R @ 10],
              "mrr@10": values[RR @ 10], "ndcg@10": values[nDCG @ 10]}
    result.update({f"success@{depth}": values[Success @ depth] for depth in RECALL_DEPTHS})
    return {name: float(value) for name, value in result.items()}


# A share of n questions, read from one run, is itself uncertain: with 70
# questions one question moves it by 0.014, and a refit that moves the answer
# threshold within its flat range flips one or two. The Wilson score interval
# (z = 1.96, about 95%) says how far the share of questions like these could
# lie from the one measured; it stays inside [0, 1] for shares near 0 or 1.
INTERVAL_Z = 1.96
# Which count each share is taken over, for the shares whose intervals the
# summary gives: the ones the targets are stated in.
SHARE_OF = {"citation_hit@1": "answerable", "answer_accuracy": "answerable",
            "answer_cited_accuracy": "answerable", "overall_accuracy": "questions",
            "false_not_found_rate": "answerable", "unanswerable_accuracy": "unanswerable",
            "bare_not_found_rate": "answerable"}


def wilson_interval(share: float, count: int, z: float = INTERVAL_Z) -> tuple[float, float]:
    """The Wilson score interval of a share measured on `count` questions;
    (0, 1) when there are none."""
    if count <= 0:
        return 0.0, 1.0
    centre = (share + z * z / (2 * count)) / (1 + z * z / count)
    spread = z / (1 + z * z / count) * np.sqrt(share * (1 - share) / count
                                                  + z * z / (4 * count * count))
    return max(0.0, float(centre - spread)), min(1.0, float(centre + spread))


def interval_text(interval: tuple[float, float]) -> str:
    """An interval as the report tables write it: "0.68-0.87"."""
    return f"{interval[0]:.2f}-{interval[1]:.2f}"


def share_interval(metrics: dict, name: str) -> tuple[float, float] | None:
    """The interval of one of the SHARE_OF shares in a run's metrics, or None
    for a metric that is no plain share of questions (an index time, a mean
    of ranks) or whose count the metrics lack."""
    count = metrics.get(SHARE_OF.get(name, ""))
    if count is None or name not in metrics:
        return None
    return wilson_interval(metrics[name], int(count))


def _mean(values) -> float:
    values = list(values)
    return float(np.mean(values)) if values else 0.0


def citation_metrics(outcomes: list[Outcome]) -> dict:
    """Over answerable questions (a "not found" scores as no hit)."""
    answerable = [outcome for outcome in outcomes if not outcome.item.unanswerable]
    answered = [outcome for outcome in answerable if outcome.answer["citations"]]
    return {
        "citation_hit": _mean(any(outcome.overlaps_evidence(citation)
                                  for citation in outcome.answer["citations"])
                              for outcome in answerable),
        "citation_hit@1": _mean(outcome.first_citation_on_evidence for outcome in answerable),
        "citation_precision": _mean(
            _mean(outcome.overlaps_evidence(citation) for citation in outcome.answer["citations"])
            for outcome in answered),
        "cited_lines_per_answer": _mean(
            sum(citation["line_end"] - citation["line_start"] + 1
                for citation in outcome.answer["citations"]) for outcome in answered),
    }


def answer_metrics(outcomes: list[Outcome]) -> dict:
    answerable = [outcome for outcome in outcomes if not outcome.item.unanswerable]
    return {
        "answer_accuracy": _mean(outcome.answer_correct for outcome in answerable),
        "answer_cited_accuracy": _mean(outcome.correct for outcome in answerable),
    }


def not_found_metrics(outcomes: list[Outcome]) -> dict:
    """Overall accuracy (SQuAD 2.0 style) and answer triggering (WikiQA):
    precision over the questions answered, recall over the answerable ones."""
    answerable = [outcome for outcome in outcomes if not outcome.item.unanswerable]
    unanswerable = [outcome for outcome in outcomes if outcome.item.unanswerable]
    answered = [outcome for outcome in outcomes if outcome.answered]
    right = sum(1 for outcome in answered if outcome.correct and not outcome.item.unanswerable)
    precision = right / len(answered) if answered else 0.0
    recall = right / len(answerable) if answerable else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "overall_accuracy": _mean(outcome.correct for outcome in outcomes),
        "trigger_precision": precision,
        "trigger_recall": recall,
        "trigger_f1": f1,
        "false_not_found_rate": _mean(not outcome.answered for outcome in answerable),
        "unanswerable_accuracy": _mean(not outcome.answered for outcome in unanswerable),
    }


def related_metrics(outcomes: list[Outcome]) -> dict:
    """The middle outcome: an abstention that shows related lines. On
    answerable questions, how often it is a bare "not found" (nothing shown)
    and how often the related lines hold the evidence; on unanswerable ones,
    how often a bare "not found" is given."""
    answerable = [outcome for outcome in outcomes if not outcome.item.unanswerable]
    unanswerable = [outcome for outcome in outcomes if outcome.item.unanswerable]
    related = [outcome for outcome in answerable
               if not outcome.answered and outcome.answer.get("related")]
    return {
        "bare_not_found_rate": _mean(not outcome.answered and not outcome.answer.get("related")
                                     for outcome in answerable),
        "related_rate": _mean(bool(outcome.answer.get("related")) for outcome in answerable),
        "related_hit": _mean(any(outcome.overlaps_evidence(span)
                                 for span in outcome.answer["related"]) for outcome in related),
        "unanswerable_bare_not_found": _mean(not outcome.answered
                                             and not outcome.answer.get("related")
                                             for outcome in unanswerable),
    }


def speed_metrics(outcomes: list[Outcome], index_seconds: float) -> dict:
    milliseconds = np.array([outcome.seconds * 1000 for outcome in outcomes]) \
        if outcomes else np.zeros(1)
    return {"index_seconds": float(index_seconds),
            "ms_per_question_p50": float(np.percentile(milliseconds, 50)),
            "ms_per_question_p95": float(np.percentile(milliseconds, 95))}


def all_metrics(outcomes: list[Outcome], chunks: list[dict], index_seconds: float) -> dict:
    counts = {"questions": len(outcomes),
              "answerable": sum(not outcome.item.unanswerable for outcome in outcomes),
              "unanswerable": sum(outcome.item.unanswerable for outcome in outcomes)}
    return {**counts, **retrieval_metrics(outcomes, chunks), **citation_metrics(outcomes),
            **answer_metrics(outcomes), **not_found_metrics(outcomes),
            **related_metrics(outcomes),
            **speed_metrics(outcomes, index_seconds)}
