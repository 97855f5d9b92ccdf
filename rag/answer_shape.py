"""What kind of answer a question asks for, and what kinds a sentence holds.

Both are coarse and hold for any collection: a question's class comes from
its wh-word ("who", "how many", "what year"), and a sentence's shapes are
surface facts (it holds a number the question does not, not counting the
"(1)", "(2)" that number a list's items inside it, a year, a month, a
currency or percent sign, a capitalized name the question does not, or it
says what a thing the question names is, or what the very thing it asks
about is). No
rule here decides anything: the answer model (`rag/answering.py`) has one
feature per (question class, sentence shape) pair and learns from data how
much each pairing counts, so "who" questions learn to favour new names and
"how many" questions new numbers without a rule saying so.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .keyword import fold, raw_tokens, stopwords, tokenize

QUESTION_CLASSES = ("who", "when", "where", "quantity", "why", "how", "what", "other")
SHAPES = ("number", "year", "month", "money_percent", "name", "defines", "defines_asked")

QUESTION_WORDS = ("who", "whom", "whose", "when", "where", "why", "how", "what", "which")
WH_WORD = re.compile(rf"\b({'|'.join(QUESTION_WORDS)})\b")
# ... typed with or without its apostrophe ("whats", "wheres").
CONTRACTION = re.compile(r"^(what|who|where|when|how|why)'?s$|'(?:s|re|d|ll|ve)$")
# Words after "how" that ask for an amount ("how many", "how long ago").
AMOUNT_AFTER_HOW = {"many", "much", "long", "old", "far", "big", "large", "tall", "high",
                    "often", "fast", "deep", "wide", "heavy"}
# Words after "what"/"which" that ask for a time.
TIME_AFTER_WHAT = {"year", "years", "date", "day", "month", "century", "decade", "time", "era"}
# Typed queries often start with the noun of what they want ("date of the
# treaty", "number of employees"): the class its wh-question would have.
LEADING_NOUN_CLASS = {"date": "when", "year": "when", "day": "when", "month": "when",
                      "number": "quantity", "amount": "quantity", "price": "quantity",
                      "cost": "quantity", "place": "where", "location": "where",
                      "name": "what", "reason": "why"}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})s?$")
MONEY_OR_PERCENT = re.compile(r"[$€£¥%]|\bper ?cent\b|\bpercent\b", re.IGNORECASE)
WORD = re.compile(r"[^\s\"'“”‘’()\[\]]+")
# A list's item number inside a sentence: "(1)", "(2)".
ENUMERATOR = re.compile(r"\((\d)\)")
# A sentence that says what something is: it opens with a short subject, an
# aside in brackets allowed ("Spectre (2015) is the twenty-fourth ...",
# "“Contributor” means ..."), then "is a", "are the", "means" or the like.
# The article may stand before a quoted term ('A "library" means ...').
DEFINITION = re.compile(r"^(?:(?:[Aa]n?|[Tt]he)\s+(?=[\"'“‘]))?[\"'“‘]?(?P<subject>[^,;:.!?()\"“”]{1,80}?)[\"'”’]?\s+(?:\([^)]*\)\s*)*"
                        r"(?P<verb>(?:is|are|was|were)\s+(?:a|an|the|one)\b|means\b|refers to\b)")
DEFINED_SUBJECT_WORDS = 6
DEFINITION_READS = 300  # characters; no sentence of the training corpora defines later
# Words a defined subject may hold besides content words ("the Duchy of
# Normandy"), and pronouns and words that open a clause, which the keyword
# stop list lacks: a subject holding one is no thing being defined.
SUBJECT_JOINERS = frozenset({"the", "a", "an", "of", "and", "for", "in", "on"})
CLAUSE_WORDS = frozenset("""he she it they we you i this these those that while because
though although when whereas if since despite upon among after before as""".split())


# Courtesy a request may open with ("Hi, ...", "Ok so ..."), before what it asks.
COURTESY_OPENING = r"(?:(?:please|so|ok|okay|hi|hello|hey)\b[,!]?\s+)*"


# A request around a wh-question ("Can you tell me who ...", "I'd like to
# know when ...", "Explain how ..."): words that ask, not what is
# asked. Read with the question, they weigh in its meaning and its words as
# much as what it asks (asked of the sample articles so, the answer model's
# confidence in "who is India's Defense Minister?" fell from 0.49 to 0.13).
REQUEST = re.compile(
    COURTESY_OPENING +
    r"(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?(?:tell|show|explain\s+to)\s+me"
    r"|(?:please\s+)?(?:tell|show|explain\s+to)\s+me"
    r"|(?:please\s+)?(?:explain|describe|summari[sz]e)"
    r"|i(?:\s+(?:want|wish|need|would\s+like)|['’]d\s+like)\s+to\s+know"
    r"|i\s+(?:wonder|was\s+wondering)|do\s+you\s+know)\b[,:]?\s+"
    rf"(?=(?:{'|'.join(QUESTION_WORDS)})\b)", re.IGNORECASE)
# ... and courtesy at its end ("..., please?", "... Thanks!").
TRAILING_COURTESY = re.compile(r"([?.!]?)[,\s]+(?:please|thanks(?: a lot)?|thank you|thx)[?.!]*$",
                               re.IGNORECASE)


# A question asked inside a request keeps a statement's order: "who Mevlut
# Cavusoglu is", "what the S-400 is". Its copula, last, goes back after the
# wh-word, so it reads as the question it is ("Who is Mevlut Cavusoglu?").
# Only a subject that opens as a subject does (a capital, an article, a
# possessive, a pronoun) is moved over: in "what year it was" the wh-word
# asks with the noun after it.
EMBEDDED_COPULA = re.compile(
    r"^(?P<wh>(?i:who|what|where|when|why|how\s+(?:"
    + "|".join(sorted(AMOUNT_AFTER_HOW)) + r")))\s+"
    r"(?P<subject>(?:[A-Z]|(?i:the|a|an|this|that|these|those|his|her|its|their|our|my|your"
    r"|it|he|she|they|we|you)\b)[^?.!]*?)\s+(?P<copula>(?i:is|are|was|were))\s*[?.!]*\s*$")


# Words people open a spoken question with ("And who is ...", "Ok so what
# is ...", "Hey, where ..."), before its wh-word or its verb.
OPENERS = re.compile(
    r"^(?:(?:and|so|ok|okay|hi|hello|hey|well|also|but|then|now|um|uh|oh)\b[,!]?\s+)+"
    rf"(?=(?:{'|'.join(QUESTION_WORDS)}|is|are|was|were|do|does|did|can|could|has|have|will"
    r"|would|should)\b)", re.IGNORECASE)
# "Who's", "what's", "where're": the wh-word's verb, written out, so that
# "Who's Mark Esper?" asks what "Who is Mark Esper?" asks; typed, the
# apostrophe is often left out ("whats"). "'s" before "been" or "got" is "has";
# "who's" before a common noun is typed for "whose" ("Who's death ...").
WH_CONTRACTION = re.compile(r"^(?P<wh>who|what|where|when|how|why)(?P<verb>['’]?s|['’]re)\b"
                            r"(?P<next>\s+\w+)?", re.IGNORECASE)


def _written_out(match: re.Match) -> str:
    following = match["next"] or ""
    word = following.strip()
    if (match["wh"].lower() == "who" and word and not word[:1].isupper()
            and word.lower() not in {"the", "a", "an", "been", "got", "this", "that"}):
        return match.group()  # "Who's death caused ...": typed for "whose"
    if match["verb"].lower().endswith("re"):
        verb = "are"
    else:
        verb = "has" if word.lower() in {"been", "got"} else "is"
    return f"{match['wh']} {verb}{following}"


# A request for what the documents say about something ("Tell me about
# Idlib", "What do the articles say about the Patriot offer?", "Anything on
# Mark Esper?"): what is asked is that thing, and the request's words only
# pull away from it (asked of the sample articles, "Tell me about Mark
# Esper." was related lines at confidence 0.23, "Mark Esper?" answered at
# 0.63 from the line that says who he is).
ABOUT_REQUEST = re.compile(
    "^" + COURTESY_OPENING +
    r"(?:(?:(?:can|could|would|will)\s+(?:you|u)\s+)?(?:please\s+)?tell\s+me"
    r"|i(?:\s+(?:want|wish|need|would\s+like)|['’]d\s+like)\s+to\s+(?:know|learn|read)"
    r"|what\s+(?:do|does|did)\s+(?:the|these|this|those|my|our|your)\s+(?:articles?|documents?"
    r"|texts?|files?|sources?|notes?|papers?|docs)\s+say"
    r"|(?:is\s+there\s+)?anything|(?:any\s+)?(?:information|info|details|facts|news))"
    r"\s+(?:(?:something|anything|more|everything|all)\s+)?(?:about|on|regarding|concerning)"
    r"\s+(?P<topic>.*\w.*?)[\s?.!]*$", re.IGNORECASE)


# A request for a thing by its name ("Give me the death toll of the
# earthquake", "Name the director of Spectre", "I need the population of
# New York City"): what is asked is the thing, as when it is typed alone.
THING_REQUEST = re.compile(
    "^" + COURTESY_OPENING +
    r"(?:(?:(?:can|could|would|will)\s+(?:you|u)\s+)?(?:please\s+)?(?:give|show|find|get)\s+me"
    r"|(?:please\s+)?(?:name|list|identify)"
    r"|i\s+(?:need|want|am\s+looking\s+for)|i['’]m\s+looking\s+for)"
    rf"\s+(?!(?:{'|'.join(QUESTION_WORDS)}|about|if|whether|that|to|you|me|it|a\s+question)\b)"
    r"(?P<thing>.*\w.*?)[\s?.!]*$", re.IGNORECASE)


# A label before a question pasted from a list or a form ("1. Where ...",
# "2) Who ...", "Q: When ...", "Question 3: ..."): no part of what is asked
# (read as a number the question names, "1." sent the answer to related lines).
LABEL = re.compile(r"^\s*(?:\(?\d{1,3}[.)]|(?:q|question|query)\s*\d{0,3}\s*[:.)\-])\s+(?=\S)",
                   re.IGNORECASE)


def plain_question(question: str) -> str:
    """The question without a request around it (REQUEST) or courtesy at
    its end: "Can you tell me who is India's Defense Minister, please?"
    asks "Who is India's Defense Minister?", "Please tell me who Mevlut
    Cavusoglu is." asks "Who is Mevlut Cavusoglu?" (EMBEDDED_COPULA), and
    "Who paid? Thanks!" "Who paid?". Spoken openers go ("And who's Mark
    Esper?" asks "Who is Mark Esper?"; OPENERS, WH_CONTRACTION). A question
    with no wh-word after the request asks about what it names ("Can you
    tell me about Idlib?" asks "Idlib?"; ABOUT_REQUEST), or for it ("Give
    me the death toll" asks "the death toll?"; THING_REQUEST)."""
    labelled = LABEL.match(question)
    if labelled and len(question[labelled.end():].split()) >= 2:
        question = question[labelled.end():]
    opened = OPENERS.match(question)
    if opened and len(question[opened.end():].split()) < 2:
        opened = None  # "So what?" is what it says
    spoken = question[opened.end():] if opened else question
    uncourteous = TRAILING_COURTESY.sub(lambda match: match.group(1), spoken)
    about = ABOUT_REQUEST.match(uncourteous)
    if about:
        return about["topic"].strip(" ,;:") + "?"
    thing = THING_REQUEST.match(uncourteous)
    if thing:
        return thing["thing"].strip(" ,;:") + "?"
    match = REQUEST.match(spoken)
    plain = spoken[match.end():] if match else spoken
    plain = WH_CONTRACTION.sub(_written_out, plain)
    plain = TRAILING_COURTESY.sub(lambda match: match.group(1) or "?", plain)
    if not plain.strip(" ?.!"):
        return question
    if not match:
        return plain[:1].upper() + plain[1:] if opened else plain
    embedded = EMBEDDED_COPULA.match(plain)
    if embedded:
        plain = f"{embedded['wh']} {embedded['copula']} {embedded['subject']}"
    # What a request asks is a question, however it ended.
    plain = plain.rstrip(" .!?") + "?"
    return plain[:1].upper() + plain[1:]


# "Who is Mark Esper?", "Who was Frank Shuman?": a question that asks what a
# named one is, not for a person; answered as "What is X?" is. A name is a
# run of capitalized words (with "of", "de", "van" and the like inside it);
# "Who is India's Defense Minister?" asks for a person by a role, and
# "Who is the head of Rostec?" opens with "the".
NAME_JOINERS = "of|de|del|da|van|von|der|al|bin|ibn|le|la"
NAME_JOINER_WORDS = frozenset(NAME_JOINERS.split("|"))
IDENTITY = re.compile(r"^\s*(?i:who)\s+(?i:is|was)\s+(?P<name>[A-Z][\w.-]*"
                      rf"(?:\s+(?:(?:{NAME_JOINERS})\s+)?[A-Z][\w.-]*){{0,4}})"
                      r"\s*\?*\s*$")


def asked_name(question: str) -> str | None:
    """The name an identity question asks about (IDENTITY), or None."""
    match = IDENTITY.match(question)
    return match.group("name") if match else None


# The same question typed in one case throughout ("who is mark esper",
# "WHO IS ERDOGAN"): whether it asks about a name, only the documents tell.
IDENTITY_ONE_CASE = re.compile(r"^\s*who\s+(?:is|was)\s+(?P<name>[^\W\d_][\w.'-]*"
                               r"(?:\s+[^\W\d_][\w.'-]*){0,4})\s*\?*\s*$", re.IGNORECASE)
OPENS_SENTENCE = re.compile(r"(?:^|[.!?:;\"“‘(\[]\s*)$")


def name_as_written(question: str, texts) -> str:
    """An identity question typed in one case, with its name as `texts` (the
    retrieved sentences) write it: "who is erdogan" asks "who is Erdogan"
    when they write "Erdogan" inside a sentence, so it is read as "Who is
    Erdogan?" is (`asked_name`). A name they never write capitalized past a
    sentence's start ("who is responsible") is no name; the question is
    returned as it is."""
    match = IDENTITY_ONE_CASE.match(question)
    if not match:
        return question
    name = match.group("name")
    if not (name.islower() or name.isupper()):
        return question
    words = name.split()
    pattern = re.compile(r"(?<![\w-])" + r"\s+".join(re.escape(word) for word in words)
                         + r"(?![\w-])", re.IGNORECASE)
    for text in texts:
        for found in pattern.finditer(text):
            written = found.group()
            capitalized = all(word[:1].isupper() for word in written.split()
                              if word.lower() not in NAME_JOINER_WORDS)
            if capitalized and not OPENS_SENTENCE.search(text[:found.start()]):
                return question[:match.start("name")] + " ".join(written.split()) \
                    + question[match.end("name"):]
    return question


def question_class(question: str) -> str:
    """The class of answer a question asks for, from its first wh-word; "Who
    is X?" of a name X asks what X is, as "What is X?" does."""
    if asked_name(question) is not None:
        return "what"
    words = fold(question).split()
    for position, word in enumerate(words):
        # "What's", "who's", "where're": the wh-word without its contraction.
        match = WH_WORD.fullmatch(CONTRACTION.sub(r"\1", word.strip("?,.;:!\"'()")))
        if not match:
            continue
        wh = match.group(1)
        following = words[position + 1].strip("?,.;:!\"'()") if position + 1 < len(words) else ""
        if wh in ("who", "whom", "whose"):
            return "who"
        if wh in ("when", "where", "why"):
            return wh
        if wh == "how":
            return "quantity" if following in AMOUNT_AFTER_HOW else "how"
        return "when" if following in TIME_AFTER_WHAT else "what"
    first = words[0].strip("?,.;:!\"'()") if words else ""
    return LEADING_NOUN_CLASS.get(first, "other")


def sentence_shapes(text: str, question_words: frozenset[str],
                    asked: frozenset[str] = frozenset(), term: str | None = None
                    ) -> dict[str, bool]:
    """Which shapes of answer `text` holds beyond what the question says.
    `question_words` are the question's `raw_tokens`, `asked` its content
    words as the keyword index stems them (`keyword.question_weights`),
    `term` what the sentence describes, standing over it
    (`Layout.described_term`), if anything."""
    shapes = dict.fromkeys(SHAPES, False)
    words = WORD.findall(_without_enumerators(text))
    for position, word in enumerate(words):
        tokens = raw_tokens(word)
        if not tokens or tokens[0] in question_words:
            continue
        token = tokens[0]
        if any(char.isdigit() for char in token):
            shapes["number"] = True
            if YEAR.match(token):
                shapes["year"] = True
        elif token in MONTHS and word[:1].isupper():
            shapes["month"] = True
        # A capital past a sentence's first word marks a name.
        if position and word[:1].isupper() and token.isalpha():
            shapes["name"] = True
    shapes["money_percent"] = bool(MONEY_OR_PERCENT.search(text))
    match = defined_subject(text)
    shapes["defines"] = defines(match, question_words)
    # The thing asked, as the sentence defines it, or as the term it
    # describes names it.
    shapes["defines_asked"] = is_the_thing_asked(match.group("subject"), asked) \
        if shapes["defines"] else term is not None and is_the_thing_asked(term, asked)
    return shapes


def _without_enumerators(text: str) -> str:
    """`text` without the marks that number the items of a list inside it
    ("A suitable mechanism is one that (1) uses ... and (2) will operate
    ..."): they count nothing, so they are no number a "how many" question
    asks for. Read so only where the marks run from (1) to (2) at least: a
    lone "(3)" may be an amount or an age."""
    marks = ENUMERATOR.findall(text)
    return ENUMERATOR.sub(" ", text) if {"1", "2"} <= set(marks) else text


def defined_subject(text: str) -> re.Match | None:
    """The match of DEFINITION when the sentence says what a thing is, its
    subject ("A solar cell" of "A solar cell is a device ...") a few words
    naming a thing; None for a clause or a pronoun ("Because the dock
    connector is a ...", "She was a ...")."""
    # A definition's subject and verb open the sentence: reading only its
    # start keeps a pathological line (thousands of bracketed asides) cheap.
    match = DEFINITION.match(text.strip()[:DEFINITION_READS])
    if match is None:
        return None
    words = [word.lower() for word in match.group("subject").split()]
    if not 1 <= len(words) <= DEFINED_SUBJECT_WORDS or any(
            (word in stopwords() or word in CLAUSE_WORDS) and word not in SUBJECT_JOINERS
            for word in words):
        return None
    return match


def defines(match: re.Match | None, question_words: frozenset[str]) -> bool:
    """Whether a sentence says what a thing the question names is: the
    defined subject of its `defined_subject` match holds a content word of
    the question (its stem) ("A solar cell is a device ..." for "What is a
    solar cell?" or "How does a solar cell work?")."""
    # Stems: "What is a Modification?" asks what "Modifications" means.
    return match is not None and bool(
        set(tokenize(match.group("subject"))) & _stems(frozenset(question_words)))


def is_the_thing_asked(subject: str, asked: set[str] | frozenset[str]) -> bool:
    """Whether a defined subject or a described term is the thing the
    question asks about: all of the question's content words, with at most
    one more, its head one of them: the thing asked ("HTTPX is ..." for
    "What is HTTPX?") or a kind of it ("A dpkg trigger is a facility ..."
    for "What is a trigger?"), not another thing named after it ("Trait
    definitions are ...", "The Rules of References"). An English noun
    phrase ends in its head, but for one of "X of Y", whose head ends X.
    "defines" alone holds for any subject that shares a word with the
    question ("Turkey is a member of NATO" for "What is the capital of
    Turkey?"), which says little about "What is X?" questions."""
    words = tokenize(subject)
    head = tokenize(re.split(r"\s+of\s+", subject, maxsplit=1, flags=re.IGNORECASE)[0])
    return bool(asked) and bool(head) and set(asked) <= set(words) and \
        len(set(words) - set(asked)) <= 1 and head[-1] in asked


@lru_cache(maxsize=256)
def _stems(words: frozenset[str]) -> frozenset[str]:
    """The stems of a question's words: once per question, not once for
    every defining sentence scored for it (`frozenset` of a frozenset is the
    same object, so the key costs nothing when the caller passes one)."""
    return frozenset(tokenize(" ".join(sorted(words))))


def pair_features(question_kind: str, shapes: dict[str, bool]) -> list[float]:
    """One value per (question class, shape) pair: 1 where the question is
    of that class and the sentence has that shape."""
    return [1.0 if kind == question_kind and shapes[shape] else 0.0
            for kind in QUESTION_CLASSES for shape in SHAPES]


PAIR_FEATURES = tuple(f"{kind}*{shape}" for kind in QUESTION_CLASSES for shape in SHAPES)
