"""Present: the board's slides, one message each, in large type for a meeting room; and the board pack (PDF).

The slide shown is in the address bar (`/present?slide=3`), and so is the theme (`?theme=dark`), so a link opens
on that slide. The sidebar's period, filters and community-safe view carry in.
"""

from __future__ import annotations

import streamlit as st

from charts import export
from reports import slides
from ui import data, session
from ui.context import view

v = view()
data.page_lens(v, "Present")  # a community-safe view the rules refuse stops here, with the sentence why
DARK_KEY = "present_dark"


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

# This page only: no sidebar, header or toolbar; the slide fills the screen, in the chosen theme.
st.html(
    f"""<style>
{slides.css(dark)}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"] {{ display: none !important; }}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
  background: {theme["bg"]}; color: {theme["fg"]}; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 40px 96px 24px 96px; }}
.stApp .stButton button, .stApp .stDownloadButton button {{
  background: {theme["card"]}; color: {theme["fg"]}; border-color: {theme["rule"]}; min-height: 64px; }}
.stApp .stButton button p, .stApp .stDownloadButton button p, .stApp [data-testid="stPageLink"] p,
.stApp .stCheckbox p {{ font-size: 28px; color: {theme["fg"]}; }}
</style>"""
)

st.html(f'<div class="slide">{slides.fragment(slide, n, total)}</div>')
if slide.figure is not None:
    figure = export.enlarged(slide.figure, "slide")  # the slides' one scale, as in the board pack
    figure.update_layout(height=660)
    st.plotly_chart(figure, width="stretch", theme=None, key=f"present-chart-{n}")

controls = st.columns([2, 2, 3, 3, 3], vertical_alignment="center")
with controls[0]:
    st.button(
        "Previous",
        key="present_previous",
        on_click=_move,
        args=(-1, total),
        disabled=n == 1,
        icon=":material/arrow_back:",
        width="stretch",
    )
with controls[1]:
    st.button(
        "Next",
        key="present_next",
        on_click=_move,
        args=(1, total),
        disabled=n == total,
        icon=":material/arrow_forward:",
        width="stretch",
        type="primary",
    )
with controls[2]:
    st.toggle("Dark theme", key=DARK_KEY, on_change=_theme)
with controls[3]:
    # The board pack prints a PDF with Chromium on the server: for those who may build reports.
    st.download_button(
        "Board pack (PDF)" + ("" if v.community else ", internal"),
        data=lambda: data.board_pack(v),
        file_name=f"board-pack-{v.period.start:%Y%m%d}-{v.period.end:%Y%m%d}{'' if v.community else '-internal'}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/download:",
        key="present_board_pack",
        width="stretch",
        disabled=not session.allowed("build_report"),
        help=None if session.allowed("build_report") else "The board pack needs an editor's sign-in.",
    )
with controls[4]:
    st.page_link("pages/overview.py", label="Leave the slides", icon=":material/close:")
