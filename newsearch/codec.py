"""How a newsearch index writes its postings: Whoosh's own codec (``W3Codec``), with each
block's posting values and weights packed before Whoosh pickles and compresses the block.

Whoosh pickles a block as ``(ids, weights, values)`` with pickle protocol 2, which writes
every ``bytes`` value as a call to ``_codecs.encode`` (about 17 bytes of overhead each) and
every weight as an 8-byte double. For the positions of a word in an article (see
``schema.CompactPositions``), which are most of what an index holds, that overhead was larger
than the positions themselves. Here a block's values are one ``bytes`` (each value after its
length, both as LEB128 varints) and whole-number weights (word counts) are pickled as ints,
which read back as the same floats; a word found in fewer than 8 articles keeps its postings in the
term index, as ints (no block of its own: on BBC 2 MB less); stored fields are deflated at level 6.
Everything else — block statistics, compression, the term index, columns — is Whoosh's.

A segment names the codec that wrote it (pickled by reference), so every segment written by
a ``CompactCodec`` is read by one; every writer of an index must use ``CODEC``. Nothing else
of Whoosh depends on how a block is laid out: ``scoring`` reads ids and weights through the
matcher's own block reads.
"""

from __future__ import annotations

from array import array

from whoosh import columns
from whoosh.matching import ListMatcher
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PerDocWriter, W3PostingsWriter

# Stored fields as Whoosh stores them (each document's pickled and deflated on its own), at
# deflate level 6 rather than 3: 2% smaller on BBC; read back by Whoosh's own column reader.
STORED_COLUMN = columns.PickleColumn(columns.CompressedBytesColumn(level=6))


def write_varint(number: int, out: bytearray) -> None:
    """Append ``number`` (>= 0) to ``out`` as an LEB128 varint."""
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)


def read_varints(packed: bytes) -> list[int]:
    """Every LEB128 varint in ``packed``, in order."""
    numbers, number, shift = [], 0, 0
    for byte in packed:
        number |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            numbers.append(number)
            number, shift = 0, 0
    return numbers


class CompactCodec(W3Codec):
    """``W3Codec`` whose posting blocks hold their values packed and integral weights as ints,
    whose term index holds the postings of a word found in fewer than ``inlinelimit`` articles
    (Whoosh's own option, whose writing whoosh3 3.54 lacks a method for), and whose stored
    fields are deflated harder."""

    def per_document_writer(self, storage, segment):
        return _PerDocWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            # Whoosh keeps no empty values (an ID field's), and its list matcher would give "".
            values = tuple(map(_value_from_int, values)) or (b"",) * len(ids)
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return _LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        # whoosh3 3.54's own inlining calls a method its term info lacks (``set_inline``).
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        weights = tuple(int(w) if w.is_integer() else w for w in self._weights)
        terminfo.set_inlined(self._ids, weights, tuple(map(_value_as_int, self._values)))
        return terminfo

    def _mini_weights(self):
        weights = super()._mini_weights()
        if isinstance(weights, tuple) and all(weight.is_integer() for weight in weights):
            return tuple(int(weight) for weight in weights)
        return weights

    def _mini_values(self):
        values = super()._mini_values()
        if not isinstance(values, tuple):
            return values
        packed = bytearray()
        for value in values:
            write_varint(len(value), packed)
            packed += value
        return bytes(packed)


def _value_as_int(value: bytes | None) -> int | None:
    """A posting value as an int, which pickles in a few bytes where ``bytes`` take some 30
    (a 1 byte above the value's last keeps its trailing zero bytes)."""
    return None if value is None else int.from_bytes(value + b"\x01", "little")


def _value_from_int(number: int | None) -> bytes | None:
    if number is None:
        return None
    return number.to_bytes((number.bit_length() + 7) // 8, "little")[:-1]


class _PerDocWriter(W3PerDocWriter):
    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, STORED_COLUMN if fieldname == "_stored" else column)


class _LeafMatcher(W3LeafMatcher):
    def _read_weights(self):
        super()._read_weights()
        if isinstance(self._weights, tuple):
            self._weights = array("f", self._weights)

    def _read_values(self):
        super()._read_values()
        packed = self._values
        if not isinstance(packed, bytes) or self._fixedsize is not None and self._fixedsize >= 0:
            return
        values, at = [], 0
        while at < len(packed):
            length, shift = 0, 0
            while True:
                byte = packed[at]
                at += 1
                length |= (byte & 0x7F) << shift
                if not byte & 0x80:
                    break
                shift += 7
            values.append(packed[at : at + length])
            at += length
        self._values = tuple(values)


CODEC = CompactCodec(inlinelimit=8)
