"""Reads import files (CSV in any common encoding and delimiter, XLSX workbooks) into raw tables of cells."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from contract import TABLES

DELIMITERS = (",", ";", "\t")


class FileProblem(Exception):
    """A file that cannot be read at all; the message is for the person who prepared it."""


@dataclass
class RawTable:
    """The cells of one table as found in a file: header names and data rows, with their row numbers."""

    label: str
    table: str
    header: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Decodes a CSV file: UTF-8 (with or without BOM), UTF-16 (with BOM or by its zero bytes), else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows exports call it Latin-1 but write cp1252 (curly quotes, euro sign);
        # cp1252 leaves five bytes undefined, which only true Latin-1 can carry.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _normal(name: object) -> str:
    return str(name if name is not None else "").strip().lower()


def _choose_delimiter(first_line: str, table: str | None) -> str:
    """Picks the delimiter that splits the header into the most known column names."""
    known = set().union(*(t.column_names for t in TABLES.values()))
    if table:
        known = set(TABLES[table].column_names)

    def score(d: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=d), [])
        return (sum(_normal(c) in known for c in cells), len(cells))

    return max(DELIMITERS, key=score)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _trim(cells: list[object]) -> list[object]:
    end = len(cells)
    while end and _blank(cells[end - 1]):
        end -= 1
    return cells[:end]


def _from_rows(label: str, table: str, rows: list[tuple[int, list[object]]]) -> RawTable:
    """Builds a RawTable from numbered rows: the first non-empty row is the header; empty rows are dropped."""
    rows = [(n, _trim(cells)) for n, cells in rows]
    rows = [(n, cells) for n, cells in rows if cells]
    if not rows:
        raise FileProblem("the file is empty: the first row must name the columns")
    (_, header), data = rows[0], rows[1:]
    return RawTable(label, table, [str(h).strip() if h is not None else "" for h in header], data)


def table_for_stem(stem: str) -> str | None:
    """The table a file or sheet name names, if any."""
    name = stem.strip().lower()
    return name if name in TABLES else None


def read_csv(path: Path, label: str) -> list[RawTable]:
    """Reads a CSV file named after its table."""
    table = table_for_stem(path.stem)
    if table is None:
        raise FileProblem(f"the file name must be a table name ({', '.join(TABLES)}), e.g. partners.csv")
    text = decode(path.read_bytes())
    if not text.strip():
        raise FileProblem("the file is empty: the first row must name the columns")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = _choose_delimiter(first_line, table)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [(i, list(cells)) for i, cells in enumerate(reader, start=1)]
    return [_from_rows(label, table, rows)]


def _cell(value: object) -> object:
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()
    return value


def read_xlsx(path: Path, label: str) -> list[RawTable]:
    """Reads a workbook: sheets named after tables, or a single sheet in a file named after its table."""
    from openpyxl import load_workbook

    try:
        # Formulas are kept as their text: a cell starting with "=" is data, never evaluated.
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileProblem(
            f"this is not an Excel .xlsx workbook that can be opened ({exc.__class__.__name__})"
        ) from None
    try:
        sheets = []
        for ws in wb.worksheets:
            rows = [(i, [_cell(v) for v in row]) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
            sheets.append((ws.title, rows))
    finally:
        wb.close()
    non_empty = [(title, rows) for title, rows in sheets if any(_trim(cells) for _, cells in rows)]
    if not non_empty:
        raise FileProblem("the workbook is empty: the first row of each sheet must name the columns")
    named = [(title, table_for_stem(title), rows) for title, rows in non_empty if table_for_stem(title)]
    if named:
        stray = [title for title, _ in non_empty if not table_for_stem(title)]
        if stray:
            raise FileProblem(
                f"sheet {stray[0]!r} is not named after a table ({', '.join(TABLES)}); rename it or remove it"
            )
    else:
        stem_table = table_for_stem(path.stem)
        if stem_table is None:
            raise FileProblem(
                "no sheet is named after a table; name each sheet after its table "
                f"({', '.join(TABLES)}) or the file after its one table"
            )
        if len(non_empty) > 1:
            raise FileProblem(
                f"the workbook has {len(non_empty)} sheets with data; name each sheet after its table "
                f"({', '.join(TABLES)})"
            )
        named = [(non_empty[0][0], stem_table, non_empty[0][1])]
    single = len(named) == 1
    return [_from_rows(label if single else f"{label}[{title}]", table, rows) for title, table, rows in named]


def read(path: Path, label: str | None = None) -> list[RawTable]:
    """Reads one import file into its tables."""
    label = label or str(path)
    if not path.exists():
        raise FileProblem("the file does not exist")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, label)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, label)
    raise FileProblem("only .csv and .xlsx files can be imported")
