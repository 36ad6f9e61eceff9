"""ClinicalTrials.gov's study JSON (API v2) imports as the milestones of the programs the foundation follows, and links
the programs to their sponsors that are partners; problems name the study's position and the field's JSON path."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from metrics import compute
from store import database, sources
from store.importer import import_files, preview
from store.sources import Known
from store.sources.clinicaltrials import CLINICALTRIALS
from tests.conftest import ROOT, own_copy
from tests.conftest import fetch as rows
from tests.conftest import write_files as files

PARTNERS = "partner_id,name,sector\nP1,Acme Pharma,pharma\nP2,North University,academic\nP3,Cedar Biotech,biotech\n"
# PRG-1 names two trials in its name and already counts North University among its partners; NCT02345678's program
# has the NCT id as its program_id; PRG-3 names its trial too; PRG-2 names none.
PROGRAMS = (
    "program_id,name,partner_ids,modality,patient_insights\n"
    "PRG-1,Gene therapy GT-101 (NCT01234567; nct03456789),P2,gene therapy,true\n"
    "NCT02345678,Antisense ASO-7,,antisense,false\n"
    "PRG-2,Small molecule SM-3,,small molecule,false\n"
    "PRG-3,Natural history study (NCT04567890),,,false\n"
)
MILESTONES = "milestone_id,program_id,date,milestone\nM1,PRG-3,2023-02-01,target_validated\n"


def study(
    nct: str | None,
    title: str,
    start: dict | None,
    phases: list[str] | None,
    lead: str,
    collaborators: list[str] = (),
    status: str = "RECRUITING",
    enrollment: dict | None = None,
) -> dict:
    """A study as /api/v2/studies/NCT... returns it (the fields this import reads, and some it leaves)."""
    identification = {
        "nctId": nct,
        "orgStudyInfo": {"id": f"ORG-{nct}"},
        "organization": {"fullName": lead, "class": "INDUSTRY"},
        "briefTitle": title,
        "officialTitle": f"A Study of {title}",
    }
    if nct is None:
        del identification["nctId"]
    status_module = {"statusVerifiedDate": "2024-01", "overallStatus": status}
    if start is not None:
        status_module["startDateStruct"] = start
    status_module["primaryCompletionDateStruct"] = {"date": "2026-12", "type": "ESTIMATED"}
    design = {"studyType": "INTERVENTIONAL" if phases != ["NA"] else "OBSERVATIONAL"}
    if phases is not None:
        design["phases"] = phases
    design["enrollmentInfo"] = enrollment or {"count": 24, "type": "ACTUAL"}
    return {
        "protocolSection": {
            "identificationModule": identification,
            "statusModule": status_module,
            "sponsorCollaboratorsModule": {
                "responsibleParty": {"type": "SPONSOR"},
                "leadSponsor": {"name": lead, "class": "INDUSTRY"},
                "collaborators": [{"name": name, "class": "OTHER"} for name in collaborators],
            },
            "designModule": design,
            "conditionsModule": {"conditions": ["Disease X"]},
        },
        "derivedSection": {"miscInfoModule": {"versionHolder": "2024-05-01"}},
        "hasResults": False,
    }


# One study, as a study page's Download > JSON gives it. A Phase 1/2 trial started in March 2023 (no day: the 1st):
# PRG-1's phase1_started on 2023-03-01 (a combined trial gives its first phase's milestone). Its sponsor Acme Pharma
# (P1) and its collaborator "north  UNIVERSITY" (P2, case and spaces aside) are partners; St. Elsewhere Hospital is not.
GT101 = study(
    "NCT01234567",
    "Gene Therapy GT-101 in Disease X",
    {"date": "2023-03", "type": "ACTUAL"},
    ["PHASE1", "PHASE2"],
    "Acme Pharma",
    ["north  UNIVERSITY", "St. Elsewhere Hospital"],
    enrollment={"count": 24, "type": "ACTUAL"},
)
# A page of studies, as /api/v2/studies returns it:
# 1. NCT02345678, Phase 2, started 2023-06-15 (ACTUAL): phase2_started of program NCT02345678 (its program_id);
#    sponsor Cedar Biotech (P3) is linked to it.
# 2. NCT03456789 (PRG-1's name writes it in lower case), Phase 3, not yet recruiting, ESTIMATED start in 2024: no
#    milestone yet; its sponsor Acme Pharma is already PRG-1's partner then, so PRG-1 needs no programs row.
#    Its ESTIMATED enrollment (300) is never added to GT-101's ACTUAL 24: enrollment is not kept at all.
# 3. NCT04567890, observational (phase NA), started 2023-09: no milestone; North University (P2) is linked to PRG-3.
PAGE = {
    "studies": [
        study(
            "NCT02345678",
            "Antisense ASO-7 in Adults With Disease X",
            {"date": "2023-06-15", "type": "ACTUAL"},
            ["PHASE2"],
            "Cedar Biotech",
        ),
        study(
            "NCT03456789",
            "GT-101 Pivotal Study",
            {"date": "2024-09", "type": "ESTIMATED"},
            ["PHASE3"],
            "Acme Pharma",
            status="NOT_YET_RECRUITING",
            enrollment={"count": 300, "type": "ESTIMATED"},
        ),
        study(
            "NCT04567890",
            "Natural History of Disease X",
            {"date": "2023-09", "type": "ACTUAL"},
            ["NA"],
            "North University",
        ),
    ],
    "nextPageToken": "NF0g5JGBlPMuwQY",
}


def text(data: object) -> str:
    return json.dumps(data, indent=2)


@pytest.fixture(scope="module")
def programs(tmp_path_factory) -> Path:
    """A database holding the partners, programs and milestones, built once for the module."""
    folder = tmp_path_factory.mktemp("programs")
    db = folder / "store.duckdb"
    base = {"partners.csv": PARTNERS, "programs.csv": PROGRAMS, "milestones.csv": MILESTONES}
    assert import_files(db, files(folder / "base", **base)).ok
    return db


@pytest.fixture
def db(programs, tmp_path) -> Path:
    """The partners, programs and milestones: this test's own copy."""
    return own_copy(programs, tmp_path)


ALL_MILESTONES = "SELECT milestone_id, program_id, date, milestone, note FROM milestones ORDER BY 1"
PROGRAM_PARTNERS = (
    "SELECT p.program_id, p.name, p.modality, p.patient_insights, (SELECT list(partner_id ORDER BY partner_id) "
    "FROM program_partners pp WHERE pp.program_id = p.program_id) FROM programs p ORDER BY 1"
)


def test_trials_give_their_programs_milestones_and_partners(db, tmp_path):
    one, page = files(tmp_path / "in", **{"gt101.json": text(GT101), "trials.json": text(PAGE)})
    first = import_files(db, [one])
    assert first.ok, [str(p) for p in first.problems]
    assert first.summary() == ["programs: 0 new, 1 updated, 0 unchanged", "milestones: 1 new, 0 updated, 0 unchanged"]
    result = import_files(db, [page])
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary() == ["programs: 0 new, 2 updated, 0 unchanged", "milestones: 1 new, 0 updated, 0 unchanged"]
    assert rows(db, ALL_MILESTONES) == [
        ("M1", "PRG-3", date(2023, 2, 1), "target_validated", None),
        (
            "ctgov:NCT01234567:phase1_started",
            "PRG-1",
            date(2023, 3, 1),
            "phase1_started",
            "NCT01234567: Gene Therapy GT-101 in Disease X",
        ),
        (
            "ctgov:NCT02345678:phase2_started",
            "NCT02345678",
            date(2023, 6, 15),
            "phase2_started",
            "NCT02345678: Antisense ASO-7 in Adults With Disease X",
        ),
    ]
    # The programs keep their names, modality and patient insights; only their partners grow.
    assert rows(db, PROGRAM_PARTNERS) == [
        ("NCT02345678", "Antisense ASO-7", "antisense", False, ["P3"]),
        ("PRG-1", "Gene therapy GT-101 (NCT01234567; nct03456789)", "gene therapy", True, ["P1", "P2"]),
        ("PRG-2", "Small molecule SM-3", "small molecule", False, None),
        ("PRG-3", "Natural history study (NCT04567890)", None, False, ["P2"]),
    ]
    with database.read(db) as con:
        year = compute(con, date(2023, 1, 1), date(2023, 12, 31))
        # 2023: M1 (target_validated, 1 Feb), NCT01234567's phase 1 (1 Mar), NCT02345678's phase 2 (15 Jun): 3
        # milestones, 2 of them clinical, in 3 distinct programs (PRG-3, PRG-1, NCT02345678). Of those 3 programs
        # with a milestone by 31 Dec, PRG-1 alone has patient insights: 1/3.
        assert year["milestone_count"] == 3
        assert year["milestone_clinical_count"] == 2
        assert year["program_advanced_count"] == 3
        assert year["program_patient_insight_share"] == pytest.approx(1 / 3)
        # Q2 2023 holds only NCT02345678's phase 2 start; 2024 holds nothing (NCT03456789 has not started).
        q2 = compute(con, date(2023, 4, 1), date(2023, 6, 30))
        assert (q2["milestone_count"], q2["milestone_clinical_count"], q2["program_advanced_count"]) == (1, 1, 1)
        assert compute(con, date(2024, 1, 1), date(2024, 12, 31))["milestone_count"] == 0
    again = import_files(db, [one, page])  # the same files again change nothing
    assert again.ok
    assert again.summary() == ["milestones: 0 new, 0 updated, 2 unchanged"]
    assert not again.changes


def test_a_trial_chosen_for_a_program_on_the_data_page_is_mapped_so(db, tmp_path, monkeypatch):
    early = study("NCT05678901", "SM-3 First in Human", {"date": "2023-11-30"}, ["EARLY_PHASE1"], "Cedar Biotech")
    (path,) = files(tmp_path / "in", **{"sm3.json": text([early])})  # a top-level JSON array of studies
    refused = preview(db, [path])
    assert [str(p) for p in refused.problems] == [
        f"{path}:1:protocolSection.identificationModule.nctId: trial NCT05678901 ('SM-3 First in Human') belongs "
        "to no program: put its NCT id in the name of the program it belongs to (such as 'Gene therapy "
        "(NCT05678901)') or in its program_id, or choose its program on the Data page"
    ]
    load = Known.load

    def chosen(con):
        known = load(con)
        known.trial_programs = {"nct05678901": "PRG-2"}
        return known

    monkeypatch.setattr(sources.Known, "load", staticmethod(chosen))
    result = import_files(db, [path])
    assert result.ok, [str(p) for p in result.problems]
    # EARLY_PHASE1 is phase 1; a start date with no type (older records) has happened.
    assert rows(db, "SELECT program_id, date, milestone FROM milestones WHERE milestone_id LIKE 'ctgov:%'") == [
        ("PRG-2", date(2023, 11, 30), "phase1_started")
    ]
    assert rows(db, "SELECT partner_id FROM program_partners WHERE program_id = 'PRG-2'") == [("P3",)]


def milestone_of(tmp_path: Path, **fields) -> list[list[object]]:
    """The milestones rows one study gives (its program: PRG-1, by its NCT id)."""
    args = {"nct": "NCT01234567", "title": "T", "start": {"date": "2023-03-15", "type": "ACTUAL"},
            "phases": ["PHASE2"], "lead": "Acme Pharma"} | fields  # fmt: skip
    (path,) = files(tmp_path, **{"one.json": text(study(**args))})
    known = Known(programs={"PRG-1": {"name": "GT-101 (NCT01234567)", "partner_ids": []}})
    milestones, *_ = CLINICALTRIALS.read(path, "one.json", known)
    assert not milestones.problems, milestones.problems
    return [cells[2:4] for _, cells in milestones.rows]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"phases": ["PHASE1", "PHASE2"]}, [["2023-03-15", "phase1_started"]]),
        ({"phases": ["PHASE2", "PHASE3"]}, [["2023-03-15", "phase2_started"]]),
        ({"phases": ["EARLY_PHASE1"]}, [["2023-03-15", "phase1_started"]]),
        ({"phases": ["PHASE3"]}, [["2023-03-15", "phase3_started"]]),
        ({"phases": ["PHASE4"]}, []),
        ({"phases": ["NA"]}, []),
        ({"phases": None}, []),  # observational studies write no phases
        ({"start": {"date": "2023-03", "type": "ACTUAL"}}, [["2023-03-01", "phase2_started"]]),
        ({"start": {"date": "2025-03", "type": "ESTIMATED"}}, []),
        ({"start": {"date": "2003-07"}}, [["2003-07-01", "phase2_started"]]),  # older records: no type
        ({"start": None}, []),
        ({"status": "WITHDRAWN"}, []),  # no participant was ever enrolled
    ],
)
def test_the_phase_and_start_settle_the_milestone(tmp_path, fields, expected):
    assert milestone_of(tmp_path, **fields) == expected


# Where each broken variant is refused: the study's position in the file (ROW) and the field's JSON path (COLUMN).
BROKEN_PAGE = copy.deepcopy(PAGE)
del BROKEN_PAGE["studies"][1]["protocolSection"]["identificationModule"]["nctId"]
DOUBLE_PAGE = {"studies": [*PAGE["studies"], PAGE["studies"][0]]}
START = "protocolSection.statusModule.startDateStruct"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (BROKEN_PAGE,
         "2:protocolSection.identificationModule.nctId: the study has no protocolSection.identificationModule.nctId"),
        (study("NCT1234", "T", None, None, "Acme Pharma"),
         "1:protocolSection.identificationModule.nctId: 'NCT1234' is not an NCT id"),
        (study("NCT01234567", "T", {"date": "03/15/2023", "type": "ACTUAL"}, ["PHASE1"], "Acme Pharma"),
         f"1:{START}.date: '03/15/2023' is not a date as ClinicalTrials.gov writes it (such as 2023-03-15"),
        (study("NCT01234567", "T", {"date": "2023-13", "type": "ACTUAL"}, ["PHASE1"], "Acme Pharma"),
         f"1:{START}.date: '2023-13' is not a date of the calendar"),
        (study("NCT01234567", "T", {"date": "2023-03", "type": "ANTICIPATED"}, ["PHASE1"], "Acme Pharma"),
         f"1:{START}.type: 'ANTICIPATED' is not a type of date ClinicalTrials.gov writes (ACTUAL, ESTIMATED)"),
        (study("NCT01234567", "T", {"date": "2023-03", "type": "ACTUAL"}, ["Phase 2/Phase 3"], "Acme Pharma"),
         "1:protocolSection.designModule.phases: 'Phase 2/Phase 3' is not a phase ClinicalTrials.gov writes"),
        (study("NCT01234567", "T", {"date": "2023-03", "type": "ACTUAL"}, ["PHASE1"], "Acme Pharma", status="PAUSED"),
         "1:protocolSection.statusModule.overallStatus: 'PAUSED' is not a status ClinicalTrials.gov writes "
         "(ACTIVE_NOT_RECRUITING, COMPLETED,"),
        (study("NCT０1234567", "T", {"date": "2023-03", "type": "ACTUAL"}, ["PHASE1"], "Acme Pharma"),
         "1:protocolSection.identificationModule.nctId: 'NCT０1234567' is not an NCT id"),
        (study("NCT01234567", "T", {"date": "٢٠٢٣-03", "type": "ACTUAL"}, ["PHASE1"], "Acme Pharma"),
         f"1:{START}.date: '٢٠٢٣-03' is not a date as ClinicalTrials.gov writes it"),
        (study("NCT01234567", "T", {"date": "2999-06-15", "type": "ACTUAL"}, ["PHASE1"], "Acme Pharma"),
         f"1:{START}.date: '2999-06-15' is more than 5 years from today"),
        (study("NCT09999999", "Unfollowed", {"date": "2023-03", "type": "ACTUAL"}, ["PHASE1"], "Acme Pharma"),
         "1:protocolSection.identificationModule.nctId: trial NCT09999999 ('Unfollowed') belongs to no program"),
        (DOUBLE_PAGE,
         "4:protocolSection.identificationModule.nctId: trial NCT02345678 appears twice in this file (first as "
         "study 1)"),
        ({"studies": [{"hasResults": False}]},
         "1:protocolSection: this is not a ClinicalTrials.gov study"),
    ],
)  # fmt: skip
def test_a_malformed_study_is_refused_at_its_position_and_path_and_nothing_is_written(db, tmp_path, data, problem):
    before = rows(db, "SELECT (SELECT count(*) FROM milestones), (SELECT count(*) FROM program_partners)")
    (path,) = files(tmp_path / "in", **{"trials.json": text(data)})
    result = preview(db, [path])
    assert any(str(p).startswith(f"{path}:{problem}") for p in result.problems), [str(p) for p in result.problems]
    assert not import_files(db, [path]).ok
    assert rows(db, "SELECT (SELECT count(*) FROM milestones), (SELECT count(*) FROM program_partners)") == before


def test_a_json_file_cut_off_anywhere_is_refused_as_invalid_json(db, tmp_path):
    content = text(PAGE)
    for size in (len(content) // 3, len(content) // 2, len(content.rstrip()) - 1):
        (path,) = files(tmp_path / f"cut{size}", **{"trials.json": content[:size]})
        (problem,) = preview(db, [path]).problems
        assert "this is not valid JSON" in str(problem), str(problem)


def test_an_undecodable_byte_anywhere_in_the_json_is_refused_not_only_in_the_fields_read(db, tmp_path):
    content = (
        text(PAGE).encode("utf-8").replace(b'"sponsorCollaboratorsModule"', b'"sponsor\xfeCollaboratorsModule"', 1)
    )
    line = content[: content.index(b"\xfe")].count(b"\n") + 1
    path = tmp_path / "trials.json"
    path.write_bytes(content)
    (problem,) = preview(db, [path]).problems
    assert str(problem) == (
        f"{path}:{line}: this line holds bytes that are not valid UTF-8 (\\xfe): the file is damaged; download the "
        "studies from ClinicalTrials.gov again in JSON format"
    )


def test_a_control_character_in_a_json_key_raw_or_escaped_is_refused_not_a_field_lost(db, tmp_path):
    raw = text(PAGE).replace('"leadSponsor"', '"leadSponsor\u0085"', 1)
    line = raw[: raw.index("\u0085")].count("\n") + 1
    escaped = text(PAGE).replace('"leadSponsor"', '"leadSponsor\\u0085"', 1)
    (raw_path,) = files(tmp_path / "raw", **{"trials.json": raw})
    (escaped_path,) = files(tmp_path / "escaped", **{"trials.json": escaped})
    assert [str(p) for p in preview(db, [raw_path]).problems] == [
        f"{raw_path}:{line}: this line holds the control character \\x85: the file is damaged; download the "
        "studies from ClinicalTrials.gov again in JSON format"
    ]
    assert [str(p) for p in preview(db, [escaped_path]).problems] == [
        f"{escaped_path}:1:leadSponsor\\x85: the key 'leadSponsor\\x85' holds a control character; download the "
        "studies again"
    ]


def test_invalid_json_is_refused_at_the_line_the_parser_stops(db, tmp_path):
    content = text(PAGE).replace('"nextPageToken"', '"nextPageToken": "x",,"after"', 1)
    line = content[: content.index(",,")].count("\n") + 1
    (path,) = files(tmp_path / "in", **{"trials.json": content})
    (problem,) = preview(db, [path]).problems
    assert str(problem).startswith(f"{path}:{line}: this is not valid JSON: Expecting property name")


def test_the_command_line_recognises_the_json_or_takes_format(db, tmp_path):
    page, nbib = files(tmp_path / "in", **{"trials.json": text(PAGE), "export.txt": "PMID- 37000001\nTI  - T\n"})
    run = [sys.executable, str(ROOT / "cli.py"), "import", "--db", str(db)]
    out = subprocess.run([*run, str(page)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    # Here GT-101's file was not imported first: NCT03456789's sponsor Acme Pharma is new to PRG-1 as well.
    assert out.stdout.splitlines()[:2] == [
        "programs: 0 new, 3 updated, 0 unchanged",
        "milestones: 1 new, 0 updated, 0 unchanged",
    ]
    forced = subprocess.run([*run, "--format", "clinicaltrials", str(nbib)], capture_output=True, text=True)
    assert forced.returncode == 2
    assert forced.stderr.startswith(f"{nbib}:1: this is not valid JSON")
