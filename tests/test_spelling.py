"""Typing mistakes in questions, read as the indexed words they miss by one
letter, on the real index of the sample articles."""

from rag.answering import NOT_FOUND
from rag.assistant import Assistant
from rag.settings import Settings
from rag.spelling import corrected, corrections, one_edit_away


def test_one_edit_covers_drops_swaps_changes_and_additions():
    near = one_edit_away("batch")
    assert {"bach", "abtch", "botch", "batchs"} <= near and "batch" not in near
    assert not {"bathe", "bacht", "botchy"} & near  # two edits away


def test_mistakes_are_read_as_indexed_words(assistant):
    idf = assistant.data().idf
    question = "Were was the secnd batch of S-400 systms delivred to, and by Erdgan's order?"
    assert corrections(question, idf) == {"secnd": "second", "systms": "systems",
                                          "delivred": "delivered", "erdgan": "erdogan"}
    fixed, _ = corrected(question, idf)
    assert fixed == "Were was the second batch of S-400 systems delivered to, and by " \
                    "Erdogan's order?"


def test_a_mistyped_first_word_is_read_as_a_question_word(assistant):
    idf = assistant.data().idf
    assert corrections("Whre was the second batch delivered?", idf) == {"whre": "where"}
    assert corrections("Wehn was the second batch delivered?", idf) == {"wehn": "when"}


def test_real_words_and_names_the_documents_lack_are_left_alone(assistant):
    idf = assistant.data().idf
    # Real English words, even rare ones, are not mistakes; nor is a word
    # one letter from nothing the documents hold.
    assert corrections("Was the base unlivable after the vote?", idf) == {}
    assert corrections("Who won the Wimbledon final?", idf) == {}
    # A capitalized word is a name: never read as a word this common.
    assert "hanz" not in corrections("Did Hanz meet Putin?", idf)
    # A word with an apostrophe is one word ("wasn't"), not "wasn" and "t".
    assert corrections("Why wasn't the deal signed?", idf) == {}


def test_the_parts_of_a_file_or_identifier_name_are_left_alone(assistant):
    """A word joined to another by a dot or an underscore is part of a name
    ("Cargo.toml", "serde_json"), which the keyword index keeps whole: its
    parts are no typed words, however close to an indexed word."""
    idf = assistant.data().idf
    assert corrections("What do the missles hold?", idf) == {"missles": "missiles"}
    assert corrections("What does missles.csv hold?", idf) == {}
    assert corrections("What does missles_list hold?", idf) == {}
    assert corrections("What do the missles in turkey.csv hold?", idf) == {"missles": "missiles"}


def test_a_question_with_mistakes_gets_the_answer_and_says_what_it_read(sample_index):
    notes = []
    assistant = Assistant(Settings(index_dir=sample_index), notify=notes.append)
    result = assistant.ask("Were was the secnd batch of S-400 systms delivred?")
    assert not result.abstained and "Murted" in result.text
    first = result.citations[0]
    assert (first.file, first.line_start, first.line_end) == ("001_b4f6f2b0e5c1da68.txt", 122, 124)
    assert any("'secnd' as 'second'" in note for note in notes)
    # A misspelled question about something the documents never mention
    # stays unanswered.
    assert assistant.ask("What is the capital of Frnace?").text == NOT_FOUND
