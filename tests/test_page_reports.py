"""The Community report page: it builds the same bundle as the command line and offers every file."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import settings
from tests.browser import chromium_missing
from tests.conftest import ROOT

reason = chromium_missing()


def run(monkeypatch, db, build: bool = False) -> AppTest:
    monkeypatch.setenv("PARTNERSHIP_DB", str(db))
    settings.load.cache_clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.query_params["period"] = "year"
    at.query_params["year"] = "2024"
    at.run()
    at.switch_page("pages/reports.py").run()
    if build:
        at.button[0].click().run()
    return at


def test_the_page_explains_the_report_and_its_rules_before_building(monkeypatch, sample_db):
    at = run(monkeypatch, sample_db)
    assert not at.exception
    assert at.title[0].value == "Community report"
    assert "<11" in at.markdown[0].value and "Other partners" in at.markdown[0].value
    assert [b.label for b in at.button] == ["Build the report"]


def test_an_empty_database_says_to_import_first(monkeypatch, empty_db):
    at = run(monkeypatch, empty_db)
    assert not at.exception
    assert "import your files first" in at.info[0].value


@pytest.mark.skipif(bool(reason), reason=reason or "")
def test_building_offers_the_pdf_html_charts_and_numbers(monkeypatch, sample_db):
    at = run(monkeypatch, sample_db, build=True)
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Report (PDF)", "Report (HTML)", "Charts (PNG, SVG, alt text)", "Numbers (summary.json)"]
    files = at.session_state["report_files"]
    assert files["report.pdf"].startswith(b"%PDF") and b"<!doctype html>" in files["report.html"]
    assert files["charts.zip"][:2] == b"PK" and files["summary.json"].startswith(b"{")
    # The preview: the report in a frame of its own (srcdoc, scrolling), as components.v1.html drew it.
    (preview,) = at.get("iframe")
    assert preview.proto.srcdoc == files["report.html"].decode("utf-8") and preview.proto.scrolling
    assert not preview.proto.src
