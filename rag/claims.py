"""Checking a written answer claim by claim against the lines it cites.

An LLM's answer is split into claims (sentences) with the source numbers it
cited after each. A claim is supported by its sources when, read with what
they need from the sentences before them:
- every number and name of the claim stands in them, a name of several
  words with its words in their order ("Destiny's Child"); a sentence that
  points back to a person ("he said", "we have paid", "the Turkish
  president") may take one name (a quote's speaker) from the three
  sentences before it, and numbers from the one before; a claim that
  names whom the sentence points to may take that name from the file's
  title, as may one that names what the line calls by a word of the title
  ("Spectre" for "the film" in a file titled "Spectre (2015 film)") or
  gives the subject what the line gives "the" ("Chopin's funeral" for "the
  funeral" in a file titled "Frédéric Chopin"); a name may be abbreviated
  on either side ("NYC", "U.S."); a claim that names what a subject "it"
  or "they" stands for may take the names of the subject of the sentence
  before ("Solar Impulse" for "It took off");
- it denies what they deny and affirms what they affirm, word by word
  ("did not pay" against "have paid" fails, even beside another "not" of
  the source; so do "unsolvable" against "solvable", "failed to reach"
  against "reached" and "declined to screen" against "screened"), ranks
  only what they rank ("the last" against "the first") and runs a change
  their way ("fell from 65% to 31%" against "rose from 31% to 65%") and
  keeps the sides of a comparison ("A carries more than B" against "B
  carries more than A");
- it keeps who did what to whom: two names around a verb keep their order
  (a passive "alerted by" turns it around; speakers are left out), and no
  two names play each other's parts as a dependency parser reads them
  (`syntax.py`: either voice, relative clauses, "X's conquest of Y"); a
  sentence put in another order ("During the Lisbon strike, Contoso lent
  money to Northwind") passes when a name keeps its part in it;
- each of its clauses finds at least half of its words there, so an
  invented clause joined by "and" fails on its own;
- it is close in meaning (the embedding model's cosine plus the share of
  its content words the sources hold).
A claim cited to the wrong source is re-pointed to the one that supports it,
preferring the cited source's neighbours; a claim no source supports is
marked, or dropped on request. The checks live in `claim_terms.py`
(names and numbers) and `claim_checks.py` (meaning);
`rag eval claims` measures both error rates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import numpy as np

from .claim_checks import CLAUSE_SHARE, keeps_comparison, keeps_direction, keeps_roles, \
    same_polarity, share_in_other_words, unsupported_clauses, word_share
from .claim_terms import holds_terms, keeps_every_name, keeps_names_whole, \
    names_the_owner_it_leaves_out, names_the_thing_it_points_to, names_the_title_it_points_to, \
    names_what_it_points_to, points_back
from .keyword import tokenize
from .sentences import split_sentences
from .syntax import changes_a_superlative, common_opening, object_relative_subjects, \
    opposes_a_word, plays_same_part, subject_it_points_to, subject_pronoun_opens, swaps_roles
from .table_claims import header_row, keeps_columns
from .token_match import coverage
from .types import Citation

MARKER = re.compile(r"\[(\s*\d+\s*(?:[,;]\s*\d+\s*)*)\]")
# Markers written after the full stop ("... in 2017. [3]") belong to the
# sentence before them, so they are moved in front of the stop first.
TRAILING_MARKERS = re.compile(r"([.!?…][\"'”’)]*)\s*((?:\[\s*\d+\s*(?:[,;]\s*\d+\s*)*\]\s*)+)")
# Markup tags ("<sources>", "</question>"): small models echo the prompt's
# blocks, and a tag's name is no claim ("<sources>" once passed as supported
# by a line about "a military source").
MARKUP_TAG = re.compile(r"</?\s*[A-Za-z][\w-]*\s*/?>")
# A clause whose words the cited lines mostly do not share still holds when
# they speak to its words in others: `token_match.coverage` of its content
# pieces by theirs reaches this. Chosen on the training claim pairs, among
# claims the word share refused: at 0.70 faithful +16 of 1,669, corrupted
# -1 of 2,331; at 0.65 +24 / -5 (the held-out corrupted set has no slack).
CLAUSE_COVERAGE = 0.70
# Meaning: 0.6 * cosine + 0.4 * content-word share must reach this.
SUPPORT_SCORE = 0.5


@dataclass
class CheckedClaim:
    text: str
    sources: list[int]  # 0-based indexes into the sources given to the model
    supported: bool


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """(claim text without markers, cited source numbers as written)."""
    moved = TRAILING_MARKERS.sub(lambda match: f" {match.group(2).strip()}{match.group(1)} ", answer)
    claims = []
    for sentence in split_sentences(moved, "answer"):
        numbers = [int(number) for group in MARKER.findall(sentence.text)
                   for number in re.split(r"[,;]", group)]
        text = " ".join(MARKUP_TAG.sub(" ", MARKER.sub(" ", sentence.text)).split())
        text = re.sub(r"\s+([.!?,;:])", r"\1", text)
        if re.search(r"\w", text):
            claims.append((text, numbers))
    return claims


CONTEXT_BEFORE = 3  # sentences before a source that may name who it quotes or speaks of


def source_context(data, sentence_id: int, before: int = CONTEXT_BEFORE) -> list[str]:
    """Texts of the sentences just before one in the same file, page
    furniture left out, nearest last. `data` is an index view."""
    data.prefetch(sentence_ids=range(sentence_id - before - 1, sentence_id + 1))
    file = data.sentence(sentence_id).file
    texts, index = [], sentence_id - 1
    while len(texts) < before:
        sentence = data.sentence(index)
        if sentence is None or sentence.file != file:
            break
        if not sentence.is_furniture:
            texts.append(sentence.text)
        index -= 1
    return texts[::-1]


# Sentences after a source in which a quotation it opens may close.
QUOTE_SPAN = 3


def _open_quote(text: str) -> str | None:
    """The closing mark of a quotation `text` opens and does not close
    (curly or straight double quotes), or None."""
    if text.count("“") > text.count("”"):
        return "”"
    if text.count('"') % 2:
        return '"'
    return None


def quotation_rest(data, sentence_id: int, span: int = QUOTE_SPAN) -> list[int]:
    """The sentences after one that opens a quotation, up to the one that
    closes it (at most `span`); [] when the sentence closes what it opens
    or the quotation runs on past `span` sentences."""
    sentence = data.sentence(sentence_id)
    closing = _open_quote(sentence.text)
    if closing is None:
        return []
    data.prefetch(sentence_ids=range(sentence_id + 1, sentence_id + span + 1))
    for index in range(sentence_id + 1, sentence_id + span + 1):
        following = data.sentence(index)
        if following is None or following.file != sentence.file:
            break
        if closing in following.text:
            return list(range(sentence_id + 1, index + 1))
    return []


def quote_attribution(data, sentence_id: int, span: int = QUOTE_SPAN) -> str:
    """Who said a quotation that a sentence opens and a later one closes:
    the words after the closing mark ("“We have consistently told Turkey
    ... system. Our offer has expired,” a US State Department official
    told CNN on August 22." gives "a US State Department official told CNN
    on August 22."). A quotation's speaker is named where it ends as often
    as where it starts; "" when the sentence closes what it opens, or the
    quotation runs on past `span` sentences."""
    rest = quotation_rest(data, sentence_id, span)
    if not rest:
        return ""
    return data.sentence(rest[-1]).text.split(_open_quote(data.sentence(sentence_id).text),
                                              1)[1].strip()


# A file's first sentence longer than this is an opening paragraph run
# together, not a title: it names too much to stand for the file's subject.
SUBJECT_WORDS = 30


def document_subject(data, sentence_id: int) -> str:
    """The first sentence of the file a sentence is in (page furniture left
    out), when it is short enough to be a title: what the file is about,
    the person its "he" most often means. `data` is an index view."""
    file = data.sentence(sentence_id).file

    def in_file(index: int) -> bool:
        sentence = data.sentence(index) if index >= 0 else None
        return sentence is not None and sentence.file == file

    # A file's sentences have consecutive ids: find its first by going back
    # in doubling steps, then halving, so a long file costs a few lookups.
    first, step = sentence_id, 1
    while in_file(first - step):
        first -= step
        step *= 2
    outside = first - step
    while first - outside > 1:
        middle = (first + outside) // 2
        if in_file(middle):
            first = middle
        else:
            outside = middle
    opening = opening_sentence(data, first, CONTEXT_BEFORE + 1)
    return opening.text if opening and len(opening.text.split()) <= SUBJECT_WORDS else ""


def opening_sentence(data, first: int, reads: int):
    """The first sentence of a file that is no page furniture, read from its
    first sentence (id `first`) on, at most `reads` of them: the line a
    document opens with, most often its title. None if there is none."""
    file = data.sentence(first).file
    for index in range(first, first + reads):
        sentence = data.sentence(index)
        if sentence is None or sentence.file != file:
            break
        if not sentence.is_furniture:
            return sentence
    return None


class ClaimChecker:
    def __init__(self, sources: list[Citation], embedder,
                 contexts: list[list[str]] | None = None, subjects: list[str] | None = None,
                 attributions: list[str] | None = None, headings: list[str] | None = None):
        self.sources = sources
        self.contexts = contexts or [[] for _ in sources]  # see `source_context`
        self.subjects = subjects or ["" for _ in sources]  # see `document_subject`
        self.attributions = attributions or ["" for _ in sources]  # see `quote_attribution`
        # The heading a source is read under (a term, a title, a table's
        # header row), or "" (`Layout.heading_text`).
        self.headings = headings or ["" for _ in sources]
        self.embedder = embedder
        self._window_vectors: dict = {}
        self.source_vectors = embedder.encode_documents([source.text for source in sources]) \
            if sources else np.zeros((0, 1))

    @classmethod
    def in_context(cls, data, sentence_ids: list[int], embedder,
                   headings: list[str] | None = None) -> "ClaimChecker":
        """A checker for sentences of an index view, each read with what it
        needs around it: the sentences before (where a quote's speaker or a
        pronoun's person is named), its file's title, the speaker of a
        quotation it opens, named where the quotation closes, and the heading
        it is read under (`headings`, from `Layout.heading_text`): a term, a
        title, the header row of a table it is a row of."""
        return cls([Citation.of(data.sentence(index)) for index in sentence_ids], embedder,
                   [source_context(data, index) for index in sentence_ids],
                   [document_subject(data, index) for index in sentence_ids],
                   [quote_attribution(data, index) for index in sentence_ids], headings)

    def support(self, claim: str, claim_vector: np.ndarray, indexes: list[int]) -> float:
        return self.verdict(claim, claim_vector, indexes)[0]

    def verdict(self, claim: str, claim_vector: np.ndarray,
                indexes: list[int]) -> tuple[float, str]:
        """How well the sources `indexes` together support the claim, and
        why not: 0 when it fails one of `claim_terms` or `claim_checks` (read with the
        sentences before the sources when they point back to a person),
        else closeness in meaning."""
        if not indexes:
            return 0.0, "no source"
        if not tokenize(claim):  # markup or filler ("<sources>", "Sure!") states nothing
            return 0.0, "it states nothing the sources could hold"
        cited = " ".join(self.sources[index].text for index in indexes)
        before = [self.contexts[index] for index in indexes] if points_back(cited) else []
        near = " ".join(text for texts in before for text in texts[-1:])
        around = " ".join(text for texts in before for text in texts)
        # The cited lines with the sentence they point back to, and the
        # speaker of a quotation they open, named where it closes.
        attribution = " ".join(self.attributions[index] for index in indexes)
        # Read as the answerer reads them: under their heading ("``port``"
        # over "Defaults to 8080."; a table's header over its rows).
        heading = " ".join(self.headings[index] for index in indexes)
        window = f"{cited} {near} {attribution} {heading}"
        subject = " ".join(self.subjects[index] for index in indexes)
        drops_it = names_the_thing_it_points_to(claim, cited)
        keeps_names = keeps_every_name(claim, cited)
        if (before and names_what_it_points_to(claim, cited)) or \
                names_the_title_it_points_to(claim, cited, subject) or \
                names_the_owner_it_leaves_out(claim, cited, subject) or \
                (keeps_names and not drops_it) or \
                (drops_it and subject_pronoun_opens(cited)):
            # "he", "the film", "the funeral", "the composer" or an "it" that
            # opens the line may be the file's subject, named in its title only.
            around += " " + subject
        if drops_it:
            # "It took off": the subject of the sentence before, named.
            pointed = " ".join(subject_it_points_to(cited, self.contexts[index])
                               for index in indexes)
            around += " " + pointed
            if not pointed.strip() and keeps_names:
                # No named subject before to pair the "they" or "its" with,
                # and every name of the lines is kept: the claim's new name
                # stands for the pronoun it dropped, and may be any name of
                # the sentence just before ("The tour band was joined by ...,
                # The Larks. They made their debut ..." for "The Larks
                # made their debut ...").
                around += " " + " ".join(text for index in indexes
                                         for text in self.contexts[index][-1:])
        if not holds_terms(claim, window, f"{cited} {around}", subject,
                           common_opening(claim, cited)) or \
                not keeps_names_whole(claim, window):
            return 0.0, "a number or name is not in the cited lines"
        if any(not keeps_columns(claim, self.sources[index].text, header)
               for index in indexes
               if (header := header_row(self.sources[index].text, self.headings[index]))):
            return 0.0, "it names a number of the table by another column"
        if not same_polarity(claim, cited):
            return 0.0, "it denies what the cited lines affirm, or the other way round"
        if changes_a_superlative(claim, cited):
            return 0.0, "it denies what the cited lines affirm, or ranks what they do not"
        if not keeps_comparison(claim, cited):
            return 0.0, "it turns a comparison around"
        if not keeps_direction(claim, cited):
            return 0.0, "it turns a change around (from one number to another)"
        opposed = opposes_a_word(claim, cited)
        if opposed is not None:
            return 0.0, f"it says '{opposed}' where the cited lines say the opposite"
        same_part = partial(plays_same_part, claim=claim, source_text=cited)
        if not keeps_roles(claim, cited, same_part, object_relative_subjects) or \
                swaps_roles(claim, cited):
            return 0.0, "it swaps who did what"
        for clause in unsupported_clauses(claim, window):
            if not self._says_in_other_words(clause, window):
                return 0.0, f"the cited lines do not say: {clause}"
        vector = self.source_vectors[indexes].sum(axis=0)
        cosine = float(vector @ claim_vector / max(np.linalg.norm(vector), 1e-9))
        return 0.6 * cosine + 0.4 * word_share(claim, window), "meaning"

    def _says_in_other_words(self, clause: str, window: str) -> bool:
        """Whether the window speaks to each content word of a clause whose
        words it mostly does not share ("repaired the broken railings ahead of
        the snow" for "... the damaged railings before the first snowfall"):
        the mean, over the clause's word pieces, of the best cosine with a
        piece of the window, in the encoder's per-word output
        (`token_match.coverage`); or its words, each read as itself or as
        a word that shares a sense with it ("produced" for "manufactured",
        "many times" for "numerous ... printings"), are mostly the window's
        (`claim_checks.share_in_other_words`)."""
        window_vectors = self._window_vectors.get(window)
        if window_vectors is None:
            window_vectors = self._window_vectors[window] = \
                self.embedder.token_vectors([window])[0]
        clause_vectors = self.embedder.token_vectors([clause])[0]
        return coverage(clause_vectors.content(), window_vectors) >= CLAUSE_COVERAGE or \
            share_in_other_words(clause, window) >= CLAUSE_SHARE

    def _candidates(self, cited: list[int]) -> list[int]:
        """Other sources to re-point to, the cited sources' neighbours first."""
        near = [index + step for index in cited for step in (-1, 1)]
        ordered = near + list(range(len(self.sources)))
        seen, result = set(cited), []
        for index in ordered:
            if 0 <= index < len(self.sources) and index not in seen:
                seen.add(index)
                result.append(index)
        return result

    def check(self, answer: str) -> list[CheckedClaim]:
        claims = split_claims(answer)
        if not claims:
            return []
        vectors = self.embedder.encode_documents([text for text, _ in claims])
        checked = []
        for (text, numbers), vector in zip(claims, vectors):
            cited = sorted({number - 1 for number in numbers if 1 <= number <= len(self.sources)})
            if cited and self.support(text, vector, cited) >= SUPPORT_SCORE:
                checked.append(CheckedClaim(text, cited, True))
                continue
            best, best_score = None, SUPPORT_SCORE
            for index in self._candidates(cited):
                score = self.support(text, vector, [index])
                if score >= best_score + 1e-9:
                    best, best_score = index, score
            if best is not None:
                checked.append(CheckedClaim(text, [best], True))
            else:
                checked.append(CheckedClaim(text, cited, False))
        return checked
