"""Ways a valid file goes wrong, each with the oracle that says which acceptance of the result is correct.

Every mutation takes the valid file's bytes, the case's Shape (which columns, tags or fields hold stored dates,
numbers and closed lists) and a random.Random, and gives a Mutated file, or None when it does not apply to this file
(the caller draws again). The oracles:

- same: the change keeps the file's meaning (a BOM, the delimiter changed throughout, the case of an enum): an
  acceptance must store exactly what the valid file stores. A refusal is allowed (counted apart: too strict).
- garble: the change damages the file: a refusal, or an acceptance that stores exactly what the valid file stores
  (the damage hit something not kept, such as an ignored column).
- subset: the file is cut short: it may store fewer records, but every record it stores or changes must equal the
  valid file's record of that key.
- refuse: the file states something that must be an input problem whatever is stored (a number that is not one number
  in the file's convention, a date out of range, an impossible time, an unknown value of a closed list, one id with
  two different records): only a refusal is correct.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CONTROLS = ("\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x0b", "\x0c", "\x85")
# Bytes that are invalid in a UTF-8 file marked so by its BOM; and bytes that no encoding we read defines (the five
# holes of Windows-1252), invalid whatever the file's encoding is taken to be.
BAD_UTF8 = (b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xe2\x82")
UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


@dataclass(frozen=True)
class Mutated:
    """One malformed variant: its bytes, the kind of mutation, its oracle and what was done (with a snippet)."""

    data: bytes
    kind: str
    oracle: str
    note: str


@dataclass(frozen=True)
class Shape:
    """Where a file keeps what is stored, for the mutations that aim at values (CSV and XLSX: column names as the
    header writes them; MEDLINE: tags; JSON: paths within a study)."""

    format: str  # csv | xlsx | medline | json
    key: str = ""  # the id column
    dates: tuple[str, ...] = ()  # stored dates
    numbers: tuple[str, ...] = ()  # stored numbers (amounts, counts)
    money: tuple[str, ...] = ()  # stored amounts (a file may mix conventions only in these)
    enums: tuple[str, ...] = ()  # closed lists the import reads (an unknown value is a problem)
    change: str = ""  # a stored column a second record of the same id may change (XLSX: several, comma-separated)
    text: tuple[str, ...] = ()  # stored text columns (XLSX: where a control character goes)
    kept: Callable[[dict[str, str]], bool] = field(default=lambda row: True)  # data rows that become records
    types: dict[str, str] = field(default_factory=dict)  # column -> contract type (contract files)


def short(data: bytes | str, at: int, width: int = 24) -> str:
    """The bytes around a position, as a snippet for the note."""
    return repr(data[max(0, at - width) : at + width])


# ---------------------------------------------------------------------------------------------------------------
# Bytes: any text format


def truncate(data: bytes, rng: random.Random, start: int = 1) -> Mutated:
    at = rng.randrange(max(1, start), len(data))
    return Mutated(
        data[:at], "truncate", "subset", f"cut at byte {at} of {len(data)}: ends {data[max(0, at - 40) : at]!r}"
    )


def control_byte(data: bytes, rng: random.Random, start: int = 0) -> Mutated:
    ch = rng.choice(CONTROLS).encode("utf-8")
    at = rng.randrange(max(1, start), len(data))
    out = data[:at] + ch + data[at:]
    return Mutated(out, "control", "garble", f"{ch!r} inserted at byte {at}: {short(out, at)}")


def bad_byte(data: bytes, rng: random.Random, start: int = 0) -> Mutated:
    at = rng.randrange(max(1, start), len(data))
    if rng.random() < 0.5:
        bad = rng.choice(UNDEFINED)
        body = data
    else:  # a UTF-8 file, marked so by its BOM, with a byte UTF-8 cannot read
        bad = rng.choice(BAD_UTF8)
        body = data if data.startswith(codecs.BOM_UTF8) else codecs.BOM_UTF8 + data
        at += len(body) - len(data)
    # Never inside a multi-byte character of the valid file: step back to a character's first byte.
    while 0 < at < len(body) and 0x80 <= body[at] < 0xC0:
        at -= 1
    out = body[:at] + bad + body[at:]
    return Mutated(out, "encoding", "garble", f"{bad!r} inserted at byte {at}: {short(out, at)}")


def bom(data: bytes, rng: random.Random) -> Mutated:
    if data.startswith(codecs.BOM_UTF8):
        return Mutated(data[len(codecs.BOM_UTF8) :], "bom", "same", "UTF-8 BOM removed")
    return Mutated(codecs.BOM_UTF8 + data, "bom", "same", "UTF-8 BOM added")


def utf16(data: bytes, rng: random.Random) -> Mutated:
    """The file saved in another encoding we read: UTF-16 (with or without BOM), or Windows-1252 when it holds
    letters beyond ASCII that Windows-1252 has (the sample's "Zürich")."""
    text = data.decode("utf-8-sig")
    if not text.isascii() and rng.random() < 0.5:
        try:
            return Mutated(text.encode("cp1252"), "encoding-change", "same", "saved as Windows-1252")
        except UnicodeEncodeError:
            pass
    codec = rng.choice(("utf-16", "utf-16-le", "utf-16-be"))
    out = text.encode("utf-16") if codec == "utf-16" else text.encode(codec)
    return Mutated(
        out, "encoding-change", "same", f"saved as {codec.upper()}{' with BOM' if codec == 'utf-16' else ''}"
    )


def newlines(data: bytes, rng: random.Random) -> Mutated:
    if b"\r\n" in data:
        return Mutated(data.replace(b"\r\n", b"\n"), "newlines", "same", "CRLF line ends made LF")
    return Mutated(data.replace(b"\n", b"\r\n"), "newlines", "same", "LF line ends made CRLF")


# ---------------------------------------------------------------------------------------------------------------
# Values: the same number, date or word written wrongly


def garbled_number(text: str, rng: random.Random) -> str:
    """A number that is not one number in any convention: 1.2.3, a space inside a group (1 2), other digits."""
    digits = re.sub(r"\D", "", text.split(".")[0]) or "12"
    how = rng.choice(("dots", "space", "arabic", "fullwidth"))
    if how == "dots":
        if len(digits) < 3:
            digits += "05"
        return f"{digits[0]}.{digits[1]}.{digits[2:]}"
    if how == "space":
        if len(digits) < 2:
            digits += "5"
        return f"{digits[:-1]} {digits[-1]}"  # a last group of one digit: no convention groups so
    return text.translate(ARABIC_INDIC if how == "arabic" else FULLWIDTH)


def other_year(text: str, rng: random.Random) -> str | None:
    """The date with its year out of any plausible range (1899, 2999, 1066)."""
    year = rng.choice(("1899", "2999", "1066"))
    out, n = re.subn(r"(?<!\d)(19|20)\d\d(?!\d)", year, text, count=1)
    return out if n else None


def with_bad_time(text: str, rng: random.Random) -> str | None:
    """The date with a time of day that does not exist."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return None
    return text.strip() + rng.choice(("T25:00:00", "T24:61", " 25:30", "T23:75:00"))


def odd_digits(text: str, rng: random.Random) -> str | None:
    """The date or number with digits other than 0-9."""
    if not re.search(r"\d", text):
        return None
    return text.translate(rng.choice((ARABIC_INDIC, FULLWIDTH)))


def unknown_word(text: str, rng: random.Random) -> str:
    return rng.choice(("zzz_unknown", "Frobnicated", "other-ish", "PAUSED_X", "n/a?"))


def case_changed(text: str, rng: random.Random) -> str:
    how = rng.choice((str.upper, str.lower, str.title))
    return rng.choice(("", " ", "  ")) + how(text) + rng.choice(("", " "))


def mixed_conventions(a: str, b: str) -> tuple[str, str] | None:
    """Two amounts of at least 1,000, written one with a decimal point (1,200.50) and one with a decimal comma
    (1.200,50): the same values, in two conventions within one file."""

    def split(text: str) -> tuple[str, str] | None:
        m = re.fullmatch(r"\$?(\d+)(?:\.(\d+))?", text.strip().replace(",", "").replace("$", ""))
        if not m or int(m.group(1)) < 1000:
            return None
        return m.group(1), (m.group(2) or "").ljust(2, "0")[:2]

    pa, pb = split(a), split(b)
    if not pa or not pb:
        return None

    def grouped(whole: str, sep: str) -> str:
        return f"{int(whole):,}".replace(",", sep)

    return f"{grouped(pa[0], ',')}.{pa[1]}", f"{grouped(pb[0], '.')},{pb[1]}"


# ---------------------------------------------------------------------------------------------------------------
# CSV


@dataclass
class CsvFile:
    """A CSV file's rows, with what it takes to write them back byte for byte (BOM, line end, quoting)."""

    rows: list[list[str]]
    bom: bool
    newline: str
    quote_all: bool
    delimiter: str = ","

    @classmethod
    def parse(cls, data: bytes) -> CsvFile:
        text = data.decode("utf-8-sig")
        newline = "\r\n" if "\r\n" in text else "\n"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        second = text.split(newline)[1] if newline in text else ""
        return cls(rows, data.startswith(codecs.BOM_UTF8), newline, second.startswith('"'))

    def dump(self) -> bytes:
        out = io.StringIO()
        quoting = csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL
        writer = csv.writer(out, delimiter=self.delimiter, quoting=quoting, lineterminator=self.newline)
        for row in self.rows:
            if row:
                writer.writerow(row)
            else:
                out.write(self.newline)
        return (codecs.BOM_UTF8 if self.bom else b"") + out.getvalue().encode("utf-8")

    @property
    def header(self) -> list[str]:
        return self.rows[0]

    def data_rows(self) -> list[int]:
        """The indexes of the data rows: after the header, up to the first blank row (a report's footer follows)."""
        found = []
        for i in range(1, len(self.rows)):
            if not self.rows[i]:
                break
            found.append(i)
        return found

    def record(self, i: int) -> dict[str, str]:
        return dict(zip(self.header, self.rows[i], strict=False))

    def kept_rows(self, shape: Shape) -> list[int]:
        return [i for i in self.data_rows() if shape.kept(self.record(i))]

    def copy(self) -> CsvFile:
        return CsvFile([list(r) for r in self.rows], self.bom, self.newline, self.quote_all, self.delimiter)

    def line_start(self, i: int) -> int:
        """The byte offset of row i in dump() (rows hold no line breaks in our files)."""
        head = CsvFile(self.rows[:i], self.bom, self.newline, self.quote_all, self.delimiter).dump()
        return len(head)


def _cells(f: CsvFile, shape: Shape, columns: tuple[str, ...], rng: random.Random) -> tuple[int, int] | None:
    """A random (row, column index) of a kept row whose cell in one of columns is not blank."""
    spots = [
        (i, j)
        for i in f.kept_rows(shape)
        for j, name in enumerate(f.header)
        if name in columns and j < len(f.rows[i]) and f.rows[i][j].strip()
    ]
    return rng.choice(spots) if spots else None


def _set(f: CsvFile, spot: tuple[int, int], value: str, kind: str, oracle: str) -> Mutated:
    i, j = spot
    g = f.copy()
    old = g.rows[i][j]
    g.rows[i][j] = value
    return Mutated(g.dump(), kind, oracle, f"row {i + 1}, {f.header[j]}: {old!r} -> {value!r}")


def csv_value(kind: str, columns: str, make: Callable, oracle: str) -> Callable:
    """A mutation that rewrites one stored cell of a kept row (columns: the Shape's attribute naming them)."""

    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        f = CsvFile.parse(data)
        spot = _cells(f, shape, getattr(shape, columns), rng)
        if spot is None:
            return None
        value = make(f.rows[spot[0]][spot[1]], rng)
        if value is None or value == f.rows[spot[0]][spot[1]]:
            return None
        return _set(f, spot, value, kind, oracle)

    return mutate


def csv_truncate_last(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    f = CsvFile.parse(data)
    data = f.dump()  # offsets are the written file's (quoting as csv writes it)
    rows = f.data_rows()
    if not rows:
        return None
    start = f.line_start(rows[-1]) + 1
    end = f.line_start(rows[-1] + 1) - len(f.newline)  # inside the row, before its line end
    if end <= start:
        return None
    at = rng.randrange(start, end)
    return Mutated(
        data[:at], "truncate-last", "subset", f"cut inside the last row at byte {at}: ends {data[start - 1 : at]!r}"
    )


def csv_truncate_at_cell(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """The file cut right after a delimiter of a row, so that its last cell is empty (the issue's partners.csv cut
    after "...,Germany,")."""
    f = CsvFile.parse(data)
    data = f.dump()
    rows = f.kept_rows(shape)
    if not rows:
        return None
    i = rng.choice(rows)
    start, end = f.line_start(i), f.line_start(i + 1)
    spots, quoted = [], False
    for k, b in enumerate(data[start:end]):
        if b == ord('"'):
            quoted = not quoted
        elif b == ord(f.delimiter) and not quoted:
            spots.append(start + k + 1)
    if not spots:
        return None
    at = rng.choice(spots)
    return Mutated(
        data[:at], "truncate-at-cell", "subset", f"cut after a delimiter in row {i + 1}: ends {data[start:at]!r}"
    )


def csv_control(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    f = CsvFile.parse(data)
    spot = _cells(f, shape, tuple(f.header), rng)
    if spot is None:
        return None
    i, j = spot
    cell = f.rows[i][j]
    at = rng.randrange(0, len(cell) + 1)
    ch = rng.choice(CONTROLS)
    return _set(f, spot, cell[:at] + ch + cell[at:], "control", "garble")


def csv_encoding(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    f = CsvFile.parse(data)
    data = f.dump()  # offsets are the written file's (quoting as csv writes it)
    rows = f.kept_rows(shape)
    if not rows:
        return None
    i = rng.choice(rows)
    return _bad_in_row(data, f, i, rng)


def _bad_in_row(data: bytes, f: CsvFile, i: int, rng: random.Random) -> Mutated:
    start, end = f.line_start(i), f.line_start(i + 1) - len(f.newline)
    at = rng.randrange(start, max(start + 1, end))
    if rng.random() < 0.5:
        bad, body = rng.choice(UNDEFINED), data
    else:
        bad = rng.choice(BAD_UTF8)
        body = data if data.startswith(codecs.BOM_UTF8) else codecs.BOM_UTF8 + data
        at += len(body) - len(data)
    out = body[:at] + bad + body[at:]
    return Mutated(out, "encoding", "garble", f"{bad!r} inserted in row {i + 1}: {short(out, at)}")


def csv_delimiter(drop: bool) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        f = CsvFile.parse(data)
        data = f.dump()  # offsets are the written file's
        rows = f.kept_rows(shape) if rng.random() < 0.8 else [0]
        if not rows:
            return None
        i = rng.choice(rows)
        start, end = f.line_start(i), f.line_start(i + 1)
        line = data[start:end]
        # The delimiters between cells (not inside a quoted cell).
        spots, quoted = [], False
        for k, b in enumerate(line):
            if b == ord('"'):
                quoted = not quoted
            elif b == ord(",") and not quoted:
                spots.append(start + k)
        if not spots:
            return None
        if not drop and not f.rows[i][-1].strip():
            # A row may end in empty cells (the contract says so): a second delimiter in a row whose last cell is empty
            # only moves cells along, which no reader can tell from a row with one more empty cell at its end.
            return None
        at = rng.choice(spots)
        out = data[:at] + data[at + 1 :] if drop else data[:at] + b"," + data[at:]
        kind = "drop-delimiter" if drop else "extra-delimiter"
        return Mutated(out, kind, "garble", f"row {i + 1}: {short(out, at)}")

    return mutate


def csv_quote(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """A quote at the start of a cell that never closes, or a quoted cell's closing quote taken away."""
    f = CsvFile.parse(data)
    data = f.dump()  # offsets are the written file's (quoting as csv writes it)
    rows = f.kept_rows(shape)
    if not rows:
        return None
    i = rng.choice(rows)
    start, end = f.line_start(i), f.line_start(i + 1) - len(f.newline)
    line = data[start:end]
    if f.quote_all or (b'"' in line and rng.random() < 0.5):
        quotes = [start + k for k, b in enumerate(line) if b == ord('"')]
        at = rng.choice(quotes)
        out = data[:at] + data[at + 1 :]
        return Mutated(out, "quote", "garble", f"row {i + 1}: a quote taken away: {short(out, at)}")
    starts = [start] + [start + k + 1 for k, b in enumerate(line) if b == ord(",")]
    at = rng.choice(starts)
    out = data[:at] + b'"' + data[at:]
    return Mutated(out, "quote", "garble", f"row {i + 1}: a stray quote: {short(out, at)}")


def csv_header(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    f = CsvFile.parse(data)
    g = f.copy()
    how = rng.choice(("case", "typo", "drop", "twice", "blank"))
    j = rng.randrange(len(f.header))
    name = f.header[j]
    if how == "case":
        g.rows[0] = [case_changed(h, rng) if h.strip() else h for h in f.header]
        return Mutated(g.dump(), "header-case", "same", f"header {g.rows[0]!r}")
    if how == "typo":
        if len(name) < 3:
            return None
        k = rng.randrange(1, len(name) - 1)
        g.rows[0][j] = name[:k] + name[k + 1 :]
        return Mutated(g.dump(), "header-typo", "garble", f"column {name!r} named {g.rows[0][j]!r}")
    if how == "drop":
        del g.rows[0]
        return Mutated(g.dump(), "header-missing", "garble", "header row removed")
    if how == "twice":
        other = rng.randrange(len(f.header))
        if other == j:
            return None
        g.rows[0][other] = name
        return Mutated(g.dump(), "header-twice", "garble", f"column {f.header[other]!r} named {name!r} too")
    g.rows[0][j] = ""
    return Mutated(g.dump(), "header-blank", "garble", f"column {name!r} has no name")


def csv_reorder(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """The columns in another order, header and cells alike."""
    f = CsvFile.parse(data)
    order = list(range(len(f.header)))
    rng.shuffle(order)
    if order == sorted(order):
        return None
    g = f.copy()
    for i in [0, *f.data_rows()]:
        row = g.rows[i] + [""] * (len(order) - len(g.rows[i]))
        g.rows[i] = [row[k] for k in order]
    return Mutated(g.dump(), "reorder-columns", "same", f"columns in the order {g.rows[0]!r}")


def csv_redelimit(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    f = CsvFile.parse(data)
    g = f.copy()
    g.delimiter = rng.choice((";", "\t"))
    return Mutated(g.dump(), "delimiter-change", "same", f"delimiter {g.delimiter!r} throughout")


GROUPS = {"money": "number", "int": "number", "number": "number", "date": "date", "bool": "bool", "enum": "enum"}


def csv_swap(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """Two cells of one row swapped, of kinds that cannot take each other's values (a date and an amount)."""
    f = CsvFile.parse(data)
    kinds = {}
    for name in f.header:
        if name in shape.dates:
            kinds[name] = "date"
        elif name in shape.numbers:
            kinds[name] = "number"
        elif name in shape.enums:
            kinds[name] = "enum"
        elif GROUPS.get(shape.types.get(name, "")) == "bool":
            kinds[name] = "bool"
    spots = []
    for i in f.kept_rows(shape):
        row = f.rows[i]
        cols = [j for j, n in enumerate(f.header) if n in kinds and j < len(row) and row[j].strip()]
        spots += [(i, a, b) for a in cols for b in cols if a < b and kinds[f.header[a]] != kinds[f.header[b]]]
    if not spots:
        return None
    i, a, b = rng.choice(spots)
    g = f.copy()
    g.rows[i][a], g.rows[i][b] = g.rows[i][b], g.rows[i][a]
    return Mutated(g.dump(), "swap-cells", "garble", f"row {i + 1}: {f.header[a]} and {f.header[b]} swapped")


def csv_mixed(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    f = CsvFile.parse(data)
    spots = [
        (i, j)
        for i in f.kept_rows(shape)
        for j, name in enumerate(f.header)
        if name in shape.money and j < len(f.rows[i]) and mixed_conventions(f.rows[i][j], f.rows[i][j])
    ]
    if len(spots) < 2:
        return None
    (ia, ja), (ib, jb) = rng.sample(spots, 2)
    a, b = mixed_conventions(f.rows[ia][ja], f.rows[ib][jb])
    g = f.copy()
    g.rows[ia][ja], g.rows[ib][jb] = a, b
    return Mutated(g.dump(), "mixed-decimal-marks", "refuse", f"row {ia + 1}: {a!r}; row {ib + 1}: {b!r}")


def csv_duplicate(differs: bool) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        f = CsvFile.parse(data)
        rows = f.kept_rows(shape)
        if not rows:
            return None
        i = rng.choice(rows)
        g = f.copy()
        twin = list(f.rows[i])
        note = f"row {i + 1} ({f.record(i).get(shape.key)!r}) appears twice"
        if differs:
            j = f.header.index(shape.change) if shape.change in f.header else -1
            if j < 0 or j >= len(twin) or not twin[j].strip():
                return None
            twin[j] = _changed(twin[j])
            note += f", the second with {shape.change} {twin[j]!r}"
        at = rng.choice([k for k in f.data_rows() if k > i] + [f.data_rows()[-1] + 1])
        g.rows.insert(at, twin)
        kind = "duplicate-key" if differs else "duplicate-row"
        return Mutated(g.dump(), kind, "refuse" if differs else "garble", note)

    return mutate


def _changed(value: str) -> str:
    """Another valid value of the same kind: an amount doubled, a date a day later, a text with more words."""
    m = re.fullmatch(r"(\$?)([\d,]+)(\.\d+)?", value.strip())
    if m:
        whole = int(m.group(2).replace(",", "")) * 2
        return (
            f"{m.group(1)}{whole:,}{m.group(3) or ''}"
            if "," in m.group(2)
            else f"{m.group(1)}{whole}{m.group(3) or ''}"
        )
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if m:
        d = date(*map(int, m.groups()))
        return date.fromordinal(d.toordinal() + 1).isoformat()
    return value + " (second version)"


def csv_excel_number(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """A date cell holding a number: the date's Excel serial, or a year written as a number."""
    f = CsvFile.parse(data)
    dated = re.compile(r"\s*(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\s*")  # a cell that is a date (not a citation)
    spots = [
        (i, j) for i in f.kept_rows(shape) for j, n in enumerate(f.header) if n in shape.dates and j < len(f.rows[i])
    ]
    spots = [(i, j) for i, j in spots if dated.fullmatch(f.rows[i][j])]
    if not spots:
        return None
    spot = rng.choice(spots)
    cell = f.rows[spot[0]][spot[1]]
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", cell.strip())
    serial = str((date(*map(int, m.groups())) - date(1899, 12, 30)).days) if m else "45000"
    return _set(f, spot, rng.choice((serial, "2016")), "excel-number-in-date", "garble")


def csv_spaces(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """Spaces around a number, a date or an enum value: the same value."""
    f = CsvFile.parse(data)
    spot = _cells(f, shape, shape.dates + shape.numbers + shape.enums, rng)
    if spot is None:
        return None
    cell = f.rows[spot[0]][spot[1]]
    return _set(f, spot, rng.choice((" ", "  ", "")) + cell + rng.choice((" ", "  ")), "spaces", "same")


def bytes_level(fn: Callable) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        return fn(data, rng)

    return mutate


def csv_truncate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    return truncate(data, rng)


def _amount(text: str) -> tuple[int, int] | None:
    """An amount as the valid files write it ("50000", "12500.5", "$2,000.00"): whole units and cents."""
    m = re.fullmatch(r"\$?([\d,]+)(?:\.(\d{1,2}))?", text.strip())
    if not m:
        return None
    return int(m.group(1).replace(",", "")), int((m.group(2) or "0").ljust(2, "0"))


def csv_number_style(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """Every amount of the file written in one other convention (1,200.50; 1.200,50; 1 200,50; $1,200.50; 1.200):
    the same values, unless the convention leaves them unclear (then a refusal)."""
    f = CsvFile.parse(data)
    style = rng.choice(("1,200.50", "1.200,50", "1 200,50", "$1,200.50", "1.200"))
    g, changed = f.copy(), 0
    for i in f.data_rows():
        for j, name in enumerate(f.header):
            if name in shape.money and j < len(f.rows[i]) and f.rows[i][j].strip():
                parsed = _amount(f.rows[i][j])
                if parsed is None or (style == "1.200" and parsed[1]):
                    return None
                whole = f"{parsed[0]:,}"
                cents = f"{parsed[1]:02d}"
                g.rows[i][j] = {
                    "1,200.50": f"{whole}.{cents}",
                    "1.200,50": f"{whole.replace(',', '.')},{cents}",
                    "1 200,50": f"{whole.replace(',', ' ')},{cents}",
                    "$1,200.50": f"${whole}.{cents}",
                    "1.200": whole.replace(",", "."),
                }[style]
                changed += 1
    if not changed:
        return None
    # 1.200 alone does not say whether the dot is a decimal mark: a refusal is the answer, the same values the other.
    oracle = "garble" if style == "1.200" else "same"
    return Mutated(g.dump(), "number-style", oracle, f"every amount written as {style}")


def csv_date_style(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """Every ISO date of the file written day first (15/03/2024) or month first (03/15/2024): the same dates, when
    the file shows which (a day over 12), else a refusal."""
    f = CsvFile.parse(data)
    style = rng.choice(("day", "month"))
    g, changed = f.copy(), 0
    for i in f.data_rows():
        for j, name in enumerate(f.header):
            if name in shape.dates and j < len(f.rows[i]) and f.rows[i][j].strip():
                m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", f.rows[i][j].strip())
                if not m:
                    return None
                y, mo, d = m.groups()
                g.rows[i][j] = f"{d}/{mo}/{y}" if style == "day" else f"{mo}/{d}/{y}"
                changed += 1
    if not changed:
        return None
    return Mutated(g.dump(), "date-style", "same", f"every date written {style} first")


def csv_blank_line(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """An empty line between two data rows (a spreadsheet's empty row): the same records."""
    f = CsvFile.parse(data)
    rows = f.data_rows()
    if len(rows) < 2:
        return None
    i = rng.choice(rows[:-1])
    g = f.copy()
    g.rows.insert(i + 1, [])
    return Mutated(g.dump(), "blank-line", "same", f"an empty line after row {i + 1}")


def csv_header_again(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """The header row again between data rows (two exports pasted into one file)."""
    f = CsvFile.parse(data)
    rows = f.data_rows()
    if not rows:
        return None
    i = rng.choice(rows)
    g = f.copy()
    g.rows.insert(i + 1, list(f.header))
    return Mutated(g.dump(), "header-again", "garble", f"the header row again after row {i + 1}")


def csv_huge_cell(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """A cell of more than 100,000 characters (often a quote never closed, or a file that is not a table)."""
    f = CsvFile.parse(data)
    spot = _cells(f, shape, tuple(f.header), rng)
    if spot is None:
        return None
    cell = f.rows[spot[0]][spot[1]]
    g = f.copy()
    g.rows[spot[0]][spot[1]] = cell + "x" * 100_001
    return Mutated(g.dump(), "huge-cell", "garble", f"row {spot[0] + 1}, {f.header[spot[1]]}: {cell!r} + 100,001 x")


CSV_MUTATIONS: dict[str, Callable] = {
    "truncate": csv_truncate,
    "truncate-last": csv_truncate_last,
    "truncate-at-cell": csv_truncate_at_cell,
    "drop-delimiter": csv_delimiter(drop=True),
    "extra-delimiter": csv_delimiter(drop=False),
    "quote": csv_quote,
    "control": csv_control,
    "encoding": csv_encoding,
    "bom": bytes_level(bom),
    "encoding-change": bytes_level(utf16),
    "newlines": bytes_level(newlines),
    "delimiter-change": csv_redelimit,
    "reorder-columns": csv_reorder,
    "swap-cells": csv_swap,
    "header": csv_header,
    "garbled-number": csv_value("garbled-number", "numbers", garbled_number, "refuse"),
    "mixed-decimal-marks": csv_mixed,
    "odd-digits": csv_value("odd-digits", "dates", odd_digits, "refuse"),
    "date-out-of-range": csv_value("date-out-of-range", "dates", other_year, "refuse"),
    "impossible-time": csv_value("impossible-time", "dates", with_bad_time, "refuse"),
    "excel-number-in-date": csv_excel_number,
    "unknown-enum": csv_value("unknown-enum", "enums", unknown_word, "refuse"),
    "enum-case": csv_value("enum-case", "enums", case_changed, "same"),
    "spaces": csv_spaces,
    "number-style": csv_number_style,
    "blank-line": csv_blank_line,
    "header-again": csv_header_again,
    "huge-cell": csv_huge_cell,
    "date-style": csv_date_style,
    "duplicate-row": csv_duplicate(differs=False),
    "duplicate-key": csv_duplicate(differs=True),
}


# ---------------------------------------------------------------------------------------------------------------
# PubMed's MEDLINE format: records of "TAG - value" lines, separated by blank lines

_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) *- (.*)$")


def _medline_lines(data: bytes) -> tuple[list[str], str]:
    text = data.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.split(newline), newline


def _medline_dump(lines: list[str], newline: str, data: bytes) -> bytes:
    return (codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b"") + newline.join(lines).encode("utf-8")


def _stored_date_lines(lines: list[str]) -> list[int]:
    """The lines of the dates PubMed's import reads: DP, DEP, PHST [epublish] and [aheadofprint]."""
    found = []
    for i, line in enumerate(lines):
        m = _TAG.match(line)
        if m and (
            m.group(1) in ("DP", "DEP") or (m.group(1) == "PHST" and re.search(r"\[(epublish|aheadofprint)\]", line))
        ):
            found.append(i)
    return found


def _records(lines: list[str]) -> list[tuple[int, int]]:
    """Each record's first line and the line after its last."""
    spans, start = [], None
    for i, line in enumerate([*lines, ""]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            spans.append((start, i))
            start = None
    return spans


def medline_value(kind: str, make: Callable, oracle: str) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        lines, newline = _medline_lines(data)
        spots = _stored_date_lines(lines)
        if not spots:
            return None
        i = rng.choice(spots)
        tag, value = _TAG.match(lines[i]).groups()
        new = make(value, rng)
        if new is None or new == value:
            return None
        out = list(lines)
        out[i] = lines[i][: len(lines[i]) - len(value)] + new
        return Mutated(_medline_dump(out, newline, data), kind, oracle, f"line {i + 1}: {lines[i]!r} -> {out[i]!r}")

    return mutate


def _medline_bad_time(value: str, rng: random.Random) -> str | None:
    m = re.fullmatch(r"(\d{4}/\d{2}/\d{2}) \d{2}:\d{2}( \[\w+\])", value)
    if not m:
        return None
    return f"{m.group(1)} {rng.choice(('25:00', '24:61', '99:99'))}{m.group(2)}"


def _medline_garbled(value: str, rng: random.Random) -> str | None:
    m = re.match(r"(\d+)(.*)$", value)
    if not m:
        return None
    return garbled_number(m.group(1), rng) + m.group(2)


def _inside_a_line(data: bytes, at: int) -> bool:
    """Whether a cut at this byte ends the file inside a line. A cut at a line's end leaves a record that looks
    whole (a MEDLINE record has no end mark), so the fuzz leaves those out: no reader could tell."""
    return data[at - 1 : at] not in (b"\n", b"\r")


def medline_truncate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    at = rng.randrange(1, len(data))
    if not _inside_a_line(data, at):
        return None
    return Mutated(
        data[:at], "truncate", "subset", f"cut at byte {at} of {len(data)}: ends {data[max(0, at - 40) : at]!r}"
    )


def medline_truncate_last(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    lines, newline = _medline_lines(data)
    first, _ = _records(lines)[-1]
    start = len(_medline_dump(lines[:first], newline, data)) + len(newline)
    if start >= len(data) - 1:
        return None
    at = rng.randrange(start + 1, len(data) - 1)
    if not _inside_a_line(data, at):
        return None
    return Mutated(
        data[:at],
        "truncate-last",
        "subset",
        f"cut inside the last record at byte {at}: ends {data[max(start, at - 50) : at]!r}",
    )


def medline_delimiter(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """A tag line without its "-" (a second "- " would be text: "TI  - - x" is the title "- x")."""
    lines, newline = _medline_lines(data)
    i = rng.choice([i for i, line in enumerate(lines) if _TAG.match(line)])
    out = list(lines)
    k = lines[i].index("- ")
    out[i] = lines[i][:k] + lines[i][k + 1 :]
    return Mutated(
        _medline_dump(out, newline, data), "drop-delimiter", "garble", f"line {i + 1}: {lines[i]!r} -> {out[i]!r}"
    )


def medline_continuation(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """A continuation line that lost its indent: a line that is neither a tag's nor a continuation. (The other way
    round, a tag line indented, is a valid continuation of the line before: its text, which no reader can tell.)"""
    lines, newline = _medline_lines(data)
    spots = [i for i, line in enumerate(lines) if line.startswith("      ")]
    if not spots:
        return None
    i = rng.choice(spots)
    out = list(lines)
    out[i] = lines[i].lstrip()
    return Mutated(_medline_dump(out, newline, data), "indent", "garble", f"line {i + 1}: {lines[i]!r} -> {out[i]!r}")


def medline_tag_case(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    lines, newline = _medline_lines(data)
    tagged = [i for i, line in enumerate(lines) if _TAG.match(line)]
    i = rng.choice(tagged)
    out = list(lines)
    tag = _TAG.match(lines[i]).group(1)
    out[i] = tag.lower() + lines[i][len(tag) :]
    return Mutated(_medline_dump(out, newline, data), "header-case", "garble", f"line {i + 1}: {out[i]!r}")


def medline_duplicate(differs: bool) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        lines, newline = _medline_lines(data)
        spans = _records(lines)
        first, end = rng.choice(spans)
        twin = lines[first:end]
        note = f"record at line {first + 1} ({twin[0]!r}) appears twice"
        if differs:
            ti = [k for k, line in enumerate(twin) if line.startswith(("TI  - ", "BTI - "))]
            if not ti:
                return None
            twin = list(twin)
            twin[ti[0]] += " (second version)"
            note += ", the second with another title"
        out = [*lines[:end], "", *twin, *lines[end:]]
        kind = "duplicate-key" if differs else "duplicate-row"
        return Mutated(_medline_dump(out, newline, data), kind, "refuse" if differs else "garble", note)

    return mutate


def medline_swap(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """Two tags' values swapped within a record (DP and DEP, TI and DP...)."""
    lines, newline = _medline_lines(data)
    first, end = rng.choice(_records(lines))
    tagged = [
        i
        for i in range(first, end)
        if (m := _TAG.match(lines[i])) and m.group(1) in ("DP", "DEP", "TI", "PMID", "LID", "AID")
    ]
    if len(tagged) < 2:
        return None
    a, b = rng.sample(tagged, 2)
    ta, va = _TAG.match(lines[a]).groups()
    tb, vb = _TAG.match(lines[b]).groups()
    if {ta, tb} <= {"LID", "AID"} or ta == tb:
        return None
    out = list(lines)
    out[a], out[b] = lines[a][: len(lines[a]) - len(va)] + vb, lines[b][: len(lines[b]) - len(vb)] + va
    return Mutated(
        _medline_dump(out, newline, data),
        "swap-cells",
        "garble",
        f"lines {a + 1} and {b + 1}: {ta} and {tb} values swapped",
    )


def with_start(fn: Callable, start: Callable[[bytes], int]) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        return fn(data, rng, start(data))

    return mutate


def _after_first_line(data: bytes) -> int:
    return data.find(b"\n") + 1


MEDLINE_MUTATIONS: dict[str, Callable] = {
    "truncate": medline_truncate,
    "truncate-last": medline_truncate_last,
    "drop-delimiter": medline_delimiter,
    "indent": medline_continuation,
    "control": with_start(control_byte, _after_first_line),
    "encoding": with_start(bad_byte, _after_first_line),
    "bom": bytes_level(bom),
    "encoding-change": bytes_level(utf16),
    "newlines": bytes_level(newlines),
    "header-case": medline_tag_case,
    "swap-cells": medline_swap,
    "garbled-number": medline_value("garbled-number", _medline_garbled, "refuse"),
    "odd-digits": medline_value("odd-digits", odd_digits, "refuse"),
    "date-out-of-range": medline_value("date-out-of-range", other_year, "refuse"),
    "impossible-time": medline_value("impossible-time", _medline_bad_time, "refuse"),
    "duplicate-row": medline_duplicate(differs=False),
    "duplicate-key": medline_duplicate(differs=True),
}


# ---------------------------------------------------------------------------------------------------------------
# ClinicalTrials.gov's JSON


def _studies(doc: object) -> list[dict]:
    if isinstance(doc, dict) and "studies" in doc:
        return doc["studies"]
    if isinstance(doc, list):
        return doc
    return [doc]


def _get(study: dict, path: str) -> object:
    value = study
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _put(study: dict, path: str, value: object) -> None:
    *parents, last = path.split(".")
    target = study
    for key in parents:
        target = target[key]
    target[last] = value


def _dump_json(doc: object, data: bytes) -> bytes:
    indent = 2 if b"\n  " in data else None
    return json.dumps(doc, indent=indent).encode("utf-8")


def json_value(kind: str, make: Callable, oracle: str, paths: str = "dates") -> Callable:
    """A stored field of a study the import turns into records (shape.kept of the study)."""

    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        doc = json.loads(data)
        spots = [
            (k, p)
            for k, s in enumerate(_studies(doc))
            if shape.kept(s)
            for p in getattr(shape, paths)
            if isinstance(_get(s, p), (str, list))
        ]
        if not spots:
            return None
        k, path = rng.choice(spots)
        study = _studies(doc)[k]
        old = _get(study, path)
        new = [make(v, rng) for v in old] if isinstance(old, list) else make(old, rng)
        if new is None or new == old or (isinstance(new, list) and None in new):
            return None
        _put(study, path, new)
        return Mutated(_dump_json(doc, data), kind, oracle, f"study {k + 1}, {path}: {old!r} -> {new!r}")

    return mutate


def _json_bad_time(value: str, rng: random.Random) -> str:
    day = value if len(value) == 10 else value + "-01"
    return day + rng.choice(("T25:00", "T24:61:00", " 25:00"))


def json_type(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    """A field of another JSON type: a string as a number or a list, an object as a list, a list as a string..."""
    doc = json.loads(data)
    studies = _studies(doc)
    k = rng.randrange(len(studies))
    paths: list[str] = []

    def walk(value: object, path: str) -> None:
        if path:
            paths.append(path)
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)

    walk(studies[k], "")
    path = rng.choice(paths)
    old = _get(studies[k], path)
    if isinstance(old, str):
        new = rng.choice(
            ([old], {"value": old}, None, int(re.sub(r"\D", "", old)) if re.search(r"\d", old) else 7, True)
        )
    elif isinstance(old, list):
        new = rng.choice(
            ({"items": old}, ";".join(map(str, old)) if all(isinstance(x, str) for x in old) else "x", None, 3, [old])
        )
    elif isinstance(old, dict):
        new = rng.choice(([old], list(old.values()), json.dumps(old), None, 0))
    elif isinstance(old, bool):
        new = rng.choice(("true" if old else "false", int(old), None))
    elif isinstance(old, (int, float)):
        new = rng.choice((str(old), [old], float(old) + 0.5, -old, None))
    else:
        new = rng.choice(("", 0, [], {}))
    if new == old and type(new) is type(old):
        return None
    _put(studies[k], path, new)
    # null is a field without a value, as if it were missing: the study may then give fewer records, never others.
    oracle = "subset" if new is None else "garble"
    return Mutated(_dump_json(doc, data), "json-type", oracle, f"study {k + 1}, {path}: {old!r} -> {new!r}")


def json_key_case(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    doc = json.loads(data)
    studies = _studies(doc)
    k = rng.randrange(len(studies))
    path = rng.choice(shape.dates + shape.enums + (shape.key, shape.change))
    *parents, last = path.split(".")
    target = studies[k]
    for key in parents:
        if not isinstance(target, dict) or key not in target:
            return None
        target = target[key]
    if not isinstance(target, dict) or last not in target:
        return None
    target[last[0].upper() + last[1:]] = target.pop(last)
    # A key the API never writes is unknown and may be passed over, as if the field were missing: the study may then
    # give fewer records, never other values.
    return Mutated(_dump_json(doc, data), "header-case", "subset", f"study {k + 1}: {path} spelt with a capital")


def json_duplicate(differs: bool) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        doc = json.loads(data)
        studies = [s for s in _studies(doc) if shape.kept(s)]
        if not studies:
            return None
        twin = json.loads(json.dumps(rng.choice(studies)))
        note = f"study {_get(twin, shape.key)!r} appears twice"
        if differs:
            old = _get(twin, shape.change)
            if not isinstance(old, str):
                return None
            _put(twin, shape.change, _changed_json(old))
            note += f", the second with {shape.change} {_get(twin, shape.change)!r}"
        if isinstance(doc, dict) and "studies" in doc:
            doc["studies"].append(twin)
        elif isinstance(doc, list):
            doc.append(twin)
        else:
            doc = [doc, twin]
        kind = "duplicate-key" if differs else "duplicate-row"
        return Mutated(_dump_json(doc, data), kind, "refuse" if differs else "garble", note)

    return mutate


def _changed_json(value: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if m:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        return date.fromordinal(d.toordinal() + 40).isoformat()
    return value + " (second version)"


def _structural(data: bytes, chars: bytes) -> list[int]:
    """Positions of the given bytes outside JSON strings."""
    found, inside, escaped = [], False, False
    for k, b in enumerate(data):
        if inside:
            if escaped:
                escaped = False
            elif b == 0x5C:
                escaped = True
            elif b == 0x22:
                inside = False
        elif b == 0x22:
            inside = True
        elif b in chars:
            found.append(k)
    return found


def json_delimiter(drop: bool) -> Callable:
    def mutate(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
        spots = _structural(data, b",:")
        at = rng.choice(spots)
        out = data[:at] + data[at + 1 :] if drop else data[:at] + data[at : at + 1] + data[at:]
        return Mutated(out, "drop-delimiter" if drop else "extra-delimiter", "garble", short(out, at))

    return mutate


def json_quote(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    at = rng.choice(_structural(data, b",:[]{}"))
    out = data[:at] + b'"' + data[at:]
    return Mutated(out, "quote", "garble", short(out, at))


def json_truncate_last(data: bytes, shape: Shape, rng: random.Random) -> Mutated | None:
    at = rng.randrange(len(data) * 2 // 3, len(data) - 1)
    return Mutated(
        data[:at], "truncate-last", "subset", f"cut at byte {at} of {len(data)}: ends {data[at - 40 : at]!r}"
    )


JSON_MUTATIONS: dict[str, Callable] = {
    "truncate": csv_truncate,
    "truncate-last": json_truncate_last,
    "drop-delimiter": json_delimiter(drop=True),
    "extra-delimiter": json_delimiter(drop=False),
    "quote": json_quote,
    "control": bytes_level(control_byte),
    "encoding": bytes_level(bad_byte),
    "bom": bytes_level(bom),
    "encoding-change": bytes_level(utf16),
    "json-type": json_type,
    "header-case": json_key_case,
    "garbled-number": json_value("garbled-number", lambda v, rng: _json_garbled(v, rng), "refuse"),
    "odd-digits": json_value("odd-digits", odd_digits, "refuse"),
    "date-out-of-range": json_value("date-out-of-range", other_year, "refuse"),
    "impossible-time": json_value("impossible-time", _json_bad_time, "refuse"),
    "unknown-enum": json_value(
        "unknown-enum", lambda v, rng: rng.choice(("PAUSED", "PHASE5", "GUESSED", "ONGOING")), "refuse", "enums"
    ),
    "enum-case": json_value(
        "enum-case", lambda v, rng: v.lower() if rng.random() < 0.5 else v.title(), "garble", "enums"
    ),
    "duplicate-row": json_duplicate(differs=False),
    "duplicate-key": json_duplicate(differs=True),
}


def _json_garbled(value: str, rng: random.Random) -> str:
    m = re.fullmatch(r"(\d{4})-(.*)", value)
    if not m:
        return value + ".5.5"
    return f"{garbled_number(m.group(1), rng)}-{m.group(2)}"


# ---------------------------------------------------------------------------------------------------------------
# XLSX workbooks: sheets of cells written by openpyxl


Sheets = dict[str, list[list[object]]]


def workbook(sheets: Sheets) -> bytes:
    """The sheets as an .xlsx file (cells keep their Python types: numbers, dates, text)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime | date):
                    cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The workbook with its save time fixed (openpyxl writes the clock into docProps/core.xml and every zip entry),
    so that a variant is the same bytes on every run."""
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", b"2024-01-01T00:00:00Z", content)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return packed.getvalue()


def _xlsx_cells(sheets: Sheets, shape: Shape, columns: tuple[str, ...], rng: random.Random):
    spots = [
        (title, i, j)
        for title, rows in sheets.items()
        for i in range(1, len(rows))
        for j, name in enumerate(rows[0])
        if name in columns and j < len(rows[i]) and rows[i][j] not in (None, "")
    ]
    return rng.choice(spots) if spots else None


def xlsx_value(kind: str, columns: str, make: Callable, oracle: str) -> Callable:
    def mutate(sheets: Sheets, shape: Shape, rng: random.Random) -> Mutated | None:
        spot = _xlsx_cells(sheets, shape, getattr(shape, columns), rng)
        if spot is None:
            return None
        title, i, j = spot
        old = sheets[title][i][j]
        new = make(old, rng)
        if new is None or new == old:
            return None
        changed = {t: [list(r) for r in rows] for t, rows in sheets.items()}
        changed[title][i][j] = new
        note = f"sheet {title}, row {i + 1}, {sheets[title][0][j]}: {old!r} -> {new!r}"
        return Mutated(workbook(changed), kind, oracle, note)

    return mutate


def _excel_serial(value: object, rng: random.Random) -> object:
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return rng.choice(((day - date(1899, 12, 30)).days, 2016, day.year))
    return 2016


def _as_text(fn: Callable) -> Callable:
    def make(value: object, rng: random.Random) -> object:
        text = value.isoformat() if isinstance(value, date | datetime) else str(value)
        text = text[:10] if isinstance(value, date | datetime) else text
        return fn(text, rng)

    return make


def _xlsx_date_out_of_range(value: object, rng: random.Random) -> object:
    if isinstance(value, date) and rng.random() < 0.5:
        return datetime(rng.choice((2999, 3100)), 1, 15)
    return _as_text(other_year)(value, rng)


def xlsx_truncate(last: bool) -> Callable:
    def mutate(sheets: Sheets, shape: Shape, rng: random.Random) -> Mutated | None:
        data = workbook(sheets)
        at = rng.randrange(len(data) * 3 // 4 if last else 1, len(data) - 1)
        return Mutated(data[:at], "truncate-last" if last else "truncate", "subset", f"cut at byte {at} of {len(data)}")

    return mutate


def xlsx_flip(sheets: Sheets, shape: Shape, rng: random.Random) -> Mutated | None:
    data = bytearray(workbook(sheets))
    at = rng.randrange(len(data))
    data[at] ^= 1 << rng.randrange(8)
    return Mutated(bytes(data), "bit-flip", "garble", f"one bit changed at byte {at}")


def xlsx_header(sheets: Sheets, shape: Shape, rng: random.Random) -> Mutated | None:
    title = rng.choice(list(sheets))
    changed = {t: [list(r) for r in rows] for t, rows in sheets.items()}
    header = changed[title][0]
    j = rng.randrange(len(header))
    how = rng.choice(("case", "typo", "twice"))
    if how == "case":
        changed[title][0] = [case_changed(str(h), rng) for h in header]
        return Mutated(workbook(changed), "header-case", "same", f"sheet {title}: header {changed[title][0]!r}")
    if how == "typo":
        name = str(header[j])
        header[j] = name[:1] + name[2:]
        return Mutated(workbook(changed), "header-typo", "garble", f"sheet {title}: {name!r} named {header[j]!r}")
    k = rng.randrange(len(header))
    if k == j:
        return None
    header[k] = header[j]
    return Mutated(
        workbook(changed), "header-twice", "garble", f"sheet {title}: column {k + 1} named {header[j]!r} too"
    )


def xlsx_duplicate(differs: bool) -> Callable:
    def mutate(sheets: Sheets, shape: Shape, rng: random.Random) -> Mutated | None:
        title = rng.choice(list(sheets))
        rows = sheets[title]
        if len(rows) < 2:
            return None
        i = rng.randrange(1, len(rows))
        twin = list(rows[i])
        note = f"sheet {title}, row {i + 1} appears twice"
        if differs:
            texts = [j for j, v in enumerate(twin) if isinstance(v, str) and rows[0][j] in shape.change.split(",")]
            if not texts:
                return None
            j = rng.choice(texts)
            twin[j] = twin[j] + " (second version)"
            note += f", the second with {rows[0][j]} {twin[j]!r}"
        changed = {t: [list(r) for r in rs] for t, rs in sheets.items()}
        changed[title].append(twin)
        kind = "duplicate-key" if differs else "duplicate-row"
        return Mutated(workbook(changed), kind, "refuse" if differs else "garble", note)

    return mutate


def _with_control(value: object, rng: random.Random) -> object:
    if not isinstance(value, str):
        return None
    at = rng.randrange(len(value) + 1)
    return value[:at] + rng.choice(("\x7f", "\x85", "\u2028", "\x9b")) + value[at:]


def _xlsx_garbled(value: object, rng: random.Random) -> object:
    return garbled_number(str(int(value)) if isinstance(value, int | float) else str(value), rng)


XLSX_MUTATIONS: dict[str, Callable] = {
    "truncate": xlsx_truncate(last=False),
    "truncate-last": xlsx_truncate(last=True),
    "bit-flip": xlsx_flip,
    "header": xlsx_header,
    "control": xlsx_value("control", "text", _with_control, "garble"),
    "garbled-number": xlsx_value("garbled-number", "numbers", _xlsx_garbled, "refuse"),
    "odd-digits": xlsx_value("odd-digits", "dates", _as_text(odd_digits), "refuse"),
    "date-out-of-range": xlsx_value("date-out-of-range", "dates", _xlsx_date_out_of_range, "refuse"),
    "impossible-time": xlsx_value("impossible-time", "dates", _as_text(with_bad_time), "refuse"),
    "excel-number-in-date": xlsx_value("excel-number-in-date", "dates", _excel_serial, "garble"),
    "unknown-enum": xlsx_value("unknown-enum", "enums", unknown_word, "refuse"),
    "enum-case": xlsx_value("enum-case", "enums", lambda v, rng: case_changed(str(v), rng), "same"),
    "duplicate-row": xlsx_duplicate(differs=False),
    "duplicate-key": xlsx_duplicate(differs=True),
}
