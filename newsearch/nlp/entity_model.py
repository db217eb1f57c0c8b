"""The NLTK side of entity recognition: models, loaded once per process, and the tokenizer.

Tagger, chunker, tokenizer and grammar are NLTK's models and rules run by faster code of ours
that gives the same results (the tests compare them with NLTK's own); only the words that need
tags are tagged (``entity_types`` decides which). Nothing here decides what kind an entity is:
that is ``entity_types``.

Models are loaded once per process (NLTK's own ``ne_chunk`` reloads its model on every call),
from a compiled copy in the model cache when it is current (see "models" below), because
every indexing worker and every one-article update loads them.

Without NLTK data nothing crashes: tags then come from capitalisation alone and there is no
chunker; ``backend()`` and ``missing_message()`` say so. With the typed (multiclass) chunker
installed, its spans and types are used as more evidence.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import EntityKind
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
MULTICLASS_KINDS: dict[str, EntityKind] = {
    "PERSON": PERSON,
    "ORGANIZATION": ORGANIZATION,
    "GPE": PLACE,
    "LOCATION": PLACE,
    "GSP": PLACE,
    "FACILITY": PLACE,
}

# Curly quotes become straight ones so the word tokenizer splits "Assad’s" like "Assad's".
_STRAIGHTEN = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"}

# Proper-noun tags of the Penn Treebank tag set.
PROPER = frozenset({"NNP", "NNPS"})


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
class Models:
    """What recognition runs on; any part may be missing (``None``/empty)."""

    tagger: Any
    chunker: Any
    multiclass: bool
    common_words: frozenset[str]
    closed_words: frozenset[str]
    word_tokenizer: Any


@cache
def models() -> Models:
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


def _models_from(data: dict[str, Any], available: _Available) -> Models:
    tagger = _Tagger(data["tagger"]) if data["tagger"] else None
    common = frozenset(data["common_words"].split("\n")) if data["common_words"] else frozenset()
    chunker, multiclass = None, False
    if data["chunker"]:
        chunker, multiclass = _CompiledChunker(data["chunker"]), data["chunker"]["fmt"] == "multiclass"
    elif tagger is not None and common and _CHUNKER_ID not in available.missing:
        chunker, multiclass = _load_tree_chunker(available.multiclass)
    closed = tagger.closed_words() if tagger is not None else frozenset()
    return Models(tagger, chunker, multiclass, common, closed, _load_word_tokenizer(data["word_tokenizer"]))


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
    starts a sentence) from "Dunmore beat…" (a name).
    """
    from nltk.corpus import words

    try:
        common = {w for w in words.words("en") if w.islower()}
    except (LookupError, OSError):
        return None
    if nltk_tagger is not None:
        common |= {w.lower() for w, tag in nltk_tagger.tagdict.items() if tag not in PROPER}
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
    models.cache_clear()


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



def tokenize(text: str) -> list[list[str]]:
    """The sentences of ``text`` as lists of word tokens (quotes straightened first)."""
    for curly, straight in _STRAIGHTEN.items():  # far faster than str.translate, same text
        text = text.replace(curly, straight)
    tokenizer = models().word_tokenizer
    return [tokenizer.tokenize(text[span.start : span.end]) for span in sentence_spans(text)]



def iob_spans(labels: Sequence[str]) -> Iterable[tuple[int, int, str]]:
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
        return frozenset(word for word, tag in self._tagdict.items() if tag not in PROPER)

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

