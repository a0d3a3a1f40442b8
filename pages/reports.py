"""Reports: build the Cabinet key data summary, the quarterly Q&PC pack and the ILACS self-evaluation
evidence for a quarter, from the data the other pages show, and download them. The Cabinet summary's
commentary is written here and stored with the quarter."""

import streamlit as st

from pages import auth, filters, report_parts, ui, widgets
from qa_data.exports.documents import DOCUMENTS, FORMAT_NAMES, may_build

ui.ensure_entry_script()
auth.require("export_published", "export_restricted")
view = filters.current_view()
widgets.page_header("Reports", view, filtered=False)

# The sidebar's service areas narrow the viewer's scope; the period slider does not apply (the quarter does).
areas = view.scope.visible(view.filters.service_areas)
scope = view.scope.narrowed(areas)
today = ui.today()
quarters = ui.report_quarters(scope, today)
if not quarters:
    st.info(
        "No audits, KPI values or survey answers loaded for these service areas yet, so there is no quarter "
        "to report on. Upload data on Upload data.",
        icon=":material/search_off:",
    )
    st.stop()

st.caption(
    f"Built for: {'all service areas' if len(areas) == len(view.scope.service_areas) else ', '.join(areas)} "
    "(the sidebar's service areas apply; its period does not: choose the quarter below)."
)
buildable = [k for k in DOCUMENTS if may_build(scope, k)]
if not buildable:
    st.info("You may not build reports for every service area chosen in the sidebar: choose fewer areas.",
            icon=":material/block:")
    st.stop()
left, middle, right = st.columns([2, 2, 1])
report = left.selectbox(
    "Document",
    options=buildable,
    format_func=lambda k: DOCUMENTS[k].title,
    key="qa_report_document",
)
quarter = middle.selectbox(
    "Quarter",
    options=quarters,
    format_func=lambda q: report_parts.quarter_label(q, today),
    key="qa_report_quarter",
    help="Quarters with audits, KPI values or survey answers; the latest complete quarter first.",
)
formats = DOCUMENTS[report].formats
suffix = right.radio(
    "Format", options=formats, format_func=lambda s: FORMAT_NAMES[s], key=f"qa_report_format_{report}",
    horizontal=True, disabled=len(formats) == 1,
)
st.caption(DOCUMENTS[report].about)

if report == "cabinet" and report_parts.commentary_boxes(scope):
    report_parts.commentary_form(scope, quarter)

report_parts.build_and_offer(report, scope, quarter, suffix)
