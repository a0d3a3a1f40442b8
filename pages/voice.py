"""Voice of children and families: % positive answers per survey question (with the responses behind
each), the trend, complaints and compliments, and what children and families wrote."""

import plotly.express as px
import streamlit as st

from pages import auth, filters, ui, widgets
from qa_data import voice

ui.ensure_entry_script()
auth.require("view")
view = filters.current_view()
widgets.page_header("Voice of children and families", view)
types = st.multiselect(
    "Respondent type", ui.voice_respondent_types(view.scope), placeholder="All respondent types", key="voice_types"
)
f = voice.VoiceFilter(view.filters.start, view.filters.end, view.filters.service_areas, tuple(types))
questions = ui.voice_by_question(view.scope, f)
complaints = ui.voice_complaints(view.scope, f)

if questions.empty and complaints.empty:
    st.info(
        "No survey results or complaints in this period and these service areas yet. Upload survey results "
        "or a complaints and compliments log on Upload data.",
        icon=":material/search_off:",
    )
    st.stop()

POSITIVE = "Agree or strongly agree, 4 or 5 out of 5, or yes. Neutral answers are not positive."
st.subheader("% positive per question")
st.caption(
    f"{POSITIVE} Each bar shows the responses behind it (n); a percentage built on fewer than "
    f"{voice.MIN_RESPONSES} responses is greyed and marked \u201c{voice.LOW_N_NOTE}\u201d: too few to read as a rate."
)
if questions.empty:
    st.info("No survey answers in view.", icon=":material/search_off:")
else:
    fig = px.bar(
        questions,
        x="pct_positive",
        y="question",
        orientation="h",
        text="label",
        color="low_n",
        color_discrete_map={False: "#1f77b4", True: "#c7c7c7"},
        hover_data=["survey", "n", "note"],
        range_x=[0, 100],
        labels={"pct_positive": "% positive", "question": ""},
    )
    fig.update_layout(showlegend=False, height=80 + 40 * len(questions), margin={"l": 10, "r": 10, "t": 10, "b": 10})
    st.plotly_chart(fig, key="voice_questions")
    st.dataframe(
        questions,
        hide_index=True,
        column_order=["survey", "question", "pct_positive", "n", "note"],
        column_config={
            "survey": st.column_config.TextColumn("Survey"),
            "question": st.column_config.TextColumn("Question", width="large"),
            "pct_positive": widgets.pct_column("% positive", help=POSITIVE),
            "n": st.column_config.NumberColumn("Responses (n)", format="%d"),
            "note": st.column_config.TextColumn("Note"),
        },
    )

    st.subheader("Over time")
    grain = st.segmented_control("Period", ["month", "quarter"], default="month", key="voice_grain") or "month"
    trend = ui.voice_trend(view.scope, f, grain)
    st.plotly_chart(
        px.line(
            trend,
            x="period",
            y="pct_positive",
            color="survey",
            markers=True,
            hover_data=["n", "low_n"],
            range_y=[0, 100],
            labels={"pct_positive": "% positive", "period": ""},
        ),
        key="voice_trend",
    )
    st.subheader("By service area and respondent type")
    st.dataframe(
        ui.voice_by_group(view.scope, f),
        hide_index=True,
        column_config={
            "survey": "Survey",
            "service_area": "Service area",
            "respondent_type": "Respondent type",
            "n": st.column_config.NumberColumn("Answers (n)", format="%d"),
            "pct_positive": widgets.pct_column("% positive", help=POSITIVE),
            "low_n": st.column_config.CheckboxColumn(f"Fewer than {voice.MIN_RESPONSES}"),
        },
    )

st.subheader("Complaints and compliments")
if complaints.empty:
    st.info("No complaints or compliments received in view.", icon=":material/search_off:")
else:
    st.caption(
        "By service area and month received. % upheld is of complaints with an outcome; partially "
        "upheld counts as upheld, as the Ombudsman reports it."
    )
    st.dataframe(
        complaints,
        hide_index=True,
        column_config={
            "service_area": "Service area",
            "month": st.column_config.DateColumn("Month", format="MMM YYYY"),
            "complaints": "Complaints",
            "compliments": "Compliments",
            "upheld": "Upheld",
            "decided": "With an outcome",
            "pct_upheld": st.column_config.NumberColumn("% upheld", format="%.0f%%"),
        },
    )

show_comments = ui.may_read_comments(view.scope, view.scope.visible(f.service_areas))
with st.expander("What children and families said (free-text comments)"):
    if not show_comments:
        st.info("Free-text comments are shown only to those allowed to read them.", icon=":material/lock:")
    else:
        said = ui.voice_comments(view.scope, f, show_comments)
        if said.empty:
            st.caption("No comments in view.")
        else:
            st.dataframe(said, hide_index=True, key="voice_comments")
