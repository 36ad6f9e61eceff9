"""ClinicalTrials.gov's study JSON (API v2): the trials of the programs the foundation follows.

A file holds one study (a study page's Download > JSON, or /api/v2/studies/NCT...), a page of studies
({"studies": [...], "nextPageToken": ...} as /api/v2/studies returns it) or a JSON array of studies.
mappings/clinicaltrials.toml says what becomes of each field; in short:

- A trial belongs to a program: the one chosen for it on the Data page (Known.trial_programs), else the one program
  whose program_id or name holds its NCT id ("Gene therapy (NCT01234567)"). A trial of no program, or of several,
  is a problem that says how to map it.
- A trial that has started (startDateStruct.type ACTUAL, or no type in older records) gives its program the
  milestone of its phase (the [phases] table) at its start date, a month without a day being the 1st. A combined
  trial (PHASE1 and PHASE2) gives the milestone of its first phase only: the registry gives no date for the later
  phase's start. EARLY_PHASE1 is phase 1; PHASE4 and NA give no milestone (not an error); nor does an ESTIMATED
  start (the trial has not started yet) or a trial not yet recruiting or withdrawn before enrolling anyone.
  The milestone's id is ctgov:<NCT id>:<milestone>, so importing the trial again changes nothing.
- Its lead sponsor and collaborators whose names are partners' names (case and spaces aside) are added to the
  program's partner_ids (a programs row only when one is not linked yet: program_id, its stored name, and its
  stored partners with the new ones; its other columns keep their stored values).
- Enrollment is a count of people the contract has no column for: it is not kept (and planned and actual counts
  are never added together).

A JSON file has no rows: a problem names the study's position in the file (1 = the first) as ROW and the field's
JSON path within the study as COLUMN; invalid JSON is a problem at the line where the JSON parser stops.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from store import values
from store.readers import Decoded, FileProblem, RawTable, ReadProblem, cell_problem, decode, unreadable_bytes
from store.sources.base import Known, fold, mapping
from store.values import plausible, shown

NCT_ID = "protocolSection.identificationModule.nctId"
TITLE = "protocolSection.identificationModule.briefTitle"
START = "protocolSection.statusModule.startDateStruct.date"
START_TYPE = "protocolSection.statusModule.startDateStruct.type"
STATUS = "protocolSection.statusModule.overallStatus"
PHASES = "protocolSection.designModule.phases"
SPONSORS = "protocolSection.sponsorCollaboratorsModule"
LEAD = f"{SPONSORS}.leadSponsor.name"
COLLABORATORS = f"{SPONSORS}.collaborators"

MILESTONES = ["milestone_id", "program_id", "date", "milestone", "note"]
PROGRAMS = ["program_id", "name", "partner_ids"]

# Keys only a ClinicalTrials.gov study has (the first is protocolSection, unless the keys were sorted).
_KEYS = ("protocolSection", "derivedSection", "hasResults")
_NCT = re.compile(r"^NCT\d{8}$", re.ASCII)
_NCT_IN = re.compile(r"NCT\d{8}(?!\d)", re.IGNORECASE | re.ASCII)
# Control characters no study holds (JSON's own whitespace aside: tab, line breaks), raw in the text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", re.ASCII)  # as the API writes dates: 2023-03 or 2023-03-15


class Invalid(ValueError):
    """A field's value the API never writes; path is where it is."""

    def __init__(self, path: str, message: str, value: object = "") -> None:
        super().__init__(message)
        self.path = path
        self.value = value


def _at(study: dict, path: str) -> object:
    """The value at a JSON path of the study (None when missing); Invalid where a step is not an object."""
    value: object = study
    walked: list[str] = []
    for key in path.split("."):
        if value is None:
            return None
        if not isinstance(value, dict):
            where = ".".join(walked)
            raise Invalid(where, f"{where} is {_kind(value)}, not an object as ClinicalTrials.gov writes it", value)
        walked.append(key)
        value = value.get(key)
    return value


def _kind(value: object) -> str:
    return {list: "a list", str: "text", bool: "true or false", int: "a number", float: "a number"}.get(
        type(value), "empty" if value is None else "an object"
    )


def _text(study: dict, at: str, encoding: str, path: str | None = None) -> str | None:
    """The text at a JSON path (None when missing or blank); Invalid for other values, or text no cell may hold.
    path names it in problems (default: at)."""
    path = path or at
    value = _at(study, at)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(path, f"{path} is {_kind(value)}, not text as ClinicalTrials.gov writes it", value)
    if why := cell_problem(value, encoding):
        raise Invalid(path, why, value)
    return value.strip() or None


def start_date(text: str) -> date:
    """startDateStruct.date as the API writes it: 2023-03-15, or 2023-03 (the 1st)."""
    m = _DATE.match(text.strip())
    if not m:
        raise Invalid(
            START,
            f"{shown(text)} is not a date as ClinicalTrials.gov writes it (such as 2023-03-15, or 2023-03 for a month)",
            text,
        )
    year, month, day = m.groups()
    try:
        found = date(int(year), int(month), int(day) if day else 1)
    except ValueError:
        raise Invalid(START, f"{shown(text)} is not a date of the calendar", text) from None
    try:
        return plausible(found, text)
    except values.Invalid as exc:
        raise Invalid(START, str(exc), text) from None


@dataclass
class Trial:
    """One study as the file gives it, before it is matched with the programs."""

    row: int
    nct: str
    title: str | None
    start: date | None  # only when the trial has started and its phase gives a milestone
    milestone: str | None
    sponsors: list[str] = field(default_factory=list)


def _milestone(study: dict, table: dict) -> str | None:
    """The milestone the trial's phases give (None for PHASE4, NA, or no phase); Invalid for a value the API never
    writes."""
    phases = _at(study, PHASES)
    if phases is None:
        return None
    if isinstance(phases, str):
        phases = [phases]
    if not isinstance(phases, list):
        raise Invalid(PHASES, f'{PHASES} is {_kind(phases)}, not a list of phases (such as ["PHASE2"])', phases)
    order = list(table)
    found = []
    for phase in phases:
        key = phase.strip().upper() if isinstance(phase, str) else None
        if key not in table:
            raise Invalid(
                PHASES,
                f"{shown(phase)} is not a phase ClinicalTrials.gov writes ({', '.join(order)})",
                phase,
            )
        found.append(key)
    given = [table[p] for p in sorted(found, key=order.index) if table[p]]
    return given[0] if given else None


def _started(study: dict, rules: dict, encoding: str) -> bool:
    """Whether the trial has started: an ACTUAL start (or no type, in older records) and not a status that says
    otherwise."""
    kind = _text(study, START_TYPE, encoding)
    types = rules["start_types"]
    if kind is not None and kind.upper() not in types:
        raise Invalid(
            START_TYPE,
            f"{shown(kind)} is not a type of date ClinicalTrials.gov writes ({', '.join(types)})",
            kind,
        )
    status = _text(study, STATUS, encoding)
    known = rules["statuses"]["known"]
    if status is not None and status.upper() not in known:
        raise Invalid(
            STATUS,
            f"{shown(status)} is not a status ClinicalTrials.gov writes ({', '.join(known)}); download the study "
            "again, or list the new status in mappings/clinicaltrials.toml",
            status,
        )
    if status and status.upper() in rules["not_started"]["statuses"]:
        return False
    return kind is None or types[kind.upper()]


def _sponsors(study: dict, encoding: str) -> list[str]:
    names = []
    if (lead := _text(study, LEAD, encoding)) is not None:
        names.append(lead)
    collaborators = _at(study, COLLABORATORS)
    if collaborators is None:
        return names
    if not isinstance(collaborators, list):
        raise Invalid(COLLABORATORS, f"{COLLABORATORS} is {_kind(collaborators)}, not a list", collaborators)
    for i, collaborator in enumerate(collaborators):
        path = f"{COLLABORATORS}[{i}]"
        if not isinstance(collaborator, dict):
            raise Invalid(path, f'{path} is {_kind(collaborator)}, not a collaborator ({{"name": ...}})', collaborator)
        if (name := _text(collaborator, "name", encoding, f"{path}.name")) is not None:
            names.append(name)
    return names


def _problem(row: int, exc: Invalid) -> ReadProblem:
    return ReadProblem(row, exc.path, str(exc), "" if exc.value in ("", None) else shown(exc.value))


def _trial(row: int, study: object, encoding: str, problems: list[ReadProblem]) -> Trial | None:
    """The study's trial; None (its problems added) when a field holds what the API never writes."""
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        problems.append(
            ReadProblem(
                row,
                "protocolSection",
                "this is not a ClinicalTrials.gov study: a study is a JSON object with a protocolSection",
            )
        )
        return None
    rules = mapping("clinicaltrials")
    steps = {
        "nct": lambda: _nct(study, encoding),
        "title": lambda: _text(study, TITLE, encoding),
        "milestone": lambda: _milestone(study, rules["phases"]),
        "start": lambda: _start(study),
        "started": lambda: _started(study, rules, encoding),
        "sponsors": lambda: _sponsors(study, encoding),
    }
    found: dict[str, object] = {}
    bad = False
    for name, step in steps.items():  # each field on its own, so that every problem is reported
        try:
            found[name] = step()
        except Invalid as exc:
            problems.append(_problem(row, exc))
            bad = True
    if bad:
        return None
    trial = Trial(row, found["nct"], found["title"], None, None, found["sponsors"])
    if found["milestone"] and found["start"] and found["started"]:
        trial.start, trial.milestone = found["start"], found["milestone"]
    return trial


def _nct(study: dict, encoding: str) -> str:
    nct = _text(study, NCT_ID, encoding)
    if nct is None:
        raise Invalid(NCT_ID, f"the study has no {NCT_ID}; every study on ClinicalTrials.gov has its NCT id")
    if not _NCT.match(nct.upper()):
        raise Invalid(NCT_ID, f"{shown(nct)} is not an NCT id (NCT and 8 digits, such as NCT01234567)", nct)
    return nct.upper()


def _start(study: dict) -> date | None:
    text = _at(study, START)
    if text is None:
        return None
    if not isinstance(text, str):
        raise Invalid(START, f'{START} is {_kind(text)}, not a date as text (such as "2023-03-15")', text)
    return start_date(text)


def _programs_by_nct(known: Known) -> dict[str, list[str]]:
    """NCT id -> the programs whose program_id or name holds it."""
    found: dict[str, list[str]] = {}
    for program_id, program in known.programs.items():
        for nct in dict.fromkeys(m.upper() for m in _NCT_IN.findall(f"{program_id} {program['name']}")):
            found.setdefault(nct, []).append(program_id)
    return found


def _program_of(trial: Trial, known: Known, by_nct: dict[str, list[str]]) -> str:
    """The program the trial belongs to; Invalid when it belongs to none, or to several."""
    chosen = {k.strip().upper(): v for k, v in known.trial_programs.items()}.get(trial.nct)
    named = f"trial {trial.nct}" + (f" ({shown(trial.title, 60)})" if trial.title else "")
    if chosen:
        if chosen not in known.programs:
            raise Invalid(
                NCT_ID,
                f"{named} is mapped to the program {shown(chosen)}, which is not in the database: import that program "
                "first (programs), or choose another on the Data page",
                trial.nct,
            )
        return chosen
    programs = by_nct.get(trial.nct, [])
    if len(programs) > 1:
        raise Invalid(
            NCT_ID,
            f"{named} is named by several programs ({', '.join(programs)}); choose its program on the Data page, or "
            "keep its NCT id in one program's name",
            trial.nct,
        )
    if not programs:
        raise Invalid(
            NCT_ID,
            f"{named} belongs to no program: put its NCT id in the name of the program it belongs to (such as "
            f"'Gene therapy ({trial.nct})') or in its program_id, or choose its program on the Data page",
            trial.nct,
        )
    return programs[0]


def _odd_key(value: object) -> str | None:
    """The first key, at any depth, that holds a control character (None when there is none)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (_CONTROL.search(key) or any(ch in key for ch in "\t\r\n")):
                return key
            if (found := _odd_key(item)) is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            if (found := _odd_key(item)) is not None:
                return found
    return None


def _studies(data: object) -> list[object]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and "studies" in data:
        if not isinstance(data["studies"], list):
            raise FileProblem(f"studies is {_kind(data['studies'])}, not a list of studies", 1, "studies")
        return data["studies"]
    if isinstance(data, dict) and "protocolSection" in data:
        return [data]
    raise FileProblem(
        "this JSON holds no ClinicalTrials.gov study (a study has a protocolSection; a page of studies is "
        '{"studies": [...]}); download the studies from ClinicalTrials.gov in JSON format'
    )


def tables(trials: list[Trial], known: Known, problems: list[ReadProblem], label: str) -> list[RawTable]:
    """The trials as milestones, and programs rows for the partners they link."""
    by_nct = _programs_by_nct(known)
    milestones: list[tuple[int, list[object]]] = []
    linked: dict[str, tuple[int, set[str]]] = {}  # program_id -> (first study's row, partners found)
    for trial in trials:
        try:
            program = _program_of(trial, known, by_nct)
        except Invalid as exc:
            problems.append(_problem(trial.row, exc))
            continue
        if trial.milestone and trial.start:
            note = f"{trial.nct}: {trial.title}" if trial.title else trial.nct
            milestone_id = f"ctgov:{trial.nct}:{trial.milestone}"
            milestones.append((trial.row, [milestone_id, program, trial.start.isoformat(), trial.milestone, note]))
        partners = {p for name in trial.sponsors if (p := known.partners_by_name.get(fold(name)))}
        row, found = linked.setdefault(program, (trial.row, set()))
        found |= partners
    programs = []
    for program, (row, found) in linked.items():
        stored = known.programs[program]
        if found - set(stored["partner_ids"]):
            partner_ids = ";".join(sorted(found | set(stored["partner_ids"])))
            programs.append((row, [program, stored["name"], partner_ids]))
    problems.sort(key=lambda p: p.row)
    names = {"milestone_id": NCT_ID, "program_id": NCT_ID, "date": START, "milestone": PHASES, "note": TITLE}
    result = [RawTable(label, "milestones", list(MILESTONES), milestones, problems, 0, names)]
    if programs:
        names = {"program_id": NCT_ID, "name": NCT_ID, "partner_ids": SPONSORS}
        result.append(RawTable(label, "programs", list(PROGRAMS), programs, [], 0, names))
    return result


class _ClinicalTrials:
    name = "clinicaltrials"
    title = "ClinicalTrials.gov (study JSON)"
    mapping = "clinicaltrials"
    where = "ClinicalTrials.gov: a study's page, Download > JSON; or the API, /api/v2/studies?query.term=..."

    def recognises(self, path: Path, head: str) -> bool:
        text = head.lstrip("\ufeff \t\r\n")
        return text[:1] in ("{", "[") and any(f'"{key}"' in head for key in _KEYS)

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        data = path.read_bytes()
        decoded = decode(data)
        if decoded.encoding == "Windows-1252":
            # JSON is UTF-8 (RFC 8259): a stray byte is damage to report, not a sign of another encoding.
            decoded = Decoded(data.decode("utf-8", errors="partnership-import"), "UTF-8")
        if not decoded.text.strip():
            raise FileProblem("the file is empty: download the studies from ClinicalTrials.gov in JSON format")
        for n, line in enumerate(decoded.text.split("\n"), start=1):  # as json counts lines (not at U+0085)
            # Anywhere, not only in the fields read: a damaged key ("sponsor\xfeCollaboratorsModule") would make
            # its field look missing, and its values would be lost without a word.
            if escaped := unreadable_bytes(line):
                raise FileProblem(
                    f"this line holds bytes that are not valid {decoded.encoding} ({escaped}): the file is damaged; "
                    "download the studies from ClinicalTrials.gov again in JSON format",
                    n,
                    "",
                )
            if control := _CONTROL.search(line):
                raise FileProblem(
                    f"this line holds the control character {shown(control.group())[1:-1]}: the file is damaged; "
                    "download the studies from ClinicalTrials.gov again in JSON format",
                    n,
                    "",
                )
        try:
            data = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            raise FileProblem(
                f"this is not valid JSON: {exc.msg} (line {exc.lineno}, character {exc.colno}); download the "
                "studies from ClinicalTrials.gov again in JSON format",
                exc.lineno,
                "",
            ) from None
        problems: list[ReadProblem] = []
        trials: list[Trial] = []
        first: dict[str, int] = {}
        for row, study in enumerate(_studies(data), start=1):
            if (key := _odd_key(study)) is not None:
                # A damaged key ("leadSponsor\u0085") would make its field look missing: its values lost silently.
                said = f"the key {shown(key)} holds a control character; download the studies again"
                problems.append(_problem(row, Invalid(shown(key)[1:-1], said, key)))
                continue
            trial = _trial(row, study, decoded.encoding, problems)
            if trial is None:
                continue
            if trial.nct in first:
                problems.append(
                    ReadProblem(
                        row,
                        NCT_ID,
                        f"trial {trial.nct} appears twice in this file (first as study {first[trial.nct]}); keep it "
                        "once",
                        trial.nct,
                    )
                )
                continue
            first[trial.nct] = row
            trials.append(trial)
        return tables(trials, known, problems, label)


CLINICALTRIALS = _ClinicalTrials()


def trials_in(path: Path, known: Known) -> list[tuple[str, str, str | None]]:
    """The trials of a study file as the Data page asks about them: (NCT id, title, the program it belongs to by
    its NCT id, or None when no program or several name it); studies that cannot be read are left to the import's
    problems."""
    try:
        studies = _studies(json.loads(decode(path.read_bytes()).text))
    except (ValueError, FileProblem, OSError):
        return []
    by_nct = _programs_by_nct(known)
    found = []
    for study in studies:
        if not isinstance(study, dict):
            continue
        try:
            nct = _nct(study, "UTF-8")
        except Invalid:
            continue
        title = _at(study, TITLE)
        programs = by_nct.get(nct, [])
        found.append((nct, title if isinstance(title, str) else "", programs[0] if len(programs) == 1 else None))
    return list({t[0]: t for t in found}.values())
