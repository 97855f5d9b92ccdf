"""A best sentence that rules out what the question asks (rag/question_checks.py)
is related reading, not the answer."""

import pytest

from rag.question_checks import contradicts

from .conftest import make_assistant


@pytest.mark.parametrize("question, sentence, ruled_out", [
    # The question denies what the sentence says, and the sentence denies nothing.
    ("Which ferry was not repaired this winter?",
     "The harbour board repaired the Moorhen ferry this winter.", True),
    ("Who didn't sign the harbour agreement?",
     "The mayor and the port director signed the harbour agreement on Monday.", True),
    # The same question asked plainly is answered by it.
    ("Which ferry was repaired this winter?",
     "The harbour board repaired the Moorhen ferry this winter.", False),
    # "Why ... not" asks the reason for what did not happen, which a line may
    # give naming it.
    ("Why did the council not sell the old pier?",
     "The council withdrew its offer to sell the old pier after the storm.", False),
    # A sentence that denies something may say the same in other words.
    ("Who refused to sign the harbour agreement?",
     "The port director did not sign the harbour agreement.", False),
    # A name after the denial is the subject of an inverted question.
    ("Why didn't Mara Olsen sign the agreement?",
     "Mara Olsen signed the agreement in May.", False),
    # The opposite of a sentence's word, as a quality of a thing.
    ("Which city got the smaller share of the grant?",
     "Leeds received a larger share of the grant than York.", True),
    ("Who wanted an inexperienced pilot for the flight?",
     "The airline sought out a more experienced pilot for the flight.", True),
    # A denied opposite says what the word says: "not equal" is "unequal".
    ("What follows if the two classes are unequal?",
     "If the two classes are not equal, the problem is hard.", False),
    # A question that asks whether is answered by a sentence that says no.
    ("Was the ferry not repaired this winter?",
     "The harbour board repaired the Moorhen ferry this winter.", False),
    ("Is the warranty limited?", "The warranty is unlimited for the first year.", False),
    # An act put from the other side ("lose to" for "won by") is no opposite,
    # nor is a thing the opposite of an act ("loan" of "borrowed").
    ("Who did the band lose the award to?", "The award was won by the Harbour Quartet.", False),
    ("How long does an interlibrary loan take?",
     "A book borrowed for you from another library, which takes about a week.", False),
])
def test_a_sentence_that_rules_out_the_question(question, sentence, ruled_out):
    assert (contradicts(question, sentence) is not None) is ruled_out


def test_a_line_that_rules_out_the_question_is_related_reading_not_the_answer(
        tmp_path, monkeypatch):
    """Asked which ferry was not repaired, the line that says which one was
    shares nearly every word of the question: without the check it is the
    answer; with it, it is shown as related lines, cited at its own line.
    The same question asked plainly is answered from that line."""
    import rag.answering as answering

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "winter-works.txt").write_text(
        "Harbour board: winter works\n\n"
        "Three ferries were hauled out of the water at the north slipway in December.\n"
        "The harbour board repaired the Moorhen ferry this winter, at a cost of 40,000 pounds.\n"
        "The pier lights were replaced by the town council in January.\n", encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    # The check, not the threshold, is what withholds the line.
    monkeypatch.setattr(assistant.answerer, "threshold", 0.05)
    line = ("winter-works.txt", 4, 4)

    asked = assistant.ask("Which ferry was repaired this winter?")
    assert not asked.abstained
    assert [(c.file, c.line_start, c.line_end) for c in asked.citations] == [line]

    ruled_out = assistant.ask("Which ferry was not repaired this winter?")
    assert ruled_out.abstained and not ruled_out.citations
    assert line in [(c.file, c.line_start, c.line_end) for c in ruled_out.related]

    monkeypatch.setattr(answering, "contradicts", lambda question, sentence: None)
    unchecked = assistant.ask("Which ferry was not repaired this winter?")
    assert [(c.file, c.line_start, c.line_end) for c in unchecked.citations] == [line]
