"""What every chart needs besides its rows: the source line, the periods, the currency, the theme and the events to
mark; and the marking of those events on time charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from charts.figures import plain
from charts.theme import OKABE_ITO
from metrics.periods import Period

KIND_COLOURS = {"approval": OKABE_ITO[2], "partner": OKABE_ITO[4], "event": OKABE_ITO[5], "other": OKABE_ITO[7]}
KIND_WORDS = {"approval": "Approval", "partner": "New partner", "event": "Event", "other": "Other"}
LABEL_SHOWN = 32  # longer event labels are cut on the chart and shown whole on hover


@dataclass(frozen=True)
class Context:
    """A chart's surroundings: the source line under it (our markup: <br>), the chosen period and the trend's
    periods, the reporting currency, whether the screen is dark, and the events (date, label, kind) to mark."""

    source: str
    period: Period
    periods: tuple[Period, ...]
    currency: str = "USD"
    dark: bool = False
    events: tuple = field(default_factory=tuple)

    @property
    def each(self) -> str:
        """What one trend period is, in a word: year, half-year, quarter or month."""
        return self.period.cadence if self.period.calendar else self.period.bin_unit

    @property
    def span(self) -> str:
        """The trend's span: "2018 to 2025", or "Q1 2026 to Q4 2026 (to 1 Dec)"."""
        if len(self.periods) == 1:
            return self.periods[0].label
        return f"{self.periods[0].label} to {self.periods[-1].label}"


def _is_dates(values: list) -> bool:
    return bool(values) and all(isinstance(v, (date, datetime, pd.Timestamp)) for v in values)


def _position(day: date, xs: list, periods: tuple[Period, ...]):
    """Where an event's day falls on a time axis: its quarter's or period's label, or the day on a date axis."""
    if _is_dates(xs):
        low, high = min(pd.Timestamp(x) for x in xs), max(pd.Timestamp(x) for x in xs)
        return day if low <= pd.Timestamp(day) <= high else None
    if (quarter := f"Q{(day.month - 1) // 3 + 1} {day.year}") in xs:
        return quarter
    for p in periods:
        if p.start <= day <= p.end and p.label in xs:
            return p.label
    return None


def mark_events(fig: go.Figure, context: Context) -> go.Figure:
    """Marks the context's events on a time chart (x: quarter or period labels, or dates) as labelled lines."""
    xs = list(dict.fromkeys(x for trace in fig.data for x in (trace.x if trace.x is not None else ())))
    at: dict[object, list] = {}
    for event in context.events:
        position = _position(event.date, xs, context.periods)
        if position is not None:
            at.setdefault(position, []).append(event)
    for position, events in at.items():
        colour = KIND_COLOURS.get(events[0].kind, KIND_COLOURS["other"])
        label = " · ".join(e.label for e in events)
        fig.add_shape(
            type="line",
            x0=position,
            x1=position,
            xref="x",
            y0=0,
            y1=1,
            yref="y domain",
            line=dict(color=colour, width=2, dash="dot"),
            layer="above",
        )
        fig.add_annotation(
            x=position,
            y=1,
            xref="x",
            yref="y domain",
            text=plain(label if len(label) <= LABEL_SHOWN else label[: LABEL_SHOWN - 1] + "…"),
            hovertext="<br>".join(
                plain(f"{e.date:%-d %b %Y}: {KIND_WORDS.get(e.kind, e.kind)}, {e.label}") for e in events
            ),
            showarrow=False,
            textangle=-90,
            xanchor="left",
            yanchor="top",
            xshift=2,
            font=dict(size=12, color=colour),
            bgcolor="rgba(255,255,255,0.75)" if not context.dark else "rgba(14,17,23,0.75)",
        )
    return fig
