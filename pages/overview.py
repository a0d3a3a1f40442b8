"""Overview: is practice good, and where is it slipping? Headline tiles, then one row per area."""

import streamlit as st

from pages import auth, filters, ui, widgets
from qa_data import periods

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("Overview", view)
head = ui.headline(view.scope, view.filters)

if head.activities_in_range == 0:
    widgets.empty_state()
    st.stop()

previous = periods.quarter_label(periods.add_months(head.quarter, -3)) if head.quarter else ""
change = head.change_pts
st.caption(widgets.quarter_note(head, view))
tiles = st.columns(3, border=True)
with tiles[0]:
    st.metric(
        f"Good or better, {head.quarter_label}",
        widgets.pct(head.good_or_better_pct),
        delta=None if change is None else widgets.points(change),
        delta_description=None if change is None else f"on {previous} ({widgets.pct(head.previous_pct)})",
        delta_arrow="off" if change is not None and round(change) == 0 else "auto",
        help=widgets.GOOD_OR_BETTER,
    )
    st.caption(f"{widgets.GOOD_OR_BETTER} {widgets.count(head.graded, 'graded this quarter')}.")
with tiles[1]:
    st.metric(
        f"Activities completed, {head.quarter_label}",
        f"{head.activities:,}",
        help="  \n".join(f"{widgets.activity_label(k)}: {n:,}" for k, n in head.by_type.items()),
    )
    st.caption(
        "Case audits, dip samples and practice observations dated this quarter: "
        + ", ".join(f"{n:,} {widgets.activity_label(k).lower()}s" for k, n in head.by_type.items())
        + "."
    )
with tiles[2]:
    st.metric(
        f"Supervision good or better, {head.quarter_label}",
        widgets.pct(head.supervision_pct),
        help="Supervision is reviewed and graded on every activity (framework section 4).",
    )
    st.caption(
        f"Of activities whose supervision was graded this quarter; "
        f"{widgets.count(head.supervision_graded, 'graded')}."
    )

st.subheader("By service area")
st.caption(f"Over the whole period in view; {widgets.GOOD_OR_BETTER}")
st.dataframe(
    ui.area_summary(view.scope, view.filters),
    hide_index=True,
    column_order=[
        "service_area",
        "activities",
        "pct",
        "latest_quarter_pct",
        "previous_quarter_pct",
        "supervision_pct",
        "trend",
    ],
    column_config={
        "service_area": st.column_config.TextColumn("Service area", pinned=True, width=250),
        "activities": st.column_config.NumberColumn("Activities (n)", format="%d", width=95),
        "pct": widgets.pct_column("Good or better", help="% of graded activities in the period."),
        "latest_quarter_pct": st.column_config.NumberColumn(
            head.quarter_label, format="%.0f%%", width=95, help="% good or better in the latest quarter."
        ),
        "previous_quarter_pct": st.column_config.NumberColumn(
            previous, format="%.0f%%", width=95, help="% good or better in the quarter before."
        ),
        "supervision_pct": widgets.pct_column(
            "Supervision", help="% of graded supervision that was good or better."
        ),
        "trend": st.column_config.LineChartColumn(
            "Monthly trend",
            y_min=0,
            y_max=100,
            width=130,
            help="% good or better per month with audits, oldest first, on a 0-100% scale.",
        ),
    },
)
