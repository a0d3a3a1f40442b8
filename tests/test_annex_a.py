"""The Annex A loader: Lists 1-11 found by their headers, cells normalised to one canonical code per
field, snapshots replaced by reference date, bad files rejected with nothing written. Real DuckDB,
real workbooks (the reference data in ../shared/reference_data and fixtures from
tests/data/annex_a_make_fixtures.py)."""

from __future__ import annotations

import csv
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import DATA
from hypothesis import given
from hypothesis import strategies as st

import loaders
from loaders.__main__ import main as cli
from loaders.annex_a import load_annex_a
from loaders.annex_a_lists import CODE_LISTS, LIST_BY_NUMBER, LISTS, header_key, normalise_code
from loaders.report import LoadReport
from loaders.workbook import Source
from qa_data import annex_a

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference_data"
LIIA = "annexa_synthetic_liia_2024_jan.xlsx"
TEMPLATE = "annexa_ofsted_template_2019_with_sample_rows.xlsx"
MINIMAL = "annexa_minimal_example_child_journeys.xlsx"
SHUFFLED = DATA / "annex_a_sheets_shuffled_renamed.xlsx"
DRIFT = DATA / "annex_a_value_drift.xlsx"
CSVS = sorted((DATA / "annex_a_csv").glob("*.csv"))
REF_DATE = date(2024, 3, 31)


def reference(name: str) -> Path:
    if not REFERENCE.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared reference data beside the repo clone: {REFERENCE}")
        pytest.skip(f"shared reference data not found beside the repo clone ({REFERENCE})")
    return REFERENCE / name


def load(con: duckdb.DuckDBPyConnection, *paths: Path, **options: Any) -> LoadReport:
    sources = [Source.from_path(p) for p in paths]
    return load_annex_a(con, sources[0] if len(sources) == 1 else sources, **options)


def located(report: LoadReport, severity: str = "error") -> list[tuple[Any, ...]]:
    return [(i.sheet, i.row, i.column_letter, i.column, i.code) for i in report.issues if i.severity == severity]


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ["annex_a_snapshots", "annex_a_unparsed_values", *(s.table for s in LISTS)]
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in tables}


def column(con: duckdb.DuckDBPyConnection, list_no: int, name: str, snapshot: str | None = None) -> list[Any]:
    frame = annex_a.list_frame(con, snapshot or annex_a.latest_snapshot_id(con) or "", list_no)
    return [None if pd.isna(v) else (v.date() if hasattr(v, "date") else v) for v in frame[name]]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


LIST_1 = [c.header for c in LIST_BY_NUMBER[1].columns]


# --- The specification against the template and the schema ---------------------------------------

def test_tables_match_the_specification(con: duckdb.DuckDBPyConnection) -> None:
    types = {"date": "DATE", "int": "INTEGER", "age": "INTEGER"}
    for spec in LISTS:
        found = con.execute(
            "select column_name, data_type from information_schema.columns where table_name = ? "
            "order by ordinal_position", [spec.table]).fetchall()
        expected = [("snapshot_id", "VARCHAR"), ("source_sheet", "VARCHAR"), ("source_row", "INTEGER")]
        expected += [(c.name, types.get(c.kind, "VARCHAR")) for c in spec.columns]
        assert found == expected, spec.table
    assert {s.number: s.title for s in LISTS} == annex_a.LIST_TITLES


def test_every_guidance_heading_names_a_column_of_its_list() -> None:
    """The template's Guidance sheet lists each list's field headings: each maps to that list, and
    every column the 2019 template has is among them."""
    ws = openpyxl.load_workbook(reference(TEMPLATE), read_only=True)["Guidance"]
    headings: dict[int, list[str]] = {}
    number = 0
    for first, heading, *_ in ws.iter_rows(min_row=3, values_only=True):
        if first and (m := re.match(r"List (\d+)", str(first))):
            number = int(m.group(1))
        if heading:
            headings.setdefault(number, []).append(str(heading))
    assert sorted(headings) == list(range(1, 12))
    for n, names in headings.items():
        spec = LIST_BY_NUMBER[n]
        assert all(header_key(h) in spec.lookup for h in names), (n, names)
        assert {spec.lookup[header_key(h)] for h in names} == {c.name for c in spec.columns if not c.optional}


CODES_USED = {  # Codes_used heading -> code list
    "Gender": "gender", "Ethnicity": "ethnicity", "Contact / Referral Source": "source", "Referral NFA?": "yes_no",
    "Does the Child have a Disability": "yes_no_unknown", "Primary Need Code": "primary_need",
    "Reason for Closure": "closure_reason", "Case status": "case_status",
    "Initial/Latest Category of Abuse": "abuse", "Child's Category of Need": "category_of_need",
    "Child's Legal Status": "legal_status", "What is the permanence plan for this child?": "permanence_plan",
    "Reason Ceased to be Looked After": "reason_ceased", "Placement Type": "placement_type",
    "Placement Provider": "placement_provider", "Placement Location": "in_out",
    "Eligibility Category": "eligibility", "LA In Touch ": "in_touch", "Type of Accommodation": "accommodation",
    "Suitability of Accommodation": "suitability", "Activity Status": "activity",
    "Reason Why Child No Longer Placed for Adoption": "no_longer_placed",
    "Reason for leaving adoption process": "left_process",
}


def test_code_lists_are_the_templates() -> None:
    """Every preferred code on the template's Codes_used sheet normalises to a distinct code of our
    list for that field, and our lists have no code the template lacks."""
    rows = list(openpyxl.load_workbook(reference(TEMPLATE), read_only=True)["Codes_used"].iter_rows(values_only=True))
    checked = set()
    for j, heading in enumerate(rows[0]):
        if heading not in CODES_USED:
            continue
        codes = CODES_USED[heading]
        values = [r[j] for r in rows[2:] if j < len(r) and r[j] is not None]
        assert sorted(normalise_code(codes, v) for v in values) == sorted(c for c, _ in CODE_LISTS[codes]), heading
        checked.add(codes)
    assert checked == set(CODE_LISTS)


# --- The three reference workbooks ----------------------------------------------------------------

def openpyxl_counts(path: Path) -> dict[int, int]:
    """Non-empty rows under the header of each `List N` / `List_N` sheet, counted independently of
    the loader: the header is the first row whose first cell names an identifier."""
    counts = {}
    wb = openpyxl.load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        m = re.fullmatch(r"List[ _](\d+)", ws.title)
        if not m:
            continue
        rows = list(ws.iter_rows(values_only=True))
        header = next(i for i, r in enumerate(rows) if r and r[0] and re.search(r"\bid", str(r[0]), re.I))
        counts[int(m.group(1))] = sum(
            1 for r in rows[header + 1:] if any(v is not None and str(v).strip() for v in r))
    return counts


EXPECTED_ROWS = {
    LIIA: {1: 5, 2: 5, 3: 6, 4: 5, 5: 5, 6: 5, 7: 7, 8: 5, 9: 6, 10: 5, 11: 5},
    TEMPLATE: {1: 1, 2: 10, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0},
    MINIMAL: {1: 13, 2: 2, 3: 11, 4: 5, 5: 4, 6: 2, 7: 3, 8: 3, 9: 0, 10: 0, 11: 0},
}
# What each reference file holds that cannot be normalised (sheet, row, column, heading, code).
EXPECTED_WARNINGS = {
    LIIA: [
        ("List 4", 2, "J", "Was the child assessed as requiring LA children's social care support?", "unknown-code"),
        ("List 6", 2, "H", "Primary Need Code", "unknown-code"),
        ("List 8", 3, "Y", "Placement postcode", "bad-postcode"),
    ],
    TEMPLATE: [("List_2", 10, "D", "Date of Birth", "bad-date")],
    MINIMAL: [],
}
REFERENCE_DATES = {LIIA: date(2021, 3, 15), TEMPLATE: date(2010, 1, 15), MINIMAL: date(2020, 5, 15)}


@pytest.mark.parametrize("name", [LIIA, TEMPLATE, MINIMAL])
def test_reference_workbook_exact_rows_per_list(con: duckdb.DuckDBPyConnection, name: str) -> None:
    path = reference(name)
    report = load(con, path)
    assert report.outcome == "loaded", report.issues
    assert openpyxl_counts(path) == EXPECTED_ROWS[name]
    assert {p["list"]: p["rows"] for p in report.preview} == EXPECTED_ROWS[name]
    snapshot = annex_a.snapshots(con).iloc[0]
    assert snapshot["reference_date"].date() == REFERENCE_DATES[name]
    assert {n: int(snapshot[f"list_{n}_rows"]) for n in range(1, 12)} == EXPECTED_ROWS[name]
    for n, rows in EXPECTED_ROWS[name].items():
        assert len(annex_a.list_frame(con, snapshot["snapshot_id"], n)) == rows
    assert located(report, "warning") == EXPECTED_WARNINGS[name]
    assert len(annex_a.unparsed_values(con, snapshot["snapshot_id"])) == {LIIA: 7, TEMPLATE: 1, MINIMAL: 0}[name]


def test_liia_workbook_values_normalised(con: duckdb.DuckDBPyConnection) -> None:
    load(con, reference(LIIA))
    assert column(con, 1, "gender") == ["Female", "Female", "Male", "Male", "Female"]
    assert column(con, 1, "contact_source") == ["6", "6", "1B", "6", "9"]
    assert column(con, 1, "age_of_child_years") == [6, 8, 11, 14, 15]  # 6.14 years: age at last birthday
    assert column(con, 1, "date_of_birth")[:2] == [date(2015, 1, 25), None]
    assert column(con, 3, "referral_nfa") == ["No"] * 6
    assert column(con, 3, "allocated_worker")[0] == "Dustin Hazlett"  # non-breaking space folded
    assert column(con, 4, "was_the_child_assessed_as_requiring_la_children_s_social_care_support") == [None] * 5
    assert column(con, 6, "primary_need_code") == [None, "N1", "N1", "N1", "N1"]
    assert column(con, 6, "allocated_team") == [None] * 5  # #N/A error cells
    assert column(con, 7, "initial_category_of_abuse")[:4] == ["Physical abuse"] * 3 + ["Emotional abuse"]
    assert column(con, 8, "placement_provider") == ["PR4", "PR1", "PR5", "PR4", "PR4"]
    assert column(con, 8, "placement_postcode")[:3] == ["T28 2WB", None, "C25 1YT"]
    assert column(con, 8, "unaccompanied_asylum_seeking_child_uasc_within_the_last_12_months_y_n") == ["No"] * 5
    assert column(con, 9, "la_in_touch") == ["Yes"] * 6
    assert column(con, 9, "type_of_accommodation") == ["Y", "U", "Y", None, "U", "U"]
    assert column(con, 10, "reason_why_child_no_longer_placed_for_adoption")[2] == "RD2"


def test_template_free_text_code_and_text_dates(con: duckdb.DuckDBPyConnection) -> None:
    load(con, reference(TEMPLATE))
    assert column(con, 1, "contact_source") == ["6"]  # typed POLICE
    assert column(con, 2, "assessment_start_date") == [date(2010, 1, 1)] * 10  # half are '2010-01-01' text
    assert column(con, 2, "organisation_completing_assessment") == [None] * 10  # N/A


# --- Lists found by headers; one CSV per list -----------------------------------------------------

def test_lists_identified_by_headers_not_sheet_names(con: duckdb.DuckDBPyConnection) -> None:
    report = load(con, SHUFFLED, reference_date=REF_DATE)
    assert report.outcome == "loaded"
    assert {p["list"]: p["sheet"] for p in report.preview} == {
        1: "Sheet3", 2: "List 9", 3: "x", 4: "data (2)", 5: "S47", 6: "CIN", 7: "CP", 8: "LAC",
        9: "Leavers", 10: "List_1", 11: "Adopters ",
    }
    assert {p["list"]: p["rows"] for p in report.preview} == {n: n + 2 for n in range(1, 12)}
    assert [(i.code, i.message) for i in report.issues if i.code == "sheets-ignored"] == [
        ("sheets-ignored", "Sheet(s) Read me hold no Annex A list and were not read.")]  # hidden sheet skipped
    assert located(report, "warning") == []
    for spec in LISTS:
        ids = column(con, spec.number, spec.key)
        assert ids == [f"L{spec.number}-{i:03d}" for i in range(1, spec.number + 3)]
    assert column(con, 3, "source_row") == [5, 6, 7, 8, 9]  # three title rows, data from column C
    assert column(con, 7, "source_row")[0] == 4


def test_one_csv_per_list_matches_the_workbook(con: duckdb.DuckDBPyConnection) -> None:
    load(con, SHUFFLED, reference_date=REF_DATE)
    report = load(con, *CSVS, reference_date=date(2024, 4, 30))
    assert report.outcome == "loaded", report.issues
    assert {p["list"]: p["rows"] for p in report.preview} == {n: n + 2 for n in range(1, 12)}
    assert {p["sheet"] for p in report.preview} == {p.name for p in CSVS}
    where = ["source_sheet", "source_row"]
    for spec in LISTS:
        from_xlsx = annex_a.list_frame(con, "annex-a-2024-03-31", spec.number).drop(columns=where)
        from_csv = annex_a.list_frame(con, "annex-a-2024-04-30", spec.number).drop(columns=where)
        assert from_csv.astype(str).values.tolist() == from_xlsx.astype(str).values.tolist(), spec.number


# --- Normalisation --------------------------------------------------------------------------------

@pytest.mark.parametrize(("codes", "value", "expected"), [
    ("gender", "a) Male", "Male"), ("gender", "Male", "Male"), ("gender", "MALE ", "Male"),
    ("gender", "b) Female", "Female"), ("gender", "F", "Female"), ("gender", "Unborn", "Not stated/recorded"),
    ("gender", "c) Neither", "Neither"),  # List 11 letters its options differently: the letter is ignored
    ("source", "q) 6: Police", "6"), ("source", "POLICE", "6"), ("source", "6", "6"), ("source", "q) 6 : Police", "6"),
    ("source", "b) 1B: Individual", "1B"), ("source", "u) 10: Unknown", "10"),
    ("yes_no", "b) No", "No"), ("yes_no", "No", "No"), ("yes_no", "N", "No"), ("yes_no", "a) Yes", "Yes"),
    ("yes_no_unknown", "c) Unknown", "Unknown"),
    ("primary_need", "N1 - Abuse or neglect", "N1"), ("primary_need", "N1 - Abuse or Neglect", "N1"),
    ("primary_need", "n5", "N5"), ("primary_need", "Low income", "N7"),
    ("primary_need", "N3 - Parental illness or disability", "N3"),
    ("ethnicity", "a) WBRI", "WBRI"), ("ethnicity", "White British", "WBRI"),
    ("ethnicity", "WBRI - White British", "WBRI"), ("ethnicity", "s) NOBT", "NOBT"),
    ("placement_provider", "e) PR4 - Private provision", "PR4"),
    ("placement_type", "zz) T4: Temporary placement - seven days or less", "T4"),
    ("placement_type", "j) A6: Placed for adoption - order - foster", "A6"),  # the template's own typo
    ("placement_type", "K1: Secure Children's Homes", "K1"), ("reason_ceased", "u) X1:CodeError", "X1"),
    ("legal_status", "C2: FCO", "C2"), ("in_touch", "d) Refu", "REFU"), ("in_touch", "Yes", "Yes"),
    ("accommodation", "U: Independent living", "U"), ("activity", "G6", "G6"),
    ("left_process", "2 - Process put on hold", "2"),
    ("permanence_plan", "g) other", "Other"), ("case_status", "c) Child in need plan", "Child in need plan"),
])
def test_code_normalisation(codes: str, value: str, expected: str) -> None:
    assert normalise_code(codes, value) == expected


@pytest.mark.parametrize(("codes", "value"), [
    ("source", "Individual"),  # 1A to 1D: ambiguous
    ("source", "Health services"), ("gender", "Boy?"), ("primary_need", "PSRMEM - Support with memory and cognition"),
    ("yes_no", "Unknown"), ("category_of_need", "N9"), ("ethnicity", "ZZZZ"),
])
def test_values_that_name_no_code(codes: str, value: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        normalise_code(codes, value)


def test_every_code_in_every_written_form() -> None:
    for codes, options in CODE_LISTS.items():
        labels = [label.lower() for _, label in options]
        for k, (code, label) in enumerate(options):
            forms = [code, code.lower(), f"{'abcdefghijklmnopqrstuvwxyz'[k % 26]}) {code}: {label}",
                     f"{code} - {label}", f"{code}: {label.upper()}"]
            forms += [label.upper(), f"d) {label}"] if labels.count(label.lower()) == 1 else []
            assert {normalise_code(codes, f) for f in forms} == {code}, (codes, code)


HEADERS = [(s.number, c) for s in LISTS for c in s.columns]


@given(st.sampled_from(HEADERS), st.sampled_from([str.upper, str.lower, str.title, str]),
       st.sampled_from(["", " ", "  ", "\u00a0"]), st.booleans())
def test_header_drift_folds_to_the_same_column(found: tuple[int, Any], case: Any, space: str, curly: bool) -> None:
    number, col = found
    header = case(col.header.replace("'", "\u2019") if curly else col.header) + space
    header = header.replace(")", "))") if header.endswith(")") else header
    assert LIST_BY_NUMBER[number].lookup[header_key(header)] == col.name


def test_dates_in_every_form(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load(con, DRIFT, reference_date=REF_DATE)
    # Excel date, serial number (45300), dd/mm/yyyy text, ISO text, #N/A error cell, blank, d/m/yyyy.
    assert column(con, 1, "date_of_contact") == [
        date(2024, 1, 10), date(2024, 1, 9), date(2024, 2, 15), date(2024, 3, 4), None, None, date(2024, 3, 1)]
    path = write_csv(tmp_path / "contacts.csv", [LIST_1] + [
        [f"D{i}", "Male", "WBRI", dob, 5, contact, "6"] for i, (dob, contact) in enumerate([
            ("1/2/2019", "#N/A"), ("01/02/2019", "-"), ("2019-02-01", ""), ("43497", "n/a"), ("1 Feb 2019", "3/4/2024"),
        ])])
    report = load(con, path, reference_date=REF_DATE)
    assert column(con, 1, "date_of_birth") == [date(2019, 2, 1)] * 5
    assert column(con, 1, "date_of_contact") == [None, None, None, None, date(2024, 4, 3)]
    assert [(i.code, i.row, i.value) for i in report.issues if i.column == "Date of Contact"] == [
        ("placeholder", 2, "#N/A")]
    assert "3 cell(s)" in next(i.message for i in report.issues if i.code == "placeholder")


def test_header_drift_curly_quotes_trailing_spaces_case(con: duckdb.DuckDBPyConnection) -> None:
    report = load(con, DRIFT, reference_date=REF_DATE)
    assert [i for i in report.issues if i.code in ("unknown-column", "missing-column")] == []
    assert column(con, 8, "number_of_episodes_the_child_has_been_missing_from_their_placement_in_the_last_12_months") \
        == [0, 3, 0]  # ‘Missing’ in curly quotes
    # 'Date Ceased to be Looked After ' (trailing space) and '... (Y/N))' (doubled bracket)
    assert column(con, 8, "date_ceased_to_be_looked_after") == [None, date(2024, 3, 10), date(2024, 3, 12)]
    assert column(con, 8, "unaccompanied_asylum_seeking_child_uasc_within_the_last_12_months_y_n") == ["No"] * 3
    assert column(con, 8, "child_s_category_of_need") == ["N1", "N4", "N4"]  # Child’s
    assert column(con, 1, "gender")[:2] == ["Male", "Male"]  # GENDER
    assert column(con, 9, "la_in_touch") == ["REFU", "Yes", "RHOM"]  # 'LA in Touch '


def test_drift_values_and_what_could_not_be_normalised(con: duckdb.DuckDBPyConnection) -> None:
    report = load(con, DRIFT, reference_date=REF_DATE)
    assert report.outcome == "loaded"
    assert column(con, 1, "gender") == ["Male", "Male", "Female", "Female", "Not stated/recorded",
                                        "Not stated/recorded", None]
    assert column(con, 1, "ethnicity") == ["WBRI", "WBRI", "WBRI", "APKN", "NOBT", None, None]
    assert column(con, 1, "contact_source") == ["6", "6", "6", "2A", None, "1B", "6"]
    assert column(con, 1, "age_of_child_years") == [9, 8, 7, None, -1, None, None]
    assert column(con, 3, "referral_source") == ["6", "6", "3A", None]
    assert column(con, 3, "referral_nfa") == ["No", "No", "Yes", "Yes"]
    assert column(con, 3, "allocated_worker") == ["Jo Bloggs", "Sam Smith", None, None]
    assert column(con, 6, "primary_need_code") == ["N1", "N1", "N3", "N5", None]
    assert column(con, 6, "reason_for_closure") == [None, "RC8", None, "RC7", None]
    assert column(con, 7, "was_the_child_seen_alone") == ["Unknown", "Yes", "No"]
    assert column(con, 8, "child_s_legal_status") == ["C2", "E1", "V2"]
    assert column(con, 8, "placement_type") == ["U6", "U4", "A6"]
    assert column(con, 8, "reason_ceased_to_be_looked_after") == [None, "E47", "X1"]
    assert column(con, 8, "placement_postcode") == ["T28 2WB", None, None]
    assert column(con, 8, "urn_of_placement") == ["SC123456", "123456", None]
    assert column(con, 9, "activity_status") == [None, "G5", "F1"]
    assert located(report, "warning") == [
        (None, None, None, None, "list-not-supplied"),
        ("contacts export", 7, "G", "Contact Source", "unknown-code"),
        ("contacts export", 9, "B", "GENDER", "unknown-code"),
        ("contacts export", 9, "C", "Ethnicity", "unknown-code"),
        ("contacts export", 9, "D", "Date of Birth", "bad-date"),
        ("contacts export", 9, "E", "Age", "bad-number"),
        ("Sheet2", 5, "G", "Referral Source", "unknown-code"),
        ("Sheet2", 5, "I", "Number of Referrals in Last 12 Months", "bad-number"),
        ("CIN", 6, "H", "Primary Need Code", "unknown-code"),
        ("LAC", 3, "Y", "Placement postcode", "bad-postcode"),
    ]
    kept = annex_a.unparsed_values(con, "annex-a-2024-03-31")
    assert sorted(zip(kept["list_no"], kept["source_row"], kept["value"], strict=True)) == [
        (1, 7, "Individual"), (1, 9, "31/02/2024"), (1, 9, "Boy?"), (1, 9, "ZZZZ"), (1, 9, "ten"),
        (3, 5, "2.5"), (3, 5, "Health services"), (6, 6, "PSRMEM - Support with memory and cognition"),
        (8, 3, "nope")]


# --- Snapshots ------------------------------------------------------------------------------------

def test_reupload_of_the_same_file_is_idempotent(con: duckdb.DuckDBPyConnection) -> None:
    first = load(con, SHUFFLED, reference_date=REF_DATE)
    tables = {s.table: con.execute(f"select * from {s.table} order by all").fetchall() for s in LISTS}
    again = load(con, SHUFFLED, reference_date=REF_DATE)
    assert (again.outcome, again.rows_loaded, again.rows_replaced) == ("loaded", 88, 88)
    assert tables == {s.table: con.execute(f"select * from {s.table} order by all").fetchall() for s in LISTS}
    assert stored(con)["annex_a_snapshots"] == 1
    assert annex_a.snapshots(con)["load_id"].tolist() == [again.load_id]
    assert con.execute("select count(*) from loads where kind = 'annex_a'").fetchone() == (2,)
    assert first.sha256 == again.sha256


def test_snapshots_by_reference_date_and_a_corrected_upload_replaces_one(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    load(con, SHUFFLED, reference_date=REF_DATE)
    load(con, SHUFFLED, reference_date=date(2024, 4, 30))
    assert annex_a.snapshots(con)["snapshot_id"].tolist() == ["annex-a-2024-04-30", "annex-a-2024-03-31"]
    corrected = write_csv(tmp_path / "contacts.csv", [LIST_1, ["NEW-1", "Male", "WBRI", "", 3, "01/03/2024", "6"]])
    report = load(con, corrected, reference_date=REF_DATE)
    assert (report.rows_loaded, report.rows_replaced) == (1, 88)
    assert [i.message for i in report.warnings if i.code == "lists-removed"] == [
        "The snapshot for 31/03/2024 had List(s) 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, which this upload does not have; "
        "the upload replaces the whole snapshot, so they are removed."]
    latest = annex_a.snapshots(con).set_index("snapshot_id")
    assert latest.loc["annex-a-2024-03-31", "list_1_rows"] == 1
    assert pd.isna(latest.loc["annex-a-2024-03-31", "list_8_rows"])  # not in the corrected upload
    assert column(con, 1, "child_unique_id", "annex-a-2024-03-31") == ["NEW-1"]
    assert annex_a.list_frame(con, "annex-a-2024-03-31", 8).empty
    assert len(annex_a.list_frame(con, "annex-a-2024-04-30", 8)) == 10  # the other snapshot is untouched


def test_default_reference_date_skips_dates_of_birth_and_future_dates(
    con: duckdb.DuckDBPyConnection, tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "l1.csv", [LIST_1, ["U1", "Unborn", "", "01/09/2024", -1, "02/05/2024", "6"],
                                           ["U2", "Male", "", "01/01/2020", 4, "02/05/2099", "6"]])
    report = load(con, path, today=date(2024, 6, 1))
    assert annex_a.snapshots(con)["reference_date"].dt.date.tolist() == [date(2024, 5, 2)]
    assert [i.value for i in report.issues if i.code == "reference-date"] == ["2024-05-02"]


def test_list_frame_and_its_arguments(con: duckdb.DuckDBPyConnection) -> None:
    load(con, SHUFFLED, reference_date=REF_DATE)
    assert annex_a.latest_snapshot_id(con) == "annex-a-2024-03-31"
    assert annex_a.latest_snapshot_id(con, on_or_before=date(2024, 1, 1)) is None
    frame = annex_a.list_frame(con, "annex-a-2024-03-31", 3)
    assert list(frame.columns) == ["source_sheet", "source_row", *(c.name for c in LIST_BY_NUMBER[3].columns)]
    assert frame["date_of_referral"].tolist()[0].date() == date(2024, 1, 4)
    assert annex_a.list_frame(con, "no-such-snapshot", 3).empty
    with pytest.raises(ValueError, match="Lists 1 to 11"):
        annex_a.list_frame(con, "annex-a-2024-03-31", 12)


# --- Rejected files -------------------------------------------------------------------------------

def rejected(con: duckdb.DuckDBPyConnection, *paths: Path) -> LoadReport:
    """Load over an existing snapshot and check the rejection wrote nothing but its `loads` row."""
    load(con, SHUFFLED, reference_date=REF_DATE)
    before = stored(con)
    report = load(con, *paths, reference_date=REF_DATE)
    assert report.outcome == "rejected" and not report.valid
    assert stored(con) == before
    assert con.execute("select outcome from loads order by loaded_at desc limit 1").fetchone() == ("rejected",)
    return report


def test_rejected_when_no_list_is_recognised(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "audits.xlsx", {"Audits": [["Audit ID", "Audit date", "Overall grade"],
                                                            ["A1", date(2024, 1, 1), "Good"]]})
    report = rejected(con, path)
    assert [(i.code, i.value) for i in report.errors] == [("no-annex-a-list", "audits.xlsx")]


def test_rejected_when_a_date_column_holds_text(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "annex.xlsx", {"Contacts": [["List 1: Contacts"], LIST_1] + [
        [f"C{i}", "Male", "WBRI", date(2015, 1, 1), 9, when, "6"] for i, when in enumerate(
            ["last week", date(2024, 1, 2), "soon", "TBC"])]})
    report = rejected(con, path)
    assert located(report) == [
        ("Contacts", 3, "F", "Date of Contact", "bad-date"),
        ("Contacts", 5, "F", "Date of Contact", "bad-date"),
        ("Contacts", 6, "F", "Date of Contact", "bad-date"),
    ]
    assert [i.value for i in report.errors] == ["last week", "soon", "TBC"]


def test_rejected_without_a_required_column_or_identifier(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    referrals = [c.header for c in LIST_BY_NUMBER[3].columns if c.header != "Date of referral"]
    path = write_xlsx(tmp_path / "annex.xlsx", {
        "L1": [LIST_1, ["C1", "Male", "WBRI", None, 5, date(2024, 1, 1), "6"],
               [None, "Male", "WBRI", None, 5, date(2024, 1, 2), "6"], ["-", "Male", "", None, 5, None, "6"]],
        "L3": [referrals, ["R1", "Male", "WBRI", None, 5, "6", "No", 0, "T", "W"]],
    })
    report = rejected(con, path)
    assert located(report) == [
        ("L1", 3, "A", "Child Unique ID", "missing-value"),
        ("L1", 4, "A", "Child Unique ID", "missing-value"),
        ("L3", 1, None, "Date of referral", "missing-column"),
    ]


def test_rejected_when_two_sheets_hold_the_same_list(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    row = ["C1", "Male", "WBRI", None, 5, date(2024, 1, 1), "6"]
    path = write_xlsx(tmp_path / "annex.xlsx", {"Contacts": [LIST_1, row], "Contacts (old)": [LIST_1, row]})
    report = rejected(con, path)
    assert located(report) == [("Contacts (old)", 1, None, None, "duplicate-list")]


def test_dry_run_writes_nothing(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    report = load(con, SHUFFLED, dry_run=True)
    assert report.outcome == "checked" and report.rows_read == 88
    assert set(stored(con).values()) == {0}
    assert con.execute("select count(*) from loads").fetchone() == (0,)
    bad = write_xlsx(tmp_path / "empty.xlsx", {"Contacts": [LIST_1]})  # headings, no rows
    report = load(con, bad, dry_run=True, record_rejected=True)
    assert [i.code for i in report.errors] == ["empty-file"]
    assert con.execute("select outcome, kind from loads").fetchall() == [("rejected", "annex_a")]
    assert set(stored(con).values()) == {0}


def test_registered_kind_and_cli(con: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture[str]) -> None:
    report = loaders.load_file(con, SHUFFLED, kind="annex_a", reference_date=REF_DATE)
    assert report.outcome == "loaded" and report.kind == "annex_a"
    assert cli([str(DRIFT), "--kind", "annex_a", "--dry-run"]) == 0
    assert "annex_a_value_drift.xlsx: valid, 25 row(s), 10 warning(s)" in capsys.readouterr().out
