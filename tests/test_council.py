"""The council's context from the shipped public tables: region, neighbours, ILACS judgements."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from qa_data import council

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference_data"


def test_barnsley_has_its_region_ten_neighbours_and_latest_judgements() -> None:
    ctx = council.council_context("370")
    assert (ctx.council.name, ctx.council.ons_code, ctx.council.region) == (
        "Barnsley", "E08000016", "Yorkshire and the Humber"
    )
    assert ctx.council.neighbour_codes == ("372", "384", "357", "371", "332", "894", "840", "390", "807", "394")
    assert len(ctx.neighbours) == 10
    assert ctx.neighbours[0].name == "Rotherham"
    assert ctx.council.inspection == council.Inspection(
        overall="Good", impact_of_leaders="Good", help_and_protection="Requires improvement",
        in_care="Good", care_leavers="Good", published=date(2023, 10, 27),
    )


def test_the_ons_code_finds_the_same_council_and_a_wrong_code_says_so() -> None:
    assert council.find_council("e08000016").code == "370"
    with pytest.raises(KeyError, match="no English local authority has the code '999'"):
        council.find_council("999")


def test_the_configured_code_is_read_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_INSIGHT_COUNCIL", raising=False)
    assert council.configured_code() is None
    monkeypatch.setenv("QA_INSIGHT_COUNCIL", " 370 ")
    assert council.configured_code() == "370"


def test_every_council_in_the_lookup_is_read() -> None:
    with council.LOOKUP_FILE.open(encoding="utf-8-sig", newline="") as f:
        expected = sum(1 for _ in csv.DictReader(f))
    assert len(council.councils()) == expected == 156
    assert sum(1 for c in council.councils().values() if c.inspection is not None) >= 150


@pytest.mark.skipif(not SHARED.exists(), reason="shared/reference_data is not beside the repository")
def test_the_shipped_tables_are_the_reference_copies() -> None:
    assert council.LOOKUP_FILE.read_bytes() == (SHARED / "la_lookup_stat_neighbours_d2i.csv").read_bytes()
    assert council.ILACS_FILE.read_bytes() == (SHARED / "ofsted_ilacs_judgements_overview.xlsx").read_bytes()
