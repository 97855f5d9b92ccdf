"""Many users at once against a live `rag serve`, while the index changes.

    python benchmarks/load.py [--users 20] [--seconds 60] [--out FILE]

Starts `rag serve` (with a login, as a shared server would run) on a copy of
the sample articles in a scratch folder, then for `--seconds`:
- `--users` simulated users (one httpx async client each) ask questions
  from the sample and variants sets through POST /api/ask, one after the
  other, as fast as answers come;
- an uploader adds a new article through the page's upload API every few
  seconds;
- a re-indexer appends a paragraph to one of the articles and runs
  `rag index` on the folder as a separate process (the writer the uploads
  must share the index with).

Files are only ever appended to or added, so a line cited at any moment is
still that line at the end: every citation in every answer is then checked
against the file on disk (its lines must hold the cited sentence). Reports
requests served, errors, latency p50/p95, citations checked and wrong, and
what the uploader and re-indexer managed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.settings import SAMPLE_CORPUS_DIR  # noqa: E402

QUESTION_SETS = [ROOT / "evals" / "datasets" / name
                 for name in ("sample_articles.jsonl", "sample_variants.jsonl")]
USER, PASSWORD = "load", "test-password"
SEED = 7


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _questions() -> list[str]:
    questions = []
    for path in QUESTION_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    return questions


def _squeeze(text: str) -> str:
    """Text with whitespace and hyphens gone: how a sentence reflowed over
    wrapped or hyphenated lines still matches those lines."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


class CitationChecker:
    """Checks cited lines against the files on disk, at the end of the run."""

    def __init__(self, corpus: Path, index_dir: Path):
        self.corpus, self.index_dir = corpus, index_dir
        self.checked = 0
        self.wrong: list[dict] = []

    def path_of(self, file: str) -> Path:
        return (self.index_dir / file) if file.startswith("uploads/") else self.corpus / file

    def check(self, citation: dict) -> None:
        self.checked += 1
        try:
            lines = self.path_of(citation["file"]).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            self.wrong.append({**citation, "problem": f"unreadable: {error}"})
            return
        cited = "\n".join(lines[citation["line_start"] - 1:citation["line_end"]])
        if not citation.get("text") or _squeeze(citation["text"]) not in _squeeze(cited):
            self.wrong.append({**citation, "problem": "the cited lines do not hold the text"})


async def _user(client: httpx.AsyncClient, url: str, questions: list[str], rng: random.Random,
                stop: float, results: list) -> None:
    while time.monotonic() < stop:
        question = rng.choice(questions)
        started = time.perf_counter()
        try:
            response = await client.post(f"{url}/api/ask", json={"question": question,
                                                                  "mode": "extractive"})
            body = response.json()
            results.append((time.perf_counter() - started, response.status_code, body))
        except (httpx.HTTPError, ValueError) as error:
            results.append((time.perf_counter() - started, 0, {"error": repr(error)}))


def _uploader(url: str, folder: Path, stop: float, log: list) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, auth=(USER, PASSWORD), verbose=False)
    number = 0
    while time.monotonic() < stop - 3:
        number += 1
        path = folder / f"harbour-{number:03d}.md"
        path.write_text(f"# Harbour report {number}\n\nFerry line {number} leaves pier "
                        f"{number} every {10 + number} minutes.\nIts captain is "
                        f"Captain Number{number}.\n", encoding="utf-8")
        log.append(client.predict([handle_file(str(path))], api_name="/upload"))
        time.sleep(4)


def _reindexer(corpus: Path, index_dir: Path, stop: float, log: list) -> None:
    files = sorted(corpus.glob("*.txt"))
    number = 0
    while time.monotonic() < stop - 10:
        time.sleep(6)
        number += 1
        with open(files[number % len(files)], "a", encoding="utf-8") as handle:
            handle.write(f"\n\nUpdate {number}: the harbour board met on day {number}.\n")
        result = subprocess.run([sys.executable, "-m", "rag.cli", "index", str(corpus),
                                 "--index-dir", str(index_dir)], capture_output=True, text=True,
                                cwd=ROOT)
        log.append("busy" if "try again when it has finished" in result.stderr
                   else result.returncode)


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            response = httpx.post(f"{url}/api/ask", json={"question": "Who heads MiG?"},
                                  auth=(USER, PASSWORD), timeout=60)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("the server did not become ready")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def _ask_all(url: str, users: int, stop: float) -> list:
    questions = _questions()
    results: list = []
    limits = httpx.Limits(max_connections=users)
    async with httpx.AsyncClient(auth=(USER, PASSWORD), timeout=120, limits=limits) as client:
        await asyncio.gather(*(_user(client, url, questions, random.Random(SEED + number), stop,
                                     results) for number in range(users)))
    return results


def run(users: int, seconds: float) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="rag-load-"))
    corpus, index_dir, outbox = scratch / "corpus", scratch / "index", scratch / "outbox"
    shutil.copytree(SAMPLE_CORPUS_DIR, corpus)
    outbox.mkdir()
    subprocess.run([sys.executable, "-m", "rag.cli", "index", str(corpus), "--index-dir",
                    str(index_dir)], check=True, cwd=ROOT, capture_output=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--index-dir",
                               str(index_dir), "--port", str(port), "--auth",
                               f"{USER}:{PASSWORD}"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        _wait_ready(url, server)
        stop = time.monotonic() + seconds
        uploads: list = []
        reindexes: list = []
        background = [threading.Thread(target=_uploader, args=(url, outbox, stop, uploads)),
                      threading.Thread(target=_reindexer, args=(corpus, index_dir, stop,
                                                                reindexes))]
        for thread in background:
            thread.start()
        started = time.monotonic()
        results = asyncio.run(_ask_all(url, users, stop))
        elapsed = time.monotonic() - started
        for thread in background:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    checker = CitationChecker(corpus, index_dir)
    for _, status, body in results:
        for citation in body.get("citations", []) + body.get("related", []):
            checker.check(citation)
    latencies = [seconds_taken for seconds_taken, status, _ in results if status == 200]
    errors = [body for _, status, body in results if status != 200]
    upload_text = "\n".join(uploads)
    report = {
        "users": users, "seconds": round(elapsed, 1), "requests": len(results),
        "answered_per_second": round(len(latencies) / elapsed, 2),
        "errors": len(errors), "error_examples": errors[:3],
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(1000 * _percentile(latencies, 0.95), 1),
        "citations_checked": checker.checked, "citations_wrong": len(checker.wrong),
        "wrong_examples": checker.wrong[:3],
        "uploads_added": upload_text.count("✅ added"),
        "uploads_refused_while_indexing": upload_text.count("being updated"),
        "reindexes": reindexes.count(0), "reindexes_busy": reindexes.count("busy"),
        "reindex_failures": sum(code not in (0, "busy") for code in reindexes),
        "cpu_count": os.cpu_count(),
    }
    shutil.rmtree(scratch, ignore_errors=True)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    report = run(args.users, args.seconds)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if report["errors"] or report["citations_wrong"] or report["reindex_failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
