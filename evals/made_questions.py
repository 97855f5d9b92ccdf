"""Questions the fit makes from its training data (`calibrate.py`).

SQuAD's writers asked about a paragraph's details while reading it; people
ask their own documents shorter questions in other words, and kinds SQuAD
hardly has: what a thing is, what someone did, whether something was done.
A model fitted on SQuAD alone refuses those. Each function here makes one
kind from the training collections only (never from a set that is
evaluated), with the answer's lines, so the fit has examples of it.
"""

from __future__ import annotations

import random

from rag.answer_shape import QUESTION_WORDS, defined_subject
from rag.assistant import Assistant
from rag.keyword import fold, stopwords
from rag.syntax import parses

from .dataset import EvalItem, Evidence

# The seed of everything the fit draws at random (the made questions here,
# the off-topic questions and the token encoder's batches in `calibrate`).
SEED = 20261123
WH_WORDS = frozenset(QUESTION_WORDS)
# Typed rewrites (see `typed_rewrite`): share of content words dropped.
TYPED_DROP = 0.35
# The verb's tense (Penn Treebank tag) -> the made question's auxiliary.
AUXILIARY_OF_TENSE = {"VBD": "did", "VBZ": "does", "VBP": "do"}
# The longest name a made question asks about (words, "the" aside).
DOER_WORDS = 4
# At most this many yes/no questions, chosen with the seed among all that can
# be made, each naming an object of at most OBJECT_WORDS words.
YES_NO_QUESTIONS = 300
OBJECT_WORDS = 5


def typed_rewrite(question: str, rng: random.Random) -> str:
    """The question as people type it into a search box: lower case, no
    question mark, most function words gone and some content words left out.

    SQuAD's questions were written while reading the passage, so they repeat
    its words; people asking their own documents use fewer and other words.
    A model fitted only on the first learns that low word overlap means a
    wrong answer and refuses the second. Dropping words is the part of that
    shift that can be made without a thesaurus: it lowers overlap and
    blurs the question's meaning as shorter queries do.
    """
    words = [word.strip("?!.,;:\"'()") for word in question.lower().split()]
    words = [word for word in words if word]
    function = stopwords()
    kept = []
    for position, word in enumerate(words):
        if word in WH_WORDS and position < 2:
            kept.append(word)
        elif word in function:
            if rng.random() >= 0.5:
                kept.append(word)
        elif rng.random() >= TYPED_DROP:
            kept.append(word)
    content = [word for word in kept if word not in function and word not in WH_WORDS]
    if len(content) < 2:  # too little left to be a question; keep all content words
        kept = [word for word in words if word not in function or word in WH_WORDS]
    return " ".join(kept)


def defining_questions(assistant: Assistant, limit: int | None = None) -> list[EvalItem]:
    """"What is X?" for each sentence of the collection that says what X is
    ("A solar cell is a device that converts light ..." -> "What is a solar
    cell?", its answer the words after the verb), once per X.

    SQuAD's writers asked about a paragraph's details: fewer than twenty of
    the 4,744 answerable training questions ask no more than what or who
    something is ("What is solar energy?"), a question people put to their
    own documents all the time; without examples the answer model refuses
    the sentence that defines the thing. Only the SQuAD train articles are
    read: the sets that are evaluated never give a question.
    """
    items, seen = [], set()
    for sentence in assistant.data().sentences:
        if sentence.is_furniture:
            continue
        match = defined_subject(sentence.text)
        if match is None:
            continue
        subject = match.group("subject").strip()
        verb = match.group("verb").split()[0]
        rest = sentence.text.strip()[match.end("verb"):].split()[:3]
        if fold(subject) in seen or not rest:
            continue
        seen.add(fold(subject))
        named = subject[0].lower() + subject[1:] if subject.split()[0] in ("The", "A", "An") \
            else subject
        question = f"What does {named} mean?" if verb in ("means", "refers") else \
            f"What {verb} {named}?"
        answer = " ".join(rest)  # the words after "is a" ("device that converts")
        items.append(EvalItem(f"defines-{len(items)}", question, (answer,),
                              (Evidence(sentence.file, sentence.line_start, sentence.line_end),),
                              False))
        if limit and len(items) >= limit:
            break
    return items


def _main_clauses(assistant: Assistant):
    """(sentence, its parse, its main verb, the verb's subject) for each
    sentence of the collection (page furniture aside) whose main verb is in
    a tense a made question can ask with "did", "does" or "do", and has one
    subject."""
    sentences = [sentence for sentence in assistant.data().sentences
                 if not sentence.is_furniture]
    for sentence, parsed in zip(sentences, parses(sentence.text for sentence in sentences)):
        root = next((token for token in parsed if token.dep_ == "ROOT"), None)
        if root is None or root.pos_ != "VERB" or root.tag_ not in AUXILIARY_OF_TENSE:
            continue
        subjects = [child for child in root.children if child.dep_ == "nsubj"]
        if len(subjects) == 1:
            yield sentence, parsed, root, subjects[0]


def doing_questions(assistant: Assistant, limit: int | None = None) -> list[EvalItem]:
    """"What did X do?" for each name X that is the subject of a sentence's
    main verb in an article ("Beyoncé released ...", "The Normans
    conquered ..."), answered by every such sentence of that article.

    People ask broad questions of their documents ("What does pyenv shell
    do?", "What did Putin and Erdogan discuss?"): short, with one or two
    names and no detail. SQuAD's writers asked about details; its few short
    questions are the ones that lean on the paragraph ("Who are these
    women?") and are mostly wrong, so a model fitted on them alone refuses
    short questions. Any sentence that has the name do something answers
    these, so all of them are right. The parser (`rag/syntax.py`) finds the
    subject; only the SQuAD train articles are read.
    """
    found: dict[tuple[str, str], tuple[str, str, list]] = {}
    for sentence, parsed, root, doer in _main_clauses(assistant):
        if doer.pos_ != "PROPN":
            continue
        subject = parsed[doer.left_edge.i:doer.right_edge.i + 1]
        name = [token for token in subject if token.dep_ != "det"]
        if not name or len(name) > DOER_WORDS or any(token.pos_ != "PROPN" for token in name):
            continue
        # What it did, as the sentence words it: the answer to look for.
        deed = parsed[root.i:root.i + 3].text
        key = (sentence.file, fold(" ".join(token.text for token in name)))
        # "The Normans" reads "the Normans" inside the question.
        asked = " ".join(token.text.lower() if token.dep_ == "det" else token.text
                         for token in subject)
        found.setdefault(key, (asked, AUXILIARY_OF_TENSE[root.tag_], []))[2].append(
            (sentence, deed))
    items = []
    for subject, auxiliary, said in found.values():
        items.append(EvalItem(f"doings-{len(items)}", f"What {auxiliary} {subject} do?",
                              tuple(deed for _, deed in said),
                              tuple(Evidence(sentence.file, sentence.line_start,
                                             sentence.line_end) for sentence, _ in said),
                              False))
        if limit and len(items) >= limit:
            break
    return items


def yes_no_questions(assistant: Assistant, limit: int | None = None) -> list[EvalItem]:
    """"Did X do Y?" for sentences that say X did Y with a short object
    ("Did the Dutch return the island?" of "... the Dutch returned the
    island to England"), answered by that sentence; up to YES_NO_QUESTIONS,
    chosen with the seed.

    SQuAD 2.0 has no yes/no questions, and people ask their documents
    many ("Can I sell this package?", "Does the license cover patents?"):
    without examples the answer model reads them as an unknown kind and
    doubts the sentence that settles them. A negated sentence is left out
    (its answer is no, said otherwise), as is a pronoun for subject or
    object, which names nothing to ask about.
    """
    items = []
    for sentence, parsed, root, doer in _main_clauses(assistant):
        objects = [child for child in root.children if child.dep_ == "dobj"]
        if any(child.dep_ == "neg" for child in root.children) or len(objects) != 1 or \
                doer.pos_ == "PRON":
            continue
        subject = parsed[doer.left_edge.i:doer.right_edge.i + 1]
        thing = parsed[objects[0].left_edge.i:objects[0].right_edge.i + 1]
        if len(subject) > DOER_WORDS + 1 or len(thing) > OBJECT_WORDS or thing[0].pos_ == "PRON":
            continue
        # "Rioters burned ..." asks "Did rioters burn ...?": the sentence's
        # capital goes unless the word is a name.
        asked = "".join((token.text.lower() if token.dep_ == "det" or
                         (token.i == subject.start and token.pos_ != "PROPN") else token.text)
                        + token.whitespace_ for token in subject).strip()
        auxiliary = AUXILIARY_OF_TENSE[root.tag_].capitalize()
        items.append(EvalItem(f"yes-no-{len(items)}",
                              f"{auxiliary} {asked} {root.lemma_} {thing.text}?", (thing.text,),
                              (Evidence(sentence.file, sentence.line_start, sentence.line_end),),
                              False))
    random.Random(SEED).shuffle(items)
    return items[:limit or YES_NO_QUESTIONS]
