"""Reports: a JSON file with every metric and per-question outcome, and a
Markdown summary with a table and plots (PNG via matplotlib)."""

from __future__ import annotations

import json
from pathlib import Path

from .metrics import RECALL_DEPTHS, interval_text, share_interval
from .runner import RunResult

# (metric, label, higher is better)
TABLE = (
    ("success@1", "Retrieval Success@1", True),
    ("success@5", "Retrieval Success@5", True),
    ("recall@1", "Retrieval Recall@1", True),
    ("recall@5", "Retrieval Recall@5", True),
    ("recall@10", "Retrieval Recall@10", True),
    ("mrr@10", "Retrieval MRR@10", True),
    ("ndcg@10", "Retrieval nDCG@10", True),
    ("citation_hit", "Citation hit", True),
    ("citation_hit@1", "Citation hit@1", True),
    ("citation_precision", "Citation precision", True),
    ("cited_lines_per_answer", "Cited lines per answer", False),
    ("answer_accuracy", "Answer contains gold", True),
    ("answer_cited_accuracy", "Answer right + cited right", True),
    ("overall_accuracy", "Overall accuracy (SQuAD 2.0 style)", True),
    ("trigger_precision", "Answer-triggering precision", True),
    ("trigger_recall", "Answer-triggering recall", True),
    ("trigger_f1", "Answer-triggering F1", True),
    ("false_not_found_rate", "False \"not found\" rate", False),
    ("unanswerable_accuracy", "\"Not found\" on unanswerable", True),
    ("bare_not_found_rate", "Bare \"not found\" on answerable", False),
    ("related_rate", "Related lines shown on answerable", False),
    ("related_hit", "Related lines hold the evidence", True),
    ("unanswerable_bare_not_found", "Bare \"not found\" on unanswerable", True),
    ("index_seconds", "Index seconds", False),
    ("ms_per_question_p50", "ms per question (p50)", False),
    ("ms_per_question_p95", "ms per question (p95)", False),
)


def write_json(result: RunResult, path: Path, threshold: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "dataset": result.dataset.name,
        "metrics": result.metrics,
        "abstain_threshold": threshold,
        "questions": [{"id": outcome.item.id, "unanswerable": outcome.item.unanswerable,
                       "correct": outcome.correct, "seconds": round(outcome.seconds, 4),
                       "answer": outcome.answer} for outcome in result.outcomes],
    }
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")


def summary_table(metrics: dict, thresholds: dict | None = None) -> str:
    """The metrics as a markdown table, with the CI floor of each that has one
    and, for the shares of questions the targets are stated in, the 95%
    interval of the share (`metrics.share_interval`): a difference inside it
    may be one question's chance, not a better answerer."""
    thresholds = thresholds or {}
    rows = ["| metric | value | 95% interval | threshold |", "| --- | ---: | :---: | ---: |"]
    for name, label, _ in TABLE:
        if name in metrics:
            limit = thresholds.get(name)
            interval = share_interval(metrics, name)
            rows.append(f"| {label} | {_format(metrics[name])} | "
                        f"{'' if interval is None else interval_text(interval)} | "
                        f"{'' if limit is None else _format(limit)} |")
    return "\n".join(rows)


def _format(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def compare_table(new: dict, old: dict) -> str:
    rows = ["| metric | old | new | change |", "| --- | ---: | ---: | --- |"]
    for name, label, higher_better in TABLE:
        if name in new and name in old:
            delta = new[name] - old[name]
            better = delta > 1e-9 if higher_better else delta < -1e-9
            worse = delta < -1e-9 if higher_better else delta > 1e-9
            verdict = "better" if better else "worse" if worse else "same"
            rows.append(f"| {label} | {_format(old[name])} | {_format(new[name])} | "
                        f"{delta:+.3f} {verdict} |")
    return "\n".join(rows)


def write_plots(result: RunResult, folder: Path, threshold: float) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    names = []
    metrics = result.metrics
    if "success@1" in metrics:
        figure, axis = plt.subplots(figsize=(5, 3.2))
        axis.plot(RECALL_DEPTHS, [metrics[f"success@{depth}"] for depth in RECALL_DEPTHS],
                  marker="o")
        axis.set(xlabel="k (chunks retrieved)", ylabel="share of questions",
                 title="Evidence found in the top k chunks", ylim=(0, 1.02))
        axis.grid(alpha=0.3)
        names.append(_save(figure, folder / "recall_at_k.png"))
    answerable = [outcome.answer["confidence"] for outcome in result.outcomes
                  if not outcome.item.unanswerable]
    unanswerable = [outcome.answer["confidence"] for outcome in result.outcomes
                    if outcome.item.unanswerable]
    figure, axis = plt.subplots(figsize=(5, 3.2))
    bins = [step / 20 for step in range(21)]
    axis.hist(answerable, bins=bins, alpha=0.6, label="answerable")
    axis.hist(unanswerable, bins=bins, alpha=0.6, label="unanswerable")
    axis.axvline(threshold, color="black", linestyle="--", label="\"not found\" below")
    axis.set(xlabel="answer confidence", ylabel="questions",
             title="Confidence of the best sentence")
    axis.legend()
    names.append(_save(figure, folder / "confidence.png"))
    figure, axis = plt.subplots(figsize=(5, 3.2))
    axis.hist([outcome.seconds * 1000 for outcome in result.outcomes], bins=30)
    axis.set(xlabel="ms per question", ylabel="questions", title="Latency")
    names.append(_save(figure, folder / "latency.png"))
    return names


def _save(figure, path: Path) -> str:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(figure)
    return path.name


def write_markdown(result: RunResult, folder: Path, thresholds: dict, plots: list[str]) -> Path:
    metrics = result.metrics
    lines = [f"# Evaluation: {result.dataset.name}", "",
             f"{metrics['questions']} questions ({metrics['answerable']} answerable, "
             f"{metrics['unanswerable']} unanswerable).", "",
             summary_table(metrics, thresholds), ""]
    lines += [f"![{name}]({name})" for name in plots]
    wrong = [outcome for outcome in result.outcomes if not outcome.correct][:15]
    if wrong:
        lines += ["", "## Some misses", ""]
        for outcome in wrong:
            expected = "not found" if outcome.item.unanswerable else " / ".join(outcome.item.answers)
            lines.append(f"- **{outcome.item.question}** expected: {expected}; "
                         f"got: {outcome.answer['answer'][:160]}")
    path = folder / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
