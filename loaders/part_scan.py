"""Scanning an XML part's bytes while `loaders.zip_checks` inflates it, in one pass per chunk:

- `far`: the part names a cell at row 100,000 or beyond, or in column BA or beyond. A sheet without
  one spans at most 99,999 rows by 52 columns (5.2 million cells, under the cap), so only a part with
  one is measured exactly (`measure`, a second pass).
- `markers`: the part holds a formula, an error cell or a merged range, what the cell reader turns
  silently into blanks (`loaders.cell_checks.scan_sheet_xml` then reads it again).

Both are loose on purpose: a false alarm only costs a second pass, a miss would let a far cell reach
the reader (which allocates every cell from A1 to the furthest one) or hide a formula. A match may
straddle two inflated chunks; none holds a `>`, so each chunk is scanned whole and, joined to what
followed the previous chunk's last `>`, up to its own first `>`.

Speed (a 67 MB sheet, 50,000 rows): the far-cell search runs in RE2 (pyarrow's regex kernel, byte
semantics on a binary array), about twice as fast as Python's `re`; the marker search is vectorised
in numpy, four times faster than three `in` scans whose needles start with `<` or `"`, bytes that
fill an XML part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders.xlsx_parts import column_index

# The far-cell test, in RE2 syntax: a cell reference naming row 100,000 or beyond, or column BA or
# beyond, as the value of an attribute whose name ends in `r` (on any element, in any position, empty
# cells included; XML white space around `=`, either quote, letters in either case: see _CELL_REF).
# It starts with a literal byte, so RE2 skips ahead with memchr: a leading `\b` or character class
# makes it three times slower.
_FAR_REF = r'''r[ \t\r\n]*=[ \t\r\n]*["'](?i:[A-Z]{1,3}[0-9]{6,7}|(?:[A-Z]{3}|[B-Z][A-Z])[0-9]{1,7})["']'''
# Every cell reference the reader could place: an attribute named `r` (XML allows white space around
# `=`, single or double quotes, and calamine reads lower-case letters too) with letters then digits,
# wherever it stands, on any element and in any namespace, empty cells included. Matched without
# parsing tags: a `>` inside another attribute's value, a `/` in the tag or a prefix such as `<x:c`
# do not hide it. Each of those, and single quotes, spaces and lower case, once passed the narrower
# `<c ... r="...">` pattern and aborted the process in the cell reader (a 512 GiB allocation:
# tests/test_part_scan.py). `measure` leaves out the references of plainly empty cells (_EMPTY_CELL);
# anything else that looks like a reference counts: a false alarm at worst, never a crash.
_CELL_REF = re.compile(rb'''\br[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z]{1,3})([0-9]{1,7})["']''')
# An empty cell, `<c .../>` (any prefix), written exactly as XML's grammar allows: attribute values
# in quotes that hold no `<` and no quote of their own kind. The reader places no value for it, so its
# reference is left out of `measure` (a workbook with a styled empty cell at XFD1048576 is accepted).
# A tag this does not match whole is read as a cell with a value.
_EMPTY_CELL = re.compile(
    rb'''<(?:[A-Za-z_][\w.-]*:)?c(?:[ \t\r\n]+[^ \t\r\n=<>/"']+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*'''
    rb'''[ \t\r\n]*/>''')
_MAX_CARRY = 1 << 20  # bytes without a `>`: longer than any tag or cell, so both flags are set


class PartScan:
    """Fed the inflated bytes of one XML part in order (`feed`); `far` and `markers` as above."""

    def __init__(self) -> None:
        self.far = False
        self.markers = False
        self._carry = b""  # what followed the last `>` fed
        self._scratch = np.empty((3, 0), bool)  # reused masks: fresh ones fault in pages per chunk

    def feed(self, out: bytes) -> None:
        if self.far and self.markers:
            return
        first = out.find(b">")
        if first < 0:
            self._carry += out
            if len(self._carry) > _MAX_CARRY:
                self.far = self.markers = True
                self._carry = b""
            return
        self._look(self._carry + out[: first + 1])
        self._look(out)
        self._carry = out[out.rfind(b">") + 1 :]

    def close(self) -> None:
        """The part has ended: scan what followed its last `>` (a tag left open at its end)."""
        if self._carry and not (self.far and self.markers):
            self._look(self._carry)
        self._carry = b""

    def _look(self, data: bytes) -> None:
        if not self.far:
            self.far = _re2_search(_FAR_REF, data)
        if not self.markers:
            if self._scratch.shape[1] < len(data):
                self._scratch = np.empty((3, len(data)), bool)
            self.markers = _has_marker(data, self._scratch)


def _re2_search(pattern: str, data: bytes) -> bool:
    """Whether `pattern` matches anywhere in `data`, with RE2 over a one-value binary array
    (no copy of `data`)."""
    offsets = pa.py_buffer(np.array([0, len(data)], np.int32))
    array = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(data)])
    return bool(pc.match_substring_regex(array, pattern=pattern)[0].as_py())


def _has_marker(data: bytes, scratch: np.ndarray) -> bool:
    """`<f` (a formula), `"e"` (an error cell's type) or `<mergeCell` anywhere in `data`, with
    elementwise masks written into `scratch` (3 rows of at least len(data) booleans)."""
    a = np.frombuffer(data, np.uint8)
    n = len(a)
    if n < 3:
        return False
    lt, f, m = scratch[0, : n - 1], scratch[1, : n - 1], scratch[2, : n - 1]
    np.equal(a[:-1], 60, out=lt)  # <
    np.equal(a[1:], 102, out=f)  # f
    np.equal(a[1:], 109, out=m)  # m
    np.logical_and(lt, np.logical_or(f, m, out=m), out=m)
    if m.any() and (np.logical_and(lt, f, out=f).any() or b"<mergeCell" in data):
        return True
    q, e, q2 = scratch[0, : n - 2], scratch[1, : n - 2], scratch[2, : n - 2]
    np.equal(a[:-2], 34, out=q)  # "
    np.logical_and(q, np.equal(a[1:-1], 101, out=e), out=q)  # "e
    return bool(np.logical_and(q, np.equal(a[2:], 34, out=q2), out=q).any())  # "e"


def measure(chunks: Iterable[bytes]) -> tuple[int, int]:
    """The furthest cell (row, 0-based column) a part names, empty cells left out; (0, -1) if none.
    Read in windows that end just before a `<` (which XML allows only where a tag, comment or CDATA
    section starts), so no tag is cut between two windows; a window without one grows up to
    _MAX_CARRY and is then read as it is (a false alarm at worst, never a miss)."""
    last_row, last_column = 0, -1

    def read(window: bytes) -> None:
        nonlocal last_row, last_column
        found = _CELL_REF.findall(_EMPTY_CELL.sub(b" ", window))
        if found:
            last_column = max(last_column, max(column_index(c.upper()) for c in {c for c, _r in found}))
            last_row = max(last_row, max(int(r) for r in {r for _c, r in found}))

    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0 and len(data) <= _MAX_CARRY:
            carry = data
            continue
        if cut <= 0:
            cut = len(data)
        read(data[:cut])
        carry = data[cut:]
    read(carry)
    return last_row, last_column
