"""Convert SQuAD 2.0 into our evaluation format.

Each article becomes one plain-text file, the way a text export looks: the
title, a blank line, then every paragraph wrapped at 80 columns with a blank
line between paragraphs. Each question becomes one item whose evidence is
the lines that hold its answer span, computed from `answer_start`. Questions
SQuAD marks impossible become unanswerable items.

The source file is read from ../shared/datasets at run time and never copied
into the project.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

WIDTH = 80
SHARED_DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
DEFAULT_SOURCE = SHARED_DATASETS / "squad2-dev-5articles.json"
TRAIN_SOURCE = SHARED_DATASETS / "squad2-train-10articles.json"


@dataclass
class WrappedParagraph:
    lines: list[str]
    # For each word: (start offset in the context, end offset, line index).
    words: list[tuple[int, int, int]]

    def line_span(self, start: int, end: int) -> tuple[int, int]:
        """Indexes of the first and last line holding context[start:end]."""
        touched = [line for word_start, word_end, line in self.words
                   if word_start < end and word_end > start]
        return min(touched), max(touched)


def wrap(context: str, width: int = WIDTH) -> WrappedParagraph:
    """Greedy word wrap that remembers, for each word, the line it went to."""
    lines: list[str] = []
    words = []
    current = ""
    for match in re.finditer(r"\S+", context):
        word = match.group()
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = ""
        current = f"{current} {word}" if current else word
        words.append((match.start(), match.end(), len(lines)))
    if current:
        lines.append(current)
    return WrappedParagraph(lines, words)


def slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_")[:60]


def convert(source: Path, corpus_dir: Path, articles: slice | None = None) -> list[dict]:
    """Write the corpus folder and return every question as a dataset item,
    each tagged with its article index (`article`)."""
    data = json.loads(source.read_text(encoding="utf-8"))["data"]
    if articles is not None:
        data = data[articles]
    corpus_dir.mkdir(parents=True, exist_ok=True)
    items = []
    for article_index, article in enumerate(data):
        file = f"{article_index:03d}_{slug(article['title'])}.txt"
        lines = [article["title"].replace("_", " "), ""]
        for paragraph in article["paragraphs"]:
            wrapped = wrap(paragraph["context"])
            first_line = len(lines) + 1  # 1-based number of the paragraph's first line
            lines.extend(wrapped.lines)
            lines.append("")
            for qa in paragraph["qas"]:
                items.append(_item(qa, wrapped, first_line, file, article_index))
        (corpus_dir / file).write_text("\n".join(lines), encoding="utf-8")
    return items


def _item(qa: dict, wrapped: WrappedParagraph, first_line: int, file: str,
          article_index: int) -> dict:
    impossible = bool(qa.get("is_impossible"))
    answers: list[str] = []
    evidence: list[dict] = []
    if not impossible:
        for answer in qa["answers"]:
            text = answer["text"]
            if text not in answers:
                answers.append(text)
            start = answer["answer_start"]
            low, high = wrapped.line_span(start, start + len(text))
            span = {"file": file, "line_start": first_line + low, "line_end": first_line + high}
            if span not in evidence:
                evidence.append(span)
    return {"id": qa["id"], "question": qa["question"], "answers": answers,
            "evidence": evidence, "unanswerable": impossible, "article": article_index}


def write_dataset(items: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
