"""How an answer cites a sentence: from its first line to the last line it
reads on to.

An answer does not always end where its sentence does: a quotation's
speaker is named where it closes (or, when it closes on "he said", in the
sentence before), a question, asked or told ("X asked whether ..."), is
answered by the sentence after it, a colon announces what follows, a
sentence that opens "However, ..." qualifies the one before, a section's
title opens its section, and an item of a definition list says what it is
about only in the heading above it (`Layout.heading`). `Citing.as_cited` gives the sentence as
an answer cites it, one citation over all those lines; the answerer
(`answering.py`) cites each sentence it chooses so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .claim_checks import SAYING
from .claim_terms import QUOTED
from .claims import QUOTE_SPAN, quotation_rest
from .formats import CELL_SEPARATOR
from .layout import ITEM_HEADING_WORDS, Layout, is_item_mark, spanning, unmarked
from .sentences import LIST_ITEM
from .types import Sentence, on_one_page

# Words that give a reason, and a sentence's opening that points back to
# the one before ("This is not advisable as it bypasses ...").
REASON = re.compile(r"\b(?:because|since|so that|due to|owing to|in order to|therefore|thus|"
                    r"hence|so as to|the reason|as (?:it|they|he|she|this|these|there|we|you))\b",
                    re.IGNORECASE)
POINTS_BACK = re.compile(r"(?:This|That|These|Those|It|Such)\b")
# A sentence's opening that carries on from the one before: its subject,
# or what it is about, is named there ("We are buying a second electric
# ferry. It should arrive in May.").
CARRIES_ON = re.compile(r"(?:It|Its|They|Their|He|His|She|Her|This|These|That|Those)\b")
# A sentence that only names what the one before it described ("This is
# called a virtual manifest.", "Such a file is known as a lockfile."), not
# one that says when a method is called ("This method is called when ...").
NAMES_WHAT_CAME_BEFORE = re.compile(
    r"(?:This|These|Such)\b[^.;:]{0,40}?\b(?:is|are|was|were)\s+(?:then\s+|also\s+|often\s+|"
    r"usually\s+|sometimes\s+)?(?:called|known\s+as|termed|named|referred\s+to\s+as)\b"
    r"(?!\s+(?:when|whenever|to|instead|by|with|on|from|before|after|if|once|for|in|at|"
    r"during|upon|only|each|every|automatically|again|twice|repeatedly)\b)")
# A sentence's opening that turns against the one before it ("However,
# you may distribute this Package in aggregate ..." after "You may not
# charge a fee for this Package itself."): alone, it says the half that
# the sentence before qualifies.
TURNS_AGAINST = re.compile(r"(?:However|But|Yet(?!\s+another)|Nevertheless|Nonetheless|Even so|"
                           r"Still,|On the other hand|In contrast|By contrast|Conversely)\b")
# A quotation's speaker named only by a pronoun, outside the quotation
# ("..., he said.", "Hurriyet reported him saying."): who it is stands before.
SPEAKER_POINTS_BACK = re.compile(
    rf"\b(?:he|she|they)\s+(?:\w+ly\s+)?(?:{SAYING}|wrote|insisted|stressed|warned|claimed)\b|"
    rf"\b(?:{SAYING}|wrote)\s+(?:he|she|they)\b|\b(?:him|her|them)\s+(?:as\s+)?saying\b",
    re.IGNORECASE)
# A question reported, not asked: "asked (someone) whether / if / what ...".
REPORTS_A_QUESTION = re.compile(r"\b(?:asked|wondered|inquired|enquired)\b(?:\s+[\w’'-]+){0,3}?"
                                r"\s+(?:whether|if|who|what|when|where|why|how|which)\b")
# A reply of one word that ends a sentence.
REPLY = re.compile(r"[^\W\d_]{2,}[.!]")
# Lines read past a sentence that ends with a colon for what it announces.
ANNOUNCED_LINES = 25


class Citing:
    """Where a sentence's citation ends, read off its layout (`Layout`)."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.data = layout.data

    def section_opening(self, sentence_id: int) -> list[int]:
        """[the first sentence of the section] when the sentence is a section
        title (`Layout.section_title`) and its section opens on its line, the next
        or after one blank line, past a number ("NO WARRANTY" over "11.
        BECAUSE THE PROGRAM IS LICENSED FREE OF CHARGE, ..."); else []. A
        title alone names what its section is about without saying it."""
        if not self.layout.section_title(sentence_id):
            return []
        title = self.data.sentence(sentence_id)
        following_id = sentence_id + 1
        following = self.data.sentence(following_id)
        if following is not None and is_item_mark(following):
            following_id += 1
            following = self.data.sentence(following_id)
        if not on_one_page(following, title) or following.is_furniture \
                or following.line_start - title.line_end > 2 \
                or self.layout.section_title(following_id):
            return []
        return [following_id]

    def answer_after(self, sentence_id: int) -> list[int]:
        """[the next sentence] when the sentence asks a question and the next
        one, in the same file, is prose that does not ask one too; else [].
        A one-word reply in between ("Is zlib thread-safe?" "Yes." "However
        any library routines ...") is page furniture to the answerer, too
        short to answer alone, but it is the answer's first word: it is read
        on with the sentence after it, or alone when a question follows."""
        sentence = self.data.sentence(sentence_id)
        if not _asks(sentence.text):
            # A question told, not asked ("Erdogan asked Putin whether
            # Turkey could buy the Su-57."), is answered by the sentence
            # right after it in its paragraph ("“Yes, you can,” Putin replied.").
            if REPORTS_A_QUESTION.search(sentence.text) and \
                    self._beside_in_paragraph(sentence_id, 1) is not None and \
                    not _asks(self.data.sentence(sentence_id + 1).text):
                return [sentence_id + 1]
            return []
        reply_ids = []
        following_id = sentence_id + 1
        following = self.data.sentence(following_id)
        if following is not None and following.file == sentence.file and _is_reply(following):
            reply_ids = [following_id]
            following_id += 1
            following = self.data.sentence(following_id)
        if following is None or following.file != sentence.file or following.is_furniture \
                or _asks(following.text):
            return reply_ids
        return reply_ids + [following_id]

    def announced(self, sentence_id: int) -> list[int]:
        """What a sentence ending with a colon announces, as the ids of the
        sentences that follow it in its file: the lines up to the next blank
        one ("... is set to deepen:" and the paragraph after), and, when
        those open a list (a short heading such as "Model", or a bullet or
        number), the items after them too, each up to a blank line, while
        they open as the first one did (`_item_kind`). At most
        ANNOUNCED_LINES lines past the colon, and never into a sentence that
        announces something itself."""
        if not self.data.sentence(sentence_id).text.rstrip().endswith(":"):
            return []
        return self.block_after(sentence_id)

    def title_above(self, sentence_id: int) -> int | None:
        """The id of the nearest title (`Layout.is_title`) above the sentence, at
        most ANNOUNCED_LINES sentences up in its file and page, or None."""
        sentence = self.data.sentence(sentence_id)
        earlier_ids = range(sentence_id - 1, max(sentence_id - ANNOUNCED_LINES, 0) - 1, -1)
        # Asked for every candidate of every question: from a remote store,
        # the sentences above come in one request, not one each.
        self.data.prefetch(sentence_ids=earlier_ids)
        for earlier_id in earlier_ids:
            earlier = self.data.sentence(earlier_id)
            if not on_one_page(earlier, sentence):
                return None
            if self.layout.is_title(earlier_id):
                return earlier_id
        return None

    def is_list(self, ids: list[int]) -> bool:
        """Whether sentences `ids` (a block) are items of a list: two or
        more, one with a bullet or a number."""
        sentences = [self.data.sentence(sentence_id) for sentence_id in ids]
        return len(ids) > 1 and any(LIST_ITEM.match(sentence.text) or is_item_mark(sentence)
                                    for sentence in sentences)

    def block_after(self, sentence_id: int) -> list[int]:
        """The ids of the block that follows the sentence (see `announced`):
        its paragraph, or its list with every item, at most ANNOUNCED_LINES
        lines on."""
        sentence = self.data.sentence(sentence_id)
        limit = sentence.line_end + ANNOUNCED_LINES
        ids, previous, listing = [], sentence, None
        for following_id in range(sentence_id + 1, sentence_id + 1 + ANNOUNCED_LINES):
            following = self.data.sentence(following_id)
            if not on_one_page(following, sentence) or following.line_end > limit or \
                    following.text.rstrip().endswith(":") or self.layout.is_title(following_id):
                break
            new_block = following.line_start > previous.line_end + 1  # after a blank line
            if ids and new_block and (listing is None or _item_kind(following.text) != listing):
                break
            # A bulleted list with no blank line after it (as PDF text has)
            # ends at the first line that opens a sentence, capitalized, with
            # no bullet; a line that goes on with an item ("rules for ...")
            # or a sentence within an item's line is still the item's.
            if ids and listing == "marked" and following.line_start > previous.line_end and \
                    _item_kind(following.text) != "marked" and following.text[:1].isupper():
                break
            if not ids:
                listing = _item_kind(following.text)
            ids.append(following_id)
            previous = following
        # An item's mark split off ("0." of "0. Clone the code:", whose item
        # announces something itself) says nothing without its item.
        while ids and is_item_mark(self.data.sentence(ids[-1])):
            ids.pop()
        return ids

    def described_before(self, sentence_id: int) -> int | None:
        """The id of the sentence before, when the sentence only names what
        that one describes ("Alternatively, a Cargo.toml file can be created
        with a [workspace] section but without a [package] section. This is
        called a virtual manifest."): the name alone does not say what the
        thing is. It must stand right before it, in the same paragraph."""
        return self._opened_back_to(sentence_id, NAMES_WHAT_CAME_BEFORE)

    def contrasted_before(self, sentence_id: int) -> int | None:
        """The id of the sentence before, when the sentence opens by
        turning against it (`TURNS_AGAINST`) right after it in the same
        paragraph: "However, you may distribute ..." answers "Can I sell
        it?" only with the "You may not charge a fee ..." it qualifies."""
        return self._opened_back_to(sentence_id, TURNS_AGAINST)

    def _opened_back_to(self, sentence_id: int, opening: re.Pattern) -> int | None:
        """The id of the sentence right before this one in its paragraph,
        no title, when this one opens with `opening`; else None."""
        if not opening.match(self.data.sentence(sentence_id).text) or \
                self._beside_in_paragraph(sentence_id, -1) is None or \
                self.layout.is_title(sentence_id - 1):
            return None
        return sentence_id - 1

    def speaker_before(self, sentence_id: int, text: str) -> int | None:
        """The id of the sentence before, when `text` (the sentence with
        the rest of a quotation it opens) quotes someone it names only
        by a pronoun ("“We have paid $900 million so far,” he said."): a
        quote whose speaker the reader cannot see answers half of "who said
        it". The sentence before in the same file, past blank lines, no
        title or furniture: news puts a quote's paragraph right after the
        one that names its speaker."""
        if not QUOTED.search(text) or not SPEAKER_POINTS_BACK.search(QUOTED.sub(" ", text)):
            return None
        sentence = self.data.sentence(sentence_id)
        before = self.data.sentence(sentence_id - 1) if sentence_id > 0 else None
        if not on_one_page(before, sentence) or before.is_furniture \
                or self.layout.is_title(sentence_id - 1):
            return None
        return sentence_id - 1

    def quotation_opened_at(self, sentence_id: int) -> int | None:
        """The id of the sentence that opens the quotation this one closes,
        when it opens at most QUOTE_SPAN sentences before, on the same page
        ("“Turkey ... also needs F-35 fighter jets ..." before "We have paid
        $900 million so far ...,” he said."); else None. The reverse of
        `claims.quotation_rest`, which reads an opening sentence on to the
        close: a quotation is cited whole, whichever of its sentences
        answers."""
        sentence = self.data.sentence(sentence_id)
        if "”" not in sentence.text and '"' not in sentence.text:
            return None  # closes no quotation: most sentences, read without a look back
        for opening_id in range(sentence_id - 1, max(sentence_id - QUOTE_SPAN, 0) - 1, -1):
            opening = self.data.sentence(opening_id)
            if not on_one_page(opening, sentence):
                return None
            rest = quotation_rest(self.data, opening_id)
            if rest:
                return opening_id if rest[-1] == sentence_id else None
        return None

    def carried_on_by(self, sentence_id: int) -> int | None:
        """The id of the next sentence when it stands right after this one
        in its paragraph and opens by pointing back to it (`CARRIES_ON`:
        "It should arrive in May." after "We are buying a second electric
        ferry."), else None."""
        following = self._beside_in_paragraph(sentence_id, 1)
        if following is None or not CARRIES_ON.match(following.text):
            return None
        return sentence_id + 1

    def reason_after(self, sentence_id: int) -> list[int]:
        """[the next sentence] when the sentence gives no reason and the next
        one, right after it in the same paragraph, opens by pointing back to
        it and gives one ("Maintainers should not override the interpreter
        using /usr/bin/env. This is not advisable as it bypasses Debian's
        dependency checking."): the answer to a "why" question; else []."""
        following = self._beside_in_paragraph(sentence_id, 1)
        if following is None or REASON.search(self.data.sentence(sentence_id).text) \
                or not POINTS_BACK.match(following.text) or not REASON.search(following.text):
            return []
        return [sentence_id + 1]

    def _beside_in_paragraph(self, sentence_id: int, step: int) -> Sentence | None:
        """The sentence right before (`step` -1) or after (1) this one, when
        it is in the same paragraph and no furniture; else None. The readers
        of a sentence next door in its paragraph (`_opened_back_to`,
        `carried_on_by`, `reason_after`, and a told question's reply in
        `answer_after`) each read it so."""
        other_id = sentence_id + step
        other = self.data.sentence(other_id) if other_id >= 0 else None
        if other is None or other.is_furniture:
            return None
        sentence = self.data.sentence(sentence_id)
        earlier, later = (other, sentence) if step < 0 else (sentence, other)
        return other if _in_one_paragraph(earlier, later) else None

    def as_cited(self, sentence_id: int, asks_why: bool = False,
                 read_back_to: int | None = None) -> tuple[Sentence, list[int]]:
        """The sentence as an answer cites it, and the ids of the sentences
        after it that it reads on to. It reads on where it does not stand
        alone, as one citation from its first line to the last line read:
        - to the end of a quotation it opens, where the speaker is named
          ("... Our offer has expired,” a US State Department official told
          CNN."): a quote without its speaker answers half the question;
          and back to where a quotation it closes opens
          (`quotation_opened_at`): a quotation is cited whole, and the
          readings back below start from its first sentence;
        - past a question it asks, to the next sentence, which answers it
          (an FAQ's "Where is the serial number? It is printed under the
          battery cover."): a question is no answer;
        - past a sentence that ends with a colon, to what it announces ("The
          kit contains four parts:" and the parts; `announced`);
        - past a section's title, to the section's first sentence
          (`section_opening`): a title alone says nothing;
        - to the next sentence when it gives the reason a "why" question
          asks for (`reason_after`);
        - back to the sentence before when it only names what that one
          describes ("This is called a virtual manifest."; `described_before`),
          or to `read_back_to`, the sentence before that the caller found it
          carries on from ("By far the most famous work is the Bayeux
          Tapestry. It was commissioned by Odo."; `carried_on_by`), or to
          the sentence that names a quote's "he" (`speaker_before`), or to
          the one a sentence opening "However, ..." qualifies
          (`contrasted_before`);
        - back to the heading of an item of a definition list (`heading`)."""
        sentence = self.data.sentence(sentence_id)
        # The first sentence of the quotation this one is part of: itself,
        # or the one that opens the quotation it closes.
        first_id = self.quotation_opened_at(sentence_id)
        if first_id is not None:
            sentence = spanning([self.data.sentence(index)
                                 for index in range(first_id, sentence_id + 1)])
        else:
            first_id = sentence_id
        quoted_ids = quotation_rest(self.data, sentence_id)
        rest_ids = quoted_ids or self.answer_after(sentence_id) or \
            self.announced(sentence_id) or self.section_opening(sentence_id) or \
            (self.reason_after(sentence_id) if asks_why else [])
        rest = [self.data.sentence(index) for index in rest_ids]
        if rest and all(other.page == sentence.page for other in rest):
            sentence = spanning([sentence] + rest)
        else:
            rest_ids = []
        before_id = self.described_before(first_id)
        if before_id is None and read_back_to is not None and read_back_to < first_id:
            before_id = read_back_to
        if before_id is None:
            before_id = self.contrasted_before(first_id)
        if before_id is None:
            quotation = " ".join(self.data.sentence(index).text
                                 for index in [*range(first_id, sentence_id + 1), *quoted_ids])
            before_id = self.speaker_before(first_id, quotation)
        if before_id is not None:
            sentence = spanning([self.data.sentence(before_id), sentence])
        heading_id = self.layout.heading(sentence_id)
        heading = self.data.sentence(heading_id) if heading_id is not None else None
        # "Parser Takes a sequence ...": what it is about, on the line
        # right above (or the block above, in extracted text, which puts a
        # blank line after every block). A title across a blank line or a
        # rule ("## Shims"), or a web page's or document's heading, which
        # its extractor marks so, is the section's, read for meaning only:
        # the citation keeps to the lines that say it. A row of a table is
        # cited alone, not with every row up to the header.
        if heading is not None and CELL_SEPARATOR not in sentence.text and (
                heading.line_end + 1 == sentence.line_start
                or (sentence.extracted and not self.layout.is_title(heading_id))):
            sentence = replace(sentence, line_start=heading.line_start,
                               char_start=heading.char_start,
                               text=f"{unmarked(heading.text)} {sentence.text}")
        return sentence, rest_ids


def _item_kind(text: str) -> str | None:
    """How `text` opens an item of a list: "marked" (a bullet, a number),
    "headed" (a short heading), or None (no item: prose). A list goes on
    while its items open the same way."""
    if LIST_ITEM.match(text):
        return "marked"
    return "headed" if len(text.split()) <= ITEM_HEADING_WORDS else None


def _in_one_paragraph(earlier: Sentence, later: Sentence) -> bool:
    """Whether `later` follows `earlier` in its paragraph: the same file and
    page, with no blank line between them."""
    return on_one_page(later, earlier) and later.line_start <= earlier.line_end + 1


def _is_reply(sentence: Sentence) -> bool:
    """Whether the sentence is a one-word reply ("Yes.", "No!", "Nothing."),
    which the answerer sets aside as furniture for its one word."""
    return sentence.is_furniture and REPLY.fullmatch(sentence.text.strip()) is not None


def _asks(text: str) -> bool:
    """Whether a sentence is a question (a closing quote or bracket after
    its "?" aside)."""
    return text.rstrip(" \"'”’)").endswith("?")
