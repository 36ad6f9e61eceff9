"""What the community report says: community-safe numbers, sentences, charts with alt text, tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd
import plotly.graph_objects as go

import queries
import settings
from charts import figures
from community import (
    HIDDEN,
    RULES_IN_WORDS,
    SMALL,
    hidden_funding_metrics,
    people,
    pool_partners,
    redact,
    suppress_parts,
)
from metrics import CATALOGUE, Filters, Period, compute_many
from metrics import format as fmt
from metrics.format import words
from store import database
from store.notes import notes_for

PEOPLE = {m.id for m in CATALOGUE.values() if m.people}


@dataclass
class Chart:
    """A chart of the report: its figure, its alt text and the numbers behind it."""

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
    sections: list[Section]
    summary: dict
    rules: str = RULES_IN_WORDS

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]


def shown(metric_id: str, value, currency: str) -> str:
    """A metric's value as the community may see it: small counts of people read "<11"."""
    if metric_id in PEOPLE and people(value) == SMALL:
        return SMALL
    return fmt.value(CATALOGUE[metric_id], value, currency)


def safe_value(metric_id: str, value):
    """The value for summary.json: a number, null, or "<11" for a small count of people."""
    return people(value) if metric_id in PEOPLE else value


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


class _Builder:
    def __init__(self, con: duckdb.DuckDBPyConnection, period: Period):
        self.con, self.period = con, period
        self.config = settings.load()
        self.trend_periods = period.trend(8)
        self.hidden: dict[str, str] = {}
        self.series = self.masked(compute_many(con, self.trend_periods), self.trend_periods, record=True)
        self.now = self.series[-1]
        self.prior = self.masked(compute_many(con, [period.prior]), [period.prior])[0]
        self.secret = [
            r[0]
            for r in con.execute(
                queries.explain("report_confidential_names", [period])[0],
                queries.explain("report_confidential_names", [period])[1],
            ).fetchall()
        ]
        self.source = (
            f"Source: {self.config.name}, partnership records.<br>"
            f"{self.trend_periods[0].label} to {period.label} ({self.trend_periods[0].start:%-d %b %Y} to "
            f"{period.end:%-d %b %Y})."
        )
        self.period_source = (
            f"Source: {self.config.name}, partnership records.<br>"
            f"{period.label} ({period.start:%-d %b %Y} to {period.end:%-d %b %Y})."
        )

    def masked(self, series: list[dict], periods: list[Period], record: bool = False) -> list[dict]:
        """The metrics with every funding number that would show a confidential funder on its own removed."""
        exposure = queries.run(self.con, "community_funding_exposure", periods, Filters()).to_dict("records")
        out = []
        for i, values in enumerate(series):
            hidden = hidden_funding_metrics(exposure[i])
            if record and i == len(series) - 1:
                self.hidden = hidden
            out.append({m: (None if m in hidden else v) for m, v in values.items()})
        return out

    def query(self, name: str) -> pd.DataFrame:
        return queries.run(self.con, name, self.trend_periods, Filters())

    def value(self, metric_id: str) -> str:
        return shown(metric_id, self.now[metric_id], self.config.currency)

    def number(self, metric_id: str) -> tuple[str, str, str]:
        return (self.value(metric_id), CATALOGUE[metric_id].label, metric_id)

    def trend(self, metric_ids: list[str]) -> pd.DataFrame:
        rows = []
        for p, values in zip(self.trend_periods, self.series, strict=True):
            row = {"period": p.label}
            for m in metric_ids:
                v = values[m]
                row[m] = None if (m in PEOPLE and people(v) == SMALL) else v  # a hidden bar, never a small one
                row[f"{m}_shown"] = shown(m, v, self.config.currency)
            rows.append(row)
        return pd.DataFrame(rows)

    def clean(self, text: str | None) -> str:
        return redact(text, self.secret) or ""


def _trend_alt(what: str, df: pd.DataFrame, metric_id: str, currency: str) -> str:
    """Alt text for a per-period chart, from its numbers."""
    metric = CATALOGUE[metric_id]
    values = [(r["period"], r[metric_id], r[f"{metric_id}_shown"]) for _, r in df.iterrows()]
    first, last = values[0], values[-1]
    known = [(p, v) for p, v, _ in values if v is not None and not pd.isna(v)]
    text = f"{what}, per period from {first[0]} to {last[0]}. In {last[0]}: {last[2]}; in {first[0]}: {first[2]}."
    if known:
        high = max(known, key=lambda x: x[1])
        text += f" The highest was {fmt.value(metric, high[1], currency)} in {high[0]}."
    if any(s == SMALL for _, _, s in values):
        text += f" Periods with 1 to 10 people are shown as {SMALL} and drawn without a bar."
    return text


def build(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    """The community report for a period: every number community-safe, every name allowed."""
    b = _Builder(con, period)
    cur = b.config.currency
    label = period.label
    sections: list[Section] = []
    touchpoints_by_type: list[dict] = []

    # Headline
    head = Section("headlines", f"{label} at a glance")
    head.paragraphs.append(
        f"In {label}, {_count(b.now['partner_active_count'], 'partner', 'partners')} worked with us in "
        f"{_count(b.now['engagement_count'], 'touchpoint', 'touchpoints')} with "
        f"{b.value('engagement_patient_participants')} patients and caregivers taking part."
    )
    head.paragraphs.append(
        f"Partners invested {b.value('funding_inbound_total')} in our mission, and we granted "
        f"{fmt.money(b.now['funding_outbound_total'], cur)} to research."
    )
    pubs = b.now["publication_count"]
    oa = b.now["publication_open_access_share"]
    head.paragraphs.append(
        f"{_count(pubs, 'publication', 'publications')} came out of our partnerships"
        + (f"; {oa:.0%} of them can be read by anyone, free of charge." if oa is not None else ".")
    )
    head.paragraphs.append(
        f"Research programs reached {_count(b.now['milestone_count'], 'milestone', 'milestones')}"
        + (f", {b.now['milestone_clinical_count']} of them in the clinic" if b.now["milestone_clinical_count"] else "")
        + (f", and {_count(b.now['approval_count'], 'approval', 'approvals')}." if b.now["approval_count"] else ".")
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
    change = b.now["funding_inbound_change"]
    if change is not None:
        money.paragraphs.append(
            f"Funding from partners {'rose' if change >= 0 else 'fell'} {abs(change):.0%} on the prior period."
        )
    money.paragraphs.append(
        "We work with many partners rather than depend on one: the largest funder gave "
        + (
            f"{b.now['funding_top_partner_share']:.0%} of the money we received."
            if b.now["funding_top_partner_share"] is not None
            else "nothing this period."
        )
    )
    trend = b.trend(["funding_inbound_total", "funding_outbound_total"])
    fig = figures.bars(
        trend,
        "period",
        ["funding_inbound_total", "funding_outbound_total"],
        names={"funding_inbound_total": "Received from partners", "funding_outbound_total": "Granted by us"},
        title="Money received and granted",
        subtitle="Per period",
        y_title=f"Amount ({cur})",
        source=b.source,
    )
    figures.money_axis(fig, cur)
    money.charts.append(
        Chart(
            "funding",
            fig,
            _trend_alt("Bar chart of the money partners paid us", trend, "funding_inbound_total", cur)
            + " Beside each bar, the grants we made: "
            + f"{fmt.money(b.now['funding_outbound_total'], cur)} in {label}.",
            trend[["period", "funding_inbound_total", "funding_outbound_total"]],
        )
    )
    partners = b.query("report_partners")
    funders = partners[partners["inbound"] > 0]
    pooled = pool_partners(zip(funders["name"], funders["confidential"], funders["inbound"], strict=True))
    if len(funders) and pooled.breakdown_shown:
        by_funder = pd.DataFrame(pooled.rows, columns=["funder", "amount"])
        # The largest named funders, then the pool (always shown, last, so that the total adds up).
        named_rows = by_funder[by_funder["funder"] != "Other partners"].head(11)
        top = pd.concat([named_rows, by_funder[by_funder["funder"] == "Other partners"]])
        fig = figures.bars(
            top,
            "funder",
            ["amount"],
            names={"amount": "Funding received"},
            horizontal=True,
            title="Our funders",
            subtitle=f"Money received in {label}: the largest funders, then those who asked not to be named",
            y_title=f"Amount ({cur})",
            source=b.period_source,
        )
        figures.money_axis(fig, cur, axis="x")
        biggest = by_funder.iloc[0]
        money.charts.append(
            Chart(
                "funders",
                fig,
                f"Horizontal bar chart of the money each funder gave in {label}, largest first. "
                f"{len(funders)} funders gave {fmt.money(pooled.total, cur)} in all; the largest, "
                f"{biggest['funder']}, gave {fmt.money(biggest['amount'], cur)}."
                + (
                    f" Partners who asked not to be named are grouped as Other partners "
                    f"({fmt.money(by_funder.iloc[-1]['amount'], cur)})."
                    if pooled.pooled_partners
                    else ""
                ),
                by_funder,
            )
        )
    named = sorted(partners.loc[~partners["confidential"], "name"], key=str.lower)
    unnamed = int(partners["confidential"].sum())
    if named:
        thanks = "Thank you to our partners: " + ", ".join(named)
        if unnamed:
            thanks += (
                f", and {unnamed} partners who asked not to be named."
                if unnamed >= 3
                else ", and the partners who asked not to be named."
            )
        money.paragraphs.append(thanks if thanks.endswith(".") else thanks + ".")
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
        f"Patients and caregivers took part {b.value('engagement_patient_participants')} times in {label}. "
        f"We held {b.now['engagement_patient_voice_count']:,} listening sessions and patient-focused drug "
        "development meetings, "
        f"and {_count(b.now['engagement_convening_count'], 'meeting', 'meetings')} brought industry, regulators, "
        "researchers and patients into one room."
    )
    longitudinal = b.now["relationship_longitudinal_share"]
    if longitudinal is not None:
        voice.paragraphs.append(
            f"{longitudinal:.0%} of the partners we met worked with us again and again through the period, "
            "in different ways: relationships, not one-off transactions."
        )
    trend = b.trend(["engagement_count", "engagement_patient_participants"])
    fig = figures.bars(
        trend,
        "period",
        ["engagement_patient_participants"],
        names={"engagement_patient_participants": "Patients and caregivers"},
        title="Patients and caregivers taking part",
        subtitle="Per period; 1 to 10 shown as <11",
        y_title="People",
        source=b.source,
    )
    small = trend[trend["engagement_patient_participants_shown"] == SMALL]
    for _, row in small.iterrows():
        fig.add_annotation(x=row["period"], y=0, text=SMALL, showarrow=False, yshift=10)
    voice.charts.append(
        Chart(
            "patients",
            fig,
            _trend_alt(
                "Bar chart of patients and caregivers taking part in our touchpoints",
                trend,
                "engagement_patient_participants",
                cur,
            ),
            trend[["period", "engagement_patient_participants_shown"]].rename(
                columns={"engagement_patient_participants_shown": "patients_and_caregivers"}
            ),
        )
    )
    by_type = b.query("report_participants_by_type")
    if len(by_type):
        by_type = by_type.astype({"touchpoints": int, "patient_participants": int})
        safe = suppress_parts(dict(zip(by_type["type"], by_type["patient_participants"], strict=True)))
        total = people(int(by_type["patient_participants"].sum()))
        touchpoints_by_type = [
            {"type": t, "touchpoints": int(n), "patient_participants": safe[t]}
            for t, n in zip(by_type["type"], by_type["touchpoints"], strict=True)
        ]
        rows = [
            [words(t), f"{n:,}", str(safe[t]) if isinstance(safe[t], str) else f"{safe[t]:,}"]
            for t, n in zip(by_type["type"], by_type["touchpoints"], strict=True)
        ]
        rows.append(
            [
                "All touchpoints",
                f"{int(by_type['touchpoints'].sum()):,}",
                total if isinstance(total, str) else f"{total:,}",
            ]
        )
        voice.tables.append(
            Table(
                f"Touchpoints and the patients and caregivers in them, {label}",
                ["Kind of touchpoint", "Touchpoints", "Patients and caregivers"],
                rows,
                note=(
                    f"{SMALL}: between 1 and 10 people. {HIDDEN}: hidden so that a small number cannot be "
                    "worked out from the total."
                    if any(isinstance(v, str) for v in safe.values())
                    else ""
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
    days = b.now["publication_median_days_to_publish"]
    if days is not None:
        papers.paragraphs.append(
            f"Half of the studies were published within {days:,.0f} days of their completion"
            + (
                f" ({'faster' if days < b.prior['publication_median_days_to_publish'] else 'slower'} than the "
                f"prior period's {b.prior['publication_median_days_to_publish']:,.0f})."
                if b.prior["publication_median_days_to_publish"] is not None
                and b.prior["publication_median_days_to_publish"] != days
                else "."
            )
        )
    lay = b.now["publication_lay_summary_share"]
    if lay is not None:
        papers.paragraphs.append(f"{lay:.0%} came with a plain-language summary for our community.")
    trend = b.trend(["publication_count"])
    fig = figures.bars(
        trend,
        "period",
        ["publication_count"],
        names={"publication_count": "Publications"},
        title="Publications",
        subtitle="Per period",
        y_title="Publications",
        source=b.source,
    )
    papers.charts.append(
        Chart(
            "publications",
            fig,
            _trend_alt("Bar chart of publications", trend, "publication_count", cur),
            trend[["period", "publication_count"]],
        )
    )
    listed = b.query("report_publications")
    if len(listed):
        papers.tables.append(
            Table(
                f"Publications of {label}",
                ["Published", "Title", "Open access", "DOI"],
                [
                    [
                        f"{r.published_date:%-d %b %Y}",
                        b.clean(r.title),
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
    insight = b.now["program_patient_insight_share"]
    if insight is not None:
        science.paragraphs.append(f"{insight:.0%} of our research programs were shaped by what patients told us.")
    steps = b.query("report_milestones")
    if len(steps):
        science.tables.append(
            Table(
                f"Milestones reached in {label}",
                ["Date", "Program", "Milestone", "Stage"],
                [
                    [f"{r.date:%-d %b %Y}", b.clean(r.program), words(r.milestone), words(r.stage)]
                    for r in steps.itertuples()
                ],
            )
        )
        timeline = steps.assign(program=[b.clean(p) for p in steps["program"]], kind=steps["milestone"].map(words))
        fig = figures.timeline(
            timeline,
            "date",
            "program",
            "kind",
            title="Milestones reached",
            subtitle=label,
            source=b.period_source,
            hover="kind",
        )
        science.charts.append(
            Chart(
                "milestones",
                fig,
                f"Timeline of the {_count(len(steps), 'milestone', 'milestones')} research programs reached "
                f"in {label}: "
                + "; ".join(
                    f"{words(r.milestone)}, {b.clean(r.program)}, {r.date:%-d %B %Y}" for r in steps.itertuples()
                )
                + ".",
                timeline[["date", "program", "kind"]],
            )
        )
    else:
        science.paragraphs.append(f"No program reached a milestone in {label}.")
    sections.append(science)

    # What the numbers don't say: the team's public notes on the period
    told = notes_for(con, None, period, public_only=True)
    if told:
        team = Section("notes", "Notes from the team")
        for n in told:
            metric = CATALOGUE[n.metric_id].label if n.metric_id in CATALOGUE else words(n.metric_id)
            signed = f" ({b.clean(n.author)})" if n.author else ""
            team.paragraphs.append(f"{metric}, {Period(n.start, n.end).label}: {b.clean(n.text)}{signed}")
        sections.append(team)

    summary = {
        "foundation": b.config.name,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "prior_period": {"start": period.prior.start.isoformat(), "end": period.prior.end.isoformat()},
        "data_as_of": None,
        "metrics": {m: safe_value(m, b.now[m]) for m in CATALOGUE},
        "prior_metrics": {m: safe_value(m, b.prior[m]) for m in CATALOGUE},
        "trends": {
            m: [
                {"period": p.label, "value": safe_value(m, s[m])}
                for p, s in zip(b.trend_periods, b.series, strict=True)
            ]
            for m in (
                "funding_inbound_total",
                "funding_outbound_total",
                "engagement_patient_participants",
                "publication_count",
            )
        },
        "touchpoints_by_type": touchpoints_by_type,
        "funders": [{"funder": n, "amount": a} for n, a in pooled.rows]
        if len(funders) and pooled.breakdown_shown
        else [],
        "hidden": b.hidden,
        "notes": [
            {
                "metric_id": n.metric_id,
                "start": n.start.isoformat(),
                "end": n.end.isoformat(),
                "text": b.clean(n.text),
                "author": b.clean(n.author) or None,
            }
            for n in told
        ],
        "rules": RULES_IN_WORDS,
    }
    as_of = database.last_import(con)
    summary["data_as_of"] = as_of.date().isoformat() if as_of else None
    return Report(b.config.name, period, as_of, sections, summary)
