"""Typing rules: which spans of a tokenised article are people, organisations and places.

The installed NLTK data has only the *binary* named-entity chunker: it finds entity spans but
not their kind. So recognition runs in four steps, all per article:

1. **Tokens and tags.** Sentences and word tokens come from ``entity_model.tokenize``,
   part-of-speech tags from the averaged perceptron tagger. Sentences written in capitals
   (headlines, datelines) are first re-cased, because the tagger and the chunker read every
   capitalised word as a name.
2. **Spans.** Each token gets a coarse class (name-like, title, nationality, linking word…);
   a token counts as name-like when it is capitalised inside a sentence, or when the binary
   chunker puts it in an entity span. A grammar over those classes (regular expressions,
   as in NLTK's ``RegexpParser``) then builds the spans, so it also catches what the
   chunker misses ("UN Security Council", "Syrian Observatory for Human Rights", "Bashar
   al-Assad"). Titles in front of a name are
   peeled off and kept as evidence ("President Bashar al-Assad" -> "Bashar al-Assad").
3. **Evidence.** Each span collects weighted votes for PERSON, ORGANIZATION and PLACE from
   its own words (organisation words, place list, first names), from its neighbours (a title
   before it, "said" after it, "province" after it, a score after it), and from the speakers
   the quote extractor found. The weights are in one table, ``WEIGHTS``.
4. **Article consistency.** Votes are summed per name over the article, so one strong clue
   types every mention; a one-word person name ("Kerry") is merged into the full name ("John
   Kerry"), and an acronym given in parentheses after an organisation is typed as one (it
   stays a name of its own: news uses it alone afterwards, and searches ask for it).

Word lists: names (places, first names, organisations) are in ``gazetteer``; titles,
particles and cue words in ``lexicon``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import EntityKind
from . import entity_model as em
from . import gazetteer as gz
from . import lexicon as lx
from .entity_model import MULTICLASS_KINDS, ORGANIZATION, PERSON, PLACE, PROPER, Models, iob_spans

# After these a word is capitalised by position; after a quote only if the quote opens a sentence.
_OPENERS = frozenset({"(", "[", "-", "--", ":", "*", ";", ".", "!", "?", "\u2013", "\u2014"})
_QUOTES = frozenset({"``", '"', "'", "`"})
_SCORE = re.compile(r"^\d{1,3}(-\d{1,3})?$")
_INITIAL = re.compile(r"^[A-Z]\.?$")
_SPORTS_CUES = lx.SPORTS_WORDS | lx.VERSUS
_SCORE_PAIR = re.compile(r"^\d{1,3}-\d{1,3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z&]{1,5}|(?:[A-Z]\.){2,4})$")
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|an|ar|az)-[A-Z]", re.IGNORECASE)

# Token classes for the span grammar, one letter each: C name-like, G organisation word,
# P place word, D nationality, T title, L linking word, K capitalised linking word inside a
# sentence ("Doctors Without Borders"), d "the", r name particle, & "&", a "and", o other.
_CLASS_LETTERS = {
    "CAP": "C",
    "ORGW": "G",
    "PLACEW": "P",
    "DEM": "D",
    "TTL": "T",
    "LNK": "L",
    "CLNK": "K",
    "DT": "d",
    "PRT": "r",
    "AMP": "&",
    "AND": "a",
    "O": "o",
}
# The span grammar: each rule, in order, chunks the leftmost matches among the tokens that no
# earlier rule took. This is NLTK's ``RegexpParser`` semantics for the grammar
#   NE: {<DEM>*<CAP|ORGW|PLACEW>*<ORGW|PLACEW><LNK><DT>?<CAP|ORGW|PLACEW|DEM>+(<AND><DT>?<CAP|ORGW|PLACEW>+)?}
#       {<PLACEW><LNK><DT>?<CAP|ORGW|PLACEW>+}
#       {<CAP|ORGW|PLACEW>+<CLNK>+<CAP|ORGW|PLACEW>+}
#       {<DEM>*<CAP|ORGW|PLACEW><PRT|AMP|CAP|ORGW|PLACEW>*}
# run over one letter per token with ``re``, because RegexpParser routes every match through
# NLTK's ReDoS guard (the ``regex`` module under a timeout): a sixth of extraction time.
_GRAMMAR_RULES = tuple(
    re.compile(rule)
    for rule in (
        # "School of Law and Medicine": an organisation word, "of", and a pair joined by "and"
        r"D*[CGP]*[GP]Ld?[CGPD]+(?:ad?[CGP]+)?",
        r"PLd?[CGP]+",
        r"[CGP]+K+[CGP]+",
        r"D*[CGP][r&CGP]*",
    )
)



# --------------------------------------------------------------------------- vote weights

# Every vote a span can collect, in one place. A name's kind is the one with most votes over
# the article (``_name_totals``): "own" votes come from the name's words and count once per
# name; "context" votes come from one mention's neighbours and add up over its mentions.
# Ties go to PERSON, then ORGANIZATION, then PLACE.
WEIGHTS: dict[str, int] = {
    # own: the name's words
    "listed place": 3,  # PLACE: the name is in the place list, or a compass word + a listed place
    "listed organisation": 3,  # ORGANIZATION: the name is a listed organisation
    "organisation word": 4,  # ORGANIZATION: a word such as Bank, Council, Inc (not in a listed place)
    "place word": 3,  # PLACE: ends in a place suffix (..shire, Street) or starts with a place prefix
    "first name": 3,  # PERSON: starts with a listed first name and has more words
    "first name alone": 1,  # PERSON: is a listed first name and nothing else
    "acronym": 2,  # ORGANIZATION: one all-capitals word that is not a place acronym
    "name particle": 2,  # PERSON: al-, bin, van, de... inside the name
    "speaker": 5,  # PERSON: the quote extractor found it (or its surname) speaking
    # context: one mention's neighbours
    "title before": 4,  # PERSON: a title or honorific just before the name
    "place noun": 2,  # PLACE: "X province", "the province of X", "MP for X"
    "organisation noun": 2,  # ORGANIZATION: "X spokesman", "shares in X"
    "results row": 2,  # ORGANIZATION: a side in a results or standings line
    "speech verb or age": 1,  # PERSON: "X said", "X, 45,"
    "place preposition": 1,  # PLACE: "in X", "from X"
    "country in brackets": 3,  # PERSON: "X (Country)", a player in a results list
    "versus": 2,  # ORGANIZATION: "X v Y", a fixture between sides
    "team word": 3,  # ORGANIZATION: on a sports line, "the X striker", "leaders X", "a win over X" (not a country)
    "acronym inside": 2,  # ORGANIZATION: an acronym of three letters or more among other words ("Exa BNP Partners")
    "facility word": 5,  # PLACE: ends in a venue word ("the Orbis Theatre", "Kessel Stadium")
    "typed chunker": 2,  # the kind NLTK's multiclass chunker gives the span, when installed
    "forced": 4,  # the kind a mention's context fixes (a dateline; a city as a side on a sports line)
    "compass region": 2,  # PLACE: a compass word before an unlisted name ("North X", "Eastern X")
    "listed with a place noun": 3,  # PLACE: one of a list headed by a place noun ("the A, B and C districts")
    "coordinated with a place": 2,  # PLACE: listed with a known place ("A, Paris and B")
    "who after": 2,  # PERSON: "X, who ..." refers back to a person
    "surname alone": 2,  # PERSON: the article later uses the last word alone ("Anna Holt" ... "Holt")
    "organisation's division": 3,  # ORGANIZATION: opens with an organisation named alone ("Orbis Retail" beside "Orbis")
    "thing noun": 3,  # not reported: "the X scheme", "the X festival" name a thing
    "country's": 2,  # PERSON: a two- or three-word unlisted name after "<country>'s"
    "title after": 3,  # PERSON: "X, chairman of Y", "X, the former minister": a role in apposition
    "player in a sports line": 1,  # PERSON: an unlisted name in a results table
    "pronoun next": 1,
    "initial": 3,  # PERSON: an initial before a surname ("A. Smith")  # PERSON: the subject of a sentence whose next sentence opens with He/She
}
# A kind for names of things (schemes, events, works): when it wins, the name is not reported.
_THING = "THING"


# --------------------------------------------------------------------------- recognition


@dataclass(frozen=True, slots=True)
class Mention:
    """One typed entity mention: tokens ``[start, end)`` of sentence ``sentence``."""

    sentence: int
    start: int
    end: int
    kind: EntityKind
    name: str


def recognize_tokens(tokens: Sequence[str]) -> list[tuple[int, int, EntityKind]]:
    """Typed entity spans ``(start, end, kind)`` of one tokenised sentence."""
    return [(m.start, m.end, m.kind) for m in recognize([tokens])]


def recognize(sentences: Sequence[Sequence[str]], speakers: Iterable[str] = ()) -> list[Mention]:
    """Typed entity mentions of one document given as tokenised sentences.

    This is the one code path behind ``extract_entities`` and the CoNLL benchmark: the whole
    document is needed because types and names are settled per article.
    """
    models = em.models()
    # Words the article writes in capitals inside ordinary sentences are acronyms ("NHL"):
    # a headline in capitals keeps them so when it is re-cased.
    acronyms = frozenset(
        token
        for tokens in sentences
        if not _is_shouting(tokens)
        for token in tokens
        if len(token) > 1 and token.isalpha() and token.isupper()
    )
    analysed = [_analyse(list(tokens), models, acronyms) for tokens in sentences]
    per_sentence = [_candidates(i, sentence) for i, sentence in enumerate(analysed)]
    known = _known_name_words(c for found in per_sentence for c in found)
    for i, sentence in enumerate(analysed):
        if _mark_known_starts(sentence, known):
            per_sentence[i] = _candidates(i, sentence)
    _vote_pronoun_subjects(analysed, per_sentence)
    candidates = [c for found in per_sentence for c in found]
    return _resolve(candidates, frozenset(s.strip() for s in speakers if s.strip()))



# --------------------------------------------------------------------------- step 1: tokens


@dataclass(slots=True)
class _Sentence:
    """A tokenised sentence with tags, token classes and the chunker's spans.

    ``starts`` are the positions capitalised by position (see ``_start_positions``), found
    once: tagging, chunking, classes and candidates all ask.
    """

    tokens: list[str]
    tags: list[str]
    starts: tuple[int, ...]
    classes: list[str] = field(default_factory=list)
    chunk_kinds: dict[tuple[int, int], EntityKind] = field(default_factory=dict)


def _analyse(tokens: list[str], models: Models, acronyms: frozenset[str] = frozenset()) -> _Sentence:
    """Re-case, tag, chunk and classify the tokens of one sentence.

    Tags and chunks are read only for words capitalised by their position (see
    ``_start_class``), so only the tokens up to the last such word are chunked, and tagged
    with the one after it, whose tag the chunker looks at. Tagger and chunker decide left to
    right, so these are the labels a whole-sentence run gives, at a fraction of the cost.
    The multiclass chunker's types count everywhere, so it gets the whole sentence.
    """
    if _is_shouting(tokens):
        tokens = _recase_sentence(tokens, models.common_words, acronyms)
    sentence = _Sentence(tokens, [_shape_tag(token) for token in tokens], _start_positions(tokens))
    in_chunk = None
    if models.tagger is not None and (models.multiclass or _has_open_start(sentence, models)):
        stop = len(tokens) if models.multiclass else sentence.starts[-1] + 1
        sentence.tags[: stop + 1] = models.tagger.tags(tokens, min(stop + 1, len(tokens)))
        if _needs_chunker(sentence, models):
            in_chunk = _chunk(sentence, models, stop)
    sentence.classes = _classify(sentence, in_chunk, models)
    return sentence


def _has_open_start(sentence: _Sentence, models: Models) -> bool:
    """Whether a word capitalised only by its position might be a name ("Brown said…").

    Only such words need the tagger (and perhaps the chunker); inside a sentence,
    capitalisation decides. Skipping the rest is what makes extraction fast: tagging is
    the main cost and most sentences start with "The", "He", "But" or a known name.
    """
    return any(
        token[:1].isupper()
        and token not in models.closed_words
        and token not in gz.NON_ENTITY_WORDS
        and not _is_name_in_lists(token)
        for token in (sentence.tokens[i] for i in sentence.starts)
    )


def _is_shouting(tokens: Sequence[str]) -> bool:
    """True for a sentence written in capitals (a headline or a dateline)."""
    words = [t for t in tokens if t.isalpha()]
    if not words:
        return False
    upper = sum(1 for t in words if t.isupper() and (len(t) > 1 or len(words) == 1))
    return upper >= max(1, 0.6 * len(words))


def _recase_sentence(tokens: Sequence[str], common: frozenset[str], acronyms: frozenset[str] = frozenset()) -> list[str]:
    """A capitalised sentence re-cased word by word; listed names of 2-3 words stay whole, and
    so do the article's acronyms. A first name that is also an English word ("ROSE", "BILL")
    is a name only before another name ("BILL HOLT"), else the word."""
    recased = [token if token in acronyms else _recase(token, common) for token in tokens]
    for i, token in enumerate(recased):
        following = recased[i + 1] if i + 1 < len(recased) else ""
        if token in gz.FIRST_NAMES and token.isalpha() and _is_common(token.lower(), common) and not following[:1].isupper():
            recased[i] = token.lower()
    for size in (3, 2):
        for i in range(len(tokens) - size + 1):
            titled = [t.capitalize() if t.isupper() and t.isalpha() else t for t in tokens[i : i + size]]
            if " ".join(titled) in gz.PLACES or " ".join(titled) in gz.KNOWN_ORGANIZATIONS:
                recased[i : i + size] = titled
    return recased


def _recase(token: str, common: frozenset[str]) -> str:
    """A capitalised token as it would be written in running text (best guess)."""
    if not token.isupper() or not token.isalpha():
        return token
    title = token.capitalize()
    if _is_name_in_lists(title):
        return title
    if _is_common(token.lower(), common) or token.lower() in lx.LINK_WORDS:
        return token.lower()
    return title


def _shape_tag(token: str) -> str:
    """Fallback tag from the token's shape alone: capitalised words are proper nouns."""
    if token[:1].isupper():
        return "NNP"
    if token[:1].isdigit():
        return "CD"
    return "NN"


def _needs_chunker(sentence: _Sentence, models: Models) -> bool:
    """Whether the chunker's answer can change anything in this sentence.

    The binary chunker decides only whether a capitalised proper noun at a sentence start is
    a name ("Brown said…" vs "Ceasefire talks…"); elsewhere capitalisation decides. Sentences
    without such a word skip it, which saves most of its cost. Typed chunkers always run.
    """
    if models.chunker is None:
        return False
    if models.multiclass:
        return True
    tokens, tags = sentence.tokens, sentence.tags
    return any(
        tags[i] in PROPER and tokens[i][:1].isupper() and not _is_name_in_lists(tokens[i])
        for i in sentence.starts
    )


def _chunk(sentence: _Sentence, models: Models, stop: int) -> set[int]:
    """Run the NE chunker on the first ``stop`` tokens; return the positions it puts in
    entities.

    The multiclass chunker's types are kept in ``sentence.chunk_kinds`` as evidence.
    """
    labels = models.chunker.iob_labels(sentence.tokens, sentence.tags, stop)
    positions = {i for i, label in enumerate(labels) if label != "O"}
    if models.multiclass:
        for start, end, label in iob_spans(labels):
            kind = MULTICLASS_KINDS.get(label)
            if kind is not None:
                sentence.chunk_kinds[(start, end)] = kind
    return positions




def _classify(sentence: _Sentence, in_chunk: set[int] | None, models: Models) -> list[str]:
    """The grammar class of each token (see ``_CLASS_LETTERS``)."""
    tokens = sentence.tokens
    classes = [_inner_class(token) for token in tokens]
    for i in sentence.starts:
        classes[i] = _start_class(i, sentence, in_chunk, models)
    _mark_nationality_pairs(tokens, classes)
    _mark_title_phrases(tokens, classes)
    _mark_names_in_titles(tokens, classes)
    _mark_role_words(tokens, classes, models.common_words)
    _mark_titles_in_names(tokens, classes)
    classes[: _dateline_length(tokens)] = ["CAP"] * _dateline_length(tokens)
    return classes


def _dateline_length(tokens: Sequence[str]) -> int:
    """How many words of a dateline in capitals open the sentence: wire copy starts its first
    paragraph with the place it was filed from, then the date or a dash ("OSTLAND CITY, March
    2 - ...", "KESSEL (Wire) - ..."); 0 when the sentence opens otherwise."""
    i = 0
    while i < min(len(tokens), 4) and tokens[i].isupper() and tokens[i].replace(".", "").isalpha():
        i += 1
    after = tokens[i : i + 2]
    if after[:1] == [","] and i + 3 < len(tokens) and tokens[i + 1][:1].isupper() and tokens[i + 2] == ",":
        after = tokens[i + 2 : i + 4]  # "OSTLAND CITY, Kess., March 2 -": a state or country first
    if i and (after[:1] in (["-"], ["--"], ["\u2013"], ["\u2014"], ["("]) or (
        after[:1] == [","] and len(after) == 2 and after[1].rstrip(".") in lx.MONTHS
    )):
        return i
    return 0


def _mark_role_words(tokens: Sequence[str], classes: list[str], common: frozenset[str]) -> None:
    """A capitalised English word right before a listed first name and a surname is a role
    the title list lacks ("Treasurer Ann Lee", "Striker Tom Hale"): news puts a person's job in
    front of the name, so the word is a title, not part of the name."""
    for i in range(len(tokens) - 2):
        if (
            classes[i] == "CAP"
            and tokens[i + 1] in gz.FIRST_NAMES
            and classes[i + 1] == "CAP"
            and classes[i + 2] == "CAP"
            and tokens[i].isalpha()
            and not tokens[i].isupper()
            and not _is_name_in_lists(tokens[i])
            and _is_common(tokens[i].lower(), common)
        ):
            classes[i] = "TTL"


def _mark_titles_in_names(tokens: Sequence[str], classes: list[str]) -> None:
    """Titles that are part of a name: one followed only by an organisation word names the
    organisation ("Premier League"), as a person's title is followed by a person's name, not by
    a word such as League or Council."""
    for i in range(len(tokens) - 1):
        if (
            classes[i] == "TTL"
            and tokens[i][:1].isupper()
            and classes[i + 1] == "ORGW"
            and (i + 2 == len(tokens) or classes[i + 2] not in {"CAP", "ORGW", "PLACEW"})
        ):
            classes[i] = "CAP"
        # "Grand Prix", "Star Wars", "Crown Court": a word that is a title only now and then
        # (and no military rank) opens a name when no first name follows it
        elif (
            classes[i] == "TTL"
            and tokens[i].lower() in lx.AMBIGUOUS_TITLES - lx.RANKS
            and classes[i + 1] in {"CAP", "ORGW", "PLACEW"}
            and tokens[i + 1] not in gz.FIRST_NAMES
        ):
            classes[i] = "CAP"


def _mark_names_in_titles(tokens: Sequence[str], classes: list[str]) -> None:
    """Words a title list claims that are names here: one after "<organisation word> of" is
    the organisation's ("Department of Justice", not the judge's title); a first name that is
    also a religion or nationality opens a person's name when an unlisted name follows it
    ("Christian Varga")."""
    for i, cls in enumerate(classes):
        if cls == "TTL" and i > 1 and tokens[i - 1] == "of" and classes[i - 2] == "ORGW":
            classes[i] = "CAP"
        elif (
            cls == "DEM"
            and tokens[i] in gz.FIRST_NAMES
            and i + 1 < len(tokens)
            and classes[i + 1] == "CAP"
            and not _is_name_in_lists(tokens[i + 1])
        ):
            classes[i] = "CAP"


@lru_cache(maxsize=1 << 16)
def _inner_class(token: str) -> str:
    """The class of a word that is not capitalised by its position.

    There its capital is its own, so the word alone decides the class; cached, like
    ``_word_class``, because this is asked for every token.
    """
    fixed = _word_class(token)
    if fixed is not None:
        return fixed
    lower = token.lower()
    if lower in lx.LINK_WORDS or lower in {"and", "the"}:
        return "CLNK"
    return _name_class(token)


def _start_class(i: int, sentence: _Sentence, in_chunk: set[int] | None, models: Models) -> str:
    """The class of word ``i``, capitalised by its position: "O" unless the name lists, or
    the tagger and the chunker (without a chunker: not being an English word), make it a name."""
    token = sentence.tokens[i]
    fixed = _word_class(token)
    if fixed is not None:
        return fixed
    if token.lower() in lx.TIME_QUALIFIERS:
        return "O"  # "Former Labour leader X", "Ex-WorldCom boss": a word about the time of a role
    named = _is_name_in_lists(token) or (
        token not in models.closed_words
        and sentence.tags[i] in PROPER
        and (not _is_common(token.lower(), models.common_words) if in_chunk is None else i in in_chunk)
    )
    return _name_class(token) if named else "O"


def _name_class(token: str) -> str:
    """The class of a capitalised word taken as part of a name."""
    if token in gz.ORG_WORDS:
        return "ORGW"
    if token in gz.PLACE_SUFFIXES or token in gz.PLACE_PREFIXES:
        return "PLACEW"
    return "CAP"


@lru_cache(maxsize=1 << 16)
def _word_class(token: str) -> str | None:
    """The class the word alone decides, or None for a capitalised word that may be a name.

    Cached: it depends on the word lists only, and most words of an article are repeats.
    """
    lower = token.lower()
    if token in gz.NATIONALITIES:
        return "DEM"
    if lower.rstrip(".") in lx.PERSON_TITLES and token[:1].isupper() and token not in gz.FIRST_NAMES:
        return "TTL"
    if lower in lx.NAME_PARTICLES and token.islower():
        return "PRT"
    if _ARABIC_ARTICLE.match(token):
        return "CAP"
    if token == "&":
        return "AMP"
    if token == "and":
        return "AND"
    if not token[:1].isupper() or token in gz.NON_ENTITY_WORDS or _is_compound_adjective(token):
        return "DT" if lower == "the" else ("LNK" if token in lx.LINK_WORDS else "O")
    return None


def _is_compound_adjective(token: str) -> bool:
    """ "Bafta-winning", "London-based": a name inside an adjective is not a mention."""
    head, _, tail = token.rpartition("-")
    # "London-based", and any "<nationality>-<word>" ("Spanish-language", "French-owned")
    return bool(head) and tail.islower() and (tail in lx.COMPOUND_TAILS or head in gz.NATIONALITIES)


def _start_positions(tokens: Sequence[str]) -> tuple[int, ...]:
    """The positions whose word is capitalised by position: first word, after a colon or dash,
    or after a quote that itself opens the sentence (not after ``, " Frater said``)."""
    starts, opening = [], True  # opening: whether a word here is capitalised by position
    for i, token in enumerate(tokens):
        if opening:
            starts.append(i)
        if token not in _QUOTES:
            opening = token in _OPENERS
    return tuple(starts)


def _is_name_in_lists(token: str) -> bool:
    return token in gz.PLACES or token in gz.FIRST_NAMES or token in gz.KNOWN_ORGANIZATIONS


def _is_common(lower: str, common: frozenset[str]) -> bool:
    """True when ``lower`` is an English word or a regular inflection of one."""
    if lower in common:
        return True
    stems = (lower[:-1], lower[:-2], lower[:-3] + "y", lower[:-3], lower[:-3] + "e", lower[:-2] + "e")
    return any(stem in common for stem in stems if len(stem) > 2)


def _mark_nationality_pairs(tokens: Sequence[str], classes: list[str]) -> None:
    """Two-word nationalities ("West Indian", "South African") are nationalities, not names."""
    for i in range(len(tokens) - 1):
        if f"{tokens[i]} {tokens[i + 1]}" in gz.NATIONALITIES:
            classes[i] = classes[i + 1] = "DEM"


def _mark_title_phrases(tokens: Sequence[str], classes: list[str]) -> None:
    """Qualifiers around a title belong to it: "Foreign Minister", "Secretary of State"."""
    for i, cls in enumerate(classes):
        if cls != "TTL":
            continue
        j = i - 1
        while j >= 0 and tokens[j] in lx.TITLE_QUALIFIERS and classes[j] != "O":
            classes[j] = "TTL"
            j -= 1
        if i + 2 < len(tokens) and tokens[i + 1] == "of":
            k = i + 2
            while k < len(tokens) and (tokens[k] in lx.TITLE_QUALIFIERS or tokens[k] in {"the", "and"}):
                k += 1
            if k > i + 2:
                for m in range(i + 1, k):
                    classes[m] = "TTL"


# --------------------------------------------------------------------------- step 2: spans


@dataclass(slots=True)
class _Candidate:
    """A span and its evidence.

    ``own`` votes come from the name itself (place list, organisation words, first names) and
    count once per name in an article; ``context`` votes come from the mention's neighbours
    and add up over mentions. ``forced`` is a kind fixed by this mention's context alone: a
    city used as a sports side ("Dunmore 532-8") or a dateline ("DUNMORE 2026-03-02").
    """

    sentence: int
    start: int
    end: int
    name: str
    own: Counter[EntityKind]
    context: Counter[EntityKind]
    initial: bool
    forced: EntityKind | None = None
    acronym_of: str | None = None


def _candidates(index: int, sentence: _Sentence) -> list[_Candidate]:
    """The typed-to-be spans of one sentence, with their evidence."""
    found = []
    spans = _grammar_spans(sentence)
    sports = bool(spans) and _is_sports_line(sentence.tokens)
    for start, end in spans:
        start, end, titled = _peel(sentence, start, end)
        if start >= end or _is_not_entity(sentence.tokens[start:end]) or _is_ticker(sentence.tokens, start, end):
            continue
        name = _canonical(sentence.tokens[start:end])
        candidate = _Candidate(
            index,
            start,
            end,
            name,
            _own_votes(sentence.tokens[start:end], name),
            _context_votes(sentence, start, end, titled, sports),
            start in sentence.starts,
            _forced_kind(sentence.tokens, start, end, name, sports),
        )
        found.append(candidate)
    _link_acronyms(sentence, found)
    _vote_coordinated(sentence.tokens, found)
    return found


def _vote_pronoun_subjects(analysed: Sequence[_Sentence], per_sentence: list[list[_Candidate]]) -> None:
    """A name that opens a sentence, when the next sentence opens with "He" or "She", is most
    likely the person the pronoun refers back to."""
    for i in range(len(analysed) - 1):
        following = analysed[i + 1].tokens
        if following[:1] in (["He"], ["She"]) and per_sentence[i] and per_sentence[i][0].start == 0:
            per_sentence[i][0].context[PERSON] += WEIGHTS["pronoun next"]


def _is_sports_line(tokens: Sequence[str]) -> bool:
    """Whether a sentence reads as a sports report or a results table, the only lines where a
    place name may stand for a side: it has a score ("3-1"), a fixture ("X v Y"), a sports
    word ("innings", "penalty", "league"...), or is mostly numbers and names (a table row)."""
    words = set(tokens)
    if not _SPORTS_CUES.isdisjoint(words) or not _SPORTS_CUES.isdisjoint(map(str.lower, words)):
        return True
    return any(_SCORE_PAIR.match(t) for t in words if "-" in t) or _is_table_line(tokens)


def _is_table_line(tokens: Sequence[str]) -> bool:
    """A results or standings row: at least two numbers and no more lower-case words than
    numbers ("1. X (Y) 62.78, 2. Z (W) 61.10", "X 4 3 1 0 9 4")."""
    numbers = sum(1 for t in tokens if t[:1].isdigit())  # "4.", "62.78", "4:05.463", "3"
    words = sum(1 for t in tokens if t.isalpha() and t.islower())
    return numbers >= 2 and words <= numbers


def _vote_coordinated(tokens: Sequence[str], found: list[_Candidate]) -> None:
    """Names in one list share a kind of place evidence: a place noun heading the list ("the
    A, B and C neighbourhoods", "the districts of A, B and C") is evidence for each name, and
    so is a known place among them ("A, Paris and B")."""
    runs, run = [], found[:1]
    for previous, current in zip(found, found[1:]):
        if tokens[previous.end : current.start] in ([","], ["and"], [",", "and"], ["or"]):
            run.append(current)
        else:
            runs.append(run)
            run = [current]
    runs.append(run)
    for run in (r for r in runs if len(r) > 1):
        first, last = run[0], run[-1]
        if len(run) == 2 and tokens[first.end : last.start] == [","] and last.name not in gz.PLACES:
            # "Kelvin, Ostland" names a town and its country; "In London, Holt cut short her
            # studies" ends an opening phrase with the comma
            continue
        headed = _word_at(tokens, last.end) in gz.PLACE_NOUNS_AFTER or (
            _word_at(tokens, first.start - 1) == "of" and _word_at(tokens, first.start - 2) in gz.PLACE_NOUNS_AFTER
        )
        with_place = any(c.name in gz.PLACES for c in run)
        for candidate in run:
            if headed:
                candidate.context[PLACE] += WEIGHTS["listed with a place noun"]
            if with_place and candidate.name not in gz.PLACES:
                candidate.context[PLACE] += WEIGHTS["coordinated with a place"]


def _grammar_spans(sentence: _Sentence) -> list[tuple[int, int]]:
    """Name spans: the grammar's chunks without trailing linking words, split at countries."""
    spans = []
    for start, end in _grammar_chunks(sentence.classes):
        while end > start and (
            sentence.classes[end - 1] in {"PRT", "LNK", "CLNK", "DT", "AMP", "AND"}
            or sentence.tokens[end - 1] in gz.TRAILING_NON_NAMES
        ):
            end -= 1
        end = _numbered_end(sentence.tokens, end)
        for pair in _split_at_and(sentence, start, end):
            for part in _split_at_country(sentence, *pair):
                spans.extend(_split_at_first_name(sentence, *part))
    return _join_at_and(sentence, spans)


def _join_at_and(sentence: _Sentence, chunks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join "Securities and Exchange Commission", "Food and Drug Administration": one capitalised
    word, "and", then a name ending in an organisation word is one body's name, as long as the
    first word names nothing on its own (no listed place, person or organisation)."""
    tokens, joined = sentence.tokens, []
    for start, end in chunks:
        if (
            joined
            and joined[-1][1] == joined[-1][0] + 1 == start - 1
            and tokens[start - 1] == "and"
            and tokens[end - 1] in gz.ORG_WORDS
            and not _is_name_in_lists(tokens[start - 2])
            and sentence.classes[start - 2] in {"CAP", "ORGW"}
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _split_at_and(sentence: _Sentence, start: int, end: int) -> list[tuple[int, int]]:
    """ "the Bank of Leeds and Paris": an "and" inside a name joins two of its words ("School of
    Law and Medicine") unless what follows it is a listed name, opens with a first name, or is
    "the" and an organisation's name."""
    tokens = sentence.tokens
    if "and" not in tokens[start:end]:
        return [(start, end)]
    cut = tokens.index("and", start, end)
    rest = tokens[cut + 1 : end]
    body = rest[1:] if rest and rest[0] in {"the", "The"} else rest
    # "the Bank of Leeds and the Treasury", "… and the SEC": "the" opens a second body's name
    second_body = body is not rest and any(t in gz.ORG_WORDS or _ACRONYM.match(t) for t in body)
    if second_body or _is_name_in_lists(" ".join(body)) or (body and body[0] in gz.FIRST_NAMES):
        return [(start, cut), (end - len(body), end)]
    return [(start, end)]


def _numbered_end(tokens: Sequence[str], end: int) -> int:
    """A broadcaster's channel number belongs to its name ("Channel 4", "Radio 5")."""
    if 0 < end < len(tokens) and tokens[end - 1] in gz.NUMBERED_NAME_WORDS and re.fullmatch(r"\d{1,2}", tokens[end]):
        return end + 1
    return end


def _split_at_first_name(sentence: _Sentence, start: int, end: int) -> list[tuple[int, int]]:
    """Split "<title> of <place> <First> <Surname>" ("the Mayor of X Anna Holt"): a listed place
    followed by a listed first name and more name words is two names, not one."""
    tokens = sentence.tokens
    for i in range(start + 1, end - 1):
        if tokens[i] in gz.FIRST_NAMES and " ".join(tokens[start:i]) in gz.PLACES:
            return [(start, i), (i, end)]
    return [(start, end)]


def _grammar_chunks(classes: Sequence[str]) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the chunks the grammar (``_GRAMMAR_RULES``) finds, in order."""
    letters = "".join(_CLASS_LETTERS[c] for c in classes)
    chunks, free = [], [(0, len(letters))]
    for rule in _GRAMMAR_RULES:
        left = []
        for start, end in free:
            for match in rule.finditer(letters, start, end):
                chunks.append(match.span())
                left.append((start, match.start()))
                start = match.end()
            left.append((start, end))
        free = [(start, end) for start, end in left if start < end]
    return sorted(chunks)


def _split_at_country(sentence: _Sentence, start: int, end: int) -> list[tuple[int, int]]:
    """Split "Kovac Serbia" or "NATO Serbia" (two names side by side in a headline).

    A country after a name starts a new name, unless the run is a known name ("Papua New
    Guinea") or an organisation word binds them ("Air France", "Bank of England").
    """
    tokens, classes = sentence.tokens, sentence.classes
    if end - start < 2 or _is_name_in_lists(" ".join(tokens[start:end])):
        return [(start, end)]
    for i in range(start + 1, end):
        if tokens[i] in gz.NATIONS and classes[i - 1] == "CAP" and "ORGW" not in classes[start:end]:
            return [(start, i), *_split_at_country(sentence, i, end)]
    return [(start, end)]


def _peel(sentence: _Sentence, start: int, end: int) -> tuple[int, int, bool]:
    """Drop leading nationalities and the/The; report whether a title precedes the name."""
    tokens, classes = sentence.tokens, sentence.classes
    rest = " ".join(tokens[start + 1 : end])
    keeps_nationality = rest not in gz.PLACES and any(
        classes[i] in {"ORGW", "PLACEW"} for i in range(start, end)
    )
    while start < end and (
        classes[start] == "DEM" and not keeps_nationality or tokens[start] in {"The", "the"}
    ):
        start += 1
    # "Speaker of the House": a title phrase ending in "of the" is followed by what the title
    # is of, not by the person who holds it
    titled = start > 0 and classes[start - 1] == "TTL" and tokens[start - 1].lower() not in {"of", "the", "and"}
    if not titled and start > 0:
        previous = tokens[start - 1].lower().rstrip(".")
        titled = (
            previous in lx.PERSON_TITLES
            and previous not in lx.AMBIGUOUS_TITLES
            and tokens[start - 1].islower()
        )
    # A title is a person's only before a person's name: "Vice Minister of the Trade and
    # Industry Ministry" names a ministry, whatever the title before it.
    titled = titled and all(classes[i] != "ORGW" for i in range(start, end))
    return start, end, titled


def _is_not_entity(tokens: Sequence[str]) -> bool:
    """Spans we never report: nationalities, events and awards, calendar words, numbers."""
    text = " ".join(tokens)
    return (
        text in gz.NATIONALITIES
        or (len(tokens) > 1 and tokens[0] in lx.THING_TITLES)  # "Storm X", "Operation X"
        or tokens[-1] in gz.MISC_WORDS
        or all(t in gz.NON_ENTITY_WORDS or not t[:1].isalpha() for t in tokens)
        or all(t in gz.LEGAL_FORMS for t in tokens)  # "Co Ltd" left of a name the span missed
        or len(tokens) > 8
        or len(text) < 2
    )


def _is_ticker(tokens: Sequence[str], start: int, end: int) -> bool:
    """ "Orbis Corp <ORB>": wire copy gives a company's stock symbol in angle brackets after
    its name; the symbol is a code, not another name."""
    return (
        end == start + 1
        and 0 < start
        and end < len(tokens)
        and tokens[start - 1] == "<"
        and tokens[end] == ">"
        and tokens[start].replace(".", "").isupper()
    )


def _canonical(tokens: Sequence[str]) -> str:
    """The name as reported: possessives and dots in acronyms removed, aliases applied."""
    tokens = [t for t in tokens if t not in {"'s", "'"}]
    tokens = [t[:-2] if t.endswith(("'s", "’s")) else t for t in tokens]
    name = " ".join(tokens)
    name = gz.PLACE_ALIASES.get(name, name)
    if re.fullmatch(r"(?:[A-Z]\.){2,4}", name):
        name = name.replace(".", "")
    return name


def _link_acronyms(sentence: _Sentence, found: list[_Candidate]) -> None:
    """ "Doctors Without Borders (MSF)": the acronym names the organisation before it."""
    tokens = sentence.tokens
    for long, short in zip(found, found[1:]):
        if (
            short.start == long.end + 1
            and short.end == short.start + 1
            and short.end < len(tokens)
            and tokens[long.end] == "("
            and tokens[short.end] == ")"
            and _ACRONYM.match(tokens[short.start])
            and short.name not in gz.PLACES | gz.PLACE_ACRONYMS
            and len(long.name.split()) > 1
        ):
            short.acronym_of = long.name


# --------------------------------------------------------------------------- step 3: evidence


def _own_votes(tokens: Sequence[str], name: str) -> Counter[EntityKind]:
    """Votes from the name's own words."""
    votes: Counter[EntityKind] = Counter()
    first, last = tokens[0], tokens[-1]
    is_place = name in gz.PLACES or _is_compass_place(tokens)
    if is_place:
        votes[PLACE] += WEIGHTS["listed place"]
    if name in gz.KNOWN_ORGANIZATIONS:
        votes[ORGANIZATION] += WEIGHTS["listed organisation"]
    numbered = len(tokens) > 1 and tokens[-2] in gz.NUMBERED_NAME_WORDS and last.isdigit()
    if (any(t in gz.ORG_WORDS for t in tokens) or "&" in tokens or numbered) and not is_place:
        votes[ORGANIZATION] += WEIGHTS["organisation word"]
    if last in gz.PLACE_SUFFIXES or (first in gz.PLACE_PREFIXES and len(tokens) > 1):
        votes[PLACE] += WEIGHTS["place word"]
    if (
        not is_place
        and len(tokens) == 2
        and first in gz.COMPASS
        and first not in {"New", "Old"}
        and last not in gz.ORG_WORDS
        and last[:1].isupper()
    ):
        votes[PLACE] += WEIGHTS["compass region"]  # "North X", "Eastern X": a region
    if len(tokens) in (2, 3) and _INITIAL.match(first) and last[:1].isupper() and len(last) > 2:
        votes[PERSON] += WEIGHTS["initial"]  # "A. Smith", "J Smith": an initial stands for a first name
    if first in gz.FIRST_NAMES and not is_place:
        votes[PERSON] += WEIGHTS["first name"] if len(tokens) > 1 else WEIGHTS["first name alone"]
    if len(tokens) == 1 and _ACRONYM.match(first) and name not in gz.PLACE_ACRONYMS:
        votes[ORGANIZATION] += WEIGHTS["acronym"]
    if len(tokens) > 1 and any(
        len(t) > 2 and _ACRONYM.match(t) and t not in gz.PLACE_ACRONYMS and t not in gz.PLACES for t in tokens
    ):
        votes[ORGANIZATION] += WEIGHTS["acronym inside"]  # a person's name holds initials, not acronyms
    if len(tokens) > 1 and last in gz.FACILITY_WORDS:
        votes[PLACE] += WEIGHTS["facility word"]  # CoNLL types venues (theatres, stadiums) as places
    if len(tokens) > 1 and any(_ARABIC_ARTICLE.match(t) or t in lx.NAME_PARTICLES for t in tokens[1:]):
        votes[PERSON] += WEIGHTS["name particle"]
    return votes


def _is_compass_place(tokens: Sequence[str]) -> bool:
    """ "South Yorkshire", "Northern Iraq": a compass word before a known place."""
    return len(tokens) > 1 and tokens[0] in gz.COMPASS and " ".join(tokens[1:]) in gz.PLACES


def _context_votes(
    sentence: _Sentence, start: int, end: int, titled: bool, sports: bool = False
) -> Counter[EntityKind]:
    """Votes from the words around one mention."""
    tokens = sentence.tokens
    name = " ".join(tokens[start:end])
    votes: Counter[EntityKind] = Counter()
    before, before2 = _word_at(tokens, start - 1), _word_at(tokens, start - 2)
    after = _word_at(tokens, end + 1 if _word_at(tokens, end) in {"'s", "'"} else end)
    if titled:
        votes[PERSON] += WEIGHTS["title before"]
    if (
        after in gz.PLACE_NOUNS_AFTER
        or (before == "of" and before2 in gz.PLACE_NOUNS_AFTER)
        or f"{before2} {before}" in lx.CONSTITUENCY_BEFORE
    ):
        votes[PLACE] += WEIGHTS["place noun"]
    listed_place = name in gz.PLACES or name in gz.PLACE_ACRONYMS
    if (
        # "the Kessia government", "Kessia officials": a listed place before such a noun is
        # still the place (CoNLL types it so); a side on a sports line has its own rules
        (after in gz.ORG_NOUNS_AFTER and not listed_place)
        or before in gz.ORG_NOUNS_BEFORE
        or f"{before2} {before}" in gz.ORG_PHRASES_BEFORE
    ):
        votes[ORGANIZATION] += WEIGHTS["organisation noun"]
    if sports and _is_results_row(tokens, start, end):
        votes[ORGANIZATION] += WEIGHTS["results row"]
    # "X said" is a person's sign only for a name shaped like one (two or more words, or a
    # listed first name): companies and bodies "say" things too ("Vantora said on Tuesday").
    # Nor is a phrase of English words alone ("Migration Watch said"): a person's name has a
    # first name or a surname that is no common word.
    common = em.models().common_words
    english_phrase = end - start > 1 and all(_is_common(t.lower(), common) for t in tokens[start:end])
    person_shaped = tokens[start] in gz.FIRST_NAMES or (end - start > 1 and not english_phrase)
    if (after in lx.SPEECH_VERBS and person_shaped) or _is_age_after(tokens, end):
        votes[PERSON] += WEIGHTS["speech verb or age"]
    if before in lx.PLACE_PREPOSITIONS:
        votes[PLACE] += WEIGHTS["place preposition"]
    if before == "'s" and tokens[start - 2] in gz.NATIONS and 1 < end - start <= 3 and _is_unlisted_name(tokens[start:end]):
        votes[PERSON] += WEIGHTS["country's"]  # "Britain's Jo Marsh": a country's person, in news
    if sports and _is_country_in_brackets(tokens, end):
        votes[PERSON] += WEIGHTS["country in brackets"]
    if _is_title_after(tokens, end) and not _is_name_in_lists(name):
        votes[PERSON] += WEIGHTS["title after"]
    if sports and _is_unlisted_name(tokens[start:end]) and _is_table_line(tokens):
        votes[PERSON] += WEIGHTS["player in a sports line"]  # results tables list players
    if after in lx.THING_NOUNS_AFTER:  # "the X scheme", "the X festival"
        votes[_THING] += WEIGHTS["thing noun"]
    who = after in lx.PERSON_PRONOUNS_AFTER or (after == "," and _word_at(tokens, end + 1) in lx.PERSON_PRONOUNS_AFTER)
    if who and not (english_phrase and tokens[start] not in gz.FIRST_NAMES):  # "Migration Watch, who"
        votes[PERSON] += WEIGHTS["who after"]
    if before in lx.VERSUS or after in lx.VERSUS:
        votes[ORGANIZATION] += WEIGHTS["versus"]
    if sports and name not in gz.NATIONS and (
        after in lx.TEAM_ROLES_AFTER or before in lx.TEAM_NOUNS_BEFORE or f"{before2} {before}" in lx.TEAM_PHRASES_BEFORE
    ):
        votes[ORGANIZATION] += WEIGHTS["team word"]
    chunk_kind = sentence.chunk_kinds.get((start, end))
    if chunk_kind is not None:
        votes[chunk_kind] += WEIGHTS["typed chunker"]
    return votes


def _is_unlisted_name(tokens: Sequence[str]) -> bool:
    """One to three capitalised words none of which is in a name list or names a kind."""
    return len(tokens) <= 3 and not any(
        _is_name_in_lists(t) or t in gz.ORG_WORDS or t in gz.PLACE_SUFFIXES or _ACRONYM.match(t) for t in tokens
    )


def _is_title_after(tokens: Sequence[str], end: int) -> bool:
    """ "X, chairman of Y", "X, the former minister," — a role in apposition after a name."""
    if _word_at(tokens, end) != ",":
        return False
    i = end + 1
    while _word_at(tokens, i) in {"the", "a", "an", "former", "then", "new", "acting", "its", "their"}:
        i += 1
    word = _word_at(tokens, i).rstrip(".")
    return (
        word in lx.PERSON_TITLES
        and word not in lx.HONORIFICS
        and word not in {"star", "seed", "count", "grand", "crown", "forward"}
    )


def _word_at(tokens: Sequence[str], i: int) -> str:
    """Token ``i`` lower-cased, or "" outside the sentence."""
    return tokens[i].lower() if 0 <= i < len(tokens) else ""


def _forced_kind(
    tokens: Sequence[str], start: int, end: int, name: str, sports: bool = False
) -> EntityKind | None:
    """The kind this mention's context fixes, whatever the name's kind elsewhere."""
    after = _word_at(tokens, end)
    if start == 0 and (_DATE.match(after) or after == "(") and name in gz.PLACES | gz.PLACE_ACRONYMS:
        return PLACE
    if start == 0 and _dateline_length(tokens) == end:  # "OSTLAND CITY, March 2 - ..."
        return PLACE
    # A city as a sports side ("X beat Y", "X 3 Y 1") only on a sports line, and never when the
    # sentence says it is a place ("in X", "from X").
    if (
        sports
        and name in gz.PLACES
        and name not in gz.NATIONS
        and _word_at(tokens, start - 1) not in lx.PLACE_PREPOSITIONS
        and _is_team_context(tokens, start, end)
    ):
        return ORGANIZATION
    return None


def _is_age_after(tokens: Sequence[str], end: int) -> bool:
    """ "Sam Taylor, 45," — an age after a name."""
    return (
        end + 2 < len(tokens) and tokens[end] == "," and tokens[end + 1].isdigit() and tokens[end + 2] == ","
    )


def _is_country_in_brackets(tokens: Sequence[str], end: int) -> bool:
    """ "Arto Vesala (Finland)" — sports results give a player's country in brackets."""
    return (
        end + 2 < len(tokens)
        and tokens[end] == "("
        and tokens[end + 2] == ")"
        and (
            tokens[end + 1] in gz.NATIONS or tokens[end + 1] in gz.PLACE_ACRONYMS or tokens[end + 1] == "U.S."
        )
    )


def _is_results_row(tokens: Sequence[str], start: int, end: int) -> bool:
    """A name in a results or standings line: "Dunmore 6 Kilbrack 2", "Dunmore 4 3 1 0 9 4"."""
    before, after = _word_at(tokens, start - 1), _word_at(tokens, end)
    row_before = before in {"", ","} or bool(_SCORE.match(before))
    return row_before and bool(_SCORE.match(after))


def _is_team_context(tokens: Sequence[str], start: int, end: int) -> bool:
    """A city used as a sports side: "Dunmore beat Kilbrack", "Dunmore 532-8", "v Kilbrack"."""
    before, after = _word_at(tokens, start - 1), _word_at(tokens, end)
    score_after = bool(_SCORE.match(after)) and not _DATE.match(after)
    return after in lx.TEAM_VERBS or before in lx.TEAM_VERBS or score_after


# --------------------------------------------------------------------------- step 4: article


def _known_name_words(candidates: Iterable[_Candidate]) -> frozenset[str]:
    """Words of names the article writes capitalised inside a sentence ("Ella Marsh")."""
    return frozenset(
        word
        for c in candidates
        if not c.initial
        for word in c.name.split()
        if word[:1].isupper() and word not in gz.NON_ENTITY_WORDS
    )


def _mark_known_starts(sentence: _Sentence, known: frozenset[str]) -> bool:
    """A sentence-initial word the article uses as a name elsewhere is a name here too.

    "Marsh was among…" starts a sentence, so its capital proves nothing and "marsh" is an
    English word; but the same article wrote "Ella Marsh" mid-sentence. Returns whether
    anything changed.
    """
    changed = False
    for i in sentence.starts:
        if sentence.classes[i] == "O" and sentence.tokens[i] in known:
            sentence.classes[i] = "CAP"
            changed = True
    return changed


def _resolve(candidates: list[_Candidate], speakers: frozenset[str]) -> list[Mention]:
    """Settle one kind and one canonical name per entity over the whole article."""
    _vote_speakers(candidates, speakers)
    totals = _name_totals(candidates)
    common = em.models().common_words
    _vote_lone_surnames(totals, common)
    _vote_organisation_divisions(totals)
    kinds = {name: _top_kind(votes) for name, votes in totals.items()}
    for c in candidates:
        # "the National Grain Board (NGB)": the acronym names the same organisation, and stays
        # a name of its own (the article goes on to use it alone: "the NGB said")
        if c.acronym_of and kinds.get(c.acronym_of) == ORGANIZATION and totals[c.name][PLACE] == 0:
            kinds[c.name] = ORGANIZATION
    aliases = _aliases(kinds, totals, candidates)
    mentions = []
    for c in candidates:
        name = aliases.get(c.name, c.name)
        kind = kinds.get(name) or kinds.get(c.name)  # one name, one kind per article
        if kind is not None:
            mentions.append(Mention(c.sentence, c.start, c.end, kind, name))
    return mentions


def _name_totals(candidates: list[_Candidate]) -> dict[str, Counter[EntityKind]]:
    """Per name: its own-word votes once, plus every mention's context votes."""
    own: dict[str, Counter[EntityKind]] = defaultdict(Counter)
    context: dict[str, Counter[EntityKind]] = defaultdict(Counter)
    for c in candidates:
        own[c.name] |= c.own
        context[c.name].update(c.context)
        if c.forced:
            context[c.name][c.forced] += WEIGHTS["forced"]
    return {name: own[name] + context[name] for name in own}


def _vote_speakers(candidates: list[_Candidate], speakers: frozenset[str]) -> None:
    """Speakers found by the quote extractor are people, and so are their surnames."""
    surnames = {s.split()[-1] for s in speakers}
    for candidate in candidates:
        if candidate.name in speakers or candidate.name in surnames:
            candidate.own[PERSON] += WEIGHTS["speaker"]


def _vote_organisation_divisions(totals: dict[str, Counter[EntityKind]]) -> None:
    """A name that opens with an organisation the article names alone is a part of it ("Orbis
    Retail" beside "Orbis"): news names a company once in full, then its divisions."""
    for name, votes in totals.items():
        first = name.split()[0]
        if name != first and first in totals and _top_kind(totals[first]) == ORGANIZATION:
            votes[ORGANIZATION] += WEIGHTS["organisation's division"]


def _top_kind(votes: Counter[EntityKind]) -> EntityKind | None:
    """The kind with most votes (ties to PERSON, then ORGANIZATION, then PLACE), or None: a
    name of a thing, or a name without evidence.

    A person needs person evidence (a first name, a title, "who" after it, a speech verb, its
    surname used alone): capitals alone do not make one, so an unknown capitalised phrase
    with no evidence is left untyped rather than called a person.
    """
    best = max(votes.values(), default=0)
    if best <= 0 or votes[_THING] == best:
        return None
    return next(kind for kind in (PERSON, ORGANIZATION, PLACE) if votes[kind] == best)


def _vote_lone_surnames(totals: dict[str, Counter[EntityKind]], common: frozenset[str]) -> None:
    """A name of two or three words whose last word the article also uses alone is a person's
    ("Anna Holt" ... "Holt said"): news writing gives a full name once, then the surname. The
    last word must not itself be a listed place or organisation word."""
    for name, votes in totals.items():
        parts = name.split()
        surname = parts[-1]
        if (
            1 < len(parts) <= 3
            and surname in totals
            and parts[0] not in gz.PLACES
            and not _is_common(surname.lower(), common)
            and surname not in gz.PLACES
            and surname not in gz.ORG_WORDS
            and surname not in gz.KNOWN_ORGANIZATIONS
        ):
            votes[PERSON] += WEIGHTS["surname alone"]


def _aliases(
    kinds: dict[str, EntityKind | None], totals: dict[str, Counter[EntityKind]], candidates: list[_Candidate]
) -> dict[str, str]:
    """Short name -> full name within the article: "Kerry" -> "John Kerry", "Orbitex" -> "Orbitex
    Holdings Inc", "Orbitex Holdings" -> "Orbitex Holdings Inc".

    A one-word name that is also a place ("Jordan") joins a person only when no mention of it
    reads as a place.
    """
    aliases = {}
    short_forms: dict[str, set[str]] = defaultdict(set)
    for name, kind in kinds.items():
        parts = name.split()
        if kind == PERSON and len(parts) > 1:
            short_forms[parts[-1]].add(name)
            if _ARABIC_ARTICLE.match(parts[-1]):
                short_forms[parts[-1].split("-", 1)[1]].add(name)
        elif kind == ORGANIZATION and len(parts) > 1 and parts[0] not in gz.ORG_WORDS | gz.PLACES:
            short_forms[parts[0]].add(name)
            # a company named without its legal form later: "Orbis Mining" for "Orbis Mining Corp"
            bare = list(parts)
            while len(bare) > 1 and bare[-1] in gz.LEGAL_FORMS:
                bare.pop()
            if len(bare) > 1 and len(bare) < len(parts):
                short_forms[" ".join(bare)].add(name)
    for name in kinds:
        full = short_forms.get(name, set())
        if len(full) != 1:
            continue
        target = next(iter(full))
        placed = sum(c.context[PLACE] for c in candidates if c.name == name)
        # one "from Orbis" is no sign of a place when the article names "Orbis Corp" (or "in
        # London, Holt" when it names "Anna Holt"); a name read as a place more than once
        # stays apart, and so does a listed place read as one ("Mr Jordan" ... "in Jordan")
        weak = name not in gz.PLACES and placed <= WEIGHTS["place preposition"]
        if weak or (not placed and kinds[target] == PERSON):
            aliases[name] = target
    return aliases

