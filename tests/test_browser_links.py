"""Links in a real browser: a shared link opened first on a server started with plain `streamlit run dashboard.py`,
Back undoing one change in one press, the filters staying across pages, and the comparison kept in the link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import browser_marks, streamlit_server, wait_for_app

pytestmark = browser_marks()
MAIN = "[data-testid='stMain']"


@pytest.fixture(scope="module")
def plain(sample_db, chromium):
    """The dashboard as most hosting starts it: `streamlit run dashboard.py`, with pages/ beside it."""
    with streamlit_server(sample_db, plain=True) as url:
        yield url


def opened(chromium, url: str):
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    page.goto(url)
    wait_for_app(page)
    return page


def nav(page, title: str) -> None:
    page.locator(".st-key-nav a", has_text=title).click()
    wait_for_app(page)


def test_a_shared_link_opens_its_page_and_filters_on_a_fresh_plain_server(plain, chromium):
    # The first request this server sees: Streamlit would run pages/funding.py without the frame.
    page = opened(chromium, f"{plain}/funding?period=year&year=2024&sector=pharma")
    try:
        main = page.locator(MAIN)
        expect(main).to_contain_text("Funding")
        expect(main).to_contain_text("2024 (1 Jan 2024 to 31 Dec 2024), compared with 2023")
        expect(main).to_contain_text("Filtered to sector pharma")
        assert "KeyError" not in page.inner_text("body")
        assert page.locator("[data-testid='stException']").count() == 0
        expect(page).to_have_url(re.compile(re.escape("/funding?period=year&year=2024&sector=pharma") + "$"))
        # The frame is there: its navigation and the period chosen in the link.
        expect(page.locator(".st-key-nav a", has_text="Overview")).to_be_visible()
    finally:
        page.close()


def test_back_undoes_one_change_in_one_press_and_filters_stay_across_pages(plain, chromium):
    page = opened(chromium, f"{plain}/?period=year&year=2024&sector=pharma")
    try:
        nav(page, "Engagement")  # another page: the filters go with it
        expect(page).to_have_url(re.compile(re.escape("/engagement?period=year&year=2024&sector=pharma") + "$"))
        nav(page, "Overview")
        page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
        page.get_by_role("option", name="Year to date").click()
        wait_for_app(page)
        expect(page).to_have_url(re.compile("period=year-to-date"))
        page.go_back()
        wait_for_app(page)
        expect(page).to_have_url(re.compile(re.escape("/?period=year&year=2024&sector=pharma") + "$"))
        expect(page.locator(MAIN)).to_contain_text("2024 (1 Jan 2024 to 31 Dec 2024)")
        page.go_back()
        wait_for_app(page)
        expect(page).to_have_url(re.compile(re.escape("/engagement?period=year&year=2024&sector=pharma") + "$"))
        expect(page.locator(MAIN)).to_contain_text("Engagement")
    finally:
        page.close()


def test_the_same_period_a_year_earlier_is_kept_in_the_link(plain, chromium):
    page = opened(chromium, f"{plain}/?period=last-full-quarter&compare=year")
    try:
        # Today's last full quarter has no records in the sample: the page says so instead of showing zeros.
        expect(page.locator(MAIN)).to_contain_text("No records yet for")
        page.goto(f"{plain}/?period=custom&from=2025-07-01&to=2025-09-30&compare=year")
        wait_for_app(page)
        main = page.locator(MAIN)
        expect(main).to_contain_text("compared with the same period a year earlier, Q3 2024")
        expect(main.get_by_text("vs Q3 2024").first).to_be_visible()
        expect(page).to_have_url(re.compile("compare=year"))
    finally:
        page.close()


def test_a_plain_server_beyond_localhost_without_sign_in_shows_no_data_and_says_why(sample_db, chromium, tmp_path):
    # serve.py refuses this start; a plain `streamlit run` cannot, so the dashboard itself gives no one a role.
    beyond = ("--server.address", "0.0.0.0", "--secrets.files", str(tmp_path / "no-secrets.toml"))
    with streamlit_server(sample_db, plain=True, args=beyond) as url:
        page = opened(chromium, f"{url}/funding?period=year&year=2024")
        try:
            expect(page.get_by_text("is served on 0.0.0.0 without sign-in, so it shows nothing")).to_be_visible()
            expect(page.get_by_test_id("stMetric")).to_have_count(0)
            expect(page.locator(".st-key-nav")).to_have_count(0)
            expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        finally:
            page.close()
