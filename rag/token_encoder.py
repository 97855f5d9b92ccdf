"""The token encoder: the retrieval model with layers trained to read a
question against a sentence word by word.

The reranker (`answering.py`) measures how much of a question a sentence
covers from the encoder's per-word-piece vectors (`token_match.py`). The
model as shipped was trained to pool those vectors into one sentence
vector, not to match them piece by piece. `rag eval --fit` trains its
transformer layers (the word-piece embeddings stay frozen) on the training
questions so that coverage puts the sentence that answers first among the
first model's best few (`evals/token_training.py`), and ships only those
layers: a safetensors file of float16 weights beside `calibration.json`,
whose hash the answer model records and which is checked before use.

At run time the trained model is exported to ONNX once, like the retrieval
encoder, and cached under the hash of the layers. Retrieval keeps the
original model, so indexes do not change; the question is encoded once by
each model.
"""

from __future__ import annotations

from pathlib import Path

from .settings import Calibration, CalibrationError, Settings
from .store import file_sha256

LAYERS_FILE = "token_encoder.safetensors"


def checked_layers(calibration: Calibration) -> Path | None:
    """The answer model's trained layers, after checking the file is the one
    it was fitted with; None when the model has none."""
    path = calibration.token_encoder_path()
    if path is None:
        return None
    try:
        actual = file_sha256(path)
    except OSError as error:
        raise CalibrationError(f"cannot read the token encoder {path}: {error.strerror}; "
                               f"reinstall rag or run: rag eval --fit") from None
    if actual != calibration.token_encoder_sha256:
        raise CalibrationError(f"the token encoder {path} does not match the hash the answer "
                               f"model recorded (edited, damaged or from another fit); "
                               f"reinstall rag or run: rag eval --fit")
    return path


def load_token_encoder(settings: Settings, retrieval_encoder, notify=None):
    """The encoder whose token vectors the reranker reads: the trained one,
    or the retrieval encoder itself when the answer model has no layers."""
    from .embedding import load_embedder

    layers = checked_layers(settings.calibration)
    if layers is None:
        return retrieval_encoder
    return load_embedder(settings.model, settings.encoder, settings.cache_dir, notify,
                         layers=layers, layers_sha256=settings.calibration.token_encoder_sha256)


def apply_layers(model, path: Path) -> None:
    """Put the trained layers of `path` into the sentence-transformers
    `model` (torch). Every tensor must name a parameter of the model with
    the same shape, so layers of another architecture are refused."""
    import torch
    from safetensors.torch import load_file

    from .embedding import ModelNotAvailable

    network = model[0].auto_model
    own = network.state_dict()
    trained = load_file(str(path))
    wrong = [name for name, tensor in trained.items()
             if name not in own or own[name].shape != tensor.shape]
    if wrong or not trained:
        raise ModelNotAvailable(f"the token encoder {path} does not fit this model "
                                f"({len(wrong)} of {len(trained)} tensors do not match, "
                                f"e.g. {wrong[:1]}); run: rag eval --fit")
    with torch.no_grad():
        for name, tensor in trained.items():
            own[name].copy_(tensor.to(own[name].dtype))
