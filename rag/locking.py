"""One writer at a time per index."""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .encodable import SURROGATE, printable

Notify = Callable[[str], None]


class IndexBusy(RuntimeError):
    pass


class IndexFolderUnusable(RuntimeError):
    """The index folder cannot be made or written (a file in its place, no
    permission, a read-only disk)."""


@contextmanager
def index_lock(index_dir: Path, wait: float = 0.0, notify: Notify | None = None):
    """One writer at a time per index folder. A second one waits up to
    `wait` seconds (saying so once) for the first to finish, then gives up
    with IndexBusy: an upload from the page holds the lock for seconds, a
    `rag index` of a large folder for minutes."""
    if SURROGATE.search(str(index_dir)):
        # Bytes that are not UTF-8: FAISS cannot be given such a path.
        raise IndexFolderUnusable(f"the index folder's path {printable(str(index_dir))} is not "
                                  f"valid UTF-8; pass another --index-dir")
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexFolderUnusable(f"the index folder {index_dir} is a file; pass another "
                                  f"--index-dir")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".lock", "w")
    except OSError as error:
        raise IndexFolderUnusable(f"cannot write the index folder {index_dir}: "
                                  f"{error.strerror or error}") from None
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
