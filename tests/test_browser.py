"""Real-browser checks: the dashboard served by `streamlit run`, driven in Debian's Chromium."""

from __future__ import annotations

import os

import pytest

from tests.browser import browser, chromium_missing, streamlit_server, wait_for_app
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
reason = chromium_missing()
if reason and os.environ.get("REQUIRE_BROWSER"):
    raise RuntimeError(reason)
pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(reason), reason=reason or "")]


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def served(sample_db, chromium):
    with streamlit_server(sample_db) as url:
        yield url, chromium


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_the_overview_loads_with_no_error_and_is_screenshotted(served, width, height):
    url, b = served
    page = b.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text() == "Overview"
    assert page.locator('[data-testid="stMetric"]').count() == 8
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"overview-{width}x{height}.png", full_page=True)
    page.close()


def test_changing_the_period_updates_the_numbers(served):
    url, b = served
    page = b.new_page(viewport={"width": 1366, "height": 768})
    page.goto(url)
    wait_for_app(page)
    before = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Calendar year").click()
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
    page.get_by_role("option", name="2018").click()
    wait_for_app(page)
    after = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert (
        "2018: 1 Jan 2018 to 31 Dec 2018"
        in page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    )
    assert after != before
    page.close()


def test_an_import_shows_at_the_next_interaction_without_a_restart(tmp_path, chromium):
    import shutil
    import subprocess
    import sys

    db = tmp_path / "live.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    (first / "partners.csv").write_text("partner_id,name,sector\nP1,Acme,pharma\n")
    (first / "engagements.csv").write_text("engagement_id,date,type,partner_ids\nE1,2025-03-01,webinar,P1\n")
    cli = [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db)]
    assert subprocess.run([*cli, *map(str, first.iterdir())]).returncode == 0
    with streamlit_server(db) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        page.goto(url)
        wait_for_app(page)
        touchpoints = page.locator('[data-testid="stMetric"]', has_text="Touchpoints").locator(
            '[data-testid="stMetricValue"]'
        )
        assert touchpoints.inner_text() == "1"
        more = tmp_path / "more"
        more.mkdir()
        shutil.copy(first / "partners.csv", more / "partners.csv")
        (more / "engagements.csv").write_text(
            "engagement_id,date,type,partner_ids\nE2,2025-04-01,webinar,P1\nE3,2025-05-01,site_visit,P1\n"
        )
        done = subprocess.run([*cli, str(more / "engagements.csv")], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr  # the server holds no connection that blocks the import
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="Calendar year").click()
        wait_for_app(page)
        assert touchpoints.inner_text() == "3"
        page.close()
