"""Typing mistakes in a question, read as the indexed word they miss by one letter.

"Where was the secnd batch delivred?" matches nothing by keyword and little
by meaning: the encoder splits an unknown spelling into pieces that mean
something else. A question word is corrected only when all of these hold:
- it is neither a word of the indexed texts nor a common English word
  (wordfreq's Zipf frequency below `KNOWN_ZIPF`), so a rare but real word
  or a name the documents do not hold is left alone, and "not found" stays
  the answer to a question about something they never mention;
- one edit (a letter dropped, added, changed, or two swapped) turns it
  into a word of the indexed texts; of several, the one most texts hold.
Corrections are made against the index's keyword statistics
(`IndexView.idf`), so they follow the collection as it changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .answer_shape import QUESTION_WORDS
from .keyword import content_words, fold, stopwords, zipf

# Zipf frequency (wordfreq: log10 of occurrences per billion words) at or
# above which a word is English and never read as a typing mistake: rare
# real words ("derided", "minster", "facet") score 2 to 3, and reading them
# as commoner neighbours ("decided", "monster", "fact") changes the
# question. The commonest misspellings ("definately", 2.9) are left as typed.
KNOWN_ZIPF = 2.0
MIN_LETTERS = 4  # shorter words have too many neighbours one edit away
# A question longer than this is pasted text, not typed: left as it is (and
# a 100 KB question costs no spelling work).
MAX_WORDS = 60
# A word English knows (Zipf above 0) is read as another only when that one
# is at least this much commoner (ten times as frequent): "betwen" (1.8)
# as "between" (5.8), but not "unlivable" (1.9) as "unlikable" (2.2).
COMMONER_BY = 1.0
# A capitalized word (after the first) is a name: it is not read as a word
# this common ("Hanz" is no "hand", "L'Americain" no "American").
NAME_ZIPF = 5.0
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Words, with an apostrophe inside kept ("wasn't" is not "wasn" and "t").
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
POSSESSIVE = re.compile(r"['’]s$")
# Words joined by a dot or an underscore with no space ("Cargo.toml",
# "main.rs", "serde_json"): a file, module or identifier's name, which the
# keyword index keeps whole; its parts are no typed words ("toml" is not a
# mistyped "tool").
JOINED_NAME = re.compile(r"\w+(?:[._]\w+)+")


def one_edit_away(word: str) -> set[str]:
    """Every spelling one edit from `word` (lower-case letters a-z)."""
    splits = [(word[:cut], word[cut:]) for cut in range(len(word) + 1)]
    dropped = {left + right[1:] for left, right in splits if right}
    swapped = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    changed = {left + letter + right[1:] for left, right in splits if right for letter in LETTERS}
    added = {left + letter + right for left, right in splits for letter in LETTERS}
    return (dropped | swapped | changed | added) - {word}


def corrections(question: str, idf: Callable[[list[str]], dict[str, float]]) -> dict[str, str]:
    """{misspelled word: indexed word} for the question's typing mistakes.
    `idf` is the index view's: a stem in no indexed text gets the highest
    value, so a lower one means the collection holds it."""
    matches = list(WORD.finditer(question))
    if len(matches) > MAX_WORDS:  # pasted text, not a typed question
        return {}
    in_names = [range(*name.span()) for name in JOINED_NAME.finditer(question)]
    matches = [match for match in matches
               if not any(match.start() in span for span in in_names)]
    if not matches:
        return {}
    words = {_base(match.group()) for match in matches}
    words = {word for word in words
             if len(word) >= MIN_LETTERS and word.isascii() and word.isalpha()}
    if not words:
        return {}
    first = _base(matches[0].group())
    # Capitalized after the first word: a name, to be read as a name.
    named = {_base(match.group()) for match in matches[1:] if match.group()[:1].isupper()}
    stems = {word: _stem(word) for word in words}
    absent = idf(["\x00absent"])["\x00absent"]  # the value of a stem in no text
    in_texts = idf(sorted(set(stems.values())))
    unknown = [word for word in sorted(words)
               if in_texts.get(stems[word], absent) >= absent and zipf(word) < KNOWN_ZIPF]
    found = {}
    for word in unknown:
        near = one_edit_away(word)
        # What was meant is much commoner than what was typed; a spelling
        # never seen in English may be any word the documents hold.
        floor = zipf(word) + COMMONER_BY if zipf(word) > 0 else 0.0
        ceiling = NAME_ZIPF if word in named else float("inf")

        def fits(candidate: str) -> bool:
            return floor <= zipf(candidate) < ceiling

        # A function word one edit away ("hteir" for "their") is what was
        # meant far more often than a rarer content word ("heir"); the
        # keyword index holds no function words, so it is looked for apart.
        # A question's first word is most often a question word ("Whre" is
        # "Where", not the commoner "were"): one is taken first, here and below.
        function = sorted((candidate for candidate in near & stopwords() if fits(candidate)),
                          key=lambda candidate: (not (word == first and candidate in QUESTION_WORDS),
                                                 -zipf(candidate), candidate))
        if function and word not in named:
            found[word] = function[0]
            continue
        # Only spellings English has seen are looked up (a few dozen of the
        # hundreds one edit away: each lookup may be a query to a remote
        # index), except for a name, which the documents may spell as
        # nothing else does.
        candidates = {candidate: _stem(candidate) for candidate in near
                      if len(candidate) >= MIN_LETTERS and fits(candidate)
                      and (word in named or zipf(candidate) > 0)}
        values = idf(sorted(set(candidates.values())))
        held = [candidate for candidate, stem in candidates.items()
                if values.get(stem, absent) < absent]
        if held:
            # A question word first (see above), then the stem most texts
            # hold (lowest idf), then the commoner spelling.
            found[word] = min(held, key=lambda candidate: (
                not (word == first and candidate in QUESTION_WORDS),
                values[candidates[candidate]], -zipf(candidate), candidate))
    return found


def corrected(question: str, idf: Callable[[list[str]], dict[str, float]]) -> tuple[str, dict[str, str]]:
    """The question with its typing mistakes corrected (`corrections`), and
    the corrections made; a capital stays a capital."""
    found = corrections(question, idf)
    if not found:
        return question, {}

    def replace(match: re.Match) -> str:
        word = match.group()
        fixed = found.get(_base(word))
        if fixed is None:
            return word
        owner = word[len(word) - 2:] if POSSESSIVE.search(word) else ""
        return (fixed.capitalize() if word[:1].isupper() else fixed) + owner

    return WORD.sub(replace, question), found


def _base(word: str) -> str:
    """A word folded, without an owner's "'s" ("Erdgan's" -> "erdgan");
    other words with an apostrophe ("wasn't") are kept whole, and so are
    never read as a mistake."""
    return POSSESSIVE.sub("", fold(word))


def _stem(word: str) -> str:
    stems = content_words(word)
    return stems[0][1] if stems else word
