"""The pieces every chart and number on a page carries: the chart, how it is computed, its numbers as CSV."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import exports
import queries
from charts import export
from metrics import CATALOGUE, explain
from ui.context import View

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def _params_text(params: dict) -> str:
    return json.dumps({k: [str(v) for v in vals] for k, vals in params.items()}, indent=1)


def how_computed(view: View, *, metric_ids: Iterable[str] = (), query: str | None = None, note: str = "") -> None:
    """The "How is this computed?" expander: the definitions in words, then the exact SQL that ran."""
    metric_ids = list(metric_ids)
    with st.expander("How is this computed?"):
        for metric_id in metric_ids:
            metric = CATALOGUE[metric_id]
            st.markdown(f"**{metric.label}** (`{metric.id}`): {metric.description}")
        if note:
            st.markdown(note)
        if view.filters.active:
            st.markdown(f"Filtered to {view.filters.describe()}: each table is first restricted, as the SQL shows.")
        if query:
            sql, params = queries.explain(query, view.periods, view.filters)
            st.code(sql, language="sql")
            st.caption(f"Parameters: {_params_text(params)}")
        for metric_id in metric_ids:
            sql, params = explain(metric_id, view.period, view.filters)
            st.caption(f"SQL of {metric_id}")
            st.code(sql, language="sql")


def empty(reason: str) -> None:
    """An empty state that explains itself."""
    st.info(reason, icon=":material/info:")


def chart(
    fig: go.Figure,
    numbers: pd.DataFrame,
    view: View,
    *,
    key: str,
    metric_ids: Iterable[str] = (),
    query: str | None = None,
    note: str = "",
    alt: str | None = None,
) -> None:
    """A chart with its explanation, and a "Download" menu: its numbers as formula-safe CSV, the chart as PNG
    (for a newsletter or a slide) and SVG. The images are drawn only when their button is clicked."""
    st.plotly_chart(fig, theme=None, key=key, config=PLOTLY_CONFIG, alt=alt)
    with st.container(horizontal=True, wrap=False, vertical_alignment="top"):
        how_computed(view, metric_ids=metric_ids, query=query, note=note)
        with st.popover("Download", icon=":material/download:", help="The numbers, or the chart as an image"):
            for label, data, file_name, mime, icon, help_text in _downloads(fig, numbers, key):
                st.download_button(
                    label,
                    data,
                    file_name=file_name,
                    mime=mime,
                    key=f"download-{key}" if mime == "text/csv" else f"download-{file_name}",
                    icon=icon,
                    on_click="ignore",
                    help=help_text,
                    type="tertiary",
                )


def _downloads(fig: go.Figure, numbers: pd.DataFrame, key: str) -> list[tuple]:
    """Label, data, file name, MIME type, icon and help of each download under a chart; images as callables."""

    def drawn(size: str, fmt: str) -> Callable[[], bytes]:
        return lambda: export.image(fig, size, fmt)

    newsletter, slide = export.SIZES["newsletter"], export.SIZES["slide"]
    return [
        (
            "Numbers (CSV)",
            exports.csv_bytes(numbers),
            f"{key}.csv",
            "text/csv",
            ":material/table:",
            "The numbers behind this chart",
        ),
        (
            "Newsletter image (PNG)",
            drawn("newsletter", "png"),
            f"{key}.png",
            "image/png",
            ":material/image:",
            "{}×{} pixels, sharp in a newsletter or a report".format(*newsletter.pixels),
        ),
        (
            "Slide image (PNG)",
            drawn("slide", "png"),
            f"{key}-slide.png",
            "image/png",
            ":material/slideshow:",
            "{}×{} pixels, with larger text for a projector".format(*slide.pixels),
        ),
        (
            "Vector image (SVG)",
            drawn("newsletter", "svg"),
            f"{key}.svg",
            "image/svg+xml",
            ":material/draw:",
            "Sharp at any size, for designers",
        ),
    ]


def explain_and_download(
    numbers: pd.DataFrame,
    view: View,
    *,
    key: str,
    metric_ids: Iterable[str] = (),
    query: str | None = None,
    note: str = "",
) -> None:
    """Under a chart or table: "How is this computed?" beside a formula-safe CSV of the numbers."""
    explanation, download = st.columns([3, 1], vertical_alignment="top")
    with explanation:
        how_computed(view, metric_ids=metric_ids, query=query, note=note)
    with download:
        st.download_button(
            "CSV",
            exports.csv_bytes(numbers),
            file_name=f"{key}.csv",
            mime="text/csv",
            key=f"download-{key}",
            icon=":material/download:",
            on_click="ignore",
            help="Download the numbers behind this",
            width="stretch",
        )


def table(
    numbers: pd.DataFrame,
    shown: pd.DataFrame,
    view: View,
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
    explain_and_download(numbers, view, key=key, metric_ids=metric_ids, query=query, note=note)


def nothing_matches(view: View, what: str) -> str:
    """The empty-state sentence for a period or filter that matches no records."""
    if view.filters.active:
        return (
            f"No {what} match the filters ({view.filters.describe()}) in {view.period.label}. "
            "Clear a filter to see more."
        )
    return f"No {what} in {view.period.label}. Choose another period in the sidebar."
