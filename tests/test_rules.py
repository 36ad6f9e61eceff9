"""The community-safe rules of METRICS.md as pure functions: counts of people, pools, money that would show a
confidential partner, published periods, free text."""

from __future__ import annotations

from datetime import date

import pytest

from community.rules import (
    HIDDEN,
    OTHERS,
    SMALL,
    distinctive_words,
    people,
    people_words,
    pool_partners,
    published,
    redact,
    refusal,
    suppress_parts,
)
from metrics import Filters, Period


@pytest.mark.parametrize(
    "n,shown",
    [
        (0, 0),
        (1, SMALL),
        (10, SMALL),
        (10.0, SMALL),
        (11, 15),  # nearest 5 would be 10, which reads as a small count: 15 at least
        (12, 15),
        (13, 15),
        (17, 15),
        (18, 20),
        (212, 210),
        (213, 215),
        (4049, 4050),
        (None, None),
        (SMALL, SMALL),
    ],
)
def test_counts_of_people_from_1_to_10_read_less_than_11_and_larger_ones_are_rounded_to_5(n, shown):
    assert people(n) == shown


def test_counts_of_people_in_a_sentence():
    assert people_words(0, "patients") == "no patients"
    assert people_words(7, "patients") == "fewer than 11 patients"
    assert people_words(213, "patients") == "about 215 patients"


def test_one_small_part_beside_its_total_hides_the_next_smallest_part_too():
    # Total 12 + 5 + 40 = 57 is shown. Hiding only the 5 would leave about 57 - 15 - 40: so the 12 is hidden too.
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
    assert suppress_parts({"a": 0, "b": 4, "c": 30, "d": 52}) == {"a": 0, "b": SMALL, "c": HIDDEN, "d": 50}


def test_without_a_total_no_complementary_hiding_is_needed():
    assert suppress_parts({"a": 4, "b": 31}, total_shown=False) == {"a": SMALL, "b": 30}


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
    assert pooled.rows == [("Acme", 500.0), ("Uni", 90.0), (OTHERS, 100.0)]
    assert pooled.members == {"Secret A", "Secret B", "Secret C"} and not pooled.merged
    assert pooled.breakdown_shown and pooled.total == 690


def test_a_pool_of_two_takes_in_the_smallest_named_partner_which_is_then_pooled_everywhere():
    # Secret A and B alone are 2 partners (< 3): the smallest named partner (Small, 10) joins: 60 + 40 + 10.
    pooled = pool_partners([("Big", False, 900), ("Small", False, 10), ("Secret A", True, 60), ("Secret B", True, 40)])
    assert pooled.rows == [("Big", 900.0), (OTHERS, 110.0)]
    assert pooled.merged == {"Small"} and pooled.pooled_partners == 3


def test_a_pool_dominated_by_one_partner_grows_until_no_one_gives_over_80_percent():
    # Secret gives 90. With Tiny (5) and Mid (10) the pool is 105 and 90 / 105 = 86% > 80%: Mid2 (20) joins,
    # 90 / 125 = 72%, safe. Named ones join smallest first.
    pooled = pool_partners(
        [("Secret", True, 90), ("Tiny", False, 5), ("Mid", False, 10), ("Mid2", False, 20), ("Large", False, 400)]
    )
    assert pooled.rows == [("Large", 400.0), (OTHERS, 125.0)]
    assert pooled.merged == {"Tiny", "Mid", "Mid2"}


def test_a_pool_that_cannot_be_made_safe_pools_everyone_and_shows_no_breakdown():
    pooled = pool_partners([("Secret", True, 100), ("Named", False, 5)])
    assert not pooled.breakdown_shown
    assert pooled.rows == [(OTHERS, 105.0)] and pooled.members == {"Secret", "Named"}


def test_without_confidential_partners_nothing_is_pooled():
    assert pool_partners([("A", False, 2), ("B", False, 3)]).rows == [("B", 3.0), ("A", 2.0)]


def test_confidential_names_and_their_distinctive_words_are_redacted_whole_words_any_case():
    names = ["Cedar Devices", "Castrelle Pharma", "Blue Heron Therapeutics"]
    assert redact("Listening session with CASTRELLE pharma, then Cedar alone and the Heron team", names) == (
        "Listening session with a partner, then a partner alone and the a partner team"
    )
    assert redact("Cedar Devices' retreat", names) == "a partner' retreat"
    assert redact("Pharma and devices in general", names) == "Pharma and devices in general"  # common words stay
    assert redact("Cedarville is a town", names) == "Cedarville is a town"  # whole words only
    assert redact(None, names) is None


def test_distinctive_words_are_four_letters_or_more_and_not_common():
    assert distinctive_words("Cedar Devices") == ["Cedar"]
    assert distinctive_words("Blue Heron Therapeutics") == ["Blue", "Heron"]
    assert distinctive_words("Kind Foundation of the USA") == ["Kind"]  # "of", "the", "USA" are under 4 letters


@pytest.mark.parametrize(
    "start,end,ok",
    [
        (date(2024, 1, 1), date(2024, 12, 31), True),  # a calendar year
        (date(2024, 10, 1), date(2024, 12, 31), True),  # Q4
        (date(2024, 1, 1), date(2024, 12, 30), False),  # one day short
        (date(2024, 1, 1), date(2024, 6, 30), False),  # a half-year
        (date(2024, 3, 1), date(2024, 3, 31), False),  # a month
        (date(2024, 2, 1), date(2024, 4, 30), False),  # three months, not a calendar quarter
        (date(2023, 12, 2), date(2024, 12, 1), False),  # the last 12 months
    ],
)
def test_only_calendar_quarters_and_years_are_published(start, end, ok):
    period = Period(start, end)
    assert published(period) is ok
    assert (refusal(period) is None) is ok


def test_a_refusal_is_a_sentence_that_says_why_and_what_to_do():
    why = refusal(Period(date(2024, 1, 1), date(2024, 12, 30)))
    assert "calendar quarters and calendar years only" in why and "Choose a calendar quarter or year" in why
    filtered = refusal(Period(date(2024, 1, 1), date(2024, 12, 31)), Filters(sectors=("pharma",)))
    assert "take no filter" in filtered and "sector pharma" in filtered and "Clear the filters" in filtered
    partner = refusal(Period(date(2024, 1, 1), date(2024, 12, 31)), Filters(partners=("P1",)))
    assert "take no filter" in partner
