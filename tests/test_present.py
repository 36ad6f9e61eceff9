"""The Present page (board slides) through AppTest; the slides' content; the board pack (PDF). In Chromium:
test_browser_present.py."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import settings
from charts.funding import hhi_band
from lens import Direct, Lens, View
from metrics import Filters, Period
from reports import slides
from store import database, notes
from tests import browser
from tests.conftest import ROOT

YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def app(monkeypatch):
    """The dashboard on a database, opened with the given link parameters, then switched to the Present page."""

    def make(db, **params) -> AppTest:
        monkeypatch.setenv("PARTNERSHIP_DB", str(db))
        settings.load.cache_clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        at.switch_page("pages/present.py").run()
        return at

    yield make
    settings.load.cache_clear()


def deck_of(con, period: Period, filters: Filters | None = None, community: bool = False) -> list[slides.Slide]:
    """The slides of a view, read through an open connection."""
    return slides.build(Lens(Direct(con), View(period, filters or Filters(), community=community)))


def url_slide(at: AppTest) -> str | None:
    """The slide in the address bar."""
    value = at.query_params.get("slide")
    return value[-1] if isinstance(value, list) else value


def counter(at: AppTest) -> str:
    """The slide counter shown ("3 / 7")."""
    for element in at.get("html"):
        found = re.search(r'class="slide-counter">([^<]+)<', element.proto.body)
        if found:
            return found.group(1)
    raise AssertionError("no slide counter on the page")


@pytest.mark.parametrize("which", ["sample_db", "empty_db"])
def test_next_and_previous_step_through_every_slide_and_keep_it_in_the_url(app, request, which):
    at = app(request.getfixturevalue(which), period="year", year="2024")
    assert not at.exception, [e.message for e in at.exception]
    total = int(counter(at).split("/")[1])
    assert total == 7
    assert counter(at) == f"1 / {total}"
    assert url_slide(at) == "1"
    assert at.button(key="present_previous").disabled
    for n in range(2, total + 1):
        at.button(key="present_next").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert counter(at) == f"{n} / {total}"
        assert url_slide(at) == str(n)
    assert at.button(key="present_next").disabled
    for n in range(total - 1, 0, -1):
        at.button(key="present_previous").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert counter(at) == f"{n} / {total}"
        assert url_slide(at) == str(n)


def test_a_link_opens_on_its_slide_and_theme(app, sample_db):
    at = app(sample_db, slide="5", theme="dark")
    assert not at.exception
    assert counter(at) == "5 / 7"
    assert at.toggle(key="present_dark").value is True
    at.toggle(key="present_dark").set_value(False).run()
    assert "theme" not in at.query_params
    assert counter(at) == "5 / 7"


def test_a_slide_out_of_range_opens_the_nearest(app, sample_db):
    assert counter(app(sample_db, slide="99")) == "7 / 7"


def test_every_slide_states_one_finding_and_shows_a_chart_or_numbers(sample_db):
    with database.read(sample_db) as con:
        deck = deck_of(con, YEAR_2024)
    assert len(deck) == 7
    for slide in deck:
        assert slide.finding.endswith(".") and slide.finding.count(". ") == 0, slide.finding
        assert not (slide.figure is not None and slide.numbers), slide.title
    assert deck[0].numbers and all(n.status is not None for n in deck[0].numbers)
    assert re.search(r"rose|fell|held", deck[1].finding) and "2023" in deck[1].finding


def test_the_funding_slide_states_its_concentration_in_its_band(sample_db):
    with database.read(sample_db) as con:
        funding = deck_of(con, YEAR_2024)[1]
        hhi = Lens(Direct(con), View(YEAR_2024)).current(["funding_hhi"])["funding_hhi"]
    assert funding.title == "Funding and its concentration"
    assert f"at an HHI of {hhi:,.0f} funding is {hhi_band(hhi)}." in funding.finding
    bands = {1499: "unconcentrated", 1500: "moderately concentrated", 2500: "moderately concentrated"}
    assert {hhi: hhi_band(hhi) for hhi in bands} == bands and hhi_band(2501) == "highly concentrated"


def test_without_notes_the_deck_closes_on_its_findings_in_brief(sample_db):
    with database.read(sample_db) as con:
        deck = deck_of(con, YEAR_2024)
    last = deck[-1]
    assert last.title == "2024 in brief" and "no notes" in last.finding
    assert last.items == [s.finding for s in deck[:-1]]


def test_every_status_shows_its_target_and_only_where_a_target_applies(sample_db):
    over_a_year = Period(date(2024, 1, 1), date(2025, 6, 30))  # no money or count target for 18 months
    with database.read(sample_db) as con:
        year = {n.label: n for n in deck_of(con, YEAR_2024)[0].numbers}
        longer = {n.label: n for n in deck_of(con, over_a_year)[0].numbers}
    assert year["Funding received"].target.startswith("target $")
    assert year["Funding concentration"].target.startswith("target ≤ ")  # lower is better
    assert all((n.status is None) == (n.target == "") for n in year.values())
    assert longer["Funding received"].status is None and longer["Funding received"].target == ""
    touchpoints = year["Touchpoints"]
    html = slides.fragment(slides.Slide("Headline", "One finding.", numbers=[touchpoints]), 1, 7)
    assert f'{touchpoints.status.text}</b> · <span class="slide-target">{touchpoints.target}</span>' in html


def test_a_filtered_deck_says_so_on_every_slide_and_in_every_finding_with_a_number(sample_db):
    pharma = Filters(sectors=("pharma",))
    with database.read(sample_db) as con:
        deck = deck_of(con, YEAR_2024, pharma)
    assert all(s.scope.startswith("Filtered to sector pharma") for s in deck)
    assert all("(filtered to sector pharma)" in s.finding for s in deck[1:6])
    html = slides.fragment(deck[1], 2, len(deck))
    assert html.index('class="slide-title"') < html.index('class="slide-scope"') < html.index('class="slide-finding"')


def test_a_filtered_link_opens_a_deck_that_says_so(app, sample_db):
    at = app(sample_db, period="year", year="2024", sector="pharma", slide="2")
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(e.proto.body for e in at.get("html"))
    assert "Filtered to sector pharma" in shown and "Funding from partners (filtered to sector pharma)" in shown


def test_the_story_slide_shows_the_periods_notes(sample_db, tmp_path):
    db = tmp_path / "notes.duckdb"
    shutil.copy(sample_db, db)
    notes.add_note(db, "funding_inbound_total", date(2024, 1, 1), date(2024, 12, 31), "A grant arrived late.")
    with database.read(db) as con:
        story = deck_of(con, YEAR_2024)[-1]
        public = deck_of(con, YEAR_2024, community=True)[-1]
    assert story.items == ["Funding received: A grant arrived late."]
    assert story.finding == "1 note from the team on 2024."
    assert public.title == "2024 in brief"  # the note is private


def test_a_note_also_shows_on_the_slide_of_its_metric(sample_db, tmp_path):
    db = tmp_path / "notes.duckdb"
    shutil.copy(sample_db, db)
    notes.add_note(db, "publication_count", date(2024, 1, 1), date(2024, 12, 31), "Two journals were slow.")
    with database.read(db) as con:
        deck = deck_of(con, YEAR_2024)
    by_title = {s.title: s.items for s in deck}
    assert by_title["Publications"] == ["Publications: Two journals were slow."]
    assert by_title["Funding and its concentration"] == []


def test_lapsed_partners_were_active_the_period_before_and_not_in_the_period(sample_db):
    q1, q2 = Period(date(2024, 1, 1), date(2024, 3, 31)), Period(date(2024, 4, 1), date(2024, 6, 30))
    with database.read(sample_db) as con:
        deck = deck_of(con, q2)
        involved = (
            "SELECT DISTINCT partner_id FROM ("
            "SELECT ep.partner_id, e.date FROM engagements e JOIN engagement_partners ep USING (engagement_id) "
            "UNION ALL SELECT partner_id, date FROM funding "
            "UNION ALL SELECT pp.partner_id, p.published_date FROM publications p "
            "JOIN publication_partners pp USING (publication_id)) WHERE date BETWEEN ? AND ?"
        )
        before = {r[0] for r in con.execute(involved, [q1.start, q1.end]).fetchall()}
        now = {r[0] for r in con.execute(involved, [q2.start, q2.end]).fetchall()}
    lapsed = len(before - now)
    assert lapsed > 0
    assert f"{lapsed} partners lapsed" in deck[5].finding
    assert any(value == str(lapsed) and label.startswith("Lapsed") for value, label, *_ in deck[5].numbers)


@pytest.mark.skipif(bool(browser.chromium_missing()), reason=browser.chromium_missing() or "")
@pytest.mark.parametrize("which", ["sample_db", "empty_db"])
def test_the_board_pack_has_one_page_per_slide_with_its_finding(request, which, tmp_path):
    import pypdf

    db = request.getfixturevalue(which)
    with database.read(db) as con:
        deck = deck_of(con, YEAR_2024)
        out = slides.board_pack(Lens(Direct(con), View(YEAR_2024)), tmp_path / "pack.pdf")
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == len(deck)
    for page, slide in zip(reader.pages, deck, strict=True):
        box = page.mediabox
        assert round(float(box.width) / float(box.height), 3) == round(16 / 9, 3)
        text = " ".join(page.extract_text().split())
        assert " ".join(slide.finding.split()) in text, slide.title
