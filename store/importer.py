"""Imports CSV and XLSX files into the store: all or nothing, every problem reported, upsert by id."""

from __future__ import annotations

import contextlib
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from contract import TABLE_ORDER, TABLES, Column, Table
from settings import Settings
from settings import load as load_settings
from store import database
from store.readers import FileProblem, RawTable, read
from store.values import (
    AmountConvention,
    DateConvention,
    Invalid,
    as_text,
    blank,
    parse_amount,
    parse_bool,
    parse_date,
    parse_enum,
    parse_int,
    parse_list,
)

REFERENCE_NAMES = {"partners": "partner", "partnerships": "partnership", "programs": "program"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an import file, located by file, row (the header is row 1) and column."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


@dataclass
class Counts:
    """What an import did to one table."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportResult:
    """The outcome of an import: problems (nothing written) or counts per table."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """One line per imported table: new, updated, unchanged."""
        return [f"{table}: {self.counts[table]}" for table in TABLE_ORDER if table in self.counts]


@dataclass
class Record:
    """One row of an import file, parsed: the values of the columns its file has."""

    table: str
    label: str
    row: int
    values: dict[str, object]
    columns: dict[str, str]  # contract name -> the header as written, for messages

    @property
    def key(self) -> str:
        return self.values[TABLES[self.table].key]


class _Abort(Exception):
    """Raised inside the write transaction to discard it."""


def _map_header(raw: RawTable, table: Table, problems: list[Problem]) -> dict[int, Column]:
    """Maps header positions to contract columns, reporting unknown, repeated and missing columns."""
    by_position: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for i, name in enumerate(raw.header):
        key = name.strip().lower()
        if not key:
            if any(i < len(cells) and not blank(cells[i]) for _, cells in raw.rows):
                problems.append(
                    Problem(raw.label, 1, f"column {i + 1}", "this column has values but no name in the header row")
                )
            continue
        if key not in table.column_names:
            close = difflib.get_close_matches(key, table.column_names, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(
                    raw.label,
                    1,
                    name,
                    f"unknown column {name!r} for the {table.name} table; its columns are "
                    f"{', '.join(table.column_names)}.{hint}",
                )
            )
            continue
        if key in seen:
            problems.append(Problem(raw.label, 1, name, f"column {key!r} appears twice in the header"))
            continue
        seen[key] = i
        by_position[i] = table.column(key)
    for column in table.columns:
        if column.required and column.name not in seen:
            problems.append(
                Problem(
                    raw.label, 1, column.name, f"the required column {column.name!r} is missing from the header row"
                )
            )
    for n, cells in raw.rows:
        for i in range(len(raw.header), len(cells)):
            if not blank(cells[i]):
                problems.append(
                    Problem(
                        raw.label,
                        n,
                        f"column {i + 1}",
                        "this cell has a value but its column has no name in the header row",
                    )
                )
    return by_position


def _parse_cell(
    value: object, column: Column, dates: DateConvention, amounts: AmountConvention, currency: str
) -> object:
    if column.type == "date":
        return parse_date(value, dates)
    if column.type == "money":
        return parse_amount(value, amounts, currency)
    if column.type == "int":
        return parse_int(value)
    if column.type == "bool":
        return parse_bool(value)
    if column.type == "enum":
        return parse_enum(value, column)
    if column.type == "list":
        return parse_list(value)
    text = as_text(value)
    if column.name == "currency" and text.upper() != currency:
        raise Invalid(f"{text!r} is not the reporting currency; amounts must be in {currency}")
    return text.upper() if column.name == "currency" else text


def _parse_table(raw: RawTable, settings: Settings, problems: list[Problem]) -> list[Record]:
    """Parses every row of one raw table into records, reporting each invalid cell."""
    table = TABLES[raw.table]
    columns = _map_header(raw, table, problems)
    dates = DateConvention(settings.slash_dates)
    amounts = AmountConvention(settings.decimal_mark)
    for n, cells in raw.rows:
        for i, column in columns.items():
            if i < len(cells):
                if column.type == "date":
                    dates.observe(cells[i], n)
                elif column.type == "money":
                    amounts.observe(cells[i], n, settings.currency)
    records = []
    for n, cells in raw.rows:
        values: dict[str, object] = {}
        for i, column in columns.items():
            cell = cells[i] if i < len(cells) else None
            if blank(cell) or (column.type == "list" and not parse_list(cell)):
                if column.required:
                    problems.append(
                        Problem(raw.label, n, column.name, f"{column.name} is required; this row leaves it empty")
                    )
                values[column.name] = column.default
                continue
            try:
                values[column.name] = _parse_cell(cell, column, dates, amounts, settings.currency)
            except Invalid as exc:
                problems.append(Problem(raw.label, n, column.name, str(exc)))
        if table.key in values and values[table.key] is not None:
            records.append(Record(raw.table, raw.label, n, values, {c.name: raw.header[i] for i, c in columns.items()}))
    return records


def _check_duplicates(records: list[Record], problems: list[Problem]) -> None:
    first: dict[tuple[str, str], Record] = {}
    for r in records:
        if (r.table, r.key) in first:
            f = first[(r.table, r.key)]
            where = f"row {f.row}" if f.label == r.label else f"row {f.row} of {f.label}"
            key = TABLES[r.table].key
            problems.append(
                Problem(
                    r.label,
                    r.row,
                    key,
                    f"{key} {r.key!r} appears twice in this import (first on {where}); ids must be unique",
                )
            )
        else:
            first[(r.table, r.key)] = r


def _existing_rows(con: duckdb.DuckDBPyConnection, table: Table, keys: list[str]) -> dict[str, dict]:
    """The stored rows (with their lists) of the given ids."""
    if not keys:
        return {}
    plain = [c.name for c in table.columns if c.type != "list"]
    cur = con.execute(
        f"SELECT {', '.join(plain)} FROM {table.name} WHERE {table.key} IN (SELECT unnest($keys))",
        {"keys": keys},
    )
    rows = {r[0]: dict(zip(plain, r, strict=True)) for r in cur.fetchall()}
    for column, link in table.link_tables.items():
        for key, partners in con.execute(
            f"SELECT {table.key}, list(partner_id ORDER BY partner_id) FROM {link} "
            f"WHERE {table.key} IN (SELECT unnest($keys)) GROUP BY ALL",
            {"keys": keys},
        ).fetchall():
            rows[key][column] = partners
        for row in rows.values():
            row.setdefault(column, [])
    for row in rows.values():
        for c in table.columns:
            if c.type == "enum" and row[c.name] is not None:
                row[c.name] = str(row[c.name])
    return rows


def _merged(record: Record, stored: dict | None) -> dict:
    """The full row an import leaves: stored values for columns the file lacks, defaults for a new record."""
    table = TABLES[record.table]
    base = dict(stored) if stored else {c.name: ([] if c.type == "list" else c.default) for c in table.columns}
    base.update(record.values)
    return base


def _same(a: dict, b: dict, table: Table) -> bool:
    for c in table.columns:
        x, y = a.get(c.name), b.get(c.name)
        if c.type == "list":
            if sorted(x or []) != sorted(y or []):
                return False
        elif x != y:
            return False
    return True


def _check_rows(records: list[Record], merged: dict[tuple[str, str], dict], problems: list[Problem]) -> None:
    """Checks that need the whole row: end before start, study completed after publication."""
    for r in records:
        row = merged[(r.table, r.key)]
        if r.table == "partnerships" and row["end_date"] and row["start_date"] and row["end_date"] < row["start_date"]:
            problems.append(
                Problem(
                    r.label, r.row, "end_date", f"end_date {row['end_date']} is before start_date {row['start_date']}"
                )
            )
        if (
            r.table == "publications"
            and row["study_completed_date"]
            and row["published_date"]
            and row["study_completed_date"] > row["published_date"]
        ):
            problems.append(
                Problem(
                    r.label,
                    r.row,
                    "study_completed_date",
                    f"study_completed_date {row['study_completed_date']} is after published_date "
                    f"{row['published_date']}; a study ends before its results are published",
                )
            )


def _check_references(con, records: list[Record], problems: list[Problem]) -> None:
    """Checks every id a record names against the database as it would be after this import."""
    wanted: dict[str, set[str]] = {}
    for r in records:
        for c in TABLES[r.table].columns:
            if c.references and r.values.get(c.name):
                ids = r.values[c.name] if c.type == "list" else [r.values[c.name]]
                wanted.setdefault(c.references, set()).update(ids)
    known: dict[str, set[str]] = {}
    for target, ids in wanted.items():
        key = TABLES[target].key
        found = con.execute(
            f"SELECT {key} FROM {target} WHERE {key} IN (SELECT unnest($ids))", {"ids": sorted(ids)}
        ).fetchall()
        known[target] = {row[0] for row in found} | {r.key for r in records if r.table == target}
    for r in records:
        for c in TABLES[r.table].columns:
            if not (c.references and r.values.get(c.name)):
                continue
            ids = r.values[c.name] if c.type == "list" else [r.values[c.name]]
            for missing in [i for i in ids if i not in known[c.references]]:
                noun = REFERENCE_NAMES[c.references]
                problems.append(
                    Problem(
                        r.label,
                        r.row,
                        c.name,
                        f"{missing!r} is not a known {noun}: add it to {c.references} "
                        f"(in this import or an earlier one) or correct the id",
                    )
                )


def _check_dois(con, records: list[Record], merged: dict, problems: list[Problem]) -> None:
    """DOIs are unique, compared case-insensitively, across the stored and the imported publications."""
    pubs = [r for r in records if r.table == "publications" and merged[(r.table, r.key)].get("doi")]
    if not pubs:
        return
    imported_ids = {r.key for r in records if r.table == "publications"}
    owner: dict[str, tuple[str, Record | None]] = {}
    for pid, doi in con.execute(
        "SELECT publication_id, lower(doi) FROM publications WHERE lower(doi) IN (SELECT unnest($dois))",
        {"dois": sorted({merged[("publications", r.key)]["doi"].lower() for r in pubs})},
    ).fetchall():
        if pid not in imported_ids:
            owner[doi] = (pid, None)
    for r in pubs:
        doi = merged[("publications", r.key)]["doi"].lower()
        if doi in owner and owner[doi][0] != r.key:
            other_id, other = owner[doi]
            where = f"row {other.row} of {other.label}" if other else "the database"
            problems.append(
                Problem(
                    r.label,
                    r.row,
                    "doi",
                    f"DOI {doi!r} is already used by publication {other_id!r} ({where}); "
                    "each publication has its own DOI",
                )
            )
        else:
            owner.setdefault(doi, (r.key, r))


def _sql_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def _apply(con, table: Table, rows: list[dict]) -> None:
    """Writes full rows of one table (insert or replace by id) and replaces their partner links."""
    if not rows:
        return
    plain = [c for c in table.columns if c.type != "list"]
    frame = pd.DataFrame({c.name: pd.Series([_sql_value(r[c.name]) for r in rows], dtype=object) for c in plain})
    casts = ", ".join(
        f"CAST(staged.{c.name} AS {c.enum if c.type == 'enum' else database.SQL_TYPES[c.type]})" for c in plain
    )
    con.register("staged", frame)
    try:
        con.execute(
            f"INSERT OR REPLACE INTO {table.name} ({', '.join(c.name for c in plain)}) SELECT {casts} FROM staged"
        )
    finally:
        con.unregister("staged")
    for column, link in table.link_tables.items():
        keys = [r[table.key] for r in rows]
        con.execute(f"DELETE FROM {link} WHERE {table.key} IN (SELECT unnest($keys))", {"keys": keys})
        pairs = [(r[table.key], p) for r in rows for p in (r[column] or [])]
        if pairs:
            links = pd.DataFrame(pairs, columns=[table.key, "partner_id"], dtype=object)
            con.register("staged_links", links)
            try:
                con.execute(f"INSERT INTO {link} SELECT * FROM staged_links")
            finally:
                con.unregister("staged_links")


def parse_files(files: list[Path | str], settings: Settings) -> tuple[list[Record], list[Problem], set[str]]:
    """Reads and parses every file; reports every problem that needs no database."""
    problems: list[Problem] = []
    records: list[Record] = []
    tables: set[str] = set()
    for f in files:
        label = str(f)
        try:
            raws = read(Path(f), label)
        except FileProblem as exc:
            problems.append(Problem(label, 1, "-", str(exc)))
            continue
        except OSError as exc:
            problems.append(Problem(label, 1, "-", f"the file cannot be read ({exc.strerror or exc})"))
            continue
        for raw in raws:
            tables.add(raw.table)
            records.extend(_parse_table(raw, settings, problems))
    _check_duplicates(records, problems)
    return records, problems, tables


def import_files(
    db_path: Path | str, files: list[Path | str], settings: Settings | None = None, *, fresh: bool = False
) -> ImportResult:
    """Imports the files into the database in one transaction; on any problem nothing is written.

    With fresh=True the files replace the database's whole content instead of adding to it.
    """
    settings = settings or load_settings()
    records, problems, tables = parse_files(files, settings)
    result = ImportResult()
    with contextlib.suppress(_Abort), database.write(db_path, fresh=fresh) as con:
        merged: dict[tuple[str, str], dict] = {}
        stored: dict[str, dict[str, dict]] = {}
        for name in TABLE_ORDER:
            keys = list(dict.fromkeys(r.key for r in records if r.table == name))
            stored[name] = _existing_rows(con, TABLES[name], keys)
        for r in records:
            merged[(r.table, r.key)] = _merged(r, stored[r.table].get(r.key))
        _check_rows(records, merged, problems)
        _check_references(con, records, problems)
        _check_dois(con, records, merged, problems)
        if problems:
            raise _Abort
        for name in TABLE_ORDER:
            table = TABLES[name]
            if name not in tables:
                continue
            mine = [r for r in records if r.table == name]
            counts = Counts()
            to_write = []
            for r in mine:
                row = merged[(name, r.key)]
                old = stored[name].get(r.key)
                if old is None:
                    counts.new += 1
                    to_write.append(row)
                elif _same(old, row, table):
                    counts.unchanged += 1
                else:
                    counts.updated += 1
                    to_write.append(row)
            _apply(con, table, to_write)
            written = database.scalar(
                con,
                f"SELECT count(*) FROM {name} WHERE {table.key} IN (SELECT unnest($keys))",
                {"keys": [r.key for r in mine]},
            )
            if written != len(mine):
                raise RuntimeError(f"{name}: expected {len(mine)} stored records after the import, found {written}")
            result.counts[name] = counts
        database.record_import(con, [str(f) for f in files], "; ".join(result.summary()))
    order = {str(f): i for i, f in enumerate(files)}
    result.problems = sorted(problems, key=lambda p: (order.get(p.file.split("[")[0], len(order)), p.file, p.row))
    return result
