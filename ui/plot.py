"""A Plotly chart sent from its JSON, encoded once per chart drawn rather than on every run.

st.plotly_chart copies the figure and encodes it as JSON every time it is called, and a page calls it on every
rerun: at 10 million engagements the milestone timeline is 19 MB of JSON, a second of every rerun of its page.
`show` sends the element st.plotly_chart would send (the same JSON, configuration and size;
tests/test_speed_pages.py holds them equal) from JSON made once (`encode`, which ui/blocks.py keeps with each
chart it draws). Its id is made, like st.plotly_chart's, from the key and the figure, but from the figure's digest
rather than from its whole JSON: it changes whenever the figure does (so the browser draws the new one), without
hashing megabytes on every run. It takes st.plotly_chart's path for a chart without selections, with Streamlit's
own helpers; should those move in another Streamlit, it falls back to st.plotly_chart itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

try:
    from streamlit.elements.lib import agent_spec
    from streamlit.elements.lib.form_utils import current_form_id
    from streamlit.elements.lib.layout_utils import LayoutConfig
    from streamlit.elements.lib.utils import compute_and_register_element_id
    from streamlit.elements.plotly_chart import _plotly_data, _resolve_content_height
    from streamlit.proto.PlotlyChart_pb2 import PlotlyChart as PlotlyChartProto
except ImportError:  # another Streamlit: st.plotly_chart it is
    PlotlyChartProto = None

# st.plotly_chart's defaults, which are part of the element's id.
SELECTION_MODE = ("points", "box", "lasso")
WIDTH, HEIGHT = "stretch", "content"


@dataclass(frozen=True)
class Encoded:
    """A figure as st.plotly_chart encodes it, and a digest of that JSON."""

    json: str
    digest: str


def figure_json(fig: go.Figure) -> str:
    """The figure as st.plotly_chart encodes it."""
    return pio.to_json(fig.to_dict(), validate=False)


def encode(fig: go.Figure) -> Encoded:
    text = figure_json(fig)
    return Encoded(text, hashlib.blake2b(text.encode(), digest_size=16).hexdigest())


def show(fig: go.Figure, encoded: Encoded, *, key: str, config: dict) -> None:
    """The chart, as st.plotly_chart(fig, theme=None, key=key, config=config) shows it; encoded: encode(fig)."""
    if PlotlyChartProto is None:
        st.plotly_chart(fig, theme=None, key=key, config=config)
        return
    dg = st._main
    proto = PlotlyChartProto()
    proto.theme = ""
    proto.form_id = current_form_id(dg)
    proto.spec = encoded.json
    proto.config = json.dumps(config)
    proto.id = compute_and_register_element_id(
        "plotly_chart",
        user_key=key,
        key_as_main_identity=False,
        dg=dg,
        plotly_spec=encoded.digest,
        plotly_config=proto.config,
        selection_mode=SELECTION_MODE,
        is_selection_activated=False,
        theme=None,
        width=WIDTH,
        height=HEIGHT,
        alt=None,
    )
    height = _resolve_content_height(HEIGHT, {"layout": {"height": fig.layout.height}})
    dg._enqueue(
        "plotly_chart",
        proto,
        layout_config=LayoutConfig(width=WIDTH, height=height),
        agent_props=agent_spec.element(
            "plotly_chart", key=key, data_builder=lambda: _plotly_data(proto.spec), alt=None
        ),
    )
