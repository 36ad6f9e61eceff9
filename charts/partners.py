"""Charts of one partner: its touchpoints, payments, publications and milestones on a time axis."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts import figures
from charts.context import Context
from charts.figures import plain
from charts.theme import muted, template_name
from metrics import Period
from metrics import format as fmt

# One lane per kind of event, top to bottom, each with its own marker so it reads without colour, and its
# own colour from the Okabe-Ito palette (None: the template's lead colour, the brand's on a light screen).
LANES = {
    "touchpoint": ("Touchpoint", "circle", None),
    "payment_received": ("Payment received", "diamond", "#E69F00"),
    "grant_made": ("Grant made", "square", "#CC79A7"),
    "publication": ("Publication", "triangle-up", "#009E73"),
    "milestone": ("Milestone", "star", "#D55E00"),
}


def _hover(events: pd.DataFrame, currency: str) -> pd.Series:
    """Title, amount and details of each event, one per line."""

    def one(row: pd.Series) -> str:
        lines = [str(row["title"])]
        if pd.notna(row["amount"]):
            lines.append(fmt.money(float(row["amount"]), currency))
        if isinstance(row["details"], str) and row["details"]:
            lines.append(row["details"])
        return "<br>".join(plain(line) for line in lines)

    return events.apply(one, axis=1) if len(events) else pd.Series(dtype=str)


def events_timeline(
    events: pd.DataFrame,
    period: Period,
    *,
    title: str,
    source: str,
    currency: str,
    dark: bool = False,
    subtitle: str = "",
) -> go.Figure:
    """Events (date, kind, title, amount, details) in one lane per kind, with the chosen period shaded."""
    order = [kind for kind in LANES if kind in set(events["kind"])]
    lanes = (
        events.assign(
            lane=events["kind"].map(lambda k: LANES[k][0]),
            hover=_hover(events, currency),
            rank=events["kind"].map(order.index),
        )
        .sort_values(["rank", "date"])
        .reset_index(drop=True)
    )
    fig = figures.timeline(
        lanes, "date", "lane", "lane", title=title, source=source, dark=dark, hover="hover", subtitle=subtitle
    )
    lead = pio.templates[template_name(dark)].layout.colorway[0]
    for trace in fig.data:
        symbol, colour = next((sym, col) for lane, sym, col in LANES.values() if lane == trace.name)
        trace.marker.update(symbol=symbol, color=lead if colour is None else colour, size=10, opacity=0.85)
    labels = [LANES[kind][0] for kind in order]
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], title_text="Kind of event")
    fig.add_vrect(
        x0=period.start,
        x1=period.end + timedelta(days=1),
        fillcolor=lead,
        opacity=0.14,
        line_width=0,
        layer="below",
    )
    fig.add_annotation(
        text=f"{period.label} (chosen period)",
        x=period.end + timedelta(days=1),
        xref="x",
        xanchor="right",
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=12, color=muted(dark)),
    )
    first = min(pd.Timestamp(lanes["date"].min()), pd.Timestamp(period.start))
    pad = max(timedelta(days=20), (pd.Timestamp(period.end) - first) / 40)
    fig.update_xaxes(range=[first - pad, pd.Timestamp(period.end) + pad])
    fig.update_layout(showlegend=False, height=250 + 56 * len(labels))
    return fig


def timeline(events: pd.DataFrame, ctx: Context) -> go.Figure:
    """Everything with one partner (events.attrs["partner"] names it) up to the chosen period's end."""
    period = ctx.period
    return events_timeline(
        events,
        period,
        title=f"Everything with {events.attrs.get('partner', 'the partner')}",
        subtitle=f"Touchpoints, payments, publications and its programs' milestones up to {period.end:%b %Y}; "
        f"{period.label} shaded",
        source=ctx.source,
        currency=ctx.currency,
        dark=ctx.dark,
    )
