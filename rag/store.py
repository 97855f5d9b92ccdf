"""Stage 5: the index on disk.

An index folder holds generations and a pointer to the live one:

    index/CURRENT            -> "gen-000003"  (replaced atomically)
    index/gen-000003/manifest.json
                    /sentences.jsonl, chunks.jsonl
                    /sentence_vectors.npy    sentence vectors (float32, memory-mapped)
                    /vectors.faiss           FAISS index over them (inner product)
                    /keywords/               BM25 over the chunks (bm25s, memory-mapped)

Up to `EXACT_LIMIT` sentences the FAISS index is exact (flat); above it, an
inverted file with 8-bit scalar-quantized vectors (IVF-SQ8), memory-mapped
from disk, so a million sentences search in milliseconds without holding
every vector in memory twice. See `build_vector_index`.

A writer builds a whole new generation, flushes it, then swaps CURRENT with
an atomic rename, so a reader sees the old index or the new one, never a mix,
and a crash mid-write leaves the old one live. The manifest records format
version, model, dimension, chunk settings, per-file content hashes and a hash
of every data file, which loading verifies before any native code reads them.
Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .keyword import KeywordIndex
from .types import Chunk, Sentence

# 2: only sentences are embedded; a chunk is scored by its best sentence.
FORMAT_VERSION = 2
POINTER = "CURRENT"
# The name of a generation folder, "gen-000003".
GENERATION_NAME = re.compile(r"gen-\d+")
DATA_FILES = ("sentences.jsonl", "chunks.jsonl", "sentence_vectors.npy", "vectors.faiss")
KEYWORDS = "keywords"  # folder of the BM25 files, each hashed like the rest
# Exact search over this many 384-dimensional vectors takes about 20 ms on
# a laptop core; past it, approximate search keeps a question fast.
EXACT_LIMIT = 200_000
# Lists searched per query in the IVF index: recall@10 against exact search
# was 0.98 at a million sentences (benchmarks/scale.py).
IVF_PROBES = 24


class IndexError_(RuntimeError):
    """A problem with the index on disk that the user can fix by indexing."""


class NoIndex(IndexError_):
    pass


@dataclass
class IndexData:
    """One generation of an index folder, held by this process: the folder
    store's side of the read interface (`rag.storage.IndexView`)."""

    manifest: dict
    sentences: list[Sentence]
    chunks: list[Chunk]
    sentence_vectors: np.ndarray
    generation: str = ""
    vector_index: object = None  # faiss index over sentence_vectors
    keyword_index: object = None  # KeywordIndex over the chunks' text
    _chunks_of_sentence: dict | None = field(default=None, repr=False)

    @property
    def root(self) -> Path:
        return Path(self.manifest["root"])

    # -- the read interface (see rag/storage.py) ---------------------------
    def sentence(self, sentence_id: int) -> Sentence | None:
        return self.sentences[sentence_id] if 0 <= sentence_id < len(self.sentences) else None

    def chunk(self, chunk_id: int) -> Chunk:
        return self.chunks[chunk_id]

    def vectors(self, sentence_ids) -> np.ndarray:
        return np.asarray(self.sentence_vectors[list(sentence_ids)], dtype=np.float32)

    def prefetch(self, sentence_ids=(), chunk_ids=()) -> None:
        """Everything is in this process already."""

    def all_chunks(self) -> list[Chunk]:
        return list(self.chunks)

    def dense_search(self, query_vector: np.ndarray, count: int) -> list[tuple[int, tuple]]:
        """The `count` sentences nearest the query, best first, each with the
        chunks it belongs to (none for page furniture)."""
        total = self.vector_index.ntotal if self.vector_index is not None else 0
        if not total or not self.chunks:
            return []
        if self._chunks_of_sentence is None:
            self._chunks_of_sentence = chunks_of_sentences(self.sentences, self.chunks)
        _, ids = self.vector_index.search(query_vector.reshape(1, -1).astype(np.float32),
                                          min(count, total))
        return [(int(sentence_id), self._chunks_of_sentence.get(int(sentence_id), ()))
                for sentence_id in ids[0] if sentence_id >= 0]

    def keyword_search(self, query: str, count: int) -> list[int]:
        """Ids of the `count` chunks BM25 scores highest, best first."""
        scores = self.keyword_index.scores(query)
        positive = np.flatnonzero(scores > 0)
        order = positive[np.argsort(-scores[positive], kind="stable")]
        return [int(chunk_id) for chunk_id in order[:count]]

    def idf(self, tokens) -> dict[str, float]:
        return self.keyword_index.idf(tokens)


def chunks_of_sentences(sentences: list[Sentence],
                        chunks: list[Chunk]) -> dict[int, tuple[int, ...]]:
    """For each sentence, the chunks it is part of (one, or two where chunks
    overlap). Furniture sentences belong to none, so they never rank a chunk."""
    members: dict[int, list[int]] = {}
    for chunk_id, chunk in enumerate(chunks):
        for sentence_id in range(chunk.sentence_start, chunk.sentence_end):
            if not sentences[sentence_id].is_furniture:
                members.setdefault(sentence_id, []).append(chunk_id)
    return {sentence_id: tuple(chunk_ids) for sentence_id, chunk_ids in members.items()}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def current_generation(index_dir: Path) -> str | None:
    """The name CURRENT holds; None when there is no CURRENT. A pointer
    that is there but empty or garbled is returned as it is, so that reading
    the index reports it damaged: taken for no index, it would have had the
    sample articles indexed over the user's own."""
    try:
        return (index_dir / POINTER).read_text(encoding="utf-8", errors="replace").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise IndexError_(f"cannot read {index_dir / POINTER}: {error.strerror or error}") \
            from None


def save_index(index_dir: Path, data: IndexData) -> str:
    """Write `data` as a new generation and make it live. Returns its name."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    previous = current_generation(index_dir)
    # Past every generation on disk, live or not: a writer killed between
    # its two renames leaves a finished generation that CURRENT never named.
    numbers = [int(entry.name[4:]) for entry in index_dir.iterdir()
               if entry.is_dir() and GENERATION_NAME.fullmatch(entry.name)]
    name = f"gen-{max(numbers, default=0) + 1:06d}"
    staging = index_dir / f".{name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()

    _write_jsonl(staging / "sentences.jsonl", data.sentences)
    _write_jsonl(staging / "chunks.jsonl", data.chunks)
    vectors_path = staging / "sentence_vectors.npy"
    np.save(vectors_path, np.ascontiguousarray(data.sentence_vectors, dtype=np.float32),
            allow_pickle=False)
    # From here on the saved file stands in for the array, so a caller that
    # keeps no other reference gets its memory back (1.5 GB at a million
    # sentences) before FAISS and BM25 are built; they read it in blocks.
    data.sentence_vectors = np.load(vectors_path, mmap_mode="r")
    vector_index, description = build_vector_index(vectors_path)
    faiss.write_index(vector_index, str(staging / "vectors.faiss"))
    # Let the FAISS index go before BM25 is built: at a million sentences
    # the two at once are what would set the peak memory.
    del vector_index
    (staging / KEYWORDS).mkdir()
    keyword_index = KeywordIndex([chunk.text for chunk in data.chunks])
    keyword_files = [f"{KEYWORDS}/{file_name}"
                     for file_name in keyword_index.save(staging / KEYWORDS)]
    for file_name in ("sentence_vectors.npy", "vectors.faiss", *keyword_files):
        _fsync(staging / file_name)

    manifest = dict(data.manifest)
    manifest["format_version"] = FORMAT_VERSION
    manifest["vector_index"] = description
    manifest["data_files"] = {file_name: file_sha256(staging / file_name)
                              for file_name in (*DATA_FILES, *keyword_files)}
    manifest_path = staging / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    _fsync(manifest_path)

    os.replace(staging, index_dir / name)
    pointer_tmp = index_dir / f".{POINTER}.tmp-{os.getpid()}"
    pointer_tmp.write_text(name + "\n", encoding="utf-8")
    _fsync(pointer_tmp)
    os.replace(pointer_tmp, index_dir / POINTER)
    _remove_stale(index_dir, keep={name, previous})
    return name


def _vector_blocks(path: Path, block: int = 100_000):
    """(first row, rows) of a saved .npy of vectors, read block by block with
    plain reads: unlike a memory map, no page stays in this process."""
    with open(path, "rb") as handle:
        version = np.lib.format.read_magic(handle)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _, _ = read_header(handle)
        count, dimension = shape
        for start in range(0, count, block):
            rows = min(block, count - start)
            yield start, np.fromfile(handle, dtype=np.float32,
                                     count=rows * dimension).reshape(rows, dimension)


def build_vector_index(path: Path):
    """The FAISS index for the vectors saved at `path` and its description
    for the manifest: exact (flat) up to EXACT_LIMIT vectors, else IVF-SQ8
    with about 2·√n lists trained on a fixed-seed sample. Each save builds
    it afresh from the stored vectors: an update embeds only changed files,
    and a clustering that drifted from the data could never build up."""
    import faiss

    count, dimension = np.load(path, mmap_mode="r").shape
    if count <= EXACT_LIMIT:
        index = faiss.IndexFlatIP(dimension)
        for _, rows in _vector_blocks(path):
            index.add(rows)
        return index, {"kind": "flat", "count": count}
    lists = int(2 * np.sqrt(count))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dimension, lists,
                                          faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    sample = np.sort(np.random.default_rng(0).choice(count, size=min(count, 40 * lists),
                                                     replace=False))
    training = np.concatenate([
        rows[sample[(sample >= start) & (sample < start + len(rows))] - start]
        for start, rows in _vector_blocks(path)])
    index.cp.seed = 0
    index.train(training)
    del training
    for _, rows in _vector_blocks(path):
        index.add(rows)
    return index, {"kind": "ivf-sq8", "count": count, "lists": lists, "probes": IVF_PROBES}


def is_index_folder(folder: Path) -> bool:
    """Whether `folder` holds a rag index (its pointer file beside a
    generation folder): a walk for documents passes it by, so that `rag
    index .` run where the index lives does not read the index itself."""
    try:
        return (folder / POINTER).is_file() and any(
            entry.is_dir() and GENERATION_NAME.fullmatch(entry.name)
            for entry in os.scandir(folder))
    except OSError:
        return False


def _remove_stale(index_dir: Path, keep: set) -> None:
    """Drop generations other than the live one and the one before it (a
    reader may still be loading that), and partial builds left by crashed
    writers. Callers hold the index lock, so no other writer is at work."""
    for entry in index_dir.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and (entry.name.startswith("gen-") or ".partial-" in entry.name):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(f".{POINTER}.tmp-"):
            entry.unlink(missing_ok=True)


def read_manifest(index_dir: Path) -> dict:
    name = current_generation(index_dir)
    if name is None:
        raise NoIndex(f"no index in {index_dir}")
    damaged = f"the index in {index_dir} is damaged ({{}}); run: rag index --rebuild"
    if not GENERATION_NAME.fullmatch(name):
        raise IndexError_(damaged.format(f"{POINTER} names no generation: {name[:40]!r}"))
    try:
        manifest = json.loads((index_dir / name / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexError_(damaged.format(error)) from None
    if not isinstance(manifest, dict):
        raise IndexError_(damaged.format("manifest.json holds no manifest"))
    return manifest


def check_compatible(manifest: dict, model: str, index_dir: Path,
                     encoder: str | None = None) -> None:
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexError_(
            f"the index in {index_dir} has format {version}, this version of rag reads "
            f"format {FORMAT_VERSION}; run: rag index --rebuild")
    if manifest.get("model") != model:
        raise IndexError_(
            f"the index in {index_dir} was built with model {manifest.get('model')!r}, "
            f"but this run uses {model!r}; run: rag index --rebuild "
            f"(or pass the index's model with --model)")
    if encoder is not None and manifest.get("encoder") != encoder:
        raise IndexError_(
            f"the index in {index_dir} was built with encoder {manifest.get('encoder')!r}, "
            f"but this run uses {encoder!r} (vectors of two encoders do not mix); "
            f"run: rag index --rebuild")


def load_index(index_dir: Path, model: str, encoder: str | None = None) -> IndexData:
    """Load the live generation, verifying it before trusting it; with
    `encoder`, refuse an index whose vectors another encoder made."""
    import faiss

    manifest = read_manifest(index_dir)
    check_compatible(manifest, model, index_dir, encoder)
    name = current_generation(index_dir)
    folder = index_dir / name
    damaged = f"the index in {index_dir} is damaged ({{}}); run: rag index --rebuild"
    for file_name, expected in manifest.get("data_files", {}).items():
        try:
            actual = file_sha256(folder / file_name)
        except OSError as error:
            raise IndexError_(damaged.format(f"{file_name}: {error.strerror}")) from None
        if actual != expected:
            raise IndexError_(damaged.format(f"{file_name} does not match its checksum"))
    try:
        with open(folder / "sentences.jsonl", encoding="utf-8") as handle:
            sentences = [Sentence(**json.loads(line)) for line in handle]
        with open(folder / "chunks.jsonl", encoding="utf-8") as handle:
            chunks = [Chunk(**json.loads(line)) for line in handle]
        keyword_index = KeywordIndex.load(folder / KEYWORDS, len(chunks))
        # Memory-mapped: the answerer reads only the rows of its candidates.
        sentence_vectors = np.load(folder / "sentence_vectors.npy", mmap_mode="r",
                                   allow_pickle=False)
        description = manifest["vector_index"]
        if description["kind"] == "flat":
            vector_index = faiss.read_index(str(folder / "vectors.faiss"))
        else:
            vector_index = faiss.read_index(str(folder / "vectors.faiss"), faiss.IO_FLAG_MMAP)
            vector_index.nprobe = int(description.get("probes", IVF_PROBES))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise IndexError_(damaged.format(error)) from None
    if not (len(sentence_vectors) == len(sentences) == vector_index.ntotal) \
            or sentence_vectors.dtype != np.float32:
        raise IndexError_(damaged.format("vector and table sizes differ"))
    return IndexData(manifest, sentences, chunks, sentence_vectors, generation=name,
                     vector_index=vector_index, keyword_index=keyword_index)


class FolderStore:
    """The index folder as a store (see rag/storage.py): the default."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.location = str(self.index_dir)
        self._live: IndexData | None = None  # the generation `open` verified last

    def generation(self) -> str | None:
        return current_generation(self.index_dir)

    def manifest(self) -> dict:
        return read_manifest(self.index_dir)

    def open(self, model: str, encoder: str | None = None) -> IndexData:
        """The live generation, verified; loaded once per generation (an
        update asks for it to decide what changed, then to copy what did not)."""
        live = self._live
        if live is None or live.generation != current_generation(self.index_dir):
            live = self._live = load_index(self.index_dir, model, encoder)
        check_compatible(live.manifest, model, self.index_dir, encoder)
        return live

    def writer(self, dimension: int) -> "FolderWriter":
        return FolderWriter(self, dimension)

    def lock(self, wait: float = 0.0, notify=None):
        from .locking import index_lock

        return index_lock(self.index_dir, wait, notify)


class FolderWriter:
    """Gathers an update in memory and writes it as one new generation: the
    kept files' rows are copied from the live generation, so the new one
    stands alone and the old one can go."""

    def __init__(self, store: FolderStore, dimension: int):
        self.store = store
        self.dimension = dimension
        self.kept: dict[str, dict] = {}
        self.added: dict = {}

    def keep(self, file: str, info: dict) -> None:
        self.kept[file] = info

    def add(self, entry) -> None:
        self.added[entry.file] = entry

    def commit(self, manifest: dict) -> str:
        entries = dict(self.added)
        if self.kept:
            entries.update(self._kept_entries(manifest))
        return save_index(self.store.index_dir, assemble(entries, manifest, self.dimension))

    def abort(self) -> None:
        self.kept.clear()
        self.added.clear()

    def _kept_entries(self, manifest: dict) -> dict:
        from .storage import FileEntry

        live = self.store.open(manifest["model"], manifest.get("encoder"))
        entries = {}
        for file, info in self.kept.items():
            first, last = info["sentences"]
            chunk_first, chunk_last = info["chunks"]
            chunks = [shift_chunk(chunk, -first) for chunk in live.chunks[chunk_first:chunk_last]]
            entries[file] = FileEntry(file, info["sha256"], info.get("encoding", "utf-8"),
                                      live.sentences[first:last], chunks,
                                      live.sentence_vectors[first:last],
                                      path=info.get("path", ""))
        return entries


def shift_chunk(chunk: Chunk, offset: int) -> Chunk:
    return replace(chunk, sentence_start=chunk.sentence_start + offset,
                   sentence_end=chunk.sentence_end + offset)


def assemble(entries: dict, manifest: dict, dimension: int) -> IndexData:
    """One table of sentences and one of chunks from per-file entries, in
    file order, with each file's ranges in the manifest."""
    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    files = {}
    for file in sorted(entries):
        entry = entries[file]
        first, chunk_first = len(sentences), len(chunks)
        sentences.extend(entry.sentences)
        chunks.extend(shift_chunk(chunk, first) for chunk in entry.chunks)
        files[file] = {"sha256": entry.sha256, "encoding": entry.encoding, "path": entry.path,
                       "sentences": [first, len(sentences)], "chunks": [chunk_first, len(chunks)]}
    vectors = [entries[file].sentence_vectors for file in sorted(entries)]
    manifest = {**manifest, "files": files,
                "counts": {"files": len(files), "sentences": len(sentences),
                           "chunks": len(chunks)}}
    return IndexData(manifest=manifest, sentences=sentences, chunks=chunks,
                     sentence_vectors=(np.vstack(vectors).astype(np.float32) if vectors
                                       else np.zeros((0, dimension), dtype=np.float32)))
