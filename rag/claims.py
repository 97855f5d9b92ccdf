"""Checking a written answer claim by claim against the lines it cites.

An LLM's answer is split into claims (sentences) with the source numbers it
cited after each. A claim is supported by a source when every number and
name in it appears in the source's text and it is close in meaning (the
embedding model's cosine plus the share of its content words the source
holds). A claim cited to the wrong source is re-pointed to the one that
supports it, preferring the cited source's neighbours; a claim no source
supports is marked, or dropped on request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .keyword import fold, tokenize
from .sentences import split_sentences
from .types import Citation

MARKER = re.compile(r"\[(\s*\d+\s*(?:[,;]\s*\d+\s*)*)\]")
# Markers written after the full stop ("... in 2017. [3]") belong to the
# sentence before them, so they are moved in front of the stop first.
TRAILING_MARKERS = re.compile(r"([.!?…][\"'”’)]*)\s*((?:\[\s*\d+\s*(?:[,;]\s*\d+\s*)*\]\s*)+)")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NAME = re.compile(r"\b[A-Z][\w'’-]*[A-Za-z0-9]|\b[A-Z]\b")
# Meaning: 0.6 * cosine + 0.4 * content-word share must reach this.
SUPPORT_SCORE = 0.5
SENTENCE_STARTERS = frozenset("""the a an this that these those it its he she they we i in on at
for by of as but and or if when while after before since during yes no according however
also there their his her our some many most all both""".split())


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
        text = " ".join(MARKER.sub(" ", sentence.text).split())
        text = re.sub(r"\s+([.!?,;:])", r"\1", text)
        if re.search(r"\w", text):
            claims.append((text, numbers))
    return claims


def key_terms(claim: str) -> tuple[set[str], set[str]]:
    """Numbers (digits only) and names (capitalized words not merely
    starting the sentence) that a supporting source must contain."""
    numbers = {re.sub(r"[.,]", "", number) for number in NUMBER.findall(claim)}
    names = set()
    for match in NAME.finditer(claim):
        word = match.group()
        at_start = claim[:match.start()].strip() == "" or claim[:match.start()].rstrip()[-1:] in ".!?:\"“"
        if at_start and word.lower() in SENTENCE_STARTERS:
            continue
        names.add(fold(word))
    return numbers, names


def _holds_terms(claim: str, source_text: str) -> bool:
    numbers, names = key_terms(claim)
    source_digits = re.sub(r"(?<=\d)[.,](?=\d)", "", source_text)
    source_folded = fold(source_text)
    return all(number in source_digits for number in numbers) and \
        all(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", source_folded) for name in names)


def _word_share(claim: str, source_text: str) -> float:
    claim_tokens = set(tokenize(claim))
    if not claim_tokens:
        return 1.0
    return len(claim_tokens & set(tokenize(source_text))) / len(claim_tokens)


class ClaimChecker:
    def __init__(self, sources: list[Citation], embedder):
        self.sources = sources
        self.embedder = embedder
        self.source_vectors = embedder.encode_documents([source.text for source in sources]) \
            if sources else np.zeros((0, 1))

    def support(self, claim: str, claim_vector: np.ndarray, indexes: list[int]) -> float:
        """How well the sources `indexes` together support the claim (0 when
        a number or name is missing from them)."""
        text = " ".join(self.sources[index].text for index in indexes)
        if not indexes or not _holds_terms(claim, text):
            return 0.0
        vector = self.source_vectors[indexes].sum(axis=0)
        cosine = float(vector @ claim_vector / max(np.linalg.norm(vector), 1e-9))
        return 0.6 * cosine + 0.4 * _word_share(claim, text)

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
