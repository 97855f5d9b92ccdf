"""The chat web page: `python ui.py` or `rag serve`.

A Gradio page (chat, citation chips, source viewer, sources panel, upload)
mounted in a FastAPI app that also answers `POST /api/ask` with the same
JSON as `rag ask --json`. Every answer comes from the one `Assistant` that
the CLI uses; the model and index load once per process. The page's HTML
(answers, chips, sources panel, source viewer) is written by `rag/chat_html.py`.
"""

from __future__ import annotations

import argparse
import html
import threading
import time
from pathlib import Path
from typing import Literal, get_args

from fastapi import Request  # at module level: FastAPI resolves the handler's annotations here
from pydantic import BaseModel

from rag.access import AccessError, Credentials
from rag.assistant import Assistant, QuestionError
from rag.chat_html import CSS, JS, answer_html, draft_html, parse_cite, shorten, \
    source_view_html, sources_html
from rag.formats import SUFFIXES
from rag.serving import add_serve_arguments, check_listenable, serve_options
from rag.settings import CalibrationError, Settings, SettingsError
from rag.store import IndexError_
from rag.types import Answer
from rag.uploads import UploadPolicy, receive_uploads


# The answer modes a request may name: one spelling for the API's schema, its
# check in the Gradio endpoint and the page's radio buttons.
AnswerMode = Literal["extractive", "llm"]
ANSWER_MODES = get_args(AnswerMode)


class AskRequest(BaseModel):
    """Body of POST /api/ask."""

    question: str
    k: int | None = None
    # The question asked before this one, for a follow-up ("What did he say?").
    previous: str | None = None
    # Default: llm when a server is set; any other word is refused (422), not
    # quietly answered in another mode.
    mode: AnswerMode | None = None


class IndexingJob:
    """Indexes the sample articles in the background when there is no index,
    and reports progress for the page to show."""

    def __init__(self, assistant: Assistant, warm_up: bool = True):
        self.assistant = assistant
        self.warm_up = warm_up
        self.message = ""
        self.done = threading.Event()
        self.error: str | None = None

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            if self.assistant.ensure_index(progress_factory=self._progress) is not None:
                self.message = "Indexed the bundled sample articles."
            if self.warm_up:
                self.assistant.warm_up()
            else:
                self.assistant.data()
        except Exception as error:  # shown in the page; the server stays up
            self.error = str(error)
            self.message = f"Indexing failed: {error}"
        finally:
            self.done.set()

    def _progress(self, total: int):
        job = self

        class Progress:
            count = 0

            def update(self, amount: int) -> None:
                self.count += amount
                job.message = f"Indexing the sample articles: {self.count}/{total} passages embedded…"

            def close(self) -> None:
                pass

        self.message = f"Indexing the sample articles: 0/{total} passages embedded…"
        return Progress()

    def status(self) -> str:
        if not self.done.is_set():
            return f"⏳ {self.message or 'Loading the model and the index…'}"
        if self.error:
            return f"⚠️ {self.message}"
        data = self.assistant.data()
        counts = data.manifest["counts"]
        return (f"Ready: {counts['files']} files, {counts['chunks']} passages indexed. "
                f"{self.message}").strip()


def _stream_answer(assistant: Assistant, question: str, k: int, mode: str, result: dict,
                   previous: str | None = None):
    """Yield the answer text as it grows; leave the Answer (or an error) in
    `result`. Written answers stream from the LLM; extractive ones are
    revealed a few words at a time. `previous` is the chat's question
    before, as it was read: a follow-up's pronouns are read with it."""
    import queue

    updates: queue.Queue = queue.Queue()

    def work():
        try:
            result["answer"] = assistant.ask(question, k=k, mode=mode, on_text=updates.put,
                                             previous=previous)
        except QuestionError as error:
            result["error"] = str(error)
        except Exception as error:  # a damaged index, a missing model: said in the chat
            result["error"] = f"Could not answer: {error}"
        finally:
            updates.put(None)

    threading.Thread(target=work, daemon=True).start()
    while (partial := updates.get()) is not None:
        yield partial
    answer = result.get("answer")
    if answer is not None and answer.mode == "extractive" and not answer.abstained:
        words = answer.text.split(" ")
        for end in range(4, len(words), 4):
            yield " ".join(words[:end])
            time.sleep(0.02)


def build_blocks(assistant: Assistant, job: IndexingJob, uploads: UploadPolicy):
    import gradio as gr

    def respond(message: str, history: list, k: float, mode: str, last_asked: str | None):
        history = list(history or [])
        # A cleared chat starts afresh: no question before to read pronouns by.
        previous = last_asked if history else None
        question = (message or "").strip()
        if not question:
            yield history, gr.skip(), gr.skip(), "", gr.skip()
            return
        history.append({"role": "user", "content": html.escape(question)})
        if not job.done.wait(timeout=600) or job.error:
            history.append({"role": "assistant", "content": html.escape(job.status())})
            yield history, gr.skip(), gr.skip(), "", gr.skip()
            return
        history.append({"role": "assistant", "content": "…"})
        result: dict = {}
        for partial in _stream_answer(assistant, question, int(k), mode, result, previous):
            # Raw words as they come; citations are checked once the text is complete.
            history[-1] = {"role": "assistant", "content": draft_html(partial)}
            yield history, gr.skip(), gr.skip(), "", gr.skip()
        if "error" in result:
            history[-1] = {"role": "assistant", "content": html.escape(result["error"])}
            yield history, gr.skip(), gr.skip(), "", gr.skip()
            return
        answer = result["answer"]
        history[-1] = {"role": "assistant", "content": answer_html(answer)}
        # A "not found" keeps whatever source the reader was looking at.
        shown = answer.citations or answer.related
        view = source_view_html(assistant, shown[0]) if shown else gr.skip()
        yield (history, sources_html(answer, snippets(answer)), view, "",
               answer.read_as or answer.question)

    def snippets(answer: Answer) -> dict[int, str]:
        # From the answer itself: the index may have changed since it was given.
        return {item.chunk_id: shorten(item.text) for item in answer.retrieved}

    def open_citation(value: str):
        return source_view_html(assistant, parse_cite(value))

    def upload(files) -> str:
        if not files:
            return ""
        job.done.wait(timeout=600)
        received = []
        for file in files:
            path = Path(file if isinstance(file, str) else file.name)
            # Gradio keeps the sender's file name as the last part of its copy.
            received.append((getattr(file, "orig_name", None) or path.name, path))
        return "\n".join(f"- {line}" for line in receive_uploads(assistant, received, uploads))

    def ask_api(question: str, k: float = 5, mode: str | None = None,
                previous: str | None = None) -> dict:
        """The same contract and limits as POST /api/ask."""
        if not job.done.wait(timeout=600) or job.error:
            raise gr.Error(job.status())
        if not 1 <= int(k) <= 100:
            raise gr.Error("k must be between 1 and 100")
        if mode is not None and mode not in ANSWER_MODES:
            raise gr.Error("mode must be " + " or ".join(f'"{name}"' for name in ANSWER_MODES))
        try:
            return assistant.ask(question, k=int(k), mode=mode, previous=previous).to_json()
        except (QuestionError, IndexError_) as error:
            raise gr.Error(str(error)) from None

    with gr.Blocks(title="rag — ask your documents") as blocks:
        gr.Markdown("## rag — answers from your documents, every sentence cited to its lines")
        status = gr.Markdown(job.status(), elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(elem_id="chat", height=480, label="Chat",
                                     placeholder="Ask a question about the indexed documents.")
                with gr.Row():
                    question = gr.Textbox(placeholder="e.g. Where was the second batch of S-400 "
                                          "air defence systems delivered?", show_label=False,
                                          scale=5,
                                          elem_id="question", submit_btn=False)
                    ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                with gr.Row():
                    k = gr.Slider(1, 10, value=assistant.settings.top_k, step=1,
                                  label="Passages to retrieve (k)", scale=2)
                    mode = gr.Radio(list(ANSWER_MODES), label="Answer mode", scale=1,
                                    value="llm" if assistant.settings.llm_url else "extractive",
                                    info="llm: written by your LLM server, every claim checked"
                                    if assistant.settings.llm_url else
                                    "llm needs a server: start with --llm URL",
                                    elem_id="mode")
                files = gr.File(file_count="multiple", file_types=list(SUFFIXES),
                                label=f"Add files to the index ({uploads.describe()})",
                                elem_id="upload", visible=uploads.enabled)
                upload_log = gr.Markdown(elem_id="upload-log")
            with gr.Column(scale=2):
                source_view = gr.HTML(source_view_html(assistant, None), elem_id="source-view")
                sources = gr.HTML(sources_html(None), elem_id="sources")
        cite_target = gr.Textbox(visible="hidden", elem_id="cite-target")
        cite_open = gr.Button("open citation", visible="hidden", elem_id="cite-open")

        # The last question as it was read, for the next one's pronouns.
        last_asked = gr.State(None)
        outputs = [chatbot, sources, source_view, question, last_asked]
        inputs = [question, chatbot, k, mode, last_asked]
        question.submit(respond, inputs, outputs, api_visibility="private")
        ask_button.click(respond, inputs, outputs, api_visibility="private")
        cite_open.click(open_citation, [cite_target], [source_view],
                        js="(value) => window.__ragCite ?? value", api_visibility="private")
        if uploads.enabled:
            files.upload(upload, [files], [upload_log], api_name="upload")
        gr.api(ask_api, api_name="ask")
        timer = gr.Timer(1.0)
        timer.tick(job.status, None, status, api_visibility="private")
    return blocks


def build_app(settings: Settings | None = None, warm_up: bool = True,
              credentials: Credentials | None = None,
              uploads: UploadPolicy | None = None):
    """The FastAPI app: the page at / and the JSON API at /api/ask. With
    `credentials`, the page asks for them (Gradio's login) and /api/ask
    wants them as HTTP Basic auth or the password as a bearer token. With
    `warm_up` (the default; off only to measure its effect) the page says
    Ready once a throwaway question has loaded everything."""
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    uploads = uploads or UploadPolicy()
    assistant = Assistant(settings or Settings.from_env())
    job = IndexingJob(assistant, warm_up)
    job.start()
    app = FastAPI(title="rag")

    @app.post("/api/ask")
    def api_ask(body: AskRequest, request: Request):
        if credentials is not None and not credentials.allows_header(
                request.headers.get("authorization")):
            return JSONResponse({"error": "this server needs a login: HTTP Basic auth or "
                                          "'Authorization: Bearer PASSWORD'"}, status_code=401,
                                headers={"WWW-Authenticate": 'Basic realm="rag"'})
        if not job.done.wait(timeout=600) or job.error:
            return JSONResponse({"error": job.status()}, status_code=503)
        if body.k is not None and not 1 <= body.k <= 100:
            return JSONResponse({"error": "k must be between 1 and 100"}, status_code=400)
        try:
            return assistant.ask(body.question, k=body.k, mode=body.mode,
                                 previous=body.previous).to_json()
        except QuestionError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except IndexError_ as error:  # deleted or damaged under the server: say what to run
            return JSONResponse({"error": str(error)}, status_code=503)

    blocks = build_blocks(assistant, job, uploads)
    blocks.queue(default_concurrency_limit=4)
    app = gr.mount_gradio_app(
        app, blocks, path="/", css=CSS, js=JS, footer_links=["api"],
        auth=(credentials.matches if credentials else None),
        auth_message="This rag server needs a login.",
        # Gradio stops a larger upload while it arrives, before it is stored.
        max_file_size=uploads.max_file_bytes if uploads.enabled else 1)
    app.state.assistant = assistant
    app.state.indexing = job
    return app


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ui.py", description="Serve the rag chat page and "
                                     "its JSON API (POST /api/ask).")
    parser.add_argument("--index-dir", metavar="DIR",
                        help="index folder (default: $RAG_INDEX_DIR or ./index)")
    parser.add_argument("--model", metavar="NAME", help="embedding model id or folder")
    parser.add_argument("--store", metavar="URI", help="the index in Milvus: PATH.db (Milvus "
                        "Lite) or http://HOST:19530 (default: $RAG_STORE or the index folder)")
    add_serve_arguments(parser)
    return parser.parse_args(argv)


def serve(args: argparse.Namespace) -> int:
    import sys

    import uvicorn

    try:
        credentials, uploads, warning = serve_options(args)
    except AccessError as error:
        print(f"rag: error: {error}", file=sys.stderr)
        return 2
    problem = check_listenable(args.host, args.port)
    if problem:
        print(f"rag: error: {problem}", file=sys.stderr)
        return 2
    if warning:
        print(f"rag: {warning}", file=sys.stderr, flush=True)
    try:
        settings = Settings.from_env(index_dir=args.index_dir, model=args.model,
                                     store=getattr(args, "store", None),
                                     llm_url=getattr(args, "llm", None),
                                     llm_model=getattr(args, "llm_model", None))
    except (SettingsError, CalibrationError) as error:
        print(f"rag: error: {error}", file=sys.stderr)
        return 2
    app = build_app(settings, credentials=credentials, uploads=uploads)
    login = f"login as {credentials.user}" if credentials else "no login"
    print(f"rag: serving http://{args.host}:{args.port}/ (JSON API: POST /api/ask; {login}; "
          f"uploads: {uploads.describe()})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def main(argv=None) -> int:
    return serve(parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
