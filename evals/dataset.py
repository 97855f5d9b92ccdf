"""Evaluation datasets: one JSON-lines format for all of them.

    {"id", "question", "answers": [any one counts], "evidence": [{"file",
     "line_start", "line_end"}], "unanswerable": bool}

Named datasets know their corpus folder: `sample` (our questions on the
bundled articles), `squad` (held-out SQuAD 2.0 articles) and `squad-fit` (the
SQuAD articles calibration may be fitted on).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.settings import SAMPLE_CORPUS_DIR

from . import squad

EVALS_DIR = Path(__file__).resolve().parent
SAMPLE_DATASET = EVALS_DIR / "datasets" / "sample_articles.jsonl"
OUT_DIR = EVALS_DIR / "out"
# SQuAD articles 0-1 may be fitted on; 2-4 are only ever evaluated.
SQUAD_FIT_ARTICLES = (0, 1)


@dataclass(frozen=True)
class Evidence:
    file: str
    line_start: int
    line_end: int

    def overlaps(self, file: str, line_start: int, line_end: int) -> bool:
        return file == self.file and line_start <= self.line_end and line_end >= self.line_start


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    unanswerable: bool

    @classmethod
    def from_json(cls, record: dict) -> "EvalItem":
        return cls(id=str(record["id"]), question=record["question"],
                   answers=tuple(record.get("answers", ())),
                   evidence=tuple(Evidence(**{key: span[key] for key in
                                              ("file", "line_start", "line_end")})
                                  for span in record.get("evidence", ())),
                   unanswerable=bool(record.get("unanswerable", False)))


@dataclass(frozen=True)
class Dataset:
    name: str
    items: tuple[EvalItem, ...]
    corpus_dir: Path


def read_items(path: Path) -> list[EvalItem]:
    with open(path, encoding="utf-8") as handle:
        return [EvalItem.from_json(json.loads(line)) for line in handle if line.strip()]


def _squad(split: str, source: Path = squad.DEFAULT_SOURCE) -> Dataset:
    if not source.exists():
        raise FileNotFoundError(f"SQuAD file not found at {source}; it is read from "
                                f"../shared/datasets at run time")
    corpus_dir = OUT_DIR / "squad" / "corpus"
    records = squad.convert(source, corpus_dir)
    fit = [record for record in records if record["article"] in SQUAD_FIT_ARTICLES]
    test = [record for record in records if record["article"] not in SQUAD_FIT_ARTICLES]
    chosen = fit if split == "fit" else test
    squad.write_dataset(chosen, OUT_DIR / "squad" / f"squad-{split}.jsonl")
    return Dataset(f"squad-{split}" if split == "fit" else "squad",
                   tuple(EvalItem.from_json(record) for record in chosen), corpus_dir)


def load_dataset(name_or_path: str, corpus_dir: Path | None = None) -> Dataset:
    """A named dataset, or a .jsonl file whose corpus folder is given or sits
    beside it as `<stem>_corpus/`."""
    if name_or_path in ("sample", str(SAMPLE_DATASET)):
        return Dataset("sample", tuple(read_items(SAMPLE_DATASET)), SAMPLE_CORPUS_DIR)
    if name_or_path == "squad":
        return _squad("test")
    if name_or_path == "squad-fit":
        return _squad("fit")
    path = Path(name_or_path)
    if not path.exists():
        raise FileNotFoundError(f"no dataset {name_or_path!r}: give sample, squad, squad-fit "
                                f"or a .jsonl file")
    if path.resolve() == SAMPLE_DATASET.resolve():
        return load_dataset("sample")
    corpus = corpus_dir or path.with_name(f"{path.stem}_corpus")
    if not corpus.is_dir():
        raise FileNotFoundError(f"no corpus folder for {path}: pass --corpus DIR")
    return Dataset(path.stem, tuple(read_items(path)), corpus)
