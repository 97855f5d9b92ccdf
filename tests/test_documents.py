"""Reading documents: encodings, skipped files, relative names."""

import os

import pytest

from rag.documents import BINARY, NotText, PassedOver, Skipped, common_root, decode_bytes, \
    discover, read_document


def test_utf8_with_and_without_bom():
    assert decode_bytes("Erdoğan said".encode("utf-8")).text == "Erdoğan said"
    decoded = decode_bytes(b"\xef\xbb\xbf" + "Erdoğan".encode("utf-8"))
    assert decoded.text == "Erdoğan" and decoded.warning is None


def test_utf16_with_bom():
    decoded = decode_bytes("Line one\nLine two ğ".encode("utf-16"))
    assert decoded.text == "Line one\nLine two ğ" and decoded.encoding == "utf-16"


def test_cp1252_falls_back_with_a_warning():
    decoded = decode_bytes("“Quoted” café – done".encode("cp1252"))
    assert decoded.text == "“Quoted” café – done"
    assert decoded.encoding == "cp1252" and "not valid UTF-8" in decoded.warning


def test_latin1_bytes_that_cp1252_rejects_still_decode():
    decoded = decode_bytes(b"caf\xe9 \x81 ok")
    assert decoded.encoding == "latin-1" and decoded.text.startswith("café")


def test_binary_is_refused():
    with pytest.raises(NotText, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def write(folder, name, data: bytes):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_discover_walks_recursively_and_passes_over_other_types(tmp_path):
    write(tmp_path, "a.txt", b"Alpha text.")
    write(tmp_path, "sub/deeper/b.md", b"# Beta")
    write(tmp_path, "sub/c.xlsx", b"PK")
    write(tmp_path, ".hidden/d.txt", b"hidden")
    write(tmp_path, "guide.rst", b"Guide\n=====\n")  # reStructuredText is plain text
    found = list(discover([tmp_path], tmp_path))
    assert [item[1] for item in found if isinstance(item, tuple)] == \
        ["a.txt", "guide.rst", "sub/deeper/b.md"]
    assert [item for item in found if not isinstance(item, tuple)] == \
        [PassedOver("sub/c.xlsx", ".xlsx")]


def test_a_text_file_without_a_suffix_is_a_document_and_a_binary_one_is_not(tmp_path):
    """README, NOTES, LICENSE: documents named without a suffix. A program
    beside them is passed over without a message of its own."""
    write(tmp_path, "README", b"Harbour tools\n\nThe tools read tide tables.\n")
    write(tmp_path, "NOTES", "Notes in UTF-16.".encode("utf-16"))
    write(tmp_path, "bin/tide", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(64))
    found = list(discover([tmp_path], tmp_path))
    assert [item[1] for item in found if isinstance(item, tuple)] == ["NOTES", "README"]
    assert [item for item in found if not isinstance(item, tuple)] == \
        [PassedOver("bin/tide", BINARY)]


def test_a_file_given_by_its_path_is_read_whatever_its_type(tmp_path):
    log = write(tmp_path, "harbour.log", b"The gate opened at six.\n")
    program = write(tmp_path, "tide", bytes(range(256)))
    assert [item[1] for item in discover([log], tmp_path)] == ["harbour.log"]
    assert read_document(log, "harbour.log")[0].text == "The gate opened at six.\n"
    # Given by path, a binary file reaches the reader, which says why it is skipped.
    assert [item[1] for item in discover([program], tmp_path)] == ["tide"]
    assert "binary" in read_document(program, "tide")[1]


def test_symlink_loop_is_not_followed_forever(tmp_path):
    write(tmp_path, "docs/a.txt", b"Alpha text.")
    os.symlink(tmp_path / "docs", tmp_path / "docs" / "loop")
    found = [item[1] for item in discover([tmp_path], tmp_path)]
    assert found == ["docs/a.txt"]


def test_missing_path_is_reported_not_raised(tmp_path):
    results = list(discover([tmp_path / "nope"], tmp_path))
    assert len(results) == 1 and isinstance(results[0], Skipped)
    assert "no such file" in str(results[0])


def test_read_document_reports_each_bad_file(tmp_path):
    empty = write(tmp_path, "empty.txt", b"  \n\n")
    binary = write(tmp_path, "blob.txt", bytes(range(256)) * 10)
    broken = tmp_path / "broken.txt"
    os.symlink(tmp_path / "missing-target", broken)
    assert read_document(empty, "empty.txt") == (None, "empty file")
    assert "binary" in read_document(binary, "blob.txt")[1]
    document, reason = read_document(broken, "broken.txt")
    assert document is None and reason.startswith("unreadable")


def test_common_root_is_the_folder_or_shared_parent(tmp_path):
    first = write(tmp_path, "x/a.txt", b"a")
    second = write(tmp_path, "y/b.txt", b"b")
    assert common_root([tmp_path / "x"]) == tmp_path / "x"
    assert common_root([first, second]) == tmp_path
    assert common_root([first]) == tmp_path / "x"


def test_a_named_pipe_is_reported_not_waited_on(tmp_path):
    """Opening a pipe blocks until something writes to it; a walk meets
    them in folders of sockets and pipes, named .txt or not."""
    write(tmp_path, "a.txt", b"Alpha text.")
    os.mkfifo(tmp_path / "feed.txt")
    os.mkfifo(tmp_path / "feed")
    found = [item for item in discover([tmp_path], tmp_path) if isinstance(item, tuple)]
    assert [name for _, name in found] == ["a.txt", "feed", "feed.txt"]
    reasons = [read_document(path, name)[1] for path, name in found]
    assert reasons[0] is None
    assert reasons[1:] == ["not a regular file (a pipe, socket or device)"] * 2
