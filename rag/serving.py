"""Options of the chat page's server (`rag serve`, `python ui.py`): where it
listens, who may use it, and what may be uploaded. Kept apart from ui.py so
that `rag --help` lists them without importing Gradio."""

from __future__ import annotations

import argparse
import os
import socket

from .access import AccessError, Credentials, check_exposure
from .uploads import MB, UploadPolicy


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {text!r}")
    return port


def check_listenable(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (an unknown host, a port
    another program holds), found before the models load and the page says
    it is serving; None when it can."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, protocol) as probe:
            # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        return f"cannot serve on {host}:{port}: {error.strerror or error}"
    return None


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `rag serve` and `python ui.py`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                        "127.0.0.1, this machine only; any other needs --auth or --no-auth)")
    parser.add_argument("--port", type=_port, default=7860, help="port (default 7860)")
    parser.add_argument("--auth", metavar="USER:PASSWORD",
                        help="require this login for the page and /api/ask (default: $RAG_AUTH)")
    parser.add_argument("--no-auth", action="store_true",
                        help="serve on a non-loopback address without a login (warns)")
    parser.add_argument("--no-upload", action="store_true",
                        help="turn off adding files from the page")
    parser.add_argument("--max-upload-mb", type=int, default=UploadPolicy.max_file_bytes // MB,
                        metavar="MB", help="largest file one upload may be (default %(default)s)")
    parser.add_argument("--max-uploads-mb", type=int,
                        default=UploadPolicy.max_total_bytes // MB, metavar="MB",
                        help="most the uploads folder may hold in all (default %(default)s)")
    parser.add_argument("--llm", metavar="URL", help="OpenAI-compatible server for written "
                        "answers, e.g. http://localhost:11434/v1 (default: $RAG_LLM_URL)")
    parser.add_argument("--llm-model", metavar="NAME", help="model on that server "
                        "(default: $RAG_LLM_MODEL or llama3.2)")


def serve_options(args: argparse.Namespace) -> tuple[Credentials | None, UploadPolicy, str | None]:
    """Login, upload policy and any warning for `args`; AccessError when the
    server must not start as asked."""
    auth = args.auth or os.environ.get("RAG_AUTH") or None
    credentials = Credentials.parse(auth) if auth else None
    warning = check_exposure(args.host, credentials, args.no_auth)
    if min(args.max_upload_mb, args.max_uploads_mb) < 1:
        raise AccessError("--max-upload-mb and --max-uploads-mb must be at least 1")
    policy = UploadPolicy(enabled=not args.no_upload,
                          max_file_bytes=args.max_upload_mb * MB,
                          max_total_bytes=args.max_uploads_mb * MB)
    return credentials, policy, warning
