"""How a newsearch index writes its postings: Whoosh's own codec (``W3Codec``), with each
block's posting values and weights packed before Whoosh pickles and compresses the block.

Whoosh pickles a block as ``(ids, weights, values)`` with pickle protocol 2, which writes
every ``bytes`` value as a call to ``_codecs.encode`` (about 17 bytes of overhead each) and
every weight as an 8-byte double. For the positions of a word in an article (see
``schema.CompactPositions``), which are most of what an index holds, that overhead was larger
than the positions themselves. Here a block's values are one ``bytes`` (each value after its
length, both as LEB128 varints) and whole-number weights (word counts) are pickled as ints,
which read back as the same floats. Everything else — block statistics, compression, term
index, columns — is Whoosh's.

A segment names the codec that wrote it (pickled by reference), so every segment written by
a ``CompactCodec`` is read by one; every writer of an index must use ``CODEC``. Nothing else
of Whoosh depends on how a block is laid out: ``scoring`` reads ids and weights through the
matcher's own block reads.
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter


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
    """``W3Codec`` whose posting blocks hold their values packed and integral weights as ints."""

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
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return _LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _PostingsWriter(W3PostingsWriter):
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


CODEC = CompactCodec()
