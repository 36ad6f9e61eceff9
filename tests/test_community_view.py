"""The dashboard's community-safe view: community/views.py on hand-made frames, then every page through AppTest.

The hand-made foundation (HAND below, written to CSVs and imported in a temporary directory) has six partners,
two of them confidential: Zephyrine Medical (P5, the only medtech partner) and Quillwort Trust (P6, the only
foundation). Its confidential names also sit in free text: an engagement title, a partnership title (under which
P1's retreat falls), a publication title, a program name and a milestone note. Calendar 2024 (the period the
tests open, `period=year&year=2024`) holds:

  engagements  E1 2024-03-05 scientific retreat, P1 P3 P4 P5 (industry, academic, regulator): a convening,
                  9 attendees, 7 patients                      title "Retreat hosted by Zephyrine Medical"
               E2 2024-06-10 listening session, P1: 20 attendees, 2 patients
               E3 2024-09-01 advisory board, P6 P2: no patients  title "Quillwort Trust advisory board"
               -> patient participants in 2024: 7 + 2 + 0 = 9 (1 to 10: "<11"); in 2023 (E4): 15.
  funding      inbound P1 Acme Pharma 100,000 (clinical) | P2 Borealis Biotech 50,000 (preclinical)
               | P5 Zephyrine Medical 80,000 (clinical) | P6 Quillwort Trust 20,000 (no stage)
               outbound P3 City University 40,000 (discovery); none belongs to a partnership.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

import exports
import queries
from community import HIDDEN, SMALL, views
from community.rules import OTHERS
from metrics import Filters, Period
from store import database
from store.importer import import_files
from tests.conftest import ROOT

PAGES = ["pages/overview.py", "pages/funding.py", "pages/engagement.py", "pages/science.py", "pages/partners.py"]
YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
SECRET = views.Secret(frozenset({"P5", "P6"}), ("Zephyrine Medical", "Quillwort Trust"))

HAND = {
    "partners": """\
partner_id,name,sector,country,confidential
P1,Acme Pharma,pharma,US,false
P2,Borealis Biotech,biotech,DE,false
P3,City University,academic,US,false
P4,Drug Agency,regulator,NL,false
P5,Zephyrine Medical,medtech,IE,true
P6,Quillwort Trust,foundation,US,true
""",
    "partnerships": """\
partnership_id,partner_id,title,kind,start_date,end_date,ip_agreement,precompetitive
AGR1,P5,Zephyrine Medical: device study,research_investment,2023-01-01,,signed,false
""",
    "engagements": """\
engagement_id,date,type,partner_ids,title,partnership_id,stage,attendees,patient_participants,insights_shared
E1,2024-03-05,scientific_retreat,P1;P3;P4;P5,Retreat hosted by Zephyrine Medical,AGR1,clinical,9,7,true
E2,2024-06-10,listening_session,P1,Listening session,,discovery,20,2,false
E3,2024-09-01,advisory_board,P6;P2,Quillwort Trust advisory board,,,,0,false
E4,2023-05-01,listening_session,P1;P3,Listening session 2023,,discovery,30,15,false
""",
    "funding": """\
funding_id,date,partner_id,direction,amount,currency,partnership_id,purpose,stage
F1,2024-02-01,P1,inbound,100000,USD,,sponsorship,clinical
F2,2024-03-01,P2,inbound,50000,USD,,sponsorship,preclinical
F3,2024-04-01,P5,inbound,80000,USD,,sponsorship,clinical
F4,2024-05-01,P6,inbound,20000,USD,,sponsorship,
F5,2024-06-01,P3,outbound,40000,USD,,research_grant,discovery
""",
    "publications": """\
publication_id,title,published_date,doi,partner_ids,partnership_id,study_completed_date,peer_reviewed,open_access,lay_summary,citations
PUB1,Findings with Zephyrine Medical,2024-05-01,10.5555/hand.1,P1;P5,,2023-11-01,true,true,true,3
""",
    "programs": """\
program_id,name,partner_ids,modality,patient_insights
PG1,Zephyrine Medical sensor program,P5;P1,device,true
""",
    "milestones": """\
milestone_id,program_id,date,milestone,note
M1,PG1,2024-04-01,target_validated,Validated with Quillwort Trust data
""",
}
HAND_NAMES = ("Zephyrine", "Quillwort")
SAMPLE_NAMES = ("Castrelle", "Sableford", "Kestrane", "Blue Heron")  # confidential in sample_data/partners.csv
PEOPLE_TRACES = {"Patient participants", "Participants"}
SMALL_PEOPLE = re.compile(r"(?<![\w.,])([1-9]|10) (attendees|patients and caregivers)")


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory) -> Path:
    """The hand-made foundation of the module docstring, imported through the import path."""
    folder = tmp_path_factory.mktemp("hand")
    files = []
    for table, text in HAND.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
        files.append(folder / f"{table}.csv")
    db = folder / "hand.duckdb"
    result = import_files(db, files)
    assert result.ok, [str(p) for p in result.problems][:5]
    return db


@pytest.fixture
def csvs(monkeypatch) -> list[bytes]:
    """Every CSV a page offers for download while the test runs (the bytes exports.csv_bytes makes)."""
    made: list[bytes] = []
    real = exports.csv_bytes

    def recording(df: pd.DataFrame) -> bytes:
        made.append(real(df))
        return made[-1]

    monkeypatch.setattr(exports, "csv_bytes", recording)
    return made


@pytest.fixture
def app(app):
    """The shared fixture, and no page may raise."""

    def make(db, page: str | None, **params):
        at = app(db, page, **params)
        assert not at.exception, [e.message for e in at.exception]
        return at

    return make


def texts(at: AppTest) -> list[str]:
    """Everything the page shows, as text: each element's proto (markdown, captions, metrics, widgets' labels
    and options), each dataframe's contents and each Plotly chart's JSON (line breaks in labels read as spaces,
    so that a name wrapped over two lines is still found)."""
    out = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if node.type == "dataframe":
            out.append(node.value.to_csv(index=False))
        elif node.type == "plotly_chart":  # decoded, and with wrapped labels joined again
            out.append(json.dumps(json.loads(node.proto.spec), ensure_ascii=False).replace("<br>", " "))
        elif proto is not None:
            out.append(str(proto))
    return out


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def numbers(array) -> list:
    """A trace's values, decoding Plotly's base64 typed arrays (missing values read None)."""
    if isinstance(array, dict):
        array = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return [None if v is None or v != v else v for v in (array or [])]


def is_small_number(value) -> bool:
    try:
        return 1 <= float(str(value).replace(",", "")) <= 10
    except ValueError:
        return False


def assert_community_safe(at: AppTest, names: tuple[str, ...], made: list[bytes]) -> None:
    """No confidential name anywhere on the page or in its CSVs, no count of people from 1 to 10, the banner."""
    shown = "\n".join(texts(at))
    for name in names:
        assert name.lower() not in shown.lower(), name
        for csv in made:
            assert name.lower() not in csv.decode("utf-8-sig").lower(), name
    for card in at.metric:
        if card.label == "Patient participants":
            assert not is_small_number(card.value), card.value
    for spec in charts(at):
        for trace in spec["data"]:
            if trace.get("name") in PEOPLE_TRACES:
                assert not any(is_small_number(v) for v in numbers(trace.get("y")) if v is not None), trace
    for frame in at.dataframe:
        df = frame.value
        for column in ("Patients", "patient_participants"):
            if column in df:
                assert not any(is_small_number(v) for v in df[column]), df[column].tolist()
        people = df.loc[df["Metric id"] == "engagement_patient_participants"] if "Metric id" in df else df.iloc[:0]
        for value in people.drop(columns=["Metric id", "Definition", "Change"], errors="ignore").to_numpy().ravel():
            assert not is_small_number(value), value
        for column in ("details", "Details"):
            if column in df:
                assert not any(SMALL_PEOPLE.search(str(v)) for v in df[column]), df[column].tolist()
    assert any(i.value.startswith(f"**{views.TITLE}**") for i in at.info), "the banner"
    assert "2024: 1 Jan 2024 to 31 Dec 2024" in at.info[0].value and "Data as of" in at.info[0].value


# community/views.py on hand-made frames --------------------------------------------------------------------------


def detail(rows: list[tuple]) -> pd.DataFrame:
    """Rows of community_funding_by_partner: (partner_id, confidential, sector, stage, inbound, outbound)."""
    df = pd.DataFrame(rows, columns=["partner_id", "confidential", "sector", "stage", "inbound", "outbound"])
    return df.assign(kind="no_partnership")


HAND_DETAIL = detail(
    [
        ("P1", False, "pharma", "clinical", 100_000, 0),
        ("P2", False, "biotech", "preclinical", 50_000, 0),
        ("P3", False, "academic", "discovery", 0, 40_000),
        ("P5", True, "medtech", "clinical", 80_000, 0),
        ("P6", True, "foundation", "not_staged", 20_000, 0),
    ]
)


def test_a_confidential_partner_alone_in_its_sector_is_pooled_with_the_smallest_sector_that_helps():
    # Zephyrine (80k in) is the only medtech partner, Quillwort (20k in) the only foundation: their 100k leaves
    # medtech and foundation for "Other partners". Two partners are too few (< 3), and only money in is at risk
    # (they granted nothing), so the smallest sector with money in joins: biotech (50k), not academic (which only
    # received a grant). Pool: 80 + 20 + 50 = 150k from 3 partners, the largest 80 / 150 = 53% <= 80%: safe.
    shown = views.pool_breakdown(HAND_DETAIL, "sector")
    assert shown.frame.to_dict("records") == [
        {"sector": "pharma", "inbound": 100_000, "outbound": 0},
        {"sector": "academic", "inbound": 0, "outbound": 40_000},
        {"sector": OTHERS, "inbound": 150_000, "outbound": 0},
    ]
    assert "medtech" not in set(shown.frame["sector"]) and "foundation" not in set(shown.frame["sector"])
    assert shown.note == (
        f"“{OTHERS}” holds the money of partners who asked not to be named, with biotech merged in so that none "
        "can be singled out."
    )
    # Every dollar is still counted: 100 + 50 + 80 + 20 in, 40 out.
    assert shown.frame["inbound"].sum() == 250_000 and shown.frame["outbound"].sum() == 40_000


def test_stages_keep_their_order_and_the_pool_comes_last():
    # Clinical holds Acme (100k) and Zephyrine (80k); Zephyrine's 80k and Quillwort's 20k (not staged) are pooled,
    # and preclinical (Borealis 50k, the smallest stage with money in) joins them: 150k.
    shown = views.pool_breakdown(HAND_DETAIL, "stage", ["discovery", "preclinical", "clinical", "not_staged"])
    assert shown.frame.to_dict("records") == [
        {"stage": "discovery", "inbound": 0, "outbound": 40_000},
        {"stage": "clinical", "inbound": 100_000, "outbound": 0},
        {"stage": OTHERS, "inbound": 150_000, "outbound": 0},
    ]


def test_a_pool_given_over_80_percent_by_one_partner_takes_in_more_categories():
    # Confidential: S1 900 (pharma), S2 50, S3 50 (medtech): 3 partners but 900 / 1,000 = 90% > 80%.
    # The smallest category with money in joins first: government (100): 900 / 1,100 = 81.8%, still over;
    # then academic (200): 900 / 1,300 = 69.2%: safe. Pharma (named part 5,000) stays.
    shown = views.pool_breakdown(
        detail(
            [
                ("S1", True, "pharma", "clinical", 900, 0),
                ("S2", True, "medtech", "clinical", 50, 0),
                ("S3", True, "medtech", "clinical", 50, 0),
                ("A", False, "pharma", "clinical", 5_000, 0),
                ("G", False, "government", "clinical", 100, 0),
                ("U", False, "academic", "clinical", 200, 0),
            ]
        ),
        "sector",
    )
    assert shown.frame.to_dict("records") == [
        {"sector": "pharma", "inbound": 5_000, "outbound": 0},
        {"sector": OTHERS, "inbound": 1_300, "outbound": 0},
    ]
    assert "government and academic merged in" in shown.note


def test_a_pool_that_cannot_be_made_safe_hides_the_breakdown():
    # One confidential funder (70) and one named sector with money in (30): at most 2 partners give money in.
    shown = views.pool_breakdown(
        detail([("S", True, "pharma", "clinical", 70, 0), ("A", False, "biotech", "clinical", 30, 10)]), "sector"
    )
    assert shown.frame.empty
    assert "breakdown by partner sector is not shown" in shown.note


def test_money_granted_to_confidential_partners_is_pooled_too():
    # Grants to S1 (30) and S2 (30) only: out is at risk. The smallest category with money out joins: academic
    # (U 20, out): 3 partners out, 30 / 80 = 37.5%. Money in (A 500, pharma) is not at risk and stays.
    shown = views.pool_breakdown(
        detail(
            [
                ("S1", True, "academic", "clinical", 0, 30),
                ("S2", True, "patient_org", "clinical", 0, 30),
                ("U", False, "academic", "clinical", 0, 20),
                ("A", False, "pharma", "clinical", 500, 0),
                ("C", False, "cro", "clinical", 0, 900),
            ]
        ),
        "sector",
    )
    assert shown.frame.to_dict("records") == [
        {"sector": "cro", "inbound": 0, "outbound": 900},
        {"sector": "pharma", "inbound": 500, "outbound": 0},
        {"sector": OTHERS, "inbound": 0, "outbound": 80},
    ]


def test_a_breakdown_safe_only_when_everything_is_pooled_is_not_shown():
    # By kind the hand-made 2024 has one category, "no partnership": pooling it with Zephyrine and Quillwort
    # would be safe (4 funders, 100k of 250k at most), but the breakdown would only repeat the totals.
    shown = views.pool_breakdown(HAND_DETAIL, "kind")
    assert shown.frame.empty and "breakdown by kind of partnership is not shown" in shown.note


def test_without_confidential_money_a_breakdown_is_unchanged():
    rows = HAND_DETAIL[~HAND_DETAIL["confidential"]]
    shown = views.pool_breakdown(rows, "sector")
    assert shown.frame.to_dict("records") == [
        {"sector": "pharma", "inbound": 100_000, "outbound": 0},
        {"sector": "biotech", "inbound": 50_000, "outbound": 0},
        {"sector": "academic", "inbound": 0, "outbound": 40_000},
    ]
    assert shown.note == ""


def test_funders_are_pooled_by_pool_partners():
    # Zephyrine 80k and Quillwort 20k are 2 (< 3): the smallest named funder, Borealis (50k), joins: 150k of 250k.
    shares = pd.DataFrame(
        {
            "partner_id": ["P1", "P5", "P2", "P6"],
            "partner": ["Acme Pharma", "Zephyrine Medical", "Borealis Biotech", "Quillwort Trust"],
            "sector": ["pharma", "medtech", "biotech", "foundation"],
            "confidential": [False, True, False, True],
            "inbound": [100_000.0, 80_000.0, 50_000.0, 20_000.0],
        }
    )
    shown = views.safe("funding_partner_shares", shares.assign(share=shares["inbound"] / 250_000), SECRET)
    assert shown.frame.to_dict("records") == [
        {"partner": OTHERS, "confidential": False, "inbound": 150_000.0, "share": 0.6},
        {"partner": "Acme Pharma", "confidential": False, "inbound": 100_000.0, "share": 0.4},
    ]
    assert "pools 3 funders" in shown.note


def test_confidential_partners_leave_partner_tables_with_a_note():
    partners = pd.DataFrame({"partner": ["Acme Pharma", "Zephyrine Medical"], "confidential": [False, True]})
    shown = views.safe("engagement_relationship_partners", partners, SECRET)
    assert list(shown.frame["partner"]) == ["Acme Pharma"] and shown.note == views.LEFT_OUT
    assert views.safe("engagement_relationship_partners", partners.iloc[:1], SECRET).note == ""


def test_the_portfolio_leaves_out_confidential_partners_and_the_money_pooled_with_theirs():
    # Money in: Acme 100k, Borealis 50k, Zephyrine 80k, Quillwort 20k (the hand-made 2024). Listing Acme's and
    # Borealis's beside the 250k total would give 100k for the two confidential ones: as in the funders' shares,
    # Borealis (the smallest named funder) is pooled with them, so its money in is left blank. Money out (City
    # University's 40k grant) pools no confidential partner and stays.
    portfolio = pd.DataFrame(
        {
            "partner_id": ["P1", "P2", "P3", "P5", "P6"],
            "name": ["Acme Pharma", "Borealis Biotech", "City University", "Zephyrine Medical", "Quillwort Trust"],
            "confidential": [False, False, False, True, True],
            "funding_in": [100_000.0, 50_000.0, 0.0, 80_000.0, 20_000.0],
            "funding_out": [0.0, 0.0, 40_000.0, 0.0, 0.0],
        }
    )
    shown = views.safe("partners_portfolio", portfolio, SECRET)
    assert shown.frame["name"].tolist() == ["Acme Pharma", "Borealis Biotech", "City University"]
    assert shown.frame["funding_in"].tolist()[0] == 100_000 and pd.isna(shown.frame["funding_in"].tolist()[1])
    assert shown.frame["funding_out"].tolist() == [0, 0, 40_000]
    assert shown.note == f"{views.PORTFOLIO_CAPTION} {views.PORTFOLIO_BLANK}"


def test_convenings_lose_names_and_small_counts_of_people():
    # Patients 7, 40 and 25 beside the page's count of patients: 7 reads "<11"; as the only hidden part, the
    # next smallest, 25, is hidden too ("—"), so that no subtraction gives the 7 back.
    convenings = pd.DataFrame(
        {
            "title": ["Retreat hosted by Zephyrine Medical", "Summit", "Quillwort Trust day"],
            "patient_participants": [7, 40, 25],
        }
    )
    shown = views.safe("engagement_convenings", convenings, SECRET).frame
    assert list(shown["title"]) == ["Retreat hosted by a partner", "Summit", "a partner day"]
    assert list(shown["patient_participants"]) == [SMALL, "40", HIDDEN]


def test_a_partners_records_lose_names_and_small_counts_of_people():
    # In the period, touchpoints with 7 and 30 patients: 7 reads "<11" and 30, the only other part of the
    # partner's count beside them, "—". Before the period: 4 patients ("<11"; not beside the period's count).
    events = pd.DataFrame(
        {
            "title": ["Retreat hosted by Zephyrine Medical", "Listening session", "Old session", "Sponsorship"],
            "details": [
                "scientific retreat; 9 attendees; 7 patients and caregivers; under Zephyrine Medical: device study",
                "listening session; 120 attendees; 30 patients and caregivers",
                "listening session; 10 attendees; 4 patients and caregivers",
                "clinical stage",
            ],
            "in_period": [True, True, False, True],
        }
    )
    shown = views.safe("partners_events", events, SECRET).frame
    assert list(shown["title"]) == ["Retreat hosted by a partner", "Listening session", "Old session", "Sponsorship"]
    assert list(shown["details"]) == [
        f"scientific retreat; {SMALL} attendees; {SMALL} patients and caregivers; under a partner: device study",
        f"listening session; 120 attendees; {HIDDEN} patients and caregivers",
        f"listening session; {SMALL} attendees; {SMALL} patients and caregivers",
        "clinical stage",
    ]


def test_programs_and_milestones_lose_confidential_names():
    milestones = pd.DataFrame({"program": ["Zephyrine Medical sensor"], "note": ["With QUILLWORT TRUST data"]})
    shown = views.safe("science_milestones", milestones, SECRET).frame
    assert shown.to_dict("records") == [{"program": "a partner sensor", "note": "With a partner data"}]


def test_every_query_a_page_runs_has_a_community_rule_and_an_unknown_one_is_refused():
    pages = "\n".join((ROOT / page).read_text(encoding="utf-8") for page in PAGES)
    used = set(re.findall(r'safe_query\(\s*"(\w+)"', pages))
    assert used and used <= views.AS_IS | set(views.RULES)
    assert "data.query(" not in pages  # every query goes through safe_query
    with pytest.raises(KeyError, match="no community-safe rule"):
        views.safe("something_new", pd.DataFrame(), SECRET)


def test_a_trend_of_people_hides_small_values_as_missing_bars_labelled_less_than_11():
    trend = pd.DataFrame(
        {"period": ["2023", "2024"], "engagement_count": [3, 5], "engagement_patient_participants": [15, 9]}
    )
    drawn, csv = views.safe_trend(trend, community=True)
    assert drawn["engagement_patient_participants"].tolist()[0] == 15
    assert pd.isna(drawn["engagement_patient_participants"].tolist()[1])
    assert csv["engagement_patient_participants"].tolist() == [15, SMALL]
    assert csv["engagement_count"].tolist() == [3, 5]  # counts of touchpoints are not counts of people
    fig = go.Figure(
        [go.Bar(x=drawn["period"], y=drawn[c]) for c in ("engagement_count", "engagement_patient_participants")]
    )
    fig.update_layout(bargap=0.2)
    views.label_small(fig, csv, "period", ["engagement_count", "engagement_patient_participants"])
    # Two bars share 1 - 0.2 = 0.8 of a category: the second's centre is 0.2 right of the category's (index 1).
    [label] = fig.layout.annotations
    assert label.text == SMALL and label.x == pytest.approx(1.2)
    internal = views.safe_trend(trend, community=False)
    assert internal[0] is trend and internal[1] is trend


def test_cards_of_people_read_less_than_11_without_their_change_or_sparkline():
    rules = views.card_rules("engagement_patient_participants", 9, 15, [20, 15, 9], community=True)
    assert rules == views.CardRules(small=True, delta=False, sparkline=False)
    # 40 now, 8 before: the value shows, but the change would give the 8 away, and so would the sparkline.
    assert views.card_rules("engagement_patient_participants", 40, 8, [8, 40], True) == views.CardRules(
        small=False, delta=False, sparkline=False
    )
    assert views.card_rules("engagement_patient_participants", 40, 30, [30, 40], True) == views.CardRules()
    assert views.card_rules("engagement_count", 3, 2, [2, 3], True) == views.CardRules()  # not people
    assert views.card_rules("engagement_patient_participants", 9, 15, [15, 9], False) == views.CardRules()


def test_the_table_of_every_metric_hides_a_small_count_of_people():
    table = pd.DataFrame(
        {
            "Metric id": ["engagement_patient_participants", "engagement_count"],
            "2024": ["9", "3"],
            "Prior period": ["15", "2"],
            "Change": ["-40%", "+50%"],
        }
    )
    current = {"engagement_patient_participants": 9, "engagement_count": 3}
    prior = {"engagement_patient_participants": 15, "engagement_count": 2}
    shown = views.safe_metric_table(table, current, prior, "2024", True)
    assert shown.iloc[0][["2024", "Prior period", "Change"]].tolist() == [SMALL, "15", HIDDEN]
    assert shown.iloc[1][["2024", "Prior period", "Change"]].tolist() == ["3", "2", "+50%"]
    values = pd.DataFrame(
        {"metric_id": ["engagement_patient_participants", "engagement_count"], "2024": [9, 3], "prior": [15, 2]}
    )
    assert views.safe_metric_values(values, "2024", True)["2024"].tolist() == [SMALL, 3]


# The breakdowns on the sample foundation ------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2019, 2022, 2024, 2025])
@pytest.mark.parametrize("by", ["sector", "kind", "stage"])
def test_sample_breakdowns_keep_every_dollar_and_show_no_confidential_partner_alone(sample_db, year, by):
    period = Period(date(year, 1, 1), date(year, 12, 31))
    with database.read(sample_db) as con:
        original = queries.run(con, f"funding_by_{by}", [period], Filters())
        rows = queries.run(con, "community_funding_by_partner", [period], Filters())
    shown = views.safe(f"funding_by_{by}", original, SECRET, {views.BY_PARTNER: rows}).frame
    if shown.empty:
        return
    for direction in ("inbound", "outbound"):
        assert shown[direction].sum() == pytest.approx(original[direction].sum())
    for _, row in shown[shown[by] != OTHERS].iterrows():
        # A category shown holds no confidential money: its amounts are its named partners' alone.
        named = rows[(rows[by] == row[by]) & ~rows["confidential"]]
        assert row["inbound"] == pytest.approx(named["inbound"].sum())
        assert row["outbound"] == pytest.approx(named["outbound"].sum())


# Every page through AppTest ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_the_hand_made_foundation_is_community_safe(app, hand_db, csvs, page):
    at = app(hand_db, page, view="community", period="year", year="2024")
    assert_community_safe(at, HAND_NAMES, csvs)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_the_sample_foundation_is_community_safe(app, sample_db, csvs, page):
    at = app(sample_db, page, view="community", period="year", year="2024")
    assert_community_safe(at, SAMPLE_NAMES, csvs)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_an_empty_database_renders_in_the_community_safe_view(app, empty_db, page):
    at = app(empty_db, page, view="community")
    assert any(i.value.startswith(f"**{views.TITLE}**") for i in at.info)


def test_a_named_partners_profile_on_the_sample_is_community_safe(app, sample_db, csvs):
    at = app(sample_db, "pages/partners.py", view="community", period="year", year="2024", partner="PTR-001")
    assert [s.value for s in at.subheader][-1] == "Veltrana Therapeutics"
    assert_community_safe(at, SAMPLE_NAMES, csvs)


def test_a_named_partners_profile_is_community_safe(app, hand_db, csvs):
    # Acme Pharma (P1) took part in E1 (9 attendees, 7 patients, under Zephyrine's partnership) and E2 (20
    # attendees, 2 patients) in 2024: 9 patients in all, "<11"; a publication and a program name Zephyrine.
    at = app(hand_db, "pages/partners.py", view="community", period="year", year="2024", partner="P1")
    assert [s.value for s in at.subheader][-1] == "Acme Pharma"
    assert_community_safe(at, HAND_NAMES, csvs)
    assert {m.label: m.value for m in at.metric}["Patient participants"] == SMALL
    records = at.dataframe[-1].value
    assert records["title"].str.contains("Retreat hosted by a partner").any()
    assert records["details"].str.contains(f"{SMALL} patients and caregivers").any()


def test_a_confidential_partners_profile_is_not_available(app, hand_db, csvs):
    at = app(hand_db, "pages/partners.py", view="community", period="year", year="2024", partner="P5")
    assert any(i.value == views.PROFILE_UNAVAILABLE for i in at.info)
    assert at.selectbox(key="partner").value is None
    assert_community_safe(at, HAND_NAMES, csvs)


def test_the_hand_made_pages_show_what_the_rules_expect(app, hand_db):
    overview = app(hand_db, "pages/overview.py", view="community", period="year", year="2024")
    card = {m.label: m for m in overview.metric}["Patient participants"]
    assert card.value == SMALL and card.proto.delta == "" and not card.proto.chart_data
    story = next(s for s in charts(overview) if s["layout"]["title"]["text"] == "Touchpoints and the patients in them")
    patients = next(t for t in story["data"] if t["name"] == "Patient participants")
    assert numbers(patients["y"])[-2:] == [15, None]  # 2023, then 2024: 9, hidden
    assert [a["text"] for a in story["layout"]["annotations"]].count(SMALL) == 1

    funding = app(hand_db, "pages/funding.py", view="community", period="year", year="2024")
    by_sector = next(s for s in charts(funding) if s["layout"]["title"]["text"] == "Funding by partner sector")
    assert list(by_sector["data"][0]["y"]) == ["Pharma", "Academic", OTHERS]
    funders = next(s for s in charts(funding) if s["layout"]["title"]["text"] == "Largest funders' shares")
    assert list(funders["data"][0]["y"]) == [OTHERS, "Acme Pharma"]
    assert funders["layout"]["title"]["subtitle"]["text"] == "Of the money received from 4 funders"

    engagement = app(hand_db, "pages/engagement.py", view="community", period="year", year="2024")
    partners = next(f.value for f in engagement.dataframe if "Relationship" in f.value)
    assert sorted(partners["Partner"]) == ["Acme Pharma", "Borealis Biotech", "City University", "Drug Agency"]
    assert views.LEFT_OUT in [c.value for c in engagement.caption]
    convenings = engagement.dataframe[-1].value
    assert convenings[["Title", "Patients"]].to_dict("records") == [
        {"Title": "Retreat hosted by a partner", "Patients": SMALL}
    ]


def test_with_the_switch_off_the_pages_name_everyone_and_show_every_count(app, hand_db, sample_db):
    overview = app(hand_db, "pages/overview.py", period="year", year="2024")
    assert {m.label: m.value for m in overview.metric}["Patient participants"] == "9"
    assert not any(i.value.startswith(f"**{views.TITLE}**") for i in overview.info)
    engagement = app(hand_db, "pages/engagement.py", period="year", year="2024")
    shown = "\n".join(texts(engagement))
    assert "Zephyrine Medical (confidential)" in shown and "Retreat hosted by Zephyrine Medical" in shown
    assert engagement.dataframe[-1].value["Patients"].tolist() == [7]
    funding = app(sample_db, "pages/funding.py", period="year", year="2024")
    assert "Castrelle Pharma (confidential)" in "\n".join(texts(funding))
    partners = app(sample_db, "pages/partners.py", period="year", year="2024")
    assert all(name in partners.dataframe[0].value["name"].str.cat() for name in SAMPLE_NAMES)


def test_the_switch_is_restored_from_the_link_and_written_back(app, hand_db):
    at = app(hand_db, None, view="community", period="year", year="2024")
    assert at.toggle(key="community").value is True and at.session_state["view"].community
    assert dict(at.query_params) == {"view": "community", "period": "year", "year": "2024"}
    plain = app(hand_db, None, view="something-else")
    assert plain.toggle(key="community").value is False and not plain.session_state["view"].community
    assert "view" not in plain.query_params


def _frame_writes_the_link() -> None:
    """A script for AppTest: the frame's link writer, with the switch as the session says."""
    from datetime import date

    import streamlit as st

    from metrics import Filters, Period
    from ui import filters

    last_year = Period(date(2025, 1, 1), date(2025, 12, 31))
    filters.write_to_url("last-full-year", last_year, Filters(), st.session_state.get("community", False))


@pytest.mark.parametrize("on", [True, False])
def test_turning_the_switch_on_or_off_writes_the_link(on):
    # (AppTest does not re-run the frame's sidebar after the first run of a multipage app, so the link writer
    # runs here on its own, with the switch as a click would leave it.)
    at = AppTest.from_function(_frame_writes_the_link)
    at.query_params["view"] = "community" if not on else "x"
    at.session_state["community"] = on
    at.run()
    assert not at.exception
    assert at.query_params.get("view") == ("community" if on else None)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/engagement.py"])
def test_the_checks_above_catch_the_internal_view(app, hand_db, csvs, page):
    # The internal view names Zephyrine (engagement) and shows 9 patient participants (overview): the same
    # checks must fail on it, or they would prove nothing.
    at = app(hand_db, page, period="year", year="2024")
    with pytest.raises(AssertionError, match="Zephyrine" if page == "pages/engagement.py" else "'9'"):
        assert_community_safe(at, () if page == "pages/overview.py" else HAND_NAMES, csvs)
