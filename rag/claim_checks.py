"""The checks of meaning a written claim must pass against its cited lines.

Each is a general fact about how statements go wrong, not a rule for one
text: a denial where the source affirms (or the other way round), a change
or a comparison turned around, two people whose roles are swapped, a clause
the source does not hold. The names and numbers a claim must keep are
checked first (`claim_terms`); `claims.ClaimChecker` applies both before it
weighs closeness in meaning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .antonyms import sense_stems
from .claim_terms import CALENDAR_WORDS, SENTENCE_STARTERS, folded_words, key_terms, name_runs, \
    plain_digits
from .keyword import fold, stopwords, tokenize

# Words that deny what follows. Stop-word lists drop them, so word overlap
# and embeddings barely see "did not" or "denied"; they are checked apart.
NEGATIONS = frozenset("""not no never none nothing nobody neither nor without cannot cant
dont doesnt didnt isnt arent wasnt werent wont wouldnt couldnt shouldnt hasnt havent hadnt
deny denies denied refuse refuses refused reject rejects rejected""".split())



def _flips_a_word(claim: str, source_text: str) -> bool:
    """The claim uses the opposite of a source word by a negating prefix
    ("unsolvable" for "solvable", "solvable" for "unsolvable")."""
    claim_words, source_words = set(folded_words(claim)), set(folded_words(source_text))

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


def denied_words(text: str, negations: frozenset[str] = NEGATIONS,
                 two_word: bool = True) -> set[str]:
    """What each negation of `text` bears on: the stem of the next word
    that is not a filler ("did not confirm" -> confirm). `negations` are
    the words read as denials; `two_word`, whether "failed to", "avoided"
    and their kind are read as well."""
    words = folded_words(text)
    denied = set()
    for index, word in enumerate(words):
        partner = DENIES_WITH.get(word) if two_word else None
        if partner is not None and words[index + 1:index + 2] == [partner]:
            after = index + 2
        elif word in negations or (two_word and word in DENIES_NEXT):
            after = index + 1
        else:
            continue
        following = [other for other in words[after:after + 3] if other not in FILLER]
        if following:
            denied.add(_stem(following[0]))
        elif word in negations:  # "failed to" with nothing after it states no denial
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

def unsupported_clause(claim: str, window: str) -> str | None:
    """The first clause of the claim (with CLAUSE_WORDS content words or
    more) that finds less than CLAUSE_SHARE of them in `window`."""
    return next(iter(unsupported_clauses(claim, window)), None)


def unsupported_clauses(claim: str, window: str) -> list[str]:
    """Every clause of the claim that `unsupported_clause` would name."""
    return [clause.strip() for clause in clauses(claim)
            if len(set(tokenize(clause))) >= CLAUSE_WORDS
            and word_share(clause, window) < CLAUSE_SHARE]


def share_in_other_words(clause: str, window: str) -> float:
    """The share of the clause's content words that `window` holds as
    written or as a word that shares one of its senses in WordNet
    (`antonyms.sense_stems`: "separates" for "dividing", "manufactured" for
    "produced"). Only a clause that `unsupported_clauses` names is read so:
    one whose words the window mostly does not share as written. Chosen on
    the training claim pairs: faithful +10 of 1,669, corrupted -2 of 2,331
    (two garbled question-and-answer claims)."""
    words = set(tokenize(clause))
    if not words:
        return 1.0
    held = set(tokenize(window))
    return sum(1 for word in words if word in held or sense_stems(word) & held) / len(words)


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
    source_spans = {(plain_digits(start), plain_digits(end))
                    for start, end in FROM_TO.findall(source_text)}
    return not any((plain_digits(end), plain_digits(start)) in source_spans
                   and (plain_digits(start), plain_digits(end)) not in source_spans
                   for start, end in FROM_TO.findall(claim))


def _comparison(text: str) -> tuple[str, set[str], set[str]] | None:
    """(the comparative word, the content words before "than", those of the
    few words after it) of the first comparison in `text`."""
    words = folded_words(text)
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
    claim_words = set(folded_words(claim)) | set(tokenize(claim))
    source_denies = {word for word in denied_words(source_text)
                     if word in claim_words or word == DENIES_WHAT_CAME_BEFORE}
    return denied_words(claim) == source_denies and not _flips_a_word(claim, source_text)


# Verbs that name a speaker when they follow a name ("Frolov said")...
SAYING = "said|says|told|noted|added|explained|stated|announced"
# ...and, with these, mark an attribution between two names.
SPEECH = re.compile(rf"\b({SAYING}|say|tells|reported|reports|according|called|calling)\b")
PASSIVE = re.compile(r"\b\w+(?:ed|en)\s+by\b")
# Words between two names that end on a relative pronoun: the second may be
# the subject of a clause about the first ("the radio that Rams designed").
OBJECT_RELATIVE = re.compile(r"\b(?:that|which|whom)\s*$")


def _first_positions(folded: str, names: list[str]) -> dict[str, int]:
    """Where each name first stands in `folded`, for names found there."""
    positions = {}
    for name in names:
        match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded)
        if match:
            positions[name] = match.start()
    return positions


def _content_between(text: str, name_words: frozenset[str] = frozenset()) -> bool:
    """Whether `text` holds a content word (a verb, a noun) other than a
    word of a name (`name_words`): between "Best Graphics" and "Best Story"
    there is only "and"."""
    return any(len(word) > 3 and word not in stopwords() and word not in FILLER
               and word not in name_words for word in folded_words(text))


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
                same_part: Callable[[str], bool] | None = None,
                relative_subjects: Callable[[str], frozenset[str]] | None = None) -> bool:
    """Who did what to whom. For two names that stand in the claim and in
    the cited lines (first mentions), with no "said" or the like between
    them (attributions move freely), the one acting must stay the one
    acting: the same order, unless one side is passive ("Erdogan, alerted
    by Moscow"), which turns it around, as a relative clause whose subject
    is the second name does ("the radio that Dieter Rams designed":
    `relative_subjects(text)`, the parser's reading, names them).

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
    name_words = frozenset(word for run in name_runs(claim) for word in run)
    ordered = [name for name in sorted(in_claim, key=in_claim.get) if name not in speakers]
    pairs = [(first, second) for first, second in zip(ordered, ordered[1:])
             if first in in_source and second in in_source
             and _content_between(claim_folded[in_claim[first] + len(first):in_claim[second]],
                                  name_words)]

    def orientation(text: str, folded: str, at: dict[str, int], first: str,
                    second: str) -> bool | None:
        low, high = sorted((at[first], at[second]))
        between = folded[low:high]
        if SPEECH.search(between):
            return None
        turned = bool(PASSIVE.search(between))
        later = first if at[first] > at[second] else second
        if relative_subjects is not None and OBJECT_RELATIVE.search(between) and \
                later in relative_subjects(text):
            turned = not turned
        return (at[first] < at[second]) != turned

    def words_between(folded: str, at: dict[str, int], first: str, second: str) -> set[str]:
        (low_name, low), (_, high) = sorted(((first, at[first]), (second, at[second])),
                                            key=lambda item: item[1])
        return set(tokenize(folded[low + len(low_name):high]))

    # A word inside a name ("Wii" of "Wii U") plays no part of its own in
    # the parser's reading (`syntax.name_roles`); the last word of its run of
    # capitalized words ("U") may vouch for it. In "the Emperor of China"
    # that word, "China", plays none either, so there the word itself must.
    last_word = {word: run[-1] for run in name_runs(claim) for word in run}
    for first, second in pairs:
        claim_way = orientation(claim, claim_folded, in_claim, first, second)
        source_way = orientation(source_text, source_folded, in_source, first, second)
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
