"""One helper per chart kind; each returns a figure with its title, axis titles and source line.

Plotly reads the text of titles, labels and hover boxes as HTML: every piece of text that comes from the data goes
through `plain` (a partner named "<b>Acme</b>" reads so, not in bold). A numeric column may hold the gate's
markers ("<11", "—") in place of numbers: the bar is not drawn and the marker is written where it would stand.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from charts.theme import muted, palette, template_name
from community.rules import HIDDEN, MARKERS, SMALL
from metrics.format import SYMBOLS, words

WRAP = 26  # characters of a category label on a horizontal bar chart before it wraps
SOURCE = "source"  # the name of the source line's annotation
SOURCE_WRAP = 64  # characters of a source line before it wraps (a half-width chart at 1366 pixels holds about 70)
BAR_GAP = 0.25  # the template's gap between bars, as a share of a category
TICK_WRAP = 10  # characters of a tick label on a time axis before it wraps
NARROWEST = 440  # pixels of the narrowest chart: a half-width column at 1366 pixels
EDGE = 12  # pixels between the figure's left edge and the title, the source line and the axis title
HEADER = 64  # pixels above the plot that the title and its subtitle take
LEGEND_ROW = 24  # pixels of one row of a horizontal legend
TICK_LINE = 17  # pixels of one line of tick labels
AXIS_TITLE = 28  # pixels of an axis title, with the air above it
SOURCE_LINE = 15  # pixels of one line of the source
SUBTITLE_LINE = 17  # pixels of one line of a subtitle
SUBTITLE_WRAP = 60  # characters of a subtitle line before it wraps
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
) -> go.Figure:
    """Title, subtitle and axis titles (all shown as plain text), and the source line (our own markup: <br>),
    then the margins laid out around them (`settle`)."""
    subtitle = "<br>".join(plain(line) for line in textwrap.wrap(subtitle, SUBTITLE_WRAP))
    fig.update_layout(template=template_name(dark), title=dict(text=plain(title), subtitle=dict(text=subtitle)))
    if y_title:
        fig.update_yaxes(title_text=plain(y_title))
    if x_title:
        fig.update_xaxes(title_text=plain(x_title))
    fig.add_annotation(
        name=SOURCE,
        text=wrap_source(source),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font=dict(size=12, color=muted(dark)),
        align="left",
    )
    return settle(fig)


def wrap_source(source: str, width: int = SOURCE_WRAP) -> str:
    """The source line with each of its lines wrapped at width characters, so that it fits under a half-width
    chart at 1366 pixels (and under a newsletter image) instead of running off the right edge."""
    lines = [html.unescape(line) for line in source.split("<br>")]
    return "<br>".join(plain(part) for line in lines for part in (textwrap.wrap(line, width) or [""]))


_PERIOD_LABEL = re.compile(r"^(?P<head>Q[1-4]|H[12]|[A-Z][a-z]{2}) (?P<year>\d{4})(?: \((?P<note>[^)]*)\))?$")


def compact_ticks(labels: Sequence[str]) -> list[str]:
    """Tick labels that fit side by side when a trend has many bins, always horizontal: "Q3<br>2025", "Q4",
    "Q1<br>2026" (the year under the first label and where it changes), a cut bin's note on its own line, and any
    other long label wrapped."""
    out, year = [], None
    for label in labels:
        text = html.unescape(str(label))
        match = _PERIOD_LABEL.match(text)
        if match:
            parts = [match["head"]]
            if match["year"] != year:
                parts.append(match["year"])
            year = match["year"]
            if match["note"]:
                parts.append(match["note"])
            out.append("<br>".join(plain(p) for p in parts))
        else:
            year = None
            out.append("<br>".join(plain(p) for p in textwrap.wrap(text, TICK_WRAP)) or plain(text))
    return out


def _category_labels(fig: go.Figure, axis: str) -> list[str]:
    """The categories on an axis ("x", "x2", "y"...), in the order the traces drawn on it give them."""
    seen: dict[str, None] = {}
    for trace in fig.data:
        values = getattr(trace, axis[0], None)
        if values is not None and (getattr(trace, axis[0] + "axis", None) or axis[0]) == axis:
            seen.update((str(v), None) for v in values)
    return list(seen)


def _lines_of(text: str | None) -> int:
    return (text or "").count("<br>") + 1


def _text_width(text: str, size: float) -> float:
    """A generous estimate of a line's width in pixels (the brand's sans-serif averages about half an em)."""
    return len(html.unescape(re.sub(r"<[^>]+>", "", text))) * size * 0.53


def _legend_rows(fig: go.Figure, left: float = 60, right: float = 24) -> int:
    """How many rows a horizontal legend above the plot takes at the narrowest width a chart is drawn
    (a half-width column at 1366 pixels), where it may be as wide as the plot (left and right: its margins)."""
    layout = fig.layout
    shown = layout.showlegend if layout.showlegend is not None else len(fig.data) > 1
    legend = layout.legend
    if not shown or legend.orientation == "v":
        return 0
    names = list(dict.fromkeys(t.name for t in fig.data if t.name and t.showlegend is not False))
    if not names:
        return 0
    room = NARROWEST - left - right - 10
    # Once it wraps, Plotly lines the entries up in columns as wide as the widest one.
    widest = max(44 + _text_width(name, 14) for name in names)
    if sum(44 + _text_width(name, 14) for name in names) <= room:
        return 1
    per_row = max(1, int(room // widest))
    return -(-len(names) // per_row)


def settle(fig: go.Figure) -> go.Figure:
    """Lays the margins out around what the figure holds, so that nothing overlaps or is cut at any width:
    the title, subtitle and a horizontal legend above the plot, each on its own lines; horizontal tick labels
    (compacted when a trend has many bins), the axis title and the source line below it; the source line starts
    at the figure's left edge, under the title, however wide the labels beside the plot are. Safe to call again
    after a figure changes (the catalogue calls it on every figure it draws)."""
    layout = fig.layout
    source = next((a for a in layout.annotations if a.name == SOURCE), None)
    left = _left_margin(fig)
    # Right of the plot: labels standing in the right margin (the bands' names), else the template's 24 pixels.
    beside = [
        _text_width(line, a.font.size or 12) + (a.xshift or 0)
        for a in layout.annotations
        if a.xref == "paper" and a.x is not None and a.x >= 1 and a.xanchor == "left"
        for line in (a.text or "").split("<br>")
    ]
    right = int(max([24, *(w + 10 for w in beside)]))
    xaxes = list(fig.select_xaxes())
    for axis in xaxes:
        if axis.type == "category" and axis.tickvals is None:
            labels = _category_labels(fig, "x" + axis.plotly_name.removeprefix("xaxis"))
            if labels:
                _time_ticks(axis, labels, (NARROWEST - left - right) / len(labels))
        elif axis.type == "category" or axis.tickvals is not None:
            axis.update(tickangle=0)
        elif axis.type != "date" and axis.tickangle is None:  # numbers: fewer ticks rather than slanted ones
            axis.update(tickangle=0, nticks=axis.nticks or 6)
    bottom_axes = [a for a in xaxes if a.showticklabels is not False] or xaxes
    tick_lines = max((max((_lines_of(t) for t in (a.ticktext or ["x"])), default=1) for a in bottom_axes), default=1)
    x_title = any(a.title.text for a in bottom_axes)
    below = 6 + TICK_LINE * tick_lines + (AXIS_TITLE if x_title else 0) + 6
    # Above the plot: the title, the subtitle, then the legend's rows, or a label standing on the plot's top edge.
    on_top = any(a.yref == "paper" and a.y == 1 and a.yanchor == "bottom" for a in layout.annotations)
    rows = _legend_rows(fig, left, right)
    subtitle = layout.title.subtitle.text if layout.title.subtitle else ""
    header = HEADER + SUBTITLE_LINE * (_lines_of(subtitle) - 1) if subtitle else HEADER - SUBTITLE_LINE
    # (with no legend, room for the top tick label, which stands half a line above the plot)
    top = header + (LEGEND_ROW * rows if rows else 18 if on_top else 8) + 8
    if rows:
        layout.legend.update(orientation="h", y=1, yanchor="bottom")
    layout.margin.update(t=top, l=left, r=right)
    if source is not None:
        source.update(yshift=-below, xshift=-(left - EDGE))
        layout.margin.b = below + SOURCE_LINE * _lines_of(source.text) + 14
    return fig


def _time_ticks(axis, labels: list[str], room: float) -> None:
    """Horizontal tick labels for the categories of a time axis that fit in room pixels each (at the narrowest
    width a chart is drawn): compacted when there are many or long ones, years shortened to ’19 and the font made
    smaller when they still would not fit."""
    size = 13
    texts = compact_ticks(labels) if len(labels) > 4 or any(len(label) > TICK_WRAP for label in labels) else labels

    def widest(texts: list[str], size: float) -> float:
        return max(_text_width(line, size) for text in texts for line in str(text).split("<br>")) + 6

    if widest(texts, size) > room and len(labels) > 1 and all(re.fullmatch(r"\d{4}", str(t)) for t in labels):
        texts = [labels[0], *(f"’{str(t)[2:]}" for t in labels[1:])]
    if widest(texts, size) > room:
        size = 11
    axis.update(tickmode="array", tickvals=labels, ticktext=texts, tickangle=0, tickfont_size=size)


def _left_margin(fig: go.Figure) -> int:
    """The room left of the plot: the y axis's tick labels and its title (at least the template's 60 pixels)."""
    widest = 0.0
    titled = False
    for axis in fig.select_yaxes():
        if axis.side == "right" or axis.visible is False:
            continue
        titled = titled or bool(axis.title.text)
        if axis.type == "category" or axis.ticktext is not None:
            labels = [str(t) for t in (axis.ticktext or _category_labels(fig, "y"))]
            lines = [line for label in labels for line in label.split("<br>")]
            widest = max([widest, *(_text_width(line, 13) for line in lines)])
        else:
            widest = max(widest, 44)  # "$2.5M", "10,000", "100%"
    return int(max(60, EDGE + widest + 10 + (AXIS_TITLE if titled else 0)))


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
        _frame(fig, title, source, dark, y_title=x_title, x_title=y_title, subtitle=subtitle)
        # Each category as tall as its wrapped label needs (and room for its bars), so names never run together.
        per_bar = 26 if len(ys) == 1 or stacked else 20 * len(ys)
        needed = sum(max(per_bar / (1 - BAR_GAP), TICK_LINE * _lines_of(label) + 10) for label in labels)
        fig.update_layout(height=int(max(360, fig.layout.margin.t + fig.layout.margin.b + needed)))
    else:
        fig.update_xaxes(type="category")
        _frame(fig, title, source, dark, y_title=y_title, x_title=x_title, subtitle=subtitle)
    _write_markers(fig, df, x, ys, horizontal)
    return fig


def panels(
    df: pd.DataFrame,
    x: str,
    ys: list[str],
    *,
    title: str,
    source: str,
    names: dict[str, str],
    units: dict[str, str] | None = None,
    dark: bool = False,
    subtitle: str = "",
    height: int = 520,
) -> go.Figure:
    """Small multiples: one bar panel per column, stacked, sharing the x axis, each on its own y axis and named
    above it, for numbers of different sizes (270 touchpoints beside 6,000 patients) that one axis would flatten.

    units: the y axis title of each panel (by column), if any."""
    colours = palette()
    fig = make_subplots(rows=len(ys), cols=1, shared_xaxes=True, vertical_spacing=0.16)
    for row, y in enumerate(ys, start=1):
        label = plain(names.get(y, y))
        values = numeric(df[y])
        fig.add_bar(
            x=df[x].map(plain),
            y=values,
            name=label,
            marker_color=colours[(row - 1) % len(colours)],
            hovertemplate=f"%{{x}}<br>{label}: %{{y:,.0f}}<extra></extra>",
            row=row,
            col=1,
        )
        top = values.max() if values.notna().any() else 0
        fig.update_yaxes(tickformat=",d", rangemode="tozero", dtick=1 if top <= 5 else None, nticks=4, row=row, col=1)
        if units and y in units:
            fig.update_yaxes(title_text=plain(units[y]), row=row, col=1)
        domain = fig.get_subplot(row, 1).yaxis.domain
        fig.add_annotation(
            name="panel",
            text=f"<b>{label}</b>",
            xref="paper",
            x=0,
            xanchor="left",
            yref="paper",
            y=domain[1],
            yanchor="bottom",
            yshift=4,
            showarrow=False,
            font=dict(size=13),
        )
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False, height=height)
    return _frame(fig, title, source, dark, subtitle=subtitle)


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
        if top is not None and low >= top:
            continue
        # The band's name stands in the right margin, beside its band, where it cannot cover a point.
        fig.add_annotation(
            name="band",
            text="<br>".join(textwrap.wrap(plain(text), 12, break_long_words=False)),
            xref="paper",
            x=1,
            xanchor="left",
            xshift=8,
            y=(low + (min(high, top) if top is not None else high)) / 2,
            yref="y",
            showarrow=False,
            align="left",
            font=dict(size=11, color=muted(dark)),
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
    return settle(fig)


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
