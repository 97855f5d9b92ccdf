"""All tunable settings in one typed place.

Defaults work out of the box. Environment variables (`RAG_INDEX_DIR`,
`RAG_MODEL`, `RAG_ENCODER`; `RAG_CACHE_DIR` is read by embedding.py) and CLI
flags map onto these fields; nothing at run time writes
back into them. Values fitted on evaluation data (fusion weights, the answer
scorer and its "not found" threshold) live in `calibration.json` beside this
file and are produced by `rag eval --fit`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_ENCODER = "onnx-int8"
CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
SAMPLE_CORPUS_DIR = Path(__file__).with_name("sample_corpus")


class SettingsError(ValueError):
    """A setting from the environment or the command line that cannot be used."""


def _number_above_zero(name: str, value, kind=float):
    """`value` read as a `kind` above zero (and finite), or SettingsError."""
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not 0 < number < float("inf"):
        raise SettingsError(f"{name} must be a number above 0, not {value!r}")
    return number


class CalibrationError(RuntimeError):
    """The shipped answer model is damaged or of another format."""


CALIBRATION_FORMAT = 4


@dataclass(frozen=True)
class Calibration:
    """The answer model: values fitted on training data by `rag eval --fit`
    (see `evals/calibrate.py`), shipped as JSON with the hash of the data it
    was fitted on and a hash of its own contents, checked on load."""

    format: int = CALIBRATION_FORMAT
    # Reciprocal-rank fusion: score = sum(weight / (rrf_k + rank)).
    dense_weight: float = 1.0
    keyword_weight: float = 0.5
    rrf_k: float = 60.0
    # Logistic sentence scorer over `answering.FEATURES`.
    scorer_weights: dict[str, float] = field(default_factory=dict)
    scorer_bias: float = 0.0
    # Logistic reranker of the scorer's best few over `answering.RERANK_FEATURES`.
    reranker_weights: dict[str, float] = field(default_factory=dict)
    reranker_bias: float = 0.0
    # Logistic model of "the best sentence answers" over
    # `answering.TRIGGER_FEATURES`; empty means "use the scorer's probability".
    trigger_weights: dict[str, float] = field(default_factory=dict)
    trigger_bias: float = 0.0
    # Below this confidence the assistant does not answer.
    abstain_threshold: float = 0.5
    # Logistic model of "the documents are about the question" over
    # `answering.RELEVANCE_FEATURES`; at or above `related_threshold` an
    # abstention shows the closest lines as related reading.
    relevance_weights: dict[str, float] = field(default_factory=dict)
    relevance_bias: float = 0.0
    related_threshold: float = 0.5
    # The encoder layers trained to read questions against sentences word
    # by word (`token_encoder.py`): a safetensors file beside this model's
    # JSON, and its hash; empty means the token vectors come from the
    # retrieval encoder as it is.
    token_encoder: str = ""
    token_encoder_sha256: str = ""
    fitted_on: str = "defaults"
    version: str = ""
    training_data_sha256: str = ""
    seed: int = 0
    sha256: str = ""
    # Where the JSON was read from (not part of the model): files it names
    # are found beside it.
    folder: Path = field(default=CALIBRATION_FILE.parent, compare=False, repr=False)

    def contents_sha256(self) -> str:
        """Hash of every field but `sha256` itself, in a canonical form."""
        body = self.contents()
        body.pop("sha256")
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> "Calibration":
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CalibrationError(f"cannot read the answer model {path}: {error}; "
                                   f"reinstall rag or run: rag eval --fit") from None
        if data.get("format") != CALIBRATION_FORMAT:
            raise CalibrationError(f"the answer model {path} has format {data.get('format')}, "
                                   f"this rag reads format {CALIBRATION_FORMAT}; run: rag eval --fit")
        calibration = cls(**{name: data[name] for name in cls.__dataclass_fields__
                             if name in data and name != "folder"}, folder=path.parent)
        if calibration.sha256 != calibration.contents_sha256():
            raise CalibrationError(f"the answer model {path} does not match its recorded hash "
                                   f"(edited or damaged); reinstall rag or run: rag eval --fit")
        return calibration

    def save(self, path: Path = CALIBRATION_FILE) -> "Calibration":
        sealed = replace(self, sha256=self.contents_sha256(), folder=path.parent)
        path.write_text(json.dumps(sealed.contents(), indent=2, sort_keys=True) + "\n",
                        encoding="utf-8")
        return sealed

    def contents(self) -> dict:
        """The model's fields as saved (all but `folder`)."""
        return {name: value for name, value in self.__dict__.items() if name != "folder"}

    def token_encoder_path(self) -> Path | None:
        return self.folder / self.token_encoder if self.token_encoder else None


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL
    # How the model runs: "onnx-int8" (default), "onnx" or "torch"; see embedding.py.
    encoder: str = DEFAULT_ENCODER
    # Where exported encoders are kept; None means RAG_CACHE_DIR or ~/.cache/rag.
    cache_dir: Path | None = None
    # Chunks are runs of whole sentences of about this many word tokens, and
    # consecutive chunks share about `chunk_overlap` tokens of sentences.
    chunk_tokens: int = 120
    chunk_overlap: int = 30
    top_k: int = 5
    # How many ranked chunks the answerer reads sentences from.
    answer_pool: int = 8
    batch_size: int = 32
    # Questions longer than this are cut (with a warning) before embedding.
    max_question_chars: int = 2000
    calibration: Calibration = field(default_factory=Calibration.load)
    # Written answers from an OpenAI-compatible server; off when llm_url is empty.
    llm_url: str | None = None
    llm_model: str = "llama3.2"
    llm_api_key: str | None = None
    llm_timeout: float = 60.0
    llm_max_tokens: int = 1024  # asked of the server; a written answer is a few sentences
    # Drop claims the cited lines do not support, instead of marking them.
    drop_unsupported: bool = False
    # Where the index lives: empty for the index folder (FAISS + bm25s);
    # "PATH.db" for Milvus Lite, "http://HOST:19530" for a Milvus server.
    store: str = ""
    # Index with Ray Data on this cluster ("local" starts one); empty: in process.
    ray_address: str = ""

    def __post_init__(self):
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        object.__setattr__(self, "llm_timeout",
                           _number_above_zero("the LLM timeout (seconds)", self.llm_timeout))
        object.__setattr__(self, "llm_max_tokens",
                           _number_above_zero("the LLM's max tokens", self.llm_max_tokens, int))

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values: dict = {}
        if os.environ.get("RAG_INDEX_DIR"):
            values["index_dir"] = Path(os.environ["RAG_INDEX_DIR"])
        if os.environ.get("RAG_MODEL"):
            values["model"] = os.environ["RAG_MODEL"]
        if os.environ.get("RAG_ENCODER"):
            values["encoder"] = os.environ["RAG_ENCODER"]
        for name in ("llm_url", "llm_model", "llm_api_key", "store", "ray_address"):
            if os.environ.get(f"RAG_{name.upper()}"):
                values[name] = os.environ[f"RAG_{name.upper()}"]
        if os.environ.get("RAG_LLM_TIMEOUT"):
            values["llm_timeout"] = _number_above_zero("RAG_LLM_TIMEOUT",
                                                       os.environ["RAG_LLM_TIMEOUT"])
        if os.environ.get("RAG_LLM_MAX_TOKENS"):
            values["llm_max_tokens"] = _number_above_zero("RAG_LLM_MAX_TOKENS",
                                                          os.environ["RAG_LLM_MAX_TOKENS"], int)
        values.update({key: value for key, value in overrides.items() if value is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"])
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
