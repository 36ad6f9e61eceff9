"""The command line of the data contract: exit codes, problems on standard error, the metrics JSON."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from metrics import CATALOGUE
from store import database
from tests.conftest import ROOT


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=ROOT)


def test_import_creates_the_database_and_prints_one_line_per_table(tmp_path):
    db = tmp_path / "new" / "store.duckdb"
    (tmp_path / "partners.csv").write_text("partner_id,name,sector\nP1,Acme,pharma\n")
    (tmp_path / "engagements.csv").write_text("engagement_id,date,type,partner_ids\nE1,2024-01-01,webinar,P1\n")
    done = cli("import", "--db", str(db), str(tmp_path / "engagements.csv"), str(tmp_path / "partners.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "partners: 1 new, 0 updated, 0 unchanged",
        "engagements: 1 new, 0 updated, 0 unchanged",
        "write 1 in the history",
    ]
    assert db.exists()


def test_invalid_input_exits_2_with_one_line_per_problem_and_an_unchanged_database(tmp_path):
    db = tmp_path / "store.duckdb"
    (tmp_path / "partners.csv").write_text("partner_id,name,sector\nP1,Acme,pharma\n")
    assert cli("import", "--db", str(db), str(tmp_path / "partners.csv")).returncode == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = tmp_path / "funding.csv"
    bad.write_text(
        "funding_id,date,partner_id,direction,amount\nF1,2024-01-32,P1,sideways,-10\nF2,2024-01-01,P2,inbound,5\n"
    )
    done = cli("import", "--db", str(db), str(bad))
    assert done.returncode == 2
    problems = done.stderr.splitlines()
    assert [re.match(r"^(.+):(\d+):([^:]+): .+$", line).groups() for line in problems] == [
        (str(bad), "2", "date"),
        (str(bad), "2", "direction"),
        (str(bad), "2", "amount"),
        (str(bad), "3", "partner_id"),
    ]
    assert "Traceback" not in done.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_metrics_json_has_the_period_and_every_metric_of_the_catalogue(sample_db):
    done = cli("metrics", "--db", str(sample_db), "--start", "2024-01-01", "--end", "2024-12-31", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert list(payload["metrics"]) == list(CATALOGUE)
    for metric_id, value in payload["metrics"].items():
        assert value is None or isinstance(value, (int, float)), metric_id
        if CATALOGUE[metric_id].unit == "share" and value is not None and not metric_id.endswith("_change"):
            assert 0 <= value <= 1, metric_id


def test_metrics_without_json_prints_a_readable_table(sample_db):
    done = cli("metrics", "--db", str(sample_db), "--start", "2024-01-01", "--end", "2024-12-31")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2024 (2024-01-01 to 2024-12-31; prior period 2023-01-01 to 2023-12-31)")
    for metric in CATALOGUE.values():
        assert re.search(rf"^  {re.escape(metric.label)} +\S.* {metric.id}$", done.stdout, re.M), metric.id


def test_metrics_on_a_missing_database_says_so(tmp_path):
    done = cli("metrics", "--db", str(tmp_path / "none.duckdb"), "--start", "2024-01-01", "--end", "2024-12-31")
    assert done.returncode == 1
    assert "there is no database" in done.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_bad_dates_and_reversed_periods_are_refused_plainly(sample_db):
    bad = cli("metrics", "--db", str(sample_db), "--start", "2024-13-01", "--end", "2024-12-31")
    assert bad.returncode == 2 and "is not a date in the form YYYY-MM-DD" in bad.stderr
    reversed_ = cli("metrics", "--db", str(sample_db), "--start", "2024-12-31", "--end", "2024-01-01")
    assert reversed_.returncode == 2 and "is before --start" in reversed_.stderr


def test_an_unexpected_failure_exits_1_without_a_traceback(tmp_path):
    not_a_db = tmp_path / "garbage.duckdb"
    not_a_db.write_text("this is not a database")
    done = cli("metrics", "--db", str(not_a_db), "--start", "2024-01-01", "--end", "2024-12-31")
    assert done.returncode == 1
    assert "unexpected error" in done.stderr and "Traceback" not in done.stderr


def test_import_into_a_file_that_is_not_a_database_exits_1(tmp_path):
    not_a_db = tmp_path / "garbage.duckdb"
    not_a_db.write_text("this is not a database")
    (tmp_path / "partners.csv").write_text("partner_id,name,sector\nP1,Acme,pharma\n")
    done = cli("import", "--db", str(not_a_db), str(tmp_path / "partners.csv"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not_a_db.read_text() == "this is not a database"
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["garbage.duckdb", "partners.csv"]


def test_import_warns_on_standard_error_of_each_sensitive_update_and_applies_it(tmp_path):
    db = tmp_path / "store.duckdb"
    (tmp_path / "partners.csv").write_text(
        "partner_id,name,sector,confidential\nP-3,Quartzite Holdings,pharma,true\nP-4,Basalt Labs,academic,\n"
    )
    (tmp_path / "funding.csv").write_text(
        "funding_id,date,partner_id,direction,amount\nF-1,2024-01-10,P-4,inbound,1200\n"
    )
    first = cli("import", "--db", str(db), str(tmp_path / "partners.csv"), str(tmp_path / "funding.csv"))
    assert first.returncode == 0 and first.stderr == "", first.stderr
    update = tmp_path / "update"
    update.mkdir()
    (update / "partners.csv").write_text("partner_id,name,sector,confidential\nP-3,Quartzite Holdings,pharma,false\n")
    (update / "funding.csv").write_text(
        "funding_id,date,partner_id,direction,amount\nF-1,2024-01-10,P-4,inbound,1.200,00\n".replace(
            "1.200,00", '"1.200,00"'
        )
    )
    done = cli("import", "--db", str(db), str(update / "partners.csv"), str(update / "funding.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "warning: partner P-3 Quartzite Holdings: confidential true → false: it will be named in community outputs, "
        "the community report included",
    ]
    assert done.stdout.splitlines()[:2] == [
        "partners: 0 new, 1 updated, 0 unchanged",
        "funding: 0 new, 0 updated, 1 unchanged",
    ]
    (update / "funding.csv").write_text(
        "funding_id,date,partner_id,direction,amount\nF-1,2024-01-10,P-4,inbound,120000\n"
    )
    again = cli("import", "--db", str(db), str(update / "funding.csv"))
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines() == [
        "warning: funding F-1 (partner P-4): amount 1,200 → 120,000, 100 times as much: check that the decimal mark "
        "and the digits are right",
    ]
    with database.read(db) as con:
        assert con.execute("SELECT confidential FROM partners WHERE partner_id = 'P-3'").fetchall() == [(False,)]
        assert con.execute("SELECT amount::INTEGER FROM funding").fetchall() == [(120000,)]
