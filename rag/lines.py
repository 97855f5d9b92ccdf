"""Line numbers of a text exactly as an editor or `nl -ba` shows them.

Only `\\n`, `\\r\\n` and `\\r` end a line (each counts once); `str.splitlines`
also breaks on form feeds, U+2028 and others, which editors do not, so it is
not used anywhere citations are computed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    start: int  # offset of the first character
    end: int  # offset just past the last character, line break excluded

    def text_of(self, text: str) -> str:
        return text[self.start:self.end]


class LineTable:
    """Maps character offsets of one text to 1-based line numbers."""

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        ends = []
        for match in LINE_BREAK.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(text))
        # A text that ends with a line break has no further (empty) line.
        if len(starts) > 1 and starts[-1] == len(text):
            starts.pop()
            ends.pop()
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """1-based number of the line holding character `offset`."""
        return max(1, bisect_right(self.starts, offset))

    def lines(self):
        for index, (start, end) in enumerate(zip(self.starts, self.ends)):
            yield Line(index + 1, start, end)

    def span_text(self, line_start: int, line_end: int) -> str:
        """The raw text of lines `line_start..line_end` (inclusive)."""
        return self.text[self.starts[line_start - 1]:self.ends[line_end - 1]]


def read_lines(text: str, line_start: int, line_end: int) -> list[str]:
    """Lines `line_start..line_end` (1-based, inclusive) of `text`."""
    table = LineTable(text)
    return [table.text[table.starts[n - 1]:table.ends[n - 1]]
            for n in range(line_start, min(line_end, len(table)) + 1)]
