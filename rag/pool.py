"""Stage 7a: the sentences the extractive answerer reads, and which words
of the question only say which document it asks about.

The retrieval ranks chunks by the whole question. The answerer reads every
answerable sentence of the best few (`SentencePool.retrieved`) and, where
that ranking is known to miss, more: the chunks of a file the question names
by a rare word, found by the question's other words (`named_files`), and the
sentences that say what a "What is X?" question asks about (`definitions`).
A word that names a file of the pool and that the collection seldom says
("under MPL" of MPL-1.1.txt) tells which document is asked about, not which
of its lines answers (`scope`): every sentence of that file holds it as the
scorer reads words, and the reranker reads the question without it
(`reranker_reads`).

Hands sentence ids, each with the best fused score of a chunk that holds
it, to the answerer's scorer (`answering.py`).
"""

from __future__ import annotations

import math

from .answer_shape import DEFINED_SUBJECT_WORDS, defined_subject, is_the_thing_asked
from .injection import addresses_the_model
from .keyword import fold, tokenize
from .layout import SENTENCES_READ, Layout
from .retrieval import Ranking
from .storage import IndexView

# A word of the question that names a file ("under MPL" of MPL-1.1.txt)
# and stands in fewer than about one chunk in twenty (BM25's idf at least
# this) says which document is asked about, not what its sentence says.
SCOPE_IDF = math.log(20.0)
# ... unless a file it names says it in at least this share of its
# sentences: then the word is the file's subject ("hash" in 43% of the
# sentences of a page on hash maps, "null" in 2 of the 6 of one on the null
# object; "CC0" in 15% of CC0-1.0's, "MPL" in 4% of MPL-1.1's). Reading a
# file's name as its subject costs more than the converse (lines that only
# say the name, a notice template, get picked), so the share is twice CC0's.
SUBJECT_SHARE = 0.3
# Prepositions that tie such a word to the question ("under MPL").
SCOPE_PREPOSITIONS = frozenset("under in of for from by with within about per to at on".split())
# Chunks of a file the question names that join the pool when the keyword
# search finds them by the rest of the question (`named_files`).
SCOPED_CHUNKS = 4
# ... when the word names at most this many files.
NAMED_FILES_MAX = 3
SCOPED_SEARCH_DEPTH = 50
# Sentences that define what a "What is X?" question asks about that join
# the pool (`definitions`).
DEFINITIONS_ADDED = 3
# A file named by what is asked ("fastapi.md" for "What is FastAPI?") says
# what it is where it opens: its first chunks are read for a definition
# (past a title and a row of badges), however the keyword search ranks them.
DEFINITION_OPENING_CHUNKS = 3


class SentencePool:
    """What the answerer reads of an index (see the module's docstring)."""

    def __init__(self, data: IndexView, layout: Layout):
        self.data = data
        self.layout = layout

    def retrieved(self, ranking: Ranking, pool: int) -> dict[int, float]:
        """Answerable sentences of the top `pool` chunks, each with the best
        fused score of a chunk that holds it."""
        best_chunk_score: dict[int, float] = {}
        chunk_ids = [int(chunk_id) for chunk_id in ranking.chunk_ids[:pool]]
        self.data.prefetch(chunk_ids=chunk_ids)
        chunks = [self.data.chunk(chunk_id) for chunk_id in chunk_ids]
        # The pool's sentences and their neighbours, in one go from a remote store.
        self.data.prefetch(sentence_ids=[sentence_id for chunk in chunks for sentence_id in
                                         range(chunk.sentence_start - 1, chunk.sentence_end + 1)])
        for chunk, score in zip(chunks, ranking.fused[:pool]):
            for sentence_id in range(chunk.sentence_start, chunk.sentence_end):
                if self.answerable(sentence_id):
                    best_chunk_score.setdefault(sentence_id, float(score))
        return best_chunk_score

    def scope(self, question_idf: dict[str, float], sentence_ids) -> set[str]:
        """The question's words that name a file of the pool and are rare in
        the collection's text: "Which court handles disputes under MPL?"
        asks about MPL-1.1.txt, whose every line is about the MPL though few
        say "MPL", and the lines that do (its notice template) answer
        nothing. Each sentence of such a file holds the word as the scorer
        reads it, and the reranker reads the question without it, so the
        rest of the question picks the line. A word the collection says
        often ("Normans" in an article of that name) is left to match as
        any word does."""
        rare = {token for token, idf in question_idf.items() if idf >= SCOPE_IDF}
        if not rare:
            return set()
        named: dict[str, set[str]] = {}  # word -> the files of the pool it names
        for sentence_id in sentence_ids:
            for token in rare & self.layout.file_name_tokens(sentence_id):
                named.setdefault(token, set()).add(self.data.sentence(sentence_id).file)
        # A word that a file it names says throughout ("hash" of
        # hash-maps.html) is that file's subject, which its lines say: it
        # matches as any word does ("When should I use a hash map?").
        scope = {token for token, files in named.items()
                 if not any(self.says_throughout(file, token) for file in files)}
        if set(question_idf) - scope:
            return scope
        # A question whose every content word names the file ("What is the
        # debugger?" of debugger.txt) asks about the file's subject itself:
        # the lines that say its name tell its lines apart. Unless its text
        # never says it, but for a title ("What does ucf do?" of ucf.txt,
        # which says "This script ..."): then every line is as much about it.
        return {token for token, files in named.items()
                if not any(self.says(file, token) for file in files)}

    def says(self, file: str, token: str) -> bool:
        """Whether the file's sentences hold the word in more than one: a
        title alone says its words once."""
        return self.layout.file_word_counts(file)[token] > 1

    def says_throughout(self, file: str, token: str) -> bool:
        """Whether the file says the word (`says`) in at least
        SUBJECT_SHARE of its sentences."""
        counts = self.layout.file_word_counts(file)
        return self.says(file, token) and \
            counts[token] >= SUBJECT_SHARE * counts[SENTENCES_READ]

    def named_files(self, question: str, question_idf: dict[str, float],
                          pooled: dict[int, float]) -> dict[int, float]:
        """Sentences of the files the question names by a word rare in the
        collection's text, for up to SCOPED_CHUNKS chunks not pooled yet,
        each at the pool's lowest chunk score: the chunks of those files
        that the keyword search finds by the rest of the question, and the
        opening of a named file that neither it nor the retrieval found.
        The retrieval ranked by the whole question, and a word that names a
        file draws the few lines that say it ("under MPL": the notice
        template), not the one that answers ("What is the Source Code under
        MPL?": the definition, which never says "MPL"), or no line of the
        file at all when its text never says its name ("What does ucf do?"
        of `ucf.txt`, which says "This script ..."): a document says what it
        is about where it opens."""
        # A word that many files' names share ("2019" of monthly reports)
        # names no one document.
        naming_files = {token: files for token, idf in question_idf.items() if idf >= SCOPE_IDF
                        for files in [self.layout.files_named(token)]
                        if 0 < len(files) <= NAMED_FILES_MAX}
        if not naming_files:
            return {}
        pooled_files = {self.data.sentence(sentence_id).file for sentence_id in pooled}
        naming, named = set(), set()
        for token, files in naming_files.items():
            for file in files:
                # A word its file says throughout matches as any word does;
                # a file the retrieval passed over joins only by a word its
                # text never says, but for a title (by which the retrieval
                # could not find it).
                if self.says_throughout(file, token) if file in pooled_files \
                        else self.says(file, token):
                    continue
                naming.add(token)
                named.add(file)
        if not named:
            return {}
        lowest = min(pooled.values())
        found = pooled_files & named
        added: dict[int, float] = {}
        chunks = 0

        def add(chunk) -> None:
            nonlocal chunks
            fresh = [sentence_id for sentence_id in range(chunk.sentence_start, chunk.sentence_end)
                     if sentence_id not in pooled and sentence_id not in added
                     and self.answerable(sentence_id)]
            if fresh:
                added.update(dict.fromkeys(fresh, lowest))
                chunks += 1
                found.add(chunk.file)

        rest = reranker_reads(question, naming)
        # Its content words: a function word the named file says everywhere
        # ("under" of "under MPL") would draw clauses that say it, and the
        # words that frame a question ("What does -h do?") chunks that ask.
        asked = set(question_idf)
        content = " ".join(word for word in rest.split() if set(tokenize(word)) & asked)
        if rest != question:
            for chunk_id in self.data.keyword_search(content or rest, SCOPED_SEARCH_DEPTH):
                if chunks >= SCOPED_CHUNKS:
                    break
                chunk = self.data.chunk(int(chunk_id))
                if chunk.file in named:
                    add(chunk)
        for file in sorted(named - found):
            if chunks >= SCOPED_CHUNKS:
                break
            for chunk_id in self.layout.opening_chunks(file, 1):
                add(self.data.chunk(chunk_id))
        return added

    def definitions(self, question: str, kind: str, asked: set[str],
                          pooled: dict[int, float]) -> dict[int, float]:
        """For "What is X?", up to DEFINITIONS_ADDED sentences that say what
        X is ("HTTPX is a fully featured HTTP client library ...": their
        defined subject's words are the question's, and at most one more),
        among the opening chunks of the files X names and the chunks the
        keyword search ranks first for the question, each at the pool's
        lowest chunk score. The retrieval's cosine ranks
        a short line that mentions X ("Which now allows us to use HTTPX
        directly ...", 0.72) far above the long one that defines it (0.55)."""
        if kind != "what" or not 0 < len(asked) <= DEFINED_SUBJECT_WORDS:
            return {}
        named = set.intersection(*(set(self.layout.files_named(token)) for token in asked))
        opening = [chunk_id for file in sorted(named) if len(named) <= NAMED_FILES_MAX
                   for chunk_id in self.layout.opening_chunks(file, DEFINITION_OPENING_CHUNKS)]
        chunk_ids = opening + [int(chunk_id) for chunk_id in
                               self.data.keyword_search(question, SCOPED_SEARCH_DEPTH)]
        self.data.prefetch(chunk_ids=chunk_ids)
        chunks = [self.data.chunk(chunk_id) for chunk_id in chunk_ids]
        # Their sentences in one go from a remote store, as `retrieved` reads them.
        self.data.prefetch(sentence_ids=[sentence_id for chunk in chunks for sentence_id in
                                         range(chunk.sentence_start, chunk.sentence_end)])
        lowest = min(pooled.values())
        added: dict[int, float] = {}
        for chunk in chunks:
            for sentence_id in range(chunk.sentence_start, chunk.sentence_end):
                if sentence_id in pooled or sentence_id in added:
                    continue
                match = defined_subject(self.data.sentence(sentence_id).text)
                # ... or the description of a term ("copytree(src, dst, ...)"
                # over "Recursively copy a directory tree ...").
                term = self.layout.described_term(sentence_id) if match is None else None
                subject = match.group("subject") if match is not None else term
                # The thing asked, or a kind of it ("A dpkg trigger is a
                # facility ..." for "What is a trigger?").
                if subject and is_the_thing_asked(subject, asked) and self.answerable(sentence_id):
                    added[sentence_id] = lowest
                    if len(added) >= DEFINITIONS_ADDED:
                        return added
        return added

    def answerable(self, sentence_id: int) -> bool:
        """Whether a sentence may be an answer: not page furniture, not an
        order to a model, and not a marked title ("## `pyenv rehash`") or
        the term that heads the sentence under it ("dedent(text)" over
        "Remove any common leading whitespace ..."), which says what the
        lines under it are about, not anything about it: it is read with
        them (`Layout.heading`), never as an answer alone."""
        sentence = self.data.sentence(sentence_id)
        return not sentence.is_furniture and not addresses_the_model(sentence.text) \
            and not self.layout.is_title(sentence_id) \
            and not self.layout.is_table_header(sentence_id) \
            and not self.layout.heads_next(sentence_id)

    def files_asked_about(self, question_idf: dict[str, float], sentence_ids) -> set[str]:
        """The files of the sentences that the question (its words' rarity,
        `question_idf`) names in full, by every word of the name but numbers
        ("cc0" of "cc0-1.0.txt"), each a word of its `scope`. One word of a
        long title ("sichuan" of "2008_Sichuan_earthquake.txt", "relations"
        of "Sino-Tibetan relations during the Ming dynasty") names no
        document: other files speak of it too."""
        sentence_ids = list(sentence_ids)
        scope = self.scope(question_idf, sentence_ids)
        if not scope:
            return set()
        files = {self.data.sentence(sentence_id).file for sentence_id in sentence_ids}
        return {file for file in files if (words := self.named_words(file)) and words <= scope}

    def named_words(self, file: str) -> set[str]:
        """The words of a file's name but numbers."""
        return {token for token in self.layout.name_tokens_of(file)
                if any(char.isalpha() for char in token)}


def _scope_positions(words: list[str], scope: set[str]) -> set[int]:
    """Positions of the words that only say which file: those whose stems
    are in `scope`, each with the preposition right before it ("under MPL",
    "of CC0"), which says nothing about the line either."""
    positions = set()
    for position, word in enumerate(words):
        if set(tokenize(word)) & scope:
            positions.add(position)
            if position and fold(words[position - 1]) in SCOPE_PREPOSITIONS:
                positions.add(position - 1)
    return positions


def scope_tokens(question: str, scope: set[str]) -> set[str]:
    """The stems of the question's words that only say which file (see
    `_scope_positions`): every sentence of that file holds them."""
    words = question.split()
    return set().union(*(set(tokenize(words[position]))
                         for position in _scope_positions(words, scope))) if scope else set()


def reranker_reads(question: str, scope: set[str]) -> str:
    """The question without the words that only say which file (see
    `_scope_positions`); as it is when that would leave no word to match."""
    if not scope:
        return question
    words = question.split()
    dropped = _scope_positions(words, scope)
    read = " ".join(word for position, word in enumerate(words) if position not in dropped)
    return read if tokenize(read) else question
