"""Whether a sentence can answer a question at all, however many of its
words it shares.

A question may be put to the very sentence that rules its answer out:
"Which ferry was not repaired this winter?" of "The harbour board repaired
the Moorhen ferry this winter."; "Who wanted an inexperienced pilot?" of
"The airline sought a more experienced pilot." Many of SQuAD 2.0's
unanswerable questions were written so, and a user asks so when the
documents say the other thing.

The sentence shares nearly every word of such a question, so each signal of
the answer model that reads overlap or closeness ranks it first and is
confident. What tells it is how the two are put: the question denies what
the sentence says, or asks about the opposite of the sentence's word. The
claim checker reads a written answer against its lines the same way
(`claim_checks.same_polarity`, `syntax.opposes_a_word`); here those readings
are asked of a question and the sentence that would answer it.
"""

from __future__ import annotations

import re

from .answer_shape import question_class
from .antonyms import WordNetUnavailable, adjective_opposites, antonyms
from .claim_checks import NEGATIONS, denied_words
from .claim_terms import folded_words
from .keyword import tokenize
from .syntax import opposes_a_word

# A question that opens with an auxiliary asks whether ("Is the warranty
# limited?", "Can't I sell it?"): a sentence that says no answers it.
ASKS_WHETHER = re.compile(r"(?:is|are|was|were|am|do|does|did|can|could|will|would|shall|"
                          r"should|may|might|must|has|have|had)(?:n't|n’t)?\b", re.IGNORECASE)
# The plain denials a question turns on ("What was not used?"): the claim
# checker's, but for verbs that name an act of denying ("Who refused ...?"
# asks about that act), "without" ("with and without" asks of both), and
# words that stand for what is denied ("nothing", "nobody", "neither").
PLAIN_NEGATIONS = NEGATIONS - frozenset("""deny denies denied refuse refuses refused reject
rejects rejected without none nothing nobody neither nor""".split())
# Words whose opposite a question may ask about: things and their qualities
# ("the smaller share", "the real name", "her brother"). Verbs are left out:
# a question may put a sentence's act from the other side ("Who did the band
# lose to?" of "... was won by the Harbour Quartet"; "bought" of "sold").
OPPOSED_PARTS = ("ADJ", "ADV", "NOUN")


def contradicts(question: str, sentence: str) -> str | None:
    """Why `sentence` cannot answer `question`, or None when nothing rules
    it out:
    - the question denies a word the sentence says, and the sentence denies
      nothing ("Who did not sign?" of "The mayor signed the agreement."); a
      sentence that denies something may deny it in other words ("refused
      to give" for "refused"), so it is left to the answer model, as is a
      question that asks why;
    - the question uses the opposite of the sentence's word (`opposes_a_word`:
      "smaller" where the sentence says "larger"), unless the sentence
      denies that word ("unequal" asks what "not equal" says).
    A question that asks whether is never ruled out: "no" answers it."""
    if ASKS_WHETHER.match(question.strip()):
        return None
    said_denied = denied_words(sentence)
    # "Why did they not sell?" asks the reason for what did not happen, which
    # a line may give naming the selling ("... withdrew its offer to sell").
    asks_why = question_class(question) == "why"
    # A name after the denial is the subject of an inverted question ("Why
    # didn't Mara Olsen sign?"), not what it denies.
    common = set(tokenize(" ".join(word for word in question.split() if word[:1].islower())))
    asked_denied = denied_words(question, PLAIN_NEGATIONS, two_word=False) & common
    stated = asked_denied & set(tokenize(sentence))
    if stated and not said_denied and not asks_why:
        return f"the question denies '{sorted(stated)[0]}', which the line states"
    if not _may_oppose(question, sentence):
        return None
    opposite = opposes_a_word(question, sentence, frozenset(said_denied), OPPOSED_PARTS)
    if opposite is not None:
        return f"the question says '{opposite}' where the line says the opposite"
    return None


def _base_forms(word: str) -> set[str]:
    """`word` and what it may be with an inflection taken off ("larger" ->
    "large", "bigger" -> "big", "studies" -> "study"): more forms than a
    word has, so that a lemma the parser would give is among them."""
    forms = {word}
    for ending, replacements in (("s", ("",)), ("es", ("",)), ("ies", ("y",)),
                                 ("ed", ("", "e")), ("ied", ("y",)), ("ing", ("", "e")),
                                 ("er", ("", "e")), ("est", ("", "e")), ("ier", ("y",)),
                                 ("iest", ("y",))):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[:-len(ending)]
            forms.update(stem + replacement for replacement in replacements)
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "bigger", "stopped"
                forms.add(stem[:-1])
    return forms


def _may_oppose(question: str, sentence: str) -> bool:
    """Whether a word of the question has an opposite in WordNet that the
    sentence may hold, read word by word without the parser. The parser's
    reading (`opposes_a_word`) decides; this spares loading and running it
    for the many questions where no such pair stands (the answer path
    then needs no more than the embedding model)."""
    said = set().union(*(_base_forms(word) for word in folded_words(sentence)))
    try:
        for word in folded_words(question):
            for form in _base_forms(word):
                if (antonyms(form) | adjective_opposites(form)) & said:
                    return True
    except WordNetUnavailable:
        return False  # `opposes_a_word` could not tell either
    return False
