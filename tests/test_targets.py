"""Targets by year: the status rule, whole years only (no pro-rating), reading them from foundation.toml, and the
Overview's cards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import settings
from metrics import CATALOGUE, HEADLINE, Period
from metrics import targets as goals
from metrics.targets import OFF_TRACK, ON_TRACK, WATCH, status, target_for
from settings import Settings
from tests.conftest import ROOT

FUNDING = CATALOGUE["funding_inbound_total"]  # higher is better
HHI = CATALOGUE["funding_hhi"]  # lower is better
INDUSTRY = CATALOGUE["funding_industry_share"]  # neither
YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    "value,expected",
    [
        (120, ON_TRACK),  # above
        (100, ON_TRACK),  # at
        (95, WATCH),  # in the band
        (90, WATCH),  # at 90%, the band's edge
        (89.9, OFF_TRACK),  # below
        (0, OFF_TRACK),
    ],
)
def test_higher_is_better_is_on_track_at_or_above_the_target_and_watch_down_to_90_percent(value, expected):
    assert status(FUNDING, value, 100) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        (900, ON_TRACK),  # below
        (1500, ON_TRACK),  # at
        (1600, WATCH),  # in the band
        (1650, WATCH),  # at 110%, the band's edge
        (1650.1, OFF_TRACK),  # above
    ],
)
def test_lower_is_better_is_on_track_at_or_below_the_target_and_watch_up_to_110_percent(value, expected):
    assert status(HHI, value, 1500) == expected


def test_the_band_edge_holds_for_fractions_that_floats_do_not_write_exactly():
    share = CATALOGUE["publication_open_access_share"]
    assert status(share, 0.81, 0.9) == WATCH  # 0.9 * 0.9 is 0.8100000000000001 in floating point


@pytest.mark.parametrize(
    "metric,value,target",
    [(INDUSTRY, 0.8, 0.5), (FUNDING, None, 100), (FUNDING, 100, None), (HHI, None, None)],
)
def test_no_direction_no_value_or_no_target_has_no_status(metric, value, target):
    assert status(metric, value, target) is None


def test_each_status_has_its_words_a_distinct_shape_and_an_okabe_ito_colour():
    assert [(s.key, s.words) for s in goals.STATUSES.values()] == [
        ("on_track", "On track"),
        ("watch", "Watch"),
        ("off_track", "Off track"),
    ]
    assert len({s.shape for s in goals.STATUSES.values()}) == 3
    assert [s.colour for s in goals.STATUSES.values()] == ["#009E73", "#E69F00", "#D55E00"]
    assert WATCH.text == "▲ Watch"


TARGETS = Settings(
    targets={
        2025: {
            "funding_inbound_total": 5_000_000,
            "engagement_count": 250,
            "funding_hhi": 1500,
            "partner_active_count": 40,
        },
        2024: {},
    }
)


def test_a_full_year_takes_its_years_target():
    assert target_for("funding_inbound_total", YEAR_2025, TARGETS.targets) == 5_000_000


def test_a_target_applies_to_its_calendar_year_and_to_no_other_period():
    # A quarter cannot meet a year's share of longitudinal relationships, and 250 touchpoints pro-rated to a
    # quarter (about 62.3) cannot be shown honestly: no period but the year itself is measured against it.
    first_half = Period(date(2025, 1, 1), date(2025, 6, 30))
    quarter = Period(date(2025, 10, 1), date(2025, 12, 31))
    last_12_months = Period(date(2024, 7, 1), date(2025, 6, 30))
    two_years = Period(date(2024, 1, 1), date(2025, 12, 31))
    for period in (first_half, quarter, last_12_months, two_years):
        for metric_id in ("funding_inbound_total", "engagement_count", "funding_hhi", "partner_active_count"):
            assert target_for(metric_id, period, TARGETS.targets) is None, (period, metric_id)
    assert goals.applies(YEAR_2025) and not goals.applies(quarter)
    # 2024 has no targets at all.
    assert target_for("funding_inbound_total", Period(date(2024, 1, 1), date(2024, 12, 31)), TARGETS.targets) is None


def test_targets_for_keeps_the_metrics_that_have_one():
    assert goals.targets_for(list(HEADLINE), YEAR_2025, TARGETS.targets) == {
        "funding_inbound_total": 5_000_000,
        "funding_hhi": 1500,
        "engagement_count": 250,
        "partner_active_count": 40,
    }


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "foundation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_targets_are_read_by_year_as_numbers(tmp_path):
    path = write(
        tmp_path,
        "[targets.2025]\nfunding_inbound_total = 5000000\npublication_open_access_share = 0.9\n"
        "[targets.2024]\nfunding_hhi = 1500.5\n",
    )
    assert settings.load.__wrapped__(path).targets == {
        2025: {"funding_inbound_total": 5_000_000.0, "publication_open_access_share": 0.9},
        2024: {"funding_hhi": 1500.5},
    }
    assert settings.load.__wrapped__(write(tmp_path, "[foundation]\nname = 'X'\n")).targets == {}


@pytest.mark.parametrize(
    "toml,words",
    [
        ("[targets.2025]\nfunding_received = 5000000\n", "[targets.2025] funding_received: there is no metric"),
        ("[targets.2025]\nfunding_hhi = '1500'\n", "[targets.2025] funding_hhi: the target must be a number"),
        ("[targets.2025]\nfunding_hhi = true\n", "[targets.2025] funding_hhi: the target must be a number"),
        ("[targets.2025]\nfunding_hhi = nan\n", "[targets.2025] funding_hhi: the target must be a number"),
        (
            "[targets.2025]\npublication_open_access_share = 90\n",
            "[targets.2025] publication_open_access_share: a share is a fraction from 0 to 1 (write 0.9 for 90%)",
        ),
        ("[targets.2025]\nengagement_count = -5\n", "[targets.2025] engagement_count: the target cannot be negative"),
        ("[targets.next]\nfunding_hhi = 1500\n", "[targets.next]: 'next' is not a year"),
        ("[targets]\nfunding_hhi = 1500\n", "[targets.funding_hhi]: 'funding_hhi' is not a year"),
        ("[targets]\n2025 = 1500\n", "[targets.2025] must be a table of metric id = target"),
    ],
)
def test_a_wrong_target_names_the_file_the_year_and_the_key(tmp_path, toml, words):
    path = write(tmp_path, toml)
    with pytest.raises(ValueError) as error:
        settings.load.__wrapped__(path)
    assert str(error.value).startswith(f"{path}: ")
    assert words in str(error.value)


def test_the_sample_foundation_has_targets_that_show_every_status_in_2024_and_2025(sample_db):
    from metrics import compute
    from store import database

    config = settings.load.__wrapped__(ROOT / "foundation.toml")
    for year in (2024, 2025):
        period = Period(date(year, 1, 1), date(year, 12, 31))
        with database.read(sample_db) as con:
            values = compute(con, period.start, period.end)
        found = goals.targets_for(list(CATALOGUE), period, config.targets)
        assert len(found) >= 8
        shown = {status(CATALOGUE[m], values[m], t) for m, t in found.items()}
        assert shown == {ON_TRACK, WATCH, OFF_TRACK}, year


def test_overview_cards_show_the_status_against_the_2025_target(app, sample_db):  # noqa: F811
    at = app(sample_db, period="year", year="2025")
    assert not at.exception, [e.message for e in at.exception]
    lines = [m.value for m in at.markdown if "target" in m.value]
    # $5,426,150 received against a target of $5.5M: within 10%, so Watch, in words and as a triangle.
    assert any("▲" in line and "**Watch** · target $5.5M" in line for line in lines), lines
    assert any("**On track** · target ≤ 1,500" in line for line in lines), lines
    assert any("**Off track** · target 45" in line for line in lines), lines
    help_text = {m.label: m.proto.help for m in at.metric}[FUNDING.label]
    assert "**▲ Watch**: $5,426,150 against a target of at least $5,500,000" in help_text
    assert any("target for 2025" in c.value and "foundation.toml" not in c.value for c in at.caption)


def test_a_quarter_shows_no_status_and_says_targets_are_for_whole_years(app, sample_db):  # noqa: F811
    at = app(sample_db, period="custom", **{"from": "2025-10-01", "to": "2025-12-31"})
    assert not at.exception
    assert not [m for m in at.markdown if "· target" in m.value or "Off track" in m.value]
    assert any("Targets are set for whole calendar years" in c.value for c in at.caption)


def test_filtered_and_community_views_leave_the_foundation_targets_out(app, sample_db):  # noqa: F811
    filtered = app(sample_db, period="year", year="2025", sector="pharma")
    assert not [m for m in filtered.markdown if "· target" in m.value]
    assert any("Targets are the whole foundation's" in c.value for c in filtered.caption)
    public = app(sample_db, period="year", year="2025", view="community")
    assert not public.exception
    assert not [m for m in public.markdown if "· target" in m.value]


def test_a_year_without_targets_keeps_the_plain_cards(app, sample_db):  # noqa: F811
    at = app(sample_db, period="year", year="2023")
    assert not [m for m in at.markdown if "target" in m.value.lower()]
    assert len(at.metric) >= len(HEADLINE)
