"""The sidebar's global filters: period, sector, partnership kind and R&D stage, all kept in the URL."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from metrics import Filters, Period
from store.contract import PARTNERSHIP_KINDS, SECTORS, STAGES

PRESETS = {
    "last-full-year": "Last full year",
    "year-to-date": "Year to date",
    "last-12-months": "Last 12 months",
    "last-full-quarter": "Last full quarter",
    "year": "A calendar year",
    "custom": "Custom dates",
}


def words(value: str) -> str:
    """patient_org -> Patient org; pfdd_meeting -> PFDD meeting."""
    text = value.replace("_", " ")
    text = text.replace("pfdd", "PFDD").replace("cro", "CRO") if value in ("pfdd_meeting", "cro") else text
    return text[:1].upper() + text[1:]


def preset(key: str, today: date, year: int | None = None) -> Period:
    """The period a preset names, as of today."""
    if key == "last-full-year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if key == "year-to-date":
        return Period(date(today.year, 1, 1), today)
    if key == "last-12-months":
        return Period(today - timedelta(days=364), today)
    if key == "last-full-quarter":
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = quarter_start - timedelta(days=1)
        return Period(date(end.year, end.month - 2, 1), end)
    if key == "year":
        y = year or today.year - 1
        return Period(date(y, 1, 1), date(y, 12, 31))
    raise ValueError(f"unknown period preset {key!r}")


def select_period(years: list[int], today: date | None = None) -> Period:
    """Draws the period selector and returns the chosen period."""
    today = today or date.today()
    choice = st.sidebar.selectbox("Period", list(PRESETS), format_func=PRESETS.get, key="period", bind="query-params")
    if choice == "year":
        options = years or [today.year - 1]
        year = st.sidebar.selectbox("Year", options, index=len(options) - 1, key="year", bind="query-params")
        return preset(choice, today, year)
    if choice == "custom":
        default = preset("last-full-year", today)
        picked = st.sidebar.date_input(
            "From and to (both included)",
            (default.start, default.end),
            key="dates",
            format="YYYY-MM-DD",
            bind="query-params",
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            return Period(*picked)
        st.sidebar.caption("Pick an end date too; until then the last full year is shown.")
        return default
    return preset(choice, today)


def select_filters() -> Filters:
    """Draws the sector, partnership-kind and stage filters and returns them."""
    sectors = st.sidebar.multiselect(
        "Partner sector", SECTORS, format_func=words, key="sector", bind="query-params", placeholder="All sectors"
    )
    kinds = st.sidebar.multiselect(
        "Partnership kind",
        PARTNERSHIP_KINDS,
        format_func=words,
        key="kind",
        bind="query-params",
        placeholder="All kinds",
    )
    stages = st.sidebar.multiselect(
        "R&D stage", STAGES, format_func=words, key="stage", bind="query-params", placeholder="All stages"
    )
    chosen = Filters(tuple(sectors), tuple(kinds), tuple(stages))
    if chosen.active:
        st.sidebar.caption(
            "Filters keep the records that carry them: a sector keeps its partners and their records; a kind "
            "keeps records of partnerships of that kind; a stage keeps records at that stage. Publications have "
            "no stage, and milestones belong to no partnership, so those filters leave them out."
        )
    return chosen
