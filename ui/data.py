"""Cached reads of the store for the dashboard; every cache key carries the database version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

import queries
import settings
from community import hidden_funding_metrics, views
from metrics import CATALOGUE, Filters, Period, compute_many
from store import database
from ui.context import View


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
    """Cached because every rerun of a page asks for the same metrics; keyed by the file's version."""
    with database.read(path) as con:
        return compute_many(con, list(periods), list(metric_ids), filters)


def metrics(
    periods: list[Period],
    filters: Filters | None = None,
    metric_ids: Sequence[str] | None = None,
    community: bool = False,
) -> list[dict]:
    """The metrics (all, or the named ones) for each of the periods, from the current database.

    community: the community-safe view's values, in which a funding number that would show a confidential funder
    on its own is None (community/rules.py decides which).
    """
    ids = tuple(dict.fromkeys(metric_ids)) if metric_ids is not None else tuple(CATALOGUE)
    values = _metrics(str(db_path()), db_version(), tuple(periods), filters or Filters(), ids)
    if not community:
        return values
    exposure = query("community_funding_exposure", periods, filters).to_dict("records")
    masked = []
    for row, period_values in zip(exposure, values, strict=True):
        hidden = hidden_funding_metrics(row)
        masked.append({m: (None if m in hidden else v) for m, v in period_values.items()})
    return masked


def prior(
    period: Period, filters: Filters | None = None, metric_ids: Sequence[str] | None = None, community: bool = False
) -> dict:
    """The metrics for the period's prior period (same number of days, ending the day before it)."""
    return metrics([period.prior], filters, metric_ids, community)[0]


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, version: tuple | None, name: str, periods: tuple[Period, ...], filters: Filters) -> pd.DataFrame:
    """Cached because a chart's aggregate only changes with the period, filters or data; keyed by version."""
    with database.read(path) as con:
        return queries.run(con, name, list(periods), filters)


def query(name: str, periods: list[Period], filters: Filters | None = None) -> pd.DataFrame:
    """The aggregate a chart or table needs (see queries/sql/NAME.sql)."""
    return _query(str(db_path()), db_version(), name, tuple(periods), filters or Filters())


def confidential() -> views.Secret:
    """The confidential partners, whatever the filters (a name must leave free text under any filter)."""
    any_period = [Period(date(2000, 1, 1), date(2000, 1, 1))]  # the query reads no dates
    return views.Secret.of(query("community_confidential", any_period, Filters()))


def safe_query(name: str, view: View) -> tuple[pd.DataFrame, str]:
    """A query's rows for the view, and a sentence to show with them: in the community-safe view made safe by
    community/views.py (pooled, redacted, small counts of people hidden), otherwise exactly as query() gives."""
    rows = query(name, view.periods, view.filters)
    if not view.community:
        return rows, ""
    detail = {d: query(d, view.periods, view.filters) for d in views.DETAIL.get(name, ())}
    shown = views.safe(name, rows, confidential(), detail)
    return shown.frame, shown.note


@st.cache_data(show_spinner=False, max_entries=16)
def _facts(path: str, version: tuple | None) -> dict:
    """Cached because the sidebar shows these on every rerun; keyed by the file's version."""
    with database.read(path) as con:
        last = database.last_import(con)
        span = con.execute(
            "SELECT min(d), max(d) FROM ("
            "SELECT date AS d FROM engagements UNION ALL SELECT date FROM funding "
            "UNION ALL SELECT published_date FROM publications UNION ALL SELECT date FROM milestones)"
        ).fetchall()[0]
        partners = database.scalar(con, "SELECT count(*) FROM partners")
    return {"last_import": last, "first_date": span[0], "last_date": span[1], "partners": partners}


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


def trend(series: list[dict], periods: list[Period], metric_ids: list[str]) -> pd.DataFrame:
    """The metrics' values over the periods, one row per period, labelled, for trend charts and CSVs."""
    rows = [
        {"period": p.label, "start": p.start, "end": p.end, **{m: values[m] for m in metric_ids}}
        for p, values in zip(periods, series, strict=True)
    ]
    return pd.DataFrame(rows)


def per_period(df: pd.DataFrame, periods: list[Period], column: str, value: str, order: Sequence[str]) -> pd.DataFrame:
    """Rows (period_id, column, value) as one labelled row per period, one column per category present, in order."""
    wide = df.pivot_table(index="period_id", columns=column, values=value, aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=range(len(periods)), columns=[c for c in order if c in wide.columns], fill_value=0)
    labels = pd.DataFrame(
        {"period": [p.label for p in periods], "start": [p.start for p in periods], "end": [p.end for p in periods]}
    )
    return pd.concat([labels, wide.reset_index(drop=True).astype(int)], axis=1)
