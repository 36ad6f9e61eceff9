"""Publications and science: how much is published, how openly and how fast, and how programs move forward."""

from __future__ import annotations

import streamlit as st

import settings
from charts.science import STAGE_NOTE
from metrics.catalogue import ids_in
from ui import blocks, data, header, notes
from ui import community as public
from ui.cards import cards
from ui.context import view
from ui.tables import words_of

config = settings.load()
v = view()
SHOWN = ids_in("Publications", "Science progress")
lens = data.page_lens(
    v,
    "Publications and science",
    SHOWN,
    charts=(
        "publications",
        "openness",
        "days-to-publish",
        "median-days",
        "programs-by-stage",
        "patient-insights",
        "program-milestones",
    ),
    tables=("science_programs",),
    notes=SHOWN,
)
series = lens.series(SHOWN)


def no_publications(what: str = "publications") -> str:
    """Why there are no publications to show: the stage filter leaves every publication out."""
    if v.filters.stages:
        return (
            "Publications carry no R&D stage, so the R&D stage filter leaves them all out. "
            "Clear the R&D stage filter to see publications."
        )
    return blocks.nothing_matches(lens, what)


def no_milestones() -> str:
    """Why there are no programs to show: the partnership-kind filter leaves every program and milestone out."""
    if v.filters.kinds:
        return (
            "Research programs and their milestones belong to no partnership, so the partnership-kind filter "
            "leaves them all out. Clear the partnership-kind filter to see research programs."
        )
    return blocks.nothing_matches(lens, "program milestones")


st.title("Publications and science")
header.caption(v)
public.banner(v, data.records_text())
cards(
    SHOWN,
    series,
    lens.prior(SHOWN),
    config.currency,
    per_row=4,
    community=v.community,
)

# The page's sections, one tab each; only the open one is drawn (blocks.section).
SECTIONS = {
    "publications": "Publications",
    "speed": "How quickly results are published",
    "programs": "Research programs",
}
opened, box = blocks.section(list(SECTIONS.values()), key="science-section")
with box:
    if opened == SECTIONS["programs"]:
        st.subheader("How research programs move forward")
        programs = lens.rows("science_programs").frame
        if programs.empty:
            blocks.empty(no_milestones())
        else:
            left, right = st.columns(2)
            with left:
                blocks.chart("programs-by-stage", lens)
            with right:
                blocks.chart("patient-insights", lens)
            blocks.chart("program-milestones", lens)

            st.subheader(f"Programs at the end of {v.period.label}")
            st.caption(
                "The programs with at least one milestone by then, which the share informed by patients counts; "
                "the most advanced first."
            )
            st.dataframe(
                programs.assign(
                    patient_insights=programs["patient_insights"].map({True: "Yes", False: "No"}),
                    stage=words_of(programs["stage"]),
                    latest_milestone=words_of(programs["latest_milestone"]),
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
                lens,
                key="science-programs",
                metric_ids=["program_patient_insight_share"],
                query="science_programs",
                note=STAGE_NOTE,
            )
    elif not any(values["publication_count"] for values in series):
        blocks.empty(no_publications())
    elif opened == SECTIONS["publications"]:
        st.subheader("Publications over time")
        left, right = st.columns(2)
        with left:
            blocks.chart("publications", lens)
        with right:
            blocks.chart("openness", lens)
    else:
        st.subheader("How quickly results are published")
        left, right = st.columns(2)
        with left:
            blocks.chart(
                "days-to-publish", lens, empty_reason=no_publications("publications with a study completion date")
            )
        with right:
            blocks.chart("median-days", lens, empty_reason=no_publications("publications with a study completion date"))

notes.notes_block(lens, SHOWN, key="science-notes")
