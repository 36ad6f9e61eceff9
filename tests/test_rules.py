"""The community-safe rules of METRICS.md as pure functions: counts of people, pools, money that would show a
confidential partner, published periods, free text."""

from __future__ import annotations

import random
import unicodedata
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


def test_confidential_names_and_their_distinctive_words_are_redacted_in_any_case():
    names = ["Cedar Devices", "Castrelle Pharma", "Blue Heron Therapeutics"]
    assert redact("Listening session with CASTRELLE pharma, then Cedar alone and the Heron team", names) == (
        "Listening session with a partner, then a partner alone and the a partner team"
    )
    assert redact("Cedar Devices' retreat", names) == "a partner' retreat"
    assert redact("Pharma and devices in general", names) == "Pharma and devices in general"  # common words stay
    assert redact(None, names) is None


def test_distinctive_words_are_four_letters_or_more_and_not_common():
    assert distinctive_words("Cedar Devices") == ["Cedar"]
    assert distinctive_words("Blue Heron Therapeutics") == ["Blue", "Heron"]
    assert distinctive_words("Kind Foundation of the USA") == ["Kind"]  # "of", "the", "USA" are under 4 letters


def test_digits_and_joiners_separate_the_words_of_a_name_and_a_common_word_stays_common_however_written():
    assert distinctive_words("Cedar_Devices2024") == ["Cedar"]
    assert distinctive_words("O'Brien Labs") == ["O'Brien"]
    assert distinctive_words("Pharmá ＨＯＬＤＩＮＧＳ") == []


def test_a_name_written_run_together_is_also_its_words_so_one_of_them_alone_is_redacted():
    assert distinctive_words("QuartziteHoldings") == ["QuartziteHoldings", "Quartzite"]
    assert distinctive_words("BioMarin") == ["BioMarin", "Marin"]  # "Bio" is under four letters
    assert redact("Quartzite alone, QuartziteHoldings, and Holdings", ["QuartziteHoldings"]) == (
        "a partner alone, a partner, and Holdings"
    )


NAMES = ["Quartzite Holdings", "Cedar Devices"]


@pytest.mark.parametrize(
    "written,shown",
    [
        ("Quartzite", "a partner"),
        ("QUARTZITE holdings", "a partner"),
        ("quartzite", "a partner"),
        ("Quártzite", "a partner"),  # é precomposed
        ("Qua\u0301rtzite", "a partner"),  # a + a combining accent
        ("Ｑuartzite", "a partner"),  # full-width
        ("ＱＵＡＲＴＺＩＴＥ", "a partner"),
        ("Quar\u200btzite", "a partner"),  # zero-width space
        ("Quar\u200ctzite", "a partner"),  # zero-width non-joiner
        ("Quar\u200dtzite", "a partner"),  # zero-width joiner
        ("Quar\u2060tzite", "a partner"),  # word joiner
        ("\ufeffQuartzite", "a partner"),  # byte-order mark
        ("Quartz\u00adite", "a partner"),  # soft hyphen
        ("QuartziteHoldings", "a partner"),
        ("Quartzite_Holdings", "a partner"),
        ("#quartzite", "a partner"),
        ("@quartzite", "a partner"),
        ("quartzite-holdings.com", "a partner"),
        ("quartzite.pdf", "a partner"),
        ("ana@quartzite.io", "a partner"),
        ("Quartzites", "a partner"),
        ("Quartzite2024", "a partner"),
        ("Quartzite's", "a partner's"),  # an apostrophe ends the token: the possessive reads on
        ("NewQuartzite", "a partner"),
        ("#TeamQuartzite", "a partner"),
        ("Cedar Devices", "a partner"),
        ("CedarDevices", "a partner"),
        ("cedar_devices", "a partner"),
        ("cedar-devices.io", "a partner"),
        ("CÉDAR — DEVICES", "a partner"),
        ("<b>Cedar</b>", "<b>a partner</b>"),  # markup stays text: each output escapes it
    ],
)
def test_a_confidential_name_is_redacted_as_people_and_systems_write_it(written, shown):
    assert redact(f"Met {written} today, then Birchwood.", NAMES) == f"Met {shown} today, then Birchwood."


@pytest.mark.parametrize(
    "text",
    [
        "Pharma and devices in general, for holdings",  # common words of the names
        "Quartz and granite are stones; Cedar Devices is named here",  # "Quartz" is not "Quartzite"
        "Birchwood Biotech gave 52,117 in 2024 (905,313 in all), 3 patients",
        "Ünïcödé ＴＥＸＴ, naïve café\u200b, <i>markup</i> & 10.5555/secret.2",
    ],
)
def test_text_without_a_confidential_name_is_left_exactly_as_it_was(text):
    names = ["Quartzite Holdings", "Kestrane Medical"]  # Cedar Devices is a named partner here
    assert redact(text, names) == text
    assert redact(text, []) == text


def test_only_the_tokens_that_hold_a_name_change_and_the_rest_of_the_text_is_kept_as_written():
    text = "Ünïcödé ＴＥＸＴ: Quártzite\u200b, Ｃafé & #QuartziteHoldings!\n<i>ok</i>"
    assert redact(text, NAMES) == "Ünïcödé ＴＥＸＴ: a partner, Ｃafé & a partner!\n<i>ok</i>"


def test_a_name_of_common_words_only_is_redacted_whole_however_its_words_are_joined():
    names = ["Rare Disease Foundation"]  # no distinctive word: the whole name only
    text = "RareDiseaseFoundation, rare_disease_foundation, rare-disease-foundation.org, Rare Disease Foundation"
    assert redact(text, names) == "a partner, a partner, a partner, a partner"
    assert redact("a rare disease, a foundation", names) == "a rare disease, a foundation"


def test_a_name_under_four_letters_is_redacted_as_a_whole_word_only():
    assert redact("3M and #3m funded it: 3mg twice, 13M people", ["3M"]) == (
        "a partner and a partner funded it: 3mg twice, 13M people"
    )


def test_a_distinctive_word_inside_an_ordinary_word_takes_the_word_with_it():
    # The price of finding "mycedar" and "cedardevices.com": a town that holds the word goes too (see `redact`).
    assert redact("Cedarville is a town", NAMES) == "a partner is a town"


def _disguised(word: str, rng: random.Random) -> str:
    """The word as people and systems might write it: each letter in any case, accented or full-width, with
    invisible characters in between."""
    out = []
    for ch in word:
        ch = rng.choice([ch.lower(), ch.upper()])
        roll = rng.random()
        if roll < 0.15:
            ch = chr(ord(ch) + 0xFEE0)  # full-width
        elif roll < 0.3:
            ch = unicodedata.normalize("NFC", ch + rng.choice("\u0301\u0300\u0308\u0302\u030a"))
        out.append(ch)
        if rng.random() < 0.15:
            out.append(rng.choice("\u200b\u200c\u200d\u2060\ufeff\u00ad"))
    return "".join(out)


def _compared(text: str) -> str:
    """Text as a reader compares it: full-width letters plain, accents off, invisible characters gone, lower case."""
    plain = unicodedata.normalize("NFKD", text)
    kept = (
        c
        for c in plain
        if not unicodedata.category(c).startswith("M") and c not in "\u200b\u200c\u200d\u2060\ufeff\u00ad"
    )
    return "".join(kept).casefold()


# Words around it; none a word of the names, which beside one would make the whole name and go with it.
ORDINARY = ["listening", "session", "with", "patients", "Birchwood", "905,313", "2024", "naïve", "ＴＥＸＴ",
            "<b>bold</b>", "Quartz", "café\u200b", "&amp;"]  # fmt: skip


def test_a_disguised_confidential_word_never_survives_and_the_words_around_it_do():
    rng = random.Random(21)
    names = ["Quartzite Holdings", "Cedar Devices", "Castrelle Pharma"]
    for _ in range(500):
        word = rng.choice(["Quartzite", "Cedar", "Castrelle"])
        token = _disguised(word, rng)
        if rng.random() < 0.5:
            token = rng.choice(["#", "@", "", "", "New", "team_", "the-", "ana@"]) + token
        if rng.random() < 0.5:
            token += rng.choice(["s", "2024", "Holdings", "_devices", "-devices.com", ".pdf", "HQ", "@x.org"])
        possessive = rng.random() < 0.2
        words = rng.choices(ORDINARY, k=rng.randint(0, 8))
        at = rng.randint(0, len(words))
        text = " ".join([*words[:at], token + ("'s" if possessive else ""), *words[at:]])
        shown = redact(text, names)
        assert _compared(word) not in _compared(shown), (text, shown)
        assert shown == " ".join([*words[:at], "a partner" + ("'s" if possessive else ""), *words[at:]]), text


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
