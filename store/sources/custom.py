"""Mappings a foundation makes itself, on the Data page, for a CSV no other source reads: which of its columns is
which column of one contract table, and which of its values is which value of an enumeration.

A mapping is saved as a TOML file in the folder beside the database (`<database>.mappings/NAME.toml`), so the next
file with the same columns is read with it at once, on the Data page and by `cli.py import` (by content, or with
--format NAME). A value the mapping does not translate is read as it is, so an unknown value is a problem naming the
value and the choices, never a guess.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from store import files
from store.entries import IMPORTABLE
from store.readers import FileProblem, RawTable, first_line, read_source_csv
from store.sources.base import Known

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def folder(db_path: Path | str) -> Path:
    """Where a database's own mappings are kept."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}.mappings")


def _header_key(names: list[str]) -> frozenset[str]:
    return frozenset(n.strip().lower() for n in names if n.strip())


@dataclass
class Custom:
    """One saved mapping: a CSV's columns (as written) to one table's columns, and values to enumeration values."""

    name: str  # as --format names it: lower case letters, digits and dashes
    table: str
    columns: dict[str, str]  # the file's column -> the table's column ("" for a column not kept)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # table column -> {file's value -> value}

    @property
    def title(self) -> str:
        return f"{self.name} (your mapping to {self.table})"

    def problems(self) -> list[str]:
        """What keeps the mapping from being saved, in plain words."""
        found = []
        if not NAME.match(self.name):
            found.append("a mapping's name is lower-case letters, digits and dashes (such as donor-crm), at most 40")
        if self.table not in IMPORTABLE:
            found.append(f"there is no table {self.table!r}")
            return found
        table = IMPORTABLE[self.table]
        kept = [c for c in self.columns.values() if c]
        for column in sorted({c for c in kept if kept.count(c) > 1}):
            found.append(f"two of the file's columns are mapped to {column}; map one")
        for column in table.columns:
            if column.required and column.name not in kept:
                found.append(f"{column.name} is required: choose the file's column that holds it")
        for column in kept:
            if column not in table.column_names:
                found.append(f"{column} is not a column of {self.table}")
        return found

    def recognises(self, path: Path, head: str) -> bool:
        first = first_line(head)
        wanted = _header_key(list(self.columns))
        return any(_header_key(next(csv.reader([first], delimiter=d), [])) == wanted for d in (",", ";", "\t"))

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        raw = read_source_csv(path, label)
        mapped = {k.strip().lower(): v for k, v in self.columns.items()}
        header = [h.strip() for h in raw.header]
        unknown = [h for h in header if h and h.lower() not in mapped]
        if unknown:
            raise FileProblem(
                f"the mapping {self.name!r} does not know the column {unknown[0]!r}; map this file again on the Data "
                "page",
                raw.header_row,
                unknown[0],
            )
        keep = [(i, mapped[h.lower()]) for i, h in enumerate(header) if h and mapped[h.lower()]]
        values = {c: {k.strip().lower(): v for k, v in m.items()} for c, m in self.values.items()}
        rows = []
        for n, cells in raw.rows:
            out = []
            for i, column in keep:
                cell = cells[i] if i < len(cells) else None
                if column in values and cell is not None and str(cell).strip().lower() in values[column]:
                    cell = values[column][str(cell).strip().lower()]
                out.append(cell)
            rows.append((n, out))
        names = {column: header[i] for i, column in keep}
        return [RawTable(label, self.table, [c for _, c in keep], rows, raw.problems, raw.header_row, names)]

    def text(self) -> str:
        """The mapping as its TOML file holds it."""

        def q(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

        lines = [f"# A mapping made on the Data page: the file's columns to {self.table}.", f"table = {q(self.table)}"]
        lines += ["", "[columns]"] + [f"{q(k)} = {q(v)}" for k, v in self.columns.items()]
        for column, mapping in self.values.items():
            lines += ["", f"[values.{q(column)}]"] + [f"{q(k)} = {q(v)}" for k, v in mapping.items()]
        return "\n".join(lines) + "\n"


def saved(db_path: Path | str | None) -> list[Custom]:
    """The mappings saved for this database, by name."""
    if db_path is None or not folder(db_path).is_dir():
        return []
    found = []
    for path in sorted(folder(db_path).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            found.append(Custom(path.stem, data["table"], dict(data["columns"]), dict(data.get("values", {}))))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a file someone broke by hand is not a mapping; the Data page lists the good ones
    return found


def save(db_path: Path | str, mapping: Custom) -> Path:
    """Saves a mapping (replacing one of the same name); ValueError says what keeps it from being saved."""
    problems = mapping.problems()
    if problems:
        raise ValueError("; ".join(problems))
    # With the database's permissions from the moment it exists, whole, and never through a link (store/files.py).
    (path,) = files.write_into(
        folder(db_path), {f"{mapping.name}.toml": mapping.text().encode("utf-8")}, files.mode_of(db_path)
    )
    return path


def delete(db_path: Path | str, name: str) -> None:
    if NAME.match(name):
        (folder(db_path) / f"{name}.toml").unlink(missing_ok=True)
