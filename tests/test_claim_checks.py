"""The word-level checks of written claims (rag/claim_checks.py), on
sentences written for these tests."""

import pytest

from rag.claim_checks import same_polarity
from rag.claims import ClaimChecker
from rag.types import Citation

SIGNED = ("The actor has signed on for two more films, though his return depends on "
          "whether or not the director stays.")
PAID = "The council has paid the contractor in full, and it will not pay any penalty."


@pytest.mark.parametrize("claim,source,same", [
    # A denial the source does not make, though the source holds a "not"
    # about something else the claim also says.
    ("The actor has not signed on for two more films, though his return depends on "
     "whether or not the director stays.", SIGNED, False),
    ("The council has not paid the contractor, and it will not pay any penalty.", PAID, False),
    # Two denials stacked where the source has one.
    ("The report is not never read.", "The report is never read.", False),
    # The same denials, in other words around them.
    ("The council will not pay a penalty.", PAID, True),
    ("The council paid the contractor in full.", PAID, True),
    ("The museum didn't open on Monday.", "The museum did not open on Monday.", True),
    # A denial of what came before it, with nothing after it.
    ("She asked whether it could be moved, and he said it could not.",
     "She asked whether it could be moved, and he said it could not.", True),
])
def test_denials_are_compared_word_by_word(claim, source, same):
    assert same_polarity(claim, source) is same


def test_the_checker_marks_a_denial_beside_another_denial(embedder):
    """End to end: the claim adds a "not" to a source that already holds
    one about something else; counting denials per text let it through."""
    source = Citation("council.txt", 7, 8, PAID)
    checker = ClaimChecker([source], embedder, [["The works ended in May."]])
    faithful, denied = checker.check(
        "The council paid the contractor in full and will not pay a penalty [1]. "
        "The council has not paid the contractor, and it will not pay any penalty [1].")
    assert faithful.supported and faithful.sources == [0]
    assert not denied.supported
    vector = embedder.encode_documents([denied.text])[0]
    assert checker.verdict(denied.text, vector, [0])[1] == \
        "it denies what the cited lines affirm, or the other way round"
