"""Notes and events: stored and read back, validated, absent from old databases, in the report and on the page."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from metrics import Period
from reports import bundle
from store import database
from store import notes as store
from store.importer import import_files
from tests.browser import chromium_missing

YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))
SECRET = "Secret Alpha Pharma"
PUBLIC_TEXT = f"The spring grant from {SECRET} arrived late, so Q2 looks thin."
PRIVATE_TEXT = "Renewal talks with two sponsors are stalled."


def read_notes(db, metric_ids, period, public_only=False):
    with database.read(db) as con:
        return store.notes_for(con, metric_ids, period, public_only)


def read_events(db, start, end, public_only=False):
    with database.read(db) as con:
        return store.annotations_in(con, start, end, public_only)


@pytest.fixture
def noted_db(sample_db, tmp_path):
    """A copy of the sample with a public note on 2024's funding naming a confidential partner, a private note,
    and a public and a private event."""
    db = tmp_path / "noted.duckdb"
    shutil.copyfile(sample_db, db)
    with database.read(db) as con:
        secret = database.scalar(con, "SELECT name FROM partners WHERE confidential ORDER BY partner_id LIMIT 1")
    text = PUBLIC_TEXT.replace(SECRET, secret)
    store.add_note(db, "funding_hhi", YEAR.start, YEAR.end, text, public=True, author="Maria")
    store.add_note(db, "funding_inbound_total", date(2024, 7, 1), date(2024, 9, 30), PRIVATE_TEXT, public=False)
    store.add_annotation(db, date(2024, 5, 14), "Approval of ondinimab", "approval", public=True)
    store.add_annotation(db, date(2022, 9, 1), "Quiet partner joins", "partner", public=False)
    return db, secret


def test_a_note_round_trips_and_is_found_only_for_overlapping_periods(tmp_path):
    db = tmp_path / "db.duckdb"
    note_id = store.add_note(db, "funding_hhi", date(2024, 4, 1), date(2024, 6, 30), "  A late grant.  ", True, "Ann")
    later = store.add_note(db, "funding_hhi", date(2024, 6, 1), date(2024, 6, 30), "Second thought.", False)
    store.add_note(db, "engagement_count", date(2024, 4, 1), date(2024, 6, 30), "Another metric.")

    found = read_notes(db, ["funding_hhi"], Period(date(2024, 6, 15), date(2024, 12, 31)))
    assert [n.note_id for n in found] == [later, note_id]  # newest first
    first = found[1]
    assert (first.metric_id, first.start, first.end) == ("funding_hhi", date(2024, 4, 1), date(2024, 6, 30))
    assert (first.text, first.author, first.public) == ("A late grant.", "Ann", True)
    assert found[0].author is None and found[0].public is False

    assert read_notes(db, ["funding_hhi"], Period(date(2024, 6, 30), date(2024, 6, 30)))  # touching the last day
    assert read_notes(db, ["funding_hhi"], Period(date(2024, 7, 1), date(2024, 12, 31))) == []
    assert read_notes(db, ["funding_hhi"], Period(date(2023, 1, 1), date(2024, 3, 31))) == []
    assert len(read_notes(db, None, YEAR)) == 3
    assert [n.note_id for n in read_notes(db, None, YEAR, public_only=True)] == [note_id]

    assert store.delete_note(db, note_id) is True
    assert store.delete_note(db, note_id) is False
    assert [n.note_id for n in read_notes(db, ["funding_hhi"], YEAR)] == [later]


@pytest.mark.parametrize(
    ("metric_id", "start", "end", "text", "author", "message"),
    [
        ("funding_happiness", YEAR.start, YEAR.end, "Text.", None, "no metric 'funding_happiness'"),
        ("funding_hhi", YEAR.start, YEAR.end, "   ", None, "The note is empty"),
        ("funding_hhi", YEAR.end, YEAR.start, "Text.", None, r"ends \(1 Jan 2024\) before it starts \(31 Dec 2024\)"),
        ("funding_hhi", YEAR.start, YEAR.end, "x" * 1001, None, "1,001 characters long; keep it to 1,000"),
        ("funding_hhi", YEAR.start, YEAR.end, "Text.", "y" * 81, "author's name is 81 characters"),
    ],
)
def test_an_invalid_note_is_refused_in_plain_words_and_nothing_is_written(
    tmp_path, metric_id, start, end, text, author, message
):
    db = tmp_path / "db.duckdb"
    with pytest.raises(ValueError, match=message):
        store.add_note(db, metric_id, start, end, text, True, author)
    assert not db.exists()


def test_a_database_from_before_notes_reads_as_one_without_notes_and_takes_them_at_its_next_write(tmp_path):
    db = tmp_path / "old.duckdb"
    with database.write(db) as con:
        con.execute("DROP TABLE notes")
        con.execute("DROP TABLE events")
    with database.read(db) as con:
        assert {"notes", "events", "annotations"}.isdisjoint(r[0] for r in con.execute("SHOW TABLES").fetchall())
    assert read_notes(db, ["funding_hhi"], YEAR) == []
    assert read_events(db, YEAR.start, YEAR.end) == []

    store.add_note(db, "funding_hhi", YEAR.start, YEAR.end, "Now it has notes.")
    assert [n.text for n in read_notes(db, ["funding_hhi"], YEAR)] == ["Now it has notes."]


def test_events_round_trip_within_their_span(tmp_path):
    db = tmp_path / "db.duckdb"
    approval = store.add_annotation(db, date(2024, 5, 14), "Approval of ondinimab", "approval", public=True)
    retreat = store.add_annotation(db, date(2023, 10, 2), "Scientific retreat", "event")
    assert [(a.date, a.label, a.kind, a.public) for a in read_events(db, date(2023, 1, 1), YEAR.end)] == [
        (date(2023, 10, 2), "Scientific retreat", "event", False),
        (date(2024, 5, 14), "Approval of ondinimab", "approval", True),
    ]
    assert [a.annotation_id for a in read_events(db, date(2024, 5, 14), date(2024, 5, 14))] == [approval]
    assert read_events(db, date(2024, 5, 15), YEAR.end) == []
    assert [a.annotation_id for a in read_events(db, date(2023, 1, 1), YEAR.end, public_only=True)] == [approval]
    assert store.delete_annotation(db, retreat) is True
    assert [a.annotation_id for a in read_events(db, date(2000, 1, 1), YEAR.end)] == [approval]
    with pytest.raises(ValueError, match="one of approval, partner, event, other"):
        store.add_annotation(db, YEAR.start, "A party", "party")
    with pytest.raises(ValueError, match="label is empty"):
        store.add_annotation(db, YEAR.start, "", "other")


@pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "")
def test_the_community_report_carries_public_notes_redacted_and_never_private_ones(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "partners.csv").write_text(
        f"partner_id,name,sector,confidential\nS1,{SECRET},pharma,true\nU1,Northfield University,academic,\n"
        "F1,Kind Foundation,foundation,\nB1,Blue Heron Bio,biotech,\n"
    )
    (folder / "funding.csv").write_text(
        "funding_id,date,partner_id,direction,amount\n"
        "M1,2024-01-10,S1,inbound,90000\nM2,2024-03-10,F1,inbound,50000\nM3,2024-04-10,B1,inbound,20000\n"
        "M4,2024-05-10,U1,outbound,60000\n"
    )
    db = folder / "db.duckdb"
    assert import_files(db, sorted(folder.glob("*.csv"))).ok
    store.add_note(db, "funding_inbound_total", date(2024, 4, 1), date(2024, 6, 30), PUBLIC_TEXT, True, "Maria")
    store.add_note(db, "funding_inbound_total", YEAR.start, YEAR.end, PRIVATE_TEXT, False, "Sam")
    store.add_note(db, "funding_hhi", date(2023, 1, 1), date(2023, 12, 31), "Last year's story.", True)

    out = tmp_path / "bundle"
    written = bundle.write(db, YEAR, out, with_pdf=False)
    html = written.html.read_text()
    assert "Notes from the team" in html
    assert "The spring grant from a partner arrived late, so Q2 looks thin. (Maria)" in html
    summary = json.loads(written.summary.read_text())
    assert summary["notes"] == [
        {
            "metric_id": "funding_inbound_total",
            "start": "2024-04-01",
            "end": "2024-06-30",
            "text": "The spring grant from a partner arrived late, so Q2 looks thin.",
            "author": "Maria",
        }
    ]
    for path in out.rglob("*"):
        if path.suffix in (".html", ".json", ".svg", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert PRIVATE_TEXT not in text and "Last year" not in text, path
            assert SECRET not in text, path


def test_the_funding_page_shows_the_notes_and_marks_the_events(app, noted_db):
    db, secret = noted_db
    at = app(db, "pages/funding.py", period="year", year="2024")
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert PUBLIC_TEXT.replace(SECRET, secret) in shown and PRIVATE_TEXT in shown
    assert "Notes" in [h.value for h in at.subheader]
    assert {"Add a note", "Add an event"} <= {e.label for e in at.expander}
    quarterly = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Approval of ondinimab" in [a["text"] for a in quarterly["layout"]["annotations"]]
    assert "Quiet partner joins" in [a["text"] for a in quarterly["layout"]["annotations"]]


def test_the_community_view_shows_only_public_notes_and_events_and_no_forms(app, noted_db):
    db, secret = noted_db
    at = app(db, "pages/funding.py", period="year", year="2024", view="community")
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert PUBLIC_TEXT.replace(SECRET, "a partner") in shown
    assert PRIVATE_TEXT not in shown and secret not in shown
    assert not {"Add a note", "Add an event"} & {e.label for e in at.expander}
    labels = [a["text"] for a in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"].get("annotations", [])]
    assert "Approval of ondinimab" in labels and "Quiet partner joins" not in labels


def test_a_note_added_through_the_form_is_stored_and_shown(app, sample_db, tmp_path):
    db = tmp_path / "db.duckdb"
    shutil.copyfile(sample_db, db)
    at = app(db, "pages/funding.py", period="year", year="2024")
    at.selectbox(key="funding-notes-metric").select("funding_industry_share")
    at.text_area(key="funding-notes-text").input("Two biotech partners merged in March.")
    at.checkbox(key="funding-notes-public").check()
    at.button(key="funding-notes-submit").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [note] = read_notes(db, None, YEAR)
    assert (note.metric_id, note.start, note.end, note.public) == ("funding_industry_share", YEAR.start, YEAR.end, True)
    assert "Two biotech partners merged in March\\." in [m.value for m in at.markdown]


@pytest.mark.parametrize(
    "page,text",
    [
        ("pages/overview.py", "A retreat was cancelled."),
        ("pages/engagement.py", "A retreat was cancelled."),
        ("pages/science.py", "Two journals were slow."),
    ],
)
def test_every_page_of_metric_charts_shows_its_notes_and_marks_events_on_a_time_chart(
    app, sample_db, tmp_path, page, text
):
    db = tmp_path / "db.duckdb"
    shutil.copyfile(sample_db, db)
    store.add_note(db, "engagement_count", YEAR.start, YEAR.end, "A retreat was cancelled.", public=True)
    store.add_note(db, "publication_count", YEAR.start, YEAR.end, "Two journals were slow.", public=True)
    store.add_annotation(db, date(2023, 5, 1), "New biotech partner", "partner", public=True)
    at = app(db, page, period="year", year="2024")
    assert not at.exception, [e.message for e in at.exception]
    assert text in " ".join(m.value for m in at.markdown).replace("\\", "")
    marked = [
        a.get("text")
        for chart in at.get("plotly_chart")
        for a in json.loads(chart.proto.spec)["layout"].get("annotations", [])
    ]
    assert "New biotech partner" in marked
