"""QA Insight: the entry script. `streamlit run app.py`.

Sets the page config once, lists the pages with st.navigation, and draws the global filters
(period and service areas, bound to the URL) that every page reads through `pages.filters.current_view()`.
"""

import streamlit as st

from pages import filters, ui


def main() -> None:
    """Draw the app: page config, navigation, sidebar filters, then the chosen page."""
    st.set_page_config(page_title="QA Insight", page_icon="📋", layout="wide")
    # Grouped as leaders ask the questions: how good is practice, how do the numbers look, is improvement
    # happening, the reports that go to Cabinet, the Q&PC and Ofsted, and the QAL's own tasks last.
    page = st.navigation(
        {
            "": [st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True)],
            "Quality of practice": [
                st.Page("pages/audit_quality.py", title="Audit quality", icon=":material/query_stats:"),
                st.Page("pages/supervision.py", title="Supervision", icon=":material/supervisor_account:"),
                st.Page("pages/observations.py", title="Practice observations", icon=":material/visibility:"),
                st.Page("pages/voice.py", title="Voice of children and families",
                        icon=":material/record_voice_over:"),
            ],
            "Performance": [st.Page("pages/scorecard.py", title="Scorecard", icon=":material/speed:")],
            "Improvement": [
                st.Page("pages/actions.py", title="Action plans", icon=":material/checklist:"),
                st.Page("pages/programme.py", title="Audit programme", icon=":material/event_note:"),
            ],
            "Reports": [st.Page("pages/reports.py", title="Reports", icon=":material/description:")],
            "Record and upload": [
                st.Page("pages/reflection.py", title="Reflection sheet", icon=":material/rate_review:"),
                st.Page("pages/upload.py", title="Upload data", icon=":material/upload_file:"),
            ],
            "Administration": [
                st.Page("pages/admin.py", title="Administration", icon=":material/admin_panel_settings:"),
            ],
        }
    )
    filters.sidebar_filters()
    if ui.demo_mode():
        st.sidebar.caption(":material/info: Demo mode: sample data, all service areas")
    page.run()


# Streamlit runs the entry script as __main__; a page imports it as `app` (ui.ensure_entry_script).
if __name__ == "__main__":
    main()
