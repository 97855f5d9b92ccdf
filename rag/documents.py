"""Stage 1: find documents under the given paths and decode them.

Hands `Document`s (decoded text exactly as on disk, plus a content hash) to
the sentence stage, and a `Skipped` line for every file it could not use.
Nothing here raises for a bad file: each problem becomes one message and the
walk goes on.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .encodable import SURROGATE, printable
from .formats import EXTRACTOR_VERSION, SUFFIXES, TextUnit, Unreadable, docx_text, html_text, \
    is_docx, is_html, is_pdf, pdf_pages
from .store import is_index_folder

MAX_FILE_BYTES = 50 * 1024 * 1024
# Tried in order after UTF-8; cp1252 covers most Western "ANSI" files and
# latin-1 decodes any byte string, so decoding never fails outright.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass(frozen=True)
class Document:
    path: Path  # absolute path on disk
    file: str  # path relative to the indexed folder, with forward slashes
    units: tuple[TextUnit, ...]  # the whole file, or one unit per PDF page
    sha256: str
    encoding: str

    @property
    def text(self) -> str:
        return "\n".join(unit.text for unit in self.units)


@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.file}: {self.reason}"


@dataclass(frozen=True)
class PassedOver:
    """A file a folder walk does not read: neither of a type rag reads
    (`formats.SUFFIXES`) nor a text file without a suffix ("README").
    Folders of documents hold other files too (data, code, images), so these
    are counted, not reported one by one; a file given by its path is read
    as text whatever its type."""

    file: str
    kind: str  # its suffix in lower case, or BINARY


BINARY = "binary"  # the kind of a file without a suffix that holds no text
# How much of a file without a suffix is read to tell text from binary.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


class NotText(ValueError):
    """The bytes are not a text document (binary, empty)."""


def decode_bytes(data: bytes) -> Decoded:
    """Decode a document's bytes, preferring UTF-8 and saying when it did not."""
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as error:
            raise NotText(f"broken UTF-16 ({error.reason})") from None
    if b"\x00" in data[:8192]:
        raise NotText("binary file (contains NUL bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise NotText("binary file (mostly control characters)")
        return Decoded(text, encoding, f"not valid UTF-8, read as {encoding}")
    raise NotText("undecodable")  # unreachable: latin-1 accepts every byte


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for char in sample if ord(char) < 32 and char not in "\n\r\t\f")
    return control > 0.05 * max(len(sample), 1)


def text_units(data: bytes, name: str) -> tuple[tuple[TextUnit, ...], str, str | None]:
    """(units, encoding, warning) of a file's bytes; raises NotText or
    Unreadable for files that hold no text."""
    if is_pdf(name):
        return tuple(pdf_pages(data)), "pdf", None
    if is_docx(name):
        return (TextUnit(docx_text(data), extracted=True),), "docx", None
    decoded = decode_bytes(data)
    if is_html(name):
        return (TextUnit(html_text(decoded.text), extracted=True),), decoded.encoding, \
            decoded.warning
    return (TextUnit(decoded.text),), decoded.encoding, decoded.warning


def content_sha256(data: bytes, name: str) -> str:
    """What the index records of a file's content: the hash of its bytes,
    and for a file whose text is extracted (HTML, Word, PDF), of the
    extractor's version too, since its line numbers are the extractor's."""
    digest = hashlib.sha256(data)
    if is_html(name) or is_docx(name) or is_pdf(name):
        digest.update(f"\0extractor {EXTRACTOR_VERSION}".encode())
    return digest.hexdigest()


def read_document(path: Path, file: str) -> tuple[Document | None, str | None]:
    """Read one file. Returns (document, None), (document, warning) or
    (None, reason it was skipped)."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            # Reading a named pipe waits for a writer that may never come.
            return None, "not a regular file (a pipe, socket or device)"
        size = status.st_size
        if size > MAX_FILE_BYTES:
            # Refused before reading, so memory stays bounded whatever the size.
            return None, (f"{size / (1024 * 1024):.0f} MB is larger than the "
                          f"{MAX_FILE_BYTES // (1024 * 1024)} MB limit for one document")
        data = path.read_bytes()
    except OSError as error:
        return None, f"unreadable ({error.strerror or error})"
    try:
        units, encoding, warning = text_units(data, path.name)
    except (NotText, Unreadable) as error:
        return None, str(error)
    except Exception as error:  # a reader's fault on one file must not stop the others
        return None, f"could not be read ({type(error).__name__}: {error})"
    if not any(unit.text.strip() for unit in units):
        return None, "empty file" if not is_pdf(path.name) else "no extractable text (scanned PDF?)"
    document = Document(path=path, file=file, units=units,
                        sha256=content_sha256(data, path.name), encoding=encoding)
    return document, warning


def common_root(paths: list[Path]) -> Path:
    """The folder that citations are relative to: the folder itself when one
    folder is given, else the deepest folder holding every given path."""
    folders = [path if path.is_dir() else path.parent for path in paths]
    return Path(os.path.commonpath([str(folder) for folder in folders]))


def discover(paths: list[Path], root: Path
             ) -> Iterator[tuple[Path, str] | Skipped | PassedOver]:
    """Yield (absolute path, relative name) for every document under `paths`,
    `Skipped` for given paths that cannot be walked and `PassedOver` for the
    files of a folder that are not documents (see `_is_document`); a file
    given by its path is always read. Symlinked folders are followed once; a
    link loop is not entered twice."""
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for given in paths:
        if not given.exists():
            yield Skipped(str(given), "no such file or folder")
            continue
        if given.is_file():
            candidates: Iterator[Path] = iter([given])
        elif is_index_folder(given):
            yield Skipped(str(given), "it is a rag index, not a folder of documents")
            continue
        else:
            candidates = _walk(given, seen_dirs)
        for path in candidates:
            if path != given and not _is_document(path):
                yield PassedOver(_shown(path.relative_to(root).as_posix()),
                                 path.suffix.lower() or BINARY)
                continue
            real = os.path.realpath(path)
            if real in seen_files:
                continue
            seen_files.add(real)
            name = path.relative_to(root).as_posix()
            unusable = _unusable_name(name)
            if unusable:
                yield Skipped(_shown(name), f"its name {unusable}; rename it to index it")
                continue
            if _unusable_name(str(path)) == NOT_UTF8:  # the index stores the path too
                yield Skipped(_shown(name), f"the path of its folder {NOT_UTF8}; "
                                            f"rename the folder")
                continue
            yield path, name


NOT_UTF8 = "is not valid UTF-8"


def _is_document(path: Path) -> bool:
    """Of a type rag reads, or without a suffix and holding text: "README",
    "NOTES", "LICENSE" are documents, an executable is not. A file that
    cannot be read is let through, for the reader to say why."""
    if path.suffix.lower() in SUFFIXES:
        return True
    if path.suffix:
        return False
    if not path.is_file():  # a pipe would block the read below
        return True
    try:
        with open(path, "rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError:
        return True
    try:
        decode_bytes(head[:len(head) - len(head) % 2])  # whole UTF-16 units
    except NotText:
        return False
    return True


def _unusable_name(path: str) -> str | None:
    """Why a file's name or path cannot be stored and cited: bytes that are
    not UTF-8 (Python keeps them as lone surrogates, which no index file can
    store) or a control character such as a line break, which would break
    the one-line citation "[name:3-4]"."""
    if SURROGATE.search(path):
        return NOT_UTF8
    if any(_is_control(char) for char in path):
        return "holds a control character"
    return None


def _shown(name: str) -> str:
    """`name` as it can be printed: undecodable bytes as \\xe9, control
    characters as \\n."""
    return "".join(repr(char)[1:-1] if _is_control(char) else char for char in printable(name))


def _is_control(char: str) -> bool:
    return char < " " or char == "\x7f"


def _walk(folder: Path, seen_dirs: set[str]) -> Iterator[Path]:
    for directory, subdirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(directory)
        if real in seen_dirs:
            subdirs.clear()
            continue
        seen_dirs.add(real)
        subdirs.sort()
        subdirs[:] = [name for name in subdirs if not name.startswith(".")
                      and not is_index_folder(Path(directory) / name)]
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(directory) / name
