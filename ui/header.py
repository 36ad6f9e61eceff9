"""The lines under a page's title: the period, what it is compared with, how recent the records are, and, where
the view is filtered, a notice beside the numbers saying so."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lens import COMPARISONS, View
from ui import data


def period_text(v: View) -> str:
    """ "2025 (1 Jan to 31 Dec 2025), compared with 2024 (1 Jan to 31 Dec 2024)"."""
    p, b = v.period, v.baseline
    text = f"{p.label} ({p.start:%-d %b %Y} to {p.end:%-d %b %Y}), compared with "
    if v.compare == "year" and b != p.prior:
        text += "the same period a year earlier, "
    return text + f"{b.label} ({b.start:%-d %b %Y} to {b.end:%-d %b %Y})"


def filtered_text(v: View) -> str:
    """The notice of a filtered view ("" when none): what every number on the page then counts."""
    if not v.filters.active:
        return ""
    return f"Filtered to {v.filters.describe()}: every number here counts only the records these filters keep."


PARTIAL_DAYS = 31  # a period whose last month or tenth (whichever is longer) has no record is said to be partial


def partial_text(v: View, last: date | None) -> str:
    """The notice of a period that runs well past the latest record (over PARTIAL_DAYS and over a tenth of the
    period; "" otherwise): its numbers, and their change, stop at that record."""
    p = v.period
    if last is None or last >= p.end or last < p.start:
        return ""
    missing = (p.end - last).days
    if missing <= max(PARTIAL_DAYS, p.days // 10):  # records come with gaps: a few quiet days say nothing
        return ""
    return (
        f"The records run through {last:%-d %B %Y}, so the last {missing:,} of this period's {p.days:,} days have "
        f"none yet: its numbers, and their change against {v.baseline.label}, cover only part of it."
    )


def caption(v: View) -> None:
    """The period line under a page's title, the notice of a period that runs past the latest record, and the
    filter notice where the view is filtered."""
    st.caption(f"{period_text(v)}. {data.records_text()}. {data.as_of_text()}.")
    if partial := partial_text(v, data.facts()["last_date"]):
        st.warning(partial, icon=":material/event_busy:")
    if v.filters.active:
        st.info(filtered_text(v), icon=":material/filter_alt:")


__all__ = ["COMPARISONS", "caption", "filtered_text", "partial_text", "period_text"]
