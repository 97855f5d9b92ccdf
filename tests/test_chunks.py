"""Chunks are runs of whole sentences that keep their lines."""

import pytest

from rag.chunks import chunk_sentences, count_tokens
from rag.sentences import split_sentences
from rag.types import Sentence

from .conftest import SAMPLE_FILES


def sentence(number: int, words: int, furniture: bool = False) -> Sentence:
    text = " ".join(f"w{number}x{index}" for index in range(words)) + "."
    return Sentence("f.txt", number, number, 0, 1, text, furniture)


def test_chunks_respect_size_and_overlap_and_cover_every_sentence():
    sentences = [sentence(number, 9) for number in range(1, 31)]  # 10 tokens each
    chunks = chunk_sentences(sentences, 100, chunk_tokens=40, chunk_overlap=10)
    for chunk in chunks:
        assert count_tokens(chunk.text) <= 40
        assert chunk.line_start == chunk.sentence_start - 100 + 1
        assert chunk.line_end == chunk.sentence_end - 100
    covered = set().union(*(range(chunk.sentence_start, chunk.sentence_end) for chunk in chunks))
    assert covered == set(range(100, 130))
    # Consecutive chunks share one 10-token sentence.
    assert all(later.sentence_start == earlier.sentence_end - 1
               for earlier, later in zip(chunks, chunks[1:]))


def test_a_sentence_longer_than_a_chunk_is_a_chunk_of_its_own():
    sentences = [sentence(1, 5), sentence(2, 300), sentence(3, 5)]
    chunks = chunk_sentences(sentences, 0, chunk_tokens=50, chunk_overlap=10)
    assert [(chunk.sentence_start, chunk.sentence_end) for chunk in chunks] == [(0, 1), (1, 2), (2, 3)]


def test_furniture_is_left_out_and_all_furniture_gives_no_chunks():
    sentences = [sentence(1, 5, furniture=True), sentence(2, 5), sentence(3, 5, furniture=True)]
    [chunk] = chunk_sentences(sentences, 0, chunk_tokens=50, chunk_overlap=10)
    assert (chunk.line_start, chunk.line_end) == (2, 2)
    assert chunk_sentences([sentence(1, 5, furniture=True)], 0, 50, 10) == []
    assert chunk_sentences([], 0, 50, 10) == []


def test_overlap_must_be_smaller_than_size():
    with pytest.raises(ValueError):
        chunk_sentences([sentence(1, 5)], 0, chunk_tokens=10, chunk_overlap=10)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_chunk_lines_span_their_sentences_on_sample_files(path):
    sentences = split_sentences(path.read_text(encoding="utf-8"), path.name)
    chunks = chunk_sentences(sentences, 0, chunk_tokens=120, chunk_overlap=30)
    assert chunks
    for chunk in chunks:
        members = [item for item in sentences[chunk.sentence_start:chunk.sentence_end]
                   if not item.is_furniture]
        assert chunk.line_start == members[0].line_start
        assert chunk.line_end == max(item.line_end for item in members)
        assert all(item.text in chunk.text for item in members)
