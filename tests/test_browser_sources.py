"""The Data page with other systems' exports, in Debian's Chromium: a PubMed file recognised and imported, a CSV
no format reads mapped by hand (the mapping saved and used again), and a trial given its program."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from store.importer import import_files
from store.sources import custom
from tests.browser import browser_marks, streamlit_server, wait_for_app
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
pytestmark = browser_marks()

MEDLINE = """\
PMID- 37000001
DP  - 2023 Mar
TI  - Natural history of disease X.
DEP - 20230216
PMC - PMC9999999
AID - 10.1000/nh.2023.001 [doi]

PMID- 37000002
DP  - 2023 Spring
TI  - Outcomes that matter to families.
SO  - Patient Voices. 2023 Spring.
"""


@pytest.fixture
def foundation(tmp_path):
    """Two partners and one program (whose name holds no NCT id), imported as write 1."""
    first = tmp_path / "first"
    first.mkdir()
    (first / "partners.csv").write_text("partner_id,name,sector\nP1,Acme Pharma,pharma\nP2,North University,academic\n")
    (first / "programs.csv").write_text("program_id,name\nPRG-1,Gene therapy\n")
    db = tmp_path / "live.duckdb"
    assert import_files(db, sorted(first.iterdir())).ok
    return db


def upload(page, *paths) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(p) for p in paths])


def choose(page, label: re.Pattern | str, option: str) -> None:
    """Picks an option of a select box: opened, filtered by typing, then clicked (expect waits for each)."""
    box = page.get_by_role("combobox", name=label, exact=isinstance(label, str))
    expect(box).to_be_enabled()
    box.click()
    box.press_sequentially(option[:3])
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def test_a_pubmed_export_is_recognised_previewed_and_imported(foundation, tmp_path, chromium):
    (tmp_path / "pubmed-DiseaseX-set.nbib").write_text(MEDLINE)
    with streamlit_server(foundation) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 1000})
        page.goto(f"{url}/data")
        wait_for_app(page)
        upload(page, tmp_path / "pubmed-DiseaseX-set.nbib")
        expect(page.get_by_text("Publications: 2 new")).to_be_visible(timeout=30_000)
        read_as = page.get_by_role("combobox", name=re.compile("^Read .pubmed-DiseaseX-set.nbib. as"))
        expect(read_as).to_have_value("PubMed (MEDLINE format)")
        page.get_by_role("button", name="Apply the import").click()
        expect(page.get_by_text("It is write 2 in the history")).to_be_visible(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()


def test_a_csv_no_format_reads_is_mapped_by_hand_and_the_mapping_is_kept(foundation, tmp_path, chromium):
    export = tmp_path / "Organisations export (3).csv"
    export.write_text("Org ID,Organisation,Kind\nA-1,Cedar Devices,Devices\n")
    with streamlit_server(foundation) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 1000})
        page.goto(f"{url}/data")
        wait_for_app(page)
        upload(page, export)
        expect(page.get_by_text("Some files do not say which table they hold")).to_be_visible(timeout=30_000)
        choose(page, re.compile("^Read .Organisations export \\(3\\).csv. as"), "A mapping of my own…")
        choose(page, "Which table do its rows go to?", "Partners")
        choose(page, "Org ID", "partner_id")
        choose(page, "Organisation", "name")
        choose(page, "Kind", "sector")
        expect(page.get_by_text("Values of Kind that are not a sector")).to_be_visible()
        choose(page, "Devices", "medtech")
        page.get_by_label("Name of the mapping").fill("org-export")
        page.get_by_label("Name of the mapping").press("Enter")
        page.get_by_role("button", name="Save the mapping and read the file with it").click()
        expect(page.get_by_text("Partners: 1 new")).to_be_visible(timeout=30_000)
        read_as = page.get_by_role("combobox", name=re.compile("^Read .Organisations export"))
        expect(read_as).to_have_value("org-export (your mapping to partners)")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "data-own-mapping-1366x1000.png", full_page=True)
        page.get_by_role("button", name="Apply the import").click()
        expect(page.get_by_text("It is write 2 in the history")).to_be_visible(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
    (kept,) = custom.saved(foundation)
    assert (kept.name, kept.table, kept.values) == ("org-export", "partners", {"sector": {"Devices": "medtech"}})


def test_a_trial_of_no_program_is_given_its_program_on_the_page(foundation, tmp_path, chromium):
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT01234567", "briefTitle": "A gene therapy trial"},
            "statusModule": {"overallStatus": "RECRUITING", "startDateStruct": {"date": "2024-05", "type": "ACTUAL"}},
            "designModule": {"phases": ["PHASE1"]},
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": "Acme Pharma", "class": "INDUSTRY"}},
        }
    }
    (tmp_path / "NCT01234567.json").write_text(json.dumps(study, indent=2))
    with streamlit_server(foundation) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 1000})
        page.goto(f"{url}/data")
        wait_for_app(page)
        upload(page, tmp_path / "NCT01234567.json")
        expect(page.get_by_text("trial NCT01234567 (", exact=False).first).to_be_visible(timeout=30_000)
        choose(page, "NCT01234567: A gene therapy trial", "Gene therapy (PRG-1)")
        expect(page.get_by_text("Milestones: 1 new")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Programs: 1 updated")).to_be_visible()
        page.get_by_role("button", name="Apply the import").click()
        expect(page.get_by_text("It is write 2 in the history")).to_be_visible(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
