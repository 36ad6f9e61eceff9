"""One helper per chart kind; each returns a figure with its title, axis titles and source line.

Plotly reads the text of titles, labels and hover boxes as HTML: every piece of text that comes from the data goes
through `plain` (a partner named "<b>Acme</b>" reads so, not in bold). A numeric column may hold the gate's
markers ("<11", "—") in place of numbers: the bar is not drawn and the marker is written where it would stand.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from charts.theme import muted, palette, template_name
from community.rules import HIDDEN, MARKERS, SMALL
from metrics.format import SYMBOLS, words

WRAP = 26  # characters of a category label on a horizontal bar chart before it wraps
MARKER_HELP = {SMALL: "Between 1 and 10 people: not shown", HIDDEN: "Hidden to protect a partner or a small count"}


def plain(text: object) -> str:
    """Text from the data as Plotly shows it literally: &, < and > escaped (Plotly reads the rest as HTML)."""
    return html.escape(str(text), quote=False)


def numeric(values: pd.Series) -> pd.Series:
    """A column as floats: markers ("<11", "—") and blanks as missing."""
    return pd.to_numeric(pd.Series(values).map(lambda v: None if v in MARKERS else v), errors="coerce")


def _frame(
    fig: go.Figure,
    title: str,
    source: str,
    dark: bool,
    y_title: str = "",
    x_title: str = "",
    subtitle: str = "",
    indent: float = 0,
) -> go.Figure:
    """Title, subtitle and axis titles (all shown as plain text), and the source line (our own markup: <br>).

    indent: how far (in pixels) the plot starts right of the figure's edge beyond the usual margin, as long
    category labels push it; the source line starts that much further left, so that it is not cut on the right.
    """
    fig.update_layout(template=template_name(dark), title=dict(text=plain(title), subtitle=dict(text=plain(subtitle))))
    if y_title:
        fig.update_yaxes(title_text=plain(y_title))
    if x_title:
        fig.update_xaxes(title_text=plain(x_title))
    # The source sits under the axis title; the bottom margin grows with its lines.
    lines = source.count("<br>") + 1
    fig.update_layout(margin_b=64 + 15 * lines)
    fig.add_annotation(
        text=source,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-56,
        xshift=-indent,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font=dict(size=12, color=muted(dark)),
        align="left",
    )
    return fig


def _write_markers(fig: go.Figure, df: pd.DataFrame, x: str, ys: Sequence[str], horizontal: bool) -> None:
    """Writes each marker where its bar would stand (grouped bars of ys over the categories of x, in order)."""
    drawn = [y for y in ys if y in df and numeric(df[y]).notna().any()]
    if not drawn:
        return
    gap = fig.layout.bargap
    if gap is None:
        gap = fig.layout.template.layout.bargap if fig.layout.template.layout.bargap is not None else 0.2
    stacked = fig.layout.barmode == "stack"
    width = (1 - gap) / (1 if stacked else len(drawn))  # each trace's share of a category, side by side
    for i, y in enumerate(drawn):
        offset = 0 if stacked else -(1 - gap) / 2 + width * (i + 0.5)
        for position, value in enumerate(df[y]):
            if value not in MARKERS:
                continue
            place = (
                dict(x=0, xref="x", xshift=14, y=position + offset, yref="y")
                if horizontal
                else dict(x=position + offset, xref="x", y=0, yref="y", yshift=10)
            )
            fig.add_annotation(**place, text=value, showarrow=False, hovertext=MARKER_HELP[value])


def bars(
    df: pd.DataFrame,
    x: str,
    ys: list[str],
    *,
    title: str,
    source: str,
    y_title: str,
    x_title: str = "",
    names: dict[str, str] | None = None,
    stacked: bool = False,
    hover_format: str = ",.0f",
    dark: bool = False,
    horizontal: bool = False,
    subtitle: str = "",
    text: dict[str, Sequence[str]] | None = None,
) -> go.Figure:
    """Grouped or stacked bars of one or more columns; a column with only markers draws no bars at all.

    text: a label beside each bar, per column.
    """
    labels = df[x].map(plain)
    if horizontal:  # long category names would push the plot (and its source line) off to the right
        labels = labels.map(lambda v: "<br>".join(textwrap.wrap(v, WRAP)) or v)
    fig = go.Figure()
    for y in ys:
        values = numeric(df[y])
        if values.isna().all() and df[y].isin(MARKERS).any():
            continue
        label = plain((names or {}).get(y, y))
        beside = dict(text=list(text[y]), textposition="outside", cliponaxis=False) if text and y in text else {}
        if horizontal:
            fig.add_bar(
                y=labels,
                x=values,
                name=label,
                orientation="h",
                hovertemplate=f"%{{y}}<br>{label}: %{{x:{hover_format}}}<extra></extra>",
                **beside,
            )
        else:
            fig.add_bar(
                x=labels,
                y=values,
                name=label,
                hovertemplate=f"%{{x}}<br>{label}: %{{y:{hover_format}}}<extra></extra>",
                **beside,
            )
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=len(fig.data) > 1)
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category")
        fig.update_xaxes(showgrid=True)
        fig.update_yaxes(showgrid=False)
        lines = [line for label in labels for line in label.split("<br>")]
        # A row per line of label, so that wrapped names never run into each other.
        per_row = 28 if len(ys) == 1 else 44
        fig.update_layout(height=max(450, 240 + per_row * max(len(labels), 1) + 16 * (len(lines) - len(labels))))
        widest = max((len(html.unescape(line)) for line in lines), default=0)
        _frame(
            fig,
            title,
            source,
            dark,
            y_title=x_title,
            x_title=y_title,
            subtitle=subtitle,
            indent=max(0, 7 * widest - 48),
        )
    else:
        fig.update_xaxes(type="category")
        _frame(fig, title, source, dark, y_title=y_title, x_title=x_title, subtitle=subtitle)
    _write_markers(fig, df, x, ys, horizontal)
    return fig


def stacked_by(
    df: pd.DataFrame,
    x: str,
    colour: str,
    y: str,
    *,
    title: str,
    source: str,
    y_title: str,
    x_title: str = "",
    order: list[str] | None = None,
    hover_format: str = ",.0f",
    dark: bool = False,
    subtitle: str = "",
) -> go.Figure:
    """Bars of y over x, stacked by the categories of colour (long-format data)."""
    wide = df.pivot_table(index=x, columns=colour, values=y, aggfunc="sum", fill_value=0, sort=False)
    cols = [c for c in (order or list(wide.columns)) if c in wide.columns]
    wide = wide.reset_index()
    names = {c: words(str(c)) for c in cols}
    return bars(
        wide,
        x,
        cols,
        title=title,
        source=source,
        y_title=y_title,
        x_title=x_title,
        names=names,
        stacked=True,
        hover_format=hover_format,
        dark=dark,
        subtitle=subtitle,
    )


def lines(
    df: pd.DataFrame,
    x: str,
    ys: list[str],
    *,
    title: str,
    source: str,
    y_title: str,
    x_title: str = "",
    names: dict[str, str] | None = None,
    percent: bool = False,
    dark: bool = False,
    bands: list[tuple[float, float, str, str]] | None = None,
    y_range: tuple[float, float] | None = None,
    subtitle: str = "",
) -> go.Figure:
    """Lines with markers of one or more columns; optional shaded bands with labels (e.g. HHI thresholds)."""
    fig = go.Figure()
    for y in ys:
        label = plain((names or {}).get(y, y))
        fmt = ".1%" if percent else ",.0f"
        fig.add_scatter(
            x=df[x].map(plain),
            y=numeric(df[y]),
            name=label,
            mode="lines+markers",
            line=dict(width=3),
            marker=dict(size=8),
            hovertemplate=f"%{{x}}<br>{label}: %{{y:{fmt}}}<extra></extra>",
            connectgaps=False,
        )
    top = y_range[1] if y_range else None
    for low, high, text, colour in bands or []:
        fig.add_hrect(y0=low, y1=high, line_width=0, fillcolor=colour, opacity=0.12, layer="below")
        fig.add_annotation(
            text=text,
            xref="paper",
            x=0.99,
            xanchor="right",
            y=(low + (min(high, top) if top is not None else high)) / 2,
            yref="y",
            showarrow=False,
            font=dict(size=12, color=muted(dark)),
            bgcolor="rgba(14,17,23,0.75)" if dark else "rgba(255,255,255,0.75)",
        )
    fig.update_yaxes(tickformat=".0%" if percent else ",")
    if y_range:
        fig.update_yaxes(range=list(y_range))
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=len(ys) > 1)
    return _frame(fig, title, source, dark, y_title=y_title, x_title=x_title, subtitle=subtitle)


def shares(df: pd.DataFrame, x: str, names: dict[str, str], **kwargs) -> go.Figure:
    """Lines of shares (fractions from 0 to 1) of the columns in names, on an axis from 0% to 100%."""
    return lines(df, x, list(names), names=names, percent=True, y_range=(0, 1.05), **kwargs)


def heatmap(
    df: pd.DataFrame,
    x: str,
    y: str,
    z: str,
    *,
    title: str,
    source: str,
    x_title: str,
    y_title: str,
    y_order: list[str] | None = None,
    dark: bool = False,
    subtitle: str = "",
) -> go.Figure:
    """A grid of counts: x by y, darker for more, each cell labelled with its number."""
    wide = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum", fill_value=0)
    if y_order:
        wide = wide.reindex([v for v in y_order if v in wide.index] or wide.index)
    base = palette()[0]
    fig = go.Figure(
        go.Heatmap(
            z=wide.values,
            x=[plain(c) for c in wide.columns],
            y=[plain(str(i).replace("_", " ")) for i in wide.index],
            colorscale=[[0, "rgba(0,0,0,0)" if dark else "#FFFFFF"], [1, base if not dark else "#56B4E9"]],
            texttemplate="%{z:,.0f}",
            hovertemplate="%{y}, %{x}: %{z:,.0f}<extra></extra>",
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return _frame(fig, title, source, dark, y_title=y_title, x_title=x_title, subtitle=subtitle)


def timeline(
    df: pd.DataFrame,
    x: str,
    y: str,
    symbol: str,
    *,
    title: str,
    source: str,
    dark: bool = False,
    hover: str | None = None,
    subtitle: str = "",
) -> go.Figure:
    """Events on a time axis, one row per y, one marker symbol and colour per kind of event; hover names a column
    of hover text that is already HTML (its pieces from the data escaped with `plain`)."""
    fig = go.Figure()
    symbols = [
        "circle",
        "diamond",
        "square",
        "triangle-up",
        "star",
        "cross",
        "x",
        "pentagon",
        "hexagon",
        "triangle-down",
    ]
    for i, (kind, part) in enumerate(df.groupby(symbol, sort=False)):
        fig.add_scatter(
            x=part[x],
            y=part[y].map(plain),
            mode="markers",
            name=plain(str(kind).replace("_", " ")),
            marker=dict(size=13, symbol=symbols[i % len(symbols)], line=dict(width=1, color="#FFFFFF")),
            text=part[hover] if hover else None,
            hovertemplate="%{y}<br>%{x|%-d %b %Y}<br>" + ("%{text}" if hover else str(kind)) + "<extra></extra>",
        )
    fig.update_yaxes(type="category", showgrid=True)
    fig.update_xaxes(showgrid=True, title_text="Date")
    return _frame(fig, title, source, dark, subtitle=subtitle)


def yearly_ticks(fig: go.Figure, labels: list[str]) -> go.Figure:
    """On a quarterly category axis, labels only each year's first quarter when there are many quarters."""
    if len(labels) > 12:
        shown = [label for label in labels if label.startswith("Q1")]
        fig.update_xaxes(tickvals=shown, ticktext=[label.split()[-1] for label in shown], tickangle=0)
    return fig


def money_axis(fig: go.Figure, currency: str, axis: str = "y") -> go.Figure:
    """Amounts on an axis as $2.5M: the currency's symbol and a short scale."""
    prefix = SYMBOLS.get(currency, currency + " ")
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickprefix=prefix, tickformat="~s")
    return fig


def side_legend(fig: go.Figure) -> go.Figure:
    """Moves a long legend beside the plot, top down, where it cannot run into the title."""
    fig.update_layout(legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top"))
    return fig


def count_axis(fig: go.Figure, top: float | None = None) -> go.Figure:
    """Whole numbers with thousands separators on the y axis, one tick per unit when the counts are small.

    top is the highest count shown; by default it is read from the traces (stacked bars add up).
    """
    if top is None:
        heights = [pd.Series(trace.y, dtype=float).fillna(0) for trace in fig.data if trace.y is not None]
        stacked = fig.layout.barmode == "stack"
        top = (sum(heights) if stacked else pd.concat(heights)).max() if heights else 0
    fig.update_yaxes(tickformat=",d", rangemode="tozero", dtick=1 if top <= 5 else None)
    return fig


def steady_colours(fig: go.Figure, names: Sequence[str], dark: bool = False) -> go.Figure:
    """Gives each series the colour of its place in names, so a category keeps its colour when others are absent."""
    colours = list(pio.templates[template_name(dark)].layout.colorway)
    for trace in fig.data:
        if trace.name in names:
            trace.marker.color = colours[list(names).index(trace.name) % len(colours)]
    return fig
