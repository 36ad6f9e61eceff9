"""The community-safe rules of shared/METRICS.md, in one place.

1. A count of people from 1 to 10 is never shown: it reads "<11". Zero is shown. Where parts appear with
   their total, enough other parts are hidden too that no hidden part can be worked out by subtraction.
2. A confidential partner is never named and never shown alone: its records count in totals and are pooled
   as "Other partners". A pool of fewer than 3 partners, or one where a single partner gives more than 80% of
   the pool, is not shown on its own: it is merged with the smallest named partners until it is safe, and if it
   cannot be made safe the breakdown is not shown at all.
3. Every community output states the period, the date of the data and these rules (RULES_IN_WORDS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SMALL = "<11"  # how a count of people from 1 to 10 reads
HIDDEN = "—"  # a part hidden so that a small count cannot be worked out from a total
OTHERS = "Other partners"
MIN_POOL = 3
MAX_POOL_SHARE = 0.8

RULES_IN_WORDS = (
    "To protect the people and partners behind these numbers: a count of patients or other people from 1 to 10 "
    f"is shown as “{SMALL}”, and where such a count could be worked out from a total, other numbers are hidden "
    f"too (“{HIDDEN}”). Partners who asked us to keep our work with them confidential are never named: their "
    f"contributions are included in every total and grouped as “{OTHERS}”, and that group is only shown when it "
    "holds at least three partners and no single partner gives more than 80% of it."
)


def is_small(n: object) -> bool:
    """A count of people that must not be shown: 1 to 10."""
    return isinstance(n, (int, float)) and not isinstance(n, bool) and 1 <= n <= 10


def people(n: int | float | None) -> int | float | str | None:
    """A count of people as it may be shown: 1 to 10 read "<11"; zero, larger counts and unknowns pass."""
    return SMALL if is_small(n) else n


def suppress_parts(parts: Mapping[str, int | float], total_shown: bool = True) -> dict[str, int | float | str]:
    """Parts of a count of people, made safe to show beside their total (complementary suppression).

    Small parts read "<11". When the total is shown and exactly one part is hidden, the smallest other
    non-zero part is hidden too ("—"), so that total minus the shown parts gives no hidden value.
    """
    shown: dict[str, int | float | str] = {k: people(v) for k, v in parts.items()}
    hidden = [k for k, v in parts.items() if is_small(v)]
    if total_shown and len(hidden) == 1:
        others = sorted((v, k) for k, v in parts.items() if k not in hidden and v and v > 0)
        if others:
            shown[others[0][1]] = HIDDEN
    return shown


@dataclass(frozen=True)
class Pooled:
    """A breakdown by partner that is safe to show: named rows, the pool, and whether a breakdown may show."""

    rows: list[tuple[str, float]]  # (label, value), largest first, the pool last
    pooled_partners: int  # how many partners the pool holds (confidential and merged)
    breakdown_shown: bool  # False: only the total may be shown

    @property
    def total(self) -> float:
        return sum(v for _, v in self.rows)


def _pool_is_safe(values: list[float]) -> bool:
    total = sum(values)
    return len(values) >= MIN_POOL and (total == 0 or max(values) <= MAX_POOL_SHARE * total)


def pool_partners(items: Iterable[tuple[str, bool, float]]) -> Pooled:
    """Pools confidential partners as "Other partners" by the rules; items are (name, confidential, value).

    Named partners are merged into the pool, smallest first, until the pool is safe; when it cannot be made
    safe, no breakdown is shown (only the total). Without confidential partners nothing is pooled.
    """
    items = [(name, bool(conf), float(value or 0)) for name, conf, value in items]
    named = sorted([(v, n) for n, c, v in items if not c], reverse=True)
    pool = [v for _, c, v in items if c]
    if not pool:
        return Pooled([(n, v) for v, n in named], 0, True)
    while not _pool_is_safe(pool) and named:
        value, _ = named.pop()  # the smallest named partner joins the pool
        pool.append(value)
    if not _pool_is_safe(pool):
        return Pooled([(OTHERS, sum(pool))], len(pool), False)
    return Pooled([*((n, v) for v, n in named), (OTHERS, sum(pool))], len(pool), True)


def redact(text: str | None, names: Iterable[str]) -> str | None:
    """Removes confidential partners' names from free text (titles, notes), whole words, in any case."""
    if not text:
        return text
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name.strip())}(?!\w)", "a partner", text, flags=re.IGNORECASE)
    return text


def hidden_funding_metrics(exposure: Mapping[str, object]) -> dict[str, str]:
    """The funding metrics that would show a confidential funder on its own in a period, with the reason.

    exposure is a row of queries/sql/community_funding_exposure.sql. The largest funder's share reveals that
    funder's money; the concentration index does too with one or two funders; the industry share does when
    industry money is a pool of fewer than 3 partners or one gives more than 80% of it; and the totals do when
    all the money is such a pool.
    """
    hidden: dict[str, str] = {}
    if not exposure.get("confidential_funders"):
        return hidden
    why = "hidden so that a partner who asked not to be named is not shown on its own"
    if exposure["top_confidential"]:
        hidden["funding_top_partner_share"] = why
    if exposure["funders"] <= 2:
        hidden["funding_hhi"] = why
    if exposure["industry_confidential"] and (
        exposure["industry_funders"] < MIN_POOL or exposure["industry_confidential_top_share"] > MAX_POOL_SHARE
    ):
        hidden["funding_industry_share"] = why
    if exposure["funders"] < MIN_POOL or (exposure["top_confidential"] and exposure["top_share"] > MAX_POOL_SHARE):
        for metric_id in (
            "funding_inbound_total",
            "funding_inbound_change",
            "funding_top_partner_share",
            "funding_hhi",
        ):
            hidden[metric_id] = why
    return hidden
