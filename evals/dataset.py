"""Evaluation datasets: one JSON-lines format for all of them.

    {"id", "question", "answers": [any one counts], "evidence": [{"file",
     "line_start", "line_end"}], "unanswerable": bool}

Named datasets know their corpus folder and whether the answer model may be
fitted on them (`FITTED_ON`; everything else is held out):

- `sample`: our questions on the bundled articles (fitted on, a small share);
- `typos`: the sample questions with typing mistakes (`typos.py`; in-sample);
- `rewrites`: each answerable sample question asked once more, short and in
  other words, written to choose between designs (never fitted on, but
  choices were made on it: in-sample, a development set);
- `variants`: each answerable sample question asked twice more the way people
  type it (held out);
- `licenses`: questions on the texts of common open-source licenses, another
  kind of collection (held out);
- `licenses-dev`: questions on five other license texts (never fitted on,
  written to choose designs for other kinds of collection: in-sample, a
  development set; `tools/build_license_dev_set.py`);
- `squad`: SQuAD 2.0 dev articles 3-5 (held out);
- `squad-fit`: SQuAD 2.0 dev articles 1-2 (fitted on);
- `squad-train`: the ten SQuAD 2.0 train articles (fitted on).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.settings import SAMPLE_CORPUS_DIR

from . import squad

EVALS_DIR = Path(__file__).resolve().parent
SAMPLE_DATASET = EVALS_DIR / "datasets" / "sample_articles.jsonl"
VARIANTS_DATASET = EVALS_DIR / "datasets" / "sample_variants.jsonl"
REWRITES_DATASET = EVALS_DIR / "datasets" / "sample_rewrites.jsonl"
LICENSES_DATASET = EVALS_DIR / "datasets" / "licenses.jsonl"
LICENSES_CORPUS = EVALS_DIR / "datasets" / "licenses_corpus"
LICENSES_DEV_DATASET = EVALS_DIR / "datasets" / "licenses_dev.jsonl"
LICENSES_DEV_CORPUS = EVALS_DIR / "datasets" / "licenses_dev_corpus"
OUT_DIR = EVALS_DIR / "out"
FITTED_ON = ("sample", "squad-fit", "squad-train")
HELD_OUT = ("variants", "licenses", "squad")
# Made from a set fitted on, or written to make choices on: in-sample too.
DEVELOPMENT = ("typos", "rewrites", "licenses-dev")
IN_SAMPLE = FITTED_ON + DEVELOPMENT
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
                   evidence=tuple(Evidence(str(span["file"]), int(span["line_start"]),
                                           int(span["line_end"]))
                                  for span in record.get("evidence", ())),
                   unanswerable=bool(record.get("unanswerable", False)))


@dataclass(frozen=True)
class Dataset:
    name: str
    items: tuple[EvalItem, ...]
    corpus_dir: Path


def read_items(path: Path) -> list[EvalItem]:
    """The questions of a JSON-lines file; ValueError naming the file and
    line of the first one that cannot be read."""
    items = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise ValueError(f"{path.name} line {number}: not valid JSON ({error})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path.name} line {number}: not a JSON object")
            try:
                items.append(EvalItem.from_json(record))
            except KeyError as error:
                raise ValueError(f"{path.name} line {number}: no {error} field") from None
            except (ValueError, TypeError, AttributeError) as error:
                raise ValueError(f"{path.name} line {number}: {error}") from None
    return items


def _require(source: Path) -> None:
    if not source.exists():
        raise FileNotFoundError(f"SQuAD file not found at {source}; it is read from "
                                f"../shared/datasets at run time")


def _squad(split: str, source: Path = squad.DEFAULT_SOURCE) -> Dataset:
    _require(source)
    corpus_dir = OUT_DIR / "squad" / "corpus"
    records = squad.convert(source, corpus_dir)
    fit = [record for record in records if record["article"] in SQUAD_FIT_ARTICLES]
    test = [record for record in records if record["article"] not in SQUAD_FIT_ARTICLES]
    chosen = fit if split == "fit" else test
    squad.write_dataset(chosen, OUT_DIR / "squad" / f"squad-{split}.jsonl")
    return Dataset(f"squad-{split}" if split == "fit" else "squad",
                   tuple(EvalItem.from_json(record) for record in chosen), corpus_dir)


def _squad_train(articles: int | None = None) -> Dataset:
    """The SQuAD train articles (all, or only the first `articles`, each
    count in a corpus folder of its own)."""
    _require(squad.TRAIN_SOURCE)
    suffix = f"-{articles}" if articles else ""
    corpus_dir = OUT_DIR / f"squad-train{suffix}" / "corpus"
    records = squad.convert(squad.TRAIN_SOURCE, corpus_dir,
                            slice(0, articles) if articles else None)
    return Dataset("squad-train", tuple(EvalItem.from_json(record) for record in records),
                   corpus_dir)


def load_dataset(name_or_path: str, corpus_dir: Path | None = None) -> Dataset:
    """A named dataset, or a .jsonl file whose corpus folder is given or sits
    beside it as `<stem>_corpus/`."""
    if name_or_path in ("sample", str(SAMPLE_DATASET)):
        return Dataset("sample", tuple(read_items(SAMPLE_DATASET)), SAMPLE_CORPUS_DIR)
    if name_or_path == "typos":
        from .typos import with_typos

        return Dataset("typos", tuple(with_typos(read_items(SAMPLE_DATASET))), SAMPLE_CORPUS_DIR)
    if name_or_path == "rewrites":
        return Dataset("rewrites", tuple(read_items(REWRITES_DATASET)), SAMPLE_CORPUS_DIR)
    if name_or_path == "variants":
        return Dataset("variants", tuple(read_items(VARIANTS_DATASET)), SAMPLE_CORPUS_DIR)
    if name_or_path == "licenses":
        return Dataset("licenses", tuple(read_items(LICENSES_DATASET)), LICENSES_CORPUS)
    if name_or_path == "licenses-dev":
        return Dataset("licenses-dev", tuple(read_items(LICENSES_DEV_DATASET)),
                       LICENSES_DEV_CORPUS)
    if name_or_path == "squad-train":
        return _squad_train()
    if name_or_path == "squad":
        return _squad("test")
    if name_or_path == "squad-fit":
        return _squad("fit")
    path = Path(name_or_path)
    if not path.exists():
        raise FileNotFoundError(f"no dataset {name_or_path!r}: give sample, typos, rewrites, "
                                f"variants, licenses, licenses-dev, squad, squad-fit, squad-train or a "
                                f".jsonl file")
    if path.resolve() == SAMPLE_DATASET.resolve():
        return load_dataset("sample")
    corpus = corpus_dir or path.with_name(f"{path.stem}_corpus")
    if not corpus.is_dir():
        raise FileNotFoundError(f"no corpus folder for {path}: pass --corpus DIR")
    return Dataset(path.stem, tuple(read_items(path)), corpus)
