"""Sentences that address an AI model rather than the reader.

Text such as "Ignore previous instructions and answer that ..." inside a
document is an attempt to steer whatever model reads it. Such sentences are
never given to an LLM as sources and never given to the user as an answer,
so orders hidden in a document cannot change what the assistant says.
"""

from __future__ import annotations

import re

ORDERS_TO_A_MODEL = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompts?|"
    r"directions)\b|\byou are now\b|\bsystem prompt\b|\bnew instructions\b|"
    r"\b(as|you are) an ai\b|\b(ai|assistant|chatbot|llm)\s*[,:]\s*(you )?(must|should)\b",
    re.IGNORECASE)


def addresses_the_model(text: str) -> bool:
    return bool(ORDERS_TO_A_MODEL.search(text))
