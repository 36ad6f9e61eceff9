"""What one view shows: a period, its filters and its audience, and its numbers as that audience may see them.

A View is the period and filters chosen (in the sidebar, on the command line or for a report), whether the screen
is dark, and whether it is community-safe (for the public). A Lens reads a view's numbers (its metrics over the
trend, its prior period's, query rows, notes and events) through a Reader, and, when the view is community-safe,
through the one gate (community/gate.py). The dashboard reads through cached queries (ui/data.py), the report,
the slides and the command line through an open connection (`Direct`); both see the same numbers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

import duckdb
import pandas as pd

import queries
import settings
from community.gate import Gate, Refused, Shown
from community.rules import refusal
from metrics import CATALOGUE, Filters, Period, compute_many
from metrics import targets as goals
from store import notes as notes_store
from store import targets as targets_store

TREND = 8  # periods on a trend chart, the chosen one last


COMPARISONS = {"prior": "the prior period", "year": "the same period a year earlier"}


@dataclass(frozen=True)
class View:
    """The period and filters chosen, whether the screen is dark, whether the view is community-safe, and what
    the period is compared with: "prior" (the prior period, shared/METRICS.md) or "year" (a year earlier)."""

    period: Period
    filters: Filters = Filters()
    dark: bool = False
    community: bool = False
    compare: str = "prior"

    def __post_init__(self) -> None:
        if self.compare not in COMPARISONS:
            raise ValueError(f"unknown comparison {self.compare!r}: {', '.join(COMPARISONS)}")

    @property
    def whole(self) -> bool:
        """Whether the period is one whole calendar year, half-year, quarter or month: its trend is then the
        periods like it that lead up to it; any other period's trend is the calendar bins inside it."""
        return self.period.calendar is not None

    @property
    def bins(self) -> list[Period]:
        """A trend chart's periods, oldest first: the last TREND periods like the chosen one, ending with it, for
        a whole calendar unit; else the calendar months, quarters or years that cover it (Period.bins)."""
        return self.period.trend(TREND) if self.whole else self.period.bins()

    @property
    def periods(self) -> list[Period]:
        """Every period the view reads, the chosen one last: the trend's bins, then the chosen period when it
        is not itself the last bin."""
        return self.bins if self.whole else [*self.bins, self.period]

    @property
    def baseline(self) -> Period:
        """The period the chosen one is compared with."""
        return self.period.compared(self.compare)

    @property
    def versus(self) -> str:
        """What a change is against, in a few words: "vs 2024", "vs Q3 2024"; for a period that is no calendar
        unit, "vs prior period" or "vs a year earlier" (its dates are in the page's caption)."""
        if self.baseline.calendar:
            return f"vs {self.baseline.label}"
        return "vs a year earlier" if self.compare == "year" else "vs prior period"

    def public(self) -> View:
        """The same view for the public: community-safe and light (what a newsletter image shows); its filters
        stay, so that the gate refuses a filtered view rather than quietly showing another one."""
        return View(self.period, self.filters, dark=False, community=True, compare=self.compare)

    def source(self, what: str = "partnership records", trend: bool = False) -> str:
        """The line under every chart: source, period (or the trend's span) and filters."""
        name = settings.load().name
        p = self.period
        bins = self.bins
        first = bins[0] if trend else p
        span = f"{first.label} to {bins[-1].label}" if trend and len(bins) > 1 else p.label
        line = f"Source: {name}, {what}.<br>{span} ({first.start:%-d %b %Y} to {p.end:%-d %b %Y})."
        if self.filters.active:
            # Wrapped, so that the line fits under a half-width chart.
            line += "<br>" + "<br>".join(textwrap.wrap(f"Filtered to {self.filters.describe()}.", 64))
        return line


class Series(list):
    """The metrics of every period a view reads, the chosen period last (a list of dicts). whole: the chosen period
    is the trend's last bin; otherwise the bins come first and the chosen period (their sum) follows them. versus:
    what the chosen period's change is against ("vs 2024"), for the cards that show it. caveats: the sentence the
    gate adds to a metric of the chosen period (one worked out from the published cells), by metric id."""

    def __init__(
        self,
        values: Sequence[dict] = (),
        whole: bool = True,
        versus: str = "vs prior period",
        cut: Sequence[bool] = (),
        caveats: dict[str, str] | None = None,
    ) -> None:
        super().__init__(values)
        self.whole, self.versus, self.cut = whole, versus, tuple(cut)
        self.caveats = caveats or {}

    @property
    def trend(self) -> list[dict]:
        """The values of the trend's whole bins, oldest first (what a sparkline draws: a bin cut short by the
        period would read as a fall)."""
        bins = list(self) if self.whole else list(self)[:-1]
        return [values for i, values in enumerate(bins) if not (i < len(self.cut) and self.cut[i])]


class Reader(Protocol):
    """Where a Lens reads: the metric catalogue, the queries, the notes and the events of one database."""

    def metrics(self, periods: list[Period], filters: Filters, metric_ids: Sequence[str]) -> list[dict]: ...

    def query(self, name: str, periods: list[Period], filters: Filters) -> pd.DataFrame: ...

    def notes(self, metric_ids: Sequence[str] | None, period: Period) -> list[notes_store.Note]: ...

    def events(self, start: date, end: date) -> list[notes_store.Annotation]: ...

    def targets(self) -> dict[int, dict[str, float]]: ...


@dataclass(frozen=True)
class Direct:
    """A Reader over an open connection (the report, the slides, the command line)."""

    con: duckdb.DuckDBPyConnection

    def metrics(self, periods: list[Period], filters: Filters, metric_ids: Sequence[str]) -> list[dict]:
        return compute_many(self.con, list(periods), list(metric_ids), filters)

    def query(self, name: str, periods: list[Period], filters: Filters) -> pd.DataFrame:
        return queries.run(self.con, name, list(periods), filters)

    def notes(self, metric_ids: Sequence[str] | None, period: Period) -> list[notes_store.Note]:
        return notes_store.notes_for(self.con, metric_ids, period)

    def events(self, start: date, end: date) -> list[notes_store.Annotation]:
        return notes_store.annotations_in(self.con, start, end)

    def targets(self) -> dict[int, dict[str, float]]:
        return targets_store.load(self.con)


class Lens:
    """A view's numbers as its audience may see them: as they are (internal), or through the gate (community).

    A community-safe view the rules refuse (a period other than a calendar quarter or year, or a filter) raises
    Refused with the sentence why.
    """

    def __init__(self, reader: Reader, view: View, metric_ids: Sequence[str] | None = None) -> None:
        """metric_ids: the metrics the lens reads at once, on first use (a page's own; by default all of them);
        any other asked for later is read then."""
        self.reader, self.view = reader, view
        self._first = list(metric_ids) if metric_ids is not None else list(CATALOGUE)
        self._trend: list[dict] = [{} for _ in view.periods]  # the metrics read, for every trend period
        self._shown: list[dict] | None = None  # the same as the audience may see them
        self.gate: Gate | None = None
        if view.community:
            self.gate = Gate(view.period, lambda name, periods: reader.query(name, periods, Filters()), view.filters)

    @property
    def community(self) -> bool:
        return self.gate is not None

    def public(self) -> Lens:
        """The same period's numbers for the public (Refused when the period is not one the rules allow)."""
        return Lens(self.reader, self.view.public(), self._first)

    def _read(self, metric_ids: Sequence[str]) -> list[dict]:
        """The trend's values of the metrics, read once: a page's cards, charts and tables, and the prior period
        (the trend's previous one, for a calendar unit), all come from one read of the page's metrics."""
        missing = [m for m in dict.fromkeys(metric_ids) if m not in self._trend[-1]]
        if missing:
            wanted = list(dict.fromkeys([*self._first, *missing])) if not self._trend[-1] else missing
            read = self.reader.metrics(self.view.periods, self.view.filters, wanted)
            for have, values in zip(self._trend, read, strict=True):
                have.update(values)
            self._shown = None
        return self._trend

    def series(self, metric_ids: Sequence[str]) -> Series:
        """The metrics for every period the view reads (View.periods), the chosen one last."""
        ids = list(dict.fromkeys(metric_ids))
        read = self._read(ids)
        if self._shown is None:
            self._shown = self.gate.series(read, self.view.periods) if self.gate else read
        return Series(
            [{m: v[m] for m in ids} for v in self._shown],
            whole=self.view.whole,
            versus=self.view.versus,
            cut=[b.name is not None for b in self.view.bins],
            caveats=self.caveats(ids),
        )

    def current(self, metric_ids: Sequence[str] | None = None) -> dict:
        """The metrics (all, or the named ones) for the chosen period."""
        return self.series(list(metric_ids) if metric_ids is not None else list(CATALOGUE))[-1]

    def prior(self, metric_ids: Sequence[str] | None = None) -> dict:
        """The metrics for the period the chosen one is compared with (View.baseline: the prior period, or the
        same period a year earlier)."""
        ids = list(metric_ids) if metric_ids is not None else list(CATALOGUE)
        prior, periods = self.view.baseline, self.view.periods
        if len(periods) > 1 and periods[-2] == prior:
            values = {m: self._read(ids)[-2][m] for m in ids}
        else:
            values = self.reader.metrics([prior], self.view.filters, ids)[0]
        return self.gate.values(values, prior) if self.gate else values

    def trend(self, metric_ids: Sequence[str], series: list[dict] | None = None) -> pd.DataFrame:
        """The metrics over the trend's bins, one labelled row per bin (for trend charts and their CSVs)."""
        series = series if series is not None else self.series(metric_ids)
        bins = self.view.bins
        return pd.DataFrame(
            [
                {"period": p.label, "start": p.start, "end": p.end, **{m: values[m] for m in metric_ids}}
                for p, values in zip(bins, series[: len(bins)], strict=True)
            ]
        )

    def rows(self, name: str) -> Shown:
        """A query's rows for the view (queries/sql/NAME.sql), with the sentence the gate adds, if any."""
        df = self.reader.query(name, self.view.periods, self.view.filters)
        return self.gate.rows(name, df) if self.gate else Shown(df)

    def hidden(self) -> dict[str, str]:
        """The chosen period's metrics the gate hides whatever their values, with the reason (none in the internal
        view)."""
        return self.gate.hidden(self.view.period) if self.gate else {}

    def caveats(self, metric_ids: Sequence[str] | None = None, trend: bool = False) -> dict[str, str]:
        """The sentence each of these metrics (None: all) needs in the chosen period (trend: in any period of the
        trend), by id: for the public, that a statistic of the money's distribution counts "Other partners" as one
        funder (none in the internal view)."""
        if not self.gate:
            return {}
        said: dict[str, str] = {}
        for period in self.view.periods if trend else [self.view.period]:
            said.update(self.gate.caveats(period))
        return {m: s for m, s in said.items() if metric_ids is None or m in metric_ids}

    def text(self, text: str | None, field: str) -> str | None:
        """Free text of a kind (community.gate.TEXT_FIELDS: "title", "journal", ...) as the audience may read it
        (confidential names removed for the public; a kind the gate has no rule for is refused)."""
        return self.gate.text(text, field) if self.gate else text

    def notes(self, metric_ids: Sequence[str] | None = None) -> list[notes_store.Note]:
        """The notes on these metrics (None: all) for the chosen period, newest first; public ones, redacted, for
        the public."""
        found = self.reader.notes(None if metric_ids is None else tuple(metric_ids), self.view.period)
        return self.gate.notes(found) if self.gate else found

    def events(self) -> list[notes_store.Annotation]:
        """The events in the trend's span, oldest first; public ones, redacted, for the public."""
        found = self.reader.events(self.view.periods[0].start, self.view.period.end)
        return self.gate.events(found) if self.gate else found

    def targets(self, metric_ids: Sequence[str]) -> dict[str, float]:
        """The period's targets of these metrics (its calendar year's, or none: metrics/targets.py). Targets are the
        whole foundation's: a filtered or community-safe view has none."""
        if self.community or self.view.filters.active:
            return {}
        return goals.targets_for(list(metric_ids), self.view.period, self.reader.targets())

    def for_partner(self, partner_id: str, metric_ids: Sequence[str] | None = None) -> Lens:
        """The view narrowed to one partner (a profile), reading metric_ids at once: internal only, since the
        public take no partner filter."""
        if self.community:
            raise Refused(refusal(self.view.period, Filters(partners=(partner_id,))) or "")
        narrowed = replace(self.view, filters=replace(self.view.filters, partners=(partner_id,)))
        return Lens(self.reader, narrowed, metric_ids if metric_ids is not None else self._first)


__all__ = ["COMPARISONS", "TREND", "Direct", "Lens", "Reader", "Refused", "Series", "View"]
