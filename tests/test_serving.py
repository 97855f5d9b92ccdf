"""A shared server: it will not start exposed without a login, the login
guards the page's API and /api/ask, and uploads are checked on the server
(type, size, folder total, name clashes, a busy index, a full disk), with
nothing left on disk that did not make it into the index."""

import base64
import errno
import json
import os
import shutil
import threading
import time
import urllib.request

import pytest

from rag.access import AccessError, Credentials, check_exposure, is_loopback
from rag.cli import main
from rag.indexer import index_lock
from rag.serving import check_listenable
from rag.settings import Settings
from rag.uploads import MB, UploadPolicy, receive_uploads

from .conftest import make_assistant
from .test_ui import free_port, post_json, running

FERRY = "# Harbour\n\nThe Galata ferry to Kadıköy leaves every 20 minutes.\n"


def test_loopback_addresses_are_told_apart_from_exposed_ones():
    assert all(is_loopback(host) for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]",
                                             "localhost"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "192.168.1.20",
                                                 "10.0.0.1", "example.org"))


def test_an_exposed_server_needs_a_login_or_an_explicit_no_auth():
    with pytest.raises(AccessError, match="--auth USER:PASSWORD"):
        check_exposure("0.0.0.0", None, no_auth=False)
    assert "no login" in check_exposure("0.0.0.0", None, no_auth=True)
    assert check_exposure("0.0.0.0", Credentials("ann", "s3cret"), no_auth=False) is None
    assert check_exposure("127.0.0.1", None, no_auth=False) is None
    with pytest.raises(AccessError, match="contradict"):
        check_exposure("127.0.0.1", Credentials("ann", "s3cret"), no_auth=True)


def test_rag_serve_refuses_to_start_exposed_without_a_login(capsys, monkeypatch):
    monkeypatch.delenv("RAG_AUTH", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", str(free_port())]) == 2
    assert "refusing to serve on 0.0.0.0 without a login" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--auth", "no-colon"]) == 2
    assert "USER:PASSWORD" in capsys.readouterr().err


def test_credentials_accept_basic_auth_and_a_bearer_password_only():
    credentials = Credentials.parse("ann:s3:cret")  # the password may hold a colon
    assert (credentials.user, credentials.password) == ("ann", "s3:cret")

    def basic(text):
        return "Basic " + base64.b64encode(text.encode()).decode()

    assert credentials.allows_header(basic("ann:s3:cret"))
    assert credentials.allows_header("Bearer s3:cret")
    for header in (None, "", basic("ann:wrong"), basic("bob:s3:cret"), "Bearer wrong",
                   "Basic !!not-base64!!", "Digest ann:s3:cret", basic("ann")):
        assert not credentials.allows_header(header)


@pytest.fixture(scope="module")
def guarded_server(sample_index, tmp_path_factory):
    """A live server with a login and uploads turned off."""
    import ui

    index_dir = tmp_path_factory.mktemp("guarded") / "index"
    shutil.copytree(sample_index, index_dir)
    app = ui.build_app(Settings(index_dir=index_dir), warm_up=False,
                       credentials=Credentials("ann", "s3cret"),
                       uploads=UploadPolicy(enabled=False))
    with running(app) as url:
        yield url


def test_the_json_api_wants_the_login(guarded_server):
    question = {"question": "How much has Turkey paid so far for the F-35?", "mode": "extractive"}
    status, body = post_json(f"{guarded_server}/api/ask", question)
    assert status == 401 and "login" in body["error"]
    for header in ("Basic " + base64.b64encode(b"ann:s3cret").decode(), "Bearer s3cret"):
        request = urllib.request.Request(
            f"{guarded_server}/api/ask", data=json.dumps(question).encode(),
            headers={"Content-Type": "application/json", "Authorization": header})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            assert "$900 million" in json.loads(response.read())["answer"]


def test_the_page_api_wants_the_login_and_has_no_upload_when_turned_off(guarded_server):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(guarded_server, verbose=False).predict(
            "Who heads MiG?", 5, "extractive", api_name="/ask")
    client = Client(guarded_server, auth=("ann", "s3cret"), verbose=False)
    result = client.predict("How much has Turkey paid so far for the F-35?", 5, "extractive",
                            api_name="/ask")
    assert "$900 million" in result["answer"]
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/ask" in endpoints and "/upload" not in endpoints


# -- uploads ----------------------------------------------------------------
@pytest.fixture
def upload_assistant(sample_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    return make_assistant(index_dir)


def _received(tmp_path, name, content):
    """A file as Gradio hands it over: a temporary copy with the sender's name."""
    folder = tmp_path / "received" / str(len(list(tmp_path.glob("received/*"))))
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return name, path


def _uploads(assistant):
    folder = assistant.settings.index_dir / "uploads"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_uploads_are_checked_on_the_server(upload_assistant, tmp_path):
    policy = UploadPolicy(max_file_bytes=1 * MB, max_total_bytes=2 * MB)
    lines = receive_uploads(upload_assistant, [
        _received(tmp_path, "tool.exe", b"MZ\x90\x00"),
        _received(tmp_path, "big.txt", "word " * (MB // 4)),
        _received(tmp_path, "../../escape.md", FERRY),
    ], policy)
    text = "\n".join(lines)
    assert "tool.exe: not a type rag reads" in text
    assert "big.txt: 1.2 MB is over the 1 MB limit" in text
    assert "added uploads/escape.md" in text  # the folder part of the name is dropped
    assert _uploads(upload_assistant) == ["escape.md"]
    answer = upload_assistant.ask("How often does the Galata ferry leave?")
    assert (answer.citations[0].file, answer.citations[0].line_start) == ("uploads/escape.md", 3)
    # The folder's total: 1.5 MB more would pass 2 MB with what two such files hold.
    filler = "tide " * (MB // 6)
    lines = receive_uploads(upload_assistant, [_received(tmp_path, f"part{number}.txt",
                                                         f"Part {number}. " + filler)
                                               for number in (1, 2, 3)], policy)
    assert "part3.txt: the uploads folder would pass its 2 MB limit" in "\n".join(lines)
    assert "part3.txt" not in _uploads(upload_assistant)


def test_a_second_file_of_the_same_name_is_kept_beside_the_first(upload_assistant, tmp_path):
    policy = UploadPolicy()
    receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", FERRY)], policy)
    again = receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", FERRY)], policy)
    assert again == ["unchanged uploads/notes.md (already uploaded)"]
    other = "# Bridge\n\nThe Galata Bridge opens to ships at two in the morning.\n"
    lines = receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", other)], policy)
    assert "kept as notes (2).md" in lines[0] and "✅ added uploads/notes (2).md" in lines
    assert _uploads(upload_assistant) == ["notes (2).md", "notes.md"]
    ferry = upload_assistant.ask("How often does the Galata ferry leave?")
    bridge = upload_assistant.ask("When does the Galata Bridge open to ships?")
    assert ferry.citations[0].file == "uploads/notes.md"
    assert bridge.citations[0].file == "uploads/notes (2).md"


def test_a_file_that_cannot_be_indexed_is_not_left_on_disk(upload_assistant, tmp_path):
    lines = receive_uploads(upload_assistant, [
        _received(tmp_path, "photo.txt", bytes(range(256)) * 4),
        _received(tmp_path, "empty.md", b""),
    ], UploadPolicy())
    text = "\n".join(lines)
    assert "photo.txt" in text and "binary" in text and "empty.md" in text
    assert _uploads(upload_assistant) == []


def test_a_writer_waits_for_a_short_one_before_it_gives_up(tmp_path):
    from rag.indexer import IndexBusy

    def hold_briefly():
        with index_lock(tmp_path):
            holding.set()
            time.sleep(0.6)

    holding = threading.Event()
    holder = threading.Thread(target=hold_briefly)
    holder.start()
    holding.wait()
    said = []
    started = time.monotonic()
    with index_lock(tmp_path, wait=10, notify=said.append):
        waited = time.monotonic() - started
    holder.join()
    assert 0.3 < waited < 5 and len(said) == 1 and "waiting up to 10 s" in said[0]
    holding.clear()
    holder = threading.Thread(target=hold_briefly)
    holder.start()
    holding.wait()
    with pytest.raises(IndexBusy, match="try again when it has finished"):
        with index_lock(tmp_path, wait=0.1):
            pass
    holder.join()


def test_an_upload_while_rag_index_writes_is_refused_cleanly(upload_assistant, tmp_path):
    before = upload_assistant.data().generation
    with index_lock(upload_assistant.settings.index_dir):
        lines = receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", FERRY)],
                                UploadPolicy(lock_wait_seconds=0.5))
    assert "being updated by `rag index`" in "\n".join(lines)
    assert _uploads(upload_assistant) == []
    assert upload_assistant.data().generation == before
    # Once the writer is done, the same upload goes in.
    lines = receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", FERRY)],
                            UploadPolicy())
    assert "✅ added uploads/notes.md" in lines


def test_a_full_disk_during_an_upload_leaves_nothing_half_written(upload_assistant, tmp_path,
                                                                   monkeypatch):
    real_fsync = os.fsync

    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    before = upload_assistant.data().generation
    lines = receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", FERRY)],
                            UploadPolicy())
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert lines == ["⚠️ notes.md: the disk is full; nothing of it was kept"]
    assert _uploads(upload_assistant) == []  # no partial file, hidden or not
    assert upload_assistant.data().generation == before


def test_uploads_turned_off_store_nothing(upload_assistant, tmp_path):
    lines = receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", FERRY)],
                            UploadPolicy(enabled=False))
    assert lines == ["⚠️ uploads are turned off on this server"]
    assert _uploads(upload_assistant) == []


# -- faults while serving ---------------------------------------------------
def test_an_index_deleted_or_damaged_under_the_server_is_reported_and_recovers(
        sample_index, sample_corpus, tmp_path):
    """The server keeps running with one clear message per question while
    its index is gone or damaged, and answers again after `rag index`."""
    from gradio_client import Client

    import ui

    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    app = ui.build_app(Settings(index_dir=index_dir), warm_up=False)
    question = {"question": "Who heads the Russian aircraft maker MiG?", "mode": "extractive"}
    with running(app) as url:
        status, body = post_json(f"{url}/api/ask", question)
        assert status == 200 and "Ilya Tarasenko" in body["answer"]

        shutil.rmtree(index_dir)
        status, body = post_json(f"{url}/api/ask", question)
        assert status == 503 and body["error"] == f"no index in {index_dir}; run: rag index"
        with pytest.raises(Exception, match="no index in"):
            Client(url, verbose=False).predict(question["question"], 5, "extractive",
                                               api_name="/ask")

        assert main(["index", str(sample_corpus), "--index-dir", str(index_dir)]) == 0
        status, body = post_json(f"{url}/api/ask", question)
        assert status == 200 and "Ilya Tarasenko" in body["answer"]

        # A newer generation whose table was damaged after it was written.
        live = index_dir / (index_dir / "CURRENT").read_text().strip()
        damaged = index_dir / "gen-999999"
        shutil.copytree(live, damaged)
        with open(damaged / "chunks.jsonl", "a", encoding="utf-8") as handle:
            handle.write('{"broken": true}\n')
        (index_dir / "CURRENT").write_text(damaged.name)
        status, body = post_json(f"{url}/api/ask", question)
        assert status == 503 and "is damaged" in body["error"] and "rag index" in body["error"]

        assert main(["index", str(sample_corpus), "--index-dir", str(index_dir),
                     "--rebuild"]) == 0
        status, body = post_json(f"{url}/api/ask", question)
        assert status == 200 and "Ilya Tarasenko" in body["answer"]


def test_uploads_survive_a_full_rag_index_and_a_name_clash_is_said(upload_assistant, tmp_path,
                                                                   sample_corpus, capsys):
    receive_uploads(upload_assistant, [_received(tmp_path, "notes.md", FERRY)], UploadPolicy())
    index_dir = str(upload_assistant.settings.index_dir)
    assert main(["index", str(sample_corpus), "--index-dir", index_dir]) == 0
    answer = make_assistant(upload_assistant.settings.index_dir).ask(
        "How often does the Galata ferry leave?")
    assert answer.citations[0].file == "uploads/notes.md"
    # Only a folder of its own named "uploads" can clash with an upload: said, not silent.
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    (corpus / "uploads").mkdir()
    (corpus / "uploads" / "notes.md").write_text("# Other notes\n\nNothing about ferries.\n")
    capsys.readouterr()
    assert main(["index", str(corpus), "--index-dir", index_dir]) == 0
    assert "uploads/notes.md: an uploaded file had this name" in capsys.readouterr().err


def test_a_port_in_use_or_an_unknown_host_is_said_before_anything_loads(capsys):
    """uvicorn said so only after the page had printed that it was serving;
    port 99999 raised an OverflowError traceback."""
    import socket

    import ui

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert ui.main(["--port", str(port), "--index-dir", "unused"]) == 2
    err = capsys.readouterr().err
    assert f"rag: error: cannot serve on 127.0.0.1:{port}: Address already in use" in err
    assert "serving http" not in err
    assert "Name or service not known" in check_listenable("no-such-host.invalid", 7860)
    with pytest.raises(SystemExit):
        ui.parse_args(["--port", "99999"])
    assert "a port is a number from 1 to 65535, not '99999'" in capsys.readouterr().err
