"""Targets by year and the status of a value against its target: on track, watch or off track.

The rule, with the watch band 10% of the target's size:

- higher is better: at or above the target is on track; at or above 90% of it is watch; below that, off track;
- lower is better: at or below the target is on track; at or below 110% of it is watch; above that, off track;
- a metric that is neither better higher nor lower, an empty value or no target has no status.

A period is measured against the target of the calendar year it ends in. Money and count targets are for the whole
year, so a shorter period gets its share of them by days (a half year of 2025, 181 of 365 days, gets 181/365 of the
target); a period longer than that year has no money or count target, as it would take in more than one year's.
Shares, days and index targets apply to a period of any length as they are, and so do counts of distinct partners,
agreements or programs present in the period (DISTINCT_COUNTS): 40 partners active in a year are not 20 in a half.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass

from metrics.catalogue import CATALOGUE, Metric
from metrics.periods import Period

WATCH_BAND = 0.10
PRO_RATED = ("money", "count")
# Counts of distinct things present in a period, which do not add up over time: their targets are not pro-rated.
DISTINCT_COUNTS = frozenset(
    {
        "funding_partner_count",
        "engagement_partner_count",
        "partner_active_count",
        "partnership_active_count",
        "program_advanced_count",
    }
)


@dataclass(frozen=True)
class Status:
    """A status as people read it: in words, as a shape that reads without colour, and in a colour-blind-safe
    colour (Okabe-Ito)."""

    key: str
    words: str
    shape: str
    colour: str

    @property
    def text(self) -> str:
        """The shape and the words: "▲ Watch"."""
        return f"{self.shape} {self.words}"


ON_TRACK = Status("on_track", "On track", "●", "#009E73")
WATCH = Status("watch", "Watch", "▲", "#E69F00")
OFF_TRACK = Status("off_track", "Off track", "■", "#D55E00")
STATUSES = {s.key: s for s in (ON_TRACK, WATCH, OFF_TRACK)}


def _at_most(a: float, b: float) -> bool:
    return a <= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def status(metric: Metric, value: float | None, target: float | None) -> Status | None:
    """The status of value against target in the metric's direction; None without a direction, value or target."""
    if metric.higher_is_better is None or value is None or target is None:
        return None
    band = WATCH_BAND * abs(target)
    if metric.higher_is_better:
        if _at_most(target, value):
            return ON_TRACK
        return WATCH if _at_most(target - band, value) else OFF_TRACK
    if _at_most(value, target):
        return ON_TRACK
    return WATCH if _at_most(value, target + band) else OFF_TRACK


def year_days(year: int) -> int:
    """365, or 366 in a leap year."""
    return 366 if calendar.isleap(year) else 365


def pro_rated(period: Period) -> bool:
    """Whether money and count targets are pro-rated for the period: it is shorter than the year it ends in."""
    return period.days < year_days(period.end.year)


def target_for(metric_id: str, period: Period, targets: Mapping[int, Mapping[str, float]]) -> float | None:
    """The target of the calendar year the period ends in (targets: year -> metric id -> target, as
    store/targets.py keeps them), pro-rated by days for money and counts (not distinct counts) over a period
    shorter than that year; None when there is none."""
    year = period.end.year
    target = targets.get(year, {}).get(metric_id)
    if target is None or CATALOGUE[metric_id].unit not in PRO_RATED or metric_id in DISTINCT_COUNTS:
        return target
    days = year_days(year)
    if period.days > days:
        return None
    return target * period.days / days


def targets_for(metric_ids: list[str], period: Period, targets: Mapping[int, Mapping[str, float]]) -> dict[str, float]:
    """The targets (target_for) of those metrics that have one for the period."""
    found = {metric_id: target_for(metric_id, period, targets) for metric_id in metric_ids}
    return {metric_id: target for metric_id, target in found.items() if target is not None}
