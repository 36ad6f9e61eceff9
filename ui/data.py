"""The dashboard's reads of the store, cached; every cache key carries the database file's version.

`lens(view)` gives a page its numbers: as they are in the internal view, through the community gate in the
community-safe view (lens.py). Pages open no database: whatever they show comes from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

import queries
import settings
from community.gate import Refused
from lens import Direct, Lens, View
from metrics import Filters, Period, compute_many
from store import database
from store import notes as notes_store
from store import targets as targets_store
from ui import community as public


def db_path() -> Path:
    """The database this dashboard serves (foundation.toml, or PARTNERSHIP_DB)."""
    return settings.load().database


def db_version() -> tuple[int, int, int] | None:
    """The database file's identity now; a new import changes it, and with it every cache key."""
    return database.version(db_path())


@st.cache_data(show_spinner=False, max_entries=512)
def _metrics(
    path: str, version: tuple | None, periods: tuple[Period, ...], filters: Filters, metric_ids: tuple[str, ...]
) -> list[dict]:
    """Cached because every page of a view asks for the same metrics of the same periods (a Lens reads them all
    at once); keyed by the file's version."""
    with database.read(path) as con:
        return compute_many(con, list(periods), list(metric_ids), filters)


@st.cache_data(show_spinner=False, max_entries=1024)
def _query(path: str, version: tuple | None, name: str, periods: tuple[Period, ...], filters: Filters) -> pd.DataFrame:
    """Cached because a chart's aggregate only changes with the period, filters or data; keyed by version."""
    with database.read(path) as con:
        return queries.run(con, name, list(periods), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def _notes(path: str, version: tuple | None, metric_ids: tuple[str, ...] | None, period: Period) -> list:
    """Cached because every rerun of a page shows the same notes; keyed by the file's version, so a new note shows."""
    with database.read(path) as con:
        return notes_store.notes_for(con, metric_ids, period)


@st.cache_data(show_spinner=False, max_entries=256)
def _events(path: str, version: tuple | None, start: date, end: date) -> list:
    """Cached because every rerun draws the same events; keyed by the file's version, so a new event shows."""
    with database.read(path) as con:
        return notes_store.annotations_in(con, start, end)


@st.cache_data(show_spinner=False, max_entries=16)
def _targets(path: str, version: tuple | None) -> dict[int, dict[str, float]]:
    """Cached because every rerun of the Overview shows the same targets; keyed by the file's version."""
    with database.read(path) as con:
        return targets_store.load(con)


class Cached:
    """The Reader of lens.py over the cached reads above, for the database the dashboard serves."""

    def metrics(self, periods: list[Period], filters: Filters, metric_ids: Sequence[str]) -> list[dict]:
        ids = tuple(dict.fromkeys(metric_ids))
        return _metrics(str(db_path()), db_version(), tuple(periods), filters, ids)

    def query(self, name: str, periods: list[Period], filters: Filters) -> pd.DataFrame:
        return _query(str(db_path()), db_version(), name, tuple(periods), filters)

    def notes(self, metric_ids: Sequence[str] | None, period: Period) -> list:
        ids = None if metric_ids is None else tuple(metric_ids)
        return _notes(str(db_path()), db_version(), ids, period)

    def events(self, start: date, end: date) -> list:
        return _events(str(db_path()), db_version(), start, end)

    def targets(self) -> dict[int, dict[str, float]]:
        return _targets(str(db_path()), db_version())


def lens(view: View, metric_ids: Sequence[str] | None = None) -> Lens:
    """The view's numbers, from the current database (Refused for a community-safe view the rules refuse);
    metric_ids: the metrics to read at once (by default all)."""
    return Lens(Cached(), view, metric_ids)


def page_lens(view: View, title: str, metric_ids: Sequence[str] | None = None) -> Lens:
    """A page's lens, reading the page's metrics at once; in a community-safe view the rules refuse (a period
    other than a calendar quarter or year, or a filter), the page shows its title, the banner and the sentence
    why, and stops there. A period that starts after the latest record says so, rather than show zeros."""
    try:
        made = lens(view, metric_ids)  # the gate refuses here, before anything is read
    except Refused as why:
        st.title(title)
        public.refused(view, records_text(), str(why))
        st.stop()
    last = facts()["last_date"]
    if last is not None and view.period.start > last:
        st.title(title)
        st.info(after_records_text(view.period, last), icon=":material/event_busy:")
        st.stop()
    return made


@st.cache_data(show_spinner=False, max_entries=16)
def _facts(path: str, version: tuple | None) -> dict:
    """Cached because the sidebar shows these on every rerun; keyed by the file's version."""
    with database.read(path) as con:
        last = database.last_import(con)
        first_date, last_date = database.record_dates(con)
        partners = database.scalar(con, "SELECT count(*) FROM partners")
    return {"last_import": last, "first_date": first_date, "last_date": last_date, "partners": partners}


def facts() -> dict:
    """When data was last imported, the dates the records span, and how many partners there are."""
    return _facts(str(db_path()), db_version())


def years() -> list[int]:
    """The calendar years the records span, oldest first."""
    f = facts()
    first: date | None = f["first_date"]
    last: date | None = f["last_date"]
    return list(range(first.year, last.year + 1)) if first and last else []


def as_of_text() -> str:
    """ "Data as of 27 November 2026", or a plain statement that nothing is imported yet."""
    last: datetime | None = facts()["last_import"]
    return f"Data as of {last:%-d %B %Y}" if last else "No data imported yet"


def after_records_text(period, last: date) -> str:
    """What a page says for a period after the latest record, instead of a page of zeros."""
    return (
        f"No records yet for {period.label} ({period.start:%-d %b %Y} to {period.end:%-d %b %Y}): the records run "
        f"through {last:%-d %B %Y}. Choose an earlier period in the sidebar (the last full year with records is "
        "the default), or import newer records on the Data page."
    )


def records_text() -> str:
    """ "Records through 30 December 2025": the date of the latest record (what every community output states)."""
    last: date | None = facts()["last_date"]
    return f"Records through {last:%-d %B %Y}" if last else "No records yet"


def slides(view: View, dark: bool) -> list:
    """The board's slides for the view (reports/slides.py), cached by database version."""
    return _slides(str(db_path()), db_version(), view, dark)


@st.cache_data(show_spinner=False, max_entries=64)
def _slides(path: str, version: tuple | None, view: View, dark: bool) -> list:
    """Cached because every move to another slide reruns the page; keyed by the database file's version."""
    from reports import slides as deck

    with database.read(path) as con:
        return deck.build(Lens(Direct(con), replace(view, dark=dark), deck.USED))


def board_pack(view: View) -> bytes:
    """The board pack's PDF for the view, printed when asked for (a download's click)."""
    from reports import slides as deck

    return deck.board_pack_bytes(db_path(), view)
