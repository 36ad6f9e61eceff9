"""The story behind the numbers: commentary notes on a metric for a period, and events marked on time charts.

Both are written from the dashboard as writes in the history (store/history.py), and carried by an export as
notes.csv and events.csv, which an import takes back. A database that
predates their tables reads as one without notes or events.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from metrics import CATALOGUE, Period
from store import database, history, tables
from store.entries import EVENT_KINDS

MAX_TEXT = 1000
MAX_AUTHOR = 80
MAX_LABEL = 80
KINDS = EVENT_KINDS


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


def _plain(value: str | None, what: str, limit: int, required: bool) -> str | None:
    # A tab (pasted from a spreadsheet) reads as a space; other control characters are refused, as in an import.
    text = (value or "").replace("\t", " ").replace("\r\n", "\n").strip()
    odd = next((ch for ch in text if not ch.isprintable() and ch != "\n"), None)
    if odd is not None:
        raise ValueError(f"The {what} holds a control character ({ascii(odd)[1:-1]}); remove it.")
    if required and not text:
        raise ValueError(f"The {what} is empty: write a few words.")
    if len(text) > limit:
        raise ValueError(f"The {what} is {len(text):,} characters long; keep it to {limit:,}.")
    return text or None


def _same_note(con: duckdb.DuckDBPyConnection, metric_id: str, start: date, end: date, text: str, but: str) -> None:
    other = database.scalar(
        con,
        "SELECT note_id FROM notes WHERE metric_id = ? AND start_date = ? AND end_date = ? "
        "AND lower(trim(text)) = lower(trim(?)) AND note_id <> ? LIMIT 1",
        [metric_id, start, end, text, but],
    )
    if other is not None:
        raise ValueError("The same note on this metric for this period is already kept; edit that one instead.")


def add_note(
    db: Path | str,
    metric_id: str,
    start: date,
    end: date,
    text: str,
    public: bool = False,
    author: str | None = None,
    by: str | None = None,
) -> str:
    """Stores a note on a metric for the period start..end and returns its id; ValueError says what is wrong."""
    if metric_id not in CATALOGUE:
        raise ValueError(f"There is no metric {metric_id!r} in the catalogue.")
    if start > end:
        raise ValueError(f"The note's period ends ({end:%-d %b %Y}) before it starts ({start:%-d %b %Y}).")
    body = _plain(text, "note", MAX_TEXT, required=True)
    name = _plain(author, "author's name", MAX_AUTHOR, required=False)
    note_id = uuid.uuid4().hex
    with history.writing(db, "note", by=by, rows=1) as journal:
        _same_note(journal.con, metric_id, start, end, body, note_id)
        row = {
            "note_id": note_id,
            "metric_id": metric_id,
            "start_date": start,
            "end_date": end,
            "text": body,
            "public": bool(public),
            "author": name,
            "created_at": datetime.now(UTC),
        }
        journal.put("notes", [row], {})
        journal.counts = {"notes": {"new": 1}}
        journal.summary = f"note on {metric_id} added"
    return note_id


def edit_note(db: Path | str, note_id: str, text: str, public: bool, by: str | None = None) -> None:
    """Changes a note's text and whether it is public; ValueError says what is wrong."""
    body = _plain(text, "note", MAX_TEXT, required=True)
    with contextlib.suppress(history.Nothing), history.writing(db, "note", by=by, rows=1) as journal:
        stored = tables.get(journal.con, "notes", [note_id])
        if not stored:
            raise ValueError("That note is no longer kept: someone may have deleted it.")
        old = stored[note_id]
        _same_note(journal.con, old["metric_id"], old["start_date"], old["end_date"], body, note_id)
        if old["text"] == body and bool(old["public"]) == bool(public):
            raise history.Nothing
        journal.put("notes", [{**old, "text": body, "public": bool(public)}], stored)
        journal.counts = {"notes": {"updated": 1}}
        journal.summary = f"note on {old['metric_id']} edited"


def delete_note(db: Path | str, note_id: str, by: str | None = None) -> bool:
    """Deletes a note; False when there was none with that id."""
    return _delete(db, "notes", note_id, "note", by)


def _delete(db: Path | str, table: str, key: str, what: str, by: str | None) -> bool:
    with contextlib.suppress(history.Nothing), history.writing(db, what, by=by, rows=1) as journal:
        stored = tables.get(journal.con, table, [key])
        if not stored:
            raise history.Nothing
        journal.delete(table, stored)
        journal.counts = {table: {"removed": 1}}
        journal.summary = f"{what} deleted"
        return True
    return False


def notes_for(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Iterable[str] | None,
    period: Period,
    public_only: bool = False,
) -> list[Note]:
    """The notes on these metrics (None: on any metric) whose period overlaps the period, newest first."""
    if not database.has_table(con, "notes"):
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


def all_notes(con: duckdb.DuckDBPyConnection) -> list[Note]:
    """Every note kept, newest first (the Data page lists them to edit)."""
    if not database.has_table(con, "notes"):
        return []
    rows = con.execute(
        "SELECT note_id, metric_id, start_date, end_date, text, author, public, created_at FROM notes "
        "ORDER BY created_at DESC, note_id"
    ).fetchall()
    return [Note(*row) for row in rows]


def add_annotation(
    db: Path | str, day: date, label: str, kind: str = "event", public: bool = False, by: str | None = None
) -> str:
    """Stores an event to mark on time charts and returns its id; ValueError says what is wrong."""
    if kind not in KINDS:
        raise ValueError(f"An event is one of {', '.join(KINDS)}, not {kind!r}.")
    text = _plain(label, "event's label", MAX_LABEL, required=True)
    event_id = uuid.uuid4().hex
    with history.writing(db, "event", by=by, rows=1) as journal:
        row = {
            "event_id": event_id,
            "date": day,
            "label": text,
            "kind": kind,
            "public": bool(public),
            "created_at": datetime.now(UTC),
        }
        journal.put("events", [row], {})
        journal.counts = {"events": {"new": 1}}
        journal.summary = f"event {text!r} added"
    return event_id


def delete_annotation(db: Path | str, annotation_id: str, by: str | None = None) -> bool:
    """Deletes an event; False when there was none with that id."""
    return _delete(db, "events", annotation_id, "event", by)


def annotations_in(
    con: duckdb.DuckDBPyConnection, start: date, end: date, public_only: bool = False
) -> list[Annotation]:
    """The events dated from start to end (both included), oldest first."""
    # A file no write has touched since events had their own name still calls them annotations.
    if database.has_table(con, "events"):
        source = "SELECT event_id, date, label, kind, public, created_at FROM events "
    elif database.has_table(con, "annotations"):
        source = "SELECT annotation_id, date, label, kind, public, created_at FROM annotations "
    else:
        return []
    rows = con.execute(
        source  # one of the two fixed statements above
        + "WHERE date BETWEEN ? AND ? AND (public OR NOT ?) ORDER BY date, created_at",
        [start, end, public_only],
    ).fetchall()
    return [Annotation(*row) for row in rows]
