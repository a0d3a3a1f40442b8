"""Action plans: are the actions from audits and reviews being done? Open, overdue and completed by
area, progress over the monthly tracker snapshots, how old open actions are, and what is late."""

import plotly.graph_objects as go
import streamlit as st

from pages import auth, filters, ui, widgets

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("Action plans", view, filtered=False)
as_of = ui.actions_latest_snapshot()
if as_of is None:
    st.info(
        "No action tracker loaded yet. Upload a tracker (Action tracker) on Upload data.",
        icon=":material/search_off:",
    )
    st.stop()

# The sidebar's service areas narrow the viewer's scope; the period does not apply (one snapshot).
areas = view.scope.visible(view.filters.service_areas)
scope = view.scope.narrowed(areas)
st.caption(
    f"Tracker snapshot of {as_of:%d %b %Y}; overdue means open with a due date before it. "
    f"Showing {'all service areas' if len(areas) == len(view.scope.service_areas) else ', '.join(areas)}."
)
summary = ui.action_summary(scope, as_of)
tiles = st.columns(3, border=True)
tiles[0].metric("Open actions", f"{summary['open'].sum():,}", help="Any status but Completed.")
tiles[1].metric("Overdue", f"{summary['overdue'].sum():,}", help="Open, and due before the snapshot date.")
tiles[2].metric("Completed", f"{summary['completed'].sum():,}")

st.subheader("By service area")
st.dataframe(
    summary,
    hide_index=True,
    column_config={
        "service_area": st.column_config.TextColumn("Service area", width=250),
        "open": st.column_config.NumberColumn("Open (n)", format="%d"),
        "overdue": st.column_config.NumberColumn("Overdue (n)", format="%d"),
        "completed": st.column_config.NumberColumn("Completed (n)", format="%d"),
    },
)

left, right = st.columns(2)
with left:
    st.subheader("Burn-up")
    st.caption("Actions raised and completed so far, as each month's tracker recorded them.")
    burn = ui.action_burn_up(scope)
    fig = go.Figure()
    fig.add_scatter(x=burn["snapshot_date"], y=burn["raised"], name="Raised", mode="lines+markers")
    fig.add_scatter(x=burn["snapshot_date"], y=burn["completed"], name="Completed", mode="lines+markers")
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title="Actions",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    st.plotly_chart(fig, width="stretch")
with right:
    st.subheader("Age of open actions")
    st.caption("Days since raised, at the snapshot date.")
    ages = ui.action_ageing(scope, as_of)
    bars = go.Figure(go.Bar(x=ages["band"], y=ages["actions"], text=ages["actions"]))
    bars.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10}, yaxis_title="Open actions")
    st.plotly_chart(bars, width="stretch")

st.subheader("Overdue actions")
# Owners are staff named in the tracker: shown only to those who may read worker names in these areas.
names = ui.may_read_names(scope)
# Progress notes and agreed actions are free text (they can describe a family): for those who may read comments.
comments = ui.may_read_comments(scope)
overdue = ui.action_overdue(scope, as_of, names)
if not comments:
    overdue = overdue.drop(columns=["latest_update"])
if overdue.empty:
    st.success("No overdue actions.", icon=":material/check_circle:")
else:
    st.dataframe(
        overdue,
        hide_index=True,
        column_config={
            "action_id": "Action",
            "service_area": "Service area",
            "owner": "Owner",
            "due_date": st.column_config.DateColumn("Due", format="DD/MM/YYYY"),
            "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d"),
            "status": "Status",
            "latest_update": st.column_config.TextColumn("Latest update", width="large"),
        },
    )

st.subheader("Actions from one audit or review")
sources = ui.action_sources(scope)
source = st.selectbox("Audit id or review", sources["source"], index=None, placeholder="Choose an audit or review")
if source is not None:
    tracked = ui.audit_actions(scope, source, names)
    if not comments:
        tracked = tracked.drop(columns=["latest_update"])
    if tracked.empty:
        st.caption("No actions for it on the latest tracker.")
    else:
        st.dataframe(tracked, hide_index=True)
    agreed = ui.agreed_actions(scope, source, names)
    if not agreed.empty and comments:
        st.caption("Agreed with the worker on the audit's reflection sheet:")
        st.dataframe(
            agreed,
            hide_index=True,
            column_config={
                "seq": st.column_config.NumberColumn("#", format="%d"),
                "action": st.column_config.TextColumn("Action", width="large"),
                "owner": "Owner",
                "due_date": st.column_config.DateColumn("Due", format="DD/MM/YYYY"),
            },
        )
