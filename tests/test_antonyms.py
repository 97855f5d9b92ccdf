"""Opposite words in written claims (rag/antonyms.py, `syntax.opposes_a_word`):
the real WordNet files, pinned by their hash, and the real parser, on
sentences written for these tests."""

import json
import shutil
import warnings

import pytest

from rag import antonyms, syntax
from rag.claims import ClaimChecker
from rag.types import Citation

from .conftest import verdict

RIDERSHIP = "Bus ridership in Dunmore is the highest in the state."
SALES = "Sales of the Corvale phone rose in 2019 after the price cut."


def test_the_installed_wordnet_is_the_pinned_one():
    assert antonyms.files_sha256(antonyms.data_folder()) == antonyms.WORDNET_SHA256
    assert "low" in antonyms.antonyms("high")
    assert "fall" in antonyms.antonyms("rise")
    # Opposed through a synonym: WordNet opposes "better" and "worsen", and
    # "improve" shares the sense of "better".
    assert "worsen" in antonyms.antonyms("improve")
    assert antonyms.antonyms("corvale") == frozenset()
    # Adjectives opposed through their clusters, not two satellites.
    assert "huge" in antonyms.adjective_opposites("small")
    assert "small" in antonyms.adjective_opposites("huge")
    assert "tiny" not in antonyms.adjective_opposites("huge")


@pytest.mark.parametrize("claim,source,opposed", [
    # One word turned into its opposite, the rest as the source says it.
    ("Bus ridership in Dunmore is the lowest in the state.", RIDERSHIP, "lowest"),
    ("Sales of the Corvale phone fell in 2019.", SALES, "fell"),
    ("After the operation her condition improved.",
     "After the operation her condition worsened.", "improved"),
    ("The Tarn crossing is easy in winter.", "The Tarn crossing is difficult in winter.", "easy"),
    # Faithful: the same word, or a source that says both.
    ("In Dunmore bus ridership is the highest in the state.", RIDERSHIP, None),
    ("Prices fell in autumn.", "Prices rose in spring and fell in autumn.", None),
    # The claim's word is the source's in another form ("peace", "peaceful").
    ("The talks were the only attempt at peace.",
     "The talks were the only peaceful attempt to end the war.", None),
    # Words that say how many are left to the comparison checks.
    ("Dunmore has the most bus lines in the state.",
     "Dunmore has at least forty bus lines, more than any town in the state.", None),
    # An adjective opposed through WordNet's clusters: "huge" is similar to
    # "large", whose antonym is "small"...
    ("The Corvale phone had a huge screen.", "The Corvale phone had a small screen.", "huge"),
    ("The Corvale phone had a small screen.", "The Corvale phone had a huge screen.", "small"),
    # ...as adjectives only: the verb "said" is not the adjective "said"
    # (WordNet's "aforesaid"), whose cluster is opposed to "other".
    ("Mara said the other phone sold well.", "Mara noted the other phone sold well.", None),
])
def test_a_word_turned_into_its_opposite_is_found(claim, source, opposed):
    assert syntax.opposes_a_word(claim, source) == opposed


def test_the_checker_marks_an_opposite_word_and_keeps_the_faithful_claim(embedder):
    """End to end: "lowest" for "highest" keeps every name, number and all
    but one word of its source, so only the opposite words stop it."""
    source = Citation("transit.txt", 7, 8, RIDERSHIP)
    checker = ClaimChecker([source], embedder, [["Dunmore runs forty bus lines."]])
    faithful, opposed = checker.check(
        "Dunmore's bus ridership is the highest in the state [1]. "
        "Bus ridership in Dunmore is the lowest in the state [1].")
    assert faithful.supported and faithful.sources == [0]
    assert not opposed.supported
    assert verdict(checker, opposed.text) == \
        (0.0, "it says 'lowest' where the cited lines say the opposite")


def test_changed_wordnet_files_are_refused_and_the_check_left_out_with_a_warning(
        tmp_path, monkeypatch):
    copy = tmp_path / "dict"
    shutil.copytree(antonyms.data_folder(), copy)
    with open(copy / "data.adj", "a", encoding="utf-8") as data:
        data.write("\n")  # one byte more
    monkeypatch.setattr(antonyms, "data_folder", lambda: copy)
    for cached in (antonyms._load, antonyms.warn_once):
        cached.cache_clear()
    try:
        with pytest.raises(antonyms.WordNetUnavailable, match="not the WordNet rag was measured"):
            antonyms.table()
        # The name check goes on without other names for a name.
        assert antonyms.other_names("tv") == frozenset()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert syntax.opposes_a_word("Sales fell in 2019.", "Sales rose in 2019.") is None
        assert len(caught) == 1 and "without the opposite-word check" in str(caught[0].message)
        # The refusal is kept: 20 MB of files are not hashed again per claim.
        hashed = []
        monkeypatch.setattr(antonyms, "files_sha256", lambda folder: hashed.append(folder))
        assert syntax.opposes_a_word("Sales fell.", "Sales rose.") is None
        assert hashed == []
        # No files at all: the same, with what to do.
        monkeypatch.setattr(antonyms, "data_folder", lambda: None)
        antonyms._load.cache_clear()
        with pytest.raises(antonyms.WordNetUnavailable, match="reinstall rag"):
            antonyms.table()
    finally:
        monkeypatch.undo()
        for cached in (antonyms._load, antonyms.warn_once):
            cached.cache_clear()
    assert syntax.opposes_a_word("Sales fell in 2019.", "Sales rose in 2019.") == "fell"


def test_rag_model_shows_the_wordnet_it_loaded(capsys):
    from rag.cli import main

    assert main(["model", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["antonyms"].startswith("WordNet 3.0, ")
    assert shown["antonyms"].endswith(f"(sha256 {antonyms.WORDNET_SHA256[:12]})")


def test_word_stems_are_the_tokens_tokenize_gives_each_word():
    """The sense table is keyed by the stems the claim checks compare, read
    fast for plain words: the same as `tokenize` word by word."""
    from rag.keyword import tokenize, word_stems

    words = ["running", "the", "a", "mother-in-law", "naïve", "ok", "x", "co-op", "1990s",
             "manufactured", "it's"]
    assert word_stems(words) == {stem for word in words for stem in tokenize(word)}
