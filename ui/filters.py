"""The sidebar's global filters: period, sector, partnership kind and R&D stage, and the community-safe view,
all kept in the URL."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from contract import PARTNERSHIP_KINDS, SECTORS, STAGES
from metrics import Filters, Period
from metrics.format import words

PRESETS = {
    "last-full-year": "Last full year with records",
    "year-to-date": "Year to date",
    "last-12-months": "Last 12 months",
    "last-full-quarter": "Last full quarter",
    "year": "A calendar year",
    "custom": "Custom dates",
}
COMMUNITY = "community"  # ?view=community opens the community-safe view
COMPARE = {"prior": "The prior period", "year": "The same period a year earlier"}
# The link's keys the sidebar keeps; any other (a slide, a partner, a theme) belongs to a page and is left alone.
MANAGED = ("period", "year", "from", "to", "compare", "sector", "kind", "stage", "view")
WRITTEN = "_url_written"  # the managed part of the link as this session last wrote it
PAGE = "_url_page"  # the page this session last ran
KEEP = "session"  # the filters' widgets keep their values across pages (Streamlit drops them otherwise)


def _page() -> str:
    """The page this run is for (its script hash), to tell a click to another page from Back or Forward."""
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx else ""


def last_full_year(today: date, last_record: date | None = None) -> int:
    """The last whole calendar year before today that has records: the year before today's, or the year of the
    latest record when that is earlier (a foundation whose records end in 2025 opens on 2025, not on an empty
    2026)."""
    year = today.year - 1
    return min(year, last_record.year) if last_record else year


def preset(key: str, today: date, year: int | None = None, last_record: date | None = None) -> Period:
    """The period a preset names, as of today (last_record: the latest record's date, for the default)."""
    if key == "last-full-year":
        y = last_full_year(today, last_record)
        return Period(date(y, 1, 1), date(y, 12, 31))
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


def _managed(params) -> dict[str, list[str]]:
    """The sidebar's part of a link: key -> values, in MANAGED order."""
    return {key: params.get_all(key) for key in MANAGED if params.get_all(key)}


def restore_from_url(years: list[int]) -> None:
    """Sets the filter widgets from the link: on a session's first run (the link it was opened with), and again
    whenever the link is not the one this session last wrote (Back or Forward in the browser), except on a click
    to another page, which Streamlit opens without parameters. Invalid values drop; keys the link leaves out take
    their defaults."""
    now = _managed(st.query_params)
    page, last_page = _page(), st.session_state.get(PAGE)
    st.session_state[PAGE] = page
    first = not st.session_state.get("_restored_from_url")
    if not first and now == st.session_state.get(WRITTEN):
        return
    if not first and not now and page != last_page:
        return  # a click to another page: Streamlit opens it without the link's parameters; the filters stay
    st.session_state["_restored_from_url"] = True
    if not first:  # Back or Forward: what the link leaves out goes back to its default
        for key in ("period", "year", "dates", "compare", "sector", "kind", "stage", "community"):
            st.session_state.pop(key, None)
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
    if _first(params.get_all("compare")) in COMPARE:
        st.session_state["compare"] = _first(params.get_all("compare"))
    for key, allowed in (("sector", SECTORS), ("kind", PARTNERSHIP_KINDS), ("stage", STAGES)):
        chosen = [v for v in dict.fromkeys(params.get_all(key)) if v in allowed]
        if chosen:
            st.session_state[key] = chosen
    if _first(params.get_all("view")) == COMMUNITY:
        st.session_state["community"] = True
    st.session_state[WRITTEN] = now


def write_to_url(
    period_key: str, period: Period, filters: Filters, community: bool = False, compare: str = "prior"
) -> dict[str, list[str]]:
    """Keeps the link in the address bar equal to what is shown, so it can be sent and opens exactly so. The link
    changes in one step (one entry in the browser's history, so one Back undoes one change). Returns the link's
    filter parameters, for the links to other pages."""
    wanted: dict[str, list[str]] = {}
    if period_key != "last-full-year":
        wanted["period"] = [period_key]
    if period_key == "year":
        wanted["year"] = [str(period.start.year)]
    if period_key == "custom":
        wanted["from"], wanted["to"] = [period.start.isoformat()], [period.end.isoformat()]
    if compare != "prior":
        wanted["compare"] = [compare]
    for key, values in (("sector", filters.sectors), ("kind", filters.kinds), ("stage", filters.stages)):
        if values:
            wanted[key] = list(values)
    if community:
        wanted["view"] = [COMMUNITY]
    wanted = {key: wanted[key] for key in MANAGED if key in wanted}
    st.session_state[WRITTEN] = wanted
    if _managed(st.query_params) != wanted:
        others = {key: st.query_params.get_all(key) for key in st.query_params if key not in MANAGED}
        st.query_params.from_dict({**others, **wanted})
    return wanted


def select_period(years: list[int], today: date | None = None, last_record: date | None = None) -> tuple[str, Period]:
    """Draws the period selector; returns the preset's key and the chosen period. By default, the last full year
    that has records (last_record: the latest record's date)."""
    today = today or date.today()
    default_year = last_full_year(today, last_record)

    def label(key: str) -> str:
        return f"{PRESETS[key]} ({default_year})" if key == "last-full-year" else PRESETS[key]

    choice = st.sidebar.selectbox("Period", list(PRESETS), format_func=label, key="period", persist_state=KEEP)
    if choice == "year":
        options = years or [default_year]
        if st.session_state.get("year") not in options:
            st.session_state["year"] = default_year if default_year in options else options[-1]
        year = st.sidebar.selectbox("Year", options, key="year", persist_state=KEEP)
        return choice, preset(choice, today, year)
    if choice == "custom":
        default = preset("last-full-year", today, last_record=last_record)
        if "dates" not in st.session_state:
            st.session_state["dates"] = (default.start, default.end)
        picked = st.sidebar.date_input(
            "From and to (both included)", key="dates", format="YYYY-MM-DD", persist_state=KEEP
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            return choice, Period(*picked)
        st.sidebar.caption("Pick an end date too; until then the last full year is shown.")
        return choice, default
    return choice, preset(choice, today, last_record=last_record)


def select_compare(period: Period) -> str:
    """Draws the choice of what the period is compared with; returns "prior" or "year"."""
    if period.calendar:  # short enough for the sidebar: "Prior period (2024)"
        labels = {
            "prior": f"Prior period ({period.prior.label})",
            "year": f"A year earlier ({period.year_earlier.label})",
        }
    else:  # the dates are in each page's caption
        labels = {"prior": "Prior period, same length", "year": "The same dates a year earlier"}
    return st.sidebar.selectbox(
        "Compare with",
        list(COMPARE),
        format_func=labels.get,
        key="compare",
        persist_state=KEEP,
        help="Every card's change, and the Change column, are against this period. Kept in the link as `compare=year`.",
    )


def select_filters() -> Filters:
    """Draws the sector, partnership-kind and stage filters and returns them."""
    sectors = st.sidebar.multiselect(
        "Partner sector", SECTORS, format_func=words, key="sector", placeholder="All sectors", persist_state=KEEP
    )
    kinds = st.sidebar.multiselect(
        "Partnership kind",
        PARTNERSHIP_KINDS,
        format_func=words,
        key="kind",
        placeholder="All kinds",
        persist_state=KEEP,
    )
    stages = st.sidebar.multiselect(
        "R&D stage", STAGES, format_func=words, key="stage", placeholder="All stages", persist_state=KEEP
    )
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
        persist_state=KEEP,
        help="For sharing a screen in public: counts of people are rounded (1 to 10 read “<11”), partners who asked "
        "not to be named are never named nor shown on their own, and every page says so. It covers whole calendar "
        "quarters and years of the whole foundation, without filters. Kept in the link as `view=community`.",
    )
