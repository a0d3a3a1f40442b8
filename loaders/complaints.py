"""The complaints and compliments loader: one row per complaint or compliment received, with its
date (day first), service area, category, stage (1, 2, 3 or Ombudsman, complaints only) and whether
it was upheld (partially upheld counts as upheld, as the LGSCO reports it; blank: no outcome yet).

Same report type and rules as the other loaders: every problem located, any error rejects the file
and writes nothing, loading twice changes nothing. A log covers whole months, so a re-upload
replaces the stored complaints and compliments of the months the file covers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from loaders import cells
from loaders.report import LoadReport, column_letter
from loaders.table_loader import load_table, map_columns
from loaders.workbook import RawTable, Source
from loaders.writer import replace_months
from qa_data import vocab
from qa_data.scope import Scope

KIND = "complaints"
_ALIASES = {
    "reference": ("reference", "ref", "complaint ref", "case ref", "id"),
    "record_type": ("type", "record type", "complaint or compliment", "feedback type"),
    "received_date": ("date", "date received", "received", "received date"),
    "service_area": ("service area", "service", "area"),
    "category": ("category", "subject", "theme", "issue"),
    "stage": ("stage", "complaint stage"),
    "upheld": ("upheld", "outcome", "upheld or not", "finding"),
}
_REQUIRED = ("record_type", "received_date", "service_area")
_LABELS = {
    "record_type": "Type",
    "received_date": "Date",
    "service_area": "Service area",
    "stage": "Stage",
    "upheld": "Upheld",
}
_LOOKUP = {vocab.normalise_label(a): name for name, aliases in _ALIASES.items() for a in aliases}
_TYPES_OF_RECORD = {
    "complaint": "complaint",
    "complaints": "complaint",
    "compliment": "compliment",
    "compliments": "compliment",
    "thanks": "compliment",
    "praise": "compliment",
}
_STAGES = {
    "1": "1",
    "stage 1": "1",
    "2": "2",
    "stage 2": "2",
    "3": "3",
    "stage 3": "3",
    "ombudsman": "ombudsman",
    "lgo": "ombudsman",
    "lgsco": "ombudsman",
    "local government ombudsman": "ombudsman",
    "local government and social care ombudsman": "ombudsman",
}
_UPHELD = {
    "upheld": True,
    "partially upheld": True,
    "partly upheld": True,
    "yes": True,
    "y": True,
    "not upheld": False,
    "no": False,
    "n": False,
}
_COLS = ("reference", "record_type", "received_date", "service_area", "category", "stage", "upheld")
_ARROW = (pa.string(), pa.string(), pa.date32(), pa.string(), pa.string(), pa.string(), pa.bool_())


def header_score(headers: list[str]) -> int:
    return sum(1 for h in headers if vocab.normalise_label(h) in _LOOKUP)


def load_complaints(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    loaded_by: str = "unknown",
    scope: Scope | None = None,
    dry_run: bool = False,
    record_rejected: bool = False,
    today: date | None = None,
    progress: Any = None,
) -> LoadReport:
    """Validate a complaints and compliments log and, unless `dry_run` or it has errors, write
    `complaints` (replacing the months the file covers)."""
    return load_table(
        con,
        source,
        kind=KIND,
        score=header_score,
        read=_read,
        write=_write,
        loaded_by=loaded_by,
        dry_run=dry_run,
        record_rejected=record_rejected,
        min_score=3,
        scope=scope,
        lookup=_LOOKUP,
    )


def _read(raw: RawTable, report: LoadReport, cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = map_columns(raw, report, _LOOKUP, _REQUIRED, _LABELS)
    if not report.valid:
        return []
    table = raw.table.to_pydict()
    out: list[dict[str, Any]] = []
    for i, row in enumerate(table["_row"]):
        cell = {n: table[f"c{idx}"][i] for n, idx in columns.items()}
        if all(cells.is_blank(v) for v in cell.values()):
            continue
        before = len(report.errors)

        def bad(code: str, message: str, name: str, row: int = row, cell: dict[str, Any] = cell) -> None:
            idx = columns[name]
            report.add(
                code,
                message,
                sheet=raw.sheet,
                row=row,
                column=raw.headers.get(idx),
                column_letter=column_letter(idx),
                value=None if cell[name] is None else str(cell[name]),
            )

        kind = _TYPES_OF_RECORD.get(vocab.normalise_label(cell["record_type"] or ""))
        if kind is None:
            bad("unknown-type", f'"{cell["record_type"]}" is not Complaint or Compliment.', "record_type")
        try:
            received = cells.parse_date(cell["received_date"], date1904=raw.date1904)
        except ValueError:
            received = None
        if received is None:
            bad("bad-date", f'"{cell["received_date"]}" is not a date (day first, e.g. 03/04/2026).', "received_date")
        area = vocab.canonical_service_area(cell["service_area"] or "")
        if area is None:
            bad(
                "unknown-service-area",
                f'"{cell["service_area"]}" is not one of the seven service areas.',
                "service_area",
            )
        stage = upheld = None
        if kind == "complaint":
            stage = _STAGES.get(vocab.normalise_label(cell.get("stage") or ""))
            if "stage" in columns and stage is None:
                bad("unknown-stage", f'"{cell["stage"]}" is not a complaint stage. Use 1, 2, 3 or Ombudsman.', "stage")
            text = cell.get("upheld")
            if text is not None and not cells.is_blank(text):
                upheld = _UPHELD.get(vocab.normalise_label(text))
                if upheld is None:
                    bad("unknown-outcome", f'"{text}" is not Upheld, Partially upheld or Not upheld.', "upheld")
        if len(report.errors) == before:
            out.append(
                {
                    "reference": cells.clean_text(cell.get("reference")),
                    "record_type": kind,
                    "received_date": received,
                    "service_area": area,
                    "category": cells.clean_text(cell.get("category")),
                    "stage": stage,
                    "upheld": upheld,
                    "source_row": row,
                }
            )
    return out


def _write(cur: duckdb.DuckDBPyConnection, report: LoadReport, rows: list[dict[str, Any]], loaded_by: str,
           areas: tuple[str, ...] | None = None) -> None:
    arrays = {c: pa.array([r[c] for r in rows], t) for c, t in zip(_COLS, _ARROW, strict=True)}
    arrays["source_row"] = pa.array([r["source_row"] for r in rows], pa.int32())
    cur.register("new_complaints", pa.table(arrays))
    months = sorted({r["received_date"].replace(day=1) for r in rows})
    cols = ", ".join(_COLS)
    in_months = "date_trunc('month', received_date) in (select unnest($months))"
    try:
        replace_months(cur, report, loaded_by=loaded_by, table="complaints", staged="new_complaints", content=cols,
                       columns=f"{cols}, source_row", in_months=in_months, months=months, areas=areas)
    finally:
        cur.unregister("new_complaints")
