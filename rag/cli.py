"""The `rag` command line: index, ask, search, eval.

Heavy libraries are imported inside the command that needs them, so
`rag --help` is instant. Anything a user can cause ends with one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .encodable import printable
from .formats import SUFFIXES

EPILOG = """examples:
  rag index                         index the bundled sample articles into ./index
  rag index ~/notes --index-dir ~/.rag/notes
  rag ask "What did Turkey buy from Russia?"
  rag ask "Who is Mark Esper?" --json
  rag ask --batch questions.txt > answers.jsonl
  rag chat                          questions one after another; follow-ups read with the last
  rag search "Su-30SM" -k 3
  rag index ~/docs --store docs.db --ray   Milvus Lite, embedded by a local Ray
  rag eval evals/datasets/sample_articles.jsonl
  rag serve --port 7860             the chat page (also: python ui.py)
  rag model                         prepare (once) and show the ONNX encoder

environment: RAG_INDEX_DIR (default index folder), RAG_MODEL (embedding model),
  RAG_ENCODER (onnx-int8, onnx or torch), RAG_CACHE_DIR (exported encoders;
  default ~/.cache/rag), RAG_LLM_URL, RAG_LLM_MODEL, RAG_LLM_API_KEY,
  RAG_STORE (Milvus: PATH.db or http://HOST:19530), RAG_MILVUS_TOKEN,
  RAG_RAY_ADDRESS (index on Ray: an address or local)"""


def _stderr(message: str) -> None:
    # A path's bytes that are not UTF-8 shown escaped: printing them as they
    # are fails on a strict stream.
    print(printable(message), file=sys.stderr, flush=True)


def _progress_factory(description: str):
    def factory(total: int):
        from tqdm import tqdm

        return tqdm(total=total, desc=description, unit=" texts", file=sys.stderr, disable=None)

    return factory


def _assistant(args):
    from .assistant import Assistant
    from .settings import Settings

    settings = Settings.from_env(
        index_dir=getattr(args, "index_dir", None), model=args.model,
        encoder=getattr(args, "encoder", None), llm_url=getattr(args, "llm", None),
        llm_model=getattr(args, "llm_model", None), llm_timeout=getattr(args, "llm_timeout", None),
        drop_unsupported=getattr(args, "drop_unsupported", None) or None,
        store=getattr(args, "store", None), ray_address=getattr(args, "ray", None))
    return Assistant(settings, notify=_stderr)


# How long `rag index` waits for another writer (an upload from the chat
# page takes seconds) before it says the index is busy.
INDEX_LOCK_WAIT = 120.0


def command_index(args) -> int:
    paths = [Path(path).expanduser() for path in args.paths]
    missing = [path for path in paths if not path.exists()]
    for path in missing:
        _stderr(f"skipped {path}: no such file or folder")
    if paths and len(missing) == len(paths):
        raise UserError(f"no such file or folder: {', '.join(map(str, missing))}")
    assistant = _assistant(args)
    if not paths:
        _stderr("no path given: indexing the bundled sample articles")
    report = assistant.index([path for path in paths if path.exists()] or None,
                             rebuild=args.rebuild,
                             progress_factory=_progress_factory("embedding"),
                             lock_wait=INDEX_LOCK_WAIT)
    if args.json:
        print(json.dumps({"files": report.files, "chunks": report.chunks,
                          "sentences": report.sentences, "seconds": round(report.seconds, 3),
                          "added": report.added, "changed": report.changed,
                          "removed": report.removed, "unchanged": report.unchanged,
                          "reused": report.reused,
                          "skipped": [{"file": item.file, "reason": item.reason}
                                      for item in report.skipped],
                          "not_read": [{"file": item.file, "type": item.kind}
                                       for item in report.passed_over]}))
    else:
        print(printable(report.summary()))  # it names the index folder
    return 0


def _print_answer(assistant, answer) -> None:
    """The answer, then the lines it cites (or the related lines it shows)
    as they are on disk."""
    print(answer.text)
    # A compound question's answer may cite lines for one part and show
    # related lines for another.
    shown = answer.citations + answer.related
    if not shown:
        return
    from .assistant import SourceChanged

    print()
    for number, citation in enumerate(shown, 1):
        print(f"[{number}] {citation.label()}")
        try:
            lines = assistant.source_lines(citation)
        except SourceChanged as error:
            print(f"  ({error})")
            continue
        for line_number, line_text, _ in lines:
            print(f"  {line_number:>5} | {line_text}")


def command_ask(args) -> int:
    assistant = _assistant(args)
    assistant.ensure_index(progress_factory=_progress_factory("embedding"))
    if args.batch:
        return _ask_batch(assistant, args)
    if not args.question:
        raise UserError("give a question, e.g. rag ask \"What did Turkey buy?\", or --batch FILE")
    answer = assistant.ask(" ".join(args.question), k=args.k, previous=args.previous)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        _print_answer(assistant, answer)
    return 0


CHAT_ENDS = ("exit", "quit", ":q")


def command_chat(args) -> int:
    """Questions one after another from the terminal (or stdin), each
    answered as `rag ask` answers it and read with the one before: "What
    did he say?" after "Who is Mark Esper?" asks about Esper."""
    from .assistant import QuestionError

    assistant = _assistant(args)
    assistant.ensure_index(progress_factory=_progress_factory("embedding"))
    interactive = sys.stdin.isatty()
    if interactive:
        _stderr("Ask about the indexed documents; a follow-up may say \"he\", \"it\" or "
                "\"and when?\". An empty line, 'exit' or Ctrl-D ends.")
    previous = None
    while True:
        try:
            line = input("? ") if interactive else sys.stdin.readline()
        except EOFError:
            break
        if not interactive and not line:
            break
        question = line.strip()
        if not question:
            if interactive:
                break
            continue
        if question.lower() in CHAT_ENDS:
            break
        try:
            answer = assistant.ask(question, k=args.k, previous=previous)
        except QuestionError as error:
            _stderr(f"rag: {error}")
            continue
        _print_answer(assistant, answer)
        print(flush=True)
        previous = answer.read_as or answer.question
    return 0


def _batch_items(handle):
    """(id, question) pairs from plain lines or JSON lines with id/question."""
    for number, line in enumerate(handle, 1):
        line = line.strip()
        if not line:
            continue
        if "\x00" in line:  # piped in from a binary file
            yield number, None, f"line {number} is not text"
        elif line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                yield number, None, f"line {number} is not valid JSON"
                continue
            question = record.get("question", "")
            yield record.get("id", number), question, None if isinstance(question, str) else \
                f"line {number}: \"question\" must be text"
        else:
            yield number, line, None


def _ask_batch(assistant, args) -> int:
    from .assistant import QuestionError

    try:
        if args.batch != "-":
            with open(args.batch, "rb") as probe:
                if b"\x00" in probe.read(8192):
                    raise UserError(f"{args.batch} is not a text file; give one question per "
                                    f"line, or JSON lines {{\"id\", \"question\"}}")
        handle = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8",
                                                          errors="replace")
    except OSError as error:
        raise UserError(f"cannot read {args.batch}: {error.strerror}") from None
    failures = 0
    with handle:
        for item_id, question, problem in _batch_items(handle):
            if problem is None:
                try:
                    record = {"id": item_id, **assistant.ask(str(question), k=args.k).to_json()}
                except QuestionError as error:
                    problem = str(error)
            if problem is not None:
                failures += 1
                record = {"id": item_id, "question": question, "error": problem}
            print(json.dumps(record, ensure_ascii=False), flush=True)
    if failures:
        _stderr(f"{failures} question(s) could not be asked; see their \"error\" field")
    return 0


def command_search(args) -> int:
    from .formats import location_label

    assistant = _assistant(args)
    assistant.ensure_index(progress_factory=_progress_factory("embedding"))
    results = assistant.search(" ".join(args.query), k=args.k)
    if args.json:
        print(json.dumps([{**item.to_json(), "text": item.text}
                          for item in results], ensure_ascii=False))
        return 0
    for rank, item in enumerate(results, 1):
        text = item.text
        where = location_label(item.file, item.line_start, item.line_end, item.page,
                               item.extracted)
        print(f"{rank}. {where}  score {item.score:.4f}")
        print(f"   {text[:300]}{'…' if len(text) > 300 else ''}")
    return 0


def command_serve(args) -> int:
    try:
        import ui
    except ImportError as error:
        raise UserError(f"the web page needs its dependencies ({error}); "
                        f"reinstall with: pip install -e .") from None
    return ui.serve(args)


def command_model(args) -> int:
    from .embedding import default_cache_dir, encoder_folder, load_embedder, prepare_encoder
    from .token_encoder import checked_layers, load_token_encoder

    settings = _assistant(args).settings
    cache = settings.cache_dir or default_cache_dir()
    layers = checked_layers(settings.calibration)
    layers_sha256 = settings.calibration.token_encoder_sha256 if layers else ""
    if args.rebuild and settings.encoder != "torch":
        prepare_encoder(settings.model, settings.encoder, cache, notify=_stderr, rebuild=True)
        if layers:
            prepare_encoder(settings.model, settings.encoder, cache, _stderr, True,
                            layers, layers_sha256)
    embedder = load_embedder(settings.model, settings.encoder, cache, _stderr)
    info = {"model": embedder.model_id, "encoder": embedder.encoder_id,
            "dimension": embedder.dimension}
    if layers:
        info["token_encoder"] = load_token_encoder(settings, embedder, _stderr).encoder_id
    info["claim_parser"] = _claim_parser()
    info["antonyms"] = _antonyms()
    if settings.encoder != "torch":
        folder = encoder_folder(settings.model, settings.encoder, cache)
        info.update({"folder": str(folder), "onnx_sha256": embedder.meta["onnx_sha256"],
                     "size_mb": round((folder / "model.onnx").stat().st_size / 1e6, 1),
                     "max_tokens": embedder.meta["max_tokens"],
                     "pooling": embedder.meta["pooling"]})
    if args.json:
        print(json.dumps(info))
    else:
        for key, value in info.items():
            print(f"{key:>12}: {value}")
    return 0


def _claim_parser() -> str:
    """The written-answer checker's parser, loaded (so its hash is checked)."""
    from . import syntax

    try:
        syntax.name_roles("Readers read.")
    except syntax.ParserUnavailable as error:
        return f"unavailable: {error}"
    return f"{syntax.PIPELINE} {syntax.PIPELINE_VERSION} (sha256 {syntax.PIPELINE_SHA256[:12]})"


def _antonyms() -> str:
    """The written-answer checker's opposite words, loaded (hash checked)."""
    from . import antonyms

    try:
        count = len(antonyms.table())
    except antonyms.WordNetUnavailable as error:
        return f"unavailable: {error}"
    return f"WordNet 3.0, {count} words with opposites (sha256 {antonyms.WORDNET_SHA256[:12]})"


def command_eval(args) -> int:
    from evals.cli import run_eval_command

    return run_eval_command(args)


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    from .serving import add_serve_arguments

    parser = argparse.ArgumentParser(
        prog="rag", description="Answers from your own documents, every claim cited to its "
        "file and lines. Works offline on a CPU.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"rag {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index-dir", metavar="DIR",
                        help="index folder (default: $RAG_INDEX_DIR or ./index)")
    common.add_argument("--model", metavar="NAME",
                        help="embedding model id or folder (default: $RAG_MODEL or "
                             "sentence-transformers/all-MiniLM-L6-v2, loaded offline)")
    common.add_argument("--store", metavar="URI",
                        help="keep the index in Milvus instead of the index folder: PATH.db "
                             "for Milvus Lite, http://HOST:19530 for a Milvus server; "
                             "collections are named after --index-dir (default: $RAG_STORE; "
                             "needs pip install -e '.[scale]')")
    common.add_argument("--encoder", choices=("onnx-int8", "onnx", "torch"),
                        help="how the model runs (default: $RAG_ENCODER or onnx-int8, "
                             "exported once from the model; torch: sentence-transformers)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    index = commands.add_parser("index", parents=[common],
                                help=f"index {'/'.join(SUFFIXES)} files",
                                description=f"Index the {', '.join(SUFFIXES)} files under "
                                "PATH (recursively), and text files without a suffix (README); "
                                "files of other types are counted, not read. A file given as "
                                "PATH is read as text whatever its type. With no PATH, the "
                                "bundled sample articles. Unchanged files are not embedded "
                                "again.")
    index.add_argument("paths", nargs="*", metavar="PATH")
    index.add_argument("--rebuild", action="store_true", help="embed every file again")
    index.add_argument("--json", action="store_true", help="print the summary as JSON")
    index.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                       help="read, split and embed the files on a Ray cluster (ADDRESS, e.g. "
                            "ray://head:10001; alone or 'local': a Ray of this machine); "
                            "default: $RAG_RAY_ADDRESS or in this process")
    index.set_defaults(handler=command_index)

    ask = commands.add_parser("ask", parents=[common], help="answer a question with citations",
                              description="Answer from the indexed documents, citing the "
                              "lines used; says \"not found\" when they do not hold the answer. "
                              "A word mistyped by one letter is read as the indexed word it "
                              "misses (said on stderr; --json adds \"read_as\"). "
                              "With no index yet, indexes the sample articles first.")
    ask.add_argument("question", nargs="*", metavar="QUESTION",
                     help="the question (quoted or not); with --batch, none")
    ask.add_argument("-k", type=int, default=None, metavar="N",
                     help="how many retrieved chunks to report and read (default 5)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--previous", metavar="QUESTION",
                     help="the question asked before this one: a pronoun that stands for "
                          "nothing in QUESTION (\"What did he say?\") is read as what that "
                          "one asked about, and the question is shown as read")
    ask.add_argument("--batch", metavar="FILE",
                     help="questions one per line (or JSON lines with id and question; "
                          "'-' for stdin); writes one JSON object per line")
    ask.add_argument("--llm", metavar="URL",
                     help="write answers with an OpenAI-compatible server, e.g. "
                          "http://localhost:11434/v1 (Ollama); every claim is checked against "
                          "its cited lines (default: $RAG_LLM_URL; none: extractive answers)")
    ask.add_argument("--llm-model", metavar="NAME", help="model name on that server "
                     "(default: $RAG_LLM_MODEL or llama3.2); key: $RAG_LLM_API_KEY")
    ask.add_argument("--llm-timeout", type=float, metavar="SECONDS",
                     help="give up on the server after this long and answer extractively "
                          "(default 60)")
    ask.add_argument("--drop-unsupported", action="store_true",
                     help="remove claims their cited lines do not support (default: mark them)")
    ask.set_defaults(handler=command_ask)

    chat = commands.add_parser("chat", parents=[common],
                               help="ask one question after another in the terminal",
                               description="Ask questions one after another (from the terminal, "
                               "or one per line on stdin); each is answered as rag ask answers "
                               "it, and read with the one before, so a follow-up may say "
                               "\"he\", \"it\" or \"and when?\" (the question as read is said "
                               "on stderr). An empty line, 'exit' or Ctrl-D ends.")
    chat.add_argument("-k", type=int, default=None, metavar="N",
                      help="how many retrieved chunks to read (default 5)")
    chat.add_argument("--llm", metavar="URL", help="as for rag ask")
    chat.add_argument("--llm-model", metavar="NAME", help="as for rag ask")
    chat.add_argument("--llm-timeout", type=float, metavar="SECONDS", help="as for rag ask")
    chat.add_argument("--drop-unsupported", action="store_true", help="as for rag ask")
    chat.set_defaults(handler=command_chat)

    search = commands.add_parser("search", parents=[common], help="show the top chunks",
                                 description="Show the chunks hybrid retrieval ranks highest.")
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("-k", type=int, default=5, metavar="N", help="how many (default 5)")
    search.add_argument("--json", action="store_true", help="print results as JSON")
    search.set_defaults(handler=command_search)

    serve = commands.add_parser("serve", parents=[common], help="start the chat web page",
                                description="Serve the chat page (and POST /api/ask) on the "
                                "index; with no index, the sample articles are indexed first.")
    add_serve_arguments(serve)
    serve.set_defaults(handler=command_serve)

    model = commands.add_parser("model", parents=[common],
                                help="prepare and show the encoder",
                                description="Export the embedding model to ONNX (int8 weights "
                                "by default) once, into the cache, and show what answers and "
                                "indexes will use. Other commands do this on first use; run it "
                                "ahead, e.g. while installing, to make the first question fast.")
    model.add_argument("--rebuild", action="store_true", help="export again")
    model.add_argument("--json", action="store_true", help="print as JSON")
    model.set_defaults(handler=command_model)

    evaluate = commands.add_parser("eval", help="evaluate on datasets",
                                   description="Run JSON-lines datasets through `rag ask` "
                                   "and report retrieval, citation, answer and not-found metrics. "
                                   "Held-out sets (never fitted on) are reported first; sets the "
                                   "answer model was fitted on are labelled in-sample.")
    evaluate.add_argument("dataset", nargs="*", metavar="DATASET",
                          help="dataset .jsonl files or names: variants, licenses, squad "
                               "(held out), sample, typos (the sample questions mistyped) and "
                               "rewrites (the sample questions in other words, a development "
                               "set) (in-sample), claims (the LLM-answer checker, held out); "
                               "default: all seven. Also claims-dev: the "
                               "checker on claims written on the SQuAD train articles "
                               "(in-sample), and claim-pairs: the checker on training pairs "
                               "made from them (in-sample, a few minutes; --limit N pairs)")
    evaluate.add_argument("--corpus", metavar="DIR",
                          help="corpus folder of a .jsonl dataset (default: <stem>_corpus beside it)")
    evaluate.add_argument("--model", metavar="NAME", help="embedding model id or folder")
    evaluate.add_argument("--out", metavar="PATH",
                          help="report folder (default evals/out/NAME); with --fit, the answer "
                               "model file to write (default rag/calibration.json)")
    evaluate.add_argument("--compare", metavar="OLD.json", help="show changes against a report")
    evaluate.add_argument("--fit", action="store_true",
                          help="train the answer model (fusion weights, sentence scorer, "
                               "answer and relevance models, thresholds) on the training "
                               "datasets and save it to rag/calibration.json")
    evaluate.add_argument("--keep-token-encoder", action="store_true",
                          help="with --fit: keep the shipped token encoder's layers and refit "
                               "the rest on them (about 3 minutes instead of 15, the same "
                               "result every time)")
    evaluate.add_argument("--check", action="store_true",
                          help="fail when a metric is below its threshold in evals/thresholds.json")
    evaluate.add_argument("--limit", type=int, metavar="N",
                          help="only the first N questions (with --fit: of each training set, "
                               "and one SQuAD train article; a quick check, not a real fit)")
    evaluate.set_defaults(handler=command_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    if getattr(args, "k", None) is not None and args.k < 1:
        parser.error("-k must be at least 1")
    from .assistant import QuestionError
    from .embedding import ModelNotAvailable
    from .indexer import IndexBusy, NothingIndexed
    from .locking import IndexFolderUnusable
    from .settings import CalibrationError, SettingsError
    from .store import IndexError_
    from .syntax import ParserUnavailable

    try:
        return args.handler(args)
    except (UserError, QuestionError, ModelNotAvailable, IndexBusy, NothingIndexed,
            IndexError_, CalibrationError, ParserUnavailable, IndexFolderUnusable,
            SettingsError) as error:
        _stderr(f"rag: error: {error}")
        return 1
    except KeyboardInterrupt:
        _stderr("rag: interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as error:  # a full disk or a vanished folder mid-run: the index is left whole
        where = f": {error.filename}" if error.filename else ""
        _stderr(f"rag: error: {error.strerror or error}{where}")
        return 1
    except Exception as error:  # a Milvus server or Ray cluster failing mid-run
        if type(error).__module__.split(".")[0] not in ("pymilvus", "grpc", "ray"):
            raise
        engine = "Ray" if type(error).__module__.startswith("ray") else "Milvus"
        _stderr(f"rag: error: {engine}: {(str(error).splitlines() or [''])[0][:300]}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
