"""Overview: the headline metrics of the chosen period against the prior period, the story of the trend, every
metric."""

from __future__ import annotations

import streamlit as st

import exports
import settings
from charts.catalogue import CHARTS
from metrics import HEADLINE
from metrics import targets as goals
from ui import blocks, data, notes
from ui import community as public
from ui.cards import cards, target_legend
from ui.context import view
from ui.tables import metric_table, metric_values

config = settings.load()
v = view()
lens = data.page_lens(v, "Overview")
STORY = ["funding", "touchpoints", "partners", "publications", "milestones", "open-access"]
STORY_METRICS = [m for name in STORY for m in CHARTS[name].metric_ids]
series = lens.series(HEADLINE)
current = lens.current()
prior = lens.prior()
p = v.period
# Targets are the whole foundation's, so a filtered view has none; nor has the community-safe (public) view.
year_targets = goals.targets_for(list(HEADLINE), p, lens.reader.targets())
card_targets = lens.targets(HEADLINE) or None

st.title("Overview")
st.caption(
    f"{p.label}: {p.start:%-d %b %Y} to {p.end:%-d %b %Y}, compared with {p.prior.label} "
    f"({p.prior.start:%-d %b %Y} to {p.prior.end:%-d %b %Y}). {data.records_text()}. {data.as_of_text()}."
)
if v.filters.active:
    targets_note = (
        " Targets are the whole foundation's, so the cards show them without filters." if year_targets else ""
    )
    st.caption(f"Filtered to {v.filters.describe()}.{targets_note}")
public.banner(v, data.records_text())

if not data.facts()["partners"]:
    blocks.empty(
        "No partnership records yet. Import your files on the **Data** page (it has templates to fill in), "
        "or with `python cli.py import --db PATH partners.csv engagements.csv ...` (see the README for the format).",
        markdown=True,
    )

cards(list(HEADLINE), series, prior, config.currency, community=v.community, targets=card_targets)
if card_targets:
    st.caption(target_legend(p), unsafe_allow_html=True)

st.subheader(f"The story of {v.periods[0].label} to {p.label}")
columns = st.columns(2)
for i, name in enumerate(STORY):
    with columns[i % 2]:
        blocks.chart(name, lens, key=f"overview-{name}", empty_reason=blocks.nothing_matches(lens, "records"))

st.subheader("Every metric")
table = metric_table(current, prior, p.label, config.currency)
st.dataframe(table, hide_index=True, height=35 * (len(table) + 1) + 3, column_config={"Definition": {"width": "large"}})
st.download_button(
    "Every metric (CSV)" + ("" if v.community else ", internal"),
    exports.csv_bytes(metric_values(current, prior, p.label), internal=not v.community),
    file_name="metrics.csv" if v.community else "metrics-internal.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    key="download-metrics",
)
st.caption(
    f"{v.source().replace('<br>', ' ')} Shares and medians show — where nothing is there to divide by in the "
    f"period. {len(table)} metrics, defined once in the metric catalogue."
)

notes.notes_block(lens, list(dict.fromkeys([*HEADLINE, *STORY_METRICS])), key="overview-notes")
