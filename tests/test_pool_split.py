"""The guarding test's pool-split case (shared/METRICS.md, community rule 6; see tests/test_community_guard.py): two
foundations whose records differ only in how the "Other partners" pool's money is split among its members
(tests/pool_split.py, the two attacks of issue 21) get identical community outputs: `cli.py metrics --community`
(JSON and text), summary.json, the report's HTML and PDF text, every page of the community-safe view and every
Present slide, and the community report's e-mail. The internal numbers of the twins differ (the check would catch a
difference), and the statistics of the money still show, worked out from the published cells.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import json
import re
import shutil
from datetime import date

import pytest

import cli
from charts import catalogue
from lens import Direct, Lens, View
from metrics import Period
from reports import bundle, content, render
from store import database
from tests import pool_split
from tests import test_community_guard as guard
from tests.browser import chromium_missing
from tests.conftest import each_section

Y2025 = Period(date(2025, 1, 1), date(2025, 12, 31))
Q2_2025 = Period(date(2025, 4, 1), date(2025, 6, 30))
PERIODS = {"2025": Y2025, "Q2 2025": Q2_2025}
# The pages of the community-safe view: the guarding test's list (one place), with the reports page; Present's
# slides have their own case.
PAGES = [p for p in dict.fromkeys([*guard.PAGES, "pages/reports.py"]) if p != "pages/present.py"]
SLIDES = range(1, 8)
STATISTICS = ("funding_hhi", "funding_top_partner_share", "funding_industry_share")
needs_chromium = pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "")


@pytest.fixture(scope="module", params=list(pool_split.CASES))
def twins(request, tmp_path_factory):
    """The two databases of a case: the pool split one way ("a") and the other ("b")."""
    folder = tmp_path_factory.mktemp(f"split-{request.param}")
    return {twin: pool_split.build(folder / twin, request.param, twin) for twin in ("a", "b")}


def cli_metrics(db, period: Period, *extra: str) -> str:
    """What `cli.py metrics` prints, run in this process (the guarding test runs it as its own process)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(
            ["metrics", "--db", str(db), "--start", period.start.isoformat(), "--end", period.end.isoformat(), *extra]
        )
    assert status == 0, out.getvalue()
    return out.getvalue()


def test_the_twins_differ_inside_the_pool_only_and_their_internal_numbers_tell_them_apart(twins):
    # Without rule 6 the outputs would differ: the concentration index over every funder is not the same.
    internal = [json.loads(cli_metrics(twins[t], Y2025, "--json"))["metrics"] for t in ("a", "b")]
    assert internal[0]["funding_inbound_total"] == internal[1]["funding_inbound_total"]
    assert internal[0]["funding_hhi"] != pytest.approx(internal[1]["funding_hhi"])


@pytest.mark.parametrize("period", list(PERIODS))
def test_the_command_line_community_metrics_are_the_same(twins, period):
    shown = [cli_metrics(twins[t], PERIODS[period], "--json", "--community") for t in ("a", "b")]
    assert shown[0] == shown[1]
    payload = json.loads(shown[0])
    for metric_id in STATISTICS:  # shown, from the cells, and saying so
        assert isinstance(payload["metrics"][metric_id], float), metric_id
        assert "as one funder of no sector" in payload["community_safe"]["caveats"][metric_id]
    words = [cli_metrics(twins[t], PERIODS[period], "--community") for t in ("a", "b")]
    assert words[0] == words[1]


def report_of(db, period: Period):
    with database.read(db) as con:
        return content.build(con, period)


@pytest.mark.parametrize("period", list(PERIODS))
def test_summary_json_and_the_report_html_are_the_same(twins, period):
    reports = [report_of(twins[t], PERIODS[period]) for t in ("a", "b")]
    summaries = [json.dumps(r.summary, indent=2, ensure_ascii=False, default=str) for r in reports]
    assert summaries[0] == summaries[1]
    # The charts' figures stand in for their SVGs (drawing those needs a browser): every number of them is there.
    pages = [render.html(r, {c.name: c.figure.to_json() for c in r.charts}) for r in reports]
    assert pages[0] == pages[1]
    assert "as one funder of no sector" in pages[0]


def shown_on(at) -> list[str]:
    """What a page shows (the guarding test's texts), without the ids Streamlit draws at random for each run."""
    return [re.sub(r'deferred_file_id: "\w+"', "deferred_file_id", t) for t in guard.texts(at)]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_the_community_view_is_the_same(app, twins, page):
    shown = []
    for twin in ("a", "b"):
        at = guard.open_page(app, twins[twin], page, Y2025)
        seen = {}
        for section in each_section(at, page):
            assert not at.exception, [e.message for e in at.exception]
            seen[section] = shown_on(at)
        shown.append(seen)
    assert shown[0].keys() == shown[1].keys()
    for section in shown[0]:
        assert shown[0][section] == shown[1][section], (page, section)


@pytest.mark.parametrize("slide", SLIDES)
def test_every_present_slide_of_the_community_view_is_the_same(app, twins, slide):
    shown = [shown_on(guard.open_page(app, twins[t], "pages/present.py", Y2025, slide=str(slide))) for t in "ab"]
    assert shown[0] == shown[1]


@pytest.mark.browser
@needs_chromium
def test_the_report_pdf_is_the_same(twins, tmp_path):
    texts = [guard.pdf_text(bundle.write(twins[t], Y2025, tmp_path / t).pdf) for t in ("a", "b")]
    assert texts[0] == texts[1]


@pytest.mark.browser
@needs_chromium
def test_the_community_report_by_e_mail_is_the_same(twins, tmp_path):
    # As the guarding test sends it: `cli.py deliver --dry-run`'s message, its subject and body.
    from delivery import deliver

    bodies = []
    for twin in ("a", "b"):
        db = tmp_path / f"{twin}.duckdb"  # sending records what was sent: a copy, so the twins stay as built
        shutil.copyfile(twins[twin], db)
        conf = tmp_path / f"{twin}.toml"
        conf.write_text(
            '[smtp]\nhost = "127.0.0.1"\nsender = "impact@example.org"\n[[subscriptions]]\nname = "community"\n'
            'send = "community_report"\nperiod = "last_full_year"\nto = ["news@example.org"]\n',
            encoding="utf-8",
        )
        (outcome,) = deliver.run(db, conf, today=date(2026, 1, 10), dry_run=tmp_path / f"outbox-{twin}")
        message = email.message_from_bytes(outcome.files[0].read_bytes(), policy=email.policy.default)
        bodies.append((message["Subject"], message.get_body(("plain",)).get_content()))
    assert bodies[0] == bodies[1]
    assert "as one funder of no sector" in bodies[0][1]


def test_every_public_download_of_the_community_view_is_the_same(twins):
    # The numbers (CSV) behind every chart offered for a newsletter or the public; its images are drawn from them.
    numbers = []
    for twin in ("a", "b"):
        with database.read(twins[twin]) as con:
            lens = Lens(Direct(con), View(Y2025, community=True))
            numbers.append({name: catalogue.draw(name, lens, figure=False).numbers.to_csv() for name in guard.PUBLIC})
    assert numbers[0] == numbers[1]


def test_a_lens_of_the_twins_gives_the_same_numbers_for_every_period_of_the_trend(twins):
    # The trend charts read the metrics of every period they draw: the same in both twins, as the cells are.
    series = []
    for twin in ("a", "b"):
        with database.read(twins[twin]) as con:
            series.append(list(Lens(Direct(con), View(Y2025, community=True)).series(list(STATISTICS))))
    assert series[0] == series[1]
