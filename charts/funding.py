"""The Funding page's charts: money per quarter, by sector, kind and stage, each funder's share, concentration."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import figures
from charts.context import Context, mark_events
from charts.theme import BAND_BAD, BAND_GOOD, BAND_WATCH
from community.rules import OTHERS
from metrics.format import money, words

IN_OUT = {"inbound": "Received from partners", "outbound": "Granted by us"}
BY = {"sector": "partner sector", "kind": "kind of partnership", "stage": "R&D stage"}
SHOWN_FUNDERS = 12  # bars on the funders' chart; smaller named funders are summed in one bar
HHI_BANDS = [
    (0, 1500, "unconcentrated", BAND_GOOD),
    (1500, 2500, "moderately concentrated", BAND_WATCH),
    (2500, 10000, "highly concentrated", BAND_BAD),
]

# Each band's range in words ("below 1,500", "1,500 to 2,500", "above 2,500"), from the bands above.
HHI_RANGES = {
    words: f"below {high:,}" if low == 0 else f"above {low:,}" if high == 10000 else f"{low:,} to {high:,}"
    for low, high, words, _ in HHI_BANDS
}


def hhi_band(value: float | str | None) -> str | None:
    """The band of a Herfindahl-Hirschman index in words: "unconcentrated" below 1,500, "moderately concentrated"
    from 1,500 to 2,500, "highly concentrated" above 2,500; None when there is no number (or it is hidden)."""
    if value is None or isinstance(value, str) or pd.isna(value):
        return None
    (_, moderate, low, _), (_, high, middle, _), (_, _, top, _) = HHI_BANDS
    return low if value < moderate else middle if value <= high else top


def by_quarter(quarters: pd.DataFrame, ctx: Context) -> go.Figure:
    """Money received and granted in each calendar quarter of the trend's span."""
    fig = figures.bars(
        quarters,
        "label",
        list(IN_OUT),
        names=IN_OUT,
        dark=ctx.dark,
        y_title=f"Amount ({ctx.currency})",
        title="Funding received and granted, per quarter",
        subtitle=f"{ctx.periods[0].start:%b %Y} to {ctx.period.end:%b %Y}",
        source=ctx.source,
    )
    figures.yearly_ticks(fig, list(quarters["label"]))
    figures.money_axis(fig, ctx.currency)
    return mark_events(fig, ctx)


def breakdown(by: str):
    """The builder of money by one category (sector, kind or stage) in the chosen period."""

    def build(table: pd.DataFrame, ctx: Context) -> go.Figure:
        fig = figures.bars(
            table.assign(**{by: table[by].map(lambda v: v if v == OTHERS else words(str(v)))}),
            by,
            list(IN_OUT),
            names=IN_OUT,
            horizontal=True,
            dark=ctx.dark,
            title=f"Funding by {BY[by]}",
            subtitle=ctx.period.label,
            y_title=f"Amount ({ctx.currency})",
            source=ctx.source,
        )
        return figures.money_axis(fig, ctx.currency, axis="x")

    build.__doc__ = f"Money received and granted in the chosen period, by {BY[by]}."
    build.__name__ = f"by_{by}"
    return build


def top_funders(shares: pd.DataFrame) -> pd.DataFrame:
    """The largest funders, the smaller named ones summed in one bar, then "Other partners" (the pool) last."""
    pool = shares[shares["partner"] == OTHERS]
    named = shares[shares["partner"] != OTHERS].sort_values("inbound", ascending=False, kind="stable")
    room = SHOWN_FUNDERS - len(pool)
    if len(named) > room:
        rest = named.iloc[room - 1 :]
        summed = {
            "partner": f"{len(rest)} smaller funders",
            "inbound": rest["inbound"].sum(),
            "share": rest["share"].sum(),
        }
        named = pd.concat([named.iloc[: room - 1], pd.DataFrame([summed])], ignore_index=True)
    return pd.concat([named, pool], ignore_index=True)


def funders(shares: pd.DataFrame, ctx: Context) -> go.Figure:
    """Each funder's money in the chosen period, largest first, with its share; confidential ones named as such
    (internal view) or pooled as "Other partners" (community-safe)."""
    shown = top_funders(shares)
    if "confidential" in shown:
        shown = shown.assign(partner=shown["partner"] + shown["confidential"].map({True: " (confidential)"}).fillna(""))
    count = shares.attrs.get("funders", len(shares))
    fig = figures.bars(
        shown,
        "partner",
        ["inbound"],
        names={"inbound": "Funding received"},
        horizontal=True,
        dark=ctx.dark,
        title="Our funders",
        subtitle=f"Money received in {ctx.period.label} from {count:,} funders, largest first, with its share",
        y_title=f"Amount ({ctx.currency})",
        source=ctx.source,
        text={"inbound": [f"{s:.0%}" if pd.notna(s) else "" for s in shown["share"]]},
    )
    figures.money_axis(fig, ctx.currency, axis="x")
    top = pd.to_numeric(shown["inbound"], errors="coerce").max()
    if pd.notna(top) and top > 0:
        fig.update_xaxes(range=[0, top * 1.15])  # room for the share beside the longest bar
    fig.update_traces(hovertemplate=f"%{{y}}<br>%{{x:,.0f}} {ctx.currency} (%{{text}})<extra></extra>")
    return fig


def hhi(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """The Herfindahl-Hirschman index of the money received per period, against its bands."""
    values = figures.numeric(trend["funding_hhi"])
    top = max(3000.0, float(values.max()) * 1.1) if values.notna().any() else 3000.0
    subtitle = "Herfindahl-Hirschman index of the money received"
    latest = values.iloc[-1] if len(values) else None
    if latest is not None and pd.notna(latest):
        subtitle += f"; {trend['period'].iloc[-1]}: {latest:,.0f}, {hhi_band(latest)}"
    return figures.lines(
        trend,
        "period",
        ["funding_hhi"],
        names={"funding_hhi": "HHI"},
        dark=ctx.dark,
        y_title="HHI (0 to 10,000)",
        title="Funding concentration",
        subtitle=subtitle,
        source=ctx.source,
        y_range=(0, top),
        bands=HHI_BANDS,
    )


def dependence(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """The largest funder's share and industry's share of the money received, per period."""
    return figures.shares(
        trend,
        "period",
        {"funding_top_partner_share": "Largest funder", "funding_industry_share": "Industry partners"},
        dark=ctx.dark,
        title="Dependence on one funder and on industry",
        subtitle="Shares of the money received",
        y_title="Share of funding received",
        source=ctx.source,
    )


def amounts(shares: pd.DataFrame, currency: str) -> str:
    """The funders' chart in words, for its alt text."""
    shown = top_funders(shares)
    parts = [f"{p}, {money(float(a), currency)}" for p, a in zip(shown["partner"], shown["inbound"], strict=True)]
    return "; ".join(parts)
