"""A mapping of one's own for a CSV no format reads: saved beside the database, recognised by the file's columns,
usable by `cli.py import --format NAME`, values translated, unknown values still refused at their row and column."""

from __future__ import annotations

import subprocess
import sys

import pytest

from store import database
from store.importer import import_files, preview
from store.sources import custom, source_for
from tests.conftest import ROOT

EXPORT = "Org ID,Organisation,Kind,Notes\nA-1,Acme Pharma,Pharmaceutical,big\nB-2,North University,Academia,\n"
MAPPING = custom.Custom(
    "donor-crm",
    "partners",
    {"Org ID": "partner_id", "Organisation": "name", "Kind": "sector", "Notes": ""},
    {"sector": {"Pharmaceutical": "pharma", "Academia": "academic"}},
)


def test_a_saved_mapping_reads_a_file_with_the_same_columns(tmp_path):
    db = tmp_path / "store.duckdb"
    path = tmp_path / "Organisations export (3).csv"
    path.write_text(EXPORT)
    assert source_for(path, db_path=db) is None  # no mapping yet: the file is a contract file of no known table
    assert not preview(db, [path]).ok
    saved = custom.save(db, MAPPING)
    assert saved == tmp_path / "store.duckdb.mappings" / "donor-crm.toml"
    assert custom.saved(db) == [MAPPING]  # the TOML file reads back as the same mapping
    assert source_for(path, db_path=db).name == "donor-crm"
    result = import_files(db, [path])
    assert result.ok, [str(p) for p in result.problems]
    assert result.formats == {str(path): "donor-crm"}
    with database.read(db) as con:
        assert con.execute("SELECT partner_id, name, sector::VARCHAR FROM partners ORDER BY 1").fetchall() == [
            ("A-1", "Acme Pharma", "pharma"),
            ("B-2", "North University", "academic"),
        ]
    assert import_files(db, [path]).summary() == ["partners: 0 new, 0 updated, 2 unchanged"]


def test_a_value_the_mapping_does_not_translate_is_a_problem_at_its_row_and_column(tmp_path):
    db = tmp_path / "store.duckdb"
    custom.save(db, MAPPING)
    path = tmp_path / "orgs.csv"
    path.write_text(EXPORT + "C-3,Cedar Devices,Devices,\n")
    (problem,) = preview(db, [path]).problems
    assert str(problem).startswith(f"{path}:4:Kind: 'Devices' is not a valid sector; use one of: pharma, biotech")


@pytest.mark.parametrize(
    ("mapping", "why"),
    [
        (custom.Custom("Donor CRM", "partners", MAPPING.columns), "lower-case letters, digits and dashes"),
        (custom.Custom("x", "partners", {"Org ID": "partner_id", "Organisation": "name"}), "sector is required"),
        (custom.Custom("x", "partners", {**MAPPING.columns, "Notes": "name"}), "two of the file's columns are mapped"),
        (custom.Custom("x", "donors", MAPPING.columns), "there is no table 'donors'"),
    ],
)
def test_a_mapping_that_cannot_work_is_not_saved(tmp_path, mapping, why):
    with pytest.raises(ValueError, match=why):
        custom.save(tmp_path / "store.duckdb", mapping)
    assert custom.saved(tmp_path / "store.duckdb") == []


def test_the_command_line_takes_a_saved_mapping_by_name(tmp_path):
    db = tmp_path / "store.duckdb"
    custom.save(db, MAPPING)
    path = tmp_path / "export.csv"
    path.write_text(EXPORT)
    run = [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db)]
    out = subprocess.run([*run, "--format", "donor-crm", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "partners: 2 new, 0 updated, 0 unchanged"
    # A file in the contract's layout is read so even when forced by name.
    contract = tmp_path / "partners.csv"
    contract.write_text("partner_id,name,sector\nP9,Zeta Labs,biotech\n")
    out = subprocess.run([*run, "--format", "contract", str(contract)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
