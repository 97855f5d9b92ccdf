"""The checks a written claim must pass against its cited lines.

Each is a general fact about how statements go wrong, not a rule for one
text: a number or a name that is not there, a denial where the source
affirms (or the other way round), two people whose roles are swapped, a
clause the source does not hold. `claims.ClaimChecker` applies them before
it weighs closeness in meaning.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from .answer_shape import YEAR
from .antonyms import other_names
from .keyword import fold, stopwords, tokenize

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


def _number_words_hold(claim: str, source_text: str) -> bool:
    """A number written as a word ("third batch", "two leaders") stands in
    the source as that word or in digits."""
    source_words = set(_words(source_text))
    source_numbers = set(NUMBER.findall(_digits(source_text)))
    return all(word in source_words or NUMBER_WORDS[word] in source_numbers
               for word in _words(claim) if word in NUMBER_WORDS)


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


def _digits(text: str) -> str:
    return re.sub(r"(?<=\d)[.,](?=\d)", "", text)


def holds_terms(claim: str, number_text: str, name_text: str, subject: str = "") -> bool:
    """Every number of the claim is in `number_text` and every name in
    `name_text` (the cited lines with what they need around them). Dates and
    model numbers ("Su-57") must be in `number_text`; of the other names,
    one (of at most two words, "Andrei Frolov") may come from around. A
    name of `subject` (the file's title) completes one the cited lines
    write by its last word; a name may be abbreviated on either side."""
    numbers, names = key_terms(claim, number_text)
    digits = _digits(number_text)
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


def missing_numbers(text: str, source_text: str) -> list[str]:
    """The numbers of `text` (digits, as `key_terms` finds them, and names
    written with digits: "S-400", "Su-57") that `source_text` does not hold."""
    numbers, names = key_terms(text, source_text)
    folded, digits = fold(source_text), _digits(source_text)
    return sorted(number for number in numbers if not _number_in(number, digits)) + sorted(
        name for name in names if any(char.isdigit() for char in name)
        and not _name_in(name, folded))


def _has_digit_and_letter(name: str) -> bool:
    return any(char.isdigit() for char in name) and any(char.isalpha() for char in name)


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
    return {word for run in _name_runs(subject) if run[-1] in written for word in run}


# Words that may stand inside a name between capitalized ones ("City of New
# York", "Crazy in Love"); they never start one.
NAME_JOINERS = frozenset("of in the de du von van der la le for on at".split())
NAME_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")


def _name_runs(text: str) -> list[list[str]]:
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
    for run in _name_runs(source_text):
        in_order.update((first, second) for index, first in enumerate(run)
                        for second in run[index + 1:] if first != second)
    for run in _name_runs(claim):
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
    for run in _name_runs(text):
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


# Words that deny what follows. Stop-word lists drop them, so word overlap
# and embeddings barely see "did not" or "denied"; they are checked apart.
NEGATIONS = frozenset("""not no never none nothing nobody neither nor without cannot cant
dont doesnt didnt isnt arent wasnt werent wont wouldnt couldnt shouldnt hasnt havent hadnt
deny denies denied refuse refuses refused reject rejects rejected""".split())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", fold(text).replace("n't", "nt").replace("n’t", "nt"))


def _flips_a_word(claim: str, source_text: str) -> bool:
    """The claim uses the opposite of a source word by a negating prefix
    ("unsolvable" for "solvable", "solvable" for "unsolvable")."""
    claim_words, source_words = set(_words(claim)), set(_words(source_text))

    def opposite(words: set[str], others: set[str]) -> bool:
        for word in words:
            for prefix in ("un", "in", "im", "non", "dis"):
                root = word[len(prefix):]
                if word.startswith(prefix) and len(root) >= 4 and root in others - words:
                    return True
        return False

    return opposite(claim_words, source_words) or opposite(source_words, claim_words)


# Words a negation may be followed by without saying what it denies.
FILLER = frozenset("the a an to be been is are was were it its that this of so very "
                   "in on at".split())


# What a negation with nothing after it bears on ("... and Putin said it
# could not."): what came before it.
DENIES_WHAT_CAME_BEFORE = "<before>"


# Two-word denials: the word denies what follows only with its partner
# after it ("failed to reach", "yet to receive", "instead of silver"); alone
# it states something ("the bank failed", "not yet"). Verbs that say their
# complement did not happen ("declined to screen", "refrained from
# voting"), as "fail to" does, are of this kind.
DENIES_WITH = {"unable": "to", "yet": "to", "instead": "of", "rather": "than",
               **{form: "to" for form in ("fail fails failed refuse refuses refused decline "
                                          "declines declined neglect neglects neglected "
                                          "forget forgets forgot").split()},
               **{form: "from" for form in "refrain refrains refrained".split()}}
# ...and verbs that deny the next word outright ("avoided extending").
DENIES_NEXT = frozenset("avoid avoids avoided".split())


def _denied(text: str) -> set[str]:
    """What each negation of `text` bears on: the stem of the next word
    that is not a filler ("did not confirm" -> confirm)."""
    words = _words(text)
    denied = set()
    for index, word in enumerate(words):
        partner = DENIES_WITH.get(word)
        if partner is not None and words[index + 1:index + 2] == [partner]:
            after = index + 2
        elif word in NEGATIONS or word in DENIES_NEXT:
            after = index + 1
        else:
            continue
        following = [other for other in words[after:after + 3] if other not in FILLER]
        if following:
            denied.add(_stem(following[0]))
        elif word in NEGATIONS:  # "failed to" with nothing after it states no denial
            denied.add(DENIES_WHAT_CAME_BEFORE)
    return denied


def _stem(word: str) -> str:
    tokens = tokenize(word)
    return tokens[0] if tokens else word


# A comma or colon between digits ("69,197", "02:28") is part of a number.
CLAUSE_BREAK = re.compile(r"(?<!\d)[,:]|[,:](?!\d)|[;()\[\]“”\"—–]|"
                          r"\b(?:and|but|while|although|though|whereas)\b")
# Each clause of a claim with this many content words must find at least
# this share of them in its sources: an invented clause joined by "and"
# to a supported one is caught on its own.
CLAUSE_WORDS = 3
CLAUSE_SHARE = 0.5
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
    subject_words = {word for run in _name_runs(subject) for word in run}
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


def unsupported_clause(claim: str, window: str) -> str | None:
    """The first clause of the claim (with CLAUSE_WORDS content words or
    more) that finds less than CLAUSE_SHARE of them in `window`."""
    return next(iter(unsupported_clauses(claim, window)), None)


def unsupported_clauses(claim: str, window: str) -> list[str]:
    """Every clause of the claim that `unsupported_clause` would name."""
    return [clause.strip() for clause in clauses(claim)
            if len(set(tokenize(clause))) >= CLAUSE_WORDS
            and word_share(clause, window) < CLAUSE_SHARE]


def clauses(text: str) -> list[str]:
    return [part for part in CLAUSE_BREAK.split(text) if part and re.search(r"\w", part)]


# "from 31% to 65%", "from $2 billion to $3.5 billion", "from 1990 to 2004":
# a change or a span with a number at each end (a word or two of unit between).
FROM_TO = re.compile(r"\bfrom\s+(?:[^\s\d]+\s+){0,2}?\D{0,2}(\d+(?:[.,]\d+)*)\S*"
                     r"(?:\s+[^\s\d]+){0,2}?\s+to\s+(?:[^\s\d]+\s+){0,2}?\D{0,2}"
                     r"(\d+(?:[.,]\d+)*)")


def keeps_direction(claim: str, source_text: str) -> bool:
    """A change or span the claim gives "from" one number "to" another
    runs the source's way: "fell from 65% to 31%" against "rose from 31%
    to 65%" turns the change around, whatever verb the claim chose."""
    source_spans = {(_digits(start), _digits(end))
                    for start, end in FROM_TO.findall(source_text)}
    return not any((_digits(end), _digits(start)) in source_spans
                   and (_digits(start), _digits(end)) not in source_spans
                   for start, end in FROM_TO.findall(claim))


def _comparison(text: str) -> tuple[str, set[str], set[str]] | None:
    """(the comparative word, the content words before "than", those of the
    few words after it) of the first comparison in `text`."""
    words = _words(text)
    if "than" not in words:
        return None
    at = words.index("than")
    comparative = next((word for word in reversed(words[max(0, at - 4):at])
                        if word in ("more", "less", "fewer") or word.endswith("er")), None)
    if comparative is None:
        return None

    def content(part: list[str]) -> set[str]:
        kept = [word for word in part if word not in SENTENCE_STARTERS and word not in FILLER
                and word != comparative]
        return set(tokenize(" ".join(kept)))

    return comparative, content(words[:at]), content(words[at + 1:at + 6])


def keeps_comparison(claim: str, source_text: str) -> bool:
    """A comparison keeps its sides: with the same comparative word ("more
    folk features than"), what the claim puts after "than" must not be
    what the source compares against it ("the works show more than the
    mazurkas" for "the mazurkas show more than the works"). With another
    word ("fewer" for "more") the sides may turn, and are left alone."""
    in_claim, in_source = _comparison(claim), _comparison(source_text)
    if in_claim is None or in_source is None or in_claim[0] != in_source[0]:
        return True
    _, _, claim_after = in_claim
    _, source_before, source_after = in_source
    return not (claim_after & source_before and not claim_after & source_after)


def same_polarity(claim: str, source_text: str) -> bool:
    """The claim denies just what the source denies of what the claim speaks
    of, and affirms the rest, with no word turned into its opposite.

    Denials are compared word by word, not as one yes/no per text: "Waltz
    has not signed on, though it depends on whether or not Craig returns"
    denies the signing, which its source affirms, even though the source
    holds a "not" too. A source sentence may deny other things as well;
    only its denials of words the claim holds count."""
    claim_words = set(_words(claim)) | set(tokenize(claim))
    source_denies = {word for word in _denied(source_text)
                     if word in claim_words or word == DENIES_WHAT_CAME_BEFORE}
    return _denied(claim) == source_denies and not _flips_a_word(claim, source_text)


CALENDAR_WORDS = frozenset("""january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday""".split())
# Verbs that name a speaker when they follow a name ("Frolov said")...
SAYING = "said|says|told|noted|added|explained|stated|announced"
# ...and, with these, mark an attribution between two names.
SPEECH = re.compile(rf"\b({SAYING}|say|tells|reported|reports|according|called|calling)\b")
PASSIVE = re.compile(r"\b\w+(?:ed|en)\s+by\b")


def _first_positions(folded: str, names: list[str]) -> dict[str, int]:
    """Where each name first stands in `folded`, for names found there."""
    positions = {}
    for name in names:
        match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded)
        if match:
            positions[name] = match.start()
    return positions


def _content_between(text: str) -> bool:
    return any(len(word) > 3 and word not in stopwords() and word not in FILLER
               for word in _words(text))


def _speakers(folded: str, positions: dict[str, int]) -> set[str]:
    """Names that are someone speaking: right before a verb of saying
    ("Frolov said", "Ismail Demir, ..., said") or after "according to"."""
    speakers = set()
    for name, at in positions.items():
        after = folded[at + len(name):at + len(name) + 80]
        if re.match(rf"[^.;:]{{0,60}}?\b({SAYING})\b", after) or re.search(r"according to\s+(\w+\s+){0,2}$", folded[max(0, at - 30):at]):
            speakers.add(name)
    return speakers


def keeps_roles(claim: str, source_text: str,
                same_part: Callable[[str], bool] | None = None) -> bool:
    """Who did what to whom. For two names that stand in the claim and in
    the cited lines (first mentions), with no "said" or the like between
    them (attributions move freely), the one acting must stay the one
    acting: the same order, unless one side is passive ("Erdogan, alerted
    by Moscow"), which turns it around.

    A sentence put in another order turns the names around too ("During
    the long Lisbon strike, Contoso lent money to Northwind" for "Contoso
    lent money to Northwind during the long Lisbon strike"); what tells it
    from a swap is that the words between the names moved with them
    (not all of the claim's are between them in the source) while a name
    kept its part in the sentence: `same_part(name)` (the parser's reading,
    `syntax.plays_same_part`) says so for one of the two."""
    claim_folded, source_folded = fold(claim), fold(source_text)
    # Dates and model numbers are not actors.
    names = sorted(name for name in key_terms(claim, source_text)[1]
                   if name not in CALENDAR_WORDS and not any(char.isdigit() for char in name))
    in_claim = _first_positions(claim_folded, names)
    in_source = {name: at for name, at in _first_positions(source_folded, names).items()
                 if len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", source_folded)) == 1}
    # Neighbouring names in the claim with a content word (a verb) between
    # them: an actor and the one acted on, not two words of one name, items
    # of a list or a thing and its owner. A speaker is no actor here.
    speakers = _speakers(claim_folded, in_claim) | _speakers(source_folded, in_source)
    ordered = [name for name in sorted(in_claim, key=in_claim.get) if name not in speakers]
    pairs = [(first, second) for first, second in zip(ordered, ordered[1:])
             if first in in_source and second in in_source
             and _content_between(claim_folded[in_claim[first] + len(first):in_claim[second]])]

    def orientation(folded: str, first: int, second: int) -> bool | None:
        low, high = sorted((first, second))
        between = folded[low:high]
        if SPEECH.search(between):
            return None
        return (first < second) != bool(PASSIVE.search(between))

    def words_between(folded: str, at: dict[str, int], first: str, second: str) -> set[str]:
        (low_name, low), (_, high) = sorted(((first, at[first]), (second, at[second])),
                                            key=lambda item: item[1])
        return set(tokenize(folded[low + len(low_name):high]))

    # A word inside a name ("Wii" of "Wii U") plays no part of its own in
    # the parser's reading (`syntax.name_roles`); the last word of its run of
    # capitalized words ("U") may vouch for it. In "the Emperor of China"
    # that word, "China", plays none either, so there the word itself must.
    last_word = {word: run[-1] for run in _name_runs(claim) for word in run}
    for first, second in pairs:
        claim_way = orientation(claim_folded, in_claim[first], in_claim[second])
        source_way = orientation(source_folded, in_source[first], in_source[second])
        if claim_way is None or source_way is None or claim_way == source_way:
            continue
        moved = not words_between(claim_folded, in_claim, first, second) <= \
            words_between(source_folded, in_source, first, second)
        if moved and same_part is not None and any(
                same_part(word) for word in {first, second, last_word.get(first, first),
                                             last_word.get(second, second)}):
            continue
        return False
    return True


def word_share(claim: str, source_text: str) -> float:
    claim_tokens = set(tokenize(claim))
    if not claim_tokens:
        return 1.0
    return len(claim_tokens & set(tokenize(source_text))) / len(claim_tokens)
