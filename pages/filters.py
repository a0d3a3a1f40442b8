"""The global filters: the period and service areas in the sidebar, bound to the URL so that a link
reproduces the view. app.py draws them once per run; pages read the result with current_view()."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from pages import ui
from qa_data import periods
from qa_data.audits import AuditFilter, DataAsOf
from qa_data.scope import Scope
from qa_data.view_params import default_period, month_options, parse_view_params

_VIEW_KEY = "_qa_view"
_URL_KEY = "_qa_url_written"


@dataclass(frozen=True)
class View:
    """What the sidebar chose for this run: who is looking, the filters, and the data's range."""

    scope: Scope
    filters: AuditFilter
    as_of: DataAsOf


def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in ("from", "to", "area")}


def sidebar_filters() -> View:
    """Draw the period and service-area filters in the sidebar, seeded from the URL when the URL
    carries a view this session did not write (a shared link), and keep the URL in step."""
    scope = ui.current_scope()
    as_of = ui.data_as_of(scope)
    months = month_options(as_of)
    incoming = _url_params()
    written = st.session_state.get(_URL_KEY)
    period = st.session_state.get("qa_period")
    # Seed from the URL on a session's first run, or when the URL carries a view this session did
    # not write (history navigation). Page navigation clears the URL: an empty query keeps the view.
    if written is None or (any(incoming.values()) and incoming != written):
        period, wanted, problems = parse_view_params(incoming, months, scope)
        st.session_state["qa_areas"] = list(wanted)
        if "qa_period" in st.session_state:
            st.session_state["qa_period"] = period
        for problem in problems:
            st.warning(f"Link not fully understood: {problem}", icon=":material/link_off:")
    default = default_period(months)
    if not period or (months and not all(m in months for m in period)):
        period = default  # no view yet, or the data's range moved
    elif tuple(period) == tuple(st.session_state.get("qa_default_period", ())) and period != default:
        # The view was the default (the latest 12 months) and a new month has been loaded: follow it.
        period = default
        st.session_state["qa_period"] = period
    st.session_state["qa_default_period"] = default
    with st.sidebar:
        if months:
            # `value` makes it a range slider and is its first value; the key keeps it after that.
            start, end = st.select_slider(
                "Period",
                options=months,
                value=period,
                key="qa_period",
                format_func=periods.month_label,
                help="Audits dated in these months (inclusive).",
            )
        else:
            start, end = period
            st.caption("Period: no audits loaded yet.")
        areas = st.multiselect(
            "Service areas",
            options=list(scope.service_areas),
            key="qa_areas",
            placeholder="All service areas",
            help="Leave empty for all the service areas you can see.",
        )
    url = {"from": [f"{start:%Y-%m}"], "to": [f"{end:%Y-%m}"], "area": list(areas)}
    if url != incoming:
        st.query_params["from"], st.query_params["to"] = url["from"][0], url["to"][0]
        if areas:
            st.query_params["area"] = areas
        elif "area" in st.query_params:
            del st.query_params["area"]
    st.session_state[_URL_KEY] = url
    view = View(
        scope, AuditFilter(start=start, end=periods.month_end(end), service_areas=tuple(areas)), as_of
    )
    st.session_state[_VIEW_KEY] = view
    return view


def current_view() -> View:
    """The view the entry script chose this run (pages call this, app.py sets it)."""
    return st.session_state[_VIEW_KEY]
