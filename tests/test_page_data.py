"""The Data page through AppTest: edits, targets, notes, the history and putting data back, the downloads.

AppTest has no file uploader: the Import section is driven in Chromium (test_browser_data.py); here its tables
are checked as functions.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from store import database, history, importer, tables
from store import notes as notes_store
from store import targets as targets_store
from store.history import Change
from store.importer import Counts, ImportResult, Problem, import_files
from tests.conftest import ROOT, plain_text
from ui import edits, imports, session, staff
from ui import history as history_ui

PAGE = "pages/data.py"
TABS = ["Import", "Templates", "Edits", "History", "Export", "Access", "Deliveries"]  # local mode: as an admin


@pytest.fixture
def db(sample_db, tmp_path):
    """A copy of the sample foundation that a test may change."""
    path = tmp_path / "data.duckdb"
    shutil.copy(sample_db, path)
    return path


def stored_partner(db, partner_id: str) -> dict:
    with database.read(db) as con:
        return tables.get(con, "partners", [partner_id])[partner_id]


def texts(at) -> list[str]:
    return [e.value for e in [*at.success, *at.warning, *at.error, *at.info]]


def failed(at) -> list[str]:
    """Exceptions, whether raised or caught by the page's guard (which shows a sentence instead)."""
    return [e.message for e in at.exception] + [e.value for e in at.error if "Something unexpected" in e.value]


@pytest.mark.parametrize("which", ["sample_db", "empty_db"])
def test_the_data_page_renders_its_five_sections_without_error(app, request, which):
    at = app(request.getfixturevalue(which), PAGE)
    assert not failed(at), failed(at)
    assert [t.value for t in at.title] == ["Data"]
    assert [t.label for t in at.tabs] == TABS


def test_the_data_page_is_not_in_the_navigation_of_the_community_safe_view(app, sample_db):
    at = app(sample_db, view="community")
    assert not failed(at), failed(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)  # AppTest lists the pages the frame registered: the Data page is not one


def test_anything_unexpected_shows_as_a_sentence_and_the_other_sections_still_work(app, sample_db, monkeypatch):
    def broken() -> list:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(staff, "writes", broken)
    at = app(sample_db, PAGE)
    assert not at.exception  # no traceback on the page
    [error] = [e.value for e in at.error]
    assert error.startswith("Something unexpected went wrong in the history. Nothing was half-saved")
    assert "disk" not in error
    assert any(s.value == "Targets" for s in at.subheader)  # the sections around it drew


def test_a_partners_confidential_flag_is_changed_in_one_write_that_says_what_it_means(app, db):
    partner = stored_partner(db, "PTR-001")
    assert partner["confidential"] is False
    before = history.writes(db)[0].id
    at = app(db, PAGE)
    at.selectbox(key="edits-partner").select("PTR-001").run()
    assert any("may be named" in m.value for m in at.markdown)
    at.toggle(key="edits-confidential-PTR-001").set_value(True)
    at.button(key="edits-partner-save").click().run()
    assert not failed(at), failed(at)
    assert stored_partner(db, "PTR-001")["confidential"] is True
    latest = history.writes(db)[0]
    assert (latest.id, latest.what) == (before + 1, "edit")
    said = texts(at)
    assert any(f"write {latest.id}" in s and "no longer" not in s for s in said), said
    assert any("became confidential" in s for s in said), said


def test_saving_a_partner_unchanged_writes_nothing(app, db):
    before = history.writes(db)[0].id
    at = app(db, PAGE)
    at.selectbox(key="edits-partner").select("PTR-002").run()
    at.button(key="edits-partner-save").click().run()
    assert any("Nothing to save" in s for s in texts(at))
    assert history.writes(db)[0].id == before


def test_a_sector_change_is_kept_and_listed_in_the_history_with_old_and_new(app, db):
    at = app(db, PAGE)
    at.selectbox(key="edits-partner").select("PTR-002").run()
    at.selectbox(key="edits-sector-PTR-002").select("biotech")
    at.button(key="edits-partner-save").click().run()
    assert stored_partner(db, "PTR-002")["sector"] == "biotech"
    latest = history.writes(db)[0]
    at.selectbox(key="history-write").select(latest.id).run()
    assert not failed(at), failed(at)
    updated = next(df.value for df in at.dataframe if "old value" in df.value.columns)
    assert updated.to_dict("records") == [
        {
            "record": "PTR-002",
            "name": "Oristen Pharma",
            "column": "sector",
            "old value": "pharma",
            "new value": "biotech",
        }
    ]


def test_a_note_is_added_edited_and_a_duplicate_refused_with_the_stores_sentence(app, db):
    at = app(db, PAGE)
    at.text_area(key="edits-add-text").input("A grant arrived late.")
    at.button(key="edits-add-submit").click().run()
    assert not failed(at), failed(at)
    assert any("Note added" in s for s in texts(at))
    with database.read(db) as con:
        [note] = notes_store.all_notes(con)
    assert note.text == "A grant arrived late."
    at.text_area(key="edits-add-text").input("A grant arrived late.")
    at.button(key="edits-add-submit").click().run()
    assert any("already kept" in e.value for e in at.error), [e.value for e in at.error]
    at.selectbox(key="edits-note").select(note.note_id).run()
    at.text_area(key=f"edits-note-text-{note.note_id}").input("The grant arrived in January.")
    at.checkbox(key=f"edits-note-public-{note.note_id}").check()
    at.button(key="edits-note-save").click().run()
    with database.read(db) as con:
        [note] = notes_store.all_notes(con)
    assert (note.text, note.public) == ("The grant arrived in January.", True)
    assert [w.what for w in history.writes(db)[:2]] == ["note", "note"]


def test_an_empty_note_is_refused_with_a_sentence_not_a_traceback(app, db):
    at = app(db, PAGE)
    at.button(key="edits-add-submit").click().run()
    assert not failed(at), failed(at)
    assert any("empty" in e.value for e in at.error), [e.value for e in at.error]


def test_the_targets_table_shows_each_metric_by_year_and_finds_the_cells_changed():
    stored = {2025: {"funding_inbound_total": 5_500_000.0, "publication_open_access_share": 0.9}}
    frame = edits.targets_frame(stored, [2025, 2026])
    row = frame.set_index("metric_id").loc["publication_open_access_share"]
    assert row["2025"] == 0.9 and pd.isna(row["2026"]) and row["unit"] == "share: 0.9 is 90%"
    after = frame.copy()
    after.loc[after["metric_id"] == "funding_inbound_total", "2025"] = None
    after.loc[after["metric_id"] == "engagement_count", "2026"] = 260
    assert edits.changed_targets(frame, after, [2025, 2026]) == [
        (2025, "funding_inbound_total", None),
        (2026, "engagement_count", 260.0),
    ]


def test_targets_are_saved_one_write_each_and_a_share_above_one_refused_with_its_sentence(db, monkeypatch):
    monkeypatch.setattr(staff, "db", lambda: str(db))
    before = history.writes(db)[0].id
    saved, refused = edits.save_targets(
        [
            (2025, "engagement_count", 300.0),
            (2025, "publication_open_access_share", 1.5),
            (2024, "milestone_count", None),
        ]
    )
    assert saved == [before + 1, before + 2]
    assert len(refused) == 1 and "fraction from 0 to 1" in refused[0]
    with database.read(db) as con:
        now = targets_store.load(con)
    assert now[2025]["engagement_count"] == 300
    assert now[2025]["publication_open_access_share"] == 0.9
    assert "milestone_count" not in now[2024]
    assert [w.what for w in history.writes(db)[:2]] == ["target", "target"]


def test_the_targets_table_on_the_page_shows_the_stored_targets(app, db):
    targets_store.set_target(db, 2026, "engagement_count", 275)
    at = app(db, PAGE)
    assert not failed(at), failed(at)
    shown = next(df.value for df in at.dataframe if "metric_id" in df.value.columns)
    row = shown.set_index("metric_id").loc["engagement_count"]
    assert row["2026"] == 275 and row["2025"] == 250  # foundation.toml's 2025 target, copied in


def test_putting_the_data_back_asks_first_then_undoes_the_later_writes_and_can_itself_be_undone(app, db):
    first = history.writes(db)[0].id
    at = app(db, PAGE)
    at.selectbox(key="edits-partner").select("PTR-003").run()
    at.selectbox(key="edits-sector-PTR-003").select("other")
    at.button(key="edits-partner-save").click().run()
    assert stored_partner(db, "PTR-003")["sector"] == "other"
    at.selectbox(key="history-write").select(first).run()
    at.button(key=f"history-restore-{first}").click().run()
    assert stored_partner(db, "PTR-003")["sector"] == "other"  # not yet: the page asks first
    assert any("can undo it the same way" in w.value for w in at.warning)
    at.button(key="history-confirm-yes").click().run()
    assert not failed(at), failed(at)
    assert stored_partner(db, "PTR-003")["sector"] != "other"
    restore = history.writes(db)[0]
    assert restore.what == "restore" and restore.id == first + 2
    assert any(f"This restore is write {restore.id}" in s for s in texts(at))
    assert at.selectbox(key="history-write").value is None
    at.selectbox(key="history-write").select(restore.id - 1).run()
    at.button(key=f"history-restore-{restore.id - 1}").click().run()
    at.button(key="history-confirm-yes").click().run()
    assert stored_partner(db, "PTR-003")["sector"] == "other"  # the restore undone


def test_the_latest_write_offers_no_way_back_to_itself(app, db):
    at = app(db, PAGE)
    latest = history.writes(db)[0].id
    at.selectbox(key="history-write").select(latest).run()
    assert not any(b.key == f"history-restore-{latest}" for b in at.button)
    assert any("latest write" in c.value for c in at.caption)


def test_the_backup_imports_into_an_empty_database_as_the_same_data(db, tmp_path):
    from store import exporter

    archive = zipfile.ZipFile(io.BytesIO(exporter.export_zip(db)))
    out = tmp_path / "backup"
    archive.extractall(out)
    result = import_files(tmp_path / "again.duckdb", sorted(out.iterdir()))
    assert result.ok, [str(p) for p in result.problems][:5]
    with database.read(db) as a, database.read(tmp_path / "again.duckdb") as b:
        for name in ("partners", "engagements", "funding", "publications", "milestones", "targets"):
            assert tables.get(a, name, tables.keys_of(a, name)) == tables.get(b, name, tables.keys_of(b, name)), name


def test_the_page_offers_every_template_and_the_backup(app, sample_db):
    at = app(sample_db, PAGE)
    keys = {b.key for b in at.get("download_button")}
    assert {"template-xlsx", "export-zip"} <= keys
    assert {f"template-{t}" for t in ("partners", "engagements", "milestones")} <= keys


def test_problems_show_as_a_table_with_the_cell():
    frame = imports.problems_frame(
        [Problem("engagements.csv", 3, "date", "'31/02/2024' is not a real date", "31/02/2024")]
    )
    assert frame.to_dict("records") == [
        {
            "file": "engagements.csv",
            "row": 3,
            "column": "date",
            "message": "'31/02/2024' is not a real date",
            "value": "31/02/2024",
        }
    ]


def test_counts_come_in_the_order_tables_are_written():
    result = ImportResult(counts={"engagements": Counts(2, 0, 1), "partners": Counts(0, 1, 5)})
    assert imports.counts_frame(result).to_dict("records") == [
        {"table": "Partners", "new": 0, "updated": 1, "unchanged": 5},
        {"table": "Engagements", "new": 2, "updated": 0, "unchanged": 1},
    ]


def test_a_confidential_flag_turned_off_warns_that_the_community_report_will_name_the_partner():
    before = {"partner_id": "P9", "name": "Cedar Devices", "sector": "medtech", "country": None, "confidential": True}
    flip = Change("partners", "P9", before, {**before, "confidential": False})
    other = Change("partners", "P8", {**before, "name": "Elm"}, {**before, "name": "Elm", "sector": "pharma"})
    assert staff.confidential_flips([flip, other]) == [
        "Cedar Devices will no longer be confidential: the community report will name it."
    ]
    assert staff.updates_frame([flip]).to_dict("records") == [
        {"record": "P9", "name": "Cedar Devices", "column": "confidential", "old value": "yes", "new value": "no"}
    ]


def test_values_and_times_read_in_plain_words():
    assert [staff.value_text(v) for v in (None, True, ["P1", "P2"], date(2025, 3, 4), "25000.0000", 3.0)] == [
        staff.BLANK,
        "yes",
        "P1; P2",
        "2025-03-04",
        "25000",
        "3",
    ]
    now = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    local = now.astimezone()
    assert staff.when_text(now - timedelta(minutes=5), now).startswith("Today at ")
    assert staff.when_text(now - timedelta(days=1), now).startswith("Yesterday at ")
    assert staff.when_text(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), now).endswith(
        f"{datetime(2026, 1, 5, 12, 0, tzinfo=UTC).astimezone():%a %-d %b %Y at %H:%M}"
    )
    assert local.tzinfo is not None


def test_nobody_is_signed_in_when_sign_in_is_not_configured():
    assert session.signed_in() is None


def test_the_history_lists_writes_newest_first_in_words(db):
    notes_store.add_note(db, "engagement_count", date(2025, 1, 1), date(2025, 12, 31), "Busy year.", by="ann@x.org")
    frame = history_ui.writes_frame(history.writes(db))
    assert list(frame["id"]) == sorted(frame["id"], reverse=True)
    top = frame.iloc[0]
    assert (top["what"], top["by"]) == ("Note", "ann@x.org")
    assert frame.iloc[-1]["files"] == ", ".join(p.name for p in sorted((ROOT / "sample_data").glob("*.csv")))
    assert frame.iloc[-1]["summary"].startswith("partners: 40 new; ")


def _preview_warnings(db: str, files: list[str]) -> None:
    """The Import section's preview of files, down to its warnings (AppTest has no file uploader)."""
    from store.importer import preview
    from ui import imports

    imports.say_sensitive(preview(db, files))


def test_the_import_preview_warns_in_words_of_a_confidential_flag_turned_off_and_an_amount_a_hundred_times_larger(
    db, tmp_path
):
    with database.read(db) as con:
        partner_id, name, sector = con.execute(
            "SELECT partner_id, name, sector::VARCHAR FROM partners WHERE confidential ORDER BY 1 LIMIT 1"
        ).fetchone()
        funding_id, day, payer, direction, amount = con.execute(
            "SELECT funding_id, date, partner_id, direction::VARCHAR, amount FROM funding ORDER BY 1 LIMIT 1"
        ).fetchone()
    (tmp_path / "partners.csv").write_text(
        f'partner_id,name,sector,confidential\n{partner_id},"{name}",{sector},false\n'
    )
    (tmp_path / "funding.csv").write_text(
        f"funding_id,date,partner_id,direction,amount\n{funding_id},{day},{payer},{direction},{amount * 100}\n"
    )
    at = AppTest.from_function(
        _preview_warnings, args=(str(db), [str(tmp_path / "partners.csv"), str(tmp_path / "funding.csv")])
    ).run()
    assert not at.exception
    assert [plain_text(w.value) for w in at.warning] == [
        f"Partner {partner_id} {name}: confidential true → false: it will be named in community outputs, the "
        "community report included",
        f"Funding {funding_id} (partner {payer}): amount {importer._amount(amount)} → "
        f"{importer._amount(amount * 100)}, 100 times as much: check that the decimal mark and the digits are right",
    ]
