"""The import templates: a CSV per table and the Excel workbook, which imports as it is and once filled in."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from contract import FORMULA_STARTS, TABLE_ORDER, TABLES
from store import templates
from store.importer import import_files


def sheets(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("table", list(TABLES))
def test_a_csv_template_is_the_tables_header_and_nothing_else(table):
    data = templates.csv_template(table)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads accents in a file with a byte-order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [list(TABLES[table].column_names)]


@pytest.mark.parametrize("table", list(TABLES))
def test_an_untouched_csv_template_imports_nothing_rather_than_an_error(tmp_path, table):
    partners = tmp_path / "partners.csv"
    partners.write_bytes(templates.csv_template("partners"))
    path = tmp_path / f"{table}.csv"
    path.write_bytes(templates.csv_template(table))
    result = import_files(tmp_path / "db.duckdb", sorted({partners, path}))
    assert result.ok, [str(p) for p in result.problems]
    assert all(c.new == c.updated == c.unchanged == 0 for c in result.counts.values())


def test_the_workbook_has_a_read_me_then_one_sheet_per_table_with_its_header_frozen():
    wb = sheets(templates.workbook())
    assert wb.sheetnames == [templates.README_SHEET, *TABLE_ORDER]
    for name in TABLE_ORDER:
        ws = wb[name]
        assert [c.value for c in ws[1]] == list(TABLES[name].column_names)
        assert ws.max_row == 1  # the header only: an untouched sheet adds nothing
        assert ws.freeze_panes == "A2"
        for i, column in enumerate(TABLES[name].columns, start=1):
            letter = ws.cell(1, i).column_letter
            assert ws.column_dimensions[letter].width >= len(column.name), (name, column.name)


def test_every_enumerated_and_yes_no_column_has_a_drop_down_list_of_its_values():
    wb = sheets(templates.workbook())
    for name in TABLE_ORDER:
        ws = wb[name]
        rules = {str(rule.sqref).split(":")[0]: rule for rule in ws.data_validations.dataValidation}
        for i, column in enumerate(TABLES[name].columns, start=1):
            cell = f"{ws.cell(1, i).column_letter}2"
            if column.type in ("enum", "bool"):
                rule = rules[cell]
                expected = column.values if column.type == "enum" else ("true", "false")
                assert rule.type == "list" and rule.formula1 == '"' + ",".join(expected) + '"', (name, column.name)
                assert rule.allow_blank and rule.showErrorMessage
                assert str(rule.sqref).endswith(f"{templates.LAST_ROW}")
            else:
                assert cell not in rules, (name, column.name)


def test_the_read_me_explains_every_column_of_every_table():
    wb = sheets(templates.workbook("EUR"))
    ws = wb[templates.README_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header_at = next(
        i for i, r in enumerate(rows) if tuple(r[: len(templates.GUIDE_COLUMNS)]) == templates.GUIDE_COLUMNS
    )
    listed = {(r[0], r[1]): dict(zip(templates.GUIDE_COLUMNS, r, strict=False)) for r in rows[header_at + 1 :]}
    assert set(listed) == {(t, c.name) for t, table in TABLES.items() for c in table.columns}
    assert listed[("partners", "sector")]["allowed values"].startswith("pharma, biotech, medtech")
    assert listed[("partners", "sector")]["required"] == "yes"
    assert listed[("partners", "confidential")]["default"] == "false"
    assert "community outputs" in listed[("partners", "confidential")]["notes"]
    assert "partner_id of a record in partners" in listed[("funding", "partner_id")]["notes"]
    assert "EUR" in listed[("funding", "currency")]["notes"]
    assert "phase1_started → clinical" in listed[("milestones", "milestone")]["notes"]
    assert listed[("publications", "peer_reviewed")]["default"] == "true"


def test_an_untouched_workbook_imports_as_nothing(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(templates.workbook())
    result = import_files(tmp_path / "db.duckdb", [path])
    assert result.ok, [str(p) for p in result.problems]
    assert set(result.counts) == set(TABLE_ORDER)
    assert all(c.new == c.updated == c.unchanged == 0 for c in result.counts.values())


def test_a_workbook_filled_in_with_one_row_per_sheet_imports_into_an_empty_database(tmp_path):
    wb = sheets(templates.workbook())
    for name in TABLE_ORDER:
        ws = wb[name]
        for i, column in enumerate(TABLES[name].columns, start=1):
            ws.cell(2, i).value = templates.EXAMPLES[name][column.name] or None
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = import_files(tmp_path / "db.duckdb", [path])
    assert result.ok, [str(p) for p in result.problems]
    assert {name: (c.new, c.updated, c.unchanged) for name, c in result.counts.items()} == {
        name: (1, 0, 0) for name in TABLE_ORDER
    }


def test_the_guide_has_an_example_for_every_column_that_a_person_would_type():
    rows = templates.guide()
    assert len(rows) == sum(len(t.columns) for t in TABLES.values())
    for row in rows:
        column = TABLES[row["table"]].column(row["column"])
        if column.required:
            assert row["example"], (row["table"], row["column"])
        if column.type in ("enum", "bool") and row["example"]:
            assert row["example"] in row["allowed values"].split(", ")


def test_no_cell_of_a_template_is_a_formula():
    ws = Workbook().active
    templates._put(ws, 1, 1, "=HYPERLINK(1)")
    assert (ws["A1"].value, ws["A1"].data_type) == ("'=HYPERLINK(1)", "s")
    wb = sheets(templates.workbook())
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (ws.title, cell.coordinate)
