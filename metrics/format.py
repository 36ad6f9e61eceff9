"""Formats metric values for people: money with its currency, shares as percentages, "—" for null."""

from __future__ import annotations

from contract import MILESTONE_LABELS
from metrics.catalogue import Metric

NULL = "—"
LABELS = {**MILESTONE_LABELS, "pfdd_meeting": "PFDD meeting", "cro": "CRO"}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "CHF": "CHF "}


def money(value: float, currency: str, compact: bool = False) -> str:
    """$1,234,567 (or $1.2M when compact)."""
    symbol = SYMBOLS.get(currency, currency + " ")
    if compact:
        for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= size:
                return f"{symbol}{value / size:,.1f}{suffix}"
    return f"{symbol}{value:,.0f}"


def value(metric: Metric, number: float | int | str | None, currency: str = "USD", compact: bool = False) -> str:
    """The value as a board member reads it; a marker of the community gate ("<11", "—") reads as it is."""
    if number is None:
        return NULL
    if isinstance(number, str):
        return number
    if metric.unit == "money":
        return money(number, currency, compact)
    if metric.unit == "share":
        signed = "+" if metric.id.endswith("_change") and number > 0 else ""
        return f"{signed}{number * 100:,.{metric.decimals}f}%"
    if metric.unit == "days":
        return f"{number:,.0f} days"
    return f"{number:,.{metric.decimals}f}"


SMALL_BASE = 10  # a count changing from fewer than this reads as a difference ("+5"), not a percentage ("+500%")


def change(metric: Metric, current: float | int | None, prior: float | int | None) -> str | None:
    """The change against the compared period: points for shares; the difference for a count that was below
    SMALL_BASE (1 -> 6 reads "+5", not "+500%"); percent for the rest; None when unknown (or when either value is
    a marker of the community gate)."""
    if current is None or prior is None or isinstance(current, str) or isinstance(prior, str):
        return None
    if current == prior:
        return "no change"
    if metric.unit == "share":
        return f"{(current - prior) * 100:+,.1f} pts"
    if metric.unit == "count" and abs(prior) < SMALL_BASE:
        return f"{current - prior:+,.{metric.decimals}f}"
    if prior == 0:
        return None if current == 0 else "new"
    return f"{(current - prior) / abs(prior) * 100:+,.0f}%"


def words(value: str) -> str:
    """An enumerated value as people write it: patient_org -> Patient org, pfdd_meeting -> PFDD meeting."""
    if value in LABELS:
        return LABELS[value]
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]
