"""One update of a Milvus index: the rows of new and changed files under
fresh ids, then the manifest and the one header row that makes them live.
The layout of the collections and the rules of an update are described in
`milvus_store.py`, which reads what this writes.
"""

from __future__ import annotations

import json

import numpy as np

from .milvus_store import BATCH, HEADER_ID, MANIFEST_PART, MAX_CHUNKS_PER_SENTENCE, TEXT_LIMIT, \
    MilvusStore, milvus_terms
from .store import FORMAT_VERSION, IndexError_, chunks_of_sentences


class MilvusWriter:
    """One update of a Milvus index (see the module's docstring)."""

    def __init__(self, store: MilvusStore, dimension: int):
        self.store = store
        self.dimension = dimension
        store.ensure_collections(dimension)
        self.sentences_name = store.loaded(store.collection("sentences", dimension))
        self.chunks_name = store.loaded(store.collection("chunks", dimension))
        header = store.header() or {}
        self.previous_header = header
        self.previous_files = store.manifest()["files"] if header else {}
        self.first_new_id = self.next_id = int(header.get("next_id", 1))
        self.files: dict[str, dict] = {}
        self._clean_up(header)

    def _clean_up(self, header: dict) -> None:
        """Rows a writer left behind: those of a run that died before it
        landed (ids from the counter on) and those a landed run had still to
        delete."""
        client = self.store.client
        for name in (self.sentences_name, self.chunks_name):
            client.delete(name, filter=f"id >= {self.next_id}")
        self._delete_ranges(header.get("garbage", []))

    def _delete_ranges(self, ranges: list[list[int]]) -> None:
        client = self.store.client
        for start in range(0, len(ranges), 100):
            condition = " or ".join(f"(id >= {first} and id < {last})"
                                    for first, last in ranges[start:start + 100])
            if condition:
                for name in (self.sentences_name, self.chunks_name):
                    client.delete(name, filter=condition)

    def keep(self, file: str, info: dict) -> None:
        self.files[file] = info

    def add(self, entry) -> None:
        sentence_base = self.next_id
        chunk_base = sentence_base + len(entry.sentences)
        self.next_id = chunk_base + len(entry.chunks)
        members = chunks_of_sentences(entry.sentences, entry.chunks)  # this file's own ids
        sentence_rows = [{
            "id": sentence_base + local, "file": sentence.file,
            "line_start": sentence.line_start, "line_end": sentence.line_end,
            "char_start": sentence.char_start, "char_end": sentence.char_end,
            "page": -1 if sentence.page is None else sentence.page, "text": sentence.text,
            "is_furniture": sentence.is_furniture, "extracted": sentence.extracted,
            "chunk_ids": [chunk_base + number
                          for number in members.get(local, ())][:MAX_CHUNKS_PER_SENTENCE],
            "dense": np.asarray(entry.sentence_vectors[local], dtype=np.float32).tolist(),
        } for local, sentence in enumerate(entry.sentences)]
        chunk_rows = [{
            "id": chunk_base + number, "file": chunk.file, "line_start": chunk.line_start,
            "line_end": chunk.line_end, "page": -1 if chunk.page is None else chunk.page,
            "extracted": chunk.extracted, "text": chunk.text, "terms": milvus_terms(chunk.text),
            "sentence_start": sentence_base + chunk.sentence_start,
            "sentence_end": sentence_base + chunk.sentence_end,
        } for number, chunk in enumerate(entry.chunks)]
        for rows in (sentence_rows, chunk_rows):
            for row in rows:
                for field in ("text", "terms"):
                    if len(row.get(field, "").encode("utf-8")) > TEXT_LIMIT:
                        raise IndexError_(
                            f"{entry.file}: lines {row['line_start']}-{row['line_end']} hold "
                            f"over {TEXT_LIMIT:,} bytes without a sentence break, more than a "
                            f"Milvus text field takes; split them or use the index folder")
        client = self.store.client
        for name, rows in ((self.sentences_name, sentence_rows), (self.chunks_name, chunk_rows)):
            for start in range(0, len(rows), BATCH):
                client.insert(name, rows[start:start + BATCH])
        self.files[entry.file] = {
            "sha256": entry.sha256, "encoding": entry.encoding, "path": entry.path,
            "sentences": [sentence_base, chunk_base], "chunks": [chunk_base, self.next_id]}

    def commit(self, manifest: dict) -> str:
        client = self.store.client
        for name in (self.sentences_name, self.chunks_name):
            client.flush(name)
        number = int(str(self.previous_header.get("generation", "gen-0")).split("-")[-1]) + 1
        generation = f"gen-{number:06d}"
        files = {file: self.files[file] for file in sorted(self.files)}
        live = {(tuple(info["sentences"]), tuple(info["chunks"])) for info in files.values()}
        garbage = [list(span) for info in self.previous_files.values()
                   if (tuple(info["sentences"]), tuple(info["chunks"])) not in live
                   for span in (info["sentences"], info["chunks"])]
        manifest = {**manifest, "format_version": FORMAT_VERSION, "generation": generation,
                    "files": files,
                    "counts": {"files": len(files),
                               "sentences": sum(info["sentences"][1] - info["sentences"][0]
                                                for info in files.values()),
                               "chunks": sum(info["chunks"][1] - info["chunks"][0]
                                             for info in files.values())},
                    "store": {"kind": "milvus-lite" if self.store.is_lite else "milvus",
                              "collections": [self.sentences_name, self.chunks_name]}}
        text = json.dumps(manifest, ensure_ascii=False)
        parts = [number * 1_000_000 + part + 1
                 for part in range((len(text) + MANIFEST_PART - 1) // MANIFEST_PART)]
        manifest_name = self.store.collection("manifest")
        rows = [{"id": part, "text": text[i * MANIFEST_PART:(i + 1) * MANIFEST_PART],
                 "unused": [0.0, 0.0]} for i, part in enumerate(parts)]
        for start in range(0, len(rows), 100):
            client.upsert(manifest_name, rows[start:start + 100])
        client.flush(manifest_name)
        header = {"generation": generation, "parts": parts, "next_id": self.next_id,
                  "dimension": self.dimension, "garbage": garbage}
        # The moment the update lands: one row replaced.
        client.upsert(manifest_name, [{"id": HEADER_ID, "text": json.dumps(header),
                                       "unused": [0.0, 0.0]}])
        client.flush(manifest_name)
        # The replaced files' rows stay until the next update, as the folder
        # keeps the previous generation: a question that began on it ends on it.
        old_parts = self.previous_header.get("parts", [])
        if old_parts:
            client.delete(manifest_name, ids=old_parts)
        previous_dimension = self.previous_header.get("dimension")
        if previous_dimension and previous_dimension != self.dimension:
            for kind in ("sentences", "chunks"):  # the model changed: its vectors are gone
                client.drop_collection(self.store.collection(kind, previous_dimension))
        return generation

    def abort(self) -> None:
        """Delete what this run inserted; if that fails too, the next
        writer does it (the rows' ids are past the live counter)."""
        try:
            self._delete_ranges([[self.first_new_id, self.next_id]])
        except Exception:
            pass
