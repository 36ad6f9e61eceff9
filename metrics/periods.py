"""Reporting periods: a start and end date, both inclusive, and the prior period they are compared with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """A period start..end, both days inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def calendar(self) -> str | None:
        """The calendar unit the period is exactly: year, half-year, quarter or month; None for any other span."""
        months, first = self.months, self.start.month
        if months == 12 and first == 1:
            return "year"
        if months == 6 and first in (1, 7):
            return "half-year"
        if months == 3 and first in (1, 4, 7, 10):
            return "quarter"
        if months == 1:
            return "month"
        return None

    @property
    def prior(self) -> Period:
        """The period it is compared with (shared/METRICS.md): for a whole calendar month, quarter, half-year or
        year the previous one of the same kind (2025 -> 2024, Q1 2025 -> Q4 2024); otherwise the same number of
        days, ending the day before start."""
        if self.calendar:
            k = self.months or 0
            start = _add_months(self.start, -k)
            return Period(start, self.start - timedelta(days=1))
        prior_end = self.start - timedelta(days=1)
        return Period(prior_end - timedelta(days=self.days - 1), prior_end)

    def back(self, n: int) -> list[Period]:
        """This period and the n - 1 periods before it (each the prior of the next), oldest first."""
        periods = [self]
        for _ in range(n - 1):
            periods.append(periods[-1].prior)
        return periods[::-1]

    @property
    def months(self) -> int | None:
        """How many whole calendar months the period spans, if it is exactly that; else None."""
        s, e = self.start, self.end
        if s.day != 1 or (e + timedelta(days=1)).day != 1:
            return None
        return (e.year - s.year) * 12 + e.month - s.month + 1

    @property
    def cadence(self) -> str:
        """What one such period is, in a word: year, half-year, quarter, month, or period."""
        return {12: "year", 6: "half-year", 3: "quarter", 1: "month"}.get(self.months or 0, "period")

    def trend(self, n: int) -> list[Period]:
        """This period and the n - 1 before it, oldest first, aligned to the calendar where it is whole months.

        A calendar year leads back through the previous calendar years, a quarter through quarters;
        any other period steps back by its own number of days.
        """
        k = self.months
        if k is None:
            return self.back(n)
        periods = []
        for i in range(n - 1, -1, -1):
            start = _add_months(self.start, -k * i)
            periods.append(Period(start, _add_months(start, k) - timedelta(days=1)))
        return periods

    @property
    def label(self) -> str:
        """A short human label: 2024, H1 2024, Q3 2024, March 2024 or the two dates."""
        s, e = self.start, self.end
        unit = self.calendar
        if unit == "year":
            return str(s.year)
        if unit == "half-year":
            return f"H{1 if s.month == 1 else 2} {s.year}"
        if unit == "quarter":
            return f"Q{(s.month - 1) // 3 + 1} {s.year}"
        if unit == "month":
            return s.strftime("%B %Y")
        if s == e:
            return f"{s.day} {s:%b %Y}"
        if s.year == e.year:
            return f"{s.day} {s:%b} to {e.day} {e:%b %Y}"
        return f"{s.day} {s:%b %Y} to {e.day} {e:%b %Y}"


def _add_months(d: date, months: int) -> date:
    """The first of the month that lies `months` after d's month (d is a first of the month)."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
