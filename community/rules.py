"""The community-safe rules of shared/METRICS.md ("Community-safe numbers"), as pure functions.

1. A count of people from 1 to 10 is never shown: it reads "<11". Zero is shown. A count above 10 is rounded to
   the nearest 5 (never below 15, so that a rounded count cannot be taken for a small one). Where parts appear
   with their total, enough other parts are hidden too that no hidden part can be worked out by subtraction.
2. A confidential partner is never named and never shown alone: its money counts in totals and is pooled as
   "Other partners". A pool of fewer than 3 partners, or one where a single partner gives more than 80% of the
   pool, takes in the smallest named partners until it is safe, or no breakdown is shown. A named partner that
   joins the pool is treated as confidential for that period: its own amounts are shown nowhere else.
3. Community outputs cover calendar quarters and calendar years only, and take no filter (`refusal`).
4. Free text loses every confidential partner's name and each distinctive word of it (`redact`).
5. Every community output states the period, the date of the latest record and these rules (RULES_IN_WORDS).
6. Statistics of the money's distribution are computed from the published cells only, the pool as one funder of
   no sector (the gate's CELL_RULES), or hidden.
7. A metric shows only as the catalogue declares it (what it counts, what money it reveals); the gate hides any
   metric, and refuses any query or text, it has no rule for.

The gate (community/gate.py) applies these to everything the public sees; nothing else calls them on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from metrics.filters import Filters
from metrics.periods import Period

SMALL = "<11"  # how a count of people from 1 to 10 reads
HIDDEN = "—"  # a number hidden so that a small count or a confidential partner cannot be worked out
MARKERS = (SMALL, HIDDEN)  # what the gate shows in place of a number
OTHERS = "Other partners"
MIN_POOL = 3
MAX_POOL_SHARE = 0.8
ROUND_TO = 5
SMALLEST_SHOWN = 15  # the least a rounded count above 10 reads: 11 and 12 are nearer 10, which reads as small
A_PARTNER = "a partner"

RULES_IN_WORDS = (
    "To protect the people and partners behind these numbers: a count of patients or other people from 1 to 10 "
    f"is shown as “{SMALL}”, and larger counts of people are rounded to the nearest 5; where a small count could "
    f"be worked out from a total, other numbers are hidden too (“{HIDDEN}”). Partners who asked us to keep our "
    "work with them confidential are never named: their contributions are included in every total and grouped "
    f"as “{OTHERS}”, a group shown only when it holds at least three partners and no single partner gives more "
    "than 80% of it; a named partner grouped with them has its own amounts left out everywhere. These figures "
    "cover whole calendar quarters and years of the whole foundation only, never a narrower selection, so that "
    "no one can be singled out by comparing two of them. Measures of how the money is spread among funders count "
    f"“{OTHERS}” as one funder."
)


def is_small(n: object) -> bool:
    """A count of people that must not be shown: 1 to 10."""
    return isinstance(n, int | float) and not isinstance(n, bool) and 1 <= n <= 10


def people(n: int | float | None) -> int | str | None:
    """A count of people as it may be shown: 1 to 10 read "<11", larger counts rounded to the nearest 5 (15 at
    least), zero and unknowns pass; a marker ("<11", "—") passes unchanged."""
    if n is None or isinstance(n, str):
        return n
    if is_small(n):
        return SMALL
    if n <= 0:
        return 0
    return max(SMALLEST_SHOWN, ROUND_TO * int((n + ROUND_TO / 2) // ROUND_TO))


def people_text(n: int | float | str | None) -> str:
    """A shown count of people in a table: "<11", "—", "0" or "1,215"."""
    shown = people(n)
    if shown is None:
        return HIDDEN
    return shown if isinstance(shown, str) else f"{shown:,}"


def people_words(n: int | float | str | None, noun: str) -> str:
    """A count of people in a sentence: "no patients", "fewer than 11 patients", "about 215 patients"."""
    shown = people(n)
    if shown == SMALL:
        return f"fewer than 11 {noun}"
    if shown is None or shown == HIDDEN:
        return f"an undisclosed number of {noun}"
    if shown == 0:
        return f"no {noun}"
    return f"about {shown:,} {noun}"


def suppress_parts(parts: Mapping[str, int | float], total_shown: bool = True) -> dict[str, int | str]:
    """Parts of a count of people, made safe to show beside their total (complementary suppression).

    Every part reads as `people` gives it. When the total is shown and exactly one part is hidden ("<11"), the
    smallest other non-zero part is hidden too ("—"), so that total minus the shown parts gives no hidden value.
    """
    shown: dict[str, int | str] = {k: people(v) for k, v in parts.items()}
    hidden = [k for k, v in parts.items() if is_small(v)]
    if total_shown and len(hidden) == 1:
        others = sorted((v, str(k), k) for k, v in parts.items() if k not in hidden and v and v > 0)
        if others:
            shown[others[0][2]] = HIDDEN
    return shown


@dataclass(frozen=True)
class Pooled:
    """A breakdown by partner that is safe to show: named rows, the pool, and whether a breakdown may show."""

    rows: list[tuple[str, float]]  # (label, value), largest first, the pool last
    members: frozenset[str]  # the keys in the pool: confidential, and named ones merged in
    merged: frozenset[str]  # the named keys merged in
    breakdown_shown: bool  # False: only the total may be shown

    @property
    def total(self) -> float:
        return sum(v for _, v in self.rows)

    @property
    def pooled_partners(self) -> int:
        return len(self.members)


def pool_is_safe(values: list[float]) -> bool:
    """A pool may show on its own: at least MIN_POOL partners, none above MAX_POOL_SHARE of it."""
    total = sum(values)
    return len(values) >= MIN_POOL and (total == 0 or max(values) <= MAX_POOL_SHARE * total)


def pool_partners(items: Iterable[tuple[str, bool, float]]) -> Pooled:
    """Pools partners as "Other partners"; items are (key, pooled, value): pooled for a confidential partner (or
    one already pooled elsewhere), value its money (0 counts for nothing).

    Named partners join the pool, smallest first, until it is safe; when it cannot be made safe, every partner
    is in it and no breakdown is shown (only the total). With nothing pooled, nothing is.
    """
    items = [(key, bool(conf), float(value or 0)) for key, conf, value in items if value]
    named = sorted([(v, k) for k, c, v in items if not c], key=lambda x: (-x[0], str(x[1])))
    pool = {k: v for k, c, v in items if c}
    if not pool:
        return Pooled([(k, v) for v, k in named], frozenset(), frozenset(), True)
    merged = []
    while not pool_is_safe(list(pool.values())) and named:
        value, key = named.pop()  # the smallest named partner joins the pool
        pool[key] = value
        merged.append(key)
    if not pool_is_safe(list(pool.values())):
        everyone = frozenset(pool) | {k for _, k in named}
        return Pooled([(OTHERS, sum(pool.values()) + sum(v for v, _ in named))], everyone, frozenset(), False)
    rows = [*((k, v) for v, k in named), (OTHERS, sum(pool.values()))]
    return Pooled(rows, frozenset(pool), frozenset(merged), True)


@dataclass(frozen=True)
class Exposure:
    """What one period's money in one direction would reveal: each partner's amount, and who is confidential."""

    amounts: Mapping[str, float]  # partner id -> money (> 0)
    confidential: frozenset[str]
    industry: frozenset[str] = frozenset()

    @property
    def at_risk(self) -> bool:
        return bool(self.confidential & set(self.amounts))

    @property
    def total(self) -> float:
        return sum(self.amounts.values())

    def top(self) -> tuple[str | None, float]:
        """The largest partner and its share (ties: a confidential one first)."""
        if not self.amounts or not self.total:
            return None, 0.0
        key = max(self.amounts, key=lambda k: (self.amounts[k], k in self.confidential, str(k)))
        return key, self.amounts[key] / self.total

    @property
    def total_unsafe(self) -> bool:
        """The total alone would show a confidential partner: fewer than 3 partners, or one confidential above
        80% of it."""
        if not self.at_risk:
            return False
        top, share = self.top()
        return len(self.amounts) < MIN_POOL or (top in self.confidential and share > MAX_POOL_SHARE)


def published(period: Period) -> bool:
    """A period community outputs may cover: a whole calendar quarter or calendar year."""
    return period.calendar in ("quarter", "year")


def refusal(period: Period, filters: Filters | None = None) -> str | None:
    """Why a community output cannot cover this period under these filters, in a sentence; None when it can."""
    if filters is not None and filters.active:
        return (
            f"Community-safe outputs cover the whole foundation, so they take no filter (this one is filtered to "
            f"{filters.describe()}): a narrower selection, compared with the whole, could single out a partner or a "
            "small group of people. Clear the filters to share these numbers."
        )
    if not published(period):
        return (
            f"Community-safe outputs cover whole calendar quarters and calendar years only, and {period.label} is "
            "neither: two overlapping periods compared with each other could reveal a partner's money or a small "
            "count of people. Choose a calendar quarter or year (such as the last full year or quarter)."
        )
    return None


# Words that name a kind of organisation, or are common enough that they single out no one (METRICS.md:
# "a common word such as Pharma, Therapeutics, Foundation"); every other word of four letters or more in a
# confidential partner's name is distinctive.
COMMON_WORDS = frozenset(
    """
    agency alliance america american associates association bank biologics biopharma biopharmaceuticals
    bioscience biosciences biotech biotechnology biotherapeutics board care center centre charitable charity
    clinic clinical clinics college committee community company consortium consulting corp corporation council
    data department development devices diagnostics digital discovery disease division drug drugs europe
    european federal foundation fund genetics genomics global group health healthcare holding holdings
    hospital hospitals incorporated industries innovation innovations institute institutes international
    laboratories laboratory labs life limited management medical medicine medicines national network
    oncology organisation organization partners partnership patient patients pharma pharmaceutical
    pharmaceuticals program programme rare regional research sciences science services society solutions
    systems team technologies technology therapeutic therapeutics therapies therapy trust trials unit united
    university ventures with from that this have their there about into over under after before other
    """.split()
)
_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*\w)?", re.UNICODE)


def distinctive_words(name: str) -> list[str]:
    """The words of a name that single it out: four letters or more, not a common word ("Cedar" of "Cedar
    Devices")."""
    words = [w.strip(".'’-") for w in _WORD.findall(name or "")]
    return [w for w in words if sum(c.isalpha() for c in w) >= 4 and w.lower() not in COMMON_WORDS]


def redact(text: str | None, names: Iterable[str]) -> str | None:
    """Removes confidential partners' names, and each distinctive word of them, from free text (whole words, in
    any case): "Cedar Devices" and "Cedar" alone both read "a partner"."""
    if not text:
        return text
    targets = set()
    for name in names:
        if name and name.strip():
            targets.add(name.strip())
            targets.update(distinctive_words(name))
    for target in sorted(targets, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(target)}(?!\w)", A_PARTNER, text, flags=re.IGNORECASE)
    return text
