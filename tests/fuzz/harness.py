"""Imports one variant through the command line's entry (cli.main, in-process) into a copy of its case's template
database, and judges what happened against the variant's oracle (tests/fuzz/mutations.py).

What each case's valid files mean is what importing them stores: the template's tables and the tables after the
valid import, read back as the export writes them (store/exporter.py: every contract table and the foundation's
own, lists joined), keyed by each table's id.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import random
import re
import shutil
import subprocess
import sys
import traceback
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import cli
from store import exporter
from store.entries import IMPORTABLE
from store.importer import import_files
from tests.conftest import ROOT
from tests.fuzz import mutations
from tests.fuzz.cases import Case, sheets_of

State = dict[str, dict[tuple, dict[str, str]]]
MUTATIONS = {
    "csv": mutations.CSV_MUTATIONS,
    "xlsx": mutations.XLSX_MUTATIONS,
    "medline": mutations.MEDLINE_MUTATIONS,
    "json": mutations.JSON_MUTATIONS,
}
# A problem line: FILE[SHEET]:ROW[:COLUMN]: message (the file as the command line was given it).
_WHERE = re.compile(r"^(\[[^\]]*\])?:(\d+)(?::(.+?))?: \S")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(db: Path) -> State:
    """Every table's records as the export writes them, keyed by their id columns."""
    found: State = {}
    for name, content in exporter.files(db).items():
        table = IMPORTABLE[name.removesuffix(".csv")]
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
        header = rows[0]
        keys = [header.index(k) for k in table.key_columns]
        records = [dict(zip(header, r, strict=True)) for r in rows[1:]]
        for record in records:
            if record.get("doi"):  # one DOI in any case (the contract compares them so; PubMed writes both)
                record["doi"] = record["doi"].lower()
        found[table.name] = {tuple(r[header[k]] for k in keys): r for r in records}
    return found


def _diff(stored: dict | None, meant: dict | None) -> str:
    if stored is None:
        return "the valid file's record is missing"
    if meant is None:
        return f"stored {stored}, which the valid file does not hold"
    changed = {c: (stored[c], meant.get(c)) for c in stored if stored[c] != meant.get(c)}
    return "; ".join(f"{c}: stored {s!r}, meant {m!r}" for c, (s, m) in changed.items())


def first_difference(got: State, meant: State) -> str | None:
    """The first record that differs between two states, in words (None when they are equal)."""
    for table in meant:
        a, b = got.get(table, {}), meant[table]
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return f"{table} {'/'.join(key)}: {_diff(a.get(key), b.get(key))}"
    return None


def subset_difference(got: State, before: State, meant: State) -> str | None:
    """The first record a cut file stored or changed that is not the valid file's record of that key."""
    for table in meant:
        a, t, o = got.get(table, {}), before.get(table, {}), meant[table]
        for key in sorted(set(a) | set(t)):
            if key not in a:
                return f"{table} {'/'.join(key)}: removed"
            if a[key] != t.get(key) and a[key] != o.get(key):
                return f"{table} {'/'.join(key)}: {_diff(a[key], o.get(key))}"
    return None


@dataclass
class Outcome:
    """What one variant did, and whether that was right."""

    case: str
    index: int
    kind: str
    oracle: str
    note: str
    result: str  # refused | accepted | wrong | crash | unlocated | changed | leftover | skipped
    detail: str = ""
    code: int | None = None
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.result in ("refused", "accepted", "skipped")

    @property
    def id(self) -> str:
        if self.kind == "pinned":
            return f"{self.case} (pinned)"
        return f"{self.case}-{self.index}"  # as pytest names the test

    def __str__(self) -> str:
        return f"{self.id} [{self.kind}, {self.oracle}] {self.result}: {self.detail}\n    mutation: {self.note}"


class Bench:
    """A case's template database, what its valid files store, and the variants run against it."""

    def __init__(self, case: Case, work: Path) -> None:
        self.case = case
        self.work = work / case.name
        self.work.mkdir(parents=True, exist_ok=True)

    @cached_property
    def template(self) -> Path:
        folder = self.work / "template"
        db = folder / "store.duckdb"
        base = self.case.base or {"partners.csv": b"partner_id,name,sector\n"}  # an empty store: schema, no record
        paths = self._write(folder / "base", base)
        result = import_files(db, paths)
        assert result.ok, [str(p) for p in result.problems]
        return db

    @cached_property
    def before(self) -> State:
        return state(self.template)

    @cached_property
    def meant(self) -> State:
        """What the valid files store: the oracle of every variant."""
        db = self.work / "valid" / "store.duckdb"
        db.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.template, db)
        result = import_files(db, self._write(self.work / "valid" / "in", self.case.files))
        assert result.ok, [str(p) for p in result.problems]
        assert result.changes, f"{self.case.name}: the valid files store nothing, so no variant could be judged"
        return state(db)

    @staticmethod
    def _write(folder: Path, files: dict[str, bytes]) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in files.items():
            (folder / name).write_bytes(data)
            paths.append(folder / name)
        return paths

    @cached_property
    def _source(self) -> object:
        return sheets_of(self.case) if self.case.shape.format == "xlsx" else self.case.data

    def variant(self, index: int) -> mutations.Mutated | None:
        """The variant of this number: the same bytes on every run (random.Random seeded with the case and number)."""
        table = MUTATIONS[self.case.shape.format]
        kinds = list(table)
        rng = random.Random(f"{self.case.name}:{index}")
        first = (index + zlib.crc32(self.case.name.encode())) % len(kinds)  # cases start on different kinds
        for step in range(len(kinds)):
            mutated = table[kinds[(first + step) % len(kinds)]](self._source, self.case.shape, rng)
            if mutated is not None and mutated.data != self.case.data:
                return mutated
        return None

    def files_of(self, folder: Path, mutated: mutations.Mutated) -> list[Path]:
        return self._write(folder, {**self.case.files, self.case.target: mutated.data})

    def run(self, index: int) -> Outcome:
        mutated = self.variant(index)
        if mutated is None:
            return Outcome(self.case.name, index, "-", "-", "no mutation applies", "skipped")
        return self.run_mutated(index, mutated, f"v{index:03d}")

    def run_mutated(self, index: int, mutated: mutations.Mutated, name: str) -> Outcome:
        """Imports one mutated file (with the case's other files) into a copy of the template, and judges it."""
        folder = self.work / name
        shutil.rmtree(folder, ignore_errors=True)
        db = folder / "db" / "store.duckdb"
        db.parent.mkdir(parents=True)
        shutil.copyfile(self.template, db)
        paths = self.files_of(folder / "in", mutated)
        try:
            return self._judge(index, mutated, db, paths)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _judge(self, index: int, mutated: mutations.Mutated, db: Path, paths: list[Path]) -> Outcome:
        outcome = Outcome(self.case.name, index, mutated.kind, mutated.oracle, mutated.note, "")
        before, listing = sha(db), sorted(p.name for p in db.parent.iterdir())
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(["import", "--db", str(db), *(str(p) for p in paths)])
        except (Exception, SystemExit):
            code = None
            err.write(traceback.format_exc())
        outcome.code, outcome.stderr = code, err.getvalue()
        if code not in (0, 2) or "Traceback" in outcome.stderr:
            outcome.result, outcome.detail = "crash", f"exit {code}: {outcome.stderr.strip()[-600:]}"
            return outcome
        if code == 2:
            if sha(db) != before:
                outcome.result, outcome.detail = "changed", "refused, but the database file changed"
            elif sorted(p.name for p in db.parent.iterdir()) != listing:
                left = sorted(set(p.name for p in db.parent.iterdir()) - set(listing))
                outcome.result, outcome.detail = "leftover", f"refused, but left files behind: {left}"
            elif why := unlocated(outcome.stderr, [str(p) for p in paths]):
                outcome.result, outcome.detail = "unlocated", why
            else:
                outcome.result = "refused"
                outcome.detail = outcome.stderr.splitlines()[0] if outcome.stderr else ""
            return outcome
        got = state(db)
        if mutated.oracle == "refuse":
            diff = first_difference(got, self.meant)
            why = diff or "stored exactly what the valid file stores"
            outcome.result, outcome.detail = "wrong", f"accepted what must be refused; {why}"
        elif mutated.oracle == "subset":
            diff = subset_difference(got, self.before, self.meant)
            outcome.result, outcome.detail = ("wrong", diff) if diff else ("accepted", "")
        else:
            diff = first_difference(got, self.meant)
            outcome.result, outcome.detail = ("wrong", diff) if diff else ("accepted", "")
        return outcome

    def run_command(self, index: int) -> tuple[int, str]:
        """The variant through a real `cli.py import` process: its exit status and standard error."""
        mutated = self.variant(index)
        folder = self.work / f"p{index:03d}"
        shutil.rmtree(folder, ignore_errors=True)
        db = folder / "db" / "store.duckdb"
        db.parent.mkdir(parents=True)
        shutil.copyfile(self.template, db)
        paths = self.files_of(folder / "in", mutated)
        try:
            done = subprocess.run(
                [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db), *map(str, paths)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=120,
            )
            return done.returncode, done.stderr
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def unlocated(stderr: str, labels: list[str]) -> str | None:
    """Why the refusal's lines are not each FILE:ROW[:COLUMN]: message, readable (None when they are)."""
    lines = stderr.splitlines()
    if not lines:
        return "refused without a message"
    for line in lines:
        label = next((f for f in sorted(labels, key=len, reverse=True) if line.startswith(f)), None)
        if label is None or not (m := _WHERE.match(line[len(label) :])) or int(m.group(2)) < 1:
            return f"not located: {line[:300]!r}"
        if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF for ch in line):
            return f"a raw control character or undecodable byte in: {line[:300]!r}"
    return None
