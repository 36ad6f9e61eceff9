"""Metric cards: the value, the change against the prior period coloured by direction, and a sparkline."""

from __future__ import annotations

import streamlit as st

from metrics import CATALOGUE
from metrics import format as fmt


def delta_color(metric_id: str) -> str:
    """Green when the change is good news: normal if higher is better, inverse if lower is, off if neither."""
    better = CATALOGUE[metric_id].higher_is_better
    return "off" if better is None else ("normal" if better else "inverse")


def card(metric_id: str, series: list[dict], currency: str) -> None:
    """One card; series holds the metric values of the last periods, oldest first, the current one last."""
    metric = CATALOGUE[metric_id]
    current, prior = series[-1][metric_id], series[-2][metric_id] if len(series) > 1 else None
    trend = [s[metric_id] for s in series if s[metric_id] is not None]
    delta = fmt.change(metric, current, prior)
    unchanged = delta == "no change"
    reason = ""
    if current is None:
        reason = " Shown as — because there is nothing to divide by in this period."
    st.metric(
        metric.label,
        fmt.value(metric, current, currency, compact=True),
        delta=delta,
        delta_color="off" if unchanged else delta_color(metric_id),
        delta_arrow="off" if unchanged else "auto",
        delta_description="vs prior period",
        help=f"{metric.description}{reason}\n\n*{metric.question}*",
        border=True,
        chart_data=trend if len(trend) >= 2 else None,
        chart_type="area",
    )
