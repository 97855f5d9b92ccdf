"""The training claim pairs (evals/claim_pairs.py) the checker's rules are
chosen on, and `rag eval claim-pairs`, on sentences written for these tests
and a small slice of the SQuAD train articles."""

import re

from evals.claim_pairs import ClaimPair, fill_question, reorderings, swapped_question_pairs, \
    toggle_denial
from rag.cli import main
from rag.syntax import _parser


def test_a_question_filled_with_its_answer_is_a_statement():
    assert fill_question("Who wrote the report?", "Ada Park") == "Ada Park wrote the report."
    assert fill_question("When did the museum open?", "1990") == "The museum open 1990."
    assert fill_question("How many rooms does the hotel have?", "120") == "The hotel have 120."
    assert fill_question("The hotel has rooms.", "120") is None


def test_a_denial_is_toggled_on_whole_words_only():
    assert toggle_denial("The harbour was closed.") == "The harbour was not closed."
    assert toggle_denial("The harbour was not closed.") == "The harbour was closed."
    assert toggle_denial("The museum didn't open.") == "The museum did open."
    # "area" and "island" hold "are" and "is", which are no verbs there.
    assert toggle_denial("The area around the island was flooded.") == \
        "The area around the island was not flooded."
    assert toggle_denial("The area flooded.") is None


def test_reorderings_move_a_phrase_and_keep_every_word():
    parse = _parser()
    made = dict(reorderings("In 2019, Contoso lent money to Northwind.", parse))
    assert made["reorder/front->end"] == "Contoso lent money to Northwind in 2019."
    made = dict(reorderings("Ada Park argues that the old harbour should reopen next year.", parse))
    assert made["reorder/attribution"] == "The old harbour should reopen next year, Ada Park argues."
    for claim in made.values():
        assert sorted(re.findall(r"\w+", claim.lower())) == \
            sorted(re.findall(r"\w+", "Ada Park argues the old harbour should reopen next year".lower()))


def test_a_filled_question_with_its_names_swapped_is_a_corruption():
    # (A capitalized word starting the claim is not taken for a name.)
    stated = ClaimPair("The bank Contoso lent money to Northwind.", "Contoso lent Northwind money in May.",
                       "", True, "question/answer", 0)
    elsewhere = ClaimPair("The bank Contoso lent money to Fabrikam.", "Contoso lent Northwind money.",
                          "", True, "question/answer", 0)
    swapped = swapped_question_pairs([stated, elsewhere])
    assert [(pair.claim, pair.supported, pair.kind) for pair in swapped] == \
        [("The bank Northwind lent money to Contoso.", False, "question/roles")]


def test_the_checker_on_training_pairs_reports_every_kind(capsys):
    assert main(["eval", "claim-pairs", "--limit", "40"]) == 0
    out = capsys.readouterr().out
    assert "IN-SAMPLE" in out
    rows = dict(re.findall(r"^\| ([a-z/>-]+) \| \d+ \| (\d\.\d{3}) \|$", out, re.MULTILINE))
    assert {"question/answer", "sentence/same", "sentence/denial", "question/roles"} <= set(rows)
    # The checker supports a sentence cited for itself.
    assert float(rows["sentence/same"]) == 1.0
    assert re.search(r"faithful \(questions and sentences\) supported \d\.\d{3}; "
                     r"corrupted caught \d\.\d{3}", out)
