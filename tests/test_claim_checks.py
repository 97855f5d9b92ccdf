"""The word-level checks of written claims (rag/claim_terms.py, rag/claim_checks.py), on
sentences written for these tests."""

import pytest

from functools import partial

from rag.claim_checks import clauses, keeps_comparison, keeps_direction, keeps_roles, \
    same_polarity, share_in_other_words, unsupported_clause
from rag.claim_terms import holds_terms, keeps_names_whole, key_terms
from rag.claims import SUBJECT_WORDS, ClaimChecker, document_subject
from rag.syntax import common_opening, object_relative_subjects, plays_same_part, \
    subject_it_points_to
from rag.table_claims import keeps_columns
from rag.types import Citation

from .conftest import verdict

SIGNED = ("The actor has signed on for two more films, though his return depends on "
          "whether or not the director stays.")
PAID = "The council has paid the contractor in full, and it will not pay any penalty."


@pytest.mark.parametrize("claim,source,same", [
    # A denial the source does not make, though the source holds a "not"
    # about something else the claim also says.
    ("The actor has not signed on for two more films, though his return depends on "
     "whether or not the director stays.", SIGNED, False),
    ("The council has not paid the contractor, and it will not pay any penalty.", PAID, False),
    # Two denials stacked where the source has one.
    ("The report is not never read.", "The report is never read.", False),
    # The same denials, in other words around them.
    ("The council will not pay a penalty.", PAID, True),
    ("The council paid the contractor in full.", PAID, True),
    ("The museum didn't open on Monday.", "The museum did not open on Monday.", True),
    # A denial of what came before it, with nothing after it.
    ("She asked whether it could be moved, and he said it could not.",
     "She asked whether it could be moved, and he said it could not.", True),
    # Denials of two words: "failed to", "yet to", "unable to", "instead of".
    ("The single failed to reach the top ten in Ireland.",
     "The single entered the top ten in Ireland.", False),
    ("By March the tenants had still not received any answer.",
     "By March the tenants had yet to receive any answer.", True),
    ("The critic said the sequel could not build on its promise.",
     "The critic called the sequel unable to build on its promise.", True),
    ("The bridge was painted green instead of red.",
     "The bridge was painted (not red but green).", True),
    # Verbs that say their complement did not happen.
    ("The cinema chain declined to screen the film.", "The cinema chain screened the film.",
     False),
    ("The mayor avoided extending the lease.", "The mayor sought to extend the lease.", False),
    ("The senator refrained from voting.", "The senator did not vote.", True),
    ("The senator refused to vote.", "The senator did not vote.", True),
    # Alone, the first word of such a pair denies nothing.
    ("The bank collapsed in 1931.", "The bank failed in 1931.", True),
    ("The union refused the offer.", "The union rejected the offer.", True),
    # A preposition after "not" is skipped like an article: "not in use" denies the use.
    ("The pumps wear out even if they are not used.",
     "The pumps wear out even when not in use.", True),
])
def test_denials_are_compared_word_by_word(claim, source, same):
    assert same_polarity(claim, source) is same


def test_the_checker_marks_a_denial_beside_another_denial(embedder):
    """End to end: the claim adds a "not" to a source that already holds
    one about something else; counting denials per text let it through."""
    source = Citation("council.txt", 7, 8, PAID)
    checker = ClaimChecker([source], embedder, [["The works ended in May."]])
    faithful, denied = checker.check(
        "The council paid the contractor in full and will not pay a penalty [1]. "
        "The council has not paid the contractor, and it will not pay any penalty [1].")
    assert faithful.supported and faithful.sources == [0]
    assert not denied.supported
    assert verdict(checker, denied.text)[1] == \
        "it denies what the cited lines affirm, or the other way round"


AGENCY = "The Lakeside Board of Water Supply said that Harbor Point Fire Station will reopen."


@pytest.mark.parametrize("claim,whole", [
    # Every word of each name is in the source, in another order.
    ("The Water Supply of Lakeside Board said that Harbor Point Fire Station will reopen.", False),
    ("The Lakeside Board of Water Supply said that Point Harbor Fire Station will reopen.", False),
    # The names as the source has them, shortened, or beside other names.
    (AGENCY, True),
    ("Harbor Point Fire Station will reopen, the Board of Water Supply said.", True),
    ("Lakeside officials said the Harbor Point station will reopen.", True),
])
def test_names_of_several_words_keep_their_order(claim, whole):
    assert keeps_names_whole(claim, AGENCY) is whole


def test_the_checker_marks_a_name_with_its_words_turned_around(embedder):
    source = Citation("agency.txt", 3, 3, AGENCY)
    checker = ClaimChecker([source], embedder, [[]])
    faithful, turned = checker.check(
        "The Lakeside Board of Water Supply said Harbor Point Fire Station will reopen [1]. "
        "The Lakeside Board of Water Supply said Point Harbor Fire Station will reopen [1].")
    assert faithful.supported and not turned.supported
    assert verdict(checker, turned.text) == \
        (0.0, "a number or name is not in the cited lines")


LOAN = "Contoso lent money to Northwind during the long Lisbon strike."


@pytest.mark.parametrize("claim,kept", [
    # The sentence in another order: the phrase moved to the front puts a
    # name before the others and changes the words between them, but
    # Contoso is still the one lending.
    ("During the long Lisbon strike, Contoso lent money to Northwind.", True),
    (LOAN, True),
    # Swaps keep the words between the names, in the same order or not.
    ("Northwind lent money to Contoso during the long Lisbon strike.", False),
    ("During the long Lisbon strike, Northwind lent money to Contoso.", False),
])
def test_a_sentence_in_another_order_keeps_its_roles(claim, kept):
    same_part = partial(plays_same_part, claim=claim, source_text=LOAN)
    assert keeps_roles(claim, LOAN, same_part) is kept


LAMP = "Kettle Works sells a lamp designed by Ada Moss."


@pytest.mark.parametrize("claim, kept", [
    # "the lamp that Ada Moss designed": Ada Moss, the relative clause's
    # subject, is the one designing, as "designed by Ada Moss" says.
    ("Kettle Works sells the lamp that Ada Moss designed.", True),
    # The same clause with the names swapped is still a swap.
    ("Ada Moss sells the lamp that Kettle Works designed.", False),
])
def test_a_relative_clause_whose_subject_is_the_second_name_turns_the_order(claim, kept):
    same_part = partial(plays_same_part, claim=claim, source_text=LAMP)
    assert keeps_roles(claim, LAMP, same_part, object_relative_subjects) is kept


def test_that_after_a_verb_opens_no_relative_clause():
    """"writes that Ada Moss ..." reports what she did: no name there is a
    relative clause's subject."""
    assert object_relative_subjects("Kettle Works writes that Ada Moss designed the lamp.") \
        == frozenset()
    assert object_relative_subjects("the lamp that Ada Moss designed") == {"ada", "moss"}


def test_words_of_a_name_between_two_names_are_no_verb_between_them():
    """"Through the Fenwick Valley into Tarn Bay, the Fenwick River flows":
    between "Bay" and "River" stand only "the" and a word of the river's
    name, so the two are no actor and acted-on whose order could turn. A
    verb between two names still is: the swap stays caught."""
    source = "The Fenwick River flows through the Fenwick Valley into Tarn Bay."
    claim = "Through the Fenwick Valley into Tarn Bay, the Fenwick River flows."
    assert keeps_roles(claim, source)
    towed = "The Moorhen towed the Kestrel into Tarn Bay."
    assert not keeps_roles("The Kestrel towed the Moorhen into Tarn Bay.", towed)


def test_a_number_word_of_a_name_does_not_vouch_for_a_swap():
    """"Four" of "the Four Houses" only counts the houses: that it plays the
    same part in the claim says nothing of who dominated whom."""
    source = ("The 20th century saw a rise in the league, dominated by the Four Houses, as well "
              "as in guilds, including the Salt Wardens.")
    claim = "The Salt Wardens dominated the Four Houses in the 20th century."
    same_part = partial(plays_same_part, claim=claim, source_text=source)
    assert not same_part("four")
    assert not keeps_roles(claim, source, same_part)


def test_a_word_inside_a_name_has_the_part_of_its_name():
    """"Quill" of "the Quill Deck" plays no part of its own; the name does,
    through its last word, and that part is the same after the reorder."""
    source = ("A faster port for the Quill Deck, Harbor Lights Remastered, will be released "
              "in March 2031.")
    claim = "Harbor Lights Remastered, a faster port for the Quill Deck, is due out in March 2031."
    same_part = partial(plays_same_part, claim=claim, source_text=source)
    assert not same_part("quill") and same_part("deck")
    assert keeps_roles(claim, source, same_part)


def test_a_name_that_completes_another_vouches_for_no_part():
    """"Elmshire" of "the Warden of Elmshire" keeps its place after "of"
    when the Warden and Tavish change places, so it may not vouch that the
    name kept its part; the name's own word, "Warden", did not."""
    source = ('Morwen Dale, a professor at Tarn College, writes that "Tavish wished to be '
              'perceived both as the rightful heir of the Guild and as the Warden of Elmshire.')
    swapped = ("Morwen Dale writes that the Warden of Elmshire wished to be seen as Tavish's "
               "rightful heir.")
    kept = "Morwen Dale writes that Tavish wished to be seen as the Warden of Elmshire."
    for claim, is_kept in ((swapped, False), (kept, True)):
        same_part = partial(plays_same_part, claim=claim, source_text=source)
        assert not same_part("elmshire")
        assert keeps_roles(claim, source, same_part) is is_kept


def test_without_the_parser_reading_a_reordered_sentence_fails_the_word_order():
    claim = "During the long Lisbon strike, Contoso lent money to Northwind."
    assert not keeps_roles(claim, LOAN)


def test_the_checker_supports_a_reordered_sentence_and_marks_a_swap(embedder):
    checker = ClaimChecker([Citation("loans.txt", 4, 4, LOAN)], embedder, [[]])
    reordered, swapped = checker.check(
        "During the long Lisbon strike, Contoso lent money to Northwind [1]. "
        "During the long Lisbon strike, Northwind lent money to Contoso [1].")
    assert reordered.supported and not swapped.supported
    assert verdict(checker, swapped.text) == (0.0, "it swaps who did what")


FLOODS = "Contoso lent money to Northwind following the floods of 2019."


def test_a_first_word_the_source_writes_in_lower_case_is_no_name():
    claim = "Following the floods of 2019, Contoso lent money to Northwind."
    assert key_terms(claim, FLOODS)[1] == {"contoso", "northwind"}
    assert "following" in key_terms(claim)[1]
    # Capitalized in the source too, it may be a name ("Following" a title).
    assert "following" in key_terms(claim, FLOODS + " Following is her second album.")[1]
    assert keeps_roles(claim, FLOODS)


VISIT = "Here in June 1849 he was visited by the singer Mara Quist."


def test_a_pronoun_may_mean_the_subject_of_the_file_title(embedder):
    """"he" names no one in the cited line or the sentences before it; the
    file's title does. The title vouches only for a name the claim puts
    where the line points back: a claim that keeps "he" and brings in the
    title's name replaced someone."""
    claim = "Tomas Verell was visited by the singer Mara Quist in June 1849."
    replaced = "Here in June 1849 he was visited by the singer Tomas Verell."
    context = [["He spent the summer in the village."]]
    without_title = ClaimChecker([Citation("verell.txt", 40, 40, VISIT)], embedder, context)
    with_title = ClaimChecker([Citation("verell.txt", 40, 40, VISIT)], embedder, context,
                              ["Tomas Verell"])
    assert not without_title.check(f"{claim} [1]")[0].supported
    faithful, swapped = with_title.check(f"{claim} [1]. {replaced} [1].")
    assert faithful.supported and not swapped.supported
    assert verdict(with_title, swapped.text) == \
        (0.0, "a number or name is not in the cited lines")


OPENING = "In its second weekend the film added $12.1 million in Norway."


def test_a_line_may_call_the_file_subject_by_a_word_of_its_title(embedder):
    """"the film" in a file titled "Harbour Lights (2014 film)" is Harbour
    Lights: a claim that names it instead may take the name from the title;
    one that keeps "the film" and brings the title's name in elsewhere may not."""
    claim = "Harbour Lights added $12.1 million in Norway in its second weekend."
    kept = "In its second weekend the film added $12.1 million in Harbour Lights."
    title = "Harbour Lights (2014 film)"
    context = [["It opened in ten countries."]]
    without_title = ClaimChecker([Citation("lights.txt", 9, 9, OPENING)], embedder, context)
    with_title = ClaimChecker([Citation("lights.txt", 9, 9, OPENING)], embedder, context,
                              [title])
    assert not without_title.check(f"{claim} [1]")[0].supported
    faithful, replaced = with_title.check(f"{claim} [1]. {kept} [1].")
    assert faithful.supported and not replaced.supported


def test_a_claim_may_name_the_file_subject_as_the_owner_of_what_the_line_calls_the(embedder):
    """In a file titled "Tomas Verell", "the funeral" is his: a claim may
    say "Verell's funeral"; not the funeral of a name from nowhere, and not
    without the title."""
    line = "The funeral, held at the harbour church, was delayed almost two weeks."
    claims = ("Verell's funeral was delayed almost two weeks [1]. "
              "Quist's funeral was delayed almost two weeks [1].")
    with_title = ClaimChecker([Citation("verell.txt", 70, 70, line)], embedder, [[]],
                              ["Tomas Verell"])
    without_title = ClaimChecker([Citation("verell.txt", 70, 70, line)], embedder, [[]])
    faithful, other = with_title.check(claims)
    assert faithful.supported and not other.supported
    assert not without_title.check(claims)[0].supported


FERRIES = "The night ferries carry more cargo than the day boats, though they sail half empty."
RISE = "Over the winter the harbour's share of the trade rose from 31% to 65%, its best year."


@pytest.mark.parametrize("check,source,claim,kept", [
    # A comparison keeps its sides...
    (keeps_comparison, FERRIES, "The day boats carry more cargo than the night ferries.", False),
    (keeps_comparison, FERRIES, "The night ferries carry more cargo than the day boats.", True),
    # ...unless another comparative word turns them (checked elsewhere, if at all).
    (keeps_comparison, FERRIES, "The day boats carry less cargo than the night ferries.", True),
    (keeps_comparison, FERRIES, "The night ferries sail half empty.", True),
    # A change from one number to another keeps its direction.
    (keeps_direction, RISE, "The harbour's share of the trade fell from 65% to 31%.", False),
    (keeps_direction, RISE, "Its share went from 65 percent to 31 percent.", False),
    (keeps_direction, RISE, "The harbour's share of the trade grew from 31% to 65%.", True),
    (keeps_direction, RISE, "The share rose to 65%.", True),
    (keeps_direction, "Costs fell from $2.5 billion to $1 billion.",
     "Costs dropped from $2.5 billion to $1 billion.", True),
    (keeps_direction, "It ran from May 2004 to June 2005.", "It ran from 2005 to 2004.", False),
])
def test_a_claim_keeps_the_direction_of_a_comparison_or_a_change(check, source, claim, kept):
    assert check(claim, source) is kept


@pytest.mark.parametrize("source,claim,reason", [
    (FERRIES, "The day boats carry more cargo than the night ferries.",
     "it turns a comparison around"),
    (RISE, "Over the winter the harbour's share of the trade fell from 65% to 31%.",
     "it turns a change around (from one number to another)"),
])
def test_the_checker_marks_a_comparison_or_a_change_turned_around(embedder, source, claim, reason):
    checker = ClaimChecker([Citation("harbour.txt", 3, 3, source)], embedder)
    assert verdict(checker, claim) == (0.0, reason)
    assert checker.check(f"{claim} [1]")[0].supported is False


GLIDER = "It crossed the strait in nine hours without a drop of fuel."
GLIDER_BEFORE = ["Sun Petrel, built by students in Tarn, is a glider with solar cells on Marra "
                 "Island."]


def test_a_subject_it_may_mean_the_subject_of_the_sentence_before(embedder):
    """"It" as the subject of the cited line stands for the subject of the
    sentence before ("Sun Petrel"), not for any name there: a claim that
    names it so is supported; one that gives the crossing to another name
    of that sentence, or keeps "it" and brings the subject in elsewhere, is
    not; neither is one whose cited line has no subject pronoun."""
    checker = ClaimChecker([Citation("petrel.txt", 4, 4, GLIDER),
                            Citation("petrel.txt", 9, 9, "The strait is nine hours wide.")],
                           embedder, [GLIDER_BEFORE, GLIDER_BEFORE])
    faithful, other_name, kept = checker.check(
        "Sun Petrel crossed the strait in nine hours without a drop of fuel [1]. "
        "Marra Island crossed the strait in nine hours without a drop of fuel [1]. "
        "It crossed the strait from Sun Petrel in nine hours without fuel [1].")
    assert faithful.supported
    assert not other_name.supported and not kept.supported
    no_pronoun = "Sun Petrel crossed a strait nine hours wide."
    assert verdict(checker, no_pronoun, [1]) == \
        (0.0, "a number or name is not in the cited lines")


def test_an_it_that_stands_for_a_clause_hands_over_that_clause_subject(embedder):
    """"It was reported that the board cut ..." is about the board: "it"
    stands for the clause after it, so "they" of the next line may not mean
    the subject of the sentence before that (Lena Dahl), and may mean the
    board, named in the reported clause."""
    assert subject_it_points_to("It reopened the mill in 1994.", [
        "Lena Dahl, writing for the Courier, said the town had changed.",
        "It is believed that the Tarn Company sold the mill in 1990."]) == "Tarn Company"
    before = ["Lena Dahl, writing for the Courier, said the film was too long.",
              "In Norway, it was reported that the Harbor Film Board (HFB) cut two scenes "
              "featuring Ada Voss and Jonas Berg."]
    checker = ClaimChecker([Citation("film.txt", 9, 9, "They also muted all profanity.")],
                           embedder, [before])
    board, critic = checker.check("The HFB also muted all the profanity [1]. "
                                  "Lena Dahl also muted all the profanity [1].")
    assert board.supported and not critic.supported


def test_a_subject_it_passes_through_a_sentence_whose_subject_is_it_too():
    from rag.syntax import subject_it_points_to

    before = GLIDER_BEFORE + ["It weighs less than a car."]
    assert subject_it_points_to(GLIDER, before) == "Sun Petrel"
    # The pronoun is the object here, not the subject: nothing is paired.
    assert subject_it_points_to("The crowd cheered it on the shore.", before) == ""


FILM_TITLE = "Harbor Lights (2019 film)"
FILM_BEFORE = ["Box office figures for the opening week were published in May."]


def test_a_subject_it_that_opens_its_line_may_mean_the_file_subject(embedder):
    """When "it" is the first subject of the cited line and the sentence
    before names no subject, the claim may name the file's subject (its
    title) for it; not when the line names something earlier that "it"
    stands for ("The theme song ...; nevertheless, it won")."""
    opened = "In Norway, it opened on 3 May and earned $2 million."
    song = "The theme song drew mixed reviews; nevertheless, it won the Silver Reel award."
    checker = ClaimChecker([Citation("film.txt", 5, 5, opened), Citation("film.txt", 8, 8, song)],
                           embedder, [FILM_BEFORE, FILM_BEFORE], [FILM_TITLE, FILM_TITLE])
    first, other = checker.check("Harbor Lights opened in Norway on 3 May, earning $2 million [1]. "
                                 "Harbor Lights won the Silver Reel award [2].")
    assert first.supported
    assert not other.supported
    assert verdict(checker, other.text, [1]) == (0.0, "a number or name is not in the cited lines")


BRIDGES = ("Inspectors examined every bridge in the Alder district and repaired the damaged "
           "railings before the first snowfall.")


@pytest.mark.parametrize("clause, supported", [
    # Two of its five content words are the line's; the others say the same in other words.
    ("repaired the broken railings ahead of the snow", True),
    ("the mayor praised their careful work", False),  # added: nothing in the line speaks to it
])
def test_a_clause_said_in_other_words_is_read_word_by_word(embedder, clause, supported):
    claim = f"Inspectors examined every bridge in the Alder district and {clause}."
    assert unsupported_clause(claim, BRIDGES) == f"{clause}."  # by shared words alone
    checker = ClaimChecker([Citation("bridges.txt", 7, 8, BRIDGES)], embedder, [[]])
    [checked] = checker.check(f"{claim} [1]")
    assert checked.supported is supported


def test_a_clause_whose_words_share_a_sense_with_its_lines_words_holds(embedder):
    """Most words of "serves as a dividing line between" are not its line's,
    and the encoder's word pieces do not cover them, but WordNet puts
    "dividing" in a sense with "separates": the clause holds. An added
    clause whose words share no sense with the line's stays refused."""
    line = "The Alder separates the old town from the docks."
    claim = "The Alder serves as a dividing line between the old town and the docks."
    assert unsupported_clause(claim, line) is not None  # by shared words alone
    assert share_in_other_words("The Alder serves as a dividing line", line) >= 0.5
    checker = ClaimChecker([Citation("river.txt", 2, 2, line)], embedder, [[]])
    [checked] = checker.check(f"{claim} [1]")
    assert checked.supported
    assert share_in_other_words("the mayor praised their careful work", line) == 0.0


def test_a_claim_that_keeps_every_name_of_its_line_may_name_the_file_subject(embedder):
    """A line may call the file's subject by what it is ("the composer"):
    a claim that keeps every name of the line may name the subject, named
    in the title; one that puts the subject in place of a name of the line
    drops that name and is refused."""
    told = "The composer once told a pupil that concerts are never real music."
    duet = "In Vienna the composer played a duet with Tomas Berg."
    title = "Ilse Varga"
    checker = ClaimChecker([Citation("varga.txt", 3, 3, told), Citation("varga.txt", 6, 6, duet)],
                           embedder, [[], []], [title, title])
    kept, = checker.check("Ilse Varga told a pupil that concerts are never real music [1].")
    assert kept.supported and kept.sources == [0]
    assert verdict(checker, "In Vienna the composer played a duet with Ilse Varga.", [1]) == \
        (0.0, "a number or name is not in the cited lines")


@pytest.mark.parametrize("claim,source,held", [
    ("Job losses hit NYC in the 1970s.", "Job losses hit New York City in the 1970s.", True),
    ("The US paid in full.", "The U.S. paid in full.", True),
    ("The U.S. paid in full.", "The United States paid in full.", True),
    ("Dana Reyes was Chief Financial Officer of Contoso.", "Contoso CFO Dana Reyes said so.",
     True),
    # Other letters than the source's names or abbreviations spell.
    ("Job losses hit NYC in the 1970s.", "Job losses hit New Jersey in the 1970s.", False),
    ("The UK paid in full.", "The U.S. paid in full.", False),
    ("Dana Reyes was Chief Operating Officer of Contoso.", "Contoso CFO Dana Reyes said so.",
     False),
])
def test_a_name_may_be_abbreviated_in_the_claim_or_the_source(claim, source, held):
    assert holds_terms(claim, source, source) is held


@pytest.mark.parametrize("claim,source,held", [
    # The same thing under another name WordNet gives it.
    ("The fire was shown live on TV.", "The fire was shown live on television.", True),
    ("The bridge opened on Aug 3, 1998.", "The bridge opened on August 3, 1998.", True),
    ("The plant moved to America in 1990.", "The plant moved to the United States in 1990.",
     True),
    # Another thing: no sense of the claim's name is written in the source.
    ("The fire was shown live on CNN.", "The fire was shown live on television.", False),
    ("The bridge opened on Oct 3, 1998.", "The bridge opened on August 3, 1998.", False),
    ("The plant moved to Canada in 1990.", "The plant moved to the United States in 1990.",
     False),
])
def test_a_name_may_be_written_another_way_wordnet_knows(claim, source, held):
    assert holds_terms(claim, source, source) is held


def test_the_title_of_each_file_is_its_first_sentence(assistant):
    """`document_subject` finds a file's first sentence from any of its
    sentences (page furniture left out), in every file of a real index."""
    data = assistant.data()
    firsts = {}
    for sentence_id, sentence in enumerate(data.sentences):
        if not sentence.is_furniture:
            firsts.setdefault(sentence.file, sentence.text)
    for sentence_id, sentence in enumerate(data.sentences):
        if sentence_id % 7 == 0 or data.sentence(sentence_id + 1) is None or \
                data.sentence(sentence_id + 1).file != sentence.file:
            expected = firsts[sentence.file] \
                if len(firsts[sentence.file].split()) <= SUBJECT_WORDS else ""
            assert document_subject(data, sentence_id) == expected
    assert document_subject(data, 0).startswith("Erdogan And Putin Pledge Closer Military Ties")


def test_a_comma_inside_a_number_does_not_end_a_clause():
    """"69,197 were killed" is one clause: cut at its comma, "197 were
    killed" finds no 197 in the source and the claim was refused."""
    source = "The storm of 1911 killed 69,197 people and left 18,222 missing."
    assert clauses("The storm killed 69,197 people, and 18,222 were missing.") == \
        ["The storm killed 69,197 people", " 18,222 were missing."]
    assert unsupported_clause("69,197 were killed by the storm of 1911.", source) is None
    assert unsupported_clause("69,197 were killed, and the wheat harvest was lost.", source) \
        == "the wheat harvest was lost."


@pytest.mark.parametrize("claim,source,held", [
    # A number must stand whole, not inside a longer one.
    ("The town ranked 97th for crime.", "The town ranked 197th for crime.", False),
    ("About 3 people were hurt.", "About 3,000 people were hurt.", False),
    ("It cost $1.2 billion.", "It cost $1.25 billion.", False),
    ("It cost $1.25 billion.", "It cost $1.25 billion.", True),
    ("69,197 were killed.", "The storm killed 69,197 people.", True),
    # Two digits may be a year written short.
    ("The novel inspired activists in the '60s.", "The novel inspired activists in the 1960s.",
     True),
    ("Sales rose in 2013-14.", "Sales rose in the 2013–2014 season.", True),
])
def test_numbers_are_matched_whole(claim, source, held):
    assert holds_terms(claim, source, source) is held


def test_a_claim_may_start_with_a_capitalized_preposition_or_adverb():
    assert key_terms("About 30 people came from Lisbon.")[1] == {"lisbon"}
    assert key_terms("From 1810 the family lived in Warsaw.")[1] == {"warsaw"}
    # A common word that names a place is still a name at the start.
    assert key_terms("Turkey paid for the missiles.")[1] == {"turkey"}


SOLAR = ("The latest approaches to solar design use computer modeling that ties lighting, "
         "heating and ventilation together.")


@pytest.mark.parametrize("claim,common", [
    # An adjective WordNet writes in lower case, of a noun the source holds.
    ("Modern solar design uses computer modeling for lighting and heating.", "modern"),
    # Capitalized in WordNet (a people), it is a name.
    ("Polish solar design uses computer modeling for lighting and heating.", None),
    # Of a noun the source does not hold, it may stand where a name was.
    ("Urban heat islands use computer modeling for lighting and heating.", None),
    # A name, whatever the parser thinks of its first word.
    ("Contoso uses computer modeling for lighting and heating.", None),
])
def test_a_claim_may_open_with_a_common_adjective(claim, common):
    assert common_opening(claim, SOLAR) == common
    assert holds_terms(claim, SOLAR, SOLAR, "", common_opening(claim, SOLAR)) is bool(common)


@pytest.mark.parametrize("claim,source,subject,held", [
    # The title names the person of the cited line in full.
    ("Tomas gave his first concert in 1830.", "Verell gave his first concert in 1830.",
     "Tomas Verell", True),
    ("Tomas gave his first concert in 1830.", "Verell gave his first concert in 1830.", "",
     False),
    # A title's name completes only a name the line writes by its last word.
    ("Dill visits Kill to stay with his aunt.", "Dill visits Maycomb to stay with his aunt.",
     "To Kill a Mockingbird", False),
    ("Tomas gave his first concert in 1830.", "Anna Verell gave her first concert in 1830.",
     "Verell Tomas", False),
])
def test_the_file_title_may_complete_a_name(claim, source, subject, held):
    assert holds_terms(claim, source, source, subject) is held


def test_a_number_of_a_table_row_is_read_by_its_column():
    row, header = "Moorhen | 530 | 88,900", "Ferry | Trips | Passengers"
    assert keeps_columns("In 530 trips the Moorhen carried 88,900 people.", row, header)
    assert keeps_columns("The Moorhen carried 88900 passengers.", row, header)
    assert not keeps_columns("The Moorhen made 88,900 trips, carrying 530 passengers.", row, header)
    # Cells that do not line up with the header, or a number in two columns,
    # say nothing of which column a number is in.
    assert keeps_columns("The Moorhen made 88,900 trips.", row, "Ferry | Trips")
    assert keeps_columns("The Moorhen made 530 trips.", "Moorhen | 530 | 530", header)
