"""The reporting period chosen in the sidebar: presets relative to today, or custom dates."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from metrics import Period

PRESETS = ("Last full year", "Year to date", "Last 12 months", "Last full quarter", "Calendar year", "Custom dates")


def preset(name: str, today: date, year: int | None = None) -> Period:
    """The period a preset names, as of today."""
    if name == "Last full year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if name == "Year to date":
        return Period(date(today.year, 1, 1), today)
    if name == "Last 12 months":
        return Period(today - timedelta(days=364), today)
    if name == "Last full quarter":
        q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = q_start - timedelta(days=1)
        return Period(date(end.year, end.month - 2, 1), end)
    if name == "Calendar year":
        y = year or today.year - 1
        return Period(date(y, 1, 1), date(y, 12, 31))
    raise ValueError(f"unknown period preset {name!r}")


def select(years: list[int], today: date | None = None) -> Period:
    """Draws the period selector in the sidebar and returns the chosen period."""
    today = today or date.today()
    choice = st.sidebar.selectbox("Period", PRESETS, key="period_preset")
    if choice == "Calendar year":
        options = years or [today.year - 1]
        year = st.sidebar.selectbox("Year", options, index=len(options) - 1, key="period_year")
        return preset(choice, today, year)
    if choice == "Custom dates":
        default = preset("Last full year", today)
        picked = st.sidebar.date_input(
            "From and to (both included)", (default.start, default.end), key="period_dates", format="YYYY-MM-DD"
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            return Period(*picked)
        st.sidebar.caption("Pick an end date too; until then the last full year is shown.")
        return default
    return preset(choice, today)
