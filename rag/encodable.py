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
# Characters that shape text without being read: zero-width spaces and
# joiners, the soft hyphen (web pages break "infor\xadmation" with it), the
# byte-order mark, marks of writing direction. Inside a word they hide in
# it and cut it in two for the keyword search.
INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF,
                           *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Fullwidth forms of ASCII ("Ｗｈｏ ｉｓ", as East Asian keyboards type Latin
# letters) and the ideographic space: the model reads each as an unknown
# piece ("Ｗｈｏ ｉｓ Ｅｒｄｏｇａｎ？" had confidence 0.01 where "Who is
# Erdogan?" has 0.48).
PLAIN_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
PLAIN_FORMS = INVISIBLE | PLAIN_WIDTH


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


def plain_forms(text: str) -> str:
    """`text` as it reads: fullwidth letters, digits and signs as ASCII, and
    without invisible format characters (`INVISIBLE`)."""
    return text.translate(PLAIN_FORMS)
