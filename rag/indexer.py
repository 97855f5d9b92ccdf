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
from dataclasses import dataclass, field, replace
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
from .uploads import UPLOADS_FOLDER, uploads_dir

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

    def skip(self, skipped: Skipped, notify: Notify) -> None:
        """Record a file that could not be used and say so in one line."""
        self.skipped.append(skipped)
        notify(str(skipped))

    def summary(self) -> str:
        return (f"indexed {_count(self.files, 'file')} ({len(self.added)} added, "
                f"{len(self.changed)} changed, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged), {_count(self.chunks, 'chunk')}, "
                f"{len(self.skipped)} skipped, in {self.seconds:.1f} s -> {self.index_dir}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass
class FileEntry:
    """One file's share of the index, fresh or carried over."""

    file: str
    sha256: str
    encoding: str
    sentences: list[Sentence]
    chunks: list[Chunk]  # sentence ids relative to this file's first sentence
    sentence_vectors: np.ndarray | None = None
    path: str = ""  # absolute path of the file on disk


@contextmanager
def index_lock(index_dir: Path, wait: float = 0.0, notify: Notify | None = None):
    """One writer at a time per index folder. A second one waits up to
    `wait` seconds (saying so once) for the first to finish, then gives up
    with IndexBusy: an upload from the page holds the lock for seconds, a
    `rag index` of a large folder for minutes."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / ".lock", "w")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"another writer (`rag index` or an upload from the chat "
                                    f"page) is updating {index_dir}; try again when it has "
                                    f"finished") from None
                if notify is not None:
                    notify(f"waiting up to {wait:.0f} s for another writer of {index_dir} "
                           f"to finish")
                    notify = None
                time.sleep(0.2)
        yield
    finally:
        handle.close()


def _previous_entries(settings: Settings,
                      encoder_id: str) -> tuple[str | None, dict[str, FileEntry]]:
    """The live index's root and per-file data, when they can be reused
    (same model, same encoder, same chunking)."""
    if current_generation(settings.index_dir) is None:
        return None, {}
    try:
        data = load_index(settings.index_dir, settings.model, encoder_id)
    except IndexError_:
        return None, {}
    manifest = data.manifest
    if manifest.get("chunking") != _chunking(settings):
        return manifest.get("root"), {}
    entries = {}
    for file, info in manifest["files"].items():
        first, last = info["sentences"]
        chunk_first, chunk_last = info["chunks"]
        chunks = [_shift(chunk, -first) for chunk in data.chunks[chunk_first:chunk_last]]
        entries[file] = FileEntry(file, info["sha256"], info.get("encoding", "utf-8"),
                                  data.sentences[first:last], chunks,
                                  data.sentence_vectors[first:last],
                                  path=info.get("path", ""))
    return manifest.get("root"), entries


def _shift(chunk: Chunk, offset: int) -> Chunk:
    return replace(chunk, sentence_start=chunk.sentence_start + offset,
                   sentence_end=chunk.sentence_end + offset)


def _chunking(settings: Settings) -> dict:
    return {"chunk_tokens": settings.chunk_tokens, "chunk_overlap": settings.chunk_overlap,
            "sentence_splitter": 3}


def _is_live_upload(entry: FileEntry, settings: Settings) -> bool:
    path = Path(entry.path)
    return path.is_relative_to(uploads_dir(settings).resolve()) and path.is_file()


def _fresh_entry(document: Document, file: str, settings: Settings) -> FileEntry:
    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    for unit in document.units:  # chunks never cross a PDF page
        unit_sentences = split_sentences(unit.text, file, unit.page, unit.extracted)
        chunks += chunk_sentences(unit_sentences, len(sentences), settings.chunk_tokens,
                                  settings.chunk_overlap)
        sentences += unit_sentences
    return FileEntry(file, document.sha256, document.encoding, sentences, chunks,
                     path=str(document.path))


def build_index(paths: list[Path] | None, settings: Settings, rebuild: bool = False,
                notify: Notify = print, progress_factory=None,
                embedder: Embedder | None = None, add_only: bool = False,
                lock_wait: float = 0.0) -> IndexReport:
    """Bring `settings.index_dir` in line with `paths` (default: the bundled
    sample articles): new and changed files are embedded, deleted ones
    dropped, the rest carried over. With `add_only`, `paths` are added to
    what is indexed and nothing is dropped (uploads from the web page).
    Waits up to `lock_wait` seconds for another writer (see `index_lock`).
    Raises NothingIndexed when no file could be used."""
    started = time.perf_counter()
    paths = [Path(path).resolve() for path in (paths or [SAMPLE_CORPUS_DIR])]
    with index_lock(settings.index_dir, lock_wait, notify):
        embedder = embedder or load_embedder(settings.model, settings.encoder,
                                             settings.cache_dir, notify)
        previous_root, previous = _previous_entries(settings, embedder.encoder_id)
        if rebuild:
            previous = {}
        names_root = common_root(paths)
        if add_only:
            root = Path(previous_root) if previous_root else names_root
            entries = dict(previous)
        else:
            root = names_root
            # Uploaded files stay until they are deleted from the uploads folder.
            entries = {file: entry for file, entry in previous.items()
                       if _is_live_upload(entry, settings)}
        report = IndexReport(settings.index_dir, root)
        for file, document in _read_all(paths, names_root, report, notify):
            if add_only:
                file = f"{UPLOADS_FOLDER}/{Path(document.path).name}"
            elif file in entries:  # a live upload; only a folder named "uploads" can clash
                notify(f"{file}: an uploaded file had this name; the one in {names_root} "
                       f"replaces it in the index (rename one of them to keep both)")
            old = previous.get(file)
            if old is not None and old.sha256 == document.sha256 and old.path == str(document.path):
                entries[file] = old
                report.unchanged.append(file)
                continue
            entry = _fresh_entry(document, file, settings)
            if not entry.chunks:
                report.skip(Skipped(file, "no text to index (only page furniture)"), notify)
                continue
            entries[file] = entry
            (report.changed if old is not None else report.added).append(file)
        if not add_only:
            report.removed = sorted(set(previous) - set(entries))
        usable = {file: entry for file, entry in entries.items() if entry.chunks}
        if not usable:
            raise NothingIndexed(f"nothing to index: no readable .txt or .md files in "
                                 f"{', '.join(str(path) for path in paths)}")
        _embed_missing(list(usable.values()), embedder, settings, progress_factory)
        data = _assemble(usable, settings, root, embedder)
        save_index(settings.index_dir, data)
    report.files = len(usable)
    report.chunks = len(data.chunks)
    report.sentences = len(data.sentences)
    report.seconds = time.perf_counter() - started
    return report


def _read_all(paths: list[Path], root: Path, report: IndexReport, notify: Notify):
    """(name, document) for every readable file; every other one is
    reported once and the walk goes on."""
    for found in discover(paths, root):
        if isinstance(found, Skipped):
            report.skip(found, notify)
            continue
        path, file = found
        document, message = read_document(path, file)
        if document is None:
            report.skip(Skipped(file, message), notify)
            continue
        if message:
            notify(f"warning: {file}: {message}")
        yield file, document


def _embed_missing(entries: list[FileEntry], embedder: Embedder, settings: Settings,
                   progress_factory) -> None:
    """Embed the sentences of new and changed files. Chunks are not
    embedded: retrieval scores a chunk by its best sentence, which found the
    right passage more often on every eval set than a vector of the chunk's
    whole text, and halves the model's work."""
    todo = [entry for entry in entries if entry.sentence_vectors is None]
    texts = [sentence.text for entry in todo for sentence in entry.sentences]
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
        files[file] = {"sha256": entry.sha256, "encoding": entry.encoding, "path": entry.path,
                       "sentences": [first, len(sentences)], "chunks": [chunk_first, len(chunks)]}
    ordered = [entries[file] for file in sorted(entries)]
    dimension = embedder.dimension
    manifest = {
        "model": embedder.model_id,
        "encoder": embedder.encoder_id,
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
        sentence_vectors=np.vstack([entry.sentence_vectors for entry in ordered]).astype(np.float32),
    )


def _library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"rag": __version__, "python": platform.python_version()}
    for package in ("faiss-cpu", "onnxruntime", "sentence-transformers", "torch", "bm25s"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            pass
    return versions
