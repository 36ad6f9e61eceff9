"""Engagement: touchpoints with partners, patients at the table, R&D stages reached, and how deep relationships run."""

from __future__ import annotations

import streamlit as st

import settings
from contract import INDUSTRY_SECTORS
from metrics.catalogue import ids_in
from ui import blocks, data, header, notes
from ui import community as public
from ui.cards import cards
from ui.context import view
from ui.tables import words_of

config = settings.load()
v = view()
SHOWN = ids_in("Engagement")
lens = data.page_lens(
    v,
    "Engagement",
    SHOWN,
    charts=(
        "touchpoints-by-type",
        "patients",
        "patient-voice",
        "touchpoints-by-stage",
        "relationship-classes",
        "convenings",
        "reciprocity",
    ),
    tables=("engagement_relationship_partners", "engagement_convenings"),
    notes=SHOWN,
)
series = lens.series(SHOWN)
RELATIONSHIPS = {"longitudinal": "Longitudinal", "developing": "Developing", "transactional": "Transactional"}


def convening_sectors_chosen(filters) -> bool:
    """Whether a sector filter still lets industry, regulator and academic partners meet."""
    chosen = set(filters.sectors)
    return bool(chosen & set(INDUSTRY_SECTORS)) and {"regulator", "academic"} <= chosen


SECTOR_NOTE = (
    "Under a sector filter only the partners of the chosen sectors are counted, so a touchpoint is a convening "
    "only when the chosen sectors include industry, regulators and academia."
    if v.filters.sectors and not convening_sectors_chosen(v.filters)
    else ""
)
NO_CONVENINGS = f"{blocks.nothing_matches(lens, 'convenings')} {SECTOR_NOTE}".strip()
NO_ENGAGEMENTS = blocks.nothing_matches(lens, "engagements")

st.title("Engagement")
header.caption(v)
public.banner(v, data.records_text())
cards(
    SHOWN,
    series,
    lens.prior(SHOWN),
    config.currency,
    community=v.community,
)

# The page's sections, one tab each; only the open one is drawn (blocks.section).
SECTIONS = {
    "touchpoints": "Touchpoints",
    "stages": "R&D stages",
    "patients": "Patients at the table",
    "relationships": "Relationships",
    "convenings": "Convenings and insights",
}
opened, box = blocks.section(list(SECTIONS.values()), key="engagement-section")
with box:
    if opened == SECTIONS["touchpoints"]:
        st.subheader("Touchpoints by type")
        blocks.chart("touchpoints-by-type", lens, empty_reason=NO_ENGAGEMENTS)
    elif opened == SECTIONS["stages"]:
        st.subheader("Where in R&D our touchpoints reach")
        blocks.chart("touchpoints-by-stage", lens, empty_reason=NO_ENGAGEMENTS)
    elif opened == SECTIONS["patients"]:
        st.subheader("Patients at the table")
        left, right = st.columns(2)
        with left:
            blocks.chart("patients", lens, empty_reason=NO_ENGAGEMENTS)
        with right:
            blocks.chart("patient-voice", lens, empty_reason=NO_ENGAGEMENTS)
    elif opened == SECTIONS["relationships"]:
        st.subheader(f"Relationships in {v.period.label}")
        st.markdown(
            "A partner's relationship is **longitudinal** when it took part in at least 3 touchpoints in the period, "
            "spread over at least 2 calendar quarters and of at least 2 types; **transactional** when it took part in "
            "exactly one; and **developing** otherwise. Lasting relationships with many touchpoints build the trust "
            "that one-off meetings do not."
        )
        blocks.chart("relationship-classes", lens, empty_reason=blocks.nothing_matches(lens, "engaged partners"))

        st.markdown(f"**The partners engaged in {v.period.label}, by relationship**")
        partners = lens.rows("engagement_relationship_partners")
        if partners.frame.empty:
            blocks.empty(partners.note or blocks.nothing_matches(lens, "engaged partners"))
        else:
            rows = partners.frame
            named = rows["partner"]
            if "confidential" in rows:
                named = named + rows["confidential"].map({True: " (confidential)", False: ""})
            shown = rows.assign(
                partner=named, sector=words_of(rows["sector"]), relationship=rows["relationship"].map(RELATIONSHIPS)
            )[["relationship", "partner", "sector", "engagements", "quarters", "types"]]
            blocks.table(
                rows,
                shown.rename(
                    columns={
                        "relationship": "Relationship",
                        "partner": "Partner",
                        "sector": "Sector",
                        "engagements": "Touchpoints",
                        "quarters": "Calendar quarters",
                        "types": "Types of touchpoint",
                    }
                ),
                lens,
                key="engagement-relationship-partners",
                query="engagement_relationship_partners",
                metric_ids=["relationship_longitudinal_share", "relationship_transactional_share"],
            )
            if partners.note:
                st.caption(partners.note)
    else:
        st.subheader("Convenings and insights shared back")
        left, right = st.columns(2)
        with left:
            blocks.chart("convenings", lens, empty_reason=NO_CONVENINGS)
        with right:
            blocks.chart(
                "reciprocity", lens, empty_reason=blocks.nothing_matches(lens, "engagements with industry partners")
            )

        st.markdown(f"**Convenings in {v.period.label}**")
        convenings = lens.rows("engagement_convenings").frame
        if convenings.empty:
            blocks.empty(NO_CONVENINGS)
        else:
            blocks.table(
                convenings,
                convenings.assign(type=words_of(convenings["type"]))[
                    ["date", "title", "type", "sectors", "patient_participants"]
                ].rename(
                    columns={
                        "date": "Date",
                        "title": "Title",
                        "type": "Type",
                        "sectors": "Sectors present",
                        "patient_participants": "Patients",
                    }
                ),
                lens,
                key="engagement-convenings",
                query="engagement_convenings",
                metric_ids=["engagement_convening_count"],
                column_config={
                    "Date": st.column_config.DateColumn(format="D MMM YYYY", width=100),
                    "Title": st.column_config.TextColumn(width=280),
                    "Type": st.column_config.TextColumn(width=125),
                    "Sectors present": st.column_config.TextColumn(width=290),
                    "Patients": public.marker_column(v.community, help="Patients and caregivers taking part", width=80),
                },
            )

notes.notes_block(lens, SHOWN, key="engagement-notes")
