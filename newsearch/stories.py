"""Near-duplicate detection: group copies of the same article into *stories*.

News archives hold the same story many times over: a wire story syndicated, lightly
rewritten, re-run under a new headline. Each article gets a **story id**; search can then
collapse its results to one hit per story.

How an article is compared (see ``docs/BENCHMARKS.md``, section "stories", for the figures):

- **Exact copies** share a story, always: ``Signature.exact`` hashes the body after
  ``newsearch.text.normalise``, case folding and whitespace collapsing.
- **Near copies** are found by the Jaccard similarity of the bodies' sets of 3-word
  shingles, estimated with a 256-value MinHash (affine permutations of 32-bit shingle
  hashes, as datasketch's ``affine32`` scheme) of which only the low 16 bits of each value
  are kept ("b-bit minwise hashing": 512 bytes an article; two different values agree by
  chance once in 65,536, a negligible bias). Two articles are the same story when the
  estimate is at least ``THRESHOLD`` = 0.30 **and their numbers agree**.
- **Numbers agree** unless both bodies hold at least ``MIN_NUMBERS`` = 2 distinct numbers
  and the Jaccard similarity of those number sets is below ``NUMBER_AGREEMENT`` = 0.30.
  A rewrite keeps the facts and changes the words; a wire template (dividend notices,
  convertible-debt offerings, the daily hog-slaughter estimate) keeps the words and changes
  the facts. On Reuters the template pairs above the text threshold mostly share under 30%
  of their numbers; every BBC near copy shares at least 33%, the seed pair 86%.

Why 3-word shingles and 0.30: the seed pair in ``corpus/`` (a heavy rewrite: paragraphs
reordered, sentences cut and reworded) has a true 3-shingle Jaccard of 0.40, while separate
articles on the same subject (BBC reports on Yukos, MCI or the LSE bids, Patricia Hewitt's
maternity-pay and career-sexism speeches) stay at 0.01-0.19. Follow-ups that repeat earlier
paragraphs (day two of a trial) reach 0.25-0.30 and are mostly kept apart. Among 1- to 5-word
shingles, 2 and 3 words separate the seed pair from the BBC's other pairs best; 3 words keep
common phrases ("one of the") from making short articles look alike. 256 values rather than
128 cost nothing measurable (hashing the words dominates) and cut the standard error at
J = 0.4 from 0.043 to 0.031, which puts the seed pair 3 standard errors above the threshold.

Candidates come from locality-sensitive hashing: the first 128 values are cut into 64 bands
of 2, and two articles are compared only if they agree on a whole band. A pair at the
threshold (0.30) shares a band with probability 0.998; a pair at 0.05 with probability 0.15,
which is cheap to reject because every candidate is checked with one vectorised comparison.

What is saved (``state``) is small: an article's story id and its **band hashes**, each band
hashed to 16 bits (128 bytes an article), not its 512-byte MinHash. Articles that agree on a
band agree on its hash, so the articles sharing a band hash with a new one are a superset of
its LSH candidates (on Reuters about 19 more, by chance); their signatures are computed again
from their stored bodies (``from_rows``' ``signatures``), and only those that share a whole
band are compared, as before: the stories are the same as when the MinHashes were saved,
and Reuters' state is 8.6 times smaller.

Story ids are stable: a story's id is the id of the article that founded it, and it never
changes while the story has members. ``assign`` and ``remove`` never change the story of any
*other* article, so an indexer only rewrites the document it is writing anyway. Stories are
not merged: a new article similar to two stories joins the one with its most similar member.
When articles are assigned in id order (as the indexer does on a full build), a story's id is
its lowest article id.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .models import Pair
from .state import StoryChanges, StoryQuery, StoryRow
from .text import normalise

SHINGLE_WORDS = 3
NUM_PERM = 256
THRESHOLD = 0.30
MIN_NUMBERS = 2
NUMBER_AGREEMENT = 0.30
NUMBERS_KEPT = 32  # a bottom-k sketch of the number set: exact for all but number-heavy tables
BANDS = 64  # of 2 values each: a band is one uint32 of the 16-bit values (the first 128 values)
BAND_HASH_BYTES = 2 * BANDS  # what the state keeps of a signature: one 16-bit hash per band
# Names everything that changes signature values; a state file made with others is stale.
SIGNATURE_PARAMS = f"words{SHINGLE_WORDS}-crc32-splitmix64-affine32-perm{NUM_PERM}-low16-numbers{NUMBERS_KEPT}"

_WORD = re.compile(r"\w+(?:\.\w+)*")  # as newsearch.text: "U.S." and "3.5" stay one word
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")  # "1,200", "3.5", "1/4"
_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
_HASH_BYTES = NUM_PERM * 2
_BAND_NUMBERS = np.arange(BANDS, dtype=np.uint32) << np.uint32(16)
_GOLDEN32 = np.uint32(0x9E3779B1)  # Fibonacci hashing: the high bits of x * 2**32/phi mix all of x


# --------------------------------------------------------------------------- signatures


@dataclass(frozen=True, slots=True)
class Signature:
    """What the story index needs to know about an article body; small and picklable.

    ``exact`` is a hex digest of the body's words, normalised and case-folded, so copies
    that differ only in spacing, case, quote style or punctuation are exact copies ("" when
    the body has no words); ``minhash`` holds the low 16 bits of ``NUM_PERM`` MinHash values
    over the body's 3-word shingles, little-endian (bytes rather than a tuple of ints:
    512 bytes, not ~10 kB); ``numbers`` holds the ``NUMBERS_KEPT`` smallest CRC-32s of the
    distinct numbers in the body, sorted, as little-endian uint32s.
    """

    exact: str
    minhash: bytes
    numbers: bytes = b""

    @property
    def empty(self) -> bool:
        """A body without words is nobody's duplicate (title-only items must not collapse)."""
        return not self.exact


# Loads the signatures of saved articles by id (the indexer computes them from stored bodies).
SignatureLoader = Callable[[Sequence[str]], Mapping[str, Signature]]


def signature(body: str) -> Signature:
    """The signature of an article body (the title is left out: copies get new headlines)."""
    words = _WORD.findall(normalise(body).casefold())
    if not words:
        return Signature("", bytes(_HASH_BYTES))
    exact = hashlib.blake2b(" ".join(words).encode(), digest_size=12).hexdigest()
    return Signature(exact, _minhash(_shingle_hashes(words)), _number_sketch(body))


def _number_sketch(body: str) -> bytes:
    hashes = {zlib.crc32(number.encode()) for number in _NUMBER.findall(normalise(body))}
    return np.array(sorted(hashes)[:NUMBERS_KEPT], dtype="<u4").tobytes()


def _splitmix64(values: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser: spreads every input bit over all 64 output bits."""
    values = values ^ (values >> _U64(30))
    values = values * _U64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _U64(27))
    values = values * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))


def _shingle_hashes(words: list[str]) -> np.ndarray:
    """One 32-bit hash per run of ``SHINGLE_WORDS`` words.

    Each word is hashed once (CRC-32) and the runs are combined with numpy, about 4x faster
    than hashing every shingle string. A body shorter than one shingle is one shingle.
    """
    words = words if len(words) >= SHINGLE_WORDS else [" ".join(words)]
    hashes = np.fromiter((zlib.crc32(word.encode()) for word in words), dtype=np.uint64, count=len(words))
    count = len(hashes) - min(len(hashes), SHINGLE_WORDS) + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(min(len(hashes), SHINGLE_WORDS)):
        combined = _splitmix64(combined ^ hashes[offset : offset + count])
    return (combined >> _U64(32)).astype(np.uint32)


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """``NUM_PERM`` affine maps ``x -> (a*x + b) mod 2**32`` with odd ``a`` (bijections).

    Derived from SplitMix64 of the counters 1, 2, ... rather than from a random generator,
    so the values (and every saved signature) can never change with a library version.
    """
    numbers = (_splitmix64(np.arange(1, 2 * NUM_PERM + 1, dtype=np.uint64)) & _MASK32).astype(np.uint32)
    return numbers[:NUM_PERM] | np.uint32(1), numbers[NUM_PERM:]


_A, _B = _permutations()


def _minhash(shingles: np.ndarray) -> bytes:
    """The minimum of every permutation over the shingles, keeping the low 16 bits.

    (MinHash as in datasketch's "affine32" scheme; computed here because importing
    datasketch pulls in scipy, about 1.5-3 s per process, and because saved signatures must
    not change when a library changes its defaults, as datasketch 2.0 did.)
    """
    values = shingles[:, None] * _A + _B  # uint32 arithmetic wraps: mod 2**32
    return (values.min(axis=0) & np.uint32(0xFFFF)).astype("<u2").tobytes()


def _values(minhash: bytes) -> np.ndarray:
    return np.frombuffer(minhash, dtype="<u2")


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two bodies' shingle sets: 1.0 for exact copies."""
    if a.empty or b.empty:
        return 0.0
    if a.exact == b.exact:
        return 1.0
    return float(np.count_nonzero(_values(a.minhash) == _values(b.minhash))) / NUM_PERM


def numbers_agree(a: Signature, b: Signature) -> bool:
    """False when both bodies hold numbers and too few of them are shared (see above)."""
    first, second = (set(np.frombuffer(sig.numbers, dtype="<u4").tolist()) for sig in (a, b))
    if len(first) < MIN_NUMBERS or len(second) < MIN_NUMBERS:
        return True
    union = sorted(first | second)[:NUMBERS_KEPT]  # the bottom-k sketch of the union
    shared = first & second
    return sum(number in shared for number in union) >= NUMBER_AGREEMENT * len(union)


def _bands(minhashes: bytes) -> np.ndarray:
    """The LSH bands of signatures: one row of ``BANDS`` uint32s per signature."""
    return np.frombuffer(minhashes, dtype="<u4").reshape(-1, NUM_PERM // 2)[:, :BANDS]


def band_hashes(sig: Signature) -> bytes:
    """What the state keeps of a signature: each band hashed to 16 bits, little-endian (empty
    for an empty signature). Equal bands have equal hashes; unequal ones collide once in 65,536."""
    if sig.empty:
        return b""
    return ((_bands(sig.minhash)[0] * _GOLDEN32) >> np.uint32(16)).astype("<u2").tobytes()


def same_story(a: Signature, b: Signature) -> bool:
    """The pairwise verdict: exact copies, or similar enough with numbers that agree."""
    if a.empty or b.empty:
        return False
    return a.exact == b.exact or (similarity(a, b) >= THRESHOLD and numbers_agree(a, b))


# --------------------------------------------------------------------------- stories


@dataclass(frozen=True, slots=True)
class Story:
    """A story with its members (sorted) and the similarity of every pair of them."""

    id: str
    members: tuple[str, ...]
    pairs: tuple[Pair, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    slot: int
    story: str
    bands: bytes  # ``band_hashes`` of its signature


class _Buckets:
    """LSH buckets of every assigned signature: which slots share a band hash with a query.

    A dict of sets per bucket would cost over 100 bytes per (article, band), some 150 MB
    for Reuters' 19k articles. Here every band hash is one uint32 key (band number in the high
    16 bits) stored with its slot, 8 bytes an entry, in a few sorted runs of numpy arrays:
    each article adds a run of its 64 keys, and runs of equal size are merged, like a binary
    counter, so an entry is re-sorted about log2(n) times and a query searches at most
    log2(n) runs. Entries of removed articles stay until the next load; callers skip
    dead slots.
    """

    def __init__(self, keys: np.ndarray | None = None, slots: np.ndarray | None = None) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, slots), longest first
        if keys is not None and slots is not None and len(keys):
            self._runs.append(_sorted_run(keys, slots))

    @staticmethod
    def keys(bands: bytes) -> np.ndarray:
        """The bucket keys of saved band hashes: one row per article when given several."""
        return np.frombuffer(bands, dtype="<u2").reshape(-1, BANDS).astype(np.uint32) | _BAND_NUMBERS

    def add(self, slot: int, bands: bytes) -> None:
        run = _sorted_run(self.keys(bands)[0], np.full(BANDS, slot, dtype=np.int32))
        while self._runs and len(self._runs[-1][0]) <= len(run[0]):
            keys, slots = self._runs.pop()
            run = _sorted_run(np.concatenate((keys, run[0])), np.concatenate((slots, run[1])))
        self._runs.append(run)

    def candidates(self, bands: bytes) -> set[int]:
        keys = np.sort(self.keys(bands)[0])  # sorted queries make numpy's binary search faster
        found: set[int] = set()
        for run_keys, run_slots in self._runs:
            starts = np.searchsorted(run_keys, keys)
            hits = keys[run_keys[np.minimum(starts, len(run_keys) - 1)] == keys]
            if len(hits):
                starts, ends = np.searchsorted(run_keys, hits), np.searchsorted(run_keys, hits, side="right")
                for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                    found.update(run_slots[start:end].tolist())
        return found


def _sorted_run(keys: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")  # two sorted halves: a linear merge
    return keys[order], slots[order]


class StoryIndex:
    """Persistent assignment of article ids to story ids, with an LSH index for candidates.

    Not thread-safe; one writer at a time (the indexer holds the index lock).
    """

    def __init__(self, signatures: SignatureLoader | None = None) -> None:
        """An empty index; ``signatures`` loads those of saved rows (see ``from_rows``)."""
        self._entries: dict[str, _Entry] = {}
        self._signatures: dict[str, Signature] = {}  # known so far: assigned here, or loaded
        self._load = signatures
        self._slots: list[str | None] = []  # slot -> article id; None once removed
        self._members: dict[str, list[str]] = {}  # story id -> article ids (lists: small, lean)
        self._buckets = _Buckets()
        self._removed: list[str] = []  # saved rows removed since the last save
        self._added: dict[str, None] = {}  # ids added since the last save, in order

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    # ----------------------------------------------------------------- updates

    def assign(self, article_id: str, sig: Signature) -> str:
        """Add (or replace) an article and return its story id.

        It joins the story of an exact copy if there is one (the one assigned first), else the
        story of its most similar member at or above ``THRESHOLD`` whose numbers agree (ties:
        the lowest article id), else it founds a story named after itself.
        """
        self.remove(article_id)
        story = self._matching_story(sig) or self._new_story_id(article_id)
        self._add(article_id, story, sig)
        return story

    def restore(self, article_id: str, story: str, sig: Signature) -> None:
        """Put back an article whose story id is already known (rebuilding from the index)."""
        self.remove(article_id)
        self._add(article_id, story, sig)

    def remove(self, article_id: str) -> None:
        """Forget an article (no-op if unknown); the other members keep their story id."""
        entry = self._entries.pop(article_id, None)
        if entry is None:
            return
        self._signatures.pop(article_id, None)
        if article_id in self._added:
            del self._added[article_id]  # never saved
        else:
            self._removed.append(article_id)
        self._slots[entry.slot] = None
        members = self._members[entry.story]
        members.remove(article_id)
        if not members:
            del self._members[entry.story]

    def _matching_story(self, sig: Signature) -> str | None:
        """The story of the first-assigned exact copy of ``sig``, else of its most similar
        LSH candidate that is the same story, if any. Exact copies have the same band hashes,
        so both are among the articles sharing a band hash with it."""
        if sig.empty:
            return None
        ids = sorted(filter(None, (self._slots[slot] for slot in self._buckets.candidates(band_hashes(sig)))))
        if not ids:
            return None
        sigs = self._signatures_of(ids)
        holders = [article_id for article_id, other in zip(ids, sigs, strict=True) if other.exact == sig.exact]
        if holders:
            return self._entries[min(holders, key=lambda article_id: self._entries[article_id].slot)].story
        # LSH candidates: those that share a whole band (not merely its hash)
        near = (_bands(b"".join(other.minhash for other in sigs)) == _bands(sig.minhash)).any(axis=1).tolist()
        ids, sigs = [i for i, n in zip(ids, near, strict=True) if n], [o for o, n in zip(sigs, near, strict=True) if n]
        if not ids:
            return None
        rows = _values(b"".join(other.minhash for other in sigs))
        scores = np.count_nonzero(rows.reshape(len(ids), NUM_PERM) == _values(sig.minhash), axis=1)
        for best in np.argsort(-scores, kind="stable").tolist():  # ties: the lowest id first
            if scores[best] < THRESHOLD * NUM_PERM:
                return None
            if numbers_agree(sig, sigs[best]):
                return self._entries[ids[best]].story
        return None

    def _new_story_id(self, article_id: str) -> str:
        """The article's own id, or ``id~2``, ``id~3``... if a living story already has it.

        (That happens when a story's founder was removed or changed and comes back as
        something else: the story keeps the id, so the newcomer needs another.)
        """
        story, number = article_id, 1
        while story in self._members:
            number += 1
            story = f"{article_id}~{number}"
        return story

    def _add(self, article_id: str, story: str, sig: Signature) -> None:
        slot = len(self._slots)
        bands = band_hashes(sig)
        self._slots.append(article_id)
        self._added[article_id] = None
        self._entries[article_id] = _Entry(slot, story, bands)
        self._signatures[article_id] = sig
        self._members.setdefault(story, []).append(article_id)
        if bands:
            self._buckets.add(slot, bands)

    def _signatures_of(self, ids: Sequence[str]) -> list[Signature]:
        """The signatures of assigned articles, loading those of saved rows not known yet."""
        missing = [article_id for article_id in ids if article_id not in self._signatures]
        if missing:
            if self._load is None:
                raise KeyError(missing[0])
            loaded = self._load(missing)
            for article_id in missing:
                sig = loaded[article_id]
                if band_hashes(sig) != self._entries[article_id].bands:
                    raise ValueError(f"the saved story row of {article_id!r} does not match its text")
                self._signatures[article_id] = sig
        return [self._signatures[article_id] for article_id in ids]

    # ----------------------------------------------------------------- queries

    def story_of(self, article_id: str) -> str:
        """The story id of an assigned article; KeyError if it was never assigned."""
        return self._entries[article_id].story

    def signature_of(self, article_id: str) -> Signature:
        """The signature an article was assigned with; KeyError if it was never assigned."""
        if article_id not in self._entries:
            raise KeyError(article_id)
        return self._signatures_of([article_id])[0]

    def members(self, story_id: str) -> tuple[str, ...]:
        """The article ids of a story, sorted; empty for an unknown story."""
        return tuple(sorted(self._members.get(story_id, ())))

    def stories(self, min_size: int = 2) -> list[Story]:
        """Every story with at least ``min_size`` members, largest first (then by id)."""
        chosen = [(story, sorted(members)) for story, members in self._members.items() if len(members) >= min_size]
        chosen.sort(key=lambda item: (-len(item[1]), item[0]))
        self._signatures_of([member for _, members in chosen if len(members) > 1 for member in members])  # one load
        return [Story(story, tuple(members), self._pairs(members)) for story, members in chosen]

    def _pairs(self, members: list[str]) -> tuple[Pair, ...]:
        signatures = self._signatures_of(members)
        return tuple(
            Pair(members[i], members[j], similarity(signatures[i], signatures[j]))
            for i in range(len(members))
            for j in range(i + 1, len(members))
        )

    # ----------------------------------------------------------------- persistence (``state``)

    @staticmethod
    def rows_needed(removed: Iterable[str], assigned: Iterable[tuple[str, Signature]]) -> StoryQuery:
        """The saved rows that ``remove`` of ``removed`` and ``assign`` of ``assigned`` can
        read, whatever their order: the articles themselves and their stories' members (a
        story that loses its last member frees its id), the articles sharing a band hash with
        a new signature (its exact copies and LSH candidates among them), and the stories
        named after an assigned id (``_new_story_id``). A ``StoryIndex`` of just these rows
        assigns exactly as one of every row does."""
        assigned = list(assigned)
        ids = frozenset(removed) | {article_id for article_id, _ in assigned}
        return StoryQuery(
            ids=ids,
            band_hashes=frozenset(filter(None, (band_hashes(sig) for _, sig in assigned))),
            founders=frozenset(article_id for article_id, _ in assigned),
        )

    @classmethod
    def from_rows(cls, rows: Iterable[StoryRow], signatures: SignatureLoader) -> StoryIndex:
        """The index of saved rows (in the order they were saved): all of them, or those
        ``rows_needed`` asked for. Nothing counts as changed. A row keeps only its story and
        band hashes: ``signatures`` loads the signatures of the articles a comparison needs."""
        index = cls(signatures)
        live, bands = [], []
        for slot, row in enumerate(rows):
            if len(row.bands) not in (0, BAND_HASH_BYTES) or row.id in index._entries:
                raise ValueError(f"bad story row {row.id!r}")
            index._slots.append(row.id)
            index._entries[row.id] = _Entry(slot, row.story, row.bands)
            index._members.setdefault(row.story, []).append(row.id)
            if row.bands:
                live.append(slot)
                bands.append(row.bands)
        if live:
            slots = np.array(live, dtype=np.int32)
            index._buckets = _Buckets(_Buckets.keys(b"".join(bands)).ravel(), np.repeat(slots, BANDS))
        return index

    def take_changes(self) -> StoryChanges:
        """What to write to make the saved rows equal this index; then nothing is changed."""
        added = tuple(StoryRow(i, self._entries[i].story, self._entries[i].bands) for i in self._added)
        changes = StoryChanges(tuple(self._removed), added)
        self._removed, self._added = [], {}
        return changes
