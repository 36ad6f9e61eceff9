"""What keeps the pages fast (issue 11), held by counting, never by timing: a rerun with a warm cache reads nothing
from the database; a first view of a page makes its reads through one connection; a chart's JSON is encoded once,
and the element sent from it is the one st.plotly_chart sends; a table of the chosen period reads that period's
records only."""

from __future__ import annotations

from datetime import date
from unittest import mock

import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

import queries
import settings
from lens import View
from metrics import Filters, Period
from metrics import engine as metric_engine
from store import database
from tests.conftest import ROOT
from ui import navigation
from ui.tables import words_of

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
# The pages of figures (ui/navigation.py's community outputs); the Data page reads the store as it is at each run.
PAGES = [page.path for page in navigation.PAGES if page.community]


class Counted:
    """Counts the read connections the dashboard opens, the SQL of metrics and queries it runs, and the figures
    encoded as JSON."""

    def __init__(self, monkeypatch) -> None:
        self.connections = self.metrics = self.queries = self.encoded = 0
        read, compute_many, run = database.read, metric_engine.compute_many, queries.run
        from ui import plot

        encode = plot.encode

        def counted_read(path):
            self.connections += 1
            return read(path)

        def counted_metrics(*args, **kwargs):
            self.metrics += 1
            return compute_many(*args, **kwargs)

        def counted_query(*args, **kwargs):
            self.queries += 1
            return run(*args, **kwargs)

        def counted_encode(fig):
            self.encoded += 1
            return encode(fig)

        monkeypatch.setattr(database, "read", counted_read)
        monkeypatch.setattr("ui.data.compute_many", counted_metrics)
        monkeypatch.setattr(queries, "run", counted_query)
        monkeypatch.setattr(plot, "encode", counted_encode)

    def reset(self) -> None:
        self.connections = self.metrics = self.queries = self.encoded = 0


@pytest.fixture
def counted(monkeypatch) -> Counted:
    return Counted(monkeypatch)


@pytest.mark.parametrize("page", PAGES)
def test_a_rerun_with_a_warm_cache_reads_nothing_and_encodes_no_chart(app, sample_db, counted, page):
    at = app(sample_db, page, period="year", year="2025")
    assert not at.exception
    counted.reset()
    at.run()
    assert not at.exception
    assert (counted.connections, counted.metrics, counted.queries, counted.encoded) == (0, 0, 0, 0)


@pytest.mark.parametrize("page", PAGES)
def test_a_first_view_of_a_page_reads_through_one_connection(app, sample_db, counted, page):
    """With every cache cleared (as a new import leaves them), the frame reads the data's dates, and the page makes
    all its reads through one more connection: its metrics, their prior period, its charts' and tables' queries,
    the events, the targets and the notes."""
    at = app(sample_db, "pages/overview.py", period="year", year="2024")
    at.switch_page(page)
    st.cache_data.clear()
    counted.reset()
    at.run()
    assert not at.exception
    assert counted.connections == 1 + bool(counted.metrics or counted.queries)  # the frame's; the page's, if it reads
    # The Overview reads its metrics alone; the report's page reads nothing until a report is built.
    assert counted.queries >= (page not in ("pages/overview.py", "pages/reports.py"))


def test_a_filtered_first_view_reads_through_one_connection_too(monkeypatch, sample_db, counted):
    """A filtered view, opened on the Overview, then on the Engagement page: the page's reads, one connection."""
    monkeypatch.setenv("PARTNERSHIP_DB", str(sample_db))
    settings.load.cache_clear()
    st.cache_data.clear()  # a view no other test has read
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["period"], at.query_params["year"] = "year", "2025"
    at.session_state["sector"] = ["pharma", "regulator", "academic"]
    at.run()
    counted.reset()
    at.switch_page("pages/engagement.py").run()
    assert not at.exception
    assert at.session_state["view"].filters.sectors == ("pharma", "regulator", "academic")
    assert counted.connections == 1  # the data's dates are cached: the page's reads alone
    settings.load.cache_clear()


def test_the_chart_element_sent_from_json_is_the_one_st_plotly_chart_sends():
    """The same JSON, configuration, theme and size; the id is made from the figure's digest rather than its whole
    JSON, so it is stable from run to run and changes when the figure does."""

    def script():
        import plotly.graph_objects as go
        import streamlit as st

        from ui import plot

        fig = go.Figure(go.Bar(x=["a", "b"], y=[1, st.session_state.get("y", 2)]), layout=dict(height=480))
        config = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d"]}
        with st.columns(2)[1]:
            if st.session_state.get("ours"):
                plot.show(fig, plot.encode(fig), key="chart", config=config)
            else:
                st.plotly_chart(fig, theme=None, key="chart", config=config)

    sent = []
    enqueue = DeltaGenerator._enqueue

    def recorded(self, delta_type, element_proto, layout_config=None, **kwargs):
        if delta_type == "plotly_chart":
            sent.append((type(element_proto)(), element_proto.id, repr(layout_config)))
            sent[-1][0].CopyFrom(element_proto)
            sent[-1][0].ClearField("id")
        return enqueue(self, delta_type, element_proto, layout_config=layout_config, **kwargs)

    with mock.patch.object(DeltaGenerator, "_enqueue", recorded):
        at = AppTest.from_function(script)
        at.run()
        at.session_state["ours"] = True
        at.run()
        at.run()
        at.session_state["y"] = 3
        at.run()
    assert not at.exception
    (theirs, _, their_size), (ours, our_id, our_size), (again, same_id, _), (changed, new_id, _) = sent
    assert ours == theirs and our_size == their_size and "480" in our_size  # the figure's own height
    assert again == ours and same_id == our_id
    assert changed != ours and new_id != our_id


def test_a_table_of_the_chosen_period_reads_that_period_alone():
    periods = View(YEAR).periods
    _, params = queries.explain("engagement_convenings", periods)
    assert (params["window_start"], params["window_end"]) == (YEAR.start, YEAR.end)
    # A table over the trend reads the trend's span.
    _, params = queries.explain("engagement_stage_by_year", periods)
    assert (params["window_start"], params["window_end"]) == (periods[0].start, YEAR.end)
    # The relationships are worked out for every period: so is the window.
    _, params = queries.explain("engagement_relationship_partners", periods, Filters(sectors=("pharma",)))
    assert params["window_start"] == periods[0].start


def test_words_of_a_column_is_words_of_each_value():
    import pandas as pd

    from metrics.format import words

    column = pd.Series(["pfdd_meeting", "patient_org", "clinical", "pfdd_meeting"])
    assert words_of(column).equals(column.map(words))


def test_a_figure_is_encoded_as_st_plotly_chart_encodes_it():
    import plotly.io as pio

    from ui import plot

    fig = go.Figure(go.Scatter(x=[date(2025, 1, 1), date(2025, 2, 1)], y=[1.5, None], name="<b>x</b>"))
    assert plot.encode(fig).json == pio.to_json(fig.to_dict(), validate=False)


def test_the_libraries_are_frozen_out_of_the_garbage_collector_once_the_dashboard_starts():
    """Streamlit collects garbage after every run; the libraries' objects (Plotly's classes, pandas...) are frozen
    when the frame is first imported, so that a collection walks what the runs made, not every library."""
    import gc

    import ui.frame  # noqa: F401

    assert gc.get_freeze_count() > 10_000
    assert not any(o is go.Figure.__init__ for o in gc.get_objects())  # not walked by a collection
