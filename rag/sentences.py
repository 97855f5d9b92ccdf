"""Stage 2: split a document into sentences that keep their lines.

Real files are untidy in two opposite ways: text exported from PDFs wraps a
sentence over many short lines (often with blank lines between them and words
hyphenated across the break), while web exports put a whole paragraph, many
sentences, on one very long line. Both are handled by first *reflowing* the
text (joining wrapped lines into a flow, remembering where each piece came
from) and then splitting the flow into sentences. Every sentence maps back to
character offsets of the original text and so to its exact line range.

Hands `Sentence`s to the chunking stage.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from .formats import CELL_SEPARATOR
from .furniture import CODE_FENCE, among_rows, dominant_script, is_furniture, line_key
from .keyword import zipf
from .lines import LineTable
from .types import Sentence

# Chinese and Japanese end a sentence with a wide stop ("。", "！", "？")
# and write no space after it; it is a stop wherever it stands.
WIDE_STOPS = "。！？"
TERMINAL = ".!?…" + WIDE_STOPS
CLOSERS = "\"'”’»)]」』）】"
OPENERS = "\"'“‘«([¿¡"
DASHES = "—–"
# An item of a list, by how its line opens: a bullet, a number ("4.",
# "(2)"), a letter ("b.", "(c)") or a small Roman numeral ("ii.", "(iv)").
ITEM_NUMBER = r"(?:\d{1,3}|[a-z]|[ivx]{1,4})"
BULLET_MARKS = "•●▪◦·*\\-–—"  # in a character class
LIST_ITEM = re.compile(rf"^\s*(?:[{BULLET_MARKS}]\s|\(?{ITEM_NUMBER}[.)]\s|\([A-Z]\)\s)")
# Columns aligned with tabs between two words ("xdg-open<TAB><TAB>Open a
# file"): a plain-text table or a tab-separated export.
COLUMN_BREAK = re.compile(r"(?<=\S)\t+(?=\S)")
# A Markdown title's marks ("## Options"; a hashtag, "#rust", has no space).
MARKDOWN_TITLE = re.compile(r"^#{1,6}\s+")
# A section's title in capitals alone on its line ("OPTIONS", "SEE ALSO" of a
# manual page; "NO WARRANTY"): at most four words of capitals, no stop after.
CAPITALS_TITLE = re.compile(r"[A-Z][A-Z0-9']*(?: [A-Z][A-Z0-9']*){0,3}")
# A line drawn with one punctuation mark, spaces allowed: "-----", "=====", "* * *".
RULE_LINE = re.compile(r"([-=~_*#+^])(?:\s*\1){2,}")
# A Markdown title's marks and number so far ("## 2." of "## 2. Preparing
# your program", "### 3.1." of a subsection's).
TITLE_NUMBER = re.compile(r"#{1,6}\s+\d{1,3}(?:\.\d{1,3})*\.")
TITLE_NUMBER_CHARS = 24  # more than the longest such opening
# A line that holds only an item's mark so far ("4." of "4. You may ...").
ITEM_MARK_ONLY = re.compile(rf"\s*\(?{ITEM_NUMBER}[.)]")
ITEM_MARK_CHARS = 12  # more than the longest mark, "(viii)." (flow lines have no indent)
# A sentence longer than this is cut at a space: embedding models read only
# the start of long inputs, and a one-line 10 MB file must still be indexed.
MAX_SENTENCE_CHARS = 1000
# A run of this many characters without a space is no text to read: an
# image pasted into a note as a data URI ("![photo](data:image/png;base64,
# ..."), a key or a blob. Cut into sentences, a 2 MB one made 1,500 chunks
# of noise and took a minute to embed; it makes no sentence. (A web
# address or a hash is far shorter.)
BLOB_CHARS = 500
SPACE = re.compile(r"\s")
# Recorded in each index: an index split by another version is embedded
# afresh by `rag index` (its sentences, and so its citations, would differ).
# 4: a table row is a sentence of its own; 5: a wrapped list item runs on;
# 6: a lettered item starts a sentence, its mark cut off as "4." always was;
# a rule line ("-----" under a title) is a line of its own; 7: a row of
# tab-aligned columns is a sentence of its own; 8: each line of a Markdown
# file's front matter is a sentence of its own; 9: table rows that differ
# only in their numbers are content, not a repeated running header; 10: a
# Markdown title's line runs into no sentence; 11: a paged document's
# running headers and footers are furniture, lines of their own; 12: so is a
# title in capitals; 13: blank lines part paragraphs in text that has no
# blank line after most of its lines; 14: a "|" margin (pydoc's class
# members) is no cell of a table; 15: a function's signature is a line of
# its own; 16: one blank line inside a sentence, or one after a line that
# ends in a colon or is a rule, is not enough to read a short text as
# putting a blank line after every line; 17: a numbered title listed word
# for word in a table of contents is furniture there, and content where
# its section opens; 18: a Markdown code fence is a line of its own; 19: a
# listed title is furniture when its number stands apart as an item's mark;
# 20: a Markdown title's number ("## 2.") stays with its title; 21: a
# numbered line that ends with a full stop is no listed title; 22: a
# quotation's ">" marks are no part of its sentences; 23: in extracted
# text, a word broken over two lines by a hyphen is one word again; 24: a
# wide stop ("。") ends a sentence, space or not, and so does a stop before
# a letter of a script without capitals; 25: a run of BLOB_CHARS without
# a space makes no sentence.
SPLITTER_VERSION = 25
# A function's signature on a line of its own, as pydoc and API references
# write one over what it does ("copytree(src, dst, symlinks=False, ...)" over
# "Recursively copy a directory tree ..."): it runs into no sentence, and
# heads the one under it (`layout.Layout.heading`) however long it is.
SIGNATURE = re.compile(r"(?:class\s+|def\s+)?[A-Za-z_][\w.]*\(.*\)(?:\s*->\s*\S+)?:?")
# A line behind a margin of one "|" ("     |  Return a new dict."), as
# pydoc writes a class's members: the "|" is no part of the text, and no
# separator of a table's cells (a row has two or more: "| a | b |").
MARGIN = re.compile(r"\|(?:\s+|$)(?=[^|]*$)")
# The marks of quoted text (an e-mail's "> Could you check ...", a Markdown
# blockquote's "> **Note:** ..."), one per level ("> >", ">>"), then a
# space: no part of the text, and a line of them alone is a blank line of
# the quotation. A Python prompt (">>> import os") is code, not a
# quotation three deep, and a ">" before a tab is a key in a table of
# keys (a manual page's "<TAB>Scroll list of previews left").
QUOTE_MARGIN = re.compile(r"(?!>>>(?: |$))>(?: ?>)*(?= |$)")
# Text whose lines are followed by a blank line this often or more may put
# one after every wrapped line (`_blank_lines_separate_paragraphs`).
BLANK_AFTER_EVERY_LINE = 0.5
# ... when at least this many of its blank lines fall inside a sentence.
RUN_ON_BREAKS = 2
# Front matter: a block of "key: value" lines that opens a Markdown note
# (Jekyll, Hugo, Obsidian) between a "---" line and a "---" or "..." line.
FRONT_MATTER_OPEN = "---"
FRONT_MATTER_CLOSE = ("---", "...")
FRONT_MATTER_LINES = 100  # a block that runs longer is no front matter
FRONT_MATTER_FIELD = re.compile(r"[A-Za-z_][\w -]{0,40}:(?:\s|$)|- ")
# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres
inc ltd co corp plc llc bros dept univ assn est approx vs etc al cf ca fig figs vol vols no nos
pp ed eds jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
e.g i.e u.s u.k u.n u.s.a e.u a.m p.m d.c n.y
""".split())


@dataclass(frozen=True)
class Piece:
    """A stretch of the flow text copied from `origin` in the original."""

    flow_start: int
    origin: int
    length: int


class Flow:
    """The reflowed text of a document and the map back to the original."""

    def __init__(self, text: str, table: LineTable, running: frozenset[str] = frozenset(),
                 extracted: bool = False):
        self.parts: list[str] = []
        self.pieces: list[Piece] = []
        self.length = 0
        self.running = running  # `line_key`s of a paged document's running headers
        self.extracted = extracted  # text taken out of a PDF, HTML or Word file
        self._build(text, table)
        self.text = "".join(self.parts)
        self._piece_starts = [piece.flow_start for piece in self.pieces]

    def _append(self, chunk: str, origin: int | None) -> None:
        if origin is not None:
            self.pieces.append(Piece(self.length, origin, len(chunk)))
        self.parts.append(chunk)
        self.length += len(chunk)

    def _build(self, text: str, table: LineTable) -> None:
        lines = []  # (content, offset of content, blank line(s) before it)
        depths = []  # per line of `lines`: how deep it is quoted (QUOTE_MARGIN)
        blank_before = False
        raw_lines = [line.text_of(text) for line in table.lines()]
        quoted = _quotation_margins(raw_lines)
        for line, raw, quote in zip(table.lines(), raw_lines, quoted):
            stripped = raw.strip()
            offset = line.start + (len(raw) - len(raw.lstrip()))
            depth = stripped[:quote].count(">")
            if quote:
                inner = stripped[quote:].lstrip()
                offset += len(stripped) - len(inner)
                stripped = inner.rstrip()
            margin = MARGIN.match(stripped)
            if margin:
                stripped, offset = stripped[margin.end():], offset + margin.end()
            if stripped:
                lines.append((stripped, offset, blank_before))
                depths.append(depth)
                blank_before = False
            else:
                blank_before = True
        width = _wrap_width([content for content, _, _ in lines])
        blank_is_break = _blank_lines_separate_paragraphs(lines)
        # Each line of front matter is a field of its own ("date: 2024-03-12"),
        # not a wrapped sentence running into the next.
        fields = range(1, front_matter_end([content for content, _, _ in lines]))
        previous = None
        for position, (content, offset, blank) in enumerate(lines):
            if previous is not None:
                # A running header or footer is a line of its own.
                apart = line_key(previous) in self.running or line_key(content) in self.running
                # A quotation opens or closes: "Omar Haddad wrote:" is no
                # part of what he wrote, nor the quotation of the reply.
                apart = apart or depths[position] != depths[position - 1]
                joiner = "\n" if (blank and blank_is_break) or position in fields or apart \
                    else _joiner(previous, content, width)
                if joiner == "" and self.extracted and _hyphenated(previous, content):
                    self._drop_last_char()
                self._append(joiner, None)
            self._append(content, offset)
            previous = content

    def _drop_last_char(self) -> None:
        """Take the flow's last character back (a line's end hyphen)."""
        self.parts[-1] = self.parts[-1][:-1]
        last = self.pieces[-1]
        self.pieces[-1] = Piece(last.flow_start, last.origin, last.length - 1)
        self.length -= 1

    def origin_of(self, flow_offset: int) -> int:
        """Original offset of the flow character at `flow_offset`."""
        index = bisect_right(self._piece_starts, flow_offset) - 1
        piece = self.pieces[index]
        return piece.origin + min(flow_offset - piece.flow_start, piece.length - 1)


# A word broken over two lines by typesetting ("govern-" / "ment" of a PDF's
# justified text) is one word again when, without the hyphen, it is a word
# English uses at least this often (wordfreq's Zipf scale: "government"
# 5.6, "email" 4.9); a compound broken at its own hyphen ("fifth-" /
# "generation", "well-" / "known") keeps it, as does a number ("S-" / "400").
HYPHENATED_WORD_ZIPF = 3.0
LINE_END_WORD = re.compile(r"([^\W\d_]+)-$")
LINE_START_WORD = re.compile(r"[a-z]+")


def _hyphenated(previous: str, following: str) -> bool:
    """Whether the hyphen that ends `previous` breaks one word over two
    lines (see HYPHENATED_WORD_ZIPF)."""
    end, start = LINE_END_WORD.search(previous), LINE_START_WORD.match(following)
    if end is None or start is None or (start.end() < len(following)
                                        and following[start.end()] == "-"):
        return False
    return zipf((end.group(1) + start.group()).lower()) >= HYPHENATED_WORD_ZIPF


def _quotation_margins(raw_lines: list[str]) -> list[int]:
    """Per line, the length of its quotation marks (QUOTE_MARGIN) after its
    indent, 0 for a line that quotes nothing. A lone line that opens with
    ">" under a line of unquoted text that stops short of a sentence's end
    continues that text ("... a large file (size" / "> 32 bits) and ..."):
    a quotation opens after a blank line, a stop or a colon ("... wrote:")."""
    margins = []
    for raw in raw_lines:
        quote = QUOTE_MARGIN.match(raw.strip())
        margins.append(quote.end() if quote else 0)
    for position in range(1, len(raw_lines)):
        above = raw_lines[position - 1].strip()
        lone = position + 1 == len(raw_lines) or not margins[position + 1]
        if margins[position] and lone and above and not margins[position - 1] \
                and above[-1] not in TERMINAL + CLOSERS + ":":
            margins[position] = 0
    return margins


def front_matter_end(lines: list[str]) -> int:
    """The position of the line that closes the front matter opening
    `lines` (non-blank lines, stripped), or 0 when they open with none: a
    "---" line, then fields ("date: 2024-03-12", or an item "- travel" of a
    field's list), then "---" or "...". Text between two rules that is not
    all fields (a wrapped paragraph) is no front matter."""
    if not lines or lines[0] != FRONT_MATTER_OPEN:
        return 0
    for position, line in enumerate(lines[1:FRONT_MATTER_LINES + 1], start=1):
        if line in FRONT_MATTER_CLOSE:
            return position if position > 1 else 0
        if not FRONT_MATTER_FIELD.match(line):
            return 0
    return 0


def _wrap_width(lines: list[str]) -> int:
    """The width a hard-wrapped text was wrapped at (90th percentile of line
    lengths); for one-paragraph-per-line text it is simply large."""
    if not lines:
        return 0
    lengths = sorted(len(line) for line in lines)
    return lengths[int(0.9 * (len(lengths) - 1))]


def _blank_lines_separate_paragraphs(lines: list[tuple[str, int, bool]]) -> bool:
    """False for text (often from PDFs) that puts a blank line after every
    wrapped line, so a sentence runs on across blank lines."""
    across = [(previous[0], following[0]) for previous, following in zip(lines, lines[1:])
              if following[2]]
    # Only text with a blank line after most of its lines can be such text.
    # Where blank lines stand between paragraphs of several lines, one that
    # opens in lower case under a title ("polkit is an application-level
    # toolkit ...") is a paragraph, not a sentence running on.
    if not across or len(across) < BLANK_AFTER_EVERY_LINE * (len(lines) - 1):
        return True
    # A line that introduces what follows ("..., for example:") or a rule
    # ("*****" under a title) ends before a blank line, whatever comes next.
    continued = sum(1 for previous, following in across
                    if previous[-1] not in TERMINAL + CLOSERS + ":" and following[0].islower()
                    and not RULE_LINE.fullmatch(previous))
    # One such break in a short text (a release note's header line,
    # "xdg-utils (1.0.2-3) unstable; urgency=low", over a paragraph that
    # opens with a command's name) is not enough to say so.
    return continued < max(RUN_ON_BREAKS, 0.2 * len(across))


def _joiner(previous: str, following: str, width: int) -> str:
    """What stands between two consecutive non-blank lines in the flow:
    "" closes a hyphenated or dashed break, " " continues a wrapped sentence,
    "\\n" is a hard break that always ends a sentence."""
    # A rule ("-----" under a reStructuredText or Markdown title, "* * *"
    # between sections) is a line of its own: the title above it is no part
    # of the sentence below.
    if RULE_LINE.fullmatch(previous) or RULE_LINE.fullmatch(following):
        return "\n"
    # So is a Markdown title ("## How do I assemble the lamp?"), or one an
    # extractor marked so: it runs into neither the sentence above nor below.
    if MARKDOWN_TITLE.match(previous) or MARKDOWN_TITLE.match(following):
        return "\n"
    # And a title in capitals: a manual page's "OPTIONS" has its first
    # option ("-k, --key=FIELD") right under it, its "NAME" the name in
    # lower case ("cp - copy files"), neither a sentence's opening.
    if CAPITALS_TITLE.fullmatch(previous) or CAPITALS_TITLE.fullmatch(following):
        return "\n"
    if SIGNATURE.fullmatch(previous):
        return "\n"
    # A code fence runs into neither the code nor the prose around it
    # ("```{note} Pinning refers to ... ```" was one sentence).
    if CODE_FENCE.fullmatch(previous) or CODE_FENCE.fullmatch(following):
        return "\n"
    last, first = previous[-1], following[0]
    if last == "-" and len(previous) > 1 and previous[-2].isalnum() and first.isalnum():
        return ""
    if last in DASHES:
        return ""
    if LIST_ITEM.match(following):
        return "\n"
    if LIST_ITEM.match(previous):
        # An item that wraps ("4. You may distribute the programs in object
        # code or" / "executable form, provided ...") runs on into its next
        # line: it stops short of a sentence's end, and the line is as long
        # as the text's others or the next one starts in lower case. A short
        # item ("- apples") is a line of its own.
        wraps = last not in TERMINAL + CLOSERS + ":" and \
            (len(previous) >= 0.6 * width or first.islower())
        return " " if wraps else "\n"
    # A row of a table (cells joined by " | ", as HTML and .docx tables are
    # extracted, or a Markdown table) is a line of its own: run into the
    # next, "Moorhen | 400" would read as the header's or another row's.
    if CELL_SEPARATOR in previous or CELL_SEPARATOR in following:
        return "\n"
    # So is a row of columns aligned with tabs; a wrapped line of its last
    # column (no tab, in lower case) runs on.
    if COLUMN_BREAK.search(following) or (COLUMN_BREAK.search(previous) and not first.islower()):
        return "\n"
    starts_new = first.isupper() or first.isdigit() or first in OPENERS
    if last in TERMINAL or (last in CLOSERS and len(previous) > 1 and previous[-2] in TERMINAL):
        return " "  # the sentence splitter decides
    if last == ":" and starts_new:
        return "\n"
    # A line well short of the wrap width that does not end a sentence is a
    # heading, byline or caption when the next line starts afresh.
    if starts_new and len(previous) < 0.6 * width:
        return "\n"
    return " "


# A run of stops is matched from its first stop only, and never given back:
# tried from every stop of a run ("....." 100,000 long), the search took
# time in the square of the run's length.
BOUNDARY = re.compile(r"(?<![" + re.escape(TERMINAL) + r"])[" + re.escape(TERMINAL) + r"]++["
                      + re.escape(CLOSERS) + r"]*+(\s*)")


def starts_afresh(char: str) -> bool:
    """Whether a sentence or line may open with `char`: a capital, a digit,
    an opening quote or bracket, or a letter of a script without capitals
    (Chinese, Japanese, Korean, Arabic, Hebrew, Thai, Devanagari ...), where
    a stop and a space are all that part two sentences."""
    return char.isupper() or char.isdigit() or char in OPENERS or (
        char.isalpha() and not char.islower())


def _is_abbreviation(flow: str, period_at: int) -> bool:
    """Whether the full stop at `period_at` closes an abbreviation or initial."""
    if flow[period_at] != ".":
        return False
    start = period_at
    while start > 0 and not flow[start - 1].isspace() and flow[start - 1] not in OPENERS:
        start -= 1
    word = flow[start:period_at].lower()
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.").
    return len(word) == 1 and word.isalpha() or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def _line_opens_as(flow: str, terminal_at: int, pattern: re.Pattern, chars: int) -> bool:
    """Whether the text from the start of its line up to the stop at
    `terminal_at` is `pattern` (an item's mark, "4."; a title's number, "##
    2."). Only the `chars` characters before it are read: a line of a
    million characters must not be read back for every stop."""
    window_start = max(0, terminal_at - chars)
    newline = flow.rfind("\n", window_start, terminal_at)
    if newline < 0 and window_start > 0:
        return False
    return pattern.fullmatch(flow, newline + 1, terminal_at + 1) is not None


def _split_points(flow: str) -> list[int]:
    """Flow offsets where one sentence ends and the next begins."""
    points = []
    for match in BOUNDARY.finditer(flow):
        gap_start, gap_end = match.span(1)
        if gap_end >= len(flow):
            continue
        following = flow[gap_end]
        if "\n" in match.group(1):
            points.append(gap_end)
            continue
        wide = any(stop in match.group() for stop in WIDE_STOPS)
        if not match.group(1):  # no space after the stop: only a wide stop ends there
            if wide:
                points.append(gap_end)
            continue
        terminal_at = match.start()
        # A title's number ("## 2. Preparing your program", as HTML's
        # numbered headings are extracted) is part of the title, which is a
        # line of its own: cut off, it left the title's words unmarked.
        if _line_opens_as(flow, terminal_at, TITLE_NUMBER, TITLE_NUMBER_CHARS):
            continue
        # An item's mark ("4.", "b.", "ii.") is cut off as a sentence of its
        # own, which is furniture (`is_furniture`): its text is the item's
        # sentence, read as any other ("b." is no initial here).
        if _line_opens_as(flow, terminal_at, ITEM_MARK_ONLY, ITEM_MARK_CHARS):
            points.append(gap_end)
            continue
        if not (starts_afresh(following) or wide):
            continue
        if flow[terminal_at] == "." and _is_abbreviation(flow, terminal_at):
            continue
        points.append(gap_end)
    for match in re.finditer(r"\n", flow):
        points.append(match.end())
    return sorted(set(points))


def _cut_long(start: int, end: int, flow: str) -> list[tuple[int, int]]:
    spans = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = flow.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def _sentence_spans(flow: str) -> list[tuple[int, int]]:
    spans = []
    bounds = [0, *_split_points(flow), len(flow)]
    for begin, end in zip(bounds, bounds[1:]):
        while begin < end and flow[begin].isspace():
            begin += 1
        while end > begin and flow[end - 1].isspace():
            end -= 1
        if end > begin:
            spans.extend(span for span in _cut_long(begin, end, flow)
                         if span[1] - span[0] < BLOB_CHARS or SPACE.search(flow, *span))
    return spans


# A numbered section's title: its number ("3.3", "12.") and words, the
# first two capitalized or in lower case, of letters only (no code, "2 | let
# x = 6;", nor a field of a format, "4 CARD32 MIME_TYPE_OFFSET").
NUMBERED_TITLE = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?\s+[A-Z][a-z'’]*\s+[A-Za-z][a-z'’]*\b.*")


def _contents_listings(lines: list[str]) -> tuple[set[int], set[int]]:
    """The 1-based numbers of the lines that list numbered titles
    (NUMBERED_TITLE) in a table of contents, and of the lines where those
    titles stand last, opening their sections: a title that stands more than
    once, word for word. One that ends with a full stop is a sentence ("1.
    Turn the power off.", a step said in two procedures), no title."""
    seen: dict[str, list[int]] = {}
    for number, line in enumerate(lines, start=1):
        if len(line) < 100 and NUMBERED_TITLE.fullmatch(line) and not line.endswith("."):
            seen.setdefault(line, []).append(number)
    repeated = [numbers for numbers in seen.values() if len(numbers) > 1]
    return ({number for numbers in repeated for number in numbers[:-1]},
            {numbers[-1] for numbers in repeated})


def split_sentences(text: str, file: str, page: int | None = None,
                    extracted: bool = False,
                    running: frozenset[str] = frozenset()) -> list[Sentence]:
    """All sentences of a document (or of one PDF page), in order, with
    exact line ranges. `running`: the running headers and footers of the
    document the page is of (`running_lines`), page furniture."""
    table = LineTable(text)
    flow = Flow(text, table, running, extracted)
    script = dominant_script(text)
    lines = [" ".join(line.text_of(text).split()) for line in table.lines()]
    line_counts = Counter(line_key(line) for line in lines)
    listings, listed_titles = _contents_listings(lines)
    sentences = []
    for begin, end in _sentence_spans(flow.text):
        char_start = flow.origin_of(begin)
        char_end = flow.origin_of(end - 1) + 1
        line_start, line_end = table.line_of(char_start), table.line_of(char_end - 1)
        sentence_text = " ".join(flow.text[begin:end].split())
        key = line_key(sentence_text)
        in_columns = COLUMN_BREAK.search(flow.text[begin:end]) is not None
        # A line repeated with other numbers is a running header ("Report |
        # page 3"), unless it is a row among rows ("| 2019 | 52 |").
        repeated = key in running or (len(sentence_text) < 100 and line_counts.get(key, 0) > 1
                                      and not (among_rows(lines, line_start, line_end)
                                               or in_columns))
        # A table of contents lists numbered sections by their titles
        # ("3.3<TAB>Why doesn't lsof report full path names?") that open the
        # sections further on, word for word: the listing is furniture and
        # the section's own title, the last, is read as if said once. Its
        # number may stand apart as an item's mark ("4.1." of "4.1. How do I
        # insert a newline ...?"): the line is what repeats.
        if line_start == line_end and line_start in listings:
            repeated = True
        elif line_start == line_end and line_start in listed_titles:
            repeated = False
        sentences.append(Sentence(
            file=file,
            line_start=line_start,
            line_end=line_end,
            char_start=char_start,
            char_end=char_end,
            text=sentence_text,
            is_furniture=is_furniture(sentence_text, script, repeated, in_columns),
            page=page,
            extracted=extracted,
        ))
    return sentences
