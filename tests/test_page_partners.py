"""The Partners page through AppTest, and its queries against values worked out by hand on tests/data/tiny.

The tiny dataset is listed record by record in the docstring of tests/test_metrics.py; the hand
calculations below refer to its ids (P01, E01, F01, PUB01, PS01, PG1, M01...). Period: calendar 2024,
2024-01-01..2024-12-31.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
import settings
from metrics import CATALOGUE, Filters, Period, compute
from metrics import format as fmt
from store import database
from store.importer import import_files
from tests.conftest import ROOT, plain_text

TABLES = ("partners", "partnerships", "engagements", "funding", "publications", "programs", "milestones")
YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
PROFILE_CARDS = (
    "engagement_count",
    "engagement_patient_participants",
    "engagement_patient_voice_count",
    "engagement_reciprocity_share",  # PTR-001 is a pharma company: insights shared back with industry
    "funding_inbound_total",
    "funding_outbound_total",
    "publication_count",
    "milestone_count",
)


@pytest.fixture
def app(monkeypatch):
    """Builds the dashboard on a database with state and query parameters set before the first run,
    runs it, then switches to the Partners page."""

    def make(db, query: dict | None = None, **state) -> AppTest:
        monkeypatch.setenv("PARTNERSHIP_DB", str(db))
        settings.load.cache_clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        return at.switch_page("pages/partners.py").run()

    yield make
    settings.load.cache_clear()


def run(db, name: str, filters: Filters | None = None) -> pd.DataFrame:
    with database.read(db) as con:
        return queries.run(con, name, YEAR_2024.trend(8), filters or Filters())


def plain(value):
    """A cell as a plain Python value: None for NULL/NaN/NaT, dates as date, numpy numbers as int/float."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def rows(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(plain(v) for v in row) for row in df[columns].itertuples(index=False)]


# ------------------------------------------------------------------------------------------- the page


@pytest.mark.parametrize("which", ["sample_db", "empty_db"])
def test_the_partners_page_renders_without_error(app, request, which):
    at = app(request.getfixturevalue(which))
    assert not at.exception
    assert [t.value for t in at.title] == ["Partners"]


def test_an_empty_database_says_how_to_import_partners(app, empty_db):
    at = app(empty_db, {"partner": "PTR-001"})
    assert not at.exception
    assert "No partners yet" in at.info[0].value
    assert len(at.dataframe) == 0


def test_the_portfolio_has_one_row_per_partner_in_the_database(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    with database.read(sample_db) as con:
        count = database.scalar(con, "SELECT count(*) FROM partners")
    table = at.dataframe[0].value
    assert len(table) == count == 40
    assert table["partner_id"].is_unique
    assert f"{count} of {count} partners" in at.caption[1].value


def test_searching_keeps_the_partners_whose_name_contains_the_text_in_any_case(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    at.text_input(key="search").input("VELTRANA").run()
    assert list(at.dataframe[0].value["name"]) == ["Veltrana Therapeutics"]
    at.text_input(key="search").input("no such partner").run()
    assert not at.exception
    assert "No partner has “no such partner” in its name." in [plain_text(i.value) for i in at.info]


def dialogs(at: AppTest) -> list:
    """The dialogs the run opened (Streamlit draws them over the page, outside its main block)."""
    found, todo = [], [at._tree]
    while todo:
        node = todo.pop()
        if getattr(node, "type", None) == "dialog":
            found.append(node)
        todo.extend(getattr(node, "children", {}).values())
    return found


def test_a_link_with_a_partner_id_opens_its_profile_over_the_page(app, sample_db):
    at = app(sample_db, {"partner": "PTR-001"}, period="year", year=2024)
    assert not at.exception
    [dialog] = dialogs(at)  # over the page, where it is seen whatever the scroll, not below the table
    assert dialog.proto.dialog.title == "Partner profile"
    assert [s.value for s in dialog.subheader] == ["Veltrana Therapeutics"]
    assert at.query_params["partner"] == "PTR-001"
    assert at.session_state["portfolio"]["selection"]["rows"] == [
        list(at.dataframe[0].value["partner_id"]).index("PTR-001")
    ]  # and its row is highlighted


def test_without_a_chosen_partner_no_profile_opens(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    assert not at.exception
    assert dialogs(at) == []
    assert "Click a partner to open its profile." in at.caption[1].value


def test_the_portfolio_lists_the_largest_partners_first(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    table = at.dataframe[0].value
    received = list(table["funding_in"])
    assert received == sorted(received, reverse=True)  # by money received in the period
    for (_, a), (_, b) in zip(table.iterrows(), table.iloc[1:].iterrows(), strict=False):
        if a["funding_in"] == b["funding_in"]:  # then by touchpoints
            assert a["engagements"] >= b["engagements"]
    assert table["name"].iloc[0].startswith("Veltrana Therapeutics")  # the largest funder of 2024
    assert "largest first" in at.caption[1].value


def test_clicking_a_name_or_a_row_chooses_the_partner_and_the_table_fits_a_laptop(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    proto = at.dataframe[0].proto
    modes = {proto.SelectionMode.Name(m) for m in proto.selection_mode}
    assert modes == {"SINGLE_ROW", "SINGLE_CELL"}  # a click on a name selects its cell, and opens the profile
    assert list(proto.column_order) == ["name", "sector", "relationship", "engagements", "funding_in", "funding_out"]
    columns = json.loads(proto.columns)
    assert not columns["name"].get("pinned")  # a pinned column reads greyed out, like a disabled one
    # At 1366 pixels the main column is about 900 pixels wide: the columns and the selection box fit in it.
    assert 34 + sum(columns[c]["width"] for c in proto.column_order) <= 880


def test_the_community_view_offers_no_profile_and_selects_nothing(app, sample_db):
    at = app(sample_db, {"partner": "PTR-001"}, period="year", year=2024, community=True)
    assert not at.exception
    assert dialogs(at) == []
    assert "Partner profiles are not shown" in at.info[-1].value


def test_the_profile_cards_equal_the_catalogue_under_the_partner_filter(app, sample_db):
    at = app(sample_db, {"partner": "PTR-001"}, period="year", year=2024)
    one = Filters(partners=("PTR-001",))
    with database.read(sample_db) as con:
        current = compute(con, date(2024, 1, 1), date(2024, 12, 31), filters=one)
        prior = compute(con, date(2023, 1, 1), date(2023, 12, 31), filters=one)
    shown = {m.label: m for m in at.metric}
    assert list(shown) == [CATALOGUE[i].label for i in PROFILE_CARDS]
    for metric_id in PROFILE_CARDS:
        metric, card = CATALOGUE[metric_id], shown[CATALOGUE[metric_id].label]
        assert card.value == fmt.value(metric, current[metric_id], "USD", compact=True), metric_id
        assert card.proto.delta == (fmt.change(metric, current[metric_id], prior[metric_id]) or ""), metric_id
    # and the portfolio row agrees with the catalogue on the same partner
    row = at.dataframe[0].value.set_index("partner_id").loc["PTR-001"]
    assert row["engagements"] == current["engagement_count"]
    assert row["funding_in"] == current["funding_inbound_total"]
    assert row["publications"] == current["publication_count"]


def test_the_profile_shows_every_record_up_to_the_period_end_in_a_timeline_and_a_table(app, sample_db):
    at = app(sample_db, {"partner": "PTR-001"}, period="year", year=2024)
    events = at.dataframe[1].value
    assert len(events) > 0
    assert pd.to_datetime(events["date"]).max() <= pd.Timestamp("2024-12-31")
    assert set(events["kind"]) <= {"Touchpoint", "Payment received", "Grant made", "Publication", "Milestone"}
    assert len(at.get("plotly_chart")) == 1


def test_a_partner_with_no_records_in_the_period_is_explained(app, sample_db):
    # PTR-006 (Corvane Biologics) has records up to 2020 and none in 2024.
    at = app(sample_db, {"partner": "PTR-006"}, period="year", year=2024)
    assert not at.exception
    notes = [plain_text(i.value) for i in at.info]
    assert any("has no touchpoints, funding or publications in 2024; the last was on" in n for n in notes), notes
    assert at.metric[0].value == "0"


def test_a_link_to_a_partner_the_filters_leave_out_says_so(app, sample_db):
    at = app(sample_db, {"partner": "PTR-001"}, period="year", year=2024, sector=["academic"])
    assert not at.exception
    assert dialogs(at) == []
    assert any("PTR-001" in t and "does not match the filters" in t for t in (plain_text(i.value) for i in at.info))


def test_filters_that_match_no_partner_are_explained(app, tmp_path):
    (tmp_path / "partners.csv").write_text("partner_id,name,sector\nX1,Only Pharma,pharma\n", encoding="utf-8")
    db = tmp_path / "one.duckdb"
    assert import_files(db, [tmp_path / "partners.csv"]).ok
    at = app(db, period="year", year=2024, sector=["academic"])
    assert not at.exception
    assert "No partners match the filters (sector academic)" in plain_text(at.info[0].value)


# ---------------------------------------------------------------------- partners_portfolio, tiny, 2024

PORTFOLIO_COLUMNS = [
    "partner_id",
    "kinds",
    "ip_status",
    "first_touchpoint",
    "last_touchpoint",
    "active",
    "engagements",
    "engagement_quarters",
    "engagement_types",
    "funding_in",
    "funding_out",
    "publications",
    "relationship",
]
D = date
# One row per partner, ordered by name (case-insensitive). Partnerships count when they started by
# 2024-12-31; involvement (engagement, funding, publication) counts up to 2024-12-31.
PORTFOLIO_2024 = [
    # P01 Acme Pharma. PS01 research_investment, signed. First F01 2022-12-30; last E12 2024-12-31
    #   (E20, F16, PUB08 are in 2025). Engagements E01 E02 (Q1) E03 (Q2) E08 (Q3) E12 (Q4) = 5 in 4 quarters,
    #   types listening, advisory, pfdd, data_sharing = 4 -> longitudinal. In F08 60000 + F14 20000. PUB04.
    ("P01", "research investment", "signed", D(2022, 12, 30), D(2024, 12, 31), True, 5, 4, 4, 80000.0, 0.0, 1,
     "longitudinal"),
    # P02 BioNova. PS02 research_investment in_negotiation and PS08 research_investment signed -> both,
    #   signed first. First F03 2023-03-15; last E04 2024-05-05. E04 only -> transactional. F10 40000. PUB03.
    ("P02", "research investment", "signed, in negotiation", D(2023, 3, 15), D(2024, 5, 5), True, 1, 1, 1,
     40000.0, 0.0, 1, "transactional"),
    # P11 Confidential Pharma. PS04 research_investment not_applicable (started 2024-02-01). First F07
    #   2023-12-31; last E08 2024-09-20. E08 only -> transactional. F12 20000.
    ("P11", "research investment", "not applicable", D(2023, 12, 31), D(2024, 9, 20), True, 1, 1, 1, 20000.0,
     0.0, 0, "transactional"),
    # P12 Dormant Biotech: no record at all.
    ("P12", None, None, None, None, False, 0, 0, 0, 0.0, 0.0, 0, "not engaged"),
    # P10 Helix Consulting: no partnership. First E16 2023-07-02; last E11 2024-11-11 -> transactional.
    ("P10", None, None, D(2023, 7, 2), D(2024, 11, 11), True, 1, 1, 1, 0.0, 0.0, 0, "transactional"),
    # P03 MedDevice Co. PS03 research_investment, blank ip = none. First F05 2023-07-02; last E10 2024-11-05.
    #   E07 (Q3) E09 E10 (Q4): 3 in 2 quarters but 1 type (site_visit) -> developing. F13 20000.
    ("P03", "research investment", "none", D(2023, 7, 2), D(2024, 11, 5), True, 3, 2, 1, 20000.0, 0.0, 0,
     "developing"),
    # P06 Medicines Agency. PS06 starts 2025-01-01: none yet. First E17 2023-07-03; last E12 2024-12-31.
    #   E03 E04 (Q2) E12 (Q4): 3 in 2 quarters, pfdd, retreat, listening -> longitudinal. PUB03.
    ("P06", None, None, D(2023, 7, 3), D(2024, 12, 31), True, 3, 2, 3, 0.0, 0.0, 1, "longitudinal"),
    # P07 Ministry of Health: no partnership. First PUB05 2024-08-15; last E11 2024-11-11. E11 -> transactional.
    ("P07", None, None, D(2024, 8, 15), D(2024, 11, 11), True, 1, 1, 1, 0.0, 0.0, 1, "transactional"),
    # P09 Ondine Patient Alliance. PS07 content_engagement (no IP: not research investment). First E13
    #   2022-06-01; last F15 2024-12-31. E03 E05 E06 all in Q2 (pfdd, webinar x2) -> developing. Out F15 150000.
    #   PUB01.
    ("P09", "content engagement", None, D(2022, 6, 1), D(2024, 12, 31), True, 3, 1, 2, 0.0, 150000.0, 1,
     "developing"),
    # P08 Quiet Foundation. PS09 research_investment, none. Only F11 2024-05-20 (in 40000): active, not engaged.
    ("P08", "research investment", "none", D(2024, 5, 20), D(2024, 5, 20), True, 0, 0, 0, 40000.0, 0.0, 0,
     "not engaged"),
    # P05 State University. PS05 experiential (ended 2023, started by 2024-12-31). First E15 2023-03-01; last
    #   E12 2024-12-31. E02 (Q1) E03 E04 (Q2) E12 (Q4): 4 in 3 quarters of 4 types -> longitudinal.
    #   Out F09 100000. PUB01 PUB02 PUB04.
    ("P05", "experiential", None, D(2023, 3, 1), D(2024, 12, 31), True, 4, 3, 4, 0.0, 100000.0, 3,
     "longitudinal"),
    # P04 TrialRun CRO: only E14 on 2022-12-31.
    ("P04", None, None, D(2022, 12, 31), D(2022, 12, 31), False, 0, 0, 0, 0.0, 0.0, 0, "not engaged"),
]  # fmt: skip


def test_the_portfolio_of_2024_matches_the_hand_calculation(tiny_db):
    got = run(tiny_db, "partners_portfolio")
    assert rows(got, PORTFOLIO_COLUMNS) == PORTFOLIO_2024


def test_the_portfolio_carries_each_partners_name_sector_country_and_confidentiality(tiny_db):
    got = run(tiny_db, "partners_portfolio").set_index("partner_id")
    assert got.loc["P01", ["name", "sector", "country"]].tolist() == ["Acme Pharma", "pharma", "US"]
    assert got.loc["P08", "confidential"] and got.loc["P11", "confidential"]
    assert not got.loc["P07", "confidential"]  # blank means false
    assert plain(got.loc["P08", "country"]) is None


def test_the_portfolio_totals_agree_with_the_catalogue(tiny_db):
    got = run(tiny_db, "partners_portfolio")
    with database.read(tiny_db) as con:
        m = compute(con, YEAR_2024.start, YEAR_2024.end)
    assert got["funding_in"].sum() == m["funding_inbound_total"]  # 200000
    assert got["funding_out"].sum() == m["funding_outbound_total"]  # 250000
    assert got["active"].sum() == m["partner_active_count"]  # 10
    engaged = got[got["engagements"] > 0]
    assert len(engaged) == m["engagement_partner_count"]  # 9
    assert math.isclose((engaged["relationship"] == "longitudinal").mean(), m["relationship_longitudinal_share"])
    assert math.isclose((engaged["relationship"] == "transactional").mean(), m["relationship_transactional_share"])


def test_the_portfolio_under_a_sector_filter_keeps_that_sectors_partners(tiny_db):
    got = run(tiny_db, "partners_portfolio", Filters(sectors=("pharma",)))
    # P01 and P11 are pharma; E08 involves both, and each keeps its own counts.
    assert rows(got, ["partner_id", "engagements", "funding_in"]) == [("P01", 5, 80000.0), ("P11", 1, 20000.0)]


# ------------------------------------------------------------------------- partners_events, tiny, 2024


def test_the_events_up_to_the_end_of_2024_are_every_record_and_milestone_dated_by_then(tiny_db):
    got = run(tiny_db, "partners_events")
    # Engagements E01..E19 (E20 is 2025) = 19; funding F01..F15 (F16 is 2025) = 15; publications PUB01..PUB07
    # (PUB08 is 2025) = 7; milestones M01..M08 (M09, M10 are 2025) = 8. 19 + 15 + 7 + 8 = 49.
    # Of the 15 payments, F04 F09 F15 are grants made (outbound); the other 12 were received.
    assert got["kind"].value_counts().to_dict() == {
        "touchpoint": 19,
        "payment_received": 12,
        "milestone": 8,
        "publication": 7,
        "grant_made": 3,
    }
    assert len(got) == 49
    # In 2024: E01..E12 (12) + F08..F15 (8) + PUB01..PUB06 (6) + M03 M04 M05 M06 M08 (5) = 31.
    assert int(got["in_period"].sum()) == 31
    assert plain(got["date"].max()) == date(2024, 12, 31)
    assert plain(got["date"].min()) == date(2022, 5, 1)  # M01


P01_EVENTS = [
    # Newest first; on one day, by kind (milestone, payment_received, publication, touchpoint), then title.
    (D(2024, 12, 31), "touchpoint", "Year-end listening session", None),  # E12
    (D(2024, 10, 1), "payment_received", "Sponsorship", 20000.0),  # F14
    (D(2024, 9, 20), "touchpoint", "Registry data sharing", None),  # E08
    (D(2024, 6, 30), "milestone", "Gene therapy OND-101: phase 1 started", None),  # M04 (PG1 has P01)
    (D(2024, 6, 30), "publication", "OND-101 trial protocol", None),  # PUB04
    (D(2024, 4, 10), "touchpoint", "Patient-focused drug development meeting", None),  # E03
    (D(2024, 2, 15), "touchpoint", "Trial design advisory board", None),  # E02
    (D(2024, 1, 1), "milestone", "Gene therapy OND-101: IND cleared", None),  # M03
    (D(2024, 1, 1), "payment_received", "Trial support", 60000.0),  # F08
    (D(2024, 1, 1), "touchpoint", "Listening session with Acme", None),  # E01
    (D(2023, 8, 1), "milestone", "Gene therapy OND-101: candidate nominated", None),  # M02
    (D(2023, 7, 3), "payment_received", "Trial support", 40000.0),  # F06
    (D(2023, 7, 3), "touchpoint", "PFDD meeting 2023", None),  # E17
    (D(2022, 12, 31), "payment_received", "Sponsorship", 20000.0),  # F02
    (D(2022, 12, 30), "payment_received", "Research grant", 50000.0),  # F01
    (D(2022, 5, 1), "milestone", "Gene therapy OND-101: target validated", None),  # M01
]


def test_one_partners_events_are_its_records_and_its_programs_milestones(tiny_db):
    got = run(tiny_db, "partners_events", Filters(partners=("P01",)))
    # P01: 6 engagements (E01 E02 E03 E08 E12 E17), 5 payments (F01 F02 F06 F08 F14), 1 publication
    # (PUB04) and 4 milestones of PG1 (M01..M04) up to 2024-12-31 = 16.
    assert rows(got, ["date", "kind", "title", "amount"]) == P01_EVENTS
    assert got["in_period"].tolist() == [True] * 10 + [False] * 6


def test_event_details_describe_each_record_in_words(tiny_db):
    got = run(tiny_db, "partners_events", Filters(partners=("P01",))).set_index("title")["details"]
    # E12: listening_session, regulatory, 40 attendees, 8 patients, insights shared, no partnership.
    assert got["Year-end listening session"] == (
        "listening session; regulatory stage; 40 attendees; 8 patients and caregivers; patient insights shared"
    )
    # E01 is under PS01 "Gene therapy co-development".
    assert got["Listening session with Acme"].endswith("patient insights shared; under Gene therapy co-development")
    # PUB04: peer reviewed, open access, no lay summary, 0 citations.
    assert got["OND-101 trial protocol"] == "peer reviewed; open access; 0 citations; doi 10.1000/tiny.004"
    # M04: PG1's modality, no note.
    assert got["Gene therapy OND-101: phase 1 started"] == "gene therapy"


# ------------------------------------------------------------------------------ in a real browser


@pytest.mark.browser
def test_clicking_a_name_opens_the_profile_over_the_page_and_a_link_reopens_it(sample_db):
    from playwright.sync_api import expect

    from tests.browser import browser, chromium_missing, streamlit_server, wait_for_app

    if reason := chromium_missing():
        pytest.skip(reason)
    with streamlit_server(sample_db) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{url}/partners?period=year&year=2024")
        wait_for_app(page)
        grid = page.locator('[data-testid="stDataFrame"]').first
        box = grid.bounding_box()
        # No sideways scrolling at 1366 pixels: the grid shows every column it holds.
        assert grid.evaluate(
            "g => { const s = g.querySelector('.dvn-scroller'); return s.scrollWidth <= s.clientWidth + 1; }"
        )
        page.mouse.click(box["x"] + 120, box["y"] + 35 + 17)  # the first row's name: the largest funder
        wait_for_app(page)
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("heading", name="Veltrana Therapeutics")).to_be_visible()
        expect(page).to_have_url(re.compile("partner=PTR-001"))
        dialog.get_by_role("button", name="Close").click()
        wait_for_app(page)
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page).not_to_have_url(re.compile("partner="))

        fresh = chromium.new_page(viewport={"width": 1366, "height": 768})
        fresh.goto(f"{url}/partners?period=year&year=2024&partner=PTR-002")
        wait_for_app(fresh)
        assert fresh.locator('[data-testid="stException"]').count() == 0
        expect(fresh.get_by_role("dialog").get_by_role("heading", name="Oristen Pharma")).to_be_visible()
        assert "partner=PTR-002" in fresh.url
