"""Kill the indexer with SIGKILL at many moments: the index must always load
and answer either as before the run or as after it, never a mix."""

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from rag.store import current_generation, load_index

from .conftest import make_assistant

NEW_FACT = "The Bosphorus ferry timetable changed on 3 March so boats now leave at 7:40."
QUESTION = "When do the Bosphorus ferry boats now leave?"

# A child that indexes, killing itself at the N-th call of any step that
# writes the index (each file written, each fsync, each rename).
CHILD = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import rag.store as store
    from pathlib import Path
    from rag.indexer import build_index
    from rag.settings import Settings

    kill_at, calls = int(sys.argv[3]), [0]

    def deadly(function):
        def wrapper(*args, **kwargs):
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            result = function(*args, **kwargs)
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return wrapper

    store._write_jsonl = deadly(store._write_jsonl)
    store._fsync = deadly(store._fsync)
    store.np.save = deadly(np.save)
    store.os.replace = deadly(os.replace)
    store._remove_stale = deadly(store._remove_stale)
    build_index([Path(sys.argv[1])], Settings(index_dir=Path(sys.argv[2])), notify=lambda m: None)
    print("finished", calls[0])
""")


@pytest.fixture(scope="module")
def changed_corpus(sample_corpus, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("changed") / "corpus"
    shutil.copytree(sample_corpus, corpus)
    (corpus / "ferry.txt").write_text(NEW_FACT + "\n", encoding="utf-8")
    (corpus / "004_333ae619c2337046.txt").unlink()
    return corpus


def before_or_after(index_dir, before_files, after_files):
    """The index loads, holds exactly the old or the new set of files, and
    answers accordingly."""
    data = load_index(index_dir, "sentence-transformers/all-MiniLM-L6-v2")
    files = set(data.manifest["files"])
    assert files in (before_files, after_files)
    answer = make_assistant(index_dir).ask(QUESTION)
    if files == after_files:
        assert answer.citations and answer.citations[0].file == "ferry.txt"
    else:
        assert all(citation.file != "ferry.txt" for citation in answer.citations)
    return files == after_files


def run_child(changed_corpus, index_dir, kill_at):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-c", CHILD, str(changed_corpus), str(index_dir),
                           str(kill_at)], capture_output=True, text=True, env=env, timeout=300)


def test_sigkill_at_every_write_step_leaves_old_or_new_index(sample_index, changed_corpus, tmp_path):
    before_files = set(load_index(sample_index, "sentence-transformers/all-MiniLM-L6-v2")
                       .manifest["files"])
    after_files = before_files - {"004_333ae619c2337046.txt"} | {"ferry.txt"}
    outcomes = []
    # Call 2k is "just after step k", which is the same state on disk as
    # "just before step k + 1", so even numbers (and 1) cover every moment.
    for kill_at in [1, *range(2, 60, 2)]:
        index_dir = tmp_path / f"index-{kill_at}"
        shutil.copytree(sample_index, index_dir)
        result = run_child(changed_corpus, index_dir, kill_at)
        finished = result.returncode == 0
        if not finished:
            assert result.returncode == -signal.SIGKILL, result.stderr
        outcomes.append(before_or_after(index_dir, before_files, after_files))
        # The next writer gets the lock and finishes the job.
        make_assistant(index_dir).index([changed_corpus])
        assert before_or_after(index_dir, before_files, after_files)
        shutil.rmtree(index_dir)
        if finished:
            break
    # Early kills leave the old index, late ones the new; both were seen.
    assert outcomes[0] is False and outcomes[-1] is True
    assert len(outcomes) >= 8


def test_sigkill_of_rag_index_at_random_moments(sample_index, changed_corpus, tmp_path):
    before_files = set(load_index(sample_index, "sentence-transformers/all-MiniLM-L6-v2")
                       .manifest["files"])
    after_files = before_files - {"004_333ae619c2337046.txt"} | {"ferry.txt"}
    rng = random.Random(20261123)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    for attempt in range(4):
        index_dir = tmp_path / f"index-{attempt}"
        shutil.copytree(sample_index, index_dir)
        process = subprocess.Popen([sys.executable, "-m", "rag.cli", "index", str(changed_corpus),
                                    "--index-dir", str(index_dir), "--rebuild"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(1.0, 12.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        before_or_after(index_dir, before_files, after_files)
        assert current_generation(index_dir) is not None
