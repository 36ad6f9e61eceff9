"""The story behind the numbers: commentary notes on a metric for a period, and events marked on time charts.

Both are written from the dashboard through database.write (build-and-swap), never imported. A database that
predates their tables reads as one without notes or events.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from metrics import CATALOGUE, Period
from store import database

MAX_TEXT = 1000
MAX_AUTHOR = 80
MAX_LABEL = 80
KINDS = ("approval", "partner", "event", "other")


@dataclass(frozen=True)
class Note:
    """A note on a metric for a period: what the number alone does not say."""

    note_id: str
    metric_id: str
    start: date
    end: date
    text: str
    author: str | None
    public: bool
    created_at: datetime


@dataclass(frozen=True)
class Annotation:
    """An event that explains a curve (an approval, a new partner, a retreat), marked on time charts."""

    annotation_id: str
    date: date
    label: str
    kind: str
    public: bool
    created_at: datetime


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        database.scalar(
            con,
            "SELECT count(*) FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = ?",
            [name],
        )
    )


def _plain(value: str | None, what: str, limit: int, required: bool) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise ValueError(f"The {what} is empty: write a few words.")
    if len(text) > limit:
        raise ValueError(f"The {what} is {len(text):,} characters long; keep it to {limit:,}.")
    return text or None


def add_note(
    db: Path | str,
    metric_id: str,
    start: date,
    end: date,
    text: str,
    public: bool = False,
    author: str | None = None,
) -> str:
    """Stores a note on a metric for the period start..end and returns its id; ValueError says what is wrong."""
    if metric_id not in CATALOGUE:
        raise ValueError(f"There is no metric {metric_id!r} in the catalogue.")
    if start > end:
        raise ValueError(f"The note's period ends ({end:%-d %b %Y}) before it starts ({start:%-d %b %Y}).")
    body = _plain(text, "note", MAX_TEXT, required=True)
    name = _plain(author, "author's name", MAX_AUTHOR, required=False)
    note_id = uuid.uuid4().hex
    with database.write(db) as con:
        con.execute(
            "INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [note_id, metric_id, start, end, body, name, bool(public), datetime.now(UTC)],
        )
    return note_id


def delete_note(db: Path | str, note_id: str) -> bool:
    """Deletes a note; False when there was none with that id."""
    with database.write(db) as con:
        return bool(con.execute("DELETE FROM notes WHERE note_id = ? RETURNING note_id", [note_id]).fetchall())


def notes_for(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Iterable[str] | None,
    period: Period,
    public_only: bool = False,
) -> list[Note]:
    """The notes on these metrics (None: on any metric) whose period overlaps the period, newest first."""
    if not _has_table(con, "notes"):
        return []
    ids = None if metric_ids is None else list(metric_ids)
    rows = con.execute(
        "SELECT note_id, metric_id, start_date, end_date, text, author, public, created_at FROM notes "
        "WHERE start_date <= ? AND end_date >= ? "
        "AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], metric_id)) "
        "AND (public OR NOT ?) "
        "ORDER BY created_at DESC, note_id",
        [period.end, period.start, ids, ids, public_only],
    ).fetchall()
    return [Note(*row) for row in rows]


def add_annotation(db: Path | str, day: date, label: str, kind: str = "event", public: bool = False) -> str:
    """Stores an event to mark on time charts and returns its id; ValueError says what is wrong."""
    if kind not in KINDS:
        raise ValueError(f"An event is one of {', '.join(KINDS)}, not {kind!r}.")
    text = _plain(label, "event's label", MAX_LABEL, required=True)
    annotation_id = uuid.uuid4().hex
    with database.write(db) as con:
        con.execute(
            "INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?)",
            [annotation_id, day, text, kind, bool(public), datetime.now(UTC)],
        )
    return annotation_id


def delete_annotation(db: Path | str, annotation_id: str) -> bool:
    """Deletes an event; False when there was none with that id."""
    with database.write(db) as con:
        return bool(
            con.execute(
                "DELETE FROM annotations WHERE annotation_id = ? RETURNING annotation_id", [annotation_id]
            ).fetchall()
        )


def annotations_in(
    con: duckdb.DuckDBPyConnection, start: date, end: date, public_only: bool = False
) -> list[Annotation]:
    """The events dated from start to end (both included), oldest first."""
    if not _has_table(con, "annotations"):
        return []
    rows = con.execute(
        "SELECT annotation_id, date, label, kind, public, created_at FROM annotations "
        "WHERE date BETWEEN ? AND ? AND (public OR NOT ?) ORDER BY date, created_at",
        [start, end, public_only],
    ).fetchall()
    return [Annotation(*row) for row in rows]
