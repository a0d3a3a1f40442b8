"""Sheet-content cases of the hostile corpus: hidden and very hidden data sheets, merged, duplicate,
blank or missing headings, formulas with and without saved values, Excel error values, and the 1904
date system. Run through the audit loader, with the exact sheet, row and column of every issue."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from corpus_builders import (
    CALENDAR_MAC_1904,
    HEADER,
    SHEET,
    SHEET1,
    book,
    edit,
    far_cell,
    good_book,
    last_column,
    row,
    set_cell,
    with_cell,
)
from corpus_model import Case, accepted, registrars, rejected

C: list[Case] = []
case, file_level = registrars(C)


def hidden(state: str, *, visible_rows: int) -> Callable[[], bytes]:
    def build() -> bytes:
        def setup(wb: Any) -> None:
            ws = wb.active
            ws.title = "Data"
            ws.sheet_state = state
            front = wb.create_sheet("Front sheet", 0)
            wb.active = 0
            if visible_rows:
                front.append(HEADER)
                for i in range(1, visible_rows + 1):
                    front.append(row(f"HV-{state}-{i}"))
            else:
                front.append(["Instructions"])
                front.append(["Fill in the return on the Data sheet."])
        return book([row(f"HD-{state}-{i}") for i in range(1, 4)], setup=setup)
    return build


def merged(rng: str, rows_: list[list[Any]] | None = None, above: list[list[Any]] | None = None) -> Callable[[], bytes]:
    def build() -> bytes:
        return book(rows_ or [row("MG-1"), row("MG-2"), row("MG-3")], above=above,
                    setup=lambda wb: wb.active.merge_cells(rng))
    return build


def date1904_book() -> bytes:
    def setup(wb: Any) -> None:
        wb.epoch = CALENDAR_MAC_1904
    return book([row("D4-1", **{"Audit date": date(2025, 3, 14)}),
                 row("D4-2", **{"Audit date": date(2024, 2, 29)})], setup=setup)


def date1904_serial_text() -> bytes:
    serial = (date(2025, 3, 14) - date(1904, 1, 1)).days  # what 14/03/2025 is in the 1904 system
    def setup(wb: Any) -> None:
        wb.epoch = CALENDAR_MAC_1904
    return book([row("D4S-1", **{"Audit date": str(serial)})], setup=setup)


SHEETS = "hidden sheets"
case("hidden_data_sheet_only", SHEETS, "the data on a hidden sheet, instructions on the visible one",
     hidden("hidden", visible_rows=0),
     rejected(("hidden-sheet-ignored", "Data", None, None), ("no-header-row", None, None, None)))
case("very_hidden_data_sheet", SHEETS, "the data on a 'very hidden' sheet (only VBA can unhide it)",
     hidden("veryHidden", visible_rows=0),
     rejected(("hidden-sheet-ignored", "Data", None, None), ("no-header-row", None, None, None)))
case("hidden_and_visible_data", SHEETS, "data on a visible and on a hidden sheet: the visible one is read",
     hidden("hidden", visible_rows=2), accepted(2, ("hidden-sheet-ignored", "Data", None, None),
                                                stored=(("HV-hidden-1", "source_sheet", "Front sheet"),)))

HEAD = "headers"
case("merged_header_cells", HEAD, "'Audit date' merged across C1:D1",
     merged("C1:D1"), rejected(("merged-header", SHEET, 1, "C")))
case("merged_header_vertical", HEAD, "heading A1 merged down into the first data row (A1:A2)",
     merged("A1:A2"), rejected(("merged-header", SHEET, 1, "A")))
case("merged_data_cells", HEAD, "service area merged down D2:D4: only D2 has a value",
     merged("D2:D4"), rejected(("merged-cells", SHEET, 2, "D")))
case("merged_title_above_header", HEAD, "a title merged across A1:M1 above the heading row",
     merged("A1:M1", above=[["Quarterly audit return"]]), accepted(3))
case("duplicate_header", HEAD, "two 'Overall grade' columns",
     lambda: book([row("DH-1") + ["Good"]], header=[*HEADER, "Overall grade"]),
     rejected(("duplicate-column", SHEET, 1, "N")))
case("duplicate_header_synonym", HEAD, "'Audit date' and 'Date of audit'",
     lambda: book([row("DS-1") + [date(2025, 3, 1)]], header=[*HEADER, "Date of audit"]),
     rejected(("duplicate-column", SHEET, 1, "N")))
case("blank_header_with_values", HEAD, "values in column N under a blank heading",
     lambda: book([row("BH-1") + ["note"], row("BH-2")]),
     accepted(2, ("column-without-heading", SHEET, 1, "N")))
case("no_header_row", HEAD, "data rows only, no heading row",
     lambda: book([row("NH-1")], header=row("NH-0")), rejected(("no-header-row", None, None, None)))
case("cell_in_last_column", HEAD, "a stray note in XFD2, the last column Excel has (over 1,000 columns)",
     last_column, rejected(("sheet-too-large", SHEET, None, None)), file_level=True)
case("stray_cell_in_column_AX", HEAD, "a stray note in AX2, far right but within the caps",
     far_cell("AX2"), accepted(1, ("column-without-heading", SHEET, 1, "AX")))

FORM = "formulas and errors"
case("formula_without_cached_value", FORM, "Overall grade M2 is a formula saved without its result",
     with_cell("FV", "M2", '<c r="M2" t="str"><f>IF(1,"Good","Good")</f></c>'),
     rejected(("formula-without-value", SHEET, 2, "M")))
case("formula_empty_value_numeric", FORM, "E3 = a formula with an empty numeric <v/> (openpyxl writes these)",
     with_cell("FE", "E3", '<c r="E3"><f>1+1</f><v></v></c>'),
     rejected(("formula-without-value", SHEET, 3, "E")))
case("formula_with_cached_value", FORM, "Team E2 a formula with its saved result: the result is read",
     with_cell("FC", "E2", '<c r="E2" t="str"><f>"Duty "&amp;"Team"</f><v>Duty Team</v></c>'),
     accepted(2, stored=(("FC-1", "team", "Duty Team"),)))
case("formula_empty_string_result", FORM, 'Team E2 =IF(..,"","") saved with its empty result: blank',
     with_cell("FS", "E2", '<c r="E2" t="str"><f>IF(1,"","")</f><v></v></c>'),
     accepted(2, stored=(("FS-1", "team", None),)))
for err, ref in (("#REF!", "M2"), ("#VALUE!", "C3"), ("#DIV/0!", "I2"), ("#NAME?", "D3"), ("#NUM!", "F2")):
    slug = re.sub(r"[^A-Za-z0-9]", "", err).lower()
    case(f"error_{slug}", FORM, f"{err} in {ref}",
         with_cell(f"E{slug}", ref, f'<c r="{ref}" t="e"><f>A1/0</f><v>{err}</v></c>'),
         rejected(("error-value", SHEET, int(ref[1:]), ref[0])))
case("error_na_is_blank", FORM, "#N/A in Team E2: 'nothing here', as exports write it",
     with_cell("NA", "E2", '<c r="E2" t="e"><f>NA()</f><v>#N/A</v></c>'),
     accepted(2, stored=(("NA-1", "team", None),)))
case("error_outside_the_table", FORM, "#REF! in a title row above the headings",
     lambda: edit(book([row("EO-1")], above=[["Return", "x"]]), SHEET1,
                  set_cell("B1", '<c r="B1" t="e"><v>#REF!</v></c>')), accepted(1))
case("many_error_values", FORM, "#REF! in 60 rows: 50 listed, then one summary line",
     lambda: edit(good_book("ME", 60), SHEET1, lambda xml: re.sub(
         rb'<c r="E([0-9]+)"[^>]*?(?:/>|>.*?</c>)',
         lambda m: b'<c r="E' + m.group(1) + b'" t="e"><v>#REF!</v></c>' if m.group(1) != b"1" else m.group(0),
         xml, flags=re.DOTALL)),
     rejected(*[("error-value", SHEET, r, "E") for r in range(2, 52)], ("error-value", SHEET, None, None)))

DATES = "1904 dates"
case("date1904_system", DATES, "a workbook on the 1904 date system (old Mac Excel)", date1904_book,
     accepted(2, stored=(("D4-1", "audit_date", date(2025, 3, 14)), ("D4-2", "audit_date", date(2024, 2, 29)))))
case("date1904_serial_as_text", DATES, "a 1904 serial typed as text", date1904_serial_text,
     accepted(1, stored=(("D4S-1", "audit_date", date(2025, 3, 14)),)))
