"""Scorecard: every KPI for the month at the end of the period, against its target and comparators,
then the SPC chart and team breakdown behind the KPI you choose."""

import streamlit as st

from pages import auth, filters, kpi_charts, ui, widgets
from qa_data import council, periods, scorecard, spc

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("KPI scorecard", view)
st.caption(widgets.kpi_data_as_of_text(ui.kpi_data_as_of()))
month = periods.month_start(view.filters.end)
areas = view.scope.visible(view.filters.service_areas)
area = areas[0] if len(view.filters.service_areas) == 1 and len(areas) == 1 else None
card = ui.kpi_scorecard(view.scope, month, area)

if not scorecard.allowed_area(view.scope, area):
    st.info("Council-wide KPIs are for those who see every service area: choose one of your service "
            "areas in the sidebar.", icon=":material/lock:")
    st.stop()
if card.empty or card["value"].isna().all():
    st.info(
        "No KPI values loaded for this month and area yet. Upload a KPI extract or an Annex A workbook on "
        "Upload data.",
        icon=":material/search_off:",
    )
    st.stop()

st.caption(
    f"{periods.month_label(month)}, {area or 'council-wide'}: each KPI's latest value up to this month, "
    "the change on the month before (better or worse by the KPI's direction), its RAG against target, "
    "its SPC variation and assurance icons, and the latest published comparators."
)
st.dataframe(
    kpi_charts.scorecard_table(card),
    hide_index=True,
    height="content",
    column_config={
        "KPI": st.column_config.TextColumn("KPI", pinned=True, width=270),
        "Latest": st.column_config.TextColumn("Latest", help="The latest value up to the chosen month."),
        "Change": st.column_config.TextColumn(
            "Change", width=140, help="On the previous month with a value: arrow = movement; better/worse "
            "by the KPI's direction (for % KPIs in percentage points)."
        ),
        "Target": st.column_config.TextColumn("Target", width=70),
        "RAG": st.column_config.TextColumn(
            "RAG", width=80, help="Green: target met; amber: within the KPI's tolerance; red: beyond it."
        ),
        "Variation": st.column_config.TextColumn(
            "Variation", width=130, help="Making Data Count: the latest month's signal on the KPI's SPC chart."
        ),
        "Assurance": st.column_config.TextColumn(
            "Assurance", width=120, help="Making Data Count: will the target be met, by the SPC chart's limits?"
        ),
        "Last 12 months": st.column_config.LineChartColumn(
            "Last 12 months", width=130, help="Monthly values, oldest first."
        ),
        "SN": st.column_config.TextColumn("Stat. neighbours", help="Statistical neighbours' average."),
        "Region": st.column_config.TextColumn("Region", width=80),
        "England": st.column_config.TextColumn("England", width=80),
        "Year": st.column_config.TextColumn("Year", width=60, help="The comparators' year."),
        "Definition": st.column_config.TextColumn(
            "Definition", width="large", help="How the KPI is counted (in full under Behind a KPI)."
        ),
    },
)
st.caption(kpi_charts.ICON_CAPTION)

st.subheader("Behind a KPI")
kpis = card.dropna(subset=["value"]).set_index("kpi_code")
code = st.selectbox("KPI", kpis.index, format_func=kpis["name"].get, key="qa_scorecard_kpi")
kpi = kpis.loc[code]
st.caption(f"**{kpi['name']}**: {kpi['definition']}")
target = kpi_charts.optional_float(kpi["target"])
with st.expander("SPC rules (Making Data Count defaults)"):
    cols = st.columns(4)
    rules = spc.SpcRules(
        beyond_limits=cols[0].checkbox("A point beyond the limits", value=True, key="qa_spc_beyond"),
        two_of_three=cols[1].checkbox("Two of three beyond 2 sigma", value=True, key="qa_spc_two"),
        run_length=int(cols[2].number_input("Run on one side", 5, 12, 7, key="qa_spc_run")),
        trend_length=int(cols[3].number_input("Trend up or down", 5, 12, 7, key="qa_spc_trend")),
    )
chart = ui.kpi_chart(view.scope, code, kpi["direction"], month, area, target, rules)
if chart is not None:
    if chart.too_few_points:
        st.warning(
            f"Only {len(chart.points)} monthly value(s): Making Data Count asks for 12 or more before the "
            "limits can be relied on. Read the signals with care.",
            icon=":material/warning:",
        )
    st.plotly_chart(kpi_charts.spc_figure(chart, name=kpi["name"], unit=kpi["unit"], target=target))
    st.caption(kpi_charts.COLOUR_CAPTION)
    st.markdown(
        f"{kpi_charts.VARIATION_TEXT.get(chart.variation or '', '')}  \n"
        f"{kpi_charts.ASSURANCE_TEXT[chart.assurance]}"
    )

teams = ui.kpi_teams(view.scope, code, kpi["month"].date(), area)
st.markdown(f"**By team, {periods.month_label(kpi['month'])}**")
if teams.empty:
    st.caption("No team-level values for this KPI and month.")
else:
    st.dataframe(
        teams,
        hide_index=True,
        column_order=[c for c in teams.columns if teams[c].notna().any()],  # no empty columns
        column_config={
            "service_area": "Service area",
            "team": "Team",
            "value": st.column_config.NumberColumn(
                "Value", format="%.1f%%" if kpi["unit"] == "percent" else "%.1f", help=kpi["definition"]
            ),
            "numerator": st.column_config.NumberColumn("Numerator", format="%d"),
            "denominator": st.column_config.NumberColumn("Denominator", format="%d"),
        },
    )

configured = council.configured_code()
if configured:
    try:
        name, neighbours = ui.council_neighbours(configured)
    except KeyError as problem:
        st.warning(f"QA_INSIGHT_COUNCIL: {problem.args[0]}", icon=":material/location_off:")
    else:
        with st.expander(f"Context: {name} and its statistical neighbours (latest ILACS judgements)"):
            st.dataframe(
                neighbours,
                hide_index=True,
                column_config={"Published": st.column_config.DateColumn("Published", format="DD MMM YYYY")},
            )
