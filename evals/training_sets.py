"""The questions the answer model is fitted on (`calibrate.py`), each set
asked of its own corpus: the training datasets (`dataset.FITTED_ON`), the
questions made from them (`made_questions.py`: typed rewrites, "What is
X?", "What did X do?", "Did X do Y?"), and off-topic sets, questions of
one collection asked of another that is not about them. The held-out sets
are never read here.

Hands `QuestionSet`s, with their questions' vectors, to the fit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np

from rag.assistant import Assistant
from rag.settings import Settings

from .dataset import Dataset, EvalItem
from .made_questions import SEED, defining_questions, doing_questions, typed_rewrite, \
    yes_no_questions
from .runner import prepare

# Questions that ask what a thing is, made from the sentences of the SQuAD
# train articles that say it (`defining_questions`).
DEFINED_SET = "squad-train~defines"
# Questions that ask what a named thing or person did ("What did Beyoncé
# do?"), made from the sentences of the SQuAD train articles that say it
# (`doing_questions`).
DOINGS_SET = "squad-train~doings"
# "Did X do Y?", made from the sentences that say X did Y (`yes_no_questions`).
YES_NO_SET = "squad-train~yes-no"
# Questions of one collection asked of another, per pair of collections.
OFF_TOPIC_PER_SET = 300


@dataclass
class QuestionSet:
    """Questions asked of one corpus; `off_topic` when they are about another."""

    name: str
    items: list[EvalItem]
    assistant: Assistant
    off_topic: bool = False
    typed: bool = False  # typed rewrites of another set's questions
    # Made here (typed rewrites, "What is X?"), not written by people.
    made: bool = False
    vectors: np.ndarray | None = None


def question_sets(datasets: list[Dataset], base: Settings, limit: int | None,
                   notify) -> list[QuestionSet]:
    """The training sets, each on its own corpus, plus off-topic sets: questions
    of one collection asked of another that is not about them."""
    rng = random.Random(SEED)
    by_name = {}
    for dataset in datasets:
        assistant, _ = prepare(dataset, base, notify=notify)
        items = list(dataset.items[:limit] if limit else dataset.items)
        by_name[dataset.name] = QuestionSet(dataset.name, items, assistant)
    sets = list(by_name.values())
    for name in ("squad-train", "squad-fit"):
        source = by_name[name]
        typed = [replace(item, question=typed_rewrite(item.question, rng))
                 for item in source.items if not item.unanswerable]
        sets.append(QuestionSet(f"{name}~typed", typed, source.assistant, typed=True,
                                made=True))
    train = by_name["squad-train"]
    sets.append(QuestionSet(DEFINED_SET, defining_questions(train.assistant, limit),
                            train.assistant, made=True))
    sets.append(QuestionSet(DOINGS_SET, doing_questions(train.assistant, limit),
                            train.assistant, made=True))
    sets.append(QuestionSet(YES_NO_SET, yes_no_questions(train.assistant, limit),
                            train.assistant, made=True))
    pairs = (("squad-train", "sample"), ("squad-fit", "sample"), ("sample", "squad-train"))
    for source, target in pairs:
        items = list(by_name[source].items)
        rng.shuffle(items)
        count = min(len(items), limit or OFF_TOPIC_PER_SET)
        sets.append(QuestionSet(f"{source}@{target}", items[:count], by_name[target].assistant,
                                off_topic=True))
    for question_set in sets:
        question_set.vectors = question_set.assistant.embedder.encode_queries(
            [item.question for item in question_set.items])
    return sets
