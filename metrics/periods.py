"""Reporting periods: a start and end date, both inclusive; the periods they are compared with (the prior period,
or the same period a year earlier); and the calendar bins a trend of them is drawn in."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

# A trend over a period that is not a whole calendar unit is drawn in calendar bins: months for a period of up to
# half a year, quarters up to three years, calendar years beyond.
MONTH_BINS_UP_TO = 186  # days
QUARTER_BINS_UP_TO = 3 * 366  # days
BIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Period:
    """A period start..end, both days inclusive. name: how a trend bin cut short by its period reads ("Q4 2026
    (to 1 Dec)"); it plays no part in equality."""

    start: date
    end: date
    name: str | None = field(default=None, compare=False)

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

    @property
    def year_earlier(self) -> Period:
        """The same period a year earlier (shared/METRICS.md): shifted back one calendar year, 29 Feb to 28 Feb.
        A whole calendar unit is the same unit a year earlier (February 2025 -> the whole of February 2024)."""
        if self.calendar:
            start = _add_months(self.start, -12)
            return Period(start, _add_months(start, self.months or 0) - timedelta(days=1))
        return Period(_year_back(self.start), _year_back(self.end))

    def compared(self, compare: str) -> Period:
        """The period this one is compared with: "prior" (the prior period) or "year" (a year earlier)."""
        if compare == "year":
            return self.year_earlier
        if compare == "prior":
            return self.prior
        raise ValueError(f"unknown comparison {compare!r}: prior or year")

    @property
    def bin_unit(self) -> str:
        """The calendar unit of a trend over this period: its own unit when it is one (a year leads back through
        years), else month, quarter or year by its length."""
        own = self.calendar
        if own in ("year", "quarter", "month"):
            return own
        if own == "half-year":
            return "quarter"
        if self.days <= MONTH_BINS_UP_TO:
            return "month"
        return "quarter" if self.days <= QUARTER_BINS_UP_TO else "year"

    def bins(self) -> list[Period]:
        """The calendar months, quarters or years (bin_unit) that cover the period, oldest first, each cut to the
        period; a bin cut short is named so ("Q4 2026 (to 1 Dec)")."""
        k = BIN_MONTHS[self.bin_unit]
        first_month = (self.start.month - 1) // k * k + 1
        start = date(self.start.year, first_month, 1)
        found = []
        while start <= self.end:
            following = _add_months(start, k)
            whole = Period(start, following - timedelta(days=1))
            s, e = max(whole.start, self.start), min(whole.end, self.end)
            if (s, e) == (whole.start, whole.end):
                found.append(whole)
            else:
                cut = []
                if s != whole.start:
                    cut.append(f"from {s.day} {s:%b}")
                if e != whole.end:
                    cut.append(f"to {e.day} {e:%b}")
                found.append(Period(s, e, name=f"{whole.label} ({', '.join(cut)})"))
            start = following
        return found

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
        if self.name:
            return self.name
        s, e = self.start, self.end
        unit = self.calendar
        if unit == "year":
            return str(s.year)
        if unit == "half-year":
            return f"H{1 if s.month == 1 else 2} {s.year}"
        if unit == "quarter":
            return f"Q{(s.month - 1) // 3 + 1} {s.year}"
        if unit == "month":
            return s.strftime("%b %Y")
        if s == e:
            return f"{s.day} {s:%b %Y}"
        if s.year == e.year:
            return f"{s.day} {s:%b} to {e.day} {e:%b %Y}"
        return f"{s.day} {s:%b %Y} to {e.day} {e:%b %Y}"


def _add_months(d: date, months: int) -> date:
    """The first of the month that lies `months` after d's month (d is a first of the month)."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _year_back(d: date) -> date:
    """The same day a calendar year earlier; 29 February becomes 28 February."""
    if d.month == 2 and d.day == 29 and not _calendar.isleap(d.year - 1):
        return date(d.year - 1, 2, 28)
    return d.replace(year=d.year - 1)
