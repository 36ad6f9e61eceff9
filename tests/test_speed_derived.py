"""The derived data that keeps the metrics fast (issue 11): link rows carry their record's date (and an
engagement's type), partner_firsts holds each partner's first involvement. Both must equal a recomputation from the
records after every kind of write, an older database must be migrated to them, and keys stay unique without the
primary-key indexes the big tables no longer have."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import duckdb

from metrics import Filters, Period, compute_many
from samples import scaled
from store import database, history
from store.importer import import_files
from tests.conftest import ROOT, SAMPLE_FILES

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


def assert_derived_exact(db: Path) -> None:
    with database.read(db) as con:
        found = database.derived_now(con)
    for name in ("engagement_partners", "publication_partners", "partner_firsts", "partner_months", "engagement flags"):
        assert found[name] == found[f"{name} (recomputed)"], name
    assert found["partner_firsts"], "no partner has any involvement"


def write(folder: Path, **files: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
        out.append(folder / f"{name}.csv")
    return out


def test_derived_data_equals_a_recomputation_after_import_update_delete_and_restore(tmp_path):
    db = tmp_path / "db.duckdb"
    assert import_files(db, SAMPLE_FILES).ok
    assert_derived_exact(db)
    first = history.writes(db, limit=1)[0].id
    # A new partner whose first involvement is a publication, an engagement moved to another date and given other
    # partners, and a funding record moved years back (its partner's first involvement moves with it).
    # ... and a partner that moves to another sector (its engagements' sector flags follow).
    with database.read(db) as con:
        name, sector = con.execute("SELECT name, sector::VARCHAR FROM partners WHERE partner_id = 'PTR-001'").fetchone()
    assert sector != "regulator"
    more = write(
        tmp_path / "more",
        partners=f"partner_id,name,sector\nPTR-NEW,Newcomer Bio,biotech\nPTR-001,{name},regulator\n",
        publications="publication_id,title,published_date,partner_ids\nPUB-NEW,New paper,2025-03-01,PTR-NEW;PTR-001\n",
    )
    assert import_files(db, more).ok
    assert_derived_exact(db)
    with database.read(db) as con:
        eng, fund = con.execute(
            "SELECT (SELECT min(engagement_id) FROM engagements), (SELECT min(funding_id) FROM funding)"
        ).fetchone()
        fund_partner = con.execute("SELECT partner_id FROM funding WHERE funding_id = ?", [fund]).fetchone()[0]
    moved = write(
        tmp_path / "moved",
        engagements=f"engagement_id,date,type,partner_ids\n{eng},2025-06-30,site_visit,PTR-NEW\n",
        funding=f"funding_id,date,partner_id,direction,amount\n{fund},2010-01-05,{fund_partner},inbound,10\n",
    )
    assert import_files(db, moved).ok
    assert_derived_exact(db)
    with database.read(db) as con:
        assert con.execute("SELECT first_date FROM partner_firsts WHERE partner_id = ?", [fund_partner]).fetchone() == (
            date(2010, 1, 5),
        )
    # Undo both imports: records removed (the new partner and its paper) and records put back.
    history.restore(db, first)
    assert_derived_exact(db)
    with database.read(db) as con:
        assert con.execute("SELECT count(*) FROM partner_firsts WHERE partner_id = 'PTR-NEW'").fetchone() == (0,)
    # And undo the undo.
    history.restore(db, history.writes(db, limit=2)[1].id)
    assert_derived_exact(db)


def test_a_scaled_build_keeps_its_derived_data_exact(tmp_path):
    db = tmp_path / "scaled.duckdb"
    scaled.build_scaled(db, "large", engagements=3000)
    assert_derived_exact(db)


def test_a_key_given_twice_is_refused_and_a_key_given_again_replaces_its_record(tmp_path):
    db = tmp_path / "db.duckdb"
    assert import_files(db, SAMPLE_FILES).ok
    twice = write(
        tmp_path / "twice",
        engagements="engagement_id,date,type,partner_ids\nE-X,2025-01-02,webinar,PTR-001\nE-X,2025-01-03,webinar,PTR-002\n",
    )
    result = import_files(db, twice)
    assert not result.ok
    assert "appears twice" in str(result.problems[0])
    once = write(tmp_path / "once", engagements="engagement_id,date,type,partner_ids\nE-X,2025-01-02,webinar,PTR-001\n")
    assert import_files(db, once).ok
    again = write(tmp_path / "again", engagements="engagement_id,date,type,partner_ids\nE-X,2025-02-02,other,PTR-002\n")
    assert import_files(db, again).counts["engagements"].updated == 1
    with database.read(db) as con:
        for table, key in (
            ("engagements", "engagement_id"),
            ("funding", "funding_id"),
            ("publications", "publication_id"),
        ):
            assert con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone() == (0,), table
        assert con.execute(
            "SELECT date, partner_id FROM engagement_partners WHERE engagement_id = 'E-X'"
        ).fetchall() == [(date(2025, 2, 2), "PTR-002")]


def _as_version_2(db: Path) -> None:
    """Turns a database of this version back into one written by version 2: primary keys on the big tables, link
    tables without the copied columns, no partner_firsts."""
    with duckdb.connect(str(db)) as con:
        for table, key in (
            ("engagements", "engagement_id"),
            ("funding", "funding_id"),
            ("publications", "publication_id"),
        ):
            ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[0]
            ddl = ddl.replace(f"CREATE TABLE {table}(", f"CREATE TABLE {table}_old(").replace(
                f"{key} VARCHAR NOT NULL", f"{key} VARCHAR PRIMARY KEY"
            )
            con.execute(ddl)
            con.execute(f"INSERT INTO {table}_old SELECT * FROM {table}")
            con.execute(f"DROP TABLE {table}")
            con.execute(f"ALTER TABLE {table}_old RENAME TO {table}")
        for link, key in (("engagement_partners", "engagement_id"), ("publication_partners", "publication_id")):
            con.execute(
                f"CREATE TABLE {link}_old ({key} VARCHAR NOT NULL, partner_id VARCHAR NOT NULL, "
                f"PRIMARY KEY ({key}, partner_id))"
            )
            con.execute(f"INSERT INTO {link}_old SELECT {key}, partner_id FROM {link}")
            con.execute(f"DROP TABLE {link}")
            con.execute(f"ALTER TABLE {link}_old RENAME TO {link}")
        for flag in database.ENGAGEMENT_FLAGS:
            con.execute(f"ALTER TABLE engagements DROP COLUMN {flag}")
        con.execute("DROP TABLE partner_firsts")
        con.execute("DROP TABLE partner_months")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def test_a_version_2_database_is_migrated_when_first_read_and_reads_the_same(tmp_path, sample_db):
    db = tmp_path / "old.duckdb"
    shutil.copyfile(sample_db, db)
    with database.read(db) as con:
        want = compute_many(con, YEAR.back(8))
    _as_version_2(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert database.stored_version(con) == 2
        assert con.execute(
            "SELECT count(*) FROM duckdb_constraints() "
            "WHERE constraint_type = 'PRIMARY KEY' AND table_name = 'engagements'"
        ).fetchone() == (1,)
    writes = history.writes(db)
    with database.read(db) as con:
        assert database.stored_version(con) == database.SCHEMA_VERSION
        assert compute_many(con, YEAR.back(8)) == want
        assert not con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
            "AND table_name IN (SELECT unnest($t))",
            {"t": list(database.UNINDEXED)},
        ).fetchall()
    assert_derived_exact(db)
    assert history.writes(db) == writes  # the migration changed no record, so the history gains no write


def test_the_big_tables_have_no_primary_key_index_and_the_small_ones_keep_theirs(tmp_path):
    with database.write(tmp_path / "db.duckdb"):
        pass
    with database.read(tmp_path / "db.duckdb") as con:
        keyed = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        }
    assert not keyed & set(database.UNINDEXED)
    assert {"partners", "partnerships", "programs", "milestones", "meta", "targets", "writes"} <= keyed


def test_the_sql_shown_holds_only_the_relations_it_uses_and_the_window_it_reads():
    from metrics import explain

    sql, params = explain("milestone_count", YEAR)
    assert "involvement" not in sql and "window_" not in sql and "window_start" not in params
    # A year is whole months: the partners' activity is read from partner_months, over the year alone.
    sql, params = explain("partner_active_count", YEAR)
    assert "FROM partner_months" in sql and "window_involvement" not in sql
    assert (params["window_start"], params["window_end"]) == (date(2025, 1, 1), date(2025, 12, 31))
    # Retention reads the prior year too.
    sql, params = explain("partner_retention_rate", YEAR)
    assert (params["window_start"], params["window_end"]) == (date(2024, 1, 1), date(2025, 12, 31))
    # Any other span reads the records; so does a filtered view.
    sql, params = explain("partner_active_count", Period(date(2025, 1, 10), date(2025, 3, 20)))
    assert "window_involvement" in sql and "partner_months" not in sql
    sql, params = explain("relationship_longitudinal_share", YEAR, Filters(sectors=("pharma",)))
    assert "partner_months" not in sql


def test_the_bench_imports_a_small_file_that_is_accepted(tmp_path, sample_db):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from store.importer import preview

    result = preview(sample_db, bench.write_small(tmp_path / "small"))
    assert result.ok, [str(p) for p in result.problems]
    assert result.counts["engagements"].new == 5
