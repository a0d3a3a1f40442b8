"""Reading a workbook's own parts (workbook.xml and its relationships) with defusedxml: which zip
part holds a sheet, the sheet names for messages, the 1904 date system; and cell references."""

from __future__ import annotations

import io
import os
import zipfile

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEETS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part holding the named sheet, from workbook.xml and its relationships."""
    try:
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SafeET.ParseError, DefusedXmlException):
        return None
    rid = next((s.get(_SHEETS_NS) for s in book.iter(f"{_MAIN_NS}sheet") if s.get("name") == sheet), None)
    target = next((r.get("Target") for r in rels.iter(f"{_RELS_NS}Relationship") if r.get("Id") == rid), None)
    if not rid or not target:
        return None
    return target.lstrip("/") if target.startswith("/") else os.path.normpath(f"xl/{target}").replace("\\", "/")


def sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet name, for messages; empty if the workbook's own parts are unreadable."""
    try:
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, SafeET.ParseError, DefusedXmlException):
        return {}
    names = [s.get("name") or "" for s in book.iter(f"{_MAIN_NS}sheet")]
    return {part: sheet for sheet in names if (part := sheet_part(zf, sheet)) is not None}


def workbook_date1904(data: bytes) -> bool:
    """True when the workbook counts dates from 1904 (old Mac Excel). Parsed with defusedxml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            root = SafeET.fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, zipfile.BadZipFile, SafeET.ParseError, DefusedXmlException):
        return False
    pr = root.find(f"{_MAIN_NS}workbookPr")
    return pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
