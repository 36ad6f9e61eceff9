"""Engagement: touchpoints with partners, patients at the table, R&D stages reached, and how deep relationships run."""

from __future__ import annotations

import streamlit as st

import settings
from charts import figures
from community import views
from contract import ENGAGEMENT_TYPES, INDUSTRY_SECTORS, STAGES
from metrics.catalogue import ids_in
from metrics.format import words
from ui import blocks, data, notes
from ui.cards import cards
from ui.context import view

config = settings.load()
v = view()
SHOWN = ids_in("Engagement")
series = data.metrics(v.periods, v.filters, SHOWN, community=v.community)
trend, trend_numbers = views.safe_trend(
    data.trend(
        series,
        v.periods,
        [
            "engagement_count",
            "engagement_patient_participants",
            "engagement_patient_voice_count",
            "engagement_convening_count",
            "engagement_reciprocity_share",
        ],
    ),
    v.community,
)
SOURCE = v.source("engagement records", trend=True)
SPAN = f"{v.periods[0].start:%b %Y} to {v.period.end:%b %Y}"
EACH = v.period.cadence
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
NO_CONVENINGS = f"{blocks.nothing_matches(v, 'convenings')} {SECTOR_NOTE}".strip()
quiet = trend["engagement_count"].sum() == 0


st.title("Engagement")
st.caption(f"{v.period.label}, against the prior period of the same length. {data.as_of_text()}.")
views.banner(v, data.as_of_text())
cards(
    [
        "engagement_count",
        "engagement_partner_count",
        "engagement_patient_participants",
        "engagement_patient_voice_count",
        "engagement_convening_count",
        "relationship_longitudinal_share",
        "relationship_transactional_share",
        "engagement_reciprocity_share",
    ],
    series,
    data.prior(v.period, v.filters, SHOWN, community=v.community),
    config.currency,
    community=v.community,
)

st.subheader("Touchpoints by type")
by_type, _ = data.safe_query("engagement_by_type", v)
if quiet:
    blocks.empty(blocks.nothing_matches(v, "engagements"))
else:
    counts = data.per_period(by_type, v.periods, "type", "engagements", ENGAGEMENT_TYPES)
    fig = figures.bars(
        counts,
        "period",
        [t for t in ENGAGEMENT_TYPES if t in counts],
        names={t: words(t) for t in ENGAGEMENT_TYPES},
        stacked=True,
        dark=v.dark,
        title=f"Touchpoints per {EACH}, by type",
        subtitle=SPAN,
        y_title="Touchpoints (engagements)",
        x_title=EACH.capitalize(),
        source=SOURCE,
    )
    figures.steady_colours(figures.side_legend(figures.count_axis(fig)), [words(t) for t in ENGAGEMENT_TYPES], v.dark)
    notes.annotate(fig, v)
    blocks.chart(fig, counts, v, key="engagement-by-type", query="engagement_by_type", metric_ids=["engagement_count"])

st.subheader("Patients at the table")
left, right = st.columns(2)
for column, metric_id, name, title, subtitle, y_title in (
    (
        left,
        "engagement_patient_participants",
        "Participants",
        f"Patient participants per {EACH}",
        "Patients and caregivers taking part, summed over touchpoints",
        "Participants (people)",
    ),
    (
        right,
        "engagement_patient_voice_count",
        "Sessions",
        f"Patient-voice sessions per {EACH}",
        "Listening sessions and PFDD meetings",
        "Sessions (count)",
    ),
):
    with column:
        if quiet:
            blocks.empty(blocks.nothing_matches(v, "engagements"))
            continue
        fig = figures.bars(
            trend,
            "period",
            [metric_id],
            names={metric_id: name},
            dark=v.dark,
            title=title,
            subtitle=subtitle,
            y_title=y_title,
            x_title=EACH.capitalize(),
            source=SOURCE,
        )
        figures.count_axis(fig)
        views.label_small(fig, trend_numbers, "period", [metric_id])
        blocks.chart(
            fig,
            trend_numbers[["period", "start", "end", metric_id]],
            v,
            key=metric_id.replace("_", "-"),
            metric_ids=[metric_id],
        )

st.subheader("Where in R&D our touchpoints reach")
stages, _ = data.safe_query("engagement_stage_by_year", v)
if stages["engagements"].sum() == 0:
    blocks.empty(blocks.nothing_matches(v, "engagements"))
else:
    fig = figures.heatmap(
        stages.assign(stage=stages["stage"].map(words)),
        "year",
        "stage",
        "engagements",
        dark=v.dark,
        title="Touchpoints by R&D stage and year",
        subtitle="Engagements at each stage; “Not staged”: no stage recorded",
        x_title="Calendar year",
        y_title="R&D stage",
        y_order=[words(s) for s in (*STAGES, "not_staged")],
        source=SOURCE,
    )
    fig.update_xaxes(type="category")
    blocks.chart(fig, stages, v, key="engagement-stage-by-year", query="engagement_stage_by_year")

st.subheader(f"Relationships in {v.period.label}")
st.markdown(
    "A partner's relationship is **longitudinal** when it took part in at least 3 touchpoints in the period, "
    "spread over at least 2 calendar quarters and of at least 2 types; **transactional** when it took part in "
    "exactly one; and **developing** otherwise. Lasting relationships with many touchpoints build the trust "
    "that one-off meetings do not."
)
classes, _ = data.safe_query("engagement_relationship_classes", v)
if classes["partners"].sum() == 0:
    blocks.empty(blocks.nothing_matches(v, "engaged partners"))
else:
    counts = data.per_period(classes, v.periods, "relationship", "partners", list(RELATIONSHIPS))
    latest = counts.iloc[-1]
    fig = figures.bars(
        counts,
        "period",
        list(RELATIONSHIPS),
        names=RELATIONSHIPS,
        stacked=True,
        dark=v.dark,
        title=f"Partners per {EACH}, by relationship class",
        subtitle=f"In {v.period.label}: " + ", ".join(f"{latest[c]} {c}" for c in RELATIONSHIPS),
        y_title="Partners engaged (count)",
        x_title=EACH.capitalize(),
        source=SOURCE,
    )
    figures.count_axis(fig)
    blocks.chart(
        fig,
        counts,
        v,
        key="engagement-relationship-classes",
        query="engagement_relationship_classes",
        metric_ids=["relationship_longitudinal_share", "relationship_transactional_share"],
    )

st.markdown(f"**The partners engaged in {v.period.label}, by relationship**")
partners, left_out = data.safe_query("engagement_relationship_partners", v)
if partners.empty:
    blocks.empty(left_out or blocks.nothing_matches(v, "engaged partners"))
else:
    shown = partners.assign(
        partner=partners["partner"] + partners["confidential"].map({True: " (confidential)", False: ""}),
        sector=partners["sector"].map(words),
        relationship=partners["relationship"].map(RELATIONSHIPS),
    )[["relationship", "partner", "sector", "engagements", "quarters", "types"]]
    blocks.table(
        partners,
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
        v,
        key="engagement-relationship-partners",
        query="engagement_relationship_partners",
        metric_ids=["relationship_longitudinal_share", "relationship_transactional_share"],
    )
    if left_out:
        st.caption(left_out)

st.subheader("Convenings and insights shared back")
left, right = st.columns(2)
with left:
    if trend["engagement_convening_count"].sum() == 0:
        blocks.empty(NO_CONVENINGS)
    else:
        fig = figures.bars(
            trend,
            "period",
            ["engagement_convening_count"],
            names={"engagement_convening_count": "Convenings"},
            dark=v.dark,
            title=f"Convenings per {EACH}",
            subtitle="Industry, a regulator and academia together, with patients",
            y_title="Convenings (count)",
            x_title=EACH.capitalize(),
            source=SOURCE,
        )
        figures.count_axis(fig)
        blocks.chart(
            fig,
            trend[["period", "start", "end", "engagement_convening_count"]],
            v,
            key="engagement-convening-count",
            metric_ids=["engagement_convening_count"],
            note=SECTOR_NOTE,
        )
with right:
    if trend["engagement_reciprocity_share"].isna().all():
        blocks.empty(blocks.nothing_matches(v, "engagements with industry partners"))
    else:
        fig = figures.lines(
            trend,
            "period",
            ["engagement_reciprocity_share"],
            names={"engagement_reciprocity_share": "Insights shared back"},
            percent=True,
            dark=v.dark,
            title="Insights shared back to industry",
            subtitle="Share of industry touchpoints that delivered patient insights",
            y_title="Share of industry touchpoints",
            x_title=EACH.capitalize(),
            y_range=(0, 1.05),
            source=SOURCE,
        )
        blocks.chart(
            fig,
            trend[["period", "start", "end", "engagement_reciprocity_share"]],
            v,
            key="engagement-reciprocity-share",
            metric_ids=["engagement_reciprocity_share"],
        )

st.markdown(f"**Convenings in {v.period.label}**")
convenings, _ = data.safe_query("engagement_convenings", v)
if convenings.empty:
    blocks.empty(NO_CONVENINGS)
else:
    blocks.table(
        convenings,
        convenings.assign(type=convenings["type"].map(words))[
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
        v,
        key="engagement-convenings",
        query="engagement_convenings",
        metric_ids=["engagement_convening_count"],
        column_config={
            "Date": st.column_config.DateColumn(format="D MMM YYYY", width=100),
            "Title": st.column_config.TextColumn(width=280),
            "Type": st.column_config.TextColumn(width=125),
            "Sectors present": st.column_config.TextColumn(width=290),
            "Patients": views.people_column(v.community, help="Patients and caregivers taking part", width=80),
        },
    )

notes.notes_block(v, SHOWN, key="engagement-notes")
