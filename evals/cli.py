"""`rag eval`: run a dataset, write reports, compare, check thresholds, fit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .dataset import EVALS_DIR, OUT_DIR, load_dataset

THRESHOLDS_FILE = EVALS_DIR / "thresholds.json"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_thresholds(name: str, metrics: dict, thresholds: dict) -> list[str]:
    """Failures of `metrics` against the dataset's floors and ceilings."""
    limits = thresholds.get(name, {})
    failures = []
    for metric, floor in limits.get("min", {}).items():
        if metrics.get(metric, float("-inf")) < floor:
            failures.append(f"{name}: {metric} = {metrics.get(metric)} is below {floor}")
    for metric, ceiling in limits.get("max", {}).items():
        if metrics.get(metric, float("inf")) > ceiling:
            failures.append(f"{name}: {metric} = {metrics.get(metric)} is above {ceiling}")
    return failures


def flat_limits(name: str, thresholds: dict) -> dict:
    limits = thresholds.get(name, {})
    return {**limits.get("min", {}), **limits.get("max", {})}


def run_eval_command(args) -> int:
    from tqdm import tqdm

    from rag.settings import Settings

    from . import report
    from .runner import prepare, run

    if args.fit:
        from .calibrate import fit_and_save

        fit_and_save(notify=_stderr)
        return 0
    try:
        dataset = load_dataset(args.dataset or "sample",
                               Path(args.corpus) if getattr(args, "corpus", None) else None)
    except (FileNotFoundError, ValueError, KeyError) as error:
        _stderr(f"rag: error: {error}")
        return 1
    settings = Settings.from_env(model=getattr(args, "model", None))
    assistant, index_seconds = prepare(dataset, settings, notify=_stderr)
    total = min(len(dataset.items), args.limit or len(dataset.items))
    with tqdm(total=total, desc=f"asking {dataset.name}", unit=" q", file=sys.stderr,
              disable=None) as bar:
        result = run(dataset, assistant, index_seconds, limit=args.limit, progress=bar.update)
    out = Path(args.out) if args.out else OUT_DIR / dataset.name
    threshold = settings.calibration.abstain_threshold
    report.write_json(result, out / "report.json", threshold)
    plots = report.write_plots(result, out, threshold)
    thresholds = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8"))
    summary = report.write_markdown(result, out, flat_limits(dataset.name, thresholds), plots)
    print(f"## {dataset.name}: {result.metrics['questions']} questions")
    print(report.summary_table(result.metrics, flat_limits(dataset.name, thresholds)))
    print(f"report: {out / 'report.json'}; summary: {summary}")
    if args.compare:
        try:
            old = json.loads(Path(args.compare).read_text(encoding="utf-8"))["metrics"]
        except (OSError, ValueError, KeyError) as error:
            _stderr(f"rag: error: cannot read {args.compare}: {error}")
            return 1
        print()
        print(report.compare_table(result.metrics, old))
    if args.check:
        failures = check_thresholds(dataset.name, result.metrics, thresholds)
        for failure in failures:
            _stderr(f"FAIL {failure}")
        if failures:
            return 1
        print(f"{dataset.name}: every metric meets its threshold")
    return 0
