"""What kind of answer a question asks for, and whether a sentence holds one.

"How much did Turkey pay?" wants a sum of money; a sentence without one
cannot answer it, however many of the question's words it repeats. That is
the strongest evidence the answerer has that the documents are silent, so
the checks are strict about what counts: "S-400" and "Su-57" are names, not
quantities; "since 1952" is a date, not a count; a country is not a company.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .context import is_byline
from .keyword import fold, stopwords

KINDS = ("date", "money", "percent", "count", "measure", "author", "quote", "name")
# Kinds a sentence holds or lacks beyond doubt: a figure, a date.
VALUE_KINDS = frozenset({"date", "money", "percent", "count", "measure"})

MONTHS = ("january february march april may june july august september october november "
          "december jan feb mar apr jun jul aug sep sept oct nov dec").split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
TIME_WORDS = ("yesterday today tomorrow tonight ago dawn dusk noon midnight morning afternoon "
              "evening overnight o'clock").split()
CLOCK_HOURS = "one two three four five six seven eight nine ten eleven twelve".split()
# "year" alone is no date; "last year", "this week", "early summer" are.
PERIOD_WORDS = ("week weekend month year decade century spring summer autumn fall "
                "winter").split()
PERIOD_MARKERS = ("last next this that same previous following coming past early late mid "
                  "earlier later").split()
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen "
                "fifteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
                "hundreds thousand thousands million millions billion billions trillion "
                "dozen dozens half several couple first second third").split()
CURRENCY_WORDS = ("dollar dollars euro euros pound pounds sterling ruble rubles rouble roubles "
                  "lira liras yuan yen rupee rupees franc francs usd eur gbp rub try cents "
                  "pence").split()
UNITS = ("km kms kilometre kilometres kilometer kilometers mile miles m metre metres meter meters "
         "cm mm ft foot feet inch inches yard yards kg kgs kilogram kilograms gram grams g t ton "
         "tons tonne tonnes lb lbs pound pounds mph kph km/h knots knot mach hectare hectares "
         "acre acres sq square cubic litre litres liter liters gallon gallons barrel barrels "
         "degree degrees °c °f c f second seconds minute minutes hour hours day days week weeks "
         "month months year years decade decades century centuries mw gw kw w v mb gb tb "
         "bytes").split()
CURRENCY_SIGNS = "$€£¥₽₺₹"
SPEECH_VERBS = ("said says say told tells replied replies answered answers responded "
                "stated states added explained declared announced announces claimed "
                "claims warned warns insisted noted called calls affirmed admitted "
                "stressed according quoted wrote writes").split()

# Classes of named things a "which/what ..." question may ask for.
PERSON_NOUNS = ("person man woman official minister president leader director head chief "
                "spokesman spokeswoman spokesperson ambassador general commander king queen "
                "emperor politician author writer editor journalist reporter secretary "
                "undersecretary envoy diplomat senator governor mayor ceo founder chairman "
                "analyst expert scientist player coach").split()
ORGANIZATION_NOUNS = ("company companies firm firms corporation manufacturer maker makers "
                      "producer newspaper newspapers paper broadcaster broadcasters channel "
                      "network agency agencies organization organisation organizations group "
                      "party bank airline outlet outlets journal magazine publication "
                      "university institute ministry department team club alliance "
                      "militia militias council court").split()
PLACE_NOUNS = ("country countries city cities town towns village base bases airbase region "
               "province state states capital island river port area district county "
               "continent nation territory location place venue airport").split()
ENTITY_NOUNS = frozenset(PERSON_NOUNS + ORGANIZATION_NOUNS + PLACE_NOUNS)
ORGANIZATION_SET = frozenset(ORGANIZATION_NOUNS)

# Tried in order on the question from its first wh-word on ("In an interview
# with which broadcaster ..." -> "which broadcaster ..."), so a later "when"
# in "What did Putin reply when ...?" does not make it a date question.
QUESTION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        ("author", r"who (?:wrote|authored|penned) (?:it|this|(?:the|this|that) (?:\w+ )?"
                   r"(?:article|story|piece|report|column|editorial|text|book|news))\b|"
                   r".*\b(?:author|writer)s? of (?:it|the|this|that)\b|.*\bbyline\b"),
        ("percent", r"(?:what|which) (?:percent|percentage|share|proportion|fraction)\b|"
                    r"how many percent\b|by how much\b.*\bpercent"),
        ("money", r"how much (?:money|cash|funding)\b|"
                  r"(?:what|which) (?:was |is |were |are )?(?:the )?(?:price|cost|sum|fee|"
                  r"amount of money|value|budget|salary)\b|"
                  r"how much\b.*\b(?:pay|paid|pays|cost|costs|spend|spent|worth|price|priced|"
                  r"sell|sold|buy|bought|charge|charged|fund|funded|invest|invested|raise|"
                  r"raised|owe|owed|earn|earned|lend|lent|borrow|borrowed)\b"),
        ("date", r"(?:when|what year|which year|what date|which date|what day|which day|"
                 r"what month|which month|what time|what decade|which decade|what century|"
                 r"which century|how long ago)\b"),
        # A measurement needs its unit: "two countries" is no top speed.
        ("measure", r"(?:how far|how long|how large|how big|how high|how tall|how deep|"
                    r"how heavy|how fast|how wide)\b|"
                    r"what (?:is|was|are|were) the (?:\w+ )?(?:range|speed|distance|length|"
                    r"height|size|weight|temperature|capacity|area|depth|duration|width|"
                    r"altitude|radius)\b"),
        ("count", r"(?:how many|how much|how often|how old|what number|which number)\b|"
                  r"what (?:is|was|are|were) the (?:\w+ )?(?:number|population|rate|total|"
                  r"age)\b"),
        # The speech verb must be the question's own verb: "What did Putin
        # reply", not "What is the name of the state".
        ("quote", r"what (?:did|does|do|has|had|have|would|will) (?:[\w'’.-]+ ){1,5}?(?:say|"
                  r"reply|respond|answer|tell|claim|announce|state|write|warn|declare)"
                  r"(?:s|ed)?\b"),
        ("name", r"(?:who|whom|whose|where)\b|what (?:is|was|are|were) (?:the )?names? of\b|"
                 r"(?:what|which) (?:name|names|title)\b|"
                 r"what (?:is|was|are|were) (?:[\w'’-]+ ){1,8}?(?:called|named|known as)\b"),
    ))
WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|how|why)\b")
NOUN_PHRASE_SKIP = frozenset("is was are were the a an".split())

WORD = re.compile(r"\S+")
CLOSING_MARKS = "\"'”’»)]"
EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?"
IDENTIFIER = re.compile(r"^[A-Za-z]+[-/]?\d")           # S-400, Su-57, F-35s, MAKS-2019
QUANTITY = re.compile(r"^[" + CURRENCY_SIGNS + r"]?\d[\d,]*(?:\.\d+)?(?:[-–]\w+)*[%+]?$|"
                      r"^\d[\d,]*(?:\.\d+)?(?:bn|m|k|km|kg|s)$", re.IGNORECASE)
# A year in a date may be any from 100 on ("began in 911"); as a count, a
# number like 1952 is taken for a year only in modern times.
YEAR = re.compile(r"^(?:[1-9]\d\d|1\d\d\d|20\d\d)(?:s|'s)?$")
MODERN_YEAR = re.compile(r"^(?:1[5-9]\d\d|20\d\d)(?:s|'s)?$")
ORDINAL_DAY = re.compile(r"^\d{1,2}(?:st|nd|rd|th)$", re.IGNORECASE)
CLOCK = re.compile(r"^\d{1,2}[:.]\d\d(?:am|pm)?$", re.IGNORECASE)
REPLY_WORDS = 8
QUOTE_MARKS = re.compile(r"[\"“”«»]|(?:^|\s)'|'(?:\s|$)")
CAPITALIZED = re.compile(r"^[A-Z][\w'’.-]*$")


def _wh_clause(question: str) -> str:
    """The question from its first wh-word on, lower case."""
    lowered = question.lower()
    match = WH_WORD.search(lowered)
    return lowered[match.start():] if match else lowered


def question_type(question: str) -> str | None:
    """The kind of answer the question asks for, or None when it does not say."""
    clause = _wh_clause(question)
    for kind, pattern in QUESTION_RULES:
        if pattern.match(clause):
            return kind
    # "Which agency ...", "What newspaper ...": a named thing.
    return "name" if asked_noun(question) else None


@lru_cache(maxsize=256)
def asked_noun(question: str) -> str | None:
    """The class noun of a "which/what <noun>" question: the last known class
    noun of the words after "which"/"what", up to the first small word
    ("which state agency handles" -> "agency", "what is the capital of" ->
    "capital")."""
    words = re.findall(r"[\w-]+", _wh_clause(question))
    if not words or words[0] not in ("which", "what"):
        return None
    rest = words[1:]
    while rest and rest[0] in NOUN_PHRASE_SKIP:
        rest = rest[1:]
    noun = None
    for word in rest[:3]:
        if word in stopwords():
            break
        for form in (word, word.removesuffix("s"), word.removesuffix("es")):
            if form in ENTITY_NOUNS:
                noun = form
    return noun


@lru_cache(maxsize=1)
def _country_stems() -> frozenset[str]:
    """The first letters of country names, which "Russia", "Russian" and
    "Turkish" share with their country."""
    import pycountry

    stems = set()
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None)):
            # "Russian Federation" -> "russ", "Türkiye" -> "turk"
            for word in re.findall(r"\w+", fold(name or "")):
                if len(word) >= 4 and word not in STATE_WORDS:
                    # Long enough that "Microsoft" is not taken for Micronesia.
                    stems.add(word[:min(max(4, len(word) - 3), 6)])
    return frozenset(stems)


# Words of official country names that do not name the country.
STATE_WORDS = frozenset("republic federation kingdom united states state democratic people "
                        "peoples islamic federal union commonwealth plurinational bolivarian "
                        "independent sultanate principality grand duchy socialist arab "
                        "islands island territory territories south north east west great "
                        "saint holy outlying minor virgin".split())


# Nationalities and regions whose spelling is not their country's.
NATIONALITY_WORDS = frozenset(
    "us usa uk eu american americans british briton english french dutch swiss welsh scottish "
    "european europe western eastern soviet arab arabs asian african latin".split())


def _is_country_word(word: str) -> bool:
    """Whether a name is a country, nationality or region: a place, not an
    organization."""
    lowered = fold(word).removesuffix("'s")
    return lowered in NATIONALITY_WORDS or any(
        len(lowered) >= length and lowered[:length] in _country_stems() for length in (4, 5, 6))


def _words(text: str) -> list[tuple[int, str]]:
    """(position, word without surrounding punctuation) of each word."""
    return [(index, word.strip(EDGE_PUNCTUATION))
            for index, word in enumerate(WORD.findall(text))]


def _is_quantity(word: str) -> bool:
    if not word or IDENTIFIER.match(word):
        return False
    return bool(QUANTITY.match(word)) or word.lower() in NUMBER_WORDS


def _is_date_word(word: str, before: str = "") -> bool:
    """Whether a word (after `before`) is part of a date or time: "1066",
    "May" (not "may"), "Monday", "today", "last year"."""
    lowered = word.lower()
    if YEAR.match(word) or ORDINAL_DAY.match(word) or CLOCK.match(word) or lowered in TIME_WORDS:
        return True
    if word[:1].isupper() and (lowered in MONTHS or lowered in WEEKDAYS):
        return True
    if before.lower() == "at" and (lowered in CLOCK_HOURS or re.fullmatch(r"\d{1,2}", word)):
        return True  # "rings the bell at six"
    return lowered in PERIOD_WORDS and before.lower() in PERIOD_MARKERS


def _starts_sentence(raw: list[str], position: int) -> bool:
    """Whether word `position` begins a sentence or clause ('... more." Despite')."""
    return position == 0 or raw[position - 1].rstrip(CLOSING_MARKS)[-1:] in ".!?:"


def known_names(texts) -> frozenset[str]:
    """Words (lower case) that the documents capitalize inside a sentence.
    Every first word is capitalized, so a first word is taken for a name
    only when it is one of these ("Victoria is ..." but not "Despite ...")."""
    names = set()
    for text in texts:
        raw = WORD.findall(text)
        for position, word in _words(text):
            # A quotation's first word is capitalized too ('he said: "There').
            if (position and not _starts_sentence(raw, position) and CAPITALIZED.match(word)
                    and raw[position][:1] not in EDGE_PUNCTUATION):
                names.add(word.lower())
    return frozenset(names)


def _names(text: str, asked: frozenset[str], known: frozenset[str]) -> list[str]:
    """Names a sentence adds: capitalized words and acronyms the question
    does not name."""
    raw = WORD.findall(text)
    names = []
    for position, word in _words(text):
        if len(word) < 2 or word.lower() in asked:
            continue
        if word.isupper() and word.isalpha() or any(char.isupper() for char in word[1:]):
            names.append(word)  # "NATO", "BSkyB"
        elif CAPITALIZED.match(word) and word.lower() not in stopwords() and (
                not _starts_sentence(raw, position) and raw[position][:1] not in EDGE_PUNCTUATION
                or word.lower() in known):
            names.append(word)
    return names


# The question is the same for every candidate sentence; what it asks is
# worked out once per question.
@lru_cache(maxsize=256)
def _asked_words(question: str) -> frozenset[str]:
    return frozenset(word.lower() for _, word in _words(question))


def _stem(word: str) -> str:
    return word.lower().removesuffix("es") if word.lower().endswith("ses") else \
        word.lower().removesuffix("s")


@lru_cache(maxsize=256)
def _counted_nouns(question: str) -> frozenset[str]:
    """What "how many" counts: the words after it ("how many Turkish soldiers"
    -> turkish, soldier). The count in an answer stands next to one of them:
    "their two governments" is no number of astronauts."""
    match = re.search(r"\bhow many\s+([\w-]+)(?:\s+([\w-]+))?(?:\s+([\w-]+))?",
                      question.lower())
    if not match:
        return frozenset()
    return frozenset(_stem(word) for word in match.groups() if word and word not in stopwords())


def _has_unit(lowered: list[str], index: int) -> bool:
    """Whether the quantity at `index` carries a unit: "400km" or "400 km"."""
    attached = re.sub(r"^[\d.,]+", "", lowered[index])
    if re.search(r"\d[a-z°/]+$", lowered[index]) and attached in UNITS:
        return True
    return any(following in UNITS for following in lowered[index + 1:index + 3])


def holds(kind: str, text: str, question: str = "",
          known: frozenset[str] = frozenset()) -> bool:
    """Whether `text` holds an answer of this kind that the question does not
    already name ("Who alerted Erdogan?" needs a name besides Erdogan).
    `known`: the documents' names (`known_names`)."""
    asked = _asked_words(question)
    words = [word for _, word in _words(text)]
    lowered = [word.lower() for word in words]
    if kind == "date":
        return any(word and word.lower() not in asked
                   and _is_date_word(word, words[index - 1] if index else "")
                   for index, word in enumerate(words))
    if kind == "percent":
        return "%" in text or any(word in ("percent", "percentage", "per") for word in lowered)
    if kind == "money":
        if any(sign in text for sign in CURRENCY_SIGNS):
            return True
        return any(_is_quantity(word) and index + 1 < len(lowered)
                   and (lowered[index + 1] in CURRENCY_WORDS
                        or index + 2 < len(lowered) and lowered[index + 2] in CURRENCY_WORDS)
                   for index, word in enumerate(words))
    if kind == "measure":
        return any(_is_quantity(word) and not MODERN_YEAR.match(word)
                   and _has_unit(lowered, index) for index, word in enumerate(words))
    if kind == "count":
        counted = _counted_nouns(question)
        # Where the sentence names what is counted, the count stands by it.
        if not any(_stem(word) in counted for word in lowered):
            counted = frozenset()
        return any(_is_quantity(word) and not MODERN_YEAR.match(word) and word.lower() not in asked
                   and (not counted or any(_stem(following) in counted
                                           for following in lowered[index + 1:index + 6]))
                   for index, word in enumerate(words))
    if kind == "author":
        return is_byline(text) or any(word in ("correspondent", "reporter", "columnist")
                                               for word in lowered)
    if kind == "quote":
        return bool(QUOTE_MARKS.search(text)) or any(word in SPEECH_VERBS for word in lowered)
    if kind == "name":
        names = _names(text, asked, known)
        noun = asked_noun(question)
        if noun in ORGANIZATION_SET:
            # A company or newspaper is not a country or a nationality.
            names = [name for name in names if not _is_country_word(name)]
        return bool(names)
    raise ValueError(f"unknown answer kind {kind!r}")


def is_reply(text: str) -> bool:
    """A short quoted reply or remark: '"Yes, you can," Putin replied.'"""
    words = [word.lower() for _, word in _words(text)]
    return len(words) <= REPLY_WORDS and (bool(QUOTE_MARKS.search(text))
                                          or any(word in SPEECH_VERBS for word in words))


def type_match(kind: str | None, text: str, question: str = "",
               known: frozenset[str] = frozenset()) -> float:
    """+1 when the sentence holds what the question asks for, -1 when it
    cannot, 0 when the question does not say."""
    if kind is None:
        return 0.0
    return 1.0 if holds(kind, text, question, known) else -1.0
