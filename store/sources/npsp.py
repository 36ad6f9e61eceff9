"""Salesforce Nonprofit Success Pack (NPSP): accounts, opportunities, and the Outbound Funds module's funding requests
and disbursements, as the data export writes them (Setup > Data Export or Data Loader: one CSV per object, API names)
or, for accounts and opportunities, as a report exported as CSV (Export > Details Only: the report's labels).

Accounts become partners, closed-won opportunities inbound funding, paid disbursements outbound funding. Which column
becomes which, which values count and which enum values they become is in mappings/npsp_*.toml, which this module
follows (the Data page shows them). A record's id is "sf:" and its Salesforce id in the 15-character form reports show
(the data export's 18 characters end in a checksum of the 15), so a report and a data export name a record alike and
importing either again changes nothing.

Problems name the file, the row and the column as the export names it: "Opportunity.csv:4:StageName: ...".
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from store import values
from store.readers import DELIMITERS, FileProblem, RawTable, ReadProblem, decode, first_line, read_source_csv
from store.sources.base import Known, fold, head_of, mapping
from store.values import FALSE, TRUE, DateConvention, parse_date, shown

PREFIX = "sf:"
NEAR = 0.85  # how close (difflib's ratio) a header's name must be to a label to be taken for a typo of it
FUNDING = ["funding_id", "date", "partner_id", "direction", "amount"]
PARTNERS = ["partner_id", "name", "sector"]
NAMESPACE = "outfunds__"  # the Outbound Funds module's fields in an org: outfunds__Amount__c

_ID = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_EXPORT_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# A report's dates in the user's locale: 3/15/2024, 15/03/2024, 15.03.2024, 2024/03/15, 2024-03-15.
_REPORT_DAY = re.compile(r"^(?:[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{4}|[0-9]{4}[/-][0-9]{1,2}[/-][0-9]{1,2})$")
_COPYRIGHT = re.compile(r'^"?Copyright \(c\) [0-9]{4}-[0-9]{4} salesforce\.com, inc\.', re.IGNORECASE)


class Invalid(ValueError):
    """A cell the mapping cannot convert: its column as the file names it, and why."""

    def __init__(self, column: str, message: str, value: str = "") -> None:
        super().__init__(message)
        self.column = column
        self.value = value


# ---------------------------------------------------------------------------------------------------------------
# What the CRM sources share (raisers_edge uses it too)


def header_names(head: str) -> set[str]:
    """The names in a file's first row, as compared: lower case, surrounding spaces aside."""
    first = first_line(head)
    cells = next(csv.reader([first], delimiter=max(DELIMITERS, key=first.count)), [])
    return {c.strip().lower() for c in cells}


def _normal(name: str, namespace: str) -> str:
    name = name.strip().lower()
    return name[len(namespace) :] if namespace and name.startswith(namespace) else name


@dataclass
class Columns:
    """A file's header matched with its mapping's [columns]: each use's position, and its name as the file writes it."""

    found: dict[str, tuple[int, str]]
    near: dict[str, tuple[str, str]] = field(default_factory=dict)  # use -> (a header's name, the label it misses)

    @classmethod
    def match(cls, header: list[str], spec: dict[str, list[str]], namespace: str = "") -> Columns:
        """spec: each use's possible names, the first the header has counting. A use the header has no column for,
        but a name close to one of its labels ("Fud" for "Fund"), is kept in near: its values would be lost."""
        where: dict[str, int] = {}
        for i, name in enumerate(header):
            where.setdefault(_normal(name, namespace), i)
        found = {}
        for use, names in spec.items():
            i = next((where[n] for name in names if name and (n := _normal(name, namespace)) in where), None)
            if i is not None:
                found[use] = (i, header[i])
        taken = {i for i, _ in found.values()}
        near = {}
        for use, names in spec.items():
            labels = {_normal(name, namespace): name for name in names if name}
            if use in found or not labels:
                continue
            for i, name in enumerate(header):
                n = _normal(name, namespace)
                if i in taken or len(n) < 3 or any(label in n for label in labels):  # "Billing Country Code" is not
                    continue  # a typo of "Billing Country": it is another column
                if close := difflib.get_close_matches(n, list(labels), n=1, cutoff=NEAR):
                    near[use] = (name.strip(), labels[close[0]])
                    break
        return cls(found, near)

    def __contains__(self, use: str) -> bool:
        return use in self.found

    def name(self, use: str) -> str:
        return self.found[use][1]

    def cell(self, cells: list[object], use: str) -> str:
        if use not in self.found:
            return ""
        i = self.found[use][0]
        return str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""

    def require(self, needs: list[tuple[str, ...]], named: dict[str, str], what: str, row: int) -> None:
        """FileProblem at the header for the first need (one of several uses) the file has no column for."""
        for uses in needs:
            if not any(u in self for u in uses):
                names = [named[u] for u in uses if named.get(u)]
                raise FileProblem(
                    f"this {what} lacks the column {' or '.join(names)}; export it again with that column",
                    row,
                    names[0],
                )
        for name, label in self.near.values():
            raise FileProblem(
                f"{shown(name)} is not a column this {what} has, and its values would be left out; did you mean "
                f"{shown(label)}? Name the column as the export does",
                row,
                name,
            )


def choices(values: list[str] | dict[str, str]) -> dict[str, str]:
    """A mapping's values as they are compared (case and spaces aside) -> what they become."""
    if isinstance(values, dict):
        return {fold(k): v for k, v in values.items()}
    return {fold(v): v for v in values}


def listed(values: list[str] | dict[str, str]) -> str:
    return ", ".join(values)


def flag(columns: Columns, cells: list[object], use: str) -> bool:
    """A true/false column (blank: false)."""
    text = columns.cell(cells, use)
    if not text or fold(text) in FALSE:
        return False
    if fold(text) in TRUE:
        return True
    raise Invalid(columns.name(use), f"{shown(text)} is not true or false", shown(text))


def partner_by_name(name: str, known: Known, column: str) -> str:
    """The stored partner of that name (case and spaces aside); Invalid when no partner or several have it."""
    ids = sorted(pid for pid, stored in known.partners.items() if fold(stored) == fold(name))
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise Invalid(
            column,
            f"{shown(name)} is the name of several partners ({', '.join(ids)}); give them different names",
            shown(name),
        )
    raise Invalid(
        column,
        f"{shown(name)} is not the name of a partner; add the partner first (partners, or the CRM's account export), "
        "or correct the name",
        shown(name),
    )


class Days:
    """Slash dates (3/15/2024) as the whole file writes them: day or month first, as the file's own dates tell, every
    row counting (also the rows left out: a pledge's date tells as well as a gift's). When they tell, a date is
    written YYYY-MM-DD; else it is left as written for the import's own reading (slash_dates in foundation.toml, or a
    problem naming the row)."""

    def __init__(self, dates: list[tuple[int, str]]) -> None:
        self.convention = DateConvention()
        for n, text in dates:
            self.convention.observe(text, n)

    def read(self, text: str, column: str) -> str:
        c = self.convention
        if bool(c.day_first_seen) == bool(c.month_first_seen):
            return text
        try:
            return parse_date(text, c).isoformat()
        except values.Invalid as exc:
            raise Invalid(column, str(exc), shown(text)) from None


def converted(columns: Columns, cells: list[object], conversions: tuple) -> tuple[dict[str, str], list[Invalid]]:
    """Each (use, convert) of a row's cells: the values converted (blank stays blank), and the problems found."""
    values: dict[str, str] = {}
    found: list[Invalid] = []
    for use, convert in conversions:
        text = columns.cell(cells, use)
        try:
            values[use] = convert(text) if text else ""
        except Invalid as exc:
            found.append(exc)
    return values, found


def report(problems: list[ReadProblem], row: int, found: list[Invalid]) -> None:
    problems.extend(ReadProblem(row, exc.column, str(exc), exc.value) for exc in found)


# ---------------------------------------------------------------------------------------------------------------
# Salesforce's cells


def salesforce_id(text: str, column: str, kind: str = "", prefix: str = "") -> str:
    """A record id in its 15-character form; an 18-character id must end in the checksum of its first 15. kind names
    the record ("an account"), prefix the first 3 characters of its kind's ids."""
    if not text:
        raise Invalid(column, f"{column} is required; this row leaves it empty")
    if not _ID.match(text):
        raise Invalid(column, f"{shown(text)} is not a Salesforce id (15 or 18 letters and digits)", shown(text))
    short = text[:15]
    if len(text) == 18:
        sum_ = "".join(
            _CHECKSUM[sum(1 << j for j, ch in enumerate(short[k : k + 5]) if "A" <= ch <= "Z")] for k in (0, 5, 10)
        )
        if text[15:].upper() != sum_:
            raise Invalid(
                column,
                f"{shown(text)} is not a Salesforce id: its last 3 characters do not match the first 15 (a typo?)",
                shown(text),
            )
    if prefix and not short.startswith(prefix):
        raise Invalid(
            column,
            f"{shown(text)} is not the id of {kind}: its id begins {prefix} (is this the right column?)",
            shown(text),
        )
    return short


def day(text: str, column: str, export: bool, days: Days | None = None) -> str:
    """A date as the data export (YYYY-MM-DD) or a report (the user's locale, read as the file's days tell) writes
    it."""
    if export and not _EXPORT_DAY.match(text):
        raise Invalid(
            column,
            f"{shown(text)} is not a date as Salesforce's data export writes it (YYYY-MM-DD, such as 2024-03-15)",
            shown(text),
        )
    if not export and not _REPORT_DAY.match(text):
        raise Invalid(
            column,
            f"{shown(text)} is not a date as a Salesforce report writes it (such as 3/15/2024, 15/03/2024 or "
            "2024-03-15)",
            shown(text),
        )
    return days.read(text, column) if days and not export else text


def _footer_row(text: str) -> int | None:
    """The first row of the footer a classic report export adds after a blank line (the report's name, then
    "Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.", ...), if the file has one."""
    lines = text.splitlines(keepends=True)
    at = next((i for i in range(len(lines) - 1, -1, -1) if _COPYRIGHT.match(lines[i].strip())), None)
    if at is None:
        return None
    start = at
    while start > 0 and lines[start - 1].strip():
        start -= 1
    if start == 0:
        return None
    first = next((line for line in lines if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count)
    if any(len(next(csv.reader([line], delimiter=delimiter), [])) > 1 for line in lines[start:]):
        return None
    try:
        return sum(1 for _ in csv.reader(io.StringIO("".join(lines[:start]), newline=""), delimiter=delimiter)) + 1
    except csv.Error:
        return None


def salesforce_csv(path: Path, label: str) -> RawTable:
    """The file's rows, without the footer of a classic report export."""
    raw = read_source_csv(path, label)
    footer = _footer_row(decode(path.read_bytes()).text)
    if footer is not None:
        raw.rows = [(n, cells) for n, cells in raw.rows if n < footer]
        raw.problems = [p for p in raw.problems if p.row < footer]
    return raw


def _export_or_report(header: list[str], spec: dict[str, list[str]], id_use: str) -> tuple[bool, dict[str, str]]:
    """Whether the file is the data export (it has the id's API name) and, for that layout, each use's column name."""
    names = {_normal(h, "") for h in header}
    export = _normal(spec[id_use][0], "") in names
    return export, {use: pair[0 if export else 1] for use, pair in spec.items()}


def _unknown(column: str, value: str, what: str, known: str, source: str) -> Invalid:
    return Invalid(
        column,
        f"{shown(value)} is {what} that mappings/{source}.toml does not list; it lists {known}",
        shown(value),
    )


# ---------------------------------------------------------------------------------------------------------------
# Accounts


class _Accounts:
    name = "npsp-accounts"
    title = "Salesforce NPSP accounts (data export or report)"
    mapping = "npsp_accounts"
    where = (
        "Salesforce: Setup > Data Export (Account.csv) or Data Loader's export of Account; or an account report with "
        "the Account ID column, Export > Details Only > CSV"
    )

    def recognises(self, path: Path, head: str) -> bool:
        names = header_names(head)
        spec = mapping(self.mapping)["columns"]
        for layout in (0, 1):
            id_, name = spec["partner_id"][layout].lower(), spec["name"][layout].lower()
            says = {spec[u][layout].lower() for u in ("type", "industry", "country", "individual")}
            opportunity = {"stagename", "closedate", "stage", "close date", "opportunity name"}
            if id_ in names and name in names and names & says and not names & opportunity:
                return True
        return False

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        raw = salesforce_csv(path, label)
        m = mapping(self.mapping)
        export, named = _export_or_report(raw.header, m["columns"], "partner_id")
        columns = Columns.match(raw.header, {use: [name] for use, name in named.items()})
        what = "Salesforce account export" if export else "Salesforce account report"
        columns.require([("partner_id",), ("name",), ("type", "industry")], named, what, raw.header_row)
        types, industries = choices(m["sector"]["type"]), choices(m["sector"]["industry"])
        others = {fold(n): pid for pid, n in known.partners.items() if not pid.startswith(PREFIX)}
        problems, rows = list(raw.problems), []
        for n, cells in raw.rows:
            found: list[Invalid] = []
            try:
                if flag(columns, cells, "deleted"):
                    continue
                text = columns.cell(cells, "partner_id")
                account = salesforce_id(text, columns.name("partner_id"), "an account", "001")
                if flag(columns, cells, "individual"):
                    known.crm_individual_accounts.add(account)
                    continue
            except Invalid as exc:
                report(problems, n, [exc])
                continue
            name = columns.cell(cells, "name")
            sector = ""
            try:
                sector = self._sector(columns, cells, types, industries)
            except Invalid as exc:
                found.append(exc)
            if sector == "skip":
                known.crm_individual_accounts.add(account)
                continue
            if name and fold(name) in others:
                found.append(
                    Invalid(
                        columns.name("name"),
                        f"{shown(name)} is already the partner {others[fold(name)]!r}; as the account {account} it "
                        "would count twice: import this org's opportunities as a report (matched by Account Name) "
                        "instead of its accounts, or give the two different names",
                        shown(name),
                    )
                )
            if found:
                report(problems, n, found)
                continue
            row = [PREFIX + account, name, sector]
            if "country" in columns:
                row.append(columns.cell(cells, "country"))
            rows.append((n, row))
        header = PARTNERS + (["country"] if "country" in columns else [])
        names = {"partner_id": columns.name("partner_id"), "name": columns.name("name")}
        names["sector"] = columns.name("type") if "type" in columns else columns.name("industry")
        if "country" in columns:
            names["country"] = columns.name("country")
        problems.sort(key=lambda p: p.row)
        return [RawTable(label, "partners", header, rows, problems, raw.header_row, names)]

    def _sector(self, columns: Columns, cells: list[object], types: dict, industries: dict) -> str:
        """The sector the Type says, else the one the Industry says; "skip" for a household."""
        sectors = mapping(self.mapping)["sector"]
        type_ = columns.cell(cells, "type")
        if type_:
            sector = types.get(fold(type_))
            if sector is None:
                raise _unknown(columns.name("type"), type_, "an account Type", listed(sectors["type"]), self.mapping)
            if sector:
                return sector
        industry = columns.cell(cells, "industry")
        if industry:
            sector = industries.get(fold(industry))
            if sector is None:
                column = columns.name("industry")
                raise _unknown(column, industry, "an Industry", listed(sectors["industry"]), self.mapping)
            return sector
        column = columns.name("industry") if "industry" in columns else columns.name("type")
        said = f" (its Type {shown(type_)} does not say)" if type_ else ""
        raise Invalid(
            column,
            f"the account needs a Type or an Industry that says what kind of organisation it is{said}",
            shown(type_),
        )


# ---------------------------------------------------------------------------------------------------------------
# Opportunities


class _Opportunities:
    name = "npsp-opportunities"
    title = "Salesforce NPSP opportunities (data export or report)"
    mapping = "npsp_opportunities"
    where = (
        "Salesforce: Setup > Data Export (Opportunity.csv) or Data Loader's export of Opportunity; or an opportunity "
        "report with the Opportunity ID column, Export > Details Only > CSV"
    )

    def recognises(self, path: Path, head: str) -> bool:
        names = header_names(head)
        spec = mapping(self.mapping)["columns"]
        for layout in (0, 1):
            has = {u for u, pair in spec.items() if pair[layout] and pair[layout].lower() in names}
            if {"date"} <= has and has & {"won", "stage"} and has & {"funding_id", "title"}:
                return True
        return False

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        raw = salesforce_csv(path, label)
        m = mapping(self.mapping)
        export, named = _export_or_report(raw.header, m["columns"], "funding_id")
        columns = Columns.match(raw.header, {use: [name] for use, name in named.items()})
        what = "Salesforce opportunity export" if export else "Salesforce opportunity report"
        columns.require(
            [("funding_id",), ("date",), ("amount",), ("account_id", "account_name"), ("won", "stage")],
            named,
            what,
            raw.header_row,
        )
        won, other = choices(m["stages"]["won"]), choices(m["stages"]["other"])
        purposes = choices(m["purpose"])
        households = choices(m["skip_account_types"])
        opportunity = columns.name("funding_id")
        days = Days([(n, columns.cell(cells, "date")) for n, cells in raw.rows])
        problems, rows = list(raw.problems), []
        for n, cells in raw.rows:
            try:
                if flag(columns, cells, "deleted") or not self._won(columns, cells, won, other, m):
                    continue
            except Invalid as exc:
                report(problems, n, [exc])
                continue
            if fold(columns.cell(cells, "account_type")) in households:
                continue
            found: list[Invalid] = []
            try:
                partner = self._partner(columns, cells, known)
            except Invalid as exc:
                found.append(exc)
                partner = ""
            if partner is None:
                continue  # a household's opportunity
            values, more = converted(
                columns,
                cells,
                (
                    ("funding_id", lambda t: PREFIX + salesforce_id(t, opportunity, "an opportunity", "006")),
                    ("date", lambda t: day(t, columns.name("date"), export, days)),
                    ("purpose", lambda t: self._purpose(t, columns, purposes, m)),
                ),
            )
            found += more
            if found:
                report(problems, n, found)
                continue
            row = [values["funding_id"], values["date"], partner, "inbound", columns.cell(cells, "amount")]
            row += [columns.cell(cells, "currency")] if "currency" in columns else []
            row += [values["purpose"]] if "purpose" in columns else []
            rows.append((n, row))
        header = FUNDING + [use for use in ("currency", "purpose") if use in columns]
        names = {c: columns.name(u) for c, u in (("funding_id", "funding_id"), ("date", "date"), ("amount", "amount"))}
        names["partner_id"] = columns.name("account_id" if "account_id" in columns else "account_name")
        names["direction"] = columns.name("won" if "won" in columns else "stage")
        for use in ("currency", "purpose"):
            if use in columns:
                names[use] = columns.name(use)
        problems.sort(key=lambda p: p.row)
        return [RawTable(label, "funding", header, rows, problems, raw.header_row, names)]

    def _won(self, columns: Columns, cells: list[object], won: dict, other: dict, m: dict) -> bool:
        """IsWon where the export has it; else the stage, by the mapping's [stages]."""
        if "won" in columns:
            return flag(columns, cells, "won")
        stage = columns.cell(cells, "stage")
        if fold(stage) in won:
            return True
        if fold(stage) in other:
            return False
        if not stage:
            raise Invalid(columns.name("stage"), "the stage is empty; every opportunity has one", shown(stage))
        raise Invalid(
            columns.name("stage"),
            f"{shown(stage)} is a stage that mappings/{self.mapping}.toml does not list: closed won are "
            f"{listed(m['stages']['won'])}; left out are {listed(m['stages']['other'])}",
            shown(stage),
        )

    def _purpose(self, text: str, columns: Columns, purposes: dict, m: dict) -> str:
        purpose = purposes.get(fold(text))
        if purpose is None:
            raise _unknown(columns.name("purpose"), text, "an opportunity Type", listed(m["purpose"]), self.mapping)
        return purpose

    def _partner(self, columns: Columns, cells: list[object], known: Known) -> str | None:
        """The account's partner (None: a household's account in this import); "" when the row leaves it empty."""
        if "account_id" in columns:
            text = columns.cell(cells, "account_id")
            if not text:
                return ""
            account = salesforce_id(text, columns.name("account_id"), "an account", "001")
            return None if account in known.crm_individual_accounts else PREFIX + account
        name = columns.cell(cells, "account_name")
        return partner_by_name(name, known, columns.name("account_name")) if name else ""


# ---------------------------------------------------------------------------------------------------------------
# Outbound Funds: funding requests and disbursements


def _outfunds_columns(header: list[str], spec: dict[str, list[str]], what: str, row: int, needs: list) -> Columns:
    columns = Columns.match(header, spec, NAMESPACE)
    prefixed = any(h.strip().lower().startswith(NAMESPACE) for h in header)
    named = {use: (NAMESPACE if prefixed and n[0].endswith("__c") else "") + n[0] for use, n in spec.items()}
    columns.require(needs, named, what, row)
    return columns


def _outfunds_names(head: str) -> set[str]:
    return {_normal(n, NAMESPACE) for n in header_names(head)}


def funding_requests(path: Path, label: str, known: Known) -> tuple[RawTable, list[ReadProblem]]:
    """Reads a Funding Request export into known.crm_funding_requests (request -> its partner, or why it has none)."""
    raw = read_source_csv(path, label)
    spec = mapping(FUNDING_REQUESTS.mapping)["columns"]
    what = "Outbound Funds funding request export"
    columns = _outfunds_columns(raw.header, spec, what, raw.header_row, [("request_id",), ("organization",)])
    problems = list(raw.problems)
    for n, cells in raw.rows:
        try:
            if flag(columns, cells, "deleted"):
                continue
            request = salesforce_id(columns.cell(cells, "request_id"), columns.name("request_id"), "a funding request")
        except Invalid as exc:
            report(problems, n, [exc])
            continue
        organization = columns.cell(cells, "organization")
        where = f"row {n} of {label}"
        if not organization:
            known.crm_funding_requests[request] = (None, f"it was made by a person, not an organisation ({where})")
            continue
        try:
            account = salesforce_id(organization, columns.name("organization"), "an account", "001")
        except Invalid as exc:
            report(problems, n, [exc])
            known.crm_funding_requests[request] = (None, f"its Applying Organization cannot be read ({where})")
            continue
        known.crm_funding_requests[request] = (PREFIX + account, None)
    return raw, problems


class _FundingRequests:
    name = "npsp-funding-requests"
    title = "Salesforce Outbound Funds funding requests (data export)"
    mapping = "npsp_funding_requests"
    where = "Salesforce: Setup > Data Export (outfunds__Funding_Request__c.csv), imported with the disbursements"

    def recognises(self, path: Path, head: str) -> bool:
        names = _outfunds_names(head)
        spec = mapping(self.mapping)["columns"]
        return {_normal(spec[u][0], NAMESPACE) for u in ("request_id", "organization")} <= names

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        raw, problems = funding_requests(path, label, known)
        problems.sort(key=lambda p: p.row)
        return [RawTable(label, "funding", list(FUNDING), [], problems, raw.header_row)]


class _Disbursements:
    name = "npsp-disbursements"
    title = "Salesforce Outbound Funds disbursements (data export)"
    mapping = "npsp_disbursements"
    where = "Salesforce: Setup > Data Export (outfunds__Disbursement__c.csv), with its funding requests"

    def recognises(self, path: Path, head: str) -> bool:
        names = _outfunds_names(head)
        spec = mapping(self.mapping)["columns"]
        return {_normal(spec[u][0], NAMESPACE) for u in ("funding_id", "request_id", "status")} <= names

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        raw = read_source_csv(path, label)
        m = mapping(self.mapping)
        what = "Outbound Funds disbursement export"
        needs = [("funding_id",), ("request_id",), ("date",), ("amount",), ("status",)]
        columns = _outfunds_columns(raw.header, m["columns"], what, raw.header_row, needs)
        paid, other = choices(m["status"]["paid"]), choices(m["status"]["other"])
        problems, rows = list(raw.problems), []
        looked_beside = False
        for n, cells in raw.rows:
            found: list[Invalid] = []
            try:
                if flag(columns, cells, "deleted") or not self._paid(columns, cells, paid, other, m):
                    continue
            except Invalid as exc:
                report(problems, n, [exc])
                continue
            values = {}
            for use, kind in (("funding_id", "a disbursement"), ("request_id", "a funding request")):
                try:
                    values[use] = salesforce_id(columns.cell(cells, use), columns.name(use), kind)
                except Invalid as exc:
                    found.append(exc)
            date = columns.cell(cells, "date")
            try:
                date = day(date, columns.name("date"), True) if date else ""
            except Invalid as exc:
                found.append(exc)
            partner = ""
            if "request_id" in values:
                request = values["request_id"]
                if request not in known.crm_funding_requests and not looked_beside:
                    looked_beside = True
                    _requests_beside(path, known)
                try:
                    partner = self._partner(request, columns.name("request_id"), known)
                except Invalid as exc:
                    found.append(exc)
            if found:
                report(problems, n, found)
                continue
            rows.append((n, [PREFIX + values["funding_id"], date, partner, "outbound", columns.cell(cells, "amount")]))
        names = {c: columns.name(u) for c, u in (("funding_id", "funding_id"), ("date", "date"), ("amount", "amount"))}
        names |= {"partner_id": columns.name("request_id"), "direction": columns.name("status")}
        problems.sort(key=lambda p: p.row)
        return [RawTable(label, "funding", list(FUNDING), rows, problems, raw.header_row, names)]

    def _paid(self, columns: Columns, cells: list[object], paid: dict, other: dict, m: dict) -> bool:
        status = columns.cell(cells, "status")
        if fold(status) in paid:
            return True
        if fold(status) in other or not status:
            return False
        raise Invalid(
            columns.name("status"),
            f"{shown(status)} is a status that mappings/{self.mapping}.toml does not list: paid is "
            f"{listed(m['status']['paid'])}; left out are {listed(m['status']['other'])}",
            shown(status),
        )

    def _partner(self, request: str, column: str, known: Known) -> str:
        if request not in known.crm_funding_requests:
            raise Invalid(
                column,
                f"the funding request {request} is in no Funding Request export of this import; import "
                "outfunds__Funding_Request__c.csv with this file (in the same import, or in the same folder)",
                shown(request),
            )
        partner, why = known.crm_funding_requests[request]
        if partner is None:
            raise Invalid(column, f"the funding request {request} has no partner organisation: {why}", shown(request))
        return partner


def _requests_beside(path: Path, known: Known) -> None:
    """Reads the Funding Request exports in the disbursements' folder (as Salesforce's data export writes them)."""
    for other in sorted(path.parent.iterdir()):
        if other == path or other.suffix.lower() != ".csv" or not other.is_file():
            continue
        try:
            if FUNDING_REQUESTS.recognises(other, head_of(other)):
                funding_requests(other, other.name, known)
        except (FileProblem, OSError):
            continue


ACCOUNTS = _Accounts()
OPPORTUNITIES = _Opportunities()
FUNDING_REQUESTS = _FundingRequests()
DISBURSEMENTS = _Disbursements()
SOURCES = (ACCOUNTS, OPPORTUNITIES, FUNDING_REQUESTS, DISBURSEMENTS)
