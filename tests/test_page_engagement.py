"""The Engagement page through AppTest, and each of its queries against the hand-made tiny dataset.

The tiny dataset is listed record by record in the docstring of tests/test_metrics.py. Every query here runs
for calendar 2024 with its trend, the eight calendar years 2017..2024: period_id 0 is 2017, 5 is 2022,
6 is 2023 and 7 is 2024 (the chosen period). Only 2022, 2023 and 2024 hold engagements:
  2022: E13 other P09 (no stage) | E14 advisory_board P04 (clinical, 2022-12-31)
  2023: E15 listening_session P05 | E16 webinar P10 | E17 pfdd_meeting P01 P06 (clinical)
        | E18 scientific_retreat P02 P05 (preclinical) | E19 site_visit P03          (E15, E16, E19: no stage)
  2024: E01..E12, as in test_metrics.py; their stages:
        E01 discovery, E02 clinical, E03 clinical, E04 preclinical, E07 clinical, E11 utilization,
        E12 regulatory; E05 E06 E08 E09 E10 have none.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

import queries
import settings
from charts.engagement import per_period
from charts.figures import count_axis
from metrics import Filters, Period, compute_many
from store import database
from tests.conftest import ROOT, each_section, open_section

YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
TREND = YEAR_2024.trend(8)
CHARTS = 7  # by type; participants; patient-voice sessions; stage by year; classes; convenings; reciprocity
PAGE = "pages/engagement.py"


def run(db: Path, name: str, filters: Filters | None = None) -> pd.DataFrame:
    with database.read(db) as con:
        return queries.run(con, name, TREND, filters or Filters())


def nonzero(df: pd.DataFrame, key: list[str], value: str) -> dict[tuple, int]:
    return {tuple(row[key]): int(row[value]) for _, row in df.iterrows() if row[value]}


@pytest.fixture
def app(monkeypatch):
    """The dashboard on a given database, switched to the Engagement page, with widget values set first."""

    def make(db, **state) -> AppTest:
        monkeypatch.setenv("PARTNERSHIP_DB", str(db))
        settings.load.cache_clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        return at.switch_page(PAGE).run()

    yield make
    settings.load.cache_clear()


def figures_of(at: AppTest) -> dict[str, dict]:
    """Every Plotly chart of the page's open section, as its JSON spec, by title."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def every_figure(at: AppTest) -> dict[str, dict]:
    """Every Plotly chart of the page, each section opened in turn, by title."""
    return {title: spec for _ in each_section(at, PAGE) for title, spec in figures_of(at).items()}


def values(array) -> list:
    """A trace's array, decoding Plotly's base64 typed-array form."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_the_page_renders_on_the_sample_database(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    assert not at.exception
    assert [t.value for t in at.title] == ["Engagement"]
    assert len(at.metric) == 8
    figures = {}
    for _ in each_section(at, PAGE):  # the page's five sections
        assert not at.exception and not at.info
        figures.update(figures_of(at))
    assert len(figures) == CHARTS


def test_an_empty_database_shows_empty_states_not_charts(app, empty_db):
    at = app(empty_db)
    assert not at.exception
    assert [t.value for t in at.title] == ["Engagement"]
    for _ in each_section(at, PAGE):
        assert len(at.get("plotly_chart")) == 0
        assert len(at.dataframe) == 0
        assert at.info and all("Choose another period" in i.value for i in at.info)


def test_a_sector_filter_without_the_other_sectors_explains_the_missing_convenings(app, sample_db):
    at = app(sample_db, period="year", year=2019, sector=["pharma"])
    assert not at.exception
    assert len(every_figure(at)) == CHARTS - 1
    assert any("Under a sector filter" in i.value for i in at.info)  # in the convenings' section, open last


def test_the_relationship_classes_shown_equal_an_independent_count(app, sample_db):
    at = app(sample_db, period="year", year=2024)
    with database.read(sample_db) as con:
        longitudinal, transactional, engaged = con.execute(
            """
            WITH involved AS (
              SELECT ep.partner_id, e.engagement_id, e.type, quarter(e.date) AS q
              FROM engagements AS e JOIN engagement_partners AS ep USING (engagement_id)
              WHERE e.date >= DATE '2024-01-01' AND e.date < DATE '2025-01-01'
            ), per_partner AS (
              SELECT partner_id, count(DISTINCT engagement_id) AS n, count(DISTINCT q) AS quarters,
                     count(DISTINCT type) AS types
              FROM involved GROUP BY partner_id
            )
            SELECT count(*) FILTER (n >= 3 AND quarters >= 2 AND types >= 2), count(*) FILTER (n = 1), count(*)
            FROM per_partner
            """
        ).fetchone()
        confidential = {
            name
            for (name,) in con.execute(
                "SELECT DISTINCT p.name FROM partners AS p JOIN engagement_partners USING (partner_id) "
                "JOIN engagements AS e USING (engagement_id) WHERE p.confidential AND year(e.date) = 2024"
            ).fetchall()
        }
    expected = {"Longitudinal": longitudinal, "Developing": engaged - longitudinal - transactional}
    expected["Transactional"] = transactional
    assert longitudinal and transactional and expected["Developing"]

    open_section(at, PAGE, "Relationships")
    chart = figures_of(at)["Partners per year, by relationship class"]
    assert {trace["name"]: values(trace["y"])[-1] for trace in chart["data"]} == expected
    assert chart["layout"]["title"]["subtitle"]["text"] == (
        f"In 2024: {longitudinal} longitudinal, {expected['Developing']} developing, {transactional} transactional"
    )
    table = at.dataframe[0].value
    assert table["Relationship"].value_counts().to_dict() == expected
    assert {p.removesuffix(" (confidential)") for p in table["Partner"] if p.endswith(" (confidential)")} == (
        confidential
    )


def test_the_relationship_classes_agree_with_the_catalogue_shares(sample_db):
    periods = Period(date(2025, 1, 1), date(2025, 12, 31)).trend(8)
    with database.read(sample_db) as con:
        classes = queries.run(con, "engagement_relationship_classes", periods)
        shares = compute_many(con, periods, ["relationship_longitudinal_share", "relationship_transactional_share"])
    for period_id, metric in enumerate(shares):
        counts = classes[classes["period_id"] == period_id].set_index("relationship")["partners"]
        assert counts["longitudinal"] / counts.sum() == pytest.approx(metric["relationship_longitudinal_share"])
        assert counts["transactional"] / counts.sum() == pytest.approx(metric["relationship_transactional_share"])


def test_engagements_by_type_and_period(tiny_db):
    df = run(tiny_db, "engagement_by_type")
    # Every type seen in 2017..2024 (all nine: E13 is the only `other`), for each of the 8 periods.
    assert len(df) == 8 * 9
    assert nonzero(df, ["period_id", "type"], "engagements") == {
        (5, "other"): 1,  # E13
        (5, "advisory_board"): 1,  # E14 (2022-12-31)
        (6, "listening_session"): 1,  # E15
        (6, "webinar"): 1,  # E16
        (6, "pfdd_meeting"): 1,  # E17
        (6, "scientific_retreat"): 1,  # E18
        (6, "site_visit"): 1,  # E19 (2023-12-31)
        (7, "listening_session"): 2,  # E01, E12
        (7, "pfdd_meeting"): 1,  # E03
        (7, "scientific_retreat"): 1,  # E04
        (7, "advisory_board"): 1,  # E02
        (7, "educational_content"): 1,  # E11
        (7, "webinar"): 2,  # E05, E06
        (7, "data_sharing"): 1,  # E08
        (7, "site_visit"): 3,  # E07, E09, E10 -> 2024 total 2+1+1+1+1+2+1+3 = 12
    }


def test_engagements_by_stage_and_year(tiny_db):
    df = run(tiny_db, "engagement_stage_by_year")
    # Years 2017..2024 by the five stages and "not_staged": 8 * 6 cells, zeros included, stages in contract order.
    assert len(df) == 8 * 6
    assert list(df["stage"][:6]) == ["discovery", "preclinical", "clinical", "regulatory", "utilization", "not_staged"]
    assert nonzero(df, ["year", "stage"], "engagements") == {
        (2022, "not_staged"): 1,  # E13
        (2022, "clinical"): 1,  # E14
        (2023, "not_staged"): 3,  # E15, E16, E19
        (2023, "clinical"): 1,  # E17
        (2023, "preclinical"): 1,  # E18
        (2024, "discovery"): 1,  # E01
        (2024, "preclinical"): 1,  # E04
        (2024, "clinical"): 3,  # E02, E03, E07
        (2024, "regulatory"): 1,  # E12
        (2024, "utilization"): 1,  # E11
        (2024, "not_staged"): 5,  # E05, E06, E08, E09, E10 -> 1+1+3+1+1+5 = 12
    }


def test_engagements_by_stage_under_a_stage_filter_keep_only_that_stage(tiny_db):
    df = run(tiny_db, "engagement_stage_by_year", Filters(stages=("clinical",)))
    # Only staged-clinical engagements remain: E14 (2022), E17 (2023), E02 E03 E07 (2024).
    assert nonzero(df, ["year", "stage"], "engagements") == {
        (2022, "clinical"): 1,
        (2023, "clinical"): 1,
        (2024, "clinical"): 3,
    }


def test_relationship_classes_per_period(tiny_db):
    df = run(tiny_db, "engagement_relationship_classes")
    assert len(df) == 8 * 3  # every period, every class, zeros included
    assert list(df["relationship"][:3]) == ["longitudinal", "developing", "transactional"]
    assert nonzero(df, ["period_id", "relationship"], "partners") == {
        # 2022: P09 (E13) and P04 (E14), one engagement each.
        (5, "transactional"): 2,
        # 2023: P05 E15 E18 = 2 engagements -> developing; P10 P01 P06 P02 P03 one each.
        (6, "developing"): 1,
        (6, "transactional"): 5,
        # 2024: as relationship_longitudinal_share / _transactional_share in test_metrics.py:
        #   P01 P05 P06 longitudinal (3/9), P02 P07 P10 P11 transactional (4/9), P03 and P09 the rest.
        (7, "longitudinal"): 3,
        (7, "developing"): 2,
        (7, "transactional"): 4,
    }


def test_the_partners_of_each_relationship_class(tiny_db):
    df = run(tiny_db, "engagement_relationship_partners")
    rows = df[["partner_id", "partner", "sector", "confidential", "relationship", "engagements", "quarters", "types"]]
    assert [tuple(r) for r in rows.itertuples(index=False)] == [
        # P01 E01 E02 (Q1) E03 (Q2) E08 (Q3) E12 (Q4); listening, advisory, pfdd, data_sharing (E12 listening again).
        ("P01", "Acme Pharma", "pharma", False, "longitudinal", 5, 4, 4),
        # P05 E02 (Q1) E03 E04 (Q2) E12 (Q4); advisory, pfdd, retreat, listening.
        ("P05", "State University", "academic", False, "longitudinal", 4, 3, 4),
        # P06 E03 E04 (Q2) E12 (Q4); pfdd, retreat, listening.
        ("P06", "Medicines Agency", "regulator", False, "longitudinal", 3, 2, 3),
        # P03 E07 (Q3) E09 E10 (Q4), all site visits: one type.
        ("P03", "MedDevice Co", "medtech", False, "developing", 3, 2, 1),
        # P09 E03 (Apr 10) E05 (May 20) E06 (Jun 30): all Q2; pfdd, webinar.
        ("P09", "Ondine Patient Alliance", "patient_org", False, "developing", 3, 1, 2),
        # One engagement each, by name.
        ("P02", "BioNova", "biotech", False, "transactional", 1, 1, 1),  # E04
        ("P11", "Confidential Pharma", "pharma", True, "transactional", 1, 1, 1),  # E08
        ("P10", "Helix Consulting", "other", False, "transactional", 1, 1, 1),  # E11
        ("P07", "Ministry of Health", "government", False, "transactional", 1, 1, 1),  # E11 (confidential blank)
    ]


def test_the_convenings_of_the_chosen_period(tiny_db):
    df = run(tiny_db, "engagement_convenings")
    rows = df[["engagement_id", "date", "title", "type", "sectors", "patient_participants"]]
    assert [tuple(r) for r in rows.itertuples(index=False)] == [
        # E03: P01 pharma, P06 regulator, P05 academic, P09 patient org; 20 patients. Sectors in contract order.
        (
            "E03",
            datetime(2024, 4, 10),
            "Patient-focused drug development meeting",
            "pfdd_meeting",
            "pharma, academic, regulator, patient org",
            20,
        ),
        # E12: P01 P06 P05; 8 patients. (E04 has the three sectors but 0 patients.)
        (
            "E12",
            datetime(2024, 12, 31),
            "Year-end listening session",
            "listening_session",
            "pharma, academic, regulator",
            8,
        ),
    ]


def test_a_sector_filter_leaves_no_convening_without_the_other_sectors(tiny_db):
    # Under sector pharma, E03 and E12 keep only P01: no regulator, no academic.
    assert run(tiny_db, "engagement_convenings", Filters(sectors=("pharma",))).empty
    both = run(tiny_db, "engagement_convenings", Filters(sectors=("pharma", "regulator", "academic")))
    assert list(both["sectors"]) == ["pharma, academic, regulator", "pharma, academic, regulator"]


def test_every_query_runs_on_an_empty_database(empty_db):
    for name in sorted(p.stem for p in queries.SQL_DIR.glob("engagement_*.sql")):
        df = run(empty_db, name)
        assert all(df[c].sum() == 0 for c in ("engagements", "partners") if c in df), name


def test_counts_per_period_are_labelled_and_complete():
    long = pd.DataFrame({"period_id": [7, 7, 5], "type": ["webinar", "other", "webinar"], "engagements": [2, 1, 4]})
    wide = per_period(long, TREND, "type", "engagements", ["listening_session", "webinar", "other"])
    assert list(wide.columns) == ["period", "start", "end", "webinar", "other"]
    assert list(wide["period"]) == [str(y) for y in range(2017, 2025)]
    assert list(wide["webinar"]) == [0, 0, 0, 0, 0, 4, 0, 2]
    assert list(wide["other"]) == [0] * 7 + [1]


def test_the_cadence_names_the_trend_step():
    assert YEAR_2024.cadence == "year"
    assert Period(date(2024, 4, 1), date(2024, 6, 30)).cadence == "quarter"
    assert Period(date(2024, 4, 3), date(2024, 6, 30)).cadence == "period"


def test_small_counts_get_one_tick_per_unit():
    small = count_axis(go.Figure(go.Bar(x=["a", "b"], y=[1, 3])))
    large = count_axis(go.Figure(go.Bar(x=["a", "b"], y=[10, 300])))
    assert small.layout.yaxis.dtick == 1
    assert large.layout.yaxis.dtick is None
