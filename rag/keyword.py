"""Keyword side of retrieval: tokenization and a BM25 index (bm25s).

Dense models blur exact names and numbers ("Su-30SM", "$900 million");
keyword search keeps them. The same tokenizer feeds the answerer's lexical
overlap features so both agree on what a "word" is.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

import numpy as np

TOKEN = re.compile(r"[a-z0-9]+(?:[-.'][a-z0-9]+)*")
QUOTES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-", "—": " ",
                        "ı": "i", "ø": "o", "ß": "ss", "ł": "l", "đ": "d"})


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def fold(text: str) -> str:
    """Lower case without accents, with typographic quotes and dashes plain,
    so "Erdoğan" matches "Erdogan" and "Turkey’s" matches "Turkey's"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(QUOTES).lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def raw_tokens(text: str) -> list[str]:
    """Words of `text` before stop-word removal and stemming. A hyphenated
    name yields itself and its parts, so "S-400" matches "S-400" exactly and
    "400" alone; digit groups lose their commas ("1,000" -> "1000")."""
    folded = re.sub(r"(?<=\d),(?=\d{3})", "", fold(text))
    tokens = []
    for token in TOKEN.findall(folded):
        token = re.sub(r"'s?$", "", token)
        if not token:
            continue
        tokens.append(token)
        if "-" in token:
            tokens.extend(part for part in token.split("-") if len(part) > 1 or part.isdigit())
    return tokens


def content_words(text: str) -> list[tuple[str, str]]:
    """(word, stem) of each content word: stop words dropped, names kept whole."""
    stemmer = _stemmer()
    return [(word, word if not word.isalpha() else stemmer.stemWord(word))
            for word in raw_tokens(text)
            if word not in stopwords() and (len(word) > 1 or word.isdigit())]


def tokenize(text: str) -> list[str]:
    """Content tokens: stop words dropped, words stemmed, names kept whole."""
    return [stem for _, stem in content_words(text)]


MAX_RARITY = 8.0


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """How rare a word is in English, from 0 ("the") to 8 (never seen), on
    wordfreq's Zipf scale. Unlike IDF it does not depend on the size of the
    indexed corpus, so a one-file index weighs words as a large one does."""
    from wordfreq import zipf_frequency

    return max(0.0, MAX_RARITY - zipf_frequency(word, "en"))


def weighted_tokens(text: str) -> dict[str, float]:
    """Stem -> rarity of the rarest word that has that stem."""
    weights: dict[str, float] = {}
    for word, stem in content_words(text):
        weights[stem] = max(weights.get(stem, 0.0), rarity(word))
    return weights


class KeywordIndex:
    """BM25 over a list of texts; scores every text for a query."""

    def __init__(self, texts: list[str]):
        import bm25s

        self.size = len(texts)
        self.token_lists = [tokenize(text) for text in texts]
        self.retriever = bm25s.BM25(k1=1.2, b=0.75)
        # bm25s rejects an empty corpus; an index of no chunks scores nothing.
        if self.size:
            self.retriever.index(self.token_lists or [[]], show_progress=False)
        document_frequency: dict[str, int] = {}
        for tokens in self.token_lists:
            for token in set(tokens):
                document_frequency[token] = document_frequency.get(token, 0) + 1
        self.document_frequency = document_frequency

    def idf(self, tokens) -> dict[str, float]:
        """BM25's inverse document frequency of each token over the indexed
        texts (a token in no text gets the highest)."""
        return {token: math.log(1.0 + (self.size - frequency + 0.5) / (frequency + 0.5))
                for token in tokens
                for frequency in [self.document_frequency.get(token, 0)]}

    def scores(self, query: str) -> np.ndarray:
        tokens = [token for token in tokenize(query) if token in self.document_frequency]
        if not tokens or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)
