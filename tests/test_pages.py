"""Every page through Streamlit's AppTest, on the sample and on an empty database."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import settings
from metrics import CATALOGUE, HEADLINE, Period, compute
from metrics import format as fmt
from store import database
from tests.conftest import ROOT
from ui import filters as period


@pytest.fixture
def app(monkeypatch):
    """Builds an AppTest of the dashboard on a given database, with widget values set before the first run."""

    def make(db, **state) -> AppTest:
        monkeypatch.setenv("PARTNERSHIP_DB", str(db))
        settings.load.cache_clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

    yield make
    settings.load.cache_clear()


@pytest.mark.parametrize("which", ["sample_db", "empty_db"])
def test_the_overview_renders_without_error(app, request, which):
    at = app(request.getfixturevalue(which))
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert [m.label for m in at.metric] == [CATALOGUE[i].label for i in HEADLINE]
    assert at.selectbox(key="period").value == "last-full-year"
    assert any("Lumen Foundation for Ondine Syndrome" in m.value for m in at.sidebar.markdown)


def test_an_empty_database_explains_what_to_do(app, empty_db):
    at = app(empty_db)
    assert "No partnership records yet" in at.info[0].value
    assert "No data imported yet" in [c.value for c in at.sidebar.caption]


def test_overview_cards_equal_the_metric_catalogue(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    with database.read(sample_db) as con:
        current = compute(con, date(2024, 1, 1), date(2024, 12, 31))
        prior = compute(con, date(2022, 12, 31), date(2023, 12, 31))
    shown = {m.label: m for m in at.metric}
    for metric_id in HEADLINE:
        metric = CATALOGUE[metric_id]
        card = shown[metric.label]
        assert card.value == fmt.value(metric, current[metric_id], "USD", compact=True), metric_id
        assert card.proto.delta == (fmt.change(metric, current[metric_id], prior[metric_id]) or ""), metric_id
    assert "2024: 1 Jan 2024 to 31 Dec 2024" in at.caption[0].value


def test_the_year_list_spans_the_records(app, sample_db):
    at = app(sample_db, period="year")
    assert at.selectbox(key="year").options == [str(y) for y in range(2016, 2026)]


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
