"""The benchmark: import, metric and page-render times on the sample and on a large database.

Measures, never asserts. `make bench` prints a table; `--scale xl` adds the 10-million-engagement database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

import settings  # noqa: E402
from charts import export  # noqa: E402
from metrics import Period, compute_many  # noqa: E402
from reports import bundle  # noqa: E402
from samples import scaled  # noqa: E402
from store import database, exporter, history  # noqa: E402
from store.importer import import_files, preview  # noqa: E402

SAMPLE_FILES = sorted((ROOT / "sample_data").glob("*.csv"))
DATA = ROOT / "bench" / "data"


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    """The median wall time of fn over repeat runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


PAGES = {
    "Overview": "pages/overview.py",
    "Funding": "pages/funding.py",
    "Engagement": "pages/engagement.py",
    "Publications and science": "pages/science.py",
    "Partners": "pages/partners.py",
}


def render(db: Path, page: str, community: bool = False) -> tuple[float, float]:
    """Seconds for AppTest to render a page of 2025 on db (community: in the community-safe view): with a cold
    cache, then again with a warm one."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["PARTNERSHIP_DB"] = str(db)
    settings.load.cache_clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
    at.query_params.update({"period": "year", "year": "2025", **({"view": "community"} if community else {})})
    at.run()
    at.switch_page(page)
    st.cache_data.clear()
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    t = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return cold, warm


def database_for(scale: str) -> tuple[Path, float | None]:
    """The benchmark database of a scale, built once and kept in bench/data (not committed)."""
    DATA.mkdir(parents=True, exist_ok=True)
    db = DATA / f"{scale}-v{database.SCHEMA_VERSION}.duckdb"  # rebuilt when the schema changes
    if db.exists():
        return db, None
    t = time.perf_counter()
    scaled.build_scaled(db, scale)
    return db, time.perf_counter() - t


def write_small(folder: Path) -> list[Path]:
    """A small import: one new partner and five engagements with it (the kind a person uploads on the Data page)."""
    folder.mkdir(parents=True, exist_ok=True)
    partners = folder / "partners.csv"
    partners.write_text("partner_id,name,sector\nBENCH-P1,Bench Biotech,biotech\n")
    engagements = folder / "engagements.csv"
    engagements.write_text(
        "engagement_id,date,type,partner_ids\n"
        + "".join(f"BENCH-E{i},2025-0{i}-15,webinar,BENCH-P1\n" for i in range(1, 6))
    )
    return [partners, engagements]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", action="append", choices=("large", "xl"), help="default: large")
    args = parser.parse_args()
    scales = args.scale or ["large"]
    rows: list[tuple[str, str, str]] = []
    year = Period(date(2025, 1, 1), date(2025, 12, 31))

    with tempfile.TemporaryDirectory() as tmp:
        sample_db = Path(tmp) / "sample.duckdb"
        seconds, _ = timed(lambda: import_files(sample_db, SAMPLE_FILES, fresh=True))
        rows.append(("sample", "import the sample CSVs (2,289 records)", f"{seconds:.2f} s"))
        seconds, _ = timed(lambda: import_files(sample_db, SAMPLE_FILES))
        rows.append(("sample", "re-import the same files (all unchanged)", f"{seconds:.2f} s"))
        targets = [("sample", sample_db)]
        for scale in scales:
            db, built = database_for(scale)
            if built is not None:
                rows.append((scale, "build with cli.py sample", f"{built:.1f} s"))
            rows.append((scale, "database file size", f"{db.stat().st_size / 1e6:,.0f} MB"))
            targets.append((scale, db))
        for name, db in targets:
            with database.read(db) as con:
                seconds, _ = timed(lambda con=con: compute_many(con, [year]))
                rows.append((name, "all 32 metrics, one period", f"{seconds:.2f} s"))
                seconds, _ = timed(lambda con=con: compute_many(con, year.back(8)))
                rows.append((name, "all 32 metrics, eight periods (Overview)", f"{seconds:.2f} s"))
            for title, page in PAGES.items():
                cold, warm = render(db, page)
                rows.append((name, f"{title} page, cold cache / cached (AppTest)", f"{cold:.2f} s / {warm:.2f} s"))
            for title in ("Overview", "Funding"):
                cold, warm = render(db, PAGES[title], community=True)
                what = f"{title} page, community-safe view, cold / cached"
                rows.append((name, what, f"{cold:.2f} s / {warm:.2f} s"))
        seconds, _ = timed(lambda: bundle.write(sample_db, year, Path(tmp) / "report"), repeat=1)
        rows.append(("sample", "community report bundle (HTML, PDF, 5 charts as PNG+SVG)", f"{seconds:.2f} s"))
        seconds, _ = timed(lambda: bundle.write(sample_db, year, Path(tmp) / "report2"), repeat=1)
        rows.append(("sample", "the same again, Chromium already running", f"{seconds:.2f} s"))
        figure = go.Figure(go.Bar(x=list("abcdefgh"), y=list(range(8))), layout=dict(title="Bench"))
        seconds, _ = timed(lambda: export.png(figure), repeat=5)
        rows.append(("-", "one chart as a newsletter PNG (warm)", f"{seconds:.2f} s"))
        for scale in scales:
            db, _ = database_for(scale)
            copy = Path(tmp) / f"{scale}-copy.duckdb"
            copy.write_bytes(db.read_bytes())
            small = write_small(Path(tmp))
            seconds, _ = timed(lambda copy=copy, small=small: preview(copy, small), repeat=1)
            rows.append((scale, "preview a small import (5 engagements, 1 partner; Data page)", f"{seconds:.2f} s"))
            seconds, done = timed(lambda copy=copy, small=small: import_files(copy, small), repeat=1)
            rows.append((scale, "a small import into it (copy, journal, snapshot, swap)", f"{seconds:.2f} s"))
            note = Path(tmp) / "notes.csv"
            note.write_text(
                f"note_id,metric_id,start_date,end_date,text\nN-1,engagement_count,{year.start},{year.end},Bench\n"
            )
            assert import_files(copy, [note]).ok
            seconds, _ = timed(lambda copy=copy, done=done: history.restore(copy, done.write_id), repeat=1)
            rows.append((scale, "restore to just after the small import (undo one write)", f"{seconds:.2f} s"))
            seconds, _ = timed(lambda copy=copy, done=done: history.restore(copy, done.write_id - 1), repeat=1)
            rows.append((scale, "restore to before the small import (undo three writes)", f"{seconds:.2f} s"))
            out = Path(tmp) / f"{scale}-export"
            seconds, _ = timed(lambda copy=copy, out=out: exporter.export(copy, out), repeat=1)
            rows.append((scale, "export every table as CSV", f"{seconds:.2f} s"))

    width = max(len(r[1]) for r in rows)
    print(f"{'database':<8}  {'what':<{width}}  time")
    for name, what, value in rows:
        print(f"{name:<8}  {what:<{width}}  {value}")


if __name__ == "__main__":
    main()
