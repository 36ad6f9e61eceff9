"""Every chart of the product, declared once: its name, the rows it draws, its figure and its alt text.

The dashboard's pages, the PNG and SVG downloads, the community report and the board's slides all draw a chart
by its name here (`draw`), so a chart looks the same wherever it appears. Its rows come through a Lens, that is
through the community gate whenever the view is community-safe; a newsletter image is drawn from the public lens
of the same period whatever view the page is in.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

import settings
from charts import engagement, figures, funding, science, story
from charts import partners as partner_charts
from charts.context import Context
from charts.figures import MARKERS, numeric
from community.gate import Shown
from community.rules import HIDDEN, OTHERS, SMALL
from lens import Lens
from metrics import CATALOGUE
from metrics import format as fmt


@dataclass(frozen=True)
class Chart:
    """One chart: the rows it draws (through the lens), its figure, and what it is made of."""

    name: str
    figure: Callable[[pd.DataFrame, Context], go.Figure]
    data: Callable[[Lens], Shown]
    what: str = "partnership records"  # the source line's records
    trend: bool = True  # the source line spans the trend (else the chosen period)
    metric_ids: tuple[str, ...] = ()
    query: str | None = None
    note: str = ""  # a sentence for "How is this computed?"
    columns: tuple[str, ...] = ()  # the columns whose values the chart draws (for empty states and alt text)
    kind: str = "Bar chart"
    public: bool = True  # whether it may be offered for a newsletter (a partner's profile may not)


@dataclass(frozen=True)
class Drawn:
    """A chart drawn for a view: the figure, its numbers (for the CSV), the gate's sentence, its alt text."""

    chart: Chart
    figure: go.Figure | None
    numbers: pd.DataFrame
    note: str = ""
    alt: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.figure is None


def _trend(*metric_ids: str) -> Callable[[Lens], Shown]:
    def rows(lens: Lens) -> Shown:
        # The gate's sentence for a statistic worked out from the published cells, once however many metrics.
        said = dict.fromkeys(lens.caveats(metric_ids, trend=True).values())
        return Shown(lens.trend(list(metric_ids)), " ".join(said))

    return rows


def _rows(name: str, shape: Callable[[pd.DataFrame, Lens], pd.DataFrame] | None = None) -> Callable[[Lens], Shown]:
    def rows(lens: Lens) -> Shown:
        shown = lens.rows(name)
        return Shown(shape(shown.frame, lens), shown.note) if shape else shown

    return rows


def _days(bins: pd.DataFrame, lens: Lens) -> pd.DataFrame:
    bins = bins.copy()
    bins.attrs["median"] = lens.current(["publication_median_days_to_publish"])["publication_median_days_to_publish"]
    return bins


def _funders(shares: pd.DataFrame, lens: Lens) -> pd.DataFrame:
    shares = shares.copy()
    shares.attrs["funders"] = lens.current(["funding_partner_count"])["funding_partner_count"]
    return shares


def _events(events: pd.DataFrame, lens: Lens) -> pd.DataFrame:
    events = events.copy()
    partner = lens.rows("partners_portfolio").frame  # under the profile's partner filter: that partner alone
    events.attrs["partner"] = partner["name"].iloc[0] if len(partner) == 1 else "the partner"
    return events


def _chart(name: str, figure, data, **kwargs) -> tuple[str, Chart]:
    return name, Chart(name, figure, data, **kwargs)


STORY_FUNDING = tuple(story.FUNDING)
CHARTS: dict[str, Chart] = dict(
    [
        # The Overview's story.
        _chart("funding", story.funding, _trend(*STORY_FUNDING), metric_ids=STORY_FUNDING, columns=STORY_FUNDING),
        _chart(
            "touchpoints",
            story.engagement,
            _trend(*story.ENGAGEMENT),
            metric_ids=tuple(story.ENGAGEMENT),
            columns=tuple(story.ENGAGEMENT),
        ),
        _chart(
            "partners",
            story.partners,
            _trend(*story.PARTNERS),
            metric_ids=tuple(story.PARTNERS),
            columns=tuple(story.PARTNERS),
        ),
        _chart(
            "milestones",
            story.milestones,
            _trend(*story.MILESTONES),
            metric_ids=tuple(story.MILESTONES),
            columns=tuple(story.MILESTONES),
            what="program records",
        ),
        _chart(
            "open-access",
            story.open_access,
            _trend(*story.OPEN_ACCESS),
            metric_ids=tuple(story.OPEN_ACCESS),
            columns=tuple(story.OPEN_ACCESS),
            what="publication records",
            kind="Line chart",
        ),
        # Funding.
        _chart(
            "funding-by-quarter",
            funding.by_quarter,
            _rows("funding_by_quarter"),
            what="funding records",
            metric_ids=STORY_FUNDING,
            query="funding_by_quarter",
            columns=("inbound", "outbound"),
        ),
        *(
            _chart(
                f"funding-by-{by}",
                funding.breakdown(by),
                _rows(f"funding_by_{by}"),
                what="funding records",
                trend=False,
                query=f"funding_by_{by}",
                columns=("inbound", "outbound"),
                kind="Horizontal bar chart",
            )
            for by in ("sector", "kind", "stage")
        ),
        _chart(
            "funders",
            funding.funders,
            _rows("funding_partner_shares", _funders),
            what="funding records",
            trend=False,
            metric_ids=("funding_top_partner_share",),
            query="funding_partner_shares",
            columns=("inbound",),
            kind="Horizontal bar chart",
        ),
        _chart(
            "funding-hhi",
            funding.hhi,
            _trend("funding_hhi"),
            what="funding records",
            metric_ids=("funding_hhi",),
            columns=("funding_hhi",),
            kind="Line chart",
        ),
        _chart(
            "funding-dependence",
            funding.dependence,
            _trend("funding_top_partner_share", "funding_industry_share"),
            what="funding records",
            metric_ids=("funding_top_partner_share", "funding_industry_share"),
            columns=("funding_top_partner_share", "funding_industry_share"),
            kind="Line chart",
        ),
        # Engagement.
        _chart(
            "touchpoints-by-type",
            engagement.by_type,
            _rows("engagement_by_type", lambda df, lens: engagement.by_type_table(df, lens.view.bins)),
            what="engagement records",
            metric_ids=("engagement_count",),
            query="engagement_by_type",
            kind="Stacked bar chart",
        ),
        _chart(
            "patients",
            engagement.patients,
            _trend("engagement_patient_participants"),
            what="engagement records",
            metric_ids=("engagement_patient_participants",),
            columns=("engagement_patient_participants",),
        ),
        _chart(
            "patient-voice",
            engagement.sessions,
            _trend("engagement_patient_voice_count"),
            what="engagement records",
            metric_ids=("engagement_patient_voice_count",),
            columns=("engagement_patient_voice_count",),
        ),
        _chart(
            "touchpoints-by-stage",
            engagement.stages,
            _rows("engagement_stage_by_year"),
            what="engagement records",
            query="engagement_stage_by_year",
            columns=("engagements",),
            kind="Heat map",
        ),
        _chart(
            "relationship-classes",
            engagement.classes,
            _rows("engagement_relationship_classes", lambda df, lens: engagement.classes_table(df, lens.view.bins)),
            what="engagement records",
            metric_ids=("relationship_longitudinal_share", "relationship_transactional_share"),
            query="engagement_relationship_classes",
            columns=tuple(engagement.RELATIONSHIPS),
            kind="Stacked bar chart",
        ),
        _chart(
            "convenings",
            engagement.convenings,
            _trend("engagement_convening_count"),
            what="engagement records",
            metric_ids=("engagement_convening_count",),
            columns=("engagement_convening_count",),
        ),
        _chart(
            "reciprocity",
            engagement.reciprocity,
            _trend("engagement_reciprocity_share"),
            what="engagement records",
            metric_ids=("engagement_reciprocity_share",),
            columns=("engagement_reciprocity_share",),
            kind="Line chart",
        ),
        # Publications and science.
        _chart(
            "publications",
            science.publications,
            _trend("publication_count"),
            what="publication records",
            metric_ids=("publication_count",),
            columns=("publication_count",),
        ),
        _chart(
            "openness",
            science.openness,
            _trend(*science.OPENNESS),
            what="publication records",
            metric_ids=tuple(science.OPENNESS),
            columns=tuple(science.OPENNESS),
            kind="Line chart",
        ),
        _chart(
            "days-to-publish",
            science.days,
            _rows("science_days_to_publish", _days),
            what="publication records",
            trend=False,
            metric_ids=("publication_median_days_to_publish",),
            query="science_days_to_publish",
            note="Publications without a study completion date are left out.",
            columns=("publications",),
            kind="Histogram",
        ),
        _chart(
            "median-days",
            science.median_days,
            _trend("publication_median_days_to_publish"),
            what="publication records",
            metric_ids=("publication_median_days_to_publish",),
            columns=("publication_median_days_to_publish",),
            kind="Line chart",
        ),
        _chart(
            "programs-by-stage",
            science.programs,
            _rows("science_programs_by_stage", lambda df, lens: science.programs_table(df, lens.view.bins)),
            what="program records",
            query="science_programs_by_stage",
            note=science.STAGE_NOTE,
            columns=("programs",),
            kind="Stacked bar chart",
        ),
        _chart(
            "patient-insights",
            science.insights,
            _trend("program_patient_insight_share"),
            what="program records",
            metric_ids=("program_patient_insight_share",),
            columns=("program_patient_insight_share",),
            kind="Line chart",
        ),
        _chart(
            "program-milestones",
            science.milestones,
            _rows("science_milestones"),
            what="program records",
            trend=False,
            metric_ids=("milestone_count",),
            query="science_milestones",
            kind="Timeline",
        ),
        # A partner's profile (internal only: the public take no partner filter).
        _chart(
            "partner-timeline",
            partner_charts.timeline,
            _rows("partners_events", _events),
            trend=False,
            query="partners_events",
            note="Milestones are those of the research programs the partner takes part in.",
            kind="Timeline",
            public=False,
        ),
    ]
)


def context(lens: Lens, chart: Chart) -> Context:
    """The chart's surroundings in the lens's view: its source line, periods, currency, theme and events."""
    view = lens.view
    return Context(
        source=view.source(chart.what, trend=chart.trend),
        period=view.period,
        periods=tuple(view.bins),
        currency=settings.load().currency,
        dark=view.dark,
        events=tuple(lens.events()) if chart.trend else (),
    )


def _has_data(rows: pd.DataFrame, chart: Chart) -> bool:
    """Whether the chart has anything to draw: a value that is not zero, missing or hidden."""
    if rows.empty:
        return False
    columns = [c for c in chart.columns if c in rows] or [
        c for c in rows.columns if c not in ("period", "start", "end", "period_id", "label", "quarter")
    ]
    values = pd.concat([numeric(rows[c]) for c in columns]) if columns else pd.Series(dtype=float)
    return bool(values.fillna(0).ne(0).any() or rows[columns].isin(MARKERS).any().any())


def draw(name: str, lens: Lens, figure: bool = True) -> Drawn:
    """A chart by its name, for the lens's view: the figure (None when there is nothing to draw), its numbers,
    the gate's sentence and its alt text. figure=False reads the rows only."""
    chart = CHARTS[name]
    shown = chart.data(lens)
    ctx = context(lens, chart)
    if not figure or not _has_data(shown.frame, chart):
        return Drawn(chart, None, shown.frame, shown.note)
    fig = figures.settle(chart.figure(shown.frame, ctx))  # margins around what the builder added last
    return Drawn(chart, fig, shown.frame, shown.note, describe(chart, fig, shown.frame, ctx))


def _said(column: str, value: object, currency: str) -> str:
    if value == SMALL:
        return "fewer than 11"
    if value == HIDDEN or value is None or (isinstance(value, float) and pd.isna(value)):
        return "not shown"
    if column in CATALOGUE:
        return fmt.value(CATALOGUE[column], value, currency)
    if column in ("inbound", "outbound"):
        return fmt.money(float(value), currency)
    return f"{float(value):,.0f}" if isinstance(value, int | float) else str(value)


def describe(chart: Chart, fig: go.Figure, rows: pd.DataFrame, ctx: Context) -> str:
    """The chart's alt text, written from its numbers: what it shows, over what, and its latest and highest."""
    title = html.unescape(fig.layout.title.text or chart.name)
    subtitle = fig.layout.title.subtitle.text or "" if fig.layout.title.subtitle else ""
    subtitle = html.unescape(subtitle.replace("<br>", " "))
    text = f"{chart.kind}: {title}" + (f" ({subtitle})." if subtitle else ".")
    x = "period" if "period" in rows else "label" if "label" in rows else None
    wide = [c for c in chart.columns if c in rows]
    if x and wide and len(rows) and "stage" not in rows:
        first, last = rows.iloc[0], rows.iloc[-1]
        for column in wide:
            values = numeric(rows[column])
            text += f" {_label(column, fig)}: {_said(column, last[column], ctx.currency)} in {last[x]}"
            text += f", {_said(column, first[column], ctx.currency)} in {first[x]}"
            if values.notna().any():
                high = rows.loc[values.idxmax()]
                text += f"; highest {_said(column, high[column], ctx.currency)} in {high[x]}"
            text += "."
    elif chart.name == "funders":
        text += f" {funding.amounts(rows, ctx.currency)}."
    elif chart.name in ("funding-by-sector", "funding-by-kind", "funding-by-stage"):
        by = chart.name.removeprefix("funding-by-")
        parts = [
            f"{r[by] if r[by] == OTHERS else fmt.words(str(r[by]))}: {_money(r['inbound'], ctx.currency)} "
            f"received, {_money(r['outbound'], ctx.currency)} granted"
            for _, r in rows.iterrows()
        ]
        text += " " + "; ".join(parts) + "."
    elif "stage" in rows and "programs" in rows and len(rows):
        latest = rows[rows["period"] == rows["period"].iloc[-1]]
        text += (
            f" At the end of {latest['period'].iloc[0]}: "
            + ", ".join(
                f"{int(n):,} {fmt.words(str(s)).lower()}"
                for s, n in zip(latest["stage"], latest["programs"], strict=True)
            )
            + "."
        )
    elif "date" in rows and len(rows):
        dates = pd.to_datetime(rows["date"])
        inside = ((dates >= pd.Timestamp(ctx.period.start)) & (dates <= pd.Timestamp(ctx.period.end))).sum()
        text += f" {len(rows):,} records up to {ctx.period.end:%-d %B %Y}, {inside:,} of them in {ctx.period.label}."
    if rows.isin(MARKERS).any().any():
        text += f" “{SMALL}” stands for 1 to 10 people and “{HIDDEN}” for a number hidden to protect a partner."
    return text


def _money(value: object, currency: str) -> str:
    return "not shown" if value in MARKERS else fmt.money(float(value), currency)


def _label(column: str, fig: go.Figure) -> str:
    """The column's name as its trace reads (or the metric's label)."""
    metric = CATALOGUE.get(column)
    names = {"inbound": "Received from partners", "outbound": "Granted by us"}
    return names.get(column) or (metric.label if metric else column.replace("_", " ").capitalize())
