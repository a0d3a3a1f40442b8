"""Shared by the Annex A KPI tests (tests/test_kpi_engine*.py): the reference date and building a list
as the loader hands it over."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from qa_data.kpi_engine import calculate

REF = date(2025, 3, 31)
NA = None


def frame(columns: str, *rows: tuple[Any, ...]) -> pd.DataFrame:
    """A list as the loader hands it over: dates as datetime64 (text 'YYYY-MM-DD' here for brevity)."""
    names = columns.split()
    df = pd.DataFrame(list(rows), columns=names)
    for name in names:
        if "date" in name:
            df[name] = pd.to_datetime(df[name])
    return df


def result(code: str, df: pd.DataFrame, ref: date = REF, **options: Any) -> tuple[int, int, float | None, int]:
    r = calculate(code, df, ref, **options)
    value = None if r.value is None else round(r.value, 2)
    return r.numerator, r.denominator, value, r.unusable
