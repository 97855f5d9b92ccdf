"""Where a sentence stands in its file, as the answerer reads it.

The answerer (answering.py) scores sentences, but a sentence is not always
read alone: an item of a definition list says what it is about only in the
heading above it, a row of a table only in its header row, a line of a
reference only in its section's title, and a file's title names the person
a "he" of it stands for. `Layout` reads those relations, and what each file
says and is named, off an index view (each looked up once and kept).
Where an answer's citation ends, past its sentence, is `citing.py`'s.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from pathlib import PurePosixPath

from .claims import document_subject
from .formats import CELL_SEPARATOR
from .furniture import CODE_FENCE
from .keyword import stopwords, tokenize
from .sentences import BULLET_MARKS, FRONT_MATTER_CLOSE, FRONT_MATTER_FIELD, \
    FRONT_MATTER_LINES, FRONT_MATTER_OPEN, ITEM_MARK_CHARS, ITEM_MARK_ONLY, LIST_ITEM, \
    MARKDOWN_TITLE, RULE_LINE, SIGNATURE
from .storage import IndexView
from .types import Sentence, on_one_page


# A bulleted item's mark ("* ", "- ", "• "), and the most words of a label
# that opens an item ("* File triggers. These are activated ...").
BULLET = re.compile(rf"\s*[{BULLET_MARKS}]\s+")
ITEM_LABEL_WORDS = 4
# A sentence whose subject is a pronoun is about what its file is about: the
# file's title when it is this short (an encyclopedia's "Frédéric Chopin"),
# else its name ("heaptrack.txt").
PRONOUN_SUBJECT = re.compile(r"(?:It|He|She|They)\s")
SUBJECT_TITLE_WORDS = 4
# ... and when the file says a word of that subject in this share of its
# sentences: "Normans" in 87 of the 175 of SQuAD's article of that name,
# "Ulas" in 1 of the 53 of the news story under the byline "By Ulas Atesci".
PRONOUN_SUBJECT_SHARE = 0.1
# `file_word_counts`: how many of a file's sentences are read (spread over
# it), and the key under which their number is kept.
WORD_COUNT_SENTENCES = 2000
SENTENCES_READ = "\x00sentences"


class Layout:
    def __init__(self, data: IndexView):
        self.data = data
        self._headings: dict[int, int | None] = {}  # `heading`, once per sentence
        self._file_titles: dict[str, tuple[str, str]] = {}  # `file_title`, once per file
        self._file_tokens: dict[str, set[str]] = {}  # `document_tokens`, once per file
        self._name_tokens: dict[str, set[str]] = {}  # `file_name_tokens`, once per file
        self._files_by_name_token: dict[str, list[str]] | None = None  # `files_named`
        self._file_words: dict[str, Counter] = {}  # `file_word_counts`, once per file
        self._subjects: dict[str, str] = {}  # `_subject`, once per file

    def heading(self, sentence_id: int) -> int | None:
        """The id of the heading the sentence is read under (`_find_heading`)."""
        if sentence_id not in self._headings:
            self._headings[sentence_id] = self._find_heading(sentence_id)
        return self._headings[sentence_id]

    def _find_heading(self, sentence_id: int) -> int | None:
        """The id of the short heading right above the sentence, on its own
        line with no blank line between ("Parser" over "Takes a sequence of
        characters ... and produces a model"), or None. Such an item of a definition
        list says what it is about only in its heading. A line that dates
        the text ("26 February, 2019" over a news story's first paragraph)
        is a dateline, not what the sentence is about. A title marked as one
        (Markdown's "## `pyenv rehash`", or a title underlined with "-----")
        heads the paragraph under it across one blank line: in a reference,
        "Installs shims for all Python binaries ..." says what it is about
        only in its title. A row of a table has its table's header row
        (`_table_header`)."""
        sentence = self.data.sentence(sentence_id)
        if CELL_SEPARATOR in sentence.text:
            return self._table_header(sentence_id)
        # A field of a note's front matter ("attendees: Priya, Tomasz") is
        # about the note its "title:" field names.
        title = self._front_matter_title(sentence_id)
        if title is not None:
            return title
        heading = self._heading_right_above(sentence_id)
        if heading is not None or sentence.is_furniture or LIST_ITEM.match(sentence.text):
            return heading
        # Further into a paragraph, a sentence is about what the term over
        # the paragraph says, as its first sentence is ("``port``" over "The
        # TCP port to listen on. Defaults to 8080."). A section's title
        # ("## The Slice Type") heads only the sentence right under it: the
        # rest of its section says more than its title.
        current = sentence
        for earlier_id in range(sentence_id - 1, max(sentence_id - PARAGRAPH_READ_BACK, 0) - 1, -1):
            earlier = self.data.sentence(earlier_id)
            if not on_one_page(earlier, sentence) \
                    or earlier.line_end + 1 < current.line_start or earlier.is_furniture \
                    or CELL_SEPARATOR in earlier.text:
                return None
            heading = self._heading_right_above(earlier_id)
            if heading is not None or LIST_ITEM.match(earlier.text):
                return heading if heading is not None and not self.is_title(heading) else None
            current = earlier
        return None

    def _heading_right_above(self, sentence_id: int) -> int | None:
        """The heading of `_find_heading` when it stands right above the sentence."""
        sentence = self.data.sentence(sentence_id)
        above_id = sentence_id - 1
        above = self.data.sentence(above_id) if above_id >= 0 else None
        # A numbered item's mark, split off on the item's line ("1." of "1.
        # Screw the holder on."), stands between the item and its title.
        if above is not None and is_item_mark(above) and above.line_start == sentence.line_start \
                and above_id > 0:
            above_id -= 1
            above = self.data.sentence(above_id)
        if not on_one_page(above, sentence) or sentence.is_furniture or \
                CODE_FENCE.fullmatch(above.text):
            return None
        # Furniture on a page's first line is its running header ("Shared
        # MIME-info Database" atop every page): what the page is in, not
        # what its first lines are about.
        if above.is_furniture and above.page is not None and above.line_start == 1:
            return None
        # A heading stands on a line of its own: the last words of a line of
        # prose ("... stayed at the north pier. Photo: Lena Park") head
        # nothing. Its number may stand before it ("2.9. The mime.cache
        # files", the "2.9." ending the sentence before in a PDF's text).
        before = self.data.sentence(above_id - 1) if above_id > 0 else None
        if on_one_page(before, above) \
                and before.line_end == above.line_start and not is_item_mark(before) \
                and not SECTION_NUMBER_END.search(before.text):
            return None
        heading_id, heading, text, marked = above_id, above, above.text, False
        if RULE_LINE.fullmatch(above.text) and above_id > 0 and self.underlined(above_id - 1):
            title = self.data.sentence(above_id - 1)
            heading_id, heading, text, marked = above_id - 1, title, title.text, True
        elif MARKDOWN_TITLE.match(above.text):
            text, marked = unmarked(above.text), True
        # Text taken out of HTML, PDF or Word has a blank line after every
        # block, a term of a definition list ("root" over "Root is
        # (typically) the superuser.") included; so does a marked title.
        gap = 2 if sentence.extracted or marked else 1
        if not 0 < sentence.line_start - above.line_end <= gap:
            return None
        words = text.split()
        # A heading is a few words, each with a letter (no dateline, no row
        # of a table: "Kadıköy II | 400"), that end no sentence, and no item
        # of a bulleted or numbered list, as the sentence under it is not
        # either.
        # A list's first item is read under a title marked as one ("## Risks"
        # over "- Fuel prices may rise"), as a paragraph is.
        # A marked title that asks a question, an FAQ's entry ("What is
        # character encoding auto-detection?" underlined, over "It means
        # taking a sequence of bytes ..."), heads the answer under it
        # however many words it has.
        asks = marked and text.rstrip().endswith("?")
        if not words or (len(words) > ITEM_HEADING_WORDS and not SIGNATURE.fullmatch(text)
                         and not asks) or \
                (text.rstrip().endswith(SENTENCE_ENDS) and not asks) or \
                LIST_ITEM.match(heading.text) or (LIST_ITEM.match(sentence.text) and not marked) or \
                not _all_have_letters(words) or \
                CODE_LINE.match(text):
            return None
        return heading_id

    def _table_header(self, sentence_id: int) -> int | None:
        """The id of the first row of the table a row belongs to (the rows
        on the lines right above it), when that row names its columns (no
        digits: "Ferry | Seats | Built"); None for the header itself. A
        Markdown table's delimiter row ("|---|---|") is part of the table."""
        sentence = self.data.sentence(sentence_id)
        if MARKDOWN_TABLE_DELIMITER.fullmatch(sentence.text):
            return None
        first, header = sentence_id, sentence
        while first > max(0, sentence_id - TABLE_ROWS_READ_BACK):
            above = self.data.sentence(first - 1)
            if not on_one_page(above, sentence) or \
                    above.line_end + 1 != header.line_start or not (
                        CELL_SEPARATOR in above.text or MARKDOWN_TABLE_DELIMITER.fullmatch(above.text)):
                break
            first, header = first - 1, above
        if MARKDOWN_TABLE_DELIMITER.fullmatch(header.text):
            first, header = first + 1, self.data.sentence(first + 1)  # no header above it
        if first >= sentence_id or first == sentence_id - TABLE_ROWS_READ_BACK or \
                any(char.isdigit() for char in header.text):
            return None  # no header, or too far up to look for one
        return first

    def described_term(self, sentence_id: int) -> str | None:
        """The term the sentence describes, when it stands right under it:
        a definition list's term, or a function's name over what it does
        ("copytree" of "copytree(src, dst, ...)" over "Recursively copy a
        directory tree ..."); None for a sentence with no such heading, or
        under a marked title."""
        heading = self.heading(sentence_id)
        # A marked title ("# Hash maps") is over a section, whose first
        # sentence is often a tagline ("Storing keys with their values.").
        if heading != sentence_id - 1 or self.is_title(heading):
            return None
        text = self.heading_text(sentence_id)
        signature = SIGNATURE.fullmatch(text)
        return text.split("(", 1)[0].split()[-1] if signature else text

    def heads_next(self, sentence_id: int) -> bool:
        """Whether the sentence is the heading the next one is read under
        (a term over its description, "dedent(text)" over "Remove any
        common leading whitespace ...")."""
        following = self.data.sentence(sentence_id + 1)
        return following is not None and self.heading(sentence_id + 1) == sentence_id

    def heading_text(self, sentence_id: int) -> str:
        """The text of the heading the sentence is read under (`heading`):
        a term, a title (without its Markdown marks), a table's header row
        ("Ferry | Trips | Passengers"); "" when it has none."""
        heading = self.heading(sentence_id)
        return unmarked(self.data.sentence(heading).text) if heading is not None else ""

    def is_table_header(self, sentence_id: int) -> bool:
        """Whether the sentence is the header row of the rows under it
        ("Browser | Minimum version"): it names columns, and says something
        only with a row, which is read with it (`heading`)."""
        sentence = self.data.sentence(sentence_id)
        if CELL_SEPARATOR not in sentence.text:
            return False
        below_id = sentence_id + 1
        below = self.data.sentence(below_id)
        if below is not None and MARKDOWN_TABLE_DELIMITER.fullmatch(below.text):
            below_id += 1
            below = self.data.sentence(below_id)
        return below is not None and below.file == sentence.file and \
            self.heading(below_id) == sentence_id

    def read_as(self, sentence_id: int) -> str:
        """The sentence's text, after its heading when it has one (`heading`),
        or after its file's subject when a pronoun is its subject ("It uses
        LD_PRELOAD to track ..." of heaptrack.txt)."""
        text = self.data.sentence(sentence_id).text
        heading = self.heading(sentence_id)
        if heading is not None:
            return f"{self.data.sentence(heading).text} {text}"
        if PRONOUN_SUBJECT.match(text):
            file = self.data.sentence(sentence_id).file
            subject = self._subjects.get(file)
            if subject is None:
                subject = self._subjects[file] = self._subject(sentence_id)
            if subject:
                return f"{subject}: {text}"
        return text

    def _subject(self, sentence_id: int) -> str:
        """What the sentence's file is about: its title when that is short,
        else the words of its name ("heaptrack.txt"), leaving out those
        that are mostly digits ("001_b4f6f2b0e5c1da68.txt" names nothing);
        and only when the file says a word of it in PRONOUN_SUBJECT_SHARE of its
        sentences or more (a byline, "By Ulas Atesci", heads a news story
        about others)."""
        title, name = self.file_title(sentence_id)
        if not 0 < len(title.split()) <= SUBJECT_TITLE_WORDS:
            title = " ".join(word for word in re.split(r"[-.\s]+", name)
                             if sum(char.isalpha() for char in word) > len(word) / 2)
        counts = self.file_word_counts(self.data.sentence(sentence_id).file)
        said = max((counts[token] for token in tokenize(title)), default=0)
        return title if said > 1 and said >= PRONOUN_SUBJECT_SHARE * counts[SENTENCES_READ] \
            else ""

    def _file_of(self, sentence_id: int) -> str | None:
        sentence = self.data.sentence(sentence_id)
        return sentence.file if sentence is not None else None

    def neighbours(self, sentence_id: int) -> tuple[int | None, list[int]]:
        """The previous sentence of the same file (or None) and the window of
        the sentence with its neighbours on either side."""
        file = self.data.sentence(sentence_id).file
        window = [neighbour for neighbour in (sentence_id - 1, sentence_id, sentence_id + 1)
                  if self._file_of(neighbour) == file]
        previous = sentence_id - 1 if window[0] == sentence_id - 1 else None
        return previous, window

    def file_title(self, sentence_id: int) -> tuple[str, str]:
        """(the title of the sentence's file, its name without the
        extension and with spaces for underscores), once per file. A file's
        name is its title too ("CC0-1.0.txt", "s400-contract.pdf")."""
        file = self.data.sentence(sentence_id).file
        title = self._file_titles.get(file)
        if title is None:
            title = self._file_titles[file] = (document_subject(self.data, sentence_id),
                                               _file_name(file))
        return title

    def file_name_tokens(self, sentence_id: int) -> set[str]:
        """The words of the name of the sentence's file ("mpl" of "MPL-1.1.txt");
        its title need not be looked up for them."""
        return self.name_tokens_of(self.data.sentence(sentence_id).file)

    def name_tokens_of(self, file: str) -> set[str]:
        """The words of a file's name, as the keyword index stems them."""
        tokens = self._name_tokens.get(file)
        if tokens is None:
            tokens = self._name_tokens[file] = set(tokenize(re.sub(r"[-.]+", " ",
                                                                   _file_name(file))))
        return tokens

    def opening_chunks(self, file: str, count: int) -> range:
        """The ids of a file's first `count` chunks (fewer in a short file)."""
        start, end = self.data.manifest["files"].get(file, {}).get("chunks", (0, 0))
        return range(start, max(start, min(end, start + count)))

    def file_word_counts(self, file: str) -> Counter:
        """In how many of the file's sentences each word (`tokenize`) stands,
        of at most WORD_COUNT_SENTENCES of them, and how many were read
        (under SENTENCES_READ)."""
        counts = self._file_words.get(file)
        if counts is None:
            start, end = self.data.manifest["files"].get(file, {}).get("sentences", (0, 0))
            # Of a long file, sentences spread evenly over it are enough to
            # tell 30% from 15%: reading 2,000 costs about 60 ms, once per
            # file, where every sentence of a book would cost seconds.
            read = range(start, end, max(1, math.ceil((end - start) / WORD_COUNT_SENTENCES)))
            self.data.prefetch(sentence_ids=read)
            counts = Counter()
            for sentence_id in read:
                sentence = self.data.sentence(sentence_id)
                if sentence is not None and not sentence.is_furniture:
                    counts.update(set(tokenize(sentence.text)))
                    counts[SENTENCES_READ] += 1
            self._file_words[file] = counts
        return counts

    def files_named(self, token: str) -> list[str]:
        """The files of the collection whose names hold the word, in the
        index's order (an index of every file's name words, built once)."""
        if self._files_by_name_token is None:
            by_token: dict[str, list[str]] = {}
            for file in self.data.manifest["files"]:
                for name_token in self.name_tokens_of(file):
                    by_token.setdefault(name_token, []).append(file)
            self._files_by_name_token = by_token
        return self._files_by_name_token.get(token, [])

    def document_tokens(self, sentence_id: int) -> set[str]:
        """The words of the title and name of the sentence's file."""
        file = self.data.sentence(sentence_id).file
        tokens = self._file_tokens.get(file)
        if tokens is None:
            subject, _ = self.file_title(sentence_id)
            tokens = self._file_tokens[file] = set(tokenize(subject)) | \
                self.file_name_tokens(sentence_id)
        return tokens

    def section_title(self, sentence_id: int) -> bool:
        """Whether the sentence is the title of a section: a few words with
        text after them, either numbered in title case ("3.1. Application of
        License.", "7. DISCLAIMER OF WARRANTY.", "2. Grant of Patent License.
        Subject to ...") or in capitals on a line of their own ("NO
        WARRANTY"). A numbered item that is a sentence ("2. Run the
        installer.") is no title: its words are not capitalized."""
        sentence = self.data.sentence(sentence_id)
        if self._labelled_item(sentence_id):
            return True
        words = sentence.text.split()
        if sentence.is_furniture or not 0 < len(words) <= TITLE_WORDS or \
                sentence.text.rstrip().endswith(SENTENCE_ENDS[1:]) or \
                not _all_have_letters(words):
            return False
        before = self.data.sentence(sentence_id - 1) if sentence_id > 0 else None
        if before is not None and before.file != sentence.file:
            before = None  # the file's first sentence
        after = self.data.sentence(sentence_id + 1)
        if after is None or after.file != sentence.file:
            return False  # a title has something under it
        numbered = before is not None and is_item_mark(before) and \
            before.line_end == sentence.line_start
        full_stop = sentence.text.rstrip().endswith(".")
        # ... on lines of their own, or, numbered, run into on one line with
        # a full stop between ("2. Grant of Copyright License. Subject to
        # the terms of this License, each Contributor hereby grants ...").
        if after.line_start <= sentence.line_end and not (numbered and full_stop):
            return False
        if numbered:
            return all(word[:1].isupper() for word in words
                       if sum(char.isalpha() for char in word) >= TITLE_CASE_LETTERS
                       and word.lower().strip(".,") not in stopwords())
        if before is not None and before.line_end >= sentence.line_start:
            return False
        letters = [char for char in sentence.text if char.isalpha()]
        return len(letters) >= 2 and all(char.isupper() for char in letters) and not full_stop

    def _labelled_item(self, sentence_id: int) -> bool:
        """Whether the sentence is the label that opens a bulleted item, with
        the item's text run on after it on the same line ("* File triggers.
        These are activated automatically by dpkg ..."): a few words with a
        full stop, the item's title."""
        sentence = self.data.sentence(sentence_id)
        mark = BULLET.match(sentence.text)
        if mark is None or sentence.is_furniture:
            return False
        label = sentence.text[mark.end():].strip()
        after = self.data.sentence(sentence_id + 1)
        return label.endswith(".") and 0 < len(label.split()) <= ITEM_LABEL_WORDS and \
            _all_have_letters(label.split()) and \
            after is not None and after.file == sentence.file and \
            after.line_start == sentence.line_end and not LIST_ITEM.match(after.text)

    def is_title(self, sentence_id: int) -> bool:
        """Whether the sentence is a title marked as one: Markdown's "## ...",
        a line with a rule ("-----") right under it, or the "title:" field of
        a note's front matter."""
        text = self.data.sentence(sentence_id).text
        return bool(MARKDOWN_TITLE.match(text)) or self.underlined(sentence_id) or (
            FRONT_MATTER_TITLE.match(text) is not None
            and self._front_matter_open(sentence_id) is not None)

    def underlined(self, sentence_id: int) -> bool:
        """Whether a rule ("-----") stands on the line right under the sentence,
        and is not the "---" that closes a Markdown note's front matter
        (whose last field is no title)."""
        sentence, below = self.data.sentence(sentence_id), self.data.sentence(sentence_id + 1)
        return below is not None and below.file == sentence.file and \
            below.line_start == sentence.line_end + 1 and \
            RULE_LINE.fullmatch(below.text) is not None and \
            not self._closes_front_matter(sentence_id + 1)

    def _closes_front_matter(self, rule_id: int) -> bool:
        """Whether the rule is the first after the "---" that opens its file
        (`sentences.front_matter_end`)."""
        return self.data.sentence(rule_id).text in FRONT_MATTER_CLOSE and \
            self._front_matter_open(rule_id) is not None

    def _front_matter_open(self, sentence_id: int) -> int | None:
        """The id of the "---" that opens the sentence's file when it is the
        first rule line above the sentence: the sentence is a field of the
        front matter, or the line that closes it. None otherwise."""
        sentence = self.data.sentence(sentence_id)
        # Front matter opens the file, and holds only fields (as the
        # splitter reads it: `sentences.front_matter_end`).
        if sentence.line_start > FRONT_MATTER_LINES + 1 or not (
                sentence.text in FRONT_MATTER_CLOSE or FRONT_MATTER_FIELD.match(sentence.text)):
            return None
        for earlier_id in range(sentence_id - 1, max(sentence_id - FRONT_MATTER_LINES, 0) - 1, -1):
            earlier = self.data.sentence(earlier_id)
            if earlier is None or earlier.file != sentence.file:
                return None
            if RULE_LINE.fullmatch(earlier.text):
                before = self.data.sentence(earlier_id - 1) if earlier_id else None
                opens_file = before is None or before.file != sentence.file
                return earlier_id if earlier.text == FRONT_MATTER_OPEN and opens_file else None
            if not FRONT_MATTER_FIELD.match(earlier.text):
                return None
        return None

    def _front_matter_title(self, sentence_id: int) -> int | None:
        """The id of the "title:" field of the front matter the sentence is a
        field of (not the title itself), or None."""
        opening = self._front_matter_open(sentence_id)
        if opening is None or RULE_LINE.fullmatch(self.data.sentence(sentence_id).text):
            return None
        return next((field_id for field_id in range(opening + 1, sentence_id)
                     if FRONT_MATTER_TITLE.match(self.data.sentence(field_id).text)), None)

def _all_have_letters(words: list[str]) -> bool:
    """Whether each word holds a letter (no dateline's or row's numbers)."""
    return all(any(char.isalpha() for char in word) for word in words)


def spanning(sentences: list[Sentence]) -> Sentence:
    """One citation from the first sentence's first line to the last one's
    last line, their texts joined."""
    first, last = sentences[0], sentences[-1]
    return replace(first, line_end=last.line_end, char_end=last.char_end,
                   text=" ".join(sentence.text for sentence in sentences))


def unmarked(text: str) -> str:
    """A title's words without Markdown's marks ("## Risks" -> "Risks")."""
    return MARKDOWN_TITLE.sub("", text)


def _file_name(file: str) -> str:
    """A file's name without its extension, with spaces for underscores."""
    return PurePosixPath(file).stem.replace("_", " ")


# An item of a list opens with a mark (`sentences.LIST_ITEM`) or is a short
# heading over its description ("Parser" above "Takes a sequence ..."), or a
# function's signature (`sentences.SIGNATURE`), which heads what it does
# however many parameters it lists.
ITEM_HEADING_WORDS = 4
# A line of code heads no prose ("#endif" over "CHUNK is simply the buffer
# size ..." in zlib's usage example): a preprocessor line, a brace, a comment.
CODE_LINE = re.compile(r"#[a-z]|[{}]|/[*/]|\*/")
# A section title (`Layout.section_title`) is at most this many words; in title
# case, each word of this many letters or more but a stop word is
# capitalized ("Distribution of Executable Versions", "Application of this
# License").
TITLE_WORDS = 8
TITLE_CASE_LETTERS = 4
# A section's number ending a line's text before its title ("... 2.9.").
SECTION_NUMBER_END = re.compile(r"(?:^|\s)\d{1,3}(?:\.\d{1,3})*\.?$")
# The row under a Markdown table's header: "|---|:---:|", "| --- | --- |".
MARKDOWN_TABLE_DELIMITER = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+(?:\s*:?-{3,}:?\s*)?")
# The field of a note's front matter that gives its title.
FRONT_MATTER_TITLE = re.compile(r"title\s*:", re.IGNORECASE)
SENTENCE_ENDS = (".", "!", "?", ":", ";", ",")
# Rows of a table read back for its header: every candidate row may look,
# so a table of 100,000 rows must not cost 100,000 reads per question.
TABLE_ROWS_READ_BACK = 200
# Sentences read back within a paragraph for the heading of its first one.
PARAGRAPH_READ_BACK = 12


def is_item_mark(sentence: Sentence) -> bool:
    """Whether the sentence is a list item's mark alone ("11.", "3.1.", "b."),
    split off as furniture."""
    text = sentence.text.strip()
    return sentence.is_furniture and len(text) <= ITEM_MARK_CHARS and (
        ITEM_MARK_ONLY.fullmatch(text) is not None or not any(char.isalpha() for char in text))
