"""The reranker: per-word-piece vectors from the real encoder, the coverage
signal they give, the reranker's place in answering, and its ranking fit."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answering import FEATURES, RERANK_DEPTH, RERANK_FEATURES, TOKEN_FEATURES, ordered, \
    sigmoid
from rag.embedding import load_embedder
from rag.settings import DEFAULT_MODEL
from rag.token_match import TOKEN_VECTOR_LIMIT, coverage


def test_token_vectors_keep_word_pieces_only(embedder):
    asked, long = embedder.token_vectors(["Who runs the plant?", "word, " * 400])
    assert asked.pieces == ("who", "runs", "the", "plant")
    assert asked.vectors.shape == (4, embedder.dimension)
    assert np.allclose(np.linalg.norm(asked.vectors, axis=1), 1.0, atol=1e-5)
    # Question and function words are left out of the content side.
    assert len(asked.content()) == 2
    # A long text is read up to the limit (less [CLS], [SEP] and the commas).
    assert len(long.pieces) == (TOKEN_VECTOR_LIMIT - 2 + 1) // 2


def test_onnx_and_torch_token_vectors_agree(embedder):
    """The ONNX runtime answers; sentence-transformers is the reference."""
    reference = load_embedder(DEFAULT_MODEL, encoder="torch")
    # Texts of different lengths (padding) and one past the limit.
    texts = ["The harbour froze over in January.", "Dock workers struck for higher pay.",
             "The ferry ran late, " * 60]
    for fast, slow in zip(embedder.token_vectors(texts), reference.token_vectors(texts)):
        assert fast.pieces == slow.pieces
        assert np.min(np.sum(fast.vectors * slow.vectors, axis=1)) > 0.9


def test_coverage_sees_paraphrase_that_word_overlap_misses(embedder):
    question, paraphrase, unrelated = embedder.token_vectors([
        "When did the port close because of ice?",
        "The harbour froze over in January and shipping stopped.",
        "The port authority elected a new chairman in January."])
    content = question.content()
    # The unrelated sentence shares "port"; the paraphrase shares no content word.
    assert coverage(content, paraphrase) > coverage(content, unrelated)


def test_answering_reranks_the_first_models_best(assistant):
    question = "How much has Turkey paid so far for the F-35?"
    candidates = assistant.candidates(question)
    answerer = assistant.answerer
    reranked = [candidate for candidate in candidates if candidate.reranked]
    assert len(reranked) == min(RERANK_DEPTH, len(candidates))
    # They are the first model's best, and their probability is the reranker's,
    # recomputed here from the encoder's token vectors.
    first = sorted(candidates, key=lambda candidate: -float(sigmoid(
        candidate.features @ answerer.weights + answerer.bias)))
    assert {c.sentence_id for c in reranked} == {c.sentence_id for c in first[:RERANK_DEPTH]}
    # The trained token encoder's vectors, not the retrieval encoder's.
    assert answerer.token_encoder is assistant.token_encoder is not assistant.embedder
    asked, *read = assistant.token_encoder.token_vectors(
        [question] + [candidate.sentence.text for candidate in reranked])
    weights = np.array([assistant.settings.calibration.reranker_weights[name]
                        for name in RERANK_FEATURES])
    for candidate, vectors in zip(reranked, read):
        tokens = [coverage(asked.content(), vectors), coverage(asked.vectors, vectors)]
        assert np.allclose(candidate.token_features, tokens, atol=1e-6)
        row = np.concatenate([candidate.features, tokens])
        expected = sigmoid(row @ weights + assistant.settings.calibration.reranker_bias)
        assert candidate.probability == pytest.approx(float(expected), abs=1e-6)
    best = ordered(candidates)[0]
    assert best.reranked and "$900 million" in best.sentence.text
    assert len(TOKEN_FEATURES) == len(RERANK_FEATURES) - len(FEATURES)


def test_conditional_logit_learns_to_rank_within_questions():
    """The ranking fit looks only at which row of a question is right: a
    feature that is high for every row of easy questions (and so separates
    questions, not rows) gets no weight; the one that picks the row does."""
    from evals.fitting import conditional_logit

    rng = np.random.default_rng(0)
    groups, labels = [], []
    for _ in range(300):
        rows = rng.normal(size=(5, 2))
        right = np.zeros(5, dtype=bool)
        right[int(np.argmax(rows[:, 0] + 0.3 * rng.normal(size=5)))] = True
        rows[:, 1] = rng.normal()  # the same for every row of the question
        groups.append(rows)
        labels.append(right)
    weights = conditional_logit(groups, labels, np.ones(len(groups)))
    assert weights[0] > 1.0 and abs(weights[1]) < 0.05
    chosen = [labels[index][int(np.argmax(group @ weights))]
              for index, group in enumerate(groups)]
    assert np.mean(chosen) > 0.8


def test_copied_files_do_not_make_answers_uncertain(sample_corpus, tmp_path):
    """Two copies of every article: the reranker reads each text once, so a
    copy is not a runner-up as good as the best, and the answer stands."""
    import shutil

    from rag.assistant import Assistant
    from rag.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(sample_corpus.glob("*.txt")):
        shutil.copy(path, corpus / path.name)
        shutil.copy(path, corpus / f"copy_{path.name}")
    assistant = Assistant(Settings(index_dir=tmp_path / "index"))
    assistant.index([corpus])
    question = "Where was the second batch of S-400 air defence systems delivered?"
    reranked = [c for c in assistant.candidates(question) if c.reranked]
    assert len({candidate.sentence.text for candidate in reranked}) == len(reranked)
    answer = assistant.ask(question)
    assert not answer.abstained and "Murted" in answer.text


def test_token_encoder_is_the_shipped_trained_model(assistant, embedder):
    """The answer model's trained layers are in the token encoder: its
    token vectors differ from the retrieval encoder's, its sentence vectors
    are not used for retrieval, and the torch runtime with the same layers
    gives the same token vectors as the ONNX export."""
    from rag.token_encoder import checked_layers

    layers = checked_layers(assistant.settings.calibration)
    token_encoder = assistant.token_encoder
    assert layers is not None and token_encoder.encoder_id != embedder.encoder_id
    texts = ["The harbour froze over in January.", "Dock workers struck for higher pay."]
    trained, base = token_encoder.token_vectors(texts), embedder.token_vectors(texts)
    assert [vectors.pieces for vectors in trained] == [vectors.pieces for vectors in base]
    assert np.mean(np.sum(trained[0].vectors * base[0].vectors, axis=1)) < 0.99
    reference = load_embedder(DEFAULT_MODEL, encoder="torch", layers=layers,
                              layers_sha256=assistant.settings.calibration.token_encoder_sha256)
    for fast, slow in zip(trained, reference.token_vectors(texts)):
        assert fast.pieces == slow.pieces
        assert np.min(np.sum(fast.vectors * slow.vectors, axis=1)) > 0.9


def test_layers_of_another_shape_are_refused(tmp_path):
    import torch
    from safetensors.torch import save_file

    from rag.embedding import ModelNotAvailable, load_sentence_transformer
    from rag.token_encoder import apply_layers

    model = load_sentence_transformer(DEFAULT_MODEL)
    wrong = tmp_path / "layers.safetensors"
    save_file({"encoder.layer.0.attention.self.query.weight": torch.zeros(8, 8)}, str(wrong))
    with pytest.raises(ModelNotAvailable, match="does not fit"):
        apply_layers(model, wrong)
