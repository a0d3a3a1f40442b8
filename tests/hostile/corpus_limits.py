"""Size, character and CSV cases of the hostile corpus: huge cells and rows (Excel's last row and
column, lying dimensions, the row cap), control characters, and CSV variants (byte-order marks,
UTF-16, formula-looking text, error literals, binary garbage)."""

from __future__ import annotations

import re
from collections.abc import Callable

from corpus_builders import (
    HEADER,
    SHEET,
    SHEET1,
    book,
    csv_bytes,
    edit,
    far_cell,
    far_row,
    good_book,
    row,
    set_cell,
    with_cell,
)
from corpus_model import Case, accepted, registrars, rejected

C: list[Case] = []
case, file_level = registrars(C)


LONG_OK = "Strong direct work. " * 1600  # 32,000 characters
LONG_BAD = "x" * 40_000


HUGE = "huge cells and rows"
case("huge_cell_within_cap", HUGE, "32,000 characters of strengths (the cap is 32,767)",
     lambda: book([row("HC-1") + [LONG_OK]], header=[*HEADER, "Strengths"]),
     accepted(1, stored=(("HC-1", "strengths", LONG_OK.strip()),)))
case("huge_cell_over_cap", HUGE, "40,000 characters in Strengths N2",
     lambda: edit(book([row("HX-1") + ["long"]], header=[*HEADER, "Strengths"]), SHEET1,
                  set_cell("N2", f'<c r="N2" t="inlineStr"><is><t>{LONG_BAD}</t></is></c>')),
     rejected(("cell-too-long", SHEET, 2, "N")))
case("huge_cell_over_cap_csv", HUGE, "40,000 characters in a CSV cell",
     lambda: csv_bytes([row("HXC-1") + [LONG_BAD]], header=[*HEADER, "Strengths"]).encode(),
     rejected(("cell-too-long", None, 2, "N")), file_name="return.csv")
case("huge_cell_past_csv_field_limit", HUGE, "200,000 characters in a CSV cell (past the CSV reader's own limit)",
     lambda: csv_bytes([row("HXF-1") + ["y" * 200_000]], header=[*HEADER, "Strengths"]).encode(),
     rejected(("cell-too-long", None, 2, None)), file_name="return.csv")
case("more_rows_than_allowed", HUGE, "8 rows with QA_INSIGHT_MAX_ROWS=5",
     lambda: good_book("MR", 8), rejected(("too-many-rows", SHEET, None, None)), env={"QA_INSIGHT_MAX_ROWS": "5"})
case("more_rows_than_allowed_csv", HUGE, "8 CSV rows with QA_INSIGHT_MAX_ROWS=5",
     lambda: csv_bytes([row(f"MRC-{i}") for i in range(8)]).encode(),
     rejected(("too-many-rows", None, None, None)), file_name="return.csv", env={"QA_INSIGHT_MAX_ROWS": "5"})
case("cell_at_row_1048576", HUGE, "one cell on Excel's last row: refused before the reader allocates the grid",
     far_row, rejected(("too-many-rows", SHEET, None, None)), file_level=True)
case("cell_at_XFD1048576", HUGE, "one cell in Excel's last cell (a 17-billion-cell grid for the reader)",
     far_cell("XFD1048576"), rejected(("too-many-rows", SHEET, None, None)), file_level=True)
case("wide_sheet_grid", HUGE, "a cell at XFD1000: 16 million cells from A1",
     far_cell("XFD1000"), rejected(("sheet-too-large", SHEET, None, None)), file_level=True)
case("lying_dimension", HUGE, "the sheet's <dimension> claims A1:XFD1048576 (the reader ignores it)",
     lambda: edit(good_book("LD"), SHEET1, lambda x: re.sub(rb'<dimension ref="[^"]*"/>',
                                                            b'<dimension ref="A1:XFD1048576"/>', x)),
     accepted(2))
case("empty_styled_cell_far_away", HUGE, "an empty formatted cell at XFD1048576 (no value): not counted",
     lambda: edit(good_book("ES"), SHEET1, lambda x: x.replace(
         b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')),
     accepted(2))

# A filled cell at XFD1048576 written as XML allows but the narrower checks did not read: each aborted
# the process in the cell reader (a 512 GiB allocation) before loaders/part_scan.py read any `r` attribute.
FAR_SPELLINGS = {
    "after_another_attribute": b'<c t="inlineStr" r="XFD1048576">',
    "greater_than_in_an_attribute": b'<c x="a>b" r="XFD1048576" t="inlineStr">',
    "single_quotes": b"<c r='XFD1048576' t=\"inlineStr\">",
    "spaces_around_equals": b'<c r = "XFD1048576" t="inlineStr">',
    "lower_case": b'<c r="xfd1048576" t="inlineStr">',
}


def _far_book(tag: bytes, prefix: str) -> Callable[[], bytes]:
    return lambda: edit(good_book(prefix), SHEET1, lambda x: x.replace(
        b"</sheetData>", b'<row r="1048576">' + tag + b"<is><t>x</t></is></c></row></sheetData>"))


for _name, _tag in FAR_SPELLINGS.items():
    case(f"far_cell_{_name}", HUGE, f"a filled cell at XFD1048576 written {_name.replace('_', ' ')}",
         _far_book(_tag, _name[:2].upper()), rejected(("too-many-rows", SHEET, None, None)), file_level=True)
case("empty_far_cell_with_a_tricky_attribute", HUGE,
     "an empty cell at XFD1048576 whose other attribute holds '>' (XML allows it): still empty, not counted",
     lambda: edit(good_book("ET"), SHEET1, lambda x: x.replace(
         b"</sheetData>", b"<row r='1048576'><c s='0' x='a>b' r='XFD1048576'/></row></sheetData>")),
     accepted(2))

case("cells_without_references_in_the_last_row", HUGE,
     "16,384 cells without an `r` in row 1,048,576: placed by position, so no pattern check sees a far cell; "
     "the reader's process dies at its memory cap, the app's does not",
     lambda: edit(good_book("NR"), SHEET1, lambda x: x.replace(
         b"</sheetData>", b'<row r="1048576">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 16_384
         + b"</row></sheetData>")),
     rejected(("workbook-too-large-to-read", None, None, None)), file_level=True)

CTRL = "control characters"
case("control_chars_xlsx", CTRL, "Team E2 holds _x0007_ (bell) and _x001B_ (escape) escapes",
     with_cell("CC", "E2", '<c r="E2" t="inlineStr"><is><t>MASH_x0007_ Te_x001B_am</t></is></c>'),
     accepted(2, ("control-characters-removed", SHEET, 2, "E"), stored=(("CC-1", "team", "MASH Team"),)))
case("control_chars_csv_nul", CTRL, "NUL bytes inside CSV cells",
     lambda: csv_bytes([row("CN-1", Team="MASH\x00 Team"), row("CN-2", Worker="Sam\x00 Patel")]).encode(),
     accepted(2, ("control-characters-removed", None, 2, "E"), stored=(("CN-1", "team", "MASH Team"),
                                                                         ("CN-2", "worker", "Sam Patel"))),
     file_name="return.csv")

CSV = "CSV"
case("csv_utf8_bom", CSV, "UTF-8 with a byte-order mark (Excel's 'CSV UTF-8')",
     lambda: ("\ufeff" + csv_bytes([row("BOM-1", Worker="Siân Ó Briain")])).encode(),
     accepted(1, stored=(("BOM-1", "worker", "Siân Ó Briain"),)), file_name="return.csv")
case("csv_utf16", CSV, "UTF-16 with a byte-order mark (Excel's 'Unicode text')",
     lambda: csv_bytes([row("U16-1", Worker="Siân Ó Briain")]).encode("utf-16"),
     accepted(1, stored=(("U16-1", "worker", "Siân Ó Briain"),)), file_name="return.csv")
case("csv_formula_injection", CSV, "Team '=cmd|' /C calc'!A0': stored as inert text",
     lambda: csv_bytes([row("FI-1", Team="=cmd|' /C calc'!A0")]).encode(),
     accepted(1, stored=(("FI-1", "team", "=cmd|' /C calc'!A0"),)), file_name="return.csv")
case("csv_error_literal", CSV, "#REF! written into a CSV by Excel",
     lambda: csv_bytes([row("CE-1", **{"Overall grade": "#REF!"})]).encode(),
     rejected(("error-value", None, 2, "M")), file_name="return.csv")
case("csv_binary_garbage", CSV, "random bytes named .csv",
     lambda: bytes(range(256)) * 40, rejected(("no-header-row", None, None, None)), file_name="return.csv")
