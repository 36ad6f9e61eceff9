"""The Data page in Debian's Chromium: upload files, see the preview and the problems, apply an import, see it on
the Overview at the next click, and put the data back from the History."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from store.importer import import_files
from tests.browser import browser_marks, streamlit_server, wait_for_app
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
PERIOD = "period=custom&from=2025-01-01&to=2025-12-31"  # a fixed period: nothing depends on today's date
TABS = ["Import", "Templates", "Edits", "History", "Export", "Access", "Deliveries"]  # local mode: as an admin
pytestmark = browser_marks()


@pytest.fixture
def foundation(tmp_path):
    """A small foundation: two partners (Cedar Devices confidential) and one touchpoint in 2025, imported as
    write 1."""
    first = tmp_path / "first"
    first.mkdir()
    (first / "partners.csv").write_text(
        "partner_id,name,sector,confidential\nP1,Acme Pharma,pharma,false\nP2,Cedar Devices,medtech,true\n"
    )
    (first / "engagements.csv").write_text("engagement_id,date,type,partner_ids\nE1,2025-03-01,webinar,P1\n")
    db = tmp_path / "live.duckdb"
    result = import_files(db, sorted(first.iterdir()))
    assert result.ok and result.write_id == 1
    return db


def upload(page, *paths) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(p) for p in paths])


def touchpoints(page):
    return page.locator('[data-testid="stMetric"]', has_text="Touchpoints").locator('[data-testid="stMetricValue"]')


def go_to(page, name: str, path: str) -> None:
    """Opens a page from the sidebar's navigation (the session and its period carry over)."""
    page.locator(".st-key-nav").get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(rf"/{path}\?"))
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text(name)


def test_a_bad_file_shows_its_problems_and_cannot_be_applied(foundation, tmp_path, chromium):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "engagements.csv").write_text(
        "engagement_id,date,type,partner_ids\nE2,2025-02-31,webinar,P1\nE3,2025-05-01,site_visit,NOPE\n"
    )
    with streamlit_server(foundation) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 1000})
        page.goto(f"{url}/data?{PERIOD}")
        wait_for_app(page)
        upload(page, bad / "engagements.csv")
        expect(page.get_by_text("2 problems in these files")).to_be_visible(timeout=30_000)
        problems = page.locator('[data-testid="stTable"]')
        expect(problems.get_by_text("'2025-02-31' is not a real calendar date")).to_be_visible()
        expect(problems.get_by_text("'NOPE' is not a known partner", exact=False)).to_be_visible()
        expect(page.get_by_role("button", name="The problems as CSV")).to_be_visible()
        expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)
        assert page.locator('[data-testid="stException"]').count() == 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "data-problems-1366x1000.png")
        page.close()


def test_a_file_whose_table_is_unclear_asks_which_then_previews_with_the_choice(foundation, tmp_path, chromium):
    (tmp_path / "crm-export.csv").write_text("partner_id,name,country\nP9,Zeta Labs,France\n")
    with streamlit_server(foundation) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 1000})
        page.goto(f"{url}/data")
        wait_for_app(page)
        upload(page, tmp_path / "crm-export.csv")
        expect(page.get_by_text("Some files do not say which table they hold")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Choose the table of each file above")).to_be_visible()
        page.get_by_label(re.compile("^Which table does .crm-export.csv. hold")).click()
        page.get_by_role("option", name="partners", exact=True).click()
        problems = page.locator('[data-testid="stTable"]')
        expect(problems.get_by_text("the required column 'sector' is missing from the header row")).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()


def test_an_import_applied_shows_at_the_next_click_and_the_history_puts_it_back(foundation, tmp_path, chromium):
    good = tmp_path / "good"
    good.mkdir()
    (good / "partners.csv").write_text("partner_id,name,sector,confidential\nP2,Cedar Devices,medtech,false\n")
    (good / "engagements.csv").write_text(
        "engagement_id,date,type,partner_ids\nE2,2025-04-01,webinar,P1\nE3,2025-05-01,site_visit,P2\n"
    )
    with streamlit_server(foundation) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 1000})
        page.goto(f"{url}/?{PERIOD}")
        wait_for_app(page)
        expect(touchpoints(page)).to_have_text("1")

        go_to(page, "Data", "data")
        upload(page, good / "partners.csv", good / "engagements.csv")
        expect(
            page.get_by_text(
                "Partner P2 Cedar Devices: confidential true → false: it will be named in community outputs, the "
                "community report included"
            )
        ).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Engagements: 2 new")).to_be_visible()
        expect(page.get_by_text("Partners: 1 updated")).to_be_visible()
        page.get_by_role("button", name="Apply the import").click()
        expect(page.get_by_text("It is write 2 in the history")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)

        go_to(page, "Overview", "")
        expect(touchpoints(page)).to_have_text("3")

        go_to(page, "Data", "data")
        page.get_by_role("tab", name="History").click()
        page.get_by_label("Write", exact=True).click()
        page.get_by_role("option", name=re.compile(r"^Write 1 · Import")).click()
        page.get_by_role("button", name="Put the data back to just after this write").click()
        expect(page.get_by_text("The restore is itself a new write")).to_be_visible()
        page.get_by_role("button", name="Yes, put the data back").click()
        expect(page.get_by_text("This restore is write 3")).to_be_visible(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0

        go_to(page, "Overview", "")
        expect(touchpoints(page)).to_have_text("1")
        page.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_every_section_of_the_data_page_opens_with_no_error_and_is_screenshotted(sample_db, chromium, size):
    with streamlit_server(sample_db) as url:
        page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
        page.goto(f"{url}/data")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == "Data"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for tab in TABS:
            page.get_by_role("tab", name=tab).click()
            expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
            assert page.locator('[data-testid="stException"]').count() == 0, tab
            assert page.get_by_text("Something unexpected").count() == 0, tab
            page.screenshot(path=ARTIFACTS / f"data-{tab.lower()}-{size[0]}x{size[1]}.png")
        page.close()
