"""The whole database as files an import takes back: one CSV per table of the data contract, plus the
foundation's own notes, events and targets. Importing every file into an empty database gives the same data.

Every text cell that a spreadsheet would run as a formula (=, +, -, @) is written with a leading apostrophe,
which the importer drops again.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from contract import formula_safe
from store import database
from store import tables as kept
from store.entries import IMPORT_ORDER, IMPORTABLE


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(formula_safe(str(value)))


def table_csv(con, name: str) -> bytes:
    """One table as CSV (UTF-8, the contract's columns in order), its records in key order."""
    table = IMPORTABLE[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    if database.has_table(con, name):
        keys = sorted(kept.keys_of(con, name))
        rows = {}
        for start in range(0, len(keys), 50_000):
            rows.update(kept.get(con, name, keys[start : start + 50_000]))
        for key in keys:
            writer.writerow([_cell(rows[key].get(c)) for c in table.column_names])
    return out.getvalue().encode("utf-8")


def files(db: Path | str) -> dict[str, bytes]:
    """Every table as a CSV file: file name -> contents."""
    with database.read(db) as con:
        return {f"{name}.csv": table_csv(con, name) for name in IMPORT_ORDER}


def export(db: Path | str, out_dir: Path | str) -> list[Path]:
    """Writes every table's CSV into out_dir (created if needed); returns the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files(db).items():
        path = out / name
        path.write_bytes(content)
        written.append(path)
    return written


def export_zip(db: Path | str) -> bytes:
    """The same files as one zip archive (the Data page's backup download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files(db).items():
            archive.writestr(name, content)
    return buffer.getvalue()
