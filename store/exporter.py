"""The whole database as files an import takes back: one CSV per table of the data contract, plus the
foundation's own notes, events and targets. Importing every file into an empty database gives the same data.

Every text cell that a spreadsheet would run as a formula (=, +, -, @) is written with a leading apostrophe,
which the importer drops again. DuckDB writes each column as text in one query, so that a million engagements
export in seconds.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from contract import FORMULA_PATTERN, Column, Table
from store import database
from store import files as disk
from store.entries import IMPORT_ORDER, IMPORTABLE

QUOTE = "''"  # one apostrophe, in an SQL string literal


def _expression(column: Column) -> str:
    """The SQL that writes one column as the text an import reads back (names from the contract, never input)."""
    name = f"t.{column.name}"
    if column.type == "list":  # the joined ids, formula-safe as one cell (its first id may start like a formula)
        name = f"l_{column.name}.ids"
    if column.type == "bool":
        return f"CASE WHEN {name} IS NULL THEN '' WHEN {name} THEN 'true' ELSE 'false' END"
    if column.type == "money":  # 1200.5000 is written 1200.5
        return f"coalesce(regexp_replace(regexp_replace(CAST({name} AS VARCHAR), '0+$', ''), '[.]$', ''), '')"
    if column.type == "number":  # 4500000.0 is written 4500000
        return (
            f"coalesce(CASE WHEN {name} = trunc({name}) AND abs({name}) < 1e15 "
            f"THEN CAST(CAST({name} AS BIGINT) AS VARCHAR) ELSE CAST({name} AS VARCHAR) END, '')"
        )
    if column.type in ("text", "id", "list"):  # formula-safe (contract.formula_safe): an apostrophe in front
        return f"coalesce(CASE WHEN regexp_matches({name}, $formula) THEN '{QUOTE}' || {name} ELSE {name} END, '')"
    return f"coalesce(CAST({name} AS VARCHAR), '')"  # dates (ISO), whole numbers, enumerations


def _select(table: Table) -> str:
    """One query that writes every column of the table as text, partner lists joined by ";", in key order."""
    columns = ", ".join(_expression(c) for c in table.columns)
    joins = "".join(
        f" LEFT JOIN (SELECT {table.key} AS k, string_agg(partner_id, ';' ORDER BY partner_id) AS ids "
        f"FROM {link} GROUP BY {table.key}) AS l_{column} ON l_{column}.k = t.{table.key}"
        for column, link in table.link_tables.items()
    )
    order = ", ".join(f"t.{c}" for c in table.key_columns)
    return f"SELECT {columns} FROM {table.name} AS t{joins} ORDER BY {order}"


def table_csv(con, name: str) -> bytes:
    """One table as CSV (UTF-8, the contract's columns in order), its records in key order."""
    table = IMPORTABLE[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    if database.has_table(con, name):
        sql = _select(table)
        cursor = con.execute(sql, {"formula": FORMULA_PATTERN} if "$formula" in sql else None)
        while rows := cursor.fetchmany(50_000):
            writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def files(db: Path | str) -> dict[str, bytes]:
    """Every table as a CSV file: file name -> contents."""
    with database.read(db) as con:
        return {f"{name}.csv": table_csv(con, name) for name in IMPORT_ORDER}


def export(db: Path | str, out_dir: Path | str) -> list[Path]:
    """Writes every table's CSV into out_dir (made if needed), each with the database's permissions and never
    through a symbolic link; returns the files written. store.files.Unsafe, with nothing written, when out_dir is a link
    or not a folder, or one of the files' names in it holds a link or a folder."""
    out, mode = Path(out_dir), disk.mode_of(db)
    disk.write_into(out, {}, mode)  # a folder it refuses is refused before the database is read
    return disk.write_into(out, files(db), mode)


def export_zip(db: Path | str) -> bytes:
    """The same files as one zip archive (the Data page's backup download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files(db).items():
            archive.writestr(name, content)
    return buffer.getvalue()
