"""`python -m qa_data export {cabinet,qpc,sef} --period ... --out FILE`: the errors a scheduled run must
report clearly (unknown period, wrong suffix, missing database, a quarter with no data) and the files
it writes, opened with openpyxl, a PDF text extractor and python-docx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from qa_data import db
from qa_data.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sample_file(sample_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_db, path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["export", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unknown_period_is_a_usage_error(
    sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for period in ("2025-Q5", "Q3 2025", "2025-27 Q2", "last quarter"):
        code, _, err = run(capsys, "cabinet", "--period", period, "--db", str(sample_file),
                           "--out", str(tmp_path / "c.xlsx"))
        assert code == 2
        assert f"error: '{period}' is not a quarter" in err or "financial year" in err
    assert not (tmp_path / "c.xlsx").exists()


def test_a_period_with_no_data_exits_non_zero(sample_file: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    for report, suffix in (("cabinet", ".xlsx"), ("qpc", ".pdf"), ("sef", ".docx")):
        out = tmp_path / f"r{suffix}"
        code, _, err = run(capsys, report, "--period", "2023-Q3", "--db", str(sample_file), "--out", str(out))
        assert (code, err.strip()) == (1, "error: no data for Jul-Sep 2023: no audits, KPI values or survey "
                                          "answers in that quarter for the areas in scope")
        assert not out.exists()
    empty = tmp_path / "empty.duckdb"
    db.connect(empty).close()
    code, _, err = run(capsys, "cabinet", "--period", "2026-27 Q2", "--db", str(empty),
                       "--out", str(tmp_path / "e.pdf"))
    assert code == 1 and "no data for Jul-Sep 2026" in err


def test_wrong_suffix_and_missing_database_are_usage_errors(sample_file: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (("sef", str(sample_file), "sef.pdf"), "sef is written as .docx, not .pdf"),
        (("cabinet", str(sample_file), "cabinet.docx"), "cabinet is written as .xlsx or .pdf, not .docx"),
        (("qpc", str(sample_file), "qpc"), "qpc is written as .xlsx or .pdf, not a file without a suffix"),
        (("cabinet", str(tmp_path / "nowhere.duckdb"), "c.xlsx"), f"no database at {tmp_path / 'nowhere.duckdb'}"),
    ]
    for (report, database, out), message in cases:
        code, _, err = run(capsys, report, "--period", "2026-Q3", "--db", database, "--out", str(tmp_path / out))
        assert code == 2 and message in err, err
    assert not (tmp_path / "nowhere.duckdb").exists()  # a typo never creates an empty database


def test_an_unknown_report_is_refused_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "minutes", "--period", "2026-Q3", "--out", "m.xlsx"])
    assert exit_.value.code == 2 and "invalid choice: 'minutes'" in capsys.readouterr().err


def test_the_module_runs_as_a_command(sample_file: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qa_data", "export", "cabinet", "--period", "2023-Q3", "--db", str(sample_file),
         "--out", str(tmp_path / "c.pdf")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 1 and "no data for Jul-Sep 2023" in done.stderr


# --- Files written --------------------------------------------------------------


def test_cabinet_xlsx_has_a_summary_sheet_and_one_per_area(sample_file: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    out = tmp_path / "cabinet.xlsx"
    code, stdout, _ = run(capsys, "cabinet", "--period", "2025-26 Q2", "--db", str(sample_file), "--out", str(out))
    assert code == 0 and stdout.strip() == f"wrote {out}"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Front Door", "CIN and CP", "Adolescents", "Children in Care",
                               "Permanence", "Care Leavers", "QA Unit"]
    con = duckdb.connect(str(sample_file), read_only=True)
    try:
        row = con.execute("select count(*) from audits where audit_date between '2025-07-01' and '2025-09-30'"
                          ).fetchone()
    finally:
        con.close()
    assert row is not None
    cells = [c.value for r in book["Summary"].iter_rows() for c in r]
    assert row[0] in cells  # the council-wide audits of Jul-Sep 2025


def test_cabinet_and_qpc_pdfs_are_written(
    sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for report in ("cabinet", "qpc"):
        out = tmp_path / f"{report}.pdf"
        code, _, _ = run(capsys, report, "--period", "2026-Q3", "--db", str(sample_file), "--out", str(out))
        assert code == 0 and out.read_bytes().startswith(b"%PDF")
        assert not out.with_name(out.name + ".partial").exists()


def test_sef_docx_is_written_in_the_councils_voice(sample_file: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import docx

    out = tmp_path / "sef.docx"
    code, _, _ = run(capsys, "sef", "--period", "2026-Q3", "--db", str(sample_file), "--out", str(out))
    assert code == 0
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "We audited 53 cases in full, dip-sampled 54 more and observed practice 25 times in Front Door" in text
