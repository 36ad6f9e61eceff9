"""Targets by year and the status of a value against its target: on track, watch or off track.

The rule, with the watch band 10% of the target's size:

- higher is better: at or above the target is on track; at or above 90% of it is watch; below that, off track;
- lower is better: at or below the target is on track; at or below 110% of it is watch; above that, off track;
- a metric that is neither better higher nor lower, an empty value or no target has no status.

Targets are set for calendar years (store/targets.py keeps them by year): a target applies to its year and to no
other period. A quarter is not measured against a year's target, pro-rated or not: a share such as longitudinal
relationships cannot be reached in a quarter, and a count pro-rated to 1.25 cannot be met or shown honestly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from metrics import format as fmt
from metrics.catalogue import CATALOGUE, Metric
from metrics.periods import Period

WATCH_BAND = 0.10


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


def target_text(metric: Metric, target: float, currency: str) -> str:
    """The target as a card or a slide shows it: "target $5.5M", or "target ≤ 1,500" when lower is better."""
    at_most = "≤ " if metric.higher_is_better is False else ""
    return f"target {at_most}{fmt.value(metric, target, currency, compact=True)}"


def applies(period: Period) -> bool:
    """Whether targets apply to the period: it is one whole calendar year."""
    return period.calendar == "year"


def target_for(metric_id: str, period: Period, targets: Mapping[int, Mapping[str, float]]) -> float | None:
    """The metric's target for the period (targets: year -> metric id -> target, as store/targets.py keeps them):
    the target of the calendar year the period is; None for any other period, or when there is none."""
    if metric_id not in CATALOGUE:
        raise KeyError(f"unknown metric {metric_id!r}")
    if not applies(period):
        return None
    return targets.get(period.start.year, {}).get(metric_id)


def targets_for(metric_ids: list[str], period: Period, targets: Mapping[int, Mapping[str, float]]) -> dict[str, float]:
    """The targets (target_for) of those metrics that have one for the period."""
    found = {metric_id: target_for(metric_id, period, targets) for metric_id in metric_ids}
    return {metric_id: target for metric_id, target in found.items() if target is not None}
