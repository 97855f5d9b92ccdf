"""Train the token encoder's layers (`rag/token_encoder.py`) for `rag eval --fit`.

The reranker scores a sentence by how much of the question it covers: for
each content word piece of the question, its best cosine with a word piece
of the sentence, averaged (`rag/token_match.py`). Here the encoder's
transformer layers are trained so that this very score ranks the sentence
that answers first among the first model's best few, on the training
questions only: a softmax over each question's candidates, with the right
ones as the target (the contrastive loss of ColBERT-style training, with the
first model's hard negatives). The word-piece embeddings stay frozen, so
what ships is the six layers, in float16.

Measured before building this (held out, coverage alone ranking the first
model's best four, untrained -> trained for 500 steps): the variants set
0.694 -> 0.738, the license set 0.558 -> 0.615, SQuAD 3-5 0.871 -> 0.891;
750 steps gave nothing more. 500 steps take about 20 minutes on two cores.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from rag.embedding import load_sentence_transformer, token_states
from rag.store import file_sha256
from rag.token_match import TOKEN_VECTOR_LIMIT, is_content_piece, is_word_piece

TRAIN_STEPS = 500
QUESTIONS_PER_STEP = 8
LEARNING_RATE = 2e-5
WEIGHT_DECAY = 0.01
# Coverages are means of cosines and differ by a few hundredths between
# candidates; the softmax needs them spread to learn from them.
SCALE = 20.0
# Parameters trained and shipped: the transformer layers, not the embeddings.
TRAINED_PREFIX = "encoder."
REPORT_EVERY = 50
# Candidates per training question: the first model's best four, the hardest
# negatives (more would make each step slower in proportion).
TRAINING_CANDIDATES = 4


@dataclass(frozen=True)
class RankingExample:
    """One training question, the first model's best sentences for it, and
    which of them answer it (at least one)."""

    question: str
    sentences: tuple[str, ...]
    right: tuple[bool, ...]


def train_layers(examples: list[RankingExample], model_id: str, out: Path, steps: int,
                 seed: int, notify=print) -> str:
    """Train on `examples` for `steps` steps, write the trained layers to
    `out` (safetensors, float16) and return the file's sha256."""
    import torch
    from safetensors.torch import save_file

    if not examples:
        raise ValueError("no training questions with a right sentence among the candidates")
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = load_sentence_transformer(model_id)
    network = model[0].auto_model
    for name, parameter in network.named_parameters():
        parameter.requires_grad = name.startswith(TRAINED_PREFIX)
    optimizer = torch.optim.AdamW([parameter for parameter in network.parameters()
                                   if parameter.requires_grad],
                                  lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    order = list(range(len(examples)))
    rng.shuffle(order)
    network.train()
    started, losses = time.monotonic(), []
    for step in range(steps):
        batch = [examples[order[(step * QUESTIONS_PER_STEP + offset) % len(order)]]
                 for offset in range(QUESTIONS_PER_STEP)]
        loss = torch.stack([_ranking_loss(scores, example.right) for scores, example in
                            zip(_coverages(model[0], batch), batch)]).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
        if (step + 1) % REPORT_EVERY == 0 or step + 1 == steps:
            recent = losses[-REPORT_EVERY:]
            notify(f"token encoder: step {step + 1}/{steps}, loss {sum(recent) / len(recent):.3f}, "
                   f"{time.monotonic() - started:.0f} s")
    network.eval()
    layers = {name: tensor.detach().to(torch.float16).contiguous()
              for name, tensor in network.state_dict().items() if name.startswith(TRAINED_PREFIX)}
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(layers, str(out), metadata={"model": model_id, "steps": str(steps),
                                          "seed": str(seed), "questions": str(len(examples))})
    return file_sha256(out)


def _ranking_loss(scores, right: tuple[bool, ...]):
    """Minus the log of the softmax's share on the right candidates."""
    import torch

    logits = SCALE * scores
    on_right = logits.masked_fill(~torch.tensor(right), float("-inf"))
    return torch.logsumexp(logits, 0) - torch.logsumexp(on_right, 0)


def _coverages(transformer, batch: list[RankingExample]) -> list:
    """Per example, the coverage of its question by each of its sentences,
    computed as `token_match.coverage` of the question's content pieces."""
    import torch

    questions, question_pieces = _token_vectors(transformer,
                                                [example.question for example in batch])
    sentences, sentence_pieces = _token_vectors(
        transformer, [text for example in batch for text in example.sentences])
    out, start = [], 0
    for row, example in enumerate(batch):
        asked = _rows(question_pieces[row], is_content_piece) \
            or _rows(question_pieces[row], is_word_piece) or [0]
        question = questions[row, asked]
        scores = []
        for offset in range(len(example.sentences)):
            pieces = sentence_pieces[start + offset]
            read = _rows(pieces, is_word_piece) or [0]
            scores.append((question @ sentences[start + offset, read].T).max(dim=1).values.mean())
        start += len(example.sentences)
        out.append(torch.stack(scores))
    return out


def _token_vectors(transformer, texts: list[str]):
    """Unit vectors of each text's tokens (padded) and each text's pieces."""
    import torch

    hidden, pieces = token_states(transformer, texts, TOKEN_VECTOR_LIMIT)
    return torch.nn.functional.normalize(hidden, dim=-1), pieces


def _rows(pieces: list[str], keep) -> list[int]:
    return [row for row, piece in enumerate(pieces) if keep(piece)]
