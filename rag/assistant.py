"""The one object that answers: the CLI, the UI, the evals and the tests all
call `Assistant.ask`.

It loads the embedding model and the index on first use and keeps them for
the life of the process, and reloads the index when a writer has swapped in
a new generation, so a long-running reader never needs a restart.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from .answer_shape import plain_question
from .answering import NOT_FOUND, Candidate, ExtractiveAnswerer, citation_of, compose
from .embedding import Embedder, load_embedder
from .follow_up import compound_parts, read_with
from .encodable import encodable, plain_forms
from .indexer import IndexReport, Notify, build_index, reading_note
from .overview import asks_for_an_overview, overview
from .retrieval import HybridRetriever
from .settings import Settings
from .spelling import corrected
from .storage import IndexView, Store, open_store
from .store import NoIndex, check_compatible
from .table_claims import header_row
from .types import Answer, Citation, Claim, Retrieved

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class QuestionError(ValueError):
    """A question that cannot be asked (empty after cleaning)."""


class SourceChanged(ValueError):
    """A cited file differs from the one indexed: its lines may have moved,
    so they are not shown as cited."""


def clean_question(question: str, max_chars: int, notify: Notify | None = None) -> str:
    """Strip control characters, read fullwidth letters as ASCII and drop
    invisible ones (`plain_forms`), and cut overlong questions, saying so."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    cleaned = " ".join(CONTROL.sub(" ", plain_forms(encodable(question))).split())
    if not cleaned:
        raise QuestionError("the question is empty")
    if len(cleaned) > max_chars:
        if notify:
            notify(f"warning: question is {len(cleaned):,} characters; "
                   f"using the first {max_chars:,}")
        cleaned = cleaned[:max_chars]
    return cleaned


def joined(question: str, answers: tuple[Answer, ...], k: int) -> Answer:
    """One answer to a compound question from its parts' answers: their
    texts in turn (a part not answered, or answered by lines already
    quoted, led by its question, so the reader sees which), their
    citations and claims (a line cited twice, once),
    their related lines, the passages they retrieved (up to `k`), answered
    when any part is, and as sure as its least sure part."""
    citations: list[Citation] = []
    claims: list[Claim] = []
    related: list[Citation] = []
    texts = []
    for answer in answers:
        asked = answer.read_as or answer.question
        if answer.abstained:
            texts.append(f"“{asked}”: {answer.text}")
            related += [citation for citation in answer.related if citation not in related]
            continue
        if all(citation in citations for citation in answer.citations):
            # Answered by lines already quoted: pointed to, not quoted twice.
            labels = " ".join(f"[{citation.label()}]" for citation in answer.citations)
            texts.append(f"“{asked}”: {labels}")
            continue
        texts.append(answer.text)
        index = {}
        for number, citation in enumerate(answer.citations):
            if citation not in citations:
                citations.append(citation)
            index[number] = citations.index(citation)
        claims += [replace(claim, citations=tuple(index[number] for number in claim.citations))
                   for claim in answer.claims]
    retrieved, seen = [], set()
    for item in (item for answer in answers for item in answer.retrieved):
        if item.chunk_id not in seen:
            seen.add(item.chunk_id)
            retrieved.append(item)
    return Answer(
        question=question, text=" ".join(texts), citations=tuple(citations),
        abstained=all(answer.abstained for answer in answers), retrieved=tuple(retrieved[:k]),
        confidence=min(answer.confidence for answer in answers), claims=tuple(claims),
        related=tuple(citation for citation in related if citation not in citations),
        read_as=" ".join(answer.read_as or answer.question for answer in answers),
        parts=tuple(answers))


@dataclass(frozen=True)
class Snapshot:
    """One generation of the index with the retriever and answerer built on
    it. A question uses one snapshot from start to end, so a new generation
    swapped in meanwhile (an upload, `rag index`) cannot mix chunk ids of
    two indexes."""

    data: IndexView
    retriever: HybridRetriever
    answerer: ExtractiveAnswerer


class Assistant:
    def __init__(self, settings: Settings | None = None, notify: Notify | None = None):
        self.settings = settings or Settings.from_env()
        self.notify = notify or (lambda message: None)
        self._embedder: Embedder | None = None
        self._token_encoder: Embedder | None = None
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._store: Store | None = None
        self.warmed_up = False

    # -- loading ---------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model, self.settings.encoder,
                                           self.settings.cache_dir, self.notify)
        return self._embedder

    @property
    def token_encoder(self) -> Embedder:
        """The encoder whose token vectors the reranker reads (`token_encoder.py`)."""
        if self._token_encoder is None:
            from .token_encoder import load_token_encoder

            self._token_encoder = load_token_encoder(self.settings, self.embedder, self.notify)
        return self._token_encoder

    @property
    def store(self) -> Store:
        """Where the index lives (the folder, or Milvus with `settings.store`)."""
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store

    def index(self, paths: list[Path] | None = None, rebuild: bool = False,
              progress_factory=None, add_only: bool = False,
              notify: Notify | None = None, lock_wait: float = 0.0) -> IndexReport:
        """Index `paths` (default: the sample articles); with `add_only`, add
        them to what is indexed (uploads) instead of syncing to them."""
        return build_index(paths, self.settings, rebuild=rebuild, notify=notify or self.notify,
                           progress_factory=progress_factory, embedder=self.embedder,
                           add_only=add_only, lock_wait=lock_wait)

    def ensure_index(self, progress_factory=None) -> IndexReport | None:
        """Index the bundled sample articles when there is no index yet."""
        if self.store.generation() is not None:
            return None
        self.notify(f"no index in {self.store.location}; indexing the bundled "
                    f"sample articles first")
        report = self.index(None, progress_factory=progress_factory)
        self.notify(report.summary())
        return report

    def snapshot(self) -> Snapshot:
        """The live index with its retriever and answerer, reloaded when a
        newer generation was swapped in."""
        with self._lock:
            live = self.store.generation()
            if live is None:
                raise NoIndex(f"no index in {self.store.location}; run: rag index")
            if self._snapshot is None or self._snapshot.data.generation != live:
                # The index first, so one of another model is reported as
                # such before that model is loaded (or found missing).
                data = self.store.open(self.settings.model)
                check_compatible(data.manifest, self.settings.model, Path(self.store.location),
                                 self.embedder.encoder_id)
                note = reading_note(data.manifest, self.settings, self.store.location)
                if note:
                    self.notify(note)
                calibration = self.settings.calibration
                self._snapshot = Snapshot(data, HybridRetriever(data, calibration),
                                          ExtractiveAnswerer(data, calibration,
                                                             self.token_encoder))
            return self._snapshot

    def data(self) -> IndexView:
        """The live index (see `snapshot`)."""
        return self.snapshot().data

    @property
    def retriever(self) -> HybridRetriever:
        return self.snapshot().retriever

    @property
    def answerer(self) -> ExtractiveAnswerer:
        return self.snapshot().answerer

    def warm_up(self) -> None:
        """Load everything a first question may need, so a server's first
        real user does not wait for it: the encoder, index, keyword tables
        and the answer model's word data, by answering one throwaway
        question; then what that question may not reach: WordNet's tables
        (the name, number and opposite checks; a second or more) and the
        parser (the opposite check and the claim checker; about a second),
        loaded before requests are taken, as `syntax._torch_hidden` asks."""
        self.ask("What is this collection about?", mode="extractive")
        from .antonyms import other_names
        from .syntax import swaps_roles

        swaps_roles("Readers read.", "Readers read.")
        other_names("tv")
        self.warmed_up = True

    # -- asking ----------------------------------------------------------
    def _rank(self, snapshot: Snapshot, question: str):
        """The question's vector, the retrieval ranking and, when the answerer
        reranks with the retrieval encoder's token vectors, those of the
        question (from the same run of the model)."""
        if snapshot.answerer.reranks and snapshot.answerer.token_encoder is self.embedder:
            query_vector, asked = self.embedder.encode_query_and_tokens(question)
        else:
            query_vector, asked = self.embedder.encode_query(question), None
        return query_vector, snapshot.retriever.rank(question, query_vector), asked

    def _spelled(self, snapshot: Snapshot, question: str) -> str:
        """The question with its typing mistakes read as the indexed words
        they miss by one letter (`spelling.py`), saying which."""
        fixed, found = corrected(question, snapshot.data.idf)
        if found:
            self.notify("note: read " + ", ".join(f"'{typed}' as '{meant}'"
                                                  for typed, meant in sorted(found.items())))
        return fixed

    def search(self, query: str, k: int | None = None) -> list[Retrieved]:
        query = clean_question(query, self.settings.max_question_chars, self.notify)
        snapshot = self.snapshot()
        query = self._spelled(snapshot, query)
        _, ranking, _ = self._rank(snapshot, query)
        return snapshot.retriever.retrieved(ranking, k or self.settings.top_k)

    def candidates(self, question: str) -> list[Candidate]:
        """Scored answer candidates; what `ask` chooses from (used to fit the scorer)."""
        question = clean_question(question, self.settings.max_question_chars, self.notify)
        snapshot = self.snapshot()
        question = self._spelled(snapshot, question)
        query_vector, ranking, asked = self._rank(snapshot, question)
        question = snapshot.answerer.as_written(question, ranking, self.settings.answer_pool)
        return snapshot.answerer.candidates(question, query_vector, ranking,
                                            self.settings.answer_pool, asked)

    def _previous(self, previous: str | None) -> str | None:
        """The question before, read as a question is; None when there is
        none to read (empty, not text)."""
        if previous is None:
            return None
        try:
            return plain_question(clean_question(previous, self.settings.max_question_chars))
        except QuestionError:
            return None

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            on_text=None, previous: str | None = None, *, split: bool = True) -> Answer:
        """Answer `question`. `mode` is "extractive" or "llm" (default: "llm"
        when an LLM server is configured); with `on_text`, a written answer
        streams its raw text there before it is checked. `previous` is the
        question asked before this one in a chat (as it was read: its
        answer's `read_as` or `question`): a pronoun that points out of this
        question is read as what that one asked about (`follow_up.read_with`),
        and the answer's `read_as` says so. A compound question is answered
        part by part (`joined`), except by an LLM, and its parts are not
        split again (`split`: a 2,000-character question of "... and what
        ..." is two questions, not hundreds); a question about the
        documents themselves, with their opening lines (`overview.py`)."""
        asked = clean_question(question, self.settings.max_question_chars, self.notify)
        snapshot = self.snapshot()
        question = self._spelled(snapshot, asked)
        read_as = question if question != asked else None
        question = plain_question(question)
        if asks_for_an_overview(question):
            text, citations, claims = overview(snapshot.data)
            return Answer(question=asked, text=text, citations=tuple(citations),
                          abstained=not citations, retrieved=(), confidence=float(bool(citations)),
                          claims=tuple(claims), read_as=read_as)
        written = (mode or ("llm" if self.settings.llm_url else "extractive")) == "llm"
        if split and not written:
            parts = compound_parts(question)
            if parts:
                # Each question on its own; an LLM is given the whole, as asked.
                first = self.ask(parts[0], k, mode, previous=previous, split=False)
                second = self.ask(parts[1], k, mode, previous=first.read_as or first.question,
                                  split=False)
                return joined(asked, (first, second), k or self.settings.top_k)
        followed = read_with(question, self._previous(previous))
        if followed != question:
            self.notify(f"note: read as '{followed}', a follow-up to the question before")
            question = read_as = followed
        query_vector, ranking, asked_tokens = self._rank(snapshot, question)
        # Retrieval reads every case alike; the answerer reads names by their capitals.
        question = snapshot.answerer.as_written(question, ranking, self.settings.answer_pool)
        candidates = snapshot.answerer.candidates(question, query_vector, ranking,
                                                  self.settings.answer_pool, asked_tokens)
        decision = snapshot.answerer.decide(question, candidates)
        text, citations, claims, related = compose(decision)
        extractive = Answer(
            question=asked, text=text, citations=tuple(citations), read_as=read_as,
            abstained=not decision.chosen,
            retrieved=tuple(snapshot.retriever.retrieved(ranking, k or self.settings.top_k)),
            confidence=decision.confidence, claims=tuple(claims), related=tuple(related))
        if not written:
            return extractive
        return self._written(extractive, candidates, on_text, snapshot)

    def _written(self, extractive: Answer, candidates: list[Candidate], on_text,
                 snapshot: Snapshot) -> Answer:
        """The LLM's answer, checked claim by claim; the extractive answer
        (with one warning) when the server fails or nothing it says holds."""
        from .claims import ClaimChecker
        from .llm import LLMError, LLMServer, chat
        from .written import assemble, build_messages, pick_candidates, says_not_found

        if not self.settings.llm_url:
            return replace(extractive, warning="no LLM server configured (--llm URL)")
        server = LLMServer(self.settings.llm_url, self.settings.llm_model,
                           self.settings.llm_api_key, self.settings.llm_timeout,
                           max_tokens=self.settings.llm_max_tokens)
        picked = pick_candidates(candidates)
        sources = [citation_of(item) for item in picked]
        # A row of a table says what its numbers are only with its header;
        # every source is checked under its heading, as it is read.
        layout = snapshot.answerer.layout
        headings = [layout.heading_text(item.sentence_id) for item in picked]
        headers = [header_row(item.sentence.text, heading)
                   for heading, item in zip(headings, picked)]
        try:
            reply = chat(server, build_messages(extractive.read_as or extractive.question, sources,
                                                headers), on_text)
        except LLMError as error:
            return self._fallback(extractive, str(error))
        if says_not_found(reply) or not sources:
            return replace(extractive, text=NOT_FOUND, citations=(), claims=(), abstained=True,
                           mode="llm")
        checker = ClaimChecker.in_context(snapshot.data, [item.sentence_id for item in picked],
                                          self.embedder, headings)
        checked = checker.check(reply)
        if not any(claim.supported for claim in checked):
            return self._fallback(extractive, "the LLM's answer has no claim its cited "
                                              "lines support")
        text, citations, claims = assemble(checked, sources, self.settings.drop_unsupported)
        return replace(extractive, text=text, citations=tuple(citations), claims=tuple(claims),
                       abstained=False, mode="llm", related=())

    def _fallback(self, extractive: Answer, reason: str) -> Answer:
        self.notify(f"warning: {reason}; giving the extractive answer")
        return replace(extractive, warning=reason)

    # -- reading sources back ---------------------------------------------
    def source_lines(self, citation, context: int = 0) -> list[tuple[int, str, bool]]:
        """The cited lines as they are on disk now (for HTML and PDF, of the
        text extracted from it), with `context` lines around them:
        (line number, text, whether it is cited). Raises SourceChanged when
        the file is no longer the one that was indexed."""
        from .documents import NotText, content_sha256, text_units
        from .formats import Unreadable
        from .lines import LineTable

        files = self.data().manifest["files"]
        if citation.file not in files:  # only indexed files are ever read back
            return []
        path = Path(files[citation.file].get("path") or self.data().root / citation.file)
        try:
            content = path.read_bytes()
            if content_sha256(content, path.name) != files[citation.file]["sha256"]:
                raise SourceChanged(f"{citation.file} has changed since it was indexed, so the "
                                    f"cited lines may have moved; run: rag index")
            units, _, _ = text_units(content, path.name)
        except (OSError, NotText, Unreadable) as error:
            self.notify(f"warning: cannot read {citation.file} to quote it: {error}")
            return []
        texts = [unit.text for unit in units if unit.page == citation.page]
        if not texts:
            return []
        table = LineTable(texts[0])
        first = max(1, citation.line_start - context)
        last = min(len(table), citation.line_end + context)
        return [(number, table.span_text(number, number),
                 citation.line_start <= number <= citation.line_end)
                for number in range(first, last + 1)]
