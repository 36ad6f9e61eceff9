"""The sidebar's global filters: period, sector, partnership kind and R&D stage, and the community-safe view,
all kept in the URL."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from contract import PARTNERSHIP_KINDS, SECTORS, STAGES
from metrics import Filters, Period
from metrics.format import words

PRESETS = {
    "last-full-year": "Last full year",
    "year-to-date": "Year to date",
    "last-12-months": "Last 12 months",
    "last-full-quarter": "Last full quarter",
    "year": "A calendar year",
    "custom": "Custom dates",
}
COMMUNITY = "community"  # ?view=community opens the community-safe view


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


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def restore_from_url(years: list[int]) -> None:
    """On a session's first run, sets the filter widgets from the link it was opened with (invalid values drop)."""
    if st.session_state.get("_restored_from_url"):
        return
    st.session_state["_restored_from_url"] = True
    params = st.query_params
    period = _first(params.get_all("period"))
    if period in PRESETS:
        st.session_state["period"] = period
    year = _first(params.get_all("year"))
    if year and year.isdigit() and (int(year) in years or not years):
        st.session_state["year"] = int(year)
    try:
        start, end = date.fromisoformat(params.get("from", "")), date.fromisoformat(params.get("to", ""))
        if start <= end:
            st.session_state["dates"] = (start, end)
    except ValueError:
        pass
    for key, allowed in (("sector", SECTORS), ("kind", PARTNERSHIP_KINDS), ("stage", STAGES)):
        chosen = [v for v in dict.fromkeys(params.get_all(key)) if v in allowed]
        if chosen:
            st.session_state[key] = chosen
    if _first(params.get_all("view")) == COMMUNITY:
        st.session_state["community"] = True


def write_to_url(period_key: str, period: Period, filters: Filters, community: bool = False) -> None:
    """Keeps the link in the address bar equal to what is shown, so it can be sent and opens exactly so."""
    wanted: dict[str, str | list[str]] = {}
    if period_key != "last-full-year":
        wanted["period"] = period_key
    if period_key == "year":
        wanted["year"] = str(period.start.year)
    if period_key == "custom":
        wanted["from"], wanted["to"] = period.start.isoformat(), period.end.isoformat()
    for key, values in (("sector", filters.sectors), ("kind", filters.kinds), ("stage", filters.stages)):
        if values:
            wanted[key] = list(values)
    if community:
        wanted["view"] = COMMUNITY
    for key in ("period", "year", "from", "to", "sector", "kind", "stage", "view"):
        if key not in wanted and key in st.query_params:
            del st.query_params[key]
    for key, value in wanted.items():
        current = st.query_params.get_all(key)
        if current != (value if isinstance(value, list) else [value]):
            st.query_params[key] = value


def select_period(years: list[int], today: date | None = None) -> tuple[str, Period]:
    """Draws the period selector; returns the preset's key and the chosen period."""
    today = today or date.today()
    choice = st.sidebar.selectbox("Period", list(PRESETS), format_func=PRESETS.get, key="period")
    if choice == "year":
        options = years or [today.year - 1]
        if st.session_state.get("year") not in options:
            st.session_state["year"] = options[-1]
        year = st.sidebar.selectbox("Year", options, key="year")
        return choice, preset(choice, today, year)
    if choice == "custom":
        default = preset("last-full-year", today)
        if "dates" not in st.session_state:
            st.session_state["dates"] = (default.start, default.end)
        picked = st.sidebar.date_input("From and to (both included)", key="dates", format="YYYY-MM-DD")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            return choice, Period(*picked)
        st.sidebar.caption("Pick an end date too; until then the last full year is shown.")
        return choice, default
    return choice, preset(choice, today)


def select_filters() -> Filters:
    """Draws the sector, partnership-kind and stage filters and returns them."""
    sectors = st.sidebar.multiselect(
        "Partner sector", SECTORS, format_func=words, key="sector", placeholder="All sectors"
    )
    kinds = st.sidebar.multiselect(
        "Partnership kind", PARTNERSHIP_KINDS, format_func=words, key="kind", placeholder="All kinds"
    )
    stages = st.sidebar.multiselect("R&D stage", STAGES, format_func=words, key="stage", placeholder="All stages")
    chosen = Filters(tuple(sectors), tuple(kinds), tuple(stages))
    if chosen.active:
        st.sidebar.caption(
            "Filters keep the records that carry them: a sector keeps its partners and their records; a kind "
            "keeps records of partnerships of that kind; a stage keeps records at that stage. Publications have "
            "no stage, and milestones belong to no partnership, so those filters leave them out."
        )
    return chosen


def select_view() -> bool:
    """Draws the community-safe view's switch; returns whether it is on."""
    return st.sidebar.toggle(
        "Community-safe view",
        key="community",
        help="For sharing a screen in public: counts of people are rounded (1 to 10 read “<11”), partners who asked "
        "not to be named are never named nor shown on their own, and every page says so. It covers whole calendar "
        "quarters and years of the whole foundation, without filters. Kept in the link as `view=community`.",
    )
