"""The store: schema from the contract, writes in place or on a copy, and an import while another process reads."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from contract import ENUMS, TABLES
from store import database
from tests.conftest import ROOT

PARTNERS = "partner_id,name,sector\n" + "".join(f"P{i},Partner {i},other\n" for i in range(1, 4))


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO partners (partner_id, name, sector) VALUES ('P1', 'Again', 'pharma')",
        "INSERT INTO partners (partner_id, name, sector) VALUES ('P2', 'B', 'bank')",
        "INSERT INTO partners (partner_id, name) VALUES ('P3', 'No sector')",
        "INSERT INTO funding VALUES ('F1', DATE '2024-01-01', 'P1', 'inbound', -1, NULL, NULL, NULL, NULL)",
        "INSERT INTO engagements (engagement_id, date, type, attendees) "
        "VALUES ('E1', DATE '2024-01-01', 'webinar', -2)",
        "INSERT INTO milestones VALUES ('M1', 'G1', DATE '2024-01-01', 'approved', NULL)",
    ],
)
def test_the_schema_enforces_keys_enumerations_and_checks(statement):
    con = duckdb.connect(":memory:")
    database.create_schema(con)
    con.execute("INSERT INTO partners (partner_id, name, sector) VALUES ('P1', 'A', 'pharma')")
    with pytest.raises(duckdb.Error):
        con.execute(statement)
    assert set(ENUMS) <= {
        r[0] for r in con.execute("SELECT type_name FROM duckdb_types() WHERE NOT internal").fetchall()
    }


def test_every_contract_table_and_link_table_exists(tmp_path):
    with database.write(tmp_path / "db.duckdb"):
        pass
    with database.read(tmp_path / "db.duckdb") as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    expected = set(TABLES) | {link for t in TABLES.values() for link in t.link_tables.values()} | {"imports", "meta"}
    assert expected <= names


def test_a_failed_write_leaves_the_file_byte_for_byte_and_no_temporary_files(tmp_path):
    db = tmp_path / "db.duckdb"
    with database.write(db) as con:
        con.execute("INSERT INTO partners (partner_id, name, sector) VALUES ('P1', 'A', 'pharma')")
    before = db.read_bytes()
    with pytest.raises(RuntimeError), database.write(db) as con:
        con.execute("INSERT INTO partners (partner_id, name, sector) VALUES ('P2', 'B', 'pharma')")
        raise RuntimeError("stop")
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb"]


def test_a_missing_database_reads_as_an_empty_store(tmp_path):
    with database.read(tmp_path / "none.duckdb") as con:
        assert database.scalar(con, "SELECT count(*) FROM engagements") == 0
        assert database.last_import(con) is None
    assert not (tmp_path / "none.duckdb").exists()


def test_a_reader_in_this_process_sees_each_new_version(tmp_path):
    db = tmp_path / "db.duckdb"
    with database.write(db) as con:
        con.execute("INSERT INTO partners (partner_id, name, sector) VALUES ('P1', 'A', 'pharma')")
    with database.read(db) as old:
        first = database.version(db)
        with database.write(db) as con:
            con.execute("INSERT INTO partners (partner_id, name, sector) VALUES ('P2', 'B', 'pharma')")
        assert database.scalar(old, "SELECT count(*) FROM partners") == 1  # an open reader keeps its snapshot
        with database.read(db) as new:  # while the old one is still open
            assert database.scalar(new, "SELECT count(*) FROM partners") == 2
    assert database.version(db) != first


READER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, {root!r})
    from store import database
    seen, errors, start = [], [], time.monotonic()
    print("ready", flush=True)
    while time.monotonic() - start < 20:
        try:
            with database.read({db!r}) as con:
                n = database.scalar(con, "SELECT count(*) FROM partners")
                time.sleep(0.01)  # hold the read connection while the import runs
        except Exception as exc:
            errors.append(repr(exc))
            continue
        if not seen or seen[-1] != n:
            seen.append(n)
        if n == 3:
            break
    print(json.dumps({{"seen": seen, "errors": errors}}))
    """
)


def test_cli_import_succeeds_while_another_process_reads(tmp_path):
    db = tmp_path / "db.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    (first / "partners.csv").write_text("partner_id,name,sector\nP1,Partner 1,other\n")
    run = [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db)]
    assert subprocess.run([*run, str(first / "partners.csv")], capture_output=True).returncode == 0

    reader = subprocess.Popen(
        [sys.executable, "-c", READER.format(root=str(ROOT), db=str(db))], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        (tmp_path / "partners.csv").write_text(PARTNERS)
        imported = subprocess.run([*run, str(tmp_path / "partners.csv")], capture_output=True, text=True, timeout=60)
        assert imported.returncode == 0, imported.stderr
        assert imported.stdout.splitlines() == [
            "partners: 2 new, 0 updated, 1 unchanged",
            "write 2 in the history (cli.py restore --to 1 undoes it)",
        ]
        report = json.loads(reader.communicate(timeout=60)[0].strip().splitlines()[-1])
    finally:
        reader.kill()
    assert report["errors"] == []
    assert report["seen"] == [1, 3]


def test_two_imports_at_once_both_land(tmp_path):
    db = tmp_path / "db.duckdb"
    procs = []
    for i in range(2):
        folder = tmp_path / f"batch{i}"
        folder.mkdir()
        rows = "".join(f"B{i}P{j},Partner {j},other\n" for j in range(50))
        (folder / "partners.csv").write_text("partner_id,name,sector\n" + rows)
        procs.append(
            subprocess.Popen(
                [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db), str(folder / "partners.csv")],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    with database.read(db) as con:
        assert database.scalar(con, "SELECT count(*) FROM partners") == 100
        assert database.scalar(con, "SELECT count(*) FROM imports") == 2


def test_scalar_fetches_whole_results_so_the_connection_stays_usable(tmp_path):
    with database.read(tmp_path / "none.duckdb") as con:
        assert database.scalar(con, "SELECT * FROM range(5)") == 0
        assert database.scalar(con, "SELECT 42") == 42


def test_the_store_module_is_the_only_one_that_connects():
    # The benchmark's reference is a bare DuckDB process (bench/run.py), which connects on its own on purpose.
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts
        and "tests" not in p.parts
        and "bench" not in p.parts
        and p.name != "database.py"
        and "duckdb.connect(" in p.read_text()
    ]
    assert offenders == []


def test_nothing_connects_at_import_time():
    code = (
        f"import sys, duckdb; sys.path.insert(0, {str(ROOT)!r})\n"
        "calls = []\nreal = duckdb.connect\nduckdb.connect = lambda *a, **k: calls.append(a) or real(*a, **k)\n"
        "import cli, settings, metrics, store.database, store.importer, ui.data\nprint(len(calls))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "0", out.stderr


def test_writes_need_no_lock_file_left_behind(tmp_path):
    db = tmp_path / "db.duckdb"
    with database.write(db):
        pass
    assert [p.name for p in Path(tmp_path).iterdir()] == ["db.duckdb"]


def _partner(con: duckdb.DuckDBPyConnection, key: str) -> None:
    con.execute("INSERT INTO partners (partner_id, name, sector) VALUES (?, ?, 'pharma')", [key, f"Partner {key}"])


def _partners(db: Path) -> list[str]:
    with database.read(db) as con:
        return [r[0] for r in con.execute("SELECT partner_id FROM partners ORDER BY 1").fetchall()]


def test_a_small_write_is_made_in_the_live_file_and_a_large_one_on_a_copy(tmp_path):
    db = tmp_path / "db.duckdb"
    with database.write(db) as con:  # a new file: on a copy that starts empty
        _partner(con, "P1")
    inode = db.stat().st_ino
    with database.write(db, rows=1) as con:
        _partner(con, "P2")
    assert db.stat().st_ino == inode  # the same file, changed in place: no copy, no snapshot
    assert not database.snapshots(db)
    with database.write(db, rows=database.IN_PLACE_ROWS + 1) as con:
        _partner(con, "P3")
    assert db.stat().st_ino != inode  # a new file swapped in; the old one kept as a snapshot
    assert len(database.snapshots(db)) == 1
    assert _partners(db) == ["P1", "P2", "P3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb", "db.duckdb.snapshots"]


def test_a_failed_small_write_leaves_the_file_byte_for_byte(tmp_path):
    db = tmp_path / "db.duckdb"
    with database.write(db) as con:
        _partner(con, "P1")
    before = db.read_bytes()
    with pytest.raises(RuntimeError), database.write(db, rows=1) as con:
        _partner(con, "P2")
        raise RuntimeError("stop")
    with pytest.raises(duckdb.ConstraintException), database.write(db, rows=1) as con:
        _partner(con, "P3")
        _partner(con, "P1")  # a second P1: the statement fails, and the whole write with it
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb"]
    assert _partners(db) == ["P1"]


def test_a_small_write_waits_for_this_processs_readers_and_they_for_it(tmp_path):
    db = tmp_path / "db.duckdb"
    with database.write(db) as con:
        _partner(con, "P1")
    inode = db.stat().st_ino
    reading, release, seen = threading.Event(), threading.Event(), []

    def reader() -> None:
        with database.read(db) as con:
            reading.set()
            release.wait(10)
            seen.append(database.scalar(con, "SELECT count(*) FROM partners"))

    first = threading.Thread(target=reader)
    first.start()
    reading.wait(10)
    # The writer waits for the reader; a reader that comes meanwhile waits for the writer (writers go first).
    done = []

    def write() -> None:
        with database.write(db, rows=1) as con:
            _partner(con, "P2")
        done.append(True)

    writer = threading.Thread(target=write)
    writer.start()
    deadline = time.monotonic() + 10
    while not database._gate(db.resolve())._waiting and time.monotonic() < deadline:
        time.sleep(0.01)
    reading.clear()
    second = threading.Thread(target=reader)
    second.start()
    time.sleep(0.2)
    assert not done and not reading.is_set()  # the writer waits for the first reader, the second for the writer
    release.set()
    for t in (first, writer, second):
        t.join(10)
    assert done and seen == [1, 2]
    assert db.stat().st_ino == inode  # made in place: the reader let go within OPEN_WAIT


def test_a_small_write_is_made_on_a_copy_while_a_reader_keeps_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "OPEN_WAIT", 0.2)
    db = tmp_path / "db.duckdb"
    with database.write(db) as con:
        _partner(con, "P1")
    with database.read(db) as old:  # held through the write, in this very thread
        with database.write(db, rows=1) as con:
            _partner(con, "P2")
        assert database.scalar(old, "SELECT count(*) FROM partners") == 1
    assert _partners(db) == ["P1", "P2"]
    assert len(database.snapshots(db)) == 1


def test_reading_inside_a_small_write_is_refused_not_a_deadlock(tmp_path):
    db = tmp_path / "db.duckdb"
    with database.write(db) as con:
        _partner(con, "P1")
    with pytest.raises(RuntimeError, match="inside its own write"), database.write(db, rows=1):
        with database.read(db):
            pass
    assert _partners(db) == ["P1"]
