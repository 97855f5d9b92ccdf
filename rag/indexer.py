"""Build or update an index from folders of documents.

Runs the stages in order (documents -> sentences -> chunks -> vectors ->
store). Files whose content hash is unchanged since the live index keep their
sentences, chunks and vectors; only new and changed files are embedded. A
change of model or chunk settings (or `rebuild=True`) embeds everything.
Reading, splitting and embedding run here, or on a Ray cluster
(`rag/ray_indexing.py`); the store (`rag/storage.py`) only ever sees whole
files, and readers see nothing of an update until it has landed.
"""

from __future__ import annotations

import platform
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator


from . import __version__
from .chunks import chunk_sentences
from .documents import Document, PassedOver, Skipped, common_root, discover, read_document
from .embedding import Embedder, load_embedder
from .furniture import running_lines
from .keyword import KEYWORD_TOKENS_VERSION
from .locking import IndexBusy, index_lock  # noqa: F401  (imported from here by callers)
from .sentences import SPLITTER_VERSION, split_sentences
from .settings import SAMPLE_CORPUS_DIR, Settings
from .storage import FileEntry, Store, open_store
from .store import IndexError_
from .types import Chunk, Sentence
from .uploads import UPLOADS_FOLDER, uploads_dir

Notify = Callable[[str], None]


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
    passed_over: list[PassedOver] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Added or changed files whose text the index already held under another
    # name (moved, renamed or copied): their vectors were copied, not embedded.
    reused: list[str] = field(default_factory=list)

    def skip(self, skipped: Skipped, notify: Notify) -> None:
        """Record a file that could not be used and say so in one line."""
        self.skipped.append(skipped)
        notify(str(skipped))

    def summary(self) -> str:
        return (f"indexed {_count(self.files, 'file')} ({len(self.added)} added, "
                f"{len(self.changed)} changed, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged"
                + (f"; {len(self.reused)} moved or copied, not embedded again" if self.reused else "")
                + f"), {_count(self.chunks, 'chunk')}, "
                f"{len(self.skipped)} skipped"
                + (f", {self.not_read()}" if self.passed_over else "")
                + f", in {self.seconds:.1f} s -> {self.index_dir}")

    def not_read(self) -> str:
        """"3 files of other types not read (.csv 2, .py 1; ...)"."""
        kinds = Counter(item.kind for item in self.passed_over)
        listed = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        return (f"{_count(len(self.passed_over), 'file')} of other types not read "
                f"({listed}; give a file's path to read it as text)")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _previous_files(store: Store, settings: Settings, encoder_id: str
                    ) -> tuple[str | None, dict[str, dict], dict[str, dict]]:
    """The live index's root, its manifest entry per file when its files can
    be carried over (same model, encoder and chunking), and its entries when
    they cannot: embedded by another model or encoder, or split or chunked
    otherwise (an older version of rag, other chunk settings); those are
    read afresh."""
    if store.generation() is None:
        return None, {}, {}
    try:  # opened, not just read: a damaged index is embedded afresh
        manifest = store.open(settings.model, encoder_id).manifest
    except IndexError_:
        # Another model or encoder, or damage: nothing is carried over, but
        # the files its manifest names, if it can be read, are read again.
        try:
            manifest = store.manifest()
        except (IndexError_, OSError):
            return None, {}, {}
        return manifest.get("root"), {}, dict(manifest.get("files", {}))
    files = dict(manifest.get("files", {}))
    if manifest.get("chunking") != _chunking(settings):
        return manifest.get("root"), {}, files
    return manifest.get("root"), files, {}


def _chunking(settings: Settings) -> dict:
    return {"chunk_tokens": settings.chunk_tokens, "chunk_overlap": settings.chunk_overlap,
            "sentence_splitter": SPLITTER_VERSION, "keyword_tokens": KEYWORD_TOKENS_VERSION}


def reading_note(manifest: dict, settings: Settings, location: str) -> str | None:
    """A note for a user asking an index that was read into sentences,
    chunks or keywords otherwise than `rag index` would read it now (an
    older version of rag, other chunk settings): its answers and citations
    stand, as they match the lines it read, but re-indexing reads the
    files afresh. None when the index reads as this version would."""
    made = manifest.get("chunking") or {}
    now = _chunking(settings)
    changed = [key for key in now if made.get(key) != now[key]]
    if not changed:
        return None
    return (f"note: the index in {location} was read with other settings or an older "
            f"version of rag ({', '.join(changed)}); its answers stand, and "
            f"'rag index' reads its files afresh")


def _is_live_upload(info: dict, settings: Settings) -> bool:
    path = Path(info.get("path", ""))
    return path.is_relative_to(uploads_dir(settings).resolve()) and path.is_file()


@dataclass
class Prepared:
    """What reading one file came to: carried over unchanged, a fresh entry
    (embedded once `entry.sentence_vectors` is set), or skipped with a reason."""

    file: str
    status: str  # "unchanged", "fresh" or "skipped"
    entry: FileEntry | None = None
    message: str = ""  # why it was skipped, or a warning about a file still used


def prepare_file(path: Path, file: str, old: dict | None, settings: Settings) -> Prepared:
    """Read, hash and split one file (in this process or on a Ray worker);
    `old` is its entry in the live manifest, if any."""
    document, message = read_document(path, file)
    if document is None:
        return Prepared(file, "skipped", message=message)
    if old is not None and old.get("sha256") == document.sha256 \
            and old.get("path") == str(document.path):
        return Prepared(file, "unchanged", message=message or "")
    entry = _fresh_entry(document, file, settings)
    if not entry.chunks:
        return Prepared(file, "skipped", message="no text to index (only page furniture)")
    return Prepared(file, "fresh", entry, message or "")


def _fresh_entry(document: Document, file: str, settings: Settings) -> FileEntry:
    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    running = running_lines([unit.text for unit in document.units if unit.page is not None])
    for unit in document.units:  # chunks never cross a PDF page
        unit_sentences = split_sentences(unit.text, file, unit.page, unit.extracted, running)
        chunks += chunk_sentences(unit_sentences, len(sentences), settings.chunk_tokens,
                                  settings.chunk_overlap)
        sentences += unit_sentences
    return FileEntry(file, document.sha256, document.encoding, sentences, chunks,
                     path=str(document.path))


def build_index(paths: list[Path] | None, settings: Settings, rebuild: bool = False,
                notify: Notify = print, progress_factory=None,
                embedder: Embedder | None = None, add_only: bool = False,
                lock_wait: float = 0.0) -> IndexReport:
    """Bring the index (`settings.store`; by default the folder
    `settings.index_dir`) in line with `paths` (default: the bundled sample
    articles): new and changed files are embedded, deleted ones dropped, the
    rest carried over. With `add_only`, `paths` are added to what is indexed
    and nothing is dropped (uploads from the web page). With
    `settings.ray_address`, files are read, split and embedded on that Ray
    cluster. Waits up to `lock_wait` seconds for another writer (see
    `index_lock`). Raises NothingIndexed when no file could be used."""
    started = time.perf_counter()
    paths = [Path(path).resolve() for path in (paths or [SAMPLE_CORPUS_DIR])]
    store = open_store(settings)
    with store.lock(lock_wait, notify):
        # Loaded here even when Ray embeds: it names the encoder the index
        # records, and exports the model once into the cache workers share.
        embedder = embedder or load_embedder(settings.model, settings.encoder,
                                             settings.cache_dir, notify)
        previous_root, previous, read_otherwise = _previous_files(store, settings,
                                                                  embedder.encoder_id)
        if rebuild:  # every file is read afresh, the chat page's uploads too
            previous, read_otherwise = {}, {**previous, **read_otherwise}
        names_root = common_root(paths)
        if add_only:
            root = Path(previous_root) if previous_root else names_root
            kept = dict(previous)
        else:
            root = names_root
            # Uploaded files stay until they are deleted from the uploads folder.
            kept = {file: info for file, info in previous.items()
                    if _is_live_upload(info, settings)}
        report = IndexReport(Path(store.location), root)
        jobs = _jobs(paths, names_root, add_only, kept, report, notify)
        # An index read otherwise is read afresh, and nothing it holds may
        # be lost on the way: with an upload, every file it had is read
        # again from where it was; with a folder, its live uploads are.
        if read_otherwise and not add_only and not rebuild:
            notify("the index was made with other settings or by an older version of rag; "
                   "reading every file afresh")
        again = read_otherwise if add_only else {
            file: info for file, info in read_otherwise.items() if _is_live_upload(info, settings)}
        if again:
            jobs = _read_again(again, "file" if add_only else "uploaded file", report,
                               notify) + jobs
        if settings.ray_address and not add_only:
            from .ray_indexing import prepare_on_ray

            outcomes = prepare_on_ray(jobs, previous, settings, embedder.dimension, notify)
        else:
            reuse = _vectors_by_content(store, settings, embedder, previous, report)
            outcomes = _prepare_here(jobs, previous, settings, embedder, progress_factory, reuse)
        writer = store.writer(embedder.dimension)
        try:
            _write(outcomes, writer, kept, previous, report, notify)
            if not kept and not report.added and not report.changed:
                raise NothingIndexed(
                    f"nothing to index: no readable files in "
                    f"{', '.join(str(path) for path in paths)}"
                    + (f"; {report.not_read()}" if report.passed_over else ""))
            for file, info in kept.items():
                writer.keep(file, info)
            if not add_only:
                report.removed = sorted(set(previous) - set(kept) - set(report.changed))
            writer.commit(_manifest(settings, root, embedder))
        except BaseException:
            writer.abort()
            raise
        counts = store.manifest()["counts"]
    report.files, report.chunks, report.sentences = (counts["files"], counts["chunks"],
                                                     counts["sentences"])
    report.seconds = time.perf_counter() - started
    return report


def _jobs(paths: list[Path], names_root: Path, add_only: bool, kept: dict[str, dict],
          report: IndexReport, notify: Notify) -> list[tuple[Path, str]]:
    """(path, name in the index) of every file found; files that cannot be
    used are reported. A folder file named like a live upload replaces it
    (dropped from `kept`)."""
    jobs = []
    for found in discover(paths, names_root):
        if isinstance(found, Skipped):
            report.skip(found, notify)
            continue
        if isinstance(found, PassedOver):
            report.passed_over.append(found)
            continue
        path, file = found
        if add_only:
            file = f"{UPLOADS_FOLDER}/{path.name}"
        elif file in kept:  # a live upload; only a folder named "uploads" can clash
            notify(f"{file}: an uploaded file had this name; the one in {names_root} "
                   f"replaces it in the index (rename one of them to keep both)")
            del kept[file]
        jobs.append((path, file))
    return jobs


def _read_again(entries: dict[str, dict], noun: str, report: IndexReport,
                notify: Notify) -> list[tuple[Path, str]]:
    """(path, name in the index) of each file of `entries` (an index read
    otherwise, `_previous_files`) that is still where it was read from; the
    others are reported removed."""
    notify(f"the index was read with other settings or an older version of rag; "
           f"reading its {_count(len(entries), noun)} again")
    jobs = []
    for file, info in sorted(entries.items()):
        path = Path(info.get("path", ""))
        if info.get("path") and path.is_file():
            jobs.append((path, file))
        else:
            report.removed.append(file)
            notify(f"{file}: no longer at {info.get('path') or 'a known place'}; "
                   f"dropped from the index")
    return jobs


def _write(outcomes: Iterator[Prepared], writer, kept: dict[str, dict],
           previous: dict[str, dict], report: IndexReport, notify: Notify) -> None:
    """Hand each file's outcome to the store's writer as it comes: fresh
    files are written, unchanged ones join `kept`, the rest are reported."""
    done: set[str] = set()
    for prepared in outcomes:
        file = prepared.file
        if file in done:  # a batch a cluster ran twice after a worker died
            continue
        done.add(file)
        if prepared.status == "skipped":
            report.skip(Skipped(file, prepared.message), notify)
            continue
        if prepared.message:
            notify(f"warning: {file}: {prepared.message}")
        if prepared.status == "unchanged":
            kept[file] = previous[file]
            report.unchanged.append(file)
            continue
        kept.pop(file, None)
        writer.add(prepared.entry)
        (report.changed if file in previous else report.added).append(file)


def _prepare_here(jobs: list[tuple[Path, str]], previous: dict[str, dict], settings: Settings,
                  embedder: Embedder, progress_factory,
                  reuse: Callable[[FileEntry], None] = lambda entry: None) -> Iterator[Prepared]:
    """Read every file, take the vectors of a text the index already holds
    (`reuse`), then embed the other fresh ones in one run (so the progress
    bar knows the total), then hand them on."""
    prepared = [prepare_file(path, file, previous.get(file), settings) for path, file in jobs]
    fresh = [item.entry for item in prepared if item.status == "fresh"]
    for entry in fresh:
        reuse(entry)
    _embed_missing(fresh, embedder, settings, progress_factory)
    yield from prepared


def _vectors_by_content(store: Store, settings: Settings, embedder: Embedder,
                        previous: dict[str, dict], report: IndexReport):
    """A function that gives a fresh entry the vectors the live index holds
    for the same text under another name (a file moved, renamed or copied),
    so that only text the index has never seen is embedded. A text is the
    same when the file's hash is, and its sentences are, word for word (the
    live index was split by this splitter: `previous` is empty otherwise)."""
    by_hash = {}
    for file, info in previous.items():
        by_hash.setdefault(info.get("sha256"), (file, info))
    if not by_hash:
        return lambda entry: None
    live = store.open(settings.model, embedder.encoder_id)

    def reuse(entry: FileEntry) -> None:
        found = by_hash.get(entry.sha256)
        if found is None or found[0] == entry.file:  # a changed file has a new hash
            return
        start, end = found[1].get("sentences", (0, 0))
        if end - start != len(entry.sentences):
            return
        live.prefetch(sentence_ids=range(start, end))
        if any(live.sentence(start + offset).text != sentence.text
               for offset, sentence in enumerate(entry.sentences)):
            return
        entry.sentence_vectors = live.vectors(range(start, end))
        report.reused.append(entry.file)

    return reuse


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


def _manifest(settings: Settings, root: Path, embedder: Embedder) -> dict:
    """The settings half of a manifest; the store adds files and counts."""
    return {
        "model": embedder.model_id,
        "encoder": embedder.encoder_id,
        "dimension": embedder.dimension,
        "metric": "inner product of L2-normalized vectors (cosine)",
        "chunking": _chunking(settings),
        "root": str(root),
        "versions": _library_versions(),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"rag": __version__, "python": platform.python_version()}
    for package in ("faiss-cpu", "onnxruntime", "sentence-transformers", "torch", "bm25s"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            pass
    return versions
