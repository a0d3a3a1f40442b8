"""Write the loader test fixtures in tests/data/. Deterministic: fixed workbook properties and fixed
zip timestamps, so a rerun gives byte-identical files.

    python tests/data/make_fixtures.py            # writes next to this script
    python tests/data/make_fixtures.py --out DIR

Each file is named by the quirk it covers. `audit_*` files are messy but valid and must load;
`bad_*` files must be rejected with the exact issues asserted in tests/test_loader_errors.py.
The builders live in tests/data/fixture_makers/, one module per family (see its __init__.py);
this script lists every file and writes them.
"""

from __future__ import annotations

import os

# openpyxl writes different (equally valid) XML when lxml is installed (python-docx brings it): use its
# own writer always, so committed workbooks regenerate byte for byte. Must run before openpyxl is imported.
os.environ.setdefault("OPENPYXL_LXML", "False")

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
# The fixture_makers package sits next to this script; a test may load the script by path.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from fixture_makers.bad_containers import (  # noqa: E402
    bad_legacy_xls,
    bad_not_a_spreadsheet,
    bad_xml_entities,
    bad_zero_bytes,
    bad_zip_bomb,
    bad_zip_bomb_lying_sizes,
    bad_zip_not_workbook,
)
from fixture_makers.bad_contents import (  # noqa: E402
    bad_date,
    bad_duplicate_audit_id,
    bad_empty_workbook,
    bad_future_date,
    bad_many_problems,
    bad_missing_required_column,
    bad_no_header,
    bad_unknown_activity_type,
    bad_unknown_grade,
    bad_unknown_service_area,
)
from fixture_makers.messy_audits import (  # noqa: E402
    audit_csv_semicolon_cp1252,
    audit_data_starts_col_c,
    audit_dates_excel_serial,
    audit_dates_uk_text,
    audit_extra_domains,
    audit_grades_as_typed,
    audit_header_synonyms,
    audit_instructions_sheet_first,
    audit_long_layout,
    audit_placeholders,
    audit_return_csv,
    audit_service_area_aliases,
    audit_title_rows,
    audit_unknown_column,
)
from fixture_makers.surveys import survey_long_conflicting_response  # noqa: E402

FIXTURES: dict[str, Callable[[], bytes]] = {
    "audit_title_rows.xlsx": audit_title_rows,
    "audit_instructions_sheet_first.xlsx": audit_instructions_sheet_first,
    "audit_header_synonyms.xlsx": audit_header_synonyms,
    "audit_grades_as_typed.xlsx": audit_grades_as_typed,
    "audit_dates_uk_text.xlsx": audit_dates_uk_text,
    "audit_dates_excel_serial.xlsx": audit_dates_excel_serial,
    "audit_service_area_aliases.xlsx": audit_service_area_aliases,
    "audit_long_layout.xlsx": audit_long_layout,
    "audit_extra_domains.xlsx": audit_extra_domains,
    "audit_return.csv": audit_return_csv,
    "audit_csv_semicolon_cp1252.csv": audit_csv_semicolon_cp1252,
    "audit_placeholders.xlsx": audit_placeholders,
    "audit_unknown_column.xlsx": audit_unknown_column,
    "audit_data_starts_col_c.xlsx": audit_data_starts_col_c,
    "bad_missing_required_column.xlsx": bad_missing_required_column,
    "bad_date.xlsx": bad_date,
    "bad_unknown_grade.xlsx": bad_unknown_grade,
    "bad_duplicate_audit_id.xlsx": bad_duplicate_audit_id,
    "bad_unknown_service_area.xlsx": bad_unknown_service_area,
    "bad_unknown_activity_type.xlsx": bad_unknown_activity_type,
    "bad_future_date.xlsx": bad_future_date,
    "bad_empty_workbook.xlsx": bad_empty_workbook,
    "bad_no_header.xlsx": bad_no_header,
    "bad_not_a_spreadsheet.xlsx": bad_not_a_spreadsheet,
    "bad_zero_bytes.xlsx": bad_zero_bytes,
    "bad_legacy.xls": bad_legacy_xls,
    "bad_zip_not_workbook.xlsx": bad_zip_not_workbook,
    "bad_zip_bomb.xlsx": bad_zip_bomb,
    "bad_zip_bomb_lying_sizes.xlsx": bad_zip_bomb_lying_sizes,
    "bad_xml_entities.xlsx": bad_xml_entities,
    "bad_many_problems.xlsx": bad_many_problems,
    "survey_long_conflicting_response.xlsx": survey_long_conflicting_response,
}


def generate(out_dir: Path = HERE, names: Sequence[str] | None = None) -> list[Path]:
    """Write the fixtures (all, or those named) into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names or FIXTURES:
        path = out_dir / name
        path.write_bytes(FIXTURES[name]())
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("names", nargs="*", help="fixture file names (default: all)")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.names or None):
        print(f"{path.stat().st_size:>9,}  {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
