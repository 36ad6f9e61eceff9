"""Publications and science: how much is published, how openly and how fast, and how programs move forward."""

from __future__ import annotations

import streamlit as st

import settings
from charts import figures
from charts import science as charts
from community import views
from metrics.catalogue import ids_in
from metrics.format import words
from ui import blocks, data, notes
from ui.cards import cards
from ui.context import view

config = settings.load()
v = view()
SHOWN = ids_in("Publications", "Science progress")
series = data.metrics(v.periods, v.filters, SHOWN, community=v.community)
trend = data.trend(
    series,
    v.periods,
    [
        "publication_count",
        "publication_open_access_share",
        "publication_lay_summary_share",
        "publication_median_days_to_publish",
        "program_patient_insight_share",
    ],
)
PUBLICATIONS = v.source("publication records")
PUBLICATIONS_TREND = v.source("publication records", trend=True)
PROGRAMS = v.source("program records")
PROGRAMS_TREND = v.source("program records", trend=True)
EACH = {12: "year", 6: "half-year", 3: "quarter", 1: "month"}.get(v.period.months or 0, "period")
STAGE_NOTE = (
    "A program's stage at a date is the stage of its latest milestone on or before that date: a validated "
    "target is discovery; a nominated candidate, preclinical; an IND clearance or the start of a phase 1, 2 or 3 "
    "trial, clinical; a submission or an approval, regulatory; a label expansion or an adopted guideline, "
    "utilization."
)


def no_publications(what: str = "publications") -> str:
    """Why there are no publications to show: the stage filter leaves every publication out."""
    if v.filters.stages:
        return (
            "Publications carry no R&D stage, so the R&D stage filter leaves them all out. "
            "Clear the R&D stage filter to see publications."
        )
    return blocks.nothing_matches(v, what)


def no_milestones() -> str:
    """Why there are no programs to show: the partnership-kind filter leaves every program and milestone out."""
    if v.filters.kinds:
        return (
            "Research programs and their milestones belong to no partnership, so the partnership-kind filter "
            "leaves them all out. Clear the partnership-kind filter to see research programs."
        )
    return blocks.nothing_matches(v, "program milestones")


st.title("Publications and science")
st.caption(f"{v.period.label}, against the prior period of the same length. {data.as_of_text()}.")
views.banner(v, data.as_of_text())
cards(
    [
        "publication_count",
        "publication_open_access_share",
        "publication_lay_summary_share",
        "publication_median_days_to_publish",
        "publication_industry_coauthored_share",
        "publications_per_million_granted",
        "citations_total",
        "milestone_count",
        "milestone_clinical_count",
        "approval_count",
        "program_advanced_count",
        "program_patient_insight_share",
    ],
    series,
    data.prior(v.period, v.filters, SHOWN, community=v.community),
    config.currency,
    per_row=4,
    community=v.community,
)

st.subheader("Publications over time")
if trend["publication_count"].sum() == 0:
    blocks.empty(no_publications())
else:
    left, right = st.columns(2)
    with left:
        fig = figures.bars(
            trend,
            "period",
            ["publication_count"],
            names={"publication_count": "Publications"},
            dark=v.dark,
            y_title="Publications",
            title=f"Publications per {EACH}",
            subtitle=f"{v.periods[0].label} to {v.period.label}",
            source=PUBLICATIONS_TREND,
        )
        figures.count_axis(fig, trend["publication_count"].max())
        notes.annotate(fig, v)
        blocks.chart(
            fig,
            trend[["period", "start", "end", "publication_count"]],
            v,
            key="science-publications",
            metric_ids=["publication_count"],
        )
    with right:
        fig = figures.lines(
            trend,
            "period",
            ["publication_open_access_share", "publication_lay_summary_share"],
            names={
                "publication_open_access_share": "Open access",
                "publication_lay_summary_share": "With a lay summary",
            },
            percent=True,
            dark=v.dark,
            y_title="Share of publications",
            title="Open access and lay summaries",
            subtitle=f"Shares of each {EACH}'s publications",
            source=PUBLICATIONS_TREND,
            y_range=(0, 1.05),
        )
        blocks.chart(
            fig,
            trend[["period", "start", "end", "publication_open_access_share", "publication_lay_summary_share"]],
            v,
            key="science-openness",
            metric_ids=["publication_open_access_share", "publication_lay_summary_share"],
        )

    st.subheader("How quickly results are published")
    left, right = st.columns(2)
    with left:
        bins, _ = data.safe_query("science_days_to_publish", v)
        if bins.empty:
            blocks.empty(no_publications("publications with a study completion date"))
        else:
            fig = charts.days_histogram(
                bins,
                median=series[-1]["publication_median_days_to_publish"],
                dark=v.dark,
                title=f"Time to publication in {v.period.label}",
                subtitle=f"{bins['publications'].sum()} publications that record when their study ended",
                source=PUBLICATIONS,
            )
            blocks.chart(
                fig,
                bins,
                v,
                key="science-days-to-publish",
                query="science_days_to_publish",
                metric_ids=["publication_median_days_to_publish"],
                note="Publications without a study completion date are left out.",
            )
    with right:
        median = trend["publication_median_days_to_publish"]
        if median.isna().all():
            blocks.empty(no_publications("publications with a study completion date"))
        else:
            fig = figures.lines(
                trend,
                "period",
                ["publication_median_days_to_publish"],
                names={"publication_median_days_to_publish": "Median days"},
                dark=v.dark,
                y_title="Days (median)",
                title="Median days to publish",
                subtitle=f"From study completion to publication, per {EACH}",
                source=PUBLICATIONS_TREND,
                y_range=(0, float(median.max()) * 1.2),
            )
            blocks.chart(
                fig,
                trend[["period", "start", "end", "publication_median_days_to_publish"]],
                v,
                key="science-median-days",
                metric_ids=["publication_median_days_to_publish"],
            )

st.subheader("How research programs move forward")
stages, _ = data.safe_query("science_programs_by_stage", v)
milestones, _ = data.safe_query("science_milestones", v)
if milestones.empty:
    blocks.empty(no_milestones())
else:
    stages = stages.assign(period=stages["period_id"].map({i: p.label for i, p in enumerate(v.periods)}))
    left, right = st.columns(2)
    with left:
        fig = charts.programs_by_stage(
            stages,
            "period",
            dark=v.dark,
            title="Programs by R&D stage",
            subtitle=f"At the end of each {EACH}",
            source=PROGRAMS_TREND,
        )
        blocks.chart(
            fig,
            stages[["period", "end_date", "stage", "programs"]],
            v,
            key="science-programs-by-stage",
            query="science_programs_by_stage",
            note=STAGE_NOTE,
        )
    with right:
        fig = figures.lines(
            trend,
            "period",
            ["program_patient_insight_share"],
            names={"program_patient_insight_share": "Informed by patients"},
            percent=True,
            dark=v.dark,
            y_title="Share of programs",
            title="Programs informed by patients",
            subtitle=f"Of the programs with a milestone by each {EACH}'s end",
            source=PROGRAMS_TREND,
            y_range=(0, 1.05),
        )
        blocks.chart(
            fig,
            trend[["period", "start", "end", "program_patient_insight_share"]],
            v,
            key="science-patient-insights",
            metric_ids=["program_patient_insight_share"],
        )

    fig = charts.milestone_timeline(
        milestones,
        period_start=v.period.start,
        period_end=v.period.end,
        period_label=v.period.label,
        dark=v.dark,
        title="Program milestones",
        subtitle=f"Every milestone up to {v.period.end:%-d %b %Y}; {v.period.label} shaded",
        source=PROGRAMS,
    )
    blocks.chart(
        fig,
        milestones.drop(columns="program_first_date"),
        v,
        key="science-milestones",
        query="science_milestones",
        metric_ids=["milestone_count"],
    )

    st.subheader(f"Programs at the end of {v.period.label}")
    programs, _ = data.safe_query("science_programs", v)
    st.caption(
        "The programs with at least one milestone by then, which the share informed by patients counts; "
        "the most advanced first."
    )
    st.dataframe(
        programs.assign(
            patient_insights=programs["patient_insights"].map({True: "Yes", False: "No"}),
            stage=programs["stage"].map(words),
            latest_milestone=programs["latest_milestone"].map(words),
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "program": "Program",
            "modality": "Modality",
            "partners": st.column_config.NumberColumn("Partners", help="Partners named on the program"),
            "patient_insights": st.column_config.TextColumn(
                "Patient insights", help="Patient insights informed the program"
            ),
            "stage": "Stage",
            "latest_milestone": "Latest milestone",
            "latest_milestone_date": st.column_config.DateColumn("Date", format="MMM YYYY"),
        },
    )
    blocks.explain_and_download(
        programs,
        v,
        key="science-programs",
        metric_ids=["program_patient_insight_share"],
        query="science_programs",
        note=STAGE_NOTE,
    )

notes.notes_block(v, SHOWN, key="science-notes")
