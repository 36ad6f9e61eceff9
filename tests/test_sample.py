"""The seeded sample: deterministic, valid by the contract, telling the foundation's story, and scaling up."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from contract import ENUMS, INDUSTRY_SECTORS, TABLE_ORDER, TABLES
from samples.scaled import build_scaled, scaled_sizes
from samples.story import generate, write_csvs
from store import database

ROOT = Path(__file__).resolve().parents[1]
BOOLEANS = {"true", "false"}


@pytest.fixture(scope="module")
def sample() -> dict[str, list[dict]]:
    return generate(42)


def year(value: str) -> int:
    return int(value[:4])


def ids(value: str) -> list[str]:
    return value.split(";") if value else []


def involvement(sample) -> dict[str, set[int]]:
    """The years in which each partner appears in an engagement, a funding record or a publication."""
    years = defaultdict(set)
    for row in sample["engagements"]:
        for pid in ids(row["partner_ids"]):
            years[pid].add(year(row["date"]))
    for row in sample["funding"]:
        years[row["partner_id"]].add(year(row["date"]))
    for row in sample["publications"]:
        for pid in ids(row["partner_ids"]):
            years[pid].add(year(row["published_date"]))
    return years


def inbound_by_partner(sample, in_year: int) -> dict[str, Decimal]:
    totals = defaultdict(Decimal)
    for row in sample["funding"]:
        if row["direction"] == "inbound" and year(row["date"]) == in_year:
            totals[row["partner_id"]] += Decimal(row["amount"])
    return totals


def test_the_same_seed_gives_the_same_rows_and_another_seed_different_ones(sample):
    assert generate(42) == sample
    other = generate(7)
    assert other != sample
    assert other["engagements"] != sample["engagements"]


def test_row_counts_are_near_the_targets(sample):
    counts = {name: len(rows) for name, rows in sample.items()}
    assert list(counts) == list(TABLE_ORDER)
    assert 36 <= counts["partners"] <= 44
    assert 25 <= counts["partnerships"] <= 45
    assert 1400 <= counts["engagements"] <= 1600
    assert 350 <= counts["funding"] <= 480
    assert 220 <= counts["publications"] <= 280
    assert 6 <= counts["programs"] <= 10
    assert 20 <= counts["milestones"] <= 60


def test_the_committed_csvs_equal_the_generator_output(tmp_path):
    fresh = write_csvs(tmp_path, seed=42)
    assert [p.name for p in fresh] == [f"{name}.csv" for name in TABLE_ORDER]
    committed = sorted(p.name for p in (ROOT / "sample_data").glob("*.csv"))
    assert committed == sorted(p.name for p in fresh)
    for path in fresh:
        assert (ROOT / "sample_data" / path.name).read_bytes() == path.read_bytes(), (
            f"sample_data/{path.name} drifted: run `python -c 'from samples.story import write_csvs; "
            f'write_csvs("sample_data")\'`'
        )


def test_every_cell_is_valid_by_the_contract(sample):
    keys = {name: {row[TABLES[name].key] for row in rows} for name, rows in sample.items()}
    for name, rows in sample.items():
        table = TABLES[name]
        assert len(keys[name]) == len(rows), f"{name}: duplicate ids"
        for row in rows:
            assert tuple(row) == table.column_names
            for column in table.columns:
                value = row[column.name]
                where = f"{name} {row[table.key]} {column.name}={value!r}"
                assert value == value.strip(), where
                if value == "":
                    assert not column.required, where
                    continue
                if column.type == "enum":
                    assert value in ENUMS[column.enum], where
                elif column.type == "date":
                    assert date.fromisoformat(value).isoformat() == value, where
                elif column.type == "bool":
                    assert value in BOOLEANS, where
                elif column.type == "int":
                    assert value.isdigit(), where
                elif column.type == "money":
                    assert Decimal(value) > 0, where
                if column.references:
                    for ref in ids(value) if column.type == "list" else [value]:
                        assert ref in keys[column.references], where
                if column.type == "list":
                    assert len(set(ids(value))) == len(ids(value)), where


def test_the_cross_field_rules_hold(sample):
    for row in sample["partnerships"]:
        assert not row["end_date"] or row["end_date"] >= row["start_date"]
    for row in sample["publications"]:
        assert not row["study_completed_date"] or row["study_completed_date"] <= row["published_date"]
    dois = [row["doi"].lower() for row in sample["publications"] if row["doi"]]
    assert len(dois) == len(set(dois))
    assert all(row["currency"] in ("", "USD") for row in sample["funding"])
    for row in sample["engagements"]:
        assert ids(row["partner_ids"])
        if row["attendees"] and row["patient_participants"]:
            assert int(row["patient_participants"]) <= int(row["attendees"])
    dates = (
        [r["date"] for r in sample["engagements"]]
        + [r["date"] for r in sample["funding"]]
        + [r["published_date"] for r in sample["publications"]]
        + [r["date"] for r in sample["milestones"]]
    )
    assert min(dates) >= "2016-01-01" and max(dates) <= "2025-12-31"


def test_partners_cover_every_sector_with_a_few_confidential(sample):
    partners = sample["partners"]
    assert {p["sector"] for p in partners} == set(ENUMS["sector"])
    assert 3 <= sum(p["confidential"] == "true" for p in partners) <= 4
    assert any("&" in p["name"] for p in partners) and any("'" in p["name"] for p in partners)
    assert all(p["country"] for p in partners)


def test_partnerships_mix_kinds_agreements_and_endings(sample):
    rows = sample["partnerships"]
    assert {r["kind"] for r in rows} == set(ENUMS["partnership_kind"])
    assert {r["ip_agreement"] for r in rows} == set(ENUMS["ip_agreement"])
    assert any(r["end_date"] for r in rows) and any(not r["end_date"] for r in rows)
    assert any(r["precompetitive"] == "true" for r in rows)


def test_inbound_dependence_on_the_first_pharma_partner_falls_over_the_years(sample):
    def top_share(in_year: int) -> Decimal:
        totals = inbound_by_partner(sample, in_year)
        return max(totals.values()) / sum(totals.values())

    def hhi(in_year: int) -> Decimal:
        totals = inbound_by_partner(sample, in_year)
        return sum((100 * v / sum(totals.values())) ** 2 for v in totals.values())

    first = inbound_by_partner(sample, 2016)
    anchor = max(first, key=first.get)
    assert {p["partner_id"]: p["sector"] for p in sample["partners"]}[anchor] == "pharma"
    assert top_share(2016) > Decimal("0.6") > top_share(2025)
    assert hhi(2016) > 2 * hhi(2020) > 2 * hhi(2025)
    assert len(inbound_by_partner(sample, 2025)) > 3 * len(first)
    assert any(r["direction"] == "outbound" and r["purpose"] == "research_grant" for r in sample["funding"])


def test_an_industry_partner_is_active_from_2016_to_2020_and_never_after(sample):
    sectors = {p["partner_id"]: p["sector"] for p in sample["partners"]}
    lapsed = [pid for pid, years in involvement(sample).items() if min(years) == 2016 and max(years) == 2020]
    assert lapsed
    assert any(sectors[pid] in INDUSTRY_SECTORS for pid in lapsed)


def test_every_year_has_a_scientific_retreat_that_convenes_industry_regulators_academics_and_patients(sample):
    sectors = {p["partner_id"]: p["sector"] for p in sample["partners"]}
    for in_year in range(2016, 2026):
        retreats = [
            r for r in sample["engagements"] if r["type"] == "scientific_retreat" and year(r["date"]) == in_year
        ]
        assert len(retreats) == 1, in_year
        involved = {sectors[pid] for pid in ids(retreats[0]["partner_ids"])}
        assert involved & set(INDUSTRY_SECTORS) and {"regulator", "academic"} <= involved
        assert int(retreats[0]["patient_participants"]) > 0


def test_engagements_grow_every_year_and_carry_the_patient_voice(sample):
    rows = sample["engagements"]
    per_year = [sum(year(r["date"]) == y for r in rows) for y in range(2016, 2026)]
    assert per_year == sorted(per_year) and per_year[-1] > 3 * per_year[0]
    types = {r["type"] for r in rows}
    assert {"pfdd_meeting", "listening_session", "advisory_board", "webinar", "data_sharing"} <= types
    assert sum(bool(r["stage"]) for r in rows) > 0.7 * len(rows)
    assert any(r["patient_participants"] and 1 <= int(r["patient_participants"]) <= 10 for r in rows)
    assert any(r["patient_participants"] == "" for r in rows)
    sectors = {p["partner_id"]: p["sector"] for p in sample["partners"]}
    industry = [r for r in rows if any(sectors[pid] in INDUSTRY_SECTORS for pid in ids(r["partner_ids"]))]
    assert sum(r["insights_shared"] == "true" for r in industry) > 0.6 * len(industry)


def test_publications_come_faster_and_more_open_over_the_years(sample):
    def in_year(y: int) -> list[dict]:
        return [r for r in sample["publications"] if year(r["published_date"]) == y]

    def median_days(y: int) -> float:
        return statistics.median(
            (date.fromisoformat(r["published_date"]) - date.fromisoformat(r["study_completed_date"])).days
            for r in in_year(y)
            if r["study_completed_date"]
        )

    def open_share(y: int) -> float:
        return sum(r["open_access"] == "true" for r in in_year(y)) / len(in_year(y))

    assert median_days(2016) > median_days(2025) and 200 <= median_days(2025) <= 500
    assert open_share(2025) > open_share(2016)
    assert all(r["doi"].startswith("10.5555/lumen.") for r in sample["publications"] if r["doi"])


def test_a_program_reaches_approval_and_milestones_move_forward(sample):
    order = ENUMS["milestone_kind"]
    steps = defaultdict(list)
    for row in sample["milestones"]:
        steps[row["program_id"]].append((row["date"], order.index(row["milestone"])))
    assert any(
        row["milestone"] == "approval" and year(row["date"]) in (2023, 2024, 2025) for row in sample["milestones"]
    )
    for program, dated in steps.items():
        assert [k for _, k in sorted(dated)] == sorted(k for _, k in dated), program
    assert sum(p["patient_insights"] == "true" for p in sample["programs"]) > len(sample["programs"]) / 2


def test_the_committed_sample_imports_with_the_generated_counts(sample_db, sample):
    with database.read(sample_db) as con:
        for name, rows in sample.items():
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == len(rows)


SCALED_CHECKS = {
    "partnership without partner": "SELECT partner_id FROM partnerships ANTI JOIN partners USING (partner_id)",
    "engagement link without partner": (
        "SELECT partner_id FROM engagement_partners ANTI JOIN partners USING (partner_id)"
    ),
    "engagement link without engagement": (
        "SELECT engagement_id FROM engagement_partners ANTI JOIN engagements USING (engagement_id)"
    ),
    "engagement without partners": (
        "SELECT engagement_id FROM engagements ANTI JOIN engagement_partners USING (engagement_id)"
    ),
    "publication link without partner": (
        "SELECT partner_id FROM publication_partners ANTI JOIN partners USING (partner_id)"
    ),
    "publication link without publication": (
        "SELECT publication_id FROM publication_partners ANTI JOIN publications USING (publication_id)"
    ),
    "program link without partner": "SELECT partner_id FROM program_partners ANTI JOIN partners USING (partner_id)",
    "program link without program": "SELECT program_id FROM program_partners ANTI JOIN programs USING (program_id)",
    "funding without partner": "SELECT partner_id FROM funding ANTI JOIN partners USING (partner_id)",
    "milestone without program": "SELECT program_id FROM milestones ANTI JOIN programs USING (program_id)",
    "unknown partnership": """
        SELECT partnership_id FROM (
            SELECT partnership_id FROM engagements UNION ALL SELECT partnership_id FROM funding
            UNION ALL SELECT partnership_id FROM publications) WHERE partnership_id IS NOT NULL
        EXCEPT SELECT partnership_id FROM partnerships""",
    "ends before it starts": "SELECT * FROM partnerships WHERE end_date < start_date",
    "completed after published": "SELECT * FROM publications WHERE study_completed_date > published_date",
    "duplicate doi": "SELECT lower(doi) FROM publications WHERE doi IS NOT NULL GROUP BY 1 HAVING count(*) > 1",
    "amount not positive": "SELECT * FROM funding WHERE amount <= 0",
    "foreign currency": "SELECT * FROM funding WHERE currency <> 'USD'",
    "more patients than attendees": "SELECT * FROM engagements WHERE patient_participants > attendees",
    "date outside 2016-2025": """
        SELECT date FROM engagements WHERE date NOT BETWEEN '2016-01-01' AND '2025-12-31'
        UNION ALL SELECT date FROM funding WHERE date NOT BETWEEN '2016-01-01' AND '2025-12-31'
        UNION ALL SELECT published_date FROM publications WHERE published_date NOT BETWEEN '2016-01-01' AND '2025-12-31'
        UNION ALL SELECT date FROM milestones WHERE date NOT BETWEEN '2016-01-01' AND '2025-12-31'""",
}


@pytest.fixture(scope="module")
def scaled(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    db = tmp_path_factory.mktemp("scaled") / "scaled.duckdb"
    return db, build_scaled(db, "large", seed=3, engagements=20_000)


def test_a_scaled_build_has_the_proportions_of_the_sample(scaled):
    db, counts = scaled
    sizes = scaled_sizes("large", engagements=20_000)
    assert {k: counts[k] for k in sizes} == sizes
    assert counts["funding"] == round(20_000 * 400 / 1500) and counts["publications"] == round(20_000 * 250 / 1500)
    assert counts["milestones"] >= counts["programs"]
    assert counts["engagements"] < counts["engagement_partners"] < 2 * counts["engagements"]
    with database.read(db) as con:
        assert con.execute("SELECT files FROM imports").fetchall() == [("sample --scale large --seed 3",)]
        for table in ("engagements", "funding", "publications"):
            date_column = "published_date" if table == "publications" else "date"
            first, last = con.execute(
                f"SELECT count(*) FILTER (year({date_column}) = 2016), count(*) FILTER (year({date_column}) = 2025) "
                f"FROM {table}"
            ).fetchone()
            assert last > 2 * first, table


@pytest.mark.parametrize("check", list(SCALED_CHECKS))
def test_a_scaled_build_keeps_every_rule_of_the_schema(scaled, check):
    with database.read(scaled[0]) as con:
        assert con.execute(f"SELECT count(*) FROM ({SCALED_CHECKS[check]})").fetchone()[0] == 0


def test_a_scaled_build_is_the_same_for_the_same_seed(scaled, tmp_path):
    def fingerprint(db: Path) -> dict[str, tuple]:
        with database.read(db) as con:
            return {
                t: con.execute(f"SELECT count(*), sum(hash(t)) FROM {t} AS t").fetchone()
                for t in (*TABLE_ORDER, "engagement_partners")
            }

    again = tmp_path / "again.duckdb"
    build_scaled(again, "large", seed=3, engagements=20_000)
    assert fingerprint(again) == fingerprint(scaled[0])


def test_an_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        build_scaled(tmp_path / "x.duckdb", "huge")
    assert not (tmp_path / "x.duckdb").exists()
