"""The foundation's targets, one per metric and calendar year, kept in the database and edited in the app.

foundation.toml's [targets.YEAR] tables are the starting point: the first write to a database copies them in
(as part of that write, so the history shows them); from then on the database's targets are the ones that count.
A database no write has touched since reads foundation.toml's.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from metrics.catalogue import CATALOGUE
from settings import load as load_settings
from store import database, history, tables

SEEDED = "targets_seeded"


def _seeded(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        database.has_table(con, "targets") and database.scalar(con, "SELECT count(*) FROM meta WHERE key = ?", [SEEDED])
    )


def load(con: duckdb.DuckDBPyConnection, settings=None) -> dict[int, dict[str, float]]:
    """Every target: year -> metric id -> target."""
    if not _seeded(con):
        return {year: dict(values) for year, values in (settings or load_settings()).targets.items()}
    found: dict[int, dict[str, float]] = {}
    for year, metric_id, target in con.execute(
        "SELECT year, metric_id, target FROM targets ORDER BY year, metric_id"
    ).fetchall():
        found.setdefault(int(year), {})[metric_id] = float(target)
    return found


def seed(journal: history.Journal, settings=None) -> None:
    """Copies foundation.toml's targets into a database that has never had them (part of the journal's write)."""
    con = journal.con
    if _seeded(con):
        return
    config = settings or load_settings()
    rows = [
        {"year": year, "metric_id": metric_id, "target": value}
        for year, values in sorted(config.targets.items())
        for metric_id, value in sorted(values.items())
    ]
    stored = tables.get(con, "targets", [f"{r['year']}:{r['metric_id']}" for r in rows])
    journal.put("targets", [r for r in rows if f"{r['year']}:{r['metric_id']}" not in stored], {})
    con.execute("INSERT INTO meta VALUES (?, 'foundation.toml') ON CONFLICT (key) DO NOTHING", [SEEDED])


def targets_rule(metric_id: str, year: int, target: float) -> str | None:
    """Why a target is not acceptable (None when it is): a share is a fraction from 0 to 1, nothing is negative."""
    if not 1900 <= year <= 2999:
        return f"{year} is not a calendar year"
    metric = CATALOGUE[metric_id]
    if metric.unit == "share" and not metric_id.endswith("_change") and not 0 <= target <= 1:
        return f"a share is a fraction from 0 to 1 (write 0.9 for 90%), not {target:g}"
    if metric.unit != "share" and target < 0:
        return f"a target cannot be negative, not {target:g}"
    return None


def set_target(db: Path | str, year: int, metric_id: str, value: float | None, by: str | None = None) -> int | None:
    """Sets (or with None removes) one target; returns the write's id, None when nothing changed.

    ValueError says what is wrong, in the words of an import's problem.
    """
    if metric_id not in CATALOGUE:
        raise ValueError(f"There is no metric {metric_id!r} in the catalogue.")
    if value is not None:
        why = targets_rule(metric_id, int(year), float(value))
        if why:
            raise ValueError(f"The {year} target of {CATALOGUE[metric_id].label}: {why}.")
    key = f"{int(year)}:{metric_id}"
    label = CATALOGUE[metric_id].label
    with contextlib.suppress(history.Nothing), history.writing(db, "target", by=by, rows=1) as journal:
        stored = tables.get(journal.con, "targets", [key])
        old = stored.get(key)
        if value is None:
            if old is None:
                raise history.Nothing
            journal.delete("targets", stored)
            journal.counts = {"targets": {"removed": 1}}
            journal.summary = f"{year} target of {label} removed (was {float(old['target']):g})"
        else:
            if old is not None and float(old["target"]) == float(value):
                raise history.Nothing
            journal.put("targets", [{"year": int(year), "metric_id": metric_id, "target": float(value)}], stored)
            journal.counts = {"targets": {"updated" if old else "new": 1}}
            journal.summary = f"{year} target of {label} set to {float(value):g}" + (
                f" (was {float(old['target']):g})" if old else ""
            )
        return journal.id
    return None
