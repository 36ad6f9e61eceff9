"""PubMed's exports (MEDLINE .nbib/.txt and Save > CSV) import as publications: dates, DOIs, open access, grants
matched to the foundation's funding records, the same paper by DOI, and problems at their line and tag."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from metrics import compute
from store import database
from store.importer import import_files, preview
from tests.conftest import ROOT, own_copy
from tests.conftest import fetch as rows
from tests.conftest import write_files as files

PARTNERS = "partner_id,name,sector\nP1,Acme Pharma,pharma\nP2,North University,academic\n"
# The foundation's grant to North University is R01-NS012345; Acme's sponsorship carries a partnership.
FUNDING = (
    "funding_id,date,partner_id,direction,amount\n"
    "R01-NS012345,2022-01-10,P1,inbound,50000\n"
    "FND-2022-07,2022-03-01,P2,outbound,20000\n"
)

# Three papers, in the layout of PubMed's "Send to > Citation manager" (tags padded to four characters, long values
# continued on lines indented by six spaces). What each becomes:
# - 37000001: DP 2023 Mar (1 Mar), DEP 16 Feb 2023 and PHST [epublish] 16 Feb: the earliest, 2023-02-16. PMC id:
#   open access. GR "R01 NS012345" is funding R01-NS012345 (case, space and dash aside): partner P1 (pharma).
# - 37000002: DP 2023 Spring, a season: its first month, 2023-03-01. A preprint: not peer reviewed. No PMC id.
#   GR FND-2022-07 is the foundation's grant to P2 (academic).
# - 37000003: DP "2022 Dec-2023 Jan" (the range's first day: 2022-12-01), PHST [aheadofprint] 2022/11/20:
#   2022-11-20. Its [received] date does not count. A book's BTI stands for the missing TI.
MEDLINE = """\
PMID- 37000001
OWN - NLM
DP  - 2023 Mar
TI  - Natural history of disease X: a registry study with a title long enough
      to continue on a second line.
LID - 10.1000/NH.2023.001 [doi]
GR  - R01 NS012345/NS/NINDS NIH HHS/United States
PT  - Journal Article
DEP - 20230216
PMC - PMC9999999
PHST- 2022/10/01 00:00 [received]
PHST- 2023/02/16 00:00 [epublish]
AID - 10.1000/nh.2023.001 [doi]
AID - S0000-0000(23)00001-1 [pii]

PMID- 37000002
DP  - 2023 Spring
TI  - Outcomes that matter to families.
PT  - Preprint
GR  - FND-2022-07/Example Foundation/
AID - 10.1000/pp.2023.002 [doi]

PMID- 37000003
DP  - 2022 Dec-2023 Jan
BTI - Living with disease X: a handbook.
PHST- 2022/11/02 00:00 [received]
PHST- 2022/11/20 00:00 [aheadofprint]
SO  - Living with disease X. 2022 Dec-2023 Jan.
"""

CSV = (
    "PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,PMCID,NIHMS ID,DOI\n"
    '38000001,"Gene therapy in disease X, a trial","Doe J, Roe R","Nat Med. 2023 Mar;29(3):512-520. doi: '
    '10.1038/s41591-023-0001. Epub 2023 Feb 16.",Doe J,Nat Med,2023,2023/02/17,PMC8888888,,10.1038/s41591-023-0001\n'
    "38000002,Registry methods,Roe R,J Neurol. 2024 Feb 3. doi: 10.1007/j.2024.2. Online ahead of print.,Roe R,"
    "J Neurol,2024,2024/02/04,,,10.1007/j.2024.2\n"
)


@pytest.fixture(scope="module")
def funded(tmp_path_factory) -> Path:
    """A database holding the partners and their funding, built once for the module."""
    folder = tmp_path_factory.mktemp("funded")
    db = folder / "store.duckdb"
    assert import_files(db, files(folder / "base", **{"partners.csv": PARTNERS, "funding.csv": FUNDING})).ok
    return db


@pytest.fixture
def db(funded, tmp_path) -> Path:
    """The partners and their funding: this test's own copy."""
    return own_copy(funded, tmp_path)


PUBLICATIONS = (
    "SELECT publication_id, title, published_date, doi, open_access, peer_reviewed, "
    "(SELECT list(partner_id ORDER BY partner_id) FROM publication_partners pp "
    "WHERE pp.publication_id = p.publication_id) "
    "FROM publications p ORDER BY 1"
)


def test_a_medline_export_imports_each_paper_with_its_earliest_date_doi_access_and_grants(db, tmp_path):
    (nbib,) = files(tmp_path / "in", **{"pubmed-export.nbib": MEDLINE})
    result = import_files(db, [nbib])
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary() == ["publications: 3 new, 0 updated, 0 unchanged"]
    assert rows(db, PUBLICATIONS) == [
        (
            "pmid:37000001",
            "Natural history of disease X: a registry study with a title long enough to continue on a second line.",
            date(2023, 2, 16),
            "10.1000/nh.2023.001",
            True,
            True,
            ["P1"],
        ),  # fmt: skip
        (
            "pmid:37000002",
            "Outcomes that matter to families.",
            date(2023, 3, 1),
            "10.1000/pp.2023.002",
            False,
            False,
            ["P2"],
        ),  # fmt: skip
        ("pmid:37000003", "Living with disease X: a handbook.", date(2022, 11, 20), None, False, True, None),
    ]
    # 2023 holds 37000001 and 37000002: two publications, one open access (1/2), one with an industry partner
    # (P1, pharma: 1/2). 2022 holds 37000003 alone.
    with database.read(db) as con:
        values = compute(con, date(2023, 1, 1), date(2023, 12, 31))
        assert values["publication_count"] == 2
        assert values["publication_open_access_share"] == 0.5
        assert values["publication_industry_coauthored_share"] == 0.5
        assert compute(con, date(2022, 1, 1), date(2022, 12, 31))["publication_count"] == 1
    again = import_files(db, [nbib])  # the same export again changes nothing
    assert again.summary() == ["publications: 0 new, 0 updated, 3 unchanged"]


def test_a_paper_already_imported_by_doi_is_the_same_paper(db, tmp_path):
    contract = (
        "publication_id,title,published_date,doi,partner_ids,lay_summary\n"
        "PUB-7,Registry study,2023-03-01,10.1000/NH.2023.001,P2,true\n"
    )
    assert import_files(db, files(tmp_path / "a", **{"publications.csv": contract})).ok
    (nbib,) = files(tmp_path / "b", **{"pubmed.txt": MEDLINE})
    result = import_files(db, [nbib])
    assert result.summary() == ["publications: 2 new, 1 updated, 0 unchanged"]
    # PUB-7 keeps its id and its lay summary; PubMed's title and earlier date replace the CSV's, and the grant adds
    # P1 to its partners.
    (kept,) = rows(db, f"{PUBLICATIONS.replace('ORDER BY 1', '')} WHERE publication_id = 'PUB-7'")
    assert kept[2:] == (date(2023, 2, 16), "10.1000/nh.2023.001", True, True, ["P1", "P2"])
    assert rows(db, "SELECT lay_summary FROM publications WHERE publication_id = 'PUB-7'") == [(True,)]
    assert rows(db, "SELECT count(*) FROM publications") == [(3,)]
    assert import_files(db, [nbib]).summary() == ["publications: 0 new, 0 updated, 3 unchanged"]


def test_pubmeds_csv_imports_with_the_citations_dates(db, tmp_path):
    (csv,) = files(tmp_path / "in", **{"csv-DiseaseX-set.csv": CSV})
    result = import_files(db, [csv])
    assert result.ok, [str(p) for p in result.problems]
    # 38000001: printed Mar 2023 (1 Mar), Epub 16 Feb 2023: the earlier. 38000002: ahead of print, 3 Feb 2024.
    assert [r[:6] for r in rows(db, PUBLICATIONS)] == [
        (
            "pmid:38000001",
            "Gene therapy in disease X, a trial",
            date(2023, 2, 16),
            "10.1038/s41591-023-0001",
            True,
            True,
        ),
        ("pmid:38000002", "Registry methods", date(2024, 2, 3), "10.1007/j.2024.2", False, True),
    ]


def test_a_medline_file_whose_last_record_ends_with_a_blank_line_is_whole(db, tmp_path):
    text = MEDLINE.rsplit("SO  - ", 1)[0] + "\n"
    (path,) = files(tmp_path / "in", **{"blank.nbib": text})
    result = import_files(db, [path])
    assert result.ok, [str(p) for p in result.problems]
    assert rows(db, "SELECT title, published_date FROM publications WHERE publication_id = 'pmid:37000003'") == [
        ("Living with disease X: a handbook.", date(2022, 11, 20))
    ]


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("bad-date.nbib", MEDLINE.replace("DP  - 2023 Spring", "DP  - 2023-03-01"),
         "bad-date.nbib:17:DP: '2023-03-01' is not a publication date as PubMed writes it"),
        ("no-title.nbib", MEDLINE.replace("TI  - Outcomes that matter to families.\n", ""),
         "no-title.nbib:16:TI: TI is required; this row leaves it empty"),
        ("feb30.nbib", MEDLINE.replace("DEP - 20230216", "DEP - 20230230"),
         "feb30.nbib:9:DEP: '20230230' is not a date of the calendar (DEP)"),
        ("stray.nbib", MEDLINE.replace("OWN - NLM", "OWN: NLM"),
         "stray.nbib:2: 'OWN: NLM' is not a line of the MEDLINE format"),
        ("hour25.nbib", MEDLINE.replace("2023/02/16 00:00 [epublish]", "2023/02/16 25:00 [epublish]"),
         "hour25.nbib:12:PHST: '2023/02/16 25:00 [epublish]' has an impossible time of day (25:00)"),
        ("arabic.nbib", MEDLINE.replace("DEP - 20230216", "DEP - ٢٠٢٣٠٢١٦"),
         "arabic.nbib:9:DEP: '٢٠٢٣٠٢١٦' is written with digits other than 0-9 (٢, arabic-indic digit two)"),
        ("arabic-pmid.nbib", MEDLINE.replace("PMID- 37000002", "PMID- ٣7000002"),
         "arabic-pmid.nbib:16:PMID: '٣7000002' is not a PMID"),
        ("cut-title.nbib", MEDLINE.rsplit("SO  - ", 1)[0].replace("BTI - Living with disease X: a handbook.\n", "")
         + "TI  - Living with dis",
         "cut-title.nbib:27:TI: the file ends in this line without a line break after it, so it may be cut off here "
         "(it ends with 'TI  - Living with dis'); save the records from PubMed again, or, if the record is whole, "
         "end it with a blank line"),
        ("cut-line.nbib", MEDLINE.rsplit("SO  - ", 1)[0],
         "cut-line.nbib:27:PHST: the last record ends without its SO line (PubMed writes it last in every record) "
         "and without a blank line after it, so the file may be cut off in this record"),
        ("cut-title-line.nbib", MEDLINE.split("      to continue")[0],
         "cut-title-line.nbib:4:TI: the last record ends without its SO line"),
        ("future.nbib", MEDLINE.replace("DEP - 20230216", "DEP - 29990216"),
         "future.nbib:9:DEP: '29990216' is more than 5 years from today"),
        ("ancient.nbib", MEDLINE.replace("2023/02/16 00:00 [epublish]", "1066/02/16 00:00 [epublish]"),
         "ancient.nbib:12:PHST: '1066/02/16 00:00 [epublish]' is before 1900, which no record here can be"),
        ("twice.csv", CSV.replace("NIHMS ID", "PMCID"),
         "twice.csv:1:PMCID: the column 'PMCID' appears twice in the header; keep one"),
        ("swapped.nbib", MEDLINE.replace("TI  - Outcomes that matter to families.", "TI  - 10.1000/pp.2023.002 [doi]")
         .replace("AID - 10.1000/pp.2023.002 [doi]", "AID - Outcomes that matter to families."),
         "swapped.nbib:21:AID: 'Outcomes that matter to families.' is not an article id as PubMed writes it"),
        ("nopmid.csv", CSV.replace("38000002,", "PMC38000002,"),
         "nopmid.csv:3:PMID: 'PMC38000002' is not a PMID"),
        ("arabic.csv", CSV.replace("2024 Feb 3.", "٢٠٢٤ Feb 3."),
         "arabic.csv:3:Citation: 'J Neurol. ٢٠٢٤ Feb 3. doi: 10.1007/j.20…' is written with digits other than 0-9"),
        ("nodoi.csv", CSV.replace("NIHMS ID,DOI", "NIHMS ID,Digital Object"),
         "nodoi.csv:1:DOI: this PubMed CSV lacks the column DOI"),
    ],
)  # fmt: skip
def test_a_malformed_export_is_refused_at_its_line_and_tag_and_nothing_is_written(db, tmp_path, name, text, problem):
    before = rows(db, "SELECT count(*) FROM publications")
    (path,) = files(tmp_path / "in", **{name: text})
    result = preview(db, [path])
    assert any(str(p).startswith(f"{path.parent}/{problem}") for p in result.problems), [
        str(p) for p in result.problems
    ]
    assert not import_files(db, [path]).ok
    assert rows(db, "SELECT count(*) FROM publications") == before


def test_the_command_line_recognises_pubmed_or_takes_format(db, tmp_path):
    (nbib,) = files(tmp_path / "in", **{"export.txt": MEDLINE})
    run = [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db)]
    out = subprocess.run([*run, str(nbib)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "publications: 3 new, 0 updated, 0 unchanged"
    forced = subprocess.run([*run, "--format", "pubmed-csv", str(nbib)], capture_output=True, text=True)
    assert forced.returncode == 2
    assert forced.stderr.startswith(f"{nbib}:1:PMID: this PubMed CSV lacks the columns")
    unknown = subprocess.run([*run, "--format", "endnote", str(nbib)], capture_output=True, text=True)
    assert unknown.returncode == 2
    assert "there is no format 'endnote'; the formats are" in unknown.stderr
