"""The one module that opens the DuckDB file: short read-only connections, and writes in one transaction each.

DuckDB allows one writing process or many reading ones, never both. Readers attach the file read-only for the
length of one request. A write is made one of two ways, both all or nothing:
- a large one (or one whose size is not known) never opens the live file: it copies it, writes the copy in one
  transaction, checkpoints it and renames it over the live file, keeping the old file as a snapshot. Readers go on
  reading the old file meanwhile, so a large import can run while the dashboard serves.
- a small one (at most IN_PLACE_ROWS records: a note, a target, an edit, a small import) opens the live file and
  changes it in one DuckDB transaction, so that its cost does not grow with the database (copying a 10-million-row
  file costs seconds). Readers wait the fraction of a second it takes; DuckDB's write-ahead log makes it atomic.
  When readers keep the file longer than OPEN_WAIT, it is made on a copy instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

import settings
from contract import ENUMS, INDUSTRY_SECTORS, TABLES, Table
from store import files

SCHEMA_VERSION = 3
READ_RETRIES = 8
# A write of at most this many records is made in place; a larger one (or one of unknown size) on a copy. At this
# size an in-place write keeps readers waiting well under a second.
IN_PLACE_ROWS = 5_000
# How long an in-place write waits for the file's readers before it is made on a copy instead.
OPEN_WAIT = 2.0

# The big tables keep no primary-key index (version 3 on): an index made every copy-and-swap write several times
# dearer and the file several times larger, and no read uses it. Their keys stay unique because every write goes
# through store/tables.py, which replaces a record by deleting its key before inserting it, and an import refuses a
# key given twice (store/importer.py).
UNINDEXED = ("engagements", "funding", "publications", "engagement_partners", "publication_partners")

# Derived data, kept exact at every write by store/tables.py (and rebuilt from scratch by rebuild_derived), so that
# the metrics read a date window without joining 10 million engagements to their partners:
# - each link row carries its record's date (and an engagement's type): link table -> {column: parent column};
# - partner_firsts holds each partner's earliest involvement (engagement, funding record or publication);
# - partner_months sums up each partner's records by calendar month: its engagements, the engagement types among
#   them (one bit per type, by the enumeration's order) and its funding records and publications. Periods of whole
#   months read it instead of the records (metrics/engine.py).
LINK_COPIES = {
    "engagement_partners": {"date": "date", "type": "type"},
    "publication_partners": {"date": "published_date"},
}
# - each engagement says whether it involves an industry, a regulator and an academic partner (the convening and
#   reciprocity metrics), from its partners' sectors: kept when an engagement or a partner's sector changes.
ENGAGEMENT_FLAGS = {
    "with_industry": "pa.sector IN (" + ", ".join(f"'{s}'" for s in INDUSTRY_SECTORS) + ")",
    "with_regulator": "pa.sector = 'regulator'",
    "with_academic": "pa.sector = 'academic'",
}
LINK_TYPES = {
    "engagement_partners": {"date": "DATE", "type": "engagement_type"},
    "publication_partners": {"date": "DATE"},
}

SQL_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "date": "DATE",
    "bool": "BOOLEAN",
    "int": "BIGINT",
    "money": "DECIMAL(18,4)",
}


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _link_ddl(table: Table, link: str, name: str | None = None) -> str:
    copies = "".join(f", {col} {sql_type}" for col, sql_type in LINK_TYPES.get(link, {}).items())
    key = "" if link in UNINDEXED else f", PRIMARY KEY ({table.key}, partner_id)"
    return (
        f"CREATE TABLE IF NOT EXISTS {name or link} ("
        f"{table.key} VARCHAR NOT NULL, partner_id VARCHAR NOT NULL{copies}{key})"
    )


def _table_ddl(table: Table, name: str | None = None) -> list[str]:
    cols, links = [], []
    for c in table.columns:
        if c.type == "list":
            links.append(_link_ddl(table, table.link_tables[c.name]))
            continue
        sql_type = c.enum if c.type == "enum" else SQL_TYPES[c.type]
        parts = [c.name, sql_type]
        if c.name == table.key and table.name not in UNINDEXED:
            parts.append("PRIMARY KEY")
        elif c.name == table.key:
            parts.append("NOT NULL")
        elif c.required or c.default is not None:
            parts.append("NOT NULL")
        if c.default is not None:
            parts.append(f"DEFAULT {_literal(c.default)}")
        if c.type == "int":
            parts.append(f"CHECK ({c.name} >= 0)")
        if c.type == "money":
            parts.append(f"CHECK ({c.name} > 0)")
        cols.append(" ".join(parts))
    if table.name == "engagements":
        cols.extend(f"{flag} BOOLEAN" for flag in ENGAGEMENT_FLAGS)  # derived: see ENGAGEMENT_FLAGS
    return [f"CREATE TABLE IF NOT EXISTS {name or table.name} ({', '.join(cols)})", *links]


def schema_statements() -> list[str]:
    """The DDL of the whole store, in the order it must run."""
    stmts = [f"CREATE TYPE {name} AS ENUM ({', '.join(_literal(v) for v in values)})" for name, values in ENUMS.items()]
    for table in TABLES.values():
        stmts.extend(_table_ddl(table))
    stmts.append(
        "CREATE TABLE IF NOT EXISTS imports ("
        "import_id VARCHAR PRIMARY KEY, imported_at TIMESTAMPTZ NOT NULL, "
        "files VARCHAR NOT NULL, summary VARCHAR NOT NULL)"
    )
    stmts.append("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    # The foundation's own entries, written in the dashboard (store/notes.py, store/targets.py) and exported.
    stmts.append(
        "CREATE TABLE IF NOT EXISTS notes ("
        "note_id VARCHAR PRIMARY KEY, metric_id VARCHAR NOT NULL, start_date DATE NOT NULL, "
        "end_date DATE NOT NULL, text VARCHAR NOT NULL, author VARCHAR, public BOOLEAN NOT NULL DEFAULT FALSE, "
        "created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CHECK (start_date <= end_date))"
    )
    stmts.append(
        "CREATE TABLE IF NOT EXISTS events ("
        "event_id VARCHAR PRIMARY KEY, date DATE NOT NULL, label VARCHAR NOT NULL, "
        "kind VARCHAR NOT NULL CHECK (kind IN ('approval', 'partner', 'event', 'other')), "
        "public BOOLEAN NOT NULL DEFAULT FALSE, created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    stmts.append(
        "CREATE TABLE IF NOT EXISTS targets ("
        "year INTEGER NOT NULL, metric_id VARCHAR NOT NULL, target DOUBLE NOT NULL, PRIMARY KEY (year, metric_id))"
    )
    # The history: one row per write, and the records each changed (before and after, as JSON).
    stmts.append(
        "CREATE TABLE IF NOT EXISTS writes ("
        "write_id BIGINT PRIMARY KEY, written_at TIMESTAMPTZ NOT NULL, written_by VARCHAR, what VARCHAR NOT NULL, "
        "files VARCHAR NOT NULL, counts VARCHAR NOT NULL, summary VARCHAR NOT NULL, journaled BOOLEAN NOT NULL)"
    )
    stmts.append(
        "CREATE TABLE IF NOT EXISTS changes ("
        "write_id BIGINT NOT NULL, seq BIGINT NOT NULL, tbl VARCHAR NOT NULL, key VARCHAR NOT NULL, "
        "before VARCHAR, after VARCHAR, PRIMARY KEY (write_id, seq))"
    )
    # Reports by e-mail (delivery/): each delivery tried, and the target statuses an alert last told of. A log, not
    # the foundation's records: the history does not journal them, so a restore never makes a report due again.
    stmts.append(
        "CREATE TABLE IF NOT EXISTS deliveries ("
        "tried_at TIMESTAMPTZ NOT NULL, subscription VARCHAR NOT NULL, sends VARCHAR NOT NULL, "
        "period_start DATE NOT NULL, period_end DATE NOT NULL, recipients VARCHAR NOT NULL, status VARCHAR NOT NULL "
        "CHECK (status IN ('sent', 'failed')), detail VARCHAR NOT NULL)"
    )
    stmts.append(
        "CREATE TABLE IF NOT EXISTS alert_states ("
        "subscription VARCHAR NOT NULL, year INTEGER NOT NULL, metric_id VARCHAR NOT NULL, status VARCHAR, "
        "told_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (subscription, year, metric_id))"
    )
    # Derived (see LINK_COPIES): each partner's earliest involvement ever.
    stmts.extend(DERIVED_TABLES)
    return stmts


DERIVED_TABLES = (
    "CREATE TABLE IF NOT EXISTS partner_firsts (partner_id VARCHAR NOT NULL, first_date DATE NOT NULL)",
    "CREATE TABLE IF NOT EXISTS partner_months (partner_id VARCHAR NOT NULL, month DATE NOT NULL, "
    "engagements BIGINT NOT NULL, types INTEGER NOT NULL, others BIGINT NOT NULL)",
)


# Every dated involvement of the partners in $partner_ids (all partners when the condition is dropped).
_INVOLVED = (
    "SELECT partner_id, date FROM engagement_partners WHERE {cond} UNION ALL "
    "SELECT partner_id, date FROM funding WHERE {cond} UNION ALL "
    "SELECT partner_id, date FROM publication_partners WHERE {cond}"
)


# Each partner's engagements, engagement types (a bit each) and other records (funding, publications) by month.
_MONTHS = (
    "SELECT partner_id, month, sum(engagements)::BIGINT, bit_or(types), sum(others)::BIGINT FROM ("
    "SELECT partner_id, date_trunc('month', date)::DATE AS month, count(*) AS engagements, "
    "bit_or(1 << enum_code(type)::INTEGER) AS types, 0 AS others "
    "FROM engagement_partners WHERE {cond} GROUP BY ALL UNION ALL "
    "SELECT partner_id, month, 0, 0, count(*) FROM ("
    "SELECT partner_id, date_trunc('month', date)::DATE AS month FROM funding WHERE {cond} UNION ALL "
    "SELECT partner_id, date_trunc('month', date)::DATE FROM publication_partners WHERE {cond}) GROUP BY ALL"
    ") GROUP BY ALL"
)


def refresh_partners(con: duckdb.DuckDBPyConnection, partner_ids: list[str] | None = None) -> None:
    """Recomputes partner_firsts and partner_months for these partners (None: all) from the link tables and
    funding."""
    if partner_ids is None:
        cond, params = "TRUE", None
        con.execute("DELETE FROM partner_firsts")
        con.execute("DELETE FROM partner_months")
    elif not partner_ids:
        return
    else:
        cond, params = "partner_id IN (SELECT unnest($partner_ids))", {"partner_ids": sorted(set(partner_ids))}
        con.execute(f"DELETE FROM partner_firsts WHERE {cond}", params)
        con.execute(f"DELETE FROM partner_months WHERE {cond}", params)
    involved = _INVOLVED.format(cond=cond)
    con.execute(
        f"INSERT INTO partner_firsts SELECT partner_id, min(date) FROM ({involved}) GROUP BY partner_id", params
    )
    con.execute(f"INSERT INTO partner_months {_MONTHS.format(cond=cond)} ORDER BY month, partner_id", params)


def refresh_flags(
    con: duckdb.DuckDBPyConnection, engagement_ids: list[str] | None = None, *, partner_ids: list[str] | None = None
) -> None:
    """Recomputes the engagements' sector flags (ENGAGEMENT_FLAGS): of these engagements, of the engagements of
    these partners, or (neither given) of all."""
    if engagement_ids is None and partner_ids is None:
        cond, params = "TRUE", None
    elif partner_ids is not None:
        if not partner_ids:
            return
        cond = (
            "engagement_id IN (SELECT engagement_id FROM engagement_partners WHERE partner_id IN (SELECT unnest($p)))"
        )
        params = {"p": sorted(set(partner_ids))}
    else:
        if not engagement_ids:
            return
        cond, params = "ep.engagement_id IN (SELECT unnest($e))", {"e": sorted(set(engagement_ids))}
    flags = ", ".join(f"bool_or({test}) AS {flag}" for flag, test in ENGAGEMENT_FLAGS.items())
    sets = ", ".join(f"{flag} = s.{flag}" for flag in ENGAGEMENT_FLAGS)
    con.execute(
        f"UPDATE engagements SET {sets} FROM (SELECT ep.engagement_id, {flags} FROM engagement_partners AS ep "
        f"JOIN partners AS pa ON pa.partner_id = ep.partner_id WHERE {cond} GROUP BY ep.engagement_id) AS s "
        f"WHERE engagements.engagement_id = s.engagement_id",
        params,
    )


def _parent(link: str) -> Table:
    """The table whose partner list a link table holds."""
    return next(t for t in TABLES.values() if link in t.link_tables.values())


def rebuild_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recomputes every derived column and table from the records (a migration, a bulk build)."""
    for link, copies in LINK_COPIES.items():
        parent = _parent(link)
        sets = ", ".join(f"{col} = r.{src}" for col, src in copies.items())
        con.execute(f"UPDATE {link} SET {sets} FROM {parent.name} AS r WHERE r.{parent.key} = {link}.{parent.key}")
    refresh_partners(con)
    refresh_flags(con)


def derived_now(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """The derived data as stored, and as recomputed from the records (for checks): name -> sorted rows."""
    out: dict[str, list[tuple]] = {}
    for link, copies in LINK_COPIES.items():
        parent = _parent(link)
        cols = ", ".join(copies)
        out[link] = con.execute(f"SELECT {parent.key}, partner_id, {cols} FROM {link} ORDER BY ALL").fetchall()
        srcs = ", ".join(f"r.{src}" for src in copies.values())
        out[link + " (recomputed)"] = con.execute(
            f"SELECT l.{parent.key}, l.partner_id, {srcs} FROM {link} AS l "
            f"JOIN {parent.name} AS r ON r.{parent.key} = l.{parent.key} ORDER BY ALL"
        ).fetchall()
    out["partner_firsts"] = con.execute("SELECT partner_id, first_date FROM partner_firsts ORDER BY ALL").fetchall()
    out["partner_firsts (recomputed)"] = con.execute(
        "SELECT partner_id, min(date) FROM ("
        "SELECT ep.partner_id, e.date FROM engagement_partners ep JOIN engagements e USING (engagement_id) "
        "UNION ALL SELECT partner_id, date FROM funding UNION ALL "
        "SELECT pp.partner_id, p.published_date FROM publication_partners pp JOIN publications p USING (publication_id)"
        ") GROUP BY partner_id ORDER BY ALL"
    ).fetchall()
    flags = ", ".join(ENGAGEMENT_FLAGS)
    out["engagement flags"] = con.execute(f"SELECT engagement_id, {flags} FROM engagements ORDER BY ALL").fetchall()
    out["engagement flags (recomputed)"] = con.execute(
        "SELECT e.engagement_id, "
        + ", ".join(f"coalesce(bool_or({test}), false)" for test in ENGAGEMENT_FLAGS.values())
        + " FROM engagements AS e LEFT JOIN engagement_partners AS ep USING (engagement_id) "
        "LEFT JOIN partners AS pa ON pa.partner_id = ep.partner_id GROUP BY e.engagement_id ORDER BY ALL"
    ).fetchall()
    out["partner_months"] = con.execute("SELECT * FROM partner_months ORDER BY ALL").fetchall()
    out["partner_months (recomputed)"] = con.execute(
        "SELECT partner_id, date_trunc('month', date)::DATE, count(type)::BIGINT, "
        "coalesce(bit_or(1 << enum_code(type)::INTEGER), 0), (count(*) - count(type))::BIGINT FROM ("
        "SELECT ep.partner_id, e.date, e.type FROM engagement_partners ep JOIN engagements e USING (engagement_id) "
        "UNION ALL SELECT partner_id, date, NULL FROM funding UNION ALL "
        "SELECT pp.partner_id, p.published_date, NULL FROM publication_partners pp "
        "JOIN publications p USING (publication_id)) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return out


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database holds that table (an older file may predate it)."""
    return bool(
        scalar(
            con,
            "SELECT count(*) FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = ?",
            [name],
        )
    )


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Brings a database written by an older version up to this schema, keeping every record."""
    if has_table(con, "annotations") and not has_table(con, "events"):
        con.execute("ALTER TABLE annotations RENAME TO events")
        con.execute("ALTER TABLE events RENAME COLUMN annotation_id TO event_id")
    for name in ("notes", "events"):
        default = scalar(
            con,
            "SELECT column_default FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = current_schema() AND table_name = ? AND column_name = 'created_at'",
            [name],
        )
        if has_table(con, name) and default is None:
            con.execute(f"ALTER TABLE {name} ALTER COLUMN created_at SET DEFAULT current_timestamp")


def _has_primary_key(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        scalar(
            con,
            "SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database() "
            "AND schema_name = current_schema() AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
            [name],
        )
    )


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = current_schema() AND table_name = ? ORDER BY column_index",
            [name],
        ).fetchall()
    ]


def _migrate_to_3(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3: the big tables lose their primary-key index, link rows carry their record's date (and type),
    and partner_firsts and partner_months are derived. Each table is rebuilt under a new name, then renamed; every
    record kept."""
    changed = False
    for table in TABLES.values():
        names = [table.name, *table.link_tables.values()]
        for name in names:
            if name not in UNINDEXED or not has_table(con, name):
                continue
            if not _has_primary_key(con, name) and set(LINK_TYPES.get(name, {})) <= set(_columns(con, name)):
                continue
            new = f"{name}__v3"
            con.execute(f"DROP TABLE IF EXISTS {new}")
            if name == table.name:
                con.execute(_table_ddl(table, new)[0])
                cols = ", ".join(_columns(con, name))
                con.execute(f"INSERT INTO {new} ({cols}) SELECT {cols} FROM {name}")
            else:
                con.execute(_link_ddl(table, name, new))
                con.execute(f"INSERT INTO {new} ({table.key}, partner_id) SELECT {table.key}, partner_id FROM {name}")
            con.execute(f"DROP TABLE {name}")
            con.execute(f"ALTER TABLE {new} RENAME TO {name}")
            changed = True
    if has_table(con, "engagements") and not set(ENGAGEMENT_FLAGS) <= set(_columns(con, "engagements")):
        for flag in ENGAGEMENT_FLAGS:
            con.execute(f"ALTER TABLE engagements ADD COLUMN IF NOT EXISTS {flag} BOOLEAN")
        changed = True
    if has_table(con, "partner_months") and "types" not in _columns(con, "partner_months"):
        con.execute("DROP TABLE partner_months")  # the shape of an unreleased version 3, one row per type
    if changed or (has_table(con, "partners") and not has_table(con, "partner_months")):
        for ddl in DERIVED_TABLES:
            con.execute(ddl)
        rebuild_derived(con)


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version the open database was written with (None: a file with no meta table)."""
    if not has_table(con, "meta"):
        return None
    value = scalar(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    return int(value) if value is not None else 0


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Creates every table of the store in an empty database, and brings an older one up to date."""
    _migrate(con)
    _migrate_to_3(con)
    existing = {r[0] for r in con.execute("SELECT type_name FROM duckdb_types() WHERE NOT internal").fetchall()}
    for stmt in schema_statements():
        if stmt.startswith("CREATE TYPE") and stmt.split()[2] in existing:
            continue
        con.execute(stmt)
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [str(SCHEMA_VERSION)],
    )


def version(path: Path) -> tuple[int, int, int] | None:
    """Identifies the database file's current content: a new import always gives a new value."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "resource temporarily unavailable" in text


def _attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    for attempt in range(READ_RETRIES):
        try:
            con.execute("ATTACH ? AS store (READ_ONLY)", [str(path)])
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or attempt == READ_RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    con.execute("USE store")


def upgrade(path: Path | str) -> None:
    """Brings a database written by an older version up to this schema (one copy-and-swap, like any write; the
    history gains no entry, since no record changes)."""
    with write(path):
        pass


def _current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the open database has this version's schema (or no meta table at all: a file this module did not
    write, read as it is)."""
    found = stored_version(con)
    return found is None or (
        found >= SCHEMA_VERSION
        and "types" in _columns(con, "partner_months")
        and "with_industry" in _columns(con, "engagements")
    )


class _Gate:
    """This process's readers and in-place writer of one file. DuckDB refuses a second connection of the same process
    to a file in another mode (where another process would wait on the file's lock), so the readers share the gate
    and an in-place writer has it alone; a waiting writer goes first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None  # the writing thread
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            if self._writer == threading.get_ident():
                raise RuntimeError("the database is read inside its own write: read through the write's connection")
            self._cond.wait_for(lambda: self._writer is None and not self._waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    def acquire(self, timeout: float) -> bool:
        """Takes the gate alone once the readers are gone; False when they are not gone within timeout seconds."""
        with self._cond:
            self._waiting += 1
            try:
                got = self._cond.wait_for(lambda: self._writer is None and not self._readers, timeout)
                if got:
                    self._writer = threading.get_ident()
                return got
            finally:
                self._waiting -= 1
                self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._writer = None
            self._cond.notify_all()


_GATES: dict[str, _Gate] = {}
_GATES_LOCK = threading.Lock()


def _gate(path: Path) -> _Gate:
    with _GATES_LOCK:
        return _GATES.setdefault(str(path), _Gate())


@contextmanager
def read(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields a short-lived read-only connection; a missing database reads as an empty one. A database written by
    an older version is first brought up to this schema."""
    path = Path(path).resolve()
    with _gate(path).shared():
        con = duckdb.connect(":memory:")
        try:
            if not path.exists():
                create_schema(con)
            else:
                _attach(con, path)
                if not _current(con):
                    con.close()
                    upgrade(path)  # on a copy: the live file is not opened
                    con = duckdb.connect(":memory:")
                    _attach(con, path)
            yield con
        finally:
            con.close()


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    # The lock is on the folder, so that writers queue without leaving a lock file behind.
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _snapshot_dir(path: Path) -> Path:
    return path.with_name(f"{path.name}.snapshots")


def snapshots(path: Path | str) -> list[Path]:
    """The automatic copies of the database taken before each write, oldest first."""
    folder = _snapshot_dir(Path(path).resolve())
    return sorted(folder.glob("*.duckdb")) if folder.is_dir() else []


def _keep_snapshot(path: Path, keep: int) -> None:
    """Keeps the live file as it is now (a hard link: no copy) and removes all but the newest `keep` copies."""
    if keep <= 0 or not path.exists():
        return
    folder = _snapshot_dir(path)
    mode = files.mode_of(path)
    files.make_folder(folder, mode)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}-before-{stamp}.duckdb"
    try:
        os.link(path, target)  # the same file, so the same mode
    except OSError:  # a file system without hard links
        files.copy(path, target, mode)
    for old in snapshots(path)[:-keep]:
        old.unlink(missing_ok=True)


def _remove_leftovers(path: Path) -> None:
    """Removes the temporary copies a killed write left behind (only called while holding the writer's lock)."""
    for leftover in path.parent.glob(f"{path.name}.tmp-*"):
        if leftover.is_dir() and not leftover.is_symlink():  # the folder DuckDB spilled a copy's work into
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _keep_count() -> int:
    return settings.load().snapshots


def _open_in_place(path: Path) -> duckdb.DuckDBPyConnection | None:
    """The live file opened for writing, once other processes' readers let go of it (within OPEN_WAIT); None when
    they do not, or when the file needs a schema upgrade (made on a copy)."""
    deadline = time.monotonic() + OPEN_WAIT
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.ResourceInUseException:  # a connection of this process the gate does not know of
            return None
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
    if stored_version(con) is None or not _current(con) or not _complete(con):
        con.close()
        return None
    return con


def _complete(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the open database holds every table and type of the schema (an older file may lack some)."""
    made = set()
    for stmt in schema_statements():
        words = stmt.split()
        made.add(words[5] if words[1] == "TABLE" else words[2])  # CREATE TABLE IF NOT EXISTS name / CREATE TYPE name
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()}
    types = {r[0] for r in con.execute("SELECT type_name FROM duckdb_types() WHERE NOT internal").fetchall()}
    return made <= tables | types


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields con inside one transaction: committed and checkpointed when the body ends, rolled back (explicitly:
    DuckDB's commit after a failed statement saves nothing, quietly) when it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    con.execute("CHECKPOINT")


@contextmanager
def _in_place(path: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """Yields the live file open for writing, this process's readers held off; None when it cannot be had."""
    gate = _gate(path)
    if not gate.acquire(OPEN_WAIT):
        yield None
        return
    try:
        con = _open_in_place(path)
        if con is None:
            yield None
            return
        try:
            with _transaction(con):
                yield con
        finally:
            con.close()
    finally:
        gate.release()


@contextmanager
def _on_copy(path: Path, fresh: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields a copy of the live file (empty with fresh) inside one transaction, and renames it over the live file
    when the body ends; the live file is kept as a snapshot."""
    tmp = path.with_name(f"{path.name}.tmp-{uuid.uuid4().hex}")
    wal = path.with_name(path.name + ".wal")
    mode = files.mode_of(path)
    working = mode | 0o600  # its owner, the writer, may write it meanwhile (a read-only database included)
    try:
        if path.exists() and not fresh:
            files.copy(path, tmp, working)  # the database's mode before its first byte, not once it is whole
            if wal.exists():  # committed in place but not yet checkpointed (a process killed in between)
                files.copy(wal, tmp.with_name(tmp.name + ".wal"), working)
        con = duckdb.connect(str(tmp))  # a new file (fresh) is made under the narrowed umask (write)
        try:
            create_schema(con)
            with _transaction(con):
                yield con
        finally:
            con.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # exactly the database's: the umask may have made a fresh copy narrower
        _keep_snapshot(path, _keep_count())
        os.replace(tmp, path)
        wal.unlink(missing_ok=True)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()


@contextmanager
def write(path: Path | str, *, fresh: bool = False, rows: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields a connection inside one transaction; the write lands whole when the body ends, or not at all.

    rows is how many records the write changes at most (None: not known). A write of at most IN_PLACE_ROWS is made
    in the live file; any other on a copy that is swapped in only on success, the live file kept as a snapshot (the
    newest `snapshots` of foundation.toml are kept). With fresh=True the content is replaced (on a copy that starts
    empty). On any exception the live file keeps its records exactly as they were. Every file the write makes has
    the database's permissions from the moment it exists (store/files.py); a new database is made NEW_DATABASE_MODE.
    """
    path = Path(path).resolve()
    mode = files.mode_of(path)
    files.make_folder(path.parent, mode)
    # Whatever DuckDB makes meanwhile (the write-ahead log of either file, a folder it spills to) is no more open
    # than the database from the moment it exists: DuckDB deletes and remakes its log, so it cannot be made for it.
    with _writer_lock(path), files.narrowed(mode | 0o600):  # its owner, the writer, may write them
        _remove_leftovers(path)
        small = not fresh and rows is not None and rows <= IN_PLACE_ROWS and path.exists()
        with _in_place(path) if small else contextlib.nullcontext() as con:
            if con is not None:
                yield con
                return
        with _on_copy(path, fresh) as con:
            yield con


def record_import(con: duckdb.DuckDBPyConnection, files: list[str], summary: str) -> None:
    """Notes an import in the database: when, which files, what changed."""
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?)",
        [uuid.uuid4().hex, datetime.now(UTC), "\n".join(files), summary],
    )


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> object:
    """Runs a query of one value and fetches it whole (a half-fetched result blocks the connection)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0][0] if rows else None


def last_import(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When data was last imported (the data-as-of date), or None for an empty store."""
    return scalar(con, "SELECT max(imported_at) FROM imports")


def record_dates(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """The dates of the earliest and the latest record (engagement, funding, publication or milestone)."""
    first, last = con.execute(
        "SELECT min(d), max(d) FROM ("
        "SELECT date AS d FROM engagements UNION ALL SELECT date FROM funding "
        "UNION ALL SELECT published_date FROM publications UNION ALL SELECT date FROM milestones)"
    ).fetchall()[0]
    return first, last
