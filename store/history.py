"""The history of every write (import, edit, note, event, target, restore), and putting the data back.

Each write is one row of `writes` (when, who, what, the files, the counts) and, for each record it added, changed
or removed, one row of `changes` with the record before and after as JSON. Putting the database back to just
after write N therefore needs no copy of the file: every record a later write touched takes the value it had
before the first of them. The restore is itself a write, journaled the same way, so it can be undone too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from store import database, tables

WHAT = {
    "import": "Import",
    "sample": "Sample data",
    "note": "Note",
    "event": "Event",
    "target": "Target",
    "edit": "Edit",
    "restore": "Restore",
}


@dataclass(frozen=True)
class Write:
    """One write to the database, as the history lists it."""

    id: int
    at: datetime
    by: str | None
    what: str
    files: list[str]
    counts: dict
    summary: str
    journaled: bool = True

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "by": self.by,
            "what": self.what,
            "files": self.files,
            "counts": self.counts,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class Change:
    """One record a write added, changed or removed: its values before and after (None: no record)."""

    table: str
    key: str
    before: dict | None
    after: dict | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "new"
        return "removed" if self.after is None else "updated"

    @property
    def fields(self) -> dict[str, tuple[object, object]]:
        """The columns whose value changed: column -> (old, new)."""
        old, new = self.before or {}, self.after or {}
        return {
            c: (old.get(c), new.get(c))
            for c in dict.fromkeys([*old, *new])
            if c not in tables.STORED_ONLY.get(self.table, ()) and _comparable(old.get(c)) != _comparable(new.get(c))
        }


def _comparable(value: object) -> object:
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    if isinstance(value, bool) or value is None:
        return value
    text = str(value)
    try:
        return float(text)  # 12.5000 stored, 12.5 read
    except ValueError:
        return text


@dataclass
class Journal:
    """A write in progress: the connection to the copy being written, and what it changes."""

    con: duckdb.DuckDBPyConnection
    id: int
    what: str
    by: str | None = None
    files: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    summary: str = ""
    journaled: bool = True
    changes: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def record(self, table: str, key: str, before: dict | None, after: dict | None) -> None:
        """Notes that a record went from before to after (None: absent)."""
        self.changes.append((table, key, tables.dumps(before), tables.dumps(after)))

    def put(self, table: str, rows: list[dict], before: dict[str, dict]) -> None:
        """Writes whole records, journaling each against its stored values (before: key -> stored record)."""
        t = tables.table(table)
        for row in rows:
            key = t.key_of(row)
            self.record(table, key, before.get(key), row)
        tables.put(self.con, table, rows)

    def delete(self, table: str, before: dict[str, dict]) -> None:
        """Deletes stored records (before: key -> stored record), journaling each."""
        for key, row in before.items():
            self.record(table, key, row, None)
        tables.delete(self.con, table, list(before))


def _next_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(database.scalar(con, "SELECT coalesce(max(write_id), 0) + 1 FROM writes"))


def _save(journal: Journal) -> None:
    con = journal.con
    con.execute(
        "INSERT INTO writes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            journal.id,
            datetime.now(UTC),
            journal.by,
            journal.what,
            json.dumps(journal.files, ensure_ascii=False),
            json.dumps(journal.counts, ensure_ascii=False, sort_keys=True),
            journal.summary,
            journal.journaled,
        ],
    )
    if journal.changes:
        frame = pd.DataFrame(
            [(journal.id, seq, *change) for seq, change in enumerate(journal.changes)],
            columns=["write_id", "seq", "tbl", "key", "before", "after"],
        ).astype({"tbl": object, "key": object, "before": object, "after": object})
        con.register("staged_changes", frame)
        try:
            con.execute("INSERT INTO changes SELECT * FROM staged_changes")
        finally:
            con.unregister("staged_changes")


# What runs at the start of every write, inside it (store/__init__.py registers the seeding of the targets): the
# modules that write through this one register it from above, so that this one imports none of them.
BEFORE_WRITE: list[Callable[[Journal], None]] = []


class Nothing(Exception):
    """Raised inside a write to end it without writing (e.g. an edit that changes nothing)."""


@contextmanager
def writing(
    path: Path | str,
    what: str,
    *,
    by: str | None = None,
    files: list[str] | None = None,
    fresh: bool = False,
    journaled: bool = True,
    rows: int | None = None,
) -> Iterator[Journal]:
    """One write, recorded in the history: all or nothing, like database.write.

    The body changes records through the journal (Journal.put, Journal.delete, or Journal.record for changes it
    makes itself) and may set counts and summary. journaled=False records the write without its changes (the
    large samples, built straight into DuckDB): the history cannot go back past it. rows is how many records it
    changes at most, when known (a small write is made in place: database.write).
    """
    if what not in WHAT:
        raise ValueError(f"unknown kind of write {what!r}")
    with database.write(path, fresh=fresh, rows=rows) as con:
        journal = Journal(con, _next_id(con), what, by, list(files or []), journaled=journaled)
        for hook in BEFORE_WRITE:
            hook(journal)
        yield journal
        _save(journal)


def _write(row: tuple) -> Write:
    write_id, at, by, what, files, counts, summary, journaled = row
    return Write(int(write_id), at, by, what, json.loads(files), json.loads(counts), summary, bool(journaled))


def writes_in(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[Write]:
    """The writes recorded in an open database, newest first (none for a file that predates the history)."""
    if not database.has_table(con, "writes"):
        return []
    rows = con.execute(
        "SELECT write_id, written_at, written_by, what, files, counts, summary, journaled FROM writes "
        "ORDER BY write_id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [_write(r) for r in rows]


def writes(path: Path | str, limit: int | None = None) -> list[Write]:
    """Every write recorded in the database, newest first."""
    with database.read(path) as con:
        return writes_in(con, limit)


def changes(path: Path | str, write_id: int) -> list[Change]:
    """What one write changed, in the order it changed it."""
    with database.read(path) as con:
        if not database.has_table(con, "changes"):
            return []
        rows = con.execute(
            "SELECT tbl, key, before, after FROM changes WHERE write_id = ? ORDER BY seq", [write_id]
        ).fetchall()
    return [Change(t, k, tables.loads(b), tables.loads(a)) for t, k, b, a in rows]


def _why_not(con: duckdb.DuckDBPyConnection, write_id: int) -> str | None:
    """Why the database cannot be put back to just after this write, or None when it can."""
    known = writes_in(con)
    if not known:
        return "this database has no history yet: its writes are recorded from the next one on"
    ids = [w.id for w in known]
    if write_id not in ids:
        return f"there is no write {write_id} in the history (its writes are {min(ids)} to {max(ids)})"
    if write_id == ids[0]:
        return f"write {write_id} is the latest: the data is already as it was just after it"
    blind = [w.id for w in known if w.id > write_id and not w.journaled]
    if blind:
        return (
            f"write {blind[-1]} ({WHAT[next(w.what for w in known if w.id == blind[-1])].lower()}) was made without "
            f"keeping its changes, so the history cannot go back past it; choose write {blind[0]} or a later one"
        )
    return None


def restore(path: Path | str, write_id: int, *, by: str | None = None) -> Write:
    """Puts every record back as it was just after write_id; itself a write, so it can be undone.

    ValueError says why when it cannot be done.
    """
    with database.read(path) as con:  # how many records it puts back: a few are put back in place
        rows = database.scalar(con, "SELECT count(DISTINCT (tbl, key)) FROM changes WHERE write_id > ?", [write_id])
    with writing(path, "restore", by=by, rows=int(rows or 0)) as journal:
        con = journal.con
        why = _why_not(con, write_id)
        if why:
            raise ValueError(f"Cannot put the data back to write {write_id}: {why}.")
        # Each record a later write touched, as it was before the first of them ('null': it did not exist; a
        # NULL would be skipped by arg_min).
        targets = con.execute(
            "SELECT tbl, key, arg_min(coalesce(before, 'null'), write_id * 1000000000 + seq) FROM changes "
            "WHERE write_id > ? GROUP BY tbl, key",
            [write_id],
        ).fetchall()
        wanted: dict[str, dict[str, dict | None]] = {}
        for tbl, key, before in targets:
            wanted.setdefault(tbl, {})[key] = tables.loads(before)
        counts: dict[str, dict[str, int]] = {}
        # Removals first, children before parents; then writes, parents first.
        stored = {name: tables.get(con, name, list(wanted[name])) for name in wanted}
        for name in reversed(tables.ordered(wanted)):
            gone = {k: stored[name][k] for k, row in wanted[name].items() if row is None and k in stored[name]}
            journal.delete(name, gone)
            if gone:
                counts.setdefault(name, {})["removed"] = len(gone)
        for name in tables.ordered(wanted):
            rows = [row for row in wanted[name].values() if row is not None]
            journal.put(name, rows, stored[name])
            back = [r for r in rows if tables.table(name).key_of(r) in stored[name]]
            if rows:
                counts.setdefault(name, {}).update(
                    {k: v for k, v in {"restored": len(rows) - len(back), "reverted": len(back)}.items() if v}
                )
        journal.counts = counts
        journal.summary = f"put back to just after write {write_id}" + (
            "; " + "; ".join(f"{t}: " + ", ".join(f"{n} {k}" for k, n in c.items()) for t, c in counts.items())
            if counts
            else "; nothing had changed since"
        )
    return writes(path, limit=1)[0]


def holds_only_sample(path: Path | str) -> bool:
    """Whether the database may be replaced by a sample: it does not exist, holds no records, or holds nothing but
    a sample (every write in its history built a sample)."""
    path = Path(path)
    if not path.exists():
        return True
    with database.read(path) as con:
        known = writes_in(con)
        if known:
            return all(w.what == "sample" for w in known)
        return not any(
            database.scalar(con, f"SELECT count(*) FROM {name}")  # names from the fixed list below
            for name in ("partners", "notes", "annotations", "events", "targets")
            if database.has_table(con, name)
        )
