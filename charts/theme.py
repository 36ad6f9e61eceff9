"""The brand's Plotly templates (light and dark), registered once, with a colour-blind-safe palette."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

import settings

# Okabe-Ito, the palette designed to stay distinct for the common forms of colour blindness,
# led by the brand's primary colour.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")

DARK = {"background": "#0E1117", "text": "#E6EAF0", "grid": "#2B313B", "muted": "#A3ACB9"}
LIGHT_GRID, LIGHT_MUTED = "#E4E8EE", "#5B6573"


def palette() -> list[str]:
    """The series colours: the brand's primary first, then Okabe-Ito without near-duplicates of it."""
    brand = settings.load().brand
    return [brand.primary, *[c for c in OKABE_ITO if c.lower() != brand.primary.lower()]]


def _template(dark: bool) -> go.layout.Template:
    brand = settings.load().brand
    text = DARK["text"] if dark else brand.text
    grid = DARK["grid"] if dark else LIGHT_GRID
    colours = palette()
    if dark:  # the brand's dark primary vanishes on a dark background: lead with a light blue
        colours = ["#56B4E9", *[c for c in colours if c not in ("#56B4E9", brand.primary)], "#DDCC77"]
    axis = dict(
        gridcolor=grid,
        linecolor=grid,
        zerolinecolor=grid,
        tickfont=dict(size=13),
        title=dict(font=dict(size=14)),
        automargin=True,
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family=brand.font, size=14, color=text),
            title=dict(
                font=dict(size=19, color=text),
                x=0,
                xanchor="left",
                xref="container",
                y=1,
                yref="container",
                yanchor="top",
                pad=dict(l=12, t=14),
                subtitle=dict(font=dict(size=13, color=DARK["muted"] if dark else LIGHT_MUTED)),
            ),
            colorway=colours,
            paper_bgcolor=DARK["background"] if dark else brand.background,
            plot_bgcolor=DARK["background"] if dark else brand.background,
            xaxis=dict(axis, showgrid=False),
            yaxis=dict(axis, showgrid=True),
            # A horizontal legend stands on the plot's top edge, under the subtitle (figures.settle makes room for
            # its rows).
            legend=dict(orientation="h", yanchor="bottom", y=1, xanchor="left", x=0, title=dict(text="")),
            margin=dict(l=60, r=24, t=110, b=96),
            hoverlabel=dict(font=dict(family=brand.font, size=13)),
            bargap=0.25,
        )
    )


def template_name(dark: bool = False) -> str:
    """The registered template's name; registers both variants on first use."""
    register()
    return "brand_dark" if dark else "brand"


def register() -> None:
    """Registers the light and dark brand templates with Plotly (idempotent)."""
    if "brand" not in pio.templates:
        pio.templates["brand"] = _template(dark=False)
        pio.templates["brand_dark"] = _template(dark=True)
    pio.templates.default = "brand"


def muted(dark: bool = False) -> str:
    """The colour of secondary text (source lines, band labels)."""
    return DARK["muted"] if dark else LIGHT_MUTED


# Shaded bands behind a chart: tints that stay apart for colour-blind readers, always labelled in words.
BAND_GOOD, BAND_WATCH, BAND_BAD = "#009E73", "#E69F00", "#D55E00"
