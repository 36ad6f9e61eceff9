"""Every page through Streamlit's AppTest, on the sample and on an empty database; the frame's URL state."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

from metrics import CATALOGUE, HEADLINE, METRICS, Filters, Period, compute
from metrics import format as fmt
from store import database
from tests.conftest import ROOT, each_section, open_section, sections
from ui import filters as period
from ui.navigation import PAGES
from ui.tables import html_table

# Each page in sections (ui/blocks.section) and its charts, by section (their titles in 2024).
SECTION_CHARTS = {"pages/overview.py": 6, "pages/funding.py": 7, "pages/engagement.py": 7, "pages/science.py": 7}


def test_every_file_in_pages_is_in_the_navigation_and_every_page_in_it_is_a_file():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert files == sorted(p.path for p in PAGES)
    assert len({p.url_path for p in PAGES}) == len({p.title for p in PAGES}) == len(PAGES)
    assert set(SECTION_CHARTS) <= {p.path for p in PAGES}


@pytest.mark.parametrize("which", ["sample_db", "empty_db"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.path)
def test_every_page_renders_without_error(app, request, which, page):
    at = app(request.getfixturevalue(which), page.path)
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title][:1] == ([] if page.full_screen else [page.title])
    if which == "sample_db":  # a page drawn in sections has its charts counted below
        assert (sections(at)[0] is not None) == (page.path in SECTION_CHARTS), page.path


def test_the_frame_shows_the_foundation_the_filters_and_the_data_date(app, sample_db):
    at = app(sample_db)
    assert any("Lumen Foundation for Ondine Syndrome" in m.value for m in at.sidebar.markdown)
    assert at.selectbox(key="period").value == "last-full-year"
    assert [w.key for w in at.sidebar.multiselect] == ["sector", "kind", "stage"]
    assert any(c.value.startswith("Records through ") and "Data as of " in c.value for c in at.sidebar.caption)


def test_an_empty_database_explains_what_to_do(app, empty_db):
    at = app(empty_db)
    assert "No partnership records yet" in at.info[0].value
    assert any("No data imported yet" in c.value for c in at.sidebar.caption)


def test_overview_cards_equal_the_metric_catalogue(app, sample_db):
    at = app(sample_db, period="year", year="2024")
    with database.read(sample_db) as con:
        current = compute(con, date(2024, 1, 1), date(2024, 12, 31))
        prior = compute(con, date(2023, 1, 1), date(2023, 12, 31))  # calendar 2024 is compared with 2023
    shown = {m.label: m for m in at.metric}
    for metric_id in HEADLINE:
        metric = CATALOGUE[metric_id]
        card = shown[metric.label]
        assert card.value == fmt.value(metric, current[metric_id], "USD", compact=True), metric_id
        assert card.proto.delta == (fmt.change(metric, current[metric_id], prior[metric_id]) or ""), metric_id
    assert "2024 (1 Jan 2024 to 31 Dec 2024), compared with 2023 (1 Jan 2023 to 31 Dec 2023)" in at.caption[0].value


def test_overview_cards_follow_the_filters_like_the_catalogue(app, sample_db):
    at = app(sample_db, period="year", year="2023", sector=["pharma", "academic"], stage="clinical")
    chosen = Filters(sectors=("pharma", "academic"), stages=("clinical",))
    with database.read(sample_db) as con:
        current = compute(con, date(2023, 1, 1), date(2023, 12, 31), filters=chosen)
    shown = {m.label: m.value for m in at.metric}
    for metric_id in HEADLINE:
        metric = CATALOGUE[metric_id]
        assert shown[metric.label] == fmt.value(metric, current[metric_id], "USD", compact=True), metric_id


def test_a_filtered_link_opens_with_its_filters_and_keeps_them_in_the_url(app, sample_db):
    at = app(sample_db, period="custom", **{"from": "2020-03-01", "to": "2020-08-31"}, kind="research_investment")
    assert at.selectbox(key="period").value == "custom"
    assert at.date_input(key="dates").value == (date(2020, 3, 1), date(2020, 8, 31))
    assert at.multiselect(key="kind").value == ["research_investment"]
    assert at.session_state["view"].period == Period(date(2020, 3, 1), date(2020, 8, 31))
    assert dict(at.query_params) == {
        "period": "custom",
        "from": "2020-03-01",
        "to": "2020-08-31",
        "kind": "research_investment",
    }


def test_invalid_link_values_are_dropped_not_fatal(app, sample_db):
    at = app(sample_db, period="fortnight", year="1850", sector=["pharma", "bank"], stage="clinical")
    assert not at.exception
    assert at.selectbox(key="period").value == "last-full-year"
    assert at.multiselect(key="sector").value == ["pharma"]
    assert dict(at.query_params) == {"sector": "pharma", "stage": "clinical"}


def test_the_year_list_spans_the_records(app, sample_db):
    at = app(sample_db, period="year")
    assert at.selectbox(key="year").options == [str(y) for y in range(2016, 2026)]
    assert at.selectbox(key="year").value == 2025


@pytest.mark.parametrize(
    "name,expected",
    [
        ("last-full-year", Period(date(2025, 1, 1), date(2025, 12, 31))),
        ("year-to-date", Period(date(2026, 1, 1), date(2026, 11, 27))),
        ("last-12-months", Period(date(2025, 11, 28), date(2026, 11, 27))),
        ("last-full-quarter", Period(date(2026, 7, 1), date(2026, 9, 30))),
    ],
)
def test_period_presets_relative_to_today(name, expected):
    assert period.preset(name, date(2026, 11, 27)) == expected


def test_the_last_full_quarter_in_january_is_the_previous_years_fourth():
    assert period.preset("last-full-quarter", date(2027, 1, 15)) == Period(date(2026, 10, 1), date(2026, 12, 31))


def test_trends_step_back_through_calendar_years_and_quarters():
    assert [p.label for p in Period(date(2025, 1, 1), date(2025, 12, 31)).trend(3)] == ["2023", "2024", "2025"]
    assert [p.label for p in Period(date(2025, 1, 1), date(2025, 3, 31)).trend(3)] == ["Q3 2024", "Q4 2024", "Q1 2025"]
    odd = Period(date(2025, 3, 5), date(2025, 4, 4))
    assert odd.trend(2) == [odd.prior, odd]


def plotly_figures(at) -> dict[str, dict]:
    """The page's Plotly figures (AppTest reads a chart as an unknown element whose spec is the figure's JSON),
    by their title."""
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {f["layout"]["title"]["text"]: f for f in figures}


class _Cells(HTMLParser):
    """The rows of an HTML table as lists of cell texts (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_tables(at) -> list[list[list[str]]]:
    """Every table drawn with st.html, as rows of cell texts."""
    out = []
    for element in at.get("html"):
        parser = _Cells()
        parser.feed(element.proto.body)
        if parser.rows:
            out.append(parser.rows)
    return out


def test_the_overview_metric_table_reads_labels_and_whole_definitions_without_ids(app, sample_db):
    at = app(sample_db, "pages/overview.py", period="year", year="2024")
    [rows] = html_tables(at)  # one static table: every definition wraps in its column, none is cut
    header, body = rows[0], rows[1:]
    assert header == ["Area", "Metric", "2024", "Prior period", "Change", "Definition"]
    assert [row[1] for row in body] == [m.label for m in METRICS]
    assert [row[5] for row in body] == [m.description for m in METRICS]
    ids = set(CATALOGUE)
    assert not any(cell in ids for row in body for cell in row)
    # The values as the catalogue computes them: funding received in 2024 and in 2023, and its change.
    with database.read(sample_db) as con:
        now = compute(con, date(2024, 1, 1), date(2024, 12, 31))
        before = compute(con, date(2023, 1, 1), date(2023, 12, 31))
    funding = CATALOGUE["funding_inbound_total"]
    row = body[[m.id for m in METRICS].index("funding_inbound_total")]
    assert row[2:5] == [
        fmt.value(funding, now[funding.id], "USD"),
        fmt.value(funding, before[funding.id], "USD"),
        fmt.change(funding, now[funding.id], before[funding.id]),
    ]
    assert len(at.dataframe) == 0 and len(at.table) == 0


def test_a_table_drawn_as_html_escapes_what_it_holds():
    frame = pd.DataFrame([{"Metric": "<script>alert(1)</script>", "Definition": "R&D <b>bold</b>"}])
    body = html_table(frame)
    assert "<script>" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "R&amp;D &lt;b&gt;bold&lt;/b&gt;" in body


def test_the_overview_draws_touchpoints_and_patients_each_on_its_own_axis(app, sample_db):
    at = open_section(
        app(sample_db, "pages/overview.py", period="year", year="2024"), "pages/overview.py", "Touchpoints and patients"
    )
    figure = plotly_figures(at)["Touchpoints and the patients in them"]
    axes = {trace["name"]: trace.get("yaxis", "y") for trace in figure["data"]}
    assert axes == {"Touchpoints": "y", "Patient participants": "y2"}


@pytest.mark.parametrize("page", list(SECTION_CHARTS))
def test_a_page_in_sections_draws_the_open_section_alone_and_every_chart_in_one_section(app, sample_db, page):
    at = app(sample_db, page, period="year", year="2024")
    first = set(plotly_figures(at))
    assert first and len(at.tabs) >= 3
    drawn = {}
    for label in each_section(at, page):
        assert not at.exception, [e.message for e in at.exception]
        drawn[label] = list(plotly_figures(at))
        assert drawn[label], label  # every section shows a chart
    assert set(drawn[at.tabs[0].label]) == first  # the first section is open until another is chosen
    every = [title for titles in drawn.values() for title in titles]
    assert len(every) == len(set(every)) == SECTION_CHARTS[page]  # no chart in two sections, none left out


def test_the_overview_key_to_the_cards_names_no_configuration_file(app, sample_db):
    at = app(sample_db, "pages/overview.py", period="year", year="2024")
    assert not any("foundation.toml" in c.value for c in at.caption)


def test_the_funding_page_says_the_band_of_its_concentration(app, sample_db):
    at = app(sample_db, "pages/funding.py", period="year", year="2025")
    with database.read(sample_db) as con:
        hhi = compute(con, date(2025, 1, 1), date(2025, 12, 31))["funding_hhi"]
    assert hhi < 1500  # the sample's 2025: many funders
    assert any(f"Funding concentration of {hhi:,.0f} in 2025 is **unconcentrated**" in c.value for c in at.caption)
    figure = plotly_figures(open_section(at, "pages/funding.py", "Concentration and dependence"))[
        "Funding concentration"
    ]
    subtitle = figure["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")
    assert subtitle.endswith(f"2025: {hhi:,.0f}, unconcentrated")
    bands = [a["text"].replace("<br>", " ") for a in figure["layout"]["annotations"] if a.get("name") == "band"]
    assert bands == ["unconcentrated", "moderately concentrated", "highly concentrated"]


def test_how_is_this_computed_draws_its_definitions_and_sql_when_opened(app, sample_db):
    at = app(sample_db, "pages/funding.py", period="year", year="2025", sector="pharma")
    how = [e for e in at.expander if e.label == "How is this computed?"]
    assert len(how) == 1  # one under every chart of the open section: the quarters' chart
    assert not at.code  # closed, nothing of it is drawn: the browser has fewer elements to lay out after a click
    at.session_state["how-funding-by-quarter"] = True  # what a click on the first chart's expander does
    at.run()
    opened = next(e for e in at.expander if e.label == "How is this computed?" and e.markdown)
    words = " ".join(m.value for m in opened.markdown)
    assert CATALOGUE["funding_inbound_total"].description in words
    assert "Filtered to sector pharma" in words  # the filter is said, and the SQL restricts the tables
    sql = [c.value for c in opened.code]
    assert sql and all("SELECT" in s.upper() for s in sql)
    assert any("funding_inbound_total" in c.value for c in opened.caption)  # "SQL of funding_inbound_total"
