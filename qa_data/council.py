"""The council we are, and the councils we compare with: region, the ten statistical neighbours and
their latest Ofsted ILACS judgements, from the public tables shipped in qa_data/reference/.

The council is configured by its code (``QA_INSIGHT_COUNCIL``: the old 3-digit DfE code such as
``370`` or the ONS code such as ``E08000016``), read when asked for, never at import time.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import fastexcel

REFERENCE = Path(__file__).resolve().parent / "reference"
LOOKUP_FILE = REFERENCE / "la_lookup_stat_neighbours_d2i.csv"
ILACS_FILE = REFERENCE / "ofsted_ilacs_judgements_overview.xlsx"
GRADE_NAMES = {
    "outstanding": "Outstanding", "good": "Good",
    "requires improvement": "Requires improvement", "inadequate": "Inadequate",
}


@dataclass(frozen=True)
class Inspection:
    """A council's latest ILACS judgements (None where the table has none)."""

    overall: str | None
    impact_of_leaders: str | None
    help_and_protection: str | None
    in_care: str | None
    care_leavers: str | None
    published: date | None


@dataclass(frozen=True)
class Council:
    """One English local authority: codes, name, region, its neighbours' codes, latest ILACS."""

    code: str  # old 3-digit DfE code
    ons_code: str
    name: str
    region: str
    neighbour_codes: tuple[str, ...]
    inspection: Inspection | None


@dataclass(frozen=True)
class CouncilContext:
    """The council and its ten statistical neighbours, in the lookup's order (closest first)."""

    council: Council
    neighbours: tuple[Council, ...]


def configured_code() -> str | None:
    """The council code from ``QA_INSIGHT_COUNCIL``, or None when not configured."""
    value = os.environ.get("QA_INSIGHT_COUNCIL", "").strip()
    return value or None


def _grade(text: str | None) -> str | None:
    return GRADE_NAMES.get((text or "").strip().lower())


def _day(text: str | None) -> date | None:
    for fmt in ("%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


@cache
def _inspections() -> dict[str, Inspection]:
    table = fastexcel.read_excel(ILACS_FILE.read_bytes()).load_sheet(0, dtypes="string").to_arrow().to_pylist()
    return {
        str(r["la_code"]).strip(): Inspection(
            overall=_grade(r["overall_effectiveness_grade"]),
            impact_of_leaders=_grade(r["impact_of_leaders_grade"]),
            help_and_protection=_grade(r["help_and_protection_grade"]),
            in_care=_grade(r["in_care_grade"]),
            care_leavers=_grade(r["care_leavers_grade"]),
            published=_day(r["publication_date"]),
        )
        for r in table
        if r["la_code"]
    }


@cache
def councils() -> dict[str, Council]:
    """Every council in the lookup, by old 3-digit code."""
    inspections = _inspections()
    out: dict[str, Council] = {}
    with LOOKUP_FILE.open(encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            code = r["la_code"].strip()
            out[code] = Council(
                code=code,
                ons_code=r["la_code_new"].strip(),
                name=r["local_authority_ons_name"].strip(),
                region=r["region_name"].strip(),
                neighbour_codes=tuple(c.strip() for c in r["stat_neighbours"].split(",") if c.strip()),
                inspection=inspections.get(code),
            )
    return out


def find_council(code: str) -> Council:
    """The council with this old 3-digit or ONS code. Raises KeyError with a clear message."""
    wanted = code.strip().upper()
    table = councils()
    if wanted in table:
        return table[wanted]
    for council in table.values():
        if council.ons_code.upper() == wanted:
            return council
    raise KeyError(f"no English local authority has the code {code!r} (use e.g. 370 or E08000016)")


def council_context(code: str) -> CouncilContext:
    """The council with this code and its statistical neighbours (those the lookup knows)."""
    council = find_council(code)
    table = councils()
    return CouncilContext(
        council=council,
        neighbours=tuple(table[c] for c in council.neighbour_codes if c in table),
    )
