"""The cards' sparklines: drawn as small SVG images (not Vega-Lite charts), coloured by what the change means,
with the trend in words for screen readers, and never where a value is hidden or rounded away."""

from __future__ import annotations

import base64
import re
from datetime import date

from metrics import CATALOGUE, compute
from metrics import format as fmt
from store import database
from ui.cards import SPARK_COLOURS, meaning, sparkline


def svg_of(img: str) -> str:
    [data] = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', img)
    return base64.b64decode(data).decode()


def points(svg: str) -> list[tuple[float, float]]:
    [line] = re.findall(r'<polyline points="([^"]+)"', svg)
    return [tuple(float(n) for n in pair.split(",")) for pair in line.split()]


def test_a_sparkline_spans_the_width_and_puts_the_highest_value_at_the_top():
    # Values 1, 3, 2 on a 100 x 40 box with 2 of padding: x at 0, 50, 100; y = 2 + 36 * (1 - (v - 1) / 2),
    # so 1 -> 38, 3 -> 2, 2 -> 20.
    svg = svg_of(sparkline([1, 3, 2], "good"))
    assert points(svg) == [(0.0, 38.0), (50.0, 2.0), (100.0, 20.0)]
    assert 'viewBox="0 0 100 40"' in svg and 'preserveAspectRatio="none"' in svg


def test_a_flat_trend_is_a_line_across_the_middle():
    assert points(svg_of(sparkline([5, 5, 5], "neither"))) == [(0.0, 20.0), (50.0, 20.0), (100.0, 20.0)]


def test_the_colour_says_good_or_bad_news_in_either_theme():
    for what, (light, dark) in SPARK_COLOURS.items():
        assert f'stroke="{light}"' in svg_of(sparkline([1, 2], what))
        assert f'stroke="{dark}"' in svg_of(sparkline([1, 2], what, dark=True))


def test_what_a_change_means_follows_the_metric():
    assert CATALOGUE["funding_inbound_total"].higher_is_better is True
    assert meaning("funding_inbound_total", 120, 100) == "good"
    assert meaning("funding_inbound_total", 80, 100) == "bad"
    assert meaning("funding_inbound_total", 100, 100) == "neither"
    assert CATALOGUE["funding_hhi"].higher_is_better is False  # concentration: lower is better
    assert meaning("funding_hhi", 800, 700) == "bad"
    assert meaning("funding_inbound_total", None, 100) == "neither"


def test_the_image_carries_the_trend_in_words_escaped():
    img = sparkline([1, 2], "good", label='Funding <"received">, the trend: $1, $2')
    assert 'alt="Funding &lt;&quot;received&quot;&gt;, the trend: $1, $2"' in img


def test_the_overview_draws_a_sparkline_image_in_each_card_with_its_trend(app, sample_db):
    at = app(sample_db, "pages/overview.py", period="year", year="2024")
    images = [e.proto.body for e in at.get("html") if "data:image/svg+xml" in e.proto.body]
    alts = [re.search(r'alt="([^"]*)"', body).group(1) for body in images]
    funding = CATALOGUE["funding_inbound_total"]
    [alt] = [a for a in alts if a.startswith(f"{funding.label}, the trend: ")]
    # The trend's last value is the card's own: 2024's funding received, as the card shows it.
    with database.read(sample_db) as con:
        value = compute(con, date(2024, 1, 1), date(2024, 12, 31))["funding_inbound_total"]
    assert alt.endswith(fmt.value(funding, value, "USD", compact=True))
    assert len(images) == 8  # the eight headline cards
    assert not at.get("arrow_vega_lite_chart")  # no Vega-Lite sparkline left
