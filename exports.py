"""The files a page offers: formula-safe CSVs, chart images for newsletters (always through the community gate)
and for the board's slides (internal ones marked so in the file itself)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts import catalogue, export
from community.gate import Refused
from contract import formula_safe
from lens import Lens

NOT_TEXT = (bool, int, float, Decimal, date, np.number, np.bool_)  # datetime and pd.Timestamp are dates
INTERNAL = "Internal: names confidential partners and small counts of people. Not for sharing."
STAMP_COLOUR = "#B3261E"
NOT_PUBLIC = (
    "A partner's profile is internal: the community-safe rules take no partner filter, so its chart is never "
    "offered for a newsletter."
)


def safe_cell(value: object) -> object:
    """A cell as a spreadsheet may open it: numbers, dates and blanks pass; anything else is written as its text,
    with a leading apostrophe where a spreadsheet would run it as a formula (a list's text included)."""
    if value is None or value is pd.NA or value is pd.NaT or isinstance(value, NOT_TEXT):
        return value
    return formula_safe(value if isinstance(value, str) else str(value))


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of df in which every cell that is not a number or a date is formula-safe (numbers stay numbers)."""
    out = df.copy()
    for column in out.columns:
        kind = out[column].dtype
        if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind)):
            out[column] = out[column].astype(object).map(safe_cell)  # categories and lists included
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame, internal: bool = False) -> bytes:
    """The frame as UTF-8 CSV with a BOM (so Excel reads accents), formula-safe; an internal file starts with a
    line that says so."""
    text = safe_frame(df).to_csv(index=False)
    if internal:
        text = f"{INTERNAL}\n{text}"
    return text.encode("utf-8-sig")


def stamped(fig: go.Figure) -> go.Figure:
    """A copy of the figure that says, in its bottom right corner, that it is internal."""
    out = go.Figure(fig)
    out.add_annotation(
        text=f"<b>{INTERNAL}</b>",
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        yshift=-56,
        xanchor="right",
        yanchor="top",
        showarrow=False,
        align="right",
        font=dict(size=12, color=STAMP_COLOUR),
    )
    return out


def _nothing(lens: Lens, name: str) -> go.Figure:
    """An image that says there is nothing community-safe to draw (rather than no file at all)."""
    fig = go.Figure()
    fig.add_annotation(
        text=f"Nothing to show for {lens.view.period.label} in the community-safe view.",
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font=dict(size=18),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title=dict(text=catalogue.CHARTS[name].name))
    return fig


@dataclass(frozen=True)
class Download:
    """One file offered under a chart: its button, its file, and how to make its bytes (None: refused, why)."""

    label: str
    file_name: str
    mime: str
    icon: str
    help: str
    make: Callable[[], bytes] | None
    refused: str = ""


def public_figure(name: str, lens: Lens) -> go.Figure:
    """The chart as the public may see it, for the lens's period: drawn through the gate whatever the lens's
    own view (Refused when the rules refuse the period or filters, or the chart is never public)."""
    if not catalogue.CHARTS[name].public:
        raise Refused(NOT_PUBLIC)
    public = lens.public()
    drawn = catalogue.draw(name, public)
    return drawn.figure if drawn.figure is not None else _nothing(public, name)


def public_image(name: str, lens: Lens, size: str = "newsletter", fmt: str = "png") -> bytes:
    """The public figure as an image (newsletter PNG or SVG, or a slide PNG)."""
    return export.image(public_figure(name, lens), size, fmt)


def chart_downloads(name: str, lens: Lens, drawn: catalogue.Drawn, key: str) -> list[Download]:
    """The files under a chart: its numbers (internal ones marked so), newsletter images drawn through the gate
    for the public whatever the view, and a slide image (internal ones marked so on the image)."""
    internal = not lens.community
    refused = ""
    if not catalogue.CHARTS[name].public:
        refused = NOT_PUBLIC
    else:
        try:
            lens.public()
        except Refused as why:
            refused = str(why)
    newsletter, slide = export.SIZES["newsletter"], export.SIZES["slide"]

    def public(label: str, file_name: str, mime: str, icon: str, help_text: str, size: str, fmt: str) -> Download:
        """A file drawn through the gate, or the sentence why it cannot be."""
        make = None if refused else (lambda: public_image(name, lens, size, fmt))
        return Download(label, file_name, mime, icon, help_text, make, refused)

    files = [
        Download(
            "Numbers (CSV)" + (", internal" if internal else ""),
            f"{key}{'-internal' if internal else ''}.csv",
            "text/csv",
            ":material/table:",
            "The numbers behind this chart" + (" (internal: not community-safe)" if internal else ""),
            lambda: csv_bytes(drawn.numbers, internal=internal),
        ),
        public(
            "Newsletter image (PNG)",
            f"{key}.png",
            "image/png",
            ":material/image:",
            "{}×{} pixels, community-safe, for a newsletter or a report".format(*newsletter.pixels),
            "newsletter",
            "png",
        ),
        public(
            "Vector image (SVG)",
            f"{key}.svg",
            "image/svg+xml",
            ":material/draw:",
            "Community-safe, sharp at any size, for designers",
            "newsletter",
            "svg",
        ),
    ]
    if internal and drawn.figure is not None:
        figure = drawn.figure
        files.append(
            Download(
                "Slide image (PNG), internal",
                f"{key}-slide-internal.png",
                "image/png",
                ":material/slideshow:",
                "{}×{} pixels, larger text for the board's projector; marked internal on the image".format(
                    *slide.pixels
                ),
                lambda: export.image(stamped(figure), "slide", "png"),
            )
        )
    else:
        files.append(
            public(
                "Slide image (PNG)",
                f"{key}-slide.png",
                "image/png",
                ":material/slideshow:",
                "{}×{} pixels, community-safe, with larger text for a projector".format(*slide.pixels),
                "slide",
                "png",
            )
        )
    return files
