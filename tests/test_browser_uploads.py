"""Uploads with hostile names in Debian's Chromium: the Data page previews and applies them under the names they came
with, and writes nothing outside its upload folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from store.importer import import_files
from tests.browser import browser_marks, streamlit_server, wait_for_app
from tests.conftest import fetch

pytestmark = browser_marks()


@pytest.fixture
def foundation(tmp_path) -> Path:
    first = tmp_path / "first"
    first.mkdir()
    (first / "partners.csv").write_text("partner_id,name,sector\nP1,Acme Pharma,pharma\n")
    db = tmp_path / "live.duckdb"
    assert import_files(db, [first / "partners.csv"]).ok
    return db


def test_two_uploads_named_alike_one_climbing_folders_are_previewed_and_applied_under_their_names(foundation, chromium):
    outside = Path(tempfile.gettempdir()) / "partners.csv"
    existed = outside.exists()
    with streamlit_server(foundation) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 1000})
        page.goto(f"{url}/data")
        wait_for_app(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [
                {"name": "../../partners.csv", "mimeType": "text/csv", "buffer": b"partner_id,name,sector\nP3,C,cro\n"},
                {"name": "partners.csv", "mimeType": "text/csv", "buffer": b"partner_id,name,sector\nP4,D,academic\n"},
            ]
        )
        expect(page.get_by_text("Partners: 2 new")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Apply the import").click()
        expect(page.get_by_text("It is write 2 in the history")).to_be_visible(timeout=30_000)
        shown = page.locator('[data-testid="stAlert"]').first.inner_text()
        assert "Imported ../../partners.csv, partners.csv: partners: 2 new" in shown  # the names as they came
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
    assert fetch(foundation, "SELECT partner_id FROM partners ORDER BY 1") == [("P1",), ("P3",), ("P4",)]
    assert outside.exists() == existed
