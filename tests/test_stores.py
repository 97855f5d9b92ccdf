"""The Milvus store and Ray indexing (issue #12) against the index folder.

Real engines throughout: Milvus Lite (an embedded Milvus in a .db file),
Ray started on this machine, and a two-node Ray cluster simulated with
`ray.cluster_utils.Cluster`. No Docker, no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.dataset import load_dataset
from evals.metrics import Outcome, all_metrics
from rag.cli import main
from rag.indexer import build_index
from rag.milvus_store import MilvusStore
from rag.milvus_writer import MilvusWriter
from rag.settings import Settings

from .conftest import make_assistant

SAMPLE_SET = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "sample_articles.jsonl"


def _rag(*arguments: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag.cli", *arguments], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, **env}, timeout=600)


def _places(answer: dict) -> tuple:
    """What a user checks of an answer: whether it answered, and which lines
    it cites or shows as related."""
    spans = [(item["file"], item["line_start"], item["line_end"])
             for item in answer["citations"] + answer.get("related", [])]
    return answer["abstained"], spans


def _metrics(answers: list[dict], chunks) -> dict:
    dataset = load_dataset("sample")
    spans = [{"file": chunk.file, "line_start": chunk.line_start, "line_end": chunk.line_end}
             for chunk in chunks]
    metrics = all_metrics([Outcome(item, answer, 0.0)
                           for item, answer in zip(dataset.items, answers)], spans, 0.0)
    return {name: value for name, value in metrics.items()
            if isinstance(value, float) and "seconds" not in name and "ms_" not in name}


def test_milvus_lite_indexed_on_ray_gives_the_folders_answers(assistant, sample_corpus,
                                                               tmp_path):
    """RAG_STORE=<path>.db RAG_RAY_ADDRESS=local, `rag index` then `rag ask
    --batch` on the sample set: the same citations as the folder on at least
    95% of questions, the same eval figures within 0.02."""
    env = {"RAG_STORE": str(tmp_path / "sample.db"), "RAG_RAY_ADDRESS": "local",
           "RAG_INDEX_DIR": str(tmp_path / "index")}
    indexed = _rag("index", str(sample_corpus), env=env, cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stderr
    assert "on Ray (local)" in indexed.stderr
    assert "indexed 5 files (5 added" in indexed.stdout
    asked = _rag("ask", "--batch", str(SAMPLE_SET), env=env, cwd=tmp_path)
    assert asked.returncode == 0, asked.stderr
    milvus_answers = [json.loads(line) for line in asked.stdout.splitlines()]

    dataset = load_dataset("sample")
    folder_answers = [assistant.ask(item.question).to_json() for item in dataset.items]
    assert len(milvus_answers) == len(folder_answers) == len(dataset.items)
    same = sum(_places(ours) == _places(theirs)
               for ours, theirs in zip(milvus_answers, folder_answers))
    assert same / len(folder_answers) >= 0.95, f"{same} of {len(folder_answers)} alike"

    milvus_chunks = make_assistant(tmp_path / "index",
                                   store=str(tmp_path / "sample.db")).data().all_chunks()
    folder_chunks = assistant.data().all_chunks()
    # The same chunks (in another id order: Ray hands files back as they finish).
    assert sorted((c.file, c.line_start, c.line_end, c.text) for c in milvus_chunks) == \
        sorted((c.file, c.line_start, c.line_end, c.text) for c in folder_chunks)
    ours, theirs = _metrics(milvus_answers, milvus_chunks), _metrics(folder_answers,
                                                                     folder_chunks)
    assert ours.keys() == theirs.keys() and len(ours) > 10
    for name in ours:
        # Shares within 0.02; the mean number of lines an answer cites is a
        # count, which one question answered by one store and not the other
        # (allowed above) moves by (mean - its lines) / answers, about 0.02
        # for a one-line answer among 75.
        tolerance = 0.05 if name == "cited_lines_per_answer" else 0.02
        assert abs(ours[name] - theirs[name]) <= tolerance, (name, ours[name], theirs[name])


def _copies(sample_corpus: Path, folder: Path, copies: int) -> Path:
    """A corpus of `copies` copies of the sample articles, under other names."""
    folder.mkdir()
    for copy in range(copies):
        for path in sorted(sample_corpus.glob("*.txt")):
            (folder / f"copy{copy}_{path.name}").write_bytes(path.read_bytes())
    return folder


def test_ray_indexing_on_a_two_node_cluster(sample_corpus, tmp_path):
    from ray.cluster_utils import Cluster

    corpus = _copies(sample_corpus, tmp_path / "corpus", 4)  # enough work for two actors

    cluster = Cluster(initialize_head=True,
                      head_node_args={"num_cpus": 1, "include_dashboard": False,
                                      "object_store_memory": 150 * 2**20})
    try:
        cluster.add_node(num_cpus=1, object_store_memory=150 * 2**20)
        cluster.wait_for_nodes()
        env = {"RAG_INDEX_DIR": str(tmp_path / "index")}
        store = str(tmp_path / "cluster.db")
        indexed = _rag("index", str(corpus), "--store", store, "--ray", cluster.address,
                       env=env, cwd=tmp_path)
        assert indexed.returncode == 0, indexed.stderr
        # One CPU on each node, one actor per CPU: both nodes did some of the work.
        assert "by 2 actor(s) on 2 node(s)" in indexed.stderr
        asked = _rag("ask", "--json", "--store", store,
                     "Where was the second batch of S-400 air defence systems delivered?",
                     env=env, cwd=tmp_path)
        answer = json.loads(asked.stdout)
        assert not answer["abstained"]
        assert "Murted" in answer["answer"]
        cited = answer["citations"][0]
        lines = (corpus / cited["file"]).read_text(encoding="utf-8").splitlines()
        assert "Murted" in " ".join(lines[cited["line_start"] - 1:cited["line_end"]])
    finally:
        cluster.shutdown()


def _rows(store: MilvusStore, kind: str) -> int:
    name = store.loaded(store.collection(kind, 384))
    return store.client.query(name, filter="id >= 0", output_fields=["count(*)"])[0]["count(*)"]


def test_milvus_update_embeds_only_what_changed_and_drops_old_rows(sample_corpus, tmp_path,
                                                                  embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    names = sorted(path.name for path in sample_corpus.glob("*.txt"))
    for name in names[:3]:
        (corpus / name).write_bytes((sample_corpus / name).read_bytes())
    settings = Settings(index_dir=tmp_path / "index", store=str(tmp_path / "update.db"))
    first = build_index([corpus], settings, embedder=embedder, notify=lambda _: None)
    assert sorted(first.added) == names[:3]
    store = MilvusStore(settings.store, settings.index_dir)
    kept_before = store.manifest()["files"][names[2]]
    removed_first = store.manifest()["files"][names[1]]["sentences"][0]
    old_view = store.open(settings.model)  # a reader of the first generation

    changed = corpus / names[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe zebra count at the "
                       "harbour reached 4,117 on Tuesday.\n", encoding="utf-8")
    (corpus / names[1]).unlink()
    (corpus / names[3]).write_bytes((sample_corpus / names[3]).read_bytes())
    second = build_index([corpus], settings, embedder=embedder, notify=lambda _: None)
    assert (second.added, second.changed, second.removed, second.unchanged) == \
        ([names[3]], [names[0]], [names[1]], [names[2]])

    manifest = store.manifest()
    assert manifest["files"][names[2]] == kept_before  # the same rows: not embedded again
    # The previous generation's rows stay for readers still on it...
    assert old_view.sentence(removed_first).file == names[1]
    assert _rows(store, "sentences") > manifest["counts"]["sentences"]
    # ...until the next update, which leaves only the live rows.
    third = build_index([corpus], settings, embedder=embedder, notify=lambda _: None)
    assert sorted(third.unchanged) == sorted([names[0], names[2], names[3]])
    counts = store.manifest()["counts"]
    assert _rows(store, "sentences") == counts["sentences"]
    assert _rows(store, "chunks") == counts["chunks"]
    answer = make_assistant(settings.index_dir, store=settings.store).ask(
        "How many zebras were counted at the harbour?")
    assert not answer.abstained
    citation = answer.citations[0]
    assert citation.file == names[0]
    lines = changed.read_text(encoding="utf-8").splitlines()
    assert "4,117" in lines[citation.line_start - 1]


def test_a_failed_milvus_update_leaves_the_previous_index_answering(sample_corpus, tmp_path,
                                                                   embedder, monkeypatch):
    settings = Settings(index_dir=tmp_path / "index", store=str(tmp_path / "crash.db"))
    build_index([sample_corpus], settings, embedder=embedder, notify=lambda _: None)
    question = "Where was the second batch of S-400 air defence systems delivered?"
    before = make_assistant(settings.index_dir, store=settings.store).ask(question)
    store = MilvusStore(settings.store, settings.index_dir)
    generation = store.generation()

    added = []
    real_add = MilvusWriter.add

    def add_then_die(writer, entry):  # rows of one file land, then the run dies
        if added:
            raise KeyboardInterrupt
        added.append(entry.file)
        real_add(writer, entry)

    monkeypatch.setattr(MilvusWriter, "add", add_then_die)
    monkeypatch.setattr(MilvusWriter, "abort", lambda writer: None)  # as if killed outright
    with pytest.raises(KeyboardInterrupt):
        build_index([sample_corpus], settings, embedder=embedder, rebuild=True,
                    notify=lambda _: None)
    assert store.generation() == generation
    after = make_assistant(settings.index_dir, store=settings.store).ask(question)
    assert (after.text, after.citations) == (before.text, before.citations)
    counts = store.manifest()["counts"]
    assert _rows(store, "sentences") > counts["sentences"]  # the dead run's rows, unseen

    monkeypatch.undo()
    build_index([sample_corpus], settings, embedder=embedder, notify=lambda _: None)
    assert store.generation() != generation
    assert _rows(store, "sentences") == store.manifest()["counts"]["sentences"]


def test_missing_extras_are_named_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pymilvus", None)  # as if not installed
    monkeypatch.chdir(tmp_path)
    assert main(["ask", "--store", str(tmp_path / "x.db"), "What is this?"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "pip install -e '.[scale]'" in error

    monkeypatch.delitem(sys.modules, "pymilvus")
    monkeypatch.setitem(sys.modules, "ray", None)
    assert main(["index", "--index-dir", str(tmp_path / "index"), "--ray", "local"]) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("rag: error:") and "pip install -e '.[scale]'" in error
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_an_unreachable_ray_cluster_is_one_line_and_changes_nothing(sample_index, tmp_path,
                                                                    capsys):
    import shutil

    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    generation = (index_dir / "CURRENT").read_text()
    assert main(["index", "--index-dir", str(index_dir), "--ray", "127.0.0.1:1"]) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("rag: error: cannot reach the Ray cluster '127.0.0.1:1'")
    assert (index_dir / "CURRENT").read_text() == generation


def _index_actor_pids() -> list[int]:
    """Processes of Ray actors running rag's indexing stage (Ray names each
    worker process after what it runs)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            if command.startswith("ray::") and "IndexFiles" in command:
                pids.append(int(entry.name))
    return pids


def test_a_ray_worker_killed_mid_run_is_replaced_and_the_index_lands(sample_corpus, tmp_path):
    import signal
    import time

    # Enough files that the actors work for many seconds on any machine.
    corpus = _copies(sample_corpus, tmp_path / "corpus", 16)
    store = str(tmp_path / "killed.db")
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "index", str(corpus), "--store", store, "--ray",
         "local", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=tmp_path, env={**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index")})
    killed, seen_since = None, {}
    deadline = time.monotonic() + 600
    while process.poll() is None and time.monotonic() < deadline and killed is None:
        for pid in _index_actor_pids():
            seen_since.setdefault(pid, time.monotonic())
            if time.monotonic() - seen_since[pid] >= 0.5:  # started, loading or working
                os.kill(pid, signal.SIGKILL)
                killed = pid
                break
        time.sleep(0.1)
    out, err = process.communicate(timeout=600)
    assert killed is not None, "the run ended before a worker could be killed"
    assert process.returncode == 0, err
    report = json.loads(out)  # Ray's own news of the dead worker goes to stderr
    assert report["files"] == 80 and not report["skipped"]
    milvus = MilvusStore(store, tmp_path / "index")
    counts = milvus.manifest()["counts"]
    assert _rows(milvus, "sentences") == counts["sentences"]  # no file landed twice
    assert _rows(milvus, "chunks") == counts["chunks"]


def test_a_milvus_lite_file_in_use_by_another_process_is_one_line(sample_corpus, tmp_path,
                                                                  embedder):
    settings = Settings(index_dir=tmp_path / "index", store=str(tmp_path / "busy.db"))
    build_index([sample_corpus], settings, embedder=embedder, notify=lambda _: None)
    holder = MilvusStore(settings.store, settings.index_dir)
    assert holder.generation()  # this process now holds the file open
    asked = _rag("ask", "--store", settings.store, "What is the S-400?",
                 env={"RAG_INDEX_DIR": str(settings.index_dir)}, cwd=tmp_path)
    assert asked.returncode == 1
    lines = asked.stderr.strip().splitlines()
    assert len(lines) == 1 and "one process at a time" in lines[0], asked.stderr


class _SlowStartingRay:
    """Ray's init as a busy machine sees it: the local node misses Ray's
    startup deadline `failures` times, then starts."""

    def __init__(self, failures: int):
        self.failures, self.calls = failures, []

    def init(self, address, **options):
        self.calls.append(("init", address))
        if len([call for call in self.calls if call[0] == "init"]) <= self.failures:
            raise Exception("The current node timed out during startup.")

    def shutdown(self):
        self.calls.append(("shutdown", None))


def test_a_local_ray_that_misses_its_startup_deadline_is_started_again():
    from rag.ray_indexing import LOCAL_START_ATTEMPTS, RayUnavailable, _start_ray

    once = _SlowStartingRay(failures=1)
    _start_ray(once, "local")
    assert once.calls == [("init", "local"), ("shutdown", None), ("init", "local")]
    # Every attempt but the last fails: started, each failure shut down first.
    all_but_last = _SlowStartingRay(failures=LOCAL_START_ATTEMPTS - 1)
    _start_ray(all_but_last, "local")
    assert all_but_last.calls == [("init", "local"), ("shutdown", None)] * (
        LOCAL_START_ATTEMPTS - 1) + [("init", "local")]
    every = _SlowStartingRay(failures=LOCAL_START_ATTEMPTS)
    with pytest.raises(RayUnavailable, match="timed out during startup"):
        _start_ray(every, "local")
    # A remote cluster is not started by us: one attempt, then the error.
    remote = _SlowStartingRay(failures=1)
    with pytest.raises(RayUnavailable):
        _start_ray(remote, "ray://head:10001")
    assert [call for call in remote.calls if call[0] == "init"] == [("init", "ray://head:10001")]
