"""Training claim pairs: a claim, the sentence it cites with the sentences
before it, and whether they state it. `rag eval claim-pairs` runs the claim
checker (`rag/claims.py`) on them; its rules were chosen on these figures,
so they are in-sample. The held-out figures are `rag eval claims`.

Made from the SQuAD *training* articles only (never from the sample
articles or the SQuAD dev articles the claims set is written on):

- From the questions, which people wrote in their own words: a question
  filled with its answer ("Who wrote the novel?" + "Harper Lee" -> "Harper
  Lee wrote the novel.") is a paraphrase the answer's sentence states. The
  same claim with another answer of the article, or read against another
  sentence of the paragraph, is not stated; nor is an unanswerable question
  filled with its plausible answer (SQuAD's writers made those by turning
  a question just off what the text says), nor the filled question with
  two of its names swapped (a role swap in other words than the source's).
- From the sentences: the sentence itself, or with one clause left out, or
  put in another order by the parser (a phrase moved to the front or the
  end, an attribution moved after what was said), is stated; the sentence
  with a denial added or taken away, two names swapped, a name or number
  replaced from elsewhere in the article, or a clause of another article
  added, is not.

Nothing here is about a particular text: every rule is how a statement is
put together or goes wrong in any English text.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from rag.claim_terms import SENTENCE_STARTERS
from rag.sentences import split_sentences

from .squad import TRAIN_SOURCE

# Sentences before the cited one that the model reads with it.
CONTEXT_SENTENCES = 2
AUXILIARIES = frozenset("""is are was were be been has have had can could will would shall should
may might must did does do""".split())
DO_FORMS = frozenset({"did", "does", "do"})
WH_WORDS = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b", re.IGNORECASE)
# Words that make "how" ask for an amount ("how many people").
HOW_AMOUNT = frozenset("many much long old far large big tall high often".split())
NEGATION_TOGGLE = re.compile(r"\b(is|are|was|were|has|have|had|can|could|will|would|should|did|"
                             r"does|do|must)(?:(\s+not\b|n't\b)|\b(?!'))", re.IGNORECASE)
# A name: capitalized words in a row, not merely starting the sentence. A
# run that starts the sentence is a name when it has two words or more and
# does not start with a common starter ("Van Praag writes", not "The Ming");
# without that, its second word would be taken for a name of its own.
_STARTERS = "|".join(sorted(word.capitalize() for word in SENTENCE_STARTERS))
NAME_SPAN = re.compile(rf"(?:^|(?<=[.!?]\s))(?!(?:{_STARTERS})\b)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+"
                       r"|(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")


@dataclass(frozen=True)
class ClaimPair:
    claim: str
    cited: str
    before: str
    supported: bool
    kind: str  # how it was made, for reports
    article: int  # which training article it comes from


@dataclass(frozen=True)
class _Paragraph:
    article: int
    sentences: list  # rag.sentences.Sentence, char offsets into the context


def fill_question(question: str, answer: str) -> str | None:
    """The question as a statement with its answer in place of what it
    asks, or None when it asks nothing a phrase can fill."""
    text = " ".join(question.strip().rstrip("?").split())
    match = WH_WORDS.search(text)
    if match is None or not answer.strip():
        return None
    words_after = text[match.end():].split()
    asked_end = match.end()
    word = match.group(1).lower()
    # "what year", "which city", "how many people": the asked phrase takes
    # the noun after it, which the answer replaces too.
    takes = 0
    if word in ("what", "which", "whose") and words_after and words_after[0].lower() not in AUXILIARIES:
        takes = 1
    elif word == "how" and words_after and words_after[0].lower() in HOW_AMOUNT:
        takes = 2 if len(words_after) > 1 and words_after[1].lower() not in AUXILIARIES else 1
    for taken in words_after[:takes]:
        asked_end = text.index(taken, asked_end) + len(taken)
    before, after = text[:match.start()].strip(), text[asked_end:].strip()
    rest = after.split()
    if rest and rest[0].lower() in DO_FORMS:
        # "When did she move?" -> "she move in 1990": the answer goes last.
        rest = rest[1:]
        statement = " ".join(part for part in (before, " ".join(rest), answer.strip()) if part)
    else:
        statement = " ".join(part for part in (before, answer.strip(), after) if part)
    statement = statement[:1].upper() + statement[1:]
    return statement.rstrip(".") + "."


def toggle_denial(sentence: str) -> str | None:
    """The sentence with its first auxiliary's denial taken away, or one
    added ("was" -> "was not", "did not go" -> "did go")."""
    match = NEGATION_TOGGLE.search(sentence)
    if match is None:
        return None
    if match.group(2):
        return sentence[:match.end(1)] + sentence[match.end():]
    return sentence[:match.end(1)] + " not" + sentence[match.end(1):]


def swap_names(sentence: str) -> str | None:
    """The sentence with its first two different names swapped, so who did
    what to whom turns around."""
    spans = [match for match in NAME_SPAN.finditer(sentence)]
    for first_index, first in enumerate(spans):
        for second in spans[first_index + 1:]:
            if first.group() != second.group() and first.group() not in second.group() \
                    and second.group() not in first.group():
                return (sentence[:first.start()] + second.group() + sentence[first.end():second.start()]
                        + first.group() + sentence[second.end():])
    return None


def replace_one(sentence: str, pattern: re.Pattern, others: list[str],
                rng: random.Random) -> str | None:
    """The sentence with one match of `pattern` replaced by one of `others`
    that it does not hold."""
    matches = list(pattern.finditer(sentence))
    candidates = [other for other in others if other not in sentence]
    if not matches or not candidates:
        return None
    match = rng.choice(matches)
    return sentence[:match.start()] + rng.choice(candidates) + sentence[match.end():]


def drop_clause(sentence: str, rng: random.Random) -> str | None:
    """The sentence without one of its comma-set parts (a summary it still
    states), when it has one to spare."""
    parts = [part for part in re.split(r",\s+", sentence.rstrip(".")) if part]
    if len(parts) < 3:
        return None
    drop = rng.randrange(1, len(parts))
    kept = [part for index, part in enumerate(parts) if index != drop]
    return ", ".join(kept) + "."


def _paragraphs(data: list[dict]) -> list[tuple[_Paragraph, dict]]:
    out = []
    for article_index, article in enumerate(data):
        for paragraph in article["paragraphs"]:
            sentences = split_sentences(paragraph["context"], "paragraph")
            out.append((_Paragraph(article_index, sentences), paragraph))
    return out


def _sentence_at(paragraph: _Paragraph, offset: int) -> int | None:
    for index, sentence in enumerate(paragraph.sentences):
        if sentence.char_start <= offset < sentence.char_end:
            return index
    return None


def _before(paragraph: _Paragraph, index: int) -> str:
    return " ".join(sentence.text for sentence in
                    paragraph.sentences[max(0, index - CONTEXT_SENTENCES):index])


def make_pairs(source: Path = TRAIN_SOURCE, seed: int = 13) -> list[ClaimPair]:
    """Every training pair the articles of `source` give, in a fixed order."""
    rng = random.Random(seed)
    data = json.loads(source.read_text(encoding="utf-8"))["data"]
    paragraphs = _paragraphs(data)
    answers_by_article: dict[int, list[str]] = {}
    names_by_article: dict[int, list[str]] = {}
    for paragraph, raw in paragraphs:
        for qa in raw["qas"]:
            answers_by_article.setdefault(paragraph.article, []).extend(
                answer["text"] for answer in qa["answers"])
        for sentence in paragraph.sentences:
            names_by_article.setdefault(paragraph.article, []).extend(
                match.group() for match in NAME_SPAN.finditer(sentence.text))
    all_sentences = [sentence.text for paragraph, _ in paragraphs for sentence in paragraph.sentences]
    pairs: list[ClaimPair] = []
    for paragraph, raw in paragraphs:
        pairs.extend(_question_pairs(paragraph, raw, answers_by_article[paragraph.article], rng))
        pairs.extend(_sentence_pairs(paragraph, names_by_article[paragraph.article],
                                     all_sentences, rng))
    return pairs


def _question_pairs(paragraph: _Paragraph, raw: dict, article_answers: list[str],
                    rng: random.Random) -> list[ClaimPair]:
    pairs = []
    for qa in raw["qas"]:
        if qa.get("is_impossible"):
            for plausible in qa.get("plausible_answers", [])[:1]:
                index = _sentence_at(paragraph, plausible["answer_start"])
                claim = fill_question(qa["question"], plausible["text"])
                if index is not None and claim:
                    pairs.append(ClaimPair(claim, paragraph.sentences[index].text,
                                           _before(paragraph, index), False, "question/unanswerable", paragraph.article))
            continue
        answer = qa["answers"][0]
        index = _sentence_at(paragraph, answer["answer_start"])
        claim = fill_question(qa["question"], answer["text"])
        if index is None or claim is None:
            continue
        cited = paragraph.sentences[index].text
        before = _before(paragraph, index)
        pairs.append(ClaimPair(claim, cited, before, True, "question/answer", paragraph.article))
        has_digit = any(char.isdigit() for char in answer["text"])
        wrong = [other for other in article_answers
                 if other.lower() not in cited.lower() and answer["text"].lower() not in other.lower()
                 and any(char.isdigit() for char in other) == has_digit]
        if wrong and rng.random() < 0.5:
            wrong_claim = fill_question(qa["question"], rng.choice(wrong))
            if wrong_claim:
                pairs.append(ClaimPair(wrong_claim, cited, before, False, "question/wrong answer", paragraph.article))
        others = [other for other, sentence in enumerate(paragraph.sentences)
                  if other != index and answer["text"].lower() not in sentence.text.lower()
                  and len(sentence.text) > 40]
        if others and rng.random() < 0.5:
            other = rng.choice(others)
            pairs.append(ClaimPair(claim, paragraph.sentences[other].text,
                                   _before(paragraph, other), False, "question/other sentence", paragraph.article))
    return pairs


def _sentence_pairs(paragraph: _Paragraph, article_names: list[str], all_sentences: list[str],
                    rng: random.Random) -> list[ClaimPair]:
    pairs = []
    for index, sentence in enumerate(paragraph.sentences):
        text = sentence.text
        if len(text) < 40:
            continue
        before = _before(paragraph, index)
        shorter = drop_clause(text, rng)
        pairs.append(ClaimPair(shorter or text, text, before, True,
                               "sentence/shortened" if shorter else "sentence/same", paragraph.article))
        corruptions = [
            ("sentence/denial", toggle_denial(text)),
            ("sentence/roles", swap_names(text)),
            ("sentence/name", replace_one(text, NAME_SPAN, article_names, rng)),
            ("sentence/number", replace_one(text, NUMBER, [str(rng.randint(2, 2000))], rng)),
            ("sentence/addition", _with_addition(text, all_sentences, rng)),
        ]
        made = [(kind, claim) for kind, claim in corruptions if claim and claim != text]
        # Two of the ways it can go wrong, so the stated and the not stated
        # sentence pairs are about as many as the question pairs.
        for kind, claim in rng.sample(made, min(2, len(made))):
            pairs.append(ClaimPair(claim, text, before, False, kind, paragraph.article))
    return pairs


def _with_addition(sentence: str, all_sentences: list[str], rng: random.Random) -> str:
    """The sentence and a clause of an unrelated sentence joined by "and"."""
    other = rng.choice(all_sentences).rstrip(".")
    clause = re.split(r",\s+", other)[-1]
    return f"{sentence.rstrip('.')}, and {clause[:1].lower()}{clause[1:]}."


def swapped_question_pairs(pairs: list[ClaimPair]) -> list[ClaimPair]:
    """Role swaps in people's own words: each filled question whose first
    two names both stand in its cited sentence, with those names swapped."""
    swapped = []
    for pair in pairs:
        if pair.kind != "question/answer":
            continue
        claim = swap_names(pair.claim)
        cited = pair.cited.lower()
        names = [match.group() for match in NAME_SPAN.finditer(pair.claim)]
        if claim and claim != pair.claim and sum(name.lower() in cited for name in names) >= 2:
            swapped.append(ClaimPair(claim, pair.cited, pair.before, False, "question/roles",
                                     pair.article))
    return swapped


def _capitalized_first(text: str, keep: bool) -> str:
    return text[:1].upper() + text[1:] if keep else text[:1].lower() + text[1:]


def reorderings(text: str, parse) -> list[tuple[str, str]]:
    """(kind, the sentence in another order) for each way the parse allows:
    a fronted phrase moved to the end ("In 1824, he ..." -> "He ... in
    1824"), a phrase at the end moved to the front, and an attribution moved
    after what was said ("X argues that Y" -> "Y, X argues")."""
    doc = parse(text)
    roots = [token for token in doc if token.dep_ == "ROOT"]
    if not roots:
        return []
    root, made = roots[0], []
    starts_with_name = doc[0].pos_ == "PROPN" or doc[0].text == "I"
    for child in root.children:
        if child.left_edge.i != 0:
            continue
        comma = child.right_edge.i + 1
        if child.dep_ in ("prep", "advcl", "npadvmod", "advmod") and comma + 1 < len(doc) \
                and doc[comma].text == ",":
            front = doc[:comma].text
            rest = doc[comma + 1:].text.rstrip(". ")
            made.append(("reorder/front->end", f"{_capitalized_first(rest, True)} "
                                               f"{_capitalized_first(front, starts_with_name)}."))
        break
    last = [child for child in root.children
            if child.dep_ == "prep" and child.i > root.i and child.right_edge.i >= len(doc) - 2]
    if last and doc[0].dep_ != "prep":
        phrase = doc[last[-1].left_edge.i:last[-1].right_edge.i + 1].text
        rest = doc[:last[-1].left_edge.i].text.rstrip(" ,")
        if len(rest.split()) >= 4:
            made.append(("reorder/end->front", f"{_capitalized_first(phrase, True)}, "
                                               f"{_capitalized_first(rest, starts_with_name)}."))
    if root.lemma_ in ("say", "state", "write", "argue", "report", "claim", "note", "believe"):
        said = [child for child in root.children if child.dep_ == "ccomp" and child.i > root.i]
        if said:
            start = said[0].left_edge.i + (doc[said[0].left_edge.i].dep_ == "mark")
            content = doc[start:said[0].right_edge.i + 1].text.rstrip(". ")
            if len(content.split()) >= 4:
                speaker = _capitalized_first(doc[:root.i + 1].text, starts_with_name)
                made.append(("reorder/attribution",
                             f"{_capitalized_first(content, True)}, {speaker}."))
    return made


def reordered_pairs(pairs: list[ClaimPair], parse, limit: int, seed: int = 3) -> list[ClaimPair]:
    """Faithful reorderings of up to `limit` whole training sentences."""
    sentences = [pair for pair in pairs if pair.kind == "sentence/same"]
    random.Random(seed).shuffle(sentences)
    return [ClaimPair(claim, pair.cited, pair.before, True, kind, pair.article)
            for pair in sentences[:limit] for kind, claim in reorderings(pair.cited, parse)]


def training_pairs(sample: int = 4000, reordered: int = 1500, swapped: int = 600,
                   seed: int = 5) -> list[ClaimPair]:
    """The pairs the checker's rules were chosen on: `sample` of the
    question and sentence pairs, the reorderings of `reordered` sentences
    and `swapped` role swaps in people's own words, all with fixed seeds."""
    from rag.syntax import _parser

    pairs = make_pairs()
    chosen = random.Random(seed).sample(pairs, min(sample, len(pairs)))
    swaps = swapped_question_pairs(pairs)
    chosen += random.Random(1).sample(swaps, min(swapped, len(swaps)))
    return chosen + reordered_pairs(pairs, _parser(), reordered)


def reported_apart(kind: str) -> bool:
    """Kinds left out of the two totals of `totals` (shown on their own), so
    the totals stay comparable with figures from before they were made."""
    return kind.startswith("reorder/") or kind == "question/roles"


def totals(pairs: list[ClaimPair], judged: dict[str, list[bool]]) -> tuple[float, float]:
    """(share of stated pairs supported, share of not-stated pairs refused)
    over the kinds not `reported_apart`."""
    stated = {pair.kind: pair.supported for pair in pairs}
    faithful = [right for kind, rights in judged.items() if stated[kind]
                and not reported_apart(kind) for right in rights]
    corrupted = [right for kind, rights in judged.items() if not stated[kind]
                 and not reported_apart(kind) for right in rights]
    return sum(faithful) / max(len(faithful), 1), sum(corrupted) / max(len(corrupted), 1)


def article_titles(source: Path = TRAIN_SOURCE) -> list[str]:
    """Each article's title as the first line of its file reads (see
    `evals/squad.py`), by `ClaimPair.article`."""
    data = json.loads(source.read_text(encoding="utf-8"))["data"]
    return [article["title"].replace("_", " ") for article in data]


def check_pairs(pairs: list[ClaimPair], embedder, progress=None) -> dict[str, list[bool]]:
    """Per kind: whether the checker judged each pair rightly (supported
    when stated, refused when not), reading each claim against its one
    cited sentence with the sentences before it and its article's title."""
    from rag.claims import SUPPORT_SCORE, ClaimChecker
    from rag.types import Citation

    titles = article_titles()
    vectors = embedder.encode_documents([pair.claim for pair in pairs])
    judged: dict[str, list[bool]] = {}
    for pair, vector in zip(pairs, vectors):
        checker = ClaimChecker([Citation("training.txt", 1, 1, pair.cited)], embedder,
                               [[pair.before] if pair.before else []], [titles[pair.article]])
        supported = checker.verdict(pair.claim, vector, [0])[0] >= SUPPORT_SCORE
        judged.setdefault(pair.kind, []).append(supported == pair.supported)
        if progress:
            progress(1)
    return judged
