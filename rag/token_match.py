"""How well a sentence's words, read in context, cover the question's words.

The sentence vector compares whole meanings, and word overlap compares exact
stems; neither sees that "doctor" in a question is "physician" in the
answer while the rest of the sentence is about something else. The encoder's
output for each word piece, before pooling, carries that word's meaning in
its sentence. For every word piece of the question, its best cosine with any
word piece of the sentence, averaged over the question ("late interaction",
as in ColBERT, here by the token encoder whose layers `rag eval --fit`
trains for it: `token_encoder.py`), measures how much of the question the
sentence speaks to, word by word, whatever the words. Measured on the
held-out sets it ranks answer sentences better than the sentence cosine
alone; the answer model (`answering.py`) weighs it with the other signals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .answer_shape import QUESTION_WORDS
from .keyword import stopwords

# Word pieces that are (parts of) words or numbers; punctuation and the
# model's special tokens carry no meaning of their own to match.
WORD_PIECE = re.compile(r"(##)?[^\W_]+")
# Word pieces read per text: the cost of a run grows with its length, and a
# sentence's first 128 pieces (about 90 words) hold what a question can
# match in all but the longest legal sentences.
TOKEN_VECTOR_LIMIT = 128


@dataclass(frozen=True)
class TokenVectors:
    """Unit vectors of a text's word pieces, in order, with the pieces."""

    pieces: tuple[str, ...]
    vectors: np.ndarray  # (pieces, dimension), float32, rows of length 1

    @classmethod
    def of(cls, pieces: list[str], hidden: np.ndarray) -> "TokenVectors":
        """From the encoder's per-token output, keeping word pieces only."""
        keep = [row for row, piece in enumerate(pieces) if is_word_piece(piece)]
        if not keep:  # a text of punctuation only: match on whatever it has
            keep = list(range(min(1, len(pieces))))
        vectors = np.asarray(hidden[keep], dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return cls(tuple(pieces[row] for row in keep), vectors)

    def content(self) -> np.ndarray:
        """Vectors of the pieces that are not function or question words."""
        rows = [row for row, piece in enumerate(self.pieces) if is_content_piece(piece)]
        return self.vectors[rows] if rows else self.vectors


def is_word_piece(piece: str) -> bool:
    """A (part of a) word or number, not punctuation or a special token."""
    return not piece.startswith("[") and WORD_PIECE.fullmatch(piece) is not None


def is_content_piece(piece: str) -> bool:
    """A word piece that is not a function or question word."""
    return is_word_piece(piece) and piece not in stopwords() and piece not in QUESTION_WORDS


def coverage(question: np.ndarray, sentence: TokenVectors) -> float:
    """Mean over the question's pieces of the best cosine with a piece of
    the sentence."""
    if not len(question) or not len(sentence.vectors):
        return 0.0
    return float((question @ sentence.vectors.T).max(axis=1).mean())
