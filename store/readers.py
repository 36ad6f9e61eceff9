"""Reads import files (CSV in any common encoding and delimiter, XLSX workbooks) into raw tables of cells, strictly.

A malformed file is never repaired by a guess: a row with fewer or more cells than the header, a quote that is
never closed, a control character (a NUL byte...) in a cell, bytes that are not valid in the file's encoding, a
cell over 100,000 characters, a quote in a cell that is not quoted, or a file cut off in the middle of a character
or a row (a CSV whose last row has no line break after it may be cut anywhere in that row) is reported at its row
(and column where there is one), and the row is left out, so that it causes no further, confusing problems.
Reading goes on after such a row wherever the rest of the file can still be read, so every problem is reported.

Rows are numbered as a spreadsheet shows them: the header is row 1 and every record is one row, also when a
quoted cell holds a line break (such a record spans two lines of the file but is one row). Blank lines count as
rows, as they do in a spreadsheet.

CSV is read with Python's csv module in strict mode, our own row numbering and our own cell checks. DuckDB's
read_csv (strict_mode, store_rejects) was weighed: it reports missing and extra columns, bad quotes and invalid UTF-8
with record numbers, and it accepts extra empty cells as the contract does; but it gives no row number for the rows
it accepts (which every cell problem needs), it cannot read Windows-1252 (the Latin-1 of Windows exports) without an
extension, it reads a path (so a transcoded file would go through a temporary file), and NUL bytes, control
characters and cell lengths would still be ours to check.

Which table a file holds: the explicit choice, else the table its name (or its sheet's name) names, else the one
table whose columns its header fits (UnknownTable when none or several fit).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import NamedTuple

from store.entries import IMPORTABLE
from store.values import shown

DELIMITERS = (",", ";", "\t")
SOURCE = "(source)"  # the table of a file in another system's layout, until its source maps it
MAX_CELL = 100_000  # characters in one cell
# Sheets of a workbook that guide the person filling it in (such as the template's "Read me"): never data.
GUIDE_SHEETS = ("read me", "readme", "read_me", "instructions", "guide", "help")
_BYTE = 0xDC00  # a byte the file's encoding cannot read becomes the lone surrogate U+DC00 + byte
_BAD_BYTE = re.compile("[\udc00-\udcff]")
_MULTIBYTE = re.compile("[^\x00-\x7f\udc00-\udcff]")
# What no cell may hold: control characters (NUL, ESC, DEL, C1 controls... and tab, which separates cells) and the
# line and paragraph separators; a line break (CR, LF) is text, written inside a quoted cell.
_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


class FileProblem(Exception):
    """A file that cannot be read (at all, or past a row: row and column say where); the message is for the person
    who prepared it."""

    def __init__(self, message: str, row: int = 1, column: str = "-") -> None:
        super().__init__(message)
        self.row = row
        self.column = column


class UnknownTable(FileProblem):
    """Neither the file's name nor its header tells which table it holds; candidates are the tables its header
    fits (possibly none), from which the person can choose."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


class ReadProblem(NamedTuple):
    """A row the reader could not take: where (row, column: "" for the whole row), what, and the cell as shown."""

    row: int
    column: str
    message: str
    value: str = ""


@dataclass
class RawTable:
    """The cells of one table as found in a file: header names and data rows, with their row numbers.

    Rows with a reading problem are left out of rows and listed in problems; a problem at the header row means the
    rows cannot be matched to columns at all.
    """

    label: str
    table: str
    header: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)
    header_row: int = 1
    names: dict[str, str] = field(default_factory=dict)  # column -> the source's name for it (store/sources)


# ---------------------------------------------------------------------------------------------------------------
# Encodings


def _escape_bytes(exc: UnicodeDecodeError) -> tuple[str, int]:
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(_BYTE + b) for b in bad), exc.end


codecs.register_error("partnership-import", _escape_bytes)


@dataclass
class Decoded:
    """A file's text; bytes its encoding cannot read are kept as U+DC00 + byte, so the reader can say where."""

    text: str
    encoding: str  # as a person knows it: UTF-8, UTF-16, Windows-1252
    cut: int = 0  # bytes at the end of the file that begin a character but stop before its end


def _decode_as(data: bytes, codec: str, name: str) -> Decoded:
    decoder = codecs.getincrementaldecoder(codec)(errors="partnership-import")
    text = decoder.decode(data, final=False)
    pending = len(decoder.getstate()[0])  # the start of a character the file ends before finishing
    text += decoder.decode(b"", final=True)
    return Decoded(text, name, pending)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: text in the Latin alphabet then has a zero in every other byte."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def decode(data: bytes) -> Decoded:
    """Decodes a CSV file: UTF-8 (with or without BOM), UTF-16 (with BOM or by its zero bytes), else Windows-1252.

    A file is UTF-8 when it has a UTF-8 BOM, when it decodes as UTF-8, or when it is mostly UTF-8: it holds
    characters written in UTF-8's multi-byte sequences at least as often as bytes UTF-8 cannot read (then those
    bytes are errors at their rows, not a reason to read the whole file as another encoding), or it ends in a
    UTF-8 character cut short. Otherwise it is Windows-1252, which is what Windows programs write when they say
    Latin-1 (the euro sign, curly quotes); its five undefined bytes are errors at their rows.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_as(data, "utf-16", "UTF-16")
    if utf16 := _looks_utf16(data):
        return _decode_as(data, utf16, "UTF-16")
    utf8 = _decode_as(data, "utf-8", "UTF-8")
    bad = len(_BAD_BYTE.findall(utf8.text))
    if not bad:
        return utf8
    multibyte = len(_MULTIBYTE.findall(utf8.text))
    if multibyte >= bad or (utf8.cut >= 2 and bad == utf8.cut):
        return utf8
    return _decode_as(data, "cp1252", "Windows-1252")


# ---------------------------------------------------------------------------------------------------------------
# Cells


def _normal(name: object) -> str:
    return str(name if name is not None else "").strip().lower()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _trim(cells: list[object]) -> list[object]:
    end = len(cells)
    while end and _blank(cells[end - 1]):
        end -= 1
    return cells[:end]


def unreadable_bytes(text: str) -> str | None:
    """The bytes the file's encoding could not read in text, escaped as a problem line shows them (\\xfe), at most
    eight; None when there are none."""
    bad = _BAD_BYTE.findall(text)
    if not bad:
        return None
    return "".join(f"\\x{ord(ch) - _BYTE:02x}" for ch in bad[:8]) + ("…" if len(bad) > 8 else "")


def cell_problem(value: object, encoding: str) -> str | None:
    """What makes a cell unreadable, if anything: bytes not valid in the encoding, a control character, its size."""
    if not isinstance(value, str):
        return None
    if not (value.isascii() and value.isprintable()):
        if escaped := unreadable_bytes(value):
            return (
                f"{shown(value)} holds bytes that are not valid {encoding} ({escaped}), the encoding of the rest "
                "of the file; correct this cell, or save the file again as UTF-8"
            )
        if control := _CONTROL.search(value):
            ch = control.group()
            what = "a tab" if ch == "\t" else f"the control character {shown(ch)[1:-1]}"
            return f"{shown(value)} holds {what}, which cannot be part of a value; remove it"
    if len(value) > MAX_CELL:
        return (
            f"{shown(value)} is {len(value):,} characters long, more than the {MAX_CELL:,} a cell may hold "
            "(often a quote that is never closed, or a file that is not a table)"
        )
    return None


def _column_label(header: list[str], i: int, table: str | None) -> str:
    """A cell's column as a problem line names it: its contract name (in another system's file: its header), else its
    position."""
    name = _normal(header[i]) if i < len(header) else ""
    if table == SOURCE and name:
        return header[i].strip()
    if table and name in IMPORTABLE[table].column_names:
        return name
    return f"column {i + 1}"


# ---------------------------------------------------------------------------------------------------------------
# Tables


def table_for_stem(stem: str) -> str | None:
    """The table a file or sheet name names, if any."""
    name = stem.strip().lower()
    return name if name in IMPORTABLE else None


def fitting_tables(header: list[object]) -> tuple[str, ...]:
    """The tables a header fits: every name one of the table's columns, and the table's key column present."""
    names = {_normal(h) for h in header} - {""}
    return tuple(
        t.name for t in IMPORTABLE.values() if names <= set(t.column_names) and all(k in names for k in t.key_columns)
    )


def recognise(header: list[object], unnamed: str = "the file name is not a table name") -> str:
    """The table a header shows: the one table it fits with all its required columns; else UnknownTable.

    unnamed says which name did not name a table, for the message.
    """
    names = {_normal(h) for h in header} - {""}
    fits = fitting_tables(header)
    complete = [t for t in fits if all(c.name in names for c in IMPORTABLE[t].columns if c.required)]
    if len(complete) == 1:
        return complete[0]
    tables = ", ".join(IMPORTABLE)
    if len(fits) > 1:
        why = f"its header fits several tables ({', '.join(fits)})"
    elif fits:
        lacking = [c.name for c in IMPORTABLE[fits[0]].columns if c.required and c.name not in names]
        why = f"its header looks like {fits[0]} but lacks the required {', '.join(lacking)}"
    else:
        near = [t for t in IMPORTABLE.values() if all(k in names for k in t.key_columns)]
        if near:
            best = min(near, key=lambda t: len(names - set(t.column_names)))
            unknown = sorted(names - set(best.column_names))
            why = f"its header looks like {best.name} but has other columns ({', '.join(unknown)})"
        else:
            why = "its header names no table's key column (such as partner_id)"
    raise UnknownTable(
        f"{unnamed} ({tables}) and {why}; name the file after its table (e.g. partners.csv), or choose the table",
        fits,
    )


def _table(
    label: str,
    table: str | None,
    records: list[tuple[int, list[object]]],
    broken: list[ReadProblem],
    encoding: str,
    unnamed: str = "the file name is not a table name",
    *,
    count_cells: bool,
    unended: int | None = None,
) -> RawTable:
    """Builds a RawTable from numbered rows: the first non-empty row is the header; empty rows are dropped.

    broken are rows that could not be split into cells at all (bad quotes). With count_cells (CSV), a row with
    fewer cells than the header names, or a non-empty cell past them, is a problem. unended is the last row of a
    CSV file that ends without a line break after it: the file may be cut off anywhere in that row.
    """
    first_broken = min((p.row for p in broken), default=None)
    filled = [(n, cells) for n, cells in records if _trim(cells) or any(cell_problem(c, encoding) for c in cells)]
    if not filled or (first_broken is not None and first_broken < filled[0][0]):
        if first_broken is not None:
            p = next(p for p in broken if p.row == first_broken)
            raise FileProblem(p.message, p.row, p.column)
        raise FileProblem("the file is empty: the first row must name the columns")
    header_row, header_cells = filled[0]
    header = [str(h).strip() if h is not None else "" for h in _trim(header_cells)]
    header_problems = [
        ReadProblem(header_row, f"column {i + 1}", message, shown(cell))
        for i, cell in enumerate(header_cells)
        if (message := cell_problem(cell, encoding))
    ]
    if table is None:
        if header_problems:
            p = header_problems[0]
            raise FileProblem(p.message, p.row, p.column)
        table = recognise(header, unnamed)
    problems = list(broken) + header_problems
    rows = []
    for n, cells in filled[1:]:
        found = [
            ReadProblem(n, _column_label(header, i, table), message, shown(cell))
            for i, cell in enumerate(cells)
            if (message := cell_problem(cell, encoding))
        ]
        if n == unended:
            # A cut can fall anywhere in the last row ("Germ" for "Germany", or just before a last cell that would
            # have been "true"), and nothing in the row itself tells: only the missing line break does.
            last = next((c for c in reversed(cells) if not _blank(c)), "")
            found.insert(
                0,
                ReadProblem(
                    n,
                    "",
                    "the file ends in this row without a line break after it, so it may be cut off here (it ends "
                    f"with {shown(last)}); check that the row is whole, then end the file with a line break (open it "
                    "in a text editor, press Enter after the last row and save), export it again, or save it as "
                    ".xlsx (Google Sheets and Excel: Download or Save as an Excel workbook)",
                    shown(last),
                ),
            )
        elif not found and count_cells:
            kept = _trim(cells)
            if len(cells) < len(header):
                found.append(
                    ReadProblem(
                        n,
                        "",
                        f"this row has {len(cells)} cells but the header has {len(header)} columns; every row "
                        "needs a cell (empty or not) for each column",
                        shown(cells[-1] if cells else ""),
                    )
                )
            elif len(kept) > len(header):
                extra = next(c for c in kept[len(header) :] if not _blank(c))
                found.append(
                    ReadProblem(
                        n,
                        "",
                        f"this row has {len(kept)} cells but the header has {len(header)} columns: "
                        f"{shown(extra)} is past the last column; a value holding the delimiter must be quoted",
                        shown(extra),
                    )
                )
        if found:
            problems.extend(found)
        else:
            rows.append((n, _trim(cells)))
    if table == SOURCE:
        problems.extend(_source_header_problems(header, header_row, rows))
    problems.sort(key=lambda p: p.row)
    return RawTable(label, table, header, rows, problems, header_row)


def _source_header_problems(header: list[str], row: int, rows: list[tuple[int, list[object]]]) -> list[ReadProblem]:
    """A header of another system's file must say which cell is which, as the contract's must (importer._map_header):
    a name twice (which of the two columns is the PMCID?) or a column of values with no name (a Type column whose
    name was lost would leave every opportunity without its purpose, silently) is a problem at the header row."""
    found = []
    seen: set[str] = set()
    for i, name in enumerate(header):
        key = _normal(name)
        if key and key in seen:
            found.append(
                ReadProblem(
                    row, name.strip(), f"the column {shown(name.strip())} appears twice in the header; keep one"
                )
            )
        elif not key and any(i < len(cells) and not _blank(cells[i]) for _, cells in rows):
            found.append(
                ReadProblem(row, f"column {i + 1}", "this column has values but no name in the header row; name it")
            )
        seen.add(key)
    return found


def _choose_delimiter(header: str, table: str | None) -> str:
    """Picks the delimiter that splits the header into the most known column names."""
    known = set().union(*(t.column_names for t in IMPORTABLE.values()))
    if table:
        known = set(IMPORTABLE[table].column_names)

    def score(d: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=d), [])
        return (sum(_normal(c) in known for c in cells), len(cells))

    return max(DELIMITERS, key=score)


def _records(decoded: Decoded, delimiter: str) -> tuple[list[tuple[int, list[object]]], list[ReadProblem]]:
    """Splits the text into numbered records (a record is one row, whatever line breaks its quoted cells hold),
    and the rows that cannot be split: a quote never closed, or text after a closing quote."""
    text = decoded.text
    lines = io.StringIO(text, newline="").readlines()
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # cells over MAX_CELL are ours to report
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[object]]] = []
    broken: list[ReadProblem] = []
    n = 0
    while True:
        start = reader.line_num  # lines read before this record
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            n += 1
            line = lines[start] if start < len(lines) else ""
            shown_line = shown(line.rstrip("\r\n"))
            if reader.line_num >= len(lines) and "end of data" in str(exc):
                if decoded.cut:
                    message = "the file is cut off in the middle of this row (inside a quoted cell)"
                else:
                    message = (
                        f"a quote opened in this row is never closed, so the rest of the file "
                        f"({len(lines) - start} lines) would be one cell; close the quote, or the file was cut off"
                    )
            else:
                message = (
                    "a quoted cell must end with its closing quote followed by the delimiter or the end of the "
                    f"line; this row has more after a closing quote ({shown_line}): quote the whole cell and "
                    'double the quotes inside it ("")'
                )
            broken.append(ReadProblem(n, "", message, shown_line))
            continue
        n += 1
        if any('"' in cell for cell in cells) and (
            at := _stray_quote("".join(lines[start : reader.line_num]), delimiter)
        ):
            broken.append(
                ReadProblem(
                    n,
                    "",
                    f"cell {at[0] + 1} of this row holds a quote but is not quoted ({shown(at[1])}), so it may have "
                    'lost its opening quote; quote the whole cell and double the quotes inside it ("")',
                    shown(at[1]),
                )
            )
            continue
        records.append((n, list(cells)))
    return records, broken


def _stray_quote(text: str, delimiter: str) -> tuple[int, str] | None:
    """The first cell of a record's text that holds a quote without being quoted (its position and text), if any:
    csv's strict mode keeps such a quote as text, but a cell quoted whole is the only place a quote belongs."""
    i, field, start, quoted = 0, 0, 0, False
    while i < len(text):
        ch = text[i]
        if i == start and ch == '"':
            quoted = True
            i += 1
            while i < len(text):
                if text[i] == '"':
                    if text[i + 1 : i + 2] == '"':
                        i += 2
                        continue
                    break
                i += 1
        elif ch in (delimiter, "\r", "\n"):
            field, start, quoted = field + (ch == delimiter), i + 1, False
        elif ch == '"' and not quoted:
            end = min((j for j in (text.find(delimiter, i), text.find("\n", i)) if j >= 0), default=len(text))
            return field, text[start:end].strip("\r")
        i += 1
    return None


def _split(decoded: Decoded, delimiter: str) -> tuple[list[tuple[int, list[object]]], list[ReadProblem], int | None]:
    """The file's records and broken rows (as _records), and the last row when the file may be cut off in it: a row
    that ends in the first bytes of a character is refused here; a row with no line break after it is left for
    _table to refuse (unended)."""
    records, broken = _records(decoded, delimiter)
    unended = None
    if decoded.cut and records and (not broken or broken[-1].row < records[-1][0]):
        # The last row ends in the first bytes of a character: the file was cut off (not a stray byte).
        n, cells = records.pop()
        last = str(cells[-1]) if cells else ""
        broken.append(
            ReadProblem(
                n,
                "",
                f"the file is cut off in the middle of a character, at the end of this row ({shown(last)}); "
                "export or copy the whole file again",
                shown(last),
            )
        )
    elif records and not decoded.text.endswith(("\n", "\r")) and (not broken or broken[-1].row < records[-1][0]):
        unended = records[-1][0]
    return records, broken, unended


def read_csv(path: Path, label: str, table: str | None = None) -> list[RawTable]:
    """Reads a CSV file: the table chosen, or named by the file's name, or recognised from its header."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise FileProblem("this is an Excel workbook (or another zip file) named .csv: save it as .xlsx, or as CSV")
    decoded = decode(data)
    text = decoded.text
    if not text.strip():
        raise FileProblem("the file is empty: the first row must name the columns")
    odd = len(_CONTROL.findall(text)) - text.count("\t") + len(_BAD_BYTE.findall(text))
    if odd > 20 and odd > len(text) // 20:
        raise FileProblem(
            f"this is not a CSV text file ({odd:,} control characters or unreadable bytes); export the table as CSV"
        )
    table = table or table_for_stem(path.stem)
    delimiter = _choose_delimiter(first_line(text), table)
    records, broken, unended = _split(decoded, delimiter)
    return [_table(label, table, records, broken, decoded.encoding, count_cells=True, unended=unended)]


def first_line(text: str) -> str:
    """The first line of the text that is not blank ("" when there is none): a file's header."""
    return next((line for line in text.splitlines() if line.strip()), "")


def read_source_csv(path: Path, label: str) -> RawTable:
    """A CSV file in another system's layout (store/sources): its own header and rows, read as strictly as a file in
    the contract's layout (the table is SOURCE until the source names it)."""
    data = path.read_bytes()
    decoded = decode(data)
    if not decoded.text.strip():
        raise FileProblem("the file is empty: the first row must name the columns")
    delimiter = max(DELIMITERS, key=first_line(decoded.text).count)
    records, broken, unended = _split(decoded, delimiter)
    return _table(label, SOURCE, records, broken, decoded.encoding, count_cells=True, unended=unended)


def _cell(value: object) -> object:
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()
    return value


def read_xlsx(path: Path, label: str, table: str | None = None) -> list[RawTable]:
    """Reads a workbook: sheets named after tables, or a single sheet in a file named after its table, or sheets
    whose headers show their tables. A guide sheet (GUIDE_SHEETS, such as the template's "Read me") is skipped."""
    from openpyxl import load_workbook

    try:
        # Formulas are kept as their text: a cell starting with "=" is data, never evaluated.
        wb = load_workbook(path, read_only=True, data_only=False)
        try:
            sheets = []
            for ws in wb.worksheets:
                rows = [(i, [_cell(v) for v in row]) for i, row in enumerate(ws.iter_rows(values_only=True), start=1)]
                sheets.append((ws.title, rows))
        finally:
            wb.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileProblem(
            f"this is not an Excel .xlsx workbook that can be opened ({exc.__class__.__name__})"
        ) from None
    non_empty = [
        (title, rows)
        for title, rows in sheets
        if any(_trim(cells) for _, cells in rows) and title.strip().lower() not in GUIDE_SHEETS
    ]
    if not non_empty:
        raise FileProblem("the workbook is empty: the first row of each sheet must name the columns")
    if table and len(non_empty) == 1:
        return [_table(label, table, non_empty[0][1], [], "UTF-8", count_cells=False)]
    named = [(title, table_for_stem(title), rows) for title, rows in non_empty if table_for_stem(title)]
    if named:
        stray = [title for title, _ in non_empty if not table_for_stem(title)]
        if stray:
            raise FileProblem(
                f"sheet {shown(stray[0])} is not named after a table ({', '.join(IMPORTABLE)}); rename it or remove it"
            )
    elif len(non_empty) == 1:
        title, rows = non_empty[0]
        unnamed = f"neither the file name nor the sheet name {shown(title)} is a table name"
        return [_table(label, table_for_stem(path.stem), rows, [], "UTF-8", unnamed, count_cells=False)]
    else:
        raws = []
        for title, rows in non_empty:
            unnamed = f"the sheet name {shown(title)} is not a table name"
            try:
                raws.append(_table(f"{label}[{title}]", None, rows, [], "UTF-8", unnamed, count_cells=False))
            except UnknownTable as exc:
                raise FileProblem(f"{exc} (in a workbook of several sheets, name each after its table)") from None
        return raws
    single = len(named) == 1
    return [
        _table(label if single else f"{label}[{title}]", table, rows, [], "UTF-8", count_cells=False)
        for title, table, rows in named
    ]


def read(path: Path, label: str | None = None, table: str | None = None) -> list[RawTable]:
    """Reads one import file into its tables; table, when given, is the table the file holds (it overrides the
    file's name and header: the person chose it)."""
    label = label or str(path)
    if table is not None and table not in IMPORTABLE:
        raise FileProblem(f"there is no table {shown(table)}; the tables are {', '.join(IMPORTABLE)}")
    if not path.exists():
        raise FileProblem("the file does not exist")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, label, table)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, label, table)
    raise FileProblem("only .csv and .xlsx files can be imported")
