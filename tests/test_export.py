"""Chart export: the promised pixel sizes, SVG with its words, one Chromium for everything, light, and offline."""

from __future__ import annotations

import io
import re
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import kaleido
import pandas as pd
import plotly.io as pio
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import settings
from charts import export, figures
from charts.theme import DARK, LIGHT_MUTED, template_name
from tests.browser import chromium_missing
from tests.conftest import ROOT

reason = chromium_missing()
needs_chromium = pytest.mark.skipif(bool(reason), reason=reason or "")

TITLE = "Funding received and granted, per quarter"
SOURCE = "Source: Lumen Foundation, funding records.<br>2024 (1 Jan 2024 to 31 Dec 2024)."


def chart(title: str = TITLE, dark: bool = False):
    """A chart as the Funding page draws it: title, subtitle, legend, axis titles and a two-line source."""
    quarters = pd.DataFrame(
        {
            "label": ["Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024"],
            "inbound": [7e5, 1.2e6, 4e5, 9e5],
            "outbound": [2e5] * 4,
        }
    )
    fig = figures.bars(
        quarters,
        "label",
        ["inbound", "outbound"],
        names={"inbound": "Received from partners", "outbound": "Granted by us"},
        title=title,
        subtitle="Jan 2024 to Dec 2024",
        y_title="Amount (USD)",
        x_title="Quarter",
        source=SOURCE,
        dark=dark,
    )
    return figures.money_axis(fig, "USD")


def words(svg: bytes) -> str:
    """Every piece of text in an SVG, parsed as XML (which fails if it is not)."""
    return " ".join(ET.fromstring(svg).itertext())


@pytest.fixture
def opened(monkeypatch) -> list:
    """Records every Chromium that kaleido starts from now on (the running one is stopped first)."""
    export._chromium.stop()
    starts: list = []
    real_open = kaleido.Kaleido.open

    async def counting_open(self):
        starts.append(self)
        return await real_open(self)

    monkeypatch.setattr(kaleido.Kaleido, "open", counting_open)
    yield starts
    export._chromium.stop()


@needs_chromium
@pytest.mark.parametrize(("size", "pixels"), [("newsletter", (2400, 1350)), ("slide", (1920, 1080))])
def test_pngs_have_the_promised_pixel_sizes(size, pixels):
    image = Image.open(io.BytesIO(export.png(chart(), size)))
    assert image.format == "PNG"
    assert image.size == pixels == export.SIZES[size].pixels


@needs_chromium
def test_the_svg_is_xml_on_the_newsletter_canvas_with_the_title_and_the_source_line():
    svg = export.svg(chart())
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("1200", "675")
    text = words(svg)
    assert TITLE in text
    assert "Source: Lumen Foundation, funding records." in text and "2024 (1 Jan 2024 to 31 Dec 2024)." in text
    assert "Amount (USD)" in text and "Quarter" in text and "Received from partners" in text


@needs_chromium
def test_a_batch_of_five_charts_writes_ten_files_with_one_chromium(tmp_path, opened):
    figs = {f"chart-{i}": chart(f"Chart number {i}") for i in range(5)}
    written = export.write(figs, tmp_path / "charts")
    assert sorted(p.name for p in written) == sorted(f"chart-{i}.{ext}" for i in range(5) for ext in ("png", "svg"))
    assert all(p.parent == tmp_path / "charts" and p.stat().st_size > 0 for p in written)
    for i in range(5):
        assert Image.open(tmp_path / "charts" / f"chart-{i}.png").size == (2400, 1350)
        assert f"Chart number {i}" in words((tmp_path / "charts" / f"chart-{i}.svg").read_bytes())
    export.png(chart())  # a later export reuses the same browser
    assert len(opened) == 1


@needs_chromium
def test_threads_share_one_chromium_and_each_gets_its_own_chart(opened):
    results: dict[int, bytes] = {}

    def draw(i: int) -> None:
        results[i] = export.svg(chart(f"Chart drawn by thread {i}"))

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(opened) == 1
    for i in range(6):
        assert f"Chart drawn by thread {i}" in words(results[i])
        assert not any(f"thread {j}" in words(results[i]) for j in range(6) if j != i)


def test_the_export_is_light_even_when_the_page_was_dark():
    dark = chart(dark=True)
    out = export.for_export(dark)
    light = pio.templates[template_name(False)].layout
    brand = settings.load().brand
    assert out.layout.template.layout.paper_bgcolor == light.paper_bgcolor == brand.background
    assert out.layout.template.layout.plot_bgcolor == light.plot_bgcolor
    assert out.layout.template.layout.font.color == light.font.color == brand.text
    assert list(out.layout.template.layout.colorway) == list(light.colorway)
    assert out.layout.annotations[0].font.color == LIGHT_MUTED  # the source line
    text = out.to_json().lower()
    assert not [name for name, colour in DARK.items() if colour.lower() in text]
    assert dark.layout.template.layout.paper_bgcolor == DARK["background"]  # the page's figure is untouched


def test_the_export_keeps_the_canvas_the_title_and_the_source_line():
    for size, canvas in export.SIZES.items():
        out = export.for_export(chart(), size)
        assert (out.layout.width, out.layout.height) == (canvas.width, canvas.height)
        assert out.layout.title.text == TITLE
        assert out.layout.annotations[0].text == SOURCE
        # The source line sits below the axis title and inside the bottom margin.
        assert -out.layout.annotations[0].yshift < out.layout.margin.b


def test_the_slide_sets_larger_text_for_a_projector():
    newsletter, slide = export.for_export(chart(), "newsletter"), export.for_export(chart(), "slide")
    assert newsletter.layout.template.layout.font.size == pio.templates[template_name(False)].layout.font.size
    for part in ("font", "title.font"):
        small = newsletter.layout.template.layout[part].size / newsletter.layout.width
        large = slide.layout.template.layout[part].size / slide.layout.width
        assert large > small


def test_the_page_chromium_draws_in_loads_plotly_js_from_the_plotly_package_and_no_mathjax():
    html = export.page().generate_index()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert export.PLOTLY_JS.as_uri() in scripts
    assert all(src.startswith("file://") for src in scripts), scripts
    assert all(kaleido._utils.path_tools.get_path(src).is_file() for src in scripts)
    assert export.PLOTLY_JS.is_relative_to(Path(pio.__file__).resolve().parents[1])
    assert "mathjax" not in html.lower()


@pytest.fixture
def proxy():
    """A stand-in for the network: a local HTTP proxy that records the first line of every request."""
    requests: list[str] = []
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            with client:
                client.settimeout(2)
                try:
                    requests.append(client.recv(512).decode("latin-1").split("\r\n")[0])
                except OSError:
                    requests.append("(unreadable)")

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", requests
    server.close()


@needs_chromium
def test_chromium_asks_the_network_for_nothing_a_chart_needs(monkeypatch, proxy, opened):
    url, requests = proxy
    remote = re.compile(r"plot\.ly|cdnjs|mathjax|jsdelivr|unpkg|googleapis\.com/css|fonts\.", re.IGNORECASE)
    # kaleido's defaults fetch MathJax from a CDN: the recording proxy sees that request ...
    kaleido.calc_fig_sync(chart(), opts={"format": "png"}, kopts={"proxy_server": url})
    assert [r for r in requests if remote.search(r)], requests
    requests.clear()
    # ... and nothing of the kind from the export's browser, which sends all it does ask to NO_NETWORK.
    monkeypatch.setattr(export, "NO_NETWORK", url)
    assert export.png(chart()).startswith(b"\x89PNG")
    assert TITLE in words(export.svg(chart()))
    assert not [r for r in requests if remote.search(r)], requests


def test_what_chromium_does_ask_the_network_goes_to_a_closed_port_on_this_machine():
    proxy = urlparse(export.NO_NETWORK)
    assert proxy.hostname == "127.0.0.1"
    with pytest.raises(ConnectionRefusedError), socket.create_connection((proxy.hostname, proxy.port), timeout=2):
        pass


def test_a_chart_offers_its_downloads_without_drawing_an_image(monkeypatch, sample_db):
    drawn = []
    monkeypatch.setattr(export, "image", lambda *args: drawn.append(args) or b"")
    monkeypatch.setenv("PARTNERSHIP_DB", str(sample_db))
    settings.load.cache_clear()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params.update({"period": "year", "year": "2024"})  # a fixed year with data, whatever today is
        at.run()
        at.switch_page("pages/funding.py").run()
    finally:
        settings.load.cache_clear()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    # The internal view: its numbers and slide image marked internal; the newsletter images drawn for the public.
    menu = ["Numbers (CSV), internal", "Newsletter image (PNG)", "Vector image (SVG)", "Slide image (PNG), internal"]
    assert labels[:4] == menu and labels.count("Slide image (PNG), internal") == len(at.get("plotly_chart"))
    assert drawn == []  # rendering the page drew no image: each is drawn when its button is clicked
