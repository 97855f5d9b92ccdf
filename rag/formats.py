"""Text out of the file formats users have.

Plain text and Markdown are cited by the lines of the file itself. HTML,
Word (.docx) and PDF are cited by the lines of the text extracted from them
(HTML: the visible text; .docx: one paragraph per line; PDF: each page's
text, with the page number), and every citation of such a file says so
(`page.html:text:3-4`, `report.docx:text:12-14`, `report.pdf:p3:12-14`),
because those line numbers are not the file's own.

A small file can unpack into a huge one (a .docx is a zip archive; a PDF
page can hold megabytes of text), so extraction is bounded by what comes
out, not only by the file's size.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

# reStructuredText and Markdown are read as the plain text they are.
PLAIN_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".rst")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
SUFFIXES = PLAIN_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES

# Raised whenever extraction changes the text it gives (and so its line
# numbers): a file indexed by an older extractor is then read again, and its
# old citations are not quoted against new lines. 2: HTML tables by rows;
# 3: a <pre> block keeps its lines, a <br> inside a table cell keeps its row;
# 4: a heading (<h1>-<h6>, a Word "Heading" style) is marked "# " as in Markdown;
# 5: a list's item (<li>, a Word list paragraph) is marked "- " or "1. ";
# 6: a <nav>, and a list whose every item is a link, are left out; 7: so is a
# heading's permalink ("¶"); 8: an item's first paragraph (<li><p>) stands
# on the item's line, after its mark; 9: a table cell's paragraphs and list
# items (HTML and .docx) stay in the cell's row; 10: a <details> block and
# its <summary> (an FAQ's question over its answer), a <fieldset>, <legend>,
# <dialog>, <menu> and <hgroup> are blocks of their own.
EXTRACTOR_VERSION = 10
# The whole text of a link to a place in the page that a site puts after
# each heading (Sphinx's "¶"): a symbol, not words of the heading.
PERMALINK_TEXTS = {"¶", "§", "#", "🔗"}
# HTML's heading tags, and the Markdown mark of each level.
HEADING_MARKS = {f"h{level}": "#" * level + " " for level in range(1, 7)}
MAX_EXTRACTED_CHARS = 10_000_000  # text taken from one file (about 1,500 novel pages)
MAX_PDF_PAGES = 5_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all members of a .docx, unpacked
MAX_ZIP_RATIO = 200  # unpacked / packed size of one member; text XML is about 10


@dataclass(frozen=True)
class TextUnit:
    """A text that line numbers count in: a whole file, or one PDF page."""

    text: str
    page: int | None = None  # 1-based PDF page
    extracted: bool = False  # lines are of extracted text, not of the file


class Unreadable(ValueError):
    """The file cannot be turned into text (damaged, encrypted, binary)."""


# Between the rows of a table, which stay on consecutive lines.
ROW_BREAK = "\x1e"
# Between the cells of a table row, in every extractor's text (and the way a
# Markdown table writes them): how the sentence splitter tells a row.
CELL_SEPARATOR = " | "
# A table cell that holds paragraphs or a list (a wiki's or Node.js's
# version history: "v15.4.0 | <p>AbortSignal support was added.</p>") stays
# on its row's line when its text is at most this long; a longer one is a
# page laid out in a table (old sites put all they say in one cell), whose
# lines stay lines.
CELL_INLINE_CHARS = 500


class _VisibleText(HTMLParser):
    """Collects the text a browser shows, one block element per line; a
    table one row per line, its cells joined by " | " (as for .docx), so
    that a row's values stay together ("Moorhen | 400 | 2012"). A heading
    is marked as Markdown marks one ("## Linking to items"), so that it is
    read as the title of the lines under it, not as an answer of its own
    (`layout.Layout.is_title`)."""

    # A <nav> is the site's menus, not what the page says.
    HIDDEN = {"head", "script", "style", "noscript", "template", "svg", "iframe", "object", "nav"}
    BLOCKS = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
              "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
              "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
              "ul", "caption", "title", "body", "details", "summary", "fieldset", "legend",
              "dialog", "menu", "hgroup"}
    CELLS = {"td", "th"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.parts: list[str] = []
        self.cells_in_row = 0
        self.pre_depth = 0  # inside <pre>: its line breaks are the text's
        self.cell_depth = 0  # inside <td>/<th>: a <br> must not end the row
        self.cell_starts: list[int] = []  # where each open cell starts in `parts`
        self.mark_at: int | None = None  # where the open heading's mark is in `parts`
        # Each open <ul>/<ol>: [tag, the number of its last item, where it
        # starts in `parts`, its items so far, those of them that are a link only].
        self.lists: list[list] = []
        # Each open <li>: [where its mark is in `parts`, characters of its
        # text inside a link, characters outside].
        self.items: list[list[int]] = []
        self.link_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.link_depth += 1
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        elif tag == "tr":
            self.parts.append(ROW_BREAK)
            self.cells_in_row = 0
        elif tag in self.CELLS:
            if self.cells_in_row:
                self.parts.append(CELL_SEPARATOR)
            self.cells_in_row += 1
            self.cell_depth += 1
            self.cell_starts.append(len(self.parts))
        elif tag in self.BLOCKS:
            # An item's first block (<li><p>One thing.</p>) starts on the
            # item's line, after its mark, not on a line of its own.
            if not (self._item_is_empty() and tag not in ("ul", "ol", "li")):
                self.parts.append(self._break(tag))
            self.pre_depth += tag == "pre"
            if tag in HEADING_MARKS and not self.cell_depth:
                self.mark_at = len(self.parts)
                self.parts.append(HEADING_MARKS[tag])
            elif tag in ("ul", "ol"):
                start = dict(attrs).get("start") or "1"
                self.lists.append([tag, int(start) - 1 if start.strip().isdigit() else 0,
                                   len(self.parts) - 1, 0, 0])
            elif tag == "li" and not self.cell_depth:
                self.items.append([len(self.parts), 0, 0])
                self.parts.append(self._item_mark())

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append(self._break(tag))

    def _item_is_empty(self) -> bool:
        """Whether an item is open and holds nothing yet but its mark."""
        return bool(self.items) and self._blank_after(self.items[-1][0])

    def _blank_after(self, index: int) -> bool:
        """Whether the text after `parts[index]` is only white space. Read
        from the end, which is where text usually is: asked at each block
        of an item, a join of all it holds would cost a long item (a page
        in one <li>) time in the square of its length."""
        return not any(self.parts[at].strip() for at in range(len(self.parts) - 1, index, -1))

    def _keep_cell_in_row(self, start: int) -> None:
        """Joins the lines of a short cell (from `parts[start]`) with
        spaces, so that its row stays on one line (CELL_INLINE_CHARS)."""
        text = "".join(self.parts[start:])
        # A list left open inside the cell (broken markup) keeps its place.
        still_open = any(entry[2] >= start for entry in self.lists) or \
            any(item[0] >= start for item in self.items)
        if "\n" in text and len(text) <= CELL_INLINE_CHARS and not still_open:
            self.parts[start:] = [_one_line(text)]

    def _item_mark(self) -> str:
        """A list item's mark as Markdown writes it: "1. " in a numbered
        list, "- " in any other, so the item reads as one (`LIST_ITEM`)."""
        if self.lists and self.lists[-1][0] == "ol":
            self.lists[-1][1] += 1
            return f"{self.lists[-1][1]}. "
        return "- "

    def _break(self, tag) -> str:
        """A block starts a line; a <br> inside a table cell only parts
        words, so the cell stays in its row."""
        return " " if tag == "br" and self.cell_depth else "\n"

    def handle_endtag(self, tag):
        if tag == "a":
            self.link_depth = max(0, self.link_depth - 1)
        if tag in self.HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in self.CELLS:
            self.cell_depth = max(0, self.cell_depth - 1)
            if self.cell_starts:
                self._keep_cell_in_row(self.cell_starts.pop())
        elif tag in self.BLOCKS:
            if tag in HEADING_MARKS and self.mark_at is not None:
                # A heading with no text leaves no mark alone on a line.
                if self._blank_after(self.mark_at):
                    self.parts[self.mark_at] = ""
                self.mark_at = None
            elif tag in ("ul", "ol") and self.lists:
                _, _, start, items, links = self.lists.pop()
                # A list whose every item is a link (a menu, a table of
                # contents, "Related" stories) points elsewhere.
                if items >= 2 and links == items:
                    del self.parts[start:]
            elif tag == "li" and self.items:
                mark_at, inside, outside = self.items.pop()
                if self._blank_after(mark_at):
                    self.parts[mark_at] = ""  # an empty item leaves no mark
                if self.lists:
                    self.lists[-1][3] += 1
                    self.lists[-1][4] += inside > 0 and outside == 0
            self.parts.append("\n")
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data):
        if self.hidden_depth or (self.link_depth and data.strip() in PERMALINK_TEXTS):
            return
        if self.items and data.strip():
            self.items[-1][1 if self.link_depth else 2] += len(data.strip())
        if self.pre_depth:
            # Each line of a code block stays a line, as a table row does.
            self.parts.append(ROW_BREAK.join(re.sub(r"[ \t\f\v]+", " ", line)
                                             for line in data.split("\n")))
        else:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        blocks = []
        for block in "".join(self.parts).split("\n"):
            rows = [row.strip(" |") for row in block.split(ROW_BREAK)]
            rows = [re.sub(r"\s+", " ", row) for row in rows if row.strip(" |")]
            if rows:
                blocks.append("\n".join(rows))
        # Blocks become paragraphs: one blank line between them, none doubled.
        return "\n\n".join(blocks).strip()


def html_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.text()


@contextmanager
def _parsing(kind: str):
    """A parser's failure on a damaged file is that file's, reported as
    such: pypdf and python-docx raise many kinds of error on bad bytes (an
    assertion, a zlib error, a loop among a PDF's objects, an attribute
    missing from a mangled dictionary), more than any list of types
    foresees; fuzzing damaged files found several that one did not."""
    try:
        yield
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable(f"damaged {kind} ({_error_name(error)}: {error})") from None


def _error_name(error: Exception) -> str:
    """"PdfStreamError", or "zlib.error" for the modules whose error class
    is called just "error"."""
    name = type(error).__name__
    return f"{type(error).__module__}.{name}" if name.islower() else name


def _too_much_text(kind: str) -> Unreadable:
    return Unreadable(f"{kind} holds more than {MAX_EXTRACTED_CHARS:,} characters of text; "
                      f"split it into smaller files")


def pdf_pages(data: bytes) -> list[TextUnit]:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise Unreadable("PDF support needs pypdf: pip install pypdf") from None
    # pypdf logs what it repairs ("EOF marker not found") without the file's
    # name; a file it cannot read is reported once, with its name, by the indexer.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with _parsing("PDF"):
        reader = PdfReader(io.BytesIO(data))
        # Most encrypted PDFs have an empty password to open them, and are
        # encrypted only to restrict printing or copying: those are read.
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted PDF (it needs a password to open)")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise Unreadable(f"PDF of {len(reader.pages):,} pages; at most {MAX_PDF_PAGES:,} "
                             f"are read, split it into smaller files")
        units, total = [], 0
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_EXTRACTED_CHARS:
                raise _too_much_text("the PDF")
            units.append(TextUnit(text, page=number, extracted=True))
        return units


def _check_archive(data: bytes) -> None:
    """Refuse a .docx that would unpack into far more than it looks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Unreadable("damaged .docx (not a zip archive)") from None
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        raise Unreadable(f".docx unpacks to more than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB")
    for member in members:
        if member.file_size > 1024 * 1024 and \
                member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise Unreadable(f".docx member {member.filename} unpacks to {ratio}× its packed "
                             f"size (a zip bomb?)")


def _cell_text(text: str) -> str:
    """A .docx cell's paragraphs on one line, so the row stays on its line,
    unless the cell holds a page laid out in a table (CELL_INLINE_CHARS)."""
    text = text.strip()
    return _one_line(text) if len(text) <= CELL_INLINE_CHARS else text


def _one_line(text: str) -> str:
    """A table cell's lines joined with spaces, so its row stays on one line."""
    return re.sub(r"\s*\n\s*", " ", text)


def docx_text(data: bytes) -> str:
    """The document's paragraphs, one per line with a blank line between
    them, in reading order; a table's rows as lines of cells joined by " | "."""
    try:
        import docx
        from docx.table import Table
    except ImportError:
        raise Unreadable(".docx support needs python-docx: pip install python-docx") from None
    with _parsing(".docx"):
        _check_archive(data)
        document = docx.Document(io.BytesIO(data))
        blocks, total = [], 0
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines = [CELL_SEPARATOR.join(_cell_text(cell.text) for cell in row.cells)
                         for row in block.rows]
                text = "\n".join(line for line in lines if line.strip(" |"))
            else:
                text = _word_heading_mark(block) + _word_item_mark(block) + block.text
            text = re.sub(r"[ \t\r\f\v]+", " ", text).strip()
            total += len(text)
            if total > MAX_EXTRACTED_CHARS:
                raise _too_much_text("the .docx")
            if text:
                blocks.append(text)
        return "\n\n".join(blocks)


def _word_heading_mark(paragraph) -> str:
    """"## " for a paragraph in Word's "Heading 2" style (as HTML's <h2>),
    "" for any other paragraph or a heading with no text."""
    style = getattr(paragraph.style, "name", "") or ""
    level = style.removeprefix("Heading").strip()
    if style.startswith("Heading") and level.isdigit() and paragraph.text.strip():
        return HEADING_MARKS[f"h{min(max(int(level), 1), 6)}"]
    if style == "Title" and paragraph.text.strip():
        return HEADING_MARKS["h1"]
    return ""


def _word_item_mark(paragraph) -> str:
    """"- " for an item of a Word list (a "List ..." style, or numbering of
    its own), as Markdown marks one; "" for any other paragraph. Word draws
    a list's numbers, so its text holds none."""
    style = getattr(paragraph.style, "name", "") or ""
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    return "- " if (style.startswith("List") or numbered) and paragraph.text.strip() else ""


def is_pdf(name: str) -> bool:
    return name.lower().endswith(PDF_SUFFIXES)


def is_html(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES)


def is_docx(name: str) -> bool:
    return name.lower().endswith(DOCX_SUFFIXES)


def location_label(file: str, line_start: int, line_end: int, page: int | None = None,
                   extracted: bool = False) -> str:
    """How a citation reads: `a.txt:3-4`, `page.html:text:3-4`, `r.pdf:p2:5-9`."""
    where = f"p{page}:" if page is not None else "text:" if extracted else ""
    return f"{file}:{where}{line_start}-{line_end}"
