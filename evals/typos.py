"""The sample questions with typing mistakes, as people make them: some
words of five letters or more lose, gain, change or swap a letter (fixed
seed, at least one per question). `rag eval typos` runs them; the answer
model was fitted on the questions they come from, and the spelling
corrector (`rag/spelling.py`) was tuned on them, so the set is in-sample."""

from __future__ import annotations

import random
import re
from dataclasses import replace

from .dataset import EvalItem

SEED = 7
SHARE = 0.3  # of a question's long words mistyped
MIN_LETTERS = 5
LETTERS = "abcdefghijklmnopqrstuvwxyz"
PIECES = re.compile(r"[A-Za-z]+|[^A-Za-z]+")


def mistype(word: str, rng: random.Random) -> str:
    """`word` with one letter inside it dropped, swapped with the next,
    changed or doubled by another (never the first letter, which people
    rarely miss)."""
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice("dsci")
    if kind == "d":
        return word[:at] + word[at + 1:]
    if kind == "s":
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]
    if kind == "c":
        return word[:at] + rng.choice(LETTERS) + word[at + 1:]
    return word[:at] + rng.choice(LETTERS) + word[at:]


def with_typos(items: list[EvalItem], seed: int = SEED) -> list[EvalItem]:
    rng = random.Random(seed)
    typed = []
    for item in items:
        pieces = PIECES.findall(item.question)
        long = [index for index, piece in enumerate(pieces)
                if piece.isalpha() and len(piece) >= MIN_LETTERS]
        if long:
            chosen = [index for index in long if rng.random() < SHARE] or [rng.choice(long)]
            for index in chosen:
                pieces[index] = mistype(pieces[index], rng)
        typed.append(replace(item, question="".join(pieces)))
    return typed
