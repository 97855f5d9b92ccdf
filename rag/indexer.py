"""Build or update an index from folders of documents.

Runs the stages in order (documents -> sentences -> chunks -> vectors ->
store). Files whose content hash is unchanged since the live index keep their
sentences, chunks and vectors; only new and changed files are embedded. A
change of model or chunk settings (or `rebuild=True`) embeds everything.
"""

from __future__ import annotations

import fcntl
import platform
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np

from . import __version__
from .chunks import chunk_sentences
from .documents import Document, Skipped, common_root, discover, read_document
from .embedding import Embedder, load_embedder
from .sentences import split_sentences
from .settings import SAMPLE_CORPUS_DIR, Settings
from .store import IndexData, IndexError_, current_generation, load_index, save_index
from .types import Chunk, Sentence

Notify = Callable[[str], None]


class IndexBusy(RuntimeError):
    pass


class NothingIndexed(RuntimeError):
    pass


@dataclass
class IndexReport:
    index_dir: Path
    root: Path
    files: int = 0
    chunks: int = 0
    sentences: int = 0
    seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"indexed {self.files} files ({len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.removed)} removed, {len(self.unchanged)} unchanged), "
                f"{self.chunks} chunks, {len(self.skipped)} skipped, in {self.seconds:.1f} s "
                f"-> {self.index_dir}")


@dataclass
class FileEntry:
    """One file's share of the index, fresh or carried over."""

    file: str
    sha256: str
    encoding: str
    sentences: list[Sentence]
    chunks: list[Chunk]  # sentence ids relative to this file's first sentence
    sentence_vectors: np.ndarray | None = None
    chunk_vectors: np.ndarray | None = None


@contextmanager
def index_lock(index_dir: Path):
    """One writer at a time per index folder; a second one is told so."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / ".lock", "w")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another `rag index` is writing {index_dir}; "
                            f"wait for it to finish") from None
        yield
    finally:
        handle.close()


def _previous_entries(settings: Settings, root: Path) -> dict[str, FileEntry]:
    """Per-file data of the live index, when it can be reused."""
    if current_generation(settings.index_dir) is None:
        return {}
    try:
        data = load_index(settings.index_dir, settings.model)
    except IndexError_:
        return {}
    manifest = data.manifest
    same_chunking = manifest.get("chunking") == _chunking(settings)
    if not same_chunking or manifest.get("root") != str(root):
        return {}
    entries = {}
    for file, info in manifest["files"].items():
        first, last = info["sentences"]
        chunk_first, chunk_last = info["chunks"]
        chunks = [_shift(chunk, -first) for chunk in data.chunks[chunk_first:chunk_last]]
        entries[file] = FileEntry(file, info["sha256"], info.get("encoding", "utf-8"),
                                  data.sentences[first:last], chunks,
                                  data.sentence_vectors[first:last],
                                  data.chunk_vectors[chunk_first:chunk_last])
    return entries


def _shift(chunk: Chunk, offset: int) -> Chunk:
    return Chunk(chunk.file, chunk.line_start, chunk.line_end, chunk.text,
                 chunk.sentence_start + offset, chunk.sentence_end + offset)


def _chunking(settings: Settings) -> dict:
    return {"chunk_tokens": settings.chunk_tokens, "chunk_overlap": settings.chunk_overlap,
            "sentence_splitter": 1}


def _fresh_entry(document: Document, settings: Settings) -> FileEntry:
    sentences = split_sentences(document.text, document.file)
    chunks = chunk_sentences(sentences, 0, settings.chunk_tokens, settings.chunk_overlap)
    return FileEntry(document.file, document.sha256, document.encoding, sentences, chunks)


def build_index(paths: list[Path] | None, settings: Settings, rebuild: bool = False,
                notify: Notify = print, progress_factory=None,
                embedder: Embedder | None = None) -> IndexReport:
    """Index `paths` (default: the bundled sample articles) into
    `settings.index_dir`. Raises NothingIndexed when no file could be used."""
    started = time.perf_counter()
    paths = [Path(path).resolve() for path in (paths or [SAMPLE_CORPUS_DIR])]
    root = common_root(paths)
    report = IndexReport(settings.index_dir, root)
    with index_lock(settings.index_dir):
        previous = {} if rebuild else _previous_entries(settings, root)
        entries: dict[str, FileEntry] = {}
        for found in discover(paths, root):
            if isinstance(found, Skipped):
                report.skipped.append(found)
                notify(str(found))
                continue
            path, file = found
            document, message = read_document(path, file)
            if document is None:
                report.skipped.append(Skipped(file, message))
                notify(str(report.skipped[-1]))
                continue
            if message:
                notify(f"warning: {file}: {message}")
            old = previous.get(file)
            if old is not None and old.sha256 == document.sha256:
                entries[file] = old
                report.unchanged.append(file)
            else:
                entries[file] = _fresh_entry(document, settings)
                (report.changed if old is not None else report.added).append(file)
        report.removed = sorted(set(previous) - set(entries))
        usable = {file: entry for file, entry in entries.items() if entry.chunks}
        for file in sorted(set(entries) - set(usable)):
            report.skipped.append(Skipped(file, "no text to index"))
            notify(str(report.skipped[-1]))
        if not usable:
            raise NothingIndexed(f"nothing to index: no readable .txt or .md files in "
                                 f"{', '.join(str(path) for path in paths)}")
        embedder = embedder or load_embedder(settings.model)
        _embed_missing(list(usable.values()), embedder, settings, progress_factory)
        data = _assemble(usable, settings, root, embedder)
        save_index(settings.index_dir, data)
    report.files = len(usable)
    report.chunks = len(data.chunks)
    report.sentences = len(data.sentences)
    report.seconds = time.perf_counter() - started
    return report


def _embed_missing(entries: list[FileEntry], embedder: Embedder, settings: Settings,
                   progress_factory) -> None:
    todo = [entry for entry in entries if entry.sentence_vectors is None]
    texts = [sentence.text for entry in todo for sentence in entry.sentences]
    texts += [chunk.text for entry in todo for chunk in entry.chunks]
    if not texts:
        return
    bar = progress_factory(len(texts)) if progress_factory else None
    vectors = embedder.encode_documents(texts, settings.batch_size,
                                        progress=bar.update if bar else None)
    if bar:
        bar.close()
    position = 0
    for entry in todo:
        entry.sentence_vectors = vectors[position:position + len(entry.sentences)]
        position += len(entry.sentences)
    for entry in todo:
        entry.chunk_vectors = vectors[position:position + len(entry.chunks)]
        position += len(entry.chunks)


def _assemble(entries: dict[str, FileEntry], settings: Settings, root: Path,
              embedder: Embedder) -> IndexData:
    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    files = {}
    for file in sorted(entries):
        entry = entries[file]
        first, chunk_first = len(sentences), len(chunks)
        sentences.extend(entry.sentences)
        chunks.extend(_shift(chunk, first) for chunk in entry.chunks)
        files[file] = {"sha256": entry.sha256, "encoding": entry.encoding,
                       "sentences": [first, len(sentences)], "chunks": [chunk_first, len(chunks)]}
    ordered = [entries[file] for file in sorted(entries)]
    dimension = embedder.dimension
    manifest = {
        "model": embedder.model_id,
        "dimension": dimension,
        "metric": "inner product of L2-normalized vectors (cosine)",
        "chunking": _chunking(settings),
        "root": str(root),
        "files": files,
        "counts": {"files": len(files), "sentences": len(sentences), "chunks": len(chunks)},
        "versions": _library_versions(),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    return IndexData(
        manifest=manifest, sentences=sentences, chunks=chunks,
        chunk_vectors=np.vstack([entry.chunk_vectors for entry in ordered]).astype(np.float32),
        sentence_vectors=np.vstack([entry.sentence_vectors for entry in ordered]).astype(np.float32),
    )


def _library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"rag": __version__, "python": platform.python_version()}
    for package in ("faiss-cpu", "sentence-transformers", "torch", "bm25s"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            pass
    return versions
