"""Reshaping and touches for the Engagement page's charts: counts per period, legends, colours, count axes."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts.theme import template_name
from metrics import Period

CADENCES = {12: "year", 6: "half-year", 3: "quarter", 1: "month"}


def cadence(period: Period) -> str:
    """What one trend period is, in a word: year, half-year, quarter, month, or period."""
    return CADENCES.get(period.months or 0, "period")


def per_period(df: pd.DataFrame, periods: list[Period], column: str, value: str, order: Sequence[str]) -> pd.DataFrame:
    """Rows (period_id, column, value) as one labelled row per period, one column per category present, in order."""
    wide = df.pivot_table(index="period_id", columns=column, values=value, aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=range(len(periods)), columns=[c for c in order if c in wide.columns], fill_value=0)
    labels = pd.DataFrame(
        {"period": [p.label for p in periods], "start": [p.start for p in periods], "end": [p.end for p in periods]}
    )
    return pd.concat([labels, wide.reset_index(drop=True).astype(int)], axis=1)


def side_legend(fig: go.Figure) -> go.Figure:
    """Moves a long legend beside the plot, top down, where it cannot run into the title."""
    fig.update_layout(legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top"))
    return fig


def count_axis(fig: go.Figure) -> go.Figure:
    """Whole numbers with thousands separators on the y axis, one tick per unit when the counts are small."""
    heights = [pd.Series(trace.y, dtype=float).fillna(0) for trace in fig.data]
    stacked = fig.layout.barmode == "stack"
    top = (sum(heights) if stacked else pd.concat(heights)).max() if heights else 0
    fig.update_yaxes(tickformat=",d", rangemode="tozero", dtick=1 if top <= 5 else None)
    return fig


def steady_colours(fig: go.Figure, names: Sequence[str], dark: bool = False) -> go.Figure:
    """Gives each series the colour of its place in names, so a category keeps its colour when others are absent."""
    colours = list(pio.templates[template_name(dark)].layout.colorway)
    for trace in fig.data:
        if trace.name in names:
            trace.marker.color = colours[list(names).index(trace.name) % len(colours)]
    return fig
