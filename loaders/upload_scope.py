"""Who may upload what: every loader checks the uploader's service areas itself, below the pages, so
that no page, command or future caller can write rows outside them.

A loader takes `scope` (a `qa_data.scope.Scope`, the signed-in uploader) or None (the command line
and the sample loader: whoever runs them holds the database file, so there is nothing to limit). With
a scope, `upload_areas` decides the areas the upload may touch, before the file is even read:

- an uploader with no `upload` right in any area: the file is rejected (`upload-not-permitted`);
- **council-wide kinds** (`COUNCIL_WIDE`: Annex A, KPI extracts, comparators, the KPI catalogue and
  the action tracker) hold the whole council in one file and replace a whole snapshot or period, so
  only an uploader who may upload in every service area may load one (`council-wide-upload`);
- **per-area kinds** (audit returns, surveys, complaints, the audit plan) may be loaded by an uploader
  with some areas. Then each row's service area must be one of them (`area-not-permitted`, at the
  row), a stored row the file would replace must be in them too (an audit ID, a survey response
  already stored for another area: `id-outside-your-areas`, which names no area and shows nothing
  of the stored row), and a file that replaces a period (a survey, plan or complaint months) replaces
  it only in the uploader's areas: other areas' rows for the same period stay as they are.

`None` from `upload_areas` means no limit (an uploader of every area, or no scope at all).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from loaders.report import ROW_ISSUES_PER_PROBLEM, LoadReport, column_letter
from qa_data.scope import Scope
from qa_data.vocab import SERVICE_AREAS

Areas = tuple[str, ...] | None

# Kinds whose one file is the whole council's: what each is, in a QAL's words.
COUNCIL_WIDE = {
    "annex_a": "An Annex A workbook",
    "kpis": "A KPI extract",
    "comparators": "A comparators file",
    "catalogue": "The KPI catalogue",
    "actions": "An action tracker",
}


def upload_areas(report: LoadReport, kind: str, scope: Scope | None, action: str = "upload") -> Areas:
    """The service areas an upload of `kind` by `scope` may write (None: no limit). When it may not
    upload at all, adds a file-level error to `report` and returns ()."""
    if scope is None:
        return None
    areas = scope.areas_for(action)
    if not areas:
        report.add("upload-not-permitted", "Your account may not upload files. Ask an administrator for the "
                   "Quality Assurance Lead role for your service areas.")
        return ()
    if set(SERVICE_AREAS) <= set(areas):
        return None
    if kind in COUNCIL_WIDE:
        report.add("council-wide-upload", f"{COUNCIL_WIDE[kind]} covers the whole council, so only someone who "
                   f"may upload for every service area can load one. You may upload for {_names(areas)}.")
        return ()
    return areas


def may_load(kind: str, scope: Scope | None, action: str = "upload") -> bool:
    """Whether `scope` may load a file of `kind` at all (for listing the kinds it may choose)."""
    return upload_areas(LoadReport(file="", kind=kind), kind, scope, action) != ()


def out_of_area_message(area: str, areas: Iterable[str]) -> str:
    return f'This row is for {area}; you may upload only for {_names(areas)}. Remove the row, or ask ' \
           f"{area}'s Quality Assurance Lead to load it."


def taken_id_message(label: str, value: Any) -> str:
    return (f'{label} "{value}" is already used by a record outside your service areas, so it cannot be '
            f"replaced from here. Check the ID: each record needs its own.")


def check_row_areas(report: LoadReport, rows: list[dict[str, Any]], areas: Areas, *, sheet: str | None,
                    column: str | None, index: int | None) -> None:
    """A located `area-not-permitted` error for each file row (`source_row`) whose `service_area`
    is outside `areas` (nothing when `areas` is None)."""
    if areas is None:
        return
    bad: dict[int, str] = {}
    for row in rows:
        if row["service_area"] is not None and row["service_area"] not in areas:
            bad.setdefault(row["source_row"], row["service_area"])
    letter = None if index is None else column_letter(index)
    where: dict[str, Any] = {"sheet": sheet, "column": column, "column_letter": letter}
    for number, area in sorted(bad.items())[:ROW_ISSUES_PER_PROBLEM]:
        report.add("area-not-permitted", out_of_area_message(area, areas), row=number, value=area, **where)
    if len(bad) > ROW_ISSUES_PER_PROBLEM:
        report.add("area-not-permitted", f"... and {len(bad) - ROW_ISSUES_PER_PROBLEM:,} more row(s) for service areas "
                   "outside yours.", **where)


def _names(areas: Iterable[str]) -> str:
    names = list(areas)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
