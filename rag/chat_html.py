"""The chat page's HTML: answers with their citation chips, the sources
panel, the source viewer, and the page's style and script (`ui.py` builds
the page and serves it).

A citation chip carries its file and lines in its link, so a click opens
exactly the cited lines; an answer the documents do not support is shown
as "not found" or as related lines, never as an answer; an LLM's draft is
shown as a draft until its checked answer replaces it.
"""

from __future__ import annotations

import html
from dataclasses import replace
from urllib.parse import quote

from .answering import RELATED_INTRO
from .assistant import Assistant, SourceChanged
from .types import Answer, Citation

CONTEXT_LINES = 8
CSS = """
.cite-chip { display:inline-block; margin:0 2px; padding:0 7px; border-radius:10px;
  background:#e0ecff; color:#1d4ed8 !important; font-size:0.85em; text-decoration:none !important;
  cursor:pointer; border:1px solid #bfd4fb; white-space:nowrap; }
.cite-chip:hover { background:#c7dbff; }
.not-found { padding:8px 12px; border-left:4px solid #9ca3af; background:#f3f4f6; color:#374151;
  font-style:italic; border-radius:4px; }
.related { padding:8px 12px; border-left:4px solid #d97706; background:#fffbeb; color:#78350f;
  border-radius:4px; }
.source-view .source-title { font-weight:600; margin-bottom:6px; }
.source-lines { font-family:ui-monospace,Menlo,monospace; font-size:12.5px; max-height:460px;
  overflow:auto; position:relative; border:1px solid #e5e7eb; border-radius:6px; background:#fff; }
.source-lines .line { display:flex; white-space:pre-wrap; color:#111827; }
.source-lines .ln { flex:0 0 3.5em; text-align:right; padding-right:10px; color:#9ca3af;
  user-select:none; background:#f9fafb; }
.source-lines .line.cited { background:#fff3bf; }
.source-lines .line.cited .ln { color:#92400e; font-weight:600; background:#ffe8a3; }
.unsupported { background:#fee2e2; color:#7f1d1d; border-bottom:2px dotted #dc2626; }
.llm-note { font-size:0.85em; color:#92400e; margin-bottom:4px; }
.read-as { font-size:0.85em; color:#6b7280; margin-bottom:4px; }
.part + .part { margin-top:8px; }
.part-question { font-size:0.85em; font-weight:600; color:#374151; margin-bottom:2px; }
.draft { color:#6b7280; border:1px dashed #d1d5db; border-radius:4px; padding:6px 10px; }
.draft-label { font-size:0.8em; font-style:italic; margin-bottom:4px; }
.sources-panel table { width:100%; font-size:0.85em; border-collapse:collapse; }
.sources-panel td, .sources-panel th { padding:3px 6px; border-bottom:1px solid #eee;
  vertical-align:top; text-align:left; }
"""
# Chips live inside chat messages, which Gradio renders itself; one
# delegated listener hands the clicked chip's citation to a hidden button.
JS = """
() => {
  document.addEventListener('click', (event) => {
    const chip = event.target.closest('.cite-chip');
    if (!chip) return;
    event.preventDefault();
    const href = chip.getAttribute('href') || '';
    window.__ragCite = decodeURIComponent(href.slice(href.indexOf('#cite=') + 6));
    document.querySelector('#cite-open').click();
  });
  // A new source view scrolls its own box (not the page) so that the first
  // cited line sits near the top, a few lines of context above it. Gradio
  // may patch the view in place, so each citation shown is scrolled once,
  // told apart by its file and lines rather than by its element.
  let scrolledFor = null;
  new MutationObserver(() => {
    const view = document.querySelector('#source-view .source-view');
    const box = view && view.querySelector('.source-lines');
    const cited = box && box.querySelector('.line.cited');
    if (!cited || !box.clientHeight) return;
    const key = [view.dataset.file, view.dataset.start, view.dataset.end, box.scrollHeight].join('|');
    if (key === scrolledFor) return;
    scrolledFor = key;
    box.scrollTop = Math.max(0, cited.offsetTop - 40);
  }).observe(document.body, {childList: true, subtree: true});
}
"""


def chip(number: int | None, citation: Citation) -> str:
    label = citation.label().rsplit("-", 1)
    label = f"{label[0]}–{label[1]}"
    if number is not None:
        label = f"[{number}] {label}"
    # The citation rides in the link's fragment: Gradio's HTML sanitizer
    # keeps href but drops data-* attributes.
    page = "" if citation.page is None else citation.page
    cite = quote(f"{citation.file}|{citation.line_start}|{citation.line_end}|{page}|"
                 f"{int(citation.extracted)}")
    return f'<a class="cite-chip" href="#cite={cite}">{html.escape(label)}</a>'



def answer_html(answer: Answer) -> str:
    """The answer as chat HTML, after the question as read when its typing
    mistakes were corrected or it was read with the question before; a
    compound question's answer part by part, each under its question."""
    if answer.parts:
        return "".join(f'<div class="part"><div class="part-question">'
                       f'{html.escape(part.read_as or part.question)}</div>'
                       f'{answer_html(replace(part, read_as=None))}</div>'
                       for part in answer.parts)
    note = ""
    if answer.read_as:
        note += f'<div class="read-as">Read as: “{html.escape(answer.read_as)}”</div>'
    if answer.warning:
        note += (f'<div class="llm-note">⚠ {html.escape(answer.warning)}; showing the '
                 f'extractive answer.</div>')
    if answer.abstained and answer.related:
        chips = " ".join(chip(number, citation)
                         for number, citation in enumerate(answer.related, 1))
        return note + f'<div class="related">◌ {html.escape(RELATED_INTRO)} {chips}</div>'
    if answer.abstained:
        return note + ('<div class="not-found">∅ Not found in the indexed documents. Nothing in '
                       'them answers this question; try other words, or add documents that '
                       'do.</div>')
    parts = []
    for claim in answer.claims:
        chips = " ".join(chip(index + 1, answer.citations[index]) for index in claim.citations)
        if claim.supported:
            parts.append(f"{html.escape(claim.text)} {chips}")
        else:
            parts.append(f'<span class="unsupported" title="The cited lines do not support this">'
                         f'⚠ {html.escape(claim.text)} {chips} <small>(not supported by '
                         f'its sources)</small></span>')
    return note + " ".join(parts)


def draft_html(partial: str) -> str:
    """The LLM's words as they stream in: marked as an unchecked draft, with
    its source numbers as plain text, never as citation chips."""
    return ('<div class="draft"><div class="draft-label">Draft from the LLM, not checked yet: '
            'checking citations…</div>' + html.escape(partial) + '</div>')


def sources_html(answer: Answer | None, snippets: dict[int, str] | None = None) -> str:
    snippets = snippets or {}
    if answer is None or not answer.retrieved:
        return '<div class="sources-panel"><b>Sources</b><p>Ask a question to see the passages it was answered from.</p></div>'
    rows = []
    for rank, item in enumerate(answer.retrieved, 1):
        citation = Citation(item.file, item.line_start, item.line_end, "", item.page,
                            item.extracted)
        rows.append(f"<tr><td>{rank}</td><td>{chip(None, citation)}<br>"
                    f"<small>{html.escape(snippets.get(item.chunk_id, ''))}</small></td>"
                    f"<td>{item.score:.4f}</td></tr>")
    return ('<div class="sources-panel"><b>Sources for the last question</b>: passages retrieved, best first '
            '(fused rank score)<table><tr><th>#</th><th>passage</th><th>score</th></tr>'
            + "".join(rows) + "</table></div>")


def source_view_html(assistant: Assistant, citation: Citation | None) -> str:
    if citation is None:
        return ('<div class="source-view"><div class="source-title">Source</div>'
                '<p>Click a citation to see its lines in the document.</p></div>')
    try:
        lines = assistant.source_lines(citation, context=CONTEXT_LINES)
    except SourceChanged as error:
        return f'<div class="source-view changed"><p>⚠️ {html.escape(str(error))}</p></div>'
    if not lines:
        return f'<div class="source-view"><p>Cannot show {html.escape(citation.file)}.</p></div>'
    body = "".join(
        f'<div class="line{" cited" if cited else ""}" data-line="{number}">'
        f'<span class="ln">{number}</span><span class="tx">{html.escape(text) or " "}</span></div>'
        for number, text, cited in lines)
    title = f"{citation.file} — lines {citation.line_start}–{citation.line_end}"
    if citation.page is not None:
        title += f" of the text extracted from page {citation.page}"
    elif citation.extracted:
        title += " of the extracted text"
    return (f'<div class="source-view" data-file="{html.escape(citation.file, quote=True)}" '
            f'data-start="{citation.line_start}" data-end="{citation.line_end}">'
            f'<div class="source-title">{html.escape(title)}</div>'
            f'<div class="source-lines">{body}</div></div>')


def shorten(text: str, limit: int = 140) -> str:
    """A passage cut at a word near `limit` characters, for the sources panel."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def parse_cite(value: str) -> Citation | None:
    try:
        file, start, end, page, extracted = value.rsplit("|", 4)
        return Citation(file, int(start), int(end), "", int(page) if page else None,
                        extracted == "1")
    except (AttributeError, ValueError):
        return None
