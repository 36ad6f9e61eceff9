"""What the community report says: numbers, sentences, charts with alt text and tables, every one of them taken
from a community-safe Lens (through the one gate, community/gate.py); this module applies no rule of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd
import plotly.graph_objects as go

import settings
from charts import catalogue
from community.rules import HIDDEN, RULES_IN_WORDS, SMALL, people_text, people_words
from lens import Direct, Lens, View
from metrics import CATALOGUE, Period
from metrics import format as fmt
from metrics.format import words
from store import database

HIDDEN_WORDS = "not shown here, so that a partner who asked not to be named is not shown on its own"
TRENDS = ("funding_inbound_total", "funding_outbound_total", "engagement_patient_participants", "publication_count")
CHARTS = {
    "funding": "funding",
    "funders": "funders",
    "patients": "patients",
    "publications": "publications",
    "milestones": "program-milestones",
}  # the report's file names -> the charts of the catalogue


@dataclass
class Chart:
    """A chart of the report: its file name, its figure, its alt text and the numbers behind it."""

    name: str
    figure: go.Figure
    alt: str
    numbers: pd.DataFrame


@dataclass
class Table:
    """A table of the report: a caption, column headers and rows of text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Section:
    """One section: a heading, paragraphs, key numbers, charts and tables."""

    slug: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    numbers: list[tuple[str, str, str]] = field(default_factory=list)  # (value, label, metric id)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    """The whole community report, ready to render."""

    foundation: str
    period: Period
    data_as_of: datetime | None
    records_through: date | None
    sections: list[Section]
    summary: dict
    rules: str = RULES_IN_WORDS

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def summary_value(value):
    """A gated value for summary.json: a number, null (nothing to divide by, or hidden), or "<11"."""
    return None if value == HIDDEN else value


class _Builder:
    def __init__(self, lens: Lens):
        self.lens = lens
        self.period = lens.view.period
        self.config = settings.load()
        self.series = lens.series(list(CATALOGUE))
        self.now = self.series[-1]
        self.prior = lens.prior()

    def value(self, metric_id: str) -> str:
        return fmt.value(CATALOGUE[metric_id], self.now[metric_id], self.config.currency)

    def number(self, metric_id: str) -> tuple[str, str, str]:
        return (self.value(metric_id), CATALOGUE[metric_id].label, metric_id)

    def chart(self, section: Section, name: str) -> None:
        drawn = catalogue.draw(CHARTS[name], self.lens)
        if drawn.figure is not None:
            section.charts.append(Chart(name, drawn.figure, drawn.alt, drawn.numbers))

    def money(self, metric_id: str) -> str:
        value = self.now[metric_id]
        return HIDDEN_WORDS if value == HIDDEN else fmt.money(value or 0, self.config.currency)


def build(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    """The community report for a period (a calendar quarter or year; Refused otherwise), every number through the
    gate."""
    lens = Lens(Direct(con), View(period, community=True))
    b = _Builder(lens)
    label = period.label
    now = b.now
    sections: list[Section] = []

    # Headline
    head = Section("headlines", f"{label} at a glance")
    head.paragraphs.append(
        f"In {label}, {_count(now['partner_active_count'], 'partner', 'partners')} worked with us in "
        f"{_count(now['engagement_count'], 'touchpoint', 'touchpoints')} with "
        f"{people_words(now['engagement_patient_participants'], 'patients and caregivers')} taking part."
    )
    inbound = now["funding_inbound_total"]
    head.paragraphs.append(
        (
            f"Partners invested {b.money('funding_inbound_total')} in our mission"
            if inbound != HIDDEN
            else f"The money partners invested in our mission is {HIDDEN_WORDS}"
        )
        + (
            f", and we granted {b.money('funding_outbound_total')} to research."
            if now["funding_outbound_total"] != HIDDEN
            else f"; the grants we made are {HIDDEN_WORDS}."
        )
    )
    pubs = now["publication_count"]
    oa = now["publication_open_access_share"]
    head.paragraphs.append(
        f"{_count(pubs, 'publication', 'publications')} came out of our partnerships"
        + (f"; {oa:.0%} of them can be read by anyone, free of charge." if oa is not None else ".")
    )
    head.paragraphs.append(
        f"Research programs reached {_count(now['milestone_count'], 'milestone', 'milestones')}"
        + (f", {now['milestone_clinical_count']} of them in the clinic" if now["milestone_clinical_count"] else "")
        + (f", and {_count(now['approval_count'], 'approval', 'approvals')}." if now["approval_count"] else ".")
    )
    head.numbers = [
        b.number(m)
        for m in (
            "partner_active_count",
            "engagement_count",
            "engagement_patient_participants",
            "funding_inbound_total",
            "publication_count",
            "milestone_count",
        )
    ]
    sections.append(head)

    # Funding
    money = Section("funding", "Funding: who invests in the mission")
    money.numbers = [b.number(m) for m in ("funding_inbound_total", "funding_outbound_total", "funding_partner_count")]
    change = now["funding_inbound_change"]
    if change is not None and change != HIDDEN:
        money.paragraphs.append(
            f"Funding from partners {'rose' if change >= 0 else 'fell'} {abs(change):.0%} on {period.prior.label}."
        )
    top = now["funding_top_partner_share"]
    money.paragraphs.append(
        "We work with many partners rather than depend on one: "
        + (
            f"the largest funder gave {top:.0%} of the money we received."
            if top not in (None, HIDDEN)
            else f"the largest funder's share is {HIDDEN_WORDS}."
            if top == HIDDEN
            else "no partner paid us this period."
        )
    )
    b.chart(money, "funding")
    b.chart(money, "funders")
    thanked = lens.rows("report_partners")
    named = sorted(thanked.frame["name"], key=str.lower)
    if named:
        thanks = "Thank you to our partners: " + ", ".join(named)
        thanks += f", and {thanked.note}." if thanked.note else "."
        money.paragraphs.append(thanks)
    sections.append(money)

    # Engagement and the patient's voice
    voice = Section("engagement", "Engagement and the patient's voice")
    voice.numbers = [
        b.number(m)
        for m in (
            "engagement_count",
            "engagement_patient_participants",
            "engagement_patient_voice_count",
            "engagement_convening_count",
        )
    ]
    voice.paragraphs.append(
        f"{people_words(now['engagement_patient_participants'], 'patients and caregivers').capitalize()} took part "
        f"in our touchpoints in {label}. We held {now['engagement_patient_voice_count']:,} listening sessions and "
        "patient-focused drug development meetings, "
        f"and {_count(now['engagement_convening_count'], 'meeting', 'meetings')} brought industry, regulators, "
        "researchers and patients into one room."
    )
    longitudinal = now["relationship_longitudinal_share"]
    if longitudinal is not None:
        voice.paragraphs.append(
            f"{longitudinal:.0%} of the partners we met worked with us again and again through the period, "
            "in different ways: relationships, not one-off transactions."
        )
    b.chart(voice, "patients")
    by_type = lens.rows("report_participants_by_type").frame
    touchpoints_by_type: list[dict] = []
    if len(by_type):
        total = people_text(now["engagement_patient_participants"])  # the same rounded count as everywhere
        touchpoints_by_type = [
            {"type": t, "touchpoints": int(n), "patient_participants": p}
            for t, n, p in zip(by_type["type"], by_type["touchpoints"], by_type["patient_participants"], strict=True)
        ]
        rows = [
            [words(t), f"{int(n):,}", people_text(p)]
            for t, n, p in zip(by_type["type"], by_type["touchpoints"], by_type["patient_participants"], strict=True)
        ]
        rows.append(["All touchpoints", f"{int(by_type['touchpoints'].sum()):,}", total])
        voice.tables.append(
            Table(
                f"Touchpoints and the patients and caregivers in them, {label}",
                ["Kind of touchpoint", "Touchpoints", "Patients and caregivers"],
                rows,
                note=(
                    f"Counts of people are rounded to the nearest 5. {SMALL}: between 1 and 10 people. {HIDDEN}: "
                    "hidden so that a small number cannot be worked out from the total."
                ),
            )
        )
    sections.append(voice)

    # Publications
    papers = Section("publications", "Publications: sharing what we learn")
    papers.numbers = [
        b.number(m)
        for m in (
            "publication_count",
            "publication_open_access_share",
            "publication_lay_summary_share",
            "publication_median_days_to_publish",
        )
    ]
    days = now["publication_median_days_to_publish"]
    before = b.prior["publication_median_days_to_publish"]
    if days is not None:
        papers.paragraphs.append(
            f"Half of the studies were published within {days:,.0f} days of their completion"
            + (
                f" ({'faster' if days < before else 'slower'} than {period.prior.label}'s {before:,.0f})."
                if before is not None and before != days
                else "."
            )
        )
    lay = now["publication_lay_summary_share"]
    if lay is not None:
        papers.paragraphs.append(f"{lay:.0%} came with a plain-language summary for our community.")
    b.chart(papers, "publications")
    listed = lens.rows("report_publications").frame
    if len(listed):
        papers.tables.append(
            Table(
                f"Publications of {label}",
                ["Published", "Title", "Open access", "DOI"],
                [
                    [
                        f"{r.published_date:%-d %b %Y}",
                        r.title,
                        "Yes" if r.open_access else "No",
                        f"doi:{r.doi}" if isinstance(r.doi, str) and r.doi else "—",
                    ]
                    for r in listed.itertuples()
                ],
            )
        )
    sections.append(papers)

    # Science progress
    science = Section("science", "Science progress: from the lab to patients")
    science.numbers = [
        b.number(m)
        for m in ("milestone_count", "milestone_clinical_count", "approval_count", "program_patient_insight_share")
    ]
    insight = now["program_patient_insight_share"]
    if insight is not None:
        science.paragraphs.append(f"{insight:.0%} of our research programs were shaped by what patients told us.")
    steps = lens.rows("report_milestones").frame
    if len(steps):
        science.tables.append(
            Table(
                f"Milestones reached in {label}",
                ["Date", "Program", "Milestone", "Stage"],
                [[f"{r.date:%-d %b %Y}", r.program, words(r.milestone), words(r.stage)] for r in steps.itertuples()],
            )
        )
        b.chart(science, "milestones")
    else:
        science.paragraphs.append(f"No program reached a milestone in {label}.")
    sections.append(science)

    # What the numbers don't say: the team's public notes on the period, through the gate
    told = lens.notes()
    if told:
        team = Section("notes", "Notes from the team")
        for n in told:
            metric = CATALOGUE[n.metric_id].label if n.metric_id in CATALOGUE else words(n.metric_id)
            signed = f" ({n.author})" if n.author else ""
            team.paragraphs.append(f"{metric}, {Period(n.start, n.end).label}: {n.text}{signed}")
        sections.append(team)

    funders = lens.rows("funding_partner_shares").frame
    as_of = database.last_import(con)
    _, through = database.record_dates(con)
    summary = {
        "foundation": b.config.name,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "prior_period": {"start": period.prior.start.isoformat(), "end": period.prior.end.isoformat()},
        "data_as_of": as_of.date().isoformat() if as_of else None,
        "records_through": through.isoformat() if through else None,
        "metrics": {m: summary_value(now[m]) for m in CATALOGUE},
        "prior_metrics": {m: summary_value(b.prior[m]) for m in CATALOGUE},
        "trends": {
            m: [
                {"period": p.label, "value": summary_value(s[m])}
                for p, s in zip(lens.view.periods, b.series, strict=True)
            ]
            for m in TRENDS
        },
        "touchpoints_by_type": touchpoints_by_type,
        "funders": [
            {"funder": f, "amount": a}
            for f, a in zip(funders.get("partner", []), funders.get("inbound", []), strict=True)
        ],
        "hidden": lens.hidden(),
        "notes": [
            {
                "metric_id": n.metric_id,
                "start": n.start.isoformat(),
                "end": n.end.isoformat(),
                "text": n.text,
                "author": n.author or None,
            }
            for n in told
        ],
        "rules": RULES_IN_WORDS,
    }
    return Report(b.config.name, period, as_of, through, sections, summary)
