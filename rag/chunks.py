"""Stage 3: group a document's sentences into overlapping chunks.

A chunk is a run of whole sentences of about `chunk_tokens` word tokens;
the next chunk starts so that about `chunk_overlap` tokens of sentences are
shared, so an answer that straddles a boundary is whole in one of them.
Furniture sentences are left out of chunks so they never steer retrieval.

Hands `Chunk`s (with the index range of their sentences) to embedding.
"""

from __future__ import annotations

import re

from .types import Chunk, Sentence

TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Word and punctuation tokens: close to a WordPiece count for English
    prose without tying chunk settings to one model's tokenizer."""
    return len(TOKEN.findall(text))


def chunk_sentences(sentences: list[Sentence], first_id: int, chunk_tokens: int,
                    chunk_overlap: int) -> list[Chunk]:
    """Chunks over `sentences` (all of one file, or of one PDF page), whose
    ids in the sentence table start at `first_id`."""
    if chunk_overlap >= chunk_tokens:
        raise ValueError("chunk overlap must be smaller than the chunk size")
    usable = [index for index, sentence in enumerate(sentences) if not sentence.is_furniture]
    sizes = {index: count_tokens(sentences[index].text) for index in usable}
    chunks: list[Chunk] = []
    position = 0
    while position < len(usable):
        end = position
        total = 0
        while end < len(usable) and (end == position or total + sizes[usable[end]] <= chunk_tokens):
            total += sizes[usable[end]]
            end += 1
        members = [sentences[index] for index in usable[position:end]]
        chunks.append(Chunk(
            file=members[0].file,
            line_start=min(sentence.line_start for sentence in members),
            line_end=max(sentence.line_end for sentence in members),
            text=" ".join(sentence.text for sentence in members),
            sentence_start=first_id + usable[position],
            sentence_end=first_id + usable[end - 1] + 1,
            page=members[0].page,
            extracted=members[0].extracted,
        ))
        if end >= len(usable):
            break
        # Step back over whole sentences worth up to `chunk_overlap` tokens,
        # but always move forward by at least one sentence.
        next_position = end
        shared = 0
        while next_position - 1 > position and shared + sizes[usable[next_position - 1]] <= chunk_overlap:
            next_position -= 1
            shared += sizes[usable[next_position]]
        position = next_position
    return chunks
