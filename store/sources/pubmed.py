"""PubMed's two exports: the MEDLINE format (Send to > Citation manager, .nbib; Save > PubMed, .txt) and Save > CSV.

Each paper becomes one publications record (mappings/pubmed_medline.toml and pubmed_csv.toml say what becomes of each
field). Its id is pmid:<PMID>, unless a paper with its DOI is already stored (imported from a CSV of the contract):
then it is that paper, kept under its id. Its partners and partnership are the stored ones, plus those of each grant
(GR) that is one of the foundation's funding records. So importing the same export again changes nothing.

Problems name the file, the line (MEDLINE) or row (CSV), and the tag or column: "pubmed.nbib:14:DP: ...".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from store import values
from store.readers import FileProblem, RawTable, ReadProblem, cell_problem, decode, first_line, read_source_csv
from store.sources.base import Known, grant_key
from store.values import check_digits, shown

HEADER = ["publication_id", "title", "published_date", "doi", "open_access", "peer_reviewed", "partner_ids",
          "partnership_id"]  # fmt: skip
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
CSV_HEADER = ["PMID", "Title", "Authors", "Citation", "First Author", "Journal/Book", "Publication Year",
              "Create Date", "PMCID", "NIHMS ID", "DOI"]  # fmt: skip

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) *- ?(.*)$")
# Dates and ids are read with the digits 0-9 only (re.ASCII): an Arabic-Indic or fullwidth digit is refused.
# DP as PubMed writes it: "2023", "2023 Mar", "2023 Mar 15", a season "2023 Spring", or a range after the first date
# ("2023 Mar-Apr", "2022 Dec-2023 Jan", "2023 Mar 15-21"): the range's first day counts.
_DP = re.compile(
    r"^(\d{4})(?: ([A-Za-z]{3})(?: (\d{1,2}))?| (Spring|Summer|Fall|Autumn|Winter))?(?:-[\w ]+)?$", re.ASCII
)
_DEP = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
_PHST = re.compile(r"^(\d{4})/(\d{2})/(\d{2})(?: (\d{2}):(\d{2}))? \[(\w+)\]$", re.ASCII)
# A citation's dates: "Nat Med. 2023 Mar;29(3):512-520. doi: ... Epub 2023 Feb 16."
_CITED = re.compile(r"\.\s(\d{4})(?: ([A-Z][a-z]{2})(?: (\d{1,2}))?)?(?=[;:.\s]|$)", re.ASCII)
_EPUB = re.compile(r"Epub (\d{4}) ([A-Z][a-z]{2}) (\d{1,2})", re.ASCII)
_ARTICLE_ID = re.compile(r"^\S.* \[[a-z][a-z-]*\]$", re.ASCII)  # AID and LID: "10.1000/xyz [doi]", "S0000 [pii]"
_PMID = re.compile(r"^[0-9]{1,9}$")


class Invalid(ValueError):
    pass


def _day(year: int, month: int, day: int, text: str, what: str) -> date:
    """The date, when it is one of the calendar and plausible (values.plausible): every date a paper gives counts,
    since the earliest is its published date (a DEP typed 2999 would leave DP's later date as the earliest)."""
    try:
        found = date(year, month, day)
    except ValueError:
        raise Invalid(f"{shown(text)} is not a date of the calendar ({what})") from None
    try:
        return values.plausible(found, text)
    except values.Invalid as exc:
        raise Invalid(str(exc)) from None


def _digits(text: str) -> None:
    """Refuses digits other than 0-9, saying so (they would otherwise read as no date at all, or a wrong one)."""
    try:
        check_digits(text)
    except values.Invalid as exc:
        raise Invalid(str(exc)) from None


def print_date(text: str) -> date:
    """DP: the print date, a missing month or day being the 1st."""
    _digits(text)
    m = _DP.match(text.strip())
    if not m:
        raise Invalid(
            f"{shown(text)} is not a publication date as PubMed writes it (such as 2023 Mar 15, 2023 Mar or 2023)"
        )
    year, month, day, season = m.groups()
    if season:
        return _day(int(year), SEASONS[season.lower()], 1, text, "DP")
    if month and month.lower() not in MONTHS:
        raise Invalid(f"{shown(text)} names no month PubMed writes (Jan, Feb, ... Dec)")
    return _day(int(year), MONTHS[month.lower()] if month else 1, int(day) if day else 1, text, "DP")


def electronic_dates(dep: list[str], phst: list[str]) -> list[date]:
    """DEP (YYYYMMDD) and the [epublish] and [aheadofprint] dates of PHST."""
    found = []
    for text in dep:
        _digits(text)
        m = _DEP.match(text.strip())
        if not m:
            raise Invalid(f"{shown(text)} is not an electronic publication date as PubMed writes it (YYYYMMDD)")
        found.append(_day(*map(int, m.groups()), text, "DEP"))
    for text in phst:
        _digits(text)
        m = _PHST.match(text.strip())
        if not m:
            raise Invalid(
                f"{shown(text)} is not a history date as PubMed writes it (such as 2023/02/15 00:00 [epublish])"
            )
        hour, minute = m.group(4, 5)
        if hour is not None and (int(hour) > 23 or int(minute) > 59):
            raise Invalid(
                f"{shown(text)} has an impossible time of day ({hour}:{minute}); PubMed writes 00:00 to 23:59"
            )
        if m.group(6) in ("epublish", "aheadofprint"):
            found.append(_day(int(m.group(1)), int(m.group(2)), int(m.group(3)), text, "PHST"))
    return found


@dataclass
class Paper:
    """One paper as a source gives it, before it is matched with what is stored."""

    row: int
    pmid: str
    title: str | None
    published: date | None
    doi: str | None
    pmc: bool
    preprint: bool = False
    grants: tuple[str, ...] = ()


def _rows(papers: list[Paper], known: Known) -> list[tuple[int, list[object]]]:
    rows = []
    for p in papers:
        stored_id = known.publications_by_doi.get(p.doi.lower()) if p.doi else None
        publication_id = stored_id or f"pmid:{p.pmid}"
        stored = known.publications.get(publication_id, {})
        partners = set(stored.get("partner_ids", []))
        partnership = stored.get("partnership_id")
        for grant in p.grants:
            if (found := known.funding.get(grant_key(grant))) is not None:
                partners.add(found[0])
                partnership = partnership or found[1]
        rows.append(
            (
                p.row,
                [
                    publication_id,
                    p.title or "",
                    p.published.isoformat() if p.published else "",
                    p.doi or "",
                    "true" if p.pmc else "false",
                    "false" if p.preprint else "true",
                    ";".join(sorted(partners)),
                    partnership or "",
                ],
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------------------------
# MEDLINE


def _records(text: str, encoding: str) -> tuple[list[dict[str, list[tuple[int, str]]]], list[ReadProblem]]:
    """The file's records: tag -> [(line, value)], continuation lines joined; and lines that are not MEDLINE."""
    records: list[dict[str, list[tuple[int, str]]]] = []
    problems: list[ReadProblem] = []
    current: dict[str, list[tuple[int, str]]] | None = None
    last: tuple[str, int] | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            current, last = None, None
            continue
        if why := cell_problem(line, encoding):
            problems.append(ReadProblem(n, line[:4].strip() if line[4:5] == "-" else "", why, shown(line)))
            continue
        if line.startswith("      ") and current is not None and last is not None:  # a continuation line
            tag, i = last
            at, value = current[tag][i]
            current[tag][i] = (at, f"{value} {line.strip()}")
            continue
        m = _TAG_LINE.match(line)
        if not m or len(line) < 5 or line[4] != "-":
            problems.append(
                ReadProblem(n, "", f"{shown(line)} is not a line of the MEDLINE format (a tag such as 'TI  - ')")
            )
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag == "PMID":
            current = {}
            records.append(current)
        elif current is None:
            problems.append(ReadProblem(n, tag, "a record must begin with its PMID line; this line comes before one"))
            continue
        current.setdefault(tag, []).append((n, value))
        last = (tag, len(current[tag]) - 1)
    return records, problems


def _cut(text: str, record: dict[str, list[tuple[int, str]]]) -> ReadProblem | None:
    """The problem of a file that may be cut off in its last record (None when the record is whole).

    A cut can fall at the end of any line (a title or a date that goes on on the next line looks complete), so the
    last record is whole only when the file ends with a line break after its SO line, which PubMed writes last in
    every record, or with a blank line after it (the end of a record). A file cut in the middle of a line has no
    line break at its end."""
    lines = text.splitlines()
    last = len(lines)
    while last and not lines[last - 1].strip():
        last -= 1
    ended = text.rstrip(" \t").endswith(("\n", "\r"))
    if ended and ("SO" in record or last < len(lines)):
        return None
    line = lines[last - 1] if last else ""
    tag = line[:4].strip() if line[4:5] == "-" else ""
    if not ended:
        why = "the file ends in this line without a line break after it, so it may be cut off here"
    else:
        why = (
            "the last record ends without its SO line (PubMed writes it last in every record) and without a blank "
            "line after it, so the file may be cut off in this record"
        )
    return ReadProblem(
        last,
        tag,
        f"{why} (it ends with {shown(line.strip(), 60)}); save the records from PubMed again, or, if the record is "
        "whole, end it with a blank line",
        shown(line.strip()),
    )


def _values(record: dict[str, list[tuple[int, str]]], tag: str) -> list[str]:
    return [v for _, v in record.get(tag, [])]


def _doi(record: dict[str, list[tuple[int, str]]]) -> str | None:
    for tag in ("AID", "LID"):
        for value in _values(record, tag):
            if value.endswith("[doi]"):
                return value[: -len("[doi]")].strip()
    return None


def _medline_paper(record: dict[str, list[tuple[int, str]]], problems: list[ReadProblem]) -> Paper | None:
    (row, pmid), *_ = record["PMID"]
    if not _PMID.match(pmid):
        problems.append(
            ReadProblem(row, "PMID", f"{shown(pmid)} is not a PMID (a number such as 37012345)", shown(pmid))
        )
        return None
    dates, bad = [], False
    for tag in ("DP",):
        for line, text in record.get(tag, []):
            try:
                dates.append(print_date(text))
            except Invalid as exc:
                problems.append(ReadProblem(line, tag, str(exc), shown(text)))
                bad = True
    for tag in ("DEP", "PHST"):
        for line, text in record.get(tag, []):
            try:
                dates.extend(electronic_dates([text] if tag == "DEP" else [], [text] if tag == "PHST" else []))
            except Invalid as exc:
                problems.append(ReadProblem(line, tag, str(exc), shown(text)))
                bad = True
    for tag in ("AID", "LID"):
        for line, text in record.get(tag, []):
            if not _ARTICLE_ID.match(text):
                # PubMed writes every article id with its kind ("10.1000/x [doi]"); one without is damage (a value
                # from another line), and the DOI it may be would be passed over.
                problems.append(
                    ReadProblem(
                        line,
                        tag,
                        f"{shown(text)} is not an article id as PubMed writes it (such as 10.1000/xyz [doi])",
                        shown(text),
                    )
                )
                bad = True
    if bad:
        return None
    title = next(iter(_values(record, "TI") or _values(record, "BTI")), None)
    grants = tuple(value.split("/")[0].strip() for value in _values(record, "GR") if value.split("/")[0].strip())
    return Paper(
        row,
        pmid,
        title,
        min(dates) if dates else None,
        _doi(record),
        bool(_values(record, "PMC")),
        any(v.lower() == "preprint" for v in _values(record, "PT")),
        grants,
    )


class _Medline:
    name = "pubmed"
    title = "PubMed (MEDLINE format)"
    mapping = "pubmed_medline"
    where = "PubMed: select the papers, then Send to > Citation manager > Create file (.nbib); or Save > Format: PubMed"

    def recognises(self, path: Path, head: str) -> bool:
        first = first_line(head)
        return first.startswith("PMID-")

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        decoded = decode(path.read_bytes())
        records, problems = _records(decoded.text, decoded.encoding)
        if not records:
            raise FileProblem("the file holds no PubMed record (a record begins with a line 'PMID- ')")
        if (cut := _cut(decoded.text, records[-1])) is not None:
            problems.append(cut)
        papers = [p for r in records if (p := _medline_paper(r, problems)) is not None]
        names = {"publication_id": "PMID", "title": "TI", "published_date": "DP", "doi": "AID", "open_access": "PMC",
                 "peer_reviewed": "PT", "partner_ids": "GR", "partnership_id": "GR"}  # fmt: skip
        return [RawTable(label, "publications", list(HEADER), _rows(papers, known), problems, 0, names)]


# ---------------------------------------------------------------------------------------------------------------
# CSV


def cited_dates(citation: str) -> list[date]:
    """The print date and the Epub date a PubMed citation gives ("Nat Med. 2023 Mar;29(3):1-2. ... Epub 2023 Feb
    16.")."""
    found = []
    if m := _CITED.search(citation):
        year, month, day = m.groups()
        if not month or month.lower() in MONTHS:
            found.append(
                _day(int(year), MONTHS[month.lower()] if month else 1, int(day) if day else 1, citation, "Citation")
            )
    if m := _EPUB.search(citation):
        year, month, day = m.groups()
        if month.lower() in MONTHS:
            found.append(_day(int(year), MONTHS[month.lower()], int(day), citation, "Citation"))
    return found


class _Csv:
    name = "pubmed-csv"
    title = "PubMed (CSV)"
    mapping = "pubmed_csv"
    where = "PubMed: Save > Selection: All results (or the selected ones) > Format: CSV"

    def recognises(self, path: Path, head: str) -> bool:
        first = first_line(head)
        cells = [c.strip().strip('"').lower() for c in first.split(",")]
        return cells[:4] == [c.lower() for c in CSV_HEADER[:4]]

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        raw = read_source_csv(path, label)
        where = {h.strip().lower(): i for i, h in enumerate(raw.header)}
        problems = list(raw.problems)
        missing = [
            c for c in ("PMID", "Title", "Citation", "Publication Year", "PMCID", "DOI") if c.lower() not in where
        ]
        if missing:
            raise FileProblem(
                f"this PubMed CSV lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                "save the search again from PubMed (Save > Format: CSV)",
                raw.header_row,
                missing[0],
            )

        def cell(cells: list[object], name: str) -> str:
            i = where[name.lower()]
            return str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""

        papers = []
        for n, cells in raw.rows:
            pmid = cell(cells, "PMID")
            if not _PMID.match(pmid):
                problems.append(
                    ReadProblem(n, "PMID", f"{shown(pmid)} is not a PMID (a number such as 37012345)", shown(pmid))
                )
                continue
            year = cell(cells, "Publication Year")
            try:
                _digits(cell(cells, "Citation"))
                dates = cited_dates(cell(cells, "Citation"))
            except Invalid as exc:
                problems.append(ReadProblem(n, "Citation", str(exc), shown(cell(cells, "Citation"))))
                continue
            if not dates and year:
                if not re.fullmatch(r"[0-9]{4}", year):
                    problems.append(
                        ReadProblem(n, "Publication Year", f"{shown(year)} is not a year (such as 2023)", shown(year))
                    )
                    continue
                dates = [date(int(year), 1, 1)]
            papers.append(
                Paper(
                    n,
                    pmid,
                    cell(cells, "Title") or None,
                    min(dates) if dates else None,
                    cell(cells, "DOI") or None,
                    bool(cell(cells, "PMCID")),
                )  # fmt: skip
            )
        names = {"publication_id": "PMID", "title": "Title", "published_date": "Citation", "doi": "DOI",
                 "open_access": "PMCID", "peer_reviewed": "PMID", "partner_ids": "PMID",
                 "partnership_id": "PMID"}  # fmt: skip
        problems.sort(key=lambda p: p.row)
        return [RawTable(label, "publications", list(HEADER), _rows(papers, known), problems, raw.header_row, names)]


MEDLINE = _Medline()
CSV = _Csv()
