"""The memory-capped parsing process (loaders.parse_worker): it returns exactly what the reader reads
in this process, reports a workbook the reader refuses, and when the parse needs more memory than
the cap the child dies and this process carries on with a clear error."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import fastexcel
import openpyxl
import pytest
from conftest import good_row

from loaders import parse_worker
from loaders.audit_columns import header_score
from loaders.report import LoadReport
from loaders.workbook import Source, find_table


def test_the_child_reads_what_the_reader_reads_here(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx([good_row("PW-1"), good_row("PW-2", **{"Team": None})], above=[["Title row"]])
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Notes")["B3"] = "a note"
    hidden = wb.create_sheet("Old")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    sheets = parse_worker.read_sheets(data, 1_000)
    here = fastexcel.read_excel(data)
    assert [s.name for s in sheets] == here.sheet_names == ["Audits", "Notes", "Old"]
    for sheet in sheets:
        expected = here.load_sheet(sheet.name, header_row=None, skip_rows=0, dtypes="string")
        assert (sheet.readable, sheet.visible, sheet.total_height) == (
            True, expected.visible == "visible", expected.total_height)
        assert sheet.indexes == tuple(c.absolute_index for c in expected.available_columns())
        assert sheet.batch is not None and sheet.batch.equals(expected.to_arrow())
    # Taller than the caller's limit: the height, not the cells.
    tall = parse_worker.read_sheets(data, 2)[0]
    assert (tall.total_height, tall.batch) == (4, None)


def test_a_workbook_the_reader_refuses_is_read_failed() -> None:
    with pytest.raises(parse_worker.ReadFailed) as refused:
        parse_worker.read_sheets(b"PK\x03\x04 not really a zip", 1_000)
    assert str(refused.value)


def test_a_parse_over_the_memory_cap_kills_the_child_not_this_process(
    make_xlsx: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [good_row(f"BIG-{i}", **{"Team": "x" * 2_000}) for i in range(3_000)]  # ~6 MB of text
    data = make_xlsx(rows).read_bytes()
    monkeypatch.setenv(parse_worker.MEMORY_ENV, "64")
    with pytest.raises(parse_worker.ReaderDied):
        parse_worker.read_sheets(data, 10_000)
    report = LoadReport(file="big.xlsx", kind="audits")
    assert find_table(Source("big.xlsx", data), header_score, report) is None
    assert [(i.code, i.value) for i in report.issues] == [("workbook-too-large-to-read", "big.xlsx")]
    assert "(64 MiB)" in report.issues[0].message
    monkeypatch.delenv(parse_worker.MEMORY_ENV)
    # With the default cap the same file reads: the cap, not the file, stopped it.
    table = find_table(Source("big.xlsx", data), header_score, LoadReport(file="big.xlsx", kind="audits"))
    assert table is not None and table.table.num_rows == 3_000
