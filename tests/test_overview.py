"""Questions about the documents themselves are answered with the line each
file opens with, cited, not with "not found"."""

import pytest

from rag.overview import OVERVIEW_FILES, asks_for_an_overview

from .conftest import make_assistant


@pytest.mark.parametrize("question, asks", [
    ("What are these documents about?", True),
    ("what is this collection about", True),
    ("What's in my files?", True),
    ("What documents do you have?", True),
    ("Summarize the articles.", True),
    ("What can I ask you about?", True),
    # Questions about what the documents say are no overview.
    ("What are these documents saying about Idlib?", False),
    ("What is the S-400 about?", False),
    ("Which documents mention Idlib?", False),
])
def test_a_question_about_the_documents_is_told_apart(question, asks):
    assert asks_for_an_overview(question) is asks


def test_the_sample_articles_are_described_by_their_opening_lines(assistant):
    answer = assistant.ask("Can you tell me what these documents are about?")
    assert not answer.abstained
    assert answer.text.startswith("The index holds 5 files; they open with: ")
    assert [citation.file for citation in answer.citations] == [
        "000_e55826f93595c402.txt", "001_b4f6f2b0e5c1da68.txt", "002_b19f080dd75360e9.txt",
        "003_7a2e542821ed9fae.txt", "004_333ae619c2337046.txt"]
    first = answer.citations[0]
    assert (first.line_start, first.line_end) == (1, 1)
    assert first.text.startswith("Erdogan And Putin Pledge Closer Military Ties In Moscow")
    # The file that opens with a header in Persian and a web address is
    # cited at its first line that is not page furniture.
    second = answer.citations[1]
    assert second.line_start > 1 and "afgazad" not in second.text
    assert [claim.citations for claim in answer.claims] == [(0,), (1,), (2,), (3,), (4,)]


def test_a_large_collection_is_described_by_its_first_files_and_counted(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(OVERVIEW_FILES + 2):
        (corpus / f"report-{number:02d}.md").write_text(
            f"# Harbour report {number}\n\nThe ferry ran {number} times this week.\n",
            encoding="utf-8")
    assistant = make_assistant(tmp_path / "index")
    assistant.index([corpus])
    answer = assistant.ask("What are these files about?")
    assert answer.text.startswith(f"The index holds {OVERVIEW_FILES + 2} files; the first "
                                  f"{OVERVIEW_FILES} by name open with: ")
    assert len(answer.citations) == OVERVIEW_FILES
    assert answer.citations[-1].file == f"report-{OVERVIEW_FILES - 1:02d}.md"
    assert answer.citations[0].text == "# Harbour report 0"
