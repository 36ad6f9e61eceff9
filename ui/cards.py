"""Metric cards: the value, the change against the prior period coloured by direction, a sparkline, and (where the
page gives targets) the status against the target in words, as a shape and in colour."""

from __future__ import annotations

import base64
from html import escape

import streamlit as st

from charts.funding import HHI_RANGES, hhi_band
from community.rules import HIDDEN, MARKERS
from lens import Series
from metrics import CATALOGUE, Metric, Period
from metrics import format as fmt
from metrics import targets as goals
from ui.community import CARD_NOTE, HIDDEN_NOTE

# A sparkline's line by what its change means (green good news, red bad, grey neither), light and dark theme.
SPARK_COLOURS = {
    "good": ("#079464", "#3DD56D"),
    "bad": ("#D22C2C", "#FF6C6C"),
    "neither": ("#6B7280", "#9CA3AF"),
}


def sparkline(values: list[float], meaning: str, dark: bool = False, label: str = "") -> str:
    """The trend as a small area chart in SVG (for st.html): the line over the card's width, its area lightly
    filled. Streamlit's own sparkline (st.metric's chart_data) is a Vega-Lite chart: eight of them on a page cost
    the browser a quarter of a second after every click. label: the trend in words, for screen readers."""
    colour = SPARK_COLOURS[meaning][1 if dark else 0]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    width, height, pad = 100.0, 40.0, 2.0
    step = width / (len(values) - 1)
    points = [
        (i * step, pad + (height - 2 * pad) * (1 - (v - low) / span) if high > low else height / 2)
        for i, v in enumerate(values)
    ]
    line = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
    area = f"0,{height} {line} {width},{height}"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" preserveAspectRatio="none">'
        f'<polygon points="{area}" fill="{colour}" fill-opacity="0.08" stroke="none"/>'
        f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round" '
        f'vector-effect="non-scaling-stroke"/></svg>'
    )
    # As an image: st.html keeps HTML only (an <svg> element is taken out), and an image carries its alt text.
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return f'<img src="{source}" alt="{escape(label)}" style="display: block; width: 100%; height: {height:g}px">'


def meaning(metric_id: str, current, prior) -> str:
    """Whether the change from prior to current is good news, bad news, or neither (unknown, or no change)."""
    better = CATALOGUE[metric_id].higher_is_better
    if better is None or not isinstance(current, (int, float)) or not isinstance(prior, (int, float)):
        return "neither"
    if current == prior:
        return "neither"
    return "good" if (current > prior) == better else "bad"


def delta_color(metric_id: str) -> str:
    """Green when the change is good news: normal if higher is better, inverse if lower is, off if neither."""
    better = CATALOGUE[metric_id].higher_is_better
    return "off" if better is None else ("normal" if better else "inverse")


def shape(status: goals.Status) -> str:
    """The status's shape in its colour, a size up so that triangle, circle and square tell apart at a glance."""
    return f'<span style="color: {status.colour}; font-size: 1.2em" aria-hidden="true">{status.shape}</span>'


def status_line(metric: Metric, value: float | None, target: float | None, currency: str) -> tuple[str, str]:
    """The line under a card (markdown) and the sentence for its help: the status's shape and words, then the
    target. The words carry the status; the shape and its colour only repeat them."""
    if target is None:
        return '<span style="opacity: 0.6">No target set</span>', ""
    status = goals.status(metric, value, target)
    if status is None:
        return "T" + goals.target_text(metric, target, currency)[1:], ""
    help_text = (
        f"**{status.text}**: {fmt.value(metric, value, currency)} against a target of "
        f"{'at most' if metric.higher_is_better is False else 'at least'} {fmt.value(metric, target, currency)} "
        f"for this period. Within {goals.WATCH_BAND:.0%} of the target reads Watch; further off, Off track."
    )
    return f"{shape(status)} **{status.words}** · {goals.target_text(metric, target, currency)}", help_text


def target_legend(period: Period) -> str:
    """The key to the status lines (markdown): what each shape means and which year's targets; for a period that
    is not a calendar year, that targets are set for whole years."""
    if not goals.applies(period):
        return (
            "Targets are set for whole calendar years, so this period has no status against them: choose "
            "“A calendar year” or “Last full year” to see each card against its target."
        )
    shapes = ", ".join(f"{shape(s)} {s.words}" for s in goals.STATUSES.values())
    return (
        f"{shapes} (Watch: within {goals.WATCH_BAND:.0%} of the target): each card against the foundation's "
        f"target for {period.start.year}, kept on the Data page."
    )


def card(
    metric_id: str,
    series: list[dict],
    prior_values: dict,
    currency: str,
    community: bool = False,
    targets: dict[str, float] | None = None,
) -> None:
    """One card: series holds the values of the trend periods, the chosen one last; prior_values the prior period's.

    Values come as the lens gives them: in the community-safe view a count of people is rounded ("<11" for 1 to
    10) and a funding number may be hidden ("—"); the card then shows no change and no sparkline that would give
    it away; a statistic of the money's distribution worked out from the published cells says so under its value
    (the gate's caveat, carried by the Series). With targets (metric id to the period's target), the card ends with
    a line that gives its status and target, or says that it has none."""
    metric = CATALOGUE[metric_id]
    current, prior = series[-1][metric_id], prior_values[metric_id]
    values = [s[metric_id] for s in (series.trend if isinstance(series, Series) else series)]
    marked = any(v in MARKERS for v in values) or prior in MARKERS
    trend = [v for v in values if v is not None and v not in MARKERS]
    delta = fmt.change(metric, current, prior)
    unchanged = delta == "no change"
    reason = ""
    if current is None:
        reason = " Shown as — because there is nothing to divide by in this period."
    elif current == HIDDEN:
        reason = f" {HIDDEN_NOTE}"
    if community and metric.people:
        reason += f" {CARD_NOTE}"
    caveat = series.caveats.get(metric_id, "") if isinstance(series, Series) else ""
    line, status_help = ("", "")
    if targets is not None:
        line, status_help = status_line(
            metric, None if current in MARKERS else current, targets.get(metric_id), currency
        )
    # A number that means nothing without its reading says it: "703" is an unconcentrated funding base.
    reading = (
        f"**{band.capitalize()}** ({HHI_RANGES[band]})"
        if metric_id == "funding_hhi" and (band := hhi_band(current))
        else ""
    )
    with st.container(border=True, height="stretch"):  # a row of cards as tall as its tallest
        st.metric(
            metric.label,
            fmt.value(metric, current, currency, compact=True),
            delta=delta,
            delta_color="off" if unchanged else delta_color(metric_id),
            delta_arrow="off" if unchanged else "auto",
            delta_description=series.versus if isinstance(series, Series) else "vs prior period",
            help=f"{metric.description}{reason}\n\n*{metric.question}*" + (f"\n\n{status_help}" if status_help else ""),
        )
        if not marked and len(trend) >= 2:
            shown = ", ".join(fmt.value(metric, v, currency, compact=True) for v in trend)
            words = f"{metric.label}, the trend: {shown}"
            dark = st.context.theme.type == "dark"
            st.html(sparkline(trend, meaning(metric_id, current, prior), dark=dark, label=words))
        if reading:
            st.markdown(reading)
        if caveat:
            st.caption(caveat)
        if targets is not None:
            st.markdown(line, unsafe_allow_html=True)


def cards(
    metric_ids: list[str],
    series: list[dict],
    prior_values: dict,
    currency: str,
    per_row: int = 4,
    community: bool = False,
    targets: dict[str, float] | None = None,
) -> None:
    """Cards in rows of per_row, in reading order; community: the community-safe view's cards; targets: metric id
    to the period's target, and every card then says its status or that it has no target."""
    for row in range(0, len(metric_ids), per_row):
        for column, metric_id in zip(st.columns(per_row), metric_ids[row : row + per_row], strict=False):
            with column:
                card(metric_id, series, prior_values, currency, community, targets)
