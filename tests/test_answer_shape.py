"""Question classes and sentence shapes: the inputs whose pairings the
answer model learns."""

import pytest

from rag.answer_shape import PAIR_FEATURES, asked_name, name_as_written, pair_features, \
    plain_question, question_class, sentence_shapes
from rag.keyword import question_weights, raw_tokens


@pytest.mark.parametrize("question,kind", [
    ("Who signed the treaty?", "who"),
    ("whose idea was it", "who"),
    ("When did the war end?", "when"),
    ("In what year was the bridge built?", "when"),
    ("Where is the museum?", "where"),
    ("How many people live there?", "quantity"),
    ("how long did the siege last", "quantity"),
    ("How does a turbine work?", "how"),
    ("Why did the bank fail?", "why"),
    ("Which river flows through the city?", "what"),
    ("date of the treaty", "when"),
    ("number of employees at the plant", "quantity"),
    ("Tell me about the siege.", "other"),
    # Contracted as people type them.
    ("What's a turbine?", "what"),
    ("who’s the mayor", "who"),
    ("Where're the keys?", "where"),
    ("whats a turbine", "what"),
    ("wheres the museum", "where"),
    ("whose idea was it", "who"),
])
def test_question_class_comes_from_the_wh_word(question, kind):
    assert question_class(question) == kind


@pytest.mark.parametrize("question, name", [
    ("Who is Mark Esper?", "Mark Esper"),
    ("Who was Frank Shuman?", "Frank Shuman"),
    ("Who is Ludwig van Beethoven?", "Ludwig van Beethoven"),
    # A role, not a name: these ask for a person.
    ("Who is India's Defense Minister?", None),
    ("Who is the head of Rostec?", None),
    ("Who is buying the ferry?", None),
])
def test_a_question_asking_who_a_named_one_is_asks_what_it_is(question, name):
    assert asked_name(question) == name
    assert question_class(question) == ("what" if name else "who")


WRITTEN = ["Talks were led by US Defense Secretary Mark Esper on Monday.",
           "Responsible for the deal was the ministry.",
           "Officials of NATO met the Pope in Rome."]


@pytest.mark.parametrize("question, read", [
    ("who is mark esper", "who is Mark Esper"),
    ("WHO IS MARK ESPER?", "WHO IS Mark Esper?"),
    ("who is nato", "who is NATO"),
    # Capitalized only where a sentence opens: no name.
    ("who is responsible", "who is responsible"),
    # Not all capitals where the texts write it ("the Pope"), never written
    # there, or typed with capitals already.
    ("who is the pope", "who is the pope"),
    ("who is angela merkel", "who is angela merkel"),
    ("Who is mark Esper?", "Who is mark Esper?"),
])
def test_a_name_typed_in_one_case_is_read_as_the_texts_write_it(question, read):
    assert name_as_written(question, WRITTEN) == read


def test_shapes_count_only_what_the_question_does_not_say():
    question = "How much did the city pay for the stadium in 2019?"
    words = set(raw_tokens(question))
    paid = sentence_shapes("In 2019 the city paid $40 million to Acme Builders.", words)
    assert paid["number"] and paid["money_percent"] and paid["name"]
    assert not paid["year"]  # 2019 is in the question
    restated = sentence_shapes("The stadium opened in 2019.", words)
    assert not restated["number"] and not restated["name"]
    dated = sentence_shapes("It closed on 3 March 1998.", words)
    assert dated["year"] and dated["month"] and dated["number"]


def test_the_marks_numbering_a_list_inside_a_sentence_count_nothing():
    """"(1) ... (2)" number the items of a list: no amount for "how many";
    a lone number in brackets may be one (an age, a count)."""
    words = set(raw_tokens("How many computers may I install the program on?"))
    listed = sentence_shapes("A suitable mechanism is one that (1) uses a copy already on the "
                             "computer, and (2) works with a later version.", words)
    assert not listed["number"]
    aged = sentence_shapes("The driver, Tom Berg (54), was unhurt.", words)
    assert aged["number"]


def test_pair_features_mark_one_class_only():
    shapes = sentence_shapes("Maria Lopez won in 1990.", set())
    values = dict(zip(PAIR_FEATURES, pair_features("who", shapes)))
    assert values["who*name"] == 1.0 and values["who*year"] == 1.0
    assert values["when*year"] == 0.0
    assert sum(values.values()) == sum(shapes.values())


@pytest.mark.parametrize("sentence,question,expected", [
    # It opens with what the question names, then says what that is.
    ("A solar cell is a device that converts light into electricity.",
     "What is a solar cell?", True),
    ("How does a solar cell work?", "solar cell", False),  # no defining verb
    ("Spectre (2015) is the twenty-fourth James Bond film.", "What is Spectre?", True),
    ("“Contributor” means each individual or legal entity.", "What is a contributor?", True),
    # An article before the quoted term; the question's word in another form.
    ('A "mooring" means a place where a boat may be tied up.', "What is a mooring?", True),
    ('"Repairs" means any work done on a hull.', "What is a repair?", True),
    ('A "mooring" means a place where a boat may be tied up.', "What is a repair?", False),
    # About something else, or the subject is a clause, not a thing.
    ("A solar cell is a device that converts light into electricity.",
     "What is a turbine?", False),
    ("Because the dock connector is a proprietary interface, few makers use it.",
     "What is the dock connector?", False),
    ("The plan was a success, the minister said.", "What is the plan?", True),
    ("The plan was approved by the minister.", "What is the plan?", False),  # no "was a"
])
def test_a_sentence_defines_what_the_question_names(sentence, question, expected):
    assert sentence_shapes(sentence, set(raw_tokens(question)))["defines"] is expected


@pytest.mark.parametrize("sentence, question, expected", [
    ("HTTPX is a fully featured HTTP client library.", "What is HTTPX?", True),
    # A kind of what is asked: one word more, before it.
    ("A dpkg trigger is a facility that lets packages react.", "What is a trigger?", True),
    # Another thing named after it: the phrase's head is another word.
    ("Trait definitions are a way to group method signatures.", "What is a trait?", False),
    # Defines something the question names, not what it asks about.
    ("Turkey is a member of NATO.", "What is the capital of Turkey?", False),
    ("A solar cell is a device that converts light.", "What is a cell?", True),
    ("A cell is a unit of a battery.", "What is a solar cell?", False),
])
def test_a_sentence_defines_the_very_thing_asked(sentence, question, expected):
    shapes = sentence_shapes(sentence, frozenset(raw_tokens(question)),
                             frozenset(question_weights(question)))
    assert shapes["defines_asked"] is expected


@pytest.mark.parametrize("term, question, expected", [
    # A function's description under its name, a section under its title.
    ("copytree", "What does copytree do?", True),
    ("Shadowing", "What is shadowing?", True),
    # "X of Y" is an X: the rules, not a reference.
    ("The Rules of References", "What is a reference?", False),
    ("The Duchy of Normandy", "What is the Duchy of Normandy?", True),
])
def test_a_sentence_under_the_term_asked_about_describes_it(term, question, expected):
    sentence = "It copies a whole tree of folders and returns where it put them."
    shapes = sentence_shapes(sentence, frozenset(raw_tokens(question)),
                             frozenset(question_weights(question)), term)
    assert shapes["defines_asked"] is expected
    assert not sentence_shapes(sentence, frozenset(raw_tokens(question)),
                               frozenset(question_weights(question)))["defines_asked"]


@pytest.mark.parametrize("typed, asked", [
    ("Can you tell me who is India's Defense Minister?", "Who is India's Defense Minister?"),
    ("Hi, could you please tell me how much Turkey paid?", "How much Turkey paid?"),
    ("I’d like to know where the air show was held?", "Where the air show was held?"),
    ("Do you know who wrote it, please?", "Who wrote it?"),
    ("Please explain how the deal works", "How the deal works?"),
    ("Describe what happened in Idlib.", "What happened in Idlib?"),
    # A copula last in the asked clause goes back after its wh-word...
    ("Can you tell me who Mevlut Cavusoglu is?", "Who is Mevlut Cavusoglu?"),
    ("Tell me how much the deal was", "How much was the deal?"),
    ("Do you know where he was?", "Where was he?"),
    # ... but not over a noun the wh-word asks with.
    ("Do you know what year it was?", "What year it was?"),
    # Spoken openers and a wh-word's contracted verb.
    ("And who is Mark Esper?", "Who is Mark Esper?"),
    ("Ok so, what's the S-400", "What is the S-400"),
    ("whats the price", "what is the price"),
    ("Who's been paying?", "Who has been paying?"),
    ("What're the risks?", "What are the risks?"),
    ("So what?", "So what?"),
    # "Who's" before a common noun is typed for "whose".
    ("Who's death caused the protest?", "Who's death caused the protest?"),
    ("Where was the S-400 delivered? Thanks!", "Where was the S-400 delivered?"),
    ("How many thanks did he give?", "How many thanks did he give?"),
    # A request about something asks about that thing.
    ("Can you tell me about Idlib?", "Idlib?"),
    ("Tell me more about Mark Esper, please.", "Mark Esper?"),
    ("What do the articles say about the Patriot offer?", "the Patriot offer?"),
    ("Anything on the F-35 deal?", "the F-35 deal?"),
    # A label pasted with the question from a list or a form.
    ("1. Where was it delivered?", "Where was it delivered?"),
    ("Q: When was it?", "When was it?"),
    ("Question 3: who paid?", "who paid?"),
    ("1996. Who won?", "1996. Who won?"),
    # A request for a thing by its name asks for the thing.
    ("Name the director of Spectre.", "the director of Spectre?"),
    ("Could you give me the price of the deal, please?", "the price of the deal?"),
    ("I'm looking for the date of the visit", "the date of the visit?"),
    ("I want to buy an S-400", "I want to buy an S-400"),
    # No wh-word and nothing asked about: what is asked is the whole of it.
    ("Can you tell me?", "Can you tell me?"),
    ("Tell me about", "Tell me about"),
    ("Who can tell me the price?", "Who can tell me the price?"),
])
def test_a_request_around_a_question_is_not_part_of_what_it_asks(typed, asked):
    assert plain_question(typed) == asked
