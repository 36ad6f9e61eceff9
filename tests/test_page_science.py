"""The Publications and science page through AppTest, and its queries against the hand-made tiny dataset.

The expected rows below were worked out by hand from tests/data/tiny (the cheat sheet is in the docstring of
tests/test_metrics.py); the arithmetic is in the comments. The chosen period is calendar 2024, so the eight
trend periods are the calendar years 2017 (period_id 0) to 2024 (period_id 7).

Milestones of the tiny dataset, with the stage each kind names:
  PG1 (insights T, partners P01 P05): M01 2022-05-01 target_validated (discovery),
      M02 2023-08-01 candidate_nominated (preclinical), M03 2024-01-01 ind_cleared (clinical),
      M04 2024-06-30 phase1_started (clinical)
  PG2 (F, P02): M05 2024-07-01 phase1_started (clinical), M06 2024-09-10 phase2_started (clinical)
  PG3 (T, P03): M07 2023-12-31 submission_filed (regulatory), M08 2024-12-31 approval (regulatory),
      M10 2025-06-01 label_expansion (utilization)
  PG4 (F, P05): M09 2025-03-01 target_validated     PG5 (T, no partners): no milestones
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import duckdb
import pandas as pd
import pytest

import queries
from contract import MILESTONE_STAGE, MILESTONES, STAGES
from metrics import CATALOGUE, METRICS, Filters, Period, compute
from store import database
from tests.conftest import each_section, plain_text

TABLES = ("partners", "partnerships", "engagements", "funding", "publications", "programs", "milestones")
YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
CARDS = [m.id for m in METRICS if m.group in ("Publications", "Science progress")]  # the page's two groups


PAGE = "pages/science.py"
PUBLICATIONS, SPEED, PROGRAMS = "Publications", "How quickly results are published", "Research programs"


@pytest.fixture
def app(app):
    """The shared fixture, opened on this page."""
    return lambda db, **params: app(db, PAGE, **params)


def sections(at) -> dict[str, tuple[int, int, list[str]]]:
    """Each section of the page opened in turn: its charts, its tables and its messages (info boxes)."""
    shown = {}
    for label in each_section(at, PAGE):
        assert not at.exception, [e.message for e in at.exception]
        shown[label] = (len(at.get("plotly_chart")), len(at.dataframe), [plain_text(i.value) for i in at.info])
    return shown


def run(db, name: str, filters: Filters | None = None) -> pd.DataFrame:
    with database.read(db) as con:
        return queries.run(con, name, YEAR_2024.trend(8), filters or Filters())


def rows(df: pd.DataFrame) -> list[tuple]:
    """The frame's rows as plain tuples (dates as date, missing as None), to compare with hand-written rows."""
    out = []
    for record in df.itertuples(index=False):
        out.append(
            tuple(
                None
                if pd.isna(x)
                else x.date()
                if isinstance(x, pd.Timestamp)
                else x.item()
                if hasattr(x, "item")
                else x
                for x in record
            )
        )
    return out


def test_the_page_renders_the_sample_foundation(app, sample_db):
    at = app(sample_db, period="year", year="2024")
    assert not at.exception
    assert [t.value for t in at.title] == ["Publications and science"]
    assert any(c.value.startswith("2024 (1 Jan 2024 to 31 Dec 2024), compared with 2023") for c in at.caption)
    assert [m.label for m in at.metric] == [CATALOGUE[i].label for i in CARDS]
    # Publications per year, open access and lay summaries; the time-to-publication histogram, the median
    # days to publish; programs by stage, programs informed by patients, the milestone timeline and the programs.
    assert sections(at) == {PUBLICATIONS: (2, 0, []), SPEED: (2, 0, []), PROGRAMS: (3, 1, [])}


def test_the_page_on_an_empty_database_explains_itself(app, empty_db):
    at = app(empty_db)
    assert not at.exception
    assert [t.value for t in at.title] == ["Publications and science"]
    shown = sections(at)
    assert [(charts, tables, len(messages)) for charts, tables, messages in shown.values()] == [(0, 0, 1)] * 3
    assert shown[PUBLICATIONS][2][0].startswith("No publications in")
    assert shown[SPEED][2][0].startswith("No publications in")
    assert shown[PROGRAMS][2][0].startswith("No program milestones in")


def test_a_stage_filter_says_why_publications_are_left_out(app, sample_db):
    at = app(sample_db, period="year", year="2024", stage="clinical")
    assert not at.exception
    shown = sections(at)
    assert shown[PROGRAMS][:2] == (3, 1)  # programs by stage, informed by patients, the timeline; the programs
    for section in (PUBLICATIONS, SPEED):
        assert shown[section][:2] == (0, 0)
        assert shown[section][2][1:] == [  # after the notice of the filter (ui/header)
            "Publications carry no R&D stage, so the R&D stage filter leaves them all out. "
            "Clear the R&D stage filter to see publications."
        ]


def test_a_partnership_kind_filter_says_why_programs_are_left_out(app, sample_db):
    at = app(sample_db, period="year", year="2024", kind="research_investment")
    assert not at.exception
    shown = sections(at)
    assert shown[PUBLICATIONS][:2] == shown[SPEED][:2] == (2, 0)  # the four publication charts
    assert shown[PROGRAMS][:2] == (0, 0)
    assert shown[PROGRAMS][2][1:] == [  # after the notice of the filter (ui/header)
        "Research programs and their milestones belong to no partnership, so the partnership-kind filter "
        "leaves them all out. Clear the partnership-kind filter to see research programs."
    ]


def test_days_to_publish_in_30_day_bins(tiny_db):
    # Publications of 2024 with a study_completed_date: PUB01 30 days, PUB02 90, PUB05 10
    # (PUB03, PUB04 and PUB06 have none; PUB07 is 2023 and PUB08 2025). The longest is 90, so the bins
    # run 0-29, 30-59, 60-89, 90-119.
    assert rows(run(tiny_db, "science_days_to_publish")) == [
        (0, 29, 1),  # PUB05 (10)
        (30, 59, 1),  # PUB01 (30: a bin starts at 30)
        (60, 89, 0),
        (90, 119, 1),  # PUB02 (90)
    ]


def test_days_to_publish_is_empty_when_no_publication_matches(tiny_db):
    assert run(tiny_db, "science_days_to_publish", Filters(stages=("clinical",))).empty


def test_programs_by_stage_at_each_year_end(tiny_db):
    df = run(tiny_db, "science_programs_by_stage")
    # Every period with every stage, in stage order: 8 periods x 5 stages.
    assert len(df) == 40
    assert list(df["stage"][:5]) == list(STAGES)
    assert list(df["end_date"].dt.date.unique()) == [date(y, 12, 31) for y in range(2017, 2025)]
    counted = [(r[0], r[2], r[3]) for r in rows(df) if r[3]]
    assert counted == [
        # End of 2022: PG1's latest is M01 target_validated (2022-05-01).
        (5, "discovery", 1),
        # End of 2023: PG1's latest is M02 candidate_nominated (2023-08-01); PG3's is M07
        # submission_filed, dated 2023-12-31, the last day itself.
        (6, "preclinical", 1),
        (6, "regulatory", 1),
        # End of 2024: PG1 M04 phase1_started (2024-06-30) and PG2 M06 phase2_started (2024-09-10) are
        # clinical; PG3 M08 approval (2024-12-31) regulatory. PG4's first milestone is in 2025; PG5 has none.
        (7, "clinical", 2),
        (7, "regulatory", 1),
    ]
    # 2017 to 2021: no milestone yet (M01 is the first, 2022-05-01).
    assert df[df["period_id"] <= 4]["programs"].sum() == 0


def test_programs_by_stage_under_filters(tiny_db):
    def counted(filters):
        return [(r[0], r[2], r[3]) for r in rows(run(tiny_db, "science_programs_by_stage", filters)) if r[3]]

    # Clinical milestones only: PG1 M03, M04 and PG2 M05, M06, all in 2024; PG3 has none.
    assert counted(Filters(stages=("clinical",))) == [(7, "clinical", 2)]
    # Medtech: P03 is on PG3 alone -> its submission (end of 2023) and approval (end of 2024).
    assert counted(Filters(sectors=("medtech",))) == [(6, "regulatory", 1), (7, "regulatory", 1)]
    # Milestones belong to no partnership: every count is 0, but every period and stage is still listed.
    kind = run(tiny_db, "science_programs_by_stage", Filters(kinds=("research_investment",)))
    assert len(kind) == 40 and kind["programs"].sum() == 0


def test_programs_at_the_end_of_2024(tiny_db):
    # Programs with a milestone on or before 2024-12-31: PG1, PG2, PG3 (PG4's is 2025-03-01, PG5 has none).
    # Most advanced first, then the latest milestone first: PG3 regulatory; PG2 (2024-09-10) before PG1
    # (2024-06-30), both clinical.
    assert rows(run(tiny_db, "science_programs")) == [
        ("Wearable monitor", "device", 1, True, "regulatory", "approval", date(2024, 12, 31)),  # P03
        ("Small molecule BN-7", "small molecule", 1, False, "clinical", "phase2_started", date(2024, 9, 10)),  # P02
        ("Gene therapy OND-101", "gene therapy", 2, True, "clinical", "phase1_started", date(2024, 6, 30)),  # P01 P05
    ]


def test_the_programs_table_lists_what_the_patient_insight_share_counts(tiny_db):
    table = run(tiny_db, "science_programs")
    with database.read(tiny_db) as con:
        share = compute(con, YEAR_2024.start, YEAR_2024.end, ["program_patient_insight_share"])
    # PG3 and PG1 informed by patients, PG2 not: 2 of 3.
    assert table["patient_insights"].mean() == pytest.approx(share["program_patient_insight_share"]) == 2 / 3


def test_the_milestone_timeline_up_to_the_end_of_2024(tiny_db):
    # M01..M08 (M09 and M10 are 2025), in the contract's order of kinds, then by date. A program's first
    # date is its earliest milestone: PG1 2022-05-01, PG2 2024-07-01, PG3 2023-12-31.
    g1, g2, g3 = "Gene therapy OND-101", "Small molecule BN-7", "Wearable monitor"
    pg1, pg2, pg3 = date(2022, 5, 1), date(2024, 7, 1), date(2023, 12, 31)
    assert rows(run(tiny_db, "science_milestones")) == [
        (g1, pg1, date(2022, 5, 1), "target_validated", "discovery", None),  # M01
        (g1, pg1, date(2023, 8, 1), "candidate_nominated", "preclinical", None),  # M02
        (g1, pg1, date(2024, 1, 1), "ind_cleared", "clinical", None),  # M03
        (g1, pg1, date(2024, 6, 30), "phase1_started", "clinical", None),  # M04
        (g2, pg2, date(2024, 7, 1), "phase1_started", "clinical", "first milestone of PG2"),  # M05
        (g2, pg2, date(2024, 9, 10), "phase2_started", "clinical", None),  # M06
        (g3, pg3, date(2023, 12, 31), "submission_filed", "regulatory", None),  # M07
        (g3, pg3, date(2024, 12, 31), "approval", "regulatory", None),  # M08
    ]


def test_the_milestone_timeline_is_empty_under_a_partnership_kind_filter(tiny_db):
    assert run(tiny_db, "science_milestones", Filters(kinds=("experiential",))).empty
    assert run(tiny_db, "science_programs", Filters(kinds=("experiential",))).empty


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory):
    """One program per milestone kind (each its only milestone, 2024-03-01), and one program with an
    ind_cleared and an approval on the same day; two programs share the name "Twin"."""
    db = tmp_path_factory.mktemp("kinds") / "kinds.duckdb"
    con = duckdb.connect(str(db))
    database.create_schema(con)
    for i, kind in enumerate(MILESTONES):
        con.execute("INSERT INTO programs (program_id, name) VALUES (?, ?)", [f"K{i}", kind])
        con.execute("INSERT INTO milestones VALUES (?, ?, DATE '2024-03-01', ?, NULL)", [f"M{i}", f"K{i}", kind])
    con.execute("INSERT INTO programs (program_id, name) VALUES ('TA', 'Twin'), ('TB', 'Twin')")
    con.execute(
        "INSERT INTO milestones VALUES ('TA1', 'TA', DATE '2024-05-01', 'approval', NULL), "
        "('TA2', 'TA', DATE '2024-05-01', 'ind_cleared', NULL)"
    )
    con.close()
    return db


def test_every_query_maps_each_milestone_to_the_stage_the_contract_names(every_kind):
    table = run(every_kind, "science_programs")
    single = table[table["program"] != "Twin"]
    assert dict(zip(single["latest_milestone"], single["stage"], strict=True)) == MILESTONE_STAGE
    timeline = run(every_kind, "science_milestones")
    assert all(MILESTONE_STAGE[m] == s for m, s in zip(timeline["milestone"], timeline["stage"], strict=True))
    stages = run(every_kind, "science_programs_by_stage")
    at_2024 = dict(zip(*[stages[stages["period_id"] == 7][c] for c in ("stage", "programs")], strict=True))
    # The ten single programs, plus TA at the regulatory stage (see the next test).
    assert at_2024 == dict(Counter(MILESTONE_STAGE.values()) + Counter({"regulatory": 1}))


def test_of_two_milestones_on_one_day_the_later_in_the_contract_counts(every_kind):
    table = run(every_kind, "science_programs").set_index("program")
    # TA: ind_cleared and approval both on 2024-05-01; approval comes later in the contract's list.
    assert (table.loc["Twin", "latest_milestone"], table.loc["Twin", "stage"]) == ("approval", "regulatory")


def test_programs_that_share_a_name_get_their_own_timeline_row(every_kind):
    timeline = run(every_kind, "science_milestones")
    assert sorted(p for p in timeline["program"] if p.startswith("Twin")) == ["Twin (TA)", "Twin (TA)"]


def test_the_timeline_marks_each_kind_and_shows_the_note_on_hover(tiny_db):
    from charts.science import milestone_timeline, stage_colours
    from contract import MILESTONE_LABELS

    fig = milestone_timeline(
        run(tiny_db, "science_milestones"),
        period_start=YEAR_2024.start,
        period_end=YEAR_2024.end,
        period_label="2024",
        title="Program milestones",
        source="Source: tiny.",
    )
    # Eight milestones of seven kinds (two phase1_started: M04 and M05), in the contract's order.
    kinds = ["target_validated", "candidate_nominated", "ind_cleared", "phase1_started", "phase2_started"]
    kinds += ["submission_filed", "approval"]
    assert [t.name for t in fig.data] == [MILESTONE_LABELS[k] for k in kinds]
    assert [t.marker.color for t in fig.data] == [stage_colours()[MILESTONE_STAGE[k]] for k in kinds]
    phase1 = fig.data[3]
    assert list(phase1.y) == ["Gene therapy OND-101", "Small molecule BN-7"]
    assert phase1.text[1] == "<b>Phase 1 started</b> (clinical)<br>first milestone of PG2"
    # Programs in the order they started, the first at the top: PG1 2022, PG3 2023, PG2 2024.
    assert list(fig.layout.yaxis.categoryarray) == ["Small molecule BN-7", "Wearable monitor", "Gene therapy OND-101"]
