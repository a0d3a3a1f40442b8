"""Upload data: say what the files are, check them, load the valid ones, and see every upload so far."""

import streamlit as st

from pages import auth, filters, ui, uploads, widgets
from qa_data import loads

ui.ensure_entry_script()
auth.require("upload")
view = filters.current_view()
widgets.page_header("Upload data", view, filtered=False)

for report in st.session_state.pop("qa_upload_outcomes", []):
    uploads.show_outcome(report)

kinds = uploads.kinds_for(ui.current_scope())
uploads.scope_caption(ui.current_scope(), kinds)
kind = st.radio(
    "What are the files?", kinds, format_func=uploads.KIND_LABELS.get, horizontal=True,
    key="qa_upload_kind", help="Each kind is checked against its own layout.",
)
uploads.template_download(kind)
options = uploads.load_options(kind, uploads.date_option(kind))

round_ = st.session_state.get("qa_upload_round", 0)
files = st.file_uploader(
    f"{uploads.KIND_LABELS[kind]} (.xlsx or .csv): one or more files",
    type=["xlsx", "csv"],
    accept_multiple_files=True,
    key=f"qa_uploader_{round_}",
    help="Each file is checked first; nothing is written until you press Load.",
)
checked = uploads.check_uploads(files or [], kind, options)
for _, report in checked:
    uploads.show_check(report)

valid = [[(u.name, u.getvalue()) for u in group] for group, r in checked if r.valid]
if checked:
    st.caption("Rejected files are never loaded: fix them and upload them again.")
    if st.button(f"Load {sum(map(len, valid))} valid file(s)", type="primary", disabled=not valid):
        st.session_state["qa_upload_outcomes"] = uploads.load_files(valid, kind, options)
        st.session_state["qa_upload_round"] = round_ + 1  # empties the uploader
        st.rerun()

st.subheader("Load history")
history = loads.visible_history(ui.load_history(), view.scope)
if history.empty:
    st.info("Nothing has been uploaded yet.")
else:
    st.dataframe(
        history,
        hide_index=True,
        column_order=[
            "loaded_at",
            "file_name",
            "outcome",
            "loaded_by",
            "rows_read",
            "rows_loaded",
            "rows_replaced",
            "errors",
            "warnings",
        ],
        column_config={
            "loaded_at": st.column_config.DatetimeColumn("When", format="DD MMM YYYY HH:mm"),
            "file_name": "File",
            "outcome": "Outcome",
            "loaded_by": "By",
            "rows_read": "Rows read",
            "rows_loaded": "Rows loaded",
            "rows_replaced": "Rows replaced",
            "errors": "Errors",
            "warnings": "Warnings",
        },
    )
