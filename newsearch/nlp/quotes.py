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
   and then in the words before the opening mark (``Kerry said: "…"``, inverted ``…,
   explained Rosenthal, "…"``, coordinated ``Silverton … and joked, "…"``, or a lead-in
   ending in a colon: its subject, else the name it ends with, ``… does not surprise
   pollster Daron Shore: "…"``). The subject next to the cue becomes a speaker: a name
   (titles and roles stripped, short forms expanded to the article's full form), a
   pronoun, or a common noun phrase ("Senate minority leader", "his colleague", bare
   plurals such as "State Department officials"). A word capitalised only because it
   starts a sentence ("Following Sandell, …") is not taken for a name, nor is a phrase
   opened by a preposition or built on a participle ("At Palm Reach, …").

   Pronouns are resolved Hobbs-style: back from the quote, sentence by sentence, the
   nearest sentence naming a compatible referent wins, and within it its speaker, else
   the leftmost main-clause subject, else a subordinate clause's subject ("When Madden
   …, Varga …"). "he"/"she" need a person (a title, a first name, an honorific, a role
   or age in apposition, a speech verb or a gender somewhere in the article; places and
   organisations are skipped) not known to be of the other gender (from "Mr."/"Mrs.",
   else a common first name, else "X said she …"); the he/she of the narrative in between
   are resolved first, so a chain of "she said" keeps its referent. A name the quote itself
   mentions is not its speaker, nor is a name in a participle phrase opening the pronoun's
   sentence ("Asked about Varga, she replied"); a name modifying a noun ("the Sandell
   campaign") comes last. "it" goes to the nearest organisation ("The Post", "DNC"), else
   to the nearest subject that is no person or place.

   A quote with no cue of its own continues the previous speaker when it follows an
   attributed quote (or a fragment with a cue after it: ``golf clubs are “just scratching
   out a profit,” Mr. Hedley said. “Golf is …”``) in the same paragraph, or stands alone
   in the next one. Else a quote standing alone takes the speaker of the narrative
   sentence that ends the paragraph before it ("Hadley continued his remarks."), and
   any other takes a cue in the sentence right after it ("“…” That is how Jane Doe put
   it."). A lead-in in capitals is the headline of the article a news digest quotes.

**Partial quotes.** Quotes of fewer than three words, and fragments quoted inside the
writer's own sentence (``Reilly said the turnout was “truly remarkable”``: after a lower-case
word, and not itself a sentence), are returned ``partial`` — when the context says they are
speech. Their speaker comes from the same rules (for a fragment, the cue before it first,
as reported speech leads up to its quoted words), else from a characterising verb ("called
it “…”", "described as “…”"), else from the sentence's subject or the paragraph's last
speaker. Quoted words that only name something are no quotes at all: a title (words in
capitals after a lower-case word or set off by commas: ``on “Night Desk”``), a nickname
inside a name, the value of a markup attribute, words after a naming cue ("so-called",
"nicknamed", "titled"), and a one-word scare quote that no cue attributes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable, Literal

from ..models import Quote, SpeakerSource, Span
from .gazetteer import (
    FIRST_NAME_GENDERS,
    FIRST_NAMES,
    KNOWN_ORGANIZATIONS,
    NATIONALITIES,
    NON_ENTITY_WORDS,
    ORG_WORDS,
    PLACES,
)
from .lexicon import (
    HONORIFIC_GENDERS,
    NAME_PARTICLES,
    PERSON_TITLES,
    ROLE_WORDS,
    SPEECH_CUES,
    SPEECH_PARTICIPLES,
)
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

_CUES = {form: lemma for lemma, forms in SPEECH_CUES.items() for form in forms} | SPEECH_PARTICIPLES


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
# ("…,” Vignal notes.), where a noun cannot be.
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
    "reads": "read",
    "read": "read",
}
_TRAILER_CUE = re.compile(r"\b" + _trie_pattern(sorted(_TRAILER_CUES)) + r"\b", re.IGNORECASE)
_NOUN_CUES = frozenset(_TRAILER_CUES) - frozenset(_CUES)
# What may stand between the closing mark and such a cue: a name, he/she/it/they, or a short
# noun phrase opened by a determiner ("…,” Vignal notes.", "…,” the report states."); not
# "…” as sanctions for states ramped up", where the cue is a noun.
_NOUN_CUE_SUBJECT = re.compile(
    r"(?:(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir)[ \u00a0]+[\w.'’-]+(?:[ \u00a0]+[\w.'’-]+){0,2}"
    r"|[A-Z][\w.'’-]*(?:[ \u00a0]+[A-Z][\w.'’-]*){0,3}|[Hh]e|[Ss]he|[Ii]t|[Tt]hey)?"
)
# A cue followed by "by" is a passive participle, not someone speaking: "measures added by X"
# (but "X was quoted as saying by news agencies" names its speaker first).
_PASSIVE_AFTER = re.compile(r"[ \u00a0]+by\b")
_CUE_AT_END = re.compile(r"\b" + _trie_pattern(sorted(_TRAILER_CUES)) + r"$", re.IGNORECASE)
# Cues whose subject always comes before them: the words after are the listener or topic.
_SUBJECT_FIRST = frozenset({"told", "quoted as saying", "put it"})
# A subject has at most this many words, and sits at most _MAX_CUE_DISTANCE words from its
# cue (an aside may come between: "Melanne Vervoort, who served as …, told CBS News").
_MAX_SUBJECT_WORDS = 12
_MAX_CUE_DISTANCE = 24
# An aside between a closing mark and an inverted cue ("“…,” like the recent swings, said X").
_MAX_ASIDE_WORDS = 10

# --------------------------------------------------------------------------- word lists

_PRONOUNS = {"he": "he", "she": "she", "it": "it"}
_NOT_SUBJECTS = frozenset({"i", "we", "you", "they", "him", "her", "them", "me", "us"})
# Titles, roles and party labels stripped from the left of a name.
_TITLES = PERSON_TITLES | ROLE_WORDS
_CAPITALISED_FUNCTION_WORDS = frozenset(
    """a an the and but or so yet as at by for from in into of on to with when while where if
    then also though although because after before since meanwhile however still this that
    these those there here his her their its our my your we they he she it i what who why how
    any all every each some no not many most few other such only just even now today
    yesterday last next first instead later earlier indeed yes rather moreover furthermore
    nevertheless nonetheless thus therefore perhaps maybe otherwise besides overall again
    soon nobody everybody everyone someone somebody anyone anybody
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# A common-noun speaker must start like a noun phrase ("the senator", "a spokesman").
_DETERMINERS = frozenset(
    {"a", "an", "the", "this", "these", "one", "another", "some", "several", "many", "two", "three"}
)
_POSSESSIVES = frozenset({"his", "her", "its", "their"})
# A plural common noun can be a subject without a determiner ("officials said"); the
# lower-case word must not end in -ss, -us or -is ("business", "status", "analysis").
_PLURAL_NOUN = re.compile(r"[a-z]{3,}[^siu\W]s")
_MAX_PLURAL_WORDS = 4
# Words that end a subject phrase: what follows them is not part of the speaker's name.
_PHRASE_BREAKS = frozenset(
    """to in on at of for from with by about during after before over under who whom whose
    which that while when where as because since and but than into against via""".split()
)
# Words that open a comparison, which is never a subject ("like the recent swings").
_COMPARISONS = frozenset({"like", "unlike"})
# Words in -ing that modify a name instead of heading a participle phrase.
_ING_ADJECTIVES = frozenset(
    """incoming outgoing leading ruling founding governing sitting remaining presiding ranking
    visiting working polling during something nothing anything everything king""".split()
)
# Words that may sit between a subject and its cue ("Thorne also said", "he has told").
_AUXILIARIES = frozenset(
    """also later then again once further previously recently has had have would will
    already just still even ever first finally repeatedly""".split()
)
# Irregular past forms that follow a subject ("The statement read: …").
_IRREGULAR_PASTS = frozenset(
    """read wrote had put made gave sent took went got spoke came began held left struck hit
    kept set sought brought thought fought bought taught caught saw knew grew threw drew flew
    won lost sat stood understood felt meant met led fled found ran rose fell drove chose broke
    stole wore swore became forgot forgave withdrew undertook overtook""".split()
)
_MAX_DESCRIPTOR_WORDS = 5
_OF_FOR = frozenset({"of", "for", "at", "from"})
_MIN_HEADLINE_WORDS, _MIN_HEADLINE_LETTERS = 3, 12
# Words that show a phrase is a clause, not a subject.
_VERBISH = frozenset(
    """is was were are be been being am do does did can could should may might must not never
    there""".split()
)
# Conjunctions before a subject: "…when she said", "as Joel Pollard observed".
_CLAUSE_OPENERS = frozenset(
    """that and but as when while where because since so or yet then though although if
    after before once until unless who which what how why""".split()
)
# Conjunctions that open a subordinate clause, whose subject is less salient.
_SUBORDINATORS = frozenset(
    """that as when while where because since though although if after before once until
    unless whether""".split()
)
# After a name: an age (", 30,") or an appositive (", the … candidate").
_APPOSITION = re.compile(r",[ \u00a0]+(?:(\d{1,3}),|(?:the |a |an )?([^,.;:()]{1,80}))")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_SENTENCE_END = re.compile(r"[.!?][\"”’']*(?=\s|$)")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|Gov|Sen|Rep|St|Jr|Sr|Lt|Gen|Col|Capt|Sgt|Prof|Rev|Maj|Adm|U\.S|"
    r"U\.N|U\.K|No|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|vs|Inc|Corp|Co|Ltd)\.$"
)
_NAME_RUN = re.compile(r"(?:[A-Z][\w’'.-]*[ \t\u00a0]+){1,5}[A-Z][\w’'-]*")
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?[ \u00a0]+((?:[A-Z][\w’'.-]*[ \u00a0]+){0,2}[A-Z][\w’'-]+)")
# A run of capitalised words, one word or more: a candidate name (see _name_mentions).
_MENTION_RUN = re.compile(r"(?:[A-Z][\w’'.-]*[ \t\u00a0]+){0,5}[A-Z][\w’'-]*")
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
_WORD_AT = re.compile(r"\S+")
# A capitalised word after a word, a comma or a quote closed mid-sentence (``,” Osmond``):
# capitalised for itself, not for a sentence start.
_MIDSENTENCE_CAPITAL = re.compile(r"(?:(?<=[\w,;] )|(?<=[,;!?][\"”] )|(?<=,'' ))[A-Z][\w’'-]*")
# Names that are not people's: places, well-known organisations, nationalities, calendar words.
_NOT_PEOPLE = PLACES | KNOWN_ORGANIZATIONS | NATIONALITIES | NON_ENTITY_WORDS
# Words of an organisation or a place, which may open a person's name run ("CNN Dana Bashford").
_AFFILIATIONS = PLACES | KNOWN_ORGANIZATIONS | NATIONALITIES | ORG_WORDS
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
# A dash and a name signing a pull quote: "-Michelle Marlow, Philadelphia."
_SIGNATURE = re.compile(r"[-—–][ \u00a0]*((?:[A-Z][\w’'.-]*[ \u00a0]+){0,4}[A-Z][\w’'-]*)(?:,|\.?$)")
# Things that carry words of their own: "a sign saying", "a headline that read".
_TEXT_BEARERS = frozenset(
    "sign signs placard placards banner banners poster posters headline headlines slogan "
    "caption billboard t-shirt shirt shirts".split()
)
_PRONOUN_AFTER_CUE = re.compile(r"[ ,]+(?:that[ ]+)?(he|she)\b")


# --------------------------------------------------------------------------- subjects


@dataclass(frozen=True, slots=True)
class _Subject:
    """Who a cue names: a ``name``, a ``pronoun`` ("he"/"she") or a ``descriptor`` phrase.

    ``gender`` is what an honorific in front of a name says ("Mrs. Varga" → "she").
    """

    kind: Literal["name", "pronoun", "descriptor"]
    text: str
    gender: str | None = None


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
    return bare.split("-")[0] in NAME_PARTICLES or _is_capitalised(token)


def _clean_name(tokens: list[str]) -> str:
    """A name run without the titles and roles on its left ("Sen. Tom Crusk" → "Tom Crusk").

    Everything up to a possessive goes too ("The Post’s Ishaan Tharp" → "Ishaan Tharp").
    """
    words = [_name_word(token) for token in tokens]
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
    # A title word after a first name or an honorific is a surname ("Ella King", "Mr. King").
    surname = len(words) > 1 and (words[-2] in FIRST_NAMES or _bare(words[-2]) in HONORIFIC_GENDERS)
    titled = words[:-1] if surname else words
    last_title = max((i for i, word in enumerate(titled) if _is_title(word)), default=-1)
    if last_title + 1 < len(words):
        words = words[last_title + 1 :]
    words = words[_first_name_after_affiliation(words) :]
    while words and _bare(words[0]) in NAME_PARTICLES:
        words = words[1:]
    return " ".join(words)


def _name_word(token: str) -> str:
    """A token of a name without its punctuation, but for the dots of initials ("K.", "J.M.")."""
    core = token.strip(",;:!?\"“”‘’'()[]")
    return core if _INITIALS.fullmatch(core) else _strip_token(token)


def _first_name_after_affiliation(words: list[str]) -> int:
    """Where a person's name starts in a run that opens with their organisation or place
    ("Reuters Luciana Lorca", "Government Affairs Phil Smithers" → 2): the first common first
    name after such a word, with a surname after it; else 0."""
    for index, word in enumerate(words[:-1]):
        if word in FIRST_NAMES:
            affiliated = any(earlier in _AFFILIATIONS for earlier in words[:index])
            return index if affiliated else 0
    return 0


def _name_subject(tokens: list[str]) -> _Subject | None:
    """A name subject from a run of tokens, titles stripped, with its honorific's gender."""
    name = _clean_name(tokens)
    if not name:
        return None
    gender = next((HONORIFIC_GENDERS[word] for word in map(_bare, tokens) if word in HONORIFIC_GENDERS), None)
    return _Subject("name", name, gender)


def _is_adverb(token: str) -> bool:
    """An auxiliary or a lower-case word in -ly ("also", "has", "quickly"; not "Kelly")."""
    bare = _bare(token)
    return bare in _AUXILIARIES or (bare.endswith("ly") and token.islower())


def _without_adverbs(tokens: list[str]) -> list[str]:
    """``tokens`` without the auxiliaries and adverbs that end them ("Thorne also" → "Thorne")."""
    end = len(tokens)
    while end and _is_adverb(tokens[end - 1]):
        end -= 1
    return tokens[:end]


def _classify(phrase: str, bare_plural: bool = True) -> _Subject | None:
    """Decide what a subject phrase is, or ``None`` when it does not look like a subject.

    Without ``bare_plural``, a plural noun needs a determiner to be a subject: after an
    inverted cue, "continued struggles" is an adjective and its noun, not "struggles said".
    """
    tokens = _without_adverbs([token for token in phrase.split() if _bare(token)])  # not a stray mark
    if tokens and _bare(tokens[-1]) in _PRONOUNS:
        # A pronoun takes no modifier: what comes before it is an adverbial ("Recently she").
        return _Subject("pronoun", _PRONOUNS[_bare(tokens[-1])])
    if not tokens or len(tokens) > _MAX_SUBJECT_WORDS:
        return None
    checked = tokens[1:] if _bare(tokens[0]) in _POSSESSIVES else tokens  # "her husband"
    if any(_bare(token) in _VERBISH or _is_other_pronoun(token) for token in checked):
        return None
    run = 0
    while run < len(tokens) and _is_name_token(tokens[-1 - run]):
        run += 1
    if run and _is_capitalised(tokens[-1]):
        subject = _name_subject(tokens[len(tokens) - run :])
        # A name left with title words only is a title ("the Secretary of State"), unless an
        # honorific made it a surname ("Mr. Duke").
        if subject is not None and (subject.gender or not all(_is_title(w) for w in subject.text.split())):
            return subject
    words = [_strip_token(token) for token in tokens]
    while len(words) > 1 and words[0].lower() in _AUXILIARIES:  # "even a top GOP strategist"
        words = words[1:]
    return _descriptor(words, bare_plural)


def _descriptor(words: list[str], bare_plural: bool) -> _Subject | None:
    """A common-noun subject: a determiner and a few words ("the senator", "his colleague",
    "a spokeswoman"), or a bare plural noun with its modifiers ("officials", "Senate aides")."""
    first = words[0].lower()
    if (first in _DETERMINERS or first in _POSSESSIVES) and 2 <= len(words) <= 8:
        return _Subject("descriptor", " ".join(words[1:]))
    if bare_plural and len(words) <= _MAX_PLURAL_WORDS and _PLURAL_NOUN.fullmatch(words[-1]):
        return _Subject("descriptor", " ".join(words))
    return None


def _cut_at_break(tokens: list[str]) -> list[str]:
    """Keep the head of a noun phrase: stop at a preposition or relative word after a name.

    "Sam Taylor of MSF" → "Sam Taylor", but "Secretary of State John Kerry" is kept whole
    because "of" there follows a title.
    """
    for index, token in enumerate(tokens):
        if index and _bare(token) in _PHRASE_BREAKS and not (token == "of" and _is_title(tokens[index - 1])):
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
    subject ("Jeff Bechtol, communications director for Forward Rising, said"), so the first
    comma-separated piece that reads as a name wins.
    """
    phrase = _PARENTHETICAL.sub(" ", phrase)
    phrase = phrase[phrase.rfind("(") + 1 :]  # "… (Raphael Lemberg once said, “…”)"
    pieces = [piece for piece in re.split(r"[,;:—–]|\s-\s", phrase) if piece.strip()]
    if not pieces:
        return None
    # An adverb may follow the aside: "Raphael Lemberg, who coined the word, once said".
    aside = " ".join(_without_adverbs(phrase.split())).endswith(",")
    if aside and len(pieces) > 1:
        # A role comes before the name it introduces: "The head of the Fed, Janet Yelland, said".
        for piece in sorted(pieces, key=_is_role_phrase):
            if _is_adjunct(piece):
                continue
            subject = _classify(" ".join(_cut_at_break(_clause_tail(piece))))
            if subject is not None and subject.kind != "descriptor":
                return subject
    if len(pieces) > 1 and pieces[-1].split() in (["who"], ["which"]):
        # "Loretta E. Lyle, who told Congress": the subject is what "who" refers to.
        return _trailing_name(pieces[-2])
    if _bare(pieces[-1].split()[0]) in _COMPARISONS:
        return None  # "“…,” like the recent swings, said X": a comparison, not the subject
    subject = _classify(" ".join(_cut_at_break(_clause_tail(pieces[-1]))))
    if subject is None and len(pieces) > 1 and _is_adjective_opening(pieces[-2]):
        # Adjectives in a row: "the bespectacled, 71-year-old diplomat said".
        return _classify(" ".join(_cut_at_break(pieces[-2].split() + pieces[-1].split())))
    return subject


def _is_adjective_opening(piece: str) -> bool:
    """True for a determiner and one or two lower-case words: the start of a noun phrase
    whose adjectives a comma separates ("the bespectacled", "a tall")."""
    words = piece.split()
    return 2 <= len(words) <= 3 and words[0].lower() in _DETERMINERS and all(w.islower() for w in words[1:])


def _is_adjunct(piece: str) -> bool:
    """True for a phrase that cannot hold the subject: one opening with a preposition ("At
    Palm Reach"), a lone abbreviation ("Alexandria, Va., Lazar said") or a phrase built on a
    participle ("One pastor supporting Mr. Crusk", "Following Sandell on MSNBC")."""
    tokens = piece.split()
    words = [_bare(token) for token in tokens]
    if not words or words[0] in _PHRASE_BREAKS or (len(tokens) == 1 and tokens[0].endswith(".")):
        return True
    return any(
        word.endswith("ing") and len(word) > 4 and word not in _ING_ADJECTIVES and not _is_title(word)
        for word in words[:-1]
    )


def _trailing_name(piece: str) -> _Subject | None:
    """The name that ends ``piece`` ("… would involve Attorney General Loretta E. Lyle")."""
    tokens = piece.split()
    run = 0
    while run < len(tokens) and (_is_name_token(tokens[-1 - run]) or _is_title(tokens[-1 - run])):
        run += 1
    return _name_subject(tokens[len(tokens) - run :]) if run else None


def _subject_after(phrase: str, bare_plural: bool = True) -> _Subject | None:
    """The subject of an inverted cue from the words after it ("said Sergei Kurylenko to …")."""
    phrase = _PARENTHETICAL.sub(" ", phrase)
    phrase = phrase[: _sentence_end(phrase, 0, len(phrase))].rstrip(".!?")
    pieces = re.split(r"[,;:—–\"“”]|\s-\s", phrase, maxsplit=2)[:2]
    subjects = [
        _classify(" ".join(_cut_at_break(piece.split())), bare_plural) or _classify(piece, bare_plural)
        for piece in pieces
    ]
    if len(subjects) == 1:
        return subjects[0]
    # "said Rudland’s deputy campaign manager, Rich Beeston, …", "said the chairman of the Joint
    # Chiefs, Gen. Joseph Dunsford": the name follows its role.
    named = subjects[1] is not None and subjects[1].kind == "name"
    if named and (subjects[0] is None or _is_role_phrase(pieces[0])):
        return subjects[1]
    return subjects[0]


def _is_role_phrase(piece: str) -> bool:
    """True for a phrase that opens with a determiner: a role ("the head of the Federal
    Reserve"), whose names are not its head."""
    words = piece.split()
    return bool(words) and words[0].lower() in _DETERMINERS


def _sentence_subject(sentence: str, proper: Callable[[str], bool]) -> _Subject | None:
    """The subject of a whole sentence: its first name (or he/she) followed by a verb-like word.

    Used for participle cues ("Warren …, saying: “…”") and lead-ins ending in a colon
    ("Dennis Thorne issued the following statement:").
    """
    sentence = _PARENTHETICAL.sub(" ", sentence)
    pieces = re.split(r"[,;:—–]", sentence)
    for index, piece in enumerate(pieces[:3]):
        # The sentence may open with "Name, role, verb"; later pieces follow an intro phrase.
        tokens = (sentence if index == 0 else piece).split()
        if index == 0 and len(pieces) > 1 and _opens_with_preposition(piece):
            continue  # an opening phrase: "In December, the prince …"
        if tokens and _bare(tokens[0]) in _PRONOUNS:
            return _Subject("pronoun", _PRONOUNS[_bare(tokens[0])])
        subject = _leading_name(tokens, index == 0, proper)
        if subject is not None:
            return subject
        descriptor = _leading_descriptor(piece.split())
        if descriptor is not None:
            return descriptor
    return _inner_subject(pieces[0].split()) or _inner_pronoun(pieces[0].split())


def _inner_pronoun(tokens: list[str]) -> _Subject | None:
    """He or she inside an opening clause with no comma, followed by a verb-like word: "When
    he returned he began by saying"."""
    for word, following in zip(tokens, tokens[1:]):
        if word in ("he", "she") and _is_verb_like(_strip_token(following)):
            return _Subject("pronoun", word)
    return None


def _participle_subject(before: str, proper: Callable[[str], bool]) -> _Subject | None:
    """The subject of a participle cue ("…, saying"): that of the clause it hangs on when
    that clause opens with a conjunction and a name ("It was a rare show of unity, as Jane
    Doe echoed the point, saying …" → Jane Doe), else the sentence's subject."""
    clauses = [clause for clause in re.split(r"[,;:—–]", _PARENTHETICAL.sub(" ", before)) if clause.strip()]
    if len(clauses) > 1:
        tokens = clauses[-1].split()
        if tokens and _bare(tokens[0]) in _CLAUSE_OPENERS - {"who", "which", "what", "that"}:
            subject = _leading_name(tokens[1:], False, proper)
            if subject is not None:
                return subject
    return _sentence_subject(before, proper)


def _opens_with_preposition(piece: str) -> bool:
    words = piece.split()
    return bool(words) and words[0][:1].isupper() and (
        _bare(words[0]) in _PHRASE_BREAKS - {"and", "but", "who", "which", "that"} | _COMPARISONS
    )


def _inner_subject(tokens: list[str]) -> _Subject | None:
    """A name after an opening phrase with no comma, followed by a verb: "At one point Thorne
    turned to Varga and said"; not the object of a preposition ("After meeting Varga")."""
    for index in range(1, len(tokens) - 1):
        previous = tokens[index - 1]
        after_name = _is_capitalised(previous) or _bare(previous) in _PHRASE_BREAKS
        if not _is_capitalised(tokens[index]) or after_name:
            continue
        end = index
        while end < len(tokens) and _is_name_token(tokens[end]):
            end += 1
        if end < len(tokens) and _is_verb_like(_strip_token(tokens[end])):
            return _name_subject(tokens[index:end])
    return None


def _leading_descriptor(tokens: list[str]) -> _Subject | None:
    """A common-noun phrase opening ``tokens`` and followed by a verb-like word: "a familiar
    voice celebrated …", "The statement read:", "Smith’s campaign issued …"."""
    if len(tokens) < 3:
        return None
    if _PLURAL_NOUN.fullmatch(_bare(tokens[0])) and not _is_verb_like(_bare(tokens[0])):
        # "Attorneys for Ann Ray appeared to …, saying": a bare plural and what it is of or for
        head = _bare(tokens[0])
        rest = tokens[1:]
        if rest and _bare(rest[0]) in _OF_FOR and len(rest) > 2 and _is_capitalised(rest[1]):
            name_end = 2
            while name_end < len(rest) and _is_name_token(rest[name_end]):
                name_end += 1
            rest = rest[name_end:]
        if rest and rest[0].islower() and _is_verb_like(_strip_token(rest[0])):
            return _Subject("descriptor", head)
        return None
    if not (_bare(tokens[0]) in _DETERMINERS | _POSSESSIVES or tokens[0].endswith(("’s", "'s"))):
        return None
    for end in range(2, min(len(tokens), _MAX_DESCRIPTOR_WORDS + 2)):
        word = _strip_token(tokens[end])
        if word.islower() and _is_verb_like(word):
            return _Subject("descriptor", " ".join(_strip_token(token) for token in tokens[1:end]))
        if _bare(word) in _PHRASE_BREAKS | _VERBISH | _NOT_SUBJECTS:
            return None  # "This was the man we knew": a clause, not a noun phrase
    return None


def _is_verb_like(word: str) -> bool:
    """A lower-case word that reads as an action after a subject: a past form in -ed, a
    speech cue, an auxiliary or a common irregular past ("wrote", "read"); not a copula
    ("The reason is simple:")."""
    return (
        word.endswith("ed")
        or word in _AUXILIARIES
        or word in _IRREGULAR_PASTS
        or bool(_CUE.fullmatch(word))
    )


def _leading_name(tokens: list[str], appositive: bool, proper: Callable[[str], bool]) -> _Subject | None:
    """The name that opens ``tokens`` when a verb-like word (or, with ``appositive``, a
    comma and a role: "Sam Lowry, the communications director …") follows it.

    Role words may sit inside ("Thorne spokesman Hope Hixon confirmed" → "Hope Hixon"); a
    first word that is not ``proper`` is skipped ("Following Sandell on MSNBC").
    """
    if tokens and _is_capitalised(tokens[0]) and not proper(tokens[0]):
        tokens = tokens[1:]
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
    return _name_subject(tokens[:end]) if followed else None


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
            # "Sam Lowry said in a statement. “…”": the sentence before introduces the quote.
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
        form = match.group()
        passive = _PASSIVE_AFTER.match(trailer, match.end()) and _TRAILER_CUES[form.lower()] not in _SUBJECT_FIRST
        if passive or form.lower() in _NOUN_CUES and (
            not form.islower() or not _NOUN_CUE_SUBJECT.fullmatch(before.strip(" ,—–-\u00a0'’"))
        ):
            continue
        cue = _TRAILER_CUES[match.group().lower()]
        if before.strip(" ,—–-\u00a0'’") or cue in _SUBJECT_FIRST:  # nested: ``…them,’” said X``
            subject = _subject_before(before)
            if (
                subject is None
                and cue not in _SUBJECT_FIRST | {"according to"}
                and before.rstrip().endswith(",")
                and len(before.split()) <= _MAX_ASIDE_WORDS
            ):
                # "“…,” like the recent swings, said Ann Ray": an aside, then an inverted cue
                subject = _subject_after(trailer[match.end() :], bare_plural=False)
        elif form.lower() in SPEECH_PARTICIPLES:
            continue  # "“…,” saying in a post on X": a participle's subject is never after it
        else:
            subject = _subject_after(trailer[match.end() :])
        if subject is not None:
            return _Attribution(cue, subject)
    return None


def _attribution_before(context: _Context, proper: Callable[[str], bool]) -> _Attribution | None:
    """The last cue before the opening mark (``Kerry said: "…"``), or a colon lead-in.

    ``proper`` tells a capitalised word that may start a name from one capitalised only
    because it starts the sentence.
    """
    leadin = context.leadin
    for match in reversed(list(_CUE.finditer(leadin))):
        form = match.group().lower()
        cue = _CUES[form]
        before = leadin[: match.start()]
        if match.group() == "Asked" and not before.strip():
            continue  # "Asked whether X “…,” most voters said": X is asked about, not asking
        bearer = _text_bearer(before)
        if bearer is not None:
            subject = bearer
        elif cue == "according to":
            subject = _subject_after(leadin[match.end() :])
        elif form in SPEECH_PARTICIPLES:
            # "Nasri said, adding, “…”": the subject of an earlier cue, else of the sentence.
            earlier = _attribution_before(_Context(before, "", False), proper)
            subject = earlier.subject if earlier else _participle_subject(before, proper)
        else:
            subject = _subject_before(before) or _other_subject(before, leadin[match.end() :], cue, proper)
        if subject is not None:
            return _Attribution(cue, subject)
    if context.colon:
        subject = _colon_subject(leadin, proper)
        if subject is not None:
            return _Attribution(None, subject)
    if _is_headline(leadin):
        return _Attribution(None, _Subject("descriptor", leadin.strip()))
    return None


def _text_bearer(before: str) -> _Subject | None:
    """The object whose words a cue right after it reports: "held up a sign saying",
    "under a headline that said" → "sign", "headline"."""
    words = before.split()
    if words and _bare(words[-1]) in ("that", "which"):
        words = words[:-1]
    if words and _bare(words[-1]) in _TEXT_BEARERS and words[-1].islower():
        return _Subject("descriptor", _bare(words[-1]))
    return None


def _is_headline(leadin: str) -> bool:
    """True for a lead-in in capitals, as news digests head each excerpt with the headline
    of the article it quotes: ``CHINA’S DECLINE AFFECTS THE WORLD “China’s slowdown …”``."""
    text = leadin.strip()
    return (
        len(text.split()) >= _MIN_HEADLINE_WORDS
        and not any(char.islower() for char in text)
        and sum(char.isalpha() for char in text) >= _MIN_HEADLINE_LETTERS
    )


def _other_subject(
    before: str, after: str, cue: str, proper: Callable[[str], bool]
) -> _Subject | None:
    """The subject of a cue with no subject right before it: a verb coordinated with an
    earlier one takes the sentence's subject ("Silverton was joined by Al Frankel and
    joked, “…”"); a cue opening its clause is inverted ("…, explained Rosenthal, “…”",
    "Continued Stead: “…”")."""
    words = re.split(r"[,;:—–]", before)[-1].split()
    if words and _bare(words[-1]) in ("and", "but", "then"):
        return _sentence_subject(before, proper)
    if not words and cue not in _SUBJECT_FIRST:
        return _subject_after(after, bare_plural=False)
    return None


def _colon_subject(leadin: str, proper: Callable[[str], bool]) -> _Subject | None:
    """The speaker of a lead-in ending in a colon: the name opening its last clause that
    has one ("…, and Lordy, …!— Crusk called them on it:"), else the sentence's subject."""
    clauses = re.split(r"[,;:—–]", _PARENTHETICAL.sub(" ", leadin))
    for clause in reversed(clauses[1:]):
        subject = _leading_name(clause.split(), False, proper)
        if subject is not None:
            return subject
    # Else the name the lead-in ends with ("… does not surprise pollster Daron Shore:").
    return _sentence_subject(leadin, proper) or _trailing_name(clauses[-2] if len(clauses) > 1 else "")


# --------------------------------------------------------------------------- speakers


_SPEAKER, _SUBJECT, _SUBORDINATE, _OTHER, _MODIFIER = range(5)


@dataclass(frozen=True, slots=True)
class _Mention:
    """A name at an offset of the body that a later he/she may refer to.

    ``rank`` orders the names of one sentence by how likely a following "he said" is to
    refer to them: a speaker (``_SPEAKER``: the subject of a speech cue, or a quote's
    speaker), a clause subject ("…, Christow blamed Varga"), a subordinate clause's
    subject ("When Madden pointed out …"), any other name, or a name modifying a noun
    (``_MODIFIER``: "the Barney Sandell campaign").
    """

    offset: int
    name: str
    rank: int = 0


@dataclass(slots=True)
class _Speakers:
    """The article's people: full names, known genders, and mentions in text order.

    Full names, mentions and the words capitalised mid-sentence are collected on first use
    only: many articles never need them, and collecting them is the costly part.
    """

    body: str
    quoted: list[Span]  # full quotes, marks included, in order
    paragraphs: list[Span]
    all_quoted: list[Span] = field(default_factory=list)  # … and partial ones: no narrative names there
    genders: dict[str, str] = field(default_factory=dict)  # from honorifics: name → "he" / "she"
    said_genders: dict[str, str] = field(default_factory=dict)  # weaker: from "X said she …"
    quote_speakers: list[_Mention] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # names with evidence of being a person
    full_names: dict[str, list[str]] | None = None  # last word (lower) → full forms, first mentioned first
    scanned: list[_Mention] | None = None
    pending: list[_Mention] = field(default_factory=list)  # narrative he/she, not yet resolved
    resolved: list[_Mention] = field(default_factory=list)  # … and resolved, as names
    starts: list[int] | None = None  # sentence starts
    proper_words: frozenset[str] | None = None

    def canonical(self, name: str, gender: str | None = None) -> str:
        """The article's full form of ``name`` ("Kerry" → "John Kerry"): the first one
        introduced whose first name agrees with ``gender`` ("Mrs. Varga" is not "Bill
        Varga")."""
        if self.full_names is None:
            self.full_names = _full_names(self.body)
        for full in self.full_names.get(name.split()[-1].lower(), ()):
            if gender is None or FIRST_NAME_GENDERS.get(full.split()[0].lower()) in (gender, None):
                return full if len(full.split()) > len(name.split()) else name
        return name

    def is_proper(self, token: str) -> bool:
        """True unless ``token`` is capitalised only where a sentence starts.

        The first word of a sentence is capitalised whatever it is ("Following Sandell on
        MSNBC, …", "Ever since …"); it is part of a name only when the article also writes
        it capitalised mid-sentence, or it is a first name or a title.
        """
        if self.proper_words is None:
            self.proper_words = frozenset(_MIDSENTENCE_CAPITAL.findall(self.body))
        word = _strip_token(token)
        word = word[:-2] if word.endswith(("’s", "'s")) else word
        return word in self.proper_words or word in FIRST_NAMES or _is_title(token)

    def mention(self, offset: int, name: str) -> None:
        self.quote_speakers.append(_Mention(offset, name, _SPEAKER))
        self.people.add(name)

    def gender(self, name: str) -> str | None:
        """``name``'s gender from an honorific, else from a common first name, else from a
        pronoun after one of its cues ("Sandell said she …" is often about someone else) or a
        gendered job before the name ("spokeswoman")."""
        first = name.split()[0].lower()
        return (
            self.genders.get(name)
            # a given name of two letters ("Lu", "Li") is as often a family name written first
            or (FIRST_NAME_GENDERS.get(first) if len(first) > 2 else None)
            or self.said_genders.get(name)
        )

    def agrees(self, pronoun: str, name: str) -> bool:
        """True when ``pronoun`` can stand for ``name``: "it" for an organisation, "he" and
        "she" for a person not known to be of the other gender."""
        if pronoun == "it":
            return _is_organisation(name)
        return self.gender(name) in (pronoun, None) and self.is_person(name)

    def participle_opening(self, offset: int) -> int:
        """The start of the sentence holding ``offset`` when it opens with a participle
        ("Asked about …", "Dismayed by …"), else ``offset``."""
        sentence = self.sentence_of(offset)
        start = self.starts[sentence - 1] if self.starts else 0
        first = _WORD_AT.match(self.body, start)
        word = _bare(first.group()) if first else ""
        participle = len(word) > 4 and word.endswith(("ed", "ing")) and word not in _ING_ADJECTIVES
        return start if participle and not self.is_proper(first.group()) and start < offset else offset

    def may_be_organisation(self, name: str) -> bool:
        """True for a name that is not a place, nationality or calendar word, and has
        neither a gender nor a first name (a speech verb does not make it a person here)."""
        if name in _NOT_PEOPLE - KNOWN_ORGANIZATIONS or name.split()[0] in FIRST_NAMES:
            return False
        return self.gender(name) is None

    def is_person(self, name: str) -> bool:
        """True for a name known to be a person's: not a place or an organisation, and
        given a gender, a title, a first name, or a speech verb somewhere in the article."""
        words = name.split()
        if name in self.genders:  # "Mr. Guild" is a person even though a guild is a group
            return True
        if name in _NOT_PEOPLE or words[-1] in ORG_WORDS or name.isupper():
            return False
        return (
            name in self.people
            or self.gender(name) is not None
            or words[0] in FIRST_NAMES
        )

    def sentence_of(self, offset: int) -> int:
        if self.starts is None:
            self.starts = _sentence_starts(self.body, self.paragraphs)
        return bisect_right(self.starts, offset)

    def resolve(self, pronoun: str, before: int, quote: str) -> str | None:
        """The person ``pronoun`` (the subject of the cue of ``quote``) stands for.

        The he/she of the narrative before it are resolved first, in text order, so that
        "Ebner … What got under her skin, she said, was a question … when a young man
        asked Varga …. “…,” she said." keeps to Ebner through the middle "she said".
        Nobody the quote names in the third person is its speaker ("Crusk is our best
        debater," he says: not Crusk).
        """
        if self.scanned is None:
            self.scanned, self.pending = _scan_mentions(self)
        while self.pending and self.pending[0].offset < before:
            mention = self.pending.pop(0)
            name = self.antecedent(mention.name, mention.offset)
            if name is not None:
                self.resolved.append(replace(mention, name=name))
        return self.antecedent(pronoun, before, _named_in(quote))

    def antecedent(self, pronoun: str, before: int, excluded: frozenset[str] = frozenset()) -> str | None:
        """Search back from ``before`` sentence by sentence (as Hobbs' algorithm does): in
        the nearest sentence naming a person of a compatible gender, its speaker, else the
        leftmost clause subject, else the leftmost name. Names whose last word (lower-case)
        is ``excluded`` are skipped.

        "it" with no known organisation before it takes a subject that is neither a person
        nor a place ("Exxon Mobil denied the report. “…,” it said."). The names in a
        participle phrase opening the pronoun's sentence are not its referent: the pronoun
        is that phrase's subject ("Asked about Varga's vote, she replied": not Varga).
        """
        floor = self.participle_opening(before)
        candidates = [
            mention
            for mention in self.scanned + self.quote_speakers + self.resolved
            if mention.offset < floor and mention.name.split()[-1].lower() not in excluded
        ]
        agreeing = [mention for mention in candidates if self.agrees(pronoun, mention.name)]
        if not agreeing and pronoun == "it":
            agreeing = [m for m in candidates if m.rank <= _SUBJECT and self.may_be_organisation(m.name)]
        # A description that speaks ("“…,” the businessman replied") is, in news, a second
        # reference to someone already named: a later he/she stands for that person, and
        # takes the description only when nobody named agrees.
        named = [mention for mention in agreeing if not mention.name[:1].islower()]
        candidates = named or agreeing
        if not candidates:
            return None
        nearest = max(self.sentence_of(mention.offset) for mention in candidates)
        best = min(
            (mention for mention in candidates if self.sentence_of(mention.offset) == nearest),
            key=lambda mention: (mention.rank, mention.offset),
        )
        return best.name


def _named_in(quote: str) -> frozenset[str]:
    """The words of ``quote`` (lower-case) that may end a person's name: all but a capitalised
    word running on into another, as in an organisation named after someone ("the Varga
    Foundation", "Thorne University")."""
    tokens = quote.split()
    return frozenset(
        _bare(token)
        for token, following in zip(tokens, [*tokens[1:], ""])
        if not (_is_capitalised(token) and token == _strip_token(token) and _is_capitalised(following))
    )


def _is_organisation(name: str) -> bool:
    """A name that "it" can stand for: a known organisation, one ending in an organisation
    word ("Business Council", "The Post"), or an acronym that is not a place ("DNC")."""
    words = name.split()
    return (
        name in KNOWN_ORGANIZATIONS
        or words[-1] in ORG_WORDS
        or (len(words) == 1 and name.isupper() and len(name) > 1 and name not in PLACES)
    )


def _name_tokens(run: str) -> list[str]:
    """The tokens of a capitalised run up to the first one that ends a sentence
    ("Vietnam War. Despite" → "Vietnam War."), keeping initials and "Mr." inside."""
    return _name_pieces(run)[0]


def _name_pieces(run: str) -> list[list[str]]:
    """The tokens of a capitalised run, cut where a sentence ends ("Ohio. Helen Varga"
    → "Ohio." and "Helen Varga"), keeping initials and "Mr." inside."""
    pieces: list[list[str]] = [[]]
    tokens = run.split()
    for index, token in enumerate(tokens):
        pieces[-1].append(token)
        if index + 1 < len(tokens) and token.endswith(".") and not _ABBREVIATION.search(token):
            pieces.append([])
    return pieces


def _opens_clause(body: str, sentence: int, run: re.Match[str], tokens: list[str]) -> bool:
    """True when the name ``tokens`` of ``run`` stands where a clause subject stands: first
    in its sentence or after a comma, dash or conjunction, and neither a possessive
    ("Tesfa’s arrest") nor after a preposition ("Of Sandell, McCaffrey said")."""
    if tokens[-1].endswith(("’s", "'s", "’")) or _bare(run.group().split()[0]) in _PHRASE_BREAKS:
        return False
    before = body[max(sentence, run.start() - 20) : run.start()].rstrip(" \u00a0\"“‘'`")
    if not before or before[-1] in ",;:—–(":
        return True
    words = before.split()
    return bool(words) and _bare(words[-1]) in _CLAUSE_OPENERS


def _mention_rank(body: str, sentence: int, run: re.Match[str], tokens: list[str]) -> int:
    """How likely a later he/she is to refer to this name: the subject of a main clause
    first, then the subject of a subordinate one ("…, that Dennis Thorne could be …")."""
    if not _opens_clause(body, sentence, run, tokens):
        return _OTHER
    words = body[max(sentence, run.start() - 20) : run.start()].split()
    return _SUBORDINATE if words and _bare(words[-1]) in _SUBORDINATORS else _SUBJECT


def _has_role_apposition(body: str, end: int) -> bool:
    """True when an age or a role follows the name ending at ``end``: "Michelle Stenson, 30,",
    "Herman Kane, the pizza maven and former Republican presidential candidate who …"."""
    match = _APPOSITION.match(body, end)
    if match is None:
        return False
    if match.group(1):
        return True
    words = []
    for word in match.group(2).split():
        if _bare(word) in _PHRASE_BREAKS - {"and"}:
            break
        words.append(word)
    return bool(words) and _is_title(words[-1]) and not any(w.endswith(("’s", "'s")) for w in words)


# Role words that modify another word more often than they name someone's job.
_MODIFYING_ROLES = frozenset(
    "former acting state campaign presidential democratic republican democrat gop independent "
    "majority minority vice prime head executive chair member official".split()
)


def _role_before(body: str, start: int) -> str | None:
    """The job written in lower case right before a name ("ministry spokesman Lu Kang", "the
    pollster Ann Ray"), as news names a person's job in front of the name; else None. A
    gendered job ("spokeswoman") hints at the person's gender (a first name says more)."""
    words = body[max(0, start - 30) : start].split()
    if not words or not words[-1].isalpha() or not words[-1].islower():
        return None
    return words[-1] if _is_title(words[-1]) and words[-1] not in _MODIFYING_ROLES else None


def _full_names(body: str) -> dict[str, list[str]]:
    """Multi-word capitalised names in the article, by last word, in order of first mention
    (news introduces its main "Morley" before a namesake: "Sen. Chris Morley … Anne Marie
    Morley").

    An inverted speech cue opening the run is not part of it ("Continued Tom Smith:").
    """
    forms: dict[str, list[str]] = {}
    for run in _NAME_RUN.finditer(body):
        for tokens in _name_pieces(run.group()):
            if _CUE.fullmatch(tokens[0]):
                tokens = tokens[1:]
            name = _clean_name(tokens)
            if len(name.split()) >= 2:
                known = forms.setdefault(name.split()[-1].lower(), [])
                if name not in known:
                    known.append(name)
    return forms


def _starts_sentence(body: str, offset: int) -> bool:
    """True when only white space and quotation marks separate ``offset`` from the end of
    the previous sentence (or paragraph, or colon)."""
    before = body[max(0, offset - 4) : offset].rstrip(" \u00a0\"“‘'`")
    return not before or before[-1] in ".!?:\n"


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
    """The article's speakers, with genders from honorifics ("Mrs. Varga")."""
    speakers = _Speakers(body, quoted, paragraphs)
    for match in _HONORIFIC.finditer(body):
        gender = HONORIFIC_GENDERS[match.group(1).lower()]
        speakers.genders[speakers.canonical(match.group(2), gender)] = gender
    return speakers


def _scan_mentions(speakers: _Speakers) -> tuple[list[_Mention], list[_Mention]]:
    """Every name outside the quotes that a pronoun may refer to, and every he/she that
    opens a clause there (its ``name`` is the pronoun), in text order.

    On the way, learns who is a person (subjects of speech cues anywhere: "Varga said
    Tuesday that …"; names behind a title: "Sen. Morley") and genders ("X said she …").
    """
    names = sorted(_cue_subjects(speakers) + _name_mentions(speakers), key=lambda m: m.offset)
    return names, _pronoun_mentions(speakers)


def _cue_subjects(speakers: _Speakers) -> list[_Mention]:
    """Named subjects of the speech cues outside quotes, with "X said she …" genders."""
    body, quoted = speakers.body, speakers.quoted
    quote_ends = [span.end for span in quoted]
    if speakers.starts is None:
        speakers.starts = _sentence_starts(body, speakers.paragraphs)
    starts = speakers.starts
    mentions = []
    for match in _CUE.finditer(body):
        if _inside(match.start(), quoted):
            continue
        sentence = starts[bisect_right(starts, match.start()) - 1] if starts else 0
        after_quote = bisect_right(quote_ends, match.start())
        floor = max(sentence, quote_ends[after_quote - 1] if after_quote else 0)
        if match.group().lower() in SPEECH_PARTICIPLES:
            subject = _sentence_subject(body[floor : match.start()], speakers.is_proper)
        else:
            subject = _cue_subject(body, floor, match)
        if subject is None or subject.kind != "name":
            continue
        name = speakers.canonical(subject.text, subject.gender)
        words = body[max(floor, match.start() - 60) : match.start()].split()
        opener = next((_bare(word) for word in reversed(words) if not _is_name_token(word)), "")
        rank = _SUBORDINATE if opener in _SUBORDINATORS else _SPEAKER  # "When Madden noted …"
        mentions.append(_Mention(match.start(), name, rank))
        speakers.people.add(name)
        pronoun = _PRONOUN_AFTER_CUE.match(body, match.end())
        if pronoun:
            speakers.said_genders.setdefault(name, pronoun.group(1))
    return mentions


def _cue_subject(body: str, floor: int, cue: re.Match[str]) -> _Subject | None:
    """The subject of a speech cue of the narrative: before it ("Kerry said"), else after
    it when the cue is inverted ("…, said Jake Horwood, editor in chief of Mag.com.")."""
    before, after = body[floor : cue.start()], body[cue.end() : cue.end() + 200]
    subject = _subject_before(before)
    inverted = not before.strip(" ,—–-\u00a0") or before.rstrip().endswith(",")
    first = after.split(maxsplit=1)[:1]
    passive = not first or _bare(first[0]) in _PHRASE_BREAKS | _CLAUSE_OPENERS  # "Asked by X, …"
    if subject is None and inverted and not passive and _CUES[cue.group().lower()] not in _SUBJECT_FIRST:
        subject = _subject_after(after, bare_plural=False)
    return subject


def _pronoun_mentions(speakers: _Speakers) -> list[_Mention]:
    """The he/she outside quotes that open a clause, ranked as speakers before a cue."""
    body, quoted, starts = speakers.body, speakers.quoted, speakers.starts or [0]
    mentions = []
    for match in _PRONOUN.finditer(body):
        if _inside(match.start(), quoted):
            continue
        sentence = starts[bisect_right(starts, match.start()) - 1]
        if not _opens_clause(body, sentence, match, [match.group()]):
            continue
        rank = _SPEAKER if _CUE.match(body, _skip_auxiliaries(body, match.end())) else _SUBJECT
        mentions.append(_Mention(match.start(), match.group().lower(), rank))
    return mentions


def _skip_auxiliaries(body: str, position: int) -> int:
    """The offset of the first word at or after ``position`` that is not an auxiliary."""
    for word in _WORD_AT.finditer(body, position):
        if _bare(word.group()) not in _AUXILIARIES:
            return word.start()
    return len(body)


def _is_modifier(body: str, run: re.Match[str]) -> bool:
    """True for a name that modifies a noun after a determiner ("the Barney Sandell
    campaign", "a Varga spokesman"): the least likely referent of a pronoun."""
    before = body[max(0, run.start() - 6) : run.start()].split()
    after = _WORD_AT.match(body, run.end() + 1) if body[run.end() : run.end() + 1] == " " else None
    if not before or before[-1].lower() not in _DETERMINERS or after is None:
        return False
    word = _strip_token(after.group())
    return word.isalpha() and word.islower() and not _is_verb_like(word)


def _name_mentions(speakers: _Speakers) -> list[_Mention]:
    """The capitalised names of each sentence outside quotes, titles stripped."""
    body, quoted = speakers.body, speakers.quoted
    starts = [*speakers.starts, len(body)] if speakers.starts else [0, len(body)]
    mentions = []
    for start, end in zip(starts, starts[1:]):
        for run in _MENTION_RUN.finditer(body, start, end):
            if _inside(run.start(), speakers.all_quoted or quoted):
                continue  # names inside quotation marks ("to chants of “Marco!”") are words said
            tokens = _name_tokens(run.group())
            if _starts_sentence(body, run.start()) and not speakers.is_proper(tokens[0]):
                tokens = tokens[1:]
            subject = _name_subject(tokens)
            if subject is None or _is_title(subject.text.split()[-1]) and " " not in subject.text:
                continue
            name = speakers.canonical(subject.text, subject.gender)
            if any(_is_title(token) for token in tokens):
                speakers.people.add(name)
            role = _role_before(body, run.start())
            if _has_role_apposition(body, run.end()) or role is not None:
                speakers.people.add(name)
            if role is not None and role.endswith("man"):  # "spokeswoman Ann Ray", "chairman …"
                speakers.said_genders.setdefault(name, "she" if role.endswith("woman") else "he")
            rank = _MODIFIER if _is_modifier(body, run) else _mention_rank(body, start, run, tokens)
            mentions.append(_Mention(run.start(), name, rank))
    return mentions


# --------------------------------------------------------------------------- the pipeline


def _is_embedded(body: str, span: _Span) -> bool:
    """True for a fragment quoted inside the writer's own sentence: ``called it “an
    absolute disgrace”``, ``under the slogan “Axe the tax”``.

    The opening mark follows a lower-case word that is not a speech cue ("writing “…" and
    "said “…" open real quotes), and the quote is not itself a sentence (capitalised and
    ending in . ! or ?).
    """
    before = body[max(0, span.open.start - 30) : span.open.start].rstrip()
    if not before[-1:].isalpha() or not before[-1].islower() or _CUE_AT_END.search(before):
        return False
    text = body[span.start : span.end]
    after = body[span.close.end : span.close.end + 1]
    return not (text[:1].isupper() and (text.endswith(("." ,"!", "?")) or after in ".!?"))


def _is_standalone(body: str, span: _Span, paragraphs: list[Span]) -> bool:
    """True when the quote fills its paragraph(s) but for trailing punctuation."""
    first, last = paragraphs[span.paragraph], paragraphs[span.last_paragraph]
    return span.open.start == first.start and not body[span.close.end : last.end].strip(" .,\u00a0")


@dataclass(frozen=True, slots=True)
class _Said:
    """The speaker of the last attributed quote, which a following quote may continue."""

    speaker: str
    span: _Span


@dataclass(frozen=True, slots=True)
class _Found:
    """A quote's speaker, its cue and how it was found (all ``None`` when unattributed)."""

    speaker: str | None = None
    cue: str | None = None
    source: SpeakerSource | None = None


def _attribute(
    attribution: _Attribution | None, span: _Span, speakers: _Speakers, mention: bool = True
) -> _Found:
    """The canonical speaker of one quote's attribution, its cue and how it was found.

    With ``mention``, the speaker counts as named at the quote for later pronouns; a
    fragment's attribution does not ("When Madden pointed out that Sandell calls it
    “Medicare for all,” Varga …": Madden is no speaker there).
    """
    if attribution is None:
        return _Found()
    subject = attribution.subject
    if subject.kind == "pronoun":
        name = speakers.resolve(subject.text, span.open.start, speakers.body[span.start : span.end])
        source: SpeakerSource = "pronoun"
    else:
        name = speakers.canonical(subject.text, subject.gender) if subject.kind == "name" else subject.text
        source = "name"
    if name is None:
        return _Found()
    if mention:
        speakers.mention(span.start, name)
    return _Found(name, attribution.cue, source)


def _continues(said: _Said, body: str, span: _Span, paragraphs: list[Span]) -> bool:
    """True when ``span`` continues the last speaker: it follows that quote in the same
    paragraph, or fills the next paragraph on its own."""
    last = said.span.last_paragraph
    return last == span.paragraph or (last == span.paragraph - 1 and _is_standalone(body, span, paragraphs))


def _narrative_leadin(body: str, span: _Span, paragraphs: list[Span], quoted: list[Span]) -> _Context:
    """The last sentence of the paragraph before ``span``, after any quote in it: the
    narrative that introduces a quote standing on its own ("Hadley continued his remarks.",
    "Rather, he said, the struggles will go on.")."""
    above = paragraphs[span.paragraph - 1]
    floor = max([above.start, *(q.end for q in quoted if above.start < q.end <= above.end)])
    end = floor + len(body[floor : above.end].rstrip(" \u00a0.!?\"”’'"))
    return _Context(body[_sentence_start(body, floor, end) : above.end], "", False)


def _following_sentence(body: str, span: _Span, paragraphs: list[Span], quoted: list[Span]) -> str:
    """The sentence after a quote that ends one, up to the next quote: the first of the next
    paragraph when the quote ends its own ("“…”\n\nThat is how Jane Doe put it.")."""
    paragraph = paragraphs[span.last_paragraph]
    start, end = span.close.end, paragraph.end
    if not body[start:end].strip(" .,\u00a0"):
        if span.last_paragraph + 1 == len(paragraphs):
            return ""
        start, end = paragraphs[span.last_paragraph + 1].start, paragraphs[span.last_paragraph + 1].end
    end = min([end, *(q.start for q in quoted if start <= q.start < end)])
    return body[start : _sentence_end(body, start, end)]


def _attribution_around(
    body: str,
    span: _Span,
    paragraphs: list[Span],
    quoted: list[Span],
    speakers: _Speakers,
    context: _Context,
) -> _Attribution | None:
    """For a quote with no cue of its own: a cue in the narrative sentence that introduces a
    quote standing alone in its paragraph, else a cue or a signature right after the quote
    (cataphora: "“…” That is how Jane Doe put it."), else the person the introducing
    sentence is about ("Jon Farrell published a column entitled “…”")."""
    introduction = context
    if span.paragraph > 0 and _is_standalone(body, span, paragraphs):
        introduction = _narrative_leadin(body, span, paragraphs, quoted)
        attribution = _attribution_before(introduction, speakers.is_proper)
        if attribution is not None:
            return attribution
    following = _following_sentence(body, span, paragraphs, quoted)
    return (
        _attribution_after(following)
        or _signature(following)
        or _introducer(introduction.leadin, speakers.is_proper)
    )


def _introducer(sentence: str, proper: Callable[[str], bool]) -> _Attribution | None:
    """The subject of a sentence with no speech cue, as the speaker of the quote it leads
    to, when it is a name or he/she ("Vignal is upbeat about …. ¶ “…”"); a common noun is
    too often what the quote is about ("The market slumped: “…”")."""
    subject = _sentence_subject(sentence, proper)
    return _Attribution(None, subject) if subject is not None and subject.kind != "descriptor" else None


def _signature(sentence: str) -> _Attribution | None:
    """A dash and a name signing the quote before it, as pull quotes are: "“…” -Michelle
    Marks, Philadelphia." or "— President Osmond, tweeting after the speech"."""
    match = _SIGNATURE.match(sentence.strip())
    subject = _name_subject(match.group(1).split()) if match else None
    return _Attribution(None, subject) if subject is not None else None


# --------------------------------------------------------------------------- partial quotes

# Verbs that characterise with someone's own words, which speech cues do not list: "She
# called the plan “reckless”", "he described it as “a disaster”", "they branded him “a fraud”";
# not "called for" / "called on", which ask for something rather than label it.
_CHARACTERISING = re.compile(
    r"\b(?:call(?:s|ed|ing)?|describ(?:e|es|ed|ing)|label(?:s|ed|led|ling|ing)?|brand(?:s|ed|ing)?|"
    r"term(?:s|ed)?|characteri[sz](?:e|es|ed|ing)|referr(?:ed|ing) to|refers to|"
    # judging someone or something in the speaker's words: "dismissed the claim as “…”"
    r"dismiss(?:es|ed|ing)|prais(?:es|ed|ing)|hail(?:s|ed|ing)|derid(?:es|ed|ing)|"
    r"denounc(?:es|ed|ing)|condemn(?:s|ed|ing)|critici[sz](?:es|ed|ing)|slamm(?:ed|ing)|slams|"
    r"blast(?:s|ed|ing)|tout(?:s|ed|ing)|accus(?:es|ed|ing)|alleg(?:es|ed|ing)|decri(?:es|ed)|"
    r"promis(?:es|ed|ing)|pledg(?:es|ed|ing)|vow(?:s|ed|ing)|"
    # stating a view in the speaker's words: "expressed confidence that it would not be “…”"
    r"express(?:es|ed|ing))\b"
    r"(?![ \u00a0]+(?:for|on|upon|off|up|in)\b)",
    re.IGNORECASE,
)
# A form of "be" (and an adverb) right before a characterising verb makes it passive.
_PASSIVE_BEFORE = re.compile(r"\b(?:be|been|being|is|are|was|were)[ \u00a0]+(?:\w+ly[ \u00a0]+)?$", re.IGNORECASE)
# Words that introduce the name of a thing rather than words someone said: "a show called
# “Night Desk”", "the so-called “green deal”", "nicknamed “the Hammer”".
_NAMING = re.compile(
    r"\b(?:so-called|dubbed|nicknamed|titled|entitled|headlined|known as|hashtag|slogan|motto)\W*$",
    re.IGNORECASE,
)
# Without a cue, quoted words need this many words to read as someone's words, not as a
# term held at arm's length ("the “confidential” level").
_MIN_SCARE_WORDS = 2
_MAX_NICKNAME_WORDS = 4
# Lower-case words a title may hold between its capitalised ones ("Meet the Press").
_TITLE_FUNCTION_WORDS = frozenset("a an the and or of in on at to for with from by as vs".split())


def _is_title_case(text: str) -> bool:
    """True for quoted words that are all capitalised but for short function words: the
    title of a show, a book or a law ("Night Desk", "Life and Times of the City")."""
    words = _WORD.findall(text)
    return bool(words) and words[0][0].isupper() and all(
        word[0].isupper() or word[0].isdigit() or word.lower() in _TITLE_FUNCTION_WORDS for word in words
    )


def _is_markup(body: str, span: _Span) -> bool:
    """True for the value of a markup attribute (``date="May 1, 2016"``) left in the text."""
    return body[span.open.start - 1 : span.open.start] == "="


def _follows_writers_word(body: str, span: _Span) -> bool:
    """True when the opening mark follows a lower-case word that is not a speech cue, or a
    possessive: the quote is part of the writer's sentence ("the show “…”", "NBC’s “…”")."""
    before = body[max(0, span.open.start - 30) : span.open.start].rstrip()
    if before.endswith(("’s", "'s")):
        return True
    return before[-1:].isalpha() and before[-1].islower() and not _CUE_AT_END.search(before)


def _is_name_of_thing(body: str, span: _Span, text: str) -> bool:
    """True for quoted words that name something instead of reporting speech: a title in
    capitals (a show, a book, a programme), a nickname between a first name and a surname
    (Jo “Ace” Smith), the value of a markup attribute (``author="…"``), or words after a
    naming cue ("so-called", "nicknamed", "titled")."""
    before = body[max(0, span.open.start - 40) : span.open.start]
    after = body[span.close.end : span.close.end + 3]
    if _is_markup(body, span) or _NAMING.search(before):
        return True
    ends_sentence = text.rstrip().endswith((".", "!", "?")) and len(_WORD.findall(text)) > 1
    if (
        re.search(r"[A-Z][\w’'.-]*[ \u00a0]$", before)
        and re.match(r"[ \u00a0][A-Z]", after)
        and not ends_sentence
        and len(_WORD.findall(text)) <= _MAX_NICKNAME_WORDS
    ):
        # a nickname inside a name ("Jo “Ace” Smith"), not words that end a sentence before
        # the next one starts ("… in Indiana “near to my heart.” He said …")
        return True
    return _is_title_case(text) and not ends_sentence


def _attribute_partial(
    body: str, span: _Span, text: str, context: _Context, speakers: _Speakers, said: _Said | None
) -> _Found | None:
    """The speaker of a partial quote, or ``None`` when the quoted words are not speech.

    Speech is what the context says is speech: a speech cue whose subject is found around
    the quote (the cue before it first, as partial quotes mostly sit in reported speech:
    ``Reilly said the turnout was “truly remarkable”``), or a characterising verb ("called
    it", "described as"). Without either, a quote of two words or more takes the subject of
    its sentence (a name or he/she), else the speaker of an earlier quote of its paragraph.
    A quote under three words that ends up with nobody's name is a scare quote.
    """
    if _is_name_of_thing(body, span, text):
        return None
    embedded = _is_embedded(body, span)
    characterised = _characterisation(context.leadin, speakers.is_proper)
    if characterised is not None and _characterises_last(context.leadin):
        # "Contrast that with Thorne, who has called the pact “insanity,” and Sandell, who says
        # …": the verb next to the quote decides, not a cue further off on either side.
        attribution: _Attribution | None = characterised
    else:
        before = _attribution_before(context, speakers.is_proper)
        after = _attribution_after(context.trailer)
        attribution = (before or after) if embedded else (after or before)
        attribution = attribution or characterised
    if attribution is None:
        if len(_WORD.findall(text)) < _MIN_SCARE_WORDS:
            return None  # a scare-quoted term: no cue says anyone said it
        attribution = _introducer(_last_clause(context.leadin), speakers.is_proper) or _introducer(
            context.leadin, speakers.is_proper
        )
    found = _attribute(attribution, span, speakers, mention=False)
    if found.speaker is None and said is not None and said.span.last_paragraph == span.paragraph:
        found = _Found(said.speaker, None, "previous")
    if found.speaker is None and len(_WORD.findall(text)) < _MIN_WORDS:
        return None  # under three words and nobody's: a term held at arm's length
    return found


# Where a sentence's last coordinate clause starts: "X signed an order, while Y proposed …".
_CLAUSE_BREAK = re.compile(r"(?:[,;][ \u00a0]+(?:while|whereas|but|and|as)|;)[ \u00a0]+")


def _last_clause(leadin: str) -> str:
    """The lead-in from its last coordinate clause on (all of it when there is none)."""
    breaks = list(_CLAUSE_BREAK.finditer(leadin))
    return leadin[breaks[-1].end() :] if breaks else leadin


def _characterises_last(leadin: str) -> bool:
    """True when the lead-in's last characterising verb comes after its last speech cue."""
    verbs = [match.start() for match in _CHARACTERISING.finditer(leadin)]
    cues = [match.start() for match in _CUE.finditer(leadin)]
    return bool(verbs) and (not cues or verbs[-1] > cues[-1])


def _characterisation(leadin: str, proper: Callable[[str], bool]) -> _Attribution | None:
    """The subject of a characterising verb in the lead-in ("Jane Doe called the plan" →
    Jane Doe), else the subject of the sentence (always for a participle: "…, calling it")."""
    matches = list(_CHARACTERISING.finditer(leadin))
    if not matches:
        return None
    verb = matches[-1]
    before = leadin[: verb.start()]
    if _PASSIVE_BEFORE.search(before):
        return None  # "the work could be termed “…”": whoever is called so did not say it
    if verb.group().lower().endswith("ing"):  # "…, calling him “…”": the sentence's subject
        subject = _participle_subject(before, proper)
    else:  # "Tom Hale, who has called …": the auxiliary does not hide the relative
        subject = _subject_before(" ".join(_without_adverbs(before.split()))) or _sentence_subject(
            before, proper
        )
    return _Attribution(matches[-1].group().lower(), subject) if subject is not None else None


def extract_quotes(body: str) -> tuple[Quote, ...]:
    """Direct quotes in `body` with speakers; offsets are character offsets into `body`.

    Partial quotes (fragments inside the writer's sentence, quotes under three words) are
    kept when the context says they are speech, and get their speaker by the same rules.
    """
    if not body or not _MARK.search(body):
        return ()
    paragraphs = paragraph_spans(body)
    spans = _find_spans(body, paragraphs)
    texts = [_quote_text(body, span) for span in spans]
    long = [len(_WORD.findall(text)) >= _MIN_WORDS for text in texts]
    # Words quoted inside a sentence do not end the context of the quotes around them.
    full = [is_long and not _is_embedded(body, span) for is_long, span in zip(long, spans)]
    contexts = _contexts(body, spans, full, paragraphs)
    quoted = [Span(span.open.start, span.close.end) for span, is_full in zip(spans, full) if is_full]
    speakers = _collect_speakers(body, quoted, paragraphs)
    speakers.all_quoted = [Span(span.open.start, span.close.end) for span in spans]
    quotes: list[Quote] = []
    said: _Said | None = None
    for span, text, is_full, context in zip(spans, texts, full, contexts):
        partial = not is_full or _is_embedded(body, span)
        if partial:
            found = _attribute_partial(body, span, text, context, speakers, said)
            if found is None:  # not speech: a title, a nickname, a scare-quoted term
                continue
            quotes.append(Quote(text, span.start, span.end, found.speaker, found.cue, found.source, True))
        elif _is_markup(body, span) or (_follows_writers_word(body, span) and _is_name_of_thing(body, span, text)):
            continue  # a title in the writer's sentence ("on “Meet the Press.”"), markup
        else:
            attribution = _attribution_after(context.trailer) or _attribution_before(
                context, speakers.is_proper
            )
            if attribution is None and _is_name_of_thing(body, span, text):
                continue  # a title set off by commas ("Her book, “…,” sold well.")
            found = _attribute(attribution, span, speakers)
            if found.speaker is None and said is not None and _continues(said, body, span, paragraphs):
                found = _Found(said.speaker, None, "previous")
            elif found.speaker is None:
                around = _attribution_around(body, span, paragraphs, quoted, speakers, context)
                found = _attribute(around, span, speakers)
            quotes.append(Quote(text, span.start, span.end, found.speaker, found.cue, found.source))
        if found.speaker is not None:
            said = _Said(found.speaker, span)
        elif not partial:
            said = None
    return tuple(quotes)
