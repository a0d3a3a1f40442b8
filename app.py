"""QA Insight: the entry script. `streamlit run app.py`.

Sets the page config once, signs the viewer in (pages.auth), lists the pages their roles allow with
st.navigation, and draws the global filters (period and service areas, bound to the URL) that every
page reads through `pages.filters.current_view()`.
"""

import streamlit as st

from pages import auth, filters
from qa_data.scope import Scope

VIEW = ("view",)
# Every page: (section, script, title, icon, the actions that open it: any one of them, in at least
# one area). Grouped as leaders ask the questions: how good is practice, how do the numbers look, is
# improvement happening, the reports that go to Cabinet, the Q&PC and Ofsted, and the QAL's own tasks
# last. Each gated page checks the same actions again itself (auth.require).
PAGES: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("", "pages/overview.py", "Overview", ":material/dashboard:", VIEW),
    ("Quality of practice", "pages/audit_quality.py", "Audit quality", ":material/query_stats:", VIEW),
    ("Quality of practice", "pages/supervision.py", "Supervision", ":material/supervisor_account:", VIEW),
    ("Quality of practice", "pages/observations.py", "Practice observations", ":material/visibility:", VIEW),
    ("Quality of practice", "pages/voice.py", "Voice of children and families", ":material/record_voice_over:",
     VIEW),
    ("Performance", "pages/scorecard.py", "Scorecard", ":material/speed:", VIEW),
    ("Improvement", "pages/actions.py", "Action plans", ":material/checklist:", VIEW),
    ("Improvement", "pages/programme.py", "Audit programme", ":material/event_note:", VIEW),
    ("Reports", "pages/reports.py", "Reports", ":material/description:", ("export_published", "export_restricted")),
    ("Record and upload", "pages/reflection.py", "Reflection sheet", ":material/rate_review:", ("save_reflection",)),
    ("Record and upload", "pages/upload.py", "Upload data", ":material/upload_file:", ("upload",)),
    ("Administration", "pages/admin.py", "Administration", ":material/admin_panel_settings:",
     ("manage_users", "view_audit_trail", "backup")),
]


def allowed_pages(scope: Scope) -> dict[str, list[tuple[str, str, str]]]:
    """The navigation `scope` may see: section -> [(script, title, icon)], sections in PAGES order."""
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for section, script, title, icon, needs in PAGES:
        if any(scope.may(action) for action in needs):
            sections.setdefault(section, []).append((script, title, icon))
    return sections


def main() -> None:
    """Draw the app: page config, sign-in, navigation, sidebar filters, then the chosen page."""
    st.set_page_config(page_title="QA Insight", page_icon="📋", layout="wide")
    scope = auth.gate()
    if scope is None:
        return  # the sign-in form (or why not) was the page
    sections = {
        section: [st.Page(script, title=title, icon=icon, default=script == PAGES[0][1])
                  for script, title, icon in pages]
        for section, pages in allowed_pages(scope).items()
    }
    if not sections:
        auth.no_data(scope)
        return
    chosen = st.navigation(sections)
    filters.sidebar_filters()
    auth.sidebar()
    chosen.run()


# Streamlit runs the entry script as __main__; a page imports it as `app` (ui.ensure_entry_script).
if __name__ == "__main__":
    main()
