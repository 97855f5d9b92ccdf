"""Hybrid retrieval: exact terms are found, BM25 scores match the formula."""

import math

import numpy as np
import pytest

from rag.keyword import KeywordIndex, question_weights, tokenize

EXACT_TERMS = [
    ("Su-30SM", "001_b4f6f2b0e5c1da68.txt", 159, 161),
    ("$900 million", "003_7a2e542821ed9fae.txt", 12, 12),
    ("Murted", "001_b4f6f2b0e5c1da68.txt", 122, 124),
    ("Hmeimim", "004_333ae619c2337046.txt", 21, 21),
]


@pytest.mark.parametrize("query,file,line_start,line_end", EXACT_TERMS)
def test_exact_names_and_numbers_rank_first(assistant, query, file, line_start, line_end):
    [top] = assistant.search(query, k=1)
    assert top.file == file and top.line_start <= line_start and top.line_end >= line_end


def test_both_sides_and_the_fusion_put_a_rare_name_first(assistant):
    retriever = assistant.retriever
    data = assistant.data()
    query = "Su-30SM"
    vector = assistant.embedder.encode_query(query)
    holds = [index for index, chunk in enumerate(data.chunks) if "Su-30SM" in chunk.text]
    assert holds
    assert retriever.keyword_ranking(query, 100)[0] in holds
    assert retriever.dense_ranking(vector, 100)[0] in holds
    assert int(retriever.rank(query, vector).chunk_ids[0]) in holds


@pytest.mark.parametrize("query", ["Su-30SM", "What did Turkey buy from Russia?",
                                   "capital of France"])
def test_dense_ranking_is_chunks_by_their_best_sentence_exactly(assistant, query):
    data = assistant.data()
    vector = assistant.embedder.encode_query(query)
    cosine = data.sentence_vectors @ vector
    best = np.array([max(cosine[index] for index in range(chunk.sentence_start, chunk.sentence_end)
                         if not data.sentences[index].is_furniture) for chunk in data.chunks])
    ranking = assistant.retriever.dense_ranking(vector, 10)
    # Same chunks in the same order as exact numpy search; ties may swap.
    assert np.allclose(best[ranking], np.sort(best)[::-1][:10], atol=1e-6)
    assert len(set(ranking)) == 10


def test_natural_question_is_not_pushed_out_by_keyword_noise(assistant):
    # Many chunks say "Turkey", "Russia", "S-400"; the answer is about the astronaut.
    [top] = assistant.search("Did Russia offer to fly a Turkish person into space?", k=1)
    assert top.file == "001_b4f6f2b0e5c1da68.txt" and top.line_start <= 167 <= top.line_end


def test_tokenizer_keeps_names_whole_and_folds_accents():
    assert "su-30sm" in tokenize("Su-30SM fighters")
    assert tokenize("Erdoğan’s") == tokenize("Erdogan's") == ["erdogan"]
    assert "1000" in tokenize("1,000 troops")
    assert tokenize("the and of") == []
    # Invisible in the text, a soft hyphen or a zero-width space cut the word.
    assert tokenize("infor\u00admation Erdo\u200bgan") == tokenize("information Erdogan")


def test_a_command_line_option_is_a_token_in_its_case():
    """A reference's "-R, -r, --recursive": each option a word of its own
    ("-r" and "-R" differ), weighed as a name, where the letter alone was
    dropped; hyphens inside or after words, and a list's dash, make none."""
    assert {"-R", "-r", "recurs"} <= set(tokenize("-R, -r, --recursive"))
    assert "-h" in tokenize("\u2010h, --human-readable")  # a man page's hyphen
    assert "-X" in tokenize("-X\tEnables X11 forwarding.")
    assert question_weights("What does ls -h do?")["-h"] >= question_weights("What does ls -h do?")["ls"]
    assert not [token for token in tokenize("an x-ray, re-enter, 1-based - oars -5 --all")
                if token.startswith("-")]


def test_a_questions_weights_leave_out_the_words_that_frame_it():
    """"What does pyenv global do?" is about pyenv and global: a sentence
    that says "what they do" shares none of what is asked."""
    assert set(question_weights("What does pyenv global do?")) == {"pyenv", "global"}
    assert set(question_weights("How much did Turkey pay for the S-400?")) == \
        {"much", "turkey", "pay", "s-400", "400"}
    assert question_weights("What is it?") == {}


def test_bm25_scores_match_the_lucene_formula():
    texts = ["missile defence system", "missile missile deal", "fighter jet deal", "ferry"]
    index = KeywordIndex(texts)
    scores = index.scores("missile deal")
    tokens = [tokenize(text) for text in texts]
    average = sum(len(doc) for doc in tokens) / len(tokens)
    k1, b = 1.2, 0.75

    def reference(doc):
        total = 0.0
        for term in tokenize("missile deal"):
            frequency = doc.count(term)
            documents = sum(term in other for other in tokens)
            idf = math.log(1 + (len(tokens) - documents + 0.5) / (documents + 0.5))
            # Lucene (since 8.0) drops BM25's constant (k1 + 1) factor.
            total += idf * frequency / (frequency + k1 * (1 - b + b * len(doc) / average))
        return total

    assert np.allclose(scores, [reference(doc) for doc in tokens], atol=1e-5)
