"""HTML, Word and PDF: cited by the lines of their extracted text, PDFs with
the page; extraction bounded by what comes out (zip bombs, huge PDFs)."""

import io
import json
import zipfile

import pytest

from rag.cli import main
from rag.documents import read_document
from rag import formats
from rag.formats import Unreadable, docx_text, html_text, location_label, pdf_pages
from rag.lines import LineTable

from .conftest import make_assistant

PAGE = """<!doctype html><html><head><title>Port notes</title>
<style>p { color: red }</style><script>var hidden = "do not index me";</script></head>
<body><h1>Harbour guide</h1>
<p>The harbour at Kadıköy opens at dawn.
The ferries   run every <b>twenty</b> minutes &amp; cost little.</p>
<ul><li>First item</li><li>Second item</li></ul>
<noscript>Enable scripts</noscript></body></html>"""


def make_pdf(pages: list[list[str]]) -> bytes:
    """A small real PDF with one Helvetica text line per entry."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    font_id = 3 + 2 * len(pages)
    for number, lines in enumerate(pages):
        page_id, content_id = 3 + 2 * number, 4 + 2 * number
        kids.append(f"{page_id} 0 R")
        body = " T* ".join("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                           + ") Tj" for line in lines)
        stream = f"BT /F1 11 Tf 72 740 Td 15 TL {body} ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


REPORT = [
    ["Annual report of the harbour authority.", "Traffic grew in the spring."],
    ["Page two covers the fleet.", "The authority bought three electric ferries in May.",
     "They carry 400 passengers each."],
]


def test_html_visible_text_only():
    text = html_text(PAGE)
    assert "do not index me" not in text and "color: red" not in text
    assert "Port notes" not in text and "Enable scripts" not in text
    assert text.split("\n\n")[0] == "# Harbour guide"  # a heading, marked as Markdown marks one
    assert "The ferries run every twenty minutes & cost little." in text
    assert "- First item\n\n- Second item" in text  # items marked as Markdown marks them


def test_list_items_are_marked_as_markdown_marks_them():
    """<li> comes out as "- item", or "1. item" in an <ol> (from its start);
    an empty item leaves no mark. Without marks, a list after "The kit
    contains four parts:" ran into one sentence with the title below it."""
    assert html_text("<ol start='3'><li>Rinse</li><li>Dry<ul><li>by hand</li></ul></li></ol>"
                     "<ul><li></li><li>Store</li></ul>").splitlines() == [
        "3. Rinse", "", "4. Dry", "", "- by hand", "", "- Store"]


def test_menus_and_lists_of_links_are_left_out():
    """A page saved from the web holds its site's menus and lists of other
    stories ("Related: Harbour fares to rise in July"), which answered
    questions about things the page does not say. A <nav> and a list whose
    every item is only a link are left out; a list with text of its own,
    links or not, stays."""
    page = ("<nav><ul><li><a href='/'>Home</a></li><li><a href='/sport'>Sport</a></li></ul></nav>"
            "<p>Crews walked out on Tuesday.</p><h2>Related</h2>"
            "<ul><li><a href='/a'>Harbour fares to rise in July</a></li>"
            "<li><a href='/b'>New electric ferry ordered</a></li></ul>"
            "<ul><li><a href='/c'>Kestrel</a>, built in 1998</li><li>Moorhen</li></ul>")
    assert html_text(page).splitlines() == [
        "Crews walked out on Tuesday.", "", "## Related", "", "- Kestrel, built in 1998", "",
        "- Moorhen"]


def test_word_list_paragraphs_are_marked_as_items(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Risks", level=1)
    document.add_paragraph("Fuel prices may rise.", style="List Bullet")
    document.add_paragraph("Two captains retire.", style="List Number")
    document.add_paragraph("Nothing else is known.")
    path = tmp_path / "risks.docx"
    document.save(path)
    assert docx_text(path.read_bytes()).splitlines() == [
        "# Risks", "", "- Fuel prices may rise.", "", "- Two captains retire.", "",
        "Nothing else is known."]


def test_a_table_cells_paragraphs_and_list_stay_in_its_row(tmp_path):
    """A cell that holds paragraphs or a list (as wikis and Sphinx write
    them) split its row over several lines, each cited apart from the
    row's other cells and its header; .docx gave a cell's paragraphs a
    line each too. Each row now stays on its line."""
    import docx

    text = html_text("<table><tr><th>Ferry</th><th>Notes</th></tr>"
                     "<tr><td><p>Moorhen</p></td><td><p>Built 2012.</p>"
                     "<ul><li>refitted 2020</li><li>renamed 2021</li></ul></td></tr>"
                     "<tr><td>Kestrel</td><td>Built 1998.</td></tr></table><p>After.</p>")
    assert [line for line in text.splitlines() if line.strip()] == [
        "Ferry | Notes", "Moorhen | Built 2012. refitted 2020 renamed 2021",
        "Kestrel | Built 1998.", "After."]
    # A page laid out in a table, all it says in one cell: its lines stay lines.
    paragraphs = [f"Paragraph {n} of the page says one thing about the harbor and its ferries, "
                  f"at some length, as old sites did." for n in range(1, 7)]
    page = html_text("<table><tr><td>Menu</td><td>" + "".join(
        f"<p>{paragraph}</p>" for paragraph in paragraphs) + "</td></tr></table>")
    assert all(paragraph in page.splitlines() for paragraph in paragraphs[1:])
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Ferry", "Notes"
    table.cell(1, 0).text = "Moorhen"
    table.cell(1, 1).text = "Built 2012."
    table.cell(1, 1).add_paragraph("Refitted 2020.")
    path = tmp_path / "ferries.docx"
    document.save(path)
    assert docx_text(path.read_bytes()).splitlines() == [
        "Ferry | Notes", "Moorhen | Built 2012. Refitted 2020."]


FERRIES = """<html><body><h1>Harbor ferries</h1><p>The authority runs three ferries.</p>
<table><tr><th>Ferry</th><th>Seats</th><th>Built</th></tr>
<tr><td>Kestrel</td><td>250</td><td>1998</td></tr>
<tr><td>Moorhen</td><td>400</td><td>2012</td></tr></table>
<p>All ferries stop at the north pier.</p></body></html>"""


def test_an_html_table_is_extracted_one_row_per_line():
    """A row's values stay together, as in a .docx table: one cell per
    paragraph would part "Moorhen" from its 400 seats."""
    assert html_text(FERRIES).split("\n\n") == [
        "# Harbor ferries", "The authority runs three ferries.",
        "Ferry | Seats | Built\nKestrel | 250 | 1998\nMoorhen | 400 | 2012",
        "All ferries stop at the north pier."]


def test_a_file_indexed_by_an_older_extractor_is_read_again(tmp_path, monkeypatch):
    """Extracted line numbers are the extractor's: when it changes, an HTML
    file indexed before is re-read by `rag index`, and its old citations
    are not quoted against the new lines."""
    from rag.assistant import SourceChanged

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ferries.html").write_text(FERRIES, encoding="utf-8")
    (docs / "notes.txt").write_text("The north pier opens at six.\n", encoding="utf-8")
    monkeypatch.setattr(formats, "EXTRACTOR_VERSION", formats.EXTRACTOR_VERSION - 1)
    monkeypatch.setattr("rag.documents.EXTRACTOR_VERSION", formats.EXTRACTOR_VERSION)
    assistant = make_assistant(tmp_path / "index")
    assistant.index([docs])
    old = assistant.ask("How many seats does the Moorhen have?").citations[0]
    monkeypatch.undo()
    assistant = make_assistant(tmp_path / "index")
    with pytest.raises(SourceChanged):
        assistant.source_lines(old)
    report = assistant.index([docs])
    assert report.changed == ["ferries.html"] and report.unchanged == ["notes.txt"]


def test_pdf_pages_are_extracted_one_unit_each():
    units = pdf_pages(make_pdf(REPORT))
    assert [unit.page for unit in units] == [1, 2]
    assert "three electric ferries" in units[1].text and units[0].extracted


def test_a_pdfs_running_header_is_furniture_and_runs_into_no_sentence(tmp_path):
    """"Harbour fleet handbook" atop each page ran into the page's first
    sentence, which then answered with the header's words; a line that
    opens or closes three pages or more (numbers aside: "Page 5 of 7") is
    a running header or footer: furniture, on a line of its own, and no
    heading for the line under it."""
    pages = [["Harbour fleet handbook", line, f"Page {number} of 7"]
             for number, line in enumerate([
                 "the Kestrel was built in Bergen",
                 "the Moorhen carries four hundred people",
                 "the Tern sails only in summer",
                 "the Plover was sold in 2020"], 4)]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "fleet.pdf").write_bytes(make_pdf(pages))
    assistant = make_assistant(tmp_path / "index")
    assistant.index([docs])
    sentences = assistant.data().sentences
    headers = [sentence for sentence in sentences if sentence.text == "Harbour fleet handbook"]
    assert len(headers) == 4 and all(header.is_furniture for header in headers)
    assert all(sentence.text.startswith("Page") == sentence.is_furniture
               for sentence in sentences if sentence not in headers)
    answer = assistant.ask("Where was the Kestrel built?")
    citation = (answer.citations or answer.related)[0]
    assert (citation.page, citation.line_start, citation.line_end) == (1, 2, 2)
    assert citation.text == "the Kestrel was built in Bergen"


def test_a_pdf_section_title_after_its_number_heads_its_paragraph(tmp_path):
    """In a PDF's text a section's number may end the sentence before its
    title ("... type "\\n" 2.9." then "The cache files" on the same line):
    the title still stands on a line of its own, and heads the paragraph
    under it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "spec.pdf").write_bytes(make_pdf([[
        "Each line in the section takes the form:", '[ indent ] ">" path "=" type "\\n"',
        "2.9. The cache files",
        "The cache files hold the globs and the magic rules in one binary file."]]))
    assistant = make_assistant(tmp_path / "index")
    assistant.index([docs])
    ids = {sentence.text: sentence_id for sentence_id, sentence in
           enumerate(assistant.data().sentences)}
    body = ids["The cache files hold the globs and the magic rules in one binary file."]
    assert assistant.answerer.layout.heading(body) == ids["The cache files"]


def test_damaged_pdf_is_skipped_with_a_reason(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(make_pdf(REPORT)[:300])
    document, reason = read_document(broken, "broken.pdf")
    assert document is None and "PDF" in reason


def test_labels_say_what_the_lines_count_in():
    assert location_label("a.txt", 3, 4) == "a.txt:3-4"
    assert location_label("page.html", 3, 4, extracted=True) == "page.html:text:3-4"
    assert location_label("report.pdf", 12, 14, page=3, extracted=True) == "report.pdf:p3:12-14"


def test_html_and_pdf_answers_cite_extracted_lines_and_pages(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.html").write_text(PAGE, encoding="utf-8")
    (docs / "report.pdf").write_bytes(make_pdf(REPORT))
    index_dir = tmp_path / "index"
    assert main(["index", str(docs), "--index-dir", str(index_dir)]) == 0
    capsys.readouterr()
    assert main(["ask", "How many electric ferries did the authority buy?", "--json",
                 "--index-dir", str(index_dir)]) == 0
    record = json.loads(capsys.readouterr().out)
    citation = record["citations"][0]
    assert citation["file"] == "report.pdf" and citation["page"] == 2 and citation["extracted"]
    assert "[report.pdf:p2:" in record["answer"]
    page_text = pdf_pages((docs / "report.pdf").read_bytes())[1].text
    held = LineTable(page_text).span_text(citation["line_start"], citation["line_end"])
    assert "three electric ferries" in held
    assistant = make_assistant(index_dir)
    answer = assistant.ask("How often do the ferries run?")
    html_citation = answer.citations[0]
    assert html_citation.file == "guide.html" and html_citation.extracted
    assert html_citation.page is None and "guide.html:text:" in answer.text
    quoted = [text for _, text, cited in assistant.source_lines(html_citation) if cited]
    assert any("twenty minutes" in line for line in quoted)


def make_docx(path) -> None:
    """A real Word file: a heading, paragraphs and a table."""
    import docx

    document = docx.Document()
    document.add_heading("Fleet report", level=1)
    document.add_paragraph("The harbour authority runs a small fleet.")
    table = document.add_table(rows=2, cols=2)
    for row, (name, seats) in enumerate((("Ferry", "Seats"), ("Kadıköy II", "400"))):
        table.cell(row, 0).text, table.cell(row, 1).text = name, seats
    document.add_paragraph("In May the authority bought three   electric ferries.")
    document.save(path)


def test_docx_answers_cite_lines_of_its_extracted_text(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_docx(docs / "report.docx")
    text = docx_text((docs / "report.docx").read_bytes())
    # The heading is marked as Markdown (and HTML's <h1>) marks one.
    assert text.splitlines() == ["# Fleet report", "", "The harbour authority runs a small fleet.",
                                 "", "Ferry | Seats", "Kadıköy II | 400", "",
                                 "In May the authority bought three electric ferries."]
    assistant = make_assistant(tmp_path / "index")
    assistant.index([docs])
    answer = assistant.ask("How many electric ferries did the authority buy in May?")
    citation = answer.citations[0]
    assert (citation.file, citation.line_start, citation.line_end, citation.extracted) == \
        ("report.docx", 8, 8, True)
    assert "[report.docx:text:8-8]" in answer.text
    assert [line for _, line, cited in assistant.source_lines(citation) if cited] == \
        ["In May the authority bought three electric ferries."]


def test_a_docx_zip_bomb_or_damaged_docx_is_refused_with_a_reason(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (40 * 1024 * 1024))
    (tmp_path / "bomb.docx").write_bytes(bomb.getvalue())
    document, reason = read_document(tmp_path / "bomb.docx", "bomb.docx")
    assert document is None and "zip bomb" in reason
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    document, reason = read_document(tmp_path / "broken.docx", "broken.docx")
    assert document is None and reason == "damaged .docx (not a zip archive)"


def test_extraction_stops_at_the_page_and_text_limits(tmp_path, monkeypatch):
    data = make_pdf(REPORT)
    monkeypatch.setattr(formats, "MAX_PDF_PAGES", 1)
    with pytest.raises(Unreadable, match="PDF of 2 pages; at most 1"):
        pdf_pages(data)
    monkeypatch.setattr(formats, "MAX_PDF_PAGES", 10)
    monkeypatch.setattr(formats, "MAX_EXTRACTED_CHARS", 60)
    with pytest.raises(Unreadable, match="more than 60 characters"):
        pdf_pages(data)
    make_docx(tmp_path / "report.docx")
    with pytest.raises(Unreadable, match="more than 60 characters"):
        docx_text((tmp_path / "report.docx").read_bytes())


def _deflate_damaged(docx_bytes: bytes) -> bytes:
    """The Word file with the compressed bytes of its main part garbled: the
    zip's directory still reads, but inflating the part fails (zlib.error)."""
    damaged = bytearray(docx_bytes)
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        member = archive.getinfo("word/document.xml")
    # A local header is 30 bytes, then the name and the extra field.
    name_length = int.from_bytes(damaged[member.header_offset + 26:member.header_offset + 28],
                                 "little")
    extra_length = int.from_bytes(damaged[member.header_offset + 28:member.header_offset + 30],
                                  "little")
    start = member.header_offset + 30 + name_length + extra_length
    damaged[start:start + member.compress_size] = bytes(
        (byte * 7 + 3) % 256 for byte in damaged[start:start + member.compress_size])
    return bytes(damaged)


def test_a_docx_that_fails_to_inflate_is_skipped_and_the_rest_indexed(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_docx(docs / "report.docx")
    (docs / "garbled.docx").write_bytes(_deflate_damaged((docs / "report.docx").read_bytes()))
    assert main(["index", str(docs), "--index-dir", str(tmp_path / "index")]) == 0
    out = capsys.readouterr()
    assert "skipped garbled.docx: damaged .docx" in out.out + out.err
    assert "indexed 1 file" in out.out + out.err


@pytest.mark.parametrize("name", ["fuzzed.pdf", "fuzzed.docx"])
def test_damaged_pdf_and_docx_files_never_raise_more_than_a_reason(tmp_path, name):
    """Bytes garbled at random (fixed seed) in a real file: each one is read
    or skipped with a reason, never an exception. Before `_parsing`, these
    seeds gave pypdf's AssertionError, LimitReachedError and AttributeError
    and zipfile's zlib.error and NotImplementedError."""
    import random

    if name.endswith(".pdf"):
        good = make_pdf(REPORT)
    else:
        make_docx(tmp_path / "good.docx")
        good = (tmp_path / "good.docx").read_bytes()
    rng = random.Random(1)
    path = tmp_path / name
    skipped = 0
    for _ in range(400):
        data = bytearray(good)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        document, reason = read_document(path, name)
        assert document is not None or reason
        skipped += document is None
    assert skipped  # the garbling did damage files


def test_a_readers_unforeseen_error_skips_only_its_file(tmp_path, monkeypatch):
    """Whatever a reader raises on one file (here a stand-in for a bug in an
    extractor), that file is skipped with the error named and the run goes on."""
    def failing(text):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("rag.documents.html_text", failing)
    (tmp_path / "deep.html").write_text("<div>" * 10 + "text")
    document, reason = read_document(tmp_path / "deep.html", "deep.html")
    assert document is None and reason == \
        "could not be read (RecursionError: maximum recursion depth exceeded)"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_pdf_encrypted_with_an_empty_password_is_read_and_one_with_a_password_is_not(
        tmp_path, algorithm):
    """Many PDFs are encrypted only to restrict printing or copying: they
    open with an empty password, and were skipped as "encrypted PDF"."""
    from pypdf import PdfReader, PdfWriter

    for user_password, readable in (("", True), ("secret", False)):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(REPORT))))
        writer.encrypt(user_password=user_password, owner_password="owner",
                       algorithm=algorithm)
        path = tmp_path / f"{algorithm}-{readable}.pdf"
        with open(path, "wb") as handle:
            writer.write(handle)
        document, reason = read_document(path, path.name)
        if readable:
            assert reason is None and "three electric ferries" in document.units[1].text
        else:
            assert document is None and reason == "encrypted PDF (it needs a password to open)"


GUIDE_PAGE = """<html><body><nav><p>Keyboard shortcuts</p></nav>
<h1>The harbour handbook</h1>
<h2>Booking a berth</h2>
<p>Berths are booked at the pier office up to a week ahead.</p>
<h2>Paying harbour dues</h2>
<p>Dues are paid by card when a boat leaves.</p></body></html>"""


def test_an_items_first_paragraph_stands_after_its_mark():
    """<li><p>...</p></li>, as Sphinx and Node.js's docs write every item:
    the paragraph is the item's text, on the mark's line, not a line of its
    own under a mark left alone. A nested list still starts a line."""
    page = ("<p>Encodings:</p><ul><li><p>'utf8': Multi-byte.</p></li>"
            "<li><p>'hex': Two characters a byte.</p><p>See below.</p></li></ul>"
            "<ol><li><p>Step one.</p><ul><li>a detail</li></ul></li></ol>")
    assert html_text(page) == ("Encodings:\n\n- 'utf8': Multi-byte.\n\n- 'hex': Two characters "
                               "a byte.\n\nSee below.\n\n1. Step one.\n\n- a detail")


def test_a_headings_permalink_is_left_out():
    """Sphinx puts a link "¶" after each heading, Node.js's docs a "#": a
    symbol that links to the heading itself, no word of it. A link whose
    text is words stays."""
    page = ('<h2>1. Copyright<a class="headerlink" href="#copyright">¶</a></h2>'
            '<p>Read the <a href="#terms">terms</a>.</p>'
            '<h3><a class="mark" href="#buffer">#</a>Buffer</h3><p>Bytes.</p>')
    assert html_text(page) == "## 1. Copyright\n\nRead the terms.\n\n### Buffer\n\nBytes."


def test_an_html_heading_titles_its_section_and_is_never_the_answer(tmp_path):
    """<h1>-<h6> come out marked as Markdown titles ("## Booking a berth"):
    asked what a section is about, the answer is the section's first
    sentence, cited under its title, not the title alone, which answered
    before. A heading with no text leaves no line."""
    assert html_text("<h3></h3><p>Dues are paid by card.</p>") == "Dues are paid by card."
    assert html_text("<p>###</p><h2>Dues</h2>") == "###\n\n## Dues"  # text, not a mark
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "handbook.html").write_text(GUIDE_PAGE, encoding="utf-8")
    text = html_text(GUIDE_PAGE)
    assert "## Booking a berth" in text.splitlines()
    assistant = make_assistant(tmp_path / "index")
    assistant.index([docs])
    answer = assistant.ask("How do I book a berth?")
    assert not answer.abstained
    [citation] = answer.citations
    lines = text.splitlines()
    cited = lines[citation.line_start - 1:citation.line_end]
    assert "Berths are booked at the pier office up to a week ahead." in cited
    assert "Berths are booked at the pier office" in answer.text


def test_a_code_block_keeps_its_lines_and_a_break_in_a_cell_keeps_its_row():
    """A <pre> block's lines were run together into one line of the
    extracted text, and a <br> inside a table cell split its row in two."""
    text = html_text("<p>Run it:</p><pre>pip install rag\n  rag index ~/notes\n\n"
                     "rag ask \"When?\"</pre>"
                     "<table><tr><th>Ferry</th><th>Notes</th></tr>"
                     "<tr><td>Moorhen</td><td>built 2012<br>refitted 2020</td></tr></table>")
    assert text.splitlines() == ["Run it:", "", "pip install rag", "rag index ~/notes",
                                 'rag ask "When?"', "", "Ferry | Notes",
                                 "Moorhen | built 2012 refitted 2020"]
    assert formats.EXTRACTOR_VERSION >= 3  # HTML indexed before is read again


def test_an_html_details_block_and_its_summary_are_lines_of_their_own():
    """An FAQ written with <details><summary>: the question ran into its
    answer ("... harbour pass?Renew it ...") and the next question onto the
    same line. Each is now a block of its own, as a paragraph is."""
    text = html_text("<details><summary>How do I renew my harbour pass?</summary>Renew it at "
                     "the ticket office.</details><details><summary>Can I lend my pass?"
                     "</summary><p>No.</p></details>")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == ["How do I renew my harbour pass?", "Renew it at the ticket office.",
                     "Can I lend my pass?", "No."]
