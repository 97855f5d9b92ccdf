"""Stage 7: the extractive answerer.

Reads the sentences of the top retrieved chunks and scores each as "this
sentence answers the question" with a linear model over general signals:
meaning (cosine of the sentence and of its neighbourhood to the question),
word overlap weighted by rarity, how far each is behind the best candidate,
how well its chunk ranked, and learned pairings of the question's class with
the shapes of answer the sentence holds (`answer_shape.py`). A sentence is
read, and cited, as it stands in its file (`layout.py`): under its heading,
on to where its answer ends.

The few best sentences by that model are then read again, word by word:
`token_match.py` measures how much of the question each one speaks to in
the encoder's per-word output, which sees paraphrase ("doctor" for
"physician") where word overlap cannot. A second linear model (the
reranker) weighs that with the first model's signals and orders them.

Three outcomes, each decided by a model fitted on data (`evals/calibrate.py`):
- an answer: the best sentence, cited by its own lines, when the trigger
  model is confident that it answers;
- related lines: the documents are about the question (relevance model) but
  no sentence answers it confidently, so the closest lines are shown;
- "not found": nothing retrieved is about the question.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .answer_shape import IDENTITY_ONE_CASE, PAIR_FEATURES, QUESTION_CLASSES, asked_name, \
    name_as_written, pair_features, question_class, sentence_shapes
from .citing import Citing
from .claim_terms import missing_numbers, replaces_a_named_number, replaces_a_number
from .keyword import question_weights as keyword_question_weights, raw_tokens, tokenize
from .layout import Layout, spanning, unmarked
from .pool import SentencePool, reranker_reads, scope_tokens
from .question_checks import contradicts
from .retrieval import Ranking
from .settings import Calibration
from .storage import IndexView
from .syntax import describes_name
from .token_match import TokenVectors, coverage
from .types import Citation, Claim, Sentence, on_one_page

NOT_FOUND = "Not found in the indexed documents."
RELATED_INTRO = "I could not find a direct answer; these lines look related:"
MAX_RELATED = 3

BASE_FEATURES = ("dense", "dense_window", "dense_previous", "dense_gap", "lexical",
                 "lexical_window", "lexical_gap", "idf_overlap", "idf_window", "idf_gap",
                 "chunk_score", "novelty", "length", "capitalized_share")
FEATURES = BASE_FEATURES + PAIR_FEATURES
# The reranker's own signals, for the best RERANK_DEPTH sentences: how much of
# the question's content words, and of all its words, the sentence covers
# (token_match.coverage). No gap to the best, as the first model has: the
# reranker is fitted to rank within a question, where a gap and its value
# differ by the same amount for every sentence.
TOKEN_FEATURES = ("token_match", "token_match_all")
RERANK_FEATURES = FEATURES + TOKEN_FEATURES
# Sentences the reranker reads: encoding each costs about 10 ms on a laptop
# core (once: they are cached). With the trained token encoder, on typed
# rewrites of the training questions, reading the first model's best eight
# puts the right sentence first more often than its best four (0.689 vs
# 0.672; as often on the questions as written).
RERANK_DEPTH = 8
# Features of the best sentence that the answer model reads, beside its logit,
# its margin over the runner-up and the question's class.
BEST_SENTENCE_FEATURES = ("dense", "dense_window", "lexical", "lexical_window", "chunk_score")
TRIGGER_FEATURES = ("best_logit", "margin", "best_share") + BEST_SENTENCE_FEATURES + (
    "token_match", "token_match_all") + tuple(f"asks_{kind}" for kind in QUESTION_CLASSES) + (
    "numbers_missing", "numbers_replaced")
RELEVANCE_FEATURES = ("max_dense", "max_dense_window", "max_lexical", "max_lexical_window",
                      "mean_top3_dense", "max_lexical_document")
# The best sentences whose files' titles and names the relevance model reads.
RELEVANCE_DEPTH = 8

# Used only until `rag eval --fit` has written fitted values.
DEFAULT_WEIGHTS = {"dense": 6.0, "dense_window": 2.0, "lexical": 3.0, "lexical_window": 1.0,
                   "dense_gap": 2.0, "lexical_gap": 2.0, "chunk_score": 1.0}
DEFAULT_BIAS = -6.0
# Logit margins over the runner-up past this say nothing more.
MAX_MARGIN = 5.0
LONG_SENTENCE_WORDS = 60
# A sentence the answer model is sure of, where the relevance model doubts
# the documents are about the question, is shown as related lines when the
# relevance reaches this: of the in-sample questions so doubted, the right
# answers stand at 0.2-0.5, most unanswerable ones below 0.2 (1 of 5 above),
# and "What is the capital of France?" of a book on Rust at 0.17.
DOUBTED_ANSWER_RELEVANCE = 0.2
# The runner-up that carries on from the best sentence, right after it
# (`Citing.carried_on_by`), is cited with it when it is at least this
# likely against it.
CARRIED_ON_SHARE = 0.3
# Token vectors kept per answerer: a sentence read for one question is
# likely read again for the next question on the same topic.
TOKEN_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class Candidate:
    sentence_id: int
    sentence: Sentence
    features: np.ndarray  # FEATURES
    probability: float
    # Set for the sentences the reranker read: its logit and TOKEN_FEATURES.
    logit: float | None = None
    token_features: np.ndarray | None = None

    @property
    def reranked(self) -> bool:
        return self.token_features is not None


@dataclass(frozen=True)
class Decision:
    """What the answerer decided for one question."""

    chosen: list[Candidate]  # the answer's sentences, best first; empty when it abstains
    related: list[Candidate]  # closest lines, when the documents are about it but silent
    confidence: float  # that the best sentence answers
    relevance: float  # that the documents are about the question


def _weighted_share(question_weights: dict[str, float], tokens: set[str]) -> float:
    """Share of the question's content words (weighted by rarity) in `tokens`."""
    total = sum(question_weights.values())
    if total <= 0:
        return 0.0
    return sum(weight for token, weight in question_weights.items() if token in tokens) / total


def _capitalized_share(text: str) -> float:
    words = [word for word in text.split() if word[:1].isalpha()]
    return sum(word[0].isupper() for word in words) / len(words) if words else 0.0


def sigmoid(values):
    return 1.0 / (1.0 + np.exp(-np.clip(values, -50, 50)))


def _weights(fitted: dict[str, float], names: Sequence[str],
             defaults: dict[str, float] | None = None) -> np.ndarray | None:
    """Fitted weights in `names` order; None when the fit lacks any of them."""
    if fitted and all(name in fitted for name in names):
        return np.array([fitted[name] for name in names], dtype=np.float64)
    if defaults is None:
        return None
    return np.array([defaults.get(name, 0.0) for name in names], dtype=np.float64)


class ExtractiveAnswerer:
    def __init__(self, data: IndexView, calibration: Calibration, token_encoder=None):
        self.data = data
        # The encoder whose token vectors the reranker reads (token_encoder.py).
        self.token_encoder = token_encoder
        fitted = bool(calibration.scorer_weights)
        self.weights = _weights(calibration.scorer_weights, FEATURES, DEFAULT_WEIGHTS)
        self.bias = calibration.scorer_bias if fitted else DEFAULT_BIAS
        # Without an encoder that gives token vectors, or before a fit, the
        # first model's order stands.
        self.rerank_weights = _weights(calibration.reranker_weights, RERANK_FEATURES) \
            if token_encoder is not None else None
        self.rerank_bias = calibration.reranker_bias
        self.trigger_weights = _weights(calibration.trigger_weights, TRIGGER_FEATURES)
        self.trigger_bias = calibration.trigger_bias
        self.relevance_weights = _weights(calibration.relevance_weights, RELEVANCE_FEATURES)
        self.relevance_bias = calibration.relevance_bias
        self.threshold = calibration.abstain_threshold
        self.related_threshold = calibration.related_threshold
        self.max_fused = (calibration.dense_weight + calibration.keyword_weight) / (
            calibration.rrf_k + 1)
        # Headings, neighbours, file titles and how far an answer reads on.
        self.layout = Layout(data)
        # Which sentences are read, and which words say which file.
        self.pool = SentencePool(data, self.layout)
        # Where an answer's citation ends.
        self.citing = Citing(self.layout)
        self._sentence_tokens: dict[int, set[str]] = {}
        self._token_vectors: dict[int, TokenVectors] = {}
        # The last question's word weights: scoring and the relevance model
        # both read them. One tuple, replaced whole, so threads that share
        # the answerer never see one question's weights under another's.
        self._weighed: tuple[str, dict[str, float]] = ("", {})

    def _question_weights(self, question: str) -> dict[str, float]:
        """The question's content words, weighted by rarity (`keyword.question_weights`)."""
        asked, weights = self._weighed
        if asked != question:
            weights = keyword_question_weights(question)
            self._weighed = (question, weights)
        return weights

    def _tokens(self, sentence_id: int) -> set[str]:
        """Stemmed content words (as the keyword index sees them) of the
        sentence as it is read (`Layout.read_as`)."""
        tokens = self._sentence_tokens.get(sentence_id)
        if tokens is None:
            tokens = self._sentence_tokens[sentence_id] = set(
                tokenize(self.layout.read_as(sentence_id)))
        return tokens

    def _described(self, sentence_id: int, text: str, named: str | None) -> str | None:
        """The term a sentence describes, standing over it (`Layout.described_term`),
        or the name an identity question asks about when the sentence says
        beside it what the named one is ("US Defense Secretary Mark Esper" for
        "Who is Mark Esper?"; `syntax.describes_name`)."""
        term = self.layout.described_term(sentence_id)
        if term is None and named is not None and describes_name(text, named):
            return named
        return term

    def as_written(self, question: str, ranking: Ranking, pool: int) -> str:
        """The question, with a name it types in one case as the sentences of
        the top `pool` chunks write it ("who is erdogan" -> "who is Erdogan";
        `answer_shape.name_as_written`)."""
        if not IDENTITY_ONE_CASE.match(question):
            return question
        sentence_ids = self.pool.retrieved(ranking, pool)
        return name_as_written(question, (self.data.sentence(sentence_id).text
                                          for sentence_id in sentence_ids))

    def candidates(self, question: str, query_vector: np.ndarray, ranking: Ranking,
                   pool: int, asked: TokenVectors | None = None) -> list[Candidate]:
        """Every answerable sentence of the top `pool` chunks, scored; `asked`
        holds the question's token vectors when the caller has them."""
        best_chunk_score = self.pool.retrieved(ranking, pool)
        if not best_chunk_score:
            return []
        kind = question_class(question)
        question_weights = self._question_weights(question)
        # Rarity in this collection, beside rarity in English: in a folder
        # of licenses "license" says little, however rare it is elsewhere.
        question_idf = self.data.idf(question_weights)
        question_set = set(question_weights)
        best_chunk_score.update(self.pool.named_files(question, question_idf, best_chunk_score))
        best_chunk_score.update(self.pool.definitions(question, kind, question_set,
                                                       best_chunk_score))
        scope = self.pool.scope(question_idf, best_chunk_score)
        scoped = scope_tokens(question, scope)
        # Frozen: the defining-shape check looks its stems up by it, once per question.
        question_words = frozenset(raw_tokens(question))
        identity = asked_name(question)  # "Who is Mark Esper?"
        # What is asked about, without the words that only say which file.
        asked_words = frozenset(question_set - scoped)
        ids = sorted(best_chunk_score)
        neighbourhoods = {sentence_id: self.layout.neighbours(sentence_id) for sentence_id in ids}
        headings = {sentence_id: self.layout.heading(sentence_id) for sentence_id in ids}
        # An underlined title stands two sentences up, past its rule.
        known = sorted({neighbour for _, window in neighbourhoods.values() for neighbour in window}
                       | {heading for heading in headings.values() if heading is not None})
        row_of = {sentence_id: row for row, sentence_id in enumerate(known)}
        vectors = self.data.vectors(known)
        # An item under a heading is read with it: the two vectors' sum, as
        # the window's vector is the sum of its sentences'.
        read = vectors[[row_of[sentence_id] for sentence_id in ids]].copy()
        for row, sentence_id in enumerate(ids):
            heading = headings[sentence_id]
            if heading is not None:
                read[row] += vectors[row_of[heading]]
                read[row] /= max(float(np.linalg.norm(read[row])), 1e-9)
        dense = read @ query_vector
        rows = []
        for row, sentence_id in enumerate(ids):
            sentence = self.data.sentence(sentence_id)
            previous, window = neighbourhoods[sentence_id]
            window_vector = vectors[[row_of[neighbour] for neighbour in window]].sum(axis=0)
            window_vector /= max(float(np.linalg.norm(window_vector)), 1e-9)
            # A sentence holds what its file's name says (`SentencePool.scope`).
            named = self.layout.file_name_tokens(sentence_id) & scope
            if named:  # and the prepositions that tie it to the question
                named |= scoped - scope
            tokens = self._tokens(sentence_id) | named
            window_tokens = set().union(*(self._tokens(neighbour) for neighbour in window)) | named
            words = len(sentence.text.split())
            rows.append([
                float(dense[row]),
                float(window_vector @ query_vector),
                float(vectors[row_of[previous]] @ query_vector) if previous is not None else 0.0,
                0.0,  # dense_gap, below
                _weighted_share(question_weights, tokens),
                _weighted_share(question_weights, window_tokens),
                0.0,  # lexical_gap, below
                _weighted_share(question_idf, tokens),
                _weighted_share(question_idf, window_tokens),
                0.0,  # idf_gap, below
                best_chunk_score[sentence_id] / self.max_fused,
                len(tokens - question_set) / max(len(tokens), 1),
                math.log1p(min(words, LONG_SENTENCE_WORDS)) / math.log1p(LONG_SENTENCE_WORDS),
                # Headlines capitalize most words and rarely answer anything.
                _capitalized_share(sentence.text),
                *pair_features(kind, sentence_shapes(sentence.text, question_words, asked_words,
                                                     self._described(sentence_id, sentence.text,
                                                                     identity))),
            ])
        features = np.array(rows, dtype=np.float64)
        # How far each sentence is behind the best one for this question: a
        # relative signal that means the same in a small or a large corpus.
        for gap, source in (("dense_gap", "dense"), ("lexical_gap", "lexical"),
                            ("idf_gap", "idf_overlap")):
            values = features[:, FEATURES.index(source)]
            features[:, FEATURES.index(gap)] = values - values.max()
        probabilities = self.score(features)
        candidates = [Candidate(sentence_id, self.data.sentence(sentence_id), features[row],
                                float(probabilities[row])) for row, sentence_id in enumerate(ids)]
        if not self.reranks:
            return candidates
        read = reranker_reads(question, scope)
        if read != question:
            question, asked = read, None
        return self.rerank(question, candidates, asked)

    def reranker_question(self, question: str, sentence_ids: Sequence[int]) -> str:
        """The question as the reranker reads it when `sentence_ids` are its
        candidates: without the words that only say which file (`SentencePool.scope`).
        The fit reads its training questions so too."""
        idf = self.data.idf(self._question_weights(question))
        return reranker_reads(question, self.pool.scope(idf, sentence_ids))

    # -- the reranker -------------------------------------------------------
    @property
    def reranks(self) -> bool:
        return self.rerank_weights is not None

    def token_scores(self, question: str, sentence_ids: Sequence[int],
                     asked: TokenVectors | None = None) -> np.ndarray:
        """(coverage of the question's content words, of all its words) for
        each sentence; see token_match.py."""
        if len(self._token_vectors) > TOKEN_CACHE_SIZE:
            self._token_vectors = {}
        # Read from the cache once, so another thread's clearing cannot
        # take a sentence away halfway.
        known = {sentence_id: self._token_vectors.get(sentence_id)
                 for sentence_id in sentence_ids}
        missing = [sentence_id for sentence_id, vectors in known.items() if vectors is None]
        # The question with the sentences, so the encoder runs them side by side.
        texts = [self.layout.read_as(sentence_id) for sentence_id in missing]
        if asked is None:
            asked, *read = self.token_encoder.token_vectors([question] + texts)
        else:
            read = self.token_encoder.token_vectors(texts)
        known.update(zip(missing, read))
        self._token_vectors.update(zip(missing, read))
        content, every = asked.content(), asked.vectors
        return np.array([[coverage(content, known[sentence_id]),
                          coverage(every, known[sentence_id])]
                         for sentence_id in sentence_ids], dtype=np.float64).reshape(-1, 2)

    @staticmethod
    def rerank_rows(features: np.ndarray, token_scores: np.ndarray) -> np.ndarray:
        """RERANK_FEATURES rows of the sentences the reranker reads."""
        return np.hstack([features, token_scores])

    def rerank(self, question: str, candidates: list[Candidate],
               asked: TokenVectors | None = None) -> list[Candidate]:
        """The first model's best RERANK_DEPTH candidates scored again by the
        reranker, which reads them word by word; the rest keep their score
        and rank after them (see `ordered`)."""
        top, rest = split_for_reranking(candidates)
        scores = self.token_scores(question, [candidate.sentence_id for candidate in top], asked)
        return self.reranked(top, scores) + rest

    def reranked(self, top: list[Candidate], token_scores: np.ndarray) -> list[Candidate]:
        """`top` with the reranker's probabilities, given their token scores."""
        rows = self.rerank_rows(np.array([candidate.features for candidate in top]),
                                token_scores)
        logits = rows @ self.rerank_weights + self.rerank_bias
        return [replace(candidate, probability=float(sigmoid(logit)), logit=float(logit),
                        token_features=row[len(FEATURES):])
                for candidate, logit, row in zip(top, logits, rows)]

    def score(self, features: np.ndarray) -> np.ndarray:
        """The scorer's probability for each row of candidate features."""
        return sigmoid(features @ self.weights + self.bias)

    # -- question-level models ---------------------------------------------
    def trigger_features(self, question: str, ranked: list[Candidate]) -> np.ndarray:
        """Features of "does the best sentence answer the question?";
        `ranked` as `ordered` gives them."""
        best = ranked[0]
        kind = question_class(question)
        read = [candidate for candidate in ranked if candidate.reranked]
        if read:
            logits = np.array([candidate.logit for candidate in read])
            best_logit = float(logits[0])
            runner_up = float(logits[1]) if len(logits) > 1 else best_logit - MAX_MARGIN
            shares = np.exp(logits - best_logit)
            share = float(1.0 / shares.sum())
            tokens = [float(best.token_features[0]), float(best.token_features[1])]
        else:  # no reranker: the first model's logit, and no token signals
            best_logit = float(best.features @ self.weights + self.bias)
            runner_up = float(ranked[1].features @ self.weights + self.bias) \
                if len(ranked) > 1 else best_logit - MAX_MARGIN
            share, tokens = best.probability, [0.0, 0.0]
        values = [best_logit / 10.0, min(best_logit - runner_up, MAX_MARGIN) / MAX_MARGIN, share]
        values += [float(best.features[FEATURES.index(name)]) for name in BEST_SENTENCE_FEATURES]
        values += tokens
        values += [1.0 if kind == other else 0.0 for other in QUESTION_CLASSES]
        values.append(1.0 if self.numbers_missing(question, best.sentence_id) else 0.0)
        values.append(1.0 if replaces_a_number(question, best.sentence.text) else 0.0)
        return np.array(values, dtype=np.float64)

    def numbers_missing(self, question: str, sentence_id: int) -> list[str]:
        """The numbers of the question (a year, a model number such as
        "S-400") that neither the sentence, its neighbours nor its file's
        title or name holds: a sentence that answers a question about 2019 names
        2019 nearby. On the training data, 7-10% of SQuAD's adversarial
        questions and 0-1.5% of right answers have one."""
        if not missing_numbers(question, ""):
            return []  # most questions name no number: no need to read around
        _, window = self.layout.neighbours(sentence_id)
        text = " ".join(self.data.sentence(index).text for index in window)
        subject, name = self.layout.file_title(sentence_id)
        return missing_numbers(question, f"{text} {subject} {name}")

    def relevance_features(self, question: str, ranked: list[Candidate]) -> np.ndarray:
        """Features of "are the documents about the question at all?".
        `ranked` as `ordered` gives them, with their ids in the index."""
        columns = np.array([candidate.features for candidate in ranked])

        def column(name: str) -> np.ndarray:
            return columns[:, FEATURES.index(name)]

        top_dense = np.sort(column("dense"))[::-1][:3]
        return np.array([column("dense").max(), column("dense_window").max(),
                         column("lexical").max(), column("lexical_window").max(),
                         float(top_dense.mean()), self._document_overlap(question, ranked)],
                        dtype=np.float64)

    def _document_overlap(self, question: str, ranked: list[Candidate]) -> float:
        """The largest share of the question's words (weighted by rarity)
        that one of the best sentences holds with its neighbours and its
        file's title and name: "Which court handles disputes under MPL?"
        asks about the file named "MPL-1.1.txt", though no line of it
        says "MPL"."""
        weights = self._question_weights(question)
        best = 0.0
        for candidate in ranked[:RELEVANCE_DEPTH]:
            _, window = self.layout.neighbours(candidate.sentence_id)
            tokens = set().union(*(self._tokens(neighbour) for neighbour in window),
                                 self.layout.document_tokens(candidate.sentence_id))
            best = max(best, _weighted_share(weights, tokens))
        return best

    def confidence(self, question: str, ranked: list[Candidate]) -> float:
        """Calibrated probability that the best sentence answers the question."""
        if self.trigger_weights is None:
            return ranked[0].probability
        logit = self.trigger_features(question, ranked) @ self.trigger_weights
        return float(sigmoid(logit + self.trigger_bias))

    def relevance(self, question: str, ranked: list[Candidate]) -> float:
        """Calibrated probability that the documents are about the question."""
        if self.relevance_weights is None:
            return ranked[0].probability
        logit = self.relevance_features(question, ranked) @ self.relevance_weights
        return float(sigmoid(logit + self.relevance_bias))

    def decide(self, question: str, candidates: list[Candidate]) -> Decision:
        """Answer, related lines, or "not found"."""
        if not candidates:
            return Decision([], [], 0.0, 0.0)
        ranked = ordered(candidates)
        confidence = self.confidence(question, ranked)
        relevance = self.relevance(question, ranked)
        # A question that asks what a title over a list asks is answered by
        # the list, however its items rank alone (they rarely repeat the
        # title's words).
        block = self._asked_block(question, ranked) \
            if relevance >= self.related_threshold else None
        if block is not None:
            return Decision([block], [], confidence, relevance)
        # An answer needs documents about the question: one sentence standing
        # out among unrelated ones ("France" in an article about Turkey)
        # is no answer to "What is the capital of France?".
        elsewhere, asked_about = self._elsewhere(question, ranked)
        if elsewhere:  # the document asked about comes first among related lines
            ranked = sorted(ranked, key=lambda candidate: candidate.sentence.file not in asked_about)
        # A best sentence that rules the answer out ("Which ferry was not
        # repaired?" of "... repaired the Moorhen ferry") is no answer, however
        # confident the model is; read last, so only for a sentence that
        # would be the answer.
        if confidence < self.threshold or relevance < self.related_threshold \
                or self.names_another_thing(question, ranked[0]) or elsewhere \
                or contradicts(question, ranked[0].sentence.text) is not None:
            # Related lines when the documents are about the question, or
            # when the best sentence would answer it but for that doubt: of
            # a short question ("How many commuters were affected?") against
            # one article, the relevance model may doubt a right answer.
            # Cited as an answer would cite them: a line that announces a
            # list comes with it, a quotation with its speaker.
            shown = relevance >= self.related_threshold or (
                confidence >= self.threshold and relevance >= DOUBTED_ANSWER_RELEVANCE)
            # Two more read, as one may read back over another (`_read_on`).
            related = self._read_on(_distinct(ranked)[:MAX_RELATED + 2])[:MAX_RELATED] \
                if shown else []
            return Decision([], related, confidence, relevance)
        best = ranked[0]
        chosen = [best]
        # A second sentence only when it is nearly as likely and says
        # something else; more citations must each earn their place.
        # So has a less likely runner-up that carries on from the best,
        # right after it ("We are buying a second electric ferry. It should
        # arrive in May."): the two answer together, each unclear alone.
        # And the best that carries on from a runner-up right before it
        # ("... is the Bayeux Tapestry. It was commissioned by Odo.") is
        # cited from that sentence's first line, as one citation.
        read_back_to = None
        if len(ranked) > 1:
            runner_up = ranked[1]
            carried = runner_up.probability >= CARRIED_ON_SHARE * best.probability
            if (runner_up.probability >= 0.9 * best.probability
                    and runner_up.sentence.text != best.sentence.text) or (
                    carried
                    and self.citing.carried_on_by(best.sentence_id) == runner_up.sentence_id):
                chosen.append(runner_up)
            if carried and self.citing.carried_on_by(runner_up.sentence_id) == best.sentence_id:
                read_back_to = runner_up.sentence_id
        return Decision(self._read_on(chosen, question_class(question) == "why", read_back_to),
                        [], confidence, relevance)

    def _asked_block(self, question: str, ranked: list[Candidate]) -> Candidate | None:
        """A whole list, as one citation, when the question asks what the
        title over it says: an FAQ's "### How do I delete my account?" over
        three numbered steps. Each content word of the question is a word of
        the title, so it asks for the list, not for one of its items. The
        list is one that an item of the reranker's candidates is in. (A
        paragraph under such a title stays a sentence: its first usually
        answers, and the rest builds on it.)"""
        asked = set(self._question_weights(question))
        if not asked:
            return None
        for candidate in ranked[:RERANK_DEPTH]:
            title = self.citing.title_above(candidate.sentence_id)
            if title is None or \
                    not asked <= set(tokenize(unmarked(self.data.sentence(title).text))):
                continue
            ids = self.citing.block_after(title)
            if candidate.sentence_id in ids and self.citing.is_list(ids):
                block = spanning([self.data.sentence(sentence_id) for sentence_id in ids])
                return replace(candidate, sentence=replace(block, is_furniture=False))
        return None

    def names_another_thing(self, question: str, best: Candidate) -> bool:
        """Whether the best sentence is about another thing than the one
        asked, by a number of the question it replaces: another model
        number in its place (a line about what was paid for the "F-35"
        answers nothing about the "S-400", however close its words; a
        variant such as "F-35A" is the same thing), or another number of
        the kind asked (a year, or a model number, a variant included)
        where neither the sentence, its neighbours nor its file's title
        says the one asked. Such a sentence is shown as related at most.
        The answer model weighs both as an input too (`numbers_replaced`). On the
        training data this turns 12 answers to unanswerable questions into
        refusals and refuses no right answer; another year in the sentence
        alone would refuse 4 right ones, whose year stands nearby."""
        text = best.sentence.text
        return replaces_a_named_number(question, text) or (
            replaces_a_number(question, text)
            and bool(self.numbers_missing(question, best.sentence_id)))

    def answers_of_another_file(self, question: str, ranked: list[Candidate]) -> bool:
        """Whether the question names the document it asks about (`SentencePool.scope`:
        "Which court handles disputes under CC0?" of cc0-1.0.txt) and the
        best sentence stands in another: MPL's clause on which court hears
        disputes says nothing of CC0's. Such a sentence is shown as related
        at most, as one that names another number in place of the asked
        one is (`names_another_thing`)."""
        return self._elsewhere(question, ranked)[0]

    def _elsewhere(self, question: str, ranked: list[Candidate]) -> tuple[bool, set[str]]:
        """(whether the best sentence stands in another document than the
        one the question names, the files it names). A file that says the
        name itself, if only once, may answer ("the Lesser GPL" in the
        LGPL's text, for "What is the Lesser GPL for?", which names
        gpl-2.0.txt in full)."""
        named = self.files_asked_about(question, ranked)
        if not named:
            return False, named
        best = ranked[0].sentence.file
        words = set().union(*(self.pool.named_words(file) for file in named))
        counts = self.layout.file_word_counts(best)
        return best not in named and not any(counts[word] for word in words), named

    def files_asked_about(self, question: str, ranked: list[Candidate]) -> set[str]:
        """The files of the candidates that the question names in full
        (`SentencePool.files_asked_about`)."""
        return self.pool.files_asked_about(self.data.idf(self._question_weights(question)),
                                           [candidate.sentence_id for candidate in ranked])

    def _read_on(self, chosen: list[Candidate], asks_why: bool = False,
                 read_back_to: int | None = None) -> list[Candidate]:
        """The chosen sentences as an answer cites them (`Citing.as_cited`,
        with the reason after them for a "why" question, and the best read
        back to `read_back_to`, the sentence it carries on from); a
        runner-up that the best reads on to, or back to (its heading), is
        shown once, inside it; and one that reads back over an earlier
        citation (a quote back to its speaker, the sentence before) takes
        that citation's place, so no lines are shown twice."""
        result, shown = [], set()
        for position, candidate in enumerate(chosen):
            if candidate.sentence_id in shown:
                continue
            sentence, rest_ids = self.citing.as_cited(
                candidate.sentence_id, asks_why, read_back_to if position == 0 else None)
            own = candidate.sentence
            if any(_within(own, earlier.sentence) for earlier in result):
                continue
            shown.update(rest_ids)
            cited = replace(candidate, sentence=sentence)
            covered = [index for index, earlier in enumerate(result)
                       if _within(earlier.sentence, sentence)]
            if covered:
                result[covered[0]] = cited
                result = [earlier for index, earlier in enumerate(result)
                          if index not in covered[1:]]
            else:
                result.append(cited)
        return result


def _within(sentence: Sentence, cited: Sentence) -> bool:
    """Whether a citation already shows `sentence`: its lines and its words
    (another sentence of the same line is not shown by it)."""
    return on_one_page(sentence, cited) and \
        cited.line_start <= sentence.line_start and sentence.line_end <= cited.line_end \
        and sentence.text in cited.text


def split_for_reranking(candidates: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """The first model's best RERANK_DEPTH candidates of distinct texts, and
    the others. A text met twice (a copied file, a repeated paragraph) is
    read once: copies would fill the reranker's places and, as runners-up
    equal to the best, make every answer look uncertain."""
    by_first = sorted(candidates, key=lambda candidate: -candidate.probability)
    top, rest, seen = [], [], set()
    for candidate in by_first:
        text = candidate.sentence.text
        if len(top) < RERANK_DEPTH and text not in seen:
            top.append(candidate)
            seen.add(text)
        else:
            rest.append(candidate)
    return top, rest


def ordered(candidates: list[Candidate]) -> list[Candidate]:
    """Best first: the sentences the reranker read, by its probability, then
    the others by the first model's."""
    return sorted(candidates, key=lambda candidate: (not candidate.reranked,
                                                     -candidate.probability))


def _distinct(ranked: list[Candidate]) -> list[Candidate]:
    """Candidates with repeated texts (a header on every page) or lines
    already shown (two sentences on one line read as one citation) dropped."""
    seen, kept = set(), []
    for candidate in ranked:
        sentence = candidate.sentence
        keys = {sentence.text, (sentence.file, sentence.page, sentence.line_start,
                                sentence.line_end)}
        if not keys & seen:
            seen |= keys
            kept.append(candidate)
    return kept


def citation_of(candidate: Candidate) -> Citation:
    return Citation.of(candidate.sentence)


def compose(decision: Decision) -> tuple[str, list[Citation], list[Claim], list[Citation]]:
    """Answer text in which every sentence carries its citation, the claims
    (one per sentence, each supported by the line it quotes), and the
    related lines for an abstention that has them."""
    related = [citation_of(candidate) for candidate in decision.related]
    if not decision.chosen:
        if related:
            labels = " ".join(f"[{citation.label()}]" for citation in related)
            return f"{RELATED_INTRO} {labels}", [], [], related
        return NOT_FOUND, [], [], []
    citations = [citation_of(candidate) for candidate in decision.chosen]
    text = " ".join(f"{citation.text} [{citation.label()}]" for citation in citations)
    claims = [Claim(citation.text, (index,), True) for index, citation in enumerate(citations)]
    return text, citations, claims, []
