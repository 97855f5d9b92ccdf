"""The sentence encoder in ONNX Runtime: the lean path for answering and indexing.

Imports only numpy, onnxruntime and tokenizers (not torch, transformers or
sentence-transformers), so `rag ask` starts in a fraction of the time and
memory. It reproduces what sentence-transformers does for this kind of model:
tokenize with the model's own `tokenizer.json`, truncate to the model's
maximum length, run the transformer, mean-pool over real tokens (or take the
first token, if the model's pooling config says so) and L2-normalize.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .embedding import Embedder, ModelNotAvailable, spell_out_ligatures
from .onnx_export import META_FILE
from .store import file_sha256
from .token_match import TOKEN_VECTOR_LIMIT, TokenVectors


class OnnxEmbedder(Embedder):
    def __init__(self, folder: Path, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            onnx_file = folder / "model.onnx"
            # The manifest of every index names this hash, so vectors from a
            # damaged or swapped file would be refused; check it up front.
            tokenizer_file = folder / "tokenizer.json"
            for file, recorded in ((onnx_file, "onnx_sha256"),
                                   (tokenizer_file, "tokenizer_sha256")):
                if file_sha256(file) != meta[recorded]:
                    raise ValueError(f"{file} does not match its recorded hash")
            try:
                tokenizer = Tokenizer.from_file(str(tokenizer_file))
            except Exception as error:  # the tokenizers library raises plain Exception
                raise ValueError(f"{tokenizer_file}: {error}") from None
            spell_out_ligatures(tokenizer)
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            self.per_text = meta["runtime"] == "onnx-int8"
            if self.per_text:
                # One text per run (see embed_batch), so parallelism comes from
                # running texts side by side, one per core: 1.5x the
                # throughput of one run splitting its small matrices over two.
                options.intra_op_num_threads = 1
                self.workers = threads or usable_cores()
            elif threads:
                options.intra_op_num_threads = threads
            self.session = onnxruntime.InferenceSession(
                str(onnx_file), options, providers=["CPUExecutionProvider"])
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            raise ModelNotAvailable(f"cannot load the ONNX encoder in {folder}: {error}; "
                                    f"run: rag model --rebuild") from None
        # tokenizer.json may carry fixed-length padding (128 for MiniLM);
        # pad each batch only to its longest text instead.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=int(meta["max_tokens"]))
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0)
        self.tokenizer = tokenizer
        self.meta = meta
        self.model_id = meta["model"]
        self.dimension = int(meta["dimension"])
        self.encoder_id = f"{meta['runtime']}:{meta['onnx_sha256'][:16]}"
        self._inputs = {node.name for node in self.session.get_inputs()}
        self._executor: ThreadPoolExecutor | None = None

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        if self.per_text and len(texts) > 1:
            # Dynamic quantization scales activations by the largest value in
            # the whole input tensor, so in a batch one text's vector would
            # depend on its batch-mates (cosine down to 0.96 with its vector
            # alone). One text per run makes every vector a function of its
            # text only, which incremental indexing relies on.
            return np.vstack(list(self._pool().map(lambda text: self._run([text]), texts)))
        return self._run(texts)

    def _pool(self) -> ThreadPoolExecutor:
        # ONNX Runtime releases the GIL while it runs, so threads use every core.
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="encoder")
        return self._executor

    def token_vectors(self, texts: list[str]) -> list[TokenVectors]:
        # One text per run, as in embed_batch: a text's token vectors then
        # depend on it alone, so a cached sentence matches a fresh one.
        def one(text: str) -> TokenVectors:
            encodings, hidden = self._hidden([text], TOKEN_VECTOR_LIMIT)
            pieces = encodings[0].tokens
            if len(pieces) > hidden.shape[1]:  # cut as _hidden cut the ids
                pieces = pieces[:hidden.shape[1] - 1] + pieces[-1:]
            return TokenVectors.of(pieces, hidden[0])

        if self.per_text and len(texts) > 1:
            return list(self._pool().map(one, texts))
        return [one(text) for text in texts]  # a float run already uses every core

    def encode_query_and_tokens(self, text: str) -> tuple[np.ndarray, TokenVectors]:
        encodings, hidden = self._hidden([text])
        if len(encodings[0].ids) > TOKEN_VECTOR_LIMIT:  # token vectors read less of it
            return self._pooled(encodings, hidden)[0], self.token_vectors([text])[0]
        return self._pooled(encodings, hidden)[0], TokenVectors.of(encodings[0].tokens, hidden[0])

    def _hidden(self, texts: list[str], limit: int | None = None):
        """The tokenizer's encodings and the transformer's last hidden states,
        of at most `limit` tokens per text (the end marker kept)."""
        encodings = self.tokenizer.encode_batch(texts)
        ids = [encoding.ids for encoding in encodings]
        mask = [encoding.attention_mask for encoding in encodings]
        types = [encoding.type_ids for encoding in encodings]
        if limit is not None and max(map(len, ids)) > limit:
            ids = [row[:limit - 1] + row[-1:] if len(row) > limit else row for row in ids]
            mask = [row[:limit] for row in mask]
            types = [row[:limit] for row in types]
        feeds = {"input_ids": np.array(ids, dtype=np.int64),
                 "attention_mask": np.array(mask, dtype=np.int64),
                 "token_type_ids": np.array(types, dtype=np.int64)}
        hidden = self.session.run(None, {name: value for name, value in feeds.items()
                                         if name in self._inputs})[0]
        return encodings, hidden

    def _run(self, texts: list[str]) -> np.ndarray:
        return self._pooled(*self._hidden(texts))

    def _pooled(self, encodings, hidden: np.ndarray) -> np.ndarray:
        """Sentence vectors from the hidden states, as sentence-transformers pools."""
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
        if self.meta["pooling"] == "cls":
            vectors = hidden[:, 0, :]
        else:
            weights = mask[..., None].astype(np.float32)
            vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        # Always normalized: the index compares vectors by inner product.
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def usable_cores() -> int:
    """Cores this process may run on (a container may allow fewer than the
    machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
