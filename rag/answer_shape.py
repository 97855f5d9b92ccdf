"""What kind of answer a question asks for, and what kinds a sentence holds.

Both are coarse and hold for any collection: a question's class comes from
its wh-word ("who", "how many", "what year"), and a sentence's shapes are
surface facts (it holds a number the question does not, a year, a month, a
currency or percent sign, a capitalized name the question does not). No
rule here decides anything: the answer model (`rag/answering.py`) has one
feature per (question class, sentence shape) pair and learns from data how
much each pairing counts, so "who" questions learn to favour new names and
"how many" questions new numbers without a rule saying so.
"""

from __future__ import annotations

import re

from .keyword import fold, raw_tokens

QUESTION_CLASSES = ("who", "when", "where", "quantity", "why", "how", "what", "other")
SHAPES = ("number", "year", "month", "money_percent", "name")

QUESTION_WORDS = ("who", "whom", "whose", "when", "where", "why", "how", "what", "which")
WH_WORD = re.compile(rf"\b({'|'.join(QUESTION_WORDS)})\b")
# Words after "how" that ask for an amount ("how many", "how long ago").
AMOUNT_AFTER_HOW = {"many", "much", "long", "old", "far", "big", "large", "tall", "high",
                    "often", "fast", "deep", "wide", "heavy"}
# Words after "what"/"which" that ask for a time.
TIME_AFTER_WHAT = {"year", "years", "date", "day", "month", "century", "decade", "time", "era"}
# Typed queries often start with the noun of what they want ("date of the
# treaty", "number of employees"): the class its wh-question would have.
LEADING_NOUN_CLASS = {"date": "when", "year": "when", "day": "when", "month": "when",
                      "number": "quantity", "amount": "quantity", "price": "quantity",
                      "cost": "quantity", "place": "where", "location": "where",
                      "name": "what", "reason": "why"}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})s?$")
MONEY_OR_PERCENT = re.compile(r"[$€£¥%]|\bper ?cent\b|\bpercent\b", re.IGNORECASE)
WORD = re.compile(r"[^\s\"'“”‘’()\[\]]+")


def question_class(question: str) -> str:
    """The class of answer a question asks for, from its first wh-word."""
    words = fold(question).split()
    for position, word in enumerate(words):
        match = WH_WORD.fullmatch(word.strip("?,.;:!\"'()"))
        if not match:
            continue
        wh = match.group(1)
        following = words[position + 1].strip("?,.;:!\"'()") if position + 1 < len(words) else ""
        if wh in ("who", "whom", "whose"):
            return "who"
        if wh in ("when", "where", "why"):
            return wh
        if wh == "how":
            return "quantity" if following in AMOUNT_AFTER_HOW else "how"
        return "when" if following in TIME_AFTER_WHAT else "what"
    first = words[0].strip("?,.;:!\"'()") if words else ""
    return LEADING_NOUN_CLASS.get(first, "other")


def sentence_shapes(text: str, question_words: set[str]) -> dict[str, bool]:
    """Which shapes of answer `text` holds beyond what the question says.
    `question_words` are the question's `raw_tokens`."""
    shapes = dict.fromkeys(SHAPES, False)
    words = WORD.findall(text)
    for position, word in enumerate(words):
        tokens = raw_tokens(word)
        if not tokens or tokens[0] in question_words:
            continue
        token = tokens[0]
        if any(char.isdigit() for char in token):
            shapes["number"] = True
            if YEAR.match(token):
                shapes["year"] = True
        elif token in MONTHS and word[:1].isupper():
            shapes["month"] = True
        # A capital past a sentence's first word marks a name.
        if position and word[:1].isupper() and token.isalpha():
            shapes["name"] = True
    shapes["money_percent"] = bool(MONEY_OR_PERCENT.search(text))
    return shapes


def pair_features(question_kind: str, shapes: dict[str, bool]) -> list[float]:
    """One value per (question class, shape) pair: 1 where the question is
    of that class and the sentence has that shape."""
    return [1.0 if kind == question_kind and shapes[shape] else 0.0
            for kind in QUESTION_CLASSES for shape in SHAPES]


PAIR_FEATURES = tuple(f"{kind}*{shape}" for kind in QUESTION_CLASSES for shape in SHAPES)
