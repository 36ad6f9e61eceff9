"""The dashboard's reads of the store, cached; every cache key carries the database file's version.

`lens(view)` gives a page its numbers: as they are in the internal view, through the community gate in the
community-safe view (lens.py). Pages open no database: whatever they show comes from here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

import queries
import settings
from charts.catalogue import CHARTS
from community.gate import Refused
from lens import Direct, Lens, View
from metrics import Filters, Period, compute_many
from reports import slides as deck
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


class _Shared(threading.local):
    """This script thread's shared read connection, while it holds one (`_one_connection`): the file, and the
    connection once the first read that misses its cache has opened it."""

    path: str | None = None
    stack: ExitStack | None = None
    con: object = None


_shared = _Shared()


@contextmanager
def _reading(path: str) -> Iterator:
    """A read connection for one cached read: the shared one while this thread holds one for the same file (opened
    at its first use), else a connection of its own. Opening one costs tens of milliseconds, whatever it reads."""
    if _shared.stack is None or _shared.path != path:
        with database.read(path) as con:
            yield con
        return
    if _shared.con is None:
        _shared.con = _shared.stack.enter_context(database.read(path))
    yield _shared.con


@contextmanager
def _one_connection(path: str) -> Iterator[None]:
    """The cached reads inside share one read connection, opened at the first that misses its cache (none when every
    read is cached) and closed at the end: no write may happen inside."""
    if _shared.stack is not None:  # already inside one
        yield
        return
    with ExitStack() as stack:
        _shared.path, _shared.stack, _shared.con = path, stack, None
        try:
            yield
        finally:
            _shared.path, _shared.stack, _shared.con = None, None, None


def _key(*values: object) -> str:
    """A cache key for periods, filters and views: their repr, which names every field. Streamlit hashes a string
    at once, where it walks eight periods and their filters field by field, milliseconds on every read of a rerun;
    the objects themselves are passed beside the key, unhashed (a parameter whose name starts with _)."""
    return repr(values)


@st.cache_data(show_spinner=False, max_entries=512)
def _metrics(
    path: str, version: tuple | None, key: str, _periods: tuple[Period, ...], _filters: Filters, metric_ids: tuple
) -> list[dict]:
    """Cached because every page of a view asks for the same metrics of the same periods (a Lens reads them all
    at once); keyed by the file's version and _key(periods, filters)."""
    with _reading(path) as con:
        return compute_many(con, list(_periods), list(metric_ids), _filters)


@st.cache_data(show_spinner=False, max_entries=1024)
def _query(
    path: str, version: tuple | None, name: str, key: str, _periods: tuple[Period, ...], _filters: Filters
) -> pd.DataFrame:
    """Cached because a chart's aggregate only changes with the period, filters or data; keyed by version and
    _key(periods, filters)."""
    with _reading(path) as con:
        return queries.run(con, name, list(_periods), _filters)


@st.cache_data(show_spinner=False, max_entries=256)
def _notes(path: str, version: tuple | None, metric_ids: tuple[str, ...] | None, key: str, _period: Period) -> list:
    """Cached because every rerun of a page shows the same notes; keyed by the file's version, so a new note shows,
    and _key(period)."""
    with _reading(path) as con:
        return notes_store.notes_for(con, metric_ids, _period)


@st.cache_data(show_spinner=False, max_entries=256)
def _events(path: str, version: tuple | None, start: date, end: date) -> list:
    """Cached because every rerun draws the same events; keyed by the file's version, so a new event shows."""
    with _reading(path) as con:
        return notes_store.annotations_in(con, start, end)


@st.cache_data(show_spinner=False, max_entries=16)
def _targets(path: str, version: tuple | None) -> dict[int, dict[str, float]]:
    """Cached because every rerun of the Overview shows the same targets; keyed by the file's version."""
    with _reading(path) as con:
        return targets_store.load(con)


class Cached:
    """The Reader of lens.py over the cached reads above, for the database the dashboard serves."""

    def metrics(self, periods: list[Period], filters: Filters, metric_ids: Sequence[str]) -> list[dict]:
        ids = tuple(dict.fromkeys(metric_ids))
        return _metrics(str(db_path()), db_version(), _key(periods, filters), tuple(periods), filters, ids)

    def query(self, name: str, periods: list[Period], filters: Filters) -> pd.DataFrame:
        return _query(str(db_path()), db_version(), name, _key(periods, filters), tuple(periods), filters)

    def notes(self, metric_ids: Sequence[str] | None, period: Period) -> list:
        ids = None if metric_ids is None else tuple(metric_ids)
        return _notes(str(db_path()), db_version(), ids, _key(period), period)

    def events(self, start: date, end: date) -> list:
        return _events(str(db_path()), db_version(), start, end)

    def targets(self) -> dict[int, dict[str, float]]:
        return _targets(str(db_path()), db_version())


def lens(view: View, metric_ids: Sequence[str] | None = None) -> Lens:
    """The view's numbers, from the current database (Refused for a community-safe view the rules refuse);
    metric_ids: the metrics to read at once (by default all)."""
    return Lens(Cached(), view, metric_ids)


def page_lens(
    view: View,
    title: str,
    metric_ids: Sequence[str] | None = None,
    *,
    charts: Sequence[str] = (),
    tables: Sequence[str] = (),
    notes: Sequence[str] | None = None,
) -> Lens:
    """A page's lens, reading the page's metrics at once; in a community-safe view the rules refuse (a period
    other than a calendar quarter or year, or a filter), the page shows its title, the banner and the sentence
    why, and stops there. A period that starts after the latest record says so, rather than show zeros.

    The page's reads are made ahead, through one connection (`read_ahead`): its metrics (and the prior period's,
    the events and the targets), the queries of its charts (names in charts/catalogue.py) and of its tables
    (tables: query names), and the notes on the metrics `notes` names. A page that reads nothing through the lens
    (metric_ids=[] and nothing else named) reads nothing ahead."""
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
    names = [CHARTS[c].query for c in charts if CHARTS[c].query] + list(tables)
    if metric_ids is None or metric_ids or names or notes is not None:
        read_ahead(
            view,
            None if metric_ids is None else tuple(metric_ids),
            tuple(dict.fromkeys(names)),
            None if notes is None else tuple(notes),
        )
    return made


def read_ahead(
    view: View, metric_ids: tuple[str, ...] | None, query_names: tuple[str, ...], notes: tuple[str, ...] | None
) -> None:
    """Makes a page's reads ahead of it, into the caches above, through one connection: a first view of a page
    then opens one connection instead of one per read (each costs tens of milliseconds), and DuckDB reads each
    table's blocks once. Keyed like every read (by the database version), so a view read before costs one lookup."""
    _read_ahead(str(db_path()), db_version(), _key(view), view, metric_ids, query_names, notes)


@st.cache_data(show_spinner=False, max_entries=256)
def _read_ahead(
    path: str,
    version: tuple | None,
    key: str,
    _view: View,
    metric_ids: tuple[str, ...] | None,
    query_names: tuple[str, ...],
    notes: tuple[str, ...] | None,
) -> bool:
    """Cached so that a view read ahead once is not read ahead again (its reads are cached on their own); keyed
    by _key(view)."""
    view = _view
    with _one_connection(path):
        ahead = lens(view, metric_ids)
        if metric_ids != ():  # a page of numbers: its metrics, the events its charts mark, and the targets
            ids = list(metric_ids) if metric_ids is not None else None
            ahead.current(ids)
            ahead.prior(ids)
            ahead.events()
            ahead.reader.targets()
        if notes is not None:
            ahead.notes(notes)
        for name in query_names:  # the rows as they are: the page passes them through the gate itself
            ahead.reader.query(name, view.periods, view.filters)
    return True


@st.cache_data(show_spinner=False, max_entries=16)
def _facts(path: str, version: tuple | None) -> dict:
    """Cached because the sidebar shows these on every rerun; keyed by the file's version."""
    with _reading(path) as con:
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
    return _slides(str(db_path()), db_version(), _key(view), view, dark)


@st.cache_data(show_spinner=False, max_entries=64)
def _slides(path: str, version: tuple | None, key: str, _view: View, dark: bool) -> list:
    """Cached because every move to another slide reruns the page; keyed by the database file's version and
    _key(view)."""
    with database.read(path) as con:
        return deck.build(Lens(Direct(con), replace(_view, dark=dark), deck.USED))


def board_pack(view: View) -> bytes:
    """The board pack's PDF for the view, printed when asked for (a download's click)."""
    return deck.board_pack_bytes(db_path(), view)
