"""The charts' layout, read from the figures themselves: nothing overlaps or is cut at the narrowest width a chart is
drawn (a half-width column at 1366 pixels), on a page or in its PNG export.

Pixel sizes are those of `charts.figures`: the source line under the tick labels and the axis title, the legend
above the plot under the title and subtitle, the bands' names in the right margin.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import catalogue, export, figures, funding, story
from charts.context import Context
from lens import Direct, Lens, View
from metrics import Period
from store import database

YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))
# Three calendar years to 30 Dec 2025: a trend of twelve quarter bins, the last one cut short.
TWELVE_QUARTERS = Period(date(2023, 1, 1), date(2025, 12, 30))


@pytest.fixture(scope="module")
def drawn(sample_db):
    """Every chart of the catalogue drawn on the sample for a period: name -> figure (None when empty)."""
    cache: dict[Period, dict[str, go.Figure | None]] = {}

    def draw(period: Period) -> dict[str, go.Figure | None]:
        if period not in cache:
            with database.read(sample_db) as con:
                lens = Lens(Direct(con), View(period))
                cache[period] = {
                    name: catalogue.draw(name, lens).figure for name in catalogue.CHARTS if name != "partner-timeline"
                }
        return cache[period]

    return draw


def source_of(fig: go.Figure):
    [source] = [a for a in fig.layout.annotations if a.name == figures.SOURCE]
    return source


def ticks_of(fig: go.Figure) -> list:
    return [a for a in fig.select_xaxes() if a.showticklabels is not False]


# ------------------------------------------------------------------------------------------------ the HHI bands


@pytest.mark.parametrize(
    "value,band",
    [
        (0, "unconcentrated"),
        (703, "unconcentrated"),
        (1499, "unconcentrated"),
        (1500, "moderately concentrated"),
        (2500, "moderately concentrated"),
        (2501, "highly concentrated"),
        (10000, "highly concentrated"),
        (None, None),
        ("—", None),
    ],
)
def test_an_hhi_reads_in_its_band(value, band):
    assert funding.hhi_band(value) == band


def test_the_hhi_bands_are_named_in_the_right_margin_where_they_cover_no_point(drawn):
    fig = drawn(YEAR_2025)["funding-hhi"]
    bands = [a for a in fig.layout.annotations if a.name == "band"]
    assert [a.text.replace("<br>", " ") for a in bands] == [w for _, _, w, _ in funding.HHI_BANDS]
    for band in bands:
        assert (band.xref, band.x, band.xanchor) == ("paper", 1, "left")  # right of the plot area
        widest = max(figures._text_width(line, band.font.size) for line in band.text.split("<br>"))
        assert fig.layout.margin.r >= band.xshift + widest  # and the margin holds the label whole
    assert fig.layout.title.subtitle.text.replace("<br>", " ").endswith("2025: 703, unconcentrated")


def test_the_hhi_png_keeps_the_bands_outside_the_plot(drawn):
    out = export.for_export(drawn(YEAR_2025)["funding-hhi"], "newsletter")
    bands = [a for a in out.layout.annotations if a.name == "band"]
    assert bands and all(a.x == 1 and a.xanchor == "left" for a in bands)
    assert out.layout.margin.r >= 70


# -------------------------------------------------------------------------------------------- the source line


@pytest.mark.parametrize("period", [YEAR_2025, TWELVE_QUARTERS])
def test_every_source_line_starts_at_the_left_edge_under_the_axis_and_fits(drawn, period):
    for name, fig in drawn(period).items():
        if fig is None:
            continue
        source = source_of(fig)
        margin = fig.layout.margin
        # It starts EDGE pixels from the figure's left edge, however wide the labels left of the plot...
        assert margin.l + source.xshift == figures.EDGE, name
        # ...each of its lines short enough for a half-width chart at 1366 pixels...
        lines = source.text.split("<br>")
        assert all(len(line) <= figures.SOURCE_WRAP for line in lines), (name, lines)
        # ...below the tick labels and the axis title, inside the bottom margin.
        tick_lines = max(max(t.count("<br>") + 1 for t in (a.ticktext or ["x"])) for a in ticks_of(fig))
        assert -source.yshift >= figures.TICK_LINE * tick_lines + 6, name
        assert margin.b >= -source.yshift + figures.SOURCE_LINE * len(lines), name


# ---------------------------------------------------------------------------------------- trends with many bins


def test_twelve_quarter_bins_read_horizontally_the_year_said_once(drawn):
    fig = drawn(TWELVE_QUARTERS)["funding"]
    [axis] = ticks_of(fig)
    assert axis.tickangle == 0
    assert list(axis.tickvals)[:5] == ["Q1 2023", "Q2 2023", "Q3 2023", "Q4 2023", "Q1 2024"]
    assert list(axis.ticktext)[:5] == ["Q1<br>2023", "Q2", "Q3", "Q4", "Q1<br>2024"]
    assert axis.ticktext[-1] == "Q4<br>to 30 Dec"  # the bin cut short says so


def test_month_labels_compact_the_same_way():
    assert figures.compact_ticks(["Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026 (to 14 Feb)"]) == [
        "Nov<br>2025",
        "Dec",
        "Jan<br>2026",
        "Feb<br>to 14 Feb",
    ]


@pytest.mark.parametrize("period", [YEAR_2025, TWELVE_QUARTERS])
def test_no_chart_slants_its_labels(drawn, period):
    for name, fig in drawn(period).items():
        if fig is not None:
            assert all(a.tickangle == 0 for a in fig.select_xaxes()), name


def test_a_legend_stands_above_the_plot_below_the_subtitle(drawn):
    for name, fig in drawn(TWELVE_QUARTERS).items():
        if fig is None or not (fig.layout.showlegend and fig.layout.legend.orientation == "h"):
            continue
        legend = fig.layout.legend
        assert (legend.y, legend.yanchor) == (1, "bottom"), name  # on the plot's top edge
        subtitle = fig.layout.title.subtitle.text or ""
        header = figures.HEADER + figures.SUBTITLE_LINE * subtitle.count("<br>")
        rows = figures._legend_rows(fig, fig.layout.margin.l)
        assert fig.layout.margin.t >= header + figures.LEGEND_ROW * rows, name  # room for every row


# ------------------------------------------------------------------------------------- funders and two scales


def test_wrapped_funder_names_each_get_the_height_of_their_lines(drawn):
    fig = drawn(YEAR_2025)["funders"]
    labels = list(fig.data[0].y)
    assert any("<br>" in label for label in labels)  # long names wrap
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot >= sum(figures.TICK_LINE * (label.count("<br>") + 1) + 10 for label in labels)


def test_touchpoints_and_patients_are_drawn_on_two_axes():
    trend = pd.DataFrame(
        {"period": ["2024", "2025"], "engagement_count": [230, 270], "engagement_patient_participants": [4050, 6372]}
    )
    ctx = Context(source="Source: us.<br>2024 to 2025.", period=YEAR_2025, periods=(YEAR_2025,))
    fig = story.engagement(trend, ctx)
    assert [(t.name, t.yaxis or "y") for t in fig.data] == [("Touchpoints", "y"), ("Patient participants", "y2")]
    assert fig.layout.yaxis.domain[0] > fig.layout.yaxis2.domain[1]  # one panel above the other
