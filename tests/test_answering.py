"""Extractive answers: the right sentence, cited by its own lines; "not
found" when the documents are silent."""

import itertools
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from evals import squad

from rag.answering import FEATURES, NOT_FOUND, RELATED_INTRO, TRIGGER_FEATURES, ordered
from rag.assistant import QuestionError
from rag.claim_terms import replaces_a_named_number, replaces_a_number
from rag.documents import decode_bytes
from rag.formats import html_text
from rag.lines import LineTable

ANSWERABLE = [
    ("Where was the second batch of S-400 air defence systems delivered?", "Murted",
     "001_b4f6f2b0e5c1da68.txt", 122, 124),
    # The answer closes a quotation that names its speaker as "he": cited
    # from the sentence before, which names him.
    ("How much has Turkey paid so far for the F-35?", "$900 million",
     "003_7a2e542821ed9fae.txt", 11, 12),
    ("Who heads the Russian aircraft maker MiG?", "Ilya Tarasenko",
     "002_b19f080dd75360e9.txt", 33, 33),
    ("Which Russian ambassador to Turkey was assassinated?", "Andrei Karlov",
     "004_333ae619c2337046.txt", 27, 27),
]

OFF_TOPIC = [
    "What is the capital of France?",
    "Who won the 2018 FIFA World Cup?",
    "What is a good recipe for chocolate cake?",
    "How do I reset my router password?",
]


@pytest.mark.parametrize("question,answer,file,line_start,line_end", ANSWERABLE)
def test_answer_cites_the_sentence_lines(assistant, sample_corpus, question, answer, file,
                                         line_start, line_end):
    result = assistant.ask(question)
    assert not result.abstained and answer in result.text
    first = result.citations[0]
    assert (first.file, first.line_start, first.line_end) == (file, line_start, line_end)
    # Every citation is in the text, and its lines on disk hold the quoted sentence.
    for citation in result.citations:
        assert f"[{citation.label()}]" in result.text
        lines = LineTable(decode_bytes((sample_corpus / citation.file).read_bytes()).text)
        on_disk = re.sub(r"\s+", "", lines.span_text(citation.line_start, citation.line_end))
        assert re.sub(r"\s+", "", citation.text) in on_disk
        # The citation is one sentence, not a whole chunk.
        assert citation.line_end - citation.line_start <= 6


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_are_not_answered(assistant, question):
    result = assistant.ask(question)
    assert result.abstained and result.text == NOT_FOUND and result.citations == ()
    assert result.retrieved  # what was considered is still reported


def test_furniture_inside_a_retrieved_chunk_is_never_a_candidate(assistant):
    """Page furniture between prose sentences (a date line, a page header)
    lies inside chunk ranges; the answerer must skip it."""
    from rag.retrieval import Ranking

    data = assistant.data()
    question = "When was the article published?"
    vector = assistant.embedder.encode_query(question)
    checked = 0
    for chunk_id, chunk in enumerate(data.chunks):
        inside = range(chunk.sentence_start, chunk.sentence_end)
        furniture = {index for index in inside if data.sentences[index].is_furniture}
        if not furniture:
            continue
        ranking = Ranking(np.array([chunk_id]), np.array([1.0], dtype=np.float32), {}, {})
        candidates = assistant.answerer.candidates(question, vector, ranking, pool=1)
        ids = {candidate.sentence_id for candidate in candidates}
        assert ids == set(inside) - furniture
        checked += 1
    assert checked  # the sample articles have furniture inside chunks


def test_questions_are_cleaned_or_refused(assistant):
    with pytest.raises(QuestionError):
        assistant.ask("   \x00\x07  ")
    noisy = assistant.ask("Where was the second\x00 batch of S-400\x1b air defence systems delivered?")
    assert "Murted" in noisy.text
    huge = assistant.ask("Murted airbase delivery " * 5000)  # about 120 KB
    assert huge.question and len(huge.question) <= assistant.settings.max_question_chars
    # A zero-width space or a soft hyphen inside a word, fullwidth letters.
    hidden = assistant.ask("Where was the sec\u200bond batch of S-400 air de\u00adfence "
                           "systems delivered？")
    assert hidden.question == "Where was the second batch of S-400 air defence systems delivered?"
    assert "Murted" in hidden.text


def _on_disk(sample_corpus, citation) -> str:
    lines = LineTable(decode_bytes((sample_corpus / citation.file).read_bytes()).text)
    return re.sub(r"\s+", "", lines.span_text(citation.line_start, citation.line_end))


def test_on_topic_question_without_an_answer_gets_related_lines(assistant, sample_corpus):
    # The articles are about S-400 sales but never say what Saudi Arabia bought.
    result = assistant.ask("How many S-400 batteries did Saudi Arabia buy?")
    assert result.abstained and result.citations == () and result.claims == ()
    assert result.text.startswith(RELATED_INTRO)
    assert 1 <= len(result.related) <= 3
    first = result.related[0]
    # Related reading is about what was asked (S-400 purchases), cited to
    # the exact lines that hold it on disk.
    assert "S-400" in first.text
    for citation in result.related:
        assert f"[{citation.label()}]" in result.text
        assert re.sub(r"\s+", "", citation.text) in _on_disk(sample_corpus, citation)
    assert result.to_json()["related"][0] == {"file": first.file, "line_start": first.line_start,
                                              "line_end": first.line_end, "text": first.text}


def test_related_lines_never_cite_the_same_lines_twice(assistant):
    """Two sentences on one line are one citation: related reading lists
    each span of lines once (it once showed 003:11-11 twice), and a quote
    read back to its speaker's sentence takes that sentence's place (it
    once showed 003:13-13 and then 003:13-14)."""
    for question in ("How much did Turkey pay for the S-400?", "What is the S-400?",
                     "What did Putin and Erdogan discuss?", "hurriyet cavusoglu quote"):
        answer = assistant.ask(question)
        spans = [(citation.file, citation.page, citation.line_start, citation.line_end)
                 for citation in answer.related]
        assert len(spans) == len(set(spans)), question
        # No citation is shown again inside a later one that reads back over it.
        for earlier, later in itertools.combinations(spans, 2):
            assert not (earlier[:2] == later[:2] and later[2] <= earlier[2] <= earlier[3]
                        <= later[3]), (question, earlier, later)
        assert len(spans) == 3, question


def test_off_topic_questions_show_no_related_lines(assistant):
    result = assistant.ask("What is a good recipe for chocolate cake?")
    assert result.text == NOT_FOUND and result.related == ()
    assert result.to_json()["related"] == []


def test_a_confident_answer_the_relevance_model_doubts_is_shown_as_related(assistant,
                                                                            monkeypatch):
    """The answer model is sure of the best sentence, the relevance model
    doubts that the documents are about the question (it did of "How many
    commuters were affected?" against one short article, whose best line was
    right): the line is shown as related reading, not hidden behind a bare
    "not found". Doubted by both, or held far from the question by the
    relevance model ("What is the capital of France?" of a book on Rust,
    whose "capital letter" line the answer model liked), it is "not found"."""
    import rag.answering as answering

    question = "Where were the S-400 systems delivered?"
    answered = assistant.ask(question)
    assert answered.citations
    answerer = assistant.answerer
    doubt = (answering.DOUBTED_ANSWER_RELEVANCE + answerer.related_threshold) / 2
    monkeypatch.setattr(answerer, "relevance", lambda *_: doubt)
    doubted = assistant.ask(question)
    assert doubted.abstained and doubted.citations == ()
    assert doubted.related[0].line_start == answered.citations[0].line_start
    monkeypatch.setattr(answerer, "relevance", lambda *_: answering.DOUBTED_ANSWER_RELEVANCE / 2)
    assert assistant.ask(question).text == NOT_FOUND
    monkeypatch.setattr(answerer, "relevance", lambda *_: doubt)
    monkeypatch.setattr(answerer, "confidence", lambda *_: 0.0)
    assert assistant.ask(question).text == NOT_FOUND


def test_numbers_the_question_names_are_looked_for_around_the_best_sentence(assistant):
    """One input of the answer model: a number or model number of the
    question ("S-300", "2017") that neither the sentence, its neighbours nor
    its file's title holds."""
    data = assistant.data()
    murted = next(index for index, sentence in enumerate(data.sentences)
                  if "Murted Airbase" in sentence.text)
    answerer = assistant.answerer
    assert answerer.numbers_missing(
        "Where was the second batch of S-400 systems delivered?", murted) == []
    # "MAKS-2019" is in the sentence before.
    assert answerer.numbers_missing("What was delivered on the day MAKS-2019 opened?",
                                    murted) == []
    asked = "Where was the second batch of S-300 systems delivered in 2017?"
    assert answerer.numbers_missing(asked, murted) == ["2017", "300", "s-300"]
    # As people also type them: a plural, no hyphen, an ordinal in digits.
    for typed in ("Where was the second batch of S-400s delivered?",
                  "Where was the 2nd batch of S400s delivered?"):
        assert answerer.numbers_missing(typed, murted) == []
    assert answerer.numbers_missing("Where was the 3rd batch of S-500s delivered?",
                                    murted) == ["3", "500", "s-500s"]


def test_a_model_number_typed_in_the_plural_is_the_model(assistant):
    """"F-35s" was a model number no line holds, and the line that says how
    much Turkey paid into the F-35 program was only related reading."""
    plural = assistant.ask("How much has Turkey paid for F-35s?")
    assert not plural.abstained
    first = plural.citations[0]
    assert (first.file, first.line_start) == ("003_7a2e542821ed9fae.txt", 11)
    assert "$900 million" in plural.text


@pytest.mark.parametrize("question, sentence, replaced, named", [
    # Another model number where the question names one: about the other thing.
    ("How much did Turkey pay for the S-400?",
     "We have paid $900 million so far for the F-35 and continue to pay.", True, True),
    ("Who works at MI6?", "Bond was taken to MI16 headquarters.", True, True),
    # Another year: an input of the answer model, never a reason alone to
    # withhold ("in 2009" is often answered by a line that counts from another).
    ("What happened in 2008?", "In 2010 the new bridge opened.", True, False),
    # The question's own number, or none of its kind instead.
    ("How much did Turkey pay for the S-400?", "Turkey paid $2.5 billion for the S-400.",
     False, False),
    ("How many people died in the 2008 earthquake?", "At least 69,197 people died.", False, False),
    ("Who sold the S-400 to Turkey?", "Russia sold the system in 2017.", False, False),
    # A variant of the name asked: the answer model's input counts it, as it
    # was fitted; it withholds only where the name asked is not said nearby.
    ("When did the F-35 first fly?", "The F-35A first flew in 2006.", True, False),
])
def test_a_sentence_that_names_another_number_of_the_kind_asked(question, sentence, replaced,
                                                               named):
    """`replaces_a_number` is an input of the answer model;
    `replaces_a_named_number` withholds the answer (`names_another_thing`),
    and so does any number `replaces_a_number` finds when the one asked is
    not said nearby."""
    assert replaces_a_number(question, sentence) is replaced
    assert replaces_a_named_number(question, sentence) is named


def test_the_answer_model_counts_another_model_number_against_the_sentence(assistant):
    """The input is 1 for a best sentence that names the F-35 where the
    question names the S-400, and the shipped model weighs it against
    answering: the same ranking reads as less likely right with it."""
    question = "How much did Turkey pay for the S-400?"
    answerer = assistant.answerer
    ranked = ordered(assistant.candidates(question))
    paid = next(candidate for candidate in ranked if "$900 million" in candidate.sentence.text)
    ranked = [paid] + [candidate for candidate in ranked if candidate is not paid]
    column = TRIGGER_FEATURES.index("numbers_replaced")
    row = answerer.trigger_features(question, ranked)
    assert row[column] == 1.0
    assert answerer.trigger_weights[column] < 0
    without = row.copy()
    without[column] = 0.0
    assert row @ answerer.trigger_weights < without @ answerer.trigger_weights


def test_a_line_about_another_model_number_is_related_reading_not_an_answer(
        assistant, monkeypatch):
    """Asked what Turkey paid for the S-400, the closest line says what it
    paid for the F-35: shown as related, never as the answer, which it
    would be without this check. The answer model's confidence in that line
    stands near the fitted threshold, which each refit moves a little, so
    the threshold here is set below it: the check, not the threshold, is
    what withholds it."""
    import rag.answering as answering

    question = "How much did Turkey pay for the S-400?"
    monkeypatch.setattr(assistant.answerer, "threshold", 0.3)
    result = assistant.ask(question)
    assert not result.citations and result.abstained
    paid = [(citation.file, citation.line_start) for citation in result.related]
    assert ("003_7a2e542821ed9fae.txt", 11) in paid
    monkeypatch.setattr(answering.ExtractiveAnswerer, "names_another_thing",
                        lambda self, question, best: False)
    unchecked = assistant.ask(question)
    assert [(citation.file, citation.line_start) for citation in unchecked.citations] == [
        ("003_7a2e542821ed9fae.txt", 11)]


def test_a_line_about_another_year_is_withheld_unless_the_year_asked_stands_nearby(tmp_path):
    """Asked about 2008, a line about 2010 answers only where the year
    asked is said beside it."""
    from .conftest import make_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(
        "The Harbour Fair\n\nThe Harbour Fair is held every summer on the old quay.\n"
        "In 2010 the fair welcomed 40,000 visitors.\n", encoding="utf-8")
    (corpus / "river.txt").write_text(
        "The River Fair\n\nThe River Fair was first held in 2008.\n"
        "In 2010 the fair welcomed 55,000 visitors.\n", encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    question = "How many visitors came to the fair in 2008?"
    withheld = {candidate.sentence.file: assistant.answerer.names_another_thing(question, candidate)
                for candidate in assistant.candidates(question)
                if "welcomed" in candidate.sentence.text}
    assert withheld == {"harbour.txt": True, "river.txt": False}


def test_a_number_in_the_file_name_counts_as_the_files_title(tmp_path):
    """A file named for what it holds ("ferry-K7-timetable.txt") need not
    repeat the model number in every line for a question that names it."""
    from .conftest import make_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = ("Timetable of the harbour ferries.\n\nThe boat leaves the pier at noon each day.\n")
    (corpus / "ferry-K7-timetable.txt").write_text(text, encoding="utf-8")
    (corpus / "harbour-notes.txt").write_text(text, encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    data = assistant.data()
    noon = {data.sentences[index].file: index for index in range(len(data.sentences))
            if "noon" in data.sentences[index].text}
    question = "When does the K7 boat leave?"
    assert assistant.answerer.numbers_missing(question, noon["ferry-K7-timetable.txt"]) == []
    assert assistant.answerer.numbers_missing(question, noon["harbour-notes.txt"]) == ["7", "k7"]


@pytest.mark.parametrize("question, speaker, lines", [
    # The quotation opens on line 90 and closes two sentences on, line 94.
    ("What had the US told Turkey about its PATRIOT offer?",
     "a US State Department official told CNN on August 22", (90, 94)),
    # Opens and closes on one line, in two sentences; "him" is named on the
    # line before, which the citation reads back to (`Citing.speaker_before`).
    ("Who said the US has been pressuring all its allies?", "Hurriyet reported him saying",
     (13, 14)),
])
def test_an_answer_that_opens_a_quotation_reads_on_to_its_speaker(assistant, sample_corpus,
                                                                  question, speaker, lines):
    """The best sentence opens a quotation that a later one closes, and only
    there is its speaker named: the answer reads on to that sentence, as one
    citation from the quotation's first line to its last."""
    result = assistant.ask(question)
    assert not result.abstained and speaker in result.text
    [citation] = result.citations
    assert (citation.line_start, citation.line_end) == lines
    assert result.text.count("“") == result.text.count("”")
    on_disk = _on_disk(sample_corpus, citation)
    assert re.sub(r"\s+", "", citation.text) in re.sub(r"\s+", "", on_disk)


# A quotation whose speaker only "she" names, a paragraph after the line
# that names her; and one whose speaker its own line names.
HARBOUR_NEWS = """Harbour board backs second ferry

The harbour board voted on Tuesday to buy a second electric ferry, said
board chair Imogen Halloway, who has pushed for the purchase since 2021.

“The crossing is full every morning and the old diesel boat cannot last
another winter,” she said.

“We will not raise fares to pay for it,” treasurer Desmond Achebe told
the meeting.
"""


@pytest.mark.parametrize("question, lines, speaker", [
    ("Who said the old diesel boat cannot last another winter?", (3, 7), "Imogen Halloway"),
    ("Who said fares will not rise to pay for the ferry?", (9, 10), "Desmond Achebe"),
])
def test_a_quotation_its_speaker_names_by_a_pronoun_reads_back_to_the_name(
        tmp_path, question, lines, speaker):
    """A quote whose speaker is "she" is cited from the line before that
    names her, across the blank line between paragraphs; a quote that names
    its speaker is cited alone."""
    result = _ask_of_one_file(tmp_path, "harbour-news.txt", HARBOUR_NEWS, question)
    shown = (result.citations or result.related)[0]
    assert (shown.line_start, shown.line_end) == lines
    assert speaker in shown.text


# A quotation of two sentences, wrapped mid-sentence; the second, which
# answers, closes it with "he said", a paragraph after the speaker's name.
FARES_NEWS = """Ferry fares frozen for a year

The harbour board will not raise ferry fares this year, said treasurer
Desmond Achebe.

“Nobody wants to pay more for a crossing in
winter. We set aside 2.4 million pounds for the second
ferry in 2022,” he said.
"""


@pytest.mark.parametrize("text, lines", [
    (FARES_NEWS, (3, 8)),
    # A quotation that names its speaker where it closes is cited from its
    # opening alone.
    (FARES_NEWS.replace("he said", "Achebe said"), (6, 8)),
])
def test_a_sentence_that_closes_a_quotation_is_cited_with_the_whole_quotation(
        tmp_path, text, lines):
    """The sentence that answers closes a quotation opened a line before:
    it is cited from the quotation's first line, and, as the quotation
    names its speaker only as "he", from the sentence before that names
    him (`Citing.quotation_opened_at`)."""
    result = _ask_of_one_file(tmp_path, "fares-news.txt", text,
                              "How much did the board set aside for the second ferry?")
    shown = (result.citations or result.related)[0]
    assert (shown.line_start, shown.line_end) == lines
    assert shown.text.rstrip().endswith("said.")
    assert "Desmond Achebe" in shown.text or "Achebe said" in shown.text


# Quotations of two and of five sentences, and a sentence with a quotation
# of its own.
QUOTATIONS = """Ferry notes

“The crossing is full. We need a second boat,” said Imogen Halloway.

“One. Two. Three. Four. The last sentence of a long quote,” she said.

The board called it “a fair price” on Monday.
"""


def test_a_quotation_is_found_from_its_closing_sentence_within_three_sentences(tmp_path):
    """`Citing.quotation_opened_at` finds the opening of a quotation its
    sentence closes, at most three sentences back; a sentence that quotes
    within itself, or a quotation opened further back, is not read back."""
    assistant = _assistant_of_one_file(tmp_path, "notes.txt", QUOTATIONS)
    ids = _sentence_ids(assistant)
    citing = assistant.answerer.citing
    closing = ids["We need a second boat,” said Imogen Halloway."]
    assert citing.quotation_opened_at(closing) == ids["“The crossing is full."]
    assert citing.quotation_opened_at(ids["The last sentence of a long quote,” she said."]) is None
    assert citing.quotation_opened_at(ids["The board called it “a fair price” on Monday."]) is None
    assert citing.quotation_opened_at(ids["Ferry notes"]) is None


# Rules of a lending scheme, wrapped at odd places: the sentence that
# answers "may I sell" opens with "However", and qualifies the one before.
TOOL_LIBRARY_RULES = """Westbrook Tool Library: member rules

1. Tools are lent for seven days. You may not rent out or sell a
borrowed tool to anyone. However, you may
use a borrowed tool for paid work, such as a
repair you do for a neighbour.

2. A tool returned late costs one credit a day.
"""


def test_a_sentence_that_opens_with_however_is_cited_with_the_one_it_qualifies(tmp_path):
    """"However, you may use a borrowed tool for paid work" alone says
    yes to "Can I earn money with a borrowed tool?"; the rule it qualifies,
    the sentence before on line 3, is cited with it."""
    result = _ask_of_one_file(tmp_path, "rules.txt", TOOL_LIBRARY_RULES,
                              "Can I earn money with a borrowed tool?")
    shown = (result.citations or result.related)[0]
    assert (shown.line_start, shown.line_end) == (3, 6)
    assert shown.text.startswith("You may not rent out or sell")


# A question told, not asked, and its reply, wrapped mid-sentence.
BRIDGE_NEWS = """Old bridge stays shut

At Tuesday's council meeting the mayor asked the county engineer whether the
Mill Lane bridge could reopen by June. “Not before August,” the
engineer replied.

Buses will keep using the ring road until then.
"""


def test_a_question_told_reads_on_to_the_reply_after_it(tmp_path):
    """"... asked the county engineer whether the bridge could reopen by
    June." is cited with the reply that follows it in its paragraph."""
    question = "What did the engineer say when asked if the bridge could reopen by June?"
    result = _ask_of_one_file(tmp_path, "bridge.txt", BRIDGE_NEWS, question)
    shown = (result.citations or result.related)[0]
    assert (shown.line_start, shown.line_end) == (3, 5)
    assert "Not before August" in shown.text


FAQ = """Harbor Library: frequently asked questions

How long can I keep a borrowed book?
Books may be kept for three weeks and renewed twice online.

Where do I return books after hours?
Use the green drop box beside the north entrance; it is emptied every morning.

Can I print from my laptop?
Yes, send the file to print@harbor.example and collect it at the front desk.
"""


@pytest.mark.skipif(not squad.DEFAULT_SOURCE.exists(), reason="../shared/datasets not beside the project")
@pytest.mark.parametrize("question,opening", [
    ("What is a Turing machine?", "A Turing machine is a mathematical model"),
    ("What is a decision problem?", "A decision problem is a special type"),
])
def test_what_a_thing_is_is_answered_by_the_sentence_that_defines_it(tmp_path, question,
                                                                    opening):
    """"What is X?" asked of an encyclopedia article is answered, cited by its
    exact lines, with the sentence that says what X is. The article is SQuAD
    dev article 1, which the answer model is fitted on (in-sample); the model
    shipped before the fit's "What is X?" questions showed only related lines
    for the first."""
    from .conftest import make_assistant

    corpus = tmp_path / "article"
    squad.convert(squad.DEFAULT_SOURCE, corpus, slice(1, 2))
    [path] = corpus.glob("*.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    # The sentence's lines as written on disk: from its opening words to its full stop.
    first = next(number for number, line in enumerate(lines, 1) if opening in line)
    text_after = lines[first - 1].split(opening, 1)[1]
    last = first if "." in text_after else next(
        number for number in range(first + 1, len(lines) + 1) if "." in lines[number - 1])
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    result = assistant.ask(question)
    assert not result.abstained
    citation = result.citations[0]
    assert (citation.file, citation.line_start, citation.line_end) == (path.name, first, last)
    assert result.text.startswith(opening)


GUIDE = """Kestrel desk lamp: user guide

The lamp is sold as a kit that you put together yourself in about ten minutes.

The kit contains four parts:

    Base
        The weighted stand that holds the lamp upright.

    Arm
        A jointed arm that sets the height and the angle of the light.

    Head
        Holds the LED panel and the dimmer switch.

Assembly needs only the hex key that comes in the box. Fasten the arm to the
base first, then clip the head onto the arm.

To clean the lamp, unplug it first and wipe it with a dry cloth.
"""


CHECKS = """Before you call support, check three things:

 - the adapter is plugged into the wall
 - the dimmer is turned up
 - the fuse in the plug is whole

Support hours
Weekdays from nine to five.
"""


CHECKS_UNSPACED = """Before you call support, check these two things:
• the adapter is plugged into the wall and the switch on the
side of the lamp base is turned on
• the dimmer is turned up
Support is open on weekdays from nine to five.
"""


@pytest.mark.parametrize("text,lines,last_item,after", [
    # The short heading after the list opens no bullet: the list ends before it.
    (CHECKS, (1, 5), "the fuse in the plug is whole", "Support hours"),
    # As in text taken out of a PDF, no blank line after the list: an item
    # that wraps goes on, a line that opens a capitalized sentence without a
    # bullet ends the list.
    (CHECKS_UNSPACED, (1, 4), "side of the lamp base", "weekdays"),
])
def test_a_bulleted_list_ends_where_its_bullets_end(tmp_path, text, lines, last_item, after):
    result = _ask_of_one_file(tmp_path, "support.txt", text,
                              "What should I check before calling support?")
    assert not result.abstained
    citation = result.citations[0]
    assert (citation.line_start, citation.line_end) == lines
    assert last_item in result.text and after not in result.text


def _assistant_of_one_file(tmp_path, name: str, text: str):
    """An assistant over a folder holding one file, `name`, of `text`."""
    from .conftest import make_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    return assistant


def _ask_of_one_file(tmp_path, name: str, text: str, question: str):
    """`question` asked of a folder holding one file, `name`, of `text`."""
    return _assistant_of_one_file(tmp_path, name, text).ask(question)


def _sentence_ids(assistant) -> dict[str, int]:
    """The id of each sentence of the assistant's index, by its text."""
    return {sentence.text: index for index, sentence in enumerate(assistant.data().sentences)}


def _first_shown(assistant, question: str):
    """The first line range shown for `question`: the answer's first
    citation, or the first related line."""
    result = assistant.ask(question)
    return (result.citations or result.related)[0]


def test_an_answer_that_announces_a_list_reads_on_to_the_list(tmp_path):
    """A sentence that ends with a colon announces what follows: the answer
    reads on through the list, items and their short headings, as one
    citation, and stops where the list ends."""
    result = _ask_of_one_file(tmp_path, "lamp.txt", GUIDE, "What parts come in the lamp kit?")
    assert not result.abstained
    [citation] = result.citations
    assert (citation.file, citation.line_start, citation.line_end) == ("lamp.txt", 5, 14)
    assert result.text.startswith("The kit contains four parts: Base The weighted stand")
    assert "Holds the LED panel and the dimmer switch." in result.text
    assert "hex key" not in result.text


BUILD_STEPS = """Building the tide tool
~~~~~~~~~~~~~~~~~~~~~~

To build it from the repository:

  0. Clone the code:
     git clone https://example.org/tide.git

  1. Run make in the folder it made.
"""


def test_a_colon_does_not_read_on_to_an_item_mark_alone(tmp_path):
    """Where a colon's list opens with an item that announces something
    itself, the read stops at the colon: "0." alone is no part of an answer."""
    assistant = _assistant_of_one_file(tmp_path, "BUILD", BUILD_STEPS)
    answerer, data = assistant.answerer, assistant.data()
    texts = [data.sentence(index).text for index in range(len(data.sentences))]
    assert "0." in texts  # the mark is split off, as every item's is
    opening = texts.index("To build it from the repository:")
    cited, read_on = answerer.citing.as_cited(opening)
    assert read_on == [] and cited.text == "To build it from the repository:"
    assert (cited.line_start, cited.line_end) == (4, 4)


def test_related_lines_read_on_as_an_answer_would(tmp_path):
    """Related lines are cited as an answer would cite them: a line that
    announces a list with a colon comes with the list it announces, not
    cut off at the colon."""
    assistant = _assistant_of_one_file(tmp_path, "lamp.txt", GUIDE)
    # No answer is sure enough: the answerer shows related lines.
    assistant.answerer.threshold = 1.01
    result = assistant.ask("What parts come in the lamp kit?")
    assert result.abstained
    spans = [(citation.file, citation.line_start, citation.line_end)
             for citation in result.related]
    assert ("lamp.txt", 5, 14) in spans
    # A line already shown inside another is not shown again.
    assert not any(5 < start and end <= 14 for _, start, end in spans)


GLOSSARY = """Harbor Library: terms used in this guide

Hold
    A request to keep a book that is out on loan for you when it comes back.

Renewal
    Another three weeks with a book, asked for online before it is due.

Interlibrary loan
    A book borrowed for you from another library, which takes about a week.
"""

NEWS = """Harbor Library reopens

4 March 2031
The library reopened on Monday after a year of repairs to its roof.
"""


WASHER_MD = """# Washer programmes

The washer has four programmes, chosen with the dial on its front.

## Rinse

Runs cold water through the drum twice and spins for one minute.

## Eco

Heats the water to thirty degrees and takes three hours.
"""

WASHER_RST = """Washer programmes
=================

Rinse
-----

Runs cold water through the drum twice and spins for one minute.

Eco
---

Heats the water to thirty degrees and takes three hours.
"""


CRANE_MD = """# Crane levers

## crane help

List all crane levers along with a brief description of what they do.

## crane slew

Sets the crane slew angle by turning the jib.
"""


def test_the_words_that_frame_a_question_are_no_overlap(tmp_path):
    """"What does crane slew do?" is about crane slew: a sentence that says
    "what they do" shares only "crane" with it, not "what" and "do" (in a
    reference that rarely says "what", those were its rarest words)."""
    from rag.keyword import rarity

    assistant = _assistant_of_one_file(tmp_path, "crane.md", CRANE_MD)
    candidates = assistant.candidates("What does crane slew do?")
    [listing] = [c for c in candidates if c.sentence.text.startswith("List all crane levers")]
    shares = dict(zip(FEATURES, listing.features))
    assert shares["lexical"] == pytest.approx(
        rarity("crane") / (rarity("crane") + rarity("slew")), abs=1e-6)


@pytest.mark.parametrize("name,lines", [("washer.md", (7, 7)), ("washer.rst", (7, 7))])
def test_a_marked_title_is_never_an_answer_alone(tmp_path, name, lines):
    """A title marked as one is read with the paragraph under it; alone it
    says nothing about its subject (before, the underlined "Quick rinse"
    was answered, read with the document's title above it)."""
    text = (WASHER_MD if name.endswith(".md") else WASHER_RST).replace("Rinse", "Quick rinse")
    text = text.replace("-----\n", "-----------\n")
    result = _ask_of_one_file(tmp_path, name, text, "What is quick rinse?")
    first = result.citations[0]
    assert (first.line_start, first.line_end) == lines, result.text
    assert result.text.startswith("Runs cold water")


def test_a_runner_up_that_the_best_reads_back_to_is_not_cited_again(tmp_path):
    """A short heading right above a sentence is cited with it ("The cache
    files The cache files hold ..."); the heading chosen as the runner-up
    too was cited a second time, as its own line inside the first
    citation (a heading is no candidate now, but a caller may pass one). A
    sentence on a cited line that the citation does not show is still its
    own citation."""
    text = ("The glob files\n"
            "The glob files list one pattern per line, with the weight and the type\n"
            "it gives, separated by colons. Tools read them at start-up.\n"
            "The cache files\n"
            "The cache files hold the globs and the magic rules in one binary file.\n")
    assistant = _assistant_of_one_file(tmp_path, "spec.txt", text)
    candidates = {candidate.sentence.text: candidate
                  for candidate in assistant.candidates("What do the cache files hold?")}
    best = candidates["The cache files hold the globs and the magic rules in one binary file."]
    assert "The cache files" not in candidates  # read with the line under it
    data = assistant.answerer.data
    heading = replace(best, sentence_id=best.sentence_id - 1,
                      sentence=data.sentence(best.sentence_id - 1))
    assert heading.sentence.text == "The cache files"
    [cited] = assistant.answerer._read_on([best, heading])
    assert (cited.sentence.line_start, cited.sentence.line_end) == (4, 5)
    assert cited.sentence.text.startswith("The cache files The cache files hold")
    # The second sentence of a cited line is not shown by the first.
    same_line = candidates["Tools read them at start-up."]
    glob_files = candidates["The glob files list one pattern per line, with the weight and the "
                            "type it gives, separated by colons."]
    cited = assistant.answerer._read_on([glob_files, same_line])
    assert [c.sentence.text for c in cited][1] == "Tools read them at start-up."


TEAM_NOTE = """---
title: Harbour team sync
date: 2024-03-12
attendees: Priya, Tomasz, Lena, Okafor
---

# Harbour team sync

- The crane inspection moves to the first week of April.
- Lena books the divers for the hull survey.
"""


def test_a_field_of_a_notes_front_matter_answers_read_with_its_title(tmp_path):
    """A note's last front-matter field, right above the closing "---", is
    no title underlined by it: it answers. The fields are read with the
    note's "title:" field, which is a title and never an answer alone (it
    was the answer to "Who attended the harbour team sync?")."""
    assistant = _assistant_of_one_file(tmp_path, "sync.md", TEAM_NOTE)
    layout = assistant.answerer.layout
    assert layout.is_title(1) and not layout.is_title(3)  # title:, attendees:
    assert layout.read_as(3) == "title: Harbour team sync attendees: Priya, Tomasz, Lena, Okafor"
    result = assistant.ask("Who attended the harbour team sync?")
    first = (result.citations or result.related)[0]
    assert (first.file, first.line_start, first.line_end) == ("sync.md", 4, 4)
    assert first.text == "attendees: Priya, Tomasz, Lena, Okafor"


ZLIB_NOTES = """The buffer size is set once, at the top of the file:

#endif
CHUNK is simply the size of the buffers that feed data to the routines.
Larger buffers would be more efficient.

Parser
Takes a sequence of characters and produces a model.
"""


def test_a_line_of_code_heads_no_prose(tmp_path):
    """A short line right above a sentence is its heading ("Parser" over
    "Takes a sequence ..."), unless it is a line of code: "#endif" over
    "CHUNK is simply ..." had been read, and cited, as its heading."""
    assistant = _assistant_of_one_file(tmp_path, "zlib.txt", ZLIB_NOTES)
    ids = _sentence_ids(assistant)
    layout = assistant.answerer.layout
    chunk = next(sentence_id for text, sentence_id in ids.items() if text.startswith("CHUNK"))
    assert layout.heading(chunk) is None
    assert layout.heading(ids["Takes a sequence of characters and produces a model."]) == \
        ids["Parser"]


SERVER_RST = """Options
=======

``port``
    The TCP port to listen on. Defaults to ``8080``.

``timeout``
    Seconds before an idle connection is closed. Defaults to ``30``.

Logging
=======

Logs go to standard error. Rotation is left to the system.
"""


def test_every_sentence_of_a_terms_description_is_read_with_the_term(tmp_path):
    """A definition list's description may run to several sentences; each
    is about its term ("Defaults to ``8080``." says nothing of the port
    without it). A section's title heads only the sentence under it."""
    assistant = _assistant_of_one_file(tmp_path, "server.rst", SERVER_RST)
    ids = _sentence_ids(assistant)
    layout = assistant.answerer.layout
    assert layout.read_as(ids["Defaults to ``8080``."]) == "``port`` Defaults to ``8080``."
    assert layout.read_as(ids["Defaults to ``30``."]) == "``timeout`` Defaults to ``30``."
    assert layout.heading(ids["Rotation is left to the system."]) is None
    result = assistant.ask("What is the default port?")
    first = (result.citations or result.related)[0]
    assert (first.line_start, first.line_end) == (4, 5)
    assert result.text.startswith("``port`` Defaults to ``8080``.")


LIBRARY_FAQ = """# Library FAQ

### How do I renew a loan?

1. Sign in to your library account.
2. Open *Loans* and tick the books to keep.
   - A book someone has reserved cannot be renewed.
3. Press *Renew*; the new due date is shown at once.

### Where do I return books after hours?

Use the green drop box beside the main door; it is emptied every morning.
"""


def test_a_question_that_asks_what_a_title_over_a_list_asks_gets_the_whole_list(tmp_path):
    """An FAQ's question as a title over numbered steps: asked the title's
    question, the answer is every step, as one citation; asked about one
    step, it is that step alone. A paragraph under such a title stays one
    sentence."""
    assistant = _assistant_of_one_file(tmp_path, "faq.md", LIBRARY_FAQ)
    result = assistant.ask("How do I renew a loan?")
    [citation] = result.citations
    assert (citation.line_start, citation.line_end) == (5, 8)
    assert result.text.startswith("1. Sign in to your library account. 2. Open *Loans*")
    assert "3. Press *Renew*" in result.text
    detail = assistant.ask("Can a reserved book be renewed?")
    assert (detail.citations[0].line_start, detail.citations[0].line_end) == (7, 7)
    returned = assistant.ask("Where do I return books after hours?")
    assert (returned.citations[0].line_start, returned.citations[0].line_end) == (12, 12)


LAMP_PAGE = """<html><body><h1>Lamp kit</h1>
<p>The kit contains four parts:</p>
<ul><li>a brass base with its cable,</li><li>a linen shade,</li><li>a bulb holder,</li>
<li>and a pack of screws.</li></ul>
<h2>How do I assemble the lamp?</h2>
<ol><li>Screw the bulb holder onto the base.</li><li>Clip the shade onto the holder.</li>
<li>Plug the cable in.</li></ol>
<p>The lamp takes bulbs of up to 40 watts.</p></body></html>"""


def test_an_html_list_is_read_as_a_list(tmp_path):
    """HTML's list items are marked as items, so a colon reads on to every
    item and a title that asks what its steps answer gets them all; the
    first step is read under its title, past its number. Before, the
    colon's sentence ran on through the next title. The page's heading
    ("Lamp kit", across the blank line the extractor puts after it) is read
    with the paragraph under it but not cited with it, as a Markdown
    title across a blank line is not; it had been."""
    assistant = _assistant_of_one_file(tmp_path, "lamp.html", LAMP_PAGE)
    parts = assistant.ask("What parts does the kit contain?")
    assert parts.text.startswith("The kit contains four parts: - a brass base")
    assert "- and a pack of screws." in parts.text and "assemble" not in parts.text
    [cited] = parts.citations
    assert cited.line_start == 3 and cited.extracted
    layout, data = assistant.answerer.layout, assistant.data()
    opening = next(index for index, sentence in enumerate(data.sentences)
                   if sentence.text.startswith("The kit contains"))
    assert layout.heading_text(opening) == "Lamp kit"
    steps = assistant.ask("How do I assemble the lamp?")
    [citation] = steps.citations
    assert (citation.line_start, citation.line_end) == (15, 19)
    assert steps.text.startswith("1. Screw the bulb holder onto the base. 2. Clip the shade")
    one = assistant.ask("What do I clip onto the holder?")
    assert (one.citations[0].line_start, one.citations[0].line_end) == (17, 17)


def test_a_lists_first_item_is_read_under_the_title_above_it(tmp_path):
    """A title marked as one heads the list under it as it heads a
    paragraph: its first item is read under it, past a number split off as
    its own mark ("1."). Items were never read under a heading, so "What
    are the risks?" lost the only line that says "risks"."""
    text = ("## Risks\n\n- Fuel prices may rise.\n- Two captains retire.\n\n"
            "## Steps\n\n1. Screw the holder on.\n2. Clip the shade on.\n")
    assistant = _assistant_of_one_file(tmp_path, "notes.md", text)
    ids = _sentence_ids(assistant)
    layout = assistant.answerer.layout
    assert layout.heading(ids["- Fuel prices may rise."]) == ids["## Risks"]
    assert layout.heading(ids["Screw the holder on."]) == ids["## Steps"]
    assert layout.heading(ids["- Two captains retire."]) is None  # an item heads no item
    risks = assistant.ask("What are the risks?")
    assert (risks.citations[0].line_start, risks.citations[0].line_end) == (3, 4)


STRIKE_PAGE = """<html><body><h1>Ferry crews strike</h1>
<p>Crews walked out at 6am on Tuesday over new shift rotas.</p>
<figure><img src="ferry.jpg"><figcaption>The Moorhen stayed at the north pier. Photo: Lena
Park</figcaption></figure>
<p>Talks between the union and the harbour authority are due to resume on Thursday.</p>
</body></html>"""


def test_the_last_words_of_a_line_head_nothing(tmp_path):
    """A heading stands on a line of its own: a caption's credit ("...
    north pier. Photo: Lena Park") was read as the heading of the paragraph
    under it, and opened its answer."""
    assistant = _assistant_of_one_file(tmp_path, "strike.html", STRIKE_PAGE)
    ids = _sentence_ids(assistant)
    talks = ids["Talks between the union and the harbour authority are due to resume on Thursday."]
    assert assistant.answerer.layout.heading(talks) is None
    answer = assistant.ask("When do the talks resume?")
    assert answer.text.startswith("Talks between the union")


def test_a_markdown_title_right_above_its_text_is_cited_without_its_marks(tmp_path):
    """A title with no blank line under it opens the citation; the answer's
    text gives its words, not Markdown's "##"."""
    text = WASHER_MD.replace("## Eco\n\n", "## Eco\n")
    result = _ask_of_one_file(tmp_path, "washer.md", text, "How long does the eco programme take?")
    assert not result.abstained, result.text
    first = result.citations[0]
    assert (first.line_start, first.line_end) == (9, 10), result.text
    assert result.text.startswith("Eco Heats the water to thirty degrees"), result.text


@pytest.mark.parametrize("name,text,question,lines,opening", [
    # A section of a reference says what it is about only in its title,
    # marked as one (Markdown's "##", an underline) a blank line above: it
    # is read with the title, and cited by its own lines.
    ("washer.md", WASHER_MD, "What does the rinse programme do?", (7, 7),
     "Runs cold water through the drum twice"),
    ("washer.rst", WASHER_RST, "How long does the eco programme take?", (12, 12),
     "Heats the water to thirty degrees"),
    # An item of a definition list says what it is about only in its
    # heading, the short line right above it: it is read, and cited, with it.
    ("glossary.txt", GLOSSARY, "How long does an interlibrary loan take?", (9, 10),
     "Interlibrary loan A book borrowed for you from another library"),
    ("glossary.txt", GLOSSARY, "What is a renewal?", (6, 7), "Renewal Another three weeks"),
    # A line that dates the text is no heading.
    ("news.txt", NEWS, "When did the library reopen?", (4, 4), "The library reopened on Monday"),
])
def test_an_item_under_a_short_heading_is_read_and_cited_with_it(tmp_path, name, text, question,
                                                                 lines, opening):
    result = _ask_of_one_file(tmp_path, name, text, question)
    assert not result.abstained, result.text
    citation = result.citations[0]
    assert (citation.file, citation.line_start, citation.line_end) == (name, *lines), result.text
    assert result.text.startswith(opening)


LOCKER_TERMS = """                     HARBOR LOCKER RENTAL TERMS

1. Definitions.

     1.1. "Locker" means a steel cabinet on the north pier, rented by the day.

2. Rental Obligations.

     2.1. Keys and Deposits.
     Each renter pays a deposit of forty euros for the key, returned when
     the key is handed back.

     2.2. Opening Hours.
     The pier office hands out keys from seven in the morning to six in the
     evening.

                            NO REFUNDS

  3. RENT PAID FOR UNUSED DAYS IS NOT RETURNED, WHATEVER THE REASON FOR
LEAVING EARLY.

4. Rules of the pier.
   1. Keep the locker shut.
   2. Report damage to the office.

5. Lost Keys. A lost key costs the whole deposit and a new lock.
"""


def test_a_section_title_answers_with_the_start_of_its_section(tmp_path):
    """A numbered title in title case (on lines of its own or running into
    its section) and a title in capitals on lines of its own are section
    titles: an answer that is one reads on to the section's first sentence,
    past a blank line and an item's number. A
    numbered item that is a sentence ("Keep the locker shut.") and a
    numbered title with words in lower case are no titles."""
    assistant = _assistant_of_one_file(tmp_path, "terms.txt", LOCKER_TERMS)
    answerer, data = assistant.answerer, assistant.data()
    titles = {data.sentence(index).text for index in range(len(data.sentences))
              if answerer.layout.section_title(index)}
    # ("Definitions.", one word alone on its line, is furniture already.)
    assert titles == {"HARBOR LOCKER RENTAL TERMS", "Rental Obligations.", "Keys and Deposits.",
                      "Opening Hours.", "NO REFUNDS", "Lost Keys."}
    [refunds] = [index for index in range(len(data.sentences))
                 if data.sentence(index).text == "NO REFUNDS"]
    assert data.sentence(answerer.citing.section_opening(refunds)[0]).text.startswith(
        "RENT PAID FOR UNUSED DAYS")

    result = assistant.ask("What are the opening hours?")
    assert not result.abstained, result.text
    first = result.citations[0]
    assert (first.line_start, first.line_end) == (13, 15), result.text
    assert result.text.startswith("Opening Hours. The pier office hands out keys")
    # A numbered title that runs into its section on one line.
    [lost] = [index for index in range(len(data.sentences))
              if data.sentence(index).text == "Lost Keys."]
    assert data.sentence(answerer.citing.section_opening(lost)[0]).text.startswith("A lost key costs")


GLOSSARY_HTML = """<html><body><h1>Harbor Library: terms used in this guide</h1>
<dl>
<dt>Hold</dt><dd>A request to keep a book that is out on loan for you when it comes back.</dd>
<dt>Renewal</dt><dd>Another three weeks with a book, asked for online before it is due.</dd>
<dt>Interlibrary loan</dt>
<dd>A book borrowed for you from another library, which takes about a week.</dd>
</dl></body></html>
"""


def test_a_term_of_an_html_definition_list_is_read_with_its_description(tmp_path):
    """Text taken out of HTML has a blank line after each block, between a
    term and its description too: the description is still read, and cited,
    with its term."""
    result = _ask_of_one_file(tmp_path, "glossary.html", GLOSSARY_HTML,
                              "How long does an interlibrary loan take?")
    assert not result.abstained, result.text
    citation = result.citations[0]
    assert citation.extracted
    assert result.text.startswith("Interlibrary loan A book borrowed for you")
    assert citation.line_end - citation.line_start == 2  # the term, a blank line, its description


FLEET_HTML = """<html><body><h1>Harbor fleet</h1><p>The authority runs four ferries.</p>
<table><tr><th>Ferry</th><th>Seats</th><th>Built</th></tr>
<tr><td>Kestrel</td><td>250</td><td>1998</td></tr>
<tr><td>Moorhen</td><td>400</td><td>2012</td></tr>
<tr><td>Tern</td><td>120</td><td>1987</td></tr>
<tr><td>Plover</td><td>90</td><td>2020</td></tr></table>
<p>All ferries stop at the north pier.</p></body></html>"""


@pytest.mark.parametrize("question,row", [
    ("How many seats does the Moorhen have?", "Moorhen | 400 | 2012"),
    ("When was the Tern built?", "Tern | 120 | 1987"),
])
def test_a_row_of_a_table_answers_read_with_its_header(tmp_path, question, row):
    """A row says what its values are only in the table's first row: it is
    read with it ("Seats", "Built"), and cited by its own line alone."""
    result = _ask_of_one_file(tmp_path, "fleet.html", FLEET_HTML, question)
    assert not result.abstained, result.text
    citation = result.citations[0]
    assert result.text.startswith(row) and citation.line_start == citation.line_end
    lines = html_text(FLEET_HTML).splitlines()
    assert lines[citation.line_start - 1] == row


FLEET_MD = """# Harbor fleet

The authority runs four ferries.

| Ferry | Seats | Built |
|-------|------:|:-----:|
| Kestrel | 250 | 1998 |
| Moorhen | 400 | 2012 |
| Tern | 120 | 1987 |

All ferries stop at the north pier.
"""


def test_a_markdown_table_row_is_read_with_the_header_above_its_delimiter_row(tmp_path):
    """In Markdown the header row and the rows are parted by a delimiter row
    ("|-------|------:|"): the rows are read with the header past it, and
    the header, which only names columns, is no answer alone (it was the
    answer to "How many seats does the Moorhen have?", for its "Seats")."""
    assistant = _assistant_of_one_file(tmp_path, "fleet.md", FLEET_MD)
    sentences = {sentence.text: sentence_id for sentence_id, sentence in
                 enumerate(assistant.data().sentences)}
    header, moorhen = sentences["| Ferry | Seats | Built |"], sentences["| Moorhen | 400 | 2012 |"]
    layout = assistant.answerer.layout
    assert layout.heading(moorhen) == header and layout.is_table_header(header)
    assert not layout.is_table_header(moorhen)
    result = assistant.ask("How many seats does the Moorhen have?")
    first = (result.citations or result.related)[0]
    assert (first.line_start, first.line_end) == (8, 8)


def test_a_row_of_a_table_of_numbers_answers(tmp_path):
    """Rows that differ only in their numbers ("| 2017 | 61 |") were taken
    for a running header repeated down the page, and none could answer."""
    rows = "\n".join(f"| {year} | {40 + (year * 7) % 31} |" for year in range(1990, 2024))
    text = (f"# Harbour ferries\n\nThe table counts the ferries in service each year.\n\n"
            f"| Year | Ferries |\n|---|---|\n{rows}\n")
    result = _ask_of_one_file(tmp_path, "ferries.md", text, "How many ferries were there in 2017?")
    first = (result.citations or result.related)[0]
    assert first.text == f"| 2017 | {40 + (2017 * 7) % 31} |"
    assert first.line_start == 7 + 2017 - 1990


def test_a_row_looks_for_its_header_a_bounded_way_up(tmp_path):
    """Every candidate row may look up for its header: in a table of
    thousands of rows, the look stops after TABLE_ROWS_READ_BACK rows."""
    from rag.layout import TABLE_ROWS_READ_BACK

    from .conftest import make_assistant

    rows = [f"| Berth {number} | {number * 3} metres |"
            for number in range(1, 2 * TABLE_ROWS_READ_BACK)]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "berths.md").write_text("\n".join(["| Berth | Depth |", *rows]) + "\n",
                                      encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    answerer, ids = assistant.answerer, _sentence_ids(assistant)
    header = ids["| Berth | Depth |"]
    assert answerer.layout.heading(ids[rows[9]]) == header
    assert answerer.layout.heading(ids[rows[-1]]) is None  # too far down to look


def test_an_answer_that_asks_a_question_reads_on_to_the_answer(tmp_path):
    """In an FAQ the sentence closest to the question is often the FAQ's own
    question; the answer reads on to the sentence after it, as one citation
    of both lines."""
    result = _ask_of_one_file(tmp_path, "faq.txt", FAQ, "Where can I return books after hours?")
    assert not result.abstained
    [citation] = result.citations
    assert (citation.file, citation.line_start, citation.line_end) == ("faq.txt", 6, 7)
    assert result.text.startswith("Where do I return books after hours? Use the green drop box")


FERRY_FAQ = """Harbour ferry: questions we hear often

 1. Can I bring my bicycle on board?

    Yes.  Bicycles ride free on the lower deck, up to six on each crossing.

 2. Is the ferry wheelchair accessible?

    No.  The ramp at the old pier is too steep; take the marina crossing.

 3. Do season tickets expire?

    Yes.

 4. Where is the lost property office?

    It is in the ticket hall at the marina, open every morning.
"""


def test_an_faq_answer_that_opens_with_a_one_word_reply_is_cited_with_it(tmp_path):
    """A one-word reply ("Yes.", "No.") is too short to answer alone and is
    set aside as furniture, so an FAQ's question had been cited alone, the
    reply and the sentence after it left out. Now the question reads on
    past the reply to the sentence after it, or to the reply alone when the
    next question follows it."""
    assistant = _assistant_of_one_file(tmp_path, "ferry.txt", FERRY_FAQ)
    result = assistant.ask("can I take my bike on the ferry?")
    assert not result.abstained
    [citation] = result.citations
    assert (citation.line_start, citation.line_end) == (3, 5)
    assert result.text.startswith("Can I bring my bicycle on board? Yes. Bicycles ride free")
    citing, ids = assistant.answerer.citing, _sentence_ids(assistant)
    expiring, _ = citing.as_cited(ids["Do season tickets expire?"])
    assert (expiring.line_start, expiring.line_end) == (11, 13)
    assert expiring.text == "Do season tickets expire? Yes."
    accessible, _ = citing.as_cited(ids["Is the ferry wheelchair accessible?"])
    assert accessible.text.startswith("Is the ferry wheelchair accessible? No. The ramp")


TIDE_FAQ = """Tide tables: questions and answers
==================================

Why do the printed tide times differ from the app's?
-----------------------------------------------------

They are computed for the harbour mouth, while the app reads the inner basin gauge.

How far ahead are the tables published?
---------------------------------------

Eighteen months ahead, each January and July.
"""


def test_a_marked_title_that_asks_a_question_heads_its_answer(tmp_path):
    """An FAQ's entries as titles (reStructuredText's underlined, Markdown's
    "##"): the paragraph under a title that asks a question is its answer,
    and it says what it answers only in the title ("They are computed for
    the harbour mouth ..."). Such a title had been too long, and ended a
    sentence, to head anything; now it is read with its paragraph, which
    alone is cited."""
    assistant = _assistant_of_one_file(tmp_path, "tides.rst", TIDE_FAQ)
    layout, ids = assistant.answerer.layout, _sentence_ids(assistant)
    answer = ids["They are computed for the harbour mouth, while the app reads the inner basin gauge."]
    assert layout.heading(answer) == ids["Why do the printed tide times differ from the app's?"]
    result = assistant.ask("why are the tide times in print different from the app")
    assert not result.abstained
    [citation] = result.citations
    assert (citation.line_start, citation.line_end) == (7, 7)
    assert result.text.startswith("They are computed for the harbour mouth")
    ahead = assistant.ask("how far ahead are tide tables published")
    assert (ahead.citations[0].line_start, ahead.citations[0].line_end) == (12, 12)


def test_a_sentence_under_a_code_fence_is_not_read_under_it(tmp_path):
    """A fence opening MyST's note ("```{note}") is no heading of the note's
    sentence: it had been cited with it, "```{note} Pinning means ..."."""
    text = ("# Repeatable installs\n\nPin the versions of what you install.\n\n"
            "```{note}\nPinning means naming one exact version of each package.\n```\n")
    assistant = _assistant_of_one_file(tmp_path, "installs.md", text)
    data, layout = assistant.data(), assistant.answerer.layout
    note = next(index for index, sentence in enumerate(data.sentences)
                if sentence.text.startswith("Pinning means"))
    assert layout.heading(note) is None
    first = _first_shown(assistant, "what does pinning mean")
    assert (first.line_start, first.line_end) == (6, 6)
    assert first.text.startswith("Pinning means")


def test_a_numbered_web_page_heading_is_not_cited_with_its_section(tmp_path):
    """A web page's numbered heading (`<h2>2. Preparing the boat</h2>`) is a
    title, read with the paragraph under it but not cited with it, as an
    unnumbered one is. Its number had split it, and "Preparing the boat" was
    cited with every sentence of its section."""
    page = ("<html><body><h1>Boat guide</h1><h2>1. Launching</h2>"
            "<p>Launch at high tide from the slipway.</p><h2>2. Preparing the boat</h2>"
            "<p>Check the hull for cracks before each trip. Fit the rudder only once the boat "
            "floats.</p></body></html>")
    assistant = _assistant_of_one_file(tmp_path, "boat.html", page)
    first = _first_shown(assistant, "when should I fit the rudder")
    assert first.text.startswith("Fit the rudder only once the boat floats.")
    lines = [(number, text) for number, text, _ in assistant.source_lines(first, context=3)]
    title_line = next(number for number, text in lines if "Preparing the boat" in text)
    assert first.line_start > title_line


def test_a_sentence_that_names_what_the_one_before_describes_reads_back_to_it(tmp_path):
    """"This is called a shuttle service." says what the thing is only with
    the sentence before it, which the answer now cites too; a sentence
    that says when something is called ("This bell is called when ...")
    names nothing and reads back to nothing."""
    text = ("Ferries on the west route keep a timetable.\n\n"
            "On the east route a ferry leaves whenever it is full, with no timetable at all.\n"
            "This is called a shuttle service.\n\n"
            "The harbour keeps a bell on the pier.\nThis bell is rung when fog comes in.\n"
            "This bell is called when a ferry is late.\n")
    assistant = _assistant_of_one_file(tmp_path, "ferries.txt", text)
    first = _first_shown(assistant, "what is a shuttle service")
    assert (first.line_start, first.line_end) == (3, 4)
    assert first.text.startswith("On the east route a ferry leaves whenever it is full")
    citing, ids = assistant.answerer.citing, _sentence_ids(assistant)
    assert citing.described_before(ids["This bell is called when a ferry is late."]) is None


def test_the_relevance_model_reads_the_files_name(tmp_path):
    """A question about a document named only in its file's name ("under
    ZPL" of "ZPL-2.0.txt") is about that document: its words count as the
    file's in the relevance model's word overlap, and not in another file's."""
    from .conftest import make_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "Terms of use.\n\nAny dispute about these terms goes to the courts of Delft.\n"
    (corpus / "ZPL-2.0.txt").write_text(text, encoding="utf-8")
    (corpus / "notes.txt").write_text(text, encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    question = "Which courts hear a dispute under ZPL?"
    candidates = assistant.candidates(question)
    by_file = {candidate.sentence.file: candidate for candidate in candidates
               if "Delft" in candidate.sentence.text}
    answerer = assistant.answerer
    named = answerer.relevance_features(question, [by_file["ZPL-2.0.txt"]])[-1]
    unnamed = answerer.relevance_features(question, [by_file["notes.txt"]])[-1]
    # "ZPL" is the question's rarest word; "hear" is in neither file.
    assert named > unnamed + 0.25


ACME_LICENSE = """ACME PUBLIC LICENSE
Version 2.0

1. Definitions.

"Licensor" means the person who offers the Software under this License.

"Derived Work" means any work that adds to or changes the Software.

2. Grant. The Licensor grants you a free, worldwide right to use, copy and
change the Software, and to pass on copies of it, under the terms below.

3. Notices. Each copy you pass on must keep the Licensor's notices, and each
changed file must say that you changed it and when.

4. Governing Law. This License is governed by the laws of Ruritania,
excluding its rules on conflicts of laws.

5. No Warranty. The Software comes as it is, with no warranty of any kind.

Exhibit A - Notice.

If you wish to allow use of your version of this file only under the terms
of the [___] License and not to allow others to use your version of this
file under the ACME, indicate your decision by deleting the provisions above.
If you do not delete the provisions above, a recipient may use your version
of this file under either the ACME or the [___] License.
"""

ZETA_TERMS = """THE ZETA SOFTWARE TERMS

1. You may run the program for any purpose.

2. You may share copies of the program with anyone, for free or for a fee.

3. This agreement is governed by the laws of Freedonia.

4. Nobody promises that the program works.
"""


def _boat_rules() -> str:
    return "\n\n".join(f"Rule {n}. Members book boat number {n} at the boathouse desk before "
                       f"{n % 12 + 1} o'clock, and they return its oars to rack {n % 40 + 1} "
                       f"after the outing on lake {n % 7 + 1}." for n in range(1, 301)) + "\n"


def _indexed_noting_reranker_reads(tmp_path, monkeypatch, texts: dict[str, str]):
    """An assistant over files of `texts` (name -> text), and the list of
    the questions its reranker reads, as it reads them."""
    from .conftest import make_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    answerer = assistant.answerer
    read = []
    real_token_scores = answerer.token_scores
    monkeypatch.setattr(answerer, "token_scores", lambda question, *rest: (
        read.append(question), real_token_scores(question, *rest))[1])
    return assistant, read


def test_a_rare_word_that_names_a_file_says_which_file_not_which_line(tmp_path, monkeypatch):
    """"What law governs ACME?" asked of ACME-2.0.txt, whose text says
    "ACME" only in its notice template: the word names the file. Every
    sentence of that file holds it as the scorer reads words, and the
    reranker reads the question without it, so the rest of the question
    picks the line. A word the collection says often ("boat" of
    boat-rules.txt) is no such word."""
    import rag.pool as pool

    assistant, read = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "ACME-2.0.txt": ACME_LICENSE, "ZETA-terms.txt": ZETA_TERMS,
        "boat-rules.txt": _boat_rules()})
    answerer = assistant.answerer

    def governing_law(question: str) -> dict[str, float]:
        """Word overlap of each file's governing-law line with the question."""
        return {candidate.sentence.file: float(candidate.features[FEATURES.index("lexical")])
                for candidate in assistant.candidates(question)
                if "governed by the laws" in candidate.sentence.text}

    scoped = governing_law("What law governs ACME?")
    assert read[-1] == "What law governs"
    assert scoped["ACME-2.0.txt"] > scoped["ZETA-terms.txt"]
    result = assistant.ask("What law governs ACME?")
    first = (result.citations or result.related)[0]
    assert (first.file, first.line_start, first.line_end) == ("ACME-2.0.txt", 16, 17)

    assistant.candidates("Where do members book a boat?")
    assert read[-1] == "Where do members book a boat?"  # "boat" is said in every rule

    monkeypatch.setattr(pool, "SCOPE_IDF", float("inf"))  # no word is rare enough
    answerer._weighed = ("", {})
    unscoped = governing_law("What law governs ACME?")
    assert read[-1] == "What law governs ACME?"
    assert unscoped["ACME-2.0.txt"] < scoped["ACME-2.0.txt"]
    assert unscoped["ZETA-terms.txt"] == scoped["ZETA-terms.txt"]


PYDOC_PAGE = """Help on module ferrytext:

NAME
    ferrytext - Tools for the harbor's timetable text.

FUNCTIONS
    squeeze(text)
        Remove every blank line between the rows of a timetable.

    stretch(text, width=70)
        Pad each row of a timetable with spaces to the given width.
"""


def test_a_term_that_heads_the_line_under_it_is_no_answer_alone(tmp_path, monkeypatch):
    """A reference written as pydoc writes it: a function's signature over
    what it does. "What does squeeze do?" was answered "squeeze(text)", the
    line that only names what the line under it is about; the term is read
    with that line, and the answer is that line, cited with it."""
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "ferrytext.txt": PYDOC_PAGE, "queues.md": QUEUES, "boat-rules.txt": _boat_rules()})
    answerer = assistant.answerer
    texts = {candidate.sentence.text for candidate in assistant.candidates("What does squeeze do?")}
    assert "Remove every blank line between the rows of a timetable." in texts
    assert "squeeze(text)" not in texts
    result = assistant.ask("What does squeeze do?")
    first = (result.citations or result.related)[0]
    assert (first.file, first.line_start, first.line_end) == ("ferrytext.txt", 7, 8)
    # What a term's description says is what the term is: it joins the
    # candidates as a definition does.
    added = answerer.pool.definitions("What does stretch do?", "what",
                                       set(answerer._question_weights("What does stretch do?")),
                                       {0: 0.1})
    assert [answerer.data.sentence(sentence_id).text for sentence_id in added] == [
        "Pad each row of a timetable with spaces to the given width."]
    # A line that heads nothing stays an answer.
    ids = [candidate.sentence_id for candidate in assistant.candidates("What is ferrytext?")]
    assert any(answerer.data.sentence(sentence_id).text.startswith("ferrytext - Tools")
               for sentence_id in ids)


OMEGA_WAIVER = """THE OMEGA WAIVER

1. The author gives up every right in the work, to the fullest extent the law allows.

2. Anyone may copy, change and share the work for any purpose, without asking.

3. The author makes no promise that the work is fit for any purpose.
"""


def test_a_line_of_another_document_than_the_one_named_is_no_answer(tmp_path, monkeypatch):
    """"What law governs OMEGA?" names OMEGA-1.0.txt in full, which says
    nothing of a governing law; ZETA's "This agreement is governed by the
    laws of Freedonia." is no answer to it, however well it matches the
    rest of the question: it is shown as related at most, after OMEGA's
    own lines. A document that says the name itself may answer, and one
    word of a long title names no document."""
    from rag.answering import ordered

    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "OMEGA-1.0.txt": OMEGA_WAIVER, "ZETA-terms.txt": ZETA_TERMS,
        "boat-rules.txt": _boat_rules()})
    answerer = assistant.answerer
    question = "What law governs OMEGA?"
    ranked = ordered(assistant.candidates(question))
    assert ranked[0].sentence.file == "ZETA-terms.txt"
    assert answerer.answers_of_another_file(question, ranked)
    result = assistant.ask(question)
    assert result.citations == ()
    assert all(line.file == "OMEGA-1.0.txt" for line in result.related[:2])

    # ZETA's terms that say "OMEGA", once, may answer for it.
    said = ZETA_TERMS.replace("4. Nobody", "4. Unlike the OMEGA waiver, nobody")
    (tmp_path / "corpus" / "ZETA-terms.txt").write_text(said, encoding="utf-8")
    assistant.index([tmp_path / "corpus"])
    answerer = assistant.answerer
    ranked = ordered(assistant.candidates(question))
    assert ranked[0].sentence.file == "ZETA-terms.txt"
    assert not answerer.answers_of_another_file(question, ranked)

    # "boat" of "boat-rules.txt" is said throughout, and names no document;
    # "terms" is one word of "ZETA-terms.txt", which it does not name in full.
    for partly in ("Which law governs the boat?", "Which law governs the terms?"):
        assert answerer.files_asked_about(partly, ordered(assistant.candidates(partly))) == set()
    assert answerer.files_asked_about("Which law governs ZETA terms?", ordered(
        assistant.candidates("Which law governs ZETA terms?"))) == {"ZETA-terms.txt"}


HASH_MAPS = """# Hash maps

Storing keys with their values.

A hash map stores each value under a key, so that the value is found again by its key
instead of by its position.

To add a pair, call insert with the key and the value.

Reading a key that was never added gives nothing back.

Keys must be comparable and hashable; most built-in types are.
"""

QUEUES = """# Queues

A queue hands items out in the order they came in.

Call push to add an item at the back and pop to take one from the front.
"""


def test_a_question_made_only_of_a_files_name_asks_about_its_subject(tmp_path, monkeypatch):
    """Documentation names its pages by their subject (hash-maps.md). When
    every content word of the question names the file ("What is a hash
    map?"), the question asks about that subject itself: the reranker reads
    it whole, as it would read "What is a" with nothing left to tell the
    file's lines apart, and the line that says what a hash map is answers.
    (Here "hash" and "map" are taken for words that only name the file, as
    "MPL" is, whatever its lines say: see the test below.)"""
    import rag.pool as pool

    assistant, read = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "hash-maps.md": HASH_MAPS, "queues.md": QUEUES, "boat-rules.txt": _boat_rules()})
    monkeypatch.setattr(pool, "SUBJECT_SHARE", 1.01)

    result = assistant.ask("What is a hash map?")
    assert read[-1] == "What is a hash map?"
    first = (result.citations or result.related)[0]
    assert (first.file, first.line_start, first.line_end) == ("hash-maps.md", 5, 6)


BOOKMARK_SYNC = """Keep bookmarks in step across browsers

This tool copies the bookmarks of every browser on the machine into one shared list, and
writes the list back to each browser whenever it changes.

It runs in the background and looks for changes every ten minutes.

Folders are kept as they are, and duplicates are merged by their address.
"""


def test_a_file_whose_text_never_says_its_name_is_found_by_it(tmp_path, monkeypatch):
    """A tool's page named after the tool (bmsync.txt) that says "This
    tool ..." and never its name: the retrieval cannot find it by the name
    ("What does bmsync do?" drew lines of the other files, and got a bare
    "not found"). A rare word of the question that names a file joins that
    file's opening to the pool, and the file's lines hold the word as the
    scorer reads them."""
    assert "bmsync" not in BOOKMARK_SYNC.lower()
    assistant, read = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "bmsync.txt": BOOKMARK_SYNC, "queues.md": QUEUES, "boat-rules.txt": _boat_rules()})

    result = assistant.ask("What does bmsync do?")
    shown = result.citations or result.related
    assert shown, "a bare 'not found'"
    assert (shown[0].file, shown[0].line_start) in {("bmsync.txt", 1), ("bmsync.txt", 3)}

    # Asked with more words, the rest of the question picks the line.
    result = assistant.ask("How often does bmsync look for changes?")
    shown = result.citations or result.related
    assert (shown[0].file, shown[0].line_start, shown[0].line_end) == ("bmsync.txt", 6, 6)


PACKER_PAGE = """PACKER(1)

NAME
       packer - bundle files into one archive

OPTIONS
       -c, --create
              create a new archive from the files named

       -k, --keep
              keep the input files after they are packed

       -l, --list
              list the files an archive holds

       -q, --quiet
              print nothing but errors

       -v, --verbose
              print the name of each file as it is packed
"""

SORTER_PAGE = """SORTER(1)

NAME
       sorter - put the lines of files in order

OPTIONS
       -k, --key=FIELD
              order the lines by the field given, not by the whole line

       -r, --reverse
              put the last line first
"""


SCRIPT_POLICY = """Script policy

Scripts must name their interpreter by its full path.
Maintainers should not call the interpreter through a lookup on the search path.
This is not advisable as it bypasses the package's dependency checks.

Scripts are installed without their file extension.
"""


def test_a_why_question_reads_on_to_the_reason_given_next(tmp_path, monkeypatch):
    """A rule, then the reason for it in a sentence that points back to it
    ("This is not advisable as it bypasses ..."): asked why, the answer
    reads on to the reason; asked what, it keeps to the rule."""
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "policy.txt": SCRIPT_POLICY, "queues.md": QUEUES, "boat-rules.txt": _boat_rules()})
    why = assistant.ask("Why should maintainers not call the interpreter through a lookup?")
    first = (why.citations or why.related)[0]
    assert (first.file, first.line_start, first.line_end) == ("policy.txt", 4, 5)
    assert "bypasses the package's dependency checks" in first.text
    what = assistant.ask("How should maintainers not call the interpreter?")
    first = (what.citations or what.related)[0]
    assert (first.file, first.line_start, first.line_end) == ("policy.txt", 4, 4)


HOOKS = """Hooks

There are two kinds of hooks, and a project may use both.

 * Timed hooks.  These run at a set hour each night, whatever
   has changed since the last run.
 * Change hooks.  These run as soon as a watched file is saved,
   and only for that file.
"""


def test_an_items_label_reads_on_to_what_the_item_says(tmp_path, monkeypatch):
    """A bulleted item that opens with a label ("* Change hooks.  These run
    as soon as ..."): the label is the item's title, and an answer that is
    the label alone reads on to the item's sentence, as a section's title
    reads on to its first."""
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "hooks.txt": HOOKS, "queues.md": QUEUES, "boat-rules.txt": _boat_rules()})
    result = assistant.ask("What are change hooks?")
    first = (result.citations or result.related)[0]
    assert first.file == "hooks.txt" and (first.line_start, first.line_end) == (7, 8)
    assert "These run as soon as a watched file is saved" in first.text


KESTREL = """Kestrel

Kestrel is a small program that watches log files on a server.

Kestrel reads each new line as soon as it is written. It was designed by the Harbour Systems
Group to replace a nightly script. Kestrel sends an alert when a line matches one of its rules.

Kestrel keeps its rules in one file, and reloads them when the file changes.
"""

NEWS_STORY = """By Ines Moreau

The ferry crews walked out on Tuesday. They want twelve hours of rest between shifts.
The harbour authority offered ten. It said the timetable could not change before June.
"""


def test_a_sentence_whose_subject_is_a_pronoun_is_read_after_its_files_subject(
        tmp_path, monkeypatch):
    """An encyclopedia's or a tool's page says its subject's name in most
    sentences and "It" in the others: "It was designed by the Harbour
    Systems Group ..." answers "Who designed Kestrel?", whose words it does
    not hold. Read after the page's subject ("Kestrel"), it does. A story's
    byline, which the story never says again, is no subject."""
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "kestrel.txt": KESTREL, "ferries.txt": NEWS_STORY, "boat-rules.txt": _boat_rules()})
    layout = assistant.answerer.layout
    data = assistant.answerer.data
    ids = {data.sentence(i).text.split()[0] + str(data.sentence(i).line_start): i
           for i in range(sum(info["sentences"][1] - info["sentences"][0]
                              for info in data.manifest["files"].values()))}
    assert layout.read_as(ids["It5"]).lower().startswith("kestrel: it was designed")
    assert layout.read_as(ids["They3"]).startswith("They want")  # no subject: a byline
    result = assistant.ask("Who designed Kestrel?")
    first = (result.citations or result.related)[0]
    assert (first.file, first.line_start) == ("kestrel.txt", 5)


def test_a_sentence_that_defines_what_is_asked_joins_the_candidates(tmp_path, monkeypatch):
    """"What is Gravel?" of a project's notes where many short lines mention
    Gravel and one long sentence says what it is: the retrieval's cosine
    ranks the short mentions first, and the definition, found among the
    chunks the keyword search ranks for the question, joins the candidates."""
    mentions = "\n\n".join(f"Release {n}: Gravel {word} in this release." for n, word in
                            enumerate(("got faster", "is quieter", "was renamed", "is smaller",
                                       "is stable", "gained a flag", "is tested", "ships now",
                                       "is signed", "is packaged", "is documented",
                                       "was profiled"), start=1))
    template_mentions = "\n\n".join(f"Change {n}: the template {word}." for n, word in
                                     enumerate(("got shorter", "moved", "was fixed", "is checked",
                                                "is quoted", "is cached", "was reworded",
                                                "is logged", "is optional", "is validated",
                                                "is faster", "is shown"), start=1))
    notes = ("# Notes\n\n" + mentions + "\n\nGravel is a command-line program that copies the "
             "photographs on a camera card into dated folders, renames each by the time it was "
             "taken, and skips any it copied before.\n\n" + template_mentions +
             "\n\nA rename template is a pattern of dated names that Gravel fills in for each "
             "photograph it copies.\n")
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "notes.md": notes, "queues.md": QUEUES, "boat-rules.txt": _boat_rules()})
    # The answerer reads the best chunk alone.
    monkeypatch.setattr(assistant, "settings", replace(assistant.settings, answer_pool=1))
    texts = [candidate.sentence.text for candidate in assistant.candidates("What is Gravel?")]
    assert any(text.startswith("Gravel is a command-line program") for text in texts)
    # ... or a kind of what is asked, named by one word more, that the
    # retrieval has not pooled yet.
    answerer = assistant.answerer
    question = "What is a template?"
    added = answerer.pool.definitions(question, "what",
                                       set(answerer._question_weights(question)), {0: 0.1})
    assert any(answerer.data.sentence(sentence_id).text.startswith("A rename template is")
               for sentence_id in added)


def test_a_file_named_by_what_is_asked_is_read_for_its_definition_where_it_opens(
        tmp_path, monkeypatch):
    """"What is Gravel?" of a folder with `gravel.md`: a project's page says
    what it is where it opens, past its title and badges, wherever the
    keyword search ranks that chunk (a long page that names Gravel in every
    line ranked it 45th of 50 for "FastAPI"). Here the keyword search finds
    nothing at all, and the definition still joins the candidates; a page
    named otherwise is not read so."""
    page = ("# Gravel\n\n[build passing] [coverage 98%] [docs]\n\n"
            "Gravel is a command-line program that copies the photographs on a camera "
            "card into dated folders.\n\n" + "\n\n".join(
                f"Gravel {word} since release {n}." for n, word in enumerate(
                    ("got faster", "is quieter", "was renamed", "is smaller", "is stable"),
                    start=1)) + "\n")
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "gravel.md": page, "queues.md": QUEUES, "notes.md": page.replace("Gravel", "Pebble")})
    answerer = assistant.answerer
    monkeypatch.setattr(answerer.data, "keyword_search", lambda *_: [])

    def defined(question: str) -> list[str]:
        added = answerer.pool.definitions(question, "what",
                                           set(answerer._question_weights(question)), {0: 0.1})
        return [answerer.data.sentence(sentence_id).text for sentence_id in added]

    assert any(text.startswith("Gravel is a command-line program") for text in defined(
        "What is Gravel?"))
    assert defined("What is Pebble?") == []  # said in notes.md, which no name says is Pebble's


def test_an_option_is_retrieved_by_its_flag_among_options_alike(tmp_path, monkeypatch):
    """A long page of options whose descriptions differ only in their flag:
    the keyword search finds the chunk that holds the one asked ("-k"),
    which the dense side cannot tell from the others."""
    modes = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "inlet",
             "jasper", "kestrel", "lagoon", "maple", "nectar", "onyx", "pebble", "quartz",
             "raven", "sorrel", "tundra", "umber", "violet", "willow", "yarrow", "zephyr")
    # Each flag's letter is another mode's initial, so no word says which flag.
    flags = "bcdefghijklmnopqrstuvwxya"
    page = "PACKER(1)\n\nOPTIONS\n" + "\n".join(
        f"       -{flag}, --{mode}\n"
        f"              switch the archive to its {mode} mode before packing\n"
        for flag, mode in zip(flags, modes))
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "packer.txt": page, "boat-rules.txt": _boat_rules()})
    for flag, mode in zip(flags, modes):
        if flag in "kqx":
            [top] = assistant.search(f"What does packer -{flag} do?", k=1)
            assert f"-{flag}, --{mode}" in top.text, flag


def test_an_option_asked_by_its_flag_is_found_in_the_tools_page(tmp_path, monkeypatch):
    """A command-line reference: "What does packer -k do?" asks for the
    line that opens with "-k" on packer's page. The flag is a word of its
    own (the letter alone is dropped as too short), and the page the tool's
    name names is searched by it: sorter's page has a "-k" too."""
    assistant, _ = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "packer.txt": PACKER_PAGE, "sorter.txt": SORTER_PAGE, "boat-rules.txt": _boat_rules()})
    for question, line in (("What does packer -k do?", 10), ("What does sorter -k do?", 7),
                           ("What does packer -q do?", 16)):
        result = assistant.ask(question)
        first = (result.citations or result.related)[0]
        # The option's line and its description's (and the section's title,
        # "OPTIONS", when the option is the first under it).
        assert first.file == question.split()[2] + ".txt", question
        assert first.line_start <= line and first.line_end == line + 1, question


HASH_MAPS_GUIDE = """# Hash maps

A hash map stores each value under a key. Use a hash map when you look values up by a
name or an id rather than by their position, as a phone book is read by name.

To create an empty hash map, call new; to fill it, call insert with a key and a value for
each pair. A hash map owns the keys and values put into it, so strings are moved in.

Reading from a hash map with get gives back an optional value: nothing comes back for a
key that was never inserted, and the program goes on.

Inserting a key that the hash map already holds replaces its old value. To keep the old
value, use the entry method, which inserts only when the key is missing.

Iterating over a hash map visits every key and value pair once, in no fixed order; sort
the keys first when the order matters.

By default a hash map uses a hashing function that resists denial-of-service attacks. It
is not the fastest one, and another hasher can be chosen when speed matters more.
"""


def test_a_word_a_file_says_throughout_is_its_subject_not_its_name(tmp_path, monkeypatch):
    """"hash" and "map" name hash-maps.md, and most of its sentences say
    them: they are what the file is about, and what its lines say, so they
    match as any word does ("When should I use a hash map?" is read whole).
    The licenses' names are said in few of their sentences ("MPL" in 4% of
    MPL-1.1's), and stay words that only say which file."""
    import rag.pool as pool

    assistant, read = _indexed_noting_reranker_reads(tmp_path, monkeypatch, {
        "hash-maps.md": HASH_MAPS_GUIDE, "queues.md": QUEUES, "boat-rules.txt": _boat_rules()})
    question = "When should I use a hash map?"
    result = assistant.ask(question)
    assert read[-1] == question
    first = (result.citations or result.related)[0]
    assert (first.file, first.line_start) == ("hash-maps.md", 3)

    # Of a long file, sentences spread over it are read, not every one.
    import rag.layout as layout

    monkeypatch.setattr(layout, "WORD_COUNT_SENTENCES", 4)
    assistant.answerer.layout._file_words.clear()
    assistant.candidates(question)
    assert read[-1] == question
    assert assistant.answerer.layout._file_words["hash-maps.md"][layout.SENTENCES_READ] <= 4

    monkeypatch.setattr(pool, "SUBJECT_SHARE", 1.01)  # no file says a word so often
    assistant.answerer.layout._file_words.clear()
    assistant.candidates(question)
    assert read[-1] == "When should I use a"


LICENSE_TEXTS = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "licenses_dev_corpus"


def test_a_question_that_names_a_file_draws_that_file_lines_by_the_rest_of_it(
        tmp_path, monkeypatch):
    """"What is the Source Code under MPL?" asked of Debian's copies of
    five licenses (the `licenses-dev` texts): MPL-1.1 says "MPL" only in its notice
    template, so the retrieval, ranking by the whole question, pools those
    lines and not the definition (line 61), which never says "MPL". The
    keyword search by the rest of the question ("Source Code"), within the
    named file, adds the definition's chunk to the pool, and it answers."""
    import shutil

    import rag.pool as pool

    from .conftest import make_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for text in LICENSE_TEXTS.glob("*.txt"):
        shutil.copy(text, corpus / text.name)
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    question = "What is the Source Code under MPL?"

    def pooled_lines() -> set[tuple[str, int]]:
        return {(candidate.sentence.file, candidate.sentence.line_start)
                for candidate in assistant.candidates(question)}

    result = assistant.ask(question)
    first = (result.citations or result.related)[0]
    assert (first.file, first.line_start) == ("mpl-1.1.txt", 61)
    assert first.text.startswith('"Source Code" means the preferred form')
    assert ("mpl-1.1.txt", 61) in pooled_lines()

    monkeypatch.setattr(pool.SentencePool, "named_files", lambda self, *args: {})
    assert ("mpl-1.1.txt", 61) not in pooled_lines()


@pytest.mark.parametrize("question,scope,read", [
    # The word that names the file, with the preposition that ties it on.
    ("What is a Modification under MPL?", {"mpl"}, "What is a Modification"),
    ("Which court handles disputes under CC0?", {"cc0"}, "Which court handles disputes"),
    # A preposition elsewhere stays.
    ("Who may sue under the license of MPL?", {"mpl"}, "Who may sue under the license"),
    # Nothing else to read: the question as it is.
    ("MPL?", {"mpl"}, "MPL?"),
])
def test_the_reranker_reads_the_question_without_the_words_that_name_a_file(
        question, scope, read):
    from rag.pool import reranker_reads

    assert reranker_reads(question, scope) == read


def test_a_runner_up_that_carries_on_from_the_best_sentence_is_cited_with_it(tmp_path):
    """"It should arrive in May." says when only with the sentence before
    it, which says what "it" is: the question matches that sentence best and
    the date's sentence second. Both are cited, in their order; a sentence
    that opens otherwise is no continuation."""
    text = ("Q: What will change next year?\n"
            "A: We are buying a second electric ferry. It should arrive in May and will "
            "serve the Kessel crossing.\n\n"
            "Q: Are fares going up?\nA: No. Fares stay the same until at least 2027.\n")
    assistant = _assistant_of_one_file(tmp_path, "interview.txt", text)
    result = assistant.ask("When will the second electric ferry arrive?")
    assert not result.abstained
    assert [citation.text for citation in result.citations] == [
        "A: We are buying a second electric ferry.",
        "It should arrive in May and will serve the Kessel crossing."]
    assert all((citation.line_start, citation.line_end) == (2, 2)
               for citation in result.citations)
    citing, ids = assistant.answerer.citing, _sentence_ids(assistant)
    assert citing.carried_on_by(ids["A: We are buying a second electric ferry."]) == \
        ids["It should arrive in May and will serve the Kessel crossing."]
    assert citing.carried_on_by(ids["Q: Are fares going up?"]) is None


def test_a_question_asked_inside_a_request_is_answered_as_the_question(assistant):
    """"Can you tell me who is India's Defense Minister?" asks what "Who is
    India's Defense Minister?" asks; read whole, the request's words weighed
    in its meaning and the answer model's confidence fell below its
    threshold. The answer reports the question as it was typed."""
    plain = assistant.ask("Who is India's Defense Minister?")
    wrapped = assistant.ask("Can you tell me who is India's Defense Minister, please?")
    assert plain.citations and not wrapped.abstained
    assert wrapped.citations == plain.citations
    assert wrapped.confidence == pytest.approx(plain.confidence)
    assert wrapped.to_json()["question"] == "Can you tell me who is India's Defense Minister, please?"


def test_a_question_pasted_with_its_list_number_is_answered_as_the_question(assistant):
    """The "1." of a pasted list was read as a number the question names,
    which no line about the delivery holds: related lines, not the answer."""
    plain = assistant.ask("Where was the second batch of S-400 delivered?")
    numbered = assistant.ask("1. Where was the second batch of S-400 delivered?")
    assert not numbered.abstained and numbered.citations == plain.citations
    assert numbered.confidence == pytest.approx(plain.confidence)


def test_a_best_sentence_that_carries_on_from_the_runner_up_reads_back_to_it(tmp_path):
    """"It was designed by Ilse Varga" answers who designed the hall only
    with the sentence before it, which the question also matches: the
    answer is cited from that sentence's line, as one citation. When the
    sentence before is far less likely ("who designed it"), the answer
    keeps to its own line."""
    text = ("The harbour museum opened its new glass hall in 2021.\n"
            "It was designed by Ilse Varga, an architect from Tarnby, and holds the old "
            "ferry bells.\n\nTickets cost 8 euros. The museum closes on Mondays.\n")
    assistant = _assistant_of_one_file(tmp_path, "museum.txt", text)
    result = assistant.ask("Who designed the museum hall?")
    [citation] = result.citations
    assert (citation.line_start, citation.line_end) == (1, 2)
    assert citation.text.startswith("The harbour museum opened its new glass hall in 2021. "
                                    "It was designed by Ilse Varga")
    [alone] = assistant.ask("who designed it").citations
    assert (alone.line_start, alone.line_end) == (2, 2)


@pytest.mark.parametrize("question, file, line", [
    # A title before the name, an apposition after it: the line that says
    # who the one asked about is, among the lines that only name him.
    ("Who is Mark Esper?", "002_b19f080dd75360e9.txt", 11),
    ("Who is Mevlut Cavusoglu?", "003_7a2e542821ed9fae.txt", 13),
    # Typed in lower case: the articles write the name with capitals.
    ("who is mark esper", "002_b19f080dd75360e9.txt", 11),
    ("who is cavusoglu", "003_7a2e542821ed9fae.txt", 13),
    # In fullwidth letters, as an East Asian keyboard types them.
    ("Ｗｈｏ ｉｓ Ｍａｒｋ Ｅｓｐｅｒ？", "002_b19f080dd75360e9.txt", 11),
    # Inside a request, in a statement's order and ending with a full stop.
    ("Can you tell me who Mevlut Cavusoglu is?", "003_7a2e542821ed9fae.txt", 13),
    ("Please tell me who Mark Esper is.", "002_b19f080dd75360e9.txt", 11),
    ("And who's Mark Esper?", "002_b19f080dd75360e9.txt", 11),
    # Asked as a request about him.
    ("Tell me about Mark Esper.", "002_b19f080dd75360e9.txt", 11),
])
def test_who_a_named_one_is_is_answered_by_the_line_that_says_it(assistant, question, file,
                                                                  line):
    result = assistant.ask(question)
    assert not result.abstained
    first = result.citations[0]
    assert (first.file, first.line_start) == (file, line)
