"""`rag eval claims`: how well the LLM-answer checker tells faithful claims
from corrupted ones.

`evals/datasets/claims.jsonl` holds claims written here about the sample
articles and two SQuAD dev articles, in batches (field `written`: before
the checker's rules, after them, and a second batch after their last
change), each with the lines it cites and a label: faithful (paraphrased,
reordered, summarised, a pronoun or speaker resolved from the surrounding
sentences, or split across two sources) or
corrupted (a wrong number, date or name, a flipped negation, swapped roles,
an unsupported addition, or outside knowledge). Nothing is fitted on it.

Each claim is checked exactly as a written answer's sentence is: the cited
sentences (found by their lines and a quoted phrase) are the numbered
sources, their neighbours in the index the context, and the claim carries
markers to them. Reports the share of faithful claims supported and of
corrupted ones caught, overall and per kind.

`evals/datasets/claims_dev.jsonl` (`rag eval claims-dev`) holds claims of the
same kinds written on the SQuAD *training* articles, in the way real models
write (the article's subject named where the line says "it" or "the film",
denials and role swaps in other words): in-sample, the set the checker's
changes are chosen on beside the generated training pairs, whose kinds it
does not cover.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rag.claims import ClaimChecker

from .dataset import EVALS_DIR, load_dataset
from .metrics import interval_text, wilson_interval
from .runner import prepare

CLAIMS_DATASET = EVALS_DIR / "datasets" / "claims.jsonl"
DEV_CLAIMS_DATASET = EVALS_DIR / "datasets" / "claims_dev.jsonl"
# A source file's prefix names the corpus it is in; no prefix: the sample articles.
CORPUS_PREFIXES = {"squad:": "squad", "squad-train:": "squad-train"}
TARGETS = {"faithful_supported": 0.90, "corrupted_caught": 0.95}


@dataclass(frozen=True)
class ClaimResult:
    record: dict
    supported: bool

    @property
    def right(self) -> bool:
        return self.supported == (self.record["label"] == "faithful")


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _find_sentence(data, spec: dict) -> int:
    """The index sentence on the spec's lines that holds its quoted phrase."""
    for sentence_id, sentence in enumerate(data.sentences):
        if (sentence.file == spec["file"] and sentence.line_start <= spec["line_end"]
                and sentence.line_end >= spec["line_start"]
                and _squeeze(spec["quote"]) in _squeeze(sentence.text)):
            return sentence_id
    raise ValueError(f"no sentence of {spec['file']}:{spec['line_start']}-{spec['line_end']} "
                     f"holds {spec['quote']!r}")


def _corpus_of(file: str) -> tuple[str, str]:
    """(prefix, corpus name) of a source file as the claim files write it."""
    for prefix, corpus in CORPUS_PREFIXES.items():
        if file.startswith(prefix):
            return prefix, corpus
    return "", "sample"


def run_claims(path: Path = CLAIMS_DATASET, notify=None) -> tuple[list[ClaimResult], dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    assistants: dict[str, object] = {}
    results = []
    for record in records:
        prefix, corpus = _corpus_of(record["sources"][0]["file"])
        if corpus not in assistants:
            assistants[corpus] = prepare(load_dataset(corpus), notify=notify)[0]
        assistant = assistants[corpus]
        data = assistant.data()
        ids = [_find_sentence(data, {**spec, "file": spec["file"].removeprefix(prefix)})
               for spec in record["sources"]]
        markers = "".join(f"[{number}]" for number in range(1, len(ids) + 1))
        claim = record["claim"].rstrip(".") + f" {markers}."
        # Each source under its heading, as the assistant checks a written answer.
        layout = assistant.snapshot().answerer.layout
        checked = ClaimChecker.in_context(data, ids, assistant.embedder,
                                          [layout.heading_text(index) for index in ids]).check(claim)
        results.append(ClaimResult(record, bool(checked) and all(c.supported for c in checked)))
    return results, claim_metrics(results)


def _rates(results: list[ClaimResult]) -> dict:
    faithful = [result for result in results if result.record["label"] == "faithful"]
    corrupted = [result for result in results if result.record["label"] != "faithful"]
    return {
        "claims": len(results), "faithful": len(faithful), "corrupted": len(corrupted),
        "faithful_supported": round(sum(r.supported for r in faithful) / max(len(faithful), 1), 3),
        "corrupted_caught": round(sum(not r.supported for r in corrupted)
                                  / max(len(corrupted), 1), 3),
    }


def claim_metrics(results: list[ClaimResult]) -> dict:
    """Rates over all claims, per batch (when each was written: before the
    checker's rules or after them; a batch is held out from every rule
    written before it), and per kind."""
    by_kind: dict[str, list[bool]] = defaultdict(list)
    batches: dict[str, list[ClaimResult]] = defaultdict(list)
    for result in results:
        by_kind[f"{result.record['label']}/{result.record['kind']}"].append(result.right)
        batches[result.record.get("written", "before")].append(result)
    later = [result for result in results if result.record.get("written", "").startswith("after")]
    return {
        **_rates(results),
        "by_batch": {batch: _rates(items) for batch, items in batches.items()},
        "written_after_the_rules": _rates(later),
        "by_kind": {kind: {"n": len(values), "right": round(sum(values) / len(values), 3)}
                    for kind, values in sorted(by_kind.items())},
    }


def report(metrics: dict, results: list[ClaimResult], name: str = "claims",
           kind: str = "held out: nothing is fitted on them", held_out: bool = True) -> str:
    """The metrics as markdown, with the misjudged claims written out for an
    in-sample set; of a held-out set only their number (the table gives
    them by kind), so that a reader of a CI log does not design on held-out
    claims by accident (their texts are in the report file, for whoever
    decides to read them)."""
    later = metrics["written_after_the_rules"]
    supported, caught = metrics["faithful_supported"], metrics["corrupted_caught"]
    lines = [f"## {name}: {metrics['claims']} claims ({kind})",
             "", "| metric | value | 95% interval | target |", "| --- | ---: | :---: | ---: |",
             f"| faithful claims supported ({metrics['faithful']}) | "
             f"{supported:.3f} | "
             f"{interval_text(wilson_interval(supported, metrics['faithful']))} | "
             f"≥ {TARGETS['faithful_supported']} |",
             f"| corrupted claims caught ({metrics['corrupted']}) | "
             f"{caught:.3f} | "
             f"{interval_text(wilson_interval(caught, metrics['corrupted']))} | "
             f"≥ {TARGETS['corrupted_caught']} |"]
    if later["claims"]:
        lines += [f"| of them written after the checker's rules: faithful supported "
                  f"({later['faithful']}) | {later['faithful_supported']:.3f} | | |",
                  f"| of them written after the checker's rules: corrupted caught "
                  f"({later['corrupted']}) | {later['corrupted_caught']:.3f} | | |"]
    lines += ["", "| batch (when written) | faithful supported | corrupted caught |",
              "| --- | ---: | ---: |"]
    lines += [f"| {batch} | {rates['faithful_supported']:.3f} ({rates['faithful']}) | "
              f"{rates['corrupted_caught']:.3f} ({rates['corrupted']}) |"
              for batch, rates in metrics["by_batch"].items()]
    lines += ["", "| kind | claims | judged right |", "| --- | ---: | ---: |"]
    lines += [f"| {kind} | {value['n']} | {value['right']:.3f} |"
              for kind, value in metrics["by_kind"].items()]
    wrong = [result for result in results if not result.right]
    if wrong and held_out:
        lines += ["", f"misjudged: {len(wrong)}, held out, so not listed here"]
    elif wrong:
        lines += ["", "misjudged:"]
        lines += [f"- {result.record['id']} ({result.record['label']}/{result.record['kind']}, "
                  f"{'supported' if result.supported else 'unsupported'}): "
                  f"{result.record['claim']}" for result in wrong]
    return "\n".join(lines)
