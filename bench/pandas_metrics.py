"""The 32 metrics of shared METRICS.md in plain pandas over Parquet: the comparison for the metrics engine's speed, and
an independent oracle of its values (tests/test_pandas_reference.py).

`export_parquet` writes each table of the data contract (and its partner-link tables) from a DuckDB file to Parquet,
exactly the contract's columns: none of the store's derived data (the dates and types copied onto link rows, the
engagements' sector flags, partner_firsts, partner_months). `compute` reads those files with pd.read_parquet and
works out every metric with pandas alone, from the definitions in METRICS.md; it uses no DuckDB and no SQL.

    python bench/pandas_metrics.py --folder bench/data/xl-v3-parquet --start 2025-01-01 --end 2025-12-31

times a whole process (read the Parquet, compute) and prints the metrics as `cli.py metrics --json` does, with the
seconds it took on standard error with --timing.

Money is DECIMAL(18,4) in the store and in the Parquet files; here it is held as whole ten-thousandths (int64), so
sums are exact, and a sum becomes a float only where the engine casts its exact decimal to DOUBLE (correctly rounded:
Python's int / int), so that the values match the engine's to the last digit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

INDUSTRY = ["pharma", "biotech", "medtech"]
PATIENT_VOICE = ["listening_session", "pfdd_meeting"]
CLINICAL = ["ind_cleared", "phase1_started", "phase2_started", "phase3_started"]
UNITS = 10_000  # DECIMAL(18,4): money in ten-thousandths

# The columns each metric needs, per file (a table of the contract, or a link table of one of its list columns).
COLUMNS = {
    "partners": ["partner_id", "sector"],
    "partnerships": ["kind", "start_date", "end_date", "ip_agreement"],
    "engagements": ["engagement_id", "date", "type", "patient_participants", "insights_shared"],
    "engagement_partners": ["engagement_id", "partner_id"],
    "funding": ["date", "partner_id", "direction", "amount"],
    "publications": [
        "publication_id",
        "published_date",
        "study_completed_date",
        "open_access",
        "lay_summary",
        "citations",
    ],
    "publication_partners": ["publication_id", "partner_id"],
    "programs": ["program_id", "patient_insights"],
    "milestones": ["program_id", "date", "milestone"],
}

Value = int | float | None


def parquet_folder(db: Path) -> Path:
    """Where the Parquet copy of a benchmark database is kept: next to it (bench/data/xl-v3-parquet)."""
    return db.with_name(f"{db.stem}-parquet")


def export_parquet(db: Path | str, folder: Path | str) -> Path:
    """Writes each contract table of the DuckDB file db, and each link table, to folder/<table>.parquet: exactly
    the contract's columns. Skipped when folder already exists (the files are written to a temporary folder and
    renamed, so a folder that exists is complete)."""
    # DuckDB only to export (the store's own format), never to compute: compute() reads only the Parquet files.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from contract import TABLES
    from store import database

    folder = Path(folder)
    if folder.is_dir():
        return folder
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with database.read(db) as con:
        con.execute("SET enable_progress_bar = false")
        for table in TABLES.values():
            columns = ", ".join(c.name for c in table.columns if c.type != "list")
            con.execute(f"COPY (SELECT {columns} FROM {table.name}) TO '{tmp / table.name}.parquet' (FORMAT parquet)")
            for link in table.link_tables.values():
                con.execute(
                    f"COPY (SELECT {table.key}, partner_id FROM {link}) TO '{tmp / link}.parquet' (FORMAT parquet)"
                )
    tmp.rename(folder)
    return folder


def read(folder: Path | str) -> dict[str, pd.DataFrame]:
    """The tables the metrics need, with only the columns they need; dates as datetime64, money as int64
    ten-thousandths."""
    folder = Path(folder)
    dates = {"to_pandas_kwargs": {"date_as_object": False}}
    tables = {
        name: pd.read_parquet(folder / f"{name}.parquet", columns=cols, **dates) for name, cols in COLUMNS.items()
    }
    # A DECIMAL column reads as Python Decimal objects; as pyarrow decimals it converts to float in one step, and an
    # amount below 2**53 ten-thousandths (about 900 billion) rounds back to its exact ten-thousandths. Larger ones
    # (DECIMAL(18,4) allows 10**14) go the slow, exact way.
    amount = pd.read_parquet(folder / "funding.parquet", columns=["amount"], dtype_backend="pyarrow")["amount"]
    floats = amount.astype("float64")
    if not floats.abs().max() * UNITS >= 2**53:  # (an empty table too)
        tables["funding"]["amount"] = (floats.to_numpy() * UNITS).round().astype("int64")
    else:
        tables["funding"]["amount"] = pd.Series([int(d.scaleb(4)) for d in amount], dtype=object)
    return tables


def prior_period(start: date, end: date) -> tuple[date, date]:
    """The prior period of METRICS.md: for a whole calendar month, quarter, half-year or year the previous one of
    the same kind; otherwise as many days ending the day before start."""
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if whole_months:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        calendar = (
            (months == 12 and start.month == 1)
            or (months == 6 and start.month in (1, 7))
            or (months == 3 and start.month in (1, 4, 7, 10))
            or months == 1
        )
        if calendar:
            index = start.year * 12 + start.month - 1 - months
            return date(index // 12, index % 12 + 1, 1), start - timedelta(days=1)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else int(part) / int(whole)


def _money(units: int) -> int | float:
    """An exact decimal sum as the engine prints it: an int when whole, else the nearest float."""
    units = int(units)
    return units // UNITS if units % UNITS == 0 else units / UNITS


def _double(units: int) -> float:
    """A decimal sum cast to DOUBLE (correctly rounded)."""
    return int(units) / UNITS


def metrics(t: dict[str, pd.DataFrame], start: date, end: date) -> dict[str, Value]:
    """Every metric of METRICS.md for start..end (both inclusive), from the tables read()."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    ps, pe = (pd.Timestamp(d) for d in prior_period(start, end))
    out: dict[str, Value] = {}

    partners = t["partners"].set_index("partner_id")["sector"]
    industry = partners.index[partners.isin(INDUSTRY)]

    # --- Funding
    funding = t["funding"]
    inbound = funding[funding["direction"] == "inbound"]
    inbound_now = inbound[inbound["date"].between(s, e)]
    outbound_now = funding[(funding["direction"] == "outbound") & funding["date"].between(s, e)]
    total = int(inbound_now["amount"].sum())
    prior_total = int(inbound.loc[inbound["date"].between(ps, pe), "amount"].sum())
    granted = int(outbound_now["amount"].sum())
    by_partner = inbound_now.groupby("partner_id")["amount"].sum()
    out["funding_inbound_total"] = _money(total)
    out["funding_outbound_total"] = _money(granted)
    out["funding_inbound_change"] = None if prior_total == 0 else _double(total - prior_total) / _double(prior_total)
    from_industry = int(inbound_now.loc[inbound_now["partner_id"].isin(industry), "amount"].sum())
    out["funding_industry_share"] = None if total == 0 else _double(from_industry) / _double(total)
    out["funding_partner_count"] = int(inbound_now["partner_id"].nunique())
    # sum over partners of (100 x share)^2 = 10,000 x sum(amount^2) / total^2; the squares summed exactly (Python
    # ints: one per funding partner), as the engine does in decimals.
    squares = sum(int(a) ** 2 for a in by_partner)
    out["funding_hhi"] = None if total == 0 else 10000 * (squares / UNITS**2) / _double(total) ** 2
    out["funding_top_partner_share"] = None if total == 0 else _double(by_partner.max()) / _double(total)

    # --- Engagements: each partner link with its engagement's date and type (one join of the link table).
    engagements = t["engagements"]
    links = t["engagement_partners"].merge(engagements[["engagement_id", "date", "type"]], on="engagement_id")
    now = engagements[engagements["date"].between(s, e)]
    links_now = links[links["date"].between(s, e)]
    out["engagement_count"] = len(now)
    out["engagement_partner_count"] = int(links_now["partner_id"].nunique())
    out["engagement_patient_participants"] = int(now["patient_participants"].fillna(0).sum())
    out["engagement_patient_voice_count"] = int(now["type"].isin(PATIENT_VOICE).sum())

    sector = links_now["partner_id"].map(partners)
    flags = (
        pd.DataFrame(
            {
                "engagement_id": links_now["engagement_id"],
                "industry": sector.isin(INDUSTRY),
                "regulator": sector == "regulator",
                "academic": sector == "academic",
            }
        )
        .groupby("engagement_id")
        .any()
    )
    now = now.join(flags, on="engagement_id")
    with_industry = now["industry"].fillna(False).astype(bool)
    convening = (
        with_industry
        & now["regulator"].fillna(False).astype(bool)
        & now["academic"].fillna(False).astype(bool)
        & (now["patient_participants"].fillna(0) > 0)
    )
    out["engagement_convening_count"] = int(convening.sum())

    quarter = links_now["date"].dt.year * 4 + links_now["date"].dt.quarter
    per_partner = (
        links_now.assign(quarter=quarter)
        .groupby("partner_id")
        .agg(engagements=("engagement_id", "size"), quarters=("quarter", "nunique"), types=("type", "nunique"))
    )
    longitudinal = (per_partner["engagements"] >= 3) & (per_partner["quarters"] >= 2) & (per_partner["types"] >= 2)
    out["relationship_longitudinal_share"] = _share(longitudinal.sum(), len(per_partner))
    out["relationship_transactional_share"] = _share((per_partner["engagements"] == 1).sum(), len(per_partner))
    out["engagement_reciprocity_share"] = _share((now["insights_shared"] & with_industry).sum(), with_industry.sum())

    # --- Partners: every dated involvement (engagement, funding record, publication).
    publications = t["publications"]
    pub_links = t["publication_partners"].merge(publications[["publication_id", "published_date"]], on="publication_id")
    involvement = pd.concat(
        [
            links[["partner_id", "date"]],
            funding[["partner_id", "date"]],
            pub_links[["partner_id", "published_date"]].rename(columns={"published_date": "date"}),
        ],
        ignore_index=True,
    )
    active = involvement.loc[involvement["date"].between(s, e), "partner_id"].unique()
    prior_active = involvement.loc[involvement["date"].between(ps, pe), "partner_id"].unique()
    out["partner_active_count"] = len(active)
    firsts = involvement.groupby("partner_id")["date"].min()
    out["partner_new_count"] = int(firsts.between(s, e).sum())
    out["partner_retention_rate"] = _share(len(set(prior_active) & set(active)), len(prior_active))

    partnerships = t["partnerships"]
    running = (partnerships["start_date"] <= e) & (partnerships["end_date"].isna() | (partnerships["end_date"] >= s))
    out["partnership_active_count"] = int(running.sum())
    covered = partnerships[
        running & (partnerships["kind"] == "research_investment") & (partnerships["ip_agreement"] != "not_applicable")
    ]
    out["ip_agreement_coverage"] = _share((covered["ip_agreement"] == "signed").sum(), len(covered))

    # --- Publications
    pubs = publications[publications["published_date"].between(s, e)]
    n = len(pubs)
    out["publication_count"] = n
    out["publication_open_access_share"] = _share(pubs["open_access"].sum(), n)
    out["publication_lay_summary_share"] = _share(pubs["lay_summary"].sum(), n)
    days = (pubs["published_date"] - pubs["study_completed_date"]).dropna().dt.days
    out["publication_median_days_to_publish"] = None if days.empty else float(days.median())
    pub_links_now = pub_links[pub_links["published_date"].between(s, e)]
    coauthored = pub_links_now.loc[pub_links_now["partner_id"].isin(industry), "publication_id"].nunique()
    out["publication_industry_coauthored_share"] = _share(coauthored, n)
    out["publications_per_million_granted"] = None if granted == 0 else n / (_double(granted) / 1_000_000)
    out["citations_total"] = int(pubs["citations"].fillna(0).sum())

    # --- Science progress
    milestones = t["milestones"]
    in_period = milestones[milestones["date"].between(s, e)]
    out["milestone_count"] = len(in_period)
    out["milestone_clinical_count"] = int(in_period["milestone"].isin(CLINICAL).sum())
    out["approval_count"] = int((in_period["milestone"] == "approval").sum())
    out["program_advanced_count"] = int(in_period["program_id"].nunique())
    reached = t["programs"][t["programs"]["program_id"].isin(milestones.loc[milestones["date"] <= e, "program_id"])]
    out["program_patient_insight_share"] = _share(reached["patient_insights"].sum(), len(reached))
    return out


def compute(folder: Path | str, start: date, end: date) -> dict[str, Value]:
    """Every metric for start..end (both inclusive), reading the Parquet files in folder."""
    return metrics(read(folder), start, end)


def main() -> None:
    parser = argparse.ArgumentParser(description="The 32 metrics in pandas over Parquet, for one period.")
    parser.add_argument("--folder", required=True, type=Path, help="the Parquet files (export_parquet)")
    parser.add_argument("--start", required=True, type=date.fromisoformat)
    parser.add_argument("--end", required=True, type=date.fromisoformat)
    parser.add_argument("--timing", action="store_true", help="also print the seconds taken on standard error")
    args = parser.parse_args()
    t = time.perf_counter()
    values = compute(args.folder, args.start, args.end)
    seconds = time.perf_counter() - t
    payload = {"period": {"start": args.start.isoformat(), "end": args.end.isoformat()}, "metrics": values}
    print(json.dumps(payload, indent=2))
    if args.timing:
        print(f"read the Parquet + compute: {seconds:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
