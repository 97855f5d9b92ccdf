"""A client for OpenAI-compatible chat servers (Ollama, llama.cpp's server,
vLLM, OpenAI): `POST {url}/chat/completions`, streamed or not, over httpx
(server-sent events read with httpx-sse).

What a served model can do wrong is bounded here: the connection and each
read have timeouts and the whole reply a deadline; the reply may not pass a
size cap; `max_tokens` asks the model to stop early; a stream that ends
without its final event is an error, not a short answer. Only attempts
that never reached the model are retried (no connection, or the server
said it is overloaded before reading the request). Every failure becomes
one `LLMError` with a message fit for one line, which never holds the key.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Callable

from .encodable import encodable

CONNECT_TIMEOUT = 10.0  # seconds to open the connection
RETRY_STATUS = {429, 502, 503, 504}  # the server turned the request away unread
RETRIES = 2
BACKOFF = 0.5  # seconds before the first retry, doubled after each


class LLMError(RuntimeError):
    pass


@dataclass(frozen=True)
class LLMServer:
    url: str  # base URL, e.g. http://localhost:11434/v1
    model: str
    api_key: str | None = None
    timeout: float = 60.0  # seconds for the whole reply
    max_tokens: int = 1024
    max_reply_bytes: int = 256 * 1024

    @property
    def endpoint(self) -> str:
        return self.url.rstrip("/") + "/chat/completions"

    def __repr__(self) -> str:  # the key stays out of logs and tracebacks
        return f"LLMServer(url={self.url!r}, model={self.model!r})"


def chat(server: LLMServer, messages: list[dict],
         on_text: Callable[[str], None] | None = None) -> str:
    """The model's reply to `messages`. With `on_text`, the reply is streamed
    and `on_text` gets the text so far after each piece."""
    import httpx

    body = {"model": server.model, "messages": messages, "temperature": 0,
            "max_tokens": server.max_tokens, "stream": on_text is not None}
    headers = {"Accept": "text/event-stream" if on_text else "application/json"}
    if server.api_key:
        headers["Authorization"] = f"Bearer {server.api_key}"
    deadline = time.monotonic() + server.timeout
    shown = None if on_text is None else (lambda text: on_text(encodable(text)))
    timeout = httpx.Timeout(server.timeout, connect=min(CONNECT_TIMEOUT, server.timeout))
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            for attempt in range(RETRIES + 1):
                try:
                    return encodable(_exchange(client, server, body, headers, shown, deadline))
                except _Retry as retry:
                    pause = BACKOFF * 2 ** attempt
                    if attempt == RETRIES or time.monotonic() + pause > deadline:
                        raise retry.error from None
                    time.sleep(pause)
    except httpx.InvalidURL as error:
        raise LLMError(f"the LLM server's address {server.url} is not a URL ({error})") from None
    except httpx.TimeoutException:
        raise LLMError(f"the LLM server did not answer within {server.timeout:g} s") from None
    except httpx.RemoteProtocolError:
        raise LLMError("the LLM server closed the connection mid-answer") from None
    except (httpx.TransportError, OSError) as error:
        raise LLMError(f"cannot reach the LLM server at {server.url} "
                       f"({type(error).__name__}: {error})") from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise LLMError("the LLM server's reply is not an OpenAI-style chat completion") from None
    raise AssertionError("unreachable")


class _Retry(Exception):
    """This attempt never reached the model; `error` is what to raise if
    no attempt is left."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def _exchange(client, server: LLMServer, body: dict, headers: dict, on_text,
              deadline: float) -> str:
    import httpx

    try:
        with client.stream("POST", server.endpoint, json=body, headers=headers) as response:
            if response.status_code >= 400:
                error = LLMError(f"the LLM server answered HTTP {response.status_code} "
                                 f"({response.reason_phrase})")
                if response.status_code in RETRY_STATUS:
                    raise _Retry(error)
                raise error
            # Some servers answer a streamed request with one JSON reply.
            streamed = response.headers.get("content-type", "").startswith("text/event-stream")
            if on_text is None or not streamed:
                text = _content(json.loads(_read_capped(response, server, deadline)))
                if on_text is not None:
                    on_text(text)
                return text
            return _read_events(response, on_text, server, deadline)
    except httpx.ConnectError as error:
        raise _Retry(error) from None


def _read_capped(response, server: LLMServer, deadline: float) -> bytes:
    received = bytearray()
    for block in response.iter_bytes():
        received += block
        _check_limits(len(received), server, deadline)
    return bytes(received)


def _check_limits(size: int, server: LLMServer, deadline: float) -> None:
    import httpx

    if size > server.max_reply_bytes:
        raise LLMError(f"the LLM server's reply passed {server.max_reply_bytes // 1024} KB; "
                       f"stopped reading it")
    if time.monotonic() > deadline:
        raise httpx.ReadTimeout("deadline")


def _read_events(response, on_text, server: LLMServer, deadline: float) -> str:
    """Server-sent events: `data: {chunk}` until `data: [DONE]` (or, as some
    servers end, the connection closing after a chunk with `finish_reason`)."""
    from httpx_sse import EventSource

    text, size, finished = "", 0, False
    for event in EventSource(response).iter_sse():
        size += len(event.data)
        _check_limits(size, server, deadline)
        if event.data.strip() == "[DONE]":
            return text
        chunk = json.loads(event.data)
        if "error" in chunk:
            raise ValueError(chunk["error"])
        choices = chunk.get("choices") or []
        if not choices:
            continue
        piece = (choices[0].get("delta") or {}).get("content")
        if piece:
            text += piece
            on_text(text)
        finished = finished or bool(choices[0].get("finish_reason"))
    if not finished:
        raise LLMError("the LLM server closed the connection mid-answer")
    return text


def _content(payload: dict) -> str:
    content = payload["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise TypeError("content is not text")
    return content
