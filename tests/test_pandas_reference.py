"""bench/pandas_metrics.py, the benchmark's plain-pandas comparison, gives exactly the engine's values: every one of
the 32 metrics, to the last digit and of the same JSON type, on the sample and on the hand-made tiny dataset, for
calendar years, a quarter, a half-year and periods that are no calendar unit (whose prior period is as many days
before). It reads only the contract's tables as Parquet, none of the store's derived data, and uses no DuckDB, so
it is also an independent check of the engine (metrics/)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bench import pandas_metrics
from metrics import METRICS, Period, compute
from store import database

ROOT = Path(__file__).resolve().parents[1]

PERIODS = {
    "year 2025": (date(2025, 1, 1), date(2025, 12, 31)),
    "year 2024": (date(2024, 1, 1), date(2024, 12, 31)),
    "Q3 2025": (date(2025, 7, 1), date(2025, 9, 30)),
    "H1 2024": (date(2024, 1, 1), date(2024, 6, 30)),
    "March 2024": (date(2024, 3, 1), date(2024, 3, 31)),
    "2024 from its second day": (date(2024, 1, 2), date(2024, 12, 31)),
    "10 Feb 2023 to 3 May 2024": (date(2023, 2, 10), date(2024, 5, 3)),
    "the last day of 2024": (date(2024, 12, 31), date(2024, 12, 31)),
    "year 2030 (no records)": (date(2030, 1, 1), date(2030, 12, 31)),
}

DERIVED = ("partner_firsts", "partner_months", "with_industry", "with_regulator", "with_academic")


@pytest.fixture(scope="module", params=["sample", "tiny"])
def dataset(request, tmp_path_factory) -> tuple[Path, dict]:
    """A database (the sample or the tiny dataset) and its contract tables as read from Parquet."""
    db = request.getfixturevalue(f"{request.param}_db")
    folder = pandas_metrics.export_parquet(db, tmp_path_factory.mktemp(request.param) / "parquet")
    return db, pandas_metrics.read(folder)


def _engine(db: Path, start: date, end: date) -> dict:
    with database.read(db) as con:
        return compute(con, start, end)


def _differences(got: dict, want: dict) -> list[str]:
    """Each metric whose value or JSON type differs (None only equals None; 3 and 3.0 differ)."""
    out = [f"order of the ids: {list(got)} != {list(want)}"] if list(got) != list(want) else []
    for metric_id, expected in want.items():
        value = got.get(metric_id, "<missing>")
        if type(value) is not type(expected) or value != expected:
            out.append(f"{metric_id}: engine {expected!r}, pandas {value!r}")
    return out


@pytest.mark.parametrize("period", PERIODS)
def test_pandas_gives_exactly_the_engines_values(dataset, period):
    db, tables = dataset
    start, end = PERIODS[period]
    want = _engine(db, start, end)
    assert list(want) == [m.id for m in METRICS]
    assert _differences(pandas_metrics.metrics(tables, start, end), want) == []


def test_each_dataset_has_a_value_in_every_metric_for_2024(dataset):
    """The comparison means something: in 2024 no metric of either dataset is null, and most are
    not zero."""
    _, tables = dataset
    values = pandas_metrics.metrics(tables, date(2024, 1, 1), date(2024, 12, 31))
    assert [k for k, v in values.items() if v is None] == []
    assert sum(1 for v in values.values() if v == 0) <= 3


def test_the_prior_period_follows_metrics_md():
    prior = pandas_metrics.prior_period
    assert prior(date(2025, 1, 1), date(2025, 12, 31)) == (date(2024, 1, 1), date(2024, 12, 31))
    assert prior(date(2025, 1, 1), date(2025, 3, 31)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert prior(date(2024, 1, 1), date(2024, 6, 30)) == (date(2023, 7, 1), date(2023, 12, 31))
    assert prior(date(2024, 3, 1), date(2024, 3, 31)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert prior(date(2024, 1, 2), date(2024, 12, 31)) == (date(2023, 1, 2), date(2024, 1, 1))  # 365 days
    # Two whole months are no calendar unit: as many days (61) before.
    assert prior(date(2024, 3, 1), date(2024, 4, 30)) == (date(2023, 12, 31), date(2024, 2, 29))
    for start, end in PERIODS.values():
        engine = Period(start, end).prior
        assert prior(start, end) == (engine.start, engine.end)


def test_the_parquet_holds_the_contract_tables_and_no_derived_data(sample_db, tmp_path):
    import pyarrow.parquet as pq

    from contract import TABLES

    folder = pandas_metrics.export_parquet(sample_db, tmp_path / "parquet")
    expected = {t.name: [c.name for c in t.columns if c.type != "list"] for t in TABLES.values()}
    expected |= {link: [t.key, "partner_id"] for t in TABLES.values() for link in t.link_tables.values()}
    found = {p.stem: pq.read_schema(p).names for p in folder.glob("*.parquet")}
    assert found == expected
    assert not any(name in DERIVED or set(cols) & set(DERIVED) for name, cols in found.items())
    with database.read(sample_db) as con:
        assert pq.read_metadata(folder / "engagement_partners.parquet").num_rows == database.scalar(
            con, "SELECT count(*) FROM engagement_partners"
        )
    # Exported once: a folder that is there is kept as it is.
    (folder / "marker").write_text("kept")
    assert pandas_metrics.export_parquet(sample_db, folder) == folder
    assert (folder / "marker").exists()


def test_the_process_prints_what_cli_metrics_prints_without_duckdb(sample_db, tmp_path):
    """The whole pandas process (as the benchmark times it) prints the JSON `cli.py metrics --json` prints, with
    DuckDB made unimportable in it."""
    folder = pandas_metrics.export_parquet(sample_db, tmp_path / "parquet")
    period = ["--start", "2025-01-01", "--end", "2025-12-31"]
    no_duckdb = (
        "import runpy, sys; sys.modules['duckdb'] = None; "
        "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    pandas = subprocess.run(
        [sys.executable, "-c", no_duckdb, str(ROOT / "bench" / "pandas_metrics.py"), "--folder", str(folder), *period],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert pandas.returncode == 0, pandas.stderr
    cli = subprocess.run(
        [sys.executable, "cli.py", "metrics", "--db", str(sample_db), *period, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert pandas.stdout == cli.stdout
    assert json.loads(pandas.stdout)["metrics"]["engagement_count"] > 0
