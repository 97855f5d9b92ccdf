"""Follow-up questions: a pronoun that stands for nothing in its own
question is read as what the question before asked about, by the real
parser, and answered so from the sample articles."""

import pytest

from rag.follow_up import compound_parts, read_with


@pytest.mark.parametrize("previous, question, read", [
    ("Who is Mark Esper?", "What did he say about Turkey?",
     "What did Mark Esper say about Turkey?"),
    ("When was the second batch of S-400 delivered?", "Where was it delivered?",
     "Where was the second batch of S-400 delivered?"),
    # A possessive, a plural, a pair of names.
    ("What is the S-400?", "What is its range?", "What is the S-400's range?"),
    ("How much did Turkey pay for the S-400 systems?", "Where were they delivered?",
     "Where were the S-400 systems delivered?"),
    ("Where did Putin and Erdogan meet?", "What did they discuss?",
     "What did Putin and Erdogan discuss?"),
    # "it" is a thing, not the person the question before named.
    ("What did Erdogan say about the F-35?", "When will it be delivered?",
     "When will the F-35 be delivered?"),
    # An object pronoun cannot be its own clause's subject ("Turkey").
    ("What is the S-400?", "When did Turkey buy it?", "When did Turkey buy the S-400?"),
    # The noun a wh-word asks with names nothing.
    ("Who is Mevlut Cavusoglu?", "Which newspaper did he speak to?",
     "Which newspaper did Mevlut Cavusoglu speak to?"),
    ("When did the Sichuan earthquake happen?", "How many people did it kill?",
     "How many people did the Sichuan earthquake kill?"),
    # All the question before names, though the tagger takes it for a person.
    ("What is Spectre?", "What was its budget?", "What was Spectre's budget?"),
    # A title is one name, though the parser reads a verb in it.
    ("When was To Kill a Mockingbird published?", "Who wrote it?",
     "Who wrote To Kill a Mockingbird?"),
    # One asked for by a role.
    ("Who is India's Defense Minister?", "What did she say?",
     "What did India's Defense Minister say?"),
    ("Who is Mark Esper?", "he said what?", "Mark Esper said what?"),
    # A compound question before, as read: the one name it says twice.
    ("Who is Mark Esper? What did Mark Esper say about the F-35?", "When did he say it?",
     "When did Mark Esper say it?"),
])
def test_a_pronoun_that_points_out_of_its_question_is_read_as_the_question_before_asked(
        previous, question, read):
    assert read_with(question, previous) == read


@pytest.mark.parametrize("previous, question", [
    # Two people before: "he" could be either.
    ("Where did Putin and Erdogan meet?", "What did he say?"),
    # The one asked for is the answer, a name the question does not hold.
    ("Who wrote the report?", "When was he born?"),
    # "it" holding a clause's place, and "it" as what was said.
    ("What is the S-400?", "Is it true that Turkey paid?"),
    ("What is the S-400?", "How long did it take to deliver?"),
    ("How much has Turkey paid into the F-35 program?", "Who said it?"),
    # What the pronoun stands for is in its own question.
    ("What did Turkey say about the deal?", "What did Turkey say about its deal?"),
    # No pronoun; no question before.
    ("Who is Mark Esper?", "Who is Mevlut Cavusoglu?"),
    (None, "What did he say about Turkey?"),
    ("", "What did he say about Turkey?"),
])
def test_a_question_with_nothing_to_read_into_is_asked_as_typed(previous, question):
    assert read_with(question, previous) == question


@pytest.mark.parametrize("previous, question, read", [
    ("Where was the second batch of S-400 delivered?", "And when?",
     "When was the second batch of S-400 delivered?"),
    ("Did Turkey pay for the F-35?", "How much?", "How much did Turkey pay for the F-35?"),
    ("How much did Turkey pay for the S-400?", "What about India?",
     "How much did India pay for the S-400?"),
    ("What did Erdogan say about the F-35?", "What about Putin?",
     "What did Putin say about the F-35?"),
    ("What is the S-400?", "And the Su-57?", "What is the Su-57?"),
    # "the second batch" is no ordinal, though it holds one.
    ("Which base did the first S-400 go to?", "And the second batch?",
     "Which base did the second batch go to?"),
    # Nothing to ask again by: the wh-word before is the subject, or what
    # "is" links to; nothing of the kind asked of.
    ("Who paid?", "When?", "When?"),
    ("Which country bought the S-400?", "When?", "When?"),
    ("What is the S-400?", "And why?", "And why?"),
    ("Who is Mark Esper?", "What about India?", "What about India?"),
    ("How much is India's S-400 deal worth?", "And Turkey's?", "And Turkey's?"),
    ("What is the S-400?", "And then?", "And then?"),
])
def test_a_short_follow_up_asks_the_question_before_again(previous, question, read):
    assert read_with(question, previous) == read


def test_a_follow_up_is_answered_from_the_lines_of_what_it_points_at(assistant):
    """Alone, "Where was it delivered?" could be anything the articles
    deliver, and is shown as related lines; after "When was the second
    batch of S-400 delivered?" it is answered from the line that says
    where, and the answer says how the question was read."""
    alone = assistant.ask("Where was it delivered?")
    assert alone.abstained and alone.read_as is None
    followed = assistant.ask("Where was it delivered?",
                             previous="When was the second batch of S-400 delivered?")
    assert followed.read_as == "Where was the second batch of S-400 delivered?"
    assert followed.to_json()["read_as"] == followed.read_as
    assert followed.question == "Where was it delivered?"
    assert not followed.abstained
    first = followed.citations[0]
    assert (first.file, first.line_start) == ("001_b4f6f2b0e5c1da68.txt", 122)
    assert "Murted Airbase" in followed.text


def test_a_follow_up_about_a_person_cites_that_person(assistant):
    followed = assistant.ask("What did he say about the F-35?", previous="Who is Mark Esper?")
    assert followed.read_as == "What did Mark Esper say about the F-35?"
    assert not followed.abstained
    assert all("Esper" in citation.text for citation in followed.citations)
    assert assistant.ask("What did he say about the F-35?").read_as is None


def test_a_short_follow_up_is_answered_as_the_question_it_stands_for(assistant):
    answer = assistant.ask("And the second batch?",
                           previous="Which base did the first S-400 go to?")
    assert answer.read_as == "Which base did the second batch go to?"
    first = answer.citations[0]
    assert (first.file, first.line_start) == ("001_b4f6f2b0e5c1da68.txt", 122)
    assert "Murted Airbase" in answer.text


def test_a_question_before_that_cannot_be_read_is_ignored(assistant):
    plain = assistant.ask("Who is Mark Esper?")
    for previous in (" \x00 ", "x" * 200_000, 42):
        answer = assistant.ask("Who is Mark Esper?", previous=previous)
        assert answer.citations == plain.citations and answer.read_as is None


@pytest.mark.parametrize("question, parts", [
    ("Who is Mark Esper and what did he say about the F-35?",
     ("Who is Mark Esper?", "What did he say about the F-35?")),
    ("What did Turkey buy from Russia, and why?", ("What did Turkey buy from Russia?", "Why?")),
    # One question: "and" inside what it asks, or before "what other".
    ("Where and when was the second batch of S-400 delivered?", None),
    ("What did Turkey and Russia agree on?", None),
    ("Who bought the S-400 and the F-35?", None),
    ("The harbour is known for its ferries and what other boats?", None),
    ("Which countries bought the S-400 and what other systems?", None),
    # A wh-word alone that the first question cannot be asked again by.
    ("Who is Mark Esper and what?", None),
])
def test_a_compound_question_is_read_as_the_questions_it_asks(question, parts):
    assert compound_parts(question) == parts


def test_a_compound_question_is_answered_part_by_part(assistant):
    """Asked whole, the question's two halves pull apart and only related
    lines come back; asked in turn, the second as a follow-up of the first,
    each is answered from Esper's lines."""
    import ui

    answer = assistant.ask("Who is Mark Esper and what did he say about the F-35?")
    first, second = answer.parts
    assert first.question == "Who is Mark Esper?"
    assert second.read_as == "What did Mark Esper say about the F-35?"
    assert answer.read_as == "Who is Mark Esper? What did Mark Esper say about the F-35?"
    assert not answer.abstained and not first.abstained and not second.abstained
    assert answer.citations[0] == first.citations[0]
    assert set(answer.citations) == set(first.citations) | set(second.citations)
    assert len(answer.citations) == len(set(answer.citations))
    assert all("Esper" in citation.text for citation in answer.citations)
    assert answer.confidence == min(first.confidence, second.confidence)
    record = answer.to_json()
    assert [part["question"] for part in record["parts"]] == [
        "Who is Mark Esper?", "What did he say about the F-35?"]
    page = ui.answer_html(answer)
    assert page.count('class="part-question"') == 2
    assert "What did Mark Esper say about the F-35?" in page


def test_a_part_not_answered_is_said_so_under_its_question(assistant):
    answer = assistant.ask("Who is Mevlut Cavusoglu and which TV channel did he speak to?")
    first, second = answer.parts
    assert not first.abstained and second.abstained
    assert not answer.abstained and answer.citations == first.citations
    assert answer.text.startswith(first.text)
    assert "“Which TV channel did Mevlut Cavusoglu speak to?”: " in answer.text
    assert all(citation not in answer.citations for citation in answer.related)
    nothing = assistant.ask("Who is Dmitry Peskov and what did he say?")
    assert nothing.abstained and len(nothing.parts) == 2 and not nothing.citations


def test_a_part_answered_by_lines_already_quoted_points_to_them(assistant):
    answer = assistant.ask("How much did India pay for the S-400 and when did it confirm "
                           "the deal?")
    first, second = answer.parts
    assert second.read_as == "When did India confirm the deal?"
    assert not second.abstained and set(second.citations) <= set(first.citations)
    label = second.citations[0].label()
    assert answer.text == f"{first.text} “When did India confirm the deal?”: [{label}]"
    assert answer.claims == first.claims


def test_a_long_chain_of_questions_is_split_once(assistant):
    """A hostile question of many "... and what ..." is two questions, the
    second asked whole, not hundreds answered one by one."""
    question = "What did Turkey buy" + " and what did Russia sell" * 60 + "?"
    answer = assistant.ask(question)
    assert len(answer.parts) == 2
    assert answer.parts[0].question == "What did Turkey buy?"
    assert answer.parts[1].parts == ()
