"""The one gate: every number, row, chart's data and text the public sees passes through here.

The community-safe view (every page, Present included), the board pack in that view, the community report and its
summary.json, every newsletter or public download and `cli.py metrics --community` take their numbers from a Gate;
none applies the rules of community/rules.py on its own. A Gate covers one period (a calendar quarter or year)
with no filter, and reads what it needs (the confidential partners, each partner's money per period) through a
fetch function: `fetch(query_name, periods)` returns the rows of queries/sql/NAME.sql, unfiltered.

What it gives:
- `values` and `series`: metric values in display form: a count of people rounded ("<11" for 1 to 10), a funding
  number that would show a confidential partner on its own hidden ("—");
- `rows`: a query's rows made safe by the rule registered for it (a query with no rule is refused);
- `text`, `notes`, `events`: free text without confidential names or their distinctive words, public only;
- `pool`: each period's pool of partners whose money shows only as "Other partners".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from community.rules import (
    HIDDEN,
    OTHERS,
    Exposure,
    Pooled,
    hidden_funding_metrics,
    people,
    people_text,
    pool_is_safe,
    pool_partners,
    redact,
    refusal,
    suppress_parts,
)
from metrics.catalogue import METRICS
from metrics.filters import Filters
from metrics.periods import Period

Fetch = Callable[[str, list[Period]], pd.DataFrame]

PEOPLE: frozenset[str] = frozenset(m.id for m in METRICS if m.people)
MONEY_IN = ("funding_inbound_total", "funding_inbound_change", "funding_top_partner_share", "funding_hhi")
DIRECTIONS = ("inbound", "outbound")
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

    def hidden(self, period: Period) -> dict[str, str]:
        """The funding metrics hidden in the period, with the reason."""
        inbound, outbound = self.exposure(period, "inbound"), self.exposure(period, "outbound")
        prior = self.exposure(period.prior, "inbound")
        hidden = hidden_funding_metrics(inbound, outbound, prior)
        why = "hidden so that a partner who asked not to be named cannot be worked out from the year's total"
        if self.money_hidden(period, "inbound") and "funding_inbound_total" not in hidden:
            hidden.update({m: why for m in MONEY_IN})
        if self.money_hidden(period.prior, "inbound"):
            hidden.setdefault("funding_inbound_change", why)
        if self.money_hidden(period, "outbound") and "funding_outbound_total" not in hidden:
            hidden.update({"funding_outbound_total": why, "publications_per_million_granted": why})
        # A named partner pooled with the confidential ones is treated as confidential: the largest funder's share
        # would give its money, and the industry share a part of the pool too small to be safe on its own.
        members = self.members(period, "inbound") & set(inbound.amounts)
        top, _ = inbound.top()
        pooled = "a partner grouped with those who asked not to be named would be shown on its own"
        if top in members:
            hidden.setdefault("funding_top_partner_share", pooled)
        industry = {k: inbound.amounts[k] for k in members & inbound.industry}
        if industry and set(industry) != members and not pool_is_safe(list(industry.values())):
            hidden.setdefault("funding_industry_share", pooled)
        return hidden

    def values(self, values: dict, period: Period | None = None) -> dict:
        """One period's metric values as the public may see them: counts of people through `people` (a number
        rounded to 5, or "<11"), hidden funding numbers as "—", every other value as it is."""
        period = period or self.period
        hidden = self.hidden(period)
        out = {}
        for metric_id, value in values.items():
            if metric_id in hidden:
                out[metric_id] = HIDDEN
            elif metric_id in PEOPLE:
                out[metric_id] = people(value)
            else:
                out[metric_id] = value
        return out

    def series(self, series: Sequence[dict], periods: Sequence[Period]) -> list[dict]:
        """`values` for each period of a trend."""
        self._load(periods)
        return [self.values(v, p) for v, p in zip(series, periods, strict=True)]

    def text(self, text: str | None) -> str | None:
        """Free text without the confidential partners' names or their distinctive words."""
        return redact(text, self.secret.names)

    def notes(self, notes: Iterable) -> list:
        """The public notes only, their text and author redacted (store.notes.Note)."""
        return [replace(n, text=self.text(n.text), author=self.text(n.author)) for n in notes if n.public]

    def events(self, events: Iterable) -> list:
        """The public events only, their labels redacted (store.notes.Annotation)."""
        return [replace(e, label=self.text(e.label)) for e in events if e.public]

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
            out[column] = out[column].map(lambda t: self.text(t) if isinstance(t, str) else t)
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
