"""Direct quotes in a news article body, and who said them.

Pure regular expressions and small word lists, so that it runs at several hundred articles
a second on one core and never needs NLTK data. Two passes:

1. **Quote spans.** Double quotation marks (straight ``"``, curly “ ”, „ « », and the ASCII
   conventions ``` `` ``` / ``''``) are paired paragraph by paragraph. The direction of a mark
   comes from what surrounds it (a mark after a space and before a word opens), not only from
   its glyph, because outlets mix glyphs ("… closed by ”). Single marks never delimit a quote:
   in news copy they are nested quotes (‘regime of silence’) or apostrophes (Assad’s, '90s),
   and treating them as text avoids every apostrophe ambiguity. A paragraph left open whose
   successor opens again continues the quote (the news convention for long quotes).

2. **Speakers.** Around each quote we look for a speech cue ("said", "told", "according
   to", …) in the words after the closing mark (``"…," Kerry said``, ``"…," said Kerry``)
   and then in the words before the opening mark (``Kerry said: "…"``). The subject next to
   the cue becomes a speaker: a name (titles and roles stripped, short forms expanded to the
   article's full form), a pronoun, or a common noun phrase ("Senate minority leader").
   "he"/"she" go to the most recent person named before the quote — as a quote's speaker,
   as the subject of a speech verb anywhere ("Clinton said Tuesday that …") or opening a
   sentence — skipping people known to be of the other gender (from "Mr."/"Mrs." or "X
   said she …"). A quote with no cue that stands alone right after an attributed quote, or
   follows one in the same paragraph, continues the previous speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from ..models import Quote, Span
from .sentences import paragraph_spans

# --------------------------------------------------------------------------- quote marks

_MARK = re.compile(r"``|''|[\"“”„«»]")
_OPENERS = frozenset({"“", "„", "«", "``"})
_CLOSERS = frozenset({"”", "»"})
_OPEN_CONTEXT = frozenset("([{—–-/")
_MIN_WORDS = 3
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class _Mark:
    """One quotation mark: where it is and which way its surroundings say it faces."""

    start: int
    end: int
    glyph: str
    left_flanking: bool  # looks like an opener: space (or start) before, a word after
    right_flanking: bool  # looks like a closer: a word before, space/punctuation after

    def opens(self) -> bool:
        """True when this mark can open a quote (glyph first, context for ambiguous glyphs)."""
        if self.glyph in _OPENERS:
            return not (self.right_flanking and not self.left_flanking)
        if self.glyph in _CLOSERS:
            return self.left_flanking and not self.right_flanking
        return self.left_flanking or not self.right_flanking

    def closes(self) -> bool:
        """True when this mark can close an open quote."""
        if self.glyph in _OPENERS:
            return self.right_flanking and not self.left_flanking
        if self.glyph in _CLOSERS:
            return True
        return self.right_flanking or not self.left_flanking


@dataclass(frozen=True, slots=True)
class _Span:
    """A quote found by pass 1, before attribution.

    ``open``/``close`` are the spans of the outer marks (``close`` is empty for a quote cut
    off at a paragraph end); ``reopeners`` are the marks that re-open later paragraphs of a
    multi-paragraph quote; ``paragraph`` indexes the paragraph the quote starts in and
    ``last_paragraph`` the one it ends in.
    """

    start: int
    end: int
    open: Span
    close: Span
    reopeners: tuple[Span, ...]
    paragraph: int
    last_paragraph: int


def _marks(body: str, paragraph: Span) -> list[_Mark]:
    marks = []
    for match in _MARK.finditer(body, paragraph.start, paragraph.end):
        before = body[match.start() - 1] if match.start() > paragraph.start else " "
        after = body[match.end()] if match.end() < paragraph.end else " "
        before_open = before.isspace() or before in _OPEN_CONTEXT
        after_word = not after.isspace() and after not in ",.;:!?)]}"
        marks.append(
            _Mark(
                match.start(),
                match.end(),
                match.group(),
                left_flanking=before_open and after_word,
                right_flanking=not before.isspace() and not after_word,
            )
        )
    return marks


def _opens_paragraph(marks: list[_Mark], paragraph: Span) -> bool:
    return bool(marks) and marks[0].start == paragraph.start and marks[0].opens()


@dataclass(slots=True)
class _OpenQuote:
    """A quote opened but not yet closed while pairing marks."""

    mark: _Mark
    paragraph: int
    reopeners: list[Span] = field(default_factory=list)

    def close(self, close: Span, paragraph: int) -> _Span:
        return _Span(
            self.mark.end,
            close.start,
            Span(self.mark.start, self.mark.end),
            close,
            tuple(self.reopeners),
            self.paragraph,
            paragraph,
        )


def _find_spans(body: str, paragraphs: list[Span]) -> list[_Span]:
    """Pair the double quotation marks of ``body`` into quote spans, paragraph by paragraph.

    While a quote is open, marks that can only open (“ before a word) are nested quotes
    and part of its text.
    """
    marks = [_marks(body, paragraph) for paragraph in paragraphs]
    spans: list[_Span] = []
    current: _OpenQuote | None = None
    for index, paragraph in enumerate(paragraphs):
        pending = marks[index]
        if current is not None:  # continued from the previous paragraph: skip the re-opener
            current.reopeners.append(Span(pending[0].start, pending[0].end))
            pending = pending[1:]
        for mark in pending:
            if current is None:
                if mark.opens():
                    current = _OpenQuote(mark, index)
            elif mark.closes():
                spans.append(current.close(Span(mark.start, mark.end), index))
                current = None
        if current is None:
            continue
        following = index + 1 < len(paragraphs) and _opens_paragraph(
            marks[index + 1], paragraphs[index + 1]
        )
        if not following:  # unterminated: the quote ends with its paragraph
            spans.append(current.close(Span(paragraph.end, paragraph.end), index))
            current = None
    trimmed = (_trim(body, span) for span in spans)
    return [span for span in trimmed if _quote_text(body, span).strip()]


def _trim(body: str, span: _Span) -> _Span:
    """Drop white space just inside the marks (``“…advice, ”`` → ``…advice,``), and a
    re-opening mark when the first paragraph of a quote is empty."""
    start, end = span.start, span.end
    reopeners = {mark.start: mark.end for mark in span.reopeners}
    while start < end and (body[start].isspace() or start in reopeners):
        start = reopeners.get(start, start + 1)
    while end > start and body[end - 1].isspace():
        end -= 1
    return replace(span, start=start, end=end)


def _quote_text(body: str, span: _Span) -> str:
    """``body[start:end]`` without the marks that re-open continued paragraphs."""
    pieces, position = [], span.start
    for mark in span.reopeners:
        pieces.append(body[position : mark.start])
        position = mark.end
    pieces.append(body[position : span.end])
    return "".join(pieces)


# --------------------------------------------------------------------------- speech cues

# The cue we record → its surface forms. Present-tense forms are listed only where they are
# not also common nouns ("states", "notes", "claims" are left out).
_CUE_FORMS: dict[str, tuple[str, ...]] = {
    "said": ("said", "says"),
    "told": ("told", "tells"),
    "added": ("added", "adds"),
    "asked": ("asked", "asks"),
    "wrote": ("wrote", "writes"),
    "quoted as saying": ("was quoted as saying", "were quoted as saying", "is quoted as saying"),
    "according to": ("according to",),
    "explained": ("explained", "explains"),
    "continued": ("continued", "continues", "went on"),
    "argued": ("argued", "argues", "contended", "contends"),
    "insisted": ("insisted", "insists"),
    "declared": ("declared", "declares", "proclaimed"),
    "replied": ("replied", "replies", "responded", "responds", "answered", "answers"),
    "shot back": ("shot back", "fired back", "countered", "retorted"),
    "recalled": ("recalled", "recalls", "recounted"),
    "warned": ("warned", "warns", "cautioned"),
    "noted": ("noted", "observed", "remarked", "pointed out"),
    "claimed": ("claimed",),
    "stated": ("stated",),
    "admitted": ("admitted", "admits", "acknowledged", "acknowledges", "conceded", "concedes"),
    "joked": ("joked", "jokes", "quipped", "quips"),
    "tweeted": ("tweeted", "tweets", "posted"),
    "announced": ("announced", "announces"),
    "exclaimed": ("exclaimed", "shouted", "yelled"),
    "urged": ("urged",),
    "complained": ("complained", "complains", "lamented"),
    "concluded": ("concluded", "concludes"),
    "boasted": ("boasted", "boasts", "bragged"),
    "vowed": ("vowed", "pledged"),
    "predicted": ("predicted", "predicts"),
    "suggested": ("suggested", "suggests"),
    "stressed": ("stressed", "stresses", "emphasized", "emphasised", "emphasizes", "emphasises"),
    "mused": ("mused", "wondered"),
    "reiterated": ("reiterated",),
    "testified": ("testified",),
    "put it": ("put it",),
    "chimed in": ("chimed in",),
}
# Participle cues ("…, adding: "), whose subject is the subject of the whole sentence.
_PARTICIPLES: dict[str, str] = {
    "saying": "said",
    "adding": "added",
    "writing": "wrote",
    "tweeting": "tweeted",
    "telling": "told",
    "noting": "noted",
    "asking": "asked",
    "explaining": "explained",
    "arguing": "argued",
    "insisting": "insisted",
    "declaring": "declared",
    "warning": "warned",
}
_CUES = {form: lemma for lemma, forms in _CUE_FORMS.items() for form in forms} | _PARTICIPLES


def _trie_pattern(words: list[str]) -> str:
    """One regex alternation for ``words``, factored by common prefixes.

    A flat alternation of a hundred words is tried word by word at every position of the
    text; the factored form rejects most positions after one character.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        return body + "?" if optional else body

    return pattern(trie)


_CUE = re.compile(r"\b" + _trie_pattern(sorted(_CUES)) + r"\b", re.IGNORECASE)
# Present-tense cues that are also plural nouns: only trusted right after a closing mark
# ("…,” Viguerie notes.), where a noun cannot be.
_TRAILER_CUES = _CUES | {
    "notes": "noted",
    "observes": "noted",
    "remarks": "noted",
    "points out": "noted",
    "claims": "claimed",
    "states": "stated",
    "vows": "vowed",
    "counters": "shot back",
    "urges": "urged",
    "laments": "complained",
}
_TRAILER_CUE = re.compile(r"\b" + _trie_pattern(sorted(_TRAILER_CUES)) + r"\b", re.IGNORECASE)
# Cues whose subject always comes before them: the words after are the listener or topic.
_SUBJECT_FIRST = frozenset({"told", "quoted as saying", "put it"})
# A subject has at most this many words, and sits at most _MAX_CUE_DISTANCE words from its
# cue (an aside may come between: "Melanne Verveer, who served as …, told CBS News").
_MAX_SUBJECT_WORDS = 12
_MAX_CUE_DISTANCE = 24

# --------------------------------------------------------------------------- word lists

_PRONOUNS = {"he": "he", "she": "she"}
_NOT_SUBJECTS = frozenset({"i", "we", "you", "they", "it", "him", "her", "them", "me", "us"})
# Titles, roles and party labels stripped from the left of a name.
_TITLES = frozenset(
    """
    mr mrs ms miss dr prof professor sir dame lord lady rev reverend
    president vice prime minister secretary state chancellor premier governor gov sen senator
    rep representative congressman congresswoman speaker leader majority minority whip mayor
    judge justice attorney general lieutenant lt colonel col major maj captain capt commander
    sergeant sgt admiral adm gen brigadier marshal officer chief deputy director chairman
    chairwoman chair spokesman spokeswoman spokesperson ambassador envoy adviser advisor
    counsel candidate nominee hopeful former acting ceo founder head executive official
    analyst pastor bishop cardinal pope sheikh ayatollah coach manager strategist aide
    pollster commissioner delegate presidential republican democratic democrat gop
    independent libertarian campaign""".split()
)
_PERSON_TITLES = {"mr": "he", "mrs": "she", "ms": "she", "miss": "she"}
_PARTICLES = frozenset(
    {"al", "bin", "ibn", "de", "del", "della", "da", "di", "van", "von", "der", "la", "le", "du", "dos"}
)
_CAPITALISED_FUNCTION_WORDS = frozenset(
    """a an the and but or so yet as at by for from in into of on to with when while where if
    then also though although because after before since meanwhile however still this that
    these those there here his her their its our my your we they he she it i what who why how
    any all every each some no not many most few other such only just even now today
    yesterday last next first instead later earlier indeed yes
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# A common-noun speaker must start like a noun phrase ("the senator", "a spokesman").
_DETERMINERS = frozenset({"a", "an", "the", "one", "another", "some", "several", "many", "two", "three"})
# Words that end a subject phrase: what follows them is not part of the speaker's name.
_PHRASE_BREAKS = frozenset(
    """to in on at of for from with by about during after before over under who whom whose
    which that while when where as because since and but than into against via""".split()
)
# Words that may sit between a subject and its cue ("Trump also said", "he has told").
_AUXILIARIES = frozenset(
    """also later then again once further previously recently has had have would will
    already just still even first finally repeatedly""".split()
)
# Words that show a phrase is a clause, not a subject.
_VERBISH = frozenset(
    """is was were are be been being am do does did can could should may might must not never
    there""".split()
)
# Conjunctions before a subject: "…when she said", "as Joel Pollak observed".
_CLAUSE_OPENERS = frozenset(
    """that and but as when while where because since so or yet then though although if
    after before once until unless who which""".split()
)
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_SENTENCE_END = re.compile(r"[.!?][\"”’']*(?=\s|$)")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|Gov|Sen|Rep|St|Jr|Sr|Lt|Gen|Col|Capt|Sgt|Prof|Rev|Maj|Adm|U\.S|"
    r"U\.N|U\.K|No|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|vs|Inc|Corp|Co|Ltd)\.$"
)
_NAME_RUN = re.compile(r"(?:[A-Z][\w’'.-]*[ \t\u00a0]+){1,5}[A-Z][\w’'-]*")
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?[ \u00a0]+((?:[A-Z][\w’'.-]*[ \u00a0]+){0,2}[A-Z][\w’'-]+)")
_PRONOUN_AFTER_CUE = re.compile(r"[ ,]+(?:that[ ]+)?(he|she)\b")


# --------------------------------------------------------------------------- subjects


@dataclass(frozen=True, slots=True)
class _Subject:
    """Who a cue names: a ``name``, a ``pronoun`` ("he"/"she") or a ``descriptor`` phrase."""

    kind: Literal["name", "pronoun", "descriptor"]
    text: str


@dataclass(frozen=True, slots=True)
class _Attribution:
    """A cue and its subject, found next to one quote."""

    cue: str | None
    subject: _Subject


def _strip_token(token: str) -> str:
    return token.strip(",.;:!?\"“”‘’'()[]")


@lru_cache(maxsize=65536)
def _bare(token: str) -> str:
    """A token without surrounding punctuation or possessive ending, lower-cased."""
    token = token.strip(",.;:!?\"“”‘’'()[]—–-")
    for suffix in ("’s", "'s", "’", "'"):
        if token.endswith(suffix) and len(token) > len(suffix):
            return token[: -len(suffix)].lower()
    return token.lower()


def _is_other_pronoun(token: str) -> bool:
    """A pronoun that cannot name a speaker we can resolve ("we", "they"; not "US")."""
    word = _strip_token(token)
    return _bare(token) in _NOT_SUBJECTS and (word == "I" or not word.isupper())


def _is_capitalised(token: str) -> bool:
    word = token.lstrip("\"“”‘’'([")
    return bool(word) and word[0].isupper()


@lru_cache(maxsize=65536)
def _is_title(token: str) -> bool:
    parts = [part for part in _bare(token).replace(".", "").split("-") if part]
    return bool(parts) and all(part in _TITLES for part in parts)


@lru_cache(maxsize=65536)
def _is_name_token(token: str) -> bool:
    bare = _bare(token)
    if not bare or bare in _CAPITALISED_FUNCTION_WORDS:
        return False
    return bare.split("-")[0] in _PARTICLES or _is_capitalised(token)


def _clean_name(tokens: list[str]) -> str:
    """A name run without the titles and roles on its left ("Sen. Ted Cruz" → "Ted Cruz").

    Everything up to a possessive goes too ("The Post’s Ishaan Tharoor" → "Ishaan Tharoor").
    """
    words = [_strip_token(token) for token in tokens]
    for index in range(len(words) - 2, -1, -1):
        if words[index].endswith(("’s", "'s")):
            words = words[index + 1 :]
            break
    words = [word[:-2] if word.endswith(("’s", "'s")) else word for word in words]
    words = [word.rstrip("’'") for word in words if word.rstrip("’'")]
    for index in range(len(words) - 1, -1, -1):
        if _bare(words[index]) in _CAPITALISED_FUNCTION_WORDS:
            words = words[index + 1 :]
            break
    last_title = max((i for i, word in enumerate(words) if _is_title(word)), default=-1)
    if last_title + 1 < len(words):
        words = words[last_title + 1 :]
    while words and _bare(words[0]) in _PARTICLES:
        words = words[1:]
    return " ".join(words)


def _classify(phrase: str) -> _Subject | None:
    """Decide what a subject phrase is, or ``None`` when it does not look like a subject."""
    tokens = phrase.split()
    while tokens and (_bare(tokens[-1]) in _AUXILIARIES or _bare(tokens[-1]).endswith("ly")):
        tokens = tokens[:-1]
    if not tokens or len(tokens) > _MAX_SUBJECT_WORDS:
        return None
    if len(tokens) == 1 and _bare(tokens[0]) in _PRONOUNS:
        return _Subject("pronoun", _PRONOUNS[_bare(tokens[0])])
    if any(_bare(token) in _VERBISH or _is_other_pronoun(token) for token in tokens):
        return None
    run = 0
    while run < len(tokens) and _is_name_token(tokens[-1 - run]):
        run += 1
    if run and _is_capitalised(tokens[-1]):
        name = _clean_name(tokens[len(tokens) - run :])
        if name and not all(_is_title(word) for word in name.split()):
            return _Subject("name", name)
    words = [_strip_token(token) for token in tokens]
    if words[0].lower() not in _DETERMINERS or len(words) < 2 or len(words) > 8:
        return None
    return _Subject("descriptor", " ".join(words[1:]))


def _cut_at_break(tokens: list[str]) -> list[str]:
    """Keep the head of a noun phrase: stop at a preposition or relative word after a name.

    "Sam Taylor of MSF" → "Sam Taylor", but "Secretary of State John Kerry" is kept whole
    because "of" there follows a title.
    """
    for index, token in enumerate(tokens):
        if index and _bare(token) in _PHRASE_BREAKS and not _is_title(tokens[index - 1]):
            return tokens[:index]
    return tokens


def _clause_tail(piece: str) -> list[str]:
    """The words of ``piece`` after its last conjunction ("…when she" → "she")."""
    tokens = piece.split()
    for index in range(len(tokens) - 1, -1, -1):
        if _bare(tokens[index]) in _CLAUSE_OPENERS and not (index and _is_title(tokens[index - 1])):
            return tokens[index + 1 :]
    return tokens


def _subject_before(phrase: str) -> _Subject | None:
    """The subject of a cue from the words just before it ("…, Kerry said" → Kerry).

    When a comma comes right before the cue, the words before it are an aside about the
    subject ("Jeff Bechdel, communications director for America Rising, said"), so the first
    comma-separated piece that reads as a name wins.
    """
    phrase = _PARENTHETICAL.sub(" ", phrase)
    pieces = [piece for piece in re.split(r"[,;:—–]|\s-\s", phrase) if piece.strip()]
    if not pieces:
        return None
    if phrase.rstrip().endswith(",") and len(pieces) > 1:
        for piece in pieces:
            subject = _classify(" ".join(_cut_at_break(_clause_tail(piece))))
            if subject is not None and subject.kind != "descriptor":
                return subject
    if len(pieces) > 1 and pieces[-1].split() in (["who"], ["which"]):
        # "Loretta E. Lynch, who told Congress": the subject is what "who" refers to.
        return _trailing_name(pieces[-2])
    return _classify(" ".join(_cut_at_break(_clause_tail(pieces[-1]))))


def _trailing_name(piece: str) -> _Subject | None:
    """The name that ends ``piece`` ("… would involve Attorney General Loretta E. Lynch")."""
    tokens = piece.split()
    run = 0
    while run < len(tokens) and (_is_name_token(tokens[-1 - run]) or _is_title(tokens[-1 - run])):
        run += 1
    name = _clean_name(tokens[len(tokens) - run :]) if run else ""
    return _Subject("name", name) if name else None


def _subject_after(phrase: str) -> _Subject | None:
    """The subject of an inverted cue from the words after it ("said Sergei Kurylenko to …")."""
    phrase = _PARENTHETICAL.sub(" ", phrase)
    phrase = phrase[: _sentence_end(phrase, 0, len(phrase))].rstrip(".!?")
    pieces = re.split(r"[,;:—–\"“”]|\s-\s", phrase, maxsplit=2)[:2]
    subjects = [
        _classify(" ".join(_cut_at_break(piece.split()))) or _classify(piece) for piece in pieces
    ]
    if subjects[0] is not None or len(subjects) == 1:
        return subjects[0]
    # "said Rubio’s deputy campaign manager, Rich Beeson, …": the name follows its role.
    return subjects[1] if subjects[1] is not None and subjects[1].kind == "name" else None


def _sentence_subject(sentence: str) -> _Subject | None:
    """The subject of a whole sentence: its first name (or he/she) followed by a verb-like word.

    Used for participle cues ("Warren …, saying: “…”") and lead-ins ending in a colon
    ("Donald Trump issued the following statement:").
    """
    sentence = _PARENTHETICAL.sub(" ", sentence)
    pieces = re.split(r"[,;:—–]", sentence)
    for index, piece in enumerate(pieces[:3]):
        # The sentence may open with "Name, role, verb"; later pieces follow an intro phrase.
        tokens = (sentence if index == 0 else piece).split()
        if tokens and _bare(tokens[0]) in _PRONOUNS:
            return _Subject("pronoun", _PRONOUNS[_bare(tokens[0])])
        name = _leading_name(tokens, appositive=index == 0)
        if name:
            return _Subject("name", name)
    return None


def _leading_name(tokens: list[str], appositive: bool) -> str | None:
    """The name that opens ``tokens`` when a verb-like word (or, with ``appositive``, a
    comma and a role: "Sam Lau, the communications director …") follows it.

    Role words may sit inside ("Trump spokesman Hope Hicks confirmed" → "Hope Hicks").
    """
    end = 0
    while end < len(tokens) and (_is_name_token(tokens[end]) or _is_title(tokens[end])):
        end += 1
        if tokens[end - 1].endswith(","):
            break
    if not end or not _is_capitalised(tokens[end - 1]) or _bare(tokens[0]) in _PHRASE_BREAKS:
        return None
    followed = end < len(tokens) and (
        tokens[end][:1].islower() and not tokens[end - 1].endswith(",")
        or appositive and tokens[end - 1].endswith(",")
    )
    return (_clean_name(tokens[:end]) or None) if followed else None


# --------------------------------------------------------------------------- context windows


def _is_abbreviation(body: str, position: int, floor: int) -> bool:
    return bool(_ABBREVIATION.search(body[max(floor, position - 5) : position + 1]))


def _sentence_end(body: str, start: int, limit: int) -> int:
    """Where the sentence running from ``start`` ends, at most ``limit``."""
    for match in _SENTENCE_END.finditer(body, start, limit):
        if not _is_abbreviation(body, match.start(), start):
            return match.end()
    return limit


def _sentence_start(body: str, floor: int, end: int) -> int:
    """Where the sentence that contains ``end`` starts, at least ``floor``."""
    start = floor
    for match in _SENTENCE_END.finditer(body, floor, end):
        if not _is_abbreviation(body, match.start(), floor):
            start = match.end()
    return start


@dataclass(frozen=True, slots=True)
class _Context:
    """The words around one quote that may hold its attribution."""

    leadin: str
    trailer: str
    colon: bool  # the lead-in ends with a colon ("… issued the following statement:")


def _contexts(body: str, spans: list[_Span], full: list[bool], paragraphs: list[Span]) -> list[_Context]:
    """Lead-in and trailer of each quote, bounded by the neighbouring full quotes."""
    contexts = []
    for index, span in enumerate(spans):
        first, last = paragraphs[span.paragraph], paragraphs[span.last_paragraph]
        before = [s.close.end for i, s in enumerate(spans[:index]) if full[i] and s.last_paragraph == span.paragraph]
        after = [s.open.start for i, s in enumerate(spans) if i > index and full[i] and s.paragraph == span.last_paragraph]
        floor = max([first.start, *before])
        leadin_start = _sentence_start(body, floor, span.open.start)
        if not before and leadin_start > floor and not body[leadin_start : span.open.start].strip():
            # "Sam Lau said in a statement. “…”": the sentence before introduces the quote.
            leadin_start = _sentence_start(body, floor, leadin_start - 1)
        leadin = body[leadin_start : span.open.start]
        if not leadin.strip() and not before and span.paragraph > 0:
            above = paragraphs[span.paragraph - 1]
            if body[above.start : above.end].endswith(":"):
                leadin = body[_sentence_start(body, above.start, above.end - 1) : above.end]
        trailer_end = _sentence_end(body, span.close.end, min([last.end, *after]))
        if body[span.end - 1] == ".":  # the sentence ended inside the quote
            trailer_end = span.close.end
        contexts.append(_Context(leadin, body[span.close.end : trailer_end], leadin.rstrip().endswith(":")))
    return contexts


def _attribution_after(trailer: str) -> _Attribution | None:
    """A cue right after the closing mark: ``"…," Kerry said`` or ``"…," said Kerry``."""
    for match in _TRAILER_CUE.finditer(trailer):
        before = trailer[: match.start()]
        if len(before.split()) > _MAX_CUE_DISTANCE:
            return None
        cue = _TRAILER_CUES[match.group().lower()]
        if before.strip(" ,—–-\u00a0") or cue in _SUBJECT_FIRST:
            subject = _subject_before(before)
        else:
            subject = _subject_after(trailer[match.end() :])
        if subject is not None:
            return _Attribution(cue, subject)
    return None


def _attribution_before(context: _Context) -> _Attribution | None:
    """The last cue before the opening mark (``Kerry said: "…"``), or a colon lead-in."""
    leadin = context.leadin
    for match in reversed(list(_CUE.finditer(leadin))):
        form = match.group().lower()
        cue = _CUES[form]
        if cue == "according to":
            subject = _subject_after(leadin[match.end() :])
        elif form in _PARTICIPLES:
            subject = _sentence_subject(leadin[: match.start()])
        else:
            subject = _subject_before(leadin[: match.start()])
        if subject is not None:
            return _Attribution(cue, subject)
    if context.colon:
        subject = _sentence_subject(leadin)
        if subject is not None:
            return _Attribution(None, subject)
    return None


# --------------------------------------------------------------------------- speakers


@dataclass(frozen=True, slots=True)
class _Mention:
    """A named speaker at an offset of the body: a pronoun after it may refer to it."""

    offset: int
    name: str


@dataclass(slots=True)
class _Speakers:
    """The article's people: full names, known genders, and mentions in text order.

    Full names and the mentions that pronouns need are collected on first use only: many
    articles never need them, and collecting them is the costly part.
    """

    body: str
    quoted: list[Span]  # full quotes, marks included, in order
    paragraphs: list[Span]
    genders: dict[str, str] = field(default_factory=dict)  # canonical name → "he" / "she"
    quote_speakers: list[_Mention] = field(default_factory=list)
    full_names: dict[str, str] | None = None  # last word (lower) → most frequent full form
    scanned: list[_Mention] | None = None

    def canonical(self, name: str) -> str:
        """The article's full form of ``name`` ("Kerry" → "John Kerry")."""
        if self.full_names is None:
            self.full_names = _full_names(self.body)
        full = self.full_names.get(name.split()[-1].lower())
        if full and len(full.split()) > len(name.split()):
            return full
        return name

    def mention(self, offset: int, name: str) -> None:
        self.quote_speakers.append(_Mention(offset, name))

    def resolve(self, pronoun: str, before: int) -> str | None:
        """The most recent mention before ``before`` that ``pronoun`` can stand for."""
        if self.scanned is None:
            self.scanned = _scan_mentions(self)
        candidates = [m for m in self.scanned + self.quote_speakers if m.offset < before]
        for mention in sorted(candidates, key=lambda m: m.offset, reverse=True):
            if self.genders.get(mention.name, pronoun) == pronoun:
                self.genders.setdefault(mention.name, pronoun)
                return mention.name
        return None


def _full_names(body: str) -> dict[str, str]:
    """Multi-word capitalised names in the article, by last word (most frequent form wins)."""
    counts: Counter[str] = Counter()
    for run in _NAME_RUN.finditer(body):
        name = _clean_name(run.group().split())
        if len(name.split()) >= 2:
            counts[name] += 1
    best: dict[str, str] = {}
    for name, _count in counts.most_common():
        best.setdefault(name.split()[-1].lower(), name)
    return best


def _sentence_starts(body: str, paragraphs: list[Span]) -> list[int]:
    starts = [paragraph.start for paragraph in paragraphs]
    for match in _SENTENCE_END.finditer(body):
        if not _is_abbreviation(body, match.start(), 0):
            position = match.end()
            while position < len(body) and body[position] in " \u00a0":
                position += 1
            starts.append(position)
    return sorted(set(starts))


def _inside(position: int, quoted: list[Span]) -> bool:
    index = bisect_left(quoted, position, key=lambda span: span.end)
    return index < len(quoted) and quoted[index].start <= position


def _collect_speakers(body: str, quoted: list[Span], paragraphs: list[Span]) -> _Speakers:
    """The article's speakers, with genders from honorifics ("Mrs. Clinton")."""
    speakers = _Speakers(body, quoted, paragraphs)
    for match in _HONORIFIC.finditer(body):
        speakers.genders[speakers.canonical(match.group(2))] = _PERSON_TITLES[match.group(1).lower()]
    return speakers


def _scan_mentions(speakers: _Speakers) -> list[_Mention]:
    """Names that pronouns may refer to, outside the quotes: subjects of speech cues
    anywhere ("Clinton said Tuesday that …") and person names opening a sentence. Learns
    genders from "X said she …" on the way."""
    body, quoted = speakers.body, speakers.quoted
    quote_ends = [span.end for span in quoted]
    starts = _sentence_starts(body, speakers.paragraphs)
    mentions = []
    for match in _CUE.finditer(body):
        if _inside(match.start(), quoted):
            continue
        sentence = starts[bisect_right(starts, match.start()) - 1] if starts else 0
        after_quote = bisect_right(quote_ends, match.start())
        floor = max(sentence, quote_ends[after_quote - 1] if after_quote else 0)
        subject = _subject_before(body[floor : match.start()])
        if subject is None or subject.kind != "name":
            continue
        name = speakers.canonical(subject.text)
        mentions.append(_Mention(match.start(), name))
        pronoun = _PRONOUN_AFTER_CUE.match(body, match.end())
        if pronoun:
            speakers.genders.setdefault(name, pronoun.group(1))
    for start in starts:
        if not body[start : start + 1].isupper() or _inside(start, quoted):
            continue
        end = body.find("\n", start, start + 200)
        subject = _sentence_subject(body[start : end if end >= 0 else start + 200])
        if subject is None or subject.kind != "name":
            continue
        canonical = speakers.canonical(subject.text)
        if len(canonical.split()) >= 2 or canonical in speakers.genders:
            mentions.append(_Mention(start, canonical))
    return mentions


# --------------------------------------------------------------------------- the pipeline


def _is_standalone(body: str, span: _Span, paragraphs: list[Span]) -> bool:
    """True when the quote fills its paragraph(s) but for trailing punctuation."""
    first, last = paragraphs[span.paragraph], paragraphs[span.last_paragraph]
    return span.open.start == first.start and not body[span.close.end : last.end].strip(" .,\u00a0")


def _speaker(
    attribution: _Attribution, span: _Span, speakers: _Speakers
) -> tuple[str | None, str | None]:
    """The canonical speaker and how it was found, for one quote's attribution."""
    subject = attribution.subject
    if subject.kind == "pronoun":
        name = speakers.resolve(subject.text, span.open.start)
        return name, "pronoun" if name else None
    name = speakers.canonical(subject.text) if subject.kind == "name" else subject.text
    speakers.mention(span.start, name)
    return name, "name"


def extract_quotes(body: str) -> tuple[Quote, ...]:
    """Direct quotes in `body` with speakers; offsets are character offsets into `body`."""
    if not body or not _MARK.search(body):
        return ()
    paragraphs = paragraph_spans(body)
    spans = _find_spans(body, paragraphs)
    texts = [_quote_text(body, span) for span in spans]
    full = [len(_WORD.findall(text)) >= _MIN_WORDS for text in texts]
    contexts = _contexts(body, spans, full, paragraphs)
    quoted = [Span(span.open.start, span.close.end) for span, is_full in zip(spans, full) if is_full]
    speakers = _collect_speakers(body, quoted, paragraphs)
    quotes: list[Quote] = []
    previous: tuple[Quote, _Span] | None = None
    for span, text, is_full, context in zip(spans, texts, full, contexts):
        if not is_full:
            quotes.append(Quote(text, span.start, span.end, partial=True))
            continue
        attribution = _attribution_after(context.trailer) or _attribution_before(context)
        speaker = cue = source = None
        if attribution is not None:
            speaker, source = _speaker(attribution, span, speakers)
            cue = attribution.cue if speaker else None
        elif previous is not None and previous[0].speaker:
            last_quote, last_span = previous
            if last_span.last_paragraph == span.paragraph or (
                last_span.last_paragraph == span.paragraph - 1 and _is_standalone(body, span, paragraphs)
            ):
                speaker, source = last_quote.speaker, "previous"
        quote = Quote(text, span.start, span.end, speaker, cue, source)
        quotes.append(quote)
        previous = (quote, span)
    return tuple(quotes)
