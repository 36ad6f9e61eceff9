"""The one module that opens the DuckDB file: short read-only connections, and writes by build-and-swap.

DuckDB allows one writing process or many reading ones, never both. A write therefore never
opens the live file: it copies it, writes the copy in one transaction, checkpoints it and
renames it over the live file. Readers attach the file read-only for the length of one
request, so a reader sees either the old file or the new one, and an import can run while
the dashboard serves.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from contract import ENUMS, TABLES, Table

SCHEMA_VERSION = 2
READ_RETRIES = 8

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


def _table_ddl(table: Table) -> list[str]:
    cols, links = [], []
    for c in table.columns:
        if c.type == "list":
            link = table.link_tables[c.name]
            links.append(
                f"CREATE TABLE IF NOT EXISTS {link} ("
                f"{table.key} VARCHAR NOT NULL, partner_id VARCHAR NOT NULL, "
                f"PRIMARY KEY ({table.key}, partner_id))"
            )
            continue
        sql_type = c.enum if c.type == "enum" else SQL_TYPES[c.type]
        parts = [c.name, sql_type]
        if c.name == table.key:
            parts.append("PRIMARY KEY")
        elif c.required or c.default is not None:
            parts.append("NOT NULL")
        if c.default is not None:
            parts.append(f"DEFAULT {_literal(c.default)}")
        if c.type == "int":
            parts.append(f"CHECK ({c.name} >= 0)")
        if c.type == "money":
            parts.append(f"CHECK ({c.name} > 0)")
        cols.append(" ".join(parts))
    return [f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(cols)})", *links]


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
    return stmts


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


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Creates every table of the store in an empty database, and brings an older one up to date."""
    _migrate(con)
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


@contextmanager
def read(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields a short-lived read-only connection; a missing database reads as an empty one."""
    path = Path(path)
    con = duckdb.connect(":memory:")
    try:
        if not path.exists():
            create_schema(con)
        else:
            for attempt in range(READ_RETRIES):
                try:
                    con.execute("ATTACH ? AS store (READ_ONLY)", [str(path)])
                    break
                except duckdb.IOException as exc:
                    if not _is_lock_error(exc) or attempt == READ_RETRIES - 1:
                        raise
                    time.sleep(0.05 * 2**attempt)
            con.execute("USE store")
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
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}-before-{stamp}.duckdb"
    try:
        os.link(path, target)
    except OSError:  # a file system without hard links
        shutil.copy2(path, target)
    for old in snapshots(path)[:-keep]:
        old.unlink(missing_ok=True)


def _remove_leftovers(path: Path) -> None:
    """Removes the temporary copies a killed write left behind (only called while holding the writer's lock)."""
    for leftover in path.parent.glob(f"{path.name}.tmp-*"):
        leftover.unlink(missing_ok=True)


def _keep_count() -> int:
    from settings import load

    return load().snapshots


@contextmanager
def write(path: Path | str, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields a connection to a copy of the database inside one transaction; swaps it in only on success.

    With fresh=True the copy starts empty (the old content is replaced). On any exception the
    live file is left exactly as it was, byte for byte. Before the swap the live file is kept as a
    snapshot (the newest `snapshots` of foundation.toml are kept); the file's permissions are kept.
    """
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        _remove_leftovers(path)
        tmp = path.with_name(f"{path.name}.tmp-{uuid.uuid4().hex}")
        try:
            mode = None
            if path.exists():
                mode = stat.S_IMODE(os.stat(path).st_mode)
                if not fresh:
                    shutil.copyfile(path, tmp)
            con = duckdb.connect(str(tmp))
            try:
                create_schema(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            _keep_snapshot(path, _keep_count())
            os.replace(tmp, path)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                if leftover.exists():
                    leftover.unlink()


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
