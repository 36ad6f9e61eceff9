"""The import contract: every kind of invalid input named at its row and column, all or nothing, upserts."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from settings import Settings
from store import database
from store.importer import import_files, preview
from tests.conftest import own_copy

PARTNERS = (
    "partner_id,name,sector,country,confidential\nP1,Acme Pharma,pharma,US,false\nP2,North University,academic,UK,\n"
)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db: Path, sql: str, params=None) -> list[tuple]:
    with database.read(db) as con:
        return con.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def two_partners(tmp_path_factory) -> Path:
    """A database holding two partners, built once for the module."""
    folder = tmp_path_factory.mktemp("base")
    db = folder / "store.duckdb"
    assert import_files(db, [write(folder, "partners.csv", PARTNERS)]).ok
    return db


@pytest.fixture
def base(two_partners, tmp_path) -> Path:
    """A database holding two partners: this test's own copy."""
    return own_copy(two_partners, tmp_path)


INVALID = [
    # (file name, content, expected "row:column", words the message must hold)
    ("partners.csv", "partner_id,name,sector,colour\nP9,X,pharma,red\n", "1:colour", "unknown column"),
    ("partners.csv", "partner_id,name,sector\nP9,,pharma\n", "2:name", "required"),
    ("partners.csv", "partner_id,name\nP9,X\n", "1:sector", "required column"),
    ("partners.csv", "partner_id,name,sector\nP9,X,pharmacy\n", "2:sector", "not a valid sector"),
    (
        "engagements.csv",
        "engagement_id,date,type,partner_ids\nE1,2024-02-30,webinar,P1\n",
        "2:date",
        "not a real calendar date",
    ),
    ("engagements.csv", "engagement_id,date,type,partner_ids\nE1,next week,webinar,P1\n", "2:date", "not a date"),
    (
        "funding.csv",
        "funding_id,date,partner_id,direction,amount\nF1,2024-01-01,P1,inbound,-5\n",
        "2:amount",
        "greater than 0",
    ),
    (
        "funding.csv",
        "funding_id,date,partner_id,direction,amount\nF1,2024-01-01,P1,inbound,0\n",
        "2:amount",
        "greater than 0",
    ),
    (
        "funding.csv",
        "funding_id,date,partner_id,direction,amount\nF1,2024-01-01,P7,inbound,5\n",
        "2:partner_id",
        "not a known partner",
    ),
    (
        "engagements.csv",
        "engagement_id,date,type,partner_ids\nE1,2024-01-01,webinar,P1;P8\n",
        "2:partner_ids",
        "'P8' is not a known partner",
    ),
    ("partners.csv", "partner_id,name,sector\nP9,X,pharma\nP9,Y,biotech\n", "3:partner_id", "appears twice"),
    (
        "partnerships.csv",
        "partnership_id,partner_id,title,kind,start_date,end_date\nS1,P1,T,experiential,2024-05-01,2024-04-30\n",
        "2:end_date",
        "before start_date",
    ),
    (
        "funding.csv",
        "funding_id,date,partner_id,direction,amount,currency\nF1,2024-01-01,P1,inbound,5,EUR\n",
        "2:currency",
        "reporting currency",
    ),
    (
        "funding.csv",
        "funding_id,date,partner_id,direction,amount\nF1,2024-01-01,P1,inbound,EUR 5\n",
        "2:amount",
        "reporting currency",
    ),
    ("partners.csv", "", "1:-", "empty"),
    ("partners.csv", "\n\n", "1:-", "empty"),
    (
        "engagements.csv",
        "engagement_id,date,type,partner_ids,attendees\nE1,2024-01-01,webinar,P1,-3\n",
        "2:attendees",
        "negative",
    ),
    (
        "engagements.csv",
        "engagement_id,date,type,partner_ids,attendees\nE1,2024-01-01,webinar,P1,3.5\n",
        "2:attendees",
        "whole number",
    ),
    (
        "engagements.csv",
        "engagement_id,date,type,partner_ids,insights_shared\nE1,2024-01-01,webinar,P1,maybe\n",
        "2:insights_shared",
        "true or false",
    ),
    ("engagements.csv", "engagement_id,date,type,partner_ids\nE1,2024-01-01,webinar,\n", "2:partner_ids", "required"),
    (
        "publications.csv",
        "publication_id,title,published_date,study_completed_date\nB1,T,2024-01-01,2024-02-01\n",
        "2:study_completed_date",
        "after published_date",
    ),
    (
        "publications.csv",
        "publication_id,title,published_date,doi\nB1,T,2024-01-01,10.1/X\nB2,U,2024-01-01,10.1/x\n",
        "3:doi",
        "already used",
    ),
    (
        "milestones.csv",
        "milestone_id,program_id,date,milestone\nM1,G1,2024-01-01,approval\n",
        "2:program_id",
        "not a known program",
    ),
    (
        "engagements.csv",
        "engagement_id,date,type,partner_ids,partnership_id\nE1,2024-01-01,webinar,P1,S9\n",
        "2:partnership_id",
        "not a known partnership",
    ),
    (
        "engagements.csv",
        "engagement_id,date,type,partner_ids\nE1,03/04/2024,webinar,P1\n",
        "2:date",
        "day/month or month/day",
    ),
    ("colours.csv", "partner_id\nP1\n", "1:-", "table name"),
]


@pytest.mark.parametrize("name,content,where,words", INVALID, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in INVALID])
def test_invalid_input_is_reported_at_its_row_and_column_and_nothing_changes(
    tmp_path, base, name, content, where, words
):
    before = checksum(base)
    path = write(tmp_path, name, content)
    result = import_files(base, [path])
    assert not result.ok
    lines = [str(p) for p in result.problems]
    assert any(line.startswith(f"{path}:{where}: ") and words in line for line in lines), lines
    assert checksum(base) == before


def test_every_problem_is_reported_not_just_the_first(tmp_path, base):
    path = write(
        tmp_path,
        "engagements.csv",
        "engagement_id,date,type,partner_ids,attendees\n"
        "E1,2024-13-01,webinar,P1,5\n"
        "E2,2024-01-01,wrong_type,P1,x\n"
        "E3,2024-01-01,webinar,P404,\n",
    )
    lines = [str(p) for p in import_files(base, [path]).problems]
    assert [line.split(": ")[0] for line in lines] == [
        f"{path}:2:date",
        f"{path}:3:type",
        f"{path}:3:attendees",
        f"{path}:4:partner_ids",
    ]


def test_a_failed_import_into_a_missing_database_creates_nothing(tmp_path):
    db = tmp_path / "new.duckdb"
    bad = write(tmp_path, "partners.csv", "partner_id,name,sector\nP1,X,nowhere\n")
    assert not import_files(db, [bad]).ok
    assert not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.csv"]


def test_one_bad_file_stops_the_good_ones_too(tmp_path, base):
    good = write(tmp_path, "programs.csv", "program_id,name\nG1,Gene therapy\n")
    bad = write(tmp_path, "milestones.csv", "milestone_id,program_id,date,milestone\nM1,G1,2024-01-01,approved\n")
    before = checksum(base)
    result = import_files(base, [good, bad])
    assert [str(p).split(": ")[0] for p in result.problems] == [f"{bad}:2:milestone"]
    assert "Did you mean 'approval'?" in result.problems[0].message
    assert checksum(base) == before
    assert rows(base, "SELECT count(*) FROM programs") == [(0,)]


def test_references_may_point_into_the_same_import_or_an_earlier_one(tmp_path):
    db = tmp_path / "store.duckdb"
    first = import_files(db, [write(tmp_path, "partners.csv", PARTNERS)])
    assert first.summary() == ["partners: 2 new, 0 updated, 0 unchanged"]
    later = tmp_path / "later"
    later.mkdir()
    result = import_files(
        db,
        [
            write(
                later,
                "engagements.csv",
                "engagement_id,date,type,partner_ids,partnership_id\nE1,2024-01-01,webinar,P1;P2,S1\n",
            ),
            write(
                later,
                "partnerships.csv",
                "partnership_id,partner_id,title,kind,start_date\nS1,P1,Trial,research_investment,2024-01-01\n",
            ),
        ],
    )
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary() == [
        "partnerships: 1 new, 0 updated, 0 unchanged",
        "engagements: 1 new, 0 updated, 0 unchanged",
    ]
    assert rows(db, "SELECT partner_id FROM engagement_partners ORDER BY 1") == [("P1",), ("P2",)]


def test_importing_the_same_files_twice_changes_nothing(tmp_path):
    db = tmp_path / "store.duckdb"
    files = [
        write(tmp_path, "partners.csv", PARTNERS),
        write(tmp_path, "engagements.csv", "engagement_id,date,type,partner_ids\nE1,2024-01-01,webinar,P2;P1\n"),
    ]
    assert import_files(db, files).ok
    snapshot = rows(db, "SELECT * FROM engagements"), rows(db, "SELECT * FROM engagement_partners ORDER BY ALL")
    again = import_files(db, files)
    assert again.summary() == [
        "partners: 0 new, 0 updated, 2 unchanged",
        "engagements: 0 new, 0 updated, 1 unchanged",
    ]
    assert (
        rows(db, "SELECT * FROM engagements"),
        rows(db, "SELECT * FROM engagement_partners ORDER BY ALL"),
    ) == snapshot


def test_a_changed_row_updates_its_record_and_nothing_is_deleted(tmp_path, base):
    changed = write(tmp_path, "partners.csv", "partner_id,name,sector\nP1,Acme Pharma Inc.,pharma\n")
    result = import_files(base, [changed])
    assert result.summary() == ["partners: 0 new, 1 updated, 0 unchanged"]
    assert rows(base, "SELECT partner_id, name, country FROM partners ORDER BY 1") == [
        ("P1", "Acme Pharma Inc.", "US"),  # a column the file lacks keeps its stored value
        ("P2", "North University", "UK"),  # a record the file lacks is kept
    ]


def test_changed_partner_lists_replace_the_links(tmp_path, base):
    import_files(
        base, [write(tmp_path, "engagements.csv", "engagement_id,date,type,partner_ids\nE1,2024-01-01,webinar,P1;P2\n")]
    )
    (tmp_path / "v2").mkdir()
    result = import_files(
        base,
        [write(tmp_path / "v2", "engagements.csv", "engagement_id,date,type,partner_ids\nE1,2024-01-01,webinar,P2\n")],
    )
    assert result.summary() == ["engagements: 0 new, 1 updated, 0 unchanged"]
    assert rows(base, "SELECT partner_id FROM engagement_partners") == [("P2",)]


def test_a_header_without_rows_imports_nothing_and_is_valid(tmp_path, base):
    result = import_files(base, [write(tmp_path, "funding.csv", "funding_id,date,partner_id,direction,amount\n")])
    assert result.ok
    assert result.summary() == ["funding: 0 new, 0 updated, 0 unchanged"]


def test_blank_optional_cells_take_the_contract_defaults(tmp_path, base):
    import_files(
        base,
        [
            write(
                tmp_path,
                "engagements.csv",
                "engagement_id,date,type,partner_ids,patient_participants,insights_shared,stage\nE1,2024-01-01,webinar,P1,,,\n",
            ),
            write(
                tmp_path, "publications.csv", "publication_id,title,published_date,peer_reviewed\nB1,T,2024-01-01,\n"
            ),
            write(
                tmp_path,
                "partnerships.csv",
                "partnership_id,partner_id,title,kind,start_date,ip_agreement\nS1,P1,T,experiential,2024-01-01,\n",
            ),
        ],
    )
    assert rows(base, "SELECT patient_participants, insights_shared, stage FROM engagements") == [(0, False, None)]
    assert rows(base, "SELECT peer_reviewed, open_access, lay_summary, citations FROM publications") == [
        (True, False, False, None)
    ]
    assert rows(base, "SELECT ip_agreement::VARCHAR, precompetitive, end_date FROM partnerships") == [
        ("none", False, None)
    ]


def test_messy_csv_exports_are_understood(tmp_path, base):
    # A Windows (cp1252) export: semicolons, spaced and capitalised headers, trailing empty rows and columns,
    # day-first dates made unambiguous by 25/03, European amounts with a euro sign (a foundation reporting in
    # euros), padded enum values.
    text = (
        " Funding_ID ; Date;Partner_ID ;Direction;Amount;Purpose;;\r\n"
        "F1;25/03/2024; P1 ; Inbound ;1 200,50; Research_Grant ;;\r\n"
        "F2;05/04/2024;P2;outbound;€3.000,00;other;;\r\n"
        ";;;;;;;\r\n\r\n"
    )
    result = import_files(base, [write(tmp_path, "funding.csv", text, "cp1252")], Settings(currency="EUR"))
    assert result.ok, [str(p) for p in result.problems]
    assert rows(
        base,
        "SELECT funding_id, date, partner_id, direction::VARCHAR, amount, purpose::VARCHAR FROM funding ORDER BY 1",
    ) == [
        ("F1", date(2024, 3, 25), "P1", "inbound", Decimal("1200.5000"), "research_grant"),
        ("F2", date(2024, 4, 5), "P2", "outbound", Decimal("3000.0000"), "other"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "latin-1", "cp1252"])
def test_every_common_encoding_reads_the_same(tmp_path, base, encoding):
    text = "partner_id\tname\tsector\tcountry\nP3\tFondation Émile & Cie\tfoundation\tFrance\n"
    assert import_files(base, [write(tmp_path, "partners.csv", text, encoding)]).ok
    assert rows(base, "SELECT name FROM partners WHERE partner_id = 'P3'") == [("Fondation Émile & Cie",)]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1200", "1200"),
        ("1,200.50", "1200.50"),
        ("$1,200.50", "1200.50"),
        ("1 200,50", "1200.50"),
        ("USD 950", "950"),
        ("12,000,000", "12000000"),
        ("0.75", "0.75"),
        ("1.234.567,8", "1234567.8"),
    ],
)
def test_amounts_in_the_usual_spellings(tmp_path, base, raw, expected):
    text = f'funding_id,date,partner_id,direction,amount\nF1,2024-01-01,P1,inbound,"{raw}"\n'
    result = import_files(base, [write(tmp_path, "funding.csv", text)])
    assert result.ok, [str(p) for p in result.problems]
    assert rows(base, "SELECT amount FROM funding") == [(Decimal(expected),)]


def test_an_amount_whose_decimal_mark_the_file_cannot_settle_is_an_error(tmp_path, base):
    text = "funding_id,date,partner_id,direction,amount\nF1,2024-01-01,P1,inbound,1.200\n"
    problems = import_files(base, [write(tmp_path, "funding.csv", text)]).problems
    assert [p.column for p in problems] == ["amount"] and "decimal mark" in problems[0].message
    configured = Settings(decimal_mark="comma")
    assert import_files(base, [write(tmp_path, "funding.csv", text)], configured).ok
    assert rows(base, "SELECT amount FROM funding") == [(Decimal("1200"),)]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03-05T00:00:00", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)),
        ("05/03/2024", date(2024, 3, 5)),
    ],
)
def test_dates_in_the_usual_spellings(tmp_path, base, raw, expected):
    text = f"engagement_id,date,type,partner_ids\nE1,{raw},webinar,P1\nE2,31/12/2024,webinar,P1\n"
    result = import_files(base, [write(tmp_path, "engagements.csv", text)])
    assert result.ok, [str(p) for p in result.problems]
    assert rows(base, "SELECT date FROM engagements WHERE engagement_id = 'E1'") == [(expected,)]


def test_month_first_files_and_the_configured_convention(tmp_path, base):
    text = "engagement_id,date,type,partner_ids\nE1,03/04/2024,webinar,P1\nE2,12/31/2024,webinar,P1\n"
    assert import_files(base, [write(tmp_path, "engagements.csv", text)]).ok
    assert rows(base, "SELECT date FROM engagements ORDER BY 1") == [(date(2024, 3, 4),), (date(2024, 12, 31),)]
    alone = "engagement_id,date,type,partner_ids\nE3,03/04/2024,webinar,P1\n"
    assert import_files(base, [write(tmp_path, "engagements.csv", alone)], Settings(slash_dates="DD/MM/YYYY")).ok
    assert rows(base, "SELECT date FROM engagements WHERE engagement_id = 'E3'") == [(date(2024, 4, 3),)]


def test_cells_starting_with_formula_characters_stay_data(tmp_path, base):
    text = 'partner_id,name,sector,country\nP5,"=HYPERLINK(""http://x"")",other,+44\nP6,@risk,other,-\n'
    assert import_files(base, [write(tmp_path, "partners.csv", text)]).ok
    assert rows(base, "SELECT name, country FROM partners WHERE partner_id IN ('P5', 'P6') ORDER BY 1") == [
        ('=HYPERLINK("http://x")', "+44"),
        ("@risk", "-"),
    ]


def test_a_workbook_with_one_sheet_per_table_and_real_excel_values(tmp_path):
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["partner_id", "name", "sector", "confidential"])
    ws.append([101, "Acme", "pharma", True])
    ws.append([None, None, None, None])
    eng = wb.create_sheet("engagements")
    eng.append(["engagement_id", "date", "type", "partner_ids", "attendees", "title"])
    eng.append(["E1", datetime(2024, 3, 5), "webinar", 101, 12.0, "=1+1"])
    fund = wb.create_sheet("funding")
    fund.append(["funding_id", "date", "partner_id", "direction", "amount"])
    fund.append(["F1", datetime(2024, 3, 5), "101", "inbound", "oops"])
    path = tmp_path / "crm export.xlsx"
    wb.save(path)
    db = tmp_path / "store.duckdb"
    result = import_files(db, [path])
    assert [str(p) for p in result.problems] == [
        f"{path}[funding]:2:amount: 'oops' is not an amount; write a number such as 1200 or 1,200.50"
    ]
    del wb["funding"]
    wb.save(path)
    result = import_files(db, [path])
    assert result.ok, [str(p) for p in result.problems]
    assert rows(db, "SELECT partner_id, confidential FROM partners") == [("101", True)]
    assert rows(db, "SELECT date, attendees, title FROM engagements") == [(date(2024, 3, 5), 12, "=1+1")]


def test_a_workbook_named_after_its_table_may_use_any_sheet_name(tmp_path):
    wb = Workbook()
    wb.active.append(["partner_id", "name", "sector"])
    wb.active.append(["P1", "Acme", "bogus"])
    path = tmp_path / "partners.xlsx"
    wb.save(path)
    problems = import_files(tmp_path / "db.duckdb", [path]).problems
    assert [str(p).split(": ")[0] for p in problems] == [f"{path}:2:sector"]


def test_a_stray_sheet_is_an_error_so_no_data_is_silently_dropped(tmp_path):
    wb = Workbook()
    wb.active.title = "partners"
    wb.active.append(["partner_id", "name", "sector"])
    wb.create_sheet("engagments").append(["engagement_id"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    problems = import_files(tmp_path / "db.duckdb", [path]).problems
    assert len(problems) == 1 and "'engagments' is not named after a table" in problems[0].message


# ---------------------------------------------------------------------------------------------------------------
# Sensitive updates: said in words before they are applied, never refused


SENSITIVE_BEFORE = (
    "partner_id,name,sector,confidential\nP-3,Quartzite Holdings,pharma,true\nP-4,Basalt Labs,academic,false\n"
    "P-5,Gneiss Bio,biotech,false\n"
)
SENSITIVE_FUNDING = (
    "funding_id,date,partner_id,direction,amount\nF-1,2024-01-10,P-3,inbound,1200\nF-2,2024-02-10,P-4,outbound,"
    "250000\nF-3,2024-03-10,P-5,inbound,5000\n"
)


@pytest.fixture
def sensitive_db(tmp_path) -> Path:
    db = tmp_path / "store.duckdb"
    assert import_files(
        db, [write(tmp_path, "partners.csv", SENSITIVE_BEFORE), write(tmp_path, "funding.csv", SENSITIVE_FUNDING)]
    ).ok
    return db


def test_the_preview_says_in_words_each_update_that_flips_a_sensitive_value(sensitive_db, tmp_path):
    folder = tmp_path / "update"
    folder.mkdir()
    partners = write(
        folder,
        "partners.csv",
        "partner_id,name,sector,confidential\nP-3,Quartzite Holdings,pharma,false\nP-4,Basalt Labs,biotech,true\n"
        "P-5,Gneiss Bio,pharma,false\n",
    )
    funding = write(
        folder,
        "funding.csv",
        "funding_id,date,partner_id,direction,amount\nF-1,2024-01-10,P-3,inbound,120000\nF-2,2024-02-10,P-4,outbound,"
        "2500\nF-3,2024-03-10,P-5,inbound,50000\n",
    )
    result = preview(sensitive_db, [partners, funding])
    assert result.ok, [str(p) for p in result.problems]
    assert result.sensitive() == [
        "partner P-3 Quartzite Holdings: confidential true → false: it will be named in community outputs, the "
        "community report included",
        "partner P-4 Basalt Labs: confidential false → true: community outputs will stop naming it or showing it on "
        "its own",
        "partner P-4 Basalt Labs: sector academic → biotech: it will count as an industry partner in every metric",
        "partner P-5 Gneiss Bio: sector biotech → pharma: its records will count under pharma in every metric by "
        "sector",
        "funding F-1 (partner P-3): amount 1,200 → 120,000, 100 times as much: check that the decimal mark and the "
        "digits are right",
        "funding F-2 (partner P-4): amount 250,000 → 2,500, 1/100 of it: check that the decimal mark and the digits "
        "are right",
    ]
    # Not refused: applied as any update, and the values are the file's.
    assert import_files(sensitive_db, [partners, funding]).ok
    assert rows(sensitive_db, "SELECT partner_id, sector::VARCHAR, confidential FROM partners ORDER BY 1") == [
        ("P-3", "pharma", False),
        ("P-4", "biotech", True),
        ("P-5", "pharma", False),
    ]
    assert rows(sensitive_db, "SELECT funding_id, amount FROM funding ORDER BY 1") == [
        ("F-1", Decimal("120000")),
        ("F-2", Decimal("2500")),
        ("F-3", Decimal("50000")),
    ]


def test_an_amount_changed_tenfold_or_less_a_new_name_and_new_records_are_not_called_sensitive(sensitive_db, tmp_path):
    folder = tmp_path / "update"
    folder.mkdir()
    funding = write(
        folder,
        "funding.csv",
        "funding_id,date,partner_id,direction,amount\nF-1,2024-01-10,P-3,inbound,12000\nF-2,2024-02-10,P-4,outbound,"
        "25000\nF-9,2024-03-10,P-5,inbound,9\n",
    )
    partners = write(
        folder, "partners.csv", "partner_id,name,sector\nP-3,Quartzite Holdings plc,pharma\nP-9,New,other\n"
    )
    result = preview(sensitive_db, [funding, partners])
    assert result.ok, [str(p) for p in result.problems]
    assert len(result.changes) == 5 and result.sensitive() == []
