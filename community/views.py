"""The dashboard's community-safe view: the rules of community/rules.py applied to everything a page shows.

Pages get their rows through ui/data.py (`data.safe_query`), their trends through `safe_trend`, and their cards
through ui/cards.py; in the community-safe view all of these come through here, so no page decides on its own
what may be shown. With the view off (the internal view) every function here returns what it was given.

- Counts of people (the catalogue's `people` metrics, `patient_participants`, `attendees`) from 1 to 10 read
  "<11"; where parts appear with their total, `suppress_parts` hides enough others ("—").
- Confidential partners are never named: their rows leave partner tables, their names leave free text
  (`redact`), and their money is pooled as "Other partners" only where the pool is safe.
- Every page says that it is community-safe, with the rules in plain words (`banner`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from community.rules import (
    HIDDEN,
    MAX_POOL_SHARE,
    MIN_POOL,
    OTHERS,
    RULES_IN_WORDS,
    SMALL,
    is_small,
    people,
    pool_partners,
    redact,
    suppress_parts,
)
from metrics import METRICS, Period
from metrics.format import words

PEOPLE: frozenset[str] = frozenset(m.id for m in METRICS if m.people)
DIRECTIONS = ("inbound", "outbound")

TITLE = "Community-safe view"
LEFT_OUT = "Partners who asked not to be named are left out of this table."
PORTFOLIO_CAPTION = "Community-safe view: partners who asked not to be named are not listed."
PORTFOLIO_BLANK = (
    "The money of the smallest funders or grantees reads “None”: it is pooled with theirs as “Other partners”."
)
PROFILE_UNAVAILABLE = (
    "This partner's profile is not available in the community-safe view: the partner asked us to keep our work "
    "with it confidential, so it is never named nor shown on its own. Its records are counted in every total."
)
CARD_NOTE = f"In the community-safe view, a count of 1 to 10 people reads “{SMALL}”, and its change is not shown."
SMALL_BARS = f"“{SMALL}”: between 1 and 10 people, drawn without a bar."

# The queries whose rows a query needs to be made safe (per-partner money to pool a breakdown), and how each
# breakdown is named in a sentence.
BY_PARTNER = "community_funding_by_partner"
DETAIL: dict[str, tuple[str, ...]] = {
    "funding_by_sector": (BY_PARTNER,),
    "funding_by_kind": (BY_PARTNER,),
    "funding_by_stage": (BY_PARTNER,),
}
BREAKDOWNS = {"sector": "partner sector", "kind": "kind of partnership", "stage": "R&D stage"}


@dataclass(frozen=True)
class Secret:
    """The confidential partners: their ids and names (the names are removed from free text)."""

    ids: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, partners: pd.DataFrame) -> Secret:
        """From rows (partner_id, name) of the confidential partners."""
        return cls(frozenset(partners["partner_id"]), tuple(partners["name"]))


@dataclass(frozen=True)
class Shown:
    """What a page may show of a query: its rows, and a sentence to show with them ("" when none)."""

    frame: pd.DataFrame
    note: str = ""


# The banner ----------------------------------------------------------------------------------------------------


def banner_text(period: Period, as_of: str) -> str:
    """What the banner says: that the view is community-safe, the period, the data's date and the rules."""
    return (
        f"**{TITLE}**, for sharing in public. {period.label}: {period.start:%-d %b %Y} to {period.end:%-d %b %Y}. "
        f"{as_of}. {RULES_IN_WORDS}"
    )


def banner(view, as_of: str) -> None:
    """The banner under a page's title in the community-safe view; nothing in the internal view."""
    if view.community:
        st.info(banner_text(view.period, as_of), icon=":material/verified_user:")


# Cards -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRules:
    """What a metric card may show: its value as "<11", its change, its sparkline."""

    small: bool = False
    delta: bool = True
    sparkline: bool = True


def card_rules(metric_id: str, current, prior, trend: Sequence, community: bool) -> CardRules:
    """A count of people from 1 to 10 reads "<11"; its change (which would reveal it or the prior value) shows
    only when neither value is small, and its sparkline only when no value in it is small."""
    if not community or metric_id not in PEOPLE:
        return CardRules()
    return CardRules(
        small=is_small(current),
        delta=not (is_small(current) or is_small(prior)),
        sparkline=not any(is_small(v) for v in trend),
    )


# Trends and the table of every metric ----------------------------------------------------------------------------


def safe_trend(trend: pd.DataFrame, community: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A trend (data.trend) to draw and its numbers for the CSV. In the community-safe view a small count of
    people is a missing bar (None) in the first and reads "<11" in the second."""
    if not community:
        return trend, trend
    drawn, numbers = trend.copy(), trend.copy()
    for column in [c for c in trend.columns if c in PEOPLE]:
        small = trend[column].map(is_small).astype(bool)
        drawn[column] = trend[column].astype(float).mask(small)
        numbers[column] = trend[column].astype(object).mask(small, SMALL)
    return drawn, numbers


def label_small(fig: go.Figure, numbers: pd.DataFrame, x: str, ys: Sequence[str]) -> go.Figure:
    """Writes "<11" where a bar of people is missing because it is small (grouped bars of ys over x, in order)."""
    if not any(y in numbers and (numbers[y] == SMALL).any() for y in ys):
        return fig
    gap = fig.layout.bargap
    if gap is None:
        gap = fig.layout.template.layout.bargap if fig.layout.template.layout.bargap is not None else 0.2
    width = (1 - gap) / len(ys)  # each trace's share of a category, side by side
    for i, y in enumerate(ys):
        if y not in numbers:
            continue
        offset = -(1 - gap) / 2 + width * (i + 0.5)
        for position, value in enumerate(numbers[y]):
            if value == SMALL:
                fig.add_annotation(
                    x=position + offset,  # a category axis places annotations by the category's index
                    xref="x",
                    y=0,
                    yref="y",
                    yshift=10,
                    text=SMALL,
                    showarrow=False,
                    hovertext=SMALL_BARS,
                )
    return fig


def safe_metric_table(table: pd.DataFrame, current: dict, prior: dict, label: str, community: bool) -> pd.DataFrame:
    """The table of every metric (ui.tables.metric_table): a small count of people reads "<11" and its change "—"."""
    if not community:
        return table
    out = table.copy()
    for metric_id in PEOPLE:
        row = out["Metric id"] == metric_id
        if is_small(current[metric_id]):
            out.loc[row, label] = SMALL
        if is_small(prior[metric_id]):
            out.loc[row, "Prior period"] = SMALL
        if is_small(current[metric_id]) or is_small(prior[metric_id]):
            out.loc[row, "Change"] = HIDDEN
    return out


def safe_metric_values(values: pd.DataFrame, label: str, community: bool) -> pd.DataFrame:
    """Every metric's raw values for the CSV (ui.tables.metric_values): a small count of people reads "<11"."""
    if not community:
        return values
    out = values.astype({label: object, "prior": object})
    row = out["metric_id"].isin(PEOPLE)
    for column in (label, "prior"):
        out.loc[row, column] = out.loc[row, column].map(people)
    return out


def people_column(community: bool, label: str | None = None, **kwargs):
    """The column_config of a column of people: numbers, or text once "<11" and "—" may appear in it."""
    if community:
        return st.column_config.TextColumn(label, alignment="right", **kwargs)
    return st.column_config.NumberColumn(label, **kwargs)


# Queries ---------------------------------------------------------------------------------------------------------


def pool_is_safe(pool: pd.DataFrame, directions: Iterable[str] = DIRECTIONS) -> bool:
    """Whether a pool of partners (one row each, money in DIRECTIONS) may be shown: in each of the directions
    that holds money, at least MIN_POOL partners give some and none gives more than MAX_POOL_SHARE of it (the
    rules of pool_partners, for each bar a pool draws)."""
    for direction in directions:
        given = pool[direction][pool[direction] > 0]
        if len(given) and (len(given) < MIN_POOL or given.max() > MAX_POOL_SHARE * given.sum()):
            return False
    return True


def pool_breakdown(detail: pd.DataFrame, by: str, order: Iterable[str] = ()) -> Shown:
    """A breakdown of money by a category (sector, kind, stage) in which no confidential partner shows.

    detail holds one row per partner and category: (partner_id, confidential, <by>, inbound, outbound). The
    confidential partners' money leaves its categories for one "Other partners" category. While that pool is not
    safe (pool_is_safe, in each direction in which confidential partners give money), the smallest category with
    money in an unsafe direction joins it, with all its partners; when it cannot be made safe, or only by pooling
    every category, no breakdown is shown. Categories come in the given order, the others largest first; the pool
    is last.
    """
    columns = list(DIRECTIONS)
    if detail.empty:
        return Shown(pd.DataFrame(columns=[by, *columns]))
    money = detail.groupby([by, "partner_id", "confidential"], as_index=False)[columns].sum()
    confidential = money["confidential"].astype(bool)
    secret, named = money[confidential], money[~confidential]
    categories = named.groupby(by)[columns].sum()
    categories = categories[categories.sum(axis=1) > 0]
    rank = {c: i for i, c in enumerate(order)}
    categories = categories.assign(
        _rank=[rank.get(c, len(rank)) for c in categories.index], _money=categories.sum(axis=1)
    )
    categories = categories.sort_values(["_rank", "_money"], ascending=[True, False], kind="stable")
    at_risk = [d for d in DIRECTIONS if (secret[d] > 0).any()]
    if not at_risk:
        return Shown(categories[columns].reset_index())
    members, merged = secret, []

    def pool() -> pd.DataFrame:
        return members.groupby("partner_id")[columns].sum()

    hidden = Shown(
        pd.DataFrame(columns=[by, *columns]),
        f"In the community-safe view the breakdown by {BREAKDOWNS.get(by, by)} is not shown: it would single out "
        "partners who asked not to be named, and their money cannot be pooled safely (a pool needs at least 3 "
        "partners, none giving more than 80% of it). Their money is counted in the totals above.",
    )
    while not pool_is_safe(pool(), at_risk):
        unsafe = [d for d in at_risk if not pool_is_safe(pool(), [d])]
        helping = categories[categories[unsafe].sum(axis=1) > 0]
        if helping.empty:
            return hidden
        smallest = min(helping.index, key=lambda c: (helping.loc[c, unsafe].sum(), str(c)))
        members = pd.concat([members, named[named[by] == smallest]])
        categories = categories.drop(index=smallest)
        merged.append(smallest)
    if categories.empty:
        return hidden  # everything pooled: the pool would only repeat the totals
    rows = pd.concat(
        [categories[columns].reset_index(), pd.DataFrame([{by: OTHERS, **pool()[columns].sum().to_dict()}])],
        ignore_index=True,
    )
    note = f"“{OTHERS}” holds the money of partners who asked not to be named"
    if merged:
        note += f", with {_and([_lower(words(str(m))) for m in merged])} merged in so that none can be singled out"
    return Shown(rows, note + ".")


def _lower(text: str) -> str:
    """Pharma -> pharma, but CRO stays CRO."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def pool_funders(shares: pd.DataFrame) -> Shown:
    """Each funder's share (funding_partner_shares) with the confidential ones pooled by pool_partners; no
    breakdown when the pool cannot be made safe. Rows: partner, confidential (never true here), inbound, share."""
    pooled = pool_partners(zip(shares["partner"], shares["confidential"].astype(bool), shares["inbound"], strict=True))
    empty = pd.DataFrame(columns=["partner", "confidential", "inbound", "share"])
    if shares.empty or not pooled.pooled_partners:
        return Shown(shares.drop(columns=["partner_id", "sector"]))
    if not pooled.breakdown_shown:
        return Shown(
            empty,
            "In the community-safe view funders' shares are not shown: partners who asked not to be named could "
            "not be pooled safely (a pool needs at least 3 partners, none giving more than 80% of it). Their money "
            "is counted in the totals above.",
        )
    total = pooled.total
    rows = pd.DataFrame(
        [
            {"partner": n, "confidential": False, "inbound": v, "share": v / total if total else None}
            for n, v in pooled.rows
        ]
    ).sort_values("inbound", ascending=False, kind="stable")
    return Shown(
        rows.reset_index(drop=True),
        f"“{OTHERS}” pools {pooled.pooled_partners} funders, among them the partners who asked not to be named.",
    )


def _redacted(df: pd.DataFrame, columns: Iterable[str], secret: Secret) -> pd.DataFrame:
    out = df.copy()
    for column in columns:
        out[column] = out[column].map(lambda text: redact(text, secret.names) if isinstance(text, str) else text)
    return out


def _without_confidential(df: pd.DataFrame, note: str = "") -> Shown:
    kept = df[~df["confidential"].astype(bool)].reset_index(drop=True)
    return Shown(kept, note if len(kept) < len(df) else "")


def _portfolio(df: pd.DataFrame) -> Shown:
    """The portfolio without confidential partners. Beside the totals on the Funding page, the named partners'
    money would give the confidential partners' by subtraction: so, as in the funders' shares (pool_partners),
    the smallest named partners pooled with them leave their money blank, in each direction."""
    confidential = df["confidential"].astype(bool)
    kept = df[~confidential].copy()
    blanked = False
    for column in ("funding_in", "funding_out"):
        given = df[df[column] > 0]
        pooled = pool_partners(zip(given["partner_id"], given["confidential"].astype(bool), given[column], strict=True))
        if not pooled.pooled_partners:
            continue
        shown = {name for name, _ in pooled.rows if name != OTHERS} if pooled.breakdown_shown else set()
        blank = kept["partner_id"].isin(set(given["partner_id"]) - shown)
        kept[column] = kept[column].mask(blank)
        blanked = blanked or bool(blank.any())
    note = PORTFOLIO_CAPTION + (f" {PORTFOLIO_BLANK}" if blanked else "")
    return Shown(kept.reset_index(drop=True), note)


def _convenings(df: pd.DataFrame, secret: Secret) -> Shown:
    """Titles without confidential names; each convening's patients "<11" when 1 to 10, and, as parts of the
    patients counted beside them, one more hidden ("—") where only one is small."""
    out = _redacted(df, ["title"], secret)
    parts = suppress_parts(dict(enumerate(df["patient_participants"].fillna(0))))
    out["patient_participants"] = [_text(parts[i]) for i in range(len(df))]
    return Shown(out)


def _text(value) -> str:
    return value if isinstance(value, str) else f"{value:,.0f}"


ATTENDEES = re.compile(r"(?<![\w.,])(\d+) attendees")
PATIENTS = re.compile(r"(?<![\w.,])(\d+) patients and caregivers")


def _events(df: pd.DataFrame, secret: Secret) -> Shown:
    """A partner's records (partners_events): no confidential names in titles and details; attendees and
    patients (written "N attendees", "N patients and caregivers" by the SQL) "<11" when 1 to 10, and the
    period's touchpoints' patients, parts of the partner's total beside them, protected by suppress_parts."""
    out = _redacted(df, ["title", "details"], secret)

    def count(pattern: re.Pattern, text) -> int | None:
        found = pattern.search(text) if isinstance(text, str) else None
        return int(found.group(1)) if found else None

    patients = {i: count(PATIENTS, text) for i, text in enumerate(out["details"])}
    in_period = {i: n for i, n in patients.items() if n is not None and bool(df["in_period"].iloc[i])}
    shown = {i: people(n) for i, n in patients.items() if n is not None}
    shown.update(suppress_parts(in_period))
    details = []
    for i, text in enumerate(out["details"]):
        if isinstance(text, str):
            text = ATTENDEES.sub(lambda m: f"{people(int(m.group(1)))} attendees", text)
            if i in shown:
                text = PATIENTS.sub(f"{_text(shown[i])} patients and caregivers", text)
        details.append(text)
    out["details"] = details
    return Shown(out)


AS_IS = frozenset(
    {
        # Counts of events, publications, programs and partners, and money by date: no names, no people.
        "funding_by_quarter",
        "engagement_by_type",
        "engagement_stage_by_year",
        "engagement_relationship_classes",
        "science_days_to_publish",
        "science_programs_by_stage",
    }
)

RULES: dict[str, Callable[[pd.DataFrame, Secret, dict[str, pd.DataFrame]], Shown]] = {
    # Sectors and kinds largest first, as their queries order them; stages in the order of the stages.
    "funding_by_sector": lambda df, s, d: pool_breakdown(d[BY_PARTNER], "sector"),
    "funding_by_kind": lambda df, s, d: pool_breakdown(d[BY_PARTNER], "kind"),
    "funding_by_stage": lambda df, s, d: pool_breakdown(d[BY_PARTNER], "stage", df["stage"]),
    "funding_partner_shares": lambda df, s, d: pool_funders(df),
    "engagement_relationship_partners": lambda df, s, d: _without_confidential(df, LEFT_OUT),
    "engagement_convenings": lambda df, s, d: _convenings(df, s),
    "partners_portfolio": lambda df, s, d: _portfolio(df),
    "partners_events": lambda df, s, d: _events(df, s),
    "science_milestones": lambda df, s, d: Shown(_redacted(df, ["program", "note"], s)),
    "science_programs": lambda df, s, d: Shown(_redacted(df, ["program"], s)),
}


def safe(name: str, df: pd.DataFrame, secret: Secret, detail: dict[str, pd.DataFrame] | None = None) -> Shown:
    """A query's rows as the community-safe view may show them (detail: the rows of DETAIL[name], if any).

    A query with no rule here is refused rather than shown: a new query on a page must be judged first.
    """
    if name in AS_IS:
        return Shown(df)
    if name not in RULES:
        raise KeyError(f"no community-safe rule for the query {name!r}: add it to community/views.py")
    return RULES[name](df, secret, detail or {})


def unavailable(partner_id: str | None, secret: Secret) -> bool:
    """Whether a partner asked for (by link or choice) is one whose profile the community-safe view hides."""
    return partner_id in secret.ids
