"""Practice observations: results by what was observed (the setting) and by theme, the trend of
% good or better per setting, and the grade mix in grade colours."""

import streamlit as st

from pages import auth, filters, practice_charts, ui, widgets

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("Practice observations", view)

grain = st.segmented_control(
    "Grain", ["month", "quarter"], key="ob_grain", default="quarter", required=True, format_func=str.capitalize
)
settings = ui.observation_summary(view.scope, view.filters, "setting")
if settings.empty:
    st.info(
        "No practice observations in this period for these service areas. Widen the period, or upload a "
        "return with activity type 'Observation' on Upload data.",
        icon=":material/search_off:",
    )
    st.stop()

st.caption(f"{widgets.GOOD_OR_BETTER} Observations only (activity type 'Observation').")
summary_config = {
    "observations": st.column_config.NumberColumn("Observations (n)", format="%d"),
    "good_or_better": st.column_config.NumberColumn("Good or better (n)", format="%d"),
    "pct": widgets.pct_column("Good or better"),
}
left, right = st.columns(2)
with left:
    st.subheader("By what was observed")
    st.dataframe(settings, hide_index=True, column_config={"value": "Setting", **summary_config})
with right:
    st.subheader("By theme")
    st.dataframe(
        ui.observation_summary(view.scope, view.filters, "theme"),
        hide_index=True,
        column_config={"value": "Theme", **summary_config},
    )

st.subheader("Good or better over time, by setting")
st.caption("Hover a point for the number of observations behind it; small n swing widely.")
st.plotly_chart(
    practice_charts.observation_trend(ui.observation_trend(view.scope, view.filters, grain), grain),
    config={"displaylogo": False},
)

st.subheader("Grade mix by setting")
st.caption("Final grades of the observations in the period (the moderator's grade when moderated).")
st.plotly_chart(
    practice_charts.observation_grade_mix(ui.observation_grade_mix(view.scope, view.filters)),
    config={"displaylogo": False},
)
