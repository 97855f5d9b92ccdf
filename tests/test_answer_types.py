"""What a question asks for, whether a sentence holds it, and the text a
sentence is read with (quotations, replies, bylines)."""

import pytest

from rag.answer_types import (asked_noun, holds, is_reply, known_names, question_type,
                              type_match)
from rag.context import is_byline, quotation_starts
from rag.types import Sentence


@pytest.mark.parametrize("question,kind", [
    ("When was the contract signed?", "date"),
    ("Since what year has Turkey been a member of NATO?", "date"),
    ("How many soldiers are there?", "count"),
    ("What is the population of Ankara?", "count"),
    ("How much did Turkey agree to pay Russia for the jets?", "money"),
    ("What price did the US ask for the Patriot system?", "money"),
    ("What percentage of voters agreed?", "percent"),
    ("What is the maximum range of the S-400 missile?", "measure"),
    ("How far is Hmeimim from Damascus?", "measure"),
    ("Who wrote the article on Russia and Turkey?", "author"),
    ("What did Putin reply when Erdogan asked whether Turkey could buy the Su-57?", "quote"),
    ("Who wrote a letter to Hulusi Akar?", "name"),  # a letter, not the article
    ("In an interview with which broadcaster did he call it a done deal?", "name"),
    ("What name is the S-400 known by?", "name"),
    ("What is the lower house of the parliament called?", "name"),
    ("Why did the coup fail?", None),
    ("What kind of weaponry did Putin offer?", None),
    # A later "when" does not make a question about a reply a date question,
    # and "state" as a noun is no speech verb.
    ("What is the name of the state that the region extends to?", "name"),
])
def test_question_types(question, kind):
    assert question_type(question) == kind


def test_asked_noun_is_the_head_of_the_phrase():
    assert asked_noun("Which state agency handles Russia's exports?") == "agency"
    assert asked_noun("Which town did Syrian forces recapture?") == "town"
    assert asked_noun("What is the capital of France?") == "capital"
    assert asked_noun("Who is the head of Rostec?") is None


def test_model_names_are_not_quantities_and_years_are_not_counts():
    money = "How much did Turkey agree to pay Russia for the Su-57 jets?"
    assert not holds("money", "Erdogan asked whether Turkey could buy Russia's Su-57 jets.", money)
    assert holds("money", "Ankara's $2.5 billion deal with Russia may mean more.", money)
    assert holds("money", "It paid 900 million dollars for them.", money)
    count = "How many people died in the coup attempt?"
    assert not holds("count", "Turkey, a member of NATO since 1952, and Russia.", count)
    assert not holds("count", "The S-400 and the F-35 are not compatible.", count)
    assert holds("count", "About 250 people died.", count)
    assert holds("count", "Two soldiers were hurt.", count)
    speed = "What is the top speed of the Su-57?"
    assert not holds("measure", "The two countries discussed sales of the Su-35.", speed)
    assert holds("measure", "It flies at 2,100 km/h at altitude.", speed)
    assert holds("measure", "It can hit targets 400 km away.", speed)


def test_dates_need_a_real_date():
    when = "When will Turkey launch its satellite?"
    assert holds("date", "The contract was signed in December 2017.", when)
    assert holds("date", "The Duchy began in 911 as a fiefdom.", "When was the Duchy founded?")
    assert holds("date", "The talks resume next week.", when)
    assert holds("date", "The keeper rings the bell at six.", "When does he ring the bell?")
    assert not holds("date", "This may mean the expiry date will cease to matter.", when)
    assert not holds("date", "It took years of talks.", when)
    # What the question itself names is not an answer.
    assert not holds("date", "Talks began in 2016.", "What happened in 2016?")


def test_names_the_question_does_not_already_name():
    who = "Who alerted Erdogan to the coup?"
    assert holds("name", "Erdogan, alerted by Moscow, appealed to voters.", who)
    assert not holds("name", "The coup failed because Erdogan appealed to voters.", who)
    assert type_match("name", "the coup failed because Erdogan appealed", who) == -1.0
    assert type_match(None, "anything", "Why?") == 0.0


def test_a_company_is_not_a_country_or_a_nationality():
    company = "Which company builds the TF-X fighter?"
    assert not holds("name", "Russia could help Turkey's industry with the TF-X.", company)
    assert not holds("name", "Experts said the Turkish and Russian sides may help.", company)
    assert holds("name", "The TF-X is built by Turkish Aerospace Industries.", company)
    assert holds("name", "He told CNN Turk in an interview.", "Which broadcaster did he tell?")
    # A person question is answered by a nationality-named person.
    assert holds("name", "Russian President Vladimir Putin met him.", "Who met Erdogan?")


def test_a_first_word_is_a_name_only_when_the_documents_capitalize_it_elsewhere():
    known = known_names(["Many people watch Sky and Victoria rules it.",
                         'He said: "There is more." Despite that, it failed.'])
    assert {"sky", "victoria"} <= known and "there" not in known and "despite" not in known
    assert holds("name", "Sky picked up four packages.", "Who bought the packages?", known)
    assert not holds("name", "Despite that, the deal failed.", "Who ended the deal?", known)


def test_replies_and_bylines():
    assert is_reply("“Yes, you can,” Putin replied.")
    assert not is_reply("At the MAKS-2019 Erdogan asked Putin whether Turkey could buy it.")
    assert is_byline("By Ulas Atesci")
    assert is_byline("Reporting by Jane Doe, Moscow")
    assert not is_byline("By the end of the year the deal was done and the systems arrived.")
    assert holds("author", "By Ulas Atesci", "Who wrote the article?")


def _sentences(*texts, file="a.txt"):
    return [Sentence(file, index + 1, index + 1, 0, len(text), text, False)
            for index, text in enumerate(texts)]


def test_quotation_starts_join_a_quotation_to_the_sentence_that_attributes_it():
    sentences = _sentences(
        "He arrived on Monday.",
        '"There is no need for statements, this is a done deal.',
        "Turkey will never backtrack.",
        'What others say does not concern us," the minister told CNN Turk.',
        "The offer expires in March.")
    assert quotation_starts(sentences) == [0, 1, 1, 1, 4]
    # Typographic quotes, and a quote closed in its own sentence.
    typographic = _sentences("“Yes,” he said.", "“We will see. It is early.", "No more.”", "Done.")
    assert quotation_starts(typographic) == [0, 1, 1, 3]


def test_an_unbalanced_quote_mark_does_not_swallow_the_article():
    sentences = _sentences('He said "no.', *[f"Sentence {n}." for n in range(10)])
    starts = quotation_starts(sentences)
    assert starts[-1] == len(sentences) - 1
    # Nor does a quotation run across files.
    two_files = _sentences('"Open.', file="a.txt") + _sentences("Other file.", file="b.txt")
    assert quotation_starts(two_files) == [0, 1]
