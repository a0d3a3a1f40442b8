"""Loaders: read the month's exports, validate every row, and write them to the QA Insight
database in one transaction. One module per kind of file; all return a `LoadReport`.

Depends on `qa_data` (schema and vocabularies), never on streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from loaders.actions import load_actions
from loaders.annex_a import load_annex_a
from loaders.audit_plan import load_audit_plan
from loaders.audits import load_audits
from loaders.catalogue import load_catalogue
from loaders.comparators import load_comparators
from loaders.complaints import load_complaints
from loaders.kpi_extract import load_kpi_extract
from loaders.report import Issue, LoadReport
from loaders.surveys import load_surveys
from loaders.workbook import Source

Loader = Callable[..., LoadReport]

# Every kind of upload the product reads, by the name the CLI and the Upload page use.
KINDS: dict[str, Loader] = {
    "audits": load_audits,
    "kpis": load_kpi_extract,
    "comparators": load_comparators,
    "annex_a": load_annex_a,
    "catalogue": load_catalogue,
    "surveys": load_surveys,
    "complaints": load_complaints,
    "actions": load_actions,
    "audit_plan": load_audit_plan,
}


def load_file(
    con: duckdb.DuckDBPyConnection,
    source: Source | str | Path | Sequence[Source],
    *,
    kind: str = "audits",
    **options: object,
) -> LoadReport:
    """Load one upload of the given kind (see `KINDS`); options go to that kind's loader. An upload
    is one file, or for Annex A a list of files (one CSV per list) loaded together."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if isinstance(source, (list, tuple)):
        if kind != "annex_a":
            raise ValueError(f"only annex_a takes several files as one upload, not {kind!r}")
        return KINDS[kind](con, list(source), **options)
    src = source if isinstance(source, Source) else Source.from_path(source)  # type: ignore[arg-type]
    return KINDS[kind](con, src, **options)


__all__ = ["KINDS", "Issue", "LoadReport", "Source", "load_audits", "load_file"]
