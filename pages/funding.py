"""Funding: money in and out, where it comes from, how concentrated it is, and dependence on industry."""

from __future__ import annotations

import streamlit as st

import settings
from charts.funding import hhi_band
from metrics.catalogue import CATALOGUE, ids_in
from ui import blocks, data, header, notes
from ui import community as public
from ui.cards import cards
from ui.context import view

config = settings.load()
v = view()
SHOWN = ids_in("Funding")
# A change is each card's own comparison with the prior period, not a card of its own.
CARDS = [m for m in SHOWN if CATALOGUE[m].kind != "change"]
lens = data.page_lens(
    v,
    "Funding",
    SHOWN,
    charts=(
        "funding-by-quarter",
        "funding-by-sector",
        "funding-by-kind",
        "funding-by-stage",
        "funders",
        "funding-hhi",
        "funding-dependence",
    ),
    notes=SHOWN,
)
series = lens.series(SHOWN)

st.title("Funding")
header.caption(v)
public.banner(v, data.records_text())
cards(
    CARDS,
    series,
    lens.prior(SHOWN),
    config.currency,
    per_row=3,
    community=v.community,
)
hhi = series[-1]["funding_hhi"]
if band := hhi_band(hhi):  # a CEO reads 703 only with its band
    st.caption(
        f"Funding concentration of {hhi:,.0f} in {v.period.label} is **{band}**: the Herfindahl-Hirschman index "
        "reads below 1,500 as unconcentrated, 1,500 to 2,500 as moderately and above 2,500 as highly concentrated."
    )

# The page's sections, one tab each; only the open one is drawn (blocks.section).
SECTIONS = {
    "quarters": "Money in and out",
    "sources": "Where it came from and went",
    "concentration": "Concentration and dependence",
}
opened, box = blocks.section(list(SECTIONS.values()), key="funding-section")
with box:
    if opened == SECTIONS["quarters"]:
        st.subheader("Money in and out, by quarter")
        blocks.chart("funding-by-quarter", lens, empty_reason=blocks.nothing_matches(lens, "funding records"))
        notes.events_block(lens, key="funding-events")
    elif opened == SECTIONS["sources"]:
        st.subheader(f"Where the money came from and went in {v.period.label}")
        left, right = st.columns(2)
        for column, name in ((left, "funding-by-sector"), (right, "funding-by-kind"), (left, "funding-by-stage")):
            with column:
                blocks.chart(name, lens, empty_reason=blocks.nothing_matches(lens, "funding records"))
        with right:
            blocks.chart("funders", lens, empty_reason=blocks.nothing_matches(lens, "funding from partners"))
    else:
        st.subheader("Concentration and dependence over time")
        st.markdown(
            "The **Herfindahl-Hirschman index** (HHI) adds up the squares of each funder's percentage share of "
            "the money received: 10,000 means a single funder, and the more funders share the money evenly, the "
            "lower it falls. Economists read **below 1,500** as unconcentrated, **1,500 to 2,500** as moderately "
            "concentrated and **above 2,500** as highly concentrated. A foundation that depends on one company risks "
            "its programs if that company changes course."
        )
        left, right = st.columns(2)
        with left:
            blocks.chart("funding-hhi", lens, empty_reason=blocks.nothing_matches(lens, "funding received"))
        with right:
            blocks.chart("funding-dependence", lens, empty_reason=blocks.nothing_matches(lens, "funding received"))

notes.notes_block(lens, SHOWN, key="funding-notes")
