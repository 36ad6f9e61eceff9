"""Present: the board's slides, one message each, in large type for a meeting room; and the board pack (PDF).

The slide shown is in the address bar (`/present?slide=3`), and so is the theme (`?theme=dark`), so a link opens
on that slide. The sidebar's period, filters and community-safe view carry in. Every slide fits the screen, at
any size, with no scrolling; the controls sit small in the bottom right corner, in the same place on every slide.
Keys: → / PageDown / Space next, ← / PageUp previous, F full screen.
"""

from __future__ import annotations

import streamlit as st

from charts import export
from reports import slides
from ui import data, session
from ui.context import view

v = view()
data.page_lens(v, "Present", [])  # a community-safe view the rules refuse stops here, with the sentence why
DARK_KEY = "present_dark"
# One pixel of the 1920×1080 slide on this screen: a slide scales to fit the window whatever its size.
UNIT = "min(calc(100vw / 1920), calc(100vh / 1080))"


def u(n: float) -> str:
    return f"calc({n} * var(--slide-u))"


# The keys move through the slides by clicking Next and Previous (so a key and a click do the same), and F asks
# the browser for full screen, which only the page itself may do. The listener is added once per browser tab and
# does nothing on other pages; `data-present-fullscreen` on <html> records the last request, for tests. The
# script is the page's own, named by its id (the community guard looks for a bare <script> from the data).
KEYS = """
<script id="present-keys">
(() => {
  const root = document.documentElement;
  window.presentFullscreen = window.presentFullscreen || (() => {
    if (document.fullscreenElement) {
      root.dataset.presentFullscreen = "exit";
      return document.exitFullscreen();
    }
    root.dataset.presentFullscreen = "requested";
    return root.requestFullscreen().then(
      () => { root.dataset.presentFullscreen = "on"; },
      () => { root.dataset.presentFullscreen = "refused"; },
    );
  });
  document.querySelectorAll(".present-fullscreen").forEach((b) => { b.onclick = () => window.presentFullscreen(); });
  if (window.presentKeys) return;
  window.presentKeys = true;
  const NEXT = ["ArrowRight", "PageDown", " "], PREVIOUS = ["ArrowLeft", "PageUp"];
  document.addEventListener("keydown", (e) => {
    if (!document.querySelector(".st-key-present_next") || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
              (t.tagName === "INPUT" && !["checkbox", "radio", "button"].includes(t.type)))) return;
    const step = NEXT.includes(e.key) ? "next" : PREVIOUS.includes(e.key) ? "previous" : null;
    if (step) {
      e.preventDefault();  // no scrolling, and Space does not also press a focused button
      const button = document.querySelector(`.st-key-present_${step} button`);
      if (button && !button.disabled) button.click();
    } else if (e.key === "f" || e.key === "F") {
      e.preventDefault();
      window.presentFullscreen();
    }
  }, true);
})();
</script>
"""


def _position(total: int) -> int:
    """The slide in the address bar, from 1 to total (1 when it is missing or not a number)."""
    try:
        n = int(st.query_params.get("slide", "1"))
    except ValueError:
        n = 1
    return min(max(n, 1), total)


def _move(step: int, total: int) -> None:
    st.query_params["slide"] = str(min(max(_position(total) + step, 1), total))


def _theme() -> None:
    if st.session_state[DARK_KEY]:
        st.query_params["theme"] = "dark"
    elif "theme" in st.query_params:
        del st.query_params["theme"]


if DARK_KEY not in st.session_state:
    st.session_state[DARK_KEY] = st.query_params.get("theme") == "dark"
dark = bool(st.session_state[DARK_KEY])
theme = slides.THEMES[dark]

deck = data.slides(v, dark)
total = len(deck)
n = _position(total)
if st.query_params.get("slide") != str(n):
    st.query_params["slide"] = str(n)
slide = deck[n - 1]

# This page only: no sidebar, header or toolbar; the slide fills the window (fixed, so nothing scrolls), its text
# grows or shrinks with the window, and the chart takes the height the text leaves. The controls float small and
# faint in the bottom right corner, in the bottom margin the slide leaves free.
text_grows = "none" if slide.figure is not None else "1 1 0"
st.html(
    f"""<style>
{slides.css(dark, UNIT)}
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"], .st-key-nav, header[data-testid="stHeader"],
[data-testid="stToolbar"] {{ display: none !important; }}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
  background: {theme["bg"]}; color: {theme["fg"]}; }}
[data-testid="stMain"] {{ overflow: hidden; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 0; }}
.st-key-present_slide {{ position: fixed; inset: 0; z-index: 1; box-sizing: border-box; gap: 0; overflow: hidden;
  padding: {u(40)} {u(96)} {u(72)} {u(96)}; background: {theme["bg"]}; }}
.st-key-present_slide > [data-testid="stElementContainer"]:has(.slide) {{ flex: {text_grows}; min-height: 0; }}
.st-key-present_slide [data-testid="stHtml"] {{ height: 100%; }}
.st-key-present_slide .slide {{ height: 100%; }}
.st-key-present_slide > [data-testid="stElementContainer"]:has(.stPlotlyChart),
.st-key-present_slide > [data-testid="stLayoutWrapper"]:has(.stPlotlyChart) {{ flex: 1 1 0; min-height: 0; }}
.st-key-present_slide [data-testid="stColumn"] {{ min-height: 0; }}
.st-key-present_aside .slide-notes.aside {{ margin-top: 0; }}
.st-key-present_aside .slide-notes.aside li > span {{ -webkit-line-clamp: 7; }}
.st-key-present_controls {{ position: fixed; right: {u(24)}; bottom: {u(14)}; z-index: 2; width: auto;
  flex-wrap: nowrap; align-items: center; gap: {u(8)}; opacity: 0.55; transition: opacity 0.2s; }}
.st-key-present_controls:hover, .st-key-present_controls:focus-within {{ opacity: 1; }}
.st-key-present_controls > div {{ width: auto; }}
.st-key-present_controls button, .present-fullscreen {{ background: transparent; color: {theme["muted"]};
  border: 1px solid {theme["rule"]}; border-radius: 6px; min-height: 0; padding: {u(4)} {u(12)}; line-height: 1.2;
  font-family: inherit; cursor: pointer; }}
.st-key-present_controls button p, .present-fullscreen, .st-key-present_controls [data-testid="stPageLink"] p,
.st-key-present_controls .stCheckbox p {{
  font-size: max(12px, {u(18)}); color: {theme["muted"]}; }}
.st-key-present_controls [data-testid="stPageLink"] a {{ padding: {u(4)} {u(8)}; }}
</style>"""
)


def chart() -> None:
    """The slide's chart at the slides' one scale (as in the board pack), as tall as the slide leaves it."""
    figure = export.enlarged(slide.figure, "slide")
    figure.update_layout(legend_xref="paper")  # plotly.js 4 would otherwise push the plot right of a wide legend
    st.plotly_chart(
        figure,
        width="stretch",
        height="stretch",
        theme=None,
        key=f"present-chart-{n}",
        config={"displayModeBar": False},
    )


with st.container(key="present_slide"):
    beside = slide.figure is not None and bool(slide.items)  # a chart's notes go beside it, not above it
    st.html(f'<div class="slide">{slides.fragment(slide, n, total, notes=not beside)}</div>')
    if beside:
        left, right = st.columns([7, 3], gap="large")
        with left:
            chart()
        with right, st.container(key="present_aside"):
            st.html(f'<div class="slide">{slides.notes_list(slide)}</div>')
    elif slide.figure is not None:
        chart()

with st.container(key="present_controls", horizontal=True):
    st.button("Previous", key="present_previous", on_click=_move, args=(-1, total), disabled=n == 1)
    st.button("Next", key="present_next", on_click=_move, args=(1, total), disabled=n == total)
    st.html(
        '<button type="button" class="present-fullscreen" title="Full screen (F)">Full screen</button>' + KEYS,
        width="content",
        unsafe_allow_javascript=True,
    )
    st.toggle("Dark", key=DARK_KEY, on_change=_theme)
    # The board pack prints a PDF with Chromium on the server: for those who may build reports.
    st.download_button(
        "Board pack (PDF)" + ("" if v.community else ", internal"),
        data=lambda: data.board_pack(v),
        file_name=f"board-pack-{v.period.start:%Y%m%d}-{v.period.end:%Y%m%d}{'' if v.community else '-internal'}.pdf",
        mime="application/pdf",
        on_click="ignore",
        key="present_board_pack",
        disabled=not session.allowed("build_report"),
        help=None if session.allowed("build_report") else "The board pack needs an editor's sign-in.",
    )
    st.page_link("pages/overview.py", label="Leave the slides")
