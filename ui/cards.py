"""Metric cards: the value, the change against the prior period coloured by direction, and a sparkline."""

from __future__ import annotations

import streamlit as st

from community import SMALL, views
from metrics import CATALOGUE
from metrics import format as fmt


def delta_color(metric_id: str) -> str:
    """Green when the change is good news: normal if higher is better, inverse if lower is, off if neither."""
    better = CATALOGUE[metric_id].higher_is_better
    return "off" if better is None else ("normal" if better else "inverse")


def card(metric_id: str, series: list[dict], prior_values: dict, currency: str, community: bool = False) -> None:
    """One card: series holds the values of the trend periods, the chosen one last; prior_values the prior period's.

    In the community-safe view a count of people from 1 to 10 reads "<11", without the change or the sparkline
    that would give it away (community/views.py decides)."""
    metric = CATALOGUE[metric_id]
    current, prior = series[-1][metric_id], prior_values[metric_id]
    trend = [s[metric_id] for s in series if s[metric_id] is not None]
    rules = views.card_rules(metric_id, current, prior, trend, community)
    delta = fmt.change(metric, current, prior) if rules.delta else None
    unchanged = delta == "no change"
    reason = ""
    if current is None:
        reason = " Shown as — because there is nothing to divide by in this period."
    if not (rules.delta and rules.sparkline):
        reason += f" {views.CARD_NOTE}"
    st.metric(
        metric.label,
        SMALL if rules.small else fmt.value(metric, current, currency, compact=True),
        delta=delta,
        delta_color="off" if unchanged else delta_color(metric_id),
        delta_arrow="off" if unchanged else "auto",
        delta_description="vs prior period",
        help=f"{metric.description}{reason}\n\n*{metric.question}*",
        border=True,
        chart_data=trend if rules.sparkline and len(trend) >= 2 else None,
        chart_type="area",
    )


def cards(
    metric_ids: list[str],
    series: list[dict],
    prior_values: dict,
    currency: str,
    per_row: int = 4,
    community: bool = False,
) -> None:
    """Cards in rows of per_row, in reading order; community: the community-safe view's cards."""
    for row in range(0, len(metric_ids), per_row):
        for column, metric_id in zip(st.columns(per_row), metric_ids[row : row + per_row], strict=False):
            with column:
                card(metric_id, series, prior_values, currency, community)
