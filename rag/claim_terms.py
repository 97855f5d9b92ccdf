"""The names and numbers a written claim must keep, and where they may come from.

A claim that names a number, a date or a name its cited lines do not hold
is not supported by them, however close in meaning. But a name may stand
around the lines rather than in them: the person a "he" of the line stands
for, named in the sentence before; the file's subject, named in its title
("the film" of a file titled "Spectre (2015 film)"); a name written out
where the line abbreviates it ("New York City" for "NYC"). These checks say
what counts as holding a name; `claims.ClaimChecker` decides which text
around the cited lines each may read, and `claim_checks` holds the checks
of meaning that follow.
"""

from __future__ import annotations

import os
import re

from .answer_shape import YEAR
from .antonyms import other_names
from .keyword import fold, stopwords

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NAME = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z0-9]|\b[A-Z]\b")
SENTENCE_STARTERS = frozenset("""the a an this that these those it its he she they we i in on at
for by of as but and or if when while after before since during yes no according however
also there their his her our some many most all both""".split())
# Words of a closed class (prepositions, adverbs of degree and time) that a
# claim may start with, capitalized, without naming anything: "About 30
# ...", "From 1810 ...". Not common words at large: "Turkey" and "Apple"
# start sentences as names.
LEADING_WORDS = frozenset("""about approximately around nearly almost roughly some over under
from to with without within between among through throughout until till towards toward
into onto upon across along amid despite because although though unless whether once
then now today yesterday only just even still already besides rather instead thus
hence therefore meanwhile later earlier soon ago where who whom whose which what how why
each every either neither several few more less""".split())


NUMBER_WORDS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
NUMBER_WORDS.update({word: str(value) for value, word in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)})


def folded_words(text: str) -> list[str]:
    """The words of `text`, folded, "n't" written "nt" ("didnt")."""
    return re.findall(r"[a-z]+", fold(text).replace("n't", "nt").replace("n’t", "nt"))


def _number_words_hold(claim: str, source_text: str) -> bool:
    """A number written as a word ("third batch", "two leaders") stands in
    the source as that word or in digits."""
    source_words = set(folded_words(source_text))
    source_numbers = set(NUMBER.findall(plain_digits(source_text)))
    return all(word in source_words or NUMBER_WORDS[word] in source_numbers
               for word in folded_words(claim) if word in NUMBER_WORDS)


def key_terms(claim: str, source_text: str = "") -> tuple[set[str], set[str]]:
    """Numbers (digits only) and names (capitalized words not merely
    starting the sentence) that a supporting source must contain. A word
    merely starts the sentence when it is a common starter ("The", "In"),
    or when `source_text` writes it only in lower case: "Following the
    floods, ..." put first what the source says "... following the
    floods"."""
    numbers = {re.sub(r"[.,]", "", number) for number in NUMBER.findall(claim)}
    names = set()
    for match in NAME.finditer(claim):
        word = match.group()
        at_start = claim[:match.start()].strip() == "" or claim[:match.start()].rstrip()[-1:] in ".!?:\"“"
        if at_start and (word.lower() in SENTENCE_STARTERS | LEADING_WORDS or
                         _only_lower_case(word, source_text)):
            continue
        names.add(re.sub(r"'s$", "", fold(word)))
    return numbers, names


def _only_lower_case(word: str, text: str) -> bool:
    return bool(re.search(rf"\b{re.escape(word.lower())}\b", text)) and \
        not re.search(rf"\b{re.escape(word)}\b", text)


def _name_in(name: str, folded_text: str) -> bool:
    """Whether `name` (folded) is a word of `folded_text`, or shares its stem
    with one the way a people's or a language's name does with its country's
    ("Russian" / "Russia", "Turkish" / "Turkey"): a common start of at least
    four letters that leaves at most three letters of either word over; or
    whether the text writes it another way WordNet knows ("TV" /
    "television", "US" / "United States")."""
    if _word_in(name, folded_text):
        return True
    if any(same_name(name, word) for word in set(re.findall(r"[a-z]{4,}", folded_text))):
        return True
    return any(_word_in(other, folded_text) for other in other_names(name))


def _word_in(word: str, folded_text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded_text) is not None


def same_name(first: str, second: str) -> bool:
    """Two folded words name one thing: equal, or of one stem (a common
    start of at least four letters that leaves at most three letters of
    either over: "Russian" / "Russia", "Normans" / "Norman")."""
    if first == second:
        return True
    if not (first.isalpha() and second.isalpha()):
        return False
    common = len(os.path.commonprefix([first, second]))
    return common >= 4 and max(len(first), len(second)) - common <= 3


def _number_in(number: str, digits: str) -> bool:
    """Whether `number` stands whole in `digits` ("97th" is not in "197th",
    nor "3" in "3,000"), or as the short form of a year there ("'60s" for
    "1960s", "2013-14" for "2013–2014")."""
    century = r"(?:\d\d)?" if len(number) == 2 else ""
    return re.search(rf"(?<!\d){century}{number}(?!\d)", digits) is not None


def plain_digits(text: str) -> str:
    return re.sub(r"(?<=\d)[.,](?=\d)", "", text)


def holds_terms(claim: str, number_text: str, name_text: str, subject: str = "",
                common_opening: str | None = None) -> bool:
    """Every number of the claim is in `number_text` and every name in
    `name_text` (the cited lines with what they need around them). Dates and
    model numbers ("Su-57") must be in `number_text`; of the other names,
    one (of at most two words, "Andrei Frolov") may come from around. A
    name of `subject` (the file's title) completes one the cited lines
    write by its last word; a name may be abbreviated on either side.
    `common_opening` is the claim's first word when the parser reads it as
    a common word (`syntax.common_opening`): capitalized, it names nothing."""
    numbers, names = key_terms(claim, number_text)
    names.discard(common_opening)
    digits = plain_digits(number_text)
    if not all(_number_in(number, digits) for number in numbers) or \
            not _number_words_hold(claim, number_text):
        return False
    strict, around = fold(number_text), fold(name_text)
    missing = [name for name in names if not _name_in(name, strict)]
    if missing:  # a name may be written out where the source abbreviates it, or the other way
        spelled = _abbreviated(claim, number_text)
        missing = [name for name in missing if name not in spelled]
    if missing and subject:
        completed = _completed_names(subject, number_text)
        missing = [name for name in missing if name not in completed]
    return len(missing) <= 2 and all(
        name not in CALENDAR_WORDS and not any(char.isdigit() for char in name)
        and _name_in(name, around) for name in missing)


ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
ORDINAL_WORDS = dict(enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1))


def _model_form(folded_text: str) -> str:
    """A name written with digits as people also type it: without the
    hyphen ("s400" for "s-400") and without a plural's "s" ("s-400s",
    "f-35s" are that model, many times)."""
    return re.sub(r"(?<=\d)s\b", "", re.sub(r"(?<=[a-z])-(?=\d)", "", folded_text))


def missing_numbers(text: str, source_text: str) -> list[str]:
    """The numbers of `text` (digits, as `key_terms` finds them, and names
    written with digits: "S-400", "Su-57") that `source_text` does not hold,
    in any of the ways it may be written: "S-400s" and "S400" are "S-400",
    "2nd" is "second"."""
    if not any(char.isdigit() for char in text):
        return []  # most questions and claims name no number: the source need not be read
    numbers, names = key_terms(text, source_text)
    folded, digits = fold(source_text), plain_digits(source_text)
    ordinals = {match.group(1) for match in ORDINAL.finditer(text)}
    models = _model_form(folded)
    return sorted(number for number in numbers if not _number_in(number, digits) and not (
        number in ordinals and _word_in(ORDINAL_WORDS.get(int(number), "-"), folded))) + sorted(
        name for name in names if any(char.isdigit() for char in name)
        and not _name_in(name, folded) and not _word_in(_model_form(name), models))


def _has_digit_and_letter(name: str) -> bool:
    return any(char.isdigit() for char in name) and any(char.isalpha() for char in name)


def replaces_a_named_number(text: str, source_text: str) -> bool:
    """Whether `source_text` lacks a name written with digits and letters
    of `text` ("S-400") and holds another such name instead ("F-35"); a
    variant that writes one inside the other ("F-35A" for "F-35") is no
    other thing, while another number is ("MI66" for "MI6")."""
    missing = [item for item in missing_numbers(text, source_text) if _has_digit_and_letter(item)]
    if not missing:
        return False
    _, names = key_terms(source_text)
    return any(_has_digit_and_letter(name) and not any(
        _variant(item, name) or _variant(name, item) for item in missing) for name in names)


def _variant(name: str, longer: str) -> bool:
    """Whether `longer` is `name` with letters added, no digits ("f-35a")."""
    return name in longer and not any(char.isdigit() for char in longer.replace(name, "", 1))


def replaces_a_number(text: str, source_text: str) -> bool:
    """Whether `source_text` lacks a year or a name written with digits of
    `text` and holds another of the same kind instead: a line about the
    "F-35" where the question asks about the "S-400", or about 2010 where
    it asks about 2008, is most likely about the other thing."""
    missing = missing_numbers(text, source_text)
    if not missing:
        return False
    numbers, names = key_terms(source_text)
    for item in missing:
        if _has_digit_and_letter(item):
            if any(_has_digit_and_letter(name) and name != item for name in names):
                return True
        elif YEAR.match(item) and any(YEAR.match(number) and number != item
                                      for number in numbers):
            return True
    return False


def _completed_names(subject: str, text: str) -> set[str]:
    """The words of each name of `subject` (several words) whose last word
    the text writes as a name: "Frédéric Chopin" in a file's title lets a
    claim call the "Chopin" of a cited line "Frédéric"."""
    written = {re.sub(r"['’]s$", "", fold(word)) for word in re.findall(r"\b[A-Z][\w'’-]*", text)}
    return {word for run in name_runs(subject) if run[-1] in written for word in run}


# Words that may stand inside a name between capitalized ones ("City of New
# York", "Crazy in Love"); they never start one.
NAME_JOINERS = frozenset("of in the de du von van der la le for on at".split())
NAME_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")


def name_runs(text: str) -> list[list[str]]:
    """The words (folded, without "'s") of each name of two words or more
    in `text`: capitalized words in a row, joined by nothing or by joiners;
    any other word or mark ends one."""
    runs, current = [], []
    for token in NAME_TOKEN.findall(text):
        if token.lower() in NAME_JOINERS:
            continue  # inside a name, or before one: neither ends it
        if (token[0].isalpha() and token[0].isupper()) or (token[0].isdigit() and current):
            current.append(re.sub(r"['’]s$", "", fold(token)))
        else:
            runs.append(current)
            current = []
    runs.append(current)
    return [run for run in runs if len(run) >= 2]


def keeps_names_whole(claim: str, source_text: str) -> bool:
    """The words of each name of the claim stand in the source's names in
    the same order: "Child's Destiny" or "the Civil Affairs of Sichuan
    Ministry" is not a name of a source that says "Destiny's Child" and "the
    Sichuan Ministry of Civil Affairs", though each word is there. Only an
    order the source shows turned around counts; a word twice in one name
    ("New York Giants, New York Jets" run together) is left out."""
    in_order = set()
    for run in name_runs(source_text):
        in_order.update((first, second) for index, first in enumerate(run)
                        for second in run[index + 1:] if first != second)
    for run in name_runs(claim):
        for first, second in zip(run, run[1:]):
            if run.count(first) == 1 and run.count(second) == 1 and \
                    (second, first) in in_order and (first, second) not in in_order:
                return False
    return True


# A name written in capitals ("NYC", "CFO") or capitals with stops ("U.S.").
ABBREVIATION = re.compile(r"\b[A-Z]{2,6}\b|\b(?:[A-Z]\.){2,5}")


def _abbreviations(text: str) -> dict[str, str]:
    """Each abbreviation of `text` by its folded letters ("U.S." -> us)."""
    return {re.sub(r"\W", "", found).lower(): found for found in ABBREVIATION.findall(text)}


def _initials(text: str) -> dict[str, list[str]]:
    """The folded initials of each stretch of two or more words in a row of
    each name of `text` ("New York City" -> nyc, ny, yc: CUNY leaves "of"
    out), with the words they stand for."""
    spelled = {}
    for run in name_runs(text):
        for start in range(len(run)):
            for end in range(start + 2, len(run) + 1):
                spelled.setdefault("".join(word[0] for word in run[start:end]), run[start:end])
    return spelled


def _abbreviated(claim: str, source_text: str) -> set[str]:
    """Names of the claim (folded, as `key_terms` gives them) that the
    source holds in another form: an abbreviation of the claim ("NYC",
    "U.S.") spelling a name of the source ("New York City") or written
    otherwise there ("US"), or each word of a name of the claim ("Chief
    Financial Officer") that the source abbreviates ("CFO")."""
    held = set()
    source_names, source_abbreviations = _initials(source_text), _abbreviations(source_text)
    for letters, written in _abbreviations(claim).items():
        if letters in source_names or letters in source_abbreviations:
            # "U.S." is two one-letter names to `key_terms`, "US" one.
            held.update(set(letters) if "." in written else {letters})
    for initials, words in _initials(claim).items():
        if initials in source_abbreviations:
            held.update(words)
    return held

# A sentence that points back to a person ("he said", "we have paid", "the
# Turkish president") may take a name or a number from the sentences before.
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
POINTS_BACK = re.compile(r"\b(he|she|him|her|his|we|our|i|my|me)\b|"
                         r"\bthe (?:\w+ )?(?:president|minister|secretary|leader|official|"
                         r"spokesman|spokeswoman|spokesperson|chief|head|director|analyst|"
                         r"ambassador|king|queen|chancellor|general|author|company|government)\b")


def _pointing_words(text: str) -> list[str]:
    return POINTS_BACK.findall(text.lower().replace("u.s.", ""))


def points_back(cited: str) -> bool:
    """Whether cited lines point back to a person named before them. A
    pronoun inside a quotation is the quoted speaker's, named in the
    sentence itself or not: only those outside quotes count."""
    return bool(_pointing_words(QUOTED.sub(" ", cited)))


def names_the_title_it_points_to(claim: str, cited: str, subject: str) -> bool:
    """Whether the cited lines point to the file's subject by a word of its
    title ("the film" in a file titled "Spectre (2015 film)", "the city" in
    "New York City") and the claim drops that phrase, naming the subject
    instead ("Spectre opened with ...")."""
    words = {word for word in re.findall(r"[a-z]{3,}", fold(subject)) if word not in stopwords()}
    claim_folded, cited_folded = fold(claim), fold(cited)
    return any(len(re.findall(rf"\bthe {word}\b", claim_folded))
               < len(re.findall(rf"\bthe {word}\b", cited_folded)) for word in words)


OWNED = re.compile(r"\b([A-Z][\w-]*)['’]s\s+([a-z]+)")


def names_the_owner_it_leaves_out(claim: str, cited: str, subject: str) -> bool:
    """Whether the claim gives a noun of the cited lines an owner named in
    the file's title where they give it "the": "Chopin's funeral" for "the
    funeral" in a file titled "Frédéric Chopin", whose every "the funeral"
    is his."""
    subject_words = {word for run in name_runs(subject) for word in run}
    cited_folded = fold(cited)
    return any(fold(owner) in subject_words
               and re.search(rf"\bthe {re.escape(noun)}\b", cited_folded) is not None
               for owner, noun in OWNED.findall(claim))


def keeps_every_name(claim: str, cited: str) -> bool:
    """Whether the claim holds every name of its cited lines. Such a claim
    may name the file's subject besides ("Chopin told a pupil ..." for
    "The composer himself said to a pupil ..." in a file titled "Frédéric
    Chopin"); one that puts the subject in place of a name of the lines
    drops that name, and is still refused. Letting the subject's names into
    any claim let 23 more training corruptions through. A claim that drops
    an "it" of the lines is left to `syntax.subject_pronoun_opens`: the
    "it" may be something the line names ("The theme song ...; it won")."""
    folded = fold(claim)
    return all(_name_in(name, folded) for name in key_terms(cited, claim)[1])


def names_what_it_points_to(claim: str, cited: str) -> bool:
    """Whether the claim names someone its cited lines only point to: it
    holds fewer pointing words ("he", "we", "the president") than they do,
    as "Chopin was visited by Jenny Lind" does of "he was visited by Jenny
    Lind". A claim that keeps every pronoun and brings in a new name
    replaced a name instead."""
    return len(_pointing_words(claim)) < len(_pointing_words(cited))


# Pronouns that stand for a thing or a group, not a person ("he" is above).
THING_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
THING_POINTERS = re.compile(rf"\b(?:{'|'.join(sorted(THING_PRONOUNS))})\b")


def names_the_thing_it_points_to(claim: str, cited: str) -> bool:
    """Whether the claim holds fewer of "it", "its", "they", "them", "their"
    than its cited lines, so may name what they stand for ("Solar Impulse
    took off" for "It took off"); one that keeps them all and brings in a
    new name replaced a name instead."""
    return len(THING_POINTERS.findall(claim.lower())) < len(THING_POINTERS.findall(cited.lower()))

CALENDAR_WORDS = frozenset("""january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday""".split())
