"""CRM exports import as partners and funding: Salesforce NPSP (accounts, opportunities, Outbound Funds' funding
requests and disbursements; data export and report) and Raiser's Edge NXT gifts. Records, metrics worked by hand,
re-import, problems at their row and column, and the command line."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from contract import ENUMS
from metrics import compute
from store import database
from store.importer import import_files, preview
from store.sources import mapping
from store.sources.npsp import Invalid, salesforce_id
from tests.conftest import ROOT, own_copy

# Salesforce writes ids of 15 characters (reports) or 18 (the data export): the last 3 are a checksum of the first 15,
# one letter per group of 5, A + (a bit for each capital in the group). 0015g00000Acm01: "0015g" and "00000" have no
# capital (A, A), "Acm01" has one in first place (bit 1: B): 0015g00000Acm01AAB. Funding requests: a0B5g00000Req01 has
# B in the 3rd place of the first group (bit 4: E): a0B5g00000Req01EAB.

# Setup > Data Export (or Data Loader): Account.csv, every cell quoted, CRLF line ends, a UTF-8 BOM.
# - Acme Pharma: Type Pharmaceutical says pharma (its Industry is not needed).
# - North University: no Type; Industry Education: academic.
# - Smith Household: an individual's account (npe01__SYSTEMIsIndividual__c true): no partner.
# - Helix Bio: Type "Customer - Direct" says nothing of the sector; Industry Biotechnology: biotech.
ACCOUNTS = """\
"Id","IsDeleted","Name","Type","Industry","BillingCountry","npe01__SYSTEMIsIndividual__c","CreatedDate"
"0015g00000Acm01AAB","false","Acme Pharma","Pharmaceutical","Biotechnology","United States","false",\
"2023-01-05T10:00:00.000Z"
"0015g00000Nor01AAB","false","North University","","Education","Canada","false",\
"2023-01-05T10:00:00.000Z"
"0015g00000Smi01AAB","false","Smith Household","Household","","United States","true",\
"2023-02-11T09:30:00.000Z"
"0015g00000Hel01AAB","false","Helix Bio","Customer - Direct","Biotechnology","Germany","false",\
"2024-01-20T15:45:00.000Z"
"""

# Opportunity.csv. IsWon decides (NPSP's "Posted" is a won stage). What each becomes:
# - Opp01: won, 2024-03-15, Acme, 50,000, Type Sponsorship: sponsorship.
# - Opp02: won (Posted), 2024-06-30, Helix, 12,500.50, Research Grant: research_grant.
# - Opp03: Prospecting, not won: left out.
# - Opp04: won, but the Smith household's (an individual's account in this import): left out.
# - Opp05: Closed Lost: left out.
# - Opp06: won, 2023-12-31, Acme, 7,000, no Type: no purpose.
OPPORTUNITIES = """\
"Id","IsDeleted","AccountId","Name","StageName","Amount","CloseDate","Type","IsWon","CampaignId",\
"npsp__Grant_Period_Start_Date__c"
"0065g00000Opp01AAB","false","0015g00000Acm01AAB","Acme 2024 sponsorship","Closed Won","50000","2024-03-15",\
"Sponsorship","true","",""
"0065g00000Opp02AAB","false","0015g00000Hel01AAB","Helix research grant","Posted","12500.5","2024-06-30",\
"Research Grant","true","","2024-07-01"
"0065g00000Opp03AAB","false","0015g00000Nor01AAB","North proposal","Prospecting","8000","2024-05-01","","false","",""
"0065g00000Opp04AAB","false","0015g00000Smi01AAB","Smith family gift","Closed Won","100","2024-02-01","Donation",\
"true","",""
"0065g00000Opp05AAB","false","0015g00000Acm01AAB","Acme 2024 event","Closed Lost","20000","2024-09-01","Event",\
"false","",""
"0065g00000Opp06AAB","false","0015g00000Acm01AAB","Acme 2023 gift","Closed Won","7000","2023-12-31","","true","",""
"""

# outfunds__Funding_Request__c.csv: Req01 went to North University; Req02 to a person (Applying Contact only).
FUNDING_REQUESTS = """\
"Id","Name","outfunds__Applying_Organization__c","outfunds__Applying_Contact__c","outfunds__Status__c",\
"outfunds__Awarded_Amount__c","outfunds__Requested_For__c"
"a0B5g00000Req01EAB","North registry grant","0015g00000Nor01AAB","","Awarded","30000.0","Patient registry"
"a0B5g00000Req02EAB","Travel fellowship","","0035g00000Con01AAB","Awarded","2000.0","Travel"
"""

# outfunds__Disbursement__c.csv: Dis01 (10,000 on 2024-04-01) and Dis03 (5,000 on 2024-09-15) are paid: outbound
# funding to North University. Dis02 is scheduled, Dis04 approved: left out.
DISBURSEMENTS = """\
"Id","Name","outfunds__Funding_Request__c","outfunds__Amount__c","outfunds__Disbursement_Date__c",\
"outfunds__Scheduled_Date__c","outfunds__Status__c","outfunds__Type__c","outfunds__Disbursement_Method__c"
"a0A5g00000Dis01EAB","D-0001","a0B5g00000Req01EAB","10000.0","2024-04-01","2024-04-01","Paid","Initial","EFT"
"a0A5g00000Dis02EAB","D-0002","a0B5g00000Req01EAB","15000.0","","2024-10-01","Scheduled","Interim","EFT"
"a0A5g00000Dis03EAB","D-0003","a0B5g00000Req01EAB","5000.0","2024-09-15","2024-09-01","Paid","Final","Check"
"a0A5g00000Dis04EAB","D-0004","a0B5g00000Req02EAB","2000.0","","2024-11-01","Approved","Initial","Check"
"""

# The foundation's own partners, for the exports matched by name.
PARTNERS = "partner_id,name,sector\nP1,Acme Pharma,pharma\nP2,North University,academic\n"

# An opportunity report exported from Salesforce Classic (Export Details, CSV): labels, US dates, amounts with
# thousands separators, and the footer after a blank line. What each row becomes:
# - Rep01: Closed Won, Acme Pharma (P1), 25,000 on 3/15/2024 (day 15: the file writes month first), Educational
#   Grant: education.
# - Rep02: Received (a won stage), " north  university" is North University (P2) with case and spaces aside,
#   1,500 on 4/2/2024: 2 April, as the file writes month first. No Type: no purpose.
# - Rep03: Pledged: left out.
REPORT = """\
"Opportunity Owner","Account Name","Opportunity Name","Type","Stage","Amount","Close Date","Opportunity ID"
"Dana Lee","Acme Pharma","Acme education grant","Educational Grant","Closed Won","25,000.00","3/15/2024",\
"0065g00000Rep01"
"Dana Lee"," north  university","North symposium","","Received","1,500.00","4/2/2024","0065g00000Rep02"
"Dana Lee","Acme Pharma","Acme 2025 renewal","Sponsorship","Pledged","30,000.00","1/10/2025","0065g00000Rep03"

"Opportunities won"
"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."
"Confidential Information - Do Not Distribute"
"Generated By:  Dana Lee  4/30/2024 9:12 AM"
"Example Foundation"
"""

# Raiser's Edge NXT, Lists > Gifts > Export (CSV, BOM, CRLF). What each gift becomes:
# - 1001: Cash from Acme Pharma (P1), $20,000 on 1/15/2024 (day 15: month first), Research Fund: research_grant.
# - 1002: a pledge payment (Pay-Cash) from North University (P2), $3,000 on 2/20/2024, General Operating: no purpose.
# - 1003: a Pledge, a promise (its payments count): left out.
# - 1004: Cash but Pending: left out.
# - 1005: Cash from Acme, $2,000 on 11/5/2023 (5 November), Gala: event.
GIFTS = """\
"Gift ID","Constituent ID","Constituent name","Gift date","Gift amount","Gift type","Gift status","Fund","Campaign",\
"Appeal"
"1001","501","Acme Pharma","1/15/2024","$20,000.00","Cash","","Research Fund","2024 Research Campaign",\
"Corporate appeal"
"1002","502","North University","2/20/2024","$3,000.00","Pay-Cash","","General Operating","",""
"1003","501","Acme Pharma","3/1/2024","$50,000.00","Pledge","Active","Research Fund","2024 Research Campaign",""
"1004","501","Acme Pharma","12/10/2024","$5,000.00","Cash","Pending","Events","",""
"1005","501","Acme Pharma","11/5/2023","$2,000.00","Cash","","Gala","",""
"""

FUNDING = "SELECT funding_id, date, partner_id, direction, amount, purpose FROM funding ORDER BY funding_id"
PARTNER_ROWS = "SELECT partner_id, name, sector, country, confidential FROM partners ORDER BY partner_id"


def export(folder: Path, name: str, text: str, *, bom: bool = True) -> Path:
    """The file as these systems write it: CRLF line ends and (for these exports) a UTF-8 BOM."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", "\r\n").encode("utf-8"))
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with database.read(db) as con:
        return con.execute(sql).fetchall()


def metrics(db: Path, year: int) -> dict:
    with database.read(db) as con:
        return compute(con, date(year, 1, 1), date(year, 12, 31))


@pytest.fixture
def salesforce(tmp_path) -> list[Path]:
    """The data export's four files in one folder, in the order a shell lists them (disbursements before requests)."""
    folder = tmp_path / "export"
    return [
        export(folder, "Account.csv", ACCOUNTS),
        export(folder, "Opportunity.csv", OPPORTUNITIES),
        export(folder, "outfunds__Disbursement__c.csv", DISBURSEMENTS),
        export(folder, "outfunds__Funding_Request__c.csv", FUNDING_REQUESTS),
    ]


@pytest.fixture(scope="module")
def own_partners(tmp_path_factory) -> Path:
    """A database holding the foundation's own partners P1 and P2, built once for the module."""
    folder = tmp_path_factory.mktemp("own")
    db = folder / "store.duckdb"
    assert import_files(db, [export(folder / "base", "partners.csv", PARTNERS, bom=False)]).ok
    return db


@pytest.fixture
def db(own_partners, tmp_path) -> Path:
    """A database holding the foundation's own partners P1 and P2: this test's own copy."""
    return own_copy(own_partners, tmp_path)


def test_the_salesforce_data_export_imports_accounts_won_opportunities_and_paid_disbursements(tmp_path, salesforce):
    db = tmp_path / "new.duckdb"
    result = import_files(db, salesforce)
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary() == ["partners: 3 new, 0 updated, 0 unchanged", "funding: 5 new, 0 updated, 0 unchanged"]
    assert rows(db, PARTNER_ROWS) == [
        ("sf:0015g00000Acm01", "Acme Pharma", "pharma", "United States", False),
        ("sf:0015g00000Hel01", "Helix Bio", "biotech", "Germany", False),
        ("sf:0015g00000Nor01", "North University", "academic", "Canada", False),
    ]
    assert rows(db, FUNDING) == [
        ("sf:0065g00000Opp01", date(2024, 3, 15), "sf:0015g00000Acm01", "inbound", Decimal(50000), "sponsorship"),
        ("sf:0065g00000Opp02", date(2024, 6, 30), "sf:0015g00000Hel01", "inbound", Decimal("12500.5"),
         "research_grant"),
        ("sf:0065g00000Opp06", date(2023, 12, 31), "sf:0015g00000Acm01", "inbound", Decimal(7000), None),
        ("sf:a0A5g00000Dis01", date(2024, 4, 1), "sf:0015g00000Nor01", "outbound", Decimal(10000), None),
        ("sf:a0A5g00000Dis03", date(2024, 9, 15), "sf:0015g00000Nor01", "outbound", Decimal(5000), None),
    ]  # fmt: skip
    # 2024: inbound 50,000 + 12,500.50 = 62,500.50 from Acme and Helix (2 partners); outbound 10,000 + 5,000 = 15,000.
    # Active: Acme, Helix, North (3); new: Helix and North (Acme's first funding is 2023-12-31). 2023: 7,000.
    values = metrics(db, 2024)
    assert values["funding_inbound_total"] == 62500.5
    assert values["funding_outbound_total"] == 15000
    assert values["funding_partner_count"] == 2
    assert values["partner_active_count"] == 3
    assert values["partner_new_count"] == 2
    assert metrics(db, 2023)["funding_inbound_total"] == 7000
    again = import_files(db, salesforce)  # the same export again changes nothing
    assert again.summary() == ["partners: 0 new, 0 updated, 3 unchanged", "funding: 0 new, 0 updated, 5 unchanged"]


def test_a_report_names_the_records_of_the_data_export_alike(tmp_path, salesforce):
    db = tmp_path / "new.duckdb"
    assert import_files(db, salesforce[:2]).ok
    # The report shows the 15-character ids of Opp01 and its account: the same record, unchanged.
    report = export(
        tmp_path / "report",
        "report1712345678901.csv",
        '"Opportunity Name","Account ID","Account Name","Type","Stage","Amount","Close Date","Opportunity ID"\n'
        '"Acme 2024 sponsorship","0015g00000Acm01","Acme Pharma","Sponsorship","Closed Won","50,000.00","3/15/2024",'
        '"0065g00000Opp01"\n',
    )
    result = import_files(db, [report])
    assert result.summary() == ["funding: 0 new, 0 updated, 1 unchanged"], [str(p) for p in result.problems]


def test_an_opportunity_report_matches_partners_by_name(db, tmp_path):
    report = export(tmp_path / "in", "report1714470720000.csv", REPORT)
    result = import_files(db, [report])
    assert result.ok, [str(p) for p in result.problems]
    assert rows(db, FUNDING) == [
        ("sf:0065g00000Rep01", date(2024, 3, 15), "P1", "inbound", Decimal(25000), "education"),
        ("sf:0065g00000Rep02", date(2024, 4, 2), "P2", "inbound", Decimal(1500), None),
    ]
    # 2024: 25,000 + 1,500 = 26,500 inbound, from 2 partners; nothing outbound.
    values = metrics(db, 2024)
    assert values["funding_inbound_total"] == 26500
    assert values["funding_outbound_total"] == 0
    assert values["funding_partner_count"] == 2
    assert values["partner_active_count"] == 2
    assert import_files(db, [report]).summary() == ["funding: 0 new, 0 updated, 2 unchanged"]


def test_raisers_edge_gifts_import_the_money_received_from_partners(db, tmp_path):
    gifts = export(tmp_path / "in", "Gifts.csv", GIFTS)
    result = import_files(db, [gifts])
    assert result.ok, [str(p) for p in result.problems]
    assert rows(db, FUNDING) == [
        ("re:1001", date(2024, 1, 15), "P1", "inbound", Decimal(20000), "research_grant"),
        ("re:1002", date(2024, 2, 20), "P2", "inbound", Decimal(3000), None),
        ("re:1005", date(2023, 11, 5), "P1", "inbound", Decimal(2000), "event"),
    ]
    # 2024: 20,000 + 3,000 = 23,000 inbound from P1 and P2; 2023: 2,000 from P1.
    values = metrics(db, 2024)
    assert values["funding_inbound_total"] == 23000
    assert values["funding_outbound_total"] == 0
    assert values["funding_partner_count"] == 2
    assert values["partner_active_count"] == 2
    assert metrics(db, 2023)["funding_inbound_total"] == 2000
    assert import_files(db, [gifts]).summary() == ["funding: 0 new, 0 updated, 3 unchanged"]


def test_disbursements_find_their_requests_in_the_same_import_or_beside_them(tmp_path):
    db = tmp_path / "new.duckdb"
    accounts = export(tmp_path / "a", "Account.csv", ACCOUNTS)
    requests = export(tmp_path / "r", "outfunds__Funding_Request__c.csv", FUNDING_REQUESTS)
    alone = export(tmp_path / "d", "outfunds__Disbursement__c.csv", DISBURSEMENTS)
    assert import_files(db, [accounts, requests, alone]).summary() == [
        "partners: 3 new, 0 updated, 0 unchanged",
        "funding: 2 new, 0 updated, 0 unchanged",
    ]
    # Listed after the disbursements, in another folder: requests are read first whatever the order.
    assert preview(db, [alone, requests]).summary() == ["funding: 0 new, 0 updated, 2 unchanged"]
    # Without them (nor beside them), the disbursements cannot tell whose they are.
    result = preview(db, [alone])
    assert [str(p) for p in result.problems] == [
        f"{alone}:2:outfunds__Funding_Request__c: the funding request a0B5g00000Req01 is in no Funding Request "
        "export of this import; import outfunds__Funding_Request__c.csv with this file (in the same import, or in "
        "the same folder)",
        f"{alone}:4:outfunds__Funding_Request__c: the funding request a0B5g00000Req01 is in no Funding Request "
        "export of this import; import outfunds__Funding_Request__c.csv with this file (in the same import, or in "
        "the same folder)",
    ]
    beside = export(tmp_path / "r", "outfunds__Disbursement__c.csv", DISBURSEMENTS)
    assert import_files(db, [beside]).summary() == ["funding: 0 new, 0 updated, 2 unchanged"]


def test_an_account_already_kept_under_another_id_is_refused(db, tmp_path):
    accounts = export(tmp_path / "in", "Account.csv", ACCOUNTS)
    result = import_files(db, [accounts])
    assert [str(p) for p in result.problems] == [
        f"{accounts}:2:Name: 'Acme Pharma' is already the partner 'P1'; as the account 0015g00000Acm01 it would "
        "count twice: import this org's opportunities as a report (matched by Account Name) instead of its accounts, "
        "or give the two different names",
        f"{accounts}:3:Name: 'North University' is already the partner 'P2'; as the account 0015g00000Nor01 it would "
        "count twice: import this org's opportunities as a report (matched by Account Name) instead of its accounts, "
        "or give the two different names",
    ]
    assert rows(db, "SELECT count(*) FROM partners") == [(2,)]


def _swap(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


# (file name, its text, the problem it must give, a file to put beside it)
MALFORMED = [
    ("Opportunity.csv", _swap(OPPORTUNITIES, '"StageName","Amount"', '"StageName","Total"'),
     "Opportunity.csv:1:Amount: this Salesforce opportunity export lacks the column Amount", None),
    ("Opportunity.csv", _swap(OPPORTUNITIES, '"2024-03-15"', '"3/15/2024"'),
     "Opportunity.csv:2:CloseDate: '3/15/2024' is not a date as Salesforce's data export writes it (YYYY-MM-DD", None),
    ("Opportunity.csv", _swap(OPPORTUNITIES, '"Sponsorship"', '"Bequest"'),
     "Opportunity.csv:2:Type: 'Bequest' is an opportunity Type that mappings/npsp_opportunities.toml does not list; "
     "it lists New Customer,", None),
    ("Opportunity.csv", _swap(OPPORTUNITIES, "Opp01AAB", "Opp01AAC"),
     "Opportunity.csv:2:Id: '0065g00000Opp01AAC' is not a Salesforce id: its last 3 characters do not match", None),
    ("Opportunity.csv", _swap(OPPORTUNITIES, '"0065g00000Opp01AAB","false","0015g00000Acm01AAB"',
                              '"0065g00000Opp01AAB","false","0065g00000Opp02AAB"'),
     "Opportunity.csv:2:AccountId: '0065g00000Opp02AAB' is not the id of an account: its id begins 001", None),
    ("report.csv", _swap(REPORT, '"Closed Won"', '"Verbal Commit"'),
     "report.csv:2:Stage: 'Verbal Commit' is a stage that mappings/npsp_opportunities.toml does not list: closed won "
     "are Closed Won, Posted, Received; left out are Prospecting,", None),
    ("report.csv", _swap(REPORT, '"Acme Pharma"', '"Acme Pharmaceuticals"'),
     "report.csv:2:Account Name: 'Acme Pharmaceuticals' is not the name of a partner", None),
    ("report.csv", _swap(REPORT, '"3/15/2024"', '"March 15, 2024"'),
     "report.csv:2:Close Date: 'March 15, 2024' is not a date as a Salesforce report writes it", None),
    ("Account.csv", _swap(ACCOUNTS, '"Pharmaceutical"', '"Vendor"'),
     "Account.csv:2:Type: 'Vendor' is an account Type that mappings/npsp_accounts.toml does not list; it lists "
     "Household,", None),
    ("Account.csv", _swap(ACCOUNTS, '"Education"', '"Aerospace"'),
     "Account.csv:3:Industry: 'Aerospace' is an Industry that mappings/npsp_accounts.toml does not list", None),
    ("outfunds__Disbursement__c.csv", _swap(DISBURSEMENTS, '"Paid"', '"Void"'),
     "outfunds__Disbursement__c.csv:2:outfunds__Status__c: 'Void' is a status that "
     "mappings/npsp_disbursements.toml does not list: paid is Paid; left out are Scheduled,", FUNDING_REQUESTS),
    ("outfunds__Disbursement__c.csv", _swap(DISBURSEMENTS, '"Approved"', '"Paid"'),
     "outfunds__Disbursement__c.csv:5:outfunds__Funding_Request__c: the funding request a0B5g00000Req02 has no "
     "partner organisation: it was made by a person, not an organisation (row 3 of "
     "outfunds__Funding_Request__c.csv)", FUNDING_REQUESTS),
    ("outfunds__Disbursement__c.csv", _swap(DISBURSEMENTS, '"2024-04-01","2024-04-01"', '"","2024-04-01"'),
     "outfunds__Disbursement__c.csv:2:outfunds__Disbursement_Date__c: outfunds__Disbursement_Date__c is required",
     FUNDING_REQUESTS),
    ("Gifts.csv", _swap(GIFTS, '"Gift type"', '"Kind"'),
     "Gifts.csv:1:Gift type: this Raiser's Edge gift export lacks the column Gift type", None),
    ("Gifts.csv", _swap(GIFTS, '"1/15/2024"', '"2024-01-15"'),
     "Gifts.csv:2:Gift date: '2024-01-15' is not a date as Raiser's Edge writes it", None),
    ("Gifts.csv", _swap(GIFTS, '"Pay-Cash"', '"Pay-Crypto"'),
     "Gifts.csv:3:Gift type: 'Pay-Crypto' is a gift type that mappings/raisers_edge_gifts.toml does not list: "
     "counted are Cash, Pay-Cash,", None),
    ("Gifts.csv", _swap(GIFTS, '"Pending"', '"On hold"'),
     "Gifts.csv:5:Gift status: 'On hold' is a gift status that mappings/raisers_edge_gifts.toml does not list", None),
    ("Gifts.csv", _swap(GIFTS, '"General Operating"', '"Capital Campaign"'),
     "Gifts.csv:3:Fund: 'Capital Campaign' is a fund that mappings/raisers_edge_gifts.toml does not list", None),
    ("Gifts.csv", GIFTS.replace('"Constituent ID"', '"Constituent type"').replace('"502"', '"Trust"')
     .replace('"501"', '"Organization"'),
     "Gifts.csv:3:Constituent type: 'Trust' is a constituent type that mappings/raisers_edge_gifts.toml does not "
     "list; it lists Individual, Organization, Organisation", None),
    ("Gifts.csv", _swap(GIFTS, '"11/5/2023"', '"11/5/2999"'),
     "Gifts.csv:6:Gift date: '11/5/2999' is more than 5 years from today", None),
    ("Opportunity.csv", _swap(OPPORTUNITIES, '"2024-03-15"', '"1899-03-15"'),
     "Opportunity.csv:2:CloseDate: '1899-03-15' is before 1900, which no record here can be; correct the year", None),
    ("Opportunity.csv", _swap(OPPORTUNITIES, '"Type"', '""'),
     "Opportunity.csv:1:column 8: this column has values but no name in the header row; name it", None),
    ("Opportunity.csv", _swap(OPPORTUNITIES, '"CampaignId"', '"Amount"'),
     "Opportunity.csv:1:Amount: the column 'Amount' appears twice in the header; keep one", None),
    ("Gifts.csv", _swap(GIFTS, '"Fund"', '"Fud"'),
     "Gifts.csv:1:Fud: 'Fud' is not a column this Raiser's Edge gift export has, and its values would be left out; "
     "did you mean 'Fund'? Name the column as the export does", None),
    ("Account.csv", _swap(ACCOUNTS, '"BillingCountry"', '"BillingCounry"'),
     "Account.csv:1:BillingCounry: 'BillingCounry' is not a column this Salesforce account export has", None),
    ("Gifts.csv", _swap(GIFTS, '"North University"', '"Jane Smith"'),
     "Gifts.csv:3:Constituent name: 'Jane Smith' is not the name of a partner", None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "problem", "beside"), MALFORMED)
def test_a_malformed_export_is_refused_at_its_row_and_column_and_nothing_is_written(
    db, tmp_path, name, text, problem, beside
):
    folder = tmp_path / "in"
    path = export(folder, name, text)
    if beside:
        export(folder, "outfunds__Funding_Request__c.csv", beside)
    before = rows(db, "SELECT count(*) FROM funding UNION ALL SELECT count(*) FROM partners")
    result = import_files(db, [path])
    assert any(str(p).startswith(f"{folder}/{problem}") for p in result.problems), [str(p) for p in result.problems]
    assert rows(db, "SELECT count(*) FROM funding UNION ALL SELECT count(*) FROM partners") == before


def test_a_refused_row_still_tells_how_the_file_writes_its_dates(db, tmp_path):
    # Rep01's stage is unknown, so Rep01 is refused; its date 3/15/2024 still shows the file writes month first, so
    # Rep02's 4/2/2024 is 2 April rather than a second, confusing problem.
    path = export(tmp_path / "in", "report.csv", _swap(REPORT, '"Closed Won"', '"Verbal Commit"'))
    assert [p.row for p in preview(db, [path]).problems] == [2]
    fixed = export(tmp_path / "in", "report.csv", _swap(REPORT, '"Closed Won"', '"Pledged"'))
    assert import_files(db, [fixed]).ok
    assert rows(db, "SELECT funding_id, date FROM funding") == [("sf:0065g00000Rep02", date(2024, 4, 2))]


def test_the_mappings_give_only_the_contracts_values():
    accounts, opportunities = mapping("npsp_accounts"), mapping("npsp_opportunities")
    sectors = set(accounts["sector"]["type"].values()) | set(accounts["sector"]["industry"].values())
    assert sectors - {"", "skip"} <= set(ENUMS["sector"])
    purposes = set(opportunities["purpose"].values()) | set(mapping("raisers_edge_gifts")["purpose"].values())
    assert purposes - {""} <= set(ENUMS["funding_purpose"])
    stages = [s.casefold() for s in opportunities["stages"]["won"] + opportunities["stages"]["other"]]
    assert len(stages) == len(set(stages))


def test_salesforce_ids_are_kept_in_their_15_character_form():
    assert salesforce_id("0015g00000Acm01AAB", "Id") == salesforce_id("0015g00000Acm01", "Id") == "0015g00000Acm01"
    with pytest.raises(Invalid, match="15 or 18 letters and digits"):
        salesforce_id("0015g00000Acm01AA", "Id")


def test_the_command_line_recognises_each_export_or_takes_format(tmp_path, salesforce):
    db = tmp_path / "cli.duckdb"
    run = [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db)]
    out = subprocess.run([*run, *map(str, salesforce)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == [
        "partners: 3 new, 0 updated, 0 unchanged",
        "funding: 5 new, 0 updated, 0 unchanged",
    ]
    # Helix Bio's gifts (the partner the Account export made, matched by name)
    gifts = export(
        tmp_path / "re",
        "export.csv",
        GIFTS.replace("Acme Pharma", "Helix Bio").replace("North University", "Helix Bio"),
    )
    out = subprocess.run([*run, "--format", "raisers-edge-gifts", str(gifts)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "funding: 3 new, 0 updated, 0 unchanged"
    out = subprocess.run([*run, "--format", "npsp-opportunities", str(gifts)], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.startswith(
        f"{gifts}:1:Opportunity ID: this Salesforce opportunity report lacks the column Opportunity ID"
    )
    accounts = salesforce[0]
    out = subprocess.run([*run, "--format", "raisers-edge-gifts", str(accounts)], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.startswith(f"{accounts}:1:Gift ID: this Raiser's Edge gift export lacks the column Gift ID")
