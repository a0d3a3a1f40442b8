"""The one-pass scan of inflated XML parts (loaders.part_scan): what it flags must not depend on
where the inflater cuts the part into chunks, and its RE2 search must agree with Python's `re`."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from loaders.part_scan import _FAR_REF, PartScan, _re2_search, measure
from loaders.report import LoadReport
from loaders.workbook import Source, inspect_file

ROW = b'<row r="7"><c r="A7" t="inlineStr"><is><t>Good</t></is></c><c r="B7"><v>45000</v></c></row>'


def sheet(*rows: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>' + ROW * 3
            + b"".join(rows) + ROW * 3 + b"</sheetData></worksheet>")


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def cuts(data: bytes, piece: bytes, size: int) -> list[int]:
    """Paddings of `data` that put a chunk boundary at every offset of `piece` (where it is in `data`)."""
    start = data.index(piece)
    return sorted({(-(start + k)) % size for k in range(len(piece) + 1)})


def scan(data: bytes, size: int) -> PartScan:
    result = PartScan()
    for chunk in chunked(data, size):
        result.feed(chunk)
    return result


# A far cell whose tag is longer than 40 bytes: the old scan (40 bytes kept between chunks) missed
# it when a chunk boundary fell inside the tag.
FAR_LONG_TAG = b'<row r="9"><c r="XFD9" s="12" t="inlineStr" cm="1" vm="1"><is><t>x</t></is></c></row>'
FAR_ROW = b'<row r="150000"><c r="A150000"><v>1</v></c></row>'


@pytest.mark.parametrize("size", [5, 17, 64, 4096])
def test_a_far_cell_is_found_wherever_the_chunks_are_cut(size: int) -> None:
    for far, where in ((FAR_LONG_TAG, (9, 16383)), (FAR_ROW, (150000, 1))):
        data = sheet(far)
        for shift in cuts(data, far, size):
            padded = b" " * shift + data
            assert scan(padded, size).far, (far, size, shift)
            assert measure(chunked(padded, size)) == where


@pytest.mark.parametrize("size", [3, 11, 4096])
def test_the_markers_are_found_wherever_the_chunks_are_cut(size: int) -> None:
    markers = [
        b'<row r="8"><c r="C8"><f>SUM(A1:A2)</f></c></row>',
        b'<row r="8"><c r="C8" t="e"><v>#REF!</v></c></row>',
    ]
    for marker in markers:
        for shift in cuts(sheet(marker), marker, size):
            assert scan(b" " * shift + sheet(marker), size).markers, (marker, size, shift)
    merged = sheet().replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>')
    for shift in cuts(merged, b"<mergeCell ", size):
        assert scan(b" " * shift + merged, size).markers


def test_a_plain_sheet_is_neither_far_nor_marked() -> None:
    data = sheet(b'<row r="99999"><c r="AZ99999" t="inlineStr"><is><t>Mergers "e.g." &lt;fine&gt;</t></is>'
                 b"</c></row>")
    for size in (1, 7, 1 << 20):
        result = scan(data, size)
        assert (result.far, result.markers) == (False, False)
    assert measure(chunked(data, 64)) == (99999, 51)


def test_empty_far_cells_are_flagged_but_not_measured() -> None:
    data = sheet(b'<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    assert scan(data, 100).far
    assert measure(chunked(data, 100)) == (7, 1)  # only the filled cells: A7 and B7


def test_a_far_cell_in_any_attribute_position_is_flagged() -> None:
    # `measure` reads `<c r=` only; the flag itself does not depend on the attribute order.
    assert scan(sheet(b'<row r="9"><c t="inlineStr" r="XFD9"><is><t>x</t></is></c></row>'), 50).far


def test_a_tag_without_an_end_is_flagged_as_both() -> None:
    result = scan(b"<worksheet><sheetData><c " + b"a" * (3 << 20), 1 << 20)
    assert (result.far, result.markers) == (True, True)


def test_re2_agrees_with_python_re_on_random_bytes() -> None:
    rng = random.Random(6)
    python = re.compile(_FAR_REF.encode())
    pieces = [b'r="', b"XFD", b"BA", b"A", b"AZ", b"100000", b"1048576", b"99999", b'"', b"<c ",
              b"\xff", b"\x00", b"\xc3\xa9", b">", b"/", b"r='", b"1", b"xfd", b"ba", b" ", b"\t", b"=", b"'"]
    for _ in range(3000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _re2_search(_FAR_REF, data) == (python.search(data) is not None), data


# Far cells the exact measure missed before 26/11/2026 (it read only `<c r="...">` with `r` first and no
# `/` before the tag's end): each file passed `inspect_file` and then aborted the process (a 512 GiB
# allocation) in the cell reader. Only `inspect_file` runs here, never the reader.
GAPS = {
    "reference_after_another_attribute": b'<c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c>',
    "slash_in_another_attribute": b'<c r="XFD1048576" x="a/b" t="inlineStr"><is><t>x</t></is></c>',
    "reference_after_a_line_break": b'<c t="inlineStr"\n r="XFD1048576"><is><t>x</t></is></c>',
    # Found by probing the reader after that fix: each of these also aborted it.
    "greater_than_inside_another_attribute": b'<c x="a>b" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
    "single_quotes": b"<c r='XFD1048576' t=\"inlineStr\"><is><t>x</t></is></c>",
    "spaces_around_equals": b'<c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
    "lower_case_reference": b'<c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c>',
    "namespace_prefix": b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="XFD1048576" '
                        b't="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>',
    "all_at_once": b"<c x='1>2'\tr\n=\t'xfd1048576'><is><t>x</t></is></c>",
}


@pytest.mark.parametrize("cell", GAPS.values(), ids=GAPS.keys())
def test_a_far_cell_written_otherwise_is_refused(cell: bytes, make_xlsx: Callable[..., Path]) -> None:
    book = make_xlsx([["A-1"]])
    out = io.BytesIO()
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"</sheetData>", b'<row r="1048576">' + cell + b"</row></sheetData>")
            zout.writestr(info, part)
    data = out.getvalue()
    report = LoadReport(file="far.xlsx", kind="audits")
    assert not inspect_file(Source("far.xlsx", data), report)
    assert [i.code for i in report.issues] == ["too-many-rows"]


def test_the_measure_reads_the_reference_wherever_it_stands() -> None:
    cells = (b'<row r="4"><c t="s" r="C4"><v>1</v></c><c r="BB4" x="a/b"><v>2</v></c>'
             b"<c s='1' r = 'zz5'/><c r='CA3' x=\"/>\"><v>3</v></c></row>")  # ZZ5 is empty: not counted
    assert measure(chunked(sheet(cells), 10)) == (7, 78)  # CA3 has a value, '/>' inside an attribute


def test_a_part_ending_inside_a_tag_is_scanned_to_its_end() -> None:
    # No `>` after the far reference: it is found when the part is closed, not lost with the carry.
    result = scan(b'<worksheet><sheetData><row r="9">', 1 << 20)
    result.feed(b'<c r="XFD9" t="e"')
    assert (result.far, result.markers) == (False, False)
    result.close()
    assert (result.far, result.markers) == (True, True)
