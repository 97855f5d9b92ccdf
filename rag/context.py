"""What surrounds a sentence in its article, for the answerer's features.

News prose spreads one statement over several sentences: a quotation runs
for three sentences and names its speaker and source only in the last
('... does not concern us," the minister told CNN Turk.'), and an article's
author stands in a byline far from the text a question quotes. These
helpers let a sentence be judged with the text it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .types import Sentence

# A quotation longer than this many sentences is more likely an unbalanced
# quote mark than a real quotation; it is not followed further.
MAX_QUOTATION_SENTENCES = 6
OPENING = "“«"
CLOSING = "”»"
BYLINE = re.compile(r"^\s*(?:by|written by|reporting by|reported by)\s+[A-Z][\w'’.-]*"
                    r"(?:\s+[A-Z][\w'’.-]*){0,3}\s*(?:,.*)?$", re.IGNORECASE)


def _opens_after(text: str, open_before: bool) -> bool:
    """Whether a quotation is still open at the end of `text`."""
    state = open_before
    for char in text:
        if char in OPENING:
            state = True
        elif char in CLOSING:
            state = False
        elif char == '"':
            state = not state
    return state


def quotation_starts(sentences: Sequence[Sentence]) -> list[int]:
    """For each sentence, the index of the first sentence of the quotation it
    continues, or its own index when it does not continue one."""
    starts = list(range(len(sentences)))
    open_since: int | None = None
    for index, sentence in enumerate(sentences):
        if index and sentence.file != sentences[index - 1].file:
            open_since = None
        if open_since is not None and index - open_since < MAX_QUOTATION_SENTENCES:
            starts[index] = open_since
        else:
            open_since = None
        if _opens_after(sentence.text, open_since is not None):
            open_since = open_since if open_since is not None else index
        else:
            open_since = None
    return starts


def is_byline(text: str) -> bool:
    """"By Ulas Atesci", "Reporting by Jane Doe, Moscow"."""
    return len(text) < 120 and bool(BYLINE.match(text))


CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[—–-]\s+|—")
MIN_CLAUSE_WORDS = 4


def clauses(text: str) -> list[str]:
    """The clauses of a long sentence, or [] when it has only one. A leading
    "The same day Erdogan and Putin met, ..." blurs what the sentence says
    about the batch that was delivered; its clauses are compared alone too."""
    parts = [part.strip() for part in CLAUSE_BREAK.split(text)]
    kept = [part for part in parts if len(part.split()) >= MIN_CLAUSE_WORDS]
    return kept if len(kept) >= 2 else []
