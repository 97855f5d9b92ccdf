"""Run a dataset through the assistant, exactly as `rag ask` answers."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from rag.assistant import Assistant
from rag.settings import Settings

from .dataset import OUT_DIR, Dataset
from .metrics import Outcome, all_metrics

EVAL_DEPTH = 10  # chunks retrieved per question, for Recall@10 and nDCG@10


@dataclass
class RunResult:
    dataset: Dataset
    outcomes: list[Outcome]
    metrics: dict
    index_seconds: float


def index_dir_for(corpus_dir: Path) -> Path:
    name = re.sub(r"[^A-Za-z0-9]+", "_", str(corpus_dir.resolve())).strip("_")[-80:]
    return OUT_DIR / "indexes" / name


def prepare(dataset: Dataset, settings: Settings | None = None, notify=None) -> tuple[Assistant, float]:
    """An assistant over the dataset's corpus (indexed, or updated, first)."""
    base = settings or Settings.from_env()
    assistant = Assistant(base.with_(index_dir=index_dir_for(dataset.corpus_dir)), notify=notify)
    report = assistant.index([dataset.corpus_dir])
    return assistant, report.seconds


def run(dataset: Dataset, assistant: Assistant, index_seconds: float,
        limit: int | None = None, progress=None) -> RunResult:
    outcomes = []
    items = dataset.items[:limit] if limit else dataset.items
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item.question, k=EVAL_DEPTH)
        outcomes.append(Outcome(item, answer.to_json(), time.perf_counter() - started))
        if progress:
            progress(1)
    chunks = [{"file": chunk.file, "line_start": chunk.line_start, "line_end": chunk.line_end}
              for chunk in assistant.data().all_chunks()]
    return RunResult(dataset, outcomes, all_metrics(outcomes, chunks, index_seconds),
                     index_seconds)
