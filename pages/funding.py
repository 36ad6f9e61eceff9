"""Funding: money in and out, where it comes from, how concentrated it is, and dependence on industry."""

from __future__ import annotations

import streamlit as st

import settings
from charts import figures
from charts.theme import BAND_BAD, BAND_GOOD, BAND_WATCH
from community import views
from metrics.catalogue import ids_in
from metrics.format import words
from ui import blocks, data, notes
from ui.cards import cards
from ui.context import view

config = settings.load()
v = view()
SHOWN = ids_in("Funding")
series = data.metrics(v.periods, v.filters, SHOWN, community=v.community)
money_axis = f"Amount ({config.currency})"
IN_OUT = {"inbound": "Received from partners", "outbound": "Granted by us"}
SOURCE = v.source("funding records")
TREND_SOURCE = v.source("funding records", trend=True)

st.title("Funding")
st.caption(f"{v.period.label}, against the prior period of the same length. {data.as_of_text()}.")
views.banner(v, data.as_of_text())
cards(
    [
        "funding_inbound_total",
        "funding_outbound_total",
        "funding_partner_count",
        "funding_industry_share",
        "funding_hhi",
        "funding_top_partner_share",
    ],
    series,
    data.prior(v.period, v.filters, SHOWN, community=v.community),
    config.currency,
    per_row=3,
    community=v.community,
)

st.subheader("Money in and out, by quarter")
quarters, _ = data.safe_query("funding_by_quarter", v)
if quarters[["inbound", "outbound"]].to_numpy().sum() == 0:
    blocks.empty(blocks.nothing_matches(v, "funding records"))
else:
    fig = figures.bars(
        quarters,
        "label",
        ["inbound", "outbound"],
        names=IN_OUT,
        dark=v.dark,
        y_title=money_axis,
        title="Funding received and granted, per quarter",
        subtitle=f"{v.periods[0].start:%b %Y} to {v.period.end:%b %Y}",
        source=TREND_SOURCE,
    )
    figures.yearly_ticks(fig, list(quarters["label"]))
    figures.money_axis(fig, config.currency)
    notes.annotate(fig, v)
    blocks.chart(
        fig,
        quarters,
        v,
        key="funding-by-quarter",
        query="funding_by_quarter",
        metric_ids=["funding_inbound_total", "funding_outbound_total"],
    )
notes.events_block(v, key="funding-events")

st.subheader(f"Where the money came from and went in {v.period.label}")
left, right = st.columns(2)
for column, name, by, label in (
    (left, "funding_by_sector", "sector", "partner sector"),
    (right, "funding_by_kind", "kind", "kind of partnership"),
    (left, "funding_by_stage", "stage", "R&D stage"),
):
    with column:
        table, note = data.safe_query(name, v)
        if table.empty:
            blocks.empty(note or blocks.nothing_matches(v, "funding records"))
            continue
        fig = figures.bars(
            table.assign(**{by: table[by].map(words)}),
            by,
            ["inbound", "outbound"],
            names=IN_OUT,
            horizontal=True,
            dark=v.dark,
            title=f"Funding by {label}",
            y_title=money_axis,
            source=SOURCE,
        )
        figures.money_axis(fig, config.currency, axis="x")
        blocks.chart(fig, table, v, key=name.replace("_", "-"), query=name, note=note)
        if note:
            st.caption(note)

with right:
    shares, note = data.safe_query("funding_partner_shares", v)
    if shares.empty:
        blocks.empty(note or blocks.nothing_matches(v, "funding from partners"))
    else:
        top = shares.head(12).assign(
            partner=lambda t: t["partner"] + t["confidential"].map({True: " (confidential)", False: ""})
        )
        fig = figures.bars(
            top,
            "partner",
            ["share"],
            names={"share": "Share of funding received"},
            horizontal=True,
            hover_format=".1%",
            dark=v.dark,
            title="Largest funders' shares",
            subtitle=f"Of the money received from {series[-1]['funding_partner_count']} funders",
            y_title="Share of funding received",
            source=SOURCE,
        )
        fig.update_xaxes(tickformat=".0%")
        blocks.chart(
            fig,
            shares,
            v,
            key="funding-partner-shares",
            query="funding_partner_shares",
            metric_ids=["funding_top_partner_share"],
            note=note,
        )
        if note:
            st.caption(note)

st.subheader("Concentration and dependence over time")
st.markdown(
    "The **Herfindahl-Hirschman index** (HHI) adds up the squares of each funder's percentage share of the money "
    "received: 10,000 means a single funder, and the more funders share the money evenly, the lower it falls. "
    "Economists read **below 1,500** as unconcentrated, **1,500 to 2,500** as moderately concentrated and "
    "**above 2,500** as highly concentrated. A foundation that depends on one company risks its programs if that "
    "company changes course."
)
trend = data.trend(series, v.periods, ["funding_hhi", "funding_top_partner_share", "funding_industry_share"])
left, right = st.columns(2)
with left:
    if trend["funding_hhi"].isna().all():
        blocks.empty(blocks.nothing_matches(v, "funding received"))
    else:
        top_of_axis = max(3000.0, float(trend["funding_hhi"].max()) * 1.1)
        fig = figures.lines(
            trend,
            "period",
            ["funding_hhi"],
            names={"funding_hhi": "HHI"},
            dark=v.dark,
            y_title="HHI (0 to 10,000)",
            title="Funding concentration",
            subtitle="Herfindahl-Hirschman index of the money received",
            source=TREND_SOURCE,
            y_range=(0, top_of_axis),
            bands=[
                (0, 1500, "unconcentrated", BAND_GOOD),
                (1500, 2500, "moderately concentrated", BAND_WATCH),
                (2500, 10000, "highly concentrated", BAND_BAD),
            ],
        )
        blocks.chart(
            fig, trend[["period", "start", "end", "funding_hhi"]], v, key="funding-hhi", metric_ids=["funding_hhi"]
        )
with right:
    if trend["funding_top_partner_share"].isna().all():
        blocks.empty(blocks.nothing_matches(v, "funding received"))
    else:
        fig = figures.lines(
            trend,
            "period",
            ["funding_top_partner_share", "funding_industry_share"],
            percent=True,
            dark=v.dark,
            names={"funding_top_partner_share": "Largest funder", "funding_industry_share": "Industry partners"},
            title="Dependence on one funder and on industry",
            subtitle="Shares of the money received",
            y_title="Share of funding received",
            source=TREND_SOURCE,
            y_range=(0, 1.05),
        )
        blocks.chart(
            fig,
            trend.drop(columns=["funding_hhi"]),
            v,
            key="funding-dependence",
            metric_ids=["funding_top_partner_share", "funding_industry_share"],
        )

notes.notes_block(v, SHOWN, key="funding-notes")
