"""The pages' one door to the app's state: the entry-script guard, and (re-exported, so that pages
call `ui.<name>`) who is looking (pages.session), the cached connection and queries (pages.cached),
what users write (pages.authoring) and the administration and upload data (pages.admin_data).
Nothing here runs at import time.

The modules depend one way: session <- cached <- authoring, admin_data <- ui. Tests patch names
here (`pages.ui.current_scope`, `pages.ui.today`): pages must call them as `ui.<name>`.
"""

from __future__ import annotations

import streamlit as st

# Re-exported names: each module's __all__ lists them.
from pages.admin_data import *  # noqa: F403
from pages.authoring import *  # noqa: F403
from pages.cached import *  # noqa: F403
from pages.session import *  # noqa: F403


def ensure_entry_script() -> None:
    """Make sure app.py (page config, filters, navigation) runs before this page, then draw it.

    A folder named `pages/` beside the entry script (this project's fixed layout) makes Streamlit
    run the first session after a start, and every AppTest run, in its legacy multipage mode: a
    deep link runs the page file alone, without app.py, and every module in pages/ is listed as a
    page. Streamlit leaves that mode for good once st.navigation is called; here the page calls
    app.main() itself (which calls st.navigation and runs this page again, normally) and stops.
    No rerun, so a click that started this run is not lost. Written against streamlit 1.67
    (PagesManager.uses_pages_directory); tests/test_pages.py and the browser test cover it."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        import app  # the entry script as a module: defines main() and runs nothing on import

        app.main()
        st.stop()

