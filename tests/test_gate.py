"""The one gate (community/gate.py) on the "secret" foundation of tests/secret.py, against values worked by hand.

Money received (see tests/secret.py):
  2023  E1 41,813 (Q1)  S1 123,457 (Q2, confidential)  N3 12,989 (Q3)  N4 67,891 (Q4)  total 246,150
  2024  S1 905,313 (Q1)  N4 52,117 (Q2)  E1 31,771 (Q3)  N3 20,457 (Q3)               total 1,009,658
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from community.gate import AS_IS, RULES, Gate, Refused
from community.rules import HIDDEN, OTHERS, SMALL
from lens import Direct, Lens, View
from metrics import Filters, Period
from store import database

Y2023 = Period(date(2023, 1, 1), date(2023, 12, 31))
Y2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
Q = {f"Q{i} {y}": Period(date(y, 3 * i - 2, 1), date(y + (i == 4), (3 * i + 1) % 12 or 12, 1) - pd.Timedelta(days=1))
     for y in (2023, 2024) for i in (1, 2, 3, 4)}  # fmt: skip


@pytest.fixture
def lens(secret_db):
    """A community-safe lens of the secret foundation for a period."""
    opened = []

    def make(period: Period, **kwargs) -> Lens:
        cm = database.read(secret_db)
        con = cm.__enter__()
        opened.append(cm)
        return Lens(Direct(con), View(period, community=True, **kwargs))

    yield make
    for cm in opened:
        cm.__exit__(None, None, None)


def test_quarter_periods_are_calendar_quarters():
    assert Q["Q4 2023"].label == "Q4 2023" and Q["Q1 2024"].end == date(2024, 3, 31)


def test_the_2023_pool_takes_in_the_smallest_named_funders_until_it_is_safe(lens):
    # S1 alone (123,457) is 1 partner: the smallest named funder joins, N3 (12,989), then E1 (41,813):
    # 3 partners, 123,457 / 178,259 = 69.3% <= 80%. N4 (67,891) stays named.
    gate = lens(Y2023).gate
    pool = gate.pool(Y2023, "inbound")
    assert pool.members == {"S1", "N3", "E1"} and pool.merged == {"N3", "E1"}
    assert pool.rows == [("N4", 67_891.0), (OTHERS, 178_259.0)] and pool.breakdown_shown


def test_the_pool_is_the_same_in_the_year_and_its_quarters(lens):
    # Members are decided for the whole year: E1 is pooled in Q1 2023 too, though Q1 holds no confidential money.
    gate = lens(Q["Q1 2023"]).gate
    assert gate.members(Q["Q1 2023"], "inbound") == {"S1", "N3", "E1"}


def test_quarters_whose_pools_are_unsafe_are_hidden_and_the_year_gives_nothing_away(lens):
    # Q1 2023's pool is E1 alone, Q2's S1 alone, Q3's N3 alone: each under 3, so each is hidden. Together they
    # are the year's pool (S1 + E1 + N3, 69% S1): safe, so no more is needed. Q4 (N4, named) shows 67,891, and
    # 2023's 246,150 - 67,891 = 178,259 is the pool, which shows anyway.
    gate = lens(Y2023).gate
    assert gate.hidden_quarters(Y2023, "inbound") == {Q["Q1 2023"], Q["Q2 2023"], Q["Q3 2023"]}
    quarters = lens(Y2023).rows("funding_by_quarter").frame.set_index("label")
    assert quarters.loc[["Q1 2023", "Q2 2023", "Q3 2023"], "inbound"].tolist() == [HIDDEN] * 3
    assert quarters.loc["Q4 2023", "inbound"] == 67_891 and quarters.loc["Q2 2023", "outbound"] == 50_000


def test_a_year_in_which_the_confidential_funder_gives_over_80_percent_shows_no_money_received(lens):
    # 2024: S1 gives 905,313 / 1,009,658 = 89.7%: the total, its change, the index, the largest and the industry
    # shares are hidden, and no funder's amount shows; grants (60,000 to N1) still show.
    view = lens(Y2024)
    values = view.current()
    for metric_id in (
        "funding_inbound_total",
        "funding_inbound_change",
        "funding_hhi",
        "funding_top_partner_share",
        "funding_industry_share",
    ):
        assert values[metric_id] == HIDDEN, metric_id
    assert values["funding_outbound_total"] == 60_000
    assert view.rows("funding_partner_shares").frame.empty
    by_sector = view.rows("funding_by_sector").frame
    assert set(by_sector["inbound"]) == {HIDDEN} and by_sector["outbound"].tolist()[0] == 60_000
    portfolio = view.rows("partners_portfolio").frame
    assert set(portfolio["funding_in"]) == {HIDDEN}  # everyone's, or a lone "—" among zeros would name a payer


def test_2023_shows_the_named_funder_and_the_pool_and_hides_the_pooled_partners_own_money(lens):
    view = lens(Y2023)
    values = view.current()
    assert values["funding_inbound_total"] == 246_150  # 4 funders, S1 50.2% of it: safe on its own
    assert values["funding_top_partner_share"] == HIDDEN  # the largest funder is S1
    # Industry money: S1 123,457 + E1 41,813 (pooled) + N4 67,891 (named): the industry share would give
    # S1 + E1 = 165,270, two pooled partners apart from the third (N3): hidden.
    assert values["funding_industry_share"] == HIDDEN
    assert values["funding_hhi"] == pytest.approx(
        sum((100 * v / 246_150) ** 2 for v in (41_813, 123_457, 12_989, 67_891))
    )
    shares = view.rows("funding_partner_shares").frame
    assert shares[["partner", "inbound"]].values.tolist() == [[OTHERS, 178_259.0], ["Birchwood Biotech", 67_891.0]]
    portfolio = view.rows("partners_portfolio").frame.set_index("partner_id")
    assert "S1" not in portfolio.index
    assert portfolio.loc["E1", "funding_in"] == HIDDEN and portfolio.loc["N3", "funding_in"] == HIDDEN
    assert portfolio.loc["N4", "funding_in"] == 67_891 and portfolio.loc["N1", "funding_out"] == 50_000
    by_sector = view.rows("funding_by_sector").frame
    # Pharma (E1) and foundation (N3) hold only pooled money: they leave the breakdown for "Other partners".
    assert by_sector.values.tolist() == [
        ["biotech", 67_891.0, 0.0],
        ["academic", 0.0, 50_000.0],
        [OTHERS, 178_259.0, 0.0],
    ]


def test_q4_2023_is_a_published_period_with_its_own_numbers(lens):
    # Q4 2023 holds N4's 67,891 alone (no pool); its prior, Q3 2023, is hidden, so the change is too.
    view = lens(Q["Q4 2023"])
    values = view.current()
    assert values["funding_inbound_total"] == 67_891 and values["funding_inbound_change"] == HIDDEN
    assert view.rows("funding_partner_shares").frame["partner"].tolist() == ["Birchwood Biotech"]


def test_counts_of_people_are_rounded_and_small_ones_read_less_than_11(lens):
    # Patients: 2023 3 + 7 + 40 + 0 = 50; 2024 3 + 4 + 2 = 9.
    assert lens(Y2023).current()["engagement_patient_participants"] == 50
    assert lens(Y2024).current()["engagement_patient_participants"] == SMALL
    by_type = lens(Y2023).rows("report_participants_by_type").frame.set_index("type")["patient_participants"]
    # 3 and 7 are small; two hidden parts protect each other (50 - 40 = 10 = 3 + 7, or 1 + 9, ...).
    assert by_type.to_dict() == {
        "advisory_board": 0,
        "listening_session": SMALL,
        "scientific_retreat": SMALL,
        "webinar": 40,
    }


def test_convenings_lose_the_confidential_name_its_sector_and_small_counts(lens):
    # G2 (2023): S1 (medtech), E1 (pharma), N1 (academic), N2 (regulator), 7 patients, titled "Cedar retreat".
    row = lens(Y2023).rows("engagement_convenings").frame.iloc[0]
    assert row["title"] == "a partner retreat"
    assert row["sectors"] == "pharma, academic, regulator, and partners who asked not to be named"
    assert row["patient_participants"] == SMALL


def test_free_text_notes_and_events_are_public_only_and_redacted(lens):
    view = lens(Y2024)
    notes = view.notes()
    assert [n.text for n in notes] == [
        "a partner renewed its grant: thanks to a partner and to *everyone* <b>involved</b>."
    ]  # markup stays text here; each output escapes it for its own format
    assert [e.label for e in view.events()] == ["a partner visit", "a partner joins"]  # 2023's is in the trend's span
    assert sorted(n.text for n in lens(Y2023).notes()) == [  # the name as people write it (tests/secret.py)
        "a partner and a partner's patients joined the retreat.",
        "a partner renewed for 2023: follow a partner for the news.",
    ]
    assert view.text("Cedar's team and CEDAR DEVICES") == "a partner's team and a partner"


def test_a_period_that_is_not_a_calendar_quarter_or_year_or_any_filter_is_refused(secret_db):
    with database.read(secret_db) as con:
        with pytest.raises(Refused, match="calendar quarters and calendar years only"):
            Lens(Direct(con), View(Period(date(2023, 1, 1), date(2023, 12, 30)), community=True))
        with pytest.raises(Refused, match="take no filter"):
            Lens(Direct(con), View(Y2023, Filters(sectors=("medtech",)), community=True))
        with pytest.raises(Refused, match="take no filter"):
            Lens(
                Direct(con),
                View(Y2023),
            ).for_partner("S1").public()


def test_every_query_has_a_rule_or_is_a_count_and_an_unknown_one_is_refused(secret_db):
    with database.read(secret_db) as con:
        gate = Gate(Y2023, lambda name, periods: Direct(con).query(name, periods, Filters()))
        with pytest.raises(KeyError, match="no community-safe rule"):
            gate.rows("partners_events", pd.DataFrame())
    assert not AS_IS & set(RULES)
