"""The spreadsheet-safety checks (`safe`) on our own workbooks, the upload template and hostile ones:
formula characters neutralised, and formulas, hyperlinks, external links and odd defined names found."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from export_helpers import HOSTILE

from loaders.templates import audit_template_bytes
from qa_data.exports.safe import UnsafeWorkbook, assert_workbook_inert, neutralise, workbook_problems


def test_neutralise() -> None:
    assert [neutralise(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    assert neutralise("Front Door") == "Front Door"
    assert neutralise(" =1") == " =1"  # a leading space is not a formula
    assert neutralise(-2) == -2 and neutralise(3.5) == 3.5 and neutralise(None) is None
    assert neutralise(date(2026, 1, 1)) == date(2026, 1, 1)


def _openpyxl_bytes(fill: Any) -> bytes:
    wb = openpyxl.Workbook()
    fill(wb, wb.active)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_workbook_problems_finds_formulas_links_and_live_text() -> None:
    def hostile(wb: Any, ws: Any) -> None:
        ws["A1"] = '=HYPERLINK("http://x","y")'  # openpyxl writes this as a live formula
        ws["A2"] = "plain"
        ws["A2"].hyperlink = "http://example.invalid/"
        ws["A3"].value = "@SUM(A1)"
        ws["A3"].data_type = "s"

    problems = workbook_problems(_openpyxl_bytes(hostile))
    assert any("cell A1 holds a formula" in p for p in problems)
    assert any("hyperlink at A2" in p for p in problems)
    assert any("hyperlink relationship to 'http://example.invalid/'" in p for p in problems)
    assert any("starts with a formula character: '@SUM(A1)'" in p for p in problems)
    with pytest.raises(UnsafeWorkbook, match="holds a formula"):
        assert_workbook_inert(_openpyxl_bytes(hostile))


def test_xlsxwriter_defaults_would_write_live_formulas() -> None:
    # Why the renderer turns XlsxWriter's conversions off: by default "=..." becomes a formula and
    # "http://..." a hyperlink.
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write(0, 0, '=HYPERLINK("http://x","y")')
    ws.write(1, 0, "http://example.invalid/")
    wb.close()
    problems = workbook_problems(buffer.getvalue())
    assert any("cell A1 holds a formula" in p for p in problems)
    assert any("hyperlink at A2" in p for p in problems)


def test_external_link_parts_are_reported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_openpyxl_bytes(lambda wb, ws: None))) as src, zipfile.ZipFile(buffer, "w") as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    assert workbook_problems(buffer.getvalue()) == [
        "xl/externalLinks/externalLink1.xml: external link, connection, macro or embedded object part"
    ]


def test_defined_names_must_be_plain_ranges() -> None:
    def names(wb: Any, ws: Any) -> None:
        ws.title = "Équipe 1"
        for name, text in (("plain", "'Équipe 1'!$A$1:$B$4"), ("elsewhere", "[1]Sheet1!$A$1"), ("call", "NOW()")):
            wb.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(name, attr_text=text)

    assert workbook_problems(_openpyxl_bytes(names)) == [
        "xl/workbook.xml: defined name 'elsewhere' is '[1]Sheet1!$A$1'",
        "xl/workbook.xml: defined name 'call' is 'NOW()'",
    ]


def test_audit_return_template_is_inert() -> None:
    assert workbook_problems(audit_template_bytes()) == []
