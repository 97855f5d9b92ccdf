"""All tunable settings in one typed place.

Defaults work out of the box. Environment variables (`RAG_INDEX_DIR`,
`RAG_MODEL`) and CLI flags map onto these fields; nothing at run time writes
back into them. Values fitted on evaluation data (fusion weights, the answer
scorer and its "not found" threshold) live in `calibration.json` beside this
file and are produced by `rag eval --fit`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
SAMPLE_CORPUS_DIR = Path(__file__).with_name("sample_corpus")


@dataclass(frozen=True)
class Calibration:
    """Values fitted on evaluation data; see `evals/calibrate.py`."""

    # Reciprocal-rank fusion: score = sum(weight / (rrf_k + rank)).
    dense_weight: float = 1.0
    keyword_weight: float = 0.5
    rrf_k: float = 60.0
    # Logistic answer scorer over sentence features (see rag/answering.py).
    scorer_weights: dict[str, float] = field(default_factory=dict)
    scorer_bias: float = 0.0
    # Logistic answer-triggering model over the best sentence (see
    # ExtractiveAnswerer.trigger_features); empty means "use the scorer's
    # probability as the confidence".
    trigger_weights: dict[str, float] = field(default_factory=dict)
    trigger_bias: float = 0.0
    # Below this calibrated probability the assistant says "not found".
    abstain_threshold: float = 0.5
    fitted_on: str = "defaults"

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> "Calibration":
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        path.write_text(json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n",
                        encoding="utf-8")


@dataclass(frozen=True)
class Settings:
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL
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
    # Drop claims the cited lines do not support, instead of marking them.
    drop_unsupported: bool = False

    def __post_init__(self):
        object.__setattr__(self, "index_dir", Path(self.index_dir))

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values: dict = {}
        if os.environ.get("RAG_INDEX_DIR"):
            values["index_dir"] = Path(os.environ["RAG_INDEX_DIR"])
        if os.environ.get("RAG_MODEL"):
            values["model"] = os.environ["RAG_MODEL"]
        for name in ("llm_url", "llm_model", "llm_api_key"):
            if os.environ.get(f"RAG_{name.upper()}"):
                values[name] = os.environ[f"RAG_{name.upper()}"]
        if os.environ.get("RAG_LLM_TIMEOUT"):
            values["llm_timeout"] = float(os.environ["RAG_LLM_TIMEOUT"])
        values.update({key: value for key, value in overrides.items() if value is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"])
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
