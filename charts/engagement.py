"""The Engagement page's charts: touchpoints by type, patients at the table, R&D stages reached, relationships,
convenings and insights shared back."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from charts import figures
from charts.context import Context, mark_events
from contract import ENGAGEMENT_TYPES, STAGES
from metrics.format import words
from metrics.periods import Period

RELATIONSHIPS = {"longitudinal": "Longitudinal", "developing": "Developing", "transactional": "Transactional"}


def per_period(df: pd.DataFrame, periods: Sequence[Period], column: str, value: str, order: Sequence[str]):
    """Rows (period_id, column, value) as one labelled row per period, one column per category present, in order."""
    wide = df.pivot_table(index="period_id", columns=column, values=value, aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=range(len(periods)), columns=[c for c in order if c in wide.columns], fill_value=0)
    labels = pd.DataFrame(
        {"period": [p.label for p in periods], "start": [p.start for p in periods], "end": [p.end for p in periods]}
    )
    return pd.concat([labels, wide.reset_index(drop=True).astype(int)], axis=1)


def by_type_table(by_type: pd.DataFrame, periods: Sequence[Period]) -> pd.DataFrame:
    """Touchpoints per period and type, one column per type (the chart's numbers)."""
    return per_period(by_type, periods, "type", "engagements", ENGAGEMENT_TYPES)


def by_type(counts: pd.DataFrame, ctx: Context) -> go.Figure:
    """Touchpoints per period, stacked by type, each type in its own colour whatever the period holds."""
    types = [t for t in ENGAGEMENT_TYPES if t in counts]
    fig = figures.bars(
        counts,
        "period",
        types,
        names={t: words(t) for t in ENGAGEMENT_TYPES},
        stacked=True,
        dark=ctx.dark,
        title=f"Touchpoints per {ctx.each}, by type",
        subtitle=f"{ctx.periods[0].start:%b %Y} to {ctx.period.end:%b %Y}",
        y_title="Touchpoints (engagements)",
        x_title=ctx.each.capitalize(),
        source=ctx.source,
    )
    figures.steady_colours(figures.side_legend(figures.count_axis(fig)), [words(t) for t in ENGAGEMENT_TYPES], ctx.dark)
    return mark_events(fig, ctx)


def _single(trend: pd.DataFrame, ctx: Context, metric_id: str, name: str, title: str, subtitle: str, y: str):
    fig = figures.bars(
        trend,
        "period",
        [metric_id],
        names={metric_id: name},
        dark=ctx.dark,
        title=title,
        subtitle=subtitle,
        y_title=y,
        x_title=ctx.each.capitalize(),
        source=ctx.source,
    )
    return figures.count_axis(fig)


def patients(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Patients and caregivers taking part in touchpoints, per period."""
    return _single(
        trend,
        ctx,
        "engagement_patient_participants",
        "Participants",
        f"Patient participants per {ctx.each}",
        "Patients and caregivers taking part, summed over touchpoints",
        "Participants (people)",
    )


def sessions(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Listening sessions and patient-focused drug development meetings, per period."""
    return _single(
        trend,
        ctx,
        "engagement_patient_voice_count",
        "Sessions",
        f"Patient-voice sessions per {ctx.each}",
        "Listening sessions and PFDD meetings",
        "Sessions (count)",
    )


def convenings(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Touchpoints that brought industry, a regulator and academia together with patients, per period."""
    return _single(
        trend,
        ctx,
        "engagement_convening_count",
        "Convenings",
        f"Convenings per {ctx.each}",
        "Industry, a regulator and academia together, with patients",
        "Convenings (count)",
    )


def stages(table: pd.DataFrame, ctx: Context) -> go.Figure:
    """Touchpoints at each R&D stage, per calendar year of the trend."""
    fig = figures.heatmap(
        table.assign(stage=table["stage"].map(words)),
        "year",
        "stage",
        "engagements",
        dark=ctx.dark,
        title="Touchpoints by R&D stage and year",
        subtitle="Engagements at each stage; “Not staged”: no stage recorded",
        x_title="Calendar year",
        y_title="R&D stage",
        y_order=[words(s) for s in (*STAGES, "not_staged")],
        source=ctx.source,
    )
    fig.update_xaxes(type="category")
    return fig


def classes_table(classes: pd.DataFrame, periods: Sequence[Period]) -> pd.DataFrame:
    """Partners per period and relationship class, one column per class (the chart's numbers)."""
    return per_period(classes, periods, "relationship", "partners", list(RELATIONSHIPS))


def classes(counts: pd.DataFrame, ctx: Context) -> go.Figure:
    """Partners engaged per period, stacked by the relationship they had in it."""
    latest = counts.iloc[-1]
    fig = figures.bars(
        counts,
        "period",
        list(RELATIONSHIPS),
        names=RELATIONSHIPS,
        stacked=True,
        dark=ctx.dark,
        title=f"Partners per {ctx.each}, by relationship class",
        subtitle=f"In {ctx.periods[-1].label}: " + ", ".join(f"{latest[c]} {c}" for c in RELATIONSHIPS),
        y_title="Partners engaged (count)",
        x_title=ctx.each.capitalize(),
        source=ctx.source,
    )
    return figures.count_axis(fig)


def reciprocity(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """The share of touchpoints with industry that delivered patient insights back, per period."""
    return figures.shares(
        trend,
        "period",
        {"engagement_reciprocity_share": "Insights shared back"},
        dark=ctx.dark,
        title="Insights shared back to industry",
        subtitle="Share of industry touchpoints that delivered patient insights",
        y_title="Share of industry touchpoints",
        x_title=ctx.each.capitalize(),
        source=ctx.source,
    )
