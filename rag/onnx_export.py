"""Build the ONNX encoder once from the local sentence-transformers model.

Answering and indexing run the encoder in ONNX Runtime (`onnx_encoder.py`),
so the query path never imports torch. This module is the one place that
does: it loads the model with sentence-transformers, exports its transformer
with `torch.onnx.export`, and for the "onnx-int8" runtime quantizes the
weights to int8 with `onnxruntime.quantization.quantize_dynamic`.

Two choices keep the int8 vectors close to the original ones (cosine with
sentence-transformers' vectors on the sample articles' lines, mean / worst):
- per-channel weight scales: with one scale per tensor 0.961 / 0.869, per
  channel 0.993 / 0.982;
- the feed-forward down-projections (the MatMuls that read the wide
  activation after GELU, whose outliers int8 handles worst) stay float:
  0.996 / 0.988, for 33 MB instead of 22 MB and little speed.
Embedding tables are quantized too (58 MB otherwise) at no measurable cost.

The result goes to a cache folder, built in a temporary folder and renamed
into place, so two processes exporting at once cannot leave a half-written
model: the second rename fails and its copy is discarded.
"""

from __future__ import annotations

import json
import shutil
import logging
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

from .store import file_sha256

# Bump when the export or quantization settings change: an index built with
# vectors from an older recipe is then re-embedded, not mixed.
RECIPE = "st-transformer-meanpool/onnx-opset17/int8-dynamic-per-channel-float-ffn-down/2"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
META_FILE = "encoder.json"


def source_stamp(model_dir: Path) -> dict:
    """Size and mtime of each weights file: cheap to check on every start,
    and enough to notice a reinstalled or replaced model."""
    stamp = {}
    for path in sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin")):
        info = path.stat()
        stamp[path.name] = [info.st_size, int(info.st_mtime)]
    return stamp


def export_encoder(model_id: str, model_dir: Path, target: Path, quantize: bool,
                   layers: Path | None = None, layers_sha256: str = "") -> dict:
    """Export `model_dir` into the folder `target` (replaced atomically) and
    return its metadata; with `layers` (whose hash `layers_sha256` the caller
    has checked), the model with those trained layers in place
    (`token_encoder.py`). Needs torch and sentence-transformers."""
    import torch

    from .embedding import load_sentence_transformer, sentence_transformer_dimension
    from .token_encoder import apply_layers

    model = load_sentence_transformer(str(model_dir))
    if layers is not None:
        apply_layers(model, layers)
    transformer, pooling = model[0], (model[1] if len(model) > 1 else None)
    pooling_mode = _pooling_mode(pooling)
    tokenizer_file = Path(model_dir) / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise RuntimeError(f"{model_dir} has no tokenizer.json (a fast tokenizer is needed)")

    network = transformer.auto_model.eval()
    accepted = _accepted_inputs(network)

    class TokenEmbeddings(torch.nn.Module):
        """The transformer's last hidden state; pooling is done in numpy."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
            if "token_type_ids" in accepted:
                inputs["token_type_ids"] = token_type_ids
            return self.inner(**inputs).last_hidden_state

    example = model.tokenizer(["an example sentence", "a second, longer example sentence"],
                              padding=True, return_tensors="pt")
    arguments = tuple(example.get(name, torch.zeros_like(example["input_ids"]))
                      for name in INPUT_NAMES)
    target.parent.mkdir(parents=True, exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        fp32 = workspace / "model.fp32.onnx"
        dynamic = {name: {0: "batch", 1: "tokens"} for name in INPUT_NAMES}
        dynamic["token_embeddings"] = {0: "batch", 1: "tokens"}
        # The exporters' advice (deprecations, "run pre-processing") is for
        # their developers, not for someone asking a question.
        with torch.no_grad(), warnings.catch_warnings(), _quiet_logging():
            warnings.simplefilter("ignore")
            torch.onnx.export(TokenEmbeddings(network), arguments, str(fp32),
                              input_names=list(INPUT_NAMES), output_names=["token_embeddings"],
                              dynamic_axes=dynamic, opset_version=17, dynamo=False)
        onnx_file = workspace / "model.onnx"
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            with _quiet_logging():
                quantize_dynamic(str(fp32), str(onnx_file), weight_type=QuantType.QInt8,
                                 per_channel=True,
                                 nodes_to_exclude=_down_projections(fp32))
            fp32.unlink()
        else:
            fp32.rename(onnx_file)
        shutil.copyfile(tokenizer_file, workspace / "tokenizer.json")
        meta = {
            "model": model_id,
            "runtime": "onnx-int8" if quantize else "onnx",
            "recipe": RECIPE,
            "onnx_sha256": file_sha256(onnx_file),
            "tokenizer_sha256": file_sha256(workspace / "tokenizer.json"),
            "dimension": sentence_transformer_dimension(model),
            "max_tokens": int(model.max_seq_length),
            "pooling": pooling_mode,
            "source": str(model_dir),
            "source_stamp": source_stamp(Path(model_dir)),
            "layers_sha256": layers_sha256 if layers is not None else "",
            "versions": {"torch": torch.__version__, "onnxruntime": _onnxruntime_version()},
        }
        (workspace / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        try:
            workspace.rename(target)
        except OSError:
            pass  # another process finished first; its copy is as good as ours
        return json.loads((target / META_FILE).read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def _pooling_mode(pooling) -> str:
    if pooling is None:
        return "mean"
    config = pooling.get_config_dict() if hasattr(pooling, "get_config_dict") else {}
    if config.get("pooling_mode_cls_token"):
        return "cls"
    if config.get("pooling_mode_mean_tokens", True):
        return "mean"
    raise RuntimeError(f"pooling {config} is not supported by the ONNX encoder; "
                       f"use RAG_ENCODER=torch")


def _down_projections(onnx_file: Path) -> list[str]:
    """MatMul nodes whose weight narrows its input (more rows than columns):
    in a transformer, the feed-forward layers' down-projections."""
    import onnx

    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    shapes = {tensor.name: list(tensor.dims) for tensor in graph.initializer}
    return [node.name for node in graph.node if node.op_type == "MatMul"
            and len(shapes.get(node.input[1], [])) == 2
            and shapes[node.input[1]][0] > shapes[node.input[1]][1]]


@contextmanager
def _quiet_logging():
    """Silence the exporters' logging, and take back the handlers they add to
    the root logger, which would otherwise print other libraries' debug
    messages for the rest of the process."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


def _accepted_inputs(network) -> set[str]:
    import inspect

    return set(inspect.signature(network.forward).parameters)


def _onnxruntime_version() -> str:
    import onnxruntime

    return onnxruntime.__version__
