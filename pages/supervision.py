"""Supervision and management oversight: grades over time, compliance, and the teams behind them.

Supervision grades and the management-oversight quality marker over time by service area,
supervision-frequency compliance from the KPI values, and the teams whose supervision is less than
good most often, with the audits behind a chosen team.
"""

from dataclasses import replace

import streamlit as st

from pages import auth, filters, practice_charts, ui, widgets
from qa_data import periods

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("Supervision and management oversight", view)

cols = st.columns([4, 2])
picked = cols[0].multiselect(
    "Team", ui.filter_options(view.scope, view.filters)["team"], key="sv_teams", placeholder="All teams"
)
grain = cols[1].segmented_control(
    "Grain", ["month", "quarter"], key="sv_grain", default="quarter", required=True, format_func=str.capitalize
)
chosen = replace(view.filters, teams=tuple(picked))
trend = ui.supervision_trend(view.scope, chosen, grain)
if trend.empty:
    widgets.empty_state()
    st.stop()

st.subheader("Good or better over time")
st.caption(
    "% good or better of the audits where supervision (graded on every audit) and management oversight "
    "(a quality marker) were graded. Pick teams above to see them over time; hover a point for n."
)
st.plotly_chart(practice_charts.supervision_trend(trend, grain), config={"displaylogo": False})

st.subheader("Supervision in timescale")
compliance = ui.supervision_compliance(view.scope, view.filters)
if compliance.empty or compliance.latest_month is None:
    st.info(
        f"No supervision-frequency values (KPI `{compliance.kpi_code}`) loaded for this period. "
        "Upload a KPI extract on Upload data to see how often supervision happens on time.",
        icon=":material/event_busy:",
    )
else:
    change = None
    if compliance.previous_value is not None and compliance.latest_value is not None:
        change = widgets.points(compliance.latest_value - compliance.previous_value)
    cols = st.columns([1, 3])
    cols[0].metric(
        f"Supervision in timescale, {periods.month_label(compliance.latest_month)}",
        widgets.pct(compliance.latest_value),
        delta=change,
        help="Of cases due supervision in the month, the % supervised within the local standard.",
    )
    if compliance.target is not None:
        cols[0].caption(f"Target {widgets.pct(compliance.target)}.")
    cols[1].plotly_chart(practice_charts.compliance_trend(compliance.series), config={"displaylogo": False})

st.subheader("Teams by supervision less than good")
teams = ui.team_supervision(view.scope, chosen)
if teams.empty:
    st.info("No team is recorded on the audits in view.", icon=":material/groups:")
    st.stop()
worst = teams.iloc[0]
st.caption(
    f"Most often less than good: **{worst.team}** ({worst.service_area}), {worst.less_than_good:,} of "
    f"{worst.graded:,} audits ({widgets.pct(worst.less_than_good_pct)}). Less than good = Requires "
    "improvement or Inadequate."
)
st.dataframe(
    teams,
    hide_index=True,
    column_config={
        "service_area": "Service area",
        "team": "Team",
        "graded": st.column_config.NumberColumn("Audits (n)", format="%d"),
        "less_than_good": st.column_config.NumberColumn("Supervision less than good", format="%d"),
        "less_than_good_pct": widgets.pct_column("% less than good"),
        "supervision_pct": widgets.pct_column("Supervision good or better"),
        "oversight_graded": None,
        "oversight_pct": widgets.pct_column("Oversight good or better"),
    },
)

st.subheader("The audits behind a team")
team = st.selectbox("Team", teams["team"], key="sv_team")
rows = ui.team_audits(view.scope, chosen, team)
st.caption(f"{team}: {widgets.count(len(rows), 'audits')}.")
widgets.audit_table(rows)
