"""The one gate (community/gate.py) on the "secret" foundation of tests/secret.py, against values worked by hand.

Money received (see tests/secret.py):
  2023  E1 41,813 (Q1)  S1 123,457 (Q2, confidential)  N3 12,989 (Q3)  N4 67,891 (Q4)  total 246,150
  2024  S1 905,313 (Q1)  N4 52,117 (Q2)  E1 31,771 (Q3)  N3 20,457 (Q3)               total 1,009,658
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from community.gate import AS_IS, CELL_RULES, RULES, Gate, Refused, evaluate, money_word
from community.rules import HIDDEN, OTHERS, SMALL
from lens import Direct, Lens, View
from metrics import Filters, Period
from metrics.catalogue import ENTRIES, KINDS, MONEY
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
    # Rule 6: the distribution's statistics come from the cells published, N4 67,891 (biotech) and "Other partners"
    # 178,259 (one funder of no sector), of 246,150. The largest funder is the pool: 178,259 / 246,150 = 0.7242.
    assert values["funding_top_partner_share"] == pytest.approx(178_259 / 246_150)
    # Industry: the named industry cells only, N4's 67,891 / 246,150 = 0.2758 (S1 and E1 are inside the pool).
    assert values["funding_industry_share"] == pytest.approx(67_891 / 246_150)
    # HHI: (100 × 67,891 / 246,150)² + (100 × 178,259 / 246,150)² = 27.58² + 72.42² = 760.72 + 5,244.49 = 6,005.21.
    assert values["funding_hhi"] == pytest.approx(6_005.2097, abs=1e-3)
    said = view.caveats()
    assert set(said) == {"funding_hhi", "funding_top_partner_share", "funding_industry_share"}
    assert "counting “Other partners”" in said["funding_hhi"] and "of no sector" in said["funding_hhi"]
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
    assert view.text("Cedar's team and CEDAR DEVICES", "note") == "a partner's team and a partner"


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


# The gate on hand-made money (no database): each record (partner, date, direction, amount); partners (id -> sector,
# confidential). The gate reads them as queries/sql/community_money.sql and community_confidential.sql give them.
INDUSTRY = ("pharma", "biotech", "medtech")
Y2025 = Period(date(2025, 1, 1), date(2025, 12, 31))


def fake_gate(records, partners, period: Period = Y2025) -> Gate:
    def fetch(name: str, periods: list[Period]) -> pd.DataFrame:
        if name == "community_confidential":
            return pd.DataFrame([{"partner_id": k, "name": f"Secret {k}"} for k, (_, c) in partners.items() if c])
        rows = []
        for i, p in enumerate(periods):
            for k, (sector, confidential) in partners.items():
                got = {d: sum(a for who, on, d2, a in records if who == k and d2 == d and p.start <= on <= p.end)
                       for d in ("inbound", "outbound")}  # fmt: skip
                if any(got.values()):
                    rows.append(
                        {"period_id": i, "partner_id": k, "confidential": confidential,
                         "industry": sector in INDUSTRY, **got}
                    )  # fmt: skip
        columns = ["period_id", "partner_id", "confidential", "industry", "inbound", "outbound"]
        return pd.DataFrame(rows, columns=columns)

    return Gate(period, fetch)


MAY = date(2025, 5, 1)


def inbound(amounts: dict[str, float]) -> list:
    return [(k, MAY, "inbound", v) for k, v in amounts.items()]


def raw(amounts: dict[str, float], industry: set[str]) -> dict:
    """The internal values of the funding metrics for these funders (as the engine computes them)."""
    total = sum(amounts.values())
    return {
        "funding_inbound_total": total,
        "funding_hhi": sum((100 * v / total) ** 2 for v in amounts.values()),
        "funding_top_partner_share": max(amounts.values()) / total,
        "funding_industry_share": sum(v for k, v in amounts.items() if k in industry) / total,
    }


# Attack 1 of issue 21: the confidential C gives 512,345 and is pooled with the two smallest named funders, A 61,000
# and B 68,000 (3 partners, 512,345 / 641,345 = 79.9% <= 80%: safe); N1 154,089, N2 150,000, N3 150,000 stay named.
ATTACK_HHI = {"C": 512_345, "A": 61_000, "B": 68_000, "N1": 154_089, "N2": 150_000, "N3": 150_000}
ATTACK_HHI_PARTNERS = {"C": ("pharma", True), **{k: ("academic", False) for k in ("A", "B", "N1", "N2", "N3")}}


def test_the_concentration_index_is_worked_out_from_the_cells_so_the_pooled_amount_stays_inside_the_pool():
    # Over every funder, Σ (100 × amount / 1,095,434)² = 2,829.94: with the named amounts and the pool's total shown,
    # it fixes the pool's sum of squares, and so C's 512,345. From the cells, N1 154,089, N2 150,000, N3 150,000
    # and "Other partners" 641,345 of 1,095,434: 14.0665² + 13.6932² + 13.6932² + 58.5471²
    # = 197.87 + 187.50 + 187.50 + 3,427.76 = 4,000.64, the same whatever the split inside the pool.
    values = raw(ATTACK_HHI, set())
    assert values["funding_hhi"] == pytest.approx(2_829.94, abs=0.01)
    gate = fake_gate(inbound(ATTACK_HHI), ATTACK_HHI_PARTNERS)
    assert gate.pool(Y2025, "inbound").members == {"C", "A", "B"}
    shown = gate.values(values)
    assert shown["funding_hhi"] == pytest.approx(4_000.638, abs=1e-3)
    # The largest funder is the pool, one funder: 641,345 / 1,095,434 = 0.5855 (C alone would be 0.4677).
    assert shown["funding_top_partner_share"] == pytest.approx(641_345 / 1_095_434)
    assert shown["funding_inbound_total"] == 1_095_434
    resplit = {**ATTACK_HHI, "C": 400_000, "A": 100_000, "B": 141_345}  # the same pool, split otherwise
    other = fake_gate(inbound(resplit), ATTACK_HHI_PARTNERS).values(raw(resplit, set()))
    assert other == shown


# Attack 2 of issue 21: the confidential pharma P (390,000) is pooled with the three smallest named funders, M 20,000
# (medtech), K 30,000 (biotech) and F 50,000 (a foundation, not industry): 390,000 / 490,000 = 79.6%. I1 300,000
# (pharma) and I2 289,914 (biotech) stay named; all 1,079,914.
ATTACK_INDUSTRY = {"P": 390_000, "M": 20_000, "K": 30_000, "F": 50_000, "I1": 300_000, "I2": 289_914}
ATTACK_INDUSTRY_PARTNERS = {
    "P": ("pharma", True),
    "M": ("medtech", False),
    "K": ("biotech", False),
    "F": ("foundation", False),
    "I1": ("pharma", False),
    "I2": ("biotech", False),
}


def test_the_industry_share_counts_the_named_industry_cells_only_so_no_pooled_partners_money_comes_out():
    # Over every funder the share is 1,029,914 / 1,079,914 = 0.9537; times the total, less the named industry
    # money (589,914), it leaves 440,000 of the pool's 490,000 as industry: F's own 50,000 exactly. From the
    # cells, the pool is of no sector: (300,000 + 289,914) / 1,079,914 = 0.5463, and 0.5463 × 1,079,914 - 589,914
    # = 0: nothing of the pool.
    industry = {k for k, (sector, _) in ATTACK_INDUSTRY_PARTNERS.items() if sector in INDUSTRY}
    values = raw(ATTACK_INDUSTRY, industry)
    assert values["funding_industry_share"] == pytest.approx(0.9537, abs=1e-4)
    assert values["funding_industry_share"] * 1_079_914 - 589_914 == pytest.approx(440_000)
    gate = fake_gate(inbound(ATTACK_INDUSTRY), ATTACK_INDUSTRY_PARTNERS)
    assert gate.pool(Y2025, "inbound").members == {"P", "M", "K", "F"}
    shown = gate.values(values)
    assert shown["funding_industry_share"] == pytest.approx(589_914 / 1_079_914)
    assert shown["funding_industry_share"] * 1_079_914 - 589_914 == pytest.approx(0, abs=1e-6)
    assert gate.caveats(Y2025)["funding_industry_share"].endswith("as one funder of no sector.")


def test_without_a_confidential_funder_every_statistic_is_the_exact_one_and_says_nothing_more():
    # A 50, B 30, C 20 of 100, all named: HHI 50² + 30² + 20² = 3,800; largest 0.5; industry (A) 0.5.
    partners = {"A": ("pharma", False), "B": ("academic", False), "C": ("foundation", False)}
    gate = fake_gate(inbound({"A": 50, "B": 30, "C": 20}), partners)
    shown = gate.values(raw({"A": 50, "B": 30, "C": 20}, {"A"}))
    assert shown == {
        "funding_inbound_total": 100,
        "funding_hhi": pytest.approx(3_800),
        "funding_top_partner_share": 0.5,
        "funding_industry_share": 0.5,
    }
    assert gate.hidden(Y2025) == {} and gate.caveats(Y2025) == {}


def test_two_funders_with_a_confidential_one_hide_the_total_and_everything_computed_from_it():
    # S and A give 50 each: 2 partners, under 3, so the total would show S; the index, the shares and the change
    # are computed from it (or from its breakdown, not shown) and are hidden with it.
    gate = fake_gate(inbound({"S": 50, "A": 50}), {"S": ("pharma", True), "A": ("academic", False)})
    values = {**raw({"S": 50, "A": 50}, {"S"}), "funding_inbound_change": None, "engagement_count": 4}
    shown = gate.values(values)
    assert {k for k, v in shown.items() if v == HIDDEN} == set(values) - {"engagement_count"}
    assert shown["engagement_count"] == 4 and gate.caveats(Y2025) == {}


def test_the_change_is_hidden_when_the_prior_periods_total_was():
    # 2024: S gives 90 of 100 (over 80%): hidden; 2025: A 1, B 2, C 3, all named, shown; the change from 2024 is not.
    partners = {"S": ("pharma", True), **{k: ("academic", False) for k in "ABC"}}
    records = [("S", date(2024, 5, 1), "inbound", 90), ("A", date(2024, 5, 1), "inbound", 5),
               ("B", date(2024, 5, 1), "inbound", 5), *inbound({"A": 1, "B": 2, "C": 3})]  # fmt: skip
    gate = fake_gate(records, partners)
    shown = gate.values({"funding_inbound_total": 6, "funding_inbound_change": -0.94})
    assert shown == {"funding_inbound_total": 6, "funding_inbound_change": HIDDEN}
    assert set(gate.hidden(Y2025)) == {"funding_inbound_change"}


def test_grants_to_a_lone_confidential_grantee_hide_the_grants_and_the_publications_per_million():
    gate = fake_gate([("S", MAY, "outbound", 100_000)], {"S": ("academic", True)})
    shown = gate.values({"funding_outbound_total": 100_000, "publications_per_million_granted": 30.0,
                         "publication_count": 3})  # fmt: skip
    assert shown == {"funding_outbound_total": HIDDEN, "publications_per_million_granted": HIDDEN,
                     "publication_count": 3}  # fmt: skip


def test_a_metric_the_catalogue_does_not_declare_is_hidden_until_it_is(monkeypatch):
    from dataclasses import replace as changed

    from community import gate as gate_module

    gate = fake_gate(inbound({"A": 50, "B": 30, "C": 20}), {k: ("academic", False) for k in "ABC"})
    assert gate.values({"outcome_new_metric": 7}) == {"outcome_new_metric": HIDDEN}  # not in the catalogue
    monkeypatch.setitem(ENTRIES, "publication_count", changed(ENTRIES["publication_count"], money=None))
    monkeypatch.setitem(ENTRIES, "engagement_count", changed(ENTRIES["engagement_count"], people=None))
    monkeypatch.setitem(ENTRIES, "citations_total", changed(ENTRIES["citations_total"], money=("inbound by mood",)))
    # A statistic of the money's distribution with no rule to compute it from the cells:
    monkeypatch.setitem(ENTRIES, "milestone_count", changed(ENTRIES["milestone_count"], money=("inbound by partner",)))
    gate_module.distributions.cache_clear()
    try:
        shown = gate.values(
            {"publication_count": 3, "engagement_count": 4, "citations_total": 9, "milestone_count": 1,
             "publication_open_access_share": 0.5, "approval_count": 1}
        )  # fmt: skip
    finally:
        gate_module.distributions.cache_clear()
    # The open access share is a ratio over publication_count, now undeclared: hidden with it.
    assert {k for k, v in shown.items() if v == HIDDEN} == set(shown) - {"approval_count"}
    assert shown["approval_count"] == 1


def test_a_share_of_a_small_count_of_people_is_hidden_with_it(monkeypatch):
    from dataclasses import replace as changed

    # Were engagement_count a count of people, a share over 7 of them (1 to 10) would give the 7 away with its
    # numerator; over 40 it shows. A part that was not read counts as small: its size is unknown.
    monkeypatch.setitem(
        ENTRIES, "engagement_industry_count", changed(ENTRIES["engagement_industry_count"], people=True)
    )
    gate = fake_gate([], {})
    assert gate.values({"engagement_reciprocity_share": 0.5, "engagement_industry_count": 7}) == {
        "engagement_reciprocity_share": HIDDEN, "engagement_industry_count": SMALL}  # fmt: skip
    assert gate.values({"engagement_reciprocity_share": 0.5, "engagement_industry_count": 40}) == {
        "engagement_reciprocity_share": 0.5, "engagement_industry_count": 40}  # fmt: skip
    assert gate.values({"engagement_reciprocity_share": 0.5}) == {"engagement_reciprocity_share": HIDDEN}


def test_a_derived_formula_is_read_as_arithmetic_only():
    # publications_per_million_granted: 12 / (3,000,000 / 1,000,000) = 4.
    formula = "{publication_count} / ({funding_outbound_total} / 1000000)"
    assert evaluate(formula, {"publication_count": 12, "funding_outbound_total": 3_000_000}) == 4
    assert evaluate(formula, {"publication_count": 12, "funding_outbound_total": 0}) is None
    assert evaluate(formula, {"publication_count": None, "funding_outbound_total": 1}) is None
    with pytest.raises(ValueError, match="not a formula"):
        evaluate("__import__('os')", {})


def test_text_of_a_kind_the_gate_has_no_rule_for_is_refused():
    gate = fake_gate([], {"S": ("pharma", True)})
    assert gate.text("Secret S's note", "note") == "a partner's note"
    with pytest.raises(KeyError, match="no community-safe rule for the text field 'tweet'"):
        gate.text("hello", "tweet")


@pytest.mark.parametrize("metric_id", list(ENTRIES))
def test_every_catalogue_entry_declares_what_the_gate_needs(metric_id):
    # Rule 7: a metric shows only as declared. An entry without these, or with a word the gate cannot read, is
    # hidden in every community output; this test names it before anyone wonders why.
    entry = ENTRIES[metric_id]
    assert entry.money is not None, "money: what money its value reveals (() for none)"
    assert entry.people is not None, "people: whether it is a count of people"
    assert entry.kind in KINDS
    assert all(money_word(w) is not None for w in entry.money), f"a money word the gate has no rule for: {entry.money}"
    if any(money_word(w)[1] for w in entry.money):
        assert metric_id in CELL_RULES, "a statistic of the money's distribution needs a cell rule in community/gate.py"
    assert all(i in ENTRIES and i != metric_id for i in entry.inputs), entry.inputs
    expected = {"simple": 0, "ratio": 2, "change": 1}.get(entry.kind)
    assert expected is None or len(entry.inputs) == expected, (entry.kind, entry.inputs)
    assert (entry.kind == "derived") == bool(entry.formula)
    if entry.kind == "derived":
        assert evaluate(entry.formula, dict.fromkeys(entry.inputs, 1.0)) is not None
    assert fake_gate([], {}).why_hidden(metric_id, Y2025) is None


def test_every_cell_rule_is_of_an_entry_that_reveals_a_distribution():
    assert all(any(money_word(w)[1] for w in ENTRIES[m].money) for m in CELL_RULES)
    assert all(money_word(w) is not None for w in MONEY)


def test_statistics_are_hidden_when_every_funder_is_in_the_pool():
    # S 60 (confidential) alone is 1 partner: A 20 then B 20 join (3 partners, 60%). The one cell is the pool's 100:
    # an index of 10,000 or a largest share of 100% would describe the grouping, not the money: hidden.
    partners = {"S": ("pharma", True), "A": ("biotech", False), "B": ("academic", False)}
    gate = fake_gate(inbound({"S": 60, "A": 20, "B": 20}), partners)
    shown = gate.values(raw({"S": 60, "A": 20, "B": 20}, {"S", "A"}))
    assert shown == {"funding_inbound_total": 100, "funding_hhi": HIDDEN, "funding_top_partner_share": HIDDEN,
                     "funding_industry_share": HIDDEN}  # fmt: skip
    assert "every funder is grouped" in gate.hidden(Y2025)["funding_hhi"]
