"""The evaluation harness, on tiny hand-checked cases."""

import json
import re

import pytest

from evals.fitting import fit_threshold
from evals.cli import check_thresholds
from evals.dataset import HELD_OUT, IN_SAMPLE, SAMPLE_DATASET, EvalItem, load_dataset, read_items
from evals.metrics import (Outcome, answer_metrics, citation_metrics, not_found_metrics,
                           retrieval_metrics, wilson_interval)
from evals.report import summary_table
from evals import squad
from rag.keyword import fold
from rag.lines import LineTable
from rag.settings import SAMPLE_CORPUS_DIR

import numpy as np


def item(item_id, answers=("Paris",), evidence=(("a.txt", 10, 12),), unanswerable=False):
    return EvalItem.from_json({"id": item_id, "question": "q", "answers": list(answers),
                               "evidence": [{"file": f, "line_start": s, "line_end": e}
                                            for f, s, e in evidence],
                               "unanswerable": unanswerable})


def answer(text, citations=(), retrieved=(), abstained=False):
    return {"question": "q", "answer": text, "abstained": abstained,
            "citations": [{"file": f, "line_start": s, "line_end": e, "text": ""}
                          for f, s, e in citations],
            "retrieved": [{"file": f, "line_start": s, "line_end": e, "score": 1.0}
                          for f, s, e in retrieved]}


# q1: right answer, first citation on evidence (lines 11-11 inside 10-12), second one off.
# q2: right words but cited elsewhere.  q3: "not found" on an answerable question.
# q4: unanswerable, correctly "not found".  q5: unanswerable but answered.
OUTCOMES = [
    Outcome(item("q1"), answer("Paris [a.txt:11-11] x [b.txt:1-4]", [("a.txt", 11, 11), ("b.txt", 1, 4)],
                               [("b.txt", 1, 5), ("a.txt", 8, 12)])),
    Outcome(item("q2"), answer("Paris [b.txt:1-2]", [("b.txt", 1, 2)],
                               [("a.txt", 9, 10), ("b.txt", 1, 5)])),
    Outcome(item("q3"), answer("Not found.", abstained=True), [("c.txt", 1, 1)]),
    Outcome(item("q4", answers=(), evidence=(), unanswerable=True), answer("Not found.", abstained=True)),
    Outcome(item("q5", answers=(), evidence=(), unanswerable=True), answer("Lyon [c.txt:1-1]", [("c.txt", 1, 1)])),
]
CHUNKS = [{"file": "a.txt", "line_start": 8, "line_end": 12}, {"file": "a.txt", "line_start": 9, "line_end": 10},
          {"file": "b.txt", "line_start": 1, "line_end": 5}, {"file": "c.txt", "line_start": 1, "line_end": 1}]


def test_citation_metrics_by_hand():
    metrics = citation_metrics(OUTCOMES)
    assert metrics["citation_hit"] == pytest.approx(1 / 3)      # only q1 of q1..q3
    assert metrics["citation_hit@1"] == pytest.approx(1 / 3)
    assert metrics["citation_precision"] == pytest.approx((0.5 + 0.0) / 2)
    assert metrics["cited_lines_per_answer"] == pytest.approx(((1 + 4) + 2) / 2)


def test_answer_and_not_found_metrics_by_hand():
    assert answer_metrics(OUTCOMES) == {"answer_accuracy": pytest.approx(2 / 3),
                                        "answer_cited_accuracy": pytest.approx(1 / 3)}
    metrics = not_found_metrics(OUTCOMES)
    assert metrics["overall_accuracy"] == pytest.approx(2 / 5)   # q1 and q4
    assert metrics["trigger_precision"] == pytest.approx(1 / 3)  # answered q1, q2, q5; right q1
    assert metrics["trigger_recall"] == pytest.approx(1 / 3)     # of answerable q1..q3
    assert metrics["trigger_f1"] == pytest.approx(1 / 3)
    assert metrics["false_not_found_rate"] == pytest.approx(1 / 3)
    assert metrics["unanswerable_accuracy"] == pytest.approx(1 / 2)


def test_never_answering_cannot_score_well():
    silent = [Outcome(outcome.item, answer("Not found.", abstained=True)) for outcome in OUTCOMES]
    metrics = not_found_metrics(silent)
    assert metrics["trigger_f1"] == 0.0 and metrics["overall_accuracy"] == pytest.approx(2 / 5)


def test_retrieval_metrics_by_hand():
    metrics = retrieval_metrics(OUTCOMES[:2], CHUNKS)
    # q1: relevant chunks a:8-12 and a:9-10 (both overlap 10-12); ranked: b, a:8-12.
    # q2: same relevant set; ranked: a:9-10 first.
    assert metrics["success@1"] == pytest.approx(0.5)
    assert metrics["recall@1"] == pytest.approx((0 + 0.5) / 2)
    assert metrics["recall@5"] == pytest.approx((0.5 + 0.5) / 2)
    assert metrics["mrr@10"] == pytest.approx((0.5 + 1.0) / 2)


def test_threshold_fit_maximizes_overall_accuracy():
    confidences = np.array([0.9, 0.8, 0.3, 0.2, 0.6])
    right = np.array([True, True, False, False, False])
    unanswerable = np.array([False, False, False, True, True])
    weights = np.ones(5)
    threshold = fit_threshold(confidences, right, unanswerable, weights, wrong_cost=0.0)
    # Answer 0.9 and 0.8 (right), refuse 0.6 and 0.2 (unanswerable): 4 of 5.
    assert 0.6 < threshold <= 0.8


def test_threshold_fit_makes_wrong_answers_cost():
    # Answering down to 0.5 gains two right answers and gives one wrong one.
    confidences = np.array([0.9, 0.7, 0.6, 0.5, 0.3])
    right = np.array([True, False, True, True, False])
    unanswerable = np.array([False, True, False, False, True])
    weights = np.ones(5)
    # Free wrong answers: answer down to 0.5 (3 right + 1 refusal = 4).
    assert 0.3 < fit_threshold(confidences, right, unanswerable, weights, wrong_cost=0.0) <= 0.5
    # A wrong answer costing more than the two it unlocks: answer only 0.9.
    assert 0.7 < fit_threshold(confidences, right, unanswerable, weights, wrong_cost=3.0) <= 0.9


def test_threshold_fit_takes_the_lowest_of_tied_thresholds():
    # Answering down to 0.6 or only down to 0.8 scores the same (a right answer
    # gained at 0.7 against a wrong one at 0.6, with wrong answers free);
    # answering everything scores less.
    confidences = np.array([0.9, 0.8, 0.7, 0.6, 0.3])
    right = np.array([True, True, True, False, False])
    unanswerable = np.array([False, False, False, True, True])
    weights = np.ones(5)
    # Scores: down to 0.8: 2 + 2 refusals = 4; down to 0.7: 3 + 2 = 5;
    # down to 0.6: 3 + 1 = 4. One best: 0.7 whatever the tie share.
    assert 0.6 < fit_threshold(confidences, right, unanswerable, weights, wrong_cost=0.0) <= 0.7
    # A right answer worth a little less than the refusal it costs ties them:
    # with the unanswerable 0.75 between, answering down to 0.7 scores 3.999
    # and only down to 0.8 scores 4 -- within 0.1% of each other, so the lower
    # one is taken; with no tie share, the single best point.
    weights = np.array([1.0, 1.0, 0.999, 1.0, 1.0])
    confidences = np.array([0.9, 0.8, 0.7, 0.75, 0.3])
    right = np.array([True, True, True, False, False])
    assert 0.3 < fit_threshold(confidences, right, unanswerable, weights, wrong_cost=0.0) <= 0.7
    assert 0.75 < fit_threshold(confidences, right, unanswerable, weights, wrong_cost=0.0,
                                tied_share=0.0) <= 0.8


def test_thresholds_check_floors_and_ceilings():
    limits = {"sample": {"min": {"overall_accuracy": 0.9}, "max": {"ms_per_question_p95": 100}}}
    assert check_thresholds("sample", {"overall_accuracy": 0.95, "ms_per_question_p95": 50}, limits) == []
    failures = check_thresholds("sample", {"overall_accuracy": 0.5, "ms_per_question_p95": 500}, limits)
    assert len(failures) == 2


def test_sample_dataset_shape_and_evidence_hold_the_answers():
    items = read_items(SAMPLE_DATASET)
    assert len(items) >= 60 and sum(entry.unanswerable for entry in items) >= 15
    wrapped = [entry for entry in items if any(evidence.file.startswith("001_") and
                                                evidence.line_end > evidence.line_start
                                                for evidence in entry.evidence)]
    assert len(wrapped) >= 10
    for entry in items:
        _assert_evidence_holds_an_answer(entry)


def _assert_evidence_holds_an_answer(entry: EvalItem) -> None:
    """Each evidence span of a sample-corpus question holds one of its answers."""
    for evidence in entry.evidence:
        table = LineTable((SAMPLE_CORPUS_DIR / evidence.file).read_text(encoding="utf-8"))
        held = fold(" ".join(table.span_text(evidence.line_start, evidence.line_end).split()))
        held = held.replace("s- 400", "s-400").replace("f- 35", "f-35")
        assert any(fold(gold) in held for gold in entry.answers), (entry.id, evidence)


def test_rewrites_ask_each_answerable_sample_question_again_in_other_words():
    """The development set: one rewrite per answerable sample question, in
    other words and shorter on the whole, with evidence lines that hold its
    answer (more lines than the sample question's where a broader question
    has more answers)."""
    sample = {entry.id.removeprefix("sample-"): entry for entry in read_items(SAMPLE_DATASET)
              if not entry.unanswerable}
    rewrites = load_dataset("rewrites")
    assert rewrites.corpus_dir == SAMPLE_CORPUS_DIR
    assert sorted(entry.id.removeprefix("rewrite-") for entry in rewrites.items) == sorted(sample)
    words = sum(len(entry.question.split()) for entry in rewrites.items)
    assert words < 0.7 * sum(len(entry.question.split()) for entry in sample.values())
    for entry in rewrites.items:
        original = sample[entry.id.removeprefix("rewrite-")]
        assert entry.question != original.question
        assert set(original.evidence) <= set(entry.evidence)
        _assert_evidence_holds_an_answer(entry)


def test_license_development_set_is_apart_from_the_held_out_one_and_its_lines_hold_answers():
    """`licenses-dev`: other license texts than the held-out `licenses` set,
    an in-sample development set, whose evidence lines (located by
    `evals/tools/build_license_dev_set.py`) hold each answer on disk."""
    development, held_out = load_dataset("licenses-dev"), load_dataset("licenses")
    assert "licenses-dev" in IN_SAMPLE and "licenses-dev" not in HELD_OUT
    files = {path.name for path in development.corpus_dir.iterdir()}
    assert files and not files & {path.name for path in held_out.corpus_dir.iterdir()}
    assert not {entry.question for entry in development.items} & \
        {entry.question for entry in held_out.items}
    assert sum(entry.unanswerable for entry in development.items) >= 15
    for entry in development.items:
        assert entry.unanswerable == (not entry.evidence)
        for evidence in entry.evidence:
            table = LineTable((development.corpus_dir / evidence.file).read_text(encoding="utf-8"))
            held = " ".join(table.span_text(evidence.line_start, evidence.line_end).split())
            assert any(gold in held for gold in entry.answers), (entry.id, evidence)


SQUAD_SAMPLE = {"data": [{"title": "Test_Article", "paragraphs": [
    {"context": "The Normans were the people who in the 10th and 11th centuries gave their name to "
                "Normandy, a region in France. They were descended from Norse raiders and pirates "
                "from Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear "
                "fealty to King Charles III of West Francia.",
     "qas": [{"id": "a1", "question": "Who led the raiders?", "is_impossible": False,
              "answers": [{"text": "Rollo", "answer_start": 220}]},
             {"id": "a2", "question": "Where is Normandy?", "is_impossible": False,
              "answers": [{"text": "France", "answer_start": 104},
                          {"text": "a region in France", "answer_start": 92}]},
             {"id": "u1", "question": "Who led the Danes in 1066?", "is_impossible": True,
              "answers": [], "plausible_answers": [{"text": "Rollo", "answer_start": 220}]}]},
    {"context": "Short second paragraph about King Charles III.", "qas": [
        {"id": "a3", "question": "Which king?", "is_impossible": False,
         "answers": [{"text": "King Charles III", "answer_start": 29}]}]},
]}]}


def test_squad_converter_wraps_and_points_evidence_at_the_answer(tmp_path):
    source = tmp_path / "squad.json"
    source.write_text(json.dumps(SQUAD_SAMPLE))
    items = squad.convert(source, tmp_path / "corpus")
    text = (tmp_path / "corpus" / "000_Test_Article.txt").read_text()
    lines = text.split("\n")
    assert lines[0] == "Test Article" and lines[1] == ""
    assert all(len(line) <= 80 for line in lines)
    by_id = {entry["id"]: entry for entry in items}
    # "Rollo" is wrapped onto the paragraph's third line, which is line 5 of the file.
    assert "Rollo" in lines[4] and by_id["a1"]["evidence"] == [
        {"file": "000_Test_Article.txt", "line_start": 5, "line_end": 5}]
    assert by_id["u1"]["unanswerable"] and by_id["u1"]["evidence"] == []
    for entry in items:
        for evidence in entry["evidence"]:
            held = " ".join(lines[evidence["line_start"] - 1:evidence["line_end"]])
            assert any(gold in held for gold in entry["answers"])
    assert len(by_id["a2"]["evidence"]) >= 1 and by_id["a2"]["answers"] == ["France", "a region in France"]
    assert by_id["a3"]["evidence"][0]["line_start"] > by_id["a1"]["evidence"][0]["line_end"]


@pytest.mark.skipif(not squad.DEFAULT_SOURCE.exists(), reason="../shared/datasets not beside the project")
def test_real_squad_evidence_lines_contain_every_answer(tmp_path):
    items = squad.convert(squad.DEFAULT_SOURCE, tmp_path / "corpus")
    assert len(items) == 1407 and sum(entry["unanswerable"] for entry in items) == 702
    files = {path.name: path.read_text().split("\n") for path in (tmp_path / "corpus").iterdir()}
    for entry in items:
        for evidence in entry["evidence"]:
            held = " ".join(files[evidence["file"]][evidence["line_start"] - 1:evidence["line_end"]])
            held = re.sub(r"\s+", " ", held)
            assert any(re.sub(r"\s+", " ", gold.strip()) in held for gold in entry["answers"]), entry["id"]


def test_compare_table_says_what_got_better_or_worse():
    from evals.report import compare_table

    table = compare_table({"overall_accuracy": 0.8, "cited_lines_per_answer": 3.0,
                           "mrr@10": 0.5},
                          {"overall_accuracy": 0.7, "cited_lines_per_answer": 2.0,
                           "mrr@10": 0.5})
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert "+0.100 better" in rows["Overall accuracy (SQuAD 2.0 style)"]
    assert "+1.000 worse" in rows["Cited lines per answer"]  # more lines cited is worse
    assert "same" in rows["Retrieval MRR@10"]


@pytest.mark.parametrize("line,message", [
    ("not json", "questions.jsonl line 2: not valid JSON"),
    ("[1, 2]", "questions.jsonl line 2: not a JSON object"),
    ('{"id": "b", "question": "When?", "evidence": [{"file": "a.txt", "line_start": 1}]}',
     "questions.jsonl line 2: no 'line_end' field"),
    ('{"id": "b", "question": "When?", "evidence": [{"file": "a.txt", "line_start": "x", '
     '"line_end": 2}]}', "questions.jsonl line 2: invalid literal for int()"),
])
def test_a_dataset_line_that_cannot_be_read_is_named_by_file_and_line(tmp_path, line, message):
    dataset = tmp_path / "questions.jsonl"
    dataset.write_text('{"id": "a", "question": "When does the ferry leave?"}\n' + line + "\n")
    with pytest.raises(ValueError) as raised:
        read_items(dataset)
    assert str(raised.value).startswith(message)


def test_a_share_of_questions_comes_with_its_95_percent_interval():
    # Checked against the Wilson score formula by hand: 55 right of 70.
    low, high = wilson_interval(55 / 70, 70)
    assert (round(low, 3), round(high, 3)) == (0.676, 0.866)
    # None of 80: the interval starts at 0 and is not empty; no questions: anything.
    assert wilson_interval(0.0, 80) == (0.0, pytest.approx(0.0458, abs=1e-4))
    assert wilson_interval(1.0, 16)[1] == 1.0
    assert wilson_interval(0.5, 0) == (0.0, 1.0)
    # The summary gives it for the shares the targets are stated in, over
    # the right count (all questions for overall accuracy, the unanswerable
    # ones for "not found" on them), and for no time or rank metric.
    metrics = {"questions": 70, "answerable": 54, "unanswerable": 16,
               "overall_accuracy": 55 / 70, "unanswerable_accuracy": 1.0,
               "mrr@10": 0.7, "ms_per_question_p95": 40.0}
    rows = {row.split(" | ")[0].strip("| "): row.split(" | ")[2]
            for row in summary_table(metrics).splitlines()[2:]}
    assert rows["Overall accuracy (SQuAD 2.0 style)"] == "0.68-0.87"
    assert rows['"Not found" on unanswerable'] == "%.2f-1.00" % wilson_interval(1.0, 16)[0]
    assert rows["Retrieval MRR@10"] == "" and rows["ms per question (p95)"] == ""
