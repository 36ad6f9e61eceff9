"""The community-safe rules: small counts of people, complementary suppression, confidential pools, redaction."""

from __future__ import annotations

import pytest

from community import HIDDEN, SMALL, hidden_funding_metrics, people, pool_partners, redact, suppress_parts


@pytest.mark.parametrize(
    "n,shown", [(0, 0), (1, SMALL), (10, SMALL), (11, 11), (1234, 1234), (None, None), (10.0, SMALL)]
)
def test_counts_of_people_from_1_to_10_read_less_than_11(n, shown):
    assert people(n) == shown


def test_one_small_part_beside_its_total_hides_the_next_smallest_part_too():
    # Total 12 + 5 + 40 = 57 is shown. Hiding only the 5 would leave 57 - 12 - 40 = 5: so 12 is hidden as well.
    assert suppress_parts({"webinar": 12, "retreat": 5, "listening": 40}) == {
        "webinar": HIDDEN,
        "retreat": SMALL,
        "listening": 40,
    }


def test_two_small_parts_already_protect_each_other():
    # 57 - 40 = 17 = the two hidden parts together (3 + 14 is as likely as 9 + 8): nothing more to hide.
    assert suppress_parts({"a": 3, "b": 9, "c": 40}) == {"a": SMALL, "b": SMALL, "c": 40}


def test_zeros_stay_shown_and_are_not_used_as_cover():
    # Hiding a zero would protect nothing that is not already known, so the 30 is hidden.
    assert suppress_parts({"a": 0, "b": 4, "c": 30, "d": 50}) == {"a": 0, "b": SMALL, "c": HIDDEN, "d": 50}


def test_without_a_total_no_complementary_hiding_is_needed():
    assert suppress_parts({"a": 4, "b": 30}, total_shown=False) == {"a": SMALL, "b": 30}


def test_confidential_partners_are_pooled_once_the_pool_is_safe():
    # Three confidential partners, none above 80% of the pool (50 of 100): pooled as they are.
    pooled = pool_partners(
        [
            ("Acme", False, 500),
            ("Secret A", True, 50),
            ("Secret B", True, 30),
            ("Secret C", True, 20),
            ("Uni", False, 90),
        ]
    )
    assert pooled.rows == [("Acme", 500.0), ("Uni", 90.0), ("Other partners", 100.0)]
    assert pooled.pooled_partners == 3 and pooled.breakdown_shown and pooled.total == 690


def test_a_pool_of_two_takes_in_the_smallest_named_partner():
    # Secret A and B alone are 2 partners (< 3): the smallest named partner (Small, 10) joins: 60 + 40 + 10.
    pooled = pool_partners([("Big", False, 900), ("Small", False, 10), ("Secret A", True, 60), ("Secret B", True, 40)])
    assert pooled.rows == [("Big", 900.0), ("Other partners", 110.0)]
    assert pooled.pooled_partners == 3


def test_a_pool_dominated_by_one_partner_grows_until_no_one_gives_over_80_percent():
    # Secret gives 90. With Tiny (5) and Mid (10) the pool is 105 and 90 / 105 = 86% > 80%: Mid2 (20) joins,
    # 90 / 125 = 72%, safe. Named ones join smallest first.
    pooled = pool_partners(
        [("Secret", True, 90), ("Tiny", False, 5), ("Mid", False, 10), ("Mid2", False, 20), ("Large", False, 400)]
    )
    assert pooled.rows == [("Large", 400.0), ("Other partners", 125.0)]
    assert pooled.pooled_partners == 4


def test_a_pool_that_cannot_be_made_safe_shows_no_breakdown():
    pooled = pool_partners([("Secret", True, 100), ("Named", False, 5)])
    assert not pooled.breakdown_shown
    assert pooled.rows == [("Other partners", 105.0)]


def test_without_confidential_partners_nothing_is_pooled():
    assert pool_partners([("A", False, 2), ("B", False, 3)]).rows == [("B", 3.0), ("A", 2.0)]


def test_confidential_names_are_redacted_from_free_text_whole_words_any_case():
    names = ["Castrelle Pharma", "Kestrane"]
    assert redact("Listening session with CASTRELLE pharma and Kestrane", names) == (
        "Listening session with a partner and a partner"
    )
    assert redact("Kestraneville is a town", names) == "Kestraneville is a town"
    assert redact(None, names) is None


def exposure(**overrides):
    row = {
        "top_confidential": False,
        "top_share": 0.4,
        "funders": 5,
        "confidential_funders": 1,
        "industry_funders": 4,
        "industry_confidential": 1,
        "industry_confidential_top_share": 0.3,
    }
    return {**row, **overrides}


def test_no_confidential_funder_hides_nothing():
    assert hidden_funding_metrics(exposure(confidential_funders=0, top_confidential=False)) == {}


def test_a_confidential_largest_funder_hides_the_largest_share():
    # The share times the total would be that partner's money.
    assert set(hidden_funding_metrics(exposure(top_confidential=True))) == {"funding_top_partner_share"}


def test_industry_money_that_is_mostly_one_confidential_partner_hides_the_industry_share():
    # 85% of industry money from one confidential partner: more than 80% of the pool.
    assert set(hidden_funding_metrics(exposure(industry_confidential_top_share=0.85))) == {"funding_industry_share"}
    # Two industry funders only: a pool under 3.
    assert "funding_industry_share" in hidden_funding_metrics(exposure(industry_funders=2))


def test_two_funders_with_a_confidential_one_hide_the_totals_and_the_index():
    hidden = hidden_funding_metrics(exposure(funders=2, industry_funders=2))
    assert {"funding_inbound_total", "funding_inbound_change", "funding_hhi", "funding_top_partner_share"} <= set(
        hidden
    )
