"""The one gate: every number, row, chart's data and text the public sees passes through here.

The community-safe view (every page, Present included), the board pack in that view, the community report and its
summary.json, every newsletter or public download and `cli.py metrics --community` take their numbers from a Gate;
none applies the rules of community/rules.py on its own. A Gate covers one period (a calendar quarter or year)
with no filter, and reads what it needs (the confidential partners, each partner's money per period) through a
fetch function: `fetch(query_name, periods)` returns the rows of queries/sql/NAME.sql, unfiltered.

It decides from the catalogue's declarations (metrics/catalogue.py: each entry's kind, inputs, whether it counts
people and what money it reveals) and fails closed: a metric, query or kind of text it has no rule for is hidden or
refused. What it gives:
- `values` and `series`: metric values in display form: a count of people rounded ("<11" for 1 to 10), a number
  that would show a confidential partner on its own hidden ("—"), hiding passed on through inputs, and statistics
  of the money's distribution worked out from the published cells (`cells`, CELL_RULES), the pool as one funder;
- `hidden` and `caveats`: the metrics hidden in a period and why, and the sentence each cell-made one needs;
- `rows`: a query's rows made safe by the rule registered for it (a query with no rule is refused);
- `text`, `notes`, `events`: free text of a declared kind without confidential names or their distinctive words,
  public only;
- `pool`: each period's pool of partners whose money shows only as "Other partners".
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import pandas as pd

from community.rules import (
    HIDDEN,
    OTHERS,
    SMALL,
    Exposure,
    Pooled,
    people,
    people_text,
    pool_is_safe,
    pool_partners,
    redact,
    refusal,
    suppress_parts,
)
from metrics.catalogue import CATALOGUE, ENTRIES, KINDS, formula_tree
from metrics.filters import Filters
from metrics.periods import Period

Fetch = Callable[[str, list[Period]], pd.DataFrame]

DIRECTIONS = ("inbound", "outbound")
# What a distribution of money may be told by: each partner's amount, or each sector's.
BY = ("partner", "sector")
# The kinds of free text the gate redacts (a column of a query's rows, or a field of a note, an event or a
# publication); any other is refused.
TEXT_FIELDS = frozenset({"title", "program", "note", "author", "event", "journal", "doi"})
UNDECLARED = "hidden until the catalogue declares what it counts and what money it reveals, and the gate has a rule"
WHY_MONEY = "hidden so that a partner who asked not to be named is not shown on its own"
WHY_BREAKDOWN = (
    "hidden because the money's breakdown is not shown: partners who asked not to be named could not be grouped safely"
)
WHY_ALL_POOLED = f"hidden because every funder is grouped as “{OTHERS}”"
WHY_PEOPLE = "hidden because it is computed from a count of people that is too small to show"
POOLED_AS_ONE = (
    "Measures of how funding is spread among funders are worked out from the amounts shown, counting “Other "
    "partners” (partners who asked not to be named, and any grouped with them) as one funder of no sector."
)


@dataclass(frozen=True)
class Cells:
    """What a breakdown of one period's money in one direction publishes: each named partner's amount (key, amount,
    whether it is industry) and the "Other partners" pool's total (0 when there is no pool)."""

    named: tuple[tuple[str, float, bool], ...]
    pool: float = 0.0

    @property
    def amounts(self) -> list[float]:
        """Each funder's amount, the pool counted as one funder."""
        return [v for _, v, _ in self.named] + ([self.pool] if self.pool else [])

    @property
    def total(self) -> float:
        return sum(self.amounts)

    def hhi(self) -> float | None:
        """Σ (100 × amount ÷ total)² over the funders, the pool as one; None with no money."""
        total = self.total
        return sum((100 * v / total) ** 2 for v in self.amounts) if total else None

    def largest(self) -> float:
        """The largest funder's amount, the pool as one."""
        return max(self.amounts, default=0.0)

    def industry(self) -> float:
        """The named industry partners' money (the pool is of no sector)."""
        return sum(v for _, v, industry in self.named if industry)


# Each statistic of the money's distribution (a catalogue entry whose money is "<direction> by partner|sector"),
# computed from the published cells alone (shared/METRICS.md, community rule 6).
CELL_RULES: dict[str, Callable[[Cells], float | None]] = {
    "funding_hhi": Cells.hhi,
    "funding_inbound_top": Cells.largest,
    "funding_inbound_industry": Cells.industry,
}


def money_word(word: str) -> tuple[str, str | None] | None:
    """A declared money word read: ("inbound", None) for a direction's total, ("inbound", "partner") for its
    distribution among partners; None for a word the gate has no rule for."""
    direction, _, by = word.partition(" by ")
    if direction not in DIRECTIONS or (by and by not in BY) or (" by " in word and not by):
        return None
    return direction, by or None


@cache
def distributions(metric_id: str) -> frozenset[str]:
    """The directions whose distribution of money a metric reveals, itself or through its inputs (empty for an
    unknown or undeclared one, which is hidden anyway)."""
    entry = ENTRIES.get(metric_id)
    if entry is None or entry.money is None:
        return frozenset()
    own = {read[0] for w in entry.money if (read := money_word(w)) and read[1]}
    return frozenset(own).union(*(distributions(i) for i in entry.inputs if i != metric_id))


class Unread(LookupError):
    """A value a metric computed from the published cells needs was not read."""


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate(formula: str, inputs: Mapping[str, float | None]) -> float | None:
    """A derived metric's formula (metrics.catalogue.formula_tree: its inputs, numbers, + - * / and brackets) over
    the inputs' values; None when an input is None or a divisor is 0."""
    tree = formula_tree(formula, tuple(inputs))
    if any(v is None for v in inputs.values()):
        return None

    def walk(node: ast.expr) -> float:
        if isinstance(node, ast.Name):
            return inputs[node.id]
        if isinstance(node, ast.Constant):
            return node.value
        return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))

    try:
        return walk(tree)
    except ZeroDivisionError:
        return None


LEFT_OUT = "Partners who asked not to be named are left out of this table."
PORTFOLIO_NOTE = "Partners who asked not to be named are not listed."
PORTFOLIO_BLANK = (
    "The money of the partners grouped with them as “Other partners” reads “—”, so that the group cannot be "
    "taken apart."
)
NO_BREAKDOWN = (
    "The breakdown of the money {direction} is not shown: partners who asked not to be named could not be grouped "
    "safely (a group needs at least 3 partners, none giving more than 80% of it). Their money is counted in the "
    "totals."
)
FUNDERS_HIDDEN = (
    "Funders' shares are not shown: partners who asked not to be named could not be grouped safely (a group needs "
    "at least 3 partners, none giving more than 80% of it). Their money is counted in the totals."
)
HIDDEN_QUARTERS = (
    "“—”: hidden so that a partner who asked not to be named is not shown on its own (and, in the same year, "
    "one more quarter, so that the year's total gives nothing away)."
)


@dataclass(frozen=True)
class Shown:
    """What may be shown of a query: its rows, and a sentence to show with them ("" when none)."""

    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class Secret:
    """The confidential partners: their ids and names (the names, and their distinctive words, leave free text)."""

    ids: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()


def quarter_of(day: date) -> Period:
    """The calendar quarter a day falls in."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    end = date(day.year + (start.month == 10), (start.month + 3) % 12 or 12, 1) - timedelta(days=1)
    return Period(start, end)


def year_of(day: date) -> Period:
    """The calendar year a day falls in."""
    return Period(date(day.year, 1, 1), date(day.year, 12, 31))


class Refused(ValueError):
    """A community output asked for a period or filter the rules do not allow; str() is the sentence why."""


class Gate:
    """The community-safe form of everything about one published period (see the module's docstring)."""

    def __init__(self, period: Period, fetch: Fetch, filters: Filters | None = None) -> None:
        why = refusal(period, filters)
        if why:
            raise Refused(why)
        self.period = period
        self._fetch = fetch
        self._money: dict[Period, pd.DataFrame] = {}
        self._secret: Secret | None = None
        self._hidden_quarters: dict[tuple[Period, str], frozenset[Period]] = {}
        self._exposures: dict[tuple[Period, str], Exposure] = {}
        self._members: dict[tuple[Period, str], frozenset[str]] = {}
        self._cells: dict[tuple[Period, str], Cells | None] = {}
        self._said: dict[Period, dict[str, str]] = {}

    @property
    def secret(self) -> Secret:
        """The confidential partners, whatever the period."""
        if self._secret is None:
            rows = self._fetch("community_confidential", [self.period])
            self._secret = Secret(frozenset(rows["partner_id"]), tuple(rows["name"]))
        return self._secret

    def _load(self, periods: Iterable[Period]) -> None:
        """Reads each partner's money in the periods (and what the rules compare them with) in one query."""
        wanted: list[Period] = []
        for p in periods:
            for q in (p, p.prior, *self._year_quarters(p)):
                if q not in self._money and q not in wanted:
                    wanted.append(q)
        if not wanted:
            return
        rows = self._fetch("community_money", wanted)
        for i, p in enumerate(wanted):
            self._money[p] = rows[rows["period_id"] == i]

    @staticmethod
    def _year_quarters(period: Period) -> list[Period]:
        """For a calendar quarter or year, the year and its four quarters: the published periods whose numbers a
        reader can set against each other (a year's total minus three quarters gives the fourth); nothing for any
        other period."""
        if period.calendar not in ("quarter", "year"):
            return []
        year = year_of(period.start)
        return [year, *(quarter_of(date(year.start.year, m, 1)) for m in (1, 4, 7, 10))]

    def members(self, period: Period, direction: str) -> frozenset[str]:
        """The partners whose money in a direction shows only inside "Other partners", for the period's whole year
        and each of its quarters alike (so that no quarter's named amount takes the year's pool apart): the
        confidential ones, and the smallest named ones merged in wherever a pool with a confidential partner would
        be under 3 partners or over 80% one partner's."""
        family = self._year_quarters(period) or [period]
        if (family[0], direction) in self._members:
            return self._members[(family[0], direction)]
        exposures = [self.exposure(p, direction) for p in family]
        members: set[str] = set().union(*(e.confidential & set(e.amounts) for e in exposures))
        grown = True
        while grown:  # until no period's pool needs another partner
            before = len(members)
            for e in exposures:
                if e.confidential & members & set(e.amounts):
                    members |= pool_partners((k, k in members, v) for k, v in e.amounts.items()).members
            grown = len(members) > before
        self._members[(family[0], direction)] = frozenset(members)
        return self._members[(family[0], direction)]

    def exposure(self, period: Period, direction: str) -> Exposure:
        """Each partner's money in the period in one direction, and who among them is confidential."""
        key = (period, direction)
        if key not in self._exposures:
            self._load([period])
            money = self._money[period]
            given = money[money[direction] > 0]
            self._exposures[key] = Exposure(
                dict(zip(given["partner_id"], given[direction], strict=True)),
                frozenset(given.loc[given["confidential"].astype(bool), "partner_id"]),
                frozenset(given.loc[given["industry"].astype(bool), "partner_id"]),
            )
        return self._exposures[key]

    def money_hidden(self, period: Period, direction: str) -> bool:
        """Whether the period's total in a direction is hidden (and with it every amount of that direction): on its
        own it would show a confidential partner, or (a quarter) it is among the quarters `hidden_quarters` keeps
        back so that the year's figures minus the quarters shown leave only a safe pool."""
        if self.exposure(period, direction).total_unsafe:
            return True
        if period.calendar != "quarter":
            return False
        return period in self.hidden_quarters(year_of(period.start), direction)

    def hidden_quarters(self, year: Period, direction: str) -> frozenset[Period]:
        """The quarters of a year whose money in a direction is hidden.

        A quarter whose pool (the `members` with money in it) is under 3 partners or over 80% one partner's is
        hidden: its total minus its named amounts would show that pool. When the year's total is shown, the year
        minus the quarters shown gives the hidden quarters' pools together, so more quarters are hidden, the
        smallest pool first, until those pools together are safe too.
        """
        key = (year, direction)
        if key in self._hidden_quarters:
            return self._hidden_quarters[key]
        quarters = self._year_quarters(year)[1:]
        members = self.members(year, direction)
        pools = {}
        for q in quarters:
            e = self.exposure(q, direction)
            pools[q] = {k: v for k, v in e.amounts.items() if k in members}
        hidden = {
            q
            for q in quarters
            if self.exposure(q, direction).total_unsafe or (pools[q] and not pool_is_safe(list(pools[q].values())))
        }
        if hidden and not self.exposure(year, direction).total_unsafe:

            def together(chosen: set[Period]) -> list[float]:
                sums: dict[str, float] = {}
                for q in chosen:
                    for k, v in pools[q].items():
                        sums[k] = sums.get(k, 0.0) + v
                return list(sums.values())

            while not pool_is_safe(together(hidden)):
                more = [q for q in quarters if q not in hidden and pools[q]]
                if not more:
                    break
                hidden.add(min(more, key=lambda q: (sum(pools[q].values()), q.start)))
        self._hidden_quarters[key] = frozenset(hidden)
        return self._hidden_quarters[key]

    def pool(self, period: Period, direction: str) -> Pooled:
        """The period's "Other partners" in a direction: the `members` with money in it, the same in every output.
        When that pool is under 3 partners or over 80% one partner's, or the period's total is hidden, no partner's
        amount shows at all (breakdown_shown is False)."""
        exposure = self.exposure(period, direction)
        members = self.members(period, direction) & set(exposure.amounts)
        named = sorted(((k, v) for k, v in exposure.amounts.items() if k not in members), key=lambda x: (-x[1], x[0]))
        pooled = [exposure.amounts[k] for k in members]
        merged = frozenset(members - exposure.confidential)
        if self.money_hidden(period, direction) or (members and not pool_is_safe(pooled)):
            return Pooled([(OTHERS, exposure.total)], frozenset(exposure.amounts), merged, False)
        rows = [*named, *([(OTHERS, sum(pooled))] if members else [])]
        return Pooled(rows, frozenset(members), merged, True)

    def cells(self, period: Period, direction: str) -> Cells | None:
        """The cells the period's breakdown of a direction's money publishes (each named partner's amount, the pool's
        total, the total); None when no breakdown shows (the pool cannot be made safe, or the total is hidden)."""
        key = (period, direction)
        if key not in self._cells:
            pool = self.pool(period, direction)
            industry = self.exposure(period, direction).industry
            self._cells[key] = (
                Cells(
                    tuple((k, v, k in industry) for k, v in pool.rows if k != OTHERS or not pool.members),
                    sum(v for k, v in pool.rows if k == OTHERS) if pool.members else 0.0,
                )
                if pool.breakdown_shown
                else None
            )
        return self._cells[key]

    def why_hidden(self, metric_id: str, period: Period, values: Mapping | None = None, depth: int = 0) -> str | None:
        """Why a metric is hidden in a period, from the catalogue's declarations alone; None when it may show.

        Hidden: a metric not in the catalogue or not declared (what it counts and what money it reveals), a money
        word the gate has no rule for, a distribution of money with no rule here to compute it from the published
        cells; a direction's total that is hidden (`money_hidden`), a distribution whose breakdown is not shown or
        whose only cell is the pool; and through the inputs, a metric computed from a hidden one (a change also from
        one hidden in the prior period) or, with values, from a count of people of 1 to 10 (or not read: its size
        unknown).
        """
        entry = ENTRIES.get(metric_id)
        if entry is None or depth > len(ENTRIES):  # unknown, or a circle of inputs
            return UNDECLARED
        if entry.money is None or entry.people is None or entry.kind not in KINDS:
            return UNDECLARED
        if entry.kind != "simple" and (not entry.inputs or (entry.kind == "derived") != bool(entry.formula)):
            return UNDECLARED
        for word in entry.money:
            read = money_word(word)
            if read is None:
                return UNDECLARED
            direction, by = read
            if by and metric_id not in CELL_RULES:
                return UNDECLARED
            if self.money_hidden(period, direction):
                return WHY_MONEY
            if by and self.cells(period, direction) is None:
                return WHY_BREAKDOWN
            if by and self.cells(period, direction).pool and not self.cells(period, direction).named:
                return WHY_ALL_POOLED  # one cell, the pool: the statistic would describe the grouping, not the money
        for i in entry.inputs:
            why = self.why_hidden(i, period, values, depth + 1)
            if why:
                return why
            if ENTRIES[i].people and values is not None and (i not in values or people(values[i]) == SMALL):
                return WHY_PEOPLE
            if entry.kind == "change":
                if ENTRIES[i].people:  # the prior period's count is not read: a change could give a small one away
                    return WHY_PEOPLE
                why = self.why_hidden(i, period.prior, None, depth + 1)
                if why:
                    return why
        return None

    def hidden(self, period: Period) -> dict[str, str]:
        """The catalogue's metrics hidden in the period whatever their values, with the reason."""
        self._load([period])
        return {m: why for m in CATALOGUE if (why := self.why_hidden(m, period))}

    def caveats(self, period: Period) -> dict[str, str]:
        """The sentence each shown metric computed from the published cells needs in the period: when a pool
        exists, that it counts "Other partners" as one funder of no sector (rule 6)."""
        if period in self._said:
            return self._said[period]
        said = {}
        for metric_id in CATALOGUE:
            pooled = [d for d in distributions(metric_id) if (c := self.cells(period, d)) is not None and c.pool]
            if pooled and not self.why_hidden(metric_id, period):
                said[metric_id] = POOLED_AS_ONE
        self._said[period] = said
        return said

    def _from_cells(self, metric_id: str, period: Period, values: Mapping | None):
        """A metric's value worked out from the published cells (a statistic of the money's distribution, and what
        is computed from one): a cell rule, a direction's total, a value read (values: the period's, None for the
        prior one) or the inputs' values so worked out; Unread when a value it needs was not read."""
        entry = ENTRIES[metric_id]
        if metric_id in CELL_RULES:
            (direction,) = {money_word(w)[0] for w in entry.money if money_word(w)[1]}
            return CELL_RULES[metric_id](self.cells(period, direction))
        if entry.kind == "simple":
            if len(entry.money) == 1 and money_word(entry.money[0])[1] is None:
                return self.exposure(period, entry.money[0]).total
            if values is None or metric_id not in values:
                raise Unread(metric_id)
            return values[metric_id]
        inputs = [self._from_cells(i, period, values) for i in entry.inputs]
        if entry.kind == "ratio":
            top, bottom = inputs
            return None if top is None or not bottom else top / bottom
        if entry.kind == "change":
            (now,) = inputs
            (before,) = [self._from_cells(i, period.prior, None) for i in entry.inputs]
            return None if now is None or not before else (now - before) / before
        return evaluate(entry.formula, dict(zip(entry.inputs, inputs, strict=True)))

    def values(self, values: dict, period: Period | None = None) -> dict:
        """One period's metric values as the public may see them: hidden ("—") where `why_hidden` says so; a
        statistic of the money's distribution (and what is computed from one) worked out from the published cells;
        a count of people through `people` (rounded to 5, or "<11"); every other value as it is."""
        period = period or self.period
        self._load([period])
        out = {}
        for metric_id, value in values.items():
            if self.why_hidden(metric_id, period, values):
                out[metric_id] = HIDDEN
            elif distributions(metric_id):
                try:
                    out[metric_id] = self._from_cells(metric_id, period, values)
                except Unread:
                    out[metric_id] = HIDDEN
            elif ENTRIES[metric_id].people:
                out[metric_id] = people(value)
            else:
                out[metric_id] = value
        return out

    def series(self, series: Sequence[dict], periods: Sequence[Period]) -> list[dict]:
        """`values` for each period of a trend."""
        self._load(periods)
        return [self.values(v, p) for v, p in zip(series, periods, strict=True)]

    def text(self, text: str | None, field: str) -> str | None:
        """Free text of a declared kind (TEXT_FIELDS) without the confidential partners' names or their distinctive
        words; any other kind of text is refused (KeyError): a new field must be judged first."""
        if field not in TEXT_FIELDS:
            raise KeyError(f"no community-safe rule for the text field {field!r}: add one to community/gate.py")
        return redact(text, self.secret.names)

    def notes(self, notes: Iterable) -> list:
        """The public notes only, their text and author redacted (store.notes.Note)."""
        return [
            replace(n, text=self.text(n.text, "note"), author=self.text(n.author, "author")) for n in notes if n.public
        ]

    def events(self, events: Iterable) -> list:
        """The public events only, their labels redacted (store.notes.Annotation)."""
        return [replace(e, label=self.text(e.label, "event")) for e in events if e.public]

    def rows(self, name: str, df: pd.DataFrame) -> Shown:
        """A query's rows (run for this gate's period, unfiltered) as the public may see them.

        A query with no rule here is refused rather than shown: a new query must be judged first.
        """
        if name in AS_IS:
            return Shown(df)
        if name not in RULES:
            raise KeyError(f"no community-safe rule for the query {name!r}: add one to community/gate.py")
        return RULES[name](self, df)

    def _redacted(self, df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
        out = df.copy()
        for column in columns:
            out[column] = out[column].map(lambda t, c=column: self.text(t, c) if isinstance(t, str) else t)
        return out

    def _breakdown(self, df: pd.DataFrame, by: str) -> Shown:
        """Money by a category (sector, kind, stage) in which no pooled partner shows: each category holds its
        named partners' money only, and "Other partners" the pool's, as in every other output of the period; a
        direction whose pool cannot be made safe reads "—" throughout."""
        detail = self._fetch("community_funding_by_partner", [self.period])
        columns = list(DIRECTIONS)
        if detail.empty:
            return Shown(df.iloc[:0])
        pools = {d: self.pool(self.period, d) for d in DIRECTIONS}
        shown = detail.copy()
        for d in DIRECTIONS:
            shown.loc[shown["partner_id"].isin(pools[d].members), d] = 0.0
        categories = shown.groupby(by, sort=False)[columns].sum()
        order = list(df[by])
        categories = categories.reindex([c for c in order if c in categories.index])
        categories = categories[categories.sum(axis=1) > 0]
        pooled = {d: sum(v for k, v in pools[d].rows if k == OTHERS) if pools[d].members else 0.0 for d in DIRECTIONS}
        out = categories.reset_index()
        if any(pooled.values()):
            out = pd.concat([out, pd.DataFrame([{by: OTHERS, **pooled}])], ignore_index=True)
        notes = []
        for d in DIRECTIONS:
            if not pools[d].breakdown_shown:
                out[d] = pd.Series([HIDDEN] * len(out), index=out.index, dtype=object)
                notes.append(NO_BREAKDOWN.format(direction="received" if d == "inbound" else "granted"))
        if any(pools[d].members and pools[d].breakdown_shown for d in DIRECTIONS):
            note = f"“{OTHERS}” holds the money of partners who asked not to be named"
            merged = sum(len(pools[d].merged) for d in DIRECTIONS)
            if merged:
                note += ", with the smallest named partners grouped with them so that none can be singled out"
            notes.insert(0, note + ".")
        return Shown(out, " ".join(notes))

    def _funders(self, df: pd.DataFrame) -> Shown:
        """Each funder's money and share, the period's pool as one "Other partners" row; no breakdown when the pool
        cannot be made safe."""
        pool = self.pool(self.period, "inbound")
        public = df.drop(columns=["partner_id", "confidential"])
        if df.empty or not pool.members:
            return Shown(public)
        if not pool.breakdown_shown:
            return Shown(public.iloc[:0], FUNDERS_HIDDEN)
        members = df["partner_id"].isin(pool.members)
        other = df.loc[members, "inbound"].sum()
        total = df["inbound"].sum()
        rows = pd.concat(
            [
                public[~members],
                pd.DataFrame([{"partner": OTHERS, "sector": None, "inbound": other, "share": other / total}]),
            ],
            ignore_index=True,
        ).sort_values("inbound", ascending=False, kind="stable")
        note = f"“{OTHERS}” groups {pool.pooled_partners} funders: those who asked not to be named"
        note += ", and the smallest named funders, so that none can be singled out." if pool.merged else "."
        return Shown(rows.reset_index(drop=True), note)

    def _portfolio(self, df: pd.DataFrame) -> Shown:
        """The partners, without the confidential ones; the money of the named partners pooled with them reads
        "—" (it would take the pool apart)."""
        kept = df[~df["confidential"].astype(bool)].copy()
        blanked = False
        for column, direction in (("funding_in", "inbound"), ("funding_out", "outbound")):
            pool = self.pool(self.period, direction)
            # Without a breakdown every partner's amount is blank: a lone blank beside zeros would name the payer.
            blank = kept["partner_id"].isin(pool.members) if pool.breakdown_shown else kept["partner_id"].notna()
            if blank.any() and (pool.members or not pool.breakdown_shown):
                kept[column] = kept[column].astype(object).mask(blank, HIDDEN)
                blanked = True
        note = PORTFOLIO_NOTE + (f" {PORTFOLIO_BLANK}" if blanked else "")
        return Shown(kept.drop(columns=["confidential"]).reset_index(drop=True), note)

    def _by_quarter(self, df: pd.DataFrame) -> Shown:
        """Money per quarter, a direction's amount "—" where `money_hidden` says so."""
        quarters = [quarter_of(pd.Timestamp(q).date()) for q in df["quarter"]]
        self._load(quarters)
        out = df.copy()
        hidden = False
        for d in DIRECTIONS:
            mask = [self.money_hidden(q, d) for q in quarters]
            if any(mask):
                out[d] = out[d].astype(object).mask(mask, HIDDEN)
                hidden = True
        return Shown(out, HIDDEN_QUARTERS if hidden else "")

    def _convenings(self, df: pd.DataFrame) -> Shown:
        """Titles redacted; the sectors present are the named partners' (a confidential partner's sector could
        single it out); each convening's patients rounded, "<11" when 1 to 10, and (as parts of the period's count
        of patients) one more hidden ("—") where only one is small."""
        out = self._redacted(df, ["title"])
        out["sectors"] = [
            f"{named}, and partners who asked not to be named" if secret else named
            for named, secret in zip(df["named_sectors"].fillna(""), df["confidential_present"], strict=True)
        ]
        out = out.drop(columns=["named_sectors", "confidential_present"])
        parts = suppress_parts(dict(enumerate(df["patient_participants"].fillna(0))))
        out["patient_participants"] = [people_text(parts[i]) for i in range(len(df))]
        return Shown(out.drop(columns=["engagement_id"], errors="ignore"))

    def _by_type(self, df: pd.DataFrame) -> Shown:
        """Touchpoints by type with their patients: the patients as parts of the total beside them."""
        parts = suppress_parts(dict(zip(df["type"], df["patient_participants"], strict=True)))
        out = df.astype({"patient_participants": object})
        out["patient_participants"] = [parts[t] for t in df["type"]]
        return Shown(out)

    def _relationship_partners(self, df: pd.DataFrame) -> Shown:
        kept = df[~df["confidential"].astype(bool)]
        note = LEFT_OUT if len(kept) < len(df) else ""
        return Shown(kept.drop(columns=["confidential"]).reset_index(drop=True), note)

    def _thanked(self, df: pd.DataFrame) -> Shown:
        """The partners to thank by name (not the confidential ones), without any amount; the note says how the
        others are thanked ("3 partners who asked not to be named", or without their number when under 3)."""
        kept = df[~df["confidential"].astype(bool)]
        unnamed = len(df) - len(kept)
        note = ""
        if unnamed:
            note = (
                f"{unnamed} partners who asked not to be named"
                if unnamed >= 3
                else "the partners who asked not to be named"
            )
        return Shown(kept[["partner_id", "name", "sector"]].reset_index(drop=True), note)


AS_IS = frozenset(
    {
        # Counts of touchpoints, partners, publications and programs: no names, no people, no money.
        "engagement_by_type",
        "engagement_stage_by_year",
        "engagement_relationship_classes",
        "science_days_to_publish",
        "science_programs_by_stage",
        "present_lapsed",
    }
)

RULES: dict[str, Callable[[Gate, pd.DataFrame], Shown]] = {
    "funding_by_quarter": Gate._by_quarter,
    "funding_by_sector": lambda g, df: g._breakdown(df, "sector"),
    "funding_by_kind": lambda g, df: g._breakdown(df, "kind"),
    "funding_by_stage": lambda g, df: g._breakdown(df, "stage"),
    "funding_partner_shares": Gate._funders,
    "engagement_relationship_partners": Gate._relationship_partners,
    "engagement_convenings": Gate._convenings,
    "partners_portfolio": Gate._portfolio,
    "science_milestones": lambda g, df: Shown(g._redacted(df, ["program", "note"])),
    "science_programs": lambda g, df: Shown(g._redacted(df, ["program"])),
    "report_partners": Gate._thanked,
    "report_participants_by_type": Gate._by_type,
    "report_publications": lambda g, df: Shown(g._redacted(df, ["title"])),
    "report_milestones": lambda g, df: Shown(g._redacted(df, ["program", "note"])),
}
