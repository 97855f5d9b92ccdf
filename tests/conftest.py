"""Shared fixtures: the real embedding model and a real index of the sample
articles, each built once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.embedding import load_embedder
from rag.settings import DEFAULT_MODEL, SAMPLE_CORPUS_DIR, Settings

SAMPLE_FILES = sorted(SAMPLE_CORPUS_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def embedder():
    return load_embedder(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory) -> Path:
    """A private copy of the sample articles, so tests may not alter the shipped ones."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in SAMPLE_FILES:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, sample_corpus, embedder) -> Path:
    index_dir = tmp_path_factory.mktemp("index")
    assistant = Assistant(Settings(index_dir=index_dir))
    assistant.index([sample_corpus])
    # Export the token encoder too, as the first question would: tests that
    # answer in a fresh process then find it cached.
    assert assistant.token_encoder is not None
    return index_dir


@pytest.fixture(scope="session")
def assistant(sample_index) -> Assistant:
    return Assistant(Settings(index_dir=sample_index))


@pytest.fixture(scope="module")
def fake_llm():
    """A real HTTP server in this process that speaks the chat-completions protocol."""
    from .test_llm import FakeLLM

    fake = FakeLLM()
    yield fake
    fake.server.shutdown()


def make_assistant(index_dir: Path, **settings) -> Assistant:
    return Assistant(Settings(index_dir=index_dir, **settings))


def verdict(checker, claim: str, sources=(0,)) -> tuple[float, str]:
    """A claim checker's (score, reason) for one claim against `sources`."""
    vector = checker.embedder.encode_documents([claim])[0]
    return checker.verdict(claim, vector, list(sources))
