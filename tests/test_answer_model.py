"""The shipped answer model (rag/calibration.json): it loads, matches its
recorded hash, refuses a damaged copy, scores a known pair as expected, and
the training command that produced it runs on a tiny slice."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from evals import squad
from rag.answering import FEATURES, RELEVANCE_FEATURES, RERANK_FEATURES, TRIGGER_FEATURES
from rag.cli import main
from rag.settings import CALIBRATION_FILE, Calibration, CalibrationError
from rag.token_encoder import checked_layers

RAG_DIR = Path(__file__).resolve().parent.parent / "rag"


def test_shipped_model_loads_and_matches_its_hash():
    calibration = Calibration.load()
    assert calibration.sha256 == calibration.contents_sha256()
    assert set(calibration.scorer_weights) == set(FEATURES)
    assert set(calibration.reranker_weights) == set(RERANK_FEATURES)
    assert set(calibration.trigger_weights) == set(TRIGGER_FEATURES)
    assert set(calibration.relevance_weights) == set(RELEVANCE_FEATURES)
    assert re.fullmatch(r"[0-9a-f]{64}", calibration.training_data_sha256)
    assert calibration.version and "sample" in calibration.fitted_on
    layers = checked_layers(calibration)  # raises unless the file matches its hash
    assert layers == CALIBRATION_FILE.parent / calibration.token_encoder
    assert CALIBRATION_FILE.stat().st_size + layers.stat().st_size < 25 * 1024 * 1024


def test_a_damaged_model_is_refused(tmp_path):
    data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    data["scorer_weights"]["dense"] += 1.0
    damaged = tmp_path / "calibration.json"
    damaged.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CalibrationError, match="hash"):
        Calibration.load(damaged)
    damaged.write_text("{not json", encoding="utf-8")
    with pytest.raises(CalibrationError, match="cannot read"):
        Calibration.load(damaged)


def test_damaged_or_missing_token_encoder_is_refused(tmp_path):
    shipped = Calibration.load()
    (tmp_path / "calibration.json").write_text(CALIBRATION_FILE.read_text(encoding="utf-8"),
                                               encoding="utf-8")
    copy = Calibration.load(tmp_path / "calibration.json")
    with pytest.raises(CalibrationError, match="cannot read the token encoder"):
        checked_layers(copy)
    damaged = bytearray(shipped.token_encoder_path().read_bytes())
    damaged[-1] ^= 1
    (tmp_path / shipped.token_encoder).write_bytes(bytes(damaged))
    with pytest.raises(CalibrationError, match="does not match the hash"):
        checked_layers(copy)


def test_known_pair_scores_as_expected(assistant):
    question = "How much has Turkey paid so far for the F-35?"
    ranked = sorted(assistant.candidates(question), key=lambda candidate: -candidate.probability)
    best = ranked[0]
    assert "$900 million" in best.sentence.text
    assert (best.sentence.file, best.sentence.line_start) == ("003_7a2e542821ed9fae.txt", 12)
    assert best.probability > 0.5 and best.probability > ranked[1].probability


def test_answering_reads_no_eval_set(sample_index):
    """Answering opens no file of evals/ or of the shared datasets, and
    imports no evals module (checked with an audit hook in a fresh process)."""
    script = f"""
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0]))
                 if event == "open" and isinstance(args[0], str) else None)
from rag.assistant import Assistant
from rag.settings import Settings
answer = Assistant(Settings(index_dir={str(sample_index)!r})).ask("Who heads MiG?")
assert answer.retrieved
print(json.dumps({{"opened": opened, "modules": sorted(sys.modules)}}))
"""
    result = subprocess.run([sys.executable, "-c", "import json\n" + script],
                            capture_output=True, text=True, check=True, cwd=RAG_DIR.parent)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    evals_dir, shared = str(RAG_DIR.parent / "evals"), "shared/datasets"
    assert not [path for path in seen["opened"] if path.startswith(evals_dir) or shared in path]
    assert not [name for name in seen["modules"] if name == "evals" or name.startswith("evals.")]
    assert any(path.endswith("calibration.json") for path in seen["opened"])  # the hook works


@pytest.mark.skipif(not squad.TRAIN_SOURCE.exists(), reason="../shared/datasets not beside the project")
def test_training_command_runs_on_a_tiny_slice(tmp_path, capsys):
    out = tmp_path / "model.json"
    assert main(["eval", "--fit", "--limit", "6", "--out", str(out)]) == 0
    trained = Calibration.load(out)
    assert set(trained.scorer_weights) == set(FEATURES)
    assert set(trained.reranker_weights) == set(RERANK_FEATURES)
    assert 0.0 < trained.abstain_threshold <= 1.0
    assert "first 6 questions" in trained.fitted_on
    assert trained.training_data_sha256 == Calibration.load().training_data_sha256
    # The token encoder's layers were trained, written beside it and hashed.
    assert checked_layers(trained) == tmp_path / "token_encoder.safetensors"
    assert trained.token_encoder_sha256 != Calibration.load().token_encoder_sha256


def test_typed_rewrites_are_shorter_lowercase_questions():
    """The training set's typed rewrites keep the wh-word and at least two
    content words, drop the rest at random, and repeat with the seed."""
    import random

    from evals.made_questions import typed_rewrite
    from rag.keyword import stopwords

    question = "How many Grammy awards did the singer win for her first solo album?"
    rewrites = [typed_rewrite(question, random.Random(seed)) for seed in range(20)]
    assert rewrites == [typed_rewrite(question, random.Random(seed)) for seed in range(20)]
    for rewrite in rewrites:
        words = rewrite.split()
        assert rewrite == rewrite.lower() and "?" not in rewrite
        assert words[0] == "how"
        assert len([word for word in words if word not in stopwords() and word != "how"]) >= 2
        assert set(words) <= set(question.lower().rstrip("?").split())
    assert sum(len(rewrite.split()) for rewrite in rewrites) < 20 * len(question.split())
    assert len(set(rewrites)) > 5


GLOSSARY = """Harbour notes

The breakwater was finished in 1911.
A breakwater is a wall built out into the sea to protect a harbour
from waves. Because the pier is a public path, it stays open at night.
She was a pilot on the harbour tugs for thirty years.
"Berth" means a place where a ship is moored.
A breakwater is also a good place to fish.
"""


def test_defining_questions_ask_what_each_defined_thing_is(tmp_path):
    """Training questions made from the sentences that say what a thing is,
    each cited by that sentence's lines as they are on disk; clauses,
    pronouns and a thing defined twice give none."""
    from evals.made_questions import defining_questions

    from .conftest import make_assistant

    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(GLOSSARY, encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    made = [(item.question, item.answers[0], item.evidence[0].line_start,
             item.evidence[0].line_end) for item in defining_questions(assistant)]
    assert made == [("What is a breakwater?", "wall built out", 4, 5),
                    ("What does Berth mean?", "a place where", 7, 7)]


@pytest.mark.skipif(not squad.TRAIN_SOURCE.exists(), reason="../shared/datasets not beside the project")
def test_a_fit_that_keeps_the_token_encoder_copies_the_shipped_layers(tmp_path, capsys):
    """`--keep-token-encoder` refits the other parts on the layers shipped
    (checked against their hash), and gives the same model every time;
    without --fit it is refused."""
    assert main(["eval", "sample", "--keep-token-encoder"]) == 1
    assert "--keep-token-encoder goes with --fit" in capsys.readouterr().err
    shipped = Calibration.load()
    models = []
    for run in ("first", "second"):
        out = tmp_path / run / "model.json"
        assert main(["eval", "--fit", "--limit", "6", "--keep-token-encoder",
                     "--out", str(out)]) == 0
        trained = Calibration.load(out)
        assert trained.token_encoder_sha256 == shipped.token_encoder_sha256
        assert checked_layers(trained).read_bytes() == checked_layers(shipped).read_bytes()
        models.append(out.read_bytes())
    assert models[0] == models[1]


def test_made_questions_ask_what_a_named_subject_did(tmp_path):
    """The fit's "What did X do?" questions: one per name that is the subject
    of a sentence's main verb, answered by each such sentence; a sentence
    whose subject is no name gives none."""
    from evals.made_questions import doing_questions

    assistant = _assistant_of(tmp_path, "The Harbour Board opened a new pier in 1921.",
                              "It rained for most of that year.",
                              "Martha Keane painted the lighthouse red.",
                              "The Harbour Board later closed the old pier.")
    questions = {item.question: item for item in doing_questions(assistant)}
    assert set(questions) == {"What did the Harbour Board do?", "What did Martha Keane do?"}
    board = questions["What did the Harbour Board do?"]
    assert [(evidence.file, evidence.line_start) for evidence in board.evidence] == \
        [("harbour.txt", 1), ("harbour.txt", 4)]
    assert board.answers == ("opened a new", "closed the old")  # the words the fit looks for
    assert questions["What did Martha Keane do?"].evidence[0].line_start == 3


def test_made_yes_no_questions_ask_what_a_sentence_says_was_done(tmp_path):
    """The fit's "Did X do Y?" questions: one per sentence with a subject,
    its main verb and a short object, answered by it; none from a negated
    sentence or one whose subject is a pronoun."""
    from evals.made_questions import yes_no_questions

    assistant = _assistant_of(tmp_path, "The Harbour Board opened a new pier in 1921.",
                              "It closed the old pier.",
                              "Martha Keane painted the lighthouse in May.",
                              "The council did not approve the plan.")
    questions = {item.question: item for item in yes_no_questions(assistant)}
    assert set(questions) == {"Did the Harbour Board open a new pier?",
                              "Did Martha Keane paint the lighthouse?"}
    painted = questions["Did Martha Keane paint the lighthouse?"]
    assert painted.answers == ("the lighthouse",)
    assert [(evidence.file, evidence.line_start) for evidence in painted.evidence] == \
        [("harbour.txt", 3)]


def _assistant_of(tmp_path, *lines: str):
    """An assistant over one file, harbour.txt, of `lines`."""
    from .conftest import make_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    return assistant


@pytest.mark.skipif(not squad.TRAIN_SOURCE.exists(), reason="../shared/datasets not beside the project")
def test_a_fit_without_the_parser_says_so(tmp_path, monkeypatch, capsys):
    """The made questions need the dependency parser: without it the fit
    stops with one line saying what to do, and writes no model."""
    from rag import syntax

    monkeypatch.setattr(syntax, "_load_parser", lambda: (
        None, "the dependency parser is not installed; reinstall rag as its README says"))
    out = tmp_path / "model.json"
    assert main(["eval", "--fit", "--limit", "2", "--out", str(out)]) == 1
    assert "rag: error: the dependency parser is not installed" in capsys.readouterr().err
    assert not out.exists()
