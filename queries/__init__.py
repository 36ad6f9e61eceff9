"""The queries behind the dashboard's charts and tables: one SQL file each, over the filtered tables.

Each file reads like a metric's SQL: it may use `periods` (period_id, start_date, end_date, prior_start,
prior_end) and every table of the store, already restricted by the filters (see metrics/filters.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from metrics.engine import wrap
from metrics.filters import Filters
from metrics.periods import Period

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def text(name: str) -> str:
    """The SQL file of a query, without the shared prelude."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").strip()


def explain(name: str, periods: list[Period], filters: Filters | None = None) -> tuple[str, dict]:
    """The complete SQL that runs for a query, and its bound parameters."""
    return wrap(text(name), periods, filters)


def run(
    con: duckdb.DuckDBPyConnection, name: str, periods: list[Period], filters: Filters | None = None
) -> pd.DataFrame:
    """Runs a query for the periods under the filters; aggregates only, never raw rows."""
    sql, params = explain(name, periods, filters)
    return con.execute(sql, params).df()
