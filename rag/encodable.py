"""Text that every encoder takes.

Python strings can hold what no encoding can write: lone surrogates. They
come from a command line's bytes that are not UTF-8 (Python keeps each as
U+DC80-U+DCFF), from JSON's "\\ud800", and from an emoji whose two halves a
streaming LLM server sent in two chunks. The tokenizer refuses them and
printing them fails, so questions and LLM replies pass through `encodable`;
file and folder names that hold them are refused (`SURROGATE`), since no
index file can store them, and are shown in messages by `printable`.
"""

from __future__ import annotations

import re

SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """`text` with halves of a pair joined ("\\ud83d" "\\ude00" -> one emoji),
    a command line's stray bytes decoded as UTF-8 where they are, and any
    other lone surrogate replaced by U+FFFD."""
    if not SURROGATE.search(text):
        return text
    try:  # only a command line's stray bytes
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def printable(text: str) -> str:
    """`text` as a message can show it: a command line's or a file name's
    stray bytes as "\\xe9", any other lone surrogate as "\\ud800"."""
    if not SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
