"""Charts as images for newsletters and slides: PNG and SVG on a fixed canvas, drawn offline by one Chromium.

The dashboard's figure goes in unchanged; `for_export` lays a copy out for the canvas in the light brand
template. Images are drawn by kaleido in one headless Chromium per process, started at the first export and
reused by every session's thread. Its page loads plotly.js from the installed plotly package and no MathJax,
so an export never touches the network.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kaleido
import kaleido.errors
import plotly
import plotly.graph_objects as go
import plotly.io as pio

import settings
from charts.theme import DARK, LIGHT_GRID, LIGHT_MUTED, template_name


@dataclass(frozen=True)
class Size:
    """A canvas in layout pixels, the device scale it is drawn at, and how much its text, lines and margins grow."""

    width: int
    height: int
    scale: float
    enlarge: float = 1.0
    tall: bool = False  # the height may grow to the figure's own (a page scrolls; an image has a fixed frame)

    @property
    def pixels(self) -> tuple[int, int]:
        """The image's size in pixels."""
        return round(self.width * self.scale), round(self.height * self.scale)


# On a slide, text, lines, markers and margins grow 1.9 times: with the canvas (1920 / 1200 = 1.6), so that the
# slide keeps the newsletter's proportions, and more, so that it reads from the back of a room (tick labels,
# 13 px on a page, are 24.7 px on a 1920×1080 slide). Every slide uses this one scale: the slide image, the
# Present page's charts and the board pack's.
SLIDE_ENLARGE = 1.9
SIZES: dict[str, Size] = {
    "newsletter": Size(1200, 675, scale=2),
    "slide": Size(1920, 1080, scale=1, enlarge=SLIDE_ENLARGE),
    # The chart's box on a board pack page (1920×1080 less its margins, title and finding).
    "slide-chart": Size(1728, 640, scale=1, enlarge=SLIDE_ENLARGE),
    # The report's page is about 680 CSS pixels wide: a canvas near that size keeps its text legible in print.
    "print": Size(880, 520, scale=1, tall=True),
}

SOURCE_GAP = 10  # pixels between an x axis title and the source line under it
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
START_TIMEOUT = 60  # seconds for Chromium to start
RENDER_TIMEOUT = 60  # seconds for one image
# Chromium talks to the network on its own (update checks, a search engine's preconnect); every request it
# makes goes to this proxy, a closed port on this machine, so nothing leaves it. The page itself asks for
# nothing remote (see page()).
NO_NETWORK = "http://127.0.0.1:9"
# plotly.js refused the figure: the browser is fine and keeps running.
FIGURE_ERRORS = (kaleido.errors.KaleidoError, kaleido.errors.JavascriptError, ValueError, TypeError)


def page() -> kaleido.PageGenerator:
    """The page Chromium draws in: plotly.js from the installed plotly package, MathJax off, nothing remote."""
    if not PLOTLY_JS.is_file():  # kaleido would quietly fall back to a CDN
        raise FileNotFoundError(f"plotly.js is missing from the plotly package: {PLOTLY_JS}")
    return kaleido.PageGenerator(plotly=(PLOTLY_JS.as_uri(), "utf-8"), mathjax=False)


def _light_colours() -> tuple[dict[str, str], dict[str, str]]:
    """The dark screen's theme colours (normalised) and their light counterparts; then those of colour scales."""
    brand = settings.load().brand
    r, g, b = (int(DARK["background"][i : i + 2], 16) for i in (1, 3, 5))
    everywhere = {
        DARK["text"].lower(): brand.text,
        DARK["muted"].lower(): LIGHT_MUTED,
        DARK["grid"].lower(): LIGHT_GRID,
        DARK["background"].lower(): brand.background,
        f"rgba({r},{g},{b},0.75)": "rgba(255,255,255,0.75)",  # the backing of labels on shaded bands
    }
    # A dark heatmap runs from transparent to the dark template's lead colour; a light one from the
    # background to the light template's.
    lead_dark = pio.templates[template_name(True)].layout.colorway[0]
    lead_light = pio.templates[template_name(False)].layout.colorway[0]
    scales = {**everywhere, "rgba(0,0,0,0)": brand.background, lead_dark.lower(): lead_light}
    return everywhere, scales


def _lighten(node: Any, colours: dict[str, str], scales: dict[str, str]) -> Any:
    """Replaces every dark-theme colour in a figure's JSON with its light counterpart (series colours stay)."""
    if isinstance(node, dict):
        return {key: _lighten(value, scales if key == "colorscale" else colours, scales) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_lighten(value, colours, scales) for value in node]
    if isinstance(node, str):
        return colours.get(node.replace(" ", "").lower(), node)
    return node


_MARGINS = ("t", "b", "l", "r", "pad")
_SHIFTS = ("xshift", "yshift", "standoff", "ticklen", "borderwidth", "tracegroupgap")


def _grow(node: Any, k: float, parent: str = "") -> Any:
    """Multiplies every length in pixels in a figure's JSON by k: font sizes, margins, lines, markers, offsets."""
    if isinstance(node, list):
        return [_grow(value, k, parent) for value in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if isinstance(value, dict | list):
            out[key] = _grow(value, k, key)
            continue
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and (
            (key == "size" and (parent.endswith("font") or parent == "marker"))
            or (key == "width" and parent == "line")
            or (parent in ("margin", "pad") and key in _MARGINS)
            or key in _SHIFTS
        ):
            out[key] = value * k
        else:
            out[key] = value
    if parent == "marker" and isinstance(node.get("size"), list):
        out["size"] = [v * k for v in node["size"]]
    return out


def enlarged(fig: go.Figure, size: str = "slide") -> go.Figure:
    """A copy of the figure with its text, lines, markers and margins grown for the size (a slide on the screen),
    in its own theme."""
    k = SIZES[size].enlarge
    spec = fig.to_dict()
    return go.Figure({"data": _grow(spec["data"], k), "layout": _grow(spec["layout"], k)})


def for_export(fig: go.Figure, size: str = "newsletter") -> go.Figure:
    """A copy of the figure laid out for a fixed canvas, in the light brand template, with nothing cut off."""
    canvas = SIZES[size]
    spec = fig.to_dict()
    spec["layout"].pop("template", None)
    spec = _lighten(spec, *_light_colours())
    template = pio.templates[template_name(False)].to_plotly_json()
    layout = spec["layout"]
    margin = {**template["layout"]["margin"], **layout.get("margin", {})}
    layout["margin"] = margin
    # The title and the source line are drawn inside the margins, at fixed distances: grow them, and the
    # fonts, lines and markers, together, so that the slide keeps the newsletter's proportions.
    spec = {"data": _grow(spec["data"], canvas.enlarge), "layout": _grow(layout, canvas.enlarge)}
    template = {"layout": _grow(template["layout"], canvas.enlarge), "data": template.get("data", {})}
    out = go.Figure(spec)
    out.update_layout(template=template, width=canvas.width, height=height(fig, size), autosize=False)
    _air_under_axis_title(out, SOURCE_GAP * canvas.enlarge)
    return out


def _air_under_axis_title(fig: go.Figure, gap: float) -> None:
    """Moves the lines under the plot (the source) down by gap, and the bottom margin with them, when an x
    axis title sits right above them."""
    if not any(axis.title.text for axis in fig.select_xaxes()):
        return
    below = [
        a
        for a in fig.layout.annotations
        if a.yref == "paper" and a.y is not None and a.y <= 0 and a.yanchor == "top" and (a.yshift or 0) < 0
    ]
    for annotation in below:
        annotation.yshift -= gap
    if below:
        fig.layout.margin.b += gap


class _Chromium:
    """One headless Chromium, driven by kaleido on its own event-loop thread and shared by every thread.

    kaleido's own sync server (`kaleido.start_sync_server`) would do the same, but it waits forever when
    Chromium fails to start, and it hands results back through one shared queue, so two threads asking at
    once can receive each other's image. Here every request has its own future.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: kaleido.Kaleido | None = None

    def _start(self) -> tuple[asyncio.AbstractEventLoop, kaleido.Kaleido]:
        with self._lock:
            if self._loop is None or self._kaleido is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="chart-export", daemon=True).start()

                async def open_browser() -> kaleido.Kaleido:
                    browser = kaleido.Kaleido(
                        page_generator=page(), timeout=RENDER_TIMEOUT, proxy_server=NO_NETWORK, n=1
                    )
                    await browser.open()
                    return browser

                opening = asyncio.run_coroutine_threadsafe(open_browser(), loop)
                try:
                    browser = opening.result(START_TIMEOUT)
                except BaseException:
                    opening.cancel()
                    loop.call_soon_threadsafe(loop.stop)
                    raise
                self._loop, self._kaleido = loop, browser
            return self._loop, self._kaleido

    def run(self, work: Callable[[kaleido.Kaleido], Coroutine], timeout: float) -> Any:
        """Runs the coroutine work(browser) and waits for it. When the browser has failed (it crashed, or was
        killed), it is closed, and the work runs once more in a new one."""
        for retry in (False, True):
            loop, browser = self._start()
            future = asyncio.run_coroutine_threadsafe(work(browser), loop)
            try:
                return future.result(timeout)
            except FIGURE_ERRORS:
                raise
            except Exception:
                future.cancel()
                self.stop(browser)
                if retry:
                    raise

    def stop(self, browser: kaleido.Kaleido | None = None) -> None:
        """Closes the browser (only that one, when given: another thread may have restarted it already)."""
        with self._lock:
            if self._kaleido is None or (browser is not None and browser is not self._kaleido):
                return
            loop, closing = self._loop, self._kaleido
            self._loop, self._kaleido = None, None
        try:
            asyncio.run_coroutine_threadsafe(closing.close(), loop).result(10)
        except Exception:  # noqa: BLE001 - a browser that has crashed cannot be closed, and need not be
            pass
        loop.call_soon_threadsafe(loop.stop)

    @property
    def browser(self) -> kaleido.Kaleido | None:
        """The running browser, if any."""
        return self._kaleido


_chromium = _Chromium()
atexit.register(_chromium.stop)


def height(fig: go.Figure, size: str) -> int:
    """The canvas's height for the figure: the size's, or (a tall size) the figure's own when that is taller, as a
    long list of funders or programs needs."""
    canvas = SIZES[size]
    own = fig.layout.height or 0
    return max(canvas.height, int(own)) if canvas.tall else canvas.height


def _opts(size: str, fmt: str, fig: go.Figure) -> dict:
    canvas = SIZES[size]
    # A vector image has no pixels to multiply: its nominal size is the canvas.
    scale = 1 if fmt == "svg" else canvas.scale
    return {"format": fmt, "width": canvas.width, "height": height(fig, size), "scale": scale}


def image(fig: go.Figure, size: str = "newsletter", fmt: str = "png") -> bytes:
    """The figure as an image of the given size and format (png or svg)."""
    spec = for_export(fig, size).to_dict()
    return _chromium.run(lambda k: k.calc_fig(spec, opts=_opts(size, fmt, fig)), RENDER_TIMEOUT + 30)


def png(fig: go.Figure, size: str = "newsletter") -> bytes:
    """The figure as a PNG: "newsletter" is 2400×1350 pixels (1200×675 at twice the scale), "slide" 1920×1080."""
    return image(fig, size, "png")


def svg(fig: go.Figure) -> bytes:
    """The figure as SVG on the newsletter canvas (1200×675)."""
    return image(fig, "newsletter", "svg")


def write(
    figs: dict[str, go.Figure], out_dir: Path, formats: Iterable[str] = ("png", "svg"), size: str = "newsletter"
) -> list[Path]:
    """Writes out_dir/NAME.FORMAT for every figure and format in one go through the one browser."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    formats = list(formats)
    jobs: list[dict] = []
    for name, fig in figs.items():
        spec = for_export(fig, size).to_dict()
        for fmt in formats:
            jobs.append({"fig": spec, "path": out_dir / f"{name}.{fmt}", "opts": _opts(size, fmt, fig)})
    if not jobs:
        return []
    _chromium.run(lambda k: k.write_fig_from_object(jobs, cancel_on_error=True), RENDER_TIMEOUT * len(jobs) + 30)
    return [job["path"] for job in jobs]
