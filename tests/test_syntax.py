"""The role check of written claims (rag/syntax.py): the real parser, pinned
by its hash, on sentences written for these tests."""

import json
import shutil
import warnings

import pytest
import spacy.util

from rag import syntax
from rag.claims import ClaimChecker
from rag.types import Citation

from .conftest import verdict

SOLD = "Boeing sold forty aircraft to Qantas in 2019."
INTERVIEW = "Maria Lopez interviewed Jonas Berg for the Gazette in March."
BOUGHT = "GitHub, which Microsoft bought in 2018, hosts millions of projects."
STUDIO = "Sessions at the Harlow studio gave the record its Memphis sound."


def test_the_installed_parser_is_the_pinned_one():
    folder = spacy.util.get_package_path(syntax.PIPELINE) / \
        f"{syntax.PIPELINE}-{syntax.PIPELINE_VERSION}"
    assert syntax.pipeline_sha256(folder) == syntax.PIPELINE_SHA256
    assert syntax.name_roles("Boeing sold aircraft to Qantas.")["boeing"] == \
        frozenset({("actor", "sell")})


@pytest.mark.parametrize("claim,source,swapped", [
    # The parties of a verb exchanged, in either voice.
    ("Qantas sold forty aircraft to Boeing in 2019.", SOLD, True),
    ("Jonas Berg interviewed Maria Lopez for the Gazette.", INTERVIEW, True),
    ("Jonas Berg was interviewed by Maria Lopez.", INTERVIEW, False),
    ("Maria Lopez was interviewed by Jonas Berg.", INTERVIEW, True),
    # A relative clause: "which" stands for GitHub.
    ("GitHub bought Microsoft in 2018.", BOUGHT, True),
    ("Microsoft bought GitHub in 2018.", BOUGHT, False),
    # Faithful: passive for active, coordination in another order, the same words.
    ("Forty aircraft were sold to Qantas by Boeing in 2019.", SOLD, False),
    ("Russia and Turkey signed the treaty.", "Turkey and Russia signed the treaty.", False),
    (SOLD, SOLD, False),
    # Names that describe things, each moved to describe the other's.
    ("Sessions at the Memphis studio gave the record its Harlow sound.", STUDIO, True),
    ("The Vance sketch was drawn for the Okafor house.",
     "The Okafor sketch was drawn for the Vance house.", True),
    ("The record owes its Memphis sound to sessions at the Harlow studio.", STUDIO, False),
])
def test_swapped_roles_are_found_in_either_voice(claim, source, swapped):
    assert syntax.swaps_roles(claim, source) is swapped


def test_the_checker_marks_a_role_swap_and_keeps_the_faithful_claim(embedder):
    """End to end through ClaimChecker with the real embedding model: the
    swap has every name and word of its source, in the same order, turned
    around by a passive whose participle ("bought") a word rule does not
    know, so only the parser's roles stop it."""
    source = Citation("code.txt", 4, 5, "Microsoft bought GitHub in 2018 for $7.5 billion.")
    checker = ClaimChecker([source], embedder, [["Code hosting grew fast that decade."]])
    faithful, swapped = checker.check(
        "In 2018 Microsoft bought GitHub [1]. Microsoft was bought by GitHub in 2018 [1].")
    assert faithful.supported and faithful.sources == [0]
    assert not swapped.supported
    assert verdict(checker, swapped.text) == (0.0, "it swaps who did what")


def test_the_checker_marks_a_name_moved_to_describe_another_thing(embedder):
    """Every name of the source, the words around them in order: before
    names that describe things had that as their role, this passed."""
    source = ("The cover was inspired by the 1962 Olivetti Lettera typewriter designed by Marco "
              "Zanuso, while its typeface came from a Bauer poster.")
    checker = ClaimChecker([Citation("design.txt", 2, 2, source)], embedder, [[]])
    faithful, moved = checker.check(
        "The cover was inspired by the 1962 Olivetti Lettera typewriter designed by Marco "
        "Zanuso [1]. The cover was inspired by the 1962 Bauer typewriter designed by Marco "
        "Zanuso, while its typeface came from an Olivetti Lettera poster [1].")
    assert faithful.supported and not moved.supported
    assert verdict(checker, moved.text) == (0.0, "it swaps who did what")


def test_a_changed_parser_is_refused_and_the_check_left_out_with_a_warning(tmp_path,
                                                                          monkeypatch):
    installed = spacy.util.get_package_path(syntax.PIPELINE)
    copy = tmp_path / syntax.PIPELINE
    shutil.copytree(installed, copy)
    folder = copy / f"{syntax.PIPELINE}-{syntax.PIPELINE_VERSION}"
    (folder / "ner" / "cfg").write_text("{}", encoding="utf-8")  # one byte of the model changed
    assert syntax.pipeline_sha256(folder) != syntax.PIPELINE_SHA256
    monkeypatch.setattr(spacy.util, "get_package_path", lambda name: copy)
    for cached in (syntax._load_parser, syntax.name_roles, syntax._warn_once):
        cached.cache_clear()
    try:
        with pytest.raises(syntax.ParserUnavailable, match="not the parser rag was measured"):
            syntax._parser()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert syntax.swaps_roles("Qantas sold aircraft to Boeing.", SOLD) is False
        assert len(caught) == 1 and "without the role check" in str(caught[0].message)
        # The refusal is kept: the 15 MB model is not hashed again per claim.
        hashed = []
        monkeypatch.setattr(syntax, "pipeline_sha256", lambda folder: hashed.append(folder))
        assert syntax.swaps_roles("Qantas sold aircraft to Boeing in 2019.", SOLD) is False
        assert hashed == []
    finally:
        monkeypatch.undo()
        for cached in (syntax._load_parser, syntax.name_roles, syntax._warn_once):
            cached.cache_clear()
    assert syntax.swaps_roles("Qantas sold forty aircraft to Boeing in 2019.", SOLD)


def test_rag_model_shows_the_parser_it_loaded(capsys):
    from rag.cli import main

    assert main(["model", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["claim_parser"] == \
        f"{syntax.PIPELINE} {syntax.PIPELINE_VERSION} (sha256 {syntax.PIPELINE_SHA256[:12]})"


@pytest.mark.parametrize("claim,source,changed", [
    # A ranking the source does not make.
    ("The Harlow House was the last to use a salt heating system.",
     "The Harlow House was the first to use a salt heating system, in 1948.", True),
    ("Brenton Park is the largest park in the county.",
     "Brenton Park, with 900 acres, is a park in the county.", True),
    # The source ranks too, in its own words; or "last" is the verb.
    ("Brenton Park is the biggest park in the county.",
     "The largest park in the county is Brenton Park.", False),
    ("The repairs will last three years.", "The repairs will take three years.", False),
    # "most" says how many, not which is first.
    ("Most of the tour was paid for by the society.",
     "The society paid for the tour.", False),
])
def test_a_claim_may_not_rank_what_its_source_does_not(claim, source, changed):
    assert syntax.changes_a_superlative(claim, source) is changed


def test_the_checker_marks_an_invented_ranking(embedder):
    """End to end: "the last" for a source's "the first" has every name,
    number and word of the source but one."""
    source = Citation("houses.txt", 3, 3,
                      "The Harlow House was the first to use a salt heating system, in 1948.")
    checker = ClaimChecker([source], embedder, [["Salt heating stores heat in a tank."]])
    faithful, ranked = checker.check(
        "In 1948 the Harlow House became the first to use a salt heating system [1]. "
        "The Harlow House was the last to use a salt heating system [1].")
    assert faithful.supported and faithful.sources == [0]
    assert not ranked.supported
    assert verdict(checker, ranked.text)[1] == \
        "it denies what the cited lines affirm, or ranks what they do not"


@pytest.mark.parametrize("text, name, expected", [
    ("Harbour master Ayse Kaya closed the quay on Monday.", "Ayse Kaya", True),
    ("Ayse Kaya, the harbour master, closed the quay on Monday.", "Ayse Kaya", True),
    ("The quay was closed by the harbour master, Ayse Kaya, on Monday.", "Ayse Kaya", True),
    # A name before a common noun: the noun is what it describes.
    ("The Kaya government closed the quay.", "Ayse Kaya", False),
    # Named, but not said what she is.
    ("Kaya closed the quay on Monday.", "Ayse Kaya", False),
    ("Ayse Kaya closed the quay on Monday.", "Ayse Kaya", False),
    ("Boeing sold forty aircraft to Qantas.", "Qantas", False),
])
def test_a_sentence_says_what_a_named_one_is_beside_the_name(text, name, expected):
    assert syntax.describes_name(text, name) is expected
