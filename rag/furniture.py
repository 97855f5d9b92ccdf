"""Page furniture: text on the page that is not prose to answer from.

Site names, e-mail lines, page numbers, verse in another script, a table of
contents' links, and the running headers and footers of a paged document
("Chapter 4: Function reference 10" atop each page) are indexed for search
but never given as an answer (`Sentence.is_furniture`). The splitter
(`sentences.py`) asks this module which of its sentences are such text,
and which lines a paged document repeats at its pages' edges.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .formats import CELL_SEPARATOR

# An entry of a table of contents: a link to a place in the same page, alone
# on its line ("* [Uninstall Python versions](#uninstall-python-versions)").
CONTENTS_ENTRY = re.compile(r"\s*(?:[-*+•]\s+|\d{1,3}[.)]\s+)?\[[^\]]*\]\(#[^)\s]*\)\s*")
# A Markdown code fence ("```", "```sh", "~~~", MyST's "```{note}") opens or
# closes a block; it is a line of its own (`sentences._joiner`) and furniture.
CODE_FENCE = re.compile(r"(?:`{3,}|~{3,})\s*[\w{}.+#-]*(?:\s+\S+)?")
# An address is tried only where a word starts: "\S+@" tried from every
# character of a long run without spaces took time in its square.
URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+|(?<![^\s@])[^\s@]++@[^\s@]+\.\w+",
                          re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]{2,}")
# A line at the top or bottom (EDGE_LINES) of this many pages is a running
# header or footer.
RUNNING_PAGES = 3
EDGE_LINES = 2


# Scripts written together: Japanese mixes Chinese characters with its two
# kana, Korean may hold Chinese characters among its Hangul. Each is one
# script here, or every Japanese sentence would read as verse in another.
SCRIPT_FAMILY = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK",
                 "HANGUL": "CJK", "HALFWIDTH": "CJK"}
# Scripts written without spaces between words: a run of their letters is
# a phrase or a sentence, not one word. Two letters are counted as a word
# (Chinese words are one to three characters, most often two).
UNSPACED = frozenset({"CJK", "THAI", "LAO", "KHMER", "MYANMAR"})
LETTERS_PER_UNSPACED_WORD = 2


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    script = name.split(" ", 1)[0] if name else "UNKNOWN"
    return SCRIPT_FAMILY.get(script, script)


def _word_count(words: list[str]) -> int:
    """How many words `words` (WORD's matches) hold, a run of letters of a
    script written without spaces counted by its length."""
    return sum(max(1, len(word) // LETTERS_PER_UNSPACED_WORD)
               if _script(word[0]) in UNSPACED else 1 for word in words)


def dominant_script(text: str) -> str:
    counts = Counter(_script(char) for char in text[:20000] if char.isalpha())
    return counts.most_common(1)[0][0] if counts else "LATIN"


def _is_table_row(text: str) -> bool:
    """A row of a table with two cells or more that hold words or numbers
    ("Tern | 120": a name and its value, however few words; "2019 | 52")."""
    cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
    return CELL_SEPARATOR in text and sum(1 for cell in cells if cell) >= 2 and \
        any(char.isalnum() for char in text)


def is_furniture(text: str, script: str, repeated: bool, in_columns: bool = False) -> bool:
    """Page furniture: text that is on the page but is not prose to answer
    from (site names, e-mail lines, page numbers, verse in another script,
    running headers that repeat, a table of contents' links, code fences).
    A row of a table ("Tern | 120") or of tab-aligned columns (`in_columns`)
    is content however few its words."""
    if CODE_FENCE.fullmatch(text):
        return True
    words = WORD.findall(URL_OR_EMAIL.sub(" ", text))
    if _word_count(words) < 2 and not (_is_table_row(text)
                               or (in_columns and any(char.isalnum() for char in text))):
        return True
    if CONTENTS_ENTRY.fullmatch(text):
        return True
    letters = [char for char in text if char.isalpha()]
    foreign = sum(1 for char in letters if _script(char) != script)
    if foreign > 0.2 * len(letters):
        return True
    if URL_OR_EMAIL.search(text) and _word_count(words) < 6:
        return True
    return repeated


def line_key(line: str) -> str:
    """A line as a running header repeats it: spaces collapsed, every
    number the same ("Chapter 4: Function reference #")."""
    return re.sub(r"\d+", "#", " ".join(line.split()))


def running_lines(pages: list[str]) -> frozenset[str]:
    """The `line_key`s of lines that open or close RUNNING_PAGES pages or
    more of a paged document: a book's "Chapter 4: Function reference 10"
    at the top of each page of its chapter, a report's footer. One page
    alone cannot tell its header from its text."""
    counts: Counter = Counter()
    for text in pages:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        counts.update({line_key(line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]})
    return frozenset(key for key, count in counts.items() if count >= RUNNING_PAGES)


def among_rows(lines: list[str], line_start: int, line_end: int) -> bool:
    """Whether lines `line_start`..`line_end` (1-based) are a table's row
    with another row, or the table's delimiter, on a line next to them."""
    if "|" not in lines[line_start - 1]:
        return False
    return any(0 < number <= len(lines) and "|" in lines[number - 1]
               for number in (line_start - 1, line_end + 1))
