"""Train the answer model and save it to rag/calibration.json (`rag eval --fit`).

Fitted only on training data (`dataset.FITTED_ON`): the ten SQuAD 2.0 train
articles, SQuAD dev articles 1-2, and our sample questions as a small share,
with questions made from them (`made_questions.py`): typed rewrites, "What
is X?", "What did X do?" and "Did X do Y?".
The held-out sets (`dataset.HELD_OUT`) are never read here.

1. fusion weights (dense vs. keyword, RRF constant) by MRR@10 of the chunk
   that holds the evidence;
2. the sentence scorer (first model), then the token encoder's layers
   (`token_training.py`: trained so that word-by-word coverage ranks the
   answer first among the scorer's best few), then the reranker over those
   few; the scorer and the reranker are each fitted to rank within a
   question (a conditional logit: which of a question's sentences holds a
   gold answer on the evidence lines, not which questions are easy), then
   scaled to a probability;
3. the answer model: logistic regression on the best sentence of each
   question, positive when it is a right answer;
4. the answer threshold, maximizing a score in which a right answer or a
   right abstention gains 1 and a wrong answer costs `fitting.WRONG_ANSWER_COST`,
   over the questions users ask: answerable ones, questions about things the
   documents never mention (off-topic: questions of one collection asked of
   another), and, with a small weight, SQuAD's adversarial unanswerables,
   which are written to look answerable and which users rarely ask;
5. the relevance model ("are the documents about this question?"): on-topic
   questions against off-topic ones; it decides between showing related
   lines and a bare "not found".

Deterministic but for the token encoder's training (threads sum in varying
order): a fixed seed picks the off-topic questions and the typed rewrites,
and the solvers are deterministic; with the layers kept (`keep_layers`) the
whole fit gives the same file every time.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from rag.answering import FEATURES, RELEVANCE_FEATURES, RERANK_FEATURES, TRIGGER_FEATURES, \
    Candidate, ExtractiveAnswerer, ordered, sigmoid, split_for_reranking
from rag.embedding import Embedder, load_embedder
from rag.keyword import fold
from rag.retrieval import HybridRetriever
from rag.settings import CALIBRATION_FILE, CALIBRATION_FORMAT, Calibration, Settings
from rag.store import file_sha256
from rag.token_encoder import LAYERS_FILE

from . import squad
from .dataset import FITTED_ON, SAMPLE_DATASET, EvalItem, load_dataset, _squad_train
from .fitting import fit_ranking, fit_threshold, logistic
from .made_questions import SEED
from .token_training import TRAINING_CANDIDATES, TRAIN_STEPS, RankingExample, train_layers
from .training_sets import DEFINED_SET, DOINGS_SET, YES_NO_SET, QuestionSet, question_sets

# How much each training set counts in the sentence scorer; the sample
# questions are a small share so the model learns SQuAD's breadth, not them.
DATASET_SHARE = {"squad-train": 0.6, "squad-fit": 0.3, "sample": 0.1,
                 DEFINED_SET: 0.05, DOINGS_SET: 0.05, YES_NO_SET: 0.05}
# Share of the answerable group's weight that the typed rewrites carry.
TYPED_SHARE = 0.5
# How much each kind of question counts in the answer threshold.
GROUP_SHARE = {"answerable": 1.0, "typed": TYPED_SHARE, "off_topic": 0.25, "adversarial": 0.1}
ANSWERABLE_GROUPS = ("answerable", "typed")
KEYWORD_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
RRF_KS = (5.0, 20.0, 60.0)
POOL_CHUNKS = 8
# The relevance model's probability at which the documents count as about the
# question: its classes are balanced in the fit, so even odds.
RELATED_AT = 0.5


@dataclass
class Scored:
    """One question's candidates, their features and labels."""

    group: str  # answerable, adversarial, off_topic
    dataset: str
    question: str
    features: np.ndarray
    labels: np.ndarray
    answerer: ExtractiveAnswerer
    sentences: list  # per candidate
    sentence_ids: list[int]  # per candidate, in the answerer's index
    # Rows of the candidates the reranker reads (the fitted first model's
    # best few), set once the first model is fitted (`set_reranked_rows`).
    reranked_rows: list[int] | None = None
    # token_match coverage (content, all words) per candidate, set for the
    # ones the reranker reads once the token encoder is trained (zero elsewhere).
    token_scores: np.ndarray | None = None
    # The question as the reranker reads it (`ExtractiveAnswerer.reranker_question`).
    reranker_question: str = ""


def _is_answer(item: EvalItem, sentence) -> bool:
    if item.unanswerable:
        return False
    on_evidence = any(evidence.overlaps(sentence.file, sentence.line_start, sentence.line_end)
                      for evidence in item.evidence)
    return on_evidence and any(fold(gold) in fold(sentence.text) for gold in item.answers)


def _relevant(item: EvalItem, chunk) -> bool:
    return any(evidence.overlaps(chunk.file, chunk.line_start, chunk.line_end)
               for evidence in item.evidence)


def _reciprocal_rank(dense, keyword, relevant, keyword_weight, rrf_k) -> float:
    fused: dict[int, float] = {}
    for weight, ranking in ((1.0, dense), (keyword_weight, keyword)):
        for rank, chunk_id in enumerate(ranking):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (rrf_k + rank + 1)
    ordered = sorted(fused, key=lambda chunk_id: (-fused[chunk_id], chunk_id))[:10]
    for rank, chunk_id in enumerate(ordered, 1):
        if chunk_id in relevant:
            return 1.0 / rank
    return 0.0


def fit_fusion(sets: list[QuestionSet]) -> tuple[float, float, float]:
    """(dense weight, keyword weight, rrf_k) with the best mean MRR@10,
    each on-topic set counting equally."""
    prepared = []
    for question_set in sets:
        data = question_set.assistant.data()
        retriever = question_set.assistant.retriever
        rows = []
        for item, vector in zip(question_set.items, question_set.vectors):
            if item.unanswerable:
                continue
            relevant = {index for index, chunk in enumerate(data.chunks) if _relevant(item, chunk)}
            rows.append((retriever.dense_ranking(vector, 100),
                         retriever.keyword_ranking(item.question, 100), relevant))
        if rows:
            prepared.append(rows)
    best, best_score = (1.0, 0.5, 60.0), -1.0
    for keyword_weight in KEYWORD_WEIGHTS:
        for rrf_k in RRF_KS:
            score = float(np.mean([np.mean([_reciprocal_rank(dense, keyword, relevant,
                                                             keyword_weight, rrf_k)
                                            for dense, keyword, relevant in rows])
                                   for rows in prepared]))
            if score > best_score + 1e-9:
                best, best_score = (1.0, keyword_weight, rrf_k), score
    return best


def _score_candidates(sets: list[QuestionSet], calibration: Calibration) -> list[Scored]:
    """Candidate features of every question under `calibration`'s fusion."""
    scored = []
    for question_set in sets:
        assistant = question_set.assistant
        retriever = HybridRetriever(assistant.data(), calibration)
        # The first model only: the reranker is fitted later, on these.
        answerer = ExtractiveAnswerer(assistant.data(), calibration)
        for item, vector in zip(question_set.items, question_set.vectors):
            ranking = retriever.rank(item.question, vector)
            question = answerer.as_written(item.question, ranking, POOL_CHUNKS)  # as `ask` reads it
            candidates = answerer.candidates(question, vector, ranking, POOL_CHUNKS)
            if not candidates:
                continue
            group = ("off_topic" if question_set.off_topic
                     else "adversarial" if item.unanswerable
                     else "typed" if question_set.typed else "answerable")
            sentence_ids = [candidate.sentence_id for candidate in candidates]
            scored.append(Scored(group, question_set.name, question,
                                 np.array([candidate.features for candidate in candidates]),
                                 np.array([not question_set.off_topic
                                           and _is_answer(item, candidate.sentence)
                                           for candidate in candidates]),
                                 answerer, [candidate.sentence for candidate in candidates],
                                 sentence_ids, reranker_question=answerer.reranker_question(
                                     question, sentence_ids)))
    return scored


def set_reranked_rows(scored: list[Scored], answerers) -> None:
    """Each question's rows that the reranker reads: the fitted first model's
    best few. The token encoder's examples, its scores and the reranker's fit
    all read these same rows, so they are found once."""
    for question in scored:
        top, _ = split_for_reranking(_first_scored(question, answerers(question)))
        question.reranked_rows = [candidate.sentence_id for candidate in top]


def ranking_examples(scored: list[Scored]) -> list[RankingExample]:
    """What the token encoder learns from: each answerable question (and
    typed rewrite) with the first model's best TRAINING_CANDIDATES, when one
    answers it."""
    examples = []
    for question in scored:
        if question.group not in ANSWERABLE_GROUPS:
            continue
        rows = question.reranked_rows[:TRAINING_CANDIDATES]
        if question.labels[rows].any():
            examples.append(RankingExample(question.reranker_question,
                                           tuple(question.sentences[row].text for row in rows),
                                           tuple(bool(question.labels[row]) for row in rows)))
    return examples


def set_token_scores(scored: list[Scored], token_encoder: Embedder) -> None:
    """Each question's coverages by the sentences the reranker reads, from
    `token_encoder`; one answerer (and its token cache) per index."""
    readers: dict[int, ExtractiveAnswerer] = {}
    for question in scored:
        data = question.answerer.data
        reader = readers.get(id(data))
        if reader is None:
            reader = readers[id(data)] = ExtractiveAnswerer(data, Calibration(), token_encoder)
        rows = question.reranked_rows
        question.token_scores = np.zeros((len(question.labels), 2))
        question.token_scores[rows] = reader.token_scores(
            question.reranker_question, [question.sentence_ids[row] for row in rows])


def _group_weights(scored: list[Scored], shares: dict[str, float], key) -> np.ndarray:
    """Per question: its key's share divided by how many questions share the key."""
    counts: dict[str, int] = {}
    for question in scored:
        counts[key(question)] = counts.get(key(question), 0) + 1
    return np.array([shares[key(question)] / counts[key(question)] for question in scored])


def _on_topic(scored: list[Scored]) -> tuple[list[Scored], np.ndarray]:
    """The on-topic questions and each one's weight by its training set's share."""
    on_topic = [question for question in scored if question.group != "off_topic"]
    # A typed rewrite counts TYPED_SHARE of a question of the set it rewrites.
    shares = {**DATASET_SHARE, **{f"{name}~typed": TYPED_SHARE * share
                                  for name, share in DATASET_SHARE.items()}}
    return on_topic, _group_weights(on_topic, shares, lambda question: question.dataset)


def fit_scorer(scored: list[Scored]) -> tuple[dict, float]:
    """The first model: which sentences of a question's pool answer it, by a
    ranking objective (`fitting.conditional_logit`, as the reranker), then Platt
    scaled. Its job is to put the answer among the best RERANK_DEPTH that
    the reranker reads, a question at a time."""
    on_topic, per_question = _on_topic(scored)
    return fit_ranking([question.features for question in on_topic],
                        [question.labels for question in on_topic], per_question, FEATURES)


def _first_scored(question: Scored, answerer: ExtractiveAnswerer) -> list[Candidate]:
    """The question's candidates with `answerer`'s first-model probabilities.
    Each candidate's `sentence_id` holds its row in `question.features`."""
    probabilities = answerer.score(question.features)
    return [Candidate(row, question.sentences[row], question.features[row], float(probability))
            for row, probability in enumerate(probabilities)]


def _ranked(question: Scored, answerer: ExtractiveAnswerer) -> list[Candidate]:
    """The question's candidates scored by `answerer` (its first model, then
    its reranker on the best few) and ordered as when answering; see
    `_first_scored` for what `sentence_id` holds."""
    candidates = _first_scored(question, answerer)
    if not answerer.reranks:
        return ordered(candidates)
    top, rest = split_for_reranking(candidates)
    rows = [candidate.sentence_id for candidate in top]
    return ordered(answerer.reranked(top, question.token_scores[rows]) + rest)


def fit_reranker(scored: list[Scored]) -> tuple[dict, float]:
    """The reranker over each on-topic question's best RERANK_DEPTH sentences
    by the fitted first model: ranking weights by `fitting.conditional_logit`, then
    one scale and bias (Platt scaling) so its logit is a probability."""
    on_topic, per_question = _on_topic(scored)
    groups, labels = [], []
    for question in on_topic:
        rows = question.reranked_rows
        groups.append(ExtractiveAnswerer.rerank_rows(question.features[rows],
                                                     question.token_scores[rows]))
        labels.append(question.labels[rows])
    return fit_ranking(groups, labels, per_question, RERANK_FEATURES)


def _training_data_sha256(sources: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode("utf-8"))
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _version() -> str:
    names = "|".join(FEATURES + RERANK_FEATURES + TRIGGER_FEATURES + RELEVANCE_FEATURES)
    return f"{CALIBRATION_FORMAT}-{hashlib.sha256(names.encode()).hexdigest()[:12]}"


def fit(settings: Settings | None = None, limit: int | None = None, notify=print,
        layers_out: Path | None = None, keep_layers: Path | None = None) -> Calibration:
    """Train every part of the answer model; `limit` takes the first `limit`
    questions of each set and one SQuAD train article, and trains the token
    encoder for a few steps (for a quick test). The token encoder's layers
    are written to `layers_out` (the calibration names the file). With
    `keep_layers`, those layers are copied instead of trained: training
    them takes most of the fit's time and is not reproducible to the bit on
    several threads, while the rest of the fit is, so the other parts can
    be refitted on layers already shipped."""
    base = settings or Settings.from_env()
    datasets = [load_dataset(name) if name != "squad-train" or not limit
                else _squad_train(articles=1) for name in FITTED_ON]
    sets = question_sets(datasets, base, limit, notify)
    # Fusion is fitted on the questions people wrote, each set counting
    # equally; a made set would weigh as much as a whole training set there.
    on_topic = [question_set for question_set in sets
                if not question_set.off_topic and not question_set.made]
    calibration = Calibration()
    dense_weight, keyword_weight, rrf_k = fit_fusion(on_topic)
    calibration = replace(calibration, dense_weight=dense_weight, keyword_weight=keyword_weight,
                          rrf_k=rrf_k)
    notify(f"fusion: dense {dense_weight}, keyword {keyword_weight}, rrf_k {rrf_k}")
    scored = _score_candidates(sets, calibration)
    scorer_weights, scorer_bias = fit_scorer(scored)
    calibration = replace(calibration, scorer_weights=scorer_weights, scorer_bias=scorer_bias)
    # One answerer with the fitted models per corpus, not per question.
    answerers: dict[int, ExtractiveAnswerer] = {}

    def answerer_of(question: Scored) -> ExtractiveAnswerer:
        answerer = answerers.get(id(question.answerer))
        if answerer is None:
            answerer = answerers[id(question.answerer)] = ExtractiveAnswerer(
                question.answerer.data, calibration, token_encoder)
        return answerer

    token_encoder = None  # the first model's order, until the layers are trained
    set_reranked_rows(scored, answerer_of)
    layers_out = layers_out or Path(tempfile.mkdtemp(prefix="rag-fit-")) / LAYERS_FILE
    if keep_layers is not None:
        notify(f"keeping the token encoder's layers {keep_layers}")
        layers_out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(keep_layers, layers_out)
        layers_sha256 = file_sha256(layers_out)
    else:
        examples = ranking_examples(scored)
        steps = TRAIN_STEPS if not limit else 2
        notify(f"training the token encoder on {len(examples)} questions, {steps} steps")
        layers_sha256 = train_layers(examples, base.model, layers_out, steps, SEED, notify)
    token_encoder = load_embedder(base.model, base.encoder, base.cache_dir, notify,
                                  layers=layers_out, layers_sha256=layers_sha256)
    calibration = replace(calibration, token_encoder=layers_out.name,
                          token_encoder_sha256=layers_sha256, folder=layers_out.parent)
    answerers.clear()
    set_token_scores(scored, token_encoder)
    reranker_weights, reranker_bias = fit_reranker(scored)
    calibration = replace(calibration, reranker_weights=reranker_weights,
                          reranker_bias=reranker_bias)
    answerers.clear()
    rows = []
    for question in scored:
        answerer = answerer_of(question)
        ranked = _ranked(question, answerer)
        right = bool(question.labels[ranked[0].sentence_id])
        # The answer model reads the best sentence's neighbours: by its id
        # in the index, not its row here.
        in_index = [replace(candidate, sentence_id=question.sentence_ids[candidate.sentence_id])
                    for candidate in ranked]
        rows.append((answerer.trigger_features(question.question, in_index),
                     answerer.relevance_features(question.question, in_index), right,
                     answerer.names_another_thing(question.question, in_index[0])
                     or answerer.answers_of_another_file(question.question, in_index)))
    trigger = np.array([row[0] for row in rows])
    relevance = np.array([row[1] for row in rows])
    right = np.array([row[2] for row in rows])
    groups = np.array([question.group for question in scored])
    weights = _group_weights(scored, GROUP_SHARE, lambda question: question.group)
    notify("training questions: " + ", ".join(
        f"{group} {int((groups == group).sum())}" for group in GROUP_SHARE)
        + f"; best sentence right on {right[groups == 'answerable'].mean():.3f} of answerable")
    trigger_weights, trigger_bias = logistic(trigger, right, weights, TRIGGER_FEATURES)
    logits = trigger @ np.array([trigger_weights[name] for name in TRIGGER_FEATURES])
    on_topic_label = groups != "off_topic"
    balanced = np.where(on_topic_label, 0.5 / on_topic_label.sum(),
                        0.5 / max((~on_topic_label).sum(), 1))
    relevance_weights, relevance_bias = logistic(relevance, on_topic_label, balanced,
                                                  RELEVANCE_FEATURES)
    relevant = sigmoid(relevance @ np.array([relevance_weights[name] for name in
                                             RELEVANCE_FEATURES]) + relevance_bias) >= RELATED_AT
    # The answerer answers only questions the documents are about, and
    # withholds a sentence that names another thing or stands in another
    # document than the one asked about (see ExtractiveAnswerer.decide), so
    # the threshold is fitted on the rest.
    withheld = np.array([row[3] for row in rows], dtype=bool)
    confidences = np.where(relevant & ~withheld, sigmoid(logits + trigger_bias), 0.0)
    threshold = fit_threshold(confidences, right, ~np.isin(groups, ANSWERABLE_GROUPS), weights)
    sources = [squad.TRAIN_SOURCE, squad.DEFAULT_SOURCE, SAMPLE_DATASET]
    calibration = replace(
        calibration, trigger_weights=trigger_weights, trigger_bias=trigger_bias,
        abstain_threshold=threshold, relevance_weights=relevance_weights,
        relevance_bias=relevance_bias, related_threshold=RELATED_AT,
        fitted_on=" + ".join(FITTED_ON) + " + off-topic pairs" + (
            f" (first {limit} questions each)" if limit else ""),
        version=_version(), training_data_sha256=_training_data_sha256(sources), seed=SEED)
    answered = confidences >= threshold
    notify(f"answer threshold {threshold:.3f} (in-sample: answers {answered[groups == 'answerable'].mean():.3f} "
           f"of answerable, right when answering {right[answered].mean() if answered.any() else 0:.3f}; "
           f"answers {answered[groups == 'off_topic'].mean():.3f} of off-topic, "
           f"{answered[groups == 'adversarial'].mean() if (groups == 'adversarial').any() else 0:.3f} "
           f"of adversarial)")
    return calibration


def fit_and_save(notify=print, settings: Settings | None = None, limit: int | None = None,
                 path: Path = CALIBRATION_FILE, keep_layers: Path | None = None) -> Calibration:
    """Fit, then put the token encoder's layers beside `path` and save the
    model there: a fit that fails leaves the previous model whole."""
    workspace = Path(tempfile.mkdtemp(prefix="rag-fit-"))
    try:
        calibration = fit(settings, limit, notify, workspace / LAYERS_FILE, keep_layers)
        path.parent.mkdir(parents=True, exist_ok=True)
        layers = path.parent / LAYERS_FILE
        shutil.move(str(workspace / LAYERS_FILE), str(layers))
        layers.chmod(0o644)  # safetensors writes it private; the package ships it
        calibration = calibration.save(path)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    notify(f"saved {path} (version {calibration.version}, sha256 {calibration.sha256[:12]})")
    return calibration
