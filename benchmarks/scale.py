"""Benchmark: an index of a million sentences.

    python benchmarks/scale.py [--sentences 1000000] [--queries 200]

Embedding a million sentences on a laptop CPU takes hours, so the vectors
are synthetic (a fixed seed; clustered around 1,000 random directions, the
way real sentence vectors crowd around topics, so approximate search faces
the same kind of structure); the text is real: sentences of the bundled
sample articles and of the SQuAD dev articles, each repeated with one word
swapped for another. The index itself is built and loaded by the product's
own code (`store.save_index` / `store.load_index`, `HybridRetriever`), so it
takes the large-collection path: IVF-SQ8 and BM25, both memory-mapped.

Two child processes, so each reports its own peak RSS:
- build: save the index (FAISS training and BM25 included); time, size on disk;
- search: load it (checksums verified), then for each query time dense
  search alone and the full hybrid ranking; its peak RSS is taken before
  recall@10 of the dense search is measured against exact search (which
  reads every vector).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIMENSION = 384
TOPICS = 1000
SENTENCES_PER_FILE = 100


def real_sentences() -> list[str]:
    from rag.sentences import split_sentences
    from rag.settings import SAMPLE_CORPUS_DIR

    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE_CORPUS_DIR.glob("*.txt"))]
    try:
        from evals.squad import DEFAULT_SOURCE

        articles = json.loads(DEFAULT_SOURCE.read_text(encoding="utf-8"))["data"]
        texts += [paragraph["context"] for article in articles
                  for paragraph in article["paragraphs"]]
    except OSError:
        pass  # the sample articles alone still give real text
    return [sentence.text for number, text in enumerate(texts)
            for sentence in split_sentences(text, f"{number}.txt") if not sentence.is_furniture]


def synthetic_vectors(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((TOPICS, DIMENSION)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    vectors = np.empty((count, DIMENSION), dtype=np.float32)
    # Small blocks, in place: the temporaries stay small beside the result.
    for start in range(0, count, 20_000):
        size = min(20_000, count - start)
        block = topics[rng.integers(0, TOPICS, size)]
        block += 0.08 * rng.standard_normal((size, DIMENSION), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        vectors[start:start + size] = block
    return vectors


def build(index_dir: Path, count: int) -> dict:
    from rag.chunks import chunk_sentences
    from rag.settings import DEFAULT_MODEL
    from rag.store import IndexData, save_index
    from rag.types import Sentence

    started = time.perf_counter()
    base = real_sentences()
    vocabulary = sorted({word for text in base for word in text.split() if word.isalpha()})
    rng = random.Random(0)
    sentences, chunks, files = [], [], {}
    for file_number in range(0, count, SENTENCES_PER_FILE):
        name = f"doc_{file_number // SENTENCES_PER_FILE:05d}.txt"
        first = len(sentences)
        own, offset = [], 0
        for line in range(min(SENTENCES_PER_FILE, count - file_number)):
            words = base[rng.randrange(len(base))].split()
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
            text = " ".join(words)
            own.append(Sentence(name, line + 1, line + 1, offset, offset + len(text), text))
            offset += len(text) + 1
        chunks += chunk_sentences(own, first, 120, 30)
        sentences += own
        files[name] = {"sha256": "", "encoding": "utf-8", "path": "",
                       "sentences": [first, len(sentences)], "chunks": [0, 0]}
    text_seconds = time.perf_counter() - started
    manifest = {"model": DEFAULT_MODEL, "encoder": "synthetic", "dimension": DIMENSION,
                "chunking": {"chunk_tokens": 120, "chunk_overlap": 30}, "root": str(index_dir),
                "files": files, "counts": {"files": len(files), "sentences": count,
                                           "chunks": len(chunks)}}
    saved = time.perf_counter()
    # No reference kept here: once saved, the store reads the vectors from
    # disk and their memory goes back, as in `rag index`.
    generation = save_index(index_dir, IndexData(manifest, sentences, chunks,
                                                 synthetic_vectors(count)))
    save_seconds = time.perf_counter() - saved
    size = sum(path.stat().st_size for path in (index_dir / generation).iterdir())
    return {"sentences": count, "chunks": len(chunks), "text_seconds": text_seconds,
            "save_seconds": save_seconds, "disk_mb": size / 1e6,
            "vector_index": json.loads((index_dir / generation / "manifest.json")
                                       .read_text(encoding="utf-8"))["vector_index"]}


def search(index_dir: Path, queries: int) -> dict:
    import resource

    from rag.retrieval import HybridRetriever
    from rag.settings import DEFAULT_MODEL, Calibration
    from rag.store import load_index

    started = time.perf_counter()
    data = load_index(index_dir, DEFAULT_MODEL)
    load_seconds = time.perf_counter() - started
    retriever = HybridRetriever(data, Calibration.load())

    rng = np.random.default_rng(1)
    picked = rng.choice(len(data.sentences), size=queries, replace=False)
    # A question near a stored sentence, in meaning and in words.
    query_vectors = np.asarray(data.sentence_vectors[np.sort(picked)], dtype=np.float32)
    query_vectors += 0.05 * rng.standard_normal(query_vectors.shape).astype(np.float32)
    query_vectors /= np.linalg.norm(query_vectors, axis=1, keepdims=True)
    query_texts = [" ".join(data.sentences[int(index)].text.split()[:8])
                   for index in np.sort(picked)]

    dense_times, hybrid_times, found = [], [], []
    for vector, text in zip(query_vectors, query_texts):
        begun = time.perf_counter()
        _, ids = data.vector_index.search(vector.reshape(1, -1), 10)
        dense_times.append(time.perf_counter() - begun)
        found.append(ids[0])
        begun = time.perf_counter()
        retriever.rank(text, vector)
        hybrid_times.append(time.perf_counter() - begun)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    exact = exact_top10(data.sentence_vectors, query_vectors)
    recall = float(np.mean([len(set(approximate) & set(truth)) / 10
                            for approximate, truth in zip(found, exact)]))
    return {"load_seconds": load_seconds, "peak_rss_mb": peak,
            "dense_ms": percentiles(dense_times), "hybrid_ms": percentiles(hybrid_times),
            "recall@10": recall}


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Exact top 10 by inner product, reading the stored vectors once."""
    best_scores = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 10), dtype=np.int64)
    for start in range(0, len(vectors), 100_000):
        scores = queries @ np.asarray(vectors[start:start + 100_000]).T
        merged_scores = np.concatenate([best_scores, scores], axis=1)
        merged_ids = np.concatenate([best_ids, np.broadcast_to(
            np.arange(start, start + scores.shape[1]), scores.shape)], axis=1)
        top = np.argsort(-merged_scores, axis=1)[:, :10]
        best_scores = np.take_along_axis(merged_scores, top, axis=1)
        best_ids = np.take_along_axis(merged_ids, top, axis=1)
    return best_ids


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"p50": 1000 * ordered[len(ordered) // 2],
            "p95": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}


def child(phase: str, index_dir: str, number: int) -> None:
    import resource

    result = build(Path(index_dir), number) if phase == "build" else \
        search(Path(index_dir), number)
    result.setdefault("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def run(phase: str, index_dir: Path, number: int) -> dict:
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, __file__, "--phase", phase, str(index_dir),
                                str(number)], capture_output=True, text=True, cwd=ROOT,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if completed.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return child(args.phase, args.rest[0], int(args.rest[1]))
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch) / "index"
        print(f"building an index of {args.sentences:,} sentences", flush=True)
        built = run("build", index_dir, args.sentences)
        print(json.dumps(built, indent=2), flush=True)
        print(f"loading it and asking {args.queries} questions", flush=True)
        searched = run("search", index_dir, args.queries)
        print(json.dumps(searched, indent=2), flush=True)
    print()
    print("| what | value |")
    print("|---|---|")
    rows = [
        ("sentences / chunks", f"{built['sentences']:,} / {built['chunks']:,}"),
        ("FAISS index", json.dumps(built["vector_index"])),
        ("build: save (FAISS training, BM25) of the whole process",
         f"{built['save_seconds']:.1f} s of {built['wall_seconds']:.1f} s"),
        ("build: peak RSS", f"{built['peak_rss_mb']:.0f} MB"),
        ("size on disk", f"{built['disk_mb']:.0f} MB"),
        ("load, checksums verified", f"{searched['load_seconds']:.1f} s"),
        ("dense search p50 / p95", f"{searched['dense_ms']['p50']:.1f} / "
                                   f"{searched['dense_ms']['p95']:.1f} ms"),
        ("hybrid ranking (dense + BM25 + fusion) p50 / p95",
         f"{searched['hybrid_ms']['p50']:.1f} / {searched['hybrid_ms']['p95']:.1f} ms"),
        ("recall@10 of dense search against exact search", f"{searched['recall@10']:.3f}"),
        ("load and search: peak RSS", f"{searched['peak_rss_mb']:.0f} MB"),
    ]
    for what, value in rows:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
