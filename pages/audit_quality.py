"""Audit quality: % good or better over time by service area, the grade mix, the quality markers
and supervision, and a drill-down to the audits behind any point."""

from dataclasses import replace

import streamlit as st

from pages import auth, charts, filters, ui, widgets
from qa_data import view_params

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("Audit quality", view)
options = ui.filter_options(view.scope, view.filters)

cols = st.columns([3, 3, 3, 2])
teams = cols[0].multiselect("Team", options["team"], key="aq_team", placeholder="All teams")
types = cols[1].multiselect(
    "Activity type",
    options["activity_type"],
    key="aq_type",
    format_func=widgets.activity_label,
    placeholder="All activity types",
)
themes = cols[2].multiselect("Theme", options["theme"], key="aq_theme", placeholder="All themes")
grain = cols[3].segmented_control(
    "Grain",
    ["month", "quarter"],
    key="aq_grain",
    default="month",
    required=True,
    format_func=str.capitalize,
)
filters = replace(view.filters, teams=tuple(teams), activity_types=tuple(types), themes=tuple(themes))
trend = ui.grade_trend(view.scope, filters, grain)

if trend.empty:
    widgets.empty_state()
    st.stop()

st.subheader("Good or better over time")
st.caption(f"{widgets.GOOD_OR_BETTER} Hover a point for the number of audits behind it.")
st.plotly_chart(charts.good_or_better_trend(trend, grain), config={"displaylogo": False})

st.subheader("Quality markers and supervision")
st.caption("% good or better of the activities where each was graded (framework section 4).")
widgets.domain_panel(ui.domain_summary(view.scope, filters))

st.subheader("Grade mix by service area")
st.caption("Final grades of all activities in the period (the moderator's grade when moderated).")
st.plotly_chart(charts.grade_mix_bars(ui.grade_mix(view.scope, filters)), config={"displaylogo": False})

st.subheader("The audits behind a point")
pick = st.columns(2)
period = pick[0].selectbox(
    "Period",
    view_params.period_starts(filters, grain),
    key=f"aq_period_{grain}",
    format_func=lambda d: view_params.period_label(d, grain),
)
area = pick[1].selectbox(
    "Service area",
    [charts.ALL_AREAS, *view.scope.visible(filters.service_areas)],
    key="aq_area",
)
rows = ui.audit_list(view.scope, filters, period, grain, None if area == charts.ALL_AREAS else area)
st.caption(f"{area}, {view_params.period_label(period, grain)}: {widgets.count(len(rows), 'audits')}.")
if rows.empty:
    st.info("No audits for this period and service area with these filters.")
else:
    widgets.audit_table(rows)
