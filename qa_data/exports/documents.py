"""The three documents as the CLI and the Reports page offer them: their names, the formats each is
written in, the quarters they can be built for, and building one to bytes in two steps (gather the
figures into a `Report`, then lay it out), so that a caller can show progress between them.

Both steps raise what the builders and renderers raise: `figures.NoDataError` when the quarter holds
nothing in scope, ModuleNotFoundError when a renderer's library is not installed.

`record_export` writes a built document's `export` entry in the audit trail (issue 6), called by the
CLI once the file is written and by the Reports page once the document is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from qa_data import audit_trail, periods, queries
from qa_data.exports import figures
from qa_data.exports.model import Report
from qa_data.scope import Scope

EXPORT_RETRIES = 3  # attempts at an export entry that loses the race for the next entry


@dataclass(frozen=True)
class Document:
    """One report: what it is called, who it is for, its file name stem and its formats (suffixes)."""

    key: str
    title: str
    about: str
    stem: str
    formats: tuple[str, ...]
    action: str = "export_restricted"  # the permission that builds it (qa_data.roles)


DOCUMENTS: dict[str, Document] = {
    "cabinet": Document(
        "cabinet", "Cabinet key data summary",
        "The published Cabinet paper: headline figures per service area against the previous quarter and "
        "the same quarter last year, with your commentary. Small numbers are suppressed (c = 1 to 5) and no "
        "child- or worker-level data appears.",
        "cabinet_key_data_summary", (".xlsx", ".pdf"), "export_published",
    ),
    "qpc": Document(
        "qpc", "Q&PC quarterly pack",
        "For the Quality & Performance Circle: activity against plan, grade trends, strengths and areas for "
        "development, actions due and overdue, re-audits. Restricted: not for publication, not suppressed.",
        "qpc_quarterly_pack", (".xlsx", ".pdf"),
    ),
    "sef": Document(
        "sef", "ILACS self-evaluation evidence",
        "For the annual self-evaluation (SEF): per service area, what we know, how we know it and our plans "
        "for the next 12 months, as an editable Word document.",
        "ilacs_sef_evidence", (".docx",),
    ),
}
FORMATS: dict[str, tuple[str, ...]] = {key: d.formats for key, d in DOCUMENTS.items()}
FORMAT_NAMES = {".xlsx": "Excel", ".pdf": "PDF", ".docx": "Word (.docx)"}
MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# suffix -> (renderer module, function): the renderers lay a Report out; they never compute.
RENDERERS = {".xlsx": ("qa_data.exports.xlsx", "render_xlsx"), ".pdf": ("qa_data.exports.pdf", "render_pdf"),
             ".docx": ("qa_data.exports.docx", "render_docx")}


class ExportRefused(PermissionError):
    """The user may not build that document for every area in their scope."""


def may_build(scope: Scope, report: str) -> bool:
    """Whether `scope` may build `report`: its permission (Document.action) in every area it covers."""
    areas = scope.visible()
    return bool(areas) and all(scope.may(DOCUMENTS[report].action, a) for a in areas)


def gather(con: duckdb.DuckDBPyConnection, report: str, *, scope: Scope, quarter: date) -> Report:
    """Step one: the figures of `report` ("cabinet", "qpc" or "sef") for the quarter holding
    `quarter`, for the areas in `scope`. Raises ExportRefused unless `may_build`, and
    figures.NoDataError for a quarter with nothing."""
    if report not in DOCUMENTS:
        raise ValueError(f"report must be one of {sorted(DOCUMENTS)}, not {report!r}")
    if not may_build(scope, report):
        raise ExportRefused(f"{scope.user} may not build the {DOCUMENTS[report].title}")
    build: Callable[..., Report] = importlib.import_module(f"qa_data.exports.{report}").build
    return build(con, scope=scope, quarter=quarter)


def render(document: Report, suffix: str) -> bytes:
    """Step two: lay `document` out as `suffix` (.xlsx, .pdf or .docx)."""
    module_name, function = RENDERERS[suffix]
    writer: Callable[[Report], bytes] = getattr(importlib.import_module(module_name), function)
    return writer(document)


def file_name(report: str, quarter: date, suffix: str) -> str:
    """'cabinet_key_data_summary_2026-Q3.xlsx': the calendar quarter, as the CLI's --period takes it."""
    q = periods.quarter_start(quarter)
    return f"{DOCUMENTS[report].stem}_{q.year}-Q{(q.month - 1) // 3 + 1}{suffix}"


def quarters_with_data(con: duckdb.DuckDBPyConnection, *, scope: Scope, today: date) -> list[date]:
    """The quarters (first days) a report can be built for in `scope`: the complete ones newest
    first, then the quarter holding `today` if it already has data (a part quarter, offered last)."""
    found = [
        q.date() if hasattr(q, "date") else q
        for (q,) in queries.rows(con, "export_quarters", areas=scope.visible(),
                                 all_areas=figures.sees_everything(scope))
    ]
    current = periods.quarter_start(today)
    return [q for q in found if q < current] + [q for q in found if q == current]


def record_export(
    con: duckdb.DuckDBPyConnection, *, scope: Scope, report: str, quarter: date, fmt: str, size_bytes: int
) -> audit_trail.Entry:
    """Write the `export` entry for a built document, in its own transaction: actor `scope.user`,
    target the file name, detail the document, quarter, format, the areas it covers (the scope's,
    or "all") and its size in bytes; never a figure from it. Retried when a sign-in or an upload
    takes the next entry first (the write lock is not taken: an export may be built while an
    upload runs)."""
    if report not in DOCUMENTS:
        raise ValueError(f"report must be one of {sorted(DOCUMENTS)}, not {report!r}")
    areas = scope.visible()
    detail: dict[str, str | int] = {
        "report": report,
        "title": DOCUMENTS[report].title,
        "quarter": f"{periods.quarter_start(quarter):%Y-%m-%d}",
        "format": fmt,
        "areas": "all" if figures.sees_everything(scope) else ", ".join(areas),
        "size_bytes": int(size_bytes),
    }
    return audit_trail.record_alone(con, actor=scope.user, action="export", target=file_name(report, quarter, fmt),
                                    detail=detail, attempts=EXPORT_RETRIES)
