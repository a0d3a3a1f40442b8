"""The Reports page's pieces: the quarter labels, the Cabinet commentary form and building a document
with its progress shown. Built documents are kept in this session only (they depend on the viewer's
scope and on the commentary), keyed by (document, quarter, format, scope)."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from pages import ui
from qa_data import commentary, periods
from qa_data.exports import figures
from qa_data.exports.documents import DOCUMENTS, MIME_TYPES, file_name
from qa_data.scope import Scope

BUILT_KEY = "qa_reports_built"
# The commentary the Cabinet summary prints: council-wide, a headline; per area, beside each table.
CABINET_FIELDS = {
    "headline": "Headline",
    "audits": "Audits",
    "kpis": "Key indicators",
    "voice": "What children and families say",
    "actions": "Overdue actions",
}
BuildKey = tuple[str, date, str, Scope]


def quarter_label(q: date, today: date) -> str:
    """'Jul-Sep 2026 (Q2 2026-27)', marked when the quarter is not over yet."""
    label = periods.quarter_period_label(q)
    return label + ", to date (quarter not over)" if q == periods.quarter_start(today) else label


def _built() -> dict[BuildKey, bytes]:
    found: dict[BuildKey, bytes] = st.session_state.setdefault(BUILT_KEY, {})
    return found


def commentary_boxes(scope: Scope) -> list[tuple[str, str]]:
    """(service area, field) of each box the viewer may write: council-wide when they see every area (and
    may write commentary in every one), then each area they see and may write for."""
    council = figures.sees_everything(scope) and commentary.may_write(scope, commentary.COUNCIL_WIDE)
    boxes = [(commentary.COUNCIL_WIDE, "headline")] if council else []
    return boxes + [(area, field) for area in scope.visible() if commentary.may_write(scope, area)
                    for field in CABINET_FIELDS]


def commentary_form(scope: Scope, quarter: date) -> None:
    """A text area per commentary field the Cabinet summary reads, prefilled, saved with one button."""
    stored = ui.report_commentary(scope, "cabinet", quarter)
    boxes = commentary_boxes(scope)
    texts: dict[tuple[str, str], str] = {}
    with st.form("qa_cabinet_commentary"):
        st.markdown(f"**Commentary for {periods.quarter_label(quarter)}** (printed beside the figures; "
                    f"up to {commentary.MAX_LENGTH:,} characters each)")
        for area in dict.fromkeys(a for a, _ in boxes):
            saved = [c for (a, _), c in stored.items() if a == area]
            with st.expander(area, expanded=bool(saved) or area == commentary.COUNCIL_WIDE):
                if saved:
                    last = max(saved, key=lambda c: c.written_at)
                    st.caption(f"Last saved by {last.written_by}, {last.written_at:%d %b %Y %H:%M}.")
                for field in (f for a, f in boxes if a == area):
                    found = stored.get((area, field))
                    texts[(area, field)] = st.text_area(
                        CABINET_FIELDS[field], value=found.text if found else "", height=80,
                        key=f"qa_comment_{quarter:%Y%m}_{area}_{field}",
                    )
        submitted = st.form_submit_button("Save commentary", icon=":material/save:")
    if not submitted:
        return
    changed = {k: t for k, t in texts.items() if t.strip() != (stored[k].text if k in stored else "")}
    if not changed:
        st.info("No changes to save.")
        return
    try:
        for (area, field), text in changed.items():
            ui.save_commentary(scope, "cabinet", quarter, area, field, text)
    except (commentary.CommentaryRefused, ValueError) as exc:
        st.error(f"Not saved: {exc}", icon=":material/error:")
        return
    _built().clear()  # documents built before now lack the new commentary
    st.success(f"{len(changed)} commentary field{'s' if len(changed) != 1 else ''} saved by {scope.user}, "
               f"{datetime.now():%d %b %Y %H:%M}.", icon=":material/check_circle:")


def build_and_offer(report: str, scope: Scope, quarter: date, suffix: str) -> None:
    """The Build button (progress in steps), then the download of the built document."""
    key: BuildKey = (report, quarter, suffix, scope)
    built = _built()
    if st.button("Build", type="primary", icon=":material/build:"):
        with st.status(f"Building the {DOCUMENTS[report].title}...", expanded=True) as status:
            try:
                st.write("Gathering figures...")
                document = ui.gather_report(report, scope, quarter)
                st.write("Laying out...")
                built[key] = ui.render_report(document, suffix, report=report, quarter=quarter, scope=scope)
            except figures.NoDataError as exc:
                status.update(label="Not built: no data", state="error")
                st.error(f"Cannot build: {exc}.", icon=":material/error:")
                return
            st.write("Done.")
            status.update(label=f"Built the {DOCUMENTS[report].title}", state="complete", expanded=False)
    if key in built:
        name = file_name(report, quarter, suffix)
        st.download_button(f"Download {name}", data=built[key], file_name=name, mime=MIME_TYPES[suffix],
                           icon=":material/download:", type="primary", on_click="ignore")
