"""Audit programme: is the plan delivered (framework section 4, Appendix B), did the cycle cover the
framework's scope (section 6), were workers told and given feedback (section 5), what did moderation
change, and did re-audits show change that stuck (section 8)?"""

import streamlit as st

from pages import auth, filters, programme_charts, ui, widgets

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("Audit programme", view)
scope, period = view.scope, view.filters
N, ACTIVITY = st.column_config.NumberColumn, "Activity"
MONTH = st.column_config.DateColumn("Month", format="MMM YYYY")


def tile(column: st.delta_generator.DeltaGenerator, label: str, value: str, note: str) -> None:
    column.metric(label, value)
    column.caption(note)


st.subheader("Planned against completed")
delivery = ui.plan_delivery(scope, period)
if not delivery.has_plan:
    st.info(f"No audit plan loaded for these months and service areas ({delivery.unplanned_total:,} activities "
            "done). Upload the audit plan (Appendix B) on Upload data to compare.", icon=":material/event_busy:")
else:
    st.caption(
        "Completed = activities dated in the planned month, of the same service area, activity type and theme "
        "(theme matched ignoring case and spaces). % delivered counts each plan line's activities up to the "
        "number planned, so extra work on one line never hides a shortfall on another."
    )
    tiles = st.columns(4, border=True)
    tiles[0].metric("Planned", f"{delivery.planned:,}")
    tiles[1].metric("Completed against the plan", f"{delivery.completed:,}")
    tiles[2].metric("Plan delivered", widgets.pct(delivery.pct_delivered))
    tiles[2].caption(f"{delivery.delivered:,} of {delivery.planned:,} planned activities done")
    tiles[3].metric("Done, not in the plan", f"{delivery.unplanned_total:,}",
                    help="Activities in the period that match no plan line (month, area, activity type, theme).")
    st.plotly_chart(programme_charts.delivery_by_month(delivery.by_month), config={"displaylogo": False})
    st.dataframe(delivery.lines, hide_index=True, key="plan_lines", column_config={
        "plan_month": MONTH, "service_area": "Service area", "activity_type": ACTIVITY, "theme": "Theme",
        "planned": N("Planned", format="%d"), "completed": N("Completed", format="%d"),
        "difference": N("Difference", format="%+d", help="Completed minus planned."),
    })
    with st.expander(f"Done but not in the plan ({delivery.unplanned_total:,})"):
        st.dataframe(delivery.unplanned, hide_index=True, column_config={
            "plan_month": MONTH, "service_area": "Service area", "activity_type": ACTIVITY,
            "theme": "Theme", "completed": N("Completed", format="%d"),
        })

st.subheader("Framework scope coverage (section 6)")
coverage = ui.scope_coverage(scope, period)
st.caption(
    "Each service area's practice areas in the framework's scope. Covered = at least one activity in the "
    "period has a theme linked to it (by the plan's scope area, or a theme naming it); planned = only a plan "
    "line in the period links to it; not planned = neither."
)
if coverage.grid.empty:
    st.info("No service areas in view.", icon=":material/search_off:")
else:
    st.plotly_chart(programme_charts.coverage_by_area(coverage.by_area), config={"displaylogo": False})
    st.dataframe(coverage.grid, hide_index=True, key="coverage_grid", column_config={
        "service_area": "Service area", "item": st.column_config.TextColumn("Scope item", width="large"),
        "status": "Status", "completed": N("Activities", format="%d"),
        "planned": N("Planned", format="%d"), "themes": "Linked themes",
    })

st.subheader("Feedback to workers (section 5)")
loop = ui.feedback_loop(scope, period)
if loop.empty:
    widgets.empty_state()
else:
    every = loop.iloc[0]
    st.caption(
        "Of the activities where the field was recorded (yes or no; blanks left out): % whose worker was told "
        "beforehand, % given feedback. How soon: working days after the audit up to the feedback date "
        "(weekends and England and Wales bank holidays skipped)."
    )
    tiles = st.columns(4, border=True)
    dated = widgets.count(int(every.dated), "with a feedback date")
    tile(tiles[0], "Worker notified", widgets.pct(every.notified_pct), widgets.count(int(every.notified_recorded)))
    tile(tiles[1], "Feedback given", widgets.pct(every.feedback_pct), widgets.count(int(every.feedback_recorded)))
    tile(tiles[2], "Median working days", "\u2013" if not every.dated else f"{every.median_days:g}", dated)
    tile(tiles[3], "Within 10 working days", widgets.pct(every.within_10_pct), dated)
    if every.before_audit:
        st.warning(f"{every.before_audit:,} feedback dates are before the audit date: left out of the timings.")
    left, right = st.columns([2, 3])
    left.plotly_chart(programme_charts.feedback_bands(every), config={"displaylogo": False})
    right.dataframe(loop, hide_index=True, key="feedback_areas", column_order=[
        "service_area", "notified_pct", "notified_recorded", "feedback_pct", "feedback_recorded",
        "median_days", "within_10_pct", "dated",
    ], column_config={
        "service_area": "Service area", "notified_pct": widgets.pct_column("Notified"),
        "notified_recorded": N("n", format="%d"), "feedback_pct": widgets.pct_column("Feedback given"),
        "feedback_recorded": N("n", format="%d"), "median_days": N("Median days", format="%g"),
        "within_10_pct": widgets.pct_column("Within 10 days"), "dated": N("n", format="%d"),
    })

st.subheader("Moderation")
moderated = ui.moderation(scope, period)
if moderated.empty or moderated.iloc[0].moderated == 0:
    st.info("No moderated audits in this period for these service areas.", icon=":material/balance:")
else:
    every = moderated.iloc[0]
    st.caption(
        "Moderated = a moderator recorded a grade. Changed up = the moderator's grade is better than the "
        "auditor's; down = worse. Percentages of the moderated audits."
    )
    tiles = st.columns(4, border=True)
    share = f"{widgets.pct(every.moderated_pct)} of {every.activities:,} activities"
    tile(tiles[0], "Moderated", f"{every.moderated:,}", share)
    tile(tiles[1], "Agreed", widgets.pct(every.agreed_pct), widgets.count(int(every.agreed)))
    tile(tiles[2], "Changed up", widgets.pct(every.up_pct), widgets.count(int(every.changed_up)))
    tile(tiles[3], "Changed down", widgets.pct(every.down_pct), widgets.count(int(every.changed_down)))
    left, right = st.columns(2)
    left.dataframe(moderated, hide_index=True, key="moderation_areas", column_order=[
        "service_area", "moderated", "moderated_pct", "agreed", "changed_up", "changed_down",
    ], column_config={
        "service_area": "Service area", "moderated": N("Moderated", format="%d"),
        "moderated_pct": widgets.pct_column("% of activities"), "agreed": N("Agreed", format="%d"),
        "changed_up": N("Up", format="%d"), "changed_down": N("Down", format="%d"),
    })
    right.caption("Grade movement: auditor's grade (rows) against the moderator's (columns).")
    right.dataframe(ui.grade_movement(scope, period), hide_index=True, key="grade_movement",
                    column_config={"auditor_grade": "Auditor's grade", "moderated": N("Total", format="%d")})

st.subheader("Re-audits against the original (section 8)")
pairs = ui.reaudit_pairs(scope, period)
if pairs.empty:
    st.info("No re-audits in this period for these service areas.", icon=":material/history:")
else:
    st.caption(
        "Re-audits dated in the period beside the audit they re-audit (any date). Good or better and change "
        "compare final grades; improved = a better grade at re-audit."
    )
    st.dataframe(ui.reaudit_summary(scope, period), hide_index=True, key="reaudit_summary", column_config={
        "service_area": "Service area", "theme": "Theme", "pairs": N("Pairs", format="%d"),
        "original_good": None, "reaudit_good": None, "original_pct": widgets.pct_column("Original good or better"),
        "reaudit_pct": widgets.pct_column("Re-audit good or better"), "improved": N("Improved", format="%d"),
        "same": N("Same", format="%d"), "worse": N("Worse", format="%d"),
    })
    st.dataframe(pairs, hide_index=True, key="reaudit_pairs", column_config={
        "reaudit_id": "Re-audit", "reaudit_date": st.column_config.DateColumn("Re-audited", format="DD/MM/YYYY"),
        "service_area": "Service area", "theme": "Theme", "original_id": "Original",
        "original_date": st.column_config.DateColumn("Audited", format="DD/MM/YYYY"),
        "original_grade": "Original grade", "reaudit_grade": "Re-audit grade", "change": "Change",
    })
