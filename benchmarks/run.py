"""Every speed and memory figure, before and after, measured in one run.

    python benchmarks/run.py [--before REF] [--files 1000] [--skip-squad] [--out FILE]

"Before" is the code at git ref REF (default: the last commit before the ONNX
encoder, which ran the model in sentence-transformers on torch and embedded
every chunk as well as every sentence), checked out in a scratch worktree;
"after" is this working tree with its defaults. Each figure is measured for
both in the same run, one job at a time, so the ratio holds even though this
machine's speed varies from day to day.

Figures:
- `rag ask` as a whole new process on an existing index: wall time, peak RSS;
- the chat page: seconds until it says Ready, then its first and second question;
- `rag index` of FILES generated articles (as benchmarks/incremental_index.py
  makes them), whole process: wall time, peak RSS;
- warm time per question (everything but an LLM), p50 / p95, on the sample,
  variants and license sets and on SQuAD dev articles 3-5;
- agreement of the ONNX vectors with sentence-transformers (cosine, mean and
  worst) on the sample and SQuAD sentences.

Peak RSS is each child process's own maximum (getrusage), so one job's
memory never counts against another's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A child measuring "before" imports rag from the old tree instead.
TREE = Path(os.environ.get("RAG_BENCHMARK_TREE") or ROOT)
sys.path.insert(0, str(TREE))

BEFORE, AFTER = "before", "after"
BEFORE_REF = "01c1039"  # last commit with the torch encoder and chunk vectors
QUESTION = "How much has Turkey paid so far for the F-35?"


# -- work done in a child process --------------------------------------------
def child_cli(argv: list[str]) -> dict:
    """Run one `rag` command in this (fresh) process."""
    from rag.cli import main

    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            code = main(argv)
        finally:
            sys.stdout = stdout
    return {"code": code}


def child_page(index_dir: str, warm_up: bool) -> dict:
    """Start the chat page's app and time its first two questions."""
    import ui
    from rag.settings import Settings

    import inspect

    options = {"warm_up": warm_up} if "warm_up" in inspect.signature(ui.build_app).parameters \
        else {}
    started = time.perf_counter()
    app = ui.build_app(Settings.from_env(index_dir=Path(index_dir)), **options)
    app.state.indexing.done.wait(600)
    ready = time.perf_counter() - started
    times = []
    for question in (QUESTION, "Where were the S-400 systems delivered?"):
        begun = time.perf_counter()
        app.state.assistant.ask(question)
        times.append(time.perf_counter() - begun)
    return {"ready": ready, "first": times[0], "second": times[1]}


def child_warm(index_dir: str, dataset: str) -> dict:
    """Per-question time on a loaded assistant, warm-up excluded."""
    from evals.dataset import load_dataset
    from rag.assistant import Assistant
    from rag.settings import Settings

    items = load_dataset(dataset).items
    assistant = Assistant(Settings.from_env(index_dir=Path(index_dir)))
    assistant.ask(items[0].question)  # loading is not part of the time per question
    times = []
    for item in items:
        begun = time.perf_counter()
        assistant.ask(item.question)
        times.append(time.perf_counter() - begun)
    times.sort()
    return {"questions": len(times), "p50": times[len(times) // 2],
            "p95": times[min(len(times) - 1, int(0.95 * len(times)))]}


def child_agreement(skip_squad: bool) -> dict:
    """Cosine of ONNX vectors (int8 and float) with sentence-transformers'."""
    import numpy as np

    from rag.embedding import load_embedder
    from rag.sentences import split_sentences
    from rag.settings import DEFAULT_MODEL, SAMPLE_CORPUS_DIR

    sets = {"sample": [sentence.text for path in sorted(SAMPLE_CORPUS_DIR.glob("*.txt"))
                       for sentence in split_sentences(path.read_text(encoding="utf-8"),
                                                       path.name)]}
    if not skip_squad:
        from evals.squad import DEFAULT_SOURCE

        articles = json.loads(DEFAULT_SOURCE.read_text(encoding="utf-8"))["data"]
        texts = [paragraph["context"] for article in articles
                 for paragraph in article["paragraphs"]]
        sets["squad"] = [sentence.text for number, text in enumerate(texts)
                         for sentence in split_sentences(text, f"{number}.txt")]
    reference = load_embedder(DEFAULT_MODEL, "torch")
    result = {}
    for name, texts in sets.items():
        expected = reference.encode_documents(texts)
        for encoder in ("onnx-int8", "onnx"):
            vectors = load_embedder(DEFAULT_MODEL, encoder).encode_documents(texts)
            cosine = (vectors * expected).sum(axis=1)
            result[f"{name}/{encoder}"] = {"sentences": len(texts),
                                           "mean": float(cosine.mean()),
                                           "worst": float(cosine.min())}
    return result


CHILDREN = {"cli": lambda args: child_cli(args.rest),
            "page": lambda args: child_page(args.rest[0], args.rest[1] == "warm"),
            "warm": lambda args: child_warm(args.rest[0], args.rest[1]),
            "agreement": lambda args: child_agreement(args.rest[0] == "skip-squad")}


TREES: dict[str, Path] = {AFTER: ROOT}


def run_child(name: str, *rest: str, side: str) -> dict:
    """One measurement in a fresh process on the `side` tree: its result,
    wall time and peak RSS."""
    env = dict(os.environ, RAG_BENCHMARK_TREE=str(TREES[side]), TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(TREES[side]))
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, __file__, "--child", name, "--", *rest],
                               capture_output=True, text=True, env=env, cwd=TREES[side])
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"benchmark step {name} {rest} ({side}) failed:\n"
                         f"{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def child_main(name: str, rest: list[str]) -> None:
    import resource

    result = CHILDREN[name](argparse.Namespace(rest=rest))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# -- the table ---------------------------------------------------------------
class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, what: str, before: float, after: float, unit: str, target: str = "",
            digits: int = 2) -> None:
        ratio = f"{before / after:.1f}× less" if after and before >= after else \
            (f"{after / before:.2f}× more" if before else "")
        self.rows.append((what, f"{before:.{digits}f} {unit}", f"{after:.{digits}f} {unit}",
                          ratio, target))
        print(f"  {what}: before {before:.{digits}f} {unit}, after {after:.{digits}f} {unit} "
              f"({ratio})", flush=True)

    def note(self, what: str, value: str, target: str = "") -> None:
        self.rows.append((what, "", value, "", target))
        print(f"  {what}: {value}", flush=True)

    def markdown(self, before_label: str) -> str:
        lines = [f"| what | before ({before_label}) | after (this tree) | ratio | target |",
                 "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def machine() -> str:
    import platform

    cpus = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in
                     open("/proc/cpuinfo", encoding="utf-8") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model or platform.processor()}, {cpus} cores, {memory:.0f} GiB, " \
           f"Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE_REF, metavar="REF",
                        help=f"git ref measured as before (default {BEFORE_REF})")
    parser.add_argument("--files", type=int, default=1000,
                        help="articles in the indexing benchmark (default 1000)")
    parser.add_argument("--skip-squad", action="store_true",
                        help="leave out the SQuAD figures (no ../shared/datasets)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each cold start; the median is shown (default 3)")
    parser.add_argument("--out", type=Path, help="also write the table (markdown) here")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS),
                        help="measure only these parts (default: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_main(args.child, args.rest)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        TREES[BEFORE] = scratch / "before-tree"
        # Both trees read the shared datasets from ../shared.
        if (ROOT.parent / "shared").exists():
            (scratch / "shared").symlink_to(ROOT.parent / "shared")
        subprocess.run(["git", "worktree", "add", "--detach", "-f", str(TREES[BEFORE]),
                        args.before], cwd=ROOT, check=True, capture_output=True)
        try:
            table = measure(args, scratch)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(TREES[BEFORE])],
                           cwd=ROOT, capture_output=True)
    report = f"Measured on {machine()}, {time.strftime('%Y-%m-%d')}; before = {args.before}.\n\n" \
             f"{table.markdown(args.before)}\n"
    print()
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


PARTS = ("cold", "page", "index", "warm", "agreement")


def measure(args, scratch: Path) -> Table:
    sides = (BEFORE, AFTER)
    table = Table()
    sample_index: dict = {}
    if {"cold", "page"} & set(args.only):
        print("preparing: one sample index per side (and the ONNX export)", flush=True)
        sample_index = {side: scratch / f"sample-{side}" for side in sides}
        for side in sides:
            run_child("cli", "index", "--index-dir", str(sample_index[side]), side=side)
    if "cold" in args.only:
        measure_cold(args, table, sample_index)
    if "page" in args.only:
        measure_page(table, sample_index)
    if "index" in args.only:
        measure_indexing(args, table, scratch)
    if "warm" in args.only:
        measure_warm(args, table, scratch)
    if "agreement" in args.only:
        measure_agreement(args, table)
    return table


def measure_cold(args, table: Table, sample_index: dict) -> None:
    sides = (BEFORE, AFTER)
    print("cold start: `rag ask` on an existing index", flush=True)
    cold = {side: [run_child("cli", "ask", "--index-dir", str(sample_index[side]), QUESTION,
                             side=side) for _ in range(args.repeat)] for side in sides}
    table.add("`rag ask`, whole process",
              *(statistics.median(run["wall"] for run in cold[side]) for side in sides),
              "s", "≤ 2 s")
    table.add("`rag ask`, peak RSS", *(max(run["peak_rss_mb"] for run in cold[side])
                                       for side in sides), "MB", "≤ 350 MB", digits=0)


def measure_page(table: Table, sample_index: dict) -> None:
    sides = (BEFORE, AFTER)
    print("chat page: start, then the first and second question", flush=True)
    page = {side: run_child("page", str(sample_index[side]), "warm", side=side) for side in sides}
    table.add("chat page: start until Ready", page[BEFORE]["ready"], page[AFTER]["ready"], "s")
    table.add("chat page: first question after Ready", page[BEFORE]["first"],
              page[AFTER]["first"], "s", "as fast as the second")
    table.add("chat page: second question", page[BEFORE]["second"], page[AFTER]["second"], "s")


def measure_indexing(args, table: Table, scratch: Path) -> None:
    from benchmarks.incremental_index import make_corpus

    sides = (BEFORE, AFTER)
    print(f"indexing {args.files} generated articles, whole process", flush=True)
    corpus = scratch / "corpus"
    corpus.mkdir()
    make_corpus(corpus, args.files)
    builds = {side: run_child("cli", "index", str(corpus), "--index-dir",
                              str(scratch / f"many-{side}"), side=side) for side in sides}
    table.add(f"`rag index` {args.files} files, whole process", builds[BEFORE]["wall"],
              builds[AFTER]["wall"], "s", "≤ ⅓ of before")
    table.add(f"`rag index` {args.files} files, peak RSS", builds[BEFORE]["peak_rss_mb"],
              builds[AFTER]["peak_rss_mb"], "MB", "≤ 600 MB", digits=0)


def measure_warm(args, table: Table, scratch: Path) -> None:
    from evals.dataset import load_dataset

    sides = (BEFORE, AFTER)
    print("warm time per question", flush=True)
    for dataset in ("sample", "variants", "licenses") + (() if args.skip_squad else ("squad",)):
        warm = {}
        corpus_dir = load_dataset(dataset).corpus_dir
        for side in sides:
            index_dir = scratch / f"{dataset}-{side}"
            run_child("cli", "index", str(corpus_dir), "--index-dir", str(index_dir), side=side)
            warm[side] = run_child("warm", str(index_dir), dataset, side=side)
        count = warm[AFTER]["questions"]
        table.add(f"warm p50 per question, {dataset} ({count} q)", warm[BEFORE]["p50"] * 1000,
                  warm[AFTER]["p50"] * 1000, "ms", "≤ 30 ms", digits=1)
        table.add(f"warm p95 per question, {dataset}", warm[BEFORE]["p95"] * 1000,
                  warm[AFTER]["p95"] * 1000, "ms", "≤ 100 ms", digits=1)


def measure_agreement(args, table: Table) -> None:
    print("agreement of the ONNX vectors with sentence-transformers", flush=True)
    agreement = run_child("agreement", "skip-squad" if args.skip_squad else "squad", side=AFTER)
    for name, figures in agreement.items():
        if isinstance(figures, dict):
            table.note(f"cosine with torch vectors, {name} ({figures['sentences']} sentences)",
                       f"mean {figures['mean']:.4f}, worst {figures['worst']:.4f}")


if __name__ == "__main__":
    main()
