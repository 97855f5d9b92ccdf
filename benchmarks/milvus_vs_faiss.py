"""Milvus Lite against the FAISS + bm25s store on the same sentences.

    pip install pymilvus milvus-lite      # the store extra of issue #12; not in CI
    python benchmarks/milvus_vs_faiss.py [--sentences 100000] [--queries 200]

The vectors are synthetic (a fixed seed, clustered as `benchmarks/scale.py`
makes them) and the texts real sentences with one word swapped, so both
stores face the same data. For each store: build time (insert and index),
dense search p50/p95 and recall@10 against exact search, keyword search
p50/p95 (bm25s over the texts for ours; Milvus's own BM25 full-text
function for Milvus). Measured one store after the other in one process,
so the ratios hold on a machine whose speed varies from day to day.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import DIMENSION, real_sentences, synthetic_vectors  # noqa: E402

TOP = 10


def texts_for(count: int) -> list[str]:
    base = real_sentences()
    vocabulary = sorted({word for text in base for word in text.split() if word.isalpha()})
    rng = random.Random(0)
    texts = []
    for _ in range(count):
        words = base[rng.randrange(len(base))].split()
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
        texts.append(" ".join(words))
    return texts


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"p50_ms": round(1000 * statistics.median(ordered), 2),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)}


def recall(found: list[list[int]], exact: np.ndarray) -> float:
    return float(np.mean([len(set(row) & set(truth.tolist())) / TOP
                          for row, truth in zip(found, exact)]))


def ours(vectors: np.ndarray, texts: list[str], queries: np.ndarray, words: list[str],
         exact: np.ndarray, folder: Path) -> dict:
    """The product's FAISS index (exact below 200,000 vectors, as `rag index`
    builds it) plus IVF-SQ8 forced, and its BM25."""
    import faiss

    from rag.keyword import KeywordIndex
    from rag.store import IVF_PROBES, build_vector_index

    path = folder / "vectors.npy"
    np.save(path, vectors)
    results = {}
    started = time.perf_counter()
    flat, description = build_vector_index(path)
    results["faiss_" + description["kind"]] = _faiss_figures(flat, started, queries, exact)
    started = time.perf_counter()
    lists = int(2 * np.sqrt(len(vectors)))
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(DIMENSION), DIMENSION, lists,
                                        faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), 40 * lists),
                                                      replace=False)])
    ivf.add(vectors)
    ivf.nprobe = IVF_PROBES
    results["faiss_ivf_sq8"] = _faiss_figures(ivf, started, queries, exact)
    started = time.perf_counter()
    keyword = KeywordIndex(texts)
    build = time.perf_counter() - started
    seconds = []
    for word in words:
        begun = time.perf_counter()
        scores = keyword.scores(word)
        np.argpartition(-scores, TOP)[:TOP]
        seconds.append(time.perf_counter() - begun)
    results["bm25s"] = {"build_s": round(build, 1), **percentiles(seconds)}
    return results


def _faiss_figures(index, started: float, queries: np.ndarray, exact: np.ndarray) -> dict:
    build = time.perf_counter() - started
    seconds, found = [], []
    for query in queries:
        begun = time.perf_counter()
        _, ids = index.search(query[None, :], TOP)
        seconds.append(time.perf_counter() - begun)
        found.append(ids[0].tolist())
    return {"build_s": round(build, 1), **percentiles(seconds),
            "recall@10": round(recall(found, exact), 3)}


def milvus(vectors: np.ndarray, texts: list[str], queries: np.ndarray, words: list[str],
           exact: np.ndarray, folder: Path, index_type: str) -> dict:
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    client = MilvusClient(str(folder / f"milvus_{index_type.lower()}.db"))
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=4096, enable_analyzer=True)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=DIMENSION)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=["text"], output_field_names=["sparse"]))
    indexes = client.prepare_index_params()
    params = {"nlist": int(2 * np.sqrt(len(vectors)))} if index_type != "FLAT" else {}
    indexes.add_index("dense", index_type=index_type, metric_type="IP", params=params)
    indexes.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    started = time.perf_counter()
    client.create_collection("sentences", schema=schema, index_params=indexes)
    for start in range(0, len(vectors), 5_000):
        client.insert("sentences", [{"id": start + row, "text": texts[start + row],
                                     "dense": vectors[start + row].tolist()}
                                    for row in range(min(5_000, len(vectors) - start))])
    client.flush("sentences")
    client.load_collection("sentences")
    build = time.perf_counter() - started
    seconds, found = [], []
    search_params = {"params": {"nprobe": 24}} if index_type != "FLAT" else {}
    for query in queries:
        begun = time.perf_counter()
        hits = client.search("sentences", data=[query.tolist()], anns_field="dense",
                             limit=TOP, search_params=search_params)
        seconds.append(time.perf_counter() - begun)
        found.append([hit["id"] for hit in hits[0]])
    dense = {"build_s": round(build, 1), **percentiles(seconds),
             "recall@10": round(recall(found, exact), 3)}
    seconds = []
    for word in words:
        begun = time.perf_counter()
        client.search("sentences", data=[word], anns_field="sparse", limit=TOP)
        seconds.append(time.perf_counter() - begun)
    client.close()
    return {f"milvus_lite_{index_type.lower()}": dense,
            "milvus_lite_bm25": {"build_s": "with the collection", **percentiles(seconds)}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    vectors = synthetic_vectors(args.sentences)
    texts = texts_for(args.sentences)
    rng = np.random.default_rng(1)
    queries = vectors[rng.choice(len(vectors), args.queries, replace=False)] + \
        0.05 * rng.standard_normal((args.queries, DIMENSION)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :TOP]
    words = [" ".join(random.Random(number).sample(texts[number].split(), 2))
             for number in range(args.queries)]
    report = {"sentences": args.sentences, "queries": args.queries}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        report.update(ours(vectors, texts, queries, words, exact, folder))
        for index_type in ("FLAT", "IVF_SQ8"):
            try:
                report.update(milvus(vectors, texts, queries, words, exact, folder, index_type))
            except Exception as error:  # an index type Milvus Lite lacks is reported, not fatal
                report[f"milvus_lite_{index_type.lower()}"] = {"error": str(error)[:300]}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
