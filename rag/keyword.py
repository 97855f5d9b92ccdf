"""Keyword side of retrieval: tokenization and a BM25 index (bm25s).

Dense models blur exact names and numbers ("Su-30SM", "$900 million");
keyword search keeps them. The same tokenizer feeds the answerer's lexical
overlap features so both agree on what a "word" is.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from functools import lru_cache
from pathlib import Path

import numpy as np

from .encodable import INVISIBLE

# A word of the Latin alphabet (accents folded away first) or digits, or a
# run of letters of another script (Cyrillic, Greek, Arabic, Chinese ...),
# which the first alternative alone dropped without a trace.
TOKEN = re.compile(r"[a-z0-9]+(?:[-.'][a-z0-9]+)*|[^\W\d_\x00-\u024f\u1e00-\u1eff]+")
# Scripts written without spaces between words (Chinese, Japanese kana,
# Thai ...) and Korean, whose words take their endings joined on: a run of
# their letters is read as its overlapping pairs of letters, so "长城" is
# found in "长城是世界上最长的城墙" and "서울" in "서울은".
PAIRED_LETTERS = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1100-\u11ff"
                            r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
                            r"\uf900-\ufaff]")
HANGUL_LETTERS = re.compile(r"[\u1100-\u11ff]")
# How text is cut into keyword tokens; an index records it, and one built by
# another version is built afresh (2: command-line options are tokens; 3:
# letters of other scripts than Latin are tokens; 4: invisible format
# characters inside a word no longer cut it in two).
KEYWORD_TOKENS_VERSION = 4
# A command-line option as references write it ("-a", "-R", "-lt"), a
# dash and a letter or two standing alone: a word of its own, in its case
# ("-r" and "-R" are different options of most tools), where the letter alone
# would be dropped as too short to say anything.
OPTION_FLAG = re.compile(r"(?<![\w\-\u2010\u2011])[-\u2010\u2011]"
                         r"([A-Za-z][A-Za-z0-9]{0,2})(?![\w\-\u2010\u2011])")
QUOTES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-", "—": " ",
                        "ı": "i", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "æ": "ae",
                        "œ": "oe", "þ": "th", "ð": "d"}) | INVISIBLE


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
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(QUOTES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    # Korean's syllables decompose into their letters, which are no marks:
    # put back together, "서울" is still "서울".
    return unicodedata.normalize("NFC", plain) if HANGUL_LETTERS.search(plain) else plain


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
        if len(token) > 2 and PAIRED_LETTERS.match(token):
            tokens.extend(token[start:start + 2] for start in range(len(token) - 1))
            continue
        tokens.append(token)
        if "-" in token:
            tokens.extend(part for part in token.split("-") if len(part) > 1 or part.isdigit())
    if "-" in text or "\u2010" in text or "\u2011" in text:  # (a hot path: words one by one)
        tokens.extend(f"-{flag}" for flag in OPTION_FLAG.findall(text))
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


def word_stems(words) -> set[str]:
    """The tokens `tokenize` gives lower-case words, one by one; a plain
    word of letters is read straight by the stemmer (tokenizing each of a
    dictionary's 200,000 words took seconds)."""
    stemmer, stop = _stemmer(), stopwords()
    stems = set()
    for word in words:
        if word.isascii() and word.isalpha():
            if len(word) > 1 and word not in stop:
                stems.add(stemmer.stemWord(word))
        else:
            stems.update(tokenize(word))
    return stems


MAX_RARITY = 8.0


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """How common a word is in English: wordfreq's Zipf frequency (log10 of
    its occurrences per billion words; 0 for a word never seen)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def rarity(word: str) -> float:
    """How rare a word is in English, from 0 ("the") to 8 (never seen), on
    the Zipf scale. Unlike IDF it does not depend on the size of the
    indexed corpus, so a one-file index weighs words as a large one does."""
    if word.startswith("-"):  # an option ("-a"), named as exactly as a model number
        return MAX_RARITY
    return max(0.0, MAX_RARITY - zipf(word))


def weighted_tokens(text: str) -> dict[str, float]:
    """Stem -> rarity of the rarest word that has that stem."""
    weights: dict[str, float] = {}
    for word, stem in content_words(text):
        weights[stem] = max(weights.get(stem, 0.0), rarity(word))
    return weights


# Words that frame a question rather than say what it is about ("What does
# pyenv global do?"); the stop list, made for documents, keeps most of them.
# A sentence that says "what they do" shares nothing with that question.
QUESTION_FRAME = frozenset("""what which who whom whose when where why how do does did done
is are was were be been being am has have had can could will would shall should may might must
""".split())


@lru_cache(maxsize=1)
def _frame_stems() -> frozenset[str]:
    """QUESTION_FRAME as `tokenize` writes it ("does" -> "doe"), once."""
    stemmer = _stemmer()
    return frozenset(stemmer.stemWord(word) for word in QUESTION_FRAME)


def question_weights(question: str) -> dict[str, float]:
    """`weighted_tokens` of a question without the words that frame it."""
    return {stem: weight for stem, weight in weighted_tokens(question).items()
            if stem not in _frame_stems()}


def bm25_idf(texts: int, frequency: int) -> float:
    """BM25's inverse document frequency of a token found in `frequency` of
    `texts` texts (Lucene's form, as bm25s and Milvus use)."""
    return math.log(1.0 + (texts - frequency + 0.5) / (frequency + 0.5))


class KeywordIndex:
    """BM25 over a list of texts; scores every text for a query.

    Built once per index generation and saved beside it (`save`), so loading
    an index memory-maps the BM25 matrix instead of tokenizing every chunk
    again: at a million sentences that is the difference between 80 s and
    a moment, and between gigabytes of token lists and none."""

    def __init__(self, texts: list[str]):
        import bm25s
        from bm25s.tokenization import Tokenized

        self.size = len(texts)
        # Token ids in compact arrays, not lists of token strings: for a large
        # collection those would cost gigabytes while the matrix is built.
        vocabulary: dict[str, int] = {}
        token_ids = [array("i", [vocabulary.setdefault(token, len(vocabulary))
                                 for token in tokenize(text)]) for text in texts]
        self.retriever = bm25s.BM25(k1=1.2, b=0.75)
        # bm25s rejects an empty corpus; an index of no chunks scores nothing.
        if self.size:
            self.retriever.index(Tokenized(ids=token_ids, vocab=vocabulary), show_progress=False)
        del token_ids
        self.document_frequency = self._document_frequency()

    def _document_frequency(self) -> dict[str, int]:
        """Texts holding each token: the nonzeros of its column of the BM25
        matrix (a token's BM25 weight is positive wherever it occurs)."""
        if not self.size:
            return {}
        counts = np.diff(np.asarray(self.retriever.scores["indptr"]))
        return {token: int(counts[column]) for token, column in
                self.retriever.vocab_dict.items() if token and column < len(counts)}

    def save(self, folder) -> list[str]:
        """Write the BM25 matrix into `folder`; the names of the files written."""
        if not self.size:
            return []
        self.retriever.save(str(folder), show_progress=False)
        return sorted(path.name for path in Path(folder).iterdir())

    @classmethod
    def load(cls, folder, size: int) -> "KeywordIndex":
        """The index `save` wrote, memory-mapped; `size` is the number of texts."""
        import bm25s

        index = cls.__new__(cls)
        index.size = size
        if size:
            index.retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
            if int(index.retriever.scores["num_docs"]) != size:
                raise ValueError(f"the keyword index holds {index.retriever.scores['num_docs']} "
                                 f"texts, not {size}")
        index.document_frequency = index._document_frequency()
        return index

    def idf(self, tokens) -> dict[str, float]:
        """BM25's inverse document frequency of each token over the indexed
        texts (a token in no text gets the highest)."""
        return {token: bm25_idf(self.size, self.document_frequency.get(token, 0))
                for token in tokens}

    def scores(self, query: str) -> np.ndarray:
        tokens = [token for token in tokenize(query) if token in self.document_frequency]
        if not tokens or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)
