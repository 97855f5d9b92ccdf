"""What retrieval and indexing need from storage, and which store a run uses.

Two stores implement it, and nothing above this layer (the answerer, the
citations, the JSON) knows which one answers:

- the index folder (`rag/store.py`, the default): FAISS and bm25s files in
  generations swapped atomically, held in this process;
- Milvus (`rag/milvus_store.py`, `--store PATH.db` for Milvus Lite or
  `--store http://HOST:19530` for a server): sentence and chunk rows with
  their vectors and Milvus's own BM25, the manifest stored beside them.

Ids: a sentence id and a chunk id name one row for the life of a generation.
In the folder they are positions in its tables; in Milvus, ranges handed out
per file and never reused. Either way a file's sentences have consecutive
ids, so the sentence before id N is N - 1 when it belongs to the same file,
and the manifest records each file's range (`files[name]["sentences"]`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

import numpy as np

from .types import Chunk, Sentence

Notify = Callable[[str], None]


@dataclass
class FileEntry:
    """One file's new share of an index: its sentences, chunks (sentence ids
    relative to the file's first sentence) and, once embedded, vectors."""

    file: str
    sha256: str
    encoding: str
    sentences: list[Sentence]
    chunks: list[Chunk]
    sentence_vectors: np.ndarray | None = None
    path: str = ""  # absolute path of the file on disk


class IndexView(Protocol):
    """One generation of an index, as the retriever and answerer read it."""

    manifest: dict
    generation: str

    @property
    def root(self) -> Path: ...

    def sentence(self, sentence_id: int) -> Sentence | None:
        """The sentence with this id, or None where there is none."""

    def chunk(self, chunk_id: int) -> Chunk: ...

    def vectors(self, sentence_ids: list[int]) -> np.ndarray:
        """The sentences' vectors, one row per id, in the order given."""

    def prefetch(self, sentence_ids: Iterable[int] = (), chunk_ids: Iterable[int] = ()) -> None:
        """A hint that these rows are about to be read: a remote store
        fetches them in one request instead of one each."""

    def all_chunks(self) -> list[Chunk]:
        """Every chunk, in id order (for evaluation: which chunks hold the evidence)."""

    def dense_search(self, query_vector: np.ndarray, count: int) -> list[tuple[int, tuple]]:
        """The `count` sentences nearest the query vector, best first, each
        with the ids of the chunks holding it (none for page furniture)."""

    def keyword_search(self, query: str, count: int) -> list[int]:
        """Ids of the `count` chunks BM25 ranks highest for the query."""

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each token over the chunks."""


class StoreWriter(Protocol):
    """One update of an index. Nothing is visible to readers until `commit`;
    a writer that fails or is killed before it leaves the previous state
    answering."""

    def keep(self, file: str, info: dict) -> None:
        """Carry an unchanged file over (`info`: its entry in the live manifest)."""

    def add(self, entry: FileEntry) -> None:
        """Write a new or changed file, embedded."""

    def commit(self, manifest: dict) -> str:
        """Make kept and added files the live index, with `manifest`'s
        settings (model, encoder, chunking, root); returns the generation."""

    def abort(self) -> None: ...


class Store(Protocol):
    location: str  # for messages: the folder or the Milvus URI

    def generation(self) -> str | None:
        """The live generation's name (cheap: asked before every question)."""

    def manifest(self) -> dict:
        """The live manifest; NoIndex when there is none."""

    def open(self, model: str, encoder: str | None = None) -> IndexView:
        """The live generation, checked against `model` (and `encoder`)."""

    def writer(self, dimension: int) -> StoreWriter: ...

    def lock(self, wait: float, notify: Notify | None) -> AbstractContextManager:
        """One writer at a time (see `indexer.index_lock`)."""


def open_store(settings) -> Store:
    """The store `settings.store` names: the index folder when empty."""
    location = (settings.store or "").strip()
    if not location:
        from .store import FolderStore

        return FolderStore(settings.index_dir)
    from .milvus_store import MilvusStore

    return MilvusStore(location, settings.index_dir)
