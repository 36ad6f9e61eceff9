"""The Publications and science page's charts: publications and how open and fast they are, programs by stage,
programs informed by patients, and the milestone timeline."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts import figures
from charts.context import Context, mark_events
from charts.figures import plain
from charts.theme import muted, template_name
from contract import MILESTONE_LABELS, MILESTONE_STAGE, MILESTONES, STAGES

# One symbol per kind, fixed, so that a kind looks the same whatever the period shows; an approval is a star.
SYMBOLS = {
    "target_validated": "circle",
    "candidate_nominated": "diamond",
    "ind_cleared": "square",
    "phase1_started": "triangle-up",
    "phase2_started": "hourglass",
    "phase3_started": "hexagram",
    "submission_filed": "x",
    "approval": "star",
    "label_expansion": "cross",
    "guideline_adopted": "triangle-down",
}


def stage_colours(dark: bool = False) -> dict[str, str]:
    """The colour of each R&D stage: the template's series colours in stage order, as stacked_by gives them."""
    colourway = pio.templates[template_name(dark)].layout.colorway
    return {stage: colourway[i % len(colourway)] for i, stage in enumerate(STAGES)}


def programs_by_stage(
    counts: pd.DataFrame, x: str, *, title: str, source: str, dark: bool = False, subtitle: str = ""
) -> go.Figure:
    """Programs over x stacked by R&D stage, discovery at the bottom; the legend above, in the same order."""
    fig = figures.stacked_by(
        counts,
        x,
        "stage",
        "programs",
        order=list(STAGES),
        title=title,
        subtitle=subtitle,
        source=source,
        y_title="Programs",
        dark=dark,
    )
    # The legend above the plot, latest stage first as the bars stack, so that a half-width chart keeps its width
    # for the bars and their labels.
    fig.update_layout(legend=dict(traceorder="reversed"))
    return figures.count_axis(fig, counts.groupby(x)["programs"].sum().max())


def days_histogram(
    bins: pd.DataFrame,
    *,
    median: float | None,
    title: str,
    source: str,
    dark: bool = False,
    subtitle: str = "",
) -> go.Figure:
    """Publications per bin of days to publication (bin_start, bin_end, publications), the median marked."""
    width = int(bins["bin_end"].iloc[0] - bins["bin_start"].iloc[0] + 1)
    fig = figures.bars(
        bins.assign(middle=bins["bin_start"] + width / 2),
        "middle",
        ["publications"],
        names={"publications": "Publications"},
        title=title,
        subtitle=subtitle,
        source=source,
        y_title="Publications",
        x_title="Days from study completion to publication",
        dark=dark,
    )
    fig.update_traces(
        width=width * 0.94,
        customdata=bins[["bin_start", "bin_end"]].to_numpy(),
        hovertemplate="%{customdata[0]} to %{customdata[1]} days<br>Publications: %{y}<extra></extra>",
    )
    top = int(bins["publications"].max())
    fig.update_xaxes(
        type="linear",
        range=[-width / 3, int(bins["bin_end"].max()) + 1],
        tick0=0,
        dtick=width * math.ceil(len(bins) / 6),  # six or so labels, side by side under a half-width chart
        tickformat=",.0f",
    )
    fig.update_yaxes(range=[0, max(top * 1.2, 1)])
    figures.count_axis(fig, top)
    if median is not None:
        fig.add_vline(
            x=median,
            line=dict(color=muted(dark), width=2, dash="dash"),
            annotation=dict(text=f"Median: {median:,.0f} days", font=dict(color=muted(dark)), yanchor="top"),
            # The label on the side with more room, so that it is never cut off at the edge.
            annotation_position="top right" if median < bins["bin_end"].max() / 2 else "top left",
        )
    return fig


def milestone_timeline(
    milestones: pd.DataFrame,
    *,
    period_start: date,
    period_end: date,
    period_label: str,
    title: str,
    source: str,
    dark: bool = False,
    subtitle: str = "",
) -> go.Figure:
    """Milestones on a time axis, one row per program: symbol by kind, colour by R&D stage, the period shaded.

    milestones has program, program_first_date, date, milestone, stage and note; programs are listed in the
    order they started, the first at the top.
    """
    # The hover text by column, not by milestone: the labels are made safe once per kind, and only the notes
    # that are there are made safe one by one (a large store has a hundred thousand milestones and few notes).
    notes = milestones["note"]
    written = notes.map(lambda n: isinstance(n, str) and bool(n))
    table = milestones.assign(
        kind=milestones["milestone"].map(MILESTONE_LABELS),
        hover=(
            milestones["milestone"].map({m: f"<b>{plain(label)}</b> (" for m, label in MILESTONE_LABELS.items()})
            + milestones["stage"].astype(str)
            + ")"
            + notes[written].map(lambda n: f"<br>{plain(n)}").reindex(milestones.index, fill_value="")
        ),
    )
    fig = figures.timeline(
        table, "date", "program", "kind", hover="hover", title=title, subtitle=subtitle, source=source, dark=dark
    )
    colours = stage_colours(dark)
    kinds = {MILESTONE_LABELS[m]: m for m in MILESTONES}
    for trace in fig.data:
        kind = kinds[trace.name]
        stage = MILESTONE_STAGE[kind]
        trace.update(
            marker=dict(symbol=SYMBOLS[kind], color=colours[stage], size=14, line=dict(width=1, color=muted(dark))),
            legendgroup=stage,
            legendgrouptitle=dict(text=stage.capitalize()),
            legendrank=MILESTONES.index(kind),
        )
    rows = (
        table.drop_duplicates("program").sort_values(["program_first_date", "program"])["program"].map(plain).tolist()
    )
    fig.update_yaxes(categoryorder="array", categoryarray=rows[::-1], title_text="")
    first, last = min(pd.Timestamp(table["date"].min()).date(), period_start), period_end + timedelta(days=1)
    margin = max((last - first) / 25, timedelta(days=20))
    fig.update_xaxes(title_text="Date of the milestone", range=[first - margin, last + margin])
    fig.add_vrect(
        x0=period_start,
        x1=period_end + timedelta(days=1),
        fillcolor=muted(dark),
        opacity=0.15,
        line_width=0,
        layer="below",
        annotation=dict(text=period_label, font=dict(color=muted(dark))),
        annotation_position="inside top right",
    )
    fig.update_layout(
        height=max(600, 170 + 46 * len(rows)),
        showlegend=True,
        legend=dict(orientation="v", x=1.01, xanchor="left", xref="paper", y=1, yanchor="top", groupclick="toggleitem"),
    )
    return fig


OPENNESS = {"publication_open_access_share": "Open access", "publication_lay_summary_share": "With a lay summary"}
STAGE_NOTE = (
    "A program's stage at a date is the stage of its latest milestone on or before that date: a validated "
    "target is discovery; a nominated candidate, preclinical; an IND clearance or the start of a phase 1, 2 or 3 "
    "trial, clinical; a submission or an approval, regulatory; a label expansion or an adopted guideline, "
    "utilization."
)


def publications(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Publications per period."""
    fig = figures.bars(
        trend,
        "period",
        ["publication_count"],
        names={"publication_count": "Publications"},
        dark=ctx.dark,
        y_title="Publications",
        title=f"Publications per {ctx.each}",
        subtitle=ctx.span,
        source=ctx.source,
    )
    figures.count_axis(fig)
    return mark_events(fig, ctx)


def openness(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """The shares of each period's publications that are open access and that come with a lay summary."""
    return figures.shares(
        trend,
        "period",
        OPENNESS,
        dark=ctx.dark,
        y_title="Share of publications",
        title="Open access and lay summaries",
        subtitle=f"Shares of each {ctx.each}'s publications",
        source=ctx.source,
    )


def days(bins: pd.DataFrame, ctx: Context) -> go.Figure:
    """Publications of the chosen period by days from study completion to publication, the median marked
    (bins.attrs["median"])."""
    return days_histogram(
        bins,
        median=bins.attrs.get("median"),
        dark=ctx.dark,
        title=f"Time to publication in {ctx.period.label}",
        subtitle=f"{int(bins['publications'].sum()):,} publications that record when their study ended",
        source=ctx.source,
    )


def median_days(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """The median days from study completion to publication, per period."""
    values = figures.numeric(trend["publication_median_days_to_publish"])
    return figures.lines(
        trend,
        "period",
        ["publication_median_days_to_publish"],
        names={"publication_median_days_to_publish": "Median days"},
        dark=ctx.dark,
        y_title="Days (median)",
        title="Median days to publish",
        subtitle=f"From study completion to publication, per {ctx.each}",
        source=ctx.source,
        y_range=(0, float(values.max()) * 1.2 if values.notna().any() else 1),
    )


def programs_table(stages: pd.DataFrame, periods) -> pd.DataFrame:
    """Programs per period and stage, labelled by period (the chart's numbers)."""
    labels = {i: p.label for i, p in enumerate(periods)}
    kept = stages[stages["period_id"].isin(labels)]  # the trend's bins (not the chosen period after them)
    return kept.assign(period=kept["period_id"].map(labels))[["period", "end_date", "stage", "programs"]]


def programs(stages: pd.DataFrame, ctx: Context) -> go.Figure:
    """Programs at each R&D stage at the end of each period."""
    return programs_by_stage(
        stages,
        "period",
        dark=ctx.dark,
        title="Programs by R&D stage",
        subtitle=f"At the end of each {ctx.each}",
        source=ctx.source,
    )


def insights(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """The share of programs with a milestone by each period's end that patient insights informed."""
    return figures.shares(
        trend,
        "period",
        {"program_patient_insight_share": "Informed by patients"},
        dark=ctx.dark,
        y_title="Share of programs",
        title="Programs informed by patients",
        subtitle=f"Of the programs with a milestone by each {ctx.each}'s end",
        source=ctx.source,
    )


def milestones(rows: pd.DataFrame, ctx: Context) -> go.Figure:
    """Every milestone up to the chosen period's end, one row per program, the period shaded."""
    return milestone_timeline(
        rows,
        period_start=ctx.period.start,
        period_end=ctx.period.end,
        period_label=ctx.period.label,
        dark=ctx.dark,
        title="Program milestones",
        subtitle=f"Every milestone up to {ctx.period.end:%-d %b %Y}; {ctx.period.label} shaded",
        source=ctx.source,
    )
