"""Quarters named on the command line: calendar (2025-Q3) and financial-year (2025-26 Q2) forms, and
the labels reports print (always the months)."""

from __future__ import annotations

from datetime import date

import pytest

from qa_data import periods


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2025-Q3", date(2025, 7, 1)),
        ("2025-q1", date(2025, 1, 1)),
        ("2025 Q4", date(2025, 10, 1)),
        ("2025Q2", date(2025, 4, 1)),
        (" 2026-Q3 ", date(2026, 7, 1)),
        # Financial years start in April: Q1 = Apr-Jun, Q4 = Jan-Mar of the second year.
        ("2025-26 Q1", date(2025, 4, 1)),
        ("2025-26 Q2", date(2025, 7, 1)),
        ("2025-26 Q3", date(2025, 10, 1)),
        ("2025-26 Q4", date(2026, 1, 1)),
        ("2025/26 Q2", date(2025, 7, 1)),
        ("2025-2026 Q2", date(2025, 7, 1)),
        ("2099-00 Q4", date(2100, 1, 1)),
        ("2025-26Q2", date(2025, 7, 1)),
    ],
)
def test_parse_quarter(text: str, start: date) -> None:
    assert periods.parse_quarter(text) == start


@pytest.mark.parametrize(
    "text", ["2025-Q5", "2025-Q0", "Q3 2025", "2025-07", "2025-27 Q2", "2025-24 Q1", "", "last quarter", "25-Q3"]
)
def test_parse_quarter_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="2025-Q3|financial year"):
        periods.parse_quarter(text)


def test_both_forms_name_the_same_months() -> None:
    assert periods.parse_quarter("2025-Q3") == periods.parse_quarter("2025-26 Q2")
    assert periods.quarter_label(periods.parse_quarter("2025-26 Q2")) == "Jul-Sep 2025"


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2025, 7, 1), "Jul-Sep 2025 (Q2 2025-26)"),
        (date(2025, 9, 30), "Jul-Sep 2025 (Q2 2025-26)"),
        (date(2026, 2, 14), "Jan-Mar 2026 (Q4 2025-26)"),
        (date(2026, 4, 1), "Apr-Jun 2026 (Q1 2026-27)"),
        (date(1999, 12, 31), "Oct-Dec 1999 (Q3 1999-00)"),
    ],
)
def test_quarter_period_label(day: date, label: str) -> None:
    assert periods.quarter_period_label(day) == label
