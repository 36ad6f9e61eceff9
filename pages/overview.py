"""Overview: the headline metrics of the chosen period against the prior period, the year's story, every metric."""

from __future__ import annotations

import streamlit as st

import exports
import settings
from charts import figures
from community import views
from metrics import HEADLINE
from metrics import targets as goals
from ui import blocks, data, notes
from ui.cards import cards, target_legend
from ui.context import view
from ui.tables import metric_table, metric_values

config = settings.load()
v = view()
STORY = [
    "funding_inbound_total",
    "funding_outbound_total",
    "engagement_count",
    "engagement_patient_participants",
    "partner_active_count",
    "partner_new_count",
    "publication_count",
    "publication_open_access_share",
    "milestone_count",
    "milestone_clinical_count",
    "approval_count",
]
series = data.metrics(v.periods, v.filters, list(dict.fromkeys([*HEADLINE, *STORY])), community=v.community)
current = data.metrics([v.period], v.filters, community=v.community)[0]
prior = data.prior(v.period, v.filters, community=v.community)
facts = data.facts()
SOURCE = v.source()
TREND_SOURCE = v.source(trend=True)
money_axis = f"Amount ({config.currency})"
# Targets are the whole foundation's, so a filtered view has none; nor has the community-safe (public) view.
year_targets = goals.targets_for(list(HEADLINE), v.period, config)
card_targets = year_targets if year_targets and not (v.filters.active or v.community) else None

st.title("Overview")
p = v.period
st.caption(
    f"{p.label}: {p.start:%-d %b %Y} to {p.end:%-d %b %Y}, compared with the prior period "
    f"({p.prior.start:%-d %b %Y} to {p.prior.end:%-d %b %Y}). {data.as_of_text()}."
)
if v.filters.active:
    targets_note = (
        " Targets are the whole foundation's, so the cards show them without filters." if year_targets else ""
    )
    st.caption(f"Filtered to {v.filters.describe()}.{targets_note}")
views.banner(v, data.as_of_text())

if not facts["partners"]:
    blocks.empty(
        "No partnership records yet. Import your files with "
        "`python cli.py import --db PATH partners.csv engagements.csv ...` "
        "(see the README for the format), or build the sample foundation with `make sample`."
    )

cards(list(HEADLINE), series, prior, config.currency, community=v.community, targets=card_targets)
if card_targets:
    st.caption(target_legend(v.period), unsafe_allow_html=True)

st.subheader(f"The story of {v.periods[0].label} to {p.label}")
story, story_numbers = views.safe_trend(data.trend(series, v.periods, STORY), v.community)
CHARTS = [
    (
        ["funding_inbound_total", "funding_outbound_total"],
        {"funding_inbound_total": "Received from partners", "funding_outbound_total": "Granted by us"},
        "Funding in and out",
        money_axis,
    ),
    (
        ["engagement_count", "engagement_patient_participants"],
        {"engagement_count": "Touchpoints", "engagement_patient_participants": "Patient participants"},
        "Touchpoints and the patients in them",
        "Count",
    ),
    (
        ["partner_active_count", "partner_new_count"],
        {"partner_active_count": "Active partners", "partner_new_count": "New partners"},
        "Partners working with us",
        "Partners",
    ),
    (
        ["publication_count"],
        {"publication_count": "Publications"},
        "Publications",
        "Publications",
    ),
    (
        ["milestone_count", "milestone_clinical_count", "approval_count"],
        {"milestone_count": "All milestones", "milestone_clinical_count": "Clinical", "approval_count": "Approvals"},
        "Research programs moving forward",
        "Milestones",
    ),
]
columns = st.columns(2)
for i, (ids, names, title, axis) in enumerate(CHARTS):
    with columns[i % 2]:
        if not story[ids].fillna(0).to_numpy().any():
            blocks.empty(blocks.nothing_matches(v, title.lower()))
            continue
        fig = figures.bars(
            story,
            "period",
            ids,
            names=names,
            title=title,
            subtitle=f"Per period, {v.periods[0].label} to {p.label}",
            y_title=axis,
            source=TREND_SOURCE,
            dark=v.dark,
        )
        if ids[0].startswith("funding"):
            figures.money_axis(fig, config.currency)
        views.label_small(fig, story_numbers, "period", ids)
        notes.annotate(fig, v)
        blocks.chart(fig, story_numbers[["period", "start", "end", *ids]], v, key=f"overview-{ids[0]}", metric_ids=ids)

with columns[len(CHARTS) % 2]:
    if story["publication_open_access_share"].isna().all():
        blocks.empty(blocks.nothing_matches(v, "publications"))
    else:
        fig = figures.lines(
            story,
            "period",
            ["publication_open_access_share"],
            names={"publication_open_access_share": "Open access"},
            percent=True,
            y_range=(0, 1.05),
            title="Science anyone can read",
            subtitle="Share of publications open access",
            y_title="Share of publications",
            source=TREND_SOURCE,
            dark=v.dark,
        )
        blocks.chart(
            fig,
            story[["period", "start", "end", "publication_open_access_share"]],
            v,
            key="overview-open-access",
            metric_ids=["publication_open_access_share"],
        )

st.subheader("Every metric")
table = views.safe_metric_table(
    metric_table(current, prior, p.label, config.currency), current, prior, p.label, v.community
)
st.dataframe(table, hide_index=True, height=35 * (len(table) + 1) + 3, column_config={"Definition": {"width": "large"}})
st.download_button(
    "Every metric (CSV)",
    exports.csv_bytes(views.safe_metric_values(metric_values(current, prior, p.label), p.label, v.community)),
    file_name="metrics.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    key="download-metrics",
)
st.caption(
    f"{SOURCE.replace('<br>', ' ')} Shares and medians show — where nothing is there to divide by in the period. "
    f"{len(table)} metrics, defined once in the metric catalogue."
)

notes.notes_block(v, list(dict.fromkeys([*HEADLINE, *STORY])), key="overview-notes")
