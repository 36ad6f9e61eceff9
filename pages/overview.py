"""Overview: the headline metrics of the chosen period against the prior period, the story of the trend, every
metric."""

from __future__ import annotations

import streamlit as st

import exports
import settings
from charts.catalogue import CHARTS
from metrics import HEADLINE
from metrics import targets as goals
from ui import blocks, data, header, notes
from ui import community as public
from ui.cards import cards, target_legend
from ui.context import view
from ui.tables import html_table, metric_table, metric_values

config = settings.load()
v = view()
# The story's charts, one tab each (the tab's label: the chart's subject).
STORY = {
    "funding": "Funding",
    "touchpoints": "Touchpoints and patients",
    "partners": "Partners",
    "publications": "Publications",
    "milestones": "Milestones",
    "open-access": "Open access",
}
STORY_KEY = "overview-story"  # the open tab, in the session
STORY_METRICS = [m for name in STORY for m in CHARTS[name].metric_ids]
NOTED = list(dict.fromkeys([*HEADLINE, *STORY_METRICS]))
lens = data.page_lens(v, "Overview", charts=list(STORY), notes=NOTED)
series = lens.series(HEADLINE)
current = lens.current()
prior = lens.prior()
p = v.period
# Targets are the whole foundation's, so a filtered view has none; nor has the community-safe (public) view.
year_targets = goals.targets_for(list(HEADLINE), p, lens.reader.targets())
card_targets = lens.targets(HEADLINE) or None

st.title("Overview")
header.caption(v)
if v.filters.active and year_targets:
    st.caption("Targets are the whole foundation's, so the cards show none while the view is filtered.")
public.banner(v, data.records_text())

if not data.facts()["partners"]:
    blocks.empty(
        "No partnership records yet. Import your files on the **Data** page (it has templates to fill in), "
        "or with `python cli.py import --db PATH partners.csv engagements.csv ...` (see the README for the format).",
        markdown=True,
    )

cards(list(HEADLINE), series, prior, config.currency, community=v.community, targets=card_targets)
if card_targets or (not v.filters.active and not v.community and lens.reader.targets().get(p.end.year)):
    st.caption(target_legend(p), unsafe_allow_html=True)

bins = v.bins
st.subheader(f"The story of {bins[0].label} to {bins[-1].label}" if len(bins) > 1 else f"The story of {p.label}")
# One chart at a time: only the open tab's is drawn (blocks.section).
opened, box = blocks.section(list(STORY.values()), key=STORY_KEY)
with box:
    name = next(name for name, label in STORY.items() if label == opened)
    blocks.chart(name, lens, key=f"overview-{name}", empty_reason=blocks.nothing_matches(lens, "records"))

st.subheader("Every metric")
table = metric_table(current, prior, p.label, config.currency)
# A static table, so that every definition reads whole, wrapped in its column, at any width.
st.html(html_table(table))
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

notes.notes_block(lens, NOTED, key="overview-notes")
