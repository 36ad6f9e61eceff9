"""Imports CSV and XLSX files into the store: all or nothing, every problem reported, upsert by id."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from contract import INDUSTRY_SECTORS, TABLES, Column, Table, from_formula_safe
from settings import Settings
from settings import load as load_settings
from store import database, history, sources
from store import tables as kept
from store.entries import IMPORT_ORDER, IMPORTABLE
from store.history import Change
from store.readers import FileProblem, RawTable, UnknownTable, read
from store.targets import targets_rule
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
    parse_number,
    shown,
)

LENGTHS = {"notes": {"text": 1000, "author": 80}, "events": {"label": 80}}

REFERENCE_NAMES = {"partners": "partner", "partnerships": "partnership", "programs": "program"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an import file, located by file, row (the header is row 1) and column."""

    file: str
    row: int
    column: str  # "" when the problem is the whole row (e.g. a row with too many cells)
    message: str
    value: str = ""  # the offending cell, shortened and with control characters made visible

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:{self.column}" if self.column else f"{self.file}:{self.row}"
        return f"{where}: {self.message}"


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
    changes: list[Change] = field(default_factory=list)  # each record added or updated, before and after
    undetermined: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file -> tables it might hold
    write_id: int | None = None  # the write in the history (None for a preview or a refused import)
    formats: dict[str, str] = field(default_factory=dict)  # file -> the format it was read as (sources.CONTRACT...)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """One line per imported table: new, updated, unchanged."""
        return [f"{table}: {self.counts[table]}" for table in IMPORT_ORDER if table in self.counts]

    def updates(self) -> list[str]:
        """One line per updated record: each changed value, old -> new."""
        lines = []
        for change in self.changes:
            if change.kind == "updated":
                said = "; ".join(f"{c} {_said(old)} -> {_said(new)}" for c, (old, new) in change.fields.items())
                lines.append(f"{change.table} {change.key}: {said}")
        return lines

    def sensitive(self) -> list[str]:
        """A sentence for each update that flips a value people rely on: a partner's confidential flag or sector, or
        a funding amount multiplied or divided by more than 10 (a slipped decimal mark or digit). Such an update is
        a legitimate edit, so it is not refused; it is said, before it is applied, so that nobody misses it."""
        return sensitive_changes(self.changes)


SENSITIVE_FACTOR = 10  # an amount changed more than this many times up or down is said before it is applied


def sensitive_changes(changes: list[Change]) -> list[str]:
    """The sentences of ImportResult.sensitive for these changes."""
    lines = []
    for change in changes:
        if change.kind != "updated":
            continue
        fields = change.fields
        after = change.after or {}
        if change.table == "partners":
            who = f"partner {change.key} {after.get('name') or ''}".rstrip()
            if "confidential" in fields:
                old, new = (bool(v) for v in fields["confidential"])
                if old != new:
                    what = (
                        "it will be named in community outputs, the community report included"
                        if old
                        else "community outputs will stop naming it or showing it on its own"
                    )
                    lines.append(f"{who}: confidential {_said(old)} → {_said(new)}: {what}")
            if "sector" in fields:
                old, new = fields["sector"]
                if old in INDUSTRY_SECTORS and new not in INDUSTRY_SECTORS:
                    what = "it will no longer count as an industry partner in any metric"
                elif new in INDUSTRY_SECTORS and old not in INDUSTRY_SECTORS:
                    what = "it will count as an industry partner in every metric"
                else:
                    what = f"its records will count under {new} in every metric by sector"
                lines.append(f"{who}: sector {old or '(blank)'} → {new or '(blank)'}: {what}")
        if change.table == "funding" and "amount" in fields:
            old, new = fields["amount"]
            if old and new and Decimal(str(old)) > 0 and Decimal(str(new)) > 0:
                ratio = Decimal(str(new)) / Decimal(str(old))
                if ratio > SENSITIVE_FACTOR:
                    how = f"{_times(ratio)} times as much"
                elif ratio < Decimal(1) / SENSITIVE_FACTOR:
                    how = f"1/{_times(1 / ratio)} of it"
                else:
                    continue
                partner = f" (partner {after['partner_id']})" if after.get("partner_id") else ""
                lines.append(
                    f"funding {change.key}{partner}: amount {_amount(old)} → {_amount(new)}, {how}: check that the "
                    "decimal mark and the digits are right"
                )
    return lines


def _times(ratio: Decimal) -> str:
    """A factor as a person reads it: 100, 12.5."""
    rounded = ratio.quantize(Decimal(1)) if ratio >= 100 else ratio.quantize(Decimal("0.1"))
    return f"{rounded:,f}".removesuffix(".0")


def _amount(value: object) -> str:
    """An amount as a person reads it: 1,200.5 (no trailing zeros)."""
    text = f"{Decimal(str(value)):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _said(value: object) -> str:
    if value is None or value == []:
        return "(blank)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return shown(str(value))


@dataclass
class Record:
    """One row of an import file, parsed: the values of the columns its file has."""

    table: str
    label: str
    row: int
    values: dict[str, object]
    columns: dict[str, str]  # contract name -> the column as problem lines name it (another system's: its own)

    def named(self, column: str) -> str:
        """A column as this record's problem lines name it."""
        return self.columns.get(column, column)

    @property
    def key(self) -> str:
        return IMPORTABLE[self.table].key_of(self.values)


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
                    Problem(
                        raw.label,
                        raw.header_row,
                        f"column {i + 1}",
                        "this column has values but no name in the header row",
                    )
                )
            continue
        if key not in table.column_names:
            close = difflib.get_close_matches(key, table.column_names, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(
                    raw.label,
                    raw.header_row,
                    name,
                    f"unknown column {shown(name)} for the {table.name} table; its columns are "
                    f"{', '.join(table.column_names)}.{hint}",
                    shown(name),
                )
            )
            continue
        if key in seen:
            twice = f"column {shown(key)} appears twice in the header"
            problems.append(Problem(raw.label, raw.header_row, name, twice, shown(name)))
            continue
        seen[key] = i
        by_position[i] = table.column(key)
    for column in table.columns:
        if column.required and column.name not in seen:
            problems.append(
                Problem(
                    raw.label,
                    raw.header_row,
                    column.name,
                    f"the required column {shown(column.name)} is missing from the header row",
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
                        f"{shown(cells[i])} is in a column that has no name in the header row",
                        shown(cells[i]),
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
    if column.type == "number":
        return parse_number(value)
    if column.type == "bool":
        return parse_bool(value)
    if column.type == "enum":
        return parse_enum(value, column)
    # A leading apostrophe before =, +, -, @ is a spreadsheet's (and our export's) sign for text: dropped (a list's
    # cell as a whole, as the export writes it).
    if column.type == "list":
        return parse_list(from_formula_safe(as_text(value)))
    text = from_formula_safe(as_text(value))
    if column.type == "id" and any(ch in text for ch in "\r\n"):
        raise Invalid(f"{shown(text)} is on more than one line; an id is one line of text")
    if column.name == "currency" and text.upper() != currency:
        raise Invalid(f"{shown(text)} is not the reporting currency; amounts must be in {currency}")
    return text.upper() if column.name == "currency" else text


def _parse_table(raw: RawTable, settings: Settings, problems: list[Problem]) -> list[Record]:
    """Parses every row of one raw table into records, reporting each invalid cell."""
    table = IMPORTABLE[raw.table]
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
                    named = raw.names.get(column.name, column.name)
                    problems.append(Problem(raw.label, n, named, f"{named} is required; this row leaves it empty"))
                values[column.name] = column.default
                continue
            try:
                values[column.name] = _parse_cell(cell, column, dates, amounts, settings.currency)
            except Invalid as exc:
                problems.append(Problem(raw.label, n, raw.names.get(column.name, column.name), str(exc), shown(cell)))
        if all(values.get(k) is not None for k in table.key_columns):
            records.append(
                Record(
                    raw.table, raw.label, n, values, {c.name: raw.names.get(c.name, c.name) for c in columns.values()}
                )
            )
    return records


def parse_files(
    files: list[Path | str],
    settings: Settings,
    tables: dict[str, str] | None = None,
    labels: list[str] | None = None,
    *,
    formats: dict[str, str] | None = None,
    db_path: Path | str | None = None,
    trial_programs: dict[str, str] | None = None,
    used: dict[str, str] | None = None,
) -> tuple[list[Record], list[Problem], set[str], dict[str, tuple[str, ...]]]:
    """Reads and parses every file; reports every problem that needs no database.

    A file another system exported (store/sources: a CRM export, PubMed, ClinicalTrials.gov) is recognised by its
    content, or named in formats (label -> format); its records are matched with those of the database at db_path
    (and a trial with the program trial_programs chooses for it). used, when given, receives each file's format.
    Returns the records, the problems, the tables present, and the files whose table could not be told
    (label -> the tables it might be)."""
    problems: list[Problem] = []
    records: list[Record] = []
    present: set[str] = set()
    undetermined: dict[str, tuple[str, ...]] = {}
    chosen = tables or {}
    labels = labels or [str(f) for f in files]
    known: list[sources.Known] = []
    used = {} if used is None else used

    def stored() -> sources.Known:
        if not known:
            if db_path is None:
                known.append(sources.Known())
            else:
                with database.read(db_path) as con:
                    known.append(sources.Known.load(con))
            known[0].trial_programs.update(trial_programs or {})
        return known[0]

    listed = sources.sources(db_path)  # once for the whole upload: it reads the database's saved mappings
    found: list[tuple[Path, str, sources.Source | None]] = []
    for f, label in zip(files, labels, strict=True):
        try:
            forced = (formats or {}).get(label)
            source = None if label in chosen else sources.source_for(Path(f), forced, db_path, known=listed)
        except (FileProblem, OSError) as exc:
            problems.append(_unreadable(label, exc))
            continue
        used[label] = source.name if source else sources.CONTRACT
        found.append((Path(f), label, source))
    # Sources in their own order, whatever the files' order: a CRM's accounts before its opportunities, its funding
    # requests before their disbursements (Known carries what the earlier tell the later).
    order = {name: i for i, name in enumerate(listed)}
    found.sort(key=lambda item: order[item[2].name] if item[2] else -1)
    for path, label, source in found:
        try:
            raws = source.read(path, label, stored()) if source else read(path, label, chosen.get(label))
        except UnknownTable as exc:
            undetermined[label] = exc.candidates
            problems.append(Problem(label, exc.row, exc.column, str(exc)))
            continue
        except (FileProblem, OSError) as exc:
            problems.append(_unreadable(label, exc))
            continue
        for raw in raws:
            present.add(raw.table)
            problems.extend(Problem(raw.label, p.row, p.column, p.message, p.value) for p in raw.problems)
            if any(p.row <= raw.header_row for p in raw.problems):
                continue  # the header cannot be read: no row can be matched to its columns
            records.extend(_parse_table(raw, settings, problems))
    _check_duplicates(records, problems)
    return records, problems, present, undetermined


def _unreadable(label: str, exc: FileProblem | OSError) -> Problem:
    """A file that cannot be read (at all, or past a row), as its problem line."""
    if isinstance(exc, FileProblem):
        return Problem(label, exc.row, exc.column, str(exc))
    return Problem(label, 1, "-", f"the file cannot be read ({exc.strerror or exc})")


def _check_duplicates(records: list[Record], problems: list[Problem]) -> None:
    first: dict[tuple[str, str], Record] = {}
    for r in records:
        if (r.table, r.key) in first:
            f = first[(r.table, r.key)]
            where = f"row {f.row}" if f.label == r.label else f"row {f.row} of {f.label}"
            table = IMPORTABLE[r.table]
            noun = " and ".join(table.key_columns)
            problems.append(
                Problem(
                    r.label,
                    r.row,
                    r.named(table.key_columns[-1]),
                    f"{noun} {r.key!r} appears twice in this import (first on {where}); "
                    + ("ids must be unique" if len(table.key_columns) == 1 else "give each one target"),
                )
            )
        else:
            first[(r.table, r.key)] = r


def _existing_rows(con: duckdb.DuckDBPyConnection, table: Table, keys: list[str]) -> dict[str, dict]:
    """The stored records of the given keys (none when an older database lacks the table)."""
    if not keys or not database.has_table(con, table.name):
        return {}
    return kept.get(con, table.name, keys)


def _merged(record: Record, stored: dict | None) -> dict:
    """The full row an import leaves: stored values for columns the file lacks, defaults for a new record."""
    table = IMPORTABLE[record.table]
    base = {c.name: ([] if c.type == "list" else c.default) for c in table.columns}
    if stored:
        base.update({c.name: stored.get(c.name) for c in table.columns})
    base.update(record.values)
    return base


def _same(a: dict, b: dict, table: Table) -> bool:
    for c in table.columns:
        x, y = a.get(c.name), b.get(c.name)
        if c.type == "list":
            if sorted(x or []) != sorted(y or []):
                return False
        elif c.type == "number":
            if (x is None) != (y is None) or (x is not None and float(x) != float(y)):
                return False
        elif x != y:
            return False
    return True


def _check_rows(records: list[Record], merged: dict[tuple[str, str], dict], problems: list[Problem]) -> None:
    """Checks that need the whole row: end before start, study completed after publication, the own entries' rules."""
    for r in records:
        row = merged[(r.table, r.key)]
        if r.table == "partnerships" and row["end_date"] and row["start_date"] and row["end_date"] < row["start_date"]:
            problems.append(
                Problem(
                    r.label, r.row, "end_date", f"end_date {row['end_date']} is before start_date {row['start_date']}"
                )
            )
        if r.table == "notes" and row["end_date"] and row["start_date"] and row["end_date"] < row["start_date"]:
            problems.append(
                Problem(
                    r.label,
                    r.row,
                    "end_date",
                    f"end_date {row['end_date']} is before start_date {row['start_date']}; a note is about a period",
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
        for column, limit in LENGTHS.get(r.table, {}).items():
            if row.get(column) and len(row[column]) > limit:
                problems.append(
                    Problem(
                        r.label,
                        r.row,
                        column,
                        f"the {column} is {len(row[column]):,} characters long; keep it to {limit:,}",
                    )
                )
        if r.table == "targets":
            why = targets_rule(row["metric_id"], row["year"], row["target"])
            if why:
                problems.append(Problem(r.label, r.row, "target", why))


def _check_duplicate_notes(con, records: list[Record], merged: dict, problems: list[Problem]) -> None:
    """The same note (metric, period and text) is kept once: a second copy, stored or in the import, is refused."""
    notes = [r for r in records if r.table == "notes"]
    if not notes:
        return
    seen: dict[tuple, str] = {}
    if database.has_table(con, "notes"):
        for note_id, metric_id, start, end, text in con.execute(
            "SELECT note_id, metric_id, start_date, end_date, text FROM notes"
        ).fetchall():
            seen[(metric_id, start, end, text.strip().casefold())] = note_id
    for r in notes:
        row = merged[(r.table, r.key)]
        same = (row["metric_id"], row["start_date"], row["end_date"], (row["text"] or "").strip().casefold())
        other = seen.get(same)
        if other is not None and other != r.key:
            problems.append(
                Problem(
                    r.label,
                    r.row,
                    "text",
                    f"the same note on {row['metric_id']} for this period is already kept (note {other!r})",
                )
            )
        else:
            seen[same] = r.key


def _check_references(con, records: list[Record], problems: list[Problem]) -> None:
    """Checks every id a record names against the database as it would be after this import."""
    wanted: dict[str, set[str]] = {}
    for r in records:
        for c in IMPORTABLE[r.table].columns:
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
        for c in IMPORTABLE[r.table].columns:
            if not (c.references and r.values.get(c.name)):
                continue
            ids = r.values[c.name] if c.type == "list" else [r.values[c.name]]
            for missing in [i for i in ids if i not in known[c.references]]:
                noun = REFERENCE_NAMES[c.references]
                problems.append(
                    Problem(
                        r.label,
                        r.row,
                        r.named(c.name),
                        f"{shown(missing)} is not a known {noun}: add it to {c.references} "
                        f"(in this import or an earlier one) or correct the id",
                        shown(missing),
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
                    r.named("doi"),
                    f"DOI {shown(doi)} is already used by publication {other_id!r} ({where}); "
                    "each publication has its own DOI",
                    shown(doi),
                )
            )
        else:
            owner.setdefault(doi, (r.key, r))


@dataclass
class _Plan:
    """What an import would do: the rows to write per table, with the stored records they replace."""

    result: ImportResult
    rows: dict[str, list[dict]] = field(default_factory=dict)
    stored: dict[str, dict[str, dict]] = field(default_factory=dict)


def _plan(con, records: list[Record], present: set[str], problems: list[Problem]) -> _Plan:
    """Checks the records against the database and works out, per table, what is new, updated and unchanged."""
    plan = _Plan(ImportResult())
    merged: dict[tuple[str, str], dict] = {}
    for name in IMPORT_ORDER:
        keys = list(dict.fromkeys(r.key for r in records if r.table == name))
        plan.stored[name] = _existing_rows(con, IMPORTABLE[name], keys)
    for r in records:
        merged[(r.table, r.key)] = _merged(r, plan.stored[r.table].get(r.key))
    _check_rows(records, merged, problems)
    _check_references(con, records, problems)
    _check_dois(con, records, merged, problems)
    _check_duplicate_notes(con, records, merged, problems)
    if problems:
        return plan
    for name in IMPORT_ORDER:
        if name not in present:
            continue
        table = IMPORTABLE[name]
        counts = Counts()
        plan.rows[name] = []
        for r in (r for r in records if r.table == name):
            row = merged[(name, r.key)]
            old = plan.stored[name].get(r.key)
            if old is None:
                counts.new += 1
            elif _same(old, row, table):
                counts.unchanged += 1
                continue
            else:
                counts.updated += 1
            plan.rows[name].append(row)
            plan.result.changes.append(Change(name, r.key, _visible(old, table), _visible(row, table)))
        plan.result.counts[name] = counts
    return plan


def _visible(row: dict | None, table: Table) -> dict | None:
    """A record's values in the columns of its file (what a person can compare)."""
    return None if row is None else {c.name: row.get(c.name) for c in table.columns}


def _located(problems: list[Problem], files: list[str]) -> list[Problem]:
    order = {f: i for i, f in enumerate(files)}
    return sorted(problems, key=lambda p: (order.get(p.file.split("[")[0], len(order)), p.file, p.row))


def preview(
    db_path: Path | str,
    files: list[Path | str],
    settings: Settings | None = None,
    *,
    labels: list[str] | None = None,
    tables: dict[str, str] | None = None,
    formats: dict[str, str] | None = None,
    trial_programs: dict[str, str] | None = None,
) -> ImportResult:
    """What importing the files would do (problems, or counts and changes per table); writes nothing."""
    settings = settings or load_settings()
    labels = labels or [str(f) for f in files]
    used: dict[str, str] = {}
    records, problems, present, undetermined = parse_files(
        files, settings, tables=tables, labels=labels, formats=formats, db_path=db_path,
        trial_programs=trial_programs, used=used,
    )  # fmt: skip
    with database.read(db_path) as con:
        plan = _plan(con, records, present, problems)
    result = plan.result
    result.undetermined = undetermined
    result.formats = used
    result.problems = _located(problems, labels)
    if result.problems:
        result.counts, result.changes = {}, []
    return result


def import_files(
    db_path: Path | str,
    files: list[Path | str],
    settings: Settings | None = None,
    *,
    labels: list[str] | None = None,
    tables: dict[str, str] | None = None,
    formats: dict[str, str] | None = None,
    trial_programs: dict[str, str] | None = None,
    by: str | None = None,
    fresh: bool = False,
    what: str = "import",
    before_write: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Imports the files into the database in one write, recorded in the history; on any problem nothing is written.

    labels name the files in messages and in the history (default: their paths); tables gives the table of a file
    (by label) whose name and header do not tell. With fresh=True the files replace the database's whole content.
    before_write, when given, is called with what the import will do (its counts and changes) once it is checked,
    before anything is written (the command line says the sensitive changes then).
    """
    settings = settings or load_settings()
    labels = labels or [str(f) for f in files]
    used: dict[str, str] = {}
    records, problems, present, undetermined = parse_files(
        files, settings, tables=tables, labels=labels, formats=formats, db_path=db_path,
        trial_programs=trial_programs, used=used,
    )  # fmt: skip
    result = apply_records(
        db_path, records, problems, present, labels, by=by, fresh=fresh, what=what, before_write=before_write
    )
    result.undetermined = undetermined
    result.formats = used
    return result


def apply_records(
    db_path: Path | str,
    records: list[Record],
    problems: list[Problem],
    present: set[str],
    labels: list[str],
    *,
    by: str | None = None,
    fresh: bool = False,
    what: str = "import",
    before_write: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Writes parsed records in one write (an import, or an edit made in the app), checked like any import;
    before_write as for import_files."""
    result = ImportResult()
    with (
        contextlib.suppress(_Abort),
        history.writing(db_path, what, by=by, files=labels, fresh=fresh, rows=len(records)) as journal,
    ):
        plan = _plan(journal.con, records, present, problems)
        if problems:
            raise _Abort
        if what == "edit" and not plan.result.changes:
            result.counts = plan.result.counts  # the values were already so: no write
            raise _Abort
        if before_write is not None:
            before_write(plan.result)
        for name in IMPORT_ORDER:
            if name not in plan.rows:
                continue
            journal.put(name, plan.rows[name], plan.stored[name])
            mine = {r.key for r in records if r.table == name}
            written = kept.count(journal.con, name, mine)
            if written != len(mine):
                raise RuntimeError(f"{name}: expected {len(mine)} stored records after the import, found {written}")
        result.counts, result.changes = plan.result.counts, plan.result.changes
        journal.counts = {name: vars(c) for name, c in result.counts.items()}
        journal.summary = "; ".join(result.summary())
        if what != "edit":
            database.record_import(journal.con, labels, journal.summary)
        result.write_id = journal.id
    result.problems = _located(problems, labels)
    return result
