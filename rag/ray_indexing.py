"""Indexing on a Ray cluster: `rag index PATH --ray [ADDRESS]` or
`RAG_RAY_ADDRESS` ("local" starts a Ray of this machine's cores).

Files are spread over the cluster as a Ray Data dataset and go through one
`map_batches` stage of actors: each actor loads the encoder once, then
reads, hashes, splits and embeds the files of each batch it is given
(`indexer.prepare_file`, the same code as an index built in process). The
driver takes the results as they stream back and hands them to the store's
writer, which makes nothing visible until every file is done: a run that
fails leaves the previous index answering. Ray Data restarts an actor that
dies and retries its batch.

Workers need this package installed and read access to the documents at
the same paths; the exported encoder is found in `RAG_CACHE_DIR` (a shared
volume on a real cluster) or exported on the worker.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

import numpy as np

from .settings import Settings
from .store import IndexError_
from .storage import FileEntry
from .types import Chunk, Sentence

FILES_PER_BATCH = 8
CONNECT_SECONDS = 5.0


class RayUnavailable(IndexError_):
    """Ray is not installed or the cluster cannot be reached."""


class IndexFiles:
    """The Ray Data actor: one encoder, many batches of files."""

    def __init__(self, settings: Settings):
        import os

        import ray

        from .embedding import load_embedder

        self.settings = settings
        self.embedder = load_embedder(settings.model, settings.encoder, settings.cache_dir)
        # Which node and process did the work, for the run's summary.
        self.worker = f"{ray.get_runtime_context().get_node_id()}:{os.getpid()}"

    def __call__(self, batch: dict) -> dict:
        from .indexer import Prepared, _embed_missing, prepare_file

        prepared = []
        for path, file, old_sha256, old_path in zip(batch["path"], batch["file"],
                                                    batch["old_sha256"], batch["old_path"]):
            # What the live index holds of the file travels with it, not in
            # the actor: a million files' entries would not fit there.
            old = {"sha256": old_sha256, "path": old_path} if old_sha256 else None
            try:
                prepared.append(prepare_file(Path(path), str(file), old, self.settings))
            except Exception as error:  # one bad file must not sink the batch
                prepared.append(Prepared(str(file), "skipped",
                                         message=f"failed on a Ray worker: {error}"))
        _embed_missing([item.entry for item in prepared if item.status == "fresh"],
                       self.embedder, self.settings, None)
        return {
            "file": [item.file for item in prepared],
            "status": [item.status for item in prepared],
            "message": [item.message for item in prepared],
            "entry": [_entry_json(item.entry) if item.entry else "" for item in prepared],
            "vectors": [np.ascontiguousarray(item.entry.sentence_vectors, dtype=np.float32)
                        .tobytes() if item.entry else b"" for item in prepared],
            "worker": [self.worker] * len(prepared),
        }


def _entry_json(entry: FileEntry) -> str:
    return json.dumps({"file": entry.file, "sha256": entry.sha256, "encoding": entry.encoding,
                       "path": entry.path,
                       "sentences": [asdict(sentence) for sentence in entry.sentences],
                       "chunks": [asdict(chunk) for chunk in entry.chunks]},
                      ensure_ascii=False)


def _prepared_of(row: dict, dimension: int):
    from .indexer import Prepared

    if not row["entry"]:
        return Prepared(str(row["file"]), str(row["status"]), message=row["message"] or "")
    data = json.loads(row["entry"])
    vectors = np.frombuffer(row["vectors"], dtype=np.float32).reshape(-1, dimension)
    entry = FileEntry(data["file"], data["sha256"], data["encoding"],
                      [Sentence(**sentence) for sentence in data["sentences"]],
                      [Chunk(**chunk) for chunk in data["chunks"]], vectors.copy(),
                      path=data["path"])
    return Prepared(entry.file, str(row["status"]), entry, row["message"] or "")


def _check_reachable(address: str) -> None:
    """Fail at once on a cluster address nothing answers at: Ray itself
    keeps retrying for minutes."""
    import socket

    if address in ("local", "auto"):
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except (OSError, ValueError) as error:
        raise RayUnavailable(f"cannot reach the Ray cluster {address!r} "
                             f"({getattr(error, 'strerror', None) or error}); give host:port "
                             f"of its head, ray://host:10001, or local") from None


def _quiet_ray_logs() -> None:
    """Ray Data logs each run's plan and timing to stderr; rag reports
    the outcome itself, so only Ray's errors are shown."""
    for name in ("ray", "ray.data"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.ERROR)
        for handler in logger.handlers:
            handler.setLevel(logging.ERROR)


# Two attempts once failed both in a row (2026-12-04); four make that rare.
LOCAL_START_ATTEMPTS = 4


def _start_ray(ray, address: str) -> None:
    """Connect to the cluster at `address`, or start a local one. Ray gives
    a local node 30 seconds to register, which a busy two-core machine can
    miss, and now and then its raylet dies before it writes a line (on this
    machine about one local start in ten); a local start that fails is tried
    again from a clean slate, up to LOCAL_START_ATTEMPTS times in all."""
    attempts = LOCAL_START_ATTEMPTS if address == "local" else 1
    for attempt in range(1, attempts + 1):
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     logging_level=logging.ERROR)
            return
        except Exception as error:  # ConnectionError and Ray's own errors
            ray.shutdown()
            if attempt == attempts:
                raise RayUnavailable(f"cannot reach the Ray cluster {address!r}: "
                                     f"{str(error)[:200]}") from None


def prepare_on_ray(jobs: list[tuple[Path, str]], previous: dict, settings: Settings,
                   dimension: int, notify) -> Iterator:
    """`indexer.Prepared` for every (path, name) job, worked out on Ray."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("--ray needs Ray: pip install -e '.[scale]'") from None
    if not jobs:
        return
    address = settings.ray_address
    started_here = not ray.is_initialized()
    if started_here:
        _check_reachable(address)
        _start_ray(ray, address)
    try:
        context = ray.data.DataContext.get_current()
        _quiet_ray_logs()  # after ray.data is imported: it sets up its own logging
        context.enable_progress_bars = False
        workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        notify(f"indexing {len(jobs)} files on Ray ({address}): up to {workers} encoder actors")
        items = [{"path": str(path), "file": file,
                  "old_sha256": previous.get(file, {}).get("sha256", ""),
                  "old_path": previous.get(file, {}).get("path", "")} for path, file in jobs]
        dataset = ray.data.from_items(items, override_num_blocks=min(len(jobs), 4 * workers))
        # Ray Data restarts an actor that dies and retries its batch (its
        # default for actor pools); the store sees only finished files.
        # Small runs are cut so that every actor gets a share.
        batch_size = max(1, min(FILES_PER_BATCH, -(-len(jobs) // workers)))
        dataset = dataset.map_batches(
            IndexFiles, fn_constructor_kwargs={"settings": settings}, batch_size=batch_size,
            # One batch at a time per actor: a batch is seconds of CPU work, and
            # an actor still loading its encoder then gets its share.
            compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1),
            num_cpus=1)
        used = set()
        # Ray's driver prints cluster events ("a worker died ...") to
        # stdout, which `rag index --json` keeps for its summary.
        with contextlib.redirect_stdout(sys.stderr):
            for batch in dataset.iter_batches(batch_size=batch_size, batch_format="pandas"):
                for row in batch.to_dict("records"):
                    used.add(row["worker"])
                    yield _prepared_of(row, dimension)
        nodes = {worker.split(":")[0] for worker in used}
        notify(f"Ray: the files were read and embedded by {len(used)} actor(s) on "
               f"{len(nodes)} node(s)")
    finally:
        if started_here:
            ray.shutdown()
