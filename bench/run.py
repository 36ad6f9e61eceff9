"""The benchmark: import, metric and page-render times on the sample and on a large database.

Measures, never asserts. `make bench` prints a table for the sample, the 1-million-engagement database and the
10-million one (each built once into bench/data, which git ignores): the metrics in process and as a whole
`cli.py metrics` process against a bare DuckDB join, peak memory, each page's first and cached render (each page in
a process of its own), a page opening and a click in Chromium, and the writes (a small valid import, a one-row one,
restores, export). `--scale large` alone leaves out the 10-million one. The machine is shared: compare ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

import settings  # noqa: E402
from charts import export  # noqa: E402
from metrics import METRICS, Period, compute_many  # noqa: E402
from reports import bundle  # noqa: E402
from samples import scaled  # noqa: E402
from store import database, exporter, history  # noqa: E402
from store.importer import import_files, preview  # noqa: E402
from ui import navigation  # noqa: E402

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


PAGES = {page.title: page.path for page in navigation.PAGES}  # every page of the navigation (ui/navigation.py)


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


def process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Runs a process to its end: its wall seconds, its peak resident memory in GB, and its standard output."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}")
    return seconds, usage.ru_maxrss / 1e6, out  # ru_maxrss is in kilobytes on Linux


BARE = """\
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute(
    "SELECT count(DISTINCT ep.partner_id) FROM engagements AS e "
    "JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id "
    "WHERE e.date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'"
).fetchall())
"""


def cli_against_bare(db: Path, repeat: int = 3) -> tuple[float, float, float]:
    """Seconds of a whole `cli.py metrics` process for 2025 and of a process running one bare DuckDB join and
    count-distinct over the same tables (medians), and the metrics process's peak memory in GB."""
    cli, bare, memory = [], [], 0.0
    for _ in range(repeat):
        seconds, peak, _ = process(
            [sys.executable, "cli.py", "metrics", "--db", str(db), "--start", "2025-01-01", "--end", "2025-12-31"]
        )
        cli.append(seconds)
        memory = max(memory, peak)
        bare.append(process([sys.executable, "-c", BARE, str(db)])[0])
    return statistics.median(cli), statistics.median(bare), memory


def pandas_against_cli(db: Path, repeat: int = 3) -> tuple[float, float, float, bool]:
    """Seconds of a whole process computing the same metrics for 2025 in plain pandas over Parquet
    (bench/pandas_metrics.py: read the contract's tables, exported once into bench/data/<db>-parquet, then compute)
    and of a whole `cli.py metrics --json` process, run in turns (medians); the pandas process's peak memory in GB;
    and whether both printed the same JSON."""
    from bench import pandas_metrics

    folder = pandas_metrics.export_parquet(db, pandas_metrics.parquet_folder(db))
    period = ["--start", "2025-01-01", "--end", "2025-12-31"]
    pandas, cli, memory, same = [], [], 0.0, True
    for _ in range(repeat):
        seconds, _, want = process([sys.executable, "cli.py", "metrics", "--db", str(db), *period, "--json"])
        cli.append(seconds)
        seconds, peak, got = process([sys.executable, "bench/pandas_metrics.py", "--folder", str(folder), *period])
        pandas.append(seconds)
        memory, same = max(memory, peak), same and got == want
    return statistics.median(pandas), statistics.median(cli), memory, same


def render_in_process(db: Path, page: str) -> tuple[float, float, float]:
    """A page's cold and cached render (AppTest) in a process of its own: seconds, seconds, and its peak memory in
    GB (the dashboard's process serves every page, so the page's own peak is what a server must have room for)."""
    _, peak, out = process([sys.executable, str(Path(__file__)), "--render", str(db), page])
    cold, warm = (float(x) for x in out.split()[-2:])
    return cold, warm, peak


def chromium_clicks(db: Path, repeat: int = 3) -> list[tuple[str, float]]:
    """In Chromium against a served dashboard: seconds from opening the Overview to its being ready (the script done
    and the charts drawn), and from a click (a filter, the period, each other page) to the page being ready again.

    A click is timed as a person sees it: from the browser's input event (the pointer going down on the option or
    the link) to the next frame painted once the page is ready, both on the page's own clock. The time the test
    driver takes to find, scroll to and press the element (some 0.1 to 0.2 s, which no person's click has) is left
    out; so is opening a drop-down, which the browser does alone."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.browser import browser, streamlit_server

    ready_js = """() => {
        const app = document.querySelector('[data-testid="stApp"]');
        return app && app.getAttribute('data-test-script-state') === 'notRunning'
            && !document.querySelector('[data-testid="stSkeleton"]');
    }"""
    # Resolves, with the page's clock, once the browser paints the next frame: after the charts' drawing, which
    # holds its main thread.
    painted = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(() => done(performance.now()), 0)))"
    # Counts the runs of the script that end, from each change of the app's script state as it was recorded (a
    # quick rerun goes from running to notRunning within one batch of the observer's records: reading the state
    # when the batch arrives would miss it, and wait forever); and keeps the time of the latest pointer press.
    watch = """() => {
        window.__done = 0;
        window.__pressed = null;
        document.addEventListener('pointerdown', (e) => { window.__pressed = e.timeStamp; }, {capture: true});
        new MutationObserver((records) => {
            for (const r of records) if (r.oldValue === 'running') window.__done += 1;
        }).observe(document.body, {attributes: true, subtree: true, attributeOldValue: true,
                                   attributeFilter: ['data-test-script-state']});
    }"""

    def after(page, click, prepare=None) -> float:
        """Seconds from the pointer press that changes something to the page being painted ready again; prepare
        (opening a drop-down, which the browser does alone) is not counted."""
        if prepare:
            prepare()
        done = page.evaluate("() => { window.__pressed = null; return window.__done; }")
        click()
        try:
            page.wait_for_function(f"() => window.__done > {done}", timeout=15_000)
        except PlaywrightTimeout:
            # A press that lands while the element is being drawn again is sometimes lost (no run starts): the
            # bench presses again, and times from that press.
            click()
            page.wait_for_function(f"() => window.__done > {done}", timeout=120_000)
        page.wait_for_function(ready_js, timeout=120_000)
        end = page.evaluate(painted)
        return (end - page.evaluate("() => window.__pressed")) / 1000

    def opened_on(box, option) -> None:
        """Opens a drop-down and waits for the option to show (what the browser does alone, not timed). A box at
        the foot of the screen sometimes takes the press as a focus only: it is pressed again then."""
        for _ in range(3):
            box.scroll_into_view_if_needed()
            box.click()
            try:
                option.wait_for(state="visible", timeout=5_000)
                return
            except PlaywrightTimeout:
                box.page.keyboard.press("Escape")
        option.wait_for(state="visible", timeout=5_000)

    # A full-screen page (Present) hides the sidebar's links: there is no link on it to click to the next page.
    others = [p.title for p in navigation.PAGES if p is not navigation.DEFAULT and not p.full_screen]
    times: dict[str, list[float]] = {}
    with streamlit_server(db, timeout=120) as url, browser() as b:
        # One browser context for every round, as one person's browser: Streamlit's components are fetched once.
        context = b.new_context(viewport={"width": 1366, "height": 768})
        for attempt in range(repeat + 1):  # the first round warms the server's caches and is not counted
            page = context.new_page()
            page.goto(f"{url}/?period=year&year=2025")
            page.wait_for_function(ready_js, timeout=120_000)
            page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
            measured = [("open the Overview (a new tab), until ready", page.evaluate(painted) / 1000)]
            page.evaluate(watch)
            sector = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
            pharma = page.get_by_role("option", name="Pharma", exact=True)
            filtered = after(page, pharma.click, prepare=lambda box=sector, option=pharma: opened_on(box, option))
            measured.append(("click: a sector filter, until ready", filtered))
            page.keyboard.press("Escape")
            page.get_by_role("listbox").wait_for(state="detached")  # the sector's drop-down closed
            year = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1)
            y2024 = page.get_by_role("option", name="2024", exact=True)
            period = after(page, y2024.click, prepare=lambda box=year, option=y2024: opened_on(box, option))
            measured.append(("click: another year, until ready", period))
            for title in [*others, navigation.DEFAULT.title]:
                nav = page.locator(".st-key-nav a", has_text=title).first
                measured.append((f"click: another page ({title}), until ready", after(page, nav.click)))
            page.close()
            if attempt:
                for what, seconds in measured:
                    times.setdefault(what, []).append(seconds)
    return [(what, statistics.median(values)) for what, values in times.items()]


def database_for(scale: str) -> tuple[Path, float | None]:
    """The benchmark database of a scale, built once and kept in bench/data (not committed)."""
    DATA.mkdir(parents=True, exist_ok=True)
    db = DATA / f"{scale}-v{database.SCHEMA_VERSION}.duckdb"  # rebuilt when the schema changes
    if db.exists():
        # A file built before the schema gained a table is brought up to it once, here, as a foundation's file is at
        # its first write: else every write the bench times would be that upgrade (a copy of the whole file).
        with duckdb.connect(str(db), read_only=True) as con:
            complete = database._complete(con)
        if not complete:
            database.upgrade(db)
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
    parser.add_argument("--scale", action="append", choices=("large", "xl"), help="default: large and xl")
    parser.add_argument("--no-browser", action="store_true", help="leave out the Chromium timings")
    parser.add_argument("--render", nargs=2, metavar=("DB", "PAGE"), help=argparse.SUPPRESS)  # one page, in a process
    args = parser.parse_args()
    if args.render:
        cold, warm = render(Path(args.render[0]), args.render[1])
        print(f"{cold:.4f} {warm:.4f}")
        return
    scales = args.scale or ["large", "xl"]
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
                rows.append((name, f"all {len(METRICS)} metrics, one period", f"{seconds:.2f} s"))
                seconds, _ = timed(lambda con=con: compute_many(con, year.back(8)))
                rows.append((name, f"all {len(METRICS)} metrics, eight periods (Overview)", f"{seconds:.2f} s"))
            if name != "sample":
                cli, bare, memory = cli_against_bare(db)
                what = "a cli.py metrics process / a bare DuckDB join + count-distinct process"
                rows.append((name, what, f"{cli:.2f} s / {bare:.2f} s = {cli / bare:.1f}x"))
                rows.append((name, "peak memory, cli.py metrics", f"{memory:.2f} GB"))
                pandas, cli, memory, same = pandas_against_cli(db)
                what = f"the same {len(METRICS)} metrics: a pandas-over-Parquet process / a cli.py metrics process"
                differ = "" if same else " (their values differ!)"
                rows.append((name, what, f"{pandas:.2f} s / {cli:.2f} s = {pandas / cli:.1f}x{differ}"))
                rows.append((name, "peak memory, pandas over Parquet", f"{memory:.2f} GB"))
            for title, page in PAGES.items():
                cold, warm, memory = render_in_process(db, page)
                what = f"{title} page, cold cache / cached (AppTest) / peak memory"
                rows.append((name, what, f"{cold:.2f} s / {warm:.2f} s / {memory:.2f} GB"))
            for page in navigation.seen_by("public", community=True):
                cold, warm = render(db, page.path, community=True)
                what = f"{page.title} page, community-safe view, cold / cached"
                rows.append((name, what, f"{cold:.2f} s / {warm:.2f} s"))
        if not args.no_browser:
            from tests.browser import chromium_missing

            why = chromium_missing()
            if why:
                rows.append(("sample", "Chromium timings", f"left out: {why}"))
            else:
                for what, seconds in chromium_clicks(sample_db):
                    rows.append(("sample", f"Chromium: {what}", f"{seconds:.2f} s"))
        seconds, _ = timed(lambda: bundle.write(sample_db, year, Path(tmp) / "report"), repeat=1)
        rows.append(("sample", "community report bundle (HTML, PDF, 5 charts as PNG+SVG)", f"{seconds:.2f} s"))
        seconds, _ = timed(lambda: bundle.write(sample_db, year, Path(tmp) / "report2"), repeat=1)
        rows.append(("sample", "the same again, Chromium already running", f"{seconds:.2f} s"))
        figure = go.Figure(go.Bar(x=list("abcdefgh"), y=list(range(8))), layout=dict(title="Bench"))
        seconds, _ = timed(lambda: export.png(figure), repeat=5)
        rows.append(("-", "one chart as a newsletter PNG (warm)", f"{seconds:.2f} s"))
        for scale in ["sample", *scales]:
            db = sample_db if scale == "sample" else database_for(scale)[0]
            copy = Path(tmp) / f"{scale}-copy.duckdb"
            shutil.copyfile(db, copy)
            with open(copy, "rb+") as fh:  # on disk, as a database at rest is: a write's checkpoint flushes its own
                os.fsync(fh.fileno())
            small = write_small(Path(tmp) / f"{scale}-small")
            seconds, result = timed(lambda copy=copy, small=small: preview(copy, small), repeat=1)
            if not result.ok:
                raise RuntimeError(f"the small import is refused: {[str(p) for p in result.problems]}")
            rows.append((scale, "preview a small import (5 engagements, 1 partner; Data page)", f"{seconds:.2f} s"))
            seconds, done = timed(lambda copy=copy, small=small: import_files(copy, small), repeat=1)
            if not done.ok or done.counts["engagements"].new != 5:
                raise RuntimeError(f"the small import did not land: {[str(p) for p in done.problems]}")
            rows.append((scale, "a small import into it (in place: journal, one transaction)", f"{seconds:.2f} s"))
            note = Path(tmp) / f"{scale}-small" / "notes.csv"
            note.write_text(
                f"note_id,metric_id,start_date,end_date,text\nN-1,engagement_count,{year.start},{year.end},Bench\n"
            )
            seconds, noted = timed(lambda copy=copy, note=note: import_files(copy, [note]), repeat=1)
            assert noted.ok, [str(p) for p in noted.problems]
            rows.append((scale, "a one-row import (one note)", f"{seconds:.2f} s"))
            seconds, _ = timed(lambda copy=copy, done=done: history.restore(copy, done.write_id), repeat=1)
            rows.append((scale, "restore to just after the small import (undo one write)", f"{seconds:.2f} s"))
            seconds, _ = timed(lambda copy=copy, done=done: history.restore(copy, done.write_id - 1), repeat=1)
            rows.append((scale, "restore to before the small import (undo three writes)", f"{seconds:.2f} s"))
            out = Path(tmp) / f"{scale}-export"
            seconds, _ = timed(lambda copy=copy, out=out: exporter.export(copy, out), repeat=1)
            rows.append((scale, "export every table as CSV", f"{seconds:.2f} s"))
            for kept in database.snapshots(copy):
                kept.unlink()
            copy.unlink()

    width = max(len(r[1]) for r in rows)
    print(f"{'database':<8}  {'what':<{width}}  time")
    for name, what, value in rows:
        print(f"{name:<8}  {what:<{width}}  {value}")


if __name__ == "__main__":
    main()
