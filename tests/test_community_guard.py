"""The guarding test: every output a person outside the staff and board can see, rendered from the "secret"
foundation (tests/secret.py), names no confidential partner nor a distinctive word of its name, shows no count of
1 to 10 people, gives no number that takes a pooled amount apart, and renders no markup from the data.

The outputs: each page in the community-safe view, every Present slide in it, the community board pack, the
community report bundle (HTML, PDF text, SVG, PNG alt text, summary.json), every public download (the newsletter
and slide images of every chart, drawn from the internal view and from the community view, and the CSVs of the
community view), `cli.py metrics --community`, and the community report's e-mail (`cli.py deliver`). A new public
output gets a case here before it ships.

Then the no-differencing rule: community outputs refuse any period but a calendar quarter or year, and any
filter, with a sentence; Q4 2023 and 2023 are produced.

Its pool-split case (rule 6: two foundations that differ only in how the pool's money is split get identical
community outputs) is tests/test_pool_split.py, over these same outputs and this module's PAGES.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import exports
from charts import catalogue
from community import Refused
from community.rules import HIDDEN, SMALL
from lens import Direct, Lens, View
from metrics import Filters, Period
from metrics import format as fmt
from reports import bundle, slides
from store import database
from tests import secret
from tests.browser import chromium_missing
from tests.conftest import ROOT, each_section, open_section, plain_text
from ui import navigation

Y2023 = Period(date(2023, 1, 1), date(2023, 12, 31))
Y2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
Q4_2023 = Period(date(2023, 10, 1), date(2023, 12, 31))
PERIODS = {"2023": Y2023, "2024": Y2024, "Q4 2023": Q4_2023}
# Every page with a community-safe view (ui/navigation.py) but two, which join the cases that fit them: Present,
# whose slides are checked one by one, and the report's page, which shows the report's builder and no figures.
PAGES = [p.path for p in navigation.PAGES if p.community and p.path not in ("pages/present.py", "pages/reports.py")]
needs_chromium = pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "")


def _forbidden() -> set[int]:
    """Amounts that would take a pool apart: in 2023 any sum of funders' money but N4's own (named), the pool
    (S1 + E1 + N3) and the total; in 2024, where no amount received may show, every sum of them."""
    y2023 = {"S1": 123_457, "E1": 41_813, "N3": 12_989, "N4": 67_891}
    allowed = {67_891, 178_259, 246_150}
    sums = set()
    for amounts, keep in ((y2023, allowed), (secret.SECRET_2024, set())):
        for n in range(1, len(amounts) + 1):
            for combo in itertools.combinations(amounts.values(), n):
                if sum(combo) not in keep:
                    sums.add(sum(combo))
    return sums


FORBIDDEN = _forbidden()
# Each amount as an output may write it (1,234 / 1234 / $1.2K), compiled once: the guard searches every text for all.
FORBIDDEN_FORMS = [
    (form, re.compile(rf"(?<![\w,.]){re.escape(form)}(?![\w,]|\.0*[1-9])"))
    for amount in sorted(FORBIDDEN)
    for form in dict.fromkeys((f"{amount:,}", str(amount), fmt.money(amount, "USD", compact=True)))
]
FORBIDDEN_ANY = re.compile("|".join(f"(?:{p.pattern})" for _, p in FORBIDDEN_FORMS))
# "9 patients", but not the rules' own words ("between 1 and 10 people", "from 1 to 10 people").
SMALL_PEOPLE = re.compile(
    r"(?<![\w.,$])(?<!and )(?<!to )(?:[1-9]|10)\s+(?:patients?|participants?|people|attendees|caregivers)\b(?!-)",
    re.I,
)
MARKUP_SEEN = ("<b>Bio</b>", "<b>involved</b>", "<script>")  # markup of the data, rendered as markup


def as_read(text: str) -> str:
    """Text as a reader compares names: escapes decoded (JSON's \\u00e9 form, HTML's entities), full-width letters
    plain, accents off, zero-width characters and soft hyphens gone, in lower case."""
    text = html.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text))
    kept = (c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) not in ("Mn", "Mc", "Me", "Cf"))
    return "".join(kept).casefold()


def leaks(text: str, markup: str | None = "markdown") -> list[str]:
    """What in an output's text breaks the rules. markup says how the text is read: "markdown" (Streamlit's
    elements, Plotly's JSON) or "html", where the data's markup must be escaped; None when the text is already what
    a reader sees (a table's cells, a PDF's or an SVG's words), where the data's markup shows as the text it is."""
    found = []
    if secret.DISTINCTIVE.casefold() in as_read(text):  # inside any word, however written (secret.SPELLINGS)
        found.append(secret.DISTINCTIVE)
    if FORBIDDEN_ANY.search(text):
        found += [form for form, pattern in FORBIDDEN_FORMS if pattern.search(text)]
    # A PDF's page counter ("Page 5 of 8") runs into the next page's first words ("Patient participants").
    found += SMALL_PEOPLE.findall(re.sub(r"\bPage \d+ of \d+\b", "Page", text))
    if markup:
        found += [m for m in MARKUP_SEEN if m in text]
    if markup == "markdown":
        found += re.findall(r"!\[x\]\(http://evil", text)  # a markdown image that would be fetched
    return found


# Each page and each Present slide in the community-safe view ---------------------------------------------------


def texts(at: AppTest, tables: bool = True) -> list[str]:
    """What the page shows: each element's markdown or proto, each chart's JSON, and (tables) each table's cells,
    which show as plain text whatever they hold."""
    out = []
    for node in at._tree:
        if node.type == "dataframe":
            if tables:
                out.append(node.value.to_csv(index=False))
        elif node.type == "plotly_chart":
            out.append(json.dumps(decoded(json.loads(node.proto.spec)), ensure_ascii=False))
        elif getattr(node, "proto", None) is not None:
            out.append(str(node.proto))
    return out


def table_texts(at: AppTest) -> list[str]:
    return [node.value.to_csv(index=False) for node in at._tree if node.type == "dataframe"]


def decoded(node):
    """A Plotly figure's JSON with its base64 typed arrays as plain lists, so that every number can be read."""
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            return numbers(node)
        return {k: decoded(v) for k, v in node.items()}
    if isinstance(node, list):
        return [decoded(v) for v in node]
    return node


def numbers(array) -> list:
    """A trace's values, decoding Plotly's base64 typed arrays (missing values read None)."""
    if isinstance(array, dict):
        array = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return [None if v is None or v != v else v for v in (array or [])]


def open_page(app, db, page, period: Period, **params) -> AppTest:
    at = app(
        db,
        page,
        view="community",
        period="custom",
        **{"from": period.start.isoformat()},
        to=period.end.isoformat(),
        **params,
    )
    assert not at.exception, [e.message for e in at.exception]
    return at


def assert_page_is_safe(at: AppTest) -> None:
    for text in texts(at, tables=False):  # markdown, captions, labels and charts: the data's markup escaped
        assert not leaks(text), (leaks(text), text[:400])
    for text in table_texts(at):  # a table shows its cells as text: markup there is harmless
        assert not leaks(text, markup=None), (leaks(text, markup=None), text[:400])
    for card in at.metric:
        if card.label == "Patient participants":
            assert card.value in (SMALL, "0") or int(card.value.replace(",", "")) > 10, card.value
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            if trace.get("name") in ("Patient participants", "Participants"):
                assert not any(v is not None and 1 <= v <= 10 for v in numbers(trace.get("y"))), trace
    banners = [i.value for i in at.info if "Community" in i.value]
    assert banners and "Records through" in banners[0], "every community page states the period, date and rules"


@pytest.mark.parametrize("period", ["2023", "2024", "Q4 2023"])
@pytest.mark.parametrize("page", [*PAGES, "pages/reports.py"])
def test_every_page_in_the_community_view_is_safe(app, secret_db, page, period):
    at = open_page(app, secret_db, page, PERIODS[period])
    if page == "pages/reports.py":
        assert all(not leaks(text) for text in texts(at))
        return
    for _ in each_section(at, page):  # a page in sections draws the open one alone: each is opened in turn
        assert not at.exception, [e.message for e in at.exception]
        assert_page_is_safe(at)


@pytest.mark.parametrize("period", ["2023", "2024"])
@pytest.mark.parametrize("slide", range(1, 8))
def test_every_present_slide_in_the_community_view_is_safe(app, secret_db, period, slide):
    at = open_page(app, secret_db, "pages/present.py", PERIODS[period], slide=str(slide))
    shown = texts(at)
    assert any(
        f'class=\\"slide-counter\\">{slide} / 7' in t or f'class="slide-counter">{slide} / 7' in t for t in shown
    )
    for text in shown:
        assert not leaks(text), (leaks(text), text[:400])


SAMPLE_SECRETS = re.compile(r"\b(Castrelle|Sableford|Kestrane|Blue|Heron)\b", re.I)  # confidential in sample_data


@pytest.mark.parametrize("page", [*PAGES, "pages/present.py"])
def test_every_page_of_the_sample_foundation_in_the_community_view_names_no_confidential_partner(app, sample_db, page):
    at = app(sample_db, page, view="community", period="year", year="2024")
    assert not at.exception, [e.message for e in at.exception]
    for _ in each_section(at, page):
        for text in texts(at):
            assert not SAMPLE_SECRETS.search(text), SAMPLE_SECRETS.search(text)
    if page in ("pages/overview.py", "pages/engagement.py"):
        [people] = [c.value for c in at.metric if c.label == "Patient participants"]
        assert int(people.replace(",", "")) % 5 == 0  # 4,049 in 2024, shown rounded to 5: 4,050


def test_a_public_note_and_event_show_redacted_and_markup_as_text(app, secret_db):
    at = open_page(app, secret_db, "pages/funding.py", Y2024)
    notes = [m.value for m in at.markdown if "renewed its grant" in m.value]
    assert notes and "a partner renewed its grant" in notes[0] and "\\<b\\>involved" in notes[0]
    assert not any(secret.PRIVATE_NOTE in t or secret.PRIVATE_EVENT in t for t in texts(at))
    quarters = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "a partner joins" in [a.get("text") for a in quarters["layout"].get("annotations", [])]


# The board pack and the report bundle ---------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@needs_chromium
@pytest.mark.parametrize("period", ["2023", "2024"])
def test_the_community_board_pack_is_safe(secret_db, tmp_path, period):
    with database.read(secret_db) as con:
        out = slides.board_pack(Lens(Direct(con), View(PERIODS[period], community=True)), tmp_path / "pack.pdf")
    text = pdf_text(out)
    assert not leaks(text, markup=None), leaks(text, markup=None)
    assert exports.INTERNAL not in text


@needs_chromium
def test_the_internal_board_pack_says_it_is_internal(secret_db, tmp_path):
    with database.read(secret_db) as con:
        out = slides.board_pack(Lens(Direct(con), View(Y2024)), tmp_path / "pack.pdf")
    assert all(exports.INTERNAL in page.extract_text() for page in PdfReader(out).pages)


@pytest.fixture(scope="module", params=["2023", "2024"])
def report(request, secret_db, tmp_path_factory):
    """The report bundle of a year: whole where Chromium runs; else its HTML (each chart as its alt text alone) and
    summary.json, which need no browser (make check)."""
    out = tmp_path_factory.mktemp("report")
    return bundle.write(secret_db, PERIODS[request.param], out, charts=not chromium_missing()), out


def test_the_report_html_is_safe_and_escapes_markup(report):
    written, _ = report
    html = written.html.read_text(encoding="utf-8")
    assert not leaks(html, markup="html"), leaks(html, markup="html")
    assert "&lt;b&gt;Bio&lt;/b&gt;" in html  # the markup partner is thanked by name, its markup as text
    assert not re.search(r"<(img|image)[^>]*evil", html)
    assert "Records through" in html and "calendar quarters and years" in html


@needs_chromium
def test_the_report_pdf_svgs_and_alt_texts_are_safe(report):
    written, out = report
    assert not leaks(pdf_text(written.pdf), markup=None)
    for svg in (out / "charts").glob("*.svg"):
        words = " ".join(ET.fromstring(svg.read_bytes()).itertext())
        assert not leaks(words, markup=None), (svg.name, leaks(words, markup=None))
    for alt in (out / "charts").glob("*.txt"):
        assert not leaks(alt.read_text(encoding="utf-8"), markup=None), alt.name


def test_summary_json_is_safe(report):
    written, _ = report
    text = written.summary.read_text(encoding="utf-8")
    assert not leaks(text, markup=None), leaks(text, markup=None)
    summary = json.loads(text)
    people = summary["metrics"]["engagement_patient_participants"]
    assert people == SMALL or people == 0 or people > 10
    for row in summary["touchpoints_by_type"]:
        value = row["patient_participants"]
        assert value in (SMALL, HIDDEN, 0) or value > 10, row
    assert summary["records_through"] == "2024-10-01"  # F10, the last record


# Every public download ------------------------------------------------------------------------------------------


PUBLIC = [name for name, chart in catalogue.CHARTS.items() if chart.public]


@needs_chromium
@pytest.mark.parametrize("community", [False, True], ids=["from-the-internal-view", "from-the-community-view"])
@pytest.mark.parametrize("period", ["2023", "2024"])
def test_every_newsletter_image_is_drawn_through_the_gate_whatever_the_view(secret_db, period, community):
    with database.read(secret_db) as con:
        lens = Lens(Direct(con), View(PERIODS[period], community=community))
        for name in PUBLIC:
            drawn = catalogue.draw(name, lens)
            files = {f.label: f for f in exports.chart_downloads(name, lens, drawn, name)}
            svg = files["Vector image (SVG)"].make()
            words = " ".join(ET.fromstring(svg).itertext())
            assert not leaks(words, markup=None), (name, leaks(words, markup=None))
            alt = catalogue.draw(name, lens.public()).alt
            assert not leaks(alt, markup=None), (name, alt)
            if community:
                csv = files["Numbers (CSV)"].make().decode("utf-8-sig")
                assert not leaks(csv, markup=None), (name, leaks(csv, markup=None))
        png = exports.chart_downloads("funders", lens, catalogue.draw("funders", lens), "funders")[1].make()
        assert png.startswith(b"\x89PNG")


def test_the_internal_views_own_downloads_say_they_are_internal(secret_db):
    with database.read(secret_db) as con:
        lens = Lens(Direct(con), View(Y2023))
        drawn = catalogue.draw("funders", lens)
        files = {f.label: f for f in exports.chart_downloads("funders", lens, drawn, "funders")}
    assert files["Numbers (CSV), internal"].make().decode("utf-8-sig").startswith(exports.INTERNAL)
    stamp = [a.text for a in exports.stamped(drawn.figure).layout.annotations]
    assert f"<b>{exports.INTERNAL}</b>" in stamp and "Slide image (PNG), internal" in files


def test_a_partners_profile_chart_is_never_offered_for_a_newsletter(secret_db):
    with database.read(secret_db) as con:
        lens = Lens(Direct(con), View(Y2023)).for_partner("E1")
        drawn = catalogue.draw("partner-timeline", lens)
        files = {f.label: f for f in exports.chart_downloads("partner-timeline", lens, drawn, "p")}
    assert (
        files["Newsletter image (PNG)"].make is None
        and "profile is internal" in files["Newsletter image (PNG)"].refused
    )


def test_the_command_line_community_metrics_are_safe(secret_db):
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "metrics", "--db", str(secret_db), "--start", "2024-01-01",
         "--end", "2024-12-31", "--json", "--community"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not leaks(done.stdout, markup=None)
    payload = json.loads(done.stdout)
    assert payload["metrics"]["engagement_patient_participants"] == SMALL
    assert (
        payload["metrics"]["funding_inbound_total"] is None
        and "funding_inbound_total" in payload["community_safe"]["hidden"]
    )


@needs_chromium
@pytest.mark.parametrize(("period", "today"), [("Q4 2023", "2024-01-10"), ("2024", "2025-01-10")])
def test_the_community_report_by_e_mail_is_safe(secret_db, tmp_path, period, today):
    # The subscription's e-mail: its subject, its body (headline numbers) and the PDF attached, as `cli.py deliver
    # --dry-run` writes it (sending it changes none of it).
    import email
    import email.policy
    import shutil

    from delivery import deliver

    db = tmp_path / "secret.duckdb"
    shutil.copyfile(secret_db, db)
    kind = "last_full_quarter" if period.startswith("Q") else "last_full_year"
    conf = tmp_path / "foundation.toml"
    conf.write_text(
        '[smtp]\nhost = "127.0.0.1"\nsender = "impact@example.org"\n[[subscriptions]]\nname = "community"\n'
        f'send = "community_report"\nperiod = "{kind}"\nto = ["news@example.org"]\n',
        encoding="utf-8",
    )
    (outcome,) = deliver.run(db, conf, today=date.fromisoformat(today), dry_run=tmp_path / "outbox")
    assert outcome.period == period
    message = email.message_from_bytes(outcome.files[0].read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    for text in (message["Subject"], body):
        assert not leaks(text, markup=None), leaks(text, markup=None)
    assert "Records through" in body and "never named" in body and exports.INTERNAL not in body
    (attachment,) = message.iter_attachments()
    (tmp_path / "report.pdf").write_bytes(attachment.get_content())
    assert not leaks(pdf_text(tmp_path / "report.pdf"), markup=None)


# Markup from the data or the address bar, in the internal view too -----------------------------------------------


def test_a_partner_named_with_markup_shows_as_text_in_its_profile(app, secret_db):
    at = app(secret_db, "pages/partners.py", period="year", year="2023", partner="E1")
    assert not at.exception, [e.message for e in at.exception]
    assert (
        at.subheader[-1].value
        == "\\*\\*Orchid\\*\\* \\<b\\>Bio\\</b\\> \\!\\[x\\]\\(http\\://evil\\.invalid/x\\.png\\)"
    )
    timeline = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "&lt;b&gt;Bio&lt;/b&gt;" in timeline["layout"]["title"]["text"]
    assert "<b>Bio" not in timeline["layout"]["title"]["text"]


def test_a_partner_in_the_link_is_echoed_as_text(app, secret_db):
    asked = "![x](http://evil.invalid/p.png) <img src=x>"
    at = app(secret_db, "pages/partners.py", period="year", year="2023", partner=asked)
    assert not at.exception
    [said] = [i.value for i in at.info if "The link asks for partner" in i.value]
    assert "\\!\\[x\\]\\(" in said and "\\<img" in said  # escaped: shown as text, never fetched nor drawn
    assert asked in plain_text(said)


# No differencing: published periods only, no filters ------------------------------------------------------------

H2_2023 = Period(date(2023, 7, 1), date(2023, 12, 31))
ALMOST_2023 = Period(date(2023, 1, 1), date(2023, 12, 30))


@pytest.mark.parametrize("period", [H2_2023, ALMOST_2023], ids=["half-year", "a-year-less-a-day"])
def test_the_report_refuses_a_period_that_is_not_a_calendar_quarter_or_year(secret_db, tmp_path, period):
    with pytest.raises(Refused, match="calendar quarters and calendar years only"):
        bundle.write(secret_db, period, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "report", "--db", str(secret_db), "--start", period.start.isoformat(),
         "--end", period.end.isoformat(), "--out", str(tmp_path / "cli")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "Choose a calendar quarter or year" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "cli").exists()


@needs_chromium
@pytest.mark.parametrize("period", [Q4_2023, Y2023], ids=["Q4 2023", "2023"])
def test_the_report_is_produced_for_a_calendar_quarter_and_a_year(secret_db, tmp_path, period):
    written = bundle.write(secret_db, period, tmp_path / "out", with_pdf=False)
    assert json.loads(written.summary.read_text())["period"]["start"] == period.start.isoformat()


@pytest.mark.parametrize(
    "params,why",
    [
        ({"period": "custom", "from": "2023-07-01", "to": "2023-12-31"}, "calendar quarters and calendar years only"),
        ({"period": "custom", "from": "2023-01-01", "to": "2023-12-30"}, "calendar quarters and calendar years only"),
        ({"period": "last-12-months"}, "calendar quarters and calendar years only"),
        ({"period": "year", "year": "2023", "sector": "medtech"}, "take no filter"),
        ({"period": "year", "year": "2023", "kind": "research_investment"}, "take no filter"),
        ({"period": "year", "year": "2023", "stage": "clinical"}, "take no filter"),
    ],
)
@pytest.mark.parametrize("page", [*PAGES, "pages/present.py", "pages/reports.py"])
def test_the_community_view_refuses_other_periods_and_any_filter_with_a_sentence(app, secret_db, page, params, why):
    at = app(secret_db, page, view="community", **params)
    assert not at.exception, [e.message for e in at.exception]
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any(why in w for w in warnings), warnings
    assert not at.get("plotly_chart") and not at.metric and not at.dataframe


@pytest.mark.parametrize("period", [Q4_2023, Y2023], ids=["Q4 2023", "2023"])
def test_the_community_view_shows_a_calendar_quarter_and_a_year(app, secret_db, period):
    at = open_page(app, secret_db, "pages/overview.py", period)
    assert not at.warning and at.metric and at.get("plotly_chart")


def test_a_newsletter_image_of_a_period_that_is_not_published_is_refused_with_a_sentence(secret_db):
    with database.read(secret_db) as con:
        lens = Lens(Direct(con), View(H2_2023))
        files = exports.chart_downloads("funding", lens, catalogue.draw("funding", lens), "funding")
        filtered = Lens(Direct(con), View(Y2023, Filters(sectors=("pharma",))))
        narrowed = exports.chart_downloads("funding", filtered, catalogue.draw("funding", filtered), "funding")
    newsletter = {f.label: f for f in files}["Newsletter image (PNG)"]
    assert newsletter.make is None and "calendar quarters and calendar years only" in newsletter.refused
    assert {f.label: f for f in narrowed}["Vector image (SVG)"].refused.startswith("Community-safe outputs cover")


# The checks catch what they look for --------------------------------------------------------------------------


def test_the_checks_catch_the_internal_view(app, secret_db):
    # The internal view names Cedar Devices, shows 9 patient participants and every amount: the same checks must
    # fail on it, or they would prove nothing.
    at = app(secret_db, "pages/funding.py", period="year", year="2024")
    found = [hit for _ in each_section(at, "pages/funding.py") for text in texts(at) for hit in leaks(text)]
    assert secret.DISTINCTIVE in found and {"905313", "905,313"} & set(found)
    open_section(at, "pages/funding.py", "Where it came from and went")  # the funders, by name
    with pytest.raises(AssertionError):
        assert_page_is_safe(at)
    assert leaks("with 9 patients and caregivers") and leaks("<b>Bio</b>") and leaks("$123.5k")
    assert all(leaks(spelling, markup=None) for spelling in (*secret.SPELLINGS, "\\uff23edar", "&#67;edar"))


def test_the_switch_is_restored_from_the_link_and_written_back(app, secret_db):
    at = app(secret_db, None, view="community", period="year", year="2024")
    assert at.toggle(key="community").value is True and at.session_state["view"].community
    assert dict(at.query_params) == {"view": "community", "period": "year", "year": "2024"}
    plain = app(secret_db, None, view="something-else")
    assert plain.toggle(key="community").value is False and not plain.session_state["view"].community
    assert "view" not in plain.query_params


def _frame_writes_the_link() -> None:
    """A script for AppTest: the frame's link writer, with the switch as the session says."""
    from datetime import date

    import streamlit as st

    from metrics import Filters, Period
    from ui import filters

    last_year = Period(date(2025, 1, 1), date(2025, 12, 31))
    filters.write_to_url("last-full-year", last_year, Filters(), st.session_state.get("community", False))


@pytest.mark.parametrize("on", [True, False])
def test_turning_the_switch_on_or_off_writes_the_link(on):
    at = AppTest.from_function(_frame_writes_the_link)
    at.query_params["view"] = "community" if not on else "x"
    at.session_state["community"] = on
    at.run()
    assert not at.exception
    assert at.query_params.get("view") == ("community" if on else None)
