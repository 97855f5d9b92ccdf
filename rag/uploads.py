"""Files added through the web page: checked on the server, stored safely,
indexed, and removed again when they cannot be used.

The browser's file filter is a convenience, not a guard: anything can be
posted to the upload endpoint. So the type, the size of each file and of
the uploads folder are checked here before a byte is stored; a file is
written under a temporary name and renamed into place, so a full disk
leaves nothing half-written; a name already taken by a different file gets
a new name instead of replacing it; and a file the indexer could not use
is deleted rather than left to fill the disk.
"""

from __future__ import annotations

import errno
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from .formats import SUFFIXES

MB = 1024 * 1024
# Uploads are kept in this folder inside the index folder and cited as
# "uploads/NAME", so they never take the name of an indexed file.
UPLOADS_FOLDER = "uploads"
UPLOADS_PREFIX = UPLOADS_FOLDER + "/"


def uploads_dir(settings) -> Path:
    """Where files added through the web page are kept, inside the index folder."""
    return settings.index_dir / UPLOADS_FOLDER


@dataclass(frozen=True)
class UploadPolicy:
    enabled: bool = True
    max_file_bytes: int = 20 * MB
    max_total_bytes: int = 500 * MB
    # How long an upload waits for another writer (`rag index`, another
    # upload) before it is refused; the user is waiting on the page.
    lock_wait_seconds: float = 15.0

    def describe(self) -> str:
        if not self.enabled:
            return "uploads are turned off on this server"
        return (f"{', '.join(SUFFIXES)}; up to {self.max_file_bytes // MB} MB each, "
                f"{self.max_total_bytes // MB} MB in all")


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir()
               if path.is_file() and not path.name.startswith("."))


def _clean_name(name: str) -> str:
    """The file's own name, without any folder part or control characters."""
    name = Path(name.replace("\\", "/")).name
    name = "".join(char for char in name if char.isprintable()).strip()
    return name.lstrip(".") or "upload"


def _free_name(folder: Path, name: str) -> str:
    """`name`, or "stem (2).ext", "stem (3).ext", … when it is taken."""
    path = Path(name)
    number = 2
    while (folder / name).exists():
        name = f"{path.stem} ({number}){path.suffix}"
        number += 1
    return name


def store_copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` through a hidden temporary file in the same
    folder, renamed into place only when complete."""
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        with open(source, "rb") as reader, open(partial, "wb") as writer:
            for block in iter(lambda: reader.read(1 << 20), b""):
                writer.write(block)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _storage_error(name: str, error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{name}: the disk is full; nothing of it was kept"
    return f"{name}: could not be stored ({error.strerror or error}); nothing of it was kept"


def receive_uploads(assistant, sources: list[tuple[str, Path]], policy: UploadPolicy) -> list[str]:
    """Check, store and index uploaded files; `sources` are (name the user
    gave, path of the received copy). Returns one line per file for the page."""
    from .store import file_sha256  # not at the top: `rag --help` reads this module

    if not policy.enabled:
        return [f"⚠️ {policy.describe()}"]
    folder = uploads_dir(assistant.settings)
    folder.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    stored: dict[str, Path] = {}  # cited name -> stored path
    used = _folder_bytes(folder)
    for given_name, source in sources:
        name = _clean_name(given_name)
        if not name.lower().endswith(SUFFIXES):
            lines.append(f"⚠️ {name}: not a type rag reads ({', '.join(SUFFIXES)})")
            continue
        try:
            size = source.stat().st_size
        except OSError as error:
            lines.append(f"⚠️ {name}: could not be read ({error.strerror or error})")
            continue
        if size > policy.max_file_bytes:
            lines.append(f"⚠️ {name}: {size / MB:.1f} MB is over the "
                         f"{policy.max_file_bytes // MB} MB limit for one upload")
            continue
        if used + size > policy.max_total_bytes:
            lines.append(f"⚠️ {name}: the uploads folder would pass its "
                         f"{policy.max_total_bytes // MB} MB limit; delete files from "
                         f"{folder} to make room")
            continue
        target = folder / name
        if target.exists():
            if file_sha256(target) == file_sha256(source):
                lines.append(f"unchanged {UPLOADS_PREFIX}{name} (already uploaded)")
                continue
            renamed = _free_name(folder, name)
            lines.append(f"ℹ️ a different {name} was uploaded before; this one is kept as "
                         f"{renamed}")
            target = folder / renamed
        try:
            store_copy(source, target)
        except OSError as error:
            lines.append(f"⚠️ {_storage_error(name, error)}")
            continue
        used += size
        stored[UPLOADS_PREFIX + target.name] = target
    if stored:
        lines += _index(assistant, stored, policy.lock_wait_seconds)
    return lines


def _index(assistant, stored: dict[str, Path], lock_wait: float) -> list[str]:
    """Index the stored files; delete every one that did not make it in."""
    from .indexer import IndexBusy, NothingIndexed  # the indexer loads numpy and the encoder
    from .store import IndexError_

    messages: list[str] = []
    kept: set[str] = set()
    try:
        report = assistant.index(list(stored.values()), add_only=True, notify=messages.append,
                                 lock_wait=lock_wait)
    except IndexBusy:
        messages.append("the index is being updated by `rag index` right now; nothing was "
                        "added: upload again when it has finished")
    except NothingIndexed:
        pass  # each file's problem is in `messages`
    except (IndexError_, OSError) as error:
        messages.append(f"the upload could not be indexed: {error}")
    else:
        kept = set(report.added + report.changed + report.unchanged) & set(stored)
    for name, path in stored.items():
        if name not in kept:
            path.unlink(missing_ok=True)
    lines = [f"⚠️ {message}" for message in messages]
    lines += [f"✅ added {name}" for name in stored if name in kept]
    return lines
