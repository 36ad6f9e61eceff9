"""Malformed import files (DATA_CONTRACT.md, "Malformed input"): each is refused through the real command line with
exit 2 and a located problem, never exit 1, never a silent repair, and the database stays byte for byte as it was.
Also: a file is recognised by its header when its name is not a table's, and the messy input of real exports
still imports."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

import cli
from settings import Settings
from store import database
from store.importer import import_files, parse_files
from store.readers import MAX_CELL, UnknownTable, read
from store.values import shown
from tests.conftest import ROOT

PARTNERS = "partner_id,name,sector,country,confidential\n"
FUNDING = "funding_id,date,partner_id,direction,amount\n"
ENGAGEMENTS = "engagement_id,date,type,partner_ids,attendees\n"


@pytest.fixture
def db(tiny_db, tmp_path) -> Path:
    """A database holding the tiny sample, this test's own copy."""
    path = tmp_path / "store.duckdb"
    shutil.copyfile(tiny_db, path)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def put(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def refused(capsys, db: Path, *files: Path) -> list[str]:
    """Runs `cli.py import`, checks it refused the files as the contract says, and returns its problem lines."""
    before = sha(db)
    code = cli.main(["import", "--db", str(db), *(str(f) for f in files)])
    out = capsys.readouterr()
    assert code == 2, out.err
    assert out.out == ""
    assert "Traceback" not in out.err and "unexpected error" not in out.err
    raw = [ch for ch in out.err if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F]
    assert raw == [], "a raw control character reached standard error"
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in out.err), "a raw undecodable byte reached standard error"
    assert sha(db) == before
    return out.err.splitlines()


def where(lines: list[str]) -> list[str]:
    return [line.split(": ", 1)[0] for line in lines]


def stored(db: Path, sql: str) -> list[tuple]:
    with database.read(db) as con:
        return con.execute(sql).fetchall()


# ---------------------------------------------------------------------------------------------------------------
# Rows with the wrong number of cells


def test_a_short_row_is_an_error_not_blanks_over_the_stored_values(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + "P01,Acme Pharma,pharma\nP02,BioNova,biotech,DE,false\n")
    lines = refused(capsys, db, path)
    assert lines == [
        f"{path}:2: this row has 3 cells but the header has 5 columns; every row needs a cell (empty or not) "
        "for each column"
    ]
    assert stored(db, "SELECT country, confidential FROM partners WHERE partner_id = 'P01'") == [("US", False)]


CUT = (
    "the file ends in this row without a line break after it, so it may be cut off here (it ends with {}); check "
    "that the row is whole, then end the file with a line break, or export it again"
)


def test_a_file_cut_off_in_a_row_is_an_error(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + "P01,Acme Pharma,pharma,US,false\nP02,BioN")
    assert refused(capsys, db, path) == [f"{path}:3: " + CUT.format("'BioN'")]


def test_a_file_cut_off_after_a_rows_last_delimiter_changes_no_stored_value(capsys, db, tmp_path):
    # Whole, the row would keep P03 confidential; cut after "Germany," its blank last cell would mean the default.
    path = put(
        tmp_path, "partners.csv", PARTNERS + "P01,Acme Pharma,pharma,US,false\nP11,Confidential Pharma,pharma,Germany,"
    )
    assert refused(capsys, db, path) == [f"{path}:3: " + CUT.format("'Germany'")]
    assert stored(db, "SELECT country, confidential FROM partners WHERE partner_id = 'P11'") == [("JP", True)]


def test_a_file_cut_off_in_the_middle_of_a_cell_is_an_error_though_the_row_has_every_cell(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + "P01,Acme Pharma,pharma,US,false\nP02,BioNova,biotech,Germ")
    rows = put(tmp_path / "quoted", "partners.csv", PARTNERS + 'P02,BioNova,biotech,"Germ"')
    assert refused(capsys, db, path, rows) == [
        f"{path}:3: " + CUT.format("'Germ'"),
        f"{rows}:2: " + CUT.format("'Germ'"),
    ]


def test_a_csv_of_another_system_cut_off_in_its_last_row_is_an_error(capsys, db, tmp_path):
    header = "PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,PMCID,NIHMS ID,DOI\n"
    path = put(
        tmp_path,
        "pubmed.csv",
        header
        + "38000001,Gene therapy,Doe J,Nat Med. 2023 Mar;29(3):5-9.,Doe J,Nat Med,2023,2023/02/17,PMC8,,10.1038/s4",
    )
    assert refused(capsys, db, path) == [f"{path}:2: " + CUT.format("'10.1038/s4'")]


def test_a_file_whose_last_line_is_blank_but_unended_is_whole(db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + "P20,Trail Co,other,US,true\n,,,,")
    assert import_files(db, [path]).ok
    assert stored(db, "SELECT name, confidential FROM partners WHERE partner_id = 'P20'") == [("Trail Co", True)]


def test_a_row_with_more_cells_than_the_header_is_an_error(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + "P01,Acme, Inc.,pharma,US,false\n")
    lines = refused(capsys, db, path)
    assert lines == [
        f"{path}:2: this row has 6 cells but the header has 5 columns: 'false' is past the last column; "
        "a value holding the delimiter must be quoted"
    ]


def test_trailing_empty_cells_and_rows_are_fine(db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + "P20,Trail Co,other,US,false,,,\n,,,,,\n\n")
    result = import_files(db, [path])
    assert result.ok, [str(p) for p in result.problems]
    assert stored(db, "SELECT name FROM partners WHERE partner_id = 'P20'") == [("Trail Co",)]


# ---------------------------------------------------------------------------------------------------------------
# Quotes


def test_a_quote_never_closed_is_an_error_and_swallows_nothing(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + 'P01,"Acme Pharma,pharma,US,false\nP02,BioNova,biotech,DE,false\n')
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:2"]
    assert "a quote opened in this row is never closed" in lines[0]


def test_a_last_row_cut_off_inside_a_quote_is_an_error(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + 'P01,Acme Pharma,pharma,US,false\nP02,"BioNova')
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:3"]
    assert "never closed" in lines[0]


def test_text_after_a_closing_quote_is_an_error_and_reading_goes_on(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + 'P01,"Acme" Pharma,pharma,US,false\nP02,BioNova,biotech\n')
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:2", f"{path}:3"]
    assert "more after a closing quote" in lines[0]
    assert "3 cells but the header has 5" in lines[1]


def test_a_quote_in_a_cell_that_is_not_quoted_is_an_error_not_part_of_the_value(capsys, db, tmp_path):
    # The opening quote of "Acme Pharma" was lost: csv would keep 'Acme Pharma"' as the name.
    path = put(tmp_path, "partners.csv", PARTNERS + '"P01",Acme Pharma","pharma","US","false"\n')
    assert refused(capsys, db, path) == [
        f"{path}:2: cell 2 of this row holds a quote but is not quoted ('Acme Pharma\"'), so it may have lost its "
        'opening quote; quote the whole cell and double the quotes inside it ("")'
    ]


def test_quotes_doubled_inside_a_quoted_cell_are_kept_as_the_value(db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + 'P20,"The ""Best"", Co",other,US,false\n')
    assert import_files(db, [path]).ok
    assert stored(db, "SELECT name FROM partners WHERE partner_id = 'P20'") == [('The "Best", Co',)]


def test_rows_are_numbered_as_records_when_a_quoted_cell_holds_a_line_break(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + 'P20,"Two\nlines",other,US,false\nP21,X,pharmacy,US,false\n')
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:3:sector"]  # the second record, on the file's fourth line


def test_a_line_break_in_a_quoted_text_cell_is_text(db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + 'P20,"Two\r\nlines",other,US,false\n')
    assert import_files(db, [path]).ok
    assert stored(db, "SELECT name FROM partners WHERE partner_id = 'P20'") == [("Two\r\nlines",)]


def test_a_line_break_in_an_id_is_an_error(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + '"P20\nP21",X,other,US,false\n')
    assert refused(capsys, db, path) == [
        f"{path}:2:partner_id: 'P20\\nP21' is on more than one line; an id is one line of text"
    ]


# ---------------------------------------------------------------------------------------------------------------
# Control characters and bytes


def test_a_nul_byte_in_an_id_is_an_error_shown_visibly(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", PARTNERS + "PTR\x00-003,Phantom,pharma,US,false\n")
    assert refused(capsys, db, path) == [
        f"{path}:2:partner_id: 'PTR\\x00-003' holds the control character \\x00, which cannot be part of a value; "
        "remove it"
    ]
    assert stored(db, "SELECT count(*) FROM partners WHERE partner_id LIKE 'PTR%'") == [(0,)]


def test_other_control_characters_are_errors(capsys, db, tmp_path):
    path = put(
        tmp_path,
        "partners.csv",
        PARTNERS + "P20,\x1b[31mRed,other,US,false\nP21,Tab\tbed,other,US,false\nP22,Bell\x7f,other,US,false\n",
    )
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:2:name", f"{path}:3:name", f"{path}:4:name"]
    assert lines[0].startswith(f"{path}:2:name: '\\x1b[31mRed' holds the control character \\x1b")
    assert lines[1].startswith(f"{path}:3:name: 'Tab\\tbed' holds a tab")
    assert "\\x7f" in lines[2]


def test_a_stray_byte_in_a_utf8_file_is_an_error_at_its_row_and_other_rows_are_still_checked(capsys, db, tmp_path):
    data = (PARTNERS + "P01,Fondation Émile,foundation,FR,false\n").encode() + b"P02,Bio\xffNova,biotech,DE,false\n"
    path = put(tmp_path, "partners.csv", data + b"P03,Short,medtech\n")
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:3:name", f"{path}:4"]
    assert lines[0] == (
        f"{path}:3:name: 'Bio\\xffNova' holds bytes that are not valid UTF-8 (\\xff), the encoding of the rest of "
        "the file; correct this cell, or save the file again as UTF-8"
    )


def test_an_undefined_byte_in_a_windows_file_is_an_error(capsys, db, tmp_path):
    data = (PARTNERS + "P01,Zoë’s,foundation,FR,false\n").encode("cp1252") + b"P02,Bio\x81Nova,biotech,DE,false\n"
    lines = refused(capsys, db, put(tmp_path, "partners.csv", data))
    assert where(lines) == [f"{tmp_path / 'partners.csv'}:3:name"]
    assert "not valid Windows-1252 (\\x81)" in lines[0]


def test_a_utf8_file_cut_off_in_the_middle_of_a_character_is_an_error(capsys, db, tmp_path):
    data = (PARTNERS + "P01,Fondation Émile,foundation,FR,false\nP02,Café €").encode("utf-8")[:-1]
    path = put(tmp_path, "partners.csv", data)
    assert refused(capsys, db, path) == [
        f"{path}:3: the file is cut off in the middle of a character, at the end of this row ('Café \\xe2\\x82'); "
        "export or copy the whole file again"
    ]


def test_a_utf16_file_cut_off_in_the_middle_of_a_character_is_an_error(capsys, db, tmp_path):
    data = (PARTNERS + "P01,Acme Pharma,pharma,US,false\nP02,BioNova").encode("utf-16")[:-1]
    lines = refused(capsys, db, put(tmp_path, "partners.csv", data))
    assert where(lines) == [f"{tmp_path / 'partners.csv'}:3"]
    assert "cut off in the middle of a character" in lines[0]


def test_a_cell_over_100000_characters_is_an_error_however_long(capsys, db, tmp_path):
    for size in (MAX_CELL + 1, 200_001):  # the second is over Python csv's own field limit (131,072)
        path = put(tmp_path / str(size), "partners.csv", PARTNERS + f"P01,{'x' * size},pharma,US,false\n")
        assert refused(capsys, db, path) == [
            f"{path}:2:name: '{'x' * 39}…' is {size:,} characters long, more than the 100,000 a cell may hold "
            "(often a quote that is never closed, or a file that is not a table)"
        ]


def test_a_binary_file_is_one_problem_not_thousands(capsys, db, tmp_path):
    path = put(tmp_path, "partners.csv", bytes(range(256)) * 20)
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:1:-"]
    assert "not a CSV text file" in lines[0]


# ---------------------------------------------------------------------------------------------------------------
# Values


def test_an_amount_in_another_currency_is_an_error(capsys, db, tmp_path):
    path = put(
        tmp_path,
        "funding.csv",
        FUNDING + "F90,2024-01-01,P01,inbound,€500\nF91,2024-01-01,P01,inbound,EUR 500\n"
        "F92,2024-01-01,P01,inbound,500 GBP\nF93,2024-01-01,P01,inbound,₿5\n",
    )
    assert refused(capsys, db, path) == [
        f"{path}:2:amount: '€500' is in EUR, but amounts must be in the reporting currency USD",
        f"{path}:3:amount: 'EUR 500' is in EUR, but amounts must be in the reporting currency USD",
        f"{path}:4:amount: '500 GBP' is in GBP, but amounts must be in the reporting currency USD",
        f"{path}:5:amount: '₿5' is marked with the currency sign ₿, but amounts must be in the reporting currency USD",
    ]


def test_the_reporting_currencys_own_sign_and_code_are_fine(db, tmp_path):
    text = FUNDING + "F90,2024-01-01,P01,inbound,$500\nF91,2024-01-01,P01,inbound,USD 600\n"
    text += "F92,2024-01-01,P01,inbound,US$7\n"
    assert import_files(db, [put(tmp_path, "funding.csv", text)]).ok
    amounts = stored(db, "SELECT funding_id, amount::INTEGER FROM funding WHERE funding_id >= 'F90' ORDER BY 1")
    assert amounts == [("F90", 500), ("F91", 600), ("F92", 7)]
    euros = put(tmp_path / "eur", "funding.csv", FUNDING + "F93,2024-01-01,P01,inbound,€500\n")
    assert import_files(db, [euros], Settings(currency="EUR")).ok


def test_a_date_time_with_an_impossible_time_is_an_error(capsys, db, tmp_path):
    path = put(
        tmp_path,
        "engagements.csv",
        ENGAGEMENTS + "E90,2023-12-31T25:99,webinar,P01,\nE91,2023-12-31T23:59:59,webinar,P01,\n",
    )
    assert refused(capsys, db, path) == [
        f"{path}:2:date: '2023-12-31T25:99' has an impossible time of day (25:99); write the date as YYYY-MM-DD"
    ]


def test_digits_other_than_0_to_9_are_errors(capsys, db, tmp_path):
    engagements = put(
        tmp_path, "engagements.csv", ENGAGEMENTS + "E90,٢٠٢٤-٠١-٠١,webinar,P01,\nE91,2024-01-01,webinar,P01,１２\n"
    )
    funding = put(tmp_path, "funding.csv", FUNDING + "F90,2024-01-01,P01,inbound,٥٠٠\n")
    lines = refused(capsys, db, engagements, funding)
    assert where(lines) == [f"{engagements}:2:date", f"{engagements}:3:attendees", f"{funding}:2:amount"]
    assert lines[0] == (
        f"{engagements}:2:date: '٢٠٢٤-٠١-٠١' is written with digits other than 0-9 (٢, arabic-indic digit two); "
        "write numbers and dates with the digits 0-9"
    )
    assert "fullwidth digit one" in lines[1]


def test_digits_grouped_by_spaces_not_in_threes_are_not_one_number(capsys, db, tmp_path):
    funding = put(
        tmp_path, "funding.csv", FUNDING + "F90,2024-01-01,P01,inbound,1 2\nF91,2024-01-01,P01,inbound,1 20 000\n"
    )
    engagements = put(tmp_path, "engagements.csv", ENGAGEMENTS + "E90,2024-01-01,webinar,P01,1 2\n")
    assert refused(capsys, db, funding, engagements) == [
        f"{funding}:2:amount: '1 2' is not one number: a space in a number may only separate groups of three digits "
        "(1 200 000); correct the number",
        f"{funding}:3:amount: '1 20 000' is not one number: a space in a number may only separate groups of three "
        "digits (1 200 000); correct the number",
        f"{engagements}:2:attendees: '1 2' is not one number: a space in a number may only separate groups of three "
        "digits (1 200 000); correct the number",
    ]


def test_digits_grouped_by_spaces_in_threes_are_read_as_the_one_number_they_are(db, tmp_path):
    funding = put(tmp_path, "funding.csv", FUNDING + 'F90,2024-01-01,P01,inbound,"1 200 000,50"\n')
    engagements = put(tmp_path, "engagements.csv", ENGAGEMENTS + "E90,2024-01-01,webinar,P01,1\u00a0200\n")
    assert import_files(db, [funding, engagements]).ok
    assert stored(db, "SELECT amount::VARCHAR FROM funding WHERE funding_id = 'F90'") == [("1200000.5000",)]
    assert stored(db, "SELECT attendees FROM engagements WHERE engagement_id = 'E90'") == [(1200,)]


def test_marks_that_do_not_group_digits_in_threes_are_not_one_number(capsys, db, tmp_path):
    path = put(
        tmp_path,
        "funding.csv",
        FUNDING + 'F90,2024-01-01,P01,inbound,1.2.3\nF91,2024-01-01,P01,inbound,"12,00,000"\n'
        'F92,2024-01-01,P01,inbound,"1,200.50,3"\n',
    )
    assert refused(capsys, db, path) == [
        f"{path}:2:amount: '1.2.3' is not one number: with decimals after a comma, a point may only separate groups "
        "of three digits (1.200.000,50); correct the number",
        f"{path}:3:amount: '12,00,000' is not one number: with decimals after a point, a comma may only separate "
        "groups of three digits (1,200,000.50); correct the number",
        f"{path}:4:amount: '1,200.50,3' is not an amount; it has more than one decimal mark",
    ]
    assert stored(db, "SELECT count(*) FROM funding WHERE funding_id >= 'F90'") == [(0,)]


def test_a_file_that_mixes_decimal_marks_is_refused_at_the_row_in_the_other_mark(capsys, db, tmp_path):
    path = put(
        tmp_path,
        "funding.csv",
        FUNDING + 'F90,2024-01-01,P01,inbound,"1,200.50"\nF91,2024-01-01,P01,inbound,"1.200,50"\n'
        "F92,2024-01-01,P01,inbound,700\n",
    )
    assert refused(capsys, db, path) == [
        f"{path}:3:amount: '1.200,50' uses a different decimal mark: this file writes decimals with a point (row 2); "
        "use one convention"
    ]


def test_whole_numbers_with_marks_are_read_only_when_they_are_one_number(capsys, db, tmp_path):
    path = put(
        tmp_path,
        "engagements.csv",
        ENGAGEMENTS
        + 'E90,2024-01-01,webinar,P01,1.000\nE91,2024-01-01,webinar,P01,1.2.3\nE92,2024-01-01,webinar,P01,"1,2"\n',
    )
    assert refused(capsys, db, path) == [
        f"{path}:2:attendees: '1.000' could mean 1000 or 1; write the whole number without a thousands separator",
        f"{path}:3:attendees: '1.2.3' is not a whole number",
        f"{path}:4:attendees: '1,2' is not a whole number",
    ]
    fine = put(
        tmp_path / "fine",
        "engagements.csv",
        ENGAGEMENTS + 'E90,2024-01-01,webinar,P01,"1,500"\nE91,2024-01-01,webinar,P01,12.0\n',
    )
    assert import_files(db, [fine]).ok
    assert stored(db, "SELECT attendees FROM engagements WHERE engagement_id >= 'E90' ORDER BY engagement_id") == [
        (1500,),
        (12,),
    ]


def test_a_date_before_1900_or_more_than_five_years_ahead_is_refused_as_implausible(capsys, db, tmp_path):
    today = date.today()
    latest = today.replace(year=today.year + 5) if (today.month, today.day) != (2, 29) else date(today.year + 5, 2, 28)
    path = put(
        tmp_path,
        "engagements.csv",
        ENGAGEMENTS + f"E90,1899-12-31,webinar,P01,\nE91,{latest + timedelta(days=1)},webinar,P01,\n"
        "E92,0224-03-05,webinar,P01,\nE93,31/12/2204,webinar,P01,\n",
    )
    assert refused(capsys, db, path) == [
        f"{path}:2:date: '1899-12-31' is before 1900, which no record here can be; correct the year",
        f"{path}:3:date: '{latest + timedelta(days=1)}' is more than 5 years from today (after {latest}), which no "
        "record here can be; correct the year",
        f"{path}:4:date: '0224-03-05' is before 1900, which no record here can be; correct the year",
        f"{path}:5:date: '31/12/2204' is more than 5 years from today (after {latest}), which no record here can be; "
        "correct the year",
    ]
    edges = put(
        tmp_path / "edges", "engagements.csv", ENGAGEMENTS + f"E90,1900-01-01,webinar,P01,\nE91,{latest},webinar,P01,\n"
    )
    assert import_files(db, [edges]).ok
    assert stored(db, "SELECT date FROM engagements WHERE engagement_id >= 'E90' ORDER BY 1") == [
        (date(1900, 1, 1),),
        (latest,),
    ]


def test_shown_values_are_short_and_visible():
    assert shown("P\x00X") == "'P\\x00X'"
    assert shown("a" * 100) == "'" + "a" * 39 + "…'"
    assert shown("\udcff") == "'\\xff'"
    assert shown("x\u202ey") == "'x\\u202ey'"  # a right-to-left override cannot reorder the problem line
    assert shown(12.0) == "'12'"


# ---------------------------------------------------------------------------------------------------------------
# Excel


def workbook(path: Path, title: str, *rows: list) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_the_same_checks_apply_to_excel_cells(capsys, db, tmp_path):
    partners = workbook(
        tmp_path / "partners.xlsx",
        "Sheet1",
        ["partner_id", "name", "sector"],
        ["P20", "Tab\tbed", "other"],
        ["P21", "Bell\x7f", "other"],
    )
    funding = workbook(
        tmp_path / "funding.xlsx",
        "Sheet1",
        ["funding_id", "date", "partner_id", "direction", "amount"],
        ["F90", "٢٠٢٤-٠١-٠١", "P01", "inbound", "€500"],
    )
    lines = refused(capsys, db, partners, funding)
    # (openpyxl reads at most Excel's 32,767 characters of a cell, so a cell cannot be too long in a workbook)
    assert where(lines) == [f"{partners}:2:name", f"{partners}:3:name", f"{funding}:2:date", f"{funding}:2:amount"]
    assert "holds a tab" in lines[0] and "control character \\x7f" in lines[1]
    assert "digits other than 0-9" in lines[2] and "'€500' is in EUR" in lines[3]


def test_a_number_in_an_excel_date_column_is_refused_and_a_real_excel_date_is_read(capsys, db, tmp_path):
    header = ["engagement_id", "date", "type", "partner_ids"]
    numbers = workbook(tmp_path / "engagements.xlsx", "Sheet1", header, ["E90", 2016, "webinar", "P01"],
                       ["E91", 45352.0, "webinar", "P01"])  # fmt: skip
    assert refused(capsys, db, numbers) == [
        f"{numbers}:2:date: '2016' is a number, not a date; format the cell as a date or write YYYY-MM-DD",
        f"{numbers}:3:date: '45352' is a number, not a date; format the cell as a date or write YYYY-MM-DD",
    ]
    dates = workbook(tmp_path / "dates.xlsx", "engagements", header,
                     ["E90", datetime(2016, 3, 5), "webinar", "P01"])  # fmt: skip
    assert import_files(db, [dates]).ok
    assert stored(db, "SELECT date FROM engagements WHERE engagement_id = 'E90'") == [(date(2016, 3, 5),)]


# ---------------------------------------------------------------------------------------------------------------
# The command line as a process


def test_the_real_command_line_exits_2_with_the_located_problem(tmp_path, db):
    path = put(tmp_path, "partners.csv", PARTNERS + "PTR\x00-003,Phantom,pharma,US,false\n")
    before = sha(db)
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{path}:2:partner_id: 'PTR\\x00-003' holds the control character \\x00, which cannot be part of a value; "
        "remove it"
    ]
    assert sha(db) == before


# ---------------------------------------------------------------------------------------------------------------
# Which table a file holds


def test_a_file_not_named_after_its_table_is_recognised_by_its_header(capsys, db, tmp_path):
    path = put(tmp_path, "Opportunities export (3).csv", FUNDING + "F90,2024-01-01,P01,inbound,500\n")
    assert cli.main(["import", "--db", str(db), str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "funding: 1 new, 0 updated, 0 unchanged"
    assert stored(db, "SELECT partner_id, amount::INTEGER FROM funding WHERE funding_id = 'F90'") == [("P01", 500)]


def test_a_header_that_fits_no_table_asks_for_the_table(capsys, db, tmp_path):
    path = put(tmp_path, "Contacts.csv", "partner_id,colour\nP01,red\n")
    with pytest.raises(UnknownTable) as caught:
        read(path)
    assert caught.value.candidates == ()
    lines = refused(capsys, db, path)
    assert where(lines) == [f"{path}:1:-"]
    assert "name the file after its table (e.g. partners.csv), or choose the table" in lines[0]
    assert "its header looks like partners but has other columns (colour)" in lines[0]


def test_a_header_that_lacks_required_columns_names_its_candidate(tmp_path):
    path = put(tmp_path, "list.csv", "partner_id,name\nP01,Acme\n")
    with pytest.raises(UnknownTable) as caught:
        read(path)
    assert caught.value.candidates == ("partners",)
    records, problems, present, undetermined = parse_files([path], Settings(), labels=["list.csv"])
    assert (records, present, undetermined) == ([], set(), {"list.csv": ("partners",)})
    assert [str(p).split(": ", 1)[0] for p in problems] == ["list.csv:1:-"]


def test_the_chosen_table_overrides_the_file_name_and_header(db, tmp_path):
    path = put(tmp_path, "engagements.csv", FUNDING + "F90,2024-01-01,P01,inbound,500\n")
    assert [raw.table for raw in read(path, table="funding")] == ["funding"]
    result = import_files(db, [path], labels=["upload 1"], tables={"upload 1": "funding"})
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary() == ["funding: 1 new, 0 updated, 0 unchanged"]
    unchosen = import_files(db, [path])  # by its name, an engagements file with the wrong columns
    assert [p.column for p in unchosen.problems] == [
        "funding_id",
        "partner_id",
        "direction",
        "amount",
        "engagement_id",
        "type",
        "partner_ids",
    ]


def test_a_single_sheet_workbook_is_recognised_by_its_header(db, tmp_path):
    path = workbook(tmp_path / "crm.xlsx", "Export", ["partner_id", "name", "sector"], ["P20", "Acme Two", "pharma"])
    result = import_files(db, [path])
    assert result.summary() == ["partners: 1 new, 0 updated, 0 unchanged"]


# ---------------------------------------------------------------------------------------------------------------
# Messy input that real exports contain still imports


def test_a_windows_export_with_accents_is_still_read_as_windows_1252(db, tmp_path):
    text = "partner_id;name;sector\r\nP20;Zoë’s Café;other\r\n"
    assert import_files(db, [put(tmp_path, "partners.csv", text.encode("cp1252"))]).ok
    assert stored(db, "SELECT name FROM partners WHERE partner_id = 'P20'") == [("Zoë’s Café",)]


def test_a_tab_delimited_utf16_export_is_still_read(db, tmp_path):
    text = 'partner_id\tname\tsector\r\nP20\t"Two\r\nlines"\tother\r\n'
    assert import_files(db, [put(tmp_path, "partners.csv", text.encode("utf-16"))]).ok
    assert stored(db, "SELECT name FROM partners WHERE partner_id = 'P20'") == [("Two\r\nlines",)]
