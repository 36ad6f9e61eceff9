"""Charts of the Publications and science page that the shared helpers draw only in part."""

from __future__ import annotations

import math
from datetime import date, timedelta
from html import escape

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts import figures
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
    """Programs over x stacked by R&D stage, discovery at the bottom; the legend beside, in the same order."""
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
    fig.update_layout(
        legend=dict(
            orientation="v", x=1.02, xanchor="left", y=1, yanchor="top", traceorder="reversed", font=dict(size=13)
        )
    )
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
        dtick=width * math.ceil(len(bins) / 10),
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
    table = milestones.assign(
        kind=milestones["milestone"].map(MILESTONE_LABELS),
        hover=[
            f"<b>{escape(MILESTONE_LABELS[m])}</b> ({s})"
            + (f"<br>{escape(str(n))}" if isinstance(n, str) and n else "")
            for m, s, n in zip(milestones["milestone"], milestones["stage"], milestones["note"], strict=True)
        ],
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
    rows = table.drop_duplicates("program").sort_values(["program_first_date", "program"])["program"].tolist()
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
        legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top", groupclick="toggleitem"),
    )
    return fig
