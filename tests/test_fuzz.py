"""Fuzz: malformed variants of valid files of every format we read (the contract's CSV and XLSX, Salesforce NPSP,
Raiser's Edge NXT, PubMed MEDLINE and CSV, ClinicalTrials.gov JSON), each imported through the command line's entry
into a copy of its case's template database. Each must be refused (exit 2, every problem at FILE:ROW[:COLUMN], the
database byte for byte as it was, no file left behind) or accepted correctly (what is stored is what the file
means: tests/fuzz/mutations.py's oracles); never exit 1, never a traceback.

The variants are seeded (random.Random(case and number)), so a failing one is the same bytes on every run. `make
test` runs the first SUBSET of each case; `make check` (FUZZ=check, the fast loop) the first QUICK, which still
meet every kind of mutation across the cases, since each case starts on a different kind; `make fuzz` (FUZZ=all)
runs all of them (ALL per case, over 1,000) and prints the figures; tests/artifacts/fuzz-report.txt lists every
variant that went wrong.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import Counter

import pytest

from tests.conftest import ROOT
from tests.fuzz.cases import cases
from tests.fuzz.harness import Bench, Outcome, first_difference, subset_difference, unlocated
from tests.fuzz.mutations import Mutated

QUICK = 8
SUBSET = 16
ALL = 64
EVERYTHING = os.environ.get("FUZZ", "").lower() == "all"
PER_CASE = {"all": ALL, "check": QUICK}.get(os.environ.get("FUZZ", "").lower(), SUBSET)
CASES = cases()
# Some variants also go through a real `cli.py import` process (each takes a second or two to start): one of each
# format in `make test`, two of every case in `make fuzz`.
ONE_OF_EACH = ("tiny-funding", "xlsx-tiny", "npsp-opportunity", "raisers-edge-gifts", "pubmed-medline", "ctgov-page")
COMMANDS = [(c.name, i) for c in CASES for i in (0, ALL // 2)] if EVERYTHING else [(name, 1) for name in ONE_OF_EACH]

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def benches(tmp_path_factory, request) -> dict[str, Bench]:
    """Each case's bench, and at the end the figures and every failure in the report file (make fuzz prints its first
    line, the figures: output of a fixture's teardown is captured)."""
    work = tmp_path_factory.mktemp("fuzz")
    found = {c.name: Bench(c, work) for c in CASES}
    yield found
    outcomes: list[Outcome] = request.config.stash.get(_OUTCOMES, [])
    if not outcomes:
        return
    tally = Counter(o.result for o in outcomes)
    wrong = [o for o in outcomes if not o.ok]
    kept_refused = sum(1 for o in outcomes if o.result == "refused" and o.oracle == "same")
    line = (
        f"fuzz: {len(outcomes) - tally['skipped']} variants: {tally['refused']} refused "
        f"({kept_refused} of them kept the file's meaning), {tally['accepted']} accepted correctly, "
        f"{tally['wrong']} accepted wrongly, {tally['crash']} crashed, {tally['unlocated']} unlocated, "
        f"{tally['changed'] + tally['leftover']} changed the database or left files"
    )
    report = ROOT / "tests" / "artifacts" / "fuzz-report.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    strict = [o for o in outcomes if o.result == "refused" and o.oracle == "same"]
    report.write_text(
        f"{line}\n\n"
        + "\n".join(map(str, sorted(wrong, key=lambda o: (o.result, o.kind, o.id))))
        + "\n\nRefused although the change kept the file's meaning (allowed; too strict?):\n"
        + "\n".join(map(str, strict))
        + "\n"
    )


_OUTCOMES = pytest.StashKey[list]()


def test_each_valid_file_imports_and_the_mutations_write_its_rows_back_unchanged(benches):
    from tests.fuzz.mutations import CsvFile

    for bench in benches.values():
        assert bench.meant  # the valid files import, and store something
        if bench.case.shape.format == "csv":
            parsed = CsvFile.parse(bench.case.data)
            assert CsvFile.parse(parsed.dump()).rows == parsed.rows, bench.case.name


def test_there_are_over_a_thousand_variants_in_all():
    assert len(CASES) * ALL >= 1000


@pytest.mark.parametrize("case,index", [(c.name, i) for c in CASES for i in range(PER_CASE)])
def test_a_malformed_file_is_refused_at_its_rows_or_stores_only_what_it_means(benches, request, case, index):
    outcome = benches[case].run(index)
    request.config.stash.setdefault(_OUTCOMES, []).append(outcome)
    assert outcome.ok, str(outcome)


@pytest.mark.parametrize("case,index", COMMANDS)
def test_the_real_command_line_refuses_or_accepts_a_variant_as_the_in_process_entry_does(benches, case, index):
    bench = benches[case]
    if bench.variant(index) is None:
        pytest.skip("no mutation applies")
    code, stderr = bench.run_command(index)
    assert "Traceback" not in stderr
    assert code in (0, 2), stderr
    assert code == bench.run(index).code, stderr


def test_a_variant_is_the_same_bytes_on_every_run(tmp_path):
    for case in CASES:
        first, again = Bench(case, tmp_path / "a"), Bench(case, tmp_path / "b")
        assert [first.variant(i).data for i in range(3)] == [again.variant(i).data for i in range(3)], case.name
    # A workbook carries no clock: openpyxl's save time is fixed, in its properties and in every zip entry.
    workbook = next(c for c in CASES if c.shape.format == "xlsx").data
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
        assert (
            re.findall(rb"\d{4}-\d\d-\d\dT[\d:]+Z", archive.read("docProps/core.xml")) == [b"2024-01-01T00:00:00Z"] * 2
        )


def test_the_oracles_tell_a_changed_value_from_a_record_left_out():
    before = {"partners": {("P1",): {"partner_id": "P1", "confidential": "true"}}}
    meant = {
        "partners": {
            ("P1",): {"partner_id": "P1", "confidential": "true"},
            ("P2",): {"partner_id": "P2", "confidential": "true"},
            ("P3",): {"partner_id": "P3", "confidential": "false"},
        }
    }
    fewer = {"partners": {k: v for k, v in meant["partners"].items() if k != ("P3",)}}
    flipped = {"partners": {**fewer["partners"], ("P2",): {"partner_id": "P2", "confidential": "false"}}}
    assert subset_difference(fewer, before, meant) is None  # a cut file may store fewer records
    assert first_difference(fewer, meant) == "partners P3: the valid file's record is missing"
    assert subset_difference(flipped, before, meant) == "partners P2: confidential: stored 'false', meant 'true'"
    assert subset_difference({"partners": {}}, before, meant) == "partners P1: removed"
    assert first_difference(meant, meant) is None


def test_a_refusal_is_located_only_when_every_line_names_its_file_and_row():
    files = ["/in/partners.csv", "/in/book.xlsx"]
    assert unlocated("/in/partners.csv:3:sector: 'x' is not a sector\n/in/book.xlsx[funding]:2: a row\n", files) is None
    assert unlocated("", files) == "refused without a message"
    assert unlocated("/in/partners.csv: the file is empty\n", files).startswith("not located")
    assert unlocated("something went wrong\n", files).startswith("not located")
    assert unlocated("/in/partners.csv:2:name: 'a\x00b' holds a NUL\n", files).startswith("a raw control character")


# Each cause the fuzz has found, pinned as the variant that showed it (/work notes: fuzz-findings.md, by letter), so
# that it stays fixed whatever the random draws: (case, finding, the bytes changed, what they become, oracle).
# What they become is None for a file cut right after the bytes.
PINNED = [
    ("tiny-milestones", "A: a date in 2999", b"2025-03-01", b"2999-03-01", "refuse"),
    ("tiny-funding", "C: a space inside a group", b",20000,", b",2000 0,", "refuse"),
    ("tiny-funding", "D: 50,000.00 and 20.000,00", b",50000,", b',"50,000.00",', "refuse"),
    ("pubmed-medline", "E: Arabic-Indic digits in DEP", b"DEP - 20230216", "DEP - ٢٠٢٣٠٢١٦".encode(), "refuse"),
    ("pubmed-medline", "F: hour 25 in PHST", b"2023/02/16 00:00 [epublish]", b"2023/02/16 25:00 [epublish]", "refuse"),
    (
        "ctgov-page",
        "G: an unknown overallStatus",
        b'"overallStatus": "RECRUITING"',
        b'"overallStatus": "ONGOING"',
        "refuse",
    ),
    ("pubmed-medline-txt", "H: a file cut inside a title", b"TI  - Outc", None, "subset"),
    ("ctgov-study", "I: a control character in a key", b'"leadSponsor"', b'"leadSponsor\xc2\x85"', "garble"),
    ("pubmed-csv", "J: a column named twice", b"NIHMS ID", b"PMCID", "garble"),
    ("npsp-account", "K: a quote in an unquoted cell", b'"false","Acme Pharma"', b'"false",Acme Pharma"', "garble"),
    (
        "tiny-programs",
        "L: a file cut after a delimiter",
        b"PG1,Gene therapy OND-101,P01;P05,gene therapy,",
        None,
        "subset",
    ),
    ("raisers-edge-gifts", "M: a typo in a source's column name", b'"Fund"', b'"Fud"', "garble"),
    (
        "pubmed-medline",
        "N: TI and AID swapped",
        b"TI  - Outcomes that matter to families.\n",
        b"TI  - 10.1000/pp.2023.002 [doi]\n",
        "garble",
    ),
]


def pinned(case_name: str, old: bytes, new: bytes | None, oracle: str, finding: str) -> Mutated:
    data = next(c for c in CASES if c.name == case_name).data
    assert old in data, f"{case_name} no longer holds {old!r}"
    if new is None:
        return Mutated(data[: data.index(old) + len(old)], "pinned", oracle, finding)
    out = data.replace(old, new, 1)
    if finding.startswith("D:"):
        out = out.replace(b",20000,", b',"20.000,00",', 1)
    if finding.startswith("N:"):
        out = out.replace(b"AID - 10.1000/pp.2023.002 [doi]", b"AID - Outcomes that matter to families.", 1)
    return Mutated(out, "pinned", oracle, finding)


@pytest.mark.parametrize("case,finding,old,new,oracle", PINNED, ids=[p[1].split(":")[0] for p in PINNED])
def test_a_finding_of_the_fuzz_stays_fixed(benches, case, finding, old, new, oracle):
    outcome = benches[case].run_mutated(0, pinned(case, old, new, oracle, finding), "pinned")
    assert outcome.ok, str(outcome)
