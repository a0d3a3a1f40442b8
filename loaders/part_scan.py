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
# cells included: `measure` decides which cells count). It starts with a literal byte, so RE2 skips
# ahead with memchr: a leading `\b` or character class makes it three times slower.
_FAR_REF = r'r="(?:[A-Z]{1,3}[0-9]{6,7}|(?:[A-Z]{3}|[B-Z][A-Z])[0-9]{1,7})"'
# A cell with content: `<c ...>` whose `r` attribute stands first or after others, with anything but a
# `/` just before the `>` (`<c .../>` is an empty cell, which the reader does not place). Calamine
# reads `r` wherever it stands, so a check that read only `<c r="..."` first (as this one did until
# 26/11/2026) let `<c t="s" r="XFD1048576">` through to a 512 GiB allocation. Twice the cost of
# that narrower pattern (0.65 against 0.33 s for a 67 MB sheet), paid only by parts `PartScan`
# flags as far.
_FILLED_CELL = re.compile(rb'<c\s(?:[^>]*?\s)?r="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
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
    """The furthest filled cell (row, 0-based column) of a part, from its inflated bytes in order;
    (0, -1) if none. Windows as in `PartScan`, so a cell split between chunks is seen whole."""
    last_row, last_column = 0, -1
    pending: list[bytes] = []
    for chunk in chunks:
        first = chunk.find(b">")
        if first < 0:
            pending.append(chunk)
            continue
        for window in (b"".join([*pending, chunk[: first + 1]]), chunk):
            found = _FILLED_CELL.findall(window)
            if found:
                last_column = max(last_column, max(column_index(c) for c in {c for c, _r in found}))
                last_row = max(last_row, max(int(r) for r in {r for _c, r in found}))
        pending = [chunk[chunk.rfind(b">") + 1 :]]
    found = _FILLED_CELL.findall(b"".join(pending))  # what followed the last `>`
    if found:
        last_column = max(last_column, max(column_index(c) for c, _r in found))
        last_row = max(last_row, max(int(r) for _c, r in found))
    return last_row, last_column
