"""The pieces every chart and table on a page carries: the chart, how it is computed, and its downloads."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import exports
import queries
import settings
from charts import catalogue
from lens import Lens
from metrics import CATALOGUE, explain
from ui import data, plot
from ui.text import plain

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def _params_text(params: dict) -> str:
    return json.dumps(
        {k: [str(v) for v in vals] if isinstance(vals, list) else str(vals) for k, vals in params.items()}, indent=1
    )


def how_computed(
    lens: Lens, *, key: str, metric_ids: Iterable[str] = (), query: str | None = None, note: str = ""
) -> None:
    """The "How is this computed?" expander: the definitions in words, then the exact SQL that ran. Its content is
    drawn only while it is open (a click reruns the page): closed, the SQL of every chart of a page was four in ten
    of the page's elements, and the browser laid them all out again after every click."""
    metric_ids = list(metric_ids)
    view = lens.view
    box = st.expander("How is this computed?", key=f"how-{key}", on_change="rerun")
    if not box.open:
        return
    with box:
        for metric_id in metric_ids:
            metric = CATALOGUE[metric_id]
            st.markdown(f"**{metric.label}** (`{metric.id}`): {metric.description}")
        if note:
            st.markdown(plain(note))
        if view.filters.active:
            st.markdown(
                plain(f"Filtered to {view.filters.describe()}: each table is first restricted, as the SQL shows.")
            )
        if lens.community:
            st.markdown(
                "In the community-safe view the numbers then pass through the community gate "
                "(`community/gate.py`): counts of people are rounded, and confidential partners are grouped."
            )
        if query:
            sql, params = queries.explain(query, view.periods, view.filters)
            st.code(sql, language="sql")
            st.caption(f"Parameters: {_params_text(params)}")
        for metric_id in metric_ids:
            sql, params = explain(metric_id, view.period, view.filters)
            st.caption(f"SQL of {metric_id}")
            st.code(sql, language="sql")


def section(labels: Sequence[str], *, key: str) -> tuple[str, DeltaGenerator]:
    """A page's sections as tabs, of which only the open one is drawn (a click on a tab reruns the page); returns
    the open section's label and its tab, to draw it in.

    The browser draws each Plotly chart that changes twice (once as it mounts, again at its measured width), some
    0.05 s a time on two cores: a page of seven charts spent most of each click's second drawing charts below the
    screen's edge. A section's charts are drawn when it is opened."""
    tabs = st.tabs(list(labels), key=key, on_change="rerun")
    for label, tab in zip(labels, tabs, strict=True):
        if tab.open:
            return label, tab
    return labels[0], tabs[0]  # no state yet (a page drawn outside a session): the first section


def empty(reason: str, markdown: bool = False) -> None:
    """An empty state that explains itself: plain text, or (markdown=True) our own markdown with no data in it."""
    st.info(reason if markdown else plain(reason), icon=":material/info:")


@st.cache_resource(show_spinner=False, max_entries=128)
def _drawn(key: tuple, name: str, _lens: Lens) -> catalogue.Drawn:
    """A chart drawn once per view and database version and kept (shared, never changed afterwards): a rerun that
    changes nothing the chart shows (another widget, a download) then draws nothing again. At 10 million
    engagements, building the figures was most of a cached rerun's time."""
    return catalogue.draw(name, _lens)


@st.cache_resource(show_spinner=False, max_entries=128)
def _encoded(key: tuple, name: str, _lens: Lens) -> plot.Encoded:
    """The drawn chart's figure as the JSON the page sends, encoded once (kept like the chart): st.plotly_chart
    would copy and encode it on every rerun, a second of each at 10 million engagements (ui/plot.py)."""
    return plot.encode(_drawn(key, name, _lens).figure)


def _key(name: str, lens: Lens) -> tuple:
    # Strings: Streamlit hashes them at once, where it would walk the view field by field (ui/data.py: _key).
    return (name, repr(lens.view), str(data.db_path()), repr(data.db_version()), repr(settings.load()))


def draw(name: str, lens: Lens) -> catalogue.Drawn:
    """The chart for the lens's view, drawn at most once per view, database version and settings."""
    return _drawn(_key(name, lens), name, lens)


def chart(name: str, lens: Lens, *, empty_reason: str = "", key: str | None = None) -> catalogue.Drawn:
    """A chart of the catalogue by its name, drawn for the page's lens, with its explanation and a "Download" menu:
    its numbers as formula-safe CSV, newsletter images drawn through the community gate whatever the view, and a
    slide image. Images are drawn only when their button is clicked. Returns what was drawn."""
    key = key or name
    cached = _key(name, lens)
    drawn = _drawn(cached, name, lens)
    spec = drawn.chart
    if drawn.empty:
        empty(drawn.note or empty_reason or nothing_matches(lens, "records"))
        return drawn
    plot.show(drawn.figure, _encoded(cached, name, lens), key=key, config=PLOTLY_CONFIG)
    with st.container(horizontal=True, wrap=False, vertical_alignment="top"):
        how_computed(lens, key=key, metric_ids=spec.metric_ids, query=spec.query, note=spec.note)
        with st.popover("Download", icon=":material/download:", help="The numbers, or the chart as an image"):
            for file in exports.chart_downloads(name, lens, drawn, key):
                if file.make is None:
                    st.caption(f"{file.label}: {plain(file.refused)}")
                    continue
                # Every file is made when its button is clicked (a deferred download), never on a rerun: at 10 million
                # engagements, encoding each chart's CSV on every rerun was most of a cached rerun's time.
                st.download_button(
                    file.label,
                    file.make,
                    file_name=file.file_name,
                    mime=file.mime,
                    key=f"download-{key}" if file.mime == "text/csv" else f"download-{file.file_name}",
                    icon=file.icon,
                    on_click="ignore",
                    help=file.help,
                    type="tertiary",
                )
    if drawn.note:
        st.caption(plain(drawn.note))
    return drawn


def explain_and_download(
    numbers: pd.DataFrame,
    lens: Lens,
    *,
    key: str,
    metric_ids: Iterable[str] = (),
    query: str | None = None,
    note: str = "",
) -> None:
    """Under a table: "How is this computed?" beside a formula-safe CSV of the numbers (internal ones marked)."""
    internal = not lens.community
    explanation, download = st.columns([3, 1], vertical_alignment="top")
    with explanation:
        how_computed(lens, key=key, metric_ids=metric_ids, query=query, note=note)
    with download:
        st.download_button(
            "CSV, internal" if internal else "CSV",
            lambda: exports.csv_bytes(numbers, internal=internal),  # made when clicked
            file_name=f"{key}{'-internal' if internal else ''}.csv",
            mime="text/csv",
            key=f"download-{key}",
            icon=":material/download:",
            on_click="ignore",
            help="Download the numbers behind this" + (" (internal: not community-safe)" if internal else ""),
            width="stretch",
        )


def table(
    numbers: pd.DataFrame,
    shown: pd.DataFrame,
    lens: Lens,
    *,
    key: str,
    metric_ids: Iterable[str] = (),
    query: str | None = None,
    note: str = "",
    column_config: dict | None = None,
) -> None:
    """A table (shown formatted), with its explanation and a formula-safe CSV of its numbers."""
    st.dataframe(
        shown, hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 456), column_config=column_config
    )
    explain_and_download(numbers, lens, key=key, metric_ids=metric_ids, query=query, note=note)


def nothing_matches(lens: Lens, what: str) -> str:
    """The empty-state sentence for a period or filter that matches no records."""
    view = lens.view
    if view.filters.active:
        return (
            f"No {what} match the filters ({view.filters.describe()}) in {view.period.label}. "
            "Clear a filter to see more."
        )
    return f"No {what} in {view.period.label}. Choose another period in the sidebar."
