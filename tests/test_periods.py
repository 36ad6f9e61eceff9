"""The period rules a board reads by: the prior period (shared/METRICS.md), the same period a year earlier, the
calendar bins of a trend, the default period (the last full year with records), and the view built on them."""

from __future__ import annotations

from datetime import date

import pytest

from lens import Series, View
from metrics import CATALOGUE, Period
from metrics import format as fmt
from ui import filters

D = date


@pytest.mark.parametrize(
    "period,prior",
    [
        # A whole calendar unit is compared with the previous one of the same kind.
        (Period(D(2025, 1, 1), D(2025, 12, 31)), Period(D(2024, 1, 1), D(2024, 12, 31))),  # 2025 -> 2024
        (Period(D(2025, 1, 1), D(2025, 3, 31)), Period(D(2024, 10, 1), D(2024, 12, 31))),  # Q1 2025 -> Q4 2024
        (Period(D(2024, 1, 1), D(2024, 6, 30)), Period(D(2023, 7, 1), D(2023, 12, 31))),  # H1 2024 -> H2 2023
        (Period(D(2024, 3, 1), D(2024, 3, 31)), Period(D(2024, 2, 1), D(2024, 2, 29))),  # March -> February 2024
        # 2024 is a leap year: 2025's prior is still the whole of 2024 (366 days), not 2 Jan to 31 Dec 2024.
        (Period(D(2025, 1, 1), D(2025, 12, 31)), Period(D(2024, 1, 1), D(2024, 12, 31))),
        # Any other period: the same number of days, ending the day before it starts.
        (Period(D(2025, 3, 10), D(2025, 3, 19)), Period(D(2025, 2, 28), D(2025, 3, 9))),  # 10 days
        (Period(D(2026, 1, 1), D(2026, 12, 1)), Period(D(2025, 1, 31), D(2025, 12, 31))),  # 335 days
    ],
)
def test_the_prior_period_follows_metrics_md(period, prior):
    assert period.prior == prior


@pytest.mark.parametrize(
    "period,earlier",
    [
        (Period(D(2025, 1, 1), D(2025, 12, 31)), Period(D(2024, 1, 1), D(2024, 12, 31))),
        (Period(D(2025, 7, 1), D(2025, 9, 30)), Period(D(2024, 7, 1), D(2024, 9, 30))),  # Q3 2025 -> Q3 2024
        (Period(D(2025, 2, 1), D(2025, 2, 28)), Period(D(2024, 2, 1), D(2024, 2, 29))),  # the whole February
        (Period(D(2024, 2, 29), D(2024, 3, 5)), Period(D(2023, 2, 28), D(2023, 3, 5))),  # 29 Feb -> 28 Feb
        (Period(D(2026, 1, 1), D(2026, 12, 1)), Period(D(2025, 1, 1), D(2025, 12, 1))),  # year to date
    ],
)
def test_the_same_period_a_year_earlier_is_shifted_back_one_calendar_year(period, earlier):
    assert period.year_earlier == earlier
    assert period.compared("year") == earlier
    assert period.compared("prior") == period.prior


def test_an_unknown_comparison_is_refused():
    with pytest.raises(ValueError, match="prior or year"):
        Period(D(2025, 1, 1), D(2025, 12, 31)).compared("last")
    with pytest.raises(ValueError, match="unknown comparison"):
        View(Period(D(2025, 1, 1), D(2025, 12, 31)), compare="month")


def test_year_to_date_is_drawn_in_quarters_the_last_one_cut_short_and_named_so():
    ytd = Period(D(2026, 1, 1), D(2026, 12, 1))  # 335 days: more than half a year, so quarters
    bins = ytd.bins()
    assert [b.label for b in bins] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026 (to 1 Dec)"]
    assert bins[-1] == Period(D(2026, 10, 1), D(2026, 12, 1))
    assert (bins[0].start, bins[-1].end) == (ytd.start, ytd.end)


def test_the_last_12_months_are_drawn_in_quarters_cut_at_both_ends():
    bins = Period(D(2025, 12, 2), D(2026, 12, 1)).bins()
    assert [b.label for b in bins] == [
        "Q4 2025 (from 2 Dec)",
        "Q1 2026",
        "Q2 2026",
        "Q3 2026",
        "Q4 2026 (to 1 Dec)",
    ]
    # The bins cover the period exactly, day after day.
    assert all(a.end.toordinal() + 1 == b.start.toordinal() for a, b in zip(bins, bins[1:], strict=False))


def test_a_short_period_is_drawn_in_months_and_a_long_one_in_years():
    assert [b.label for b in Period(D(2025, 3, 10), D(2025, 5, 20)).bins()] == [
        "Mar 2025 (from 10 Mar)",
        "Apr 2025",
        "May 2025 (to 20 May)",
    ]
    assert [b.label for b in Period(D(2021, 1, 1), D(2025, 6, 30)).bins()] == [
        "2021",
        "2022",
        "2023",
        "2024",
        "2025 (to 30 Jun)",
    ]


def test_a_calendar_unit_leads_back_through_units_like_it():
    year = View(Period(D(2025, 1, 1), D(2025, 12, 31)))
    assert year.whole and year.periods == year.bins
    assert [p.label for p in year.bins] == [str(y) for y in range(2018, 2026)]
    quarter = View(Period(D(2025, 4, 1), D(2025, 6, 30)))
    assert [p.label for p in quarter.bins][-3:] == ["Q4 2024", "Q1 2025", "Q2 2025"]
    month = View(Period(D(2025, 3, 1), D(2025, 3, 31)))
    assert month.bins[-1].label == "Mar 2025"


def test_a_view_of_another_period_reads_its_bins_then_the_period_itself():
    ytd = Period(D(2026, 1, 1), D(2026, 12, 1))
    v = View(ytd)
    assert not v.whole
    assert v.periods == [*ytd.bins(), ytd]  # the cards' value is the period's own, the chosen period last
    assert "Q1 2026 to Q4 2026 (to 1 Dec)" in v.source(trend=True)
    # A sparkline draws the bins, not the period's total after them.
    series = Series([{"m": 1}, {"m": 2}, {"m": 3}, {"m": 4}, {"m": 10}], whole=False)
    assert series.trend == [{"m": 1}, {"m": 2}, {"m": 3}, {"m": 4}]
    assert series[-1] == {"m": 10}
    # ...and leaves out a bin cut short, which would read as a fall (Q4 2026 to 1 Dec).
    cut = Series([{"m": 1}, {"m": 2}, {"m": 3}, {"m": 0}, {"m": 6}], whole=False, cut=[False, False, False, True])
    assert cut.trend == [{"m": 1}, {"m": 2}, {"m": 3}]


def test_the_comparison_names_its_period():
    odd = Period(D(2025, 3, 10), D(2025, 11, 20))  # its compared dates are in the caption, too long for a card
    assert View(odd).versus == "vs prior period"
    assert View(odd, compare="year").versus == "vs a year earlier"
    q3 = Period(D(2025, 7, 1), D(2025, 9, 30))
    assert View(q3).versus == "vs Q2 2025"
    assert View(q3, compare="year").versus == "vs Q3 2024"
    assert View(q3, compare="year").baseline == Period(D(2024, 7, 1), D(2024, 9, 30))
    assert View(q3, compare="year").public().compare == "year"


@pytest.mark.parametrize(
    "today,last_record,year",
    [
        (D(2026, 12, 1), D(2025, 12, 30), 2025),  # the sample: records through 30 Dec 2025
        (D(2027, 3, 1), D(2025, 12, 30), 2025),  # 2026 has no record: 2025 is the last full year that has
        (D(2026, 12, 1), D(2026, 11, 20), 2025),  # records in 2026, but 2026 is not over
        (D(2026, 12, 1), None, 2025),  # no records at all: the year before today's
    ],
)
def test_the_default_period_is_the_last_full_year_with_records(today, last_record, year):
    assert filters.last_full_year(today, last_record) == year
    assert filters.preset("last-full-year", today, last_record=last_record) == Period(D(year, 1, 1), D(year, 12, 31))


@pytest.mark.parametrize(
    "metric_id,current,prior,shown",
    [
        ("milestone_count", 6, 1, "+5"),  # a count from 1 to 6 reads +5, not +500%
        ("milestone_count", 3, 9, "-6"),
        ("engagement_count", 270, 231, "+17%"),  # (270 - 231) / 231 = 16.9%
        ("engagement_count", 12, 10, "+20%"),  # from 10 up, a percentage
        ("funding_inbound_total", 6, 1, "+500%"),  # money is not a count of things
    ],
)
def test_a_change_from_a_small_count_reads_as_a_difference(metric_id, current, prior, shown):
    assert fmt.change(CATALOGUE[metric_id], current, prior) == shown


def test_a_period_that_runs_past_the_latest_record_says_its_numbers_cover_only_part_of_it():
    from ui.header import partial_text

    last_12 = View(Period(D(2025, 12, 2), D(2026, 12, 1)))  # the sample's records run through 30 Dec 2025
    # 1 Dec 2026 - 30 Dec 2025 = 336 days without records, of 365.
    assert partial_text(last_12, D(2025, 12, 30)) == (
        "The records run through 30 December 2025, so the last 336 of this period's 365 days have none yet: its "
        "numbers, and their change against 2 Dec 2024 to 1 Dec 2025, cover only part of it."
    )
    # 2025 ends a day after the latest record: a quiet day or month says nothing (31 days and a tenth are allowed).
    assert partial_text(View(Period(D(2025, 1, 1), D(2025, 12, 31))), D(2025, 12, 30)) == ""
    assert partial_text(View(Period(D(2025, 1, 1), D(2025, 12, 31))), D(2025, 12, 1)) == ""  # 30 days
    # 31 Dec - 5 Nov = 56 days without records: over 31 days and over a tenth of 365 (36), so it is said.
    assert "the last 56 of this period's 365 days" in partial_text(
        View(Period(D(2025, 1, 1), D(2025, 12, 31))), D(2025, 11, 5)
    )
    assert partial_text(View(Period(D(2024, 1, 1), D(2024, 12, 31))), D(2025, 12, 30)) == ""  # wholly before it
    assert partial_text(View(Period(D(2026, 1, 1), D(2026, 6, 30))), D(2025, 12, 30)) == ""  # wholly after it
    assert partial_text(View(Period(D(2024, 1, 1), D(2024, 12, 31))), None) == ""
