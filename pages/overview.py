"""Overview: the headline metrics of the chosen period, against the prior period, then every metric."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import settings
from metrics import CATALOGUE, HEADLINE, METRICS
from metrics import format as fmt
from ui import data
from ui.cards import cards
from ui.context import view

config = settings.load()
v = view()
chosen = v.period
series = data.metrics(v.periods, v.filters)
current, prior = series[-1], data.prior(chosen, v.filters)
facts = data.facts()

st.title("Overview")
st.caption(
    f"{chosen.label}: {chosen.start:%-d %b %Y} to {chosen.end:%-d %b %Y}, compared with the prior period "
    f"({chosen.prior.start:%-d %b %Y} to {chosen.prior.end:%-d %b %Y}). {data.as_of_text()}."
)

if not facts["partners"]:
    st.info(
        "No partnership records yet. Import your files with "
        "`python cli.py import --db PATH partners.csv engagements.csv ...` "
        "(see the README for the format), or build the sample foundation with `make sample`."
    )

cards(list(HEADLINE), series, data.prior(v.period, v.filters), config.currency)

st.subheader("Every metric")
rows = [
    {
        "Area": m.group,
        "Metric": m.label,
        chosen.label: fmt.value(m, current[m.id], config.currency),
        "Prior period": fmt.value(m, prior[m.id], config.currency),
        "Change": fmt.change(m, current[m.id], prior[m.id]) or "—",
        "Definition": m.description,
    }
    for m in METRICS
]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(
    f"Source: {config.name} partnership records. Shares and medians show — where their denominator is zero "
    f"in the period. {len(CATALOGUE)} metrics, defined once in the metric catalogue."
)
