"""The claim sets of `rag eval claims` / `claims-dev`: every claim cites lines
that hold its quoted phrase in the corpus it names."""

import json

import pytest

from evals import squad
from evals.claims import CLAIMS_DATASET, DEV_CLAIMS_DATASET, ClaimResult, _corpus_of, \
    claim_metrics, report


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("path", [CLAIMS_DATASET, DEV_CLAIMS_DATASET], ids=["claims", "dev"])
def test_every_claim_has_a_label_a_kind_and_sources_in_a_known_corpus(path):
    records = _records(path)
    assert len({record["id"] for record in records}) == len(records)
    for record in records:
        assert record["label"] in ("faithful", "corrupted") and record["kind"]
        assert record["sources"]
        corpora = {_corpus_of(spec["file"])[1] for spec in record["sources"]}
        assert len(corpora) == 1


def test_dev_claims_cite_lines_of_the_training_articles_that_hold_their_quote(tmp_path):
    """The dev set is written on the SQuAD *train* articles, never on the
    held-out ones, and each quote stands on the lines its source names."""
    if not squad.TRAIN_SOURCE.exists():
        pytest.skip(f"{squad.TRAIN_SOURCE} is not beside the project")
    squad.convert(squad.TRAIN_SOURCE, tmp_path)
    records = _records(DEV_CLAIMS_DATASET)
    assert sum(record["label"] == "faithful" for record in records) >= 50
    assert sum(record["label"] == "corrupted" for record in records) >= 50
    for record in records:
        for spec in record["sources"]:
            prefix, corpus = _corpus_of(spec["file"])
            assert corpus == "squad-train"
            lines = (tmp_path / spec["file"].removeprefix(prefix)).read_text(
                encoding="utf-8").splitlines()
            cited = " ".join(" ".join(lines[spec["line_start"] - 1:spec["line_end"]]).split())
            assert " ".join(spec["quote"].split()) in cited, record["id"]


def test_the_report_of_a_held_out_set_counts_its_misjudged_claims_without_their_words():
    """A CI log shows the held-out report: its misjudged claims are counted,
    not quoted, so nobody designs on them by accident; an in-sample set's
    are quoted, to be read."""
    results = [ClaimResult({"id": "c1", "claim": "The ferry sank in May.", "label": "faithful",
                            "kind": "paraphrase"}, supported=False),
               ClaimResult({"id": "c2", "claim": "The ferry floated.", "label": "corrupted",
                            "kind": "negation"}, supported=False)]
    metrics = claim_metrics(results)
    held_out = report(metrics, results)
    assert "misjudged: 1, held out" in held_out and "The ferry sank" not in held_out
    in_sample = report(metrics, results, "claims-dev", "in-sample", held_out=False)
    assert "The ferry sank in May." in in_sample and "The ferry floated." not in in_sample
