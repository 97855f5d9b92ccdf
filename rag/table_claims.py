"""Claims about a row of a table: a number keeps its column.

A row says what its numbers are only through its header ("Moorhen | 530 |
88,900" under "Ferry | Trips | Passengers"). A written claim that keeps the
row's numbers but names them by another column ("the Moorhen made 88,900
trips") holds every number and name of the row, so the checks of names,
numbers and meaning pass it; this check reads each of the row's numbers in
the claim with the words around it, and refuses the claim when those words
name another column of the header and not the number's own.
"""

from __future__ import annotations

import re

from .formats import CELL_SEPARATOR
from .keyword import tokenize

NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# Words either side of a number in the claim that may name what it counts
# ("made 530 trips", "a passenger count of 88,900").
NEAR_WORDS = 3


def header_row(text: str, heading: str) -> str:
    """The heading a sentence is read under (`Layout.heading_text`) when it
    is the header row of the table row the sentence is, else "": the
    columns that say what the row's numbers are."""
    return heading if CELL_SEPARATOR in heading and CELL_SEPARATOR in text else ""


def cells(row: str) -> list[str]:
    """The cells of a row as the extractors and Markdown write it ("a | b")."""
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def _digits(number: str) -> str:
    return number.replace(",", "").rstrip(".")


def keeps_columns(claim: str, row: str, header: str) -> bool:
    """False when a number of the row is named in the claim by the header
    of another of its columns, and not by its own."""
    values, names = cells(row), cells(header)
    if len(values) != len(names) or len(values) < 2:
        return True  # cells that do not line up say nothing of columns
    names_by_column = [set(tokenize(name)) for name in names]
    column_of: dict[str, int] = {}
    for column, value in enumerate(values):
        for number in NUMBER.findall(value):
            # A number in two columns says nothing of which one is meant.
            column_of[_digits(number)] = -1 if _digits(number) in column_of else column
    words = claim.split()
    for position, word in enumerate(words):
        found = NUMBER.search(word)
        column = column_of.get(_digits(found.group())) if found else None
        if column is None or column < 0:
            continue
        near = set(tokenize(" ".join(words[max(0, position - NEAR_WORDS):position]
                                     + words[position + 1:position + 1 + NEAR_WORDS])))
        own = names_by_column[column]
        others = set().union(*(names for index, names in enumerate(names_by_column)
                               if index != column)) - own
        if near & others and not near & own:
            return False
    return True
