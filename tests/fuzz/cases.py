"""The valid files the fuzz test starts from, one case per file it mutates: the contract's CSV (tests/data/tiny and
sample_data) and XLSX, and every source of store/sources, with the files the import needs beside it (a case's base:
imported into its template database first) and the Shape that says where the file keeps what is stored.

The source files are the source tests' own (tests/test_sources_*.py), so that what each one means is worked out
there, by hand."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from contract import TABLE_ORDER, TABLES
from tests import test_sources_crm as crm
from tests import test_sources_pubmed as pubmed
from tests import test_sources_trials as trials
from tests.conftest import ROOT
from tests.fuzz.mutations import Shape, workbook

TINY = ROOT / "tests" / "data" / "tiny"
SAMPLE = ROOT / "sample_data"


@dataclass(frozen=True)
class Case:
    """A valid import (files by name) of which one file (target) is mutated, into a template holding base."""

    name: str
    format: str  # as a person knows it
    files: dict[str, bytes]
    target: str
    shape: Shape
    base: dict[str, bytes] = field(default_factory=dict)

    @property
    def data(self) -> bytes:
        return self.files[self.target]


def crlf(text: str, bom: bool = True) -> bytes:
    """A CRM export as these systems write it (CRLF, a UTF-8 BOM): test_sources_crm.export's bytes."""
    return (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", "\r\n").encode("utf-8")


def contract_shape(table: str, header: list[str]) -> Shape:
    """Where a contract file keeps its stored values: the contract's column types."""
    columns = {c.name: c for c in TABLES[table].columns}
    of = lambda *types: tuple(h for h in header if h in columns and columns[h].type in types)  # noqa: E731
    texts = of("text")
    return Shape(
        "csv",
        key=TABLES[table].key,
        dates=of("date"),
        numbers=of("money", "int", "number"),
        money=of("money"),
        enums=of("enum", "bool"),
        change=next(iter([t for t in texts if columns[t].required] or of("date")), ""),
        text=texts,
        types={h: columns[h].type for h in header if h in columns},
    )


def _header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def contract_csv(folder: Path, table: str, label: str) -> Case:
    """One table's CSV, into a database holding the tables the import applies before it (from the same folder)."""
    data = (folder / f"{table}.csv").read_bytes()
    before = TABLE_ORDER[: TABLE_ORDER.index(table)]
    base = {f"{t}.csv": (folder / f"{t}.csv").read_bytes() for t in before}
    return Case(
        f"{label}-{table}",
        f"contract CSV ({table})",
        {f"{table}.csv": data},
        f"{table}.csv",
        contract_shape(table, _header(data)),
        base,
    )


def _typed(table: str, header: list[str], row: list[str]) -> list[object]:
    """A CSV row as a person types it into Excel: dates as dates, numbers as numbers, yes/no as TRUE/FALSE."""
    columns = {c.name: c for c in TABLES[table].columns}
    out: list[object] = []
    for name, cell in zip(header, row, strict=False):
        kind = columns[name].type
        if cell == "":
            out.append(None)
        elif kind == "date":
            out.append(date.fromisoformat(cell))
        elif kind in ("money", "number"):
            out.append(int(cell) if cell.isdigit() else float(cell))
        elif kind == "int":
            out.append(int(cell))
        elif kind == "bool":
            out.append(cell == "true")
        else:
            out.append(cell)
    return out


def contract_xlsx(folder: Path, tables: tuple[str, ...], label: str, name: str, base: tuple[str, ...] = ()) -> Case:
    """A workbook of one sheet per table, typed as Excel keeps cells."""
    sheets = {}
    shapes = []
    for table in tables:
        rows = list(csv.reader(io.StringIO((folder / f"{table}.csv").read_text(encoding="utf-8"))))
        sheets[table] = [rows[0]] + [_typed(table, rows[0], r) for r in rows[1:] if r]
        shapes.append(contract_shape(table, rows[0]))
    shape = Shape(
        "xlsx",
        dates=tuple(c for s in shapes for c in s.dates),
        numbers=tuple(c for s in shapes for c in s.numbers),
        money=tuple(c for s in shapes for c in s.money),
        enums=tuple(c for s in shapes for c in s.enums),
        change=",".join(s.change for s in shapes if s.change),
        text=tuple(c for s in shapes for c in s.text),
    )
    files = {name: workbook(sheets)}
    base_files = {f"{t}.csv": (folder / f"{t}.csv").read_bytes() for t in base}
    return Case(label, f"contract XLSX ({', '.join(tables)})", files, name, shape, base_files)


def sheets_of(case: Case) -> dict[str, list[list[object]]]:
    """A workbook case's sheets as cells (read back with openpyxl, so a mutation starts from what is in the file)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(case.data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


# Salesforce NPSP's data export: four files imported together, each mutated in turn.
NPSP = {
    "Account.csv": crlf(crm.ACCOUNTS),
    "Opportunity.csv": crlf(crm.OPPORTUNITIES),
    "outfunds__Disbursement__c.csv": crlf(crm.DISBURSEMENTS),
    "outfunds__Funding_Request__c.csv": crlf(crm.FUNDING_REQUESTS),
}
SMITH = "0015g00000Smi01AAB"  # the household's account: its opportunity is left out
CRM_BASE = {"partners.csv": crm.PARTNERS.encode()}
PUBMED_BASE = {"partners.csv": pubmed.PARTNERS.encode(), "funding.csv": pubmed.FUNDING.encode()}
TRIALS_BASE = {
    "partners.csv": trials.PARTNERS.encode(),
    "programs.csv": trials.PROGRAMS.encode(),
    "milestones.csv": trials.MILESTONES.encode(),
}
START = "protocolSection.statusModule.startDateStruct.date"


def _started(study: dict) -> bool:
    """A study whose start is a milestone: an ACTUAL start, in a phase that has one."""
    status = study["protocolSection"]["statusModule"]
    phases = study["protocolSection"].get("designModule", {}).get("phases") or []
    return status.get("startDateStruct", {}).get("type") == "ACTUAL" and phases != ["NA"]


TRIAL_SHAPE = Shape(
    "json",
    key="protocolSection.identificationModule.nctId",
    dates=(START,),
    enums=(
        "protocolSection.statusModule.overallStatus",
        "protocolSection.statusModule.startDateStruct.type",
        "protocolSection.designModule.phases",
    ),
    change=START,
    kept=_started,
)


def cases() -> list[Case]:
    """Every case, in a fixed order (a variant's id is its case's name and its number)."""
    found = [contract_csv(TINY, t, "tiny") for t in TABLE_ORDER]
    found.append(contract_csv(SAMPLE, "funding", "sample"))
    found.append(contract_csv(SAMPLE, "partners", "sample"))
    found.append(contract_csv(SAMPLE, "publications", "sample"))
    # The whole tiny foundation in one import into an empty store, its partners mutated: the other files name them.
    together = {f"{t}.csv": (TINY / f"{t}.csv").read_bytes() for t in TABLE_ORDER}
    partners = contract_csv(TINY, "partners", "tiny")
    found.append(
        Case("tiny-together", "contract CSV (every table, partners mutated)", together, "partners.csv", partners.shape)
    )
    found.append(contract_xlsx(TINY, ("partners", "partnerships", "funding", "engagements"), "xlsx-tiny", "tiny.xlsx"))
    found.append(
        contract_xlsx(SAMPLE, ("funding",), "xlsx-sample-funding", "funding.xlsx", base=("partners", "partnerships"))
    )
    npsp_shapes = {
        "Account.csv": Shape(
            "csv",
            key="Id",
            enums=("Type", "Industry"),
            change="Name",
            kept=lambda r: r.get("npe01__SYSTEMIsIndividual__c") == "false",
        ),
        "Opportunity.csv": Shape(
            "csv",
            key="Id",
            dates=("CloseDate",),
            numbers=("Amount",),
            money=("Amount",),
            enums=("Type", "IsWon"),
            change="Amount",
            kept=lambda r: r.get("IsWon") == "true" and r.get("AccountId") != SMITH,
        ),
        "outfunds__Disbursement__c.csv": Shape(
            "csv",
            key="Id",
            dates=("outfunds__Disbursement_Date__c",),
            numbers=("outfunds__Amount__c",),
            money=("outfunds__Amount__c",),
            enums=("outfunds__Status__c",),
            change="outfunds__Amount__c",
            kept=lambda r: r.get("outfunds__Status__c") == "Paid",
        ),
        "outfunds__Funding_Request__c.csv": Shape(
            "csv",
            key="Id",
            change="outfunds__Applying_Organization__c",
            kept=lambda r: r.get("Id") == "a0B5g00000Req01EAB",
        ),
    }
    garbled_enums = {"Account.csv"}  # open lists (an org's own Types): a new value may say nothing
    for name, shape in npsp_shapes.items():
        if name in garbled_enums:
            shape = Shape(**{**shape.__dict__, "enums": ()})
        label = name.removesuffix(".csv").removeprefix("outfunds__").removesuffix("__c").lower().replace("_", "-")
        found.append(Case(f"npsp-{label}", f"Salesforce NPSP ({name})", dict(NPSP), name, shape))
    found.append(
        Case(
            "npsp-report",
            "Salesforce NPSP (opportunity report)",
            {"report1714470720000.csv": crlf(crm.REPORT)},
            "report1714470720000.csv",
            Shape(
                "csv",
                key="Opportunity ID",
                dates=("Close Date",),
                numbers=("Amount",),
                money=("Amount",),
                enums=("Stage", "Type"),
                change="Amount",
                kept=lambda r: r.get("Stage") in ("Closed Won", "Received"),
            ),
            CRM_BASE,
        )
    )
    found.append(
        Case(
            "raisers-edge-gifts",
            "Raiser's Edge NXT (gifts)",
            {"Gifts.csv": crlf(crm.GIFTS)},
            "Gifts.csv",
            Shape(
                "csv",
                key="Gift ID",
                dates=("Gift date",),
                numbers=("Gift amount",),
                money=("Gift amount",),
                enums=("Gift type",),
                change="Gift amount",
                kept=lambda r: r.get("Gift type") in ("Cash", "Pay-Cash") and not r.get("Gift status"),
            ),
            CRM_BASE,
        )
    )
    found.append(
        Case(
            "pubmed-medline",
            "PubMed (MEDLINE, .nbib)",
            {"pubmed.nbib": pubmed.MEDLINE.encode()},
            "pubmed.nbib",
            Shape("medline", key="PMID", change="TI"),
            PUBMED_BASE,
        )
    )
    found.append(  # the same records saved from PubMed as "Format: PubMed" (.txt), with Windows line ends
        Case(
            "pubmed-medline-txt",
            "PubMed (MEDLINE, .txt)",
            {"pubmed-result.txt": crlf(pubmed.MEDLINE, bom=False)},
            "pubmed-result.txt",
            Shape("medline", key="PMID", change="TI"),
            PUBMED_BASE,
        )
    )
    found.append(
        Case(
            "pubmed-csv",
            "PubMed (CSV)",
            {"csv-PubMed-set.csv": pubmed.CSV.encode()},
            "csv-PubMed-set.csv",
            Shape("csv", key="PMID", dates=("Citation",), change="Title"),
            PUBMED_BASE,
        )
    )
    found.append(
        Case(
            "ctgov-study",
            "ClinicalTrials.gov (one study)",
            {"gt101.json": json.dumps(trials.GT101, indent=2).encode()},
            "gt101.json",
            TRIAL_SHAPE,
            TRIALS_BASE,
        )
    )
    found.append(
        Case(
            "ctgov-page",
            "ClinicalTrials.gov (a page of studies)",
            {"trials.json": json.dumps(trials.PAGE).encode()},
            "trials.json",
            TRIAL_SHAPE,
            TRIALS_BASE,
        )
    )
    return found
