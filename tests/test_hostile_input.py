"""Input that tries to break things: each case gets one clear message, the
index stays consistent, and the rest of the work goes on."""

import base64
import json
import os
import time
import tracemalloc

from rag.cli import main
from rag.documents import MAX_FILE_BYTES, read_document
from rag.sentences import split_sentences


def test_huge_file_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # 200 MB, sparse
    tracemalloc.start()
    document, reason = read_document(huge, "huge.txt")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert document is None and "200 MB is larger than the" in reason
    assert peak < 5 * 1024 * 1024
    assert os.path.getsize(huge) > MAX_FILE_BYTES


def test_ten_megabyte_single_line_splits_quickly_into_bounded_sentences():
    words = ("Ankara signed the contract and the batteries arrived in July without any "
             "further delay or comment from the ministry ").split()
    text = " ".join(words[index % len(words)] for index in range(1_700_000))  # ~10 MB
    started = time.perf_counter()
    sentences = split_sentences(text, "one-line.txt")
    seconds = time.perf_counter() - started
    assert len(text) > 10_000_000
    assert all(sentence.line_start == sentence.line_end == 1 for sentence in sentences)
    assert max(len(sentence.text) for sentence in sentences) <= 1000
    assert seconds < 120  # generous: a shared CPU; typically a few seconds


def test_an_image_pasted_into_a_note_as_a_data_uri_makes_no_sentences():
    """Notes apps paste images as base64 ("![photo](data:image/png;base64,
    ..."): a run without spaces that long is no text, and was embedded as
    thousands of sentences of noise. The prose around it keeps its lines."""
    blob = base64.b64encode(bytes(range(256)) * 1200).decode()  # about 400 KB
    text = (f"# Trip notes\n\nWe visited the harbour museum on Monday.\n\n"
            f"![photo](data:image/png;base64,{blob})\n\nThe ferry left at noon.\n")
    sentences = split_sentences(text, "notes.md")
    assert len(sentences) <= 5  # the title, two sentences, a short tail of the blob at most
    lines = {sentence.text: (sentence.line_start, sentence.line_end) for sentence in sentences}
    assert lines["We visited the harbour museum on Monday."] == (3, 3)
    assert lines["The ferry left at noon."] == (7, 7)
    assert sum(len(sentence.text) for sentence in sentences) < 1000


def test_long_runs_of_stops_or_of_addresses_split_in_linear_time():
    """100,000 full stops in a row, or 200 KB of "a@a@...", once took a
    minute or more each (a pattern tried from every character of a run);
    and an LLM reply of dots went through the same splitter."""
    from rag.furniture import URL_OR_EMAIL
    from rag.sentences import BOUNDARY

    assert BOUNDARY.match("... Next", 1) is None  # only from a run's first stop
    assert BOUNDARY.match("... Next", 0).group(1) == " "
    assert URL_OR_EMAIL.findall("write to ann.lee@mail.example.org. or see https://x.org/a@b") \
        == ["ann.lee@mail.example.org", "https://x.org/a@b"]
    for text in ("." * 100_000, "…!?" * 30_000, "a@" * 100_000):
        started = time.perf_counter()
        sentences = split_sentences(text, "runs.txt")
        assert time.perf_counter() - started < 10  # generous: a shared CPU; now well under 1 s
        # (Such a run without spaces is no text: none of it makes a sentence.)
        assert all(len(sentence.text) <= 1000 for sentence in sentences)


def test_file_that_vanishes_before_it_is_read(tmp_path):
    gone = tmp_path / "gone.txt"
    gone.write_text("Here a moment ago.")
    gone.unlink()
    document, reason = read_document(gone, "gone.txt")
    assert document is None and reason.startswith("unreadable")


def test_names_with_spaces_and_non_ascii_are_cited_exactly(tmp_path, capsys):
    docs = tmp_path / "my docs"
    (docs / "Überblick 2024").mkdir(parents=True)
    (docs / "Überblick 2024" / "Notizen über Häfen.md").write_text(
        "# Häfen\n\nThe harbour at Kadıköy opens at dawn.\n", encoding="utf-8")
    (docs / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert main(["index", str(docs), "--index-dir", str(tmp_path / "index")]) == 0
    capsys.readouterr()
    assert main(["ask", "When does the harbour at Kadikoy open?", "--json",
                 "--index-dir", str(tmp_path / "index")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["citations"][0]["file"] == "Überblick 2024/Notizen über Häfen.md"
    assert record["citations"][0]["line_start"] == 3


def test_names_that_cannot_be_cited_are_skipped_and_the_rest_indexed(tmp_path, capsys):
    """A name in Latin-1 bytes (an old archive unpacked here) cannot be
    stored in the index's UTF-8 files, and a line break in a name would
    break the one-line citation: each is skipped with its name shown
    escaped, and the other files are indexed. Before, the first one
    stopped `rag index` with a UnicodeEncodeError."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbour.txt").write_text("The harbour closes at six.\n")
    with open(os.path.join(os.fsencode(docs), b"caf\xe9 notes.txt"), "wb") as handle:
        handle.write(b"The ferry leaves at noon.\n")
    (docs / "two\nlines.txt").write_text("The museum opens at nine.\n")
    assert main(["index", str(docs), "--index-dir", str(tmp_path / "index")]) == 0
    err = capsys.readouterr().err
    assert "skipped caf\\xe9 notes.txt: its name is not valid UTF-8; rename it to index it" in err
    assert "skipped two\\nlines.txt: its name holds a control character; rename it" in err
    assert main(["ask", "When does the harbour close?", "--json",
                 "--index-dir", str(tmp_path / "index")]) == 0
    assert json.loads(capsys.readouterr().out)["citations"][0]["file"] == "harbour.txt"
    # A folder whose own path is not UTF-8: its files' names are, but the
    # index stores their paths too.
    latin = os.path.join(os.fsencode(tmp_path), b"d\xe9p\xf4t")
    os.mkdir(latin)
    with open(os.path.join(latin, b"notes.txt"), "wb") as handle:
        handle.write(b"The pier opens at eight.\n")
    assert main(["index", os.fsdecode(latin), "--index-dir", str(tmp_path / "other")]) == 1
    assert "skipped notes.txt: the path of its folder is not valid UTF-8; rename the folder" \
        in capsys.readouterr().err


def _index_one_note(docs, text: str, index_dir, capsys) -> list[str]:
    """Index a folder `docs` holding harbour.txt of `text` into `index_dir`
    by the CLI; the --index-dir arguments for the next commands."""
    docs.mkdir()
    (docs / "harbour.txt").write_text(text)
    index = ["--index-dir", str(index_dir)]
    assert main(["index", str(docs), *index]) == 0
    capsys.readouterr()
    return index


def test_a_question_with_bytes_that_are_not_utf8_is_answered(tmp_path, capsys):
    """On a command line, bytes that are not UTF-8 reach Python as lone
    surrogates, and JSON may hold one ("\\ud800"): the tokenizer refused
    both with a TypeError. They are read as U+FFFD."""
    index = _index_one_note(tmp_path / "docs", "The harbour closes at six.\n",
                            tmp_path / "index", capsys)
    asked = os.fsdecode(b"When does the harbour \xff close?")
    assert main(["ask", asked, "--json", *index]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["citations"][0]["file"] == "harbour.txt" and "\ufffd" in record["question"]
    batch = tmp_path / "questions.jsonl"
    batch.write_text('{"id": "q", "question": "When does the harbour close? \\ud800"}\n')
    assert main(["ask", "--batch", str(batch), *index]) == 0
    assert json.loads(capsys.readouterr().out)["citations"][0]["file"] == "harbour.txt"


def test_index_exits_non_zero_with_a_summary_when_nothing_was_indexed(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.md").write_text("")
    (docs / "blob.txt").write_bytes(bytes(range(256)))
    assert main(["index", str(docs), "--index-dir", str(tmp_path / "index")]) == 1
    err = capsys.readouterr().err
    assert "skipped empty.md: empty file" in err and "skipped blob.txt" in err
    assert "rag: error: nothing to index" in err
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_index_counts_the_files_it_does_not_read_and_cites_a_readme(tmp_path, capsys):
    """A folder's files of other types are counted in one line, by type, in
    the summary and in --json; a README without a suffix is indexed and
    cited by its name."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "README").write_text("Tide tools\n\nThe tide tool prints the tide table for "
                                 "a harbour.\n")
    (docs / "tides.csv").write_text("harbour,high\nDover,06:10\n")
    (docs / "plot.py").write_text("print('tides')\n")
    index = ["--index-dir", str(tmp_path / "index")]
    assert main(["index", str(docs), *index]) == 0
    out = capsys.readouterr().out
    assert "indexed 1 file" in out
    assert "2 files of other types not read (.csv 1, .py 1;" in out
    assert main(["index", str(docs), "--json", *index]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["not_read"] == [{"file": "plot.py", "type": ".py"},
                                  {"file": "tides.csv", "type": ".csv"}]
    assert main(["ask", "What does the tide tool print?", "--json", *index]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert not answer["abstained"]
    citation = answer["citations"][0]
    assert (citation["file"], citation["line_start"], citation["line_end"]) == ("README", 3, 3)
    # Given by its path, a file of another type is read as text.
    (docs / "harbour.log").write_text("The harbour gate opened at six in the morning.\n")
    assert main(["index", str(docs / "harbour.log"), "--json", *index]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == ["harbour.log"]


def test_an_index_inside_the_indexed_folder_is_not_read_as_documents(tmp_path, capsys):
    """`cd notes && rag index .` puts the index in notes/index; the next run
    walks past it, as it does a folder given that holds only an index."""
    docs = tmp_path / "notes"
    index = _index_one_note(docs, "The harbour gate opens at six in the morning.\n",
                            docs / "index", capsys)
    assert main(["index", str(docs), "--json", *index]) == 0
    captured = capsys.readouterr()
    record = json.loads(captured.out)
    assert record["unchanged"] == ["harbour.txt"] and record["added"] == []
    assert record["skipped"] == [] and record["not_read"] == []
    assert "CURRENT" not in captured.err
    assert main(["index", str(docs / "index"), "--index-dir", str(tmp_path / "other")]) == 1
    assert "it is a rag index, not a folder of documents" in capsys.readouterr().err


def test_files_that_vanish_or_lose_permission_during_a_run(tmp_path, monkeypatch, capsys):
    """Tests run as root, which the OS never denies; so the denial is injected
    at the moment the indexer reads the file, after it was found."""
    from pathlib import Path

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kept.txt").write_text("The lighthouse keeper rings the bell at six.\n")
    (docs / "locked.txt").write_text("This file will be locked while indexing.\n")
    (docs / "gone.txt").write_text("This file will vanish while indexing.\n")
    real_read_bytes = Path.read_bytes

    def read_bytes(path):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        if path.name == "gone.txt":
            path.unlink()
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert main(["index", str(docs), "--index-dir", str(tmp_path / "index")]) == 0
    captured = capsys.readouterr()
    assert "skipped locked.txt: unreadable (Permission denied)" in captured.err
    assert "skipped gone.txt: unreadable (No such file or directory)" in captured.err
    assert "indexed 1 file (" in captured.out
    monkeypatch.undo()
    assert main(["ask", "When does the keeper ring the bell?", "--json",
                 "--index-dir", str(tmp_path / "index")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["citations"][0]["file"] == "kept.txt"


def test_an_index_folder_that_cannot_be_made_is_named_in_one_line(tmp_path, capsys):
    """--index-dir at a file, or under one: one line of error, no traceback."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbour.txt").write_text("The harbour closes at six.\n")
    in_the_way = tmp_path / "notes.txt"
    in_the_way.write_text("not a folder")
    assert main(["index", str(docs), "--index-dir", str(in_the_way)]) == 1
    assert f"rag: error: the index folder {in_the_way} is a file" in capsys.readouterr().err
    assert main(["ask", "When does the harbour close?", "--index-dir",
                 str(in_the_way / "index")]) == 1
    assert f"rag: error: cannot write the index folder {in_the_way / 'index'}: Not a directory" \
        in capsys.readouterr().err
    assert in_the_way.read_text() == "not a folder"
    latin = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"ind\xe9x"))
    assert main(["index", str(docs), "--index-dir", latin]) == 1
    assert "ind\\xe9x is not valid UTF-8; pass another --index-dir" in capsys.readouterr().err


def test_a_full_disk_while_indexing_ends_in_one_line_and_keeps_the_live_index(
        tmp_path, monkeypatch, capsys):
    import errno

    import rag.store

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbour.txt").write_text("The harbour closes at six.\n")
    index = ["--index-dir", str(tmp_path / "index")]
    assert main(["index", str(docs), *index]) == 0
    (docs / "ferry.txt").write_text("The ferry leaves at noon.\n")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(rag.store, "_write_jsonl", full_disk)
    capsys.readouterr()
    assert main(["index", str(docs), *index]) == 1
    assert "rag: error: No space left on device" in capsys.readouterr().err
    monkeypatch.undo()
    assert main(["ask", "When does the harbour close?", "--json", *index]) == 0
    assert json.loads(capsys.readouterr().out)["citations"][0]["file"] == "harbour.txt"
