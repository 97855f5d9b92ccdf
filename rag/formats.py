"""Text out of the file formats users have.

Plain text and Markdown are cited by the lines of the file itself. HTML and
PDF are cited by the lines of the text extracted from them (HTML: the visible
text; PDF: each page's text, with the page number), and every citation of
such a file says so (`page.html:text:3-4`, `report.pdf:p3:12-14`), because
those line numbers are not the file's own.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

PLAIN_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = PLAIN_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES


@dataclass(frozen=True)
class TextUnit:
    """A text that line numbers count in: a whole file, or one PDF page."""

    text: str
    page: int | None = None  # 1-based PDF page
    extracted: bool = False  # lines are of extracted text, not of the file


class Unreadable(ValueError):
    """The file cannot be turned into text (damaged, encrypted, binary)."""


class _VisibleText(HTMLParser):
    """Collects the text a browser shows, one block element per line."""

    HIDDEN = {"head", "script", "style", "noscript", "template", "svg", "iframe", "object"}
    BLOCKS = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
              "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
              "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
              "tr", "ul", "td", "th", "caption", "title", "body"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        # Blocks become paragraphs: one blank line between them, none doubled.
        return re.sub(r"\n{3,}", "\n\n", "\n\n".join(line for line in lines if line)).strip()


def html_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.text()


def pdf_pages(data: bytes) -> list[TextUnit]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise Unreadable("PDF support needs pypdf: pip install pypdf") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("encrypted PDF")
        return [TextUnit(page.extract_text() or "", page=number, extracted=True)
                for number, page in enumerate(reader.pages, 1)]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise Unreadable(f"damaged PDF ({error})") from None


def is_pdf(name: str) -> bool:
    return name.lower().endswith(PDF_SUFFIXES)


def is_html(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES)


def location_label(file: str, line_start: int, line_end: int, page: int | None = None,
                   extracted: bool = False) -> str:
    """How a citation reads: `a.txt:3-4`, `page.html:text:3-4`, `r.pdf:p2:5-9`."""
    where = f"p{page}:" if page is not None else "text:" if extracted else ""
    return f"{file}:{where}{line_start}-{line_end}"
