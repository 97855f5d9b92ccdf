"""A client for OpenAI-compatible chat servers (Ollama, llama.cpp's server,
vLLM, OpenAI): `POST {url}/chat/completions`, streamed or not.

Standard library only, so answering without an LLM needs nothing more.
Every failure (unreachable, too slow, HTTP error, a reply that is not the
protocol) becomes one `LLMError` with a message fit for one line.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable


class LLMError(RuntimeError):
    pass


@dataclass(frozen=True)
class LLMServer:
    url: str  # base URL, e.g. http://localhost:11434/v1
    model: str
    api_key: str | None = None
    timeout: float = 60.0  # seconds for the whole reply

    @property
    def endpoint(self) -> str:
        return self.url.rstrip("/") + "/chat/completions"


def chat(server: LLMServer, messages: list[dict], on_text: Callable[[str], None] | None = None) -> str:
    """The model's reply to `messages`. With `on_text`, the reply is streamed
    and `on_text` gets the text so far after each piece."""
    body = {"model": server.model, "messages": messages, "temperature": 0,
            "stream": on_text is not None}
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if server.api_key:
        headers["Authorization"] = f"Bearer {server.api_key}"
    request = urllib.request.Request(server.endpoint, data=json.dumps(body).encode("utf-8"),
                                     headers=headers, method="POST")
    deadline = time.monotonic() + server.timeout
    try:
        with urllib.request.urlopen(request, timeout=server.timeout) as response:
            if on_text is None:
                return _content(json.loads(response.read().decode("utf-8")))
            return _read_stream(response, on_text, deadline, server.timeout)
    except urllib.error.HTTPError as error:
        raise LLMError(f"the LLM server answered HTTP {error.code} ({error.reason})") from None
    except (socket.timeout, TimeoutError):
        raise LLMError(f"the LLM server did not answer within {server.timeout:g} s") from None
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise LLMError(f"cannot reach the LLM server at {server.url} ({reason})") from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise LLMError("the LLM server's reply is not an OpenAI-style chat completion") from None


def _content(payload: dict) -> str:
    content = payload["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise TypeError("content is not text")
    return content


def _read_stream(response, on_text, deadline: float, timeout: float) -> str:
    """Server-sent events: `data: {chunk}` lines until `data: [DONE]`."""
    text = ""
    for raw in response:
        if time.monotonic() > deadline:
            raise TimeoutError
        line = raw.decode("utf-8").strip()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        chunk = json.loads(data)
        if "error" in chunk:
            raise ValueError(chunk["error"])
        choices = chunk.get("choices") or []
        piece = (choices[0].get("delta") or {}).get("content") if choices else None
        if piece:
            text += piece
            on_text(text)
    return text
