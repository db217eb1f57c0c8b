"""Arrays decoded from an index segment (a term's postings, a field's lengths, the articles'
embeddings in a semantic index), kept between queries so that a long-running ``Index``
decodes each only once, in a byte-bounded LRU.

Decoding posting blocks is most of what a ranked query costs once scoring is done with numpy
(``newsearch.scoring``), and the same common words come back query after query, through
feedback above all. What is kept is what Whoosh would decode again, never a score: scores
depend on index-wide statistics (idf, average lengths) that every commit changes.

Entries belong to one segment *reader*, not to the segment: a searcher opened after a commit
has new readers, whose entries start empty, and the old readers' entries are dropped once
those readers are garbage. Keeping the entries of a segment that survives a commit would need
a provably unique segment identity, and whoosh3 draws segment ids from the global ``random``
(a seeded process rebuilding an index can repeat them). Deletions, which change without the
segment changing, are never cached: callers mask with the current reader's deletions.

One cache serves the whole process, so that ``MAX_BYTES`` bounds a server's memory however
many indexes it has open. Each ``Index`` is used by one thread at a time (its Whoosh searcher
is not thread-safe), but separate ones may be searched from separate threads, so the cache's
bookkeeping is done under a lock; decoding is not, as it touches only its own reader.
"""

from __future__ import annotations

import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from itertools import count

import numpy as np

# The most the cache holds, in bytes of arrays: with it, Reuters' verbose queries keep
# every posting list they use (about 18 MB after 220 queries, 21 MB with 220 short queries
# more) and decode nothing twice.
MAX_BYTES = 64 * 2**20

Arrays = tuple[np.ndarray, ...]


class SegmentCache:
    """Least-recently-used arrays, each under a reader and a key, at most ``limit`` bytes in all.

    Cached arrays are read-only, so no caller can change what the next query reads.
    """

    def __init__(self, limit: int = MAX_BYTES) -> None:
        self.limit = limit
        self.size = 0  # bytes held
        self.peak = 0  # most bytes ever held
        self._entries: OrderedDict[tuple[int, Hashable], Arrays] = OrderedDict()
        # Readers are numbered rather than keyed by ``id()``: a garbage reader's id can be
        # reused by a new reader before its entries are dropped, a number never is.
        self._readers: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
        self._numbers = count()
        # Numbers of garbage readers whose entries are yet to be dropped. A reader's finalizer
        # only appends here: it can run inside any allocation, even one made under the lock.
        self._gone: list[int] = []
        self._lock = threading.Lock()

    def get(self, reader: object, key: Hashable, decode: Callable[[], Arrays]) -> Arrays:
        """The arrays cached for ``reader`` under ``key``, else ``decode()``'s, kept if they fit."""
        with self._lock:
            entry = (self._number(reader), key)
            found = self._entries.get(entry)
            if found is not None:
                self._entries.move_to_end(entry)
                return found
        arrays = decode()
        for array in arrays:
            array.flags.writeable = False
        nbytes = _nbytes(arrays)
        with self._lock:
            self._drop_gone()
            if nbytes <= self.limit and entry not in self._entries:
                self._entries[entry] = arrays
                self.size += nbytes
                while self.size > self.limit:
                    self.size -= _nbytes(self._entries.popitem(last=False)[1])
                self.peak = max(self.peak, self.size)
        return arrays

    def _number(self, reader: object) -> int:
        number = self._readers.get(reader)
        if number is None:
            number = self._readers[reader] = next(self._numbers)
            weakref.finalize(reader, self._gone.append, number)
        return number

    def _drop_gone(self) -> None:
        gone: set[int] = set()
        while self._gone:  # one ``pop`` at a time: a finalizer may append meanwhile
            gone.add(self._gone.pop())
        if gone:
            for entry in [entry for entry in self._entries if entry[0] in gone]:
                self.size -= _nbytes(self._entries.pop(entry))


def _nbytes(arrays: Arrays) -> int:
    """The memory of ``arrays``, headers and data (``getsizeof`` counts the data of an array
    that owns it, as decoded arrays do). Headers count so that empty arrays — a word a segment
    lacks — are not free; the few hundred bytes of bookkeeping per entry are not counted."""
    return sum(sys.getsizeof(array) for array in arrays)


CACHE = SegmentCache()
