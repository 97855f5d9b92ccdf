"""Milvus as the store (`--store PATH.db` for Milvus Lite, `--store
http://HOST:19530` for a Milvus server or cluster); see rag/storage.py.

Three collections per index, named after the index folder's name
(`--index-dir`; the default "index" gives rag_index_...):

    rag_index_sentences_384   one row per sentence: file, lines, text, the ids of
                        the chunks holding it, its vector (384 = dimension)
    rag_index_chunks_384      one row per chunk: file, lines, text, its sentence id
                        range, and BM25 over its terms (Milvus's full-text
                        function, so keyword search runs in Milvus)
    rag_index_manifest        the manifest as JSON, in parts, and a header row
                        naming the live generation

Ids are handed out per file from a counter kept in the header and never
reused, so a row's id names it for good. An update inserts the rows of new
and changed files under fresh ids (invisible: readers only take ids inside
the ranges of their manifest), then replaces the one header row, which is
the moment the update lands. The rows of changed and removed files stay
until the next update (a question still running on the previous generation
can finish), which deletes them first. A run that dies before the header is
replaced leaves the previous index answering; its rows (ids past the
counter) are deleted by the next.

Reading is here (`MilvusStore`, `MilvusView`); an update is written by
`milvus_writer.MilvusWriter`.

Keyword search feeds Milvus the terms of rag's own tokenizer (stemmed,
without stop words), each term's other characters turned into "_" so that
Milvus's standard tokenizer keeps it whole: the same words are matched as
with the folder's bm25s index.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .keyword import bm25_idf, tokenize
from .store import IndexError_, NoIndex, check_compatible
from .types import Chunk, Sentence

if TYPE_CHECKING:
    from .milvus_writer import MilvusWriter

EXTRA = "pip install -e '.[scale]'"
TEXT_LIMIT = 65_535  # bytes of a Milvus VARCHAR
MANIFEST_PART = 15_000  # characters of manifest JSON per row (4 bytes each at most)
HEADER_ID = 0
BATCH = 1_000  # rows per insert or fetch
# Searched per chunk wanted, as in retrieval.py, plus room for rows of an
# update in progress that this reader must skip.
SEARCH_LIMIT = 16_384  # Milvus's largest top-k
SENTENCE_FIELDS = ["file", "line_start", "line_end", "char_start", "char_end", "text",
                   "is_furniture", "page", "extracted", "chunk_ids", "dense"]
CHUNK_FIELDS = ["file", "line_start", "line_end", "text", "sentence_start", "sentence_end",
                "page", "extracted"]
MAX_CHUNKS_PER_SENTENCE = 64


class StoreUnavailable(IndexError_):
    """The store cannot be reached or its client is not installed."""


def milvus_term(token: str) -> str:
    """A keyword term of rag's spelled so Milvus's standard tokenizer keeps
    it whole ("s-400" -> "s_400")."""
    return re.sub(r"\W", "_", token)


def milvus_terms(text: str) -> str:
    """rag's keyword terms of `text`, spelled for Milvus."""
    return " ".join(milvus_term(token) for token in tokenize(text))


def _client(uri: str):
    # gRPC's keep-alive chatter and pymilvus's own error log would print
    # beside rag's one-line messages.
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise StoreUnavailable(f"--store {uri} needs the Milvus client: {EXTRA}") from None
    for name in ("pymilvus", "milvus_lite"):  # rag says what failed, in one line
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        if uri.endswith(".db"):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            return MilvusClient(uri)
        return MilvusClient(uri=uri, token=os.environ.get("RAG_MILVUS_TOKEN", ""))
    except ImportError:
        raise StoreUnavailable(f"--store {uri} needs Milvus Lite: {EXTRA}") from None
    except Exception as error:  # pymilvus raises its own and gRPC's errors here
        hint = (" (Milvus Lite serves one process at a time: is another rag using it? "
                "Use a Milvus server for several)" if uri.endswith(".db") else "")
        raise StoreUnavailable(f"cannot open the Milvus store {uri}: "
                               f"{str(error)[:200]}{hint}") from None


class MilvusStore:
    def __init__(self, location: str, index_dir: Path):
        is_lite = location.endswith(".db")
        self.uri = str(Path(location).expanduser().resolve()) if is_lite else location
        self.location = self.uri
        self.is_lite = is_lite
        self.prefix = "rag_" + re.sub(r"\W", "_", Path(index_dir).resolve().name)
        # Writers of one store take a lock on this machine; writers on
        # several machines sharing one Milvus server would need a lock service.
        self.lock_dir = Path(self.uri + ".lock") if is_lite else Path(index_dir)
        self._client = None
        self._manifests: dict[str, dict] = {}
        self._loaded: set[str] = set()

    @property
    def client(self):
        if self._client is None:
            self._client = _client(self.uri)
        return self._client

    def collection(self, kind: str, dimension: int | None = None) -> str:
        return f"{self.prefix}_{kind}" + (f"_{dimension}" if dimension else "")

    def loaded(self, name: str) -> str:
        """`name`, loaded for reading (Milvus reads only loaded collections;
        each process loads what it reads, once)."""
        if name not in self._loaded:
            self.client.load_collection(name)
            self._loaded.add(name)
        return name

    # -- reading --------------------------------------------------------------
    def header(self) -> dict | None:
        name = self.collection("manifest")
        # Asked before every question: once loaded, the collection is known
        # to exist (it is never dropped), so only the header is fetched.
        if name not in self._loaded and not self.client.has_collection(name):
            return None
        rows = self.client.get(self.loaded(name), ids=[HEADER_ID], output_fields=["text"])
        return json.loads(rows[0]["text"]) if rows else None

    def generation(self) -> str | None:
        header = self.header()
        return header["generation"] if header else None

    def manifest(self) -> dict:
        for _ in range(3):  # a writer may land between reading the header and the parts
            header = self.header()
            if header is None:
                raise NoIndex(f"no index in {self.location}")
            cached = self._manifests.get(header["generation"])
            if cached is not None:
                return cached
            rows = self.client.get(self.collection("manifest"), ids=header["parts"],
                                   output_fields=["text"])
            by_id = {row["id"]: row["text"] for row in rows}
            if set(by_id) == set(header["parts"]):
                cached = json.loads("".join(by_id[part] for part in header["parts"]))
                self._manifests = {header["generation"]: cached}
                return cached
        raise IndexError_(f"the index in {self.location} is damaged (manifest parts "
                          f"missing); run: rag index --rebuild")

    def open(self, model: str, encoder: str | None = None) -> "MilvusView":
        manifest = self.manifest()
        check_compatible(manifest, model, Path(self.location), encoder)
        return MilvusView(self, manifest)

    # -- writing --------------------------------------------------------------
    def writer(self, dimension: int) -> "MilvusWriter":
        from .milvus_writer import MilvusWriter  # it imports this module

        return MilvusWriter(self, dimension)

    def lock(self, wait: float = 0.0, notify=None):
        from .locking import index_lock

        return index_lock(self.lock_dir, wait, notify)

    def ensure_collections(self, dimension: int) -> None:
        from pymilvus import DataType, Function, FunctionType

        client = self.client
        name = self.collection("manifest")
        if not client.has_collection(name):
            schema = client.create_schema(auto_id=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("text", DataType.VARCHAR, max_length=TEXT_LIMIT)
            # Milvus wants a vector in every collection; this one is unused.
            schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)
            indexes = client.prepare_index_params()
            indexes.add_index("unused", index_type="FLAT", metric_type="L2")
            client.create_collection(name, schema=schema, index_params=indexes,
                                     consistency_level="Strong")
        name = self.collection("sentences", dimension)
        if not client.has_collection(name):
            schema = _located_rows(client, ("char_start", "char_end"))
            schema.add_field("is_furniture", DataType.BOOL)
            schema.add_field("chunk_ids", DataType.ARRAY, element_type=DataType.INT64,
                             max_capacity=MAX_CHUNKS_PER_SENTENCE)
            schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
            indexes = client.prepare_index_params()
            # Exact search in Milvus Lite (its only fast-enough choice for
            # the sizes it is for); IVF-SQ8 on a server, as the folder does
            # past 200,000 sentences (docs/scale-out.md).
            if self.is_lite:
                indexes.add_index("dense", index_type="FLAT", metric_type="IP")
            else:
                indexes.add_index("dense", index_type="IVF_SQ8", metric_type="IP",
                                  params={"nlist": 4096})
            client.create_collection(name, schema=schema, index_params=indexes,
                                     consistency_level="Strong")
        name = self.collection("chunks", dimension)
        if not client.has_collection(name):
            schema = _located_rows(client, ("sentence_start", "sentence_end"))
            schema.add_field("terms", DataType.VARCHAR, max_length=TEXT_LIMIT,
                             enable_analyzer=True, enable_match=True,
                             analyzer_params={"tokenizer": "standard"})
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                         input_field_names=["terms"],
                                         output_field_names=["sparse"]))
            indexes = client.prepare_index_params()
            # The folder's bm25s index uses the same k1 and b.
            indexes.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                              params={"bm25_k1": 1.2, "bm25_b": 0.75})
            client.create_collection(name, schema=schema, index_params=indexes,
                                     consistency_level="Strong")


def _located_rows(client, numbers: tuple[str, ...]):
    """The schema shared by sentence and chunk rows: an id, where the text
    sits in its file, the text, and `numbers` of the row's own."""
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("file", DataType.VARCHAR, max_length=4096)
    for field in ("line_start", "line_end", "page", *numbers):
        schema.add_field(field, DataType.INT64)
    schema.add_field("extracted", DataType.BOOL)
    schema.add_field("text", DataType.VARCHAR, max_length=TEXT_LIMIT)
    return schema


class LiveIds:
    """Which ids a manifest's files own: rows outside these ranges belong
    to an update in progress or one being cleaned up, and are skipped."""

    def __init__(self, ranges: list[list[int]]):
        ordered = sorted((first, last) for first, last in ranges if last > first)
        self.starts = [first for first, _ in ordered]
        self.ends = [last for _, last in ordered]

    def __contains__(self, row_id: int) -> bool:
        position = bisect.bisect_right(self.starts, row_id) - 1
        return position >= 0 and row_id < self.ends[position]


class MilvusView:
    """One generation of a Milvus index, read row by row as the answerer
    asks, with what it has read kept (rows never change under an id)."""

    CACHE_ROWS = 200_000

    def __init__(self, store: MilvusStore, manifest: dict):
        self.store = store
        self.manifest = manifest
        self.generation = manifest["generation"]
        dimension = manifest["dimension"]
        self.sentences_name = store.loaded(store.collection("sentences", dimension))
        self.chunks_name = store.loaded(store.collection("chunks", dimension))
        files = manifest["files"].values()
        self.live_sentences = LiveIds([info["sentences"] for info in files])
        self.live_chunks = LiveIds([info["chunks"] for info in files])
        self._sentences: dict[int, tuple[Sentence, np.ndarray, tuple]] = {}
        self._chunks: dict[int, Chunk] = {}
        self._frequency: dict[str, int] = {}

    @property
    def root(self) -> Path:
        return Path(self.manifest["root"])

    def prefetch(self, sentence_ids=(), chunk_ids=()) -> None:
        self._fetch(self.sentences_name, sentence_ids, self.live_sentences, self._sentences,
                    SENTENCE_FIELDS, _sentence_of)
        self._fetch(self.chunks_name, chunk_ids, self.live_chunks, self._chunks,
                    CHUNK_FIELDS, _chunk_of)

    def _fetch(self, name: str, ids, live: LiveIds, cache: dict, fields: list[str],
               convert) -> None:
        """Rows of `ids` that are live and not yet in `cache`, in batches."""
        if len(cache) > self.CACHE_ROWS:  # a long-running server: start afresh
            cache.clear()
        wanted = sorted({int(i) for i in ids if i not in cache and i in live})
        for start in range(0, len(wanted), BATCH):
            for row in self.store.client.get(name, ids=wanted[start:start + BATCH],
                                             output_fields=fields):
                cache[row["id"]] = convert(row)

    def all_chunks(self) -> list[Chunk]:
        iterator = self.store.client.query_iterator(self.chunks_name, batch_size=BATCH,
                                                    filter="id >= 0",
                                                    output_fields=CHUNK_FIELDS)
        rows = {}
        while True:
            batch = iterator.next()
            if not batch:
                break
            rows.update({row["id"]: _chunk_of(row) for row in batch
                         if row["id"] in self.live_chunks})
        iterator.close()
        return [rows[chunk_id] for chunk_id in sorted(rows)]

    def sentence(self, sentence_id: int) -> Sentence | None:
        if sentence_id not in self.live_sentences:
            return None
        if sentence_id not in self._sentences:
            self.prefetch(sentence_ids=[sentence_id])
        found = self._sentences.get(sentence_id)
        return found[0] if found else None

    def chunk(self, chunk_id: int) -> Chunk:
        if chunk_id not in self._chunks:
            self.prefetch(chunk_ids=[chunk_id])
        try:
            return self._chunks[chunk_id]
        except KeyError:
            raise IndexError_(f"the index in {self.store.location} lacks chunk {chunk_id}; "
                              f"run: rag index --rebuild") from None

    def vectors(self, sentence_ids) -> np.ndarray:
        ids = [int(i) for i in sentence_ids]
        self.prefetch(sentence_ids=ids)
        return np.array([self._sentences[i][1] for i in ids], dtype=np.float32).reshape(
            len(ids), self.manifest["dimension"])

    def dense_search(self, query_vector: np.ndarray, count: int) -> list[tuple[int, tuple]]:
        hits = self.store.client.search(
            self.sentences_name, data=[np.asarray(query_vector, dtype=np.float32).tolist()],
            anns_field="dense", limit=min(count, SEARCH_LIMIT), output_fields=["chunk_ids"],
            search_params={"params": {"nprobe": 24}})
        return [(hit["id"], tuple(hit["entity"]["chunk_ids"] or ())) for hit in hits[0]
                if hit["id"] in self.live_sentences]

    def keyword_search(self, query: str, count: int) -> list[int]:
        terms = milvus_terms(query)
        if not terms:
            return []
        hits = self.store.client.search(self.chunks_name, data=[terms], anns_field="sparse",
                                        limit=min(count, SEARCH_LIMIT))
        return [hit["id"] for hit in hits[0] if hit["id"] in self.live_chunks]

    def idf(self, tokens) -> dict[str, float]:
        """As the folder's bm25s index computes it; a term's chunk count is
        asked of Milvus once per term (rows of an update in progress count
        too, a difference that lasts only while it runs)."""
        size = self.manifest["counts"]["chunks"]
        result = {}
        for token in tokens:
            term = milvus_term(token)
            if term not in self._frequency:
                rows = self.store.client.query(self.chunks_name,
                                               filter=f"TEXT_MATCH(terms, '{term}')",
                                               output_fields=["count(*)"])
                self._frequency[term] = int(rows[0]["count(*)"]) if rows else 0
            result[token] = bm25_idf(size, self._frequency[term])
        return result


def _page(value: int) -> int | None:
    return None if value < 0 else int(value)


def _sentence_of(row: dict) -> tuple[Sentence, np.ndarray, tuple]:
    sentence = Sentence(row["file"], int(row["line_start"]), int(row["line_end"]),
                        int(row["char_start"]), int(row["char_end"]), row["text"],
                        bool(row["is_furniture"]), _page(row["page"]), bool(row["extracted"]))
    return sentence, np.asarray(row["dense"], dtype=np.float32), tuple(row["chunk_ids"] or ())


def _chunk_of(row: dict) -> Chunk:
    return Chunk(row["file"], int(row["line_start"]), int(row["line_end"]), row["text"],
                 int(row["sentence_start"]), int(row["sentence_end"]), _page(row["page"]),
                 bool(row["extracted"]))
