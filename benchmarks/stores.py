"""The index folder against Milvus Lite (with and without Ray) on one corpus.

    pip install -e '.[scale]'
    python benchmarks/stores.py [--corpus DIR] [--questions evals/datasets/sample_articles.jsonl]

For each way of storing and indexing, in one process, one after the other
(so the ratios hold on a machine whose speed varies from day to day):
`rag index` time, then every question of the set asked as `rag ask` would
(warm: one throwaway question first), with p50/p95 per question, and the
share of questions whose answer (answered or not, cited and related lines)
is the same as the folder's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.assistant import Assistant  # noqa: E402
from rag.settings import SAMPLE_CORPUS_DIR, Settings  # noqa: E402


def places(answer) -> tuple:
    spans = [(item.file, item.line_start, item.line_end)
             for item in (*answer.citations, *answer.related)]
    return answer.abstained, spans


def measure(settings: Settings, corpus: Path, questions: list[str]) -> dict:
    assistant = Assistant(settings)
    started = time.perf_counter()
    report = assistant.index([corpus])
    index_seconds = time.perf_counter() - started
    assistant.warm_up()
    seconds, answers = [], []
    for question in questions:
        begun = time.perf_counter()
        answers.append(assistant.ask(question))
        seconds.append(time.perf_counter() - begun)
    ordered = sorted(seconds)
    return {"index_s": round(index_seconds, 1), "sentences": report.sentences,
            "ask_p50_ms": round(1000 * statistics.median(ordered), 1),
            "ask_p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
            "answers": answers}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SAMPLE_CORPUS_DIR)
    parser.add_argument("--questions", type=Path,
                        default=ROOT / "evals" / "datasets" / "sample_articles.jsonl")
    args = parser.parse_args(argv)
    questions = [json.loads(line)["question"]
                 for line in args.questions.read_text(encoding="utf-8").splitlines() if line]
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        runs = {"folder (FAISS + bm25s)": Settings(index_dir=folder / "folder"),
                "Milvus Lite": Settings(index_dir=folder / "lite", store=str(folder / "lite.db")),
                "Milvus Lite, indexed on a local Ray": Settings(
                    index_dir=folder / "ray", store=str(folder / "ray.db"), ray_address="local")}
        for name, settings in runs.items():
            results[name] = measure(settings, args.corpus, questions)
    baseline = [places(answer) for answer in results["folder (FAISS + bm25s)"]["answers"]]
    report = {"corpus": str(args.corpus), "questions": len(questions)}
    for name, result in results.items():
        same = sum(places(answer) == base for answer, base in zip(result.pop("answers"), baseline))
        report[name] = {**result, "same_answer_as_folder": round(same / len(questions), 3)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
