"""A follow-up question read with the question before it.

In a chat people ask "Who is Mark Esper?" and then "What did he say about
Turkey?". The second names nobody: retrieval finds lines about Turkey, and
the answerer cannot tell whose words are asked for. So a pronoun that
points out of its own question ("he", "it", "their": nothing before it in
the question can be what it stands for) is read as what the question
before asked about, and the question is asked so: "What did Mark Esper say
about Turkey?". The answer shows the question as it was read, so a wrong
reading is seen at once and can be asked again in full. Two shorter
follow-ups are read the same way: a wh-word alone ("And when?") asks the
question before again by that word, and "What about India?" asks it of
India, in place of the part of the same kind (a place for a place, by the
named entities; or its only part: "What is the S-400?" + "And the
Su-57?").

What a pronoun stands for is chosen by the parser (`syntax.parsed_with_names`):
the parts of the question before that can be pointed at (its subject
first, then what "is" links it to, its object, the objects of its
prepositions), filtered by the pronoun: "he", "she" and "his" need a
person's name, and only one (of "Where did Putin and Erdogan meet?", "he"
could be either, so nothing is read into it); "they" needs a plural or a
pair; "it" and "its" need a thing, one. A "who" question that asks for a
person by what they did ("Who wrote the report?") is answered by a name
the question does not hold, so a "he" after it is left as it is. Without
a fitting part, or without the parser, the question is asked as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .syntax import SUBJECT_RELATIONS as NOUN_SUBJECTS, ParserUnavailable, parsed_with_names

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs"})
THING_PRONOUNS = frozenset({"it", "its"})
POINTING_PRONOUNS = PERSON_PRONOUNS | PLURAL_PRONOUNS | THING_PRONOUNS
# The parts of a question a later pronoun may point at, most likely first:
# subjects carry on from sentence to sentence more often than objects do.
PART_ORDER = {"nsubj": 0, "nsubjpass": 0, "attr": 1, "dobj": 2, "dative": 3, "pobj": 3}
WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
# What a part stops at: a clause about it ("the deal that Turkey signed")
# is no part of its name.
CLAUSE_RELATIONS = frozenset({"relcl", "acl", "advcl", "punct", "cc"})
# A pronoun that holds a clause's place ("Is it true that ...", "How long
# did it take to ...") stands for nothing.
HELD_CLAUSES = frozenset({"ccomp", "xcomp", "csubj"})
EXTRAPOSING = frozenset({"be", "take", "seem", "appear", "cost", "matter", "happen"})
PERSON_ENTITIES = frozenset({"PERSON"})
# "Who said it?": what is said is a statement, not a thing the question
# before named.
SAYING = frozenset({"say", "tell", "state", "claim", "announce", "report", "mention",
                    "confirm", "deny", "explain", "suggest", "add", "note"})


@dataclass(frozen=True)
class Part:
    """A part of the question before that a pronoun may stand for."""
    text: str
    person: bool  # a person's name
    plural: bool  # a plural noun, or two or more joined ("Putin and Erdogan")
    kind: str = ""  # the named entity's label of its head ("GPE", "ORG"), if any
    start: int = 0  # its words in the question before, [start, end)
    end: int = 0


def _is_plural(head) -> bool:
    # The tagger calls "F-35" and "S-300" plural; a plural ends in "s".
    return any(child.dep_ == "conj" for child in head.children) or (
        head.tag_ in ("NNS", "NNPS") and head.lower_.endswith("s"))


def _part_words(head) -> list:
    """The words of the part headed by `head`, without clauses about it."""
    dropped = set()
    for child in head.children:
        if child.dep_ in CLAUSE_RELATIONS and child.dep_ != "cc":
            dropped.update(token.i for token in child.subtree)
    words = [token for token in head.subtree if token.i not in dropped]
    # "and" stays between joined names; a comma or clause at the end goes.
    while words and (words[-1].is_punct or words[-1].dep_ == "cc"):
        words.pop()
    return words


# Small words inside a title ("To Kill a Mockingbird", "Lord of the Flies").
TITLE_JOINERS = frozenset({"a", "an", "the", "of", "and", "to", "in", "on", "for", "at", "by"})


def _capitalized(token) -> bool:
    return token.text[:1].isupper() and token.tag_ not in WH_TAGS


def _whole_title(previous, start: int, end: int) -> tuple[int, int]:
    """The span [start, end) grown over the capitalized words around it: the
    parser reads a title as words of the sentence ("To Kill a Mockingbird"
    as a verb and its object), but it names one thing. The question's first
    word is capitalized for being first, so it is not taken in."""
    while start > 1:
        word = previous[start - 1]
        if _capitalized(word):
            start -= 1
        elif word.lower_ in TITLE_JOINERS and start > 2 and _capitalized(previous[start - 2]):
            start -= 2
        else:
            break
    while end < len(previous):
        word = previous[end]
        if _capitalized(word):
            end += 1
        elif word.lower_ in TITLE_JOINERS and end + 1 < len(previous) \
                and _capitalized(previous[end + 1]):
            end += 2
        else:
            break
    return start, end


def _parts(previous) -> list[Part]:
    """The parts of the parsed question `previous`, most likely first."""
    found = []
    for token in previous:
        if token.dep_ not in PART_ORDER or token.pos_ not in ("NOUN", "PROPN"):
            continue
        words = _part_words(token)
        if not words or any(word.tag_ in WH_TAGS or word.pos_ == "PRON" for word in words):
            continue
        start, end = words[0].i, words[-1].i + 1
        if _capitalized(token) and [word.i for word in words] == list(range(start, end)):
            start, end = _whole_title(previous, start, end)
        text = previous[start:end].text
        if start == 0 and previous[0].pos_ == "DET":
            text = text[:1].lower() + text[1:]  # "The deal ..." opened the question
        # A person by the part's head: "the Patriot offer" is an offer.
        person = token.ent_type_ in PERSON_ENTITIES
        found.append((PART_ORDER[token.dep_], token.i, Part(
            text, person, _is_plural(token), token.ent_type_, start, end)))
    parts, said = [], set()
    for _, _, part in sorted(found, key=lambda item: item[:2]):
        # A name said twice ("Who is X? What did X say?") is one part.
        if part.text.lower() not in said:
            said.add(part.text.lower())
            parts.append(part)
    return parts


def _asks_for_a_person(previous) -> bool:
    """A "who" question that asks who did something ("Who wrote it?"): its
    answer is a name it does not hold."""
    return any(token.lower_ in ("who", "whom") and token.dep_ in ("nsubj", "nsubjpass", "dobj")
               for token in previous)


def _stands_for(pronoun: str, parts: list[Part], previous) -> Part | None:
    if pronoun in PERSON_PRONOUNS:
        people = [part for part in parts if part.person and not part.plural]
        if len(people) == 1:
            return people[0]
        if people or _asks_for_a_person(previous):
            return None
        # "Who is India's Defense Minister?": the one asked for by a role.
        asks_who = any(token.lower_ == "who" and token.dep_ == "attr" for token in previous)
        roles = [part for part in parts if not part.plural]
        return roles[0] if asks_who and roles else None
    if pronoun in PLURAL_PRONOUNS:
        return next((part for part in parts if part.plural), None)
    things = [part for part in parts if not part.plural]
    # A thing first; a one-word name the tagger took for a person ("Spectre")
    # when it is all the question before names.
    return next((part for part in things if not part.person),
                things[0] if len(parts) == 1 and things else None)


def _points_out(pronoun, question) -> bool:
    """Whether nothing before `pronoun` in its question can be what it
    stands for: no noun or name before it, or only its own clause's
    subject before an object pronoun ("Did Turkey buy it?"; the subject
    would be "itself")."""
    if pronoun.dep_ == "expl" or (pronoun.lower_ == "it" and pronoun.head.lemma_ in EXTRAPOSING
                                  and any(child.dep_ in HELD_CLAUSES and child.i > pronoun.i
                                          for child in pronoun.head.children)):
        return False
    if pronoun.lower_ == "it" and pronoun.dep_ == "dobj" and pronoun.head.lemma_ in SAYING:
        return False
    # The nouns a wh-word asks with ("Which TV channel did he ...", "How many
    # people did it ...") name nothing.
    asked_with = {word.i for token in question if token.pos_ in ("NOUN", "PROPN") and any(
        word.tag_ in WH_TAGS and word.i < token.i for word in token.subtree)
        for word in token.subtree if word.i <= token.i}
    before = [token for token in question[:pronoun.i] if token.pos_ in ("NOUN", "PROPN")
              and token.i not in asked_with]
    if not before:
        return True
    if pronoun.dep_ not in ("dobj", "dative", "pobj"):
        return False
    verb = pronoun.head if pronoun.dep_ != "pobj" else pronoun.head.head
    subjects = [child for child in verb.children if child.dep_ in NOUN_SUBJECTS]
    own_subject = {token.i for subject in subjects for token in subject.subtree}
    return all(token.i in own_subject for token in before)


# A wh-word alone ("When?", "And why?", "How much?") asks the question
# before again, by that word.
BARE_WH = re.compile(r"^\s*(?:(?:and|but|so|ok|okay)\b[,\s]*)?(?P<wh>who|what|when|where|why"
                     r"|how(?:\s+(?:many|much|long|often|far|old))?)\s*[?.!]*\s*$", re.IGNORECASE)
# "What about India?", "And India?": the question before, asked of another.
ANOTHER = re.compile(r"^\s*(?:(?:and\s+)?(?:what|how)\s+about|and)\s+(?P<other>[^?]+?)"
                     r"\s*[?.!]*\s*$", re.IGNORECASE)
SUBJECT_RELATIONS = frozenset(NOUN_SUBJECTS) | {"csubj"}  # a wh-word may be either


def _asked_again_by(wh: str, before) -> str | None:
    """The question `before` asked by the wh-word `wh` in place of its own
    ("Where was the S-400 delivered?" + "When?"), or put before it when it
    asked yes or no ("Did Turkey pay?" + "Why?"). None when its own wh-word
    is its subject or what "is" links it to ("Who paid?": "When paid?" asks
    nothing, nor does "Why is X?" of "What is X?")."""
    first = before[0]
    if first.pos_ == "AUX":
        rest = before.text
        rest = rest[:1].lower() + rest[1:]
    elif first.tag_ in WH_TAGS:
        if first.dep_ in SUBJECT_RELATIONS | {"attr"}:  # "Who paid?", "What is X?"
            return None
        end = 1
        if first.dep_ == "det" and first.head.pos_ == "NOUN":  # "which country", "what year"
            if first.head.dep_ in SUBJECT_RELATIONS:
                return None
            end = first.head.i + 1
        elif first.lower_ == "how" and len(before) > 1 and before[1].pos_ in ("ADV", "ADJ"):
            end = 2
        if end < len(before) and before[end].dep_ in SUBJECT_RELATIONS | {"attr"} \
                and before[end].tag_ in WH_TAGS:
            return None
        rest = before[end:].text
    else:
        return None
    return f"{wh[:1].upper()}{wh[1:].lower()} {rest}"


def _asked_of(question: str, found: re.Match, before) -> str | None:
    """The question `before` with the other thing `question` asks about
    (`found`: ANOTHER's match) in place of its part of the same kind ("How
    much did Turkey pay?" + "What about India?": a place for a place), or
    of its only part ("What is the S-400?" + "And the Su-57?"); None when
    no one part fits."""
    other = found["other"]
    if re.search(r"['’]s?$", other):
        return None  # "And Turkey's?": whose what, the question before must say
    start, end = found.span("other")
    # Named entities are read in the question (a name alone is too little),
    # by the word the rest hangs on: "the second batch" is no ordinal.
    words = [token for token in parsed_with_names(question)
             if token.idx >= start and token.idx + len(token) <= end]
    roots = [token for token in words if not (start <= token.head.idx < end)
             or token.head.i == token.i]
    if not any(root.pos_ in ("NOUN", "PROPN", "NUM") for root in roots):
        return None  # "And then?", "What about it?": nothing named to ask of
    kinds = {root.ent_type_ for root in roots if root.ent_type_}
    parts = _parts(before)
    same = [part for part in parts if part.kind in kinds] if kinds else []
    if not kinds and len(parts) == 1:
        same = parts
    if len(same) != 1:
        return None
    part = same[0]
    head, tail = before[:part.start].text_with_ws, before[part.end:].text
    if part.end < len(before) and before[part.end - 1].whitespace_:
        tail = " " + tail
    return (head + other + tail).strip()


QUESTION_OPENERS = ("who", "whom", "whose", "what", "when", "where", "why", "how", "which",
                    "is", "are", "was", "were", "do", "does", "did", "can", "could", "has",
                    "have", "had", "will", "would", "should")
# "Who is Mark Esper and what did he say about the F-35?": two questions
# joined by "and" before a wh-word. Each side must be a question of its own
# (it opens with a wh-word or a verb); "... and what other boats?" asks
# one thing.
COMPOUND = re.compile(
    rf"^(?P<first>(?i:{'|'.join(QUESTION_OPENERS)})\b.*?\S.*?)[,;]?\s+and\s+"
    rf"(?P<second>(?i:{'|'.join(QUESTION_OPENERS[:9])})\b[^?]*)\?*\s*$", re.IGNORECASE)
COMPOUND_MIN_WORDS = 3


def compound_parts(question: str) -> tuple[str, str] | None:
    """The two questions a compound question asks, the second a follow-up
    of the first (asked with it as the question before: "What did he say
    ...?" after "Who is Mark Esper?"); None for a question that asks one
    thing ("Where and when was it delivered?", "Who did X and Y?"), or
    whose second is a wh-word alone that the first cannot be asked again
    by ("Who is X and what?")."""
    found = COMPOUND.match(question)
    if not found:
        return None
    first, second = found["first"].strip(" ,;"), found["second"].strip()
    if len(first.split()) < COMPOUND_MIN_WORDS:
        return None
    bare = BARE_WH.match(second)
    if len(second.split()) < COMPOUND_MIN_WORDS and not bare:
        return None
    if len(second.split()) > 1 and second.split()[1].lower() in ("other", "else"):
        return None  # "... and what other boats?"
    parts = f"{first}?", f"{second[:1].upper()}{second[1:]}?"
    if bare and read_with(parts[1], parts[0]) == parts[1]:
        return None
    return parts


def read_with(question: str, previous: str | None) -> str:
    """`question` read with `previous`, the question before: a wh-word
    alone asks `previous` again by that word (`BARE_WH`), "What about X?"
    asks it of X (`ANOTHER`), and each pronoun that points out of the
    question is written as the part of `previous` it stands for.
    `question` itself when none of these fits, when there is no
    `previous`, or without the parser."""
    if not previous or not previous.strip() or question.strip() == previous.strip():
        return question
    bare, another = BARE_WH.match(question), ANOTHER.match(question)
    if bare or another:
        try:
            before = parsed_with_names(previous)
            asked = _asked_again_by(bare["wh"], before) if bare else \
                _asked_of(question, another, before)
        except ParserUnavailable:
            return question
        return asked or question
    if not any(word.strip("?.,!;:").lower() in POINTING_PRONOUNS for word in question.split()):
        return question  # most questions: no parse
    try:
        parsed = parsed_with_names(question)
        before = parsed_with_names(previous)
    except ParserUnavailable:
        return question
    parts = _parts(before)
    pieces = []
    changed = False
    for token in parsed:
        word = token.lower_
        part = None
        if word in POINTING_PRONOUNS and token.pos_ == "PRON" \
                and _points_out(token, parsed):
            part = _stands_for(word, parts, before)
        if part is None:
            pieces.append(token.text_with_ws)
            continue
        text = part.text
        if token.tag_ == "PRP$" or word in ("hers", "theirs"):
            text += "'" if text.endswith("s") else "'s"
        if token.i == 0:
            text = text[:1].upper() + text[1:]
        pieces.append(text + token.whitespace_)
        changed = True
    return "".join(pieces) if changed else question
