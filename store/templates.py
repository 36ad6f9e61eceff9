"""Blank import files for staff to fill in: a CSV per table, and one Excel workbook with every table and a guide.

The templates hold the header row only, so a template sent back untouched imports nothing rather than a made-up
record; each column's example lives in the guide (the workbook's "Read me" sheet, and the Data page). Every cell
written is plain text or a number, never a formula.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from contract import INDUSTRY_SECTORS, MILESTONE_STAGE, TABLE_ORDER, TABLES, Column, formula_safe

README_SHEET = "Read me"
LAST_ROW = 1_048_576  # Excel's last row: drop-down lists cover the whole column below the header
MAX_LIST = 255  # Excel's limit on a drop-down list written in the rule itself
HEADER_FILL = PatternFill("solid", fgColor="E8EAED")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE8B2")

TYPE_WORDS = {
    "id": "text: an id",
    "text": "text",
    "enum": "one of the allowed values",
    "date": "date, written YYYY-MM-DD",
    "bool": "yes or no: true or false",
    "int": "whole number, 0 or more",
    "money": "amount greater than 0",
    "list": "partner ids, separated by ;",
}
REFERENCE_WORDS = {"partners": "partner_id", "partnerships": "partnership_id", "programs": "program_id"}
EXTRA_NOTES = {
    ("partners", "sector"): f"Industry partners are those whose sector is {', '.join(INDUSTRY_SECTORS)}.",
    ("milestones", "milestone"): "Sets the program's stage: "
    + "; ".join(f"{kind} → {stage}" for kind, stage in MILESTONE_STAGE.items())
    + ".",
}

# One record per table that fits together: a row filled in from each, in this order, imports cleanly.
EXAMPLES: dict[str, dict[str, str]] = {
    "partners": {
        "partner_id": "PTR-101",
        "name": "Acme Therapeutics",
        "sector": "pharma",
        "country": "United Kingdom",
        "confidential": "false",
    },
    "partnerships": {
        "partnership_id": "AGR-101",
        "partner_id": "PTR-101",
        "title": "Natural history study support",
        "kind": "research_investment",
        "start_date": "2025-01-15",
        "end_date": "",
        "ip_agreement": "signed",
        "precompetitive": "true",
    },
    "engagements": {
        "engagement_id": "ENG-101",
        "date": "2025-03-04",
        "type": "listening_session",
        "partner_ids": "PTR-101",
        "title": "Spring listening session",
        "partnership_id": "AGR-101",
        "stage": "clinical",
        "attendees": "40",
        "patient_participants": "25",
        "insights_shared": "true",
    },
    "funding": {
        "funding_id": "FUN-101",
        "date": "2025-03-31",
        "partner_id": "PTR-101",
        "direction": "inbound",
        "amount": "25000",
        "currency": "",
        "partnership_id": "AGR-101",
        "purpose": "natural_history_study",
        "stage": "clinical",
    },
    "publications": {
        "publication_id": "PUB-101",
        "title": "Patient-reported outcomes in a natural history study",
        "published_date": "2025-06-30",
        "doi": "10.5555/example.2025.101",
        "partner_ids": "PTR-101",
        "partnership_id": "AGR-101",
        "study_completed_date": "2024-12-15",
        "peer_reviewed": "true",
        "open_access": "true",
        "lay_summary": "true",
        "citations": "0",
    },
    "programs": {
        "program_id": "PRG-101",
        "name": "ACM-101 gene therapy",
        "partner_ids": "PTR-101",
        "modality": "gene therapy",
        "patient_insights": "true",
    },
    "milestones": {
        "milestone_id": "MS-101",
        "program_id": "PRG-101",
        "date": "2025-05-20",
        "milestone": "phase1_started",
        "note": "First patient dosed",
    },
}

GENERAL = (
    "How to use this workbook",
    "Each sheet after this one is a table. Fill in one record per row, under the header; leave the header as it is.",
    "Only partners is required: leave a sheet empty (just its header) and it imports nothing.",
    "Columns in the header marked yellow are required. Hover over a column's name for what it holds.",
    "Columns with a drop-down list take only the values in the list. Yes/no columns take true or false.",
    "Dates: 2025-03-04 is best. Lists of partners: partner ids separated by ; (PTR-101;PTR-102).",
    "A blank cell takes the default below. An id you import again updates that record; nothing is ever deleted.",
    "An import is all or nothing: any problem is listed with its sheet, row and column, and nothing is written.",
    "Then import the workbook on the dashboard's Data page (or: python cli.py import --db PATH workbook.xlsx).",
)
GUIDE_COLUMNS = ("table", "column", "required", "type", "allowed values", "default", "notes", "example")


def allowed_values(column: Column) -> tuple[str, ...]:
    """What a column takes from a fixed list: its enumeration, true/false for yes/no, nothing otherwise."""
    if column.type == "bool":
        return ("true", "false")
    return column.values


def _default(column: Column) -> str:
    if column.default is None:
        return ""
    if isinstance(column.default, bool):
        return "true" if column.default else "false"
    return str(column.default)


def _notes(table: str, column: Column, currency: str) -> str:
    parts = []
    if column.note:
        parts.append(column.note[0].upper() + column.note[1:] + ".")
    if column.name == "currency":
        parts.append(f"The reporting currency is {currency}.")
    if column.references:
        key = REFERENCE_WORDS[column.references]
        each = "Each must be" if column.type == "list" else "Must be"
        parts.append(f"{each} the {key} of a record in {column.references} (in this import or an earlier one).")
    if (table, column.name) in EXTRA_NOTES:
        parts.append(EXTRA_NOTES[(table, column.name)])
    return " ".join(parts)


def guide(currency: str = "USD") -> list[dict[str, str]]:
    """Every column of every table in words: table, column, required, type, allowed values, default, notes and an
    example (the rows of the workbook's "Read me" sheet)."""
    return [
        {
            "table": name,
            "column": column.name,
            "required": "yes" if column.required else "no",
            "type": TYPE_WORDS[column.type],
            "allowed values": ", ".join(allowed_values(column)),
            "default": _default(column),
            "notes": _notes(name, column, currency),
            "example": EXAMPLES[name][column.name],
        }
        for name in TABLE_ORDER
        for column in TABLES[name].columns
    ]


def csv_template(table: str) -> bytes:
    """The table's CSV template: its header row only, UTF-8 with a byte-order mark (so Excel reads accents)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([formula_safe(c) for c in TABLES[table].column_names])
    return out.getvalue().encode("utf-8-sig")


def _put(ws, row: int, col: int, value: object, **style) -> None:
    """Writes a cell as data, never as a formula (openpyxl would store text starting with "=" as one)."""
    cell = ws.cell(row=row, column=col)
    cell.value = formula_safe(value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)


def _width(texts: list[str], least: int = 10, most: int = 60) -> float:
    return min(max([least, *(len(t) + 2 for t in texts)]), most)


def _comment(table: str, column: Column, currency: str) -> Comment:
    lines = [("Required. " if column.required else "Optional. ") + TYPE_WORDS[column.type].capitalize() + "."]
    if allowed_values(column):
        lines.append("Allowed: " + ", ".join(allowed_values(column)) + ".")
    if _default(column):
        lines.append(f"Blank means {_default(column)}.")
    if _notes(table, column, currency):
        lines.append(_notes(table, column, currency))
    lines.append(f"Example: {EXAMPLES[table][column.name] or '(blank)'}")
    comment = Comment("\n".join(lines), "Partnership Impact")
    comment.width, comment.height = 320, 40 + 18 * sum(1 + len(line) // 45 for line in lines)
    return comment


def _table_sheet(wb: Workbook, table: str, currency: str) -> None:
    ws = wb.create_sheet(table)
    for i, column in enumerate(TABLES[table].columns, start=1):
        letter = get_column_letter(i)
        _put(
            ws,
            1,
            i,
            column.name,
            font=Font(bold=True),
            fill=REQUIRED_FILL if column.required else HEADER_FILL,
            comment=_comment(table, column, currency),
        )
        ws.column_dimensions[letter].width = _width([column.name, EXAMPLES[table][column.name]], least=12, most=40)
        # Dates typed in a date column stay dates (shown as ISO); ids and text stay text (00123 keeps its zeros).
        ws.column_dimensions[letter].number_format = (
            "yyyy-mm-dd" if column.type == "date" else "General" if column.type in ("int", "money") else "@"
        )
        choices = allowed_values(column)
        if choices:
            listed = ",".join(choices)
            if len(listed) + 2 > MAX_LIST:
                raise ValueError(f"{table}.{column.name}: the drop-down list is over Excel's {MAX_LIST} characters")
            rule = DataValidation(
                type="list",
                formula1=f'"{listed}"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f"Not a {column.name}",
                error=f"Choose one of: {', '.join(choices)}.",
                showInputMessage=True,
                promptTitle=column.name[:32],
                prompt=("Required. " if column.required else f"Blank means {_default(column) or 'none'}. ")[:255],
            )
            rule.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"


def _readme_sheet(wb: Workbook, currency: str) -> None:
    ws = wb.active
    ws.title = README_SHEET
    _put(ws, 1, 1, GENERAL[0], font=Font(bold=True, size=14))
    for row, line in enumerate(GENERAL[1:], start=2):
        _put(ws, row, 1, line)
    row = len(GENERAL) + 2
    _put(ws, row, 1, "Tables", font=Font(bold=True, size=12))
    for name in TABLE_ORDER:
        row += 1
        _put(ws, row, 1, name, font=Font(bold=True))
        _put(ws, row, 2, TABLES[name].description + (" Required." if name == "partners" else ""))
    row += 2
    _put(ws, row, 1, "Columns", font=Font(bold=True, size=12))
    row += 1
    rows = guide(currency)
    for col, title in enumerate(GUIDE_COLUMNS, start=1):
        _put(ws, row, col, title, font=Font(bold=True), fill=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    for entry in rows:
        row += 1
        for col, title in enumerate(GUIDE_COLUMNS, start=1):
            _put(ws, row, col, entry[title], alignment=wrap)
    widths = {"table": 14, "column": 22, "required": 10, "type": 24, "allowed values": 36, "default": 10}
    for col, title in enumerate(GUIDE_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(title, 48)


def workbook(currency: str = "USD") -> bytes:
    """The Excel template: a "Read me" sheet explaining every column, then one sheet per table (the header only,
    frozen, with column widths and drop-down lists for every enumerated and yes/no column)."""
    wb = Workbook()
    _readme_sheet(wb, currency)
    for name in TABLE_ORDER:
        _table_sheet(wb, name, currency)
    wb.properties.title = "Partnership Impact import template"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
