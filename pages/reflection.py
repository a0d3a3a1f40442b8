"""Reflection sheet: record one case audit with its reflection and agreed actions (framework
Appendix C). It is saved as an audit, checked exactly as an uploaded audit return is, and the
filled sheet can be downloaded to share with the worker."""

import pandas as pd
import streamlit as st

from pages import auth, filters, ui, widgets
from qa_data import vocab
from qa_data.reflection import MAIN_DOMAINS, OTHER_DOMAINS, ReflectionSheet, actions_from_records

ui.ensure_entry_script()
auth.require("save_reflection")
view = filters.current_view()
widgets.page_header("Reflection sheet", view, filtered=False)
st.caption(
    "One audited case: grades, feedback, strengths, areas for development, the worker's reflection and the "
    "actions agreed. It is saved as an audit (checked like an uploaded audit return); saving again with the "
    "same Audit ID replaces it."
)

slot = st.empty()  # the last save's confirmation, until the next submit
saved = st.session_state.get("qa_reflection_saved")
if saved:
    banner = slot.container()
    banner.success(saved["message"])
    for line in saved["warnings"]:
        banner.warning(line)
    banner.page_link("pages/audit_quality.py", label="See it on Audit quality", icon=":material/query_stats:")
    banner.download_button(
        "Download the filled reflection sheet", saved["data"], file_name=saved["name"], on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
        help="A printable sheet to share with the worker; its 'Audit return' sheet uploads as the same audit.",
    )

round_ = st.session_state.get("qa_reflection_round", 0)


def key(name: str) -> str:
    return f"rs_{name}_{round_}"  # a new round after a save starts an empty form


grade = {"options": vocab.GRADES, "index": None, "placeholder": "Choose a grade"}
with st.form(key("form")):
    st.subheader("Case details")
    c = st.columns(3)
    audit_id = c[0].text_input("Audit ID", key=key("audit_id"))
    audit_date = c[1].date_input("Audit date", value=None, format="DD/MM/YYYY", key=key("audit_date"))
    activity = c[2].selectbox(
        "Activity type", list(vocab.ACTIVITY_TYPES), format_func=widgets.activity_label, key=key("activity")
    )
    area = c[0].selectbox(
        "Service area", list(view.scope.areas_for("save_reflection")), index=None, key=key("area"),
        placeholder="Choose a service area", help="The service areas you may save reflection sheets for.",
    )
    team = c[1].text_input("Team", key=key("team"))
    worker = c[2].text_input("Worker", key=key("worker"))
    auditor = c[0].text_input("Auditor", key=key("auditor"))
    theme = c[1].text_input("Theme", key=key("theme"))
    child = c[2].text_input("Child ID", key=key("child"))
    reaudit = c[0].text_input("Re-audit of", key=key("reaudit"), help="The original audit's ID, if this is a re-audit.")

    st.subheader("Grades")
    g = st.columns(4)
    overall = g[0].selectbox("Overall grade", **grade, key=key("overall"))
    moderated = g[1].selectbox("Moderated grade", **grade, key=key("moderated"), help="Only when moderated.")
    st.caption("The three quality markers and supervision are graded on every audit (framework section 4).")
    g = st.columns(4)
    grades = {
        k: col.selectbox(vocab.DOMAIN_BY_KEY[k].label, **grade, key=key(k))
        for k, col in zip(MAIN_DOMAINS, g, strict=True)
    }
    with st.expander("Other domains (optional)"):
        g = st.columns(3)
        for n, k in enumerate(OTHER_DOMAINS):
            grades[k] = g[n % 3].selectbox(vocab.DOMAIN_BY_KEY[k].label, **grade, key=key(k))

    st.subheader("Feedback")
    f = st.columns(3)
    notified = f[0].radio("Worker notified", ["Yes", "No"], index=None, horizontal=True, key=key("notified"))
    given = f[1].radio("Feedback given", ["Yes", "No"], index=None, horizontal=True, key=key("given"))
    feedback_date = f[2].date_input("Feedback date", value=None, format="DD/MM/YYYY", key=key("feedback_date"))

    st.subheader("Reflection")
    strengths = st.text_area("Strengths", key=key("strengths"))
    development = st.text_area("Areas for development", key=key("development"))
    reflection = st.text_area("Worker's reflection", key=key("reflection"))

    st.subheader("Agreed actions")
    actions = st.data_editor(
        pd.DataFrame({"Action": pd.Series(dtype="str"), "Owner": pd.Series(dtype="str"),
                      "Due date": pd.Series(dtype="datetime64[s]")}),
        num_rows="dynamic", hide_index=True, width="stretch", key=key("actions"),
        column_config={"Due date": st.column_config.DateColumn("Due date", format="DD/MM/YYYY")},
    )
    submitted = st.form_submit_button("Save the reflection sheet", type="primary")

if submitted:
    sheet = ReflectionSheet(
        audit_id=audit_id, audit_date=audit_date, service_area=area or "", overall_grade=overall,
        team=team or None, worker=worker or None, auditor=auditor or None, theme=theme or None,
        activity_type=activity, child_ref=child or None, reaudit_of=reaudit or None, moderated_grade=moderated,
        domain_grades={k: v for k, v in grades.items() if v},
        worker_notified=None if notified is None else notified == "Yes",
        feedback_given=None if given is None else given == "Yes", feedback_date=feedback_date,
        strengths=strengths or None, areas_for_development=development or None,
        worker_reflection=reflection or None, actions=actions_from_records(actions.to_dict("records")),
    )
    report = ui.save_reflection(sheet, view.scope)
    if report.valid:
        ui.clear_caches()
        name, data = ui.reflection_download(sheet)
        done = "saved" if report.outcome == "loaded" else "already saved with these details; nothing changed"
        st.session_state["qa_reflection_saved"] = {
            "message": f"Audit {sheet.audit_id.strip()} {done}.", "name": name, "data": data,
            "warnings": ui.reflection_problems(report),
        }
        st.session_state["qa_reflection_round"] = round_ + 1
        st.rerun()
    st.session_state.pop("qa_reflection_saved", None)
    slot.empty()
    st.error(f"The sheet was not saved: {len(report.errors)} thing(s) to correct.")
    st.markdown("\n".join(f"- {line}" for line in ui.reflection_problems(report)))
