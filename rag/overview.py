"""Questions about the documents themselves: "What are these documents about?"

Such a question names nothing that a line of the documents says, so the
answerer finds no line that answers it, and "not found in the indexed
documents" would be untrue: the answer is the documents. It is answered
with the line each file opens with (its title, for most documents; page
furniture such as a running header is passed over), cited, for the first
OVERVIEW_FILES files by name, and how many files there are.
"""

from __future__ import annotations

import re

from .claims import opening_sentence
from .storage import IndexView
from .types import Citation, Claim

OVERVIEW_FILES = 10
# Sentences read from a file's start for its first one that is not page
# furniture.
OPENING_SENTENCES = 8

_COLLECTION = (r"(?:documents?|articles?|files?|texts?|notes?|papers?|sources?|docs|pages"
               r"|collection|corpus|index)")
_WHOSE = r"(?:these|the|this|my|your|our|those|all\s+(?:the|these|my)|all)"
OVERVIEW_QUESTION = re.compile(
    r"^\s*(?:"
    rf"what\s+(?:are|is)\s+{_WHOSE}\s+{_COLLECTION}\s+(?:about|on)"
    rf"|what\s+{_WHOSE}\s+{_COLLECTION}\s+(?:are|is)\s+about"
    rf"|what\s+{_COLLECTION}\s+(?:do\s+you\s+have|are\s+(?:there|indexed|here))"
    rf"|what(?:['’]s|\s+is)\s+in\s+{_WHOSE}\s+{_COLLECTION}"
    r"|what\s+can\s+i\s+ask(?:\s+you)?(?:\s+about)?"
    rf"|(?:summari[sz]e|list|describe)\s+{_WHOSE}\s+{_COLLECTION}"
    r")\s*[?.!]*\s*$", re.IGNORECASE)


def asks_for_an_overview(question: str) -> bool:
    return OVERVIEW_QUESTION.match(question) is not None


def overview(data: IndexView) -> tuple[str, list[Citation], list[Claim]]:
    """The answer to a question about the documents: its text, the opening
    line of each of the first OVERVIEW_FILES files, cited, and its claims
    (one per opening line, each the line itself)."""
    files = data.manifest.get("files", {})
    citations = []
    for name in sorted(files)[:OVERVIEW_FILES]:
        first, end = files[name]["sentences"]
        opening = opening_sentence(data, first, OPENING_SENTENCES) if end > first else None
        if opening is not None:
            citations.append(Citation.of(opening))
    count = f"{len(files)} file{'s' if len(files) != 1 else ''}"
    lead = (f"The index holds {count}; they open with:" if len(files) <= OVERVIEW_FILES else
            f"The index holds {count}; the first {OVERVIEW_FILES} by name open with:")
    text = " ".join([lead] + [f"{citation.text} [{citation.label()}]" for citation in citations])
    claims = [Claim(citation.text, (index,), True) for index, citation in enumerate(citations)]
    return text, citations, claims
