"""Typed records that flow between the stages and are printed as JSON.

Every record that names a place in a document carries the file path relative
to the indexed folder and a 1-based, inclusive line range of the file exactly
as it is on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# Slots: an index of a million sentences holds a million of these, and a
# per-object __dict__ would cost about 100 MB more per million.
@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document, with where it sits on disk.

    `char_start`/`char_end` index the decoded file text (end exclusive);
    `text` is the sentence reflowed onto one line (wrapped lines joined,
    hyphenated breaks closed), which is what is embedded and quoted.
    `is_furniture` marks page furniture (headers, e-mail lines, verse in
    another script) that is indexed for search but never given as an answer.
    """

    file: str
    line_start: int
    line_end: int
    char_start: int
    char_end: int
    text: str
    is_furniture: bool = False
    page: int | None = None  # PDF page; lines then count within the page's text
    extracted: bool = False  # lines are of text extracted from HTML or PDF


def on_one_page(first: Sentence | None, second: Sentence | None) -> bool:
    """Whether two sentences stand in one file and, in a PDF, on one page:
    as far as a reading across sentences reaches (a title and what it heads,
    a quotation and its speaker, a paragraph read back). False when either
    is missing, past the first or last sentence of an index."""
    return first is not None and second is not None and first.file == second.file \
        and first.page == second.page


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of whole sentences of one file: the unit of retrieval."""

    file: str
    line_start: int
    line_end: int
    text: str
    sentence_start: int  # index of the first sentence in the index's sentence table
    sentence_end: int  # exclusive
    page: int | None = None
    extracted: bool = False


def _location_json(record) -> dict:
    """file and lines, plus page/extracted only where they apply, so plain
    text citations keep exactly the four documented keys."""
    data = {"file": record.file, "line_start": record.line_start, "line_end": record.line_end}
    if record.page is not None:
        data["page"] = record.page
    if record.extracted:
        data["extracted"] = True
    return data


@dataclass(frozen=True)
class Citation:
    file: str
    line_start: int
    line_end: int
    text: str
    page: int | None = None
    extracted: bool = False

    @classmethod
    def of(cls, sentence: "Sentence") -> "Citation":
        """The citation of one indexed sentence: its own lines and text."""
        return cls(sentence.file, sentence.line_start, sentence.line_end, sentence.text,
                   sentence.page, sentence.extracted)

    def label(self) -> str:
        from .formats import location_label

        return location_label(self.file, self.line_start, self.line_end, self.page,
                              self.extracted)

    def to_json(self) -> dict:
        return {**_location_json(self), "text": self.text}


@dataclass(frozen=True)
class Retrieved:
    """A chunk as ranked by retrieval, with the fused score it got."""

    file: str
    line_start: int
    line_end: int
    score: float
    chunk_id: int = field(default=-1, compare=False)
    page: int | None = None
    extracted: bool = False
    # The chunk's text, from the same index snapshot as `chunk_id` (for
    # display; not part of the JSON contract).
    text: str = field(default="", compare=False, repr=False)

    def to_json(self) -> dict:
        return {**_location_json(self), "score": round(float(self.score), 6)}


@dataclass(frozen=True)
class Claim:
    """One sentence of an answer, the citations (indexes into
    `Answer.citations`) it rests on, and whether those lines support it."""

    text: str
    citations: tuple[int, ...]
    supported: bool

    def to_json(self) -> dict:
        return {"text": self.text, "citations": list(self.citations),
                "supported": self.supported}


@dataclass(frozen=True)
class Answer:
    """What the assistant says: the text, its citations in order of use,
    whether it abstained, and the chunks it considered.

    `confidence` is the answerer's calibrated belief that the cited sentence
    answers the question; below a fitted threshold it abstains, with
    `related` lines when the documents are about the question and a bare
    "not found" when they are not.
    """

    question: str
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    retrieved: tuple[Retrieved, ...]
    confidence: float = 0.0
    mode: str = "extractive"  # or "llm"
    claims: tuple[Claim, ...] = ()
    warning: str | None = None  # e.g. why the LLM answer was not used
    # When it abstains but the documents are about the question: the closest
    # lines, as related reading (not as an answer).
    related: tuple[Citation, ...] = ()
    # The question as answered, when its typing mistakes were corrected
    # (`spelling.py`) or it was read with the question before
    # (`follow_up.py`); None when it was answered as asked.
    read_as: str | None = None
    # A compound question's answers, one per question it asks ("Who is X
    # and what did he say?"); the fields above join them.
    parts: tuple["Answer", ...] = ()

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [citation.to_json() for citation in self.citations],
            "retrieved": [item.to_json() for item in self.retrieved],
            "confidence": round(float(self.confidence), 6),
            "mode": self.mode,
            "claims": [claim.to_json() for claim in self.claims],
            "related": [citation.to_json() for citation in self.related],
            **({"warning": self.warning} if self.warning else {}),
            **({"read_as": self.read_as} if self.read_as else {}),
            **({"parts": [{key: value for key, value in part.to_json().items()
                           if key != "retrieved"} for part in self.parts]}
               if self.parts else {}),
        }
