"""Every part of Streamlit the app reaches past its public API for, held to what the app relies on, so that an
upgrade that moves one fails here, naming the file to fix, instead of somewhere quieter.

- ui/plot.py: streamlit.elements.lib.agent_spec.element, form_utils.current_form_id, layout_utils.LayoutConfig,
  utils.compute_and_register_element_id (with the keywords st.plotly_chart passes it), plotly_chart._plotly_data
  and _resolve_content_height, proto.PlotlyChart_pb2.PlotlyChart, st._main and DeltaGenerator._enqueue.
- serve.py: streamlit.runtime.pages_manager.PagesManager.uses_pages_directory, streamlit.config._main_script_path,
  streamlit.runtime.secrets.Secrets._parse_file_path, streamlit.web.cli.main and main_run (click), and
  streamlit.web.bootstrap.load_config_options.
- ui/session.py (open_address): streamlit.runtime.exists, get_instance and the Runtime type, which AppTest's
  stand-in is not.
- ui/filters.py: streamlit.runtime.scriptrunner.get_script_run_ctx().page_script_hash.
- ui/blocks.py: streamlit.delta_generator.DeltaGenerator (a type in a signature).
- pages/present.py's styles and bench/run.py's waits: the data-testid attributes and st* classes of Streamlit's
  frontend, looked for in its built JavaScript here and in the served page in tests/test_browser_present.py.

The st-key-KEY classes (st.container(key=...)) are public: Streamlit documents them for styling.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
import streamlit
import streamlit as st
from streamlit import config, runtime
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

STATIC = Path(streamlit.__file__).parent / "static"


def params(func) -> set[str]:
    return set(inspect.signature(func).parameters)


def call_keywords(source: str, name: str) -> set[str]:
    """The keywords of every call to name in the source."""
    return {
        k.arg
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name
        for k in node.keywords
        if k.arg
    }


def test_ui_plot_finds_every_internal_it_imports():
    from ui import plot

    assert plot.PlotlyChartProto is not None, (
        "ui/plot.py: an import from streamlit.elements.* or streamlit.proto.PlotlyChart_pb2 failed, so every chart "
        "falls back to st.plotly_chart and encodes its JSON on every rerun: update the imports at its top"
    )


def test_agent_spec_element_takes_the_keywords_st_plotly_chart_gives_it():
    from streamlit.elements import plotly_chart
    from streamlit.elements.lib import agent_spec

    signature = inspect.signature(agent_spec.element).parameters.values()
    assert {"key", "data_builder"} <= {p.name for p in signature} and any(p.kind is p.VAR_KEYWORD for p in signature), (
        "ui/plot.py: streamlit.elements.lib.agent_spec.element's signature changed"
    )
    ours = call_keywords((ROOT / "ui" / "plot.py").read_text(encoding="utf-8"), "element")
    theirs = call_keywords(inspect.getsource(plotly_chart), "element")
    assert ours <= theirs, f"ui/plot.py: st.plotly_chart describes its element with {sorted(theirs)}, not {ours}"


def test_current_form_id_takes_the_delta_generator():
    from streamlit.elements.lib.form_utils import current_form_id

    assert list(params(current_form_id)) == ["dg"], "ui/plot.py: form_utils.current_form_id's signature changed"


def test_layout_config_takes_width_and_height():
    from streamlit.elements.lib.layout_utils import LayoutConfig

    assert {"width", "height"} <= params(LayoutConfig), "ui/plot.py: layout_utils.LayoutConfig lost width or height"


def test_compute_and_register_element_id_gets_the_keywords_st_plotly_chart_gives_it():
    from streamlit.elements import plotly_chart
    from streamlit.elements.lib.utils import compute_and_register_element_id

    assert {"element_type", "user_key", "dg", "key_as_main_identity", "kwargs"} <= params(
        compute_and_register_element_id
    ), "ui/plot.py: utils.compute_and_register_element_id's signature changed"
    # The id is made from these keywords: any other set gives the chart another id than st.plotly_chart's.
    theirs = call_keywords(inspect.getsource(plotly_chart), "compute_and_register_element_id")
    ours = call_keywords((ROOT / "ui" / "plot.py").read_text(encoding="utf-8"), "compute_and_register_element_id")
    assert ours == theirs, f"ui/plot.py: st.plotly_chart's element id is now made from {sorted(theirs)}"


def test_plotly_chart_helpers_resolve_the_height_and_the_agent_data():
    from streamlit.elements.plotly_chart import _plotly_data, _resolve_content_height

    assert _resolve_content_height("content", {"layout": {"height": 480}}) == 480, (
        "ui/plot.py: streamlit.elements.plotly_chart._resolve_content_height no longer reads the figure's height"
    )
    assert list(params(_plotly_data)) == ["spec_json"], "ui/plot.py: plotly_chart._plotly_data's signature changed"


def test_plotly_chart_proto_has_the_fields_ui_plot_fills():
    from streamlit.proto.PlotlyChart_pb2 import PlotlyChart

    missing = {"theme", "form_id", "spec", "config", "id"} - set(PlotlyChart.DESCRIPTOR.fields_by_name)
    assert not missing, f"ui/plot.py: the PlotlyChart proto lost {missing}"


def test_main_delta_generator_enqueues_an_element_with_its_layout_and_agent_props():
    from streamlit.delta_generator import DeltaGenerator

    assert isinstance(st._main, DeltaGenerator), "ui/plot.py: st._main is no longer the main DeltaGenerator"
    missing = {"delta_type", "element_proto", "layout_config", "agent_props"} - params(DeltaGenerator._enqueue)
    assert not missing, f"ui/plot.py: DeltaGenerator._enqueue lost {missing}"


def test_pages_manager_uses_pages_directory_is_what_the_script_runner_reads():
    from streamlit.runtime import pages_manager
    from streamlit.runtime.scriptrunner import script_runner

    assert "uses_pages_directory" in vars(pages_manager.PagesManager), (
        "serve.py: PagesManager.uses_pages_directory is gone; it keeps Streamlit from treating pages/ as its own "
        "multipage app"
    )
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner), (
        "serve.py: Streamlit's script runner no longer reads PagesManager.uses_pages_directory"
    )


def test_config_main_script_path_is_where_streamlit_looks_for_the_scripts_config():
    from streamlit.web import cli

    assert hasattr(config, "_main_script_path"), "serve.py: streamlit.config._main_script_path is gone"
    assert "_main_script_path" in inspect.getsource(config.get_config_files), (
        "serve.py: streamlit.config.get_config_files no longer reads _main_script_path"
    )
    assert "_config._main_script_path" in inspect.getsource(cli._main_run), (
        "serve.py: streamlit run no longer sets config._main_script_path (cli._main_run): do as it does now"
    )


def test_cli_main_run_is_the_click_command_of_streamlit_run():
    from streamlit.web import bootstrap, cli

    assert cli.main.get_command(None, "run") is cli.main_run, "serve.py: streamlit.web.cli.main_run is not `run`"
    assert {"target", "args"} <= {p.name for p in cli.main_run.params}, "serve.py: `streamlit run`'s arguments moved"
    assert "flag_options" in params(bootstrap.load_config_options), (
        "serve.py: streamlit.web.bootstrap.load_config_options no longer takes flag_options"
    )


def test_secrets_parse_file_path_reads_one_toml_file(tmp_path):
    from streamlit.runtime.secrets import Secrets

    path = tmp_path / "secrets.toml"
    path.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n', encoding="utf-8")
    parsed = Secrets()._parse_file_path(str(path))
    assert isinstance(parsed, tuple) and parsed[0]["auth"]["redirect_uri"].endswith("/oauth2callback"), (
        "serve.py: streamlit.runtime.secrets.Secrets._parse_file_path no longer returns (the secrets, ...)"
    )


def _inside_apptest() -> None:
    import streamlit as st
    from streamlit import runtime
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    st.session_state["exists"] = runtime.exists()
    st.session_state["real"] = type(runtime.get_instance()) is Runtime
    st.session_state["page"] = get_script_run_ctx().page_script_hash


@pytest.fixture(scope="module")
def apptest() -> AppTest:
    at = AppTest.from_function(_inside_apptest)
    at.run()
    assert not at.exception
    return at


def test_runtime_exists_and_apptest_runs_a_stand_in_that_is_not_a_runtime(apptest):
    assert callable(runtime.exists) and callable(runtime.get_instance), "ui/session.py: streamlit.runtime moved"
    assert apptest.session_state["exists"] and not apptest.session_state["real"], (
        "ui/session.py: open_address tells AppTest from a server by type(runtime.get_instance()) is Runtime, "
        "which no longer holds"
    )


def test_script_run_context_has_the_page_script_hash(apptest):
    page = apptest.session_state["page"]
    assert isinstance(page, str) and page, (
        "ui/filters.py: get_script_run_ctx().page_script_hash is gone or empty; _page tells pages apart by it"
    )


def test_delta_generator_is_what_a_container_returns():
    from streamlit.delta_generator import DeltaGenerator

    assert isinstance(st.container(), DeltaGenerator), "ui/blocks.py: streamlit.delta_generator.DeltaGenerator moved"


def styled(path: Path) -> tuple[set[str], set[str]]:
    """The data-testid values and the st* classes (stApp, stPlotlyChart...) a file's CSS and scripts select."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r'data-testid="(\w+)"', text)), set(re.findall(r"\.(st[A-Z]\w*)", text))


@pytest.fixture(scope="module")
def frontend() -> str:
    """Streamlit's built frontend: every JavaScript file it serves, as one text."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(STATIC.rglob("*.js")))


@pytest.mark.parametrize("path", ["pages/present.py", "bench/run.py"])
def test_data_testid_selectors_name_what_streamlit_frontend_draws(path, frontend):
    testids, classes = styled(ROOT / path)
    assert testids, f"{path} selects no data-testid any more: take it out of this test"
    # A name the frontend sets is a string literal in its JavaScript (`stMain`, "stMain").
    missing = sorted(n for n in testids | classes if not re.search(rf"[`\"']{n}[`\"']", frontend))
    assert missing == [], f"{path}: Streamlit {st.__version__}'s frontend draws nothing named {missing}"
