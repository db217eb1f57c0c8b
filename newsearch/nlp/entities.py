"""People, organisations and places named in an article, by canonical name, with counts.

The installed NLTK data has only the *binary* named-entity chunker: it finds entity spans but
not their kind. So recognition runs in four steps, all per article:

1. **Tokens and tags.** Sentences come from ``sentences.sentence_spans``, tokens from NLTK's
   word tokenizer, part-of-speech tags from the averaged perceptron tagger. Sentences written
   in capitals (headlines, datelines) are first re-cased, because the tagger and the chunker
   read every capitalised word as a name.
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
   the quote extractor found.
4. **Article consistency.** Votes are summed per name over the article, so one strong clue
   types every mention; a one-word person name ("Kerry") is merged into the full name ("John
   Kerry"), and an acronym given in parentheses after an organisation is merged into it.

Without NLTK data nothing crashes: tags then come from capitalisation alone and there is no
chunker; ``backend()`` and ``missing_message()`` say so. With the typed (multiclass) chunker
installed, its spans and types are used as more evidence.

Models are loaded once per process (NLTK's own ``ne_chunk`` reloads its model on every call),
from a compiled copy in the model cache when it is current (see "models" below), because
every indexing worker and every one-article update loads them. Tagger, chunker, tokenizer and
grammar are NLTK's models and rules run by faster code of ours that gives the same results
(the tests compare them with NLTK's own); only the words that need tags are tagged.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import re
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache, lru_cache
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Entity, EntityKind
from . import gazetteer as gz
from . import resources
from .sentences import sentence_spans

if TYPE_CHECKING:
    import numpy as np

PERSON: EntityKind = "PERSON"
ORGANIZATION: EntityKind = "ORGANIZATION"
PLACE: EntityKind = "PLACE"

_TAGGER_ID = "averaged_perceptron_tagger_eng"
_CHUNKER_ID = "maxent_ne_chunker_tab"
_WORDS_ID = "words"
_NEEDED = (_TAGGER_ID, _CHUNKER_ID, _WORDS_ID)

# Types of NLTK's multiclass chunker, as our kinds.
_MULTICLASS_KINDS: dict[str, EntityKind] = {
    "PERSON": PERSON,
    "ORGANIZATION": ORGANIZATION,
    "GPE": PLACE,
    "LOCATION": PLACE,
    "GSP": PLACE,
    "FACILITY": PLACE,
}

# Curly quotes become straight ones so the word tokenizer splits "Assad’s" like "Assad's".
_STRAIGHTEN = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"}

# After these a word is capitalised by position; after a quote only if the quote opens a sentence.
_OPENERS = frozenset({"(", "[", "-", "--", ":", "*", ";", ".", "!", "?", "\u2013", "\u2014"})
_QUOTES = frozenset({"``", '"', "'", "`"})
_LINK_WORDS = frozenset({"of", "for", "without", "on", "de", "du", "des", "la", "le"})
_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "near", "from", "outside", "across", "throughout", "around", "towards", "via"}
)
_TEAM_VERBS = frozenset(
    {
        "beat",
        "beats",
        "defeated",
        "drew",
        "draw",
        "lost",
        "won",
        "v",
        "vs",
        "vs.",
        "versus",
        "thrashed",
        "edged",
        "routed",
        "trounced",
        "hammered",
        "overcame",
        "outplayed",
    }
)
_COMPOUND_TAILS = frozenset(
    {
        "based",
        "led",
        "born",
        "backed",
        "owned",
        "run",
        "style",
        "winning",
        "made",
        "funded",
        "controlled",
        "bound",
        "era",
        "like",
        "sponsored",
        "held",
        "listed",
        "related",
        "specific",
    }
)
_VERSUS = frozenset({"v", "vs", "vs.", "versus"})
_SCORE = re.compile(r"^\d{1,3}(-\d{1,3})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z&]{1,5}|(?:[A-Z]\.){2,4})$")
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|an|ar|az)-[A-Z]", re.IGNORECASE)
_PROPER = frozenset({"NNP", "NNPS"})

# Token classes for the span grammar, one letter each: C name-like, G organisation word,
# P place word, D nationality, T title, L linking word, K capitalised linking word inside a
# sentence ("Doctors Without Borders"), d "the", r name particle, & "&", o other.
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
    "O": "o",
}
# The span grammar: each rule, in order, chunks the leftmost matches among the tokens that no
# earlier rule took. This is NLTK's ``RegexpParser`` semantics for the grammar
#   NE: {<DEM>*<CAP|ORGW|PLACEW>*<ORGW|PLACEW><LNK><DT>?<CAP|ORGW|PLACEW|DEM>+}
#       {<PLACEW><LNK><DT>?<CAP|ORGW|PLACEW>+}
#       {<CAP|ORGW|PLACEW>+<CLNK>+<CAP|ORGW|PLACEW>+}
#       {<DEM>*<CAP|ORGW|PLACEW><PRT|AMP|CAP|ORGW|PLACEW>*}
# run over one letter per token with ``re``, because RegexpParser routes every match through
# NLTK's ReDoS guard (the ``regex`` module under a timeout): a sixth of extraction time.
_GRAMMAR_RULES = tuple(
    re.compile(rule)
    for rule in (
        r"D*[CGP]*[GP]Ld?[CGPD]+",
        r"PLd?[CGP]+",
        r"[CGP]+K+[CGP]+",
        r"D*[CGP][r&CGP]*",
    )
)


# --------------------------------------------------------------------------- models
#
# Loading the models from NLTK's zips takes seconds (the chunker's 4 MB mapping table most of
# all), and every indexing worker and every one-article update would pay it. So the first
# load compiles them into flat arrays and word lists, with the word tokenizer's patterns, and
# stores those in the model cache (``$NEWSEARCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsearch``,
# else ``~/.cache/newsearch``), which later processes read in a fraction of the time, without
# importing NLTK at all (``import nltk`` alone costs a second or more). The cache is plain data
# (strings, tuples, dicts, array bytes) written with ``marshal`` behind a sha256 of its bytes;
# it is keyed by the format version, NLTK's word tokenizer source, and the path, size and
# mtime of each NLTK zip it was built from. A missing, stale, corrupt or unwritable cache only
# means building from NLTK again.

_CACHE_FORMAT = 2  # bump when what the cache holds, or how it is laid out, changes
_CACHE_DIGEST = hashlib.sha256().digest_size


@dataclass(frozen=True, slots=True)
class _Available:
    """Which needed NLTK packages are installed; found without loading any model."""

    missing: tuple[str, ...]
    multiclass: bool


@cache
def _available() -> _Available:
    missing = tuple(
        p.id for p in resources.PACKAGES if p.id in _NEEDED and not resources.is_installed(p.probe)
    )
    multiclass = _CHUNKER_ID not in missing and resources.is_installed(resources.MULTICLASS_PROBE)
    return _Available(missing, multiclass)


@dataclass(frozen=True, slots=True)
class _Models:
    """What recognition runs on; any part may be missing (``None``/empty)."""

    tagger: Any
    chunker: Any
    multiclass: bool
    common_words: frozenset[str]
    closed_words: frozenset[str]
    word_tokenizer: Any


@cache
def _models() -> _Models:
    """The models, once per process: from the model cache when it is current, else built from
    NLTK's data (and cached for the next process)."""
    available = _available()
    key = _cache_key(available)
    cached = _read_cache(key) if key else None
    if cached is not None:
        with suppress(KeyError, TypeError, ValueError):  # intact, but not what this code reads
            return _models_from(cached, available)
    resources.configure()  # NLTK must search our data directories too
    data = _build_data(available, key)
    if key and _is_complete(data, available):
        _write_cache(key, data)
    return _models_from(data, available)


def _models_from(data: dict[str, Any], available: _Available) -> _Models:
    tagger = _Tagger(data["tagger"]) if data["tagger"] else None
    common = frozenset(data["common_words"].split("\n")) if data["common_words"] else frozenset()
    chunker, multiclass = None, False
    if data["chunker"]:
        chunker, multiclass = _CompiledChunker(data["chunker"]), data["chunker"]["fmt"] == "multiclass"
    elif tagger is not None and common and _CHUNKER_ID not in available.missing:
        chunker, multiclass = _load_tree_chunker(available.multiclass)
    closed = tagger.closed_words() if tagger is not None else frozenset()
    return _Models(tagger, chunker, multiclass, common, closed, _load_word_tokenizer(data["word_tokenizer"]))


def _build_data(available: _Available, key: str | None) -> dict[str, Any]:
    """The cacheable model data, from NLTK's data; parts that cannot be loaded are ``None``."""
    nltk_tagger = _load_nltk_tagger() if _TAGGER_ID not in available.missing else None
    common = _load_common_words(nltk_tagger) if _WORDS_ID not in available.missing else None
    chunker = None
    if nltk_tagger is not None and common and _CHUNKER_ID not in available.missing:
        chunker = _chunker_data("multiclass") if available.multiclass else None
        chunker = chunker or _chunker_data("binary")
    return {
        "key": key,
        "tagger": _Tagger.data_from(nltk_tagger) if nltk_tagger is not None else None,
        "chunker": chunker,
        "common_words": "\n".join(sorted(common)) if common else None,
        "word_tokenizer": _WordTokenizer.data_from_nltk(),
    }


def _is_complete(data: dict[str, Any], available: _Available) -> bool:
    """Whether every installed model made it into ``data`` (only then is it cached)."""
    missing = set(available.missing)
    wanted = {
        "tagger": _TAGGER_ID not in missing,
        "common_words": _WORDS_ID not in missing,
        "chunker": not missing & set(_NEEDED),  # the chunker also needs the tagger and words
        "word_tokenizer": True,
    }
    return all(data[part] for part, needed in wanted.items() if needed)


def _load_nltk_tagger():
    from nltk.tag import PerceptronTagger

    try:
        return PerceptronTagger()
    except (LookupError, OSError, ValueError):
        return None


def _load_common_words(nltk_tagger) -> set[str] | None:
    """Lower-case English words (NLTK's word list plus the tagger's closed-class words).

    Used to re-case capitalised headlines and to tell "Hospitals have…" (a common word that
    starts a sentence) from "Leicestershire beat…" (a name).
    """
    from nltk.corpus import words

    try:
        common = {w for w in words.words("en") if w.islower()}
    except (LookupError, OSError):
        return None
    if nltk_tagger is not None:
        common |= {w.lower() for w, tag in nltk_tagger.tagdict.items() if tag not in _PROPER}
    return common


def _chunker_data(fmt: str) -> dict[str, Any] | None:
    """NLTK's maxent NE chunker (``fmt`` "binary" or "multiclass") compiled for
    ``_CompiledChunker``; ``None`` when it cannot be read or NLTK's format changed."""
    import nltk
    from nltk.classify.maxent import load_maxent_params
    from nltk.corpus import words

    try:
        weights, mapping, labels, alwayson = load_maxent_params(
            nltk.data.find(f"chunkers/maxent_ne_chunker_tab/english_ace_{fmt}/")
        )
        column = {label: i for i, label in enumerate(labels)}
        rows: dict[str, dict[Any, list[float]]] = defaultdict(dict)
        for (name, value, label), index in mapping.items():
            row = rows[name].setdefault(value, [0.0] * len(labels))
            row[column[label]] += float(weights[index])
        flat = array("d", (w for values in rows.values() for row in values.values() for w in row))
        return {
            "fmt": fmt,
            "labels": tuple(labels),
            "bias": tuple(float(weights[alwayson[label]]) if label in alwayson else 0.0 for label in labels),
            "values": {name: tuple(values) for name, values in rows.items()},
            "weights": flat.tobytes(),
            "wordlist": tuple(words.words("en-basic")),
        }
    except (LookupError, OSError, ValueError, AttributeError, KeyError, TypeError):
        return None


def _load_tree_chunker(multiclass: bool) -> tuple[Any, bool]:
    """NLTK's own chunker and whether it is the multiclass one, or ``(None, False)``: the slow
    path, for when its model cannot be compiled (NLTK changed its format)."""
    from nltk.chunk.named_entity import Maxent_NE_Chunker

    for fmt in ("multiclass", "binary") if multiclass else ("binary",):
        try:
            return _TreeChunker(Maxent_NE_Chunker(fmt)), fmt == "multiclass"
        except (LookupError, OSError, ValueError):
            continue
    return None, False


def _cache_dir() -> Path:
    configured = os.environ.get("NEWSEARCH_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsearch"


def _cache_key(available: _Available) -> str | None:
    """What the cached data depends on; ``None`` (no caching) when no needed NLTK package is
    installed, or the installed ones cannot be located."""
    if set(_NEEDED) <= set(available.missing):
        return None
    parts = [f"format={_CACHE_FORMAT}", f"byteorder={sys.byteorder}", f"multiclass={available.multiclass}"]
    try:
        parts.append(f"nltk={_nltk_code_stamp()}")
        for package in resources.PACKAGES:
            if package.id in _NEEDED and package.id not in available.missing:
                root = resources.locate(package.probe)
                if root is None:
                    return None
                files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
                for file in files:
                    stat = file.stat()
                    parts.append(f"{package.id}={file.resolve()}:{stat.st_size}:{stat.st_mtime_ns}")
    except OSError:
        return None
    return "\n".join(parts)


def _nltk_code_stamp() -> str:
    """Path, size and mtime of NLTK's word tokenizer source (the cache holds its patterns),
    found without importing NLTK."""
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("nltk is not installed")
    source = Path(next(iter(spec.submodule_search_locations)), "tokenize", "destructive.py")
    stat = source.stat()
    return f"{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def _cache_path(key: str) -> Path:
    return _cache_dir() / f"entity-models-{hashlib.sha256(key.encode()).hexdigest()[:16]}.bin"


def _read_cache(key: str) -> dict[str, Any] | None:
    """The cached data for ``key``, or ``None`` when absent, for another key, or damaged."""
    try:
        blob = _cache_path(key).read_bytes()
    except OSError:
        return None
    digest, payload = blob[:_CACHE_DIGEST], blob[_CACHE_DIGEST:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        data = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("key") == key else None


def _write_cache(key: str, data: dict[str, Any]) -> None:
    """Write-then-rename, so concurrent workers and readers see a whole file or none."""
    path = _cache_path(key)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        payload = marshal.dumps(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, path)
    except (OSError, ValueError):  # unwritable, or NLTK handed us a value marshal cannot store
        with suppress(OSError):
            temporary.unlink(missing_ok=True)


def _load_word_tokenizer(data: dict[str, Any] | None):
    """Ours, from NLTK's patterns; NLTK's own when they could not be read (NLTK changed)."""
    if data is not None:
        with suppress(KeyError, TypeError, ValueError, re.error):
            return _WordTokenizer(data)
    from nltk.tokenize import NLTKWordTokenizer

    return NLTKWordTokenizer()


def clear_cache() -> None:
    """Forget what was found and loaded, e.g. after ``newsearch setup`` or between tests."""
    _available.cache_clear()
    _models.cache_clear()


def backend() -> str:
    """Which recognizer is in use, e.g. 'nltk-binary+rules' or 'regex-fallback (missing: …)'.

    Decided from the installed data alone, so writing index metadata loads no model.
    """
    available = _available()
    if not available.missing:
        return _backend_name(available)
    return f"{_backend_name(available)} (missing: {', '.join(available.missing)})"


def _backend_name(available: _Available) -> str:
    if _TAGGER_ID in available.missing:
        return "regex-fallback"
    if _CHUNKER_ID in available.missing or _WORDS_ID in available.missing:
        return "nltk-tagger+rules"
    return "nltk-multiclass+rules" if available.multiclass else "nltk-binary+rules"


def missing_message() -> str | None:
    """One line saying what NLTK data is missing, what is used instead, and the fix; else None.

    The caller prints it once (at start-up or once per indexing run).
    """
    available = _available()
    if not available.missing:
        return None
    return (
        f"Named entities: NLTK data missing ({', '.join(available.missing)}); using the less accurate "
        f"{_backend_name(available)} recognizer. Run `newsearch setup` to install the data "
        "(or `newsearch setup --from DIR` to copy it from a local nltk_data directory)."
    )


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True, slots=True)
class Mention:
    """One typed entity mention: tokens ``[start, end)`` of sentence ``sentence``."""

    sentence: int
    start: int
    end: int
    kind: EntityKind
    name: str


def extract_entities(text: str, speakers: Iterable[str] = ()) -> tuple[Entity, ...]:
    """People, organisations and places in `text` (title + body), canonical names with counts,
    sorted by (-count, name)."""
    counts = Counter((m.name, m.kind) for m in recognize(tokenize(text), speakers))
    entities = (Entity(name, kind, count) for (name, kind), count in counts.items())
    return tuple(sorted(entities, key=lambda e: (-e.count, e.name, e.kind)))


def tokenize(text: str) -> list[list[str]]:
    """The sentences of ``text`` as lists of word tokens (quotes straightened first)."""
    for curly, straight in _STRAIGHTEN.items():  # far faster than str.translate, same text
        text = text.replace(curly, straight)
    tokenizer = _models().word_tokenizer
    return [tokenizer.tokenize(text[span.start : span.end]) for span in sentence_spans(text)]


def recognize_tokens(tokens: Sequence[str]) -> list[tuple[int, int, EntityKind]]:
    """Typed entity spans ``(start, end, kind)`` of one tokenised sentence."""
    return [(m.start, m.end, m.kind) for m in recognize([tokens])]


def recognize(sentences: Sequence[Sequence[str]], speakers: Iterable[str] = ()) -> list[Mention]:
    """Typed entity mentions of one document given as tokenised sentences.

    This is the one code path behind ``extract_entities`` and the CoNLL benchmark: the whole
    document is needed because types and names are settled per article.
    """
    models = _models()
    analysed = [_analyse(list(tokens), models) for tokens in sentences]
    per_sentence = [_candidates(i, sentence) for i, sentence in enumerate(analysed)]
    known = _known_name_words(c for found in per_sentence for c in found)
    for i, sentence in enumerate(analysed):
        if _mark_known_starts(sentence, known):
            per_sentence[i] = _candidates(i, sentence)
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


def _analyse(tokens: list[str], models: _Models) -> _Sentence:
    """Re-case, tag, chunk and classify the tokens of one sentence.

    Tags and chunks are read only for words capitalised by their position (see
    ``_start_class``), so only the tokens up to the last such word are chunked, and tagged
    with the one after it, whose tag the chunker looks at. Tagger and chunker decide left to
    right, so these are the labels a whole-sentence run gives, at a fraction of the cost.
    The multiclass chunker's types count everywhere, so it gets the whole sentence.
    """
    if _is_shouting(tokens):
        tokens = _recase_sentence(tokens, models.common_words)
    sentence = _Sentence(tokens, [_shape_tag(token) for token in tokens], _start_positions(tokens))
    in_chunk = None
    if models.tagger is not None and (models.multiclass or _has_open_start(sentence, models)):
        stop = len(tokens) if models.multiclass else sentence.starts[-1] + 1
        sentence.tags[: stop + 1] = models.tagger.tags(tokens, min(stop + 1, len(tokens)))
        if _needs_chunker(sentence, models):
            in_chunk = _chunk(sentence, models, stop)
    sentence.classes = _classify(sentence, in_chunk, models)
    return sentence


def _has_open_start(sentence: _Sentence, models: _Models) -> bool:
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


def _recase_sentence(tokens: Sequence[str], common: frozenset[str]) -> list[str]:
    """A capitalised sentence re-cased word by word; listed names of 2-3 words stay whole."""
    recased = [_recase(token, common) for token in tokens]
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
    if _is_common(token.lower(), common) or token.lower() in _LINK_WORDS:
        return token.lower()
    return title


def _shape_tag(token: str) -> str:
    """Fallback tag from the token's shape alone: capitalised words are proper nouns."""
    if token[:1].isupper():
        return "NNP"
    if token[:1].isdigit():
        return "CD"
    return "NN"


def _needs_chunker(sentence: _Sentence, models: _Models) -> bool:
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
        tags[i] in _PROPER and tokens[i][:1].isupper() and not _is_name_in_lists(tokens[i])
        for i in sentence.starts
    )


def _chunk(sentence: _Sentence, models: _Models, stop: int) -> set[int]:
    """Run the NE chunker on the first ``stop`` tokens; return the positions it puts in
    entities.

    The multiclass chunker's types are kept in ``sentence.chunk_kinds`` as evidence.
    """
    labels = models.chunker.iob_labels(sentence.tokens, sentence.tags, stop)
    positions = {i for i, label in enumerate(labels) if label != "O"}
    if models.multiclass:
        for start, end, label in _iob_spans(labels):
            kind = _MULTICLASS_KINDS.get(label)
            if kind is not None:
                sentence.chunk_kinds[(start, end)] = kind
    return positions


def _iob_spans(labels: Sequence[str]) -> Iterable[tuple[int, int, str]]:
    """``(start, end, type)`` of IOB2 labels such as B-PERSON I-PERSON O."""
    start, kind = None, None
    for i, label in enumerate([*labels, "O"]):
        if start is not None and label != f"I-{kind}":
            yield start, i, kind
            start, kind = None, None
        if label != "O" and start is None:
            start, kind = i, label[2:]


class _Tagger:
    """NLTK's averaged perceptron POS tagger (``PerceptronTagger``) run from flat arrays.

    Same features, weights, summation order and alphabetical tie-break as NLTK, so the same
    tags. NLTK keeps a dict per feature, which is slow to load (75,000 of them); here one
    index maps a feature to its slice of three flat arrays, which load from the model cache
    as bytes. ``tags`` can also stop early, when only a sentence's first words matter.

    The scores of all tags are summed as numpy vectors, a feature's row at a time: the same
    additions in the same order as NLTK's per-tag loop (numpy adds elementwise, one IEEE
    addition per tag), four times faster than adding lists of Python floats.
    """

    _START, _END = ("-START-", "-START2-"), ("-END-", "-END2-")

    def __init__(self, data: dict[str, Any]) -> None:
        import numpy  # not at the top: writing index metadata imports this module, loading no model

        self._index = dict(zip(data["features"], range(len(data["features"]))))
        self._offsets = array("I", data["offsets"])
        self._labels = numpy.frombuffer(data["labels"], dtype=numpy.uint16)  # array("H") bytes
        self._weights = numpy.frombuffer(data["weights"], dtype=numpy.float64)  # array("d") bytes
        self._classes: tuple[str, ...] = data["classes"]  # sorted: the last best one wins ties
        self._tagdict: dict[str, str] = data["tagdict"]
        self._zeros = numpy.zeros(len(self._classes))
        self._rows: list[np.ndarray | None] = [None] * len(self._index)  # unpacked on first use

    @staticmethod
    def data_from(nltk_tagger) -> dict[str, Any]:
        """The cacheable form of a loaded ``nltk.tag.PerceptronTagger``."""
        classes = tuple(sorted(nltk_tagger.classes))
        column = {label: i for i, label in enumerate(classes)}
        offsets, labels, weights = array("I", [0]), array("H"), array("d")
        for row in nltk_tagger.model.weights.values():
            for label, weight in row.items():
                labels.append(column[label])
                weights.append(weight)
            offsets.append(len(weights))
        return {
            "features": tuple(nltk_tagger.model.weights),
            "offsets": offsets.tobytes(),
            "labels": labels.tobytes(),
            "weights": weights.tobytes(),
            "classes": classes,
            "tagdict": dict(nltk_tagger.tagdict),
        }

    def closed_words(self) -> frozenset[str]:
        """Words the tagger always tags one way, other than as a proper noun ("The", "But")."""
        return frozenset(word for word, tag in self._tagdict.items() if tag not in _PROPER)

    def tags(self, words: Sequence[str], stop: int) -> list[str]:
        """The tags of ``words[:stop]``, read in the context of all of ``words``."""
        context = [*self._START, *map(_normalize, words[: stop + 2]), *self._END]  # reads to i + 2
        prev, prev2 = self._START
        tags = []
        for i in range(stop):
            word = words[i]
            tag = self._tagdict.get(word)
            if not tag:
                c = i + 2
                tag = self._predict(
                    (
                        "bias",
                        f"i suffix {word[-3:]}",
                        f"i pref1 {word[:1]}",
                        f"i-1 tag {prev}",
                        f"i-2 tag {prev2}",
                        f"i tag+i-2 tag {prev} {prev2}",
                        f"i word {context[c]}",
                        f"i-1 tag+i word {prev} {context[c]}",
                        f"i-1 word {context[c - 1]}",
                        f"i-1 suffix {context[c - 1][-3:]}",
                        f"i-2 word {context[c - 2]}",
                        f"i+1 word {context[c + 1]}",
                        f"i+1 suffix {context[c + 1][-3:]}",
                        f"i+2 word {context[c + 2]}",
                    )
                )
            tags.append(tag)
            prev2, prev = prev, tag
        return tags

    def _predict(self, features: Iterable[str]) -> str:
        scores = self._zeros.copy()
        for feature in features:
            k = self._index.get(feature)
            if k is not None:
                row = self._rows[k]
                scores += self._unpack(k) if row is None else row
        return self._classes[len(scores) - 1 - int(scores[::-1].argmax())]  # the last best one

    def _unpack(self, k: int) -> np.ndarray:
        """Feature ``k``'s weight for every class (0.0 where it has none), on first use: most
        features are never seen. Adding 0.0 changes no sum, so the scores stay NLTK's."""
        first, end = self._offsets[k], self._offsets[k + 1]
        row = self._zeros.copy()
        row[self._labels[first:end]] = self._weights[first:end]
        self._rows[k] = row
        return row


def _normalize(word: str) -> str:
    """The tagger's view of a context word (``PerceptronTagger.normalize``)."""
    if "-" in word and word[0] != "-":
        return "!HYPHEN"
    if word.isdigit() and len(word) == 4:
        return "!YEAR"
    if word and word[0].isdigit():
        return "!DIGITS"
    return word.lower()


class _CompiledChunker:
    """NLTK's maxent NE chunker with its weights compiled into one row per feature value.

    ``Maxent_NE_Chunker`` scores every label by re-encoding each feature through a dict of
    ``(name, value, label)`` triples and building a probability distribution. Summing the
    precompiled per-label rows gives the same argmax (the log-linear score; unseen values
    weigh the same for every label and are left out) many times faster. The features are
    NLTK's (``NEChunkParserTagger._feature_detector``), quirks included: the previous label
    is cut to its first letter at position 1, and the previous word's shape is taken after
    lower-casing.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self._labels: tuple[str, ...] = data["labels"]
        self._bias: tuple[float, ...] = data["bias"]
        self._weights = array("d", data["weights"])
        self._wordlist = frozenset(data["wordlist"])
        tables, first = {}, 0
        for name, values in data["values"].items():
            tables[name] = dict(zip(values, range(first, first + len(values))))
            first += len(values)
        self._tables = [tables.get(name, {}) for name in _NE_FEATURES]

    def iob_labels(self, words: Sequence[str], tags: Sequence[str], stop: int) -> list[str]:
        """The IOB labels ("B-NE", "I-NE", "O"…) of ``words[:stop]``, given all their tags."""
        size, last = len(self._labels), len(words) - 1
        history: list[str] = []
        for i in range(stop):
            word, pos = words[i], _simplify_pos(tags[i])
            prevword = prevpos = prevshape = prevtag = nextword = nextpos = None
            if i > 0:
                prevword, prevpos = words[i - 1].lower(), _simplify_pos(tags[i - 1])
                prevtag = history[0][0] if i == 1 else history[i - 1]
                prevshape = _ne_shape(prevword) if i > 1 else None
            if i < last:
                nextword, nextpos = words[i + 1].lower(), tags[i + 1].lower()
            values = (
                True,
                _ne_shape(word),
                len(word),
                word[:3].lower(),
                word[-3:].lower(),
                pos,
                word,
                word in self._wordlist,
                prevtag,
                prevpos,
                nextpos,
                prevword,
                nextword,
                f"{word.lower()}+{nextpos}",
                f"{pos}+{prevtag}",
                f"{prevshape}+{prevtag}",
            )
            scores = self._bias
            for table, value in zip(self._tables, values):
                k = table.get(value)
                if k is not None:
                    scores = list(map(add, scores, self._weights[k * size : (k + 1) * size]))
            history.append(self._labels[max(range(size), key=scores.__getitem__)])
        return history


# The chunker's features, in NLTK's order (which is also the order their weights are summed).
_NE_FEATURES = (
    "bias",
    "shape",
    "wordlen",
    "prefix3",
    "suffix3",
    "pos",
    "word",
    "en-wordlist",
    "prevtag",
    "prevpos",
    "nextpos",
    "prevword",
    "nextword",
    "word+nextpos",
    "pos+prevtag",
    "shape+prevtag",
)
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|[0-9]*\.[0-9]+$")
_PUNCT = re.compile(r"\W+$")
_WORD = re.compile(r"\w+$")


def _ne_shape(word: str) -> str:
    """The chunker's word shape (``nltk.chunk.named_entity.shape``)."""
    if _NUMBER.match(word):
        return "number"
    if _PUNCT.match(word):
        return "punct"
    if _WORD.match(word):
        return "upcase" if word.istitle() else "downcase" if word.islower() else "mixedcase"
    return "other"


def _simplify_pos(tag: str) -> str:
    """The chunker's coarse tag (``nltk.chunk.named_entity.simplify_pos``)."""
    return "V" if tag.startswith("V") else tag.split("-")[0]


class _TreeChunker:
    """Any NLTK chunker through its public ``parse`` (slower than ``_CompiledChunker``)."""

    def __init__(self, nltk_chunker) -> None:
        self._chunker = nltk_chunker

    def iob_labels(self, words: Sequence[str], tags: Sequence[str], stop: int) -> list[str]:
        from nltk.chunk import tree2conlltags

        tree = self._chunker.parse(list(zip(words, tags)))
        return [label for _, _, label in tree2conlltags(tree)][:stop]


class _WordTokenizer:
    """NLTK's word tokenizer (``NLTKWordTokenizer``) with its patterns compiled by ``re``.

    NLTK applies each of its ~35 substitutions through its ReDoS guard (the ``regex`` module
    under a timeout), which made tokenising a sixth of extraction time. These are NLTK's own
    fixed patterns, not caller-supplied ones, so ``re`` runs them safely, about three times
    faster, with the same tokens. The steps are those of ``NLTKWordTokenizer.tokenize``.

    Even so, scanning each sentence some 25 times was a third of extraction time, though
    most passes find nothing to change. So a pass whose every match contains one of a few
    fixed strings (``_PASS_MARKS``) runs only when one of them is in the text: a pass that
    cannot match changes nothing, so the tokens stay NLTK's.
    """

    _FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE

    def __init__(self, data: dict[str, Any]) -> None:
        def compiled(pattern: tuple[str, int]) -> re.Pattern[str]:
            return re.compile(pattern[0], pattern[1] & self._FLAGS)

        def passes(patterns: Iterable[tuple[tuple[str, int], str]]) -> list[_Pass]:
            return [(compiled(p), replacement, _PASS_MARKS.get(p[0])) for p, replacement in patterns]

        self._before = passes(data["before"])
        self._after = passes(data["after"])
        self._contractions = [compiled(p) for p in data["contractions"]]
        # Their union, case-insensitive (so it matches wherever any of them does): a sentence
        # without "cannot", "gonna", "'tis"… skips the ten passes, which would change nothing.
        union = "|".join(f"(?:{p.pattern.removeprefix('(?i)')})" for p in self._contractions)
        self._any_contraction = re.compile(union, re.IGNORECASE)
        # The union is slow to search (ten case-insensitive alternatives tried at every
        # position); in ASCII text looking for the words they spell, lower-cased, is enough.
        words = [_CONTRACTION_WORDS.get(p[0]) for p in data["contractions"]]
        self._contraction_words = None if None in words else tuple(words)

    @staticmethod
    def data_from_nltk() -> dict[str, Any] | None:
        """The cacheable form of ``NLTKWordTokenizer``'s patterns (source, flags, replacement);
        ``None`` when NLTK changed their shape."""
        from nltk.tokenize import NLTKWordTokenizer as t

        def source(pattern) -> tuple[str, int]:
            return (str(pattern.pattern), int(pattern.flags))

        try:
            before = [*t.STARTING_QUOTES, *t.PUNCTUATION, t.PARENS_BRACKETS, t.DOUBLE_DASHES]
            return {
                "before": tuple((source(p), str(replacement)) for p, replacement in before),
                "after": tuple((source(p), str(replacement)) for p, replacement in t.ENDING_QUOTES),
                "contractions": tuple(source(p) for p in [*t.CONTRACTIONS2, *t.CONTRACTIONS3]),
            }
        except (AttributeError, TypeError, ValueError):
            return None

    def tokenize(self, text: str) -> list[str]:
        text = _substitute(self._before, text)
        text = _substitute(self._after, f" {text} ")
        if self._has_contraction(text):
            for pattern in self._contractions:
                text = pattern.sub(r" \1 \2 ", text)
        return text.split()

    def _has_contraction(self, text: str) -> bool:
        """False only when no contraction pattern can match ``text`` (True may be a false
        alarm: the passes then change nothing).

        In ASCII text a case-insensitive match is the word, lower-cased, in the lower-cased
        text; other text may hold letters that ``re`` folds to ASCII ones (the Kelvin sign).
        """
        if self._contraction_words is not None and text.isascii():
            lowered = text.lower()
            return any(word in lowered for word in self._contraction_words)
        return self._any_contraction.search(text) is not None


# A substitution pass: pattern, replacement, and the strings one of which every match contains
# (None: not known, the pass always runs).
_Pass = tuple[re.Pattern[str], str, tuple[str, ...] | None]

# For the patterns of NLTK's word tokenizer (3.9-3.10), by their source: strings one of which
# every match contains. Only patterns listed here are ever skipped, so a pattern that NLTK
# changes simply always runs. None of these strings has a case, so case-insensitive patterns
# need no case folding.
_PASS_MARKS: dict[str, tuple[str, ...]] = {
    r"([«“‘„]|[`]+)": ("«", "“", "‘", "„", "`"),
    r"^\"": ('"',),
    r"(``)": ("``",),
    r"([ \(\[{<])(\"|\'{2})": ('"', "''"),
    r"(?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w)": ("'",),
    r"""([^\.])(\.)([\]\)}>"\'»”’ ]*+)\s*$""": (".",),
    r"([:,])([^\d])": (":", ","),
    r"([:,])$": (":", ","),
    r"\.{2,}": ("..",),
    r"[;@#$%&]": tuple(";@#$%&"),
    r"[\u2012-\u2015]": tuple("\u2012\u2013\u2014\u2015"),
    r"""([^\.])(\.)([\]\)}>"\']*)\s*$""": (".",),
    r"[?!]": ("?", "!"),
    r"([^'])' ": ("' ",),
    r"[*]": ("*",),
    r"[\]\[\(\)\{\}\<\>]": tuple("[](){}<>"),
    r"--": ("--",),
    r"([»”’])": ("»", "”", "’"),
    r"''": ("''",),
    r'"': ('"',),
    r"([^' ])('[sS]|'[mM]|'[dD]|') ": ("'",),
    r"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ": ("'",),
}

# NLTK's contraction patterns, by their source: the word each one matches, lower-cased.
_CONTRACTION_WORDS: dict[str, str] = {
    r"(?i)\b(can)(?#X)(not)\b": "cannot",
    r"(?i)\b(d)(?#X)('ye)\b": "d'ye",
    r"(?i)\b(gim)(?#X)(me)\b": "gimme",
    r"(?i)\b(gon)(?#X)(na)\b": "gonna",
    r"(?i)\b(got)(?#X)(ta)\b": "gotta",
    r"(?i)\b(lem)(?#X)(me)\b": "lemme",
    r"(?i)\b(more)(?#X)('n)\b": "more'n",
    r"(?i)\b(wan)(?#X)(na)(?=\s)": "wanna",
    r"(?i) ('t)(?#X)(is)\b": " 'tis",
    r"(?i) ('t)(?#X)(was)\b": " 'twas",
}


def _substitute(passes: Sequence[_Pass], text: str) -> str:
    """``text`` after each pass in turn, skipping those that cannot match it."""
    for pattern, replacement, marks in passes:
        if marks is None or any(map(text.__contains__, marks)):
            text = pattern.sub(replacement, text)
    return text


def _classify(sentence: _Sentence, in_chunk: set[int] | None, models: _Models) -> list[str]:
    """The grammar class of each token (see ``_CLASS_LETTERS``)."""
    tokens = sentence.tokens
    classes = [_inner_class(token) for token in tokens]
    for i in sentence.starts:
        classes[i] = _start_class(i, sentence, in_chunk, models)
    _mark_nationality_pairs(tokens, classes)
    _mark_title_phrases(tokens, classes)
    return classes


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
    if lower in _LINK_WORDS or lower in {"and", "the"}:
        return "CLNK"
    return _name_class(token)


def _start_class(i: int, sentence: _Sentence, in_chunk: set[int] | None, models: _Models) -> str:
    """The class of word ``i``, capitalised by its position: "O" unless the name lists, or
    the tagger and the chunker (without a chunker: not being an English word), make it a name."""
    token = sentence.tokens[i]
    fixed = _word_class(token)
    if fixed is not None:
        return fixed
    named = _is_name_in_lists(token) or (
        token not in models.closed_words
        and sentence.tags[i] in _PROPER
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
    if lower.rstrip(".") in gz.PERSON_TITLES and token[:1].isupper() and token not in gz.FIRST_NAMES:
        return "TTL"
    if lower in gz.NAME_PARTICLES and token.islower():
        return "PRT"
    if _ARABIC_ARTICLE.match(token):
        return "CAP"
    if token == "&":
        return "AMP"
    if not token[:1].isupper() or token in gz.NON_ENTITY_WORDS or _is_compound_adjective(token):
        return "DT" if lower == "the" else ("LNK" if token in _LINK_WORDS else "O")
    return None


def _is_compound_adjective(token: str) -> bool:
    """ "Bafta-winning", "London-based": a name inside an adjective is not a mention."""
    head, _, tail = token.rpartition("-")
    return bool(head) and tail.islower() and tail in _COMPOUND_TAILS


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
        while j >= 0 and tokens[j] in gz.TITLE_QUALIFIERS and classes[j] != "O":
            classes[j] = "TTL"
            j -= 1
        if i + 2 < len(tokens) and tokens[i + 1] == "of":
            k = i + 2
            while k < len(tokens) and (tokens[k] in gz.TITLE_QUALIFIERS or tokens[k] in {"the", "and"}):
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
    city used as a sports side ("Essex 532-8") or a dateline ("LONDON 1996-08-30").
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
    for start, end in _grammar_spans(sentence):
        start, end, titled = _peel(sentence, start, end)
        if start >= end or _is_not_entity(sentence.tokens[start:end]):
            continue
        name = _canonical(sentence.tokens[start:end])
        candidate = _Candidate(
            index,
            start,
            end,
            name,
            _own_votes(sentence.tokens[start:end], name),
            _context_votes(sentence, start, end, titled),
            start in sentence.starts,
            _forced_kind(sentence.tokens, start, end, name),
        )
        found.append(candidate)
    _link_acronyms(sentence, found)
    return found


def _grammar_spans(sentence: _Sentence) -> list[tuple[int, int]]:
    """Name spans: the grammar's chunks without trailing linking words, split at countries."""
    spans = []
    for start, end in _grammar_chunks(sentence.classes):
        while end > start and (
            sentence.classes[end - 1] in {"PRT", "LNK", "CLNK", "DT", "AMP"}
            or sentence.tokens[end - 1] in gz.TRAILING_NON_NAMES
        ):
            end -= 1
        spans.extend(_split_at_country(sentence, start, end))
    return spans


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
    """Split "Lebed Chechnya" or "OSCE Chechnya" (two names side by side in a headline).

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
    titled = start > 0 and classes[start - 1] == "TTL"
    if not titled and start > 0:
        previous = tokens[start - 1].lower().rstrip(".")
        titled = previous in gz.PERSON_TITLES and tokens[start - 1].islower()
    return start, end, titled


def _is_not_entity(tokens: Sequence[str]) -> bool:
    """Spans we never report: nationalities, events and awards, calendar words, numbers."""
    text = " ".join(tokens)
    return (
        text in gz.NATIONALITIES
        or tokens[-1] in gz.MISC_WORDS
        or all(t in gz.NON_ENTITY_WORDS or not t[:1].isalpha() for t in tokens)
        or len(tokens) > 8
        or len(text) < 2
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
        votes[PLACE] += 3
    if name in gz.KNOWN_ORGANIZATIONS:
        votes[ORGANIZATION] += 3
    if (any(t in gz.ORG_WORDS for t in tokens) or "&" in tokens) and not is_place:
        votes[ORGANIZATION] += 4
    if last in gz.PLACE_SUFFIXES or (first in gz.PLACE_PREFIXES and len(tokens) > 1):
        votes[PLACE] += 3
    if first in gz.FIRST_NAMES and not is_place:
        votes[PERSON] += 3 if len(tokens) > 1 else 1
    if len(tokens) == 1 and _ACRONYM.match(first) and name not in gz.PLACE_ACRONYMS:
        votes[ORGANIZATION] += 2
    if len(tokens) > 1 and any(_ARABIC_ARTICLE.match(t) or t in gz.NAME_PARTICLES for t in tokens[1:]):
        votes[PERSON] += 2
    return votes


def _is_compass_place(tokens: Sequence[str]) -> bool:
    """ "South Yorkshire", "Northern Iraq": a compass word before a known place."""
    return len(tokens) > 1 and tokens[0] in gz.COMPASS and " ".join(tokens[1:]) in gz.PLACES


def _context_votes(sentence: _Sentence, start: int, end: int, titled: bool) -> Counter[EntityKind]:
    """Votes from the words around one mention."""
    tokens = sentence.tokens
    name = " ".join(tokens[start:end])
    votes: Counter[EntityKind] = Counter()
    before, before2 = _word_at(tokens, start - 1), _word_at(tokens, start - 2)
    after = _word_at(tokens, end + 1 if _word_at(tokens, end) in {"'s", "'"} else end)
    if titled:
        votes[PERSON] += 4
    if after in gz.PLACE_NOUNS_AFTER or (before == "of" and before2 in gz.PLACE_NOUNS_AFTER):
        votes[PLACE] += 2
    if (
        after in gz.ORG_NOUNS_AFTER
        or before in gz.ORG_NOUNS_BEFORE
        or f"{before2} {before}" in gz.ORG_PHRASES_BEFORE
    ):
        votes[ORGANIZATION] += 2
    if before == "the" and name not in gz.PLACES:
        votes[ORGANIZATION] += 1
    if _is_results_row(tokens, start, end):
        votes[ORGANIZATION] += 2
    if after in gz.SPEECH_VERBS or _is_age_after(tokens, end):
        votes[PERSON] += 1
    if before in _PLACE_PREPOSITIONS:
        votes[PLACE] += 1
    if _is_country_in_brackets(tokens, end):
        votes[PERSON] += 3
    if before in _VERSUS or after in _VERSUS:
        votes[ORGANIZATION] += 2
    chunk_kind = sentence.chunk_kinds.get((start, end))
    if chunk_kind is not None:
        votes[chunk_kind] += 2
    return votes


def _word_at(tokens: Sequence[str], i: int) -> str:
    """Token ``i`` lower-cased, or "" outside the sentence."""
    return tokens[i].lower() if 0 <= i < len(tokens) else ""


def _forced_kind(tokens: Sequence[str], start: int, end: int, name: str) -> EntityKind | None:
    """The kind this mention's context fixes, whatever the name's kind elsewhere."""
    after = _word_at(tokens, end)
    if start == 0 and (_DATE.match(after) or after == "(") and name in gz.PLACES | gz.PLACE_ACRONYMS:
        return PLACE
    if name in gz.PLACES and name not in gz.NATIONS and _is_team_context(tokens, start, end):
        return ORGANIZATION
    return None


def _is_age_after(tokens: Sequence[str], end: int) -> bool:
    """ "Sam Taylor, 45," — an age after a name."""
    return (
        end + 2 < len(tokens) and tokens[end] == "," and tokens[end + 1].isdigit() and tokens[end + 2] == ","
    )


def _is_country_in_brackets(tokens: Sequence[str], end: int) -> bool:
    """ "Goran Ivanisevic (Croatia)" — sports results give a player's country in brackets."""
    return (
        end + 2 < len(tokens)
        and tokens[end] == "("
        and tokens[end + 2] == ")"
        and (
            tokens[end + 1] in gz.NATIONS or tokens[end + 1] in gz.PLACE_ACRONYMS or tokens[end + 1] == "U.S."
        )
    )


def _is_results_row(tokens: Sequence[str], start: int, end: int) -> bool:
    """A name in a results or standings line: "Lotte 6 Hyundai 2", "Wigan 4 3 1 0 9 4"."""
    before, after = _word_at(tokens, start - 1), _word_at(tokens, end)
    row_before = before in {"", ","} or bool(_SCORE.match(before))
    return row_before and bool(_SCORE.match(after))


def _is_team_context(tokens: Sequence[str], start: int, end: int) -> bool:
    """A city used as a sports side: "Leicestershire beat Somerset", "Essex 532-8", "v Kent"."""
    before, after = _word_at(tokens, start - 1), _word_at(tokens, end)
    score_after = bool(_SCORE.match(after)) and not _DATE.match(after)
    return after in _TEAM_VERBS or before in _TEAM_VERBS or score_after


# --------------------------------------------------------------------------- step 4: article


def _known_name_words(candidates: Iterable[_Candidate]) -> frozenset[str]:
    """Words of names the article writes capitalised inside a sentence ("Tiger Woods")."""
    return frozenset(
        word
        for c in candidates
        if not c.initial
        for word in c.name.split()
        if word[:1].isupper() and word not in gz.NON_ENTITY_WORDS
    )


def _mark_known_starts(sentence: _Sentence, known: frozenset[str]) -> bool:
    """A sentence-initial word the article uses as a name elsewhere is a name here too.

    "Woods was among…" starts a sentence, so its capital proves nothing and "woods" is an
    English word; but the same article wrote "Tiger Woods" mid-sentence. Returns whether
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
    common = _models().common_words
    kinds = {name: _winner(votes, name, candidates, common) for name, votes in totals.items()}
    aliases = _aliases(kinds, totals, candidates)
    mentions = []
    for c in candidates:
        name = aliases.get(c.name, c.name)
        kind = c.forced or kinds.get(name) or kinds.get(c.name)
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
            context[c.name][c.forced] += 2
    return {name: own[name] + context[name] for name in own}


def _vote_speakers(candidates: list[_Candidate], speakers: frozenset[str]) -> None:
    """Speakers found by the quote extractor are people, and so are their surnames."""
    surnames = {s.split()[-1] for s in speakers}
    for candidate in candidates:
        if candidate.name in speakers or candidate.name in surnames:
            candidate.own[PERSON] += 5


def _winner(
    votes: Counter[EntityKind], name: str, candidates: list[_Candidate], common: frozenset[str]
) -> EntityKind | None:
    """The kind with most votes; without evidence, a multi-word name is a person.

    A lone capitalised word without evidence is a person too (a surname, most often), unless
    it is an English word ("the Scottish Executive") or is seen only at sentence starts: then
    it is more often an ordinary word than a name, and it is dropped.
    """
    best = max(votes.values(), default=0)
    if best > 0:
        return next(kind for kind in (PERSON, ORGANIZATION, PLACE) if votes[kind] == best)
    if len(name.split()) > 1:
        return PERSON
    if name.lower() in common or all(c.initial for c in candidates if c.name == name):
        return None
    return PERSON


def _aliases(
    kinds: dict[str, EntityKind | None], totals: dict[str, Counter[EntityKind]], candidates: list[_Candidate]
) -> dict[str, str]:
    """Short name -> full name within the article: "Kerry" -> "John Kerry", "Magna" -> "Magna
    International Inc", "MSF" -> "Doctors Without Borders".

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
    for name in kinds:
        full = short_forms.get(name, set())
        placed = sum(c.context[PLACE] for c in candidates if c.name == name)
        if len(full) == 1 and not placed:
            aliases[name] = next(iter(full))
    for candidate in candidates:
        short = candidate.name
        if (
            candidate.acronym_of
            and kinds.get(candidate.acronym_of) == ORGANIZATION
            and totals[short][PLACE] == 0
        ):
            aliases[short] = candidate.acronym_of
    return aliases
