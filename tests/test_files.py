"""Permissions: every file the store writes beside a database is no more open than the database from the moment it
exists, watched while real writes run and after they are killed."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from store import database, exporter, files, notes
from store.importer import import_files
from store.sources import custom
from tests.conftest import ROOT, write_files

PARTNERS = "partner_id,name,sector\nP1,Acme Pharma,pharma\nP2,Cedar Devices,medtech\n"
BIG = 30_000  # partners in one import: far more than IN_PLACE_ROWS, so the write is made on a copy


def partners(folder: Path, text: str = PARTNERS) -> list[Path]:
    return write_files(folder, **{"partners.csv": text})


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def tree(folder: Path) -> dict[Path, int]:
    """Every file and folder under folder (itself excluded), with its mode."""
    found = {}
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = Path(root, name)
            try:
                found[path] = os.lstat(path).st_mode
            except FileNotFoundError:
                continue  # removed while the folder was read
    return found


def too_open(found: dict[Path, int], file_mode: int, folder_mode: int) -> dict[str, str]:
    """The paths whose mode grants anything their database's does not."""
    return {
        str(p): oct(stat.S_IMODE(m))
        for p, m in found.items()
        if stat.S_IMODE(m) & ~(folder_mode if stat.S_ISDIR(m) else file_mode)
    }


class Watcher:
    """Reads every mode under a folder as often as it can, in a thread, until stopped."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: dict[Path, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for path, m in tree(self.folder).items():
                self.seen.setdefault(path, 0)
                self.seen[path] |= m  # the union of every mode the path had: any widening stays visible
            time.sleep(0.001)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def big_partners(folder: Path, run: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "partners.csv"
    rows = "".join(f"B{i},Partner {i} of run {run},other\n" for i in range(BIG))
    path.write_text("partner_id,name,sector\n" + rows)
    return path


def names_of_run(db: Path) -> tuple[set[str], int]:
    """Which runs' names the big partners hold: one run's, or none (never a mix: no partial write)."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute("SELECT name FROM partners WHERE partner_id LIKE 'B%'").fetchall()
    return {n.rsplit(" ", 1)[-1] for (n,) in names}, len(names)


@pytest.fixture
def private_db(tmp_path) -> Path:
    """A database only its owner may read, in a folder of its own."""
    db = tmp_path / "store" / "db.duckdb"
    assert import_files(db, partners(tmp_path / "in")).ok
    os.chmod(db, 0o600)
    return db


def test_a_new_database_and_its_new_folder_are_made_for_their_owner_alone(tmp_path):
    db = tmp_path / "new" / "deeper" / "db.duckdb"
    assert import_files(db, partners(tmp_path / "in")).ok
    assert mode(db) == files.NEW_DATABASE_MODE == 0o600
    assert mode(db.parent) == mode(db.parent.parent) == 0o700
    assert too_open(tree(tmp_path / "new"), 0o600, 0o700) == {}


# The copy lives about a second on an idle machine, its log a tenth of one (made at the commit): killed as each
# appears, at moments while the copy is written, and not at all.
@pytest.mark.parametrize("moment", ["copy made", "log made", 0.3, 0.6, 0.9, "end"])
def test_a_large_write_killed_at_any_moment_leaves_nothing_more_open_than_the_database(private_db, tmp_path, moment):
    folder = private_db.parent
    before = names_of_run(private_db)
    source = big_partners(tmp_path / "big", run=1)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with Watcher(folder) as watcher:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(private_db), str(source)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            umask=0o022,  # a usual umask: files made without care would be world-readable
        )
        started = None
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            made = [p.name for p in folder.iterdir()]
            copies = [n for n in made if ".tmp-" in n and not n.endswith(".wal")]
            logs = [n for n in made if ".tmp-" in n and n.endswith(".wal")]
            if copies and started is None:
                started = time.monotonic()
            if (
                (moment == "copy made" and copies)
                or (moment == "log made" and logs)
                or (isinstance(moment, float) and started is not None and time.monotonic() - started >= moment)
            ):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        proc.wait(timeout=120)
    assert too_open(watcher.seen, 0o600, 0o700) == {}
    assert too_open(tree(folder), 0o600, 0o700) == {}
    assert any(".tmp-" in p.name for p in watcher.seen), "the watcher never saw the write's copy"
    if moment == "end":
        assert proc.returncode == 0
        assert names_of_run(private_db) == ({"1"}, BIG)
    else:
        # Killed (at a late moment on a fast machine the write may have landed first: then whole).
        assert proc.returncode == -signal.SIGKILL or (moment != "copy made" and proc.returncode == 0)
        assert names_of_run(private_db) in (before, ({"1"}, BIG))  # the old database or the new, whole
    assert mode(private_db) == 0o600
    notes.add_note(private_db, "engagement_count", date(2024, 1, 1), date(2024, 12, 31), "Next.")
    assert not [p for p in folder.iterdir() if ".tmp-" in p.name]  # the next write clears what the kill left


def test_a_small_write_makes_its_write_ahead_log_with_the_databases_mode(private_db):
    wal = private_db.with_name(private_db.name + ".wal")
    os.umask(umask := os.umask(0o022))
    try:
        with database.write(private_db, rows=1) as con:
            con.execute("INSERT INTO meta VALUES ('probe', 'small')")
            # Committed and not yet checkpointed: DuckDB has made the log (it removes any made for it beforehand).
            con.execute("COMMIT")
            assert wal.exists()
            assert mode(wal) == 0o600
            con.execute("BEGIN TRANSACTION")
        assert not wal.exists()
        assert files._current_umask() == 0o022  # the process's umask is given back
    finally:
        os.umask(umask)


def test_a_write_of_a_database_shared_with_a_group_makes_its_files_group_readable_and_no_more(tmp_path):
    db = tmp_path / "store" / "db.duckdb"
    assert import_files(db, partners(tmp_path / "in")).ok
    os.chmod(db, 0o640)
    os.umask(umask := os.umask(0o022))
    try:
        with Watcher(db.parent) as watcher:
            assert import_files(db, partners(tmp_path / "again", PARTNERS + "P3,Birch,academic\n")).ok
            assert import_files(db, [big_partners(tmp_path / "big", run=2)]).ok  # on a copy, with a snapshot
    finally:
        os.umask(umask)
    assert mode(db) == 0o640
    (snapshot,) = database.snapshots(db)[-1:]
    assert mode(snapshot) == 0o640
    assert mode(snapshot.parent) == 0o750
    assert too_open(watcher.seen, 0o640, 0o750) == {}


def test_an_export_and_a_saved_mapping_have_the_databases_mode(private_db, tmp_path):
    out = tmp_path / "exports" / "today"
    written = exporter.export(private_db, out)
    assert written and {mode(p) for p in written} == {0o600}
    assert mode(out) == mode(out.parent) == 0o700
    saved = custom.save(
        private_db, custom.Custom("our-crm", "partners", {"Id": "partner_id", "Name": "name", "Kind": "sector"})
    )
    assert mode(saved) == 0o600
    assert mode(saved.parent) == 0o700
    assert too_open(tree(private_db.parent), 0o600, 0o700) == {}


def test_a_file_is_made_with_its_mode_before_its_first_byte_and_never_over_another(private_db, tmp_path):
    fd = files.create(tmp_path / "made", 0o640)
    try:
        assert mode(tmp_path / "made") == 0o640  # empty still: the mode comes first
    finally:
        os.close(fd)
    target = tmp_path / "copy.duckdb"
    files.copy(private_db, target, 0o600)  # a snapshot where hard links fail
    assert target.read_bytes() == private_db.read_bytes()
    assert mode(target) == 0o600
    with pytest.raises(FileExistsError):
        files.copy(private_db, target, 0o600)
    (tmp_path / "planted").symlink_to(tmp_path / "victim")
    with pytest.raises(FileExistsError):
        files.create(tmp_path / "planted", 0o600)  # never through a link
    assert not (tmp_path / "victim").exists()


def test_narrowings_from_several_threads_add_up_and_the_last_one_out_restores_the_umask(tmp_path):
    os.umask(umask := os.umask(0o022))
    try:
        entered, leave = threading.Barrier(3), threading.Event()

        def hold(m: int) -> None:
            with files.narrowed(m):
                entered.wait()
                leave.wait()

        threads = [threading.Thread(target=hold, args=(m,)) for m in (0o640, 0o600)]
        for t in threads:
            t.start()
        entered.wait()
        made = tmp_path / "made"
        made.write_text("made while both writes ran")
        assert mode(made) == 0o600  # no more open than either
        leave.set()
        for t in threads:
            t.join()
        assert files._current_umask() == 0o022
    finally:
        os.umask(umask)


def test_a_read_only_database_stays_read_only_and_its_files_open_to_no_one_else_meanwhile(private_db, tmp_path):
    os.chmod(private_db, 0o440)
    with Watcher(private_db.parent) as watcher:
        assert import_files(private_db, [big_partners(tmp_path / "big", run=3)]).ok  # on a copy
    assert mode(private_db) == 0o440
    # Its owner (the writer) may write the copy while it is made; the group reads no more than the database.
    assert too_open(watcher.seen, 0o640, 0o750) == {}


def test_a_folder_duckdb_spilled_into_before_a_kill_is_cleared_by_the_next_write(private_db):
    spilled = private_db.with_name(private_db.name + ".tmp-0123456789abcdef.tmp")  # DuckDB's <file>.tmp
    spilled.mkdir(mode=0o700)
    (spilled / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled work")
    notes.add_note(private_db, "engagement_count", date(2024, 1, 1), date(2024, 12, 31), "After a kill.")
    assert sorted(p.name for p in private_db.parent.iterdir()) == ["db.duckdb"]
