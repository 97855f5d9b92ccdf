"""The web page, launched for real: the JSON endpoint, the Gradio API through
gradio_client, uploads, and a click on a citation in headless Chromium."""

import json
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(app):
    """`app` served by uvicorn on a free loopback port, in this process;
    yields its URL once the server listens and the index is ready."""
    import uvicorn

    port = free_port()
    uvicorn_server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                   log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not uvicorn_server.started and time.time() < deadline:
        time.sleep(0.1)
    assert app.state.indexing.done.wait(120)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(sample_index, tmp_path_factory, fake_llm):
    import ui
    from rag.settings import Settings

    index_dir = tmp_path_factory.mktemp("ui") / "index"
    shutil.copytree(sample_index, index_dir)
    app = ui.build_app(Settings(index_dir=index_dir, llm_url=fake_llm.url, llm_model="test"))
    with running(app) as url:
        yield url, app


@contextmanager
def browser_page(url: str, mode: str, question: str, viewport=(1400, 950)):
    """A headless Chromium page on `url` that has asked `question` in `mode`."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    OUTPUT_DIR.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        page.goto(url)
        page.wait_for_selector("#question textarea")
        page.locator("#mode").get_by_text(mode, exact=True).click()
        page.fill("#question textarea", question)
        page.click("#ask")
        try:
            yield page
        finally:
            browser.close()


def post_json(url, payload):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_json_endpoint_speaks_the_cli_contract(server):
    url, _ = server
    status, body = post_json(f"{url}/api/ask", {"question": "How much has Turkey paid so far "
                                                 "for the F-35?", "k": 3, "mode": "extractive"})
    assert status == 200
    assert "$900 million" in body["answer"] and len(body["retrieved"]) == 3
    assert (body["citations"][0]["file"], body["citations"][0]["line_start"]) == \
        ("003_7a2e542821ed9fae.txt", 11)
    assert {"question", "answer", "abstained", "citations", "retrieved"} <= set(body)
    status, body = post_json(f"{url}/api/ask", {"question": " \x00 ", "mode": "extractive"})
    assert status == 400 and body["error"] == "the question is empty"
    # A mode misspelt is refused, not answered quietly in the other mode.
    status, body = post_json(f"{url}/api/ask", {"question": "Who heads MiG?", "mode": "LLM"})
    assert status == 422 and body["detail"][0]["loc"] == ["body", "mode"]


def test_json_endpoint_reads_a_follow_up_with_the_question_before(server):
    url, _ = server
    status, body = post_json(f"{url}/api/ask", {
        "question": "Where was it delivered?", "mode": "extractive",
        "previous": "When was the second batch of S-400 delivered?"})
    assert status == 200 and not body["abstained"]
    assert body["read_as"] == "Where was the second batch of S-400 delivered?"
    assert body["citations"][0]["line_start"] == 122


def test_gradio_client_gets_answer_and_citations(server):
    from gradio_client import Client

    url, _ = server
    client = Client(url, verbose=False)
    result = client.predict("How much has Turkey paid so far for the F-35?", 5, "extractive",
                            api_name="/ask")
    assert "$900 million" in result["answer"] and not result["abstained"]
    assert result["citations"][0]["line_start"] == 11
    off_topic = client.predict("What is the capital of France?", 5, "extractive", api_name="/ask")
    assert off_topic["abstained"] and off_topic["citations"] == []
    # The same bounds and messages as POST /api/ask.
    for question, k, mode, message in (
            ("Who is Mark Esper?", 1000, "extractive", "k must be between 1 and 100"),
            (" \x00 ", 5, "extractive", "the question is empty"),
            ("Who is Mark Esper?", 5, "LLM", 'mode must be "extractive" or "llm"')):
        with pytest.raises(Exception, match=message):
            client.predict(question, k, mode, api_name="/ask")


def test_chat_shows_an_error_that_is_not_about_the_question(assistant, monkeypatch):
    import ui
    from rag.store import IndexError_

    def damaged(*args, **kwargs):
        raise IndexError_("the index in index is damaged (chunks.jsonl does not match its "
                          "checksum); run: rag index --rebuild")

    monkeypatch.setattr(assistant, "ask", damaged)
    result: dict = {}
    assert list(ui._stream_answer(assistant, "Who is Mark Esper?", 5, "extractive", result)) == []
    assert result == {"error": "Could not answer: the index in index is damaged (chunks.jsonl "
                               "does not match its checksum); run: rag index --rebuild"}


def test_uploaded_files_are_searchable_at_once_and_problems_are_shown(server, tmp_path):
    from gradio_client import Client, handle_file

    url, app = server
    good = tmp_path / "harbour notes.md"
    good.write_text("# Harbour\n\nThe Galata ferry to Kadıköy leaves every 20 minutes.\n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    client = Client(url, verbose=False)
    log = client.predict([handle_file(str(good)), handle_file(str(binary))], api_name="/upload")
    assert "added uploads/harbour notes.md" in log
    assert "photo.txt" in log and "binary" in log
    answer = client.predict("How often does the Galata ferry leave?", 5, "extractive",
                            api_name="/ask")
    assert answer["citations"][0]["file"] == "uploads/harbour notes.md"
    assert "20 minutes" in answer["answer"]
    # The sample articles are still there.
    status, body = post_json(f"{url}/api/ask", {"question": "Who heads the Russian aircraft maker MiG?",
                                                 "mode": "extractive"})
    assert "Ilya Tarasenko" in body["answer"]


def test_browser_asks_clicks_a_citation_and_sees_the_cited_lines(server):
    url, _ = server
    with browser_page(url, "extractive",
                      "Where was the second batch of S-400 air defence systems delivered?") as page:
        chip = page.locator("#chat .cite-chip").first
        chip.wait_for(timeout=60000)
        label = chip.inner_text()
        assert "001_b4f6f2b0e5c1da68.txt:122–124" in label
        # A follow-up in the same chat, answered "not found" and shown as such.
        page.fill("#question textarea", "What is the capital of France?")
        page.click("#ask")
        page.locator("#chat .not-found").wait_for(timeout=60000)
        # Open a different passage from the sources panel, then the answer's chip.
        page.locator("#sources .cite-chip").last.click()
        page.wait_for_function("document.querySelector('#source-view .source-view')"
                               "?.dataset.start !== '122'")
        chip.click()
        page.wait_for_function("document.querySelector('#source-view .source-view')"
                               "?.dataset.start === '122'")
        cited = [int(line.get_attribute("data-line"))
                 for line in page.locator("#source-view .line.cited").all()]
        shown = [int(line.get_attribute("data-line"))
                 for line in page.locator("#source-view .line").all()]
        assert cited == [122, 123, 124]
        assert shown[0] < 122 and shown[-1] > 124  # context around the cited lines
        assert "Murted Airbase" in page.locator("#source-view .line.cited").last.inner_text()
        page.screenshot(path=str(OUTPUT_DIR / "ui-chat.png"), full_page=True)
    assert (OUTPUT_DIR / "ui-chat.png").stat().st_size > 10000


def test_browser_chat_reads_a_follow_up_with_the_question_before(server):
    """"What did he say about the F-35?" after "Who is Mark Esper?" is asked
    about Esper, and the chat says how it was read."""
    url, _ = server
    with browser_page(url, "extractive", "Who is Mark Esper?") as page:
        page.locator("#chat .cite-chip").first.wait_for(timeout=60000)
        page.fill("#question textarea", "What did he say about the F-35?")
        page.click("#ask")
        read_as = page.locator("#chat .read-as")
        read_as.wait_for(timeout=60000)
        assert read_as.inner_text() == "Read as: “What did Mark Esper say about the F-35?”"
        page.wait_for_function("document.querySelectorAll('#chat .cite-chip').length >= 2")
        assert "Esper" in page.locator("#source-view .line.cited").first.inner_text()


def test_browser_scrolls_the_cited_lines_into_view(server):
    """On a laptop-sized window, the long paragraphs above a cited line fill
    the viewer; it must scroll so that the cited line itself is in sight."""
    url, _ = server
    with browser_page(url, "extractive", "How much has Turkey paid so far for the F-35?",
                      viewport=(1000, 700)) as page:
        page.locator("#chat .cite-chip").first.wait_for(timeout=60000)
        page.wait_for_function("document.querySelector('#source-view .source-view')"
                               "?.dataset.start === '11'")
        page.wait_for_timeout(300)
        box, first_cited, first_shown = page.evaluate("""() => {
            const rect = (element) => {
                const r = element.getBoundingClientRect(); return [r.top, r.bottom]; };
            const view = document.querySelector('#source-view .source-lines');
            return [rect(view), rect(view.querySelector('.line.cited')),
                    rect(view.querySelector('.line'))];
        }""")
        # Lines above the citation exist but do not push it out of sight.
        assert first_shown[0] < first_cited[0]
        assert box[0] <= first_cited[0] and first_cited[0] + 10 < box[1]


def test_browser_shows_a_checked_llm_answer_with_its_unsupported_claim_marked(server, fake_llm):
    from .test_llm import completion, source_number

    def reply(messages):
        number = source_number(messages, "Murted Airbase")
        return 200, completion(f"The second batch went to Murted Airbase in Ankara [{number}]. "
                               f"It cost 7 billion dollars [{number}]."), 0.3

    fake_llm.reply = reply
    fake_llm.stream_chunks = None
    url, _ = server
    with browser_page(url, "llm", "Where was the second batch of S-400 air defence systems "
                                  "delivered?") as page:
        page.locator("#chat .unsupported").wait_for(timeout=60000)
        message = page.locator("#chat .cite-chip").first
        assert "001_b4f6f2b0e5c1da68.txt:122–124" in message.inner_text()
        assert "7 billion" in page.locator("#chat .unsupported").inner_text()
        assert "Murted" not in page.locator("#chat .unsupported").inner_text()
        page.screenshot(path=str(OUTPUT_DIR / "ui-llm.png"), full_page=True)


def test_browser_shows_the_streaming_draft_as_unchecked_until_replaced(server, fake_llm):
    from .test_llm import completion, source_number

    def reply(messages):
        number = source_number(messages, "Murted Airbase")
        return 200, completion("The second batch of S-400 systems went to Murted Airbase "
                               f"in Ankara [{number}]."), 0

    fake_llm.reply = reply
    fake_llm.stream_chunks = None
    fake_llm.chunk_delay = 0.15
    url, _ = server
    try:
        with browser_page(url, "llm", "Where was the second batch of S-400 air defence "
                                      "systems delivered?") as page:
            draft = page.locator("#chat .draft")
            draft.wait_for(timeout=60000)
            assert "not checked yet" in draft.inner_text()
            assert page.locator("#chat .draft .cite-chip").count() == 0
            page.locator("#chat .cite-chip").first.wait_for(timeout=60000)
            assert page.locator("#chat .draft").count() == 0
            assert "001_b4f6f2b0e5c1da68.txt:122–124" in \
                page.locator("#chat .cite-chip").first.inner_text()
    finally:
        fake_llm.chunk_delay = 0.0


def test_page_without_an_index_indexes_the_sample_articles_and_shows_progress(tmp_path):
    import ui
    from rag.settings import Settings

    app = ui.build_app(Settings(index_dir=tmp_path / "index"))
    job = app.state.indexing
    assert job.done.wait(300) and job.error is None
    assert job.status().startswith("Ready: 5 files")
    assert "Indexed the bundled sample articles" in job.status()
    assert (tmp_path / "index" / "CURRENT").exists()
    # "Ready" comes after a throwaway question has loaded everything, so the
    # first user does not wait for the model.
    assert app.state.assistant.warmed_up


def test_related_lines_are_shown_as_chips_not_as_an_answer(assistant):
    import ui

    answer = assistant.ask("How many S-400 batteries did Saudi Arabia buy?")
    assert answer.abstained and answer.related
    page = ui.answer_html(answer)
    assert "look related" in page and "Not found" not in page
    for citation in answer.related:
        assert f"{citation.file}%7C{citation.line_start}%7C{citation.line_end}%7C" in page
    assert page.count('class="cite-chip"') == len(answer.related)
    not_found = ui.answer_html(assistant.ask("What is a good recipe for chocolate cake?"))
    assert "Not found" in not_found and "cite-chip" not in not_found


def test_a_question_read_with_its_typing_mistakes_corrected_says_so(assistant):
    import ui

    typed = "Were was the secnd batch of S-400 systms delivred?"
    answer = assistant.ask(typed)
    assert answer.question == typed and answer.to_json()["read_as"] == answer.read_as
    page = ui.answer_html(answer)
    assert "Read as: “Were was the second batch of S-400 systems delivered?”" in page
    assert "Murted" in page
    as_written = "Where was the second batch of S-400 air defence systems delivered?"
    answer = assistant.ask(as_written)
    assert answer.read_as is None and "read_as" not in answer.to_json()
    assert "Read as" not in ui.answer_html(answer)


def test_source_view_says_when_the_file_changed_since_indexing(sample_corpus, tmp_path):
    import shutil

    import ui
    from rag.assistant import Assistant
    from rag.settings import Settings

    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    assistant = Assistant(Settings(index_dir=tmp_path / "index"))
    assistant.index([corpus])
    citation = assistant.ask("How much has Turkey paid so far for the F-35?").citations[0]
    assert "cited" in ui.source_view_html(assistant, citation)
    path = corpus / citation.file
    path.write_text("New first line.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    view = ui.source_view_html(assistant, citation)
    assert "has changed since it was indexed" in view and 'class="line cited"' not in view
