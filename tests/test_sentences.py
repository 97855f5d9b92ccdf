"""Sentences keep their lines: the cited lines, read back from disk, hold the
sentence, and no fewer lines would."""

import re

import pytest
from hypothesis import given, settings, strategies as st

from rag.documents import decode_bytes
from rag.lines import LineTable
from rag.sentences import split_sentences

from .conftest import SAMPLE_FILES

PDF_EXPORT = "001_b4f6f2b0e5c1da68.txt"


def squash(text: str) -> str:
    """Text without any whitespace: what must survive reflowing unchanged."""
    return re.sub(r"\s+", "", text)


def lines_from_disk(path, line_start, line_end) -> str:
    text = decode_bytes(path.read_bytes()).text
    return LineTable(text).span_text(line_start, line_end)


def sentences_by_text(sentences) -> dict:
    return {sentence.text: sentence for sentence in sentences}


def assert_lines_hold(text: str, sentence) -> None:
    table = LineTable(text)
    held = squash(table.span_text(sentence.line_start, sentence.line_end))
    assert squash(sentence.text) in held, sentence
    # Tight: dropping the first or the last cited line loses part of it.
    if sentence.line_end > sentence.line_start:
        assert squash(sentence.text) not in squash(
            table.span_text(sentence.line_start + 1, sentence.line_end))
        assert squash(sentence.text) not in squash(
            table.span_text(sentence.line_start, sentence.line_end - 1))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_every_sentence_of_the_sample_files_maps_to_its_lines(path):
    text = decode_bytes(path.read_bytes()).text
    sentences = split_sentences(text, path.name)
    assert len(sentences) > 10
    for sentence in sentences:
        assert_lines_hold(text, sentence)
        assert text[sentence.char_start:sentence.char_end].strip()
        assert squash(text[sentence.char_start:sentence.char_end]) == squash(sentence.text)


def by_words(sentences, words):
    return [sentence for sentence in sentences if words in sentence.text]


def test_wrapped_sentence_with_blank_lines_and_hyphenated_break():
    path = next(path for path in SAMPLE_FILES if path.name == PDF_EXPORT)
    sentences = split_sentences(path.read_text(encoding="utf-8"), path.name)
    # "S-" ends line 122 and "400" starts line 124, with a blank line between.
    [murted] = by_words(sentences, "Murted Airbase")
    assert "a second batch of S-400 air defence systems" in murted.text
    assert (murted.line_start, murted.line_end) == (122, 124)
    [su30] = by_words(sentences, "Su-30SM")
    assert (su30.line_start, su30.line_end) == (159, 161)
    # "fifth-" / "generation" keeps its hyphen: the word is hyphenated anyway.
    assert by_words(sentences, "Su-57 fifth-generation jet fighter")
    assert "the F-35" in by_words(sentences, "a competitor of the F-35")[0].text


def test_headline_without_full_stop_is_its_own_sentence():
    path = next(path for path in SAMPLE_FILES if path.name == PDF_EXPORT)
    sentences = split_sentences(path.read_text(encoding="utf-8"), path.name)
    [headline] = by_words(sentences, "intensify military cooperation")
    assert headline.text == "Russia and Turkey intensify military cooperation over US objections"
    assert (headline.line_start, headline.line_end) == (26, 28)


def test_page_furniture_is_marked_and_prose_is_not():
    path = next(path for path in SAMPLE_FILES if path.name == PDF_EXPORT)
    sentences = split_sentences(path.read_text(encoding="utf-8"), path.name)
    furniture = [sentence for sentence in sentences if sentence.is_furniture]
    furniture_text = " ".join(sentence.text for sentence in furniture)
    for marker in ("afgazad@gmail.com", "www.afgazad.com", "آزاد", "05.09.2019"):
        assert marker in furniture_text
    prose = [sentence for sentence in sentences if not sentence.is_furniture]
    assert all("afgazad" not in sentence.text for sentence in prose)
    assert all(sentence.line_start > 18 for sentence in prose)
    assert len(prose) > 50


def test_a_title_in_capitals_runs_into_no_sentence():
    """A manual page's section titles stand right over their text: "NAME"
    over the name in lower case, "OPTIONS" over an option. Neither is the
    opening of the sentence under it; a dash-joined decoration ("AA-AA")
    and a heading of more than four words are no such title."""
    text = ("NAME\n       sorter - put lines in order\n\nOPTIONS\n       -k, --key=FIELD\n"
            "              order the lines by the field given\n\nSEE ALSO\n       uniq(1)\n")
    sentences = split_sentences(text, "sorter.txt")
    assert [(s.line_start, s.line_end, s.text) for s in sentences] == [
        (1, 1, "NAME"), (2, 2, "sorter - put lines in order"), (4, 4, "OPTIONS"),
        (5, 6, "-k, --key=FIELD order the lines by the field given"), (8, 8, "SEE ALSO"),
        (9, 9, "uniq(1)")]
    assert [s.text for s in split_sentences("AA-AA\nof the page\n", "a.txt")] == \
        ["AA-AA of the page"]


def test_a_paragraph_opening_in_lower_case_under_a_title_is_no_run_on():
    """A package's description: its title, a blank line, and paragraphs of
    several lines that open with the tool's name in lower case. Blank lines
    part them, as they do wherever most lines have none after them (text
    with a blank line after every line, as PDFs give, reads on across them)."""
    text = ("Framework for managing privileges\n\npolkit is a toolkit for defining the policy\n"
            "that lets unprivileged processes speak to privileged ones.\nIt was once named "
            "PolicyKit.\n\nmost desktops use it\nto mount disks.\n")
    assert [(s.line_start, s.text) for s in split_sentences(text, "polkitd.txt")] == [
        (1, "Framework for managing privileges"),
        (3, "polkit is a toolkit for defining the policy that lets unprivileged processes "
            "speak to privileged ones."),
        (5, "It was once named PolicyKit."), (7, "most desktops use it to mount disks.")]
    every_line = "a wrapped line of prose\n\nthat runs on and on\n\nacross blank lines.\n"
    assert [s.text for s in split_sentences(every_line, "export.txt")] == [
        "a wrapped line of prose that runs on and on across blank lines."]


def test_one_blank_line_inside_a_sentence_does_not_make_a_short_text_run_on():
    """A release note: a header line, a blank line, a paragraph that opens
    with a command's name in lower case, an example set apart by blank
    lines. Most lines have a blank line after them, but only the header's
    is followed by lower case, and one such break is not enough to read the
    text as one that runs its sentences on across blank lines; a line
    that ends in a colon introduces what follows, and a rule ends a title."""
    text = ("frobnicate (1.2-3) unstable; urgency=low\n\nfrobnicate now reads $EDITOR\n"
            "before it opens a file.\n\nFor example:\n\nEDITOR=vi frobnicate a.txt\n\n"
            " -- Ann Lee <ann@example.org>  Mon, 25 Oct 2010 10:23:18 +0200\n")
    assert [(s.line_start, s.line_end, s.text) for s in split_sentences(text, "NEWS")] == [
        (1, 1, "frobnicate (1.2-3) unstable; urgency=low"),
        (3, 4, "frobnicate now reads $EDITOR before it opens a file."),
        (6, 6, "For example:"), (8, 8, "EDITOR=vi frobnicate a.txt"),
        (10, 10, "-- Ann Lee <ann@example.org> Mon, 25 Oct 2010 10:23:18 +0200")]
    code = ("The pass statement\n******************\n\npass does nothing. It\nis a "
            "placeholder, for example:\n\n   def f(arg): pass\n\n   class C: pass\n")
    assert [s.text for s in split_sentences(code, "pass.txt")] == [
        "The pass statement", "******************", "pass does nothing.",
        "It is a placeholder, for example:", "def f(arg): pass", "class C: pass"]


def test_each_row_of_a_table_is_a_sentence_of_its_own():
    """A table's rows (cells joined by " | ", as HTML and Word tables are
    extracted, or a Markdown table) are never run together, and a row of a
    name and a number is content, not furniture; a Markdown rule row is."""
    text = "| Ferry | Seats |\n|---|---|\n| Tern | 120 |\n| Moorhen | 400 |\nAll stop at the pier.\n"
    sentences = split_sentences(text, "ferries.md")
    assert [(s.line_start, s.line_end, s.text, s.is_furniture) for s in sentences] == [
        (1, 1, "| Ferry | Seats |", False), (2, 2, "|---|---|", True),
        (3, 3, "| Tern | 120 |", False), (4, 4, "| Moorhen | 400 |", False),
        (5, 5, "All stop at the pier.", False)]


def test_table_rows_that_differ_only_in_their_numbers_are_content():
    """A line repeated with other numbers is a running header ("Page 2 of
    9"), but table rows share their shape as a rule: "| 2019 | 52 |" is
    data. They were all page furniture, so no row of a price list answered."""
    text = ("Harbour report | page 1 of 2\n\nFerry numbers rose.\n\n| Year | Ferries |\n"
            "|---|---|\n| 2018 | 45 |\n| 2019 | 52 |\n2020\t61\n2021\t66\n\n"
            "Harbour report | page 2 of 2\n")
    furniture = {s.text: s.is_furniture for s in split_sentences(text, "report.md")}
    assert not any(furniture[row] for row in ("| 2018 | 45 |", "| 2019 | 52 |",
                                               "2020 61", "2021 66"))
    # A running header with a bar in it stands alone: it is no row.
    assert furniture["Harbour report | page 1 of 2"] and furniture["Harbour report | page 2 of 2"]


def test_a_table_of_contents_entry_is_furniture_and_its_section_title_is_not():
    """A plain-text FAQ lists its numbered questions before it answers
    them, word for word ("2.1<TAB>Why does the ferry stop at Kell?"). The
    tab read as a column break made both lines content, and the listing,
    with no answer after it, was cited for its question; with spaces instead
    of the tab both were furniture, the section's own title too. Now the
    listing is furniture and the title that opens its section is not."""
    contents = ("Ferry questions\n\nContents:\n\n"
                "1.1\tHow much is a day ticket?\n2.1\tWhy does the ferry stop at Kell?\n\n")
    sections = ("1.1\tHow much is a day ticket?\n\n\tA day ticket costs nine pounds.\n\n"
                "2.1\tWhy does the ferry stop at Kell?\n\n\tThe mail is landed there.\n")
    for text in (contents + sections, (contents + sections).replace("1\t", "1  "),
                 (contents + sections).replace("1\t", "1.  ")):
        sentences = split_sentences(text, "FAQ")
        titles = [(s.line_start, s.is_furniture) for s in sentences
                  if s.text.endswith("Why does the ferry stop at Kell?")]
        assert titles == [(6, True), (12, False)]
        assert not any(s.is_furniture for s in sentences if s.line_start in (10, 14))
    # Written once, a numbered title is what it was; a line of code that
    # opens with a number ("2 | let x = 6;", a compiler's message) is no title.
    once = split_sentences("1.1\tHow much is a day ticket?\n\n\tNine pounds a day.\n", "FAQ")
    assert not once[0].is_furniture
    code = split_sentences("2 | let x = 6;\n\nthen\n\n2 | let x = 6;\n", "errors.txt")
    assert [s.is_furniture for s in code if s.text.startswith("2 |")] == [True, True]
    # A step said in two procedures is a sentence, no listed title.
    steps = split_sentences("Ferry:\n1.\tTurn the engine off now.\n\nBarge:\n"
                            "1.\tTurn the engine off now.\n", "steps.txt")
    assert not any(s.is_furniture for s in steps if s.text.endswith("engine off now."))


def test_a_markdown_code_fence_is_a_line_of_its_own():
    """A code fence ("```", "```sh", MyST's "```{note}") runs into neither
    the code nor the prose around it, and is furniture: before, the note's
    sentence was "```{note} Pinning means ... ```" and the install command
    ran on with its fences."""
    text = ("Install the tools:\n\n```sh\n$ pip install ferry-tools\n```\n\n"
            "```{note}\nPinning means naming one exact version.\n```\n")
    sentences = split_sentences(text, "README.md")
    assert [(s.line_start, s.line_end, s.text, s.is_furniture) for s in sentences] == [
        (1, 1, "Install the tools:", False), (3, 3, "```sh", True),
        (4, 4, "$ pip install ferry-tools", False), (5, 5, "```", True),
        (7, 7, "```{note}", True), (8, 8, "Pinning means naming one exact version.", False),
        (9, 9, "```", True)]


def test_a_markdown_titles_number_stays_with_its_title():
    """A numbered title ("## 2. Preparing your program", as a web page's
    numbered headings are extracted) is one sentence: its number had been
    cut off as an item's mark, leaving the title's words unmarked, read as
    a term over every sentence of the section and cited with each."""
    text = "## 2. Preparing the boat\n\nCheck the hull. Fit the rudder last.\n\n### 2.1. Sails\n"
    sentences = split_sentences(text, "guide.md")
    assert [(s.line_start, s.text) for s in sentences] == [
        (1, "## 2. Preparing the boat"), (3, "Check the hull."), (3, "Fit the rudder last."),
        (5, "### 2.1. Sails")]


def test_each_row_of_tab_aligned_columns_is_a_sentence_of_its_own():
    """Columns aligned with tabs (a plain-text table, a tab-separated file)
    are rows as a table's are, content however few their words; a wrapped
    line of the last column, indented and in lower case, runs on with its
    row. Without this the rows ran together, eight lines cited for one tool."""
    text = ("The tools:\n\n"
            "tide-show\tPrint the tide table for a harbour\n"
            "tide-warn\t\tWarn when the water rises above a mark that\n"
            "\t\tthe harbour master sets\n"
            "Dover\t06:10\n"
            "Boats leave\ton the hour.\n")
    sentences = split_sentences(text, "TOOLS")
    assert [(s.line_start, s.line_end, s.text, s.is_furniture) for s in sentences] == [
        (1, 1, "The tools:", False),
        (3, 3, "tide-show Print the tide table for a harbour", False),
        (4, 5, "tide-warn Warn when the water rises above a mark that the harbour master "
               "sets", False),
        (6, 6, "Dover 06:10", False),
        (7, 7, "Boats leave on the hour.", False)]
    for sentence in sentences:
        assert_lines_hold(text, sentence)


def test_list_items_are_sentences_of_their_own_and_run_on_when_wrapped():
    """A numbered or bulleted item wrapped at the text's width is one
    sentence over its lines (before, its first line was cut off as a
    sentence: "You may lend the boat to a member of another club or");
    lettered and Roman-numbered items are sentences of their own too (before,
    "b." read as an initial, so a list of them ran together as one long
    sentence, cited by all its lines). An item's mark is cut off as a
    sentence of its own, page furniture, never an answer; short items that
    end no sentence are lines of their own."""
    text = ("Rules of the rowing club, as agreed at the meeting of members.\n"
            "\n"
            "3. You may lend the club's boats to a member of another club or\n"
            "to a school, provided that you book the slipway a week ahead.\n"
            "4. You may not take a boat out after dark. Lights are\n"
            "not fitted to any of the club's boats, old or new.\n"
            "\n"
            "Kept in the boathouse:\n"
            "- oars\n"
            "- life jackets\n"
            "Keys hang by the door.\n"
            "\n"
            " a. Members pay the fee by the first of March each year, in cash or\n"
            "    by cheque.\n"
            " b. Guests pay nothing.\n"
            " ii. the right to vote at meetings;\n"
            " iii. the right to a locker.\n")
    sentences = split_sentences(text, "club.txt")
    for sentence in sentences:
        assert_lines_hold(text, sentence)
    marks = {"3.", "4.", "a.", "b.", "ii.", "iii."}
    assert all(s.is_furniture for s in sentences if s.text in marks)
    assert not any(s.is_furniture for s in sentences if s.text not in marks | {"- oars"})
    spans = [(s.line_start, s.line_end, s.text) for s in sentences if s.text not in marks]
    assert spans == [
        (1, 1, "Rules of the rowing club, as agreed at the meeting of members."),
        (3, 4, "You may lend the club's boats to a member of another club or to a "
               "school, provided that you book the slipway a week ahead."),
        (5, 5, "You may not take a boat out after dark."),
        (5, 6, "Lights are not fitted to any of the club's boats, old or new."),
        (8, 8, "Kept in the boathouse:"), (9, 9, "- oars"), (10, 10, "- life jackets"),
        (11, 11, "Keys hang by the door."),
        (13, 14, "Members pay the fee by the first of March each year, in cash or by cheque."),
        (15, 15, "Guests pay nothing."), (16, 16, "the right to vote at meetings;"),
        (17, 17, "the right to a locker.")]


def test_a_title_underlined_with_a_rule_is_a_sentence_apart_from_its_rule():
    """reStructuredText and Markdown underline titles ("Moorings" over
    "--------"); before, the two ran together as one sentence. The rule is
    furniture; a line of two dashes or a dash that opens a word is no rule."""
    text = ("Moorings\n"
            "--------\n"
            "\n"
            "Boats tie up at the east pier.\n"
            "* * *\n"
            "Fees\n"
            "====\n"
            "A night costs -- in summer -- ten pounds.\n")
    sentences = split_sentences(text, "harbour.rst")
    for sentence in sentences:
        assert_lines_hold(text, sentence)
    assert [(s.line_start, s.text, s.is_furniture) for s in sentences] == [
        (1, "Moorings", True), (2, "--------", True),
        (4, "Boats tie up at the east pier.", False), (5, "* * *", True),
        (6, "Fees", True), (7, "====", True),
        (8, "A night costs -- in summer -- ten pounds.", False)]


NOTE_WITH_FRONT_MATTER = """---
title: Boathouse meeting
tags:
  - rowing
attendees: Ines, Marek, Juno
---

The club voted to buy a second
coxless four before the summer.
"""


def test_each_field_of_a_notes_front_matter_is_a_sentence_of_its_own():
    """The fields between a note's opening "---" and its closing one are
    not a wrapped sentence; the prose after them still wraps."""
    spans = {sentence.text: (sentence.line_start, sentence.line_end)
             for sentence in split_sentences(NOTE_WITH_FRONT_MATTER, "note.md")}
    assert spans["title: Boathouse meeting"] == (2, 2)
    assert spans["attendees: Ines, Marek, Juno"] == (5, 5)
    assert spans["The club voted to buy a second coxless four before the summer."] == (8, 9)
    # Between two rules, a paragraph that is not all fields wraps as prose.
    text = "---\nThe club voted to buy a second\ncoxless four before the summer.\n---\n"
    assert [sentence.text for sentence in split_sentences(text, "a.md")
            if not sentence.is_furniture] == [
        "The club voted to buy a second coxless four before the summer."]


def test_a_markdown_title_runs_into_no_sentence():
    """A title's line ("## How do I assemble it?", as Markdown writes one
    and the HTML and Word extractors mark one) ran into the sentence above
    it when that sentence ended on the line before."""
    text = "The kit has a base and a shade.\n## How do I assemble it?\nScrew the holder on.\n"
    assert [s.text for s in split_sentences(text, "kit.md")] == [
        "The kit has a base and a shade.", "## How do I assemble it?", "Screw the holder on."]
    # A hashtag is no title.
    assert len(split_sentences("We tagged it\n#harbour in the post.\n", "a.md")) == 1


def test_a_table_of_contents_is_furniture_and_a_link_in_prose_is_not():
    """A Markdown table of contents (links to places in the page, one per
    line) says nothing to answer from; before, "* [Quick rinse](#quick-rinse)"
    was the answer to "What does quick rinse do?"."""
    text = ("# Washer\n\n* [Quick rinse](#quick-rinse)\n1. [Eco](#eco)\n"
            "* [Care of the drum](care.md)\n\n"
            "See [Quick rinse](#quick-rinse) for a short wash.\n")
    sentences = split_sentences(text, "washer.md")
    flags = {s.text: s.is_furniture for s in sentences}
    assert flags["* [Quick rinse](#quick-rinse)"] and flags["[Eco](#eco)"]
    assert not flags["* [Care of the drum](care.md)"]  # another file's page: a reference
    assert not flags["See [Quick rinse](#quick-rinse) for a short wash."]


def test_one_long_line_carries_many_sentences_each_cited_to_it():
    path = next(path for path in SAMPLE_FILES if path.name.startswith("002_"))
    sentences = split_sentences(path.read_text(encoding="utf-8"), path.name)
    on_line_17 = [sentence for sentence in sentences if sentence.line_start == 17]
    assert len(on_line_17) >= 5
    assert all(sentence.line_end == 17 for sentence in on_line_17)


def test_abbreviations_and_decimals_do_not_end_sentences():
    text = ("The U.S. officials met on Aug. 27, 2019 in Moscow. Dr. Smith paid $2.5 billion "
            "for it. Then J. R. Doe left.\n")
    sentences = split_sentences(text, "a.txt")
    assert [sentence.text for sentence in sentences] == [
        "The U.S. officials met on Aug. 27, 2019 in Moscow.",
        "Dr. Smith paid $2.5 billion for it.",
        "Then J. R. Doe left.",
    ]


def test_crlf_and_cr_files_give_editor_line_numbers():
    text = "Title line\r\n\r\nFirst sentence here. Second one\r\nwraps here.\rThird is alone.\r"
    sentences = split_sentences(text, "a.txt")
    spans = {sentence.text: (sentence.line_start, sentence.line_end) for sentence in sentences}
    assert spans == {"Title line": (1, 1), "First sentence here.": (3, 3),
                     "Second one wraps here.": (3, 4), "Third is alone.": (5, 5)}


def test_very_long_line_without_punctuation_is_cut_into_bounded_sentences():
    text = " ".join(["word"] * 5000)
    sentences = split_sentences(text, "a.txt")
    assert len(sentences) > 4
    assert all(len(sentence.text) <= 1000 for sentence in sentences)
    assert all(sentence.line_start == sentence.line_end == 1 for sentence in sentences)


LINE_PIECES = st.sampled_from(["", " ", "Hello world.", "A quick fox", "runs-", "away. And",
                               "“Quoted?” he said.", "U.S. forces", "1,000 km", "  ",
                               "\t", "Ünïcödé text…", "S-", "400 missiles."])
BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(LINE_PIECES, BREAKS), min_size=1, max_size=30))
def test_property_sentence_lines_read_back_contain_the_sentence(parts):
    text = "".join(piece + line_break for piece, line_break in parts)
    for sentence in split_sentences(text, "p.txt"):
        assert_lines_hold(text, sentence)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_property_any_text_maps_back(text):
    for sentence in split_sentences(text, "p.txt"):
        table = LineTable(text)
        assert 1 <= sentence.line_start <= sentence.line_end <= len(table)
        # A margin ("|" of pydoc, ">" of a quotation) is left out of a sentence.
        assert unmargined(sentence.text) in unmargined(
            table.span_text(sentence.line_start, sentence.line_end))


def unmargined(text: str) -> str:
    """`squash`ed text without the marks of a margin."""
    return squash(re.sub(r"[|>]", "", text))


def test_a_margin_of_one_bar_is_no_table_cell():
    """pydoc writes a class's members behind a "|" margin; the margin ran
    into the sentence ("... will be | sorted by key"), which read as a row
    of a table. A Markdown table's rows, with two bars or more, stay rows."""
    text = ("class Encoder(builtins.object)\n"
            "     |  Encoder(*, sort_keys=False)\n"
            "     |  \n"
            "     |  If sort_keys is true, then the output of dictionaries will be\n"
            "     |  sorted by key.\n"
            "\n"
            "| Ferry | Seats |\n"
            "| --- | --- |\n"
            "| Moorhen | 400 |\n")
    sentences = split_sentences(text, "encoder.txt")
    by_text = sentences_by_text(sentences)
    sorted_by_key = by_text["If sort_keys is true, then the output of dictionaries will be "
                            "sorted by key."]
    assert (sorted_by_key.line_start, sorted_by_key.line_end) == (4, 5)
    assert all("|" not in sentence.text for sentence in sentences if sentence.line_start < 7)
    assert "| Moorhen | 400 |" in by_text


def test_a_signature_is_a_line_of_its_own():
    """A function's signature as pydoc writes one over what it does ran
    into its description when it was long ("copytree(src, dst, ...)
    Recursively copy ..."), so the description was no sentence of its own."""
    text = ("Functions of the ferry module, listed with the arguments they take:\n"
            "\n"
            "    moor(ferry, pier, ropes=2, fenders=4, spring_lines=True, tide=None, crew=None)\n"
            "        Tie the ferry up at the pier with the given ropes and fenders.\n")
    texts = [sentence.text for sentence in split_sentences(text, "ferry.txt")]
    assert "Tie the ferry up at the pier with the given ropes and fenders." in texts


def test_quotation_marks_are_no_part_of_the_quoted_sentences():
    """An e-mail's quoted text and a Markdown blockquote ran their ">"
    marks into the sentence ("The totals > in the second column ..."), a
    quoted blank line ran two paragraphs together, and the line that
    introduces the quotation ran into it. Each quoted sentence keeps its
    lines; a ">" that continues a wrapped line of unquoted text ("(size" /
    "> 32 bits)"), a Python prompt and a key in a table of keys stay."""
    text = ("Thanks, I will send the revised figures on Thursday.\n"
            "\n"
            "On Mon, 3 Mar 2025, Omar Haddad wrote:\n"
            "> Could you check the revenue table before Friday? The totals\n"
            "> in the second column do not add up to the figure in the\n"
            "> summary.\n"
            ">\n"
            "> > Also, the board meeting moved to the 14th.\n"
            "\n"
            "The test writes a large file (size\n"
            "> 32 bits) and seeks within it.\n"
            "\n"
            ">>> import os\n"
            "\n"
            "\t<\tScroll left\n"
            "\t>\tScroll right\n")
    sentences = split_sentences(text, "reply.txt")
    by_text = sentences_by_text(sentences)
    expected = {
        "On Mon, 3 Mar 2025, Omar Haddad wrote:": (3, 3),
        "Could you check the revenue table before Friday?": (4, 4),
        "The totals in the second column do not add up to the figure in the summary.": (4, 6),
        "Also, the board meeting moved to the 14th.": (8, 8),
        "The test writes a large file (size > 32 bits) and seeks within it.": (10, 11),
        ">>> import os": (13, 13),
    }
    table = LineTable(text)
    for sentence_text, lines in expected.items():
        assert (by_text[sentence_text].line_start, by_text[sentence_text].line_end) == lines
        assert unmargined(sentence_text) in unmargined(table.span_text(*lines))
    assert any(sentence.text.startswith(">") and "Scroll right" in sentence.text
               for sentence in sentences)


def test_a_word_broken_over_two_lines_of_extracted_text_is_one_word_again():
    """A PDF's justified text breaks words with a hyphen ("govern-" /
    "ment"), which the model and the keyword search read as two pieces.
    In extracted text such a word is joined again when English uses it
    whole; a compound broken at its own hyphen ("fifth-" / "generation"),
    a model number ("S-" / "400") and a file's own text keep the hyphen."""
    text = ("The new govern-\nment raised the budget for the fifth-\ngeneration fighter "
            "and the S-\n400 deal.\n")
    [extracted] = split_sentences(text, "report.pdf", page=1, extracted=True)
    assert extracted.text == ("The new government raised the budget for the "
                              "fifth-generation fighter and the S-400 deal.")
    assert (extracted.line_start, extracted.line_end) == (1, 4)
    [plain] = split_sentences(text, "report.txt")
    assert "govern-ment" in plain.text
