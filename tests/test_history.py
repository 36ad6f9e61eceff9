"""History, undo, export and backups: every write is recorded and can be undone; nothing is ever lost."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from metrics import Period, compute
from store import database, exporter, history, notes, targets
from store.importer import import_files, preview
from store.partners import edit_partner
from tests.conftest import ROOT, SAMPLE_FILES

YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))
PARTNERS = "partner_id,name,sector,confidential\nP1,Acme Pharma,pharma,false\nP2,Cedar Devices,medtech,true\n"
ENGAGEMENTS = "engagement_id,date,type,partner_ids,patient_participants\nE1,2024-03-01,webinar,P1;P2,12\n"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=ROOT)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_files(folder: Path, **contents: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in contents.items():
        path = folder / f"{name}.csv"
        path.write_text(text)
        paths.append(path)
    return paths


def state(db: Path) -> dict[str, bytes]:
    """Everything a person keeps in the database, as the export writes it."""
    return exporter.files(db)


@pytest.fixture
def kept(tmp_path) -> Path:
    """A database after three writes: partners and an engagement (1), an update (2), a note (3)."""
    db = tmp_path / "kept.duckdb"
    assert import_files(db, write_files(tmp_path / "a", partners=PARTNERS, engagements=ENGAGEMENTS)).ok
    update = PARTNERS.replace("P2,Cedar Devices,medtech,true", "P2,Cedar Devices,medtech,false")
    assert import_files(db, write_files(tmp_path / "b", partners=update + "P3,Birch University,academic,\n")).ok
    notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "A good year for webinars.", by="ada@lumen.org")
    return db


def test_every_write_is_one_entry_newest_first_and_an_update_keeps_the_old_values(kept):
    done = cli("history", "--db", str(kept), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["writes"]
    assert [(w["id"], w["what"], w["by"]) for w in found] == [
        (3, "note", "ada@lumen.org"),
        (2, "import", None),
        (1, "import", None),
    ]
    assert set(found[0]) == {"id", "at", "by", "what", "files", "counts", "summary"}
    assert found[1]["files"][0].endswith("b/partners.csv")
    # Write 2: P2 updated (no longer confidential), P3 new, P1 unchanged.
    assert found[1]["counts"] == {"partners": {"new": 1, "updated": 1, "unchanged": 1}}
    (update,) = [c for c in history.changes(kept, 2) if c.kind == "updated"]
    assert (update.table, update.key, update.fields) == ("partners", "P2", {"confidential": (True, False)})
    assert update.before["name"] == "Cedar Devices"


def test_the_cli_says_what_an_update_changed(tmp_path):
    db = tmp_path / "db.duckdb"
    assert import_files(db, write_files(tmp_path / "a", partners=PARTNERS)).ok
    flipped = write_files(tmp_path / "b", partners=PARTNERS.replace("medtech,true", "medtech,false"))
    done = cli("import", "--db", str(db), str(flipped[0]))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "partners: 0 new, 1 updated, 1 unchanged",
        "  partners P2: confidential true -> false",
        "write 2 in the history (cli.py restore --to 1 undoes it)",
    ]


def test_restore_puts_every_record_back_and_is_itself_undoable(kept, tmp_path):
    after_first = tmp_path / "after-first.duckdb"
    shutil.copy(kept, after_first)
    assert history.restore(after_first, 1).id == 4  # a copy to compare with, put back by the same code
    third = state(kept)

    done = cli("restore", "--db", str(kept), "--to", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("write 4: put back to just after write 1")
    back = state(kept)
    # Just after write 1: two partners, P2 confidential, one engagement; no P3, no note.
    assert back["partners.csv"].decode() == (
        "partner_id,name,sector,country,confidential\nP1,Acme Pharma,pharma,,false\nP2,Cedar Devices,medtech,,true\n"
    )
    assert back["notes.csv"].decode().count("\n") == 1  # the header alone
    assert back["engagements.csv"] == third["engagements.csv"]

    # The restore is write 4; putting the data back to write 3 undoes it.
    assert cli("restore", "--db", str(kept), "--to", "3").returncode == 0
    assert state(kept) == third
    assert [w.what for w in history.writes(kept)] == ["restore", "restore", "note", "import", "import"]


@pytest.mark.parametrize(
    ("to", "says"),
    [
        ("9", "there is no write 9 in the history (its writes are 1 to 3)"),
        ("3", "write 3 is the latest: the data is already as it was just after it"),
    ],
)
def test_a_restore_that_cannot_be_done_exits_2_and_changes_nothing(kept, to, says):
    before = digest(kept)
    done = cli("restore", "--db", str(kept), "--to", to)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr
    assert digest(kept) == before


def test_a_large_sample_is_one_write_without_its_rows_and_later_writes_undo_over_it(tmp_path):
    from samples.scaled import build_scaled

    db = tmp_path / "large.duckdb"
    build_scaled(db, "large", engagements=1500)
    (built,) = history.writes(db)
    assert (built.id, built.what, built.journaled, built.counts["engagements"]) == (1, "sample", False, {"new": 1500})
    assert history.changes(db, 1) == [  # the foundation.toml targets it was given, not its 1,500 engagements
        c for c in history.changes(db, 1) if c.table == "targets"
    ]
    notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "First note.")
    notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Second note.")
    assert history.restore(db, 2).summary == "put back to just after write 2; notes: 1 removed"
    assert history.restore(db, 1).summary == "put back to just after write 1; notes: 1 removed"
    with database.read(db) as con:
        assert con.execute("SELECT count(*) FROM engagements").fetchone()[0] == 1500
        assert notes.notes_for(con, None, YEAR) == []


def test_export_then_import_into_an_empty_database_gives_the_same_data(sample_db, tmp_path):
    db = tmp_path / "own.duckdb"
    shutil.copy(sample_db, db)
    notes.add_note(db, "funding_inbound_total", YEAR.start, YEAR.end, "=SUM(A1) is how the board said it", True)
    notes.add_annotation(db, date(2024, 5, 14), "Approval of ondinimab", "approval", public=True)
    targets.set_target(db, 2026, "engagement_count", 300)
    assert edit_partner(db, "PTR-003", confidential=True).ok

    done = cli("export", "--db", str(db), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    written = sorted(Path(line).name for line in done.stdout.splitlines())
    assert written == sorted(
        [f"{t}.csv" for t in ("partners", "partnerships", "programs", "engagements", "funding", "publications")]
        + ["milestones.csv", "notes.csv", "events.csv", "targets.csv"]
    )
    # A text cell that starts like a formula goes out with an apostrophe.
    assert "'=SUM(A1) is how the board said it" in (tmp_path / "out" / "notes.csv").read_text()

    copy = tmp_path / "copy.duckdb"
    imported = cli("import", "--db", str(copy), *sorted(str(p) for p in (tmp_path / "out").iterdir()))
    assert imported.returncode == 0, imported.stderr
    assert state(copy) == state(db)
    with database.read(db) as a, database.read(copy) as b:
        # Exactly the same, to the last digit (the HHI is summed in exact decimals: a parallel sum of floats
        # differed in its 16th digit from one run to the next).
        assert compute(b, YEAR.start, YEAR.end) == compute(a, YEAR.start, YEAR.end)
        assert targets.load(b) == targets.load(a)
        assert [(n.metric_id, n.text, n.public) for n in notes.notes_for(b, None, YEAR)] == [
            ("funding_inbound_total", "=SUM(A1) is how the board said it", True)
        ]


def test_every_write_on_a_copy_keeps_a_snapshot_and_only_the_newest_n(tmp_path, monkeypatch):
    config = tmp_path / "foundation.toml"
    config.write_text("[data]\nsnapshots = 2\n")
    monkeypatch.setenv("PARTNERSHIP_CONFIG", str(config))
    monkeypatch.setattr(database, "IN_PLACE_ROWS", 0)  # every write on a copy, as a large import is
    import settings

    settings.load.cache_clear()
    try:
        db = tmp_path / "db.duckdb"
        assert import_files(db, write_files(tmp_path / "a", partners=PARTNERS)).ok
        assert database.snapshots(db) == []  # nothing to keep before the first write
        first = digest(db)
        notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "One.")
        (only,) = database.snapshots(db)
        assert digest(only) == first  # the file as it was before the note
        notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Two.")
        notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Three.")
        assert len(database.snapshots(db)) == 2
        with duckdb.connect(str(database.snapshots(db)[-1]), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM notes").fetchone()[0] == 2  # before "Three."
    finally:
        settings.load.cache_clear()


def test_a_write_keeps_the_files_mode_and_clears_what_a_killed_write_left(tmp_path):
    db = tmp_path / "db.duckdb"
    assert import_files(db, write_files(tmp_path / "a", partners=PARTNERS)).ok
    os.chmod(db, 0o600)
    leftover = tmp_path / "db.duckdb.tmp-0123456789abcdef"
    leftover.write_bytes(b"half a database")
    (tmp_path / "db.duckdb.tmp-0123456789abcdef.wal").write_bytes(b"")
    notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "After a crash.")  # in place
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("db.duckdb")) == ["db.duckdb"]
    leftover.write_bytes(b"half a database")
    assert import_files(db, write_files(tmp_path / "b", partners=PARTNERS), fresh=True).ok  # on a copy
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("db.duckdb")) == [
        "db.duckdb",
        "db.duckdb.snapshots",
    ]


def test_sample_never_replaces_a_database_with_other_records(tmp_path):
    db = tmp_path / "ours.duckdb"
    assert import_files(db, write_files(tmp_path / "a", partners=PARTNERS)).ok
    before = digest(db)
    done = cli("sample", "--db", str(db))
    assert done.returncode == 2
    assert "holds records that are not the sample" in done.stderr
    assert "--db data/sample.duckdb" in done.stderr
    assert digest(db) == before


def test_sample_may_rebuild_a_sample_but_not_once_it_holds_a_note(tmp_path):
    db = tmp_path / "sample.duckdb"
    assert cli("sample", "--db", str(db)).returncode == 0
    assert cli("sample", "--db", str(db)).returncode == 0  # a sample over a sample
    assert [w.what for w in history.writes(db)] == ["sample"]  # a fresh build: its own history
    notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Our own words now.")
    assert cli("sample", "--db", str(db)).returncode == 2


def test_targets_start_from_foundation_toml_and_are_edited_in_the_database(tmp_path):
    import settings

    db = tmp_path / "db.duckdb"
    assert import_files(db, write_files(tmp_path / "a", partners=PARTNERS)).ok
    toml = settings.load().targets
    with database.read(db) as con:
        assert targets.load(con) == toml
    # Write 2: the 2025 engagement target from 250 to 275; write 3: the 2024 one removed.
    assert targets.set_target(db, 2025, "engagement_count", 275) == 2
    assert targets.set_target(db, 2024, "engagement_count", None) == 3
    assert targets.set_target(db, 2025, "engagement_count", 275) is None  # no change, no write
    with database.read(db) as con:
        found = targets.load(con)
    assert found[2025]["engagement_count"] == 275
    assert "engagement_count" not in found[2024]
    (change,) = history.changes(db, 2)
    assert change.fields == {"target": (250.0, 275.0)}


@pytest.mark.parametrize(
    ("metric_id", "value", "says"),
    [
        ("publication_open_access_share", 90, "a share is a fraction from 0 to 1 (write 0.9 for 90%), not 90"),
        ("engagement_count", -5, "a target cannot be negative, not -5"),
        ("no_such_metric", 5, "There is no metric 'no_such_metric'"),
    ],
)
def test_a_wrong_target_is_refused_with_a_sentence(tmp_path, metric_id, value, says):
    db = tmp_path / "db.duckdb"
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        targets.set_target(db, 2025, metric_id, value)
    assert not db.exists()


def test_a_note_can_be_edited_but_not_kept_twice(tmp_path):
    db = tmp_path / "db.duckdb"
    first = notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Webinars doubled.")
    with pytest.raises(ValueError, match="already kept"):
        notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "  webinars doubled. ")
    second = notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Retreats too.")
    with pytest.raises(ValueError, match="already kept"):
        notes.edit_note(db, second, "Webinars doubled.", public=False)
    notes.edit_note(db, first, "Webinars doubled, after the spring campaign.", public=True, by="ada@lumen.org")
    with database.read(db) as con:
        found = {n.note_id: (n.text, n.public) for n in notes.notes_for(con, None, YEAR)}
    assert found == {first: ("Webinars doubled, after the spring campaign.", True), second: ("Retreats too.", False)}
    latest = history.writes(db)[0]
    assert (latest.what, latest.by) == ("note", "ada@lumen.org")
    (change,) = history.changes(db, latest.id)
    assert change.fields == {
        "text": ("Webinars doubled.", "Webinars doubled, after the spring campaign."),
        "public": (False, True),
    }


def test_a_partner_edit_is_checked_and_kept_like_an_import(kept):
    wrong = edit_partner(kept, "P1", sector="pharmacy")
    assert [(p.row, p.column) for p in wrong.problems] == [(1, "sector")]
    assert "did you mean 'pharma'" in wrong.problems[0].message.lower()
    assert not edit_partner(kept, "P9", confidential=True).ok
    same = edit_partner(kept, "P1", sector="pharma")
    assert same.ok and same.write_id is None  # nothing changed, nothing written
    done = edit_partner(kept, "P1", sector="biotech", confidential=True, by="ada@lumen.org")
    assert done.ok and done.write_id == 4
    (change,) = history.changes(kept, 4)
    assert change.fields == {"sector": ("pharma", "biotech"), "confidential": (False, True)}


def test_a_preview_shows_what_would_change_and_writes_nothing(kept, tmp_path):
    before = digest(kept)
    files = write_files(
        tmp_path / "c",
        partners="partner_id,name,sector\nP1,Acme Pharma Inc,pharma\nP4,Dover Biotech,biotech\n",
        engagements="engagement_id,date,type,partner_ids\nE2,2024-04-01,webinar,P9\n",
    )
    refused = preview(kept, files)
    assert [str(p).split("/")[-1] for p in refused.problems] == [
        "engagements.csv:2:partner_ids: 'P9' is not a known partner: add it to partners "
        "(in this import or an earlier one) or correct the id"
    ]
    files[1].write_text("engagement_id,date,type,partner_ids\nE2,2024-04-01,webinar,P4\n")
    shown = preview(kept, files, labels=["partners.csv", "engagements.csv"])
    assert shown.ok and shown.write_id is None
    assert {t: str(c) for t, c in shown.counts.items()} == {
        "partners": "1 new, 1 updated, 0 unchanged",
        "engagements": "1 new, 0 updated, 0 unchanged",
    }
    assert [(c.table, c.key, c.kind) for c in shown.changes] == [
        ("partners", "P1", "updated"),
        ("partners", "P4", "new"),
        ("engagements", "E2", "new"),
    ]
    assert shown.changes[0].fields == {"name": ("Acme Pharma", "Acme Pharma Inc")}
    assert digest(kept) == before


def test_a_database_from_before_the_history_keeps_its_events_and_gains_a_history(tmp_path):
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE annotations (annotation_id VARCHAR PRIMARY KEY, date DATE NOT NULL, label VARCHAR NOT NULL, "
            "kind VARCHAR NOT NULL CHECK (kind IN ('approval', 'partner', 'event', 'other')), "
            "public BOOLEAN NOT NULL DEFAULT FALSE, created_at TIMESTAMPTZ NOT NULL)"
        )
        con.execute("INSERT INTO annotations VALUES ('a1', '2024-05-14', 'Approval', 'approval', true, now())")
    with database.read(db) as con:
        assert [e.label for e in notes.annotations_in(con, YEAR.start, YEAR.end)] == ["Approval"]
    assert history.writes(db) == []
    notes.add_annotation(db, date(2024, 6, 1), "Retreat", "event")
    with database.read(db) as con:
        assert [e.label for e in notes.annotations_in(con, YEAR.start, YEAR.end)] == ["Approval", "Retreat"]
    assert [w.what for w in history.writes(db)] == ["event"]


def test_a_small_import_into_the_sample_is_undone_by_a_restore(tmp_path):
    db = tmp_path / "db.duckdb"
    assert import_files(db, SAMPLE_FILES).ok
    before = state(db)
    more = write_files(
        tmp_path / "m", engagements="engagement_id,date,type,partner_ids\nENG-X1,2025-02-01,webinar,PTR-001\n"
    )
    assert import_files(db, more).write_id == 2
    assert history.restore(db, 1).id == 3
    assert state(db) == before


def test_a_deleted_note_comes_back_and_a_note_added_after_goes(tmp_path):
    db = tmp_path / "db.duckdb"
    kept_note = notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Kept.")  # write 1
    assert notes.delete_note(db, kept_note)  # write 2
    notes.add_note(db, "engagement_count", YEAR.start, YEAR.end, "Later.")  # write 3
    assert not notes.delete_note(db, "no-such-note")  # nothing to delete: no write
    history.restore(db, 1)  # write 4: "Kept." back (its record before write 2), "Later." gone (none before 3)
    with database.read(db) as con:
        assert [(n.note_id, n.text) for n in notes.notes_for(con, None, YEAR)] == [(kept_note, "Kept.")]
    assert history.writes(db, limit=1)[0].counts == {"notes": {"removed": 1, "restored": 1}}
