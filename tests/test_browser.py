"""Real-browser checks: the dashboard served on localhost, driven in Debian's Chromium through Playwright."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser import PAGES, browser_marks, streamlit_server, wait_for_app
from tests.conftest import ROOT
from ui import navigation

ARTIFACTS = ROOT / "tests" / "artifacts"
TITLES = {page.url_path: page.title for page in navigation.PAGES}
FULL_SCREEN = {page.url_path for page in navigation.PAGES if page.full_screen}  # Present: its slides, no heading
pytestmark = browser_marks()


@pytest.fixture(scope="module")
def served(sample_db, chromium):
    with streamlit_server(sample_db) as url:
        yield url


def open_page(chromium, url: str, width: int = 1366, height: int = 768):
    page = chromium.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    wait_for_app(page)
    return page


# The traces' y values of the chart drawn with a key (its element's class st-key-KEY), or null while it is not
# there. By its key, not its place: while a rerun replaces the page's elements, the first chart on the page may
# for a moment be another one.
CHART_DATA = """key => {
    const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    return plot && plot._fullData ? plot._fullData.map(t => Array.from(t.y || t.x)) : null;
}"""


def chart_data(page, key: str) -> list | None:
    return page.evaluate(CHART_DATA, key)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_with_no_error_and_is_screenshotted(served, chromium, name, size):
    page = open_page(chromium, f"{served}/{PAGES[name]}", *size)
    assert page.locator('[data-testid="stException"]').count() == 0
    if name not in FULL_SCREEN:
        assert page.locator("h1").first.inner_text() == TITLES[name]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-{size[0]}x{size[1]}.png")
    page.close()


def test_every_page_on_an_empty_database_explains_itself(tmp_path, chromium):
    with streamlit_server(tmp_path / "none.duckdb") as url:
        for name, path in PAGES.items():
            page = open_page(chromium, f"{url}/{path}")
            assert page.locator('[data-testid="stException"]').count() == 0, name
            if name not in FULL_SCREEN:  # Present shows its slides of nothing (test_present.py)
                assert page.locator('[data-testid="stAlert"]').count() >= 1, name
            page.close()


def test_a_filter_change_updates_a_chart(served, chromium):
    page = open_page(chromium, f"{served}/funding?period=year&year=2024", 1366, 900)
    page.locator(".st-key-funding-by-quarter .js-plotly-plot").wait_for()
    before = chart_data(page, "funding-by-quarter")
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="Pharma", exact=True).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile("sector=pharma"))  # waits for the rerun, however long it takes to start
    wait_for_app(page)
    page.wait_for_function(
        f"before => {{ const now = ({CHART_DATA})('funding-by-quarter');"
        " return now !== null && JSON.stringify(now) !== JSON.stringify(before); }",
        arg=before,
    )
    after = chart_data(page, "funding-by-quarter")
    assert after != before
    assert sum(after[0]) < sum(before[0])  # pharma alone pays less than every partner together
    page.close()


def test_a_section_tab_draws_its_chart_on_a_click_and_only_the_open_section_is_drawn(served, chromium):
    page = open_page(chromium, f"{served}/?period=year&year=2024", 1366, 768)
    page.locator(".st-key-overview-funding .js-plotly-plot").wait_for()
    assert page.locator(".js-plotly-plot").count() == 1  # the story's first tab: one chart, not six
    page.get_by_role("tab", name="Partners").click()
    page.locator(".st-key-overview-partners .js-plotly-plot").wait_for()
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    expect(page.get_by_role("tab", name="Partners")).to_have_attribute("aria-selected", "true")
    assert chart_data(page, "overview-funding") is None
    assert len(chart_data(page, "overview-partners")[0]) == 8  # the eight years to 2024, a bar a year
    page.close()


# Each card's bordered box, by the card's metric: its top and its height, in pixels.
CARD_BOXES = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(metric => {
    let box = metric.parentElement;
    while (box && parseFloat(getComputedStyle(box).borderTopWidth) === 0) box = box.parentElement;
    const r = box.getBoundingClientRect();
    return [Math.round(r.top), Math.round(r.height)];
})"""


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_a_row_of_cards_is_as_tall_as_its_tallest_card(served, chromium, size):
    # The funding concentration's card says its band in words under the sparkline, a line its neighbours lack.
    page = open_page(chromium, f"{served}/?period=year&year=2025", *size)
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(8)  # every card drawn, however loaded the machine
    rows = {}
    for top, height in page.evaluate(CARD_BOXES):
        rows.setdefault(top, set()).add(height)
    assert len(rows) == 2  # eight cards, four to a row
    assert all(len(heights) == 1 for heights in rows.values()), rows
    page.close()


def test_how_is_this_computed_opens_on_a_click_with_its_definitions_and_sql(served, chromium):
    page = open_page(chromium, f"{served}/funding?period=year&year=2024", 1366, 900)
    chart = page.locator(".st-key-funding-by-quarter")
    chart.locator(".js-plotly-plot").wait_for()
    how = page.locator('[data-testid="stExpander"]', has_text="How is this computed?").first
    assert how.locator('[data-testid="stCode"]').count() == 0  # closed: nothing of it is drawn
    how.get_by_text("How is this computed?").click()
    # The click reruns the page and the content arrives: the definition in words, then the SQL that ran.
    expect(how.locator('[data-testid="stCode"]').first).to_be_visible()
    expect(how).to_contain_text("Funding received")
    expect(how).to_contain_text("SQL of funding_inbound_total")
    page.close()


def test_a_shared_link_opens_in_a_fresh_browser_exactly_as_sent(served, chromium):
    link = f"{served}/funding?period=year&year=2019&sector=pharma&sector=biotech&stage=clinical"
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(link)
    wait_for_app(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.locator('[data-testid="stSelectbox"] input').nth(0).input_value() == "A calendar year"
    assert sidebar.locator('[data-testid="stSelectbox"] input').nth(1).input_value() == "2019"
    assert "Pharma" in sidebar.locator('[data-testid="stMultiSelect"]').nth(0).inner_text()
    assert "Biotech" in sidebar.locator('[data-testid="stMultiSelect"]').nth(0).inner_text()
    assert "Clinical" in sidebar.locator('[data-testid="stMultiSelect"]').nth(2).inner_text()
    assert page.url == link
    page.get_by_role("link", name="Overview").click()
    expect(page).to_have_url(re.compile(r"/\?period=year&year=2019&sector=pharma&sector=biotech&stage=clinical$"))
    context.close()


def test_an_import_shows_at_the_next_interaction_without_a_restart(tmp_path, chromium):
    db = tmp_path / "live.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    (first / "partners.csv").write_text("partner_id,name,sector\nP1,Acme,pharma\n")
    (first / "engagements.csv").write_text("engagement_id,date,type,partner_ids\nE1,2025-03-01,webinar,P1\n")
    cli = [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db)]
    assert subprocess.run([*cli, *map(str, first.iterdir())]).returncode == 0
    with streamlit_server(db) as url:
        # A fixed period, not "last full year": the test must not depend on today's date.
        page = open_page(chromium, f"{url}/?period=custom&from=2025-01-01&to=2025-12-31")
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
        page.get_by_role("option", name="A calendar year").click()  # 2025, the records' last year
        expect(touchpoints).to_have_text("3")  # waits for the rerun that the choice starts
        page.close()
