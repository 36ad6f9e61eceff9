"""The community report bundle: files, numbers equal to the catalogue, offline HTML, escaping, confidentiality."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from PIL import Image
from pypdf import PdfReader

from metrics import CATALOGUE, Period, compute
from metrics import format as fmt
from reports import bundle, content
from store import database
from store.importer import import_files
from tests.browser import chromium_missing
from tests.conftest import ROOT

reason = chromium_missing()
pytestmark = pytest.mark.skipif(bool(reason), reason=reason or "")
YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))
SECRETS = ["Secret Alpha Pharma", "Hidden Beta Bio"]
EVIL = '<b>Evil "Quote" & Co</b><script>alert(1)</script>'


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def every_text(folder: Path) -> dict[str, str]:
    """Every file of the bundle as text (PDF through its extracted text, PNG skipped)."""
    texts = {}
    for path in folder.rglob("*"):
        if path.suffix == ".pdf":
            texts[str(path)] = pdf_text(path)
        elif path.suffix in (".html", ".json", ".svg", ".txt"):
            texts[str(path)] = path.read_text(encoding="utf-8")
    return texts


class Loads(HTMLParser):
    """Collects every reference a browser would load: src, href on link, srcset, poster, CSS url() and @import."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (
                name in ("src", "srcset", "poster", "data", "xlink:href")
                or (name == "href" and tag in ("link", "image", "use", "script", "img"))
            ):
                self.refs.append(value)
            if name == "style" and value:
                self.refs += re.findall(r"url\(([^)]*)\)", value)
        self.in_style = tag == "style"

    def handle_data(self, data):
        if self.in_style:
            self.refs += re.findall(r"url\(([^)]*)\)", data) + re.findall(r"@import\s+['\"]?([^'\";]+)", data)


@pytest.fixture(scope="module")
def sample_bundle(sample_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle")
    return bundle.write(sample_db, YEAR, out), out


@pytest.fixture(scope="module")
def secret_bundle(tmp_path_factory):
    """A foundation with confidential partners, a partner named with markup, and small counts of people."""
    folder = tmp_path_factory.mktemp("secret")
    (folder / "partners.csv").write_text(
        "partner_id,name,sector,confidential\n"
        f"S1,{SECRETS[0]},pharma,true\nS2,{SECRETS[1]},biotech,yes\n"
        'E1,"<b>Evil ""Quote"" & Co</b><script>alert(1)</script>",pharma,false\n'
        "U1,Northfield University,academic,\nR1,Medicines Agency,regulator,\nF1,Kind Foundation,foundation,\n"
    )
    (folder / "engagements.csv").write_text(
        "engagement_id,date,type,partner_ids,title,patient_participants\n"
        f"G1,2024-02-01,listening_session,S1,Listening session with {SECRETS[0]},3\n"
        "G2,2024-03-01,webinar,E1;U1,Webinar,40\n"
        "G3,2024-05-01,pfdd_meeting,S2;U1;R1,PFDD meeting,7\n"
        "G4,2024-09-01,advisory_board,E1,Advisory board,25\n"
        "G5,2023-06-01,webinar,U1,Webinar,4\n"
    )
    (folder / "funding.csv").write_text(
        "funding_id,date,partner_id,direction,amount\n"
        "M1,2024-01-10,S1,inbound,90000\nM2,2024-02-10,S2,inbound,10000\nM3,2024-03-10,E1,inbound,50000\n"
        "M4,2024-04-10,F1,inbound,20000\nM5,2024-05-10,U1,outbound,60000\n"
    )
    (folder / "programs.csv").write_text(f"program_id,name,partner_ids\nP1,{SECRETS[1]} gene therapy,S2\n")
    (folder / "milestones.csv").write_text(
        "milestone_id,program_id,date,milestone,note\nX1,P1,2024-06-01,ind_cleared,\n"
    )
    (folder / "publications.csv").write_text(
        "publication_id,title,published_date,doi,partner_ids,open_access,lay_summary\n"
        f"B1,Results with {SECRETS[0]},2024-03-01,10.5555/alpha.2024.1,S1,true,false\n"
        "B2,A registry of Ondine syndrome,2024-08-01,10.5555/registry.2024.2,U1,false,true\n"
    )
    db = folder / "db.duckdb"
    result = import_files(db, sorted(folder.glob("*.csv")))
    assert result.ok, [str(p) for p in result.problems]
    out = folder / "bundle"
    return bundle.write(db, YEAR, out, paper="Letter"), out, db


def test_the_bundle_holds_every_promised_file(sample_bundle):
    written, out = sample_bundle
    names = sorted(str(p.relative_to(out)) for p in written.files)
    charts = sorted({p.stem for p in (out / "charts").iterdir()})
    assert {"report.html", "report.pdf", "summary.json"} <= set(names)
    assert charts and all(f"charts/{c}.{ext}" in names for c in charts for ext in ("png", "svg", "txt"))


def test_pngs_are_newsletter_size_at_twice_the_scale_and_svgs_parse(sample_bundle):
    _, out = sample_bundle
    for png in (out / "charts").glob("*.png"):
        assert Image.open(png).size == (2400, 1350), png.name
    for svg in (out / "charts").glob("*.svg"):
        root = ElementTree.parse(svg).getroot()
        assert root.tag.endswith("svg"), svg.name


def test_every_chart_has_alt_text_written_from_its_numbers(sample_bundle):
    _, out = sample_bundle
    for txt in (out / "charts").glob("*.txt"):
        alt = txt.read_text().strip()
        assert len(alt) > 60 and re.search(r"\d", alt), txt.name


def test_the_pdf_states_the_headline_numbers_of_the_catalogue(sample_bundle, sample_db):
    written, _ = sample_bundle
    with database.read(sample_db) as con:
        values = compute(con, YEAR.start, YEAR.end)
    text = pdf_text(written.pdf)
    for metric_id in (
        "partner_active_count",
        "engagement_count",
        "funding_inbound_total",
        "publication_count",
        "milestone_count",
        "publication_open_access_share",
    ):
        shown = fmt.value(CATALOGUE[metric_id], values[metric_id], "USD")
        assert shown in text, (metric_id, shown)
    assert (
        f"In 2024, {values['partner_active_count']} partners worked with us in {values['engagement_count']:,}" in text
    )
    pages = PdfReader(written.pdf).pages
    assert f"Page 1 of {len(pages)}" in pages[0].extract_text()
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1].extract_text()


def test_summary_json_holds_every_metric_and_the_period(sample_bundle, sample_db):
    written, _ = sample_bundle
    summary = json.loads(written.summary.read_text())
    with database.read(sample_db) as con:
        values = compute(con, YEAR.start, YEAR.end)
    assert summary["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert set(summary["metrics"]) == set(CATALOGUE)
    assert summary["metrics"]["funding_inbound_total"] == values["funding_inbound_total"]
    assert summary["data_as_of"] and "rules" in summary


def test_the_html_loads_nothing_from_the_network(sample_bundle):
    written, _ = sample_bundle
    html = written.html.read_text()
    parser = Loads()
    parser.feed(html)
    assert parser.refs, "the logo at least is an embedded reference"
    assert [r for r in parser.refs if not r.startswith(("data:", "#"))] == []
    assert "http://" not in html and "https://" not in html


def test_a_name_with_markup_and_quotes_is_escaped_never_markup(secret_bundle):
    _, out, _ = secret_bundle
    html = (out / "report.html").read_text()
    assert "<script>" not in html and "<b>Evil" not in html
    assert "&lt;b&gt;Evil &#34;Quote&#34; &amp; Co&lt;/b&gt;" in html or "&lt;b&gt;Evil &quot;Quote&quot;" in html


def test_no_confidential_name_appears_in_any_file(secret_bundle):
    _, out, _ = secret_bundle
    for path, text in every_text(out).items():
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (secret, path)


def test_counts_of_people_from_1_to_10_are_suppressed_and_cannot_be_recovered(secret_bundle):
    _, out, db = secret_bundle
    summary = json.loads((out / "summary.json").read_text())
    # 2024: 3 + 40 + 7 + 25 = 75 patients in all; by type: listening 3 and PFDD 7 are small, webinar 40, board 25.
    assert summary["metrics"]["engagement_patient_participants"] == 75
    assert summary["prior_metrics"]["engagement_patient_participants"] == "<11"  # 2023: 4
    html = (out / "report.html").read_text()
    table = html[html.index("Touchpoints and the patients and caregivers in them") :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    cells = [unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", table)]
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    by_kind = {r[0]: r[2] for r in rows}
    assert by_kind["Listening session"] == "<11" and by_kind["PFDD meeting"] == "<11"
    assert by_kind["All touchpoints"] == "75"
    in_json = {r["type"]: r["patient_participants"] for r in summary["touchpoints_by_type"]}
    assert in_json == {"listening_session": "<11", "pfdd_meeting": "<11", "webinar": 40, "advisory_board": 25}
    shown = [int(v.replace(",", "")) for k, v in by_kind.items() if k != "All touchpoints" and v.isdigit()]
    assert 75 - sum(shown) > 10 or sum(1 for v in by_kind.values() if not v.replace(",", "").isdigit()) >= 2
    for text in every_text(out).values():
        assert not re.search(r"\b(3|7) patients", text)


def test_a_confidential_pool_of_fewer_than_3_is_not_shown_on_its_own(secret_bundle):
    _, out, _ = secret_bundle
    funders = json.loads((out / "summary.json").read_text())["funders"]
    # 2024: Secret Alpha 90,000 and Hidden Beta 10,000 make a pool of 2: Kind Foundation (20,000, the smallest
    # named funder) joins, 90 / 120 = 75% of a pool of 3. But Q1 2024 holds Secret Alpha, Hidden Beta and Evil
    # (50,000) only: there the pool of 2 takes Evil in (90 / 150 = 60%). The pool is the same in a year and its
    # quarters (or a quarter's named amount would take the year's apart), so every 2024 funder is pooled.
    assert [f["funder"] for f in funders] == ["Other partners"]
    assert [f["amount"] for f in funders] == [170000.0]


def test_letter_paper_gives_letter_pages(secret_bundle):
    written, _, _ = secret_bundle
    box = PdfReader(written.pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_the_command_line_writes_the_bundle(tmp_path, sample_db):
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "cli.py"),
            "report",
            "--db",
            str(sample_db),
            "--start",
            "2024-10-01",
            "--end",
            "2024-12-31",
            "--out",
            str(out),
            "--paper",
            "A4",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "report.pdf").exists() and (out / "summary.json").exists()
    assert str(out / "report.html") in done.stdout.splitlines()
    assert json.loads((out / "summary.json").read_text())["period"] == {"start": "2024-10-01", "end": "2024-12-31"}


def test_statistics_of_the_money_are_hidden_when_every_funder_is_in_the_pool(secret_bundle):
    written, out, _ = secret_bundle
    summary = json.loads(written.summary.read_text())
    # Q1 2024 holds Secret Alpha 90,000 and Hidden Beta 10,000 (confidential) and Evil 50,000: Evil joins their pool
    # (2 partners alone); in the year, Kind Foundation (20,000) joins too. Every funder is in "Other partners", the
    # one cell published: 170,000. Rule 6 allows only what that cell gives, so the largest funder's share, the
    # industry share and the concentration index are hidden, and Secret Alpha's own share (53%) shows nowhere.
    for metric_id in ("funding_top_partner_share", "funding_industry_share", "funding_hhi"):
        assert summary["metrics"][metric_id] is None and metric_id in summary["hidden"], metric_id
    assert summary["metrics"]["funding_inbound_total"] == 170_000
    assert summary["funders"] == [{"funder": "Other partners", "amount": 170_000.0}]
    assert "53%" not in pdf_text(written.pdf)


def section_of(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


def test_the_publications_are_listed_with_their_titles_and_years_not_as_bare_dois(sample_bundle, sample_db):
    written, _ = sample_bundle
    with database.read(sample_db) as con:
        titles = con.execute(
            "SELECT title, published_date, doi FROM publications WHERE published_date BETWEEN ? AND ? "
            "ORDER BY published_date DESC, title",
            [YEAR.start, YEAR.end],
        ).fetchall()
    html = written.html.read_text()
    listed = section_of(html, "publication-list")
    items = re.findall(r"<li>(.*?)</li>", listed, re.S)
    assert len(items) == len(titles) > 0
    for item, (title, published, doi) in zip(items, titles, strict=True):
        text = unescape(re.sub(r"<[^>]+>", "", item))
        assert title in text and str(published.year) in text, text
        if doi:  # the DOI is there, small, after the title and the year: never the list itself
            assert f'<span class="doi">doi:{doi}</span>' in item and text.index(title) < text.index(doi)
    assert '<th scope="col">DOI</th>' not in html  # no table of DOIs
    publications = section_of(html, "publications")
    assert 'href="#publication-list"' in publications and "their titles and years" in publications
    text = pdf_text(written.pdf)
    assert "Appendix: the publications of 2024" in text and titles[0][0] in " ".join(text.split())


def test_a_journal_is_shown_when_the_rows_carry_one_and_a_doi_the_gate_would_change_is_left_out():
    # As the gate redacts a journal's name or a DOI (each a kind of text it has a rule for).
    lens = SimpleNamespace(text=lambda t, field: re.sub("cedar", "a partner", t, flags=re.I))
    row = SimpleNamespace(
        title="Breathing at night",
        published_date=date(2024, 5, 2),
        doi="10.5555/cedar.1",
        journal="Cedar Journal of Sleep",
        peer_reviewed=True,
        open_access=False,
        lay_summary=None,
    )
    ref = content.reference(row, lens)
    assert (ref.title, ref.year, ref.published, ref.journal) == (
        "Breathing at night",
        2024,
        "May 2024",
        "a partner Journal of Sleep",
    )
    assert ref.kinds == ("Peer reviewed",) and ref.doi == ""
    assert content.reference(SimpleNamespace(**{**vars(row), "doi": "10.5555/x.1"}), lens).doi == "10.5555/x.1"


def test_the_glossary_explains_in_plain_words_the_terms_the_report_uses(sample_bundle, sample_db):
    written, _ = sample_bundle
    with database.read(sample_db) as con:
        report = content.build(con, YEAR)
    words = content.report_words(report)
    terms = {t.term: t.meaning for t in report.glossary}
    # Jargon a family meets in this report, each explained: milestones, the period, publishing words, meetings.
    for term in (
        "IND cleared",
        "Phase 1 started",
        "Period",
        "Open access",
        "Lay summary",
        "Median",
        "Touchpoint",
        "PFDD meeting",
        "Convening",
        "Patient-voice session",
        "Other partners",
        "Stage of research",
    ):
        assert term in terms, term
    assert "Investigational New Drug" in terms["IND cleared"] and "“Per year”" in terms["Period"]
    # The catalogue's own words where it has them.
    assert "an industry partner, a regulator and an academic partner" in terms["Convening"]
    assert "patient-focused drug development (PFDD) meetings" in terms["Patient-voice session"]
    # Every term explained is one the report uses, and no term is explained that it does not (no HHI is shown).
    assert all(re.search(t.pattern, words, re.I) for t in report.glossary)
    assert "Funding concentration (HHI)" not in terms and "HHI" not in words
    # Every milestone and kind of touchpoint in the report's tables has its entry.
    for section in report.sections:
        for table in section.tables:
            for row in table.rows:
                if row[0] != "All touchpoints" and row[0] != "Other" and table.columns[0] == "Kind of touchpoint":
                    assert row[0] in terms, row[0]
            if "Milestone" in table.columns:
                assert {row[table.columns.index("Milestone")] for row in table.rows} <= set(terms)
    html = written.html.read_text()
    glossary = section_of(html, "glossary")
    assert glossary.count("<dt>") == len(report.glossary) and "<dt>IND cleared</dt>" in glossary
    assert "Words used in this report" in pdf_text(written.pdf)


def test_headings_are_kept_with_what_follows_them(sample_bundle):
    written, _ = sample_bundle
    html = written.html.read_text()
    style = html[html.index("<style>") : html.index("</style>")]
    assert re.search(r"h1, h2, h3[^{]*\{[^}]*break-after: avoid", style)
    assert re.search(r"h2 \+ \*, h3 \+ \*[^{]*\{[^}]*break-before: avoid", style)
    assert re.search(r"figure \{[^}]*break-inside: avoid", style) and re.search(
        r"table \{[^}]*break-inside: avoid", style
    )
    headings = {unescape(h) for h in re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", html)}
    for number, page in enumerate(PdfReader(written.pdf).pages, 1):
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        last = lines[-2] if len(lines) > 1 else ""  # the last line above the footer
        assert last not in headings, (number, last)


def test_the_glossary_and_the_publication_list_keep_the_rules(secret_bundle):
    _, out, _ = secret_bundle
    html = (out / "report.html").read_text()
    listed = unescape(section_of(html, "publication-list"))
    assert "Results with a partner" in listed and "A registry of Ondine syndrome" in listed
    assert "alpha" not in listed.lower() and "doi:10.5555/registry.2024.2" in listed  # the gate would change it
    glossary = unescape(section_of(html, "glossary"))
    assert "<dt><11</dt>" in glossary and "<dt>Other partners</dt>" in glossary
    for secret in SECRETS:
        assert secret.lower() not in glossary.lower() and secret.lower() not in listed.lower()
