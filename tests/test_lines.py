from rag.lines import LineTable, read_lines


def test_each_kind_of_line_break_counts_once():
    text = "one\r\ntwo\rthree\nfour"
    table = LineTable(text)
    assert len(table) == 4
    assert [table.line_of(text.index(word)) for word in ("one", "two", "three", "four")] == [1, 2, 3, 4]
    assert read_lines(text, 2, 3) == ["two", "three"]


def test_form_feed_and_unicode_separators_do_not_break_lines():
    # str.splitlines() would see four lines here; editors and `nl` see one.
    text = "a\x0cb\u2028c\x85d"
    assert len(LineTable(text)) == 1
    assert len(text.splitlines()) == 4


def test_trailing_newline_adds_no_line_and_blank_lines_count():
    text = "first\n\nthird\n"
    table = LineTable(text)
    assert len(table) == 3
    assert table.line_of(text.index("third")) == 3
    assert table.span_text(1, 3) == "first\n\nthird"
