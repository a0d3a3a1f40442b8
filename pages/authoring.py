"""What a user writes through the pages: reflection sheets, report commentary, and built reports
(each build recorded as an export). Not cached: saving writes, and a document depends on the viewer
and on the commentary. Pages reach these through pages.ui.
"""

from __future__ import annotations

from datetime import date

from loaders import reflection
from loaders.report import LoadReport
from pages.cached import connection
from qa_data import commentary
from qa_data.exports import documents
from qa_data.exports.model import Report
from qa_data.reflection import ReflectionSheet
from qa_data.scope import Scope

__all__ = [
    "save_reflection", "reflection_problems", "reflection_download", "report_commentary", "save_commentary",
    "gather_report", "render_report",
]


# --- Reflection sheets (loaders.reflection; not cached: saving writes) ------------------------------
def save_reflection(sheet: ReflectionSheet, scope: Scope) -> LoadReport:
    """Check and save one reflection sheet as `scope`'s user; see loaders.reflection.save_reflection."""
    return reflection.save_reflection(connection(), sheet, scope=scope, loaded_by=scope.user)


def reflection_problems(report: LoadReport) -> list[str]:
    """The report's issues as sentences located on the form."""
    return reflection.problems(report)


def reflection_download(sheet: ReflectionSheet) -> tuple[str, bytes]:
    """The filled reflection sheet to share with the worker: (file name, .xlsx bytes)."""
    return reflection.file_name(sheet), reflection.reflection_xlsx(sheet)


# --- Reports and their commentary (not cached: a document depends on the viewer and on commentary) --
def report_commentary(scope: Scope, report: str, quarter: date) -> dict[tuple[str, str], commentary.Comment]:
    """The commentary saved for `report` and `quarter` that `scope` may see, by (service area, field)."""
    return commentary.get_commentary(connection(), scope=scope, report=report, quarter=quarter)


def save_commentary(scope: Scope, report: str, quarter: date, service_area: str, field: str, text: str) -> None:
    """Save one commentary field as `scope`'s user (blank removes it); raises commentary.CommentaryRefused
    outside the scope and ValueError for text that is too long."""
    commentary.set_commentary(connection(), scope=scope, report=report, quarter=quarter,
                              service_area=service_area, field=field, text=text)



def gather_report(report: str, scope: Scope, quarter: date) -> Report:
    """Step one of a build: the document's figures (raises figures.NoDataError for an empty quarter)."""
    return documents.gather(connection(), report, scope=scope, quarter=quarter)


def render_report(document: Report, suffix: str, *, report: str, quarter: date, scope: Scope) -> bytes:
    """Step two of a build: the document laid out as .xlsx, .pdf or .docx, and its `export` entry in
    the audit trail (the built document is the export: the browser downloads this copy). `report`,
    `quarter` and `scope` are what `gather_report` was given."""
    data = documents.render(document, suffix)
    documents.record_export(connection(), scope=scope, report=report, quarter=quarter, fmt=suffix,
                            size_bytes=len(data))
    return data


