"""Turns raw cells into typed values, with the file-wide conventions for slash dates and decimal marks.

Strict where a guess would store a wrong value: only 0-9 are digits (an Arabic-Indic or fullwidth digit is
refused, not read as a number), a date-time must have a possible time of day, and an amount may carry only the
reporting currency's code or sign. Every message quotes the cell through shown(): shortened, control characters
and undecodable bytes made visible.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from contract import Column

TRUE = {"true", "yes", "y", "1", "t"}
FALSE = {"false", "no", "n", "0", "f"}
# The signs that may mark an amount, and the currencies each can stand for: "$500" is fine when the reporting
# currency is USD (or another dollar), "€500" only when it is EUR. A sign not listed here is never accepted.
CURRENCY_SIGNS: dict[str, tuple[str, ...]] = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"),
    "US$": ("USD",),
    "C$": ("CAD",),
    "CA$": ("CAD",),
    "A$": ("AUD",),
    "AU$": ("AUD",),
    "NZ$": ("NZD",),
    "HK$": ("HKD",),
    "S$": ("SGD",),
    "MX$": ("MXN",),
    "R$": ("BRL",),
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("JPY", "CNY"),
    "₹": ("INR",),
    "₩": ("KRW",),
    "₽": ("RUB",),
    "₺": ("TRY",),
    "₪": ("ILS",),
    "₱": ("PHP",),
    "₦": ("NGN",),
    "฿": ("THB",),
    "₫": ("VND",),
    "₴": ("UAH",),
}
CURRENCY_SYMBOLS = "".join(sorted({ch for sign in CURRENCY_SIGNS for ch in sign if unicodedata.category(ch) == "Sc"}))
SPACES = " \u00a0\u202f\u2009'’"
SHOWN_LIMIT = 40  # characters of a cell a problem line quotes

# Only ASCII digits: Python's \d would also match Arabic-Indic, fullwidth and other digits.
_TIME = r"(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?"
_ISO = re.compile(rf"^([0-9]{{4}})-([0-9]{{1,2}})-([0-9]{{1,2}}){_TIME}$")
_YMD_SLASH = re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$")
_SLASH = re.compile(r"^([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?$")
FIRST_YEAR = 1900  # no record of a partnership is older
FUTURE_YEARS = 5  # a planned event or a trial's start may be ahead, but not further than this


class Invalid(ValueError):
    """A cell that does not hold a valid value; the message says what to write instead."""


def blank(value: object) -> bool:
    """True for an empty cell."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def as_text(value: object) -> str:
    """The cell as text, as a person would have typed it (Excel's 12.0 is 12)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _visible(ch: str) -> str:
    """One character as a problem line shows it: control and invisible characters as escapes."""
    code = ord(ch)
    if 0xDC00 <= code <= 0xDCFF:  # a byte the file's encoding could not read (see store.readers.decode)
        return f"\\x{code - 0xDC00:02x}"
    if ch in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch]
    if ch == " " or ch.isprintable():
        return ch
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """A cell as a problem line shows it: quoted, shortened to at most limit characters (with an ellipsis),
    control characters and undecodable bytes made visible (a NUL byte shows as \\x00), never raw."""
    text = value if isinstance(value, str) else as_text(value)
    pieces = [_visible(ch) for ch in text]
    if sum(len(p) for p in pieces) > limit:
        kept, used = [], 0
        for piece in pieces:
            if used + len(piece) > limit - 1:
                break
            kept.append(piece)
            used += len(piece)
        pieces = [*kept, "…"]
    return "'" + "".join(pieces) + "'"


def check_digits(raw: str) -> None:
    """Refuses digits other than 0-9 (Arabic-Indic, fullwidth, superscript...): they are never read as numbers."""
    odd = next((ch for ch in raw if ch.isdigit() and not "0" <= ch <= "9"), None)
    if odd is not None:
        name = unicodedata.name(odd, "").lower()
        raise Invalid(
            f"{shown(raw)} is written with digits other than 0-9 ({odd}{', ' + name if name else ''}); "
            "write numbers and dates with the digits 0-9"
        )


def _date(y: int, m: int, d: int, raw: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise Invalid(f"{shown(raw)} is not a real calendar date") from None


def _check_time(raw: str, hour: str | None, minute: str | None, second: str | None, zone: str | None = None) -> None:
    """A date-time's time of day must exist: 2023-12-31T25:99 is refused, not read as 2023-12-31."""
    if hour is None:
        return
    if int(hour) > 23 or int(minute) > 59 or (second is not None and int(second) > 59):
        when = f"{hour}:{minute}" + (f":{second}" if second is not None else "")
        raise Invalid(f"{shown(raw)} has an impossible time of day ({when}); write the date as YYYY-MM-DD")
    if zone and zone != "Z" and (int(zone[1:3]) > 23 or int(zone[-2:]) > 59):
        raise Invalid(f"{shown(raw)} has an impossible time zone ({zone}); write the date as YYYY-MM-DD")


@dataclass
class DateConvention:
    """How this file writes slash dates: decided from the file's own unambiguous dates, or configured."""

    configured: str = "auto"
    day_first_seen: int | None = None  # a row with e.g. 25/03/2024
    month_first_seen: int | None = None  # a row with e.g. 03/25/2024

    def observe(self, value: object, row: int) -> None:
        if not isinstance(value, str):
            return
        m = _SLASH.match(value.strip())
        if not m:
            return
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 and b <= 12 and self.day_first_seen is None:
            self.day_first_seen = row
        if b > 12 and a <= 12 and self.month_first_seen is None:
            self.month_first_seen = row

    def parse_slash(self, a: int, b: int, y: int, raw: str) -> date:
        if self.configured == "DD/MM/YYYY":
            return _date(y, b, a, raw)
        if self.configured == "MM/DD/YYYY":
            return _date(y, a, b, raw)
        if a == b or a > 12 or b > 12:
            return _date(y, b, a, raw) if a > 12 else _date(y, a, b, raw)
        if self.day_first_seen and self.month_first_seen:
            raise Invalid(
                f"{shown(raw)} is ambiguous: this file writes some dates day first (row {self.day_first_seen}) "
                f"and others month first (row {self.month_first_seen}); write dates as YYYY-MM-DD"
            )
        if self.day_first_seen:
            return _date(y, b, a, raw)
        if self.month_first_seen:
            return _date(y, a, b, raw)
        raise Invalid(
            f"{shown(raw)} could be day/month or month/day and nothing in the file tells which; "
            "write dates as YYYY-MM-DD, or set slash_dates in foundation.toml"
        )


def plausible(day: date, raw: object, today: date | None = None) -> date:
    """The date, when a record can have it: from FIRST_YEAR to FUTURE_YEARS years after today (a typo such as
    0224-03-05 or 2204-03-05 is a real calendar date, and would be stored as one)."""
    today = today or date.today()
    latest = _years_after(today, FUTURE_YEARS)
    if day.year < FIRST_YEAR:
        raise Invalid(f"{shown(raw)} is before {FIRST_YEAR}, which no record here can be; correct the year")
    if day > latest:
        raise Invalid(
            f"{shown(raw)} is more than {FUTURE_YEARS} years from today (after {latest.isoformat()}), which no record "
            "here can be; correct the year"
        )
    return day


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse_date(value: object, convention: DateConvention) -> date:
    """Reads ISO dates, ISO date-times, slash dates and real Excel dates, from FIRST_YEAR to FUTURE_YEARS ahead."""
    return plausible(_parse_date(value, convention), value)


def _parse_date(value: object, convention: DateConvention) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A workbook's real date cells arrive as dates; a number here is a cell formatted as a number: 2016 would
        # become 1905-07-08 as a serial day, and a serial such as 45352 means nothing to the person who typed it.
        raise Invalid(f"{shown(value)} is a number, not a date; format the cell as a date or write YYYY-MM-DD")
    raw = str(value).strip()
    check_digits(raw)
    if m := _ISO.match(raw):
        day = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
        _check_time(raw, *m.group(4, 5, 6, 7))
        return day
    if m := _YMD_SLASH.match(raw):
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    if m := _SLASH.match(raw):
        _check_time(raw, *m.group(4, 5, 6))
        return convention.parse_slash(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    raise Invalid(f"{shown(raw)} is not a date; write dates as YYYY-MM-DD, e.g. 2024-03-05")


@dataclass
class AmountConvention:
    """Whether this file writes decimals with a point (1,200.50) or a comma (1 200,50)."""

    configured: str = "auto"
    point_seen: int | None = None
    comma_seen: int | None = None

    def observe(self, value: object, row: int, currency: str) -> None:
        if not isinstance(value, str):
            return
        try:
            _, digits = _strip_amount(value, currency)
        except Invalid:
            return
        kind = _mark_kind(digits)
        if kind in ("point", "comma") and not _one_number(digits, kind):
            return  # not a number at all (1.2.3): it shows no convention, and is a problem at its row
        if kind == "point" and self.point_seen is None:
            self.point_seen = row
        if kind == "comma" and self.comma_seen is None:
            self.comma_seen = row

    @property
    def mark(self) -> str | None:
        """The file's decimal mark: configured, else the one its first amount that shows one uses (an amount in the
        other is then a problem at its row, never read in its own convention: 1,200.50 and 1.200,50 in one file
        are one typo or two files pasted together)."""
        if self.configured != "auto":
            return self.configured
        if self.point_seen and (not self.comma_seen or self.point_seen < self.comma_seen):
            return "point"
        if self.comma_seen:
            return "comma"
        return None

    @property
    def shown_at(self) -> int | None:
        """The row whose amount showed the file's decimal mark."""
        return self.point_seen if self.mark == "point" else self.comma_seen


def _strip_sign(text: str, raw: str, currency: str) -> str:
    """Removes the one currency sign at either end of an amount; a sign of another currency is refused."""
    for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True):
        if text.startswith(sign) or text.endswith(sign):
            names = CURRENCY_SIGNS[sign]
            if currency not in names:
                raise Invalid(
                    f"{shown(raw)} is in {names[0] if len(names) == 1 else sign}, but amounts must be in the "
                    f"reporting currency {currency}"
                )
            return (text.removeprefix(sign) if text.startswith(sign) else text.removesuffix(sign)).strip()
    for ch in (text[:1], text[-1:]):
        if ch and unicodedata.category(ch) == "Sc":
            raise Invalid(
                f"{shown(raw)} is marked with the currency sign {ch}, but amounts must be in the reporting "
                f"currency {currency}"
            )
    return text


def _strip_amount(raw: str, currency: str) -> tuple[bool, str]:
    """Removes the currency code or sign, signs and digit-group spaces; returns (negative, digits with , and .)."""
    text = raw.strip()
    check_digits(text)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    code = re.match(r"^([A-Za-z]{3})\s*([^A-Za-z\s].*)$", text) or re.match(r"^(.*[^A-Za-z\s])\s*([A-Za-z]{3})$", text)
    if code:
        letters = code.group(1) if code.group(1).isalpha() else code.group(2)
        if letters.upper() != currency:
            raise Invalid(
                f"{shown(raw)} is in {letters.upper()}, but amounts must be in the reporting currency {currency}"
            )
        text = code.group(2) if code.group(1).isalpha() else code.group(1)
    text = text.strip()
    if text[:1] in "-−" or text[-1:] in "-−":
        negative, text = True, text.strip("-−").strip()
    text = _strip_sign(text, raw, currency)
    if text[:1] in "-−":
        negative, text = True, text[1:].strip()
    text = _ungrouped(text, raw)
    if not re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*", text):
        raise Invalid(f"{shown(raw)} is not an amount; write a number such as 1200 or 1,200.50")
    return negative, text


def _ungrouped(text: str, raw: str) -> str:
    """The number without the spaces (or apostrophes) that group its digits; Invalid when they do not group them in
    threes ("1 2" is not 12, nor "1 20 000" 120000: one of them is a typo, and which one the file does not say)."""
    if not any(space in text for space in SPACES):
        return text
    if not re.fullmatch(rf"[+-]?[0-9]{{1,3}}(?:[{SPACES}][0-9]{{3}})+(?:[.,][0-9]*)?", text):
        raise Invalid(
            f"{shown(raw)} is not one number: a space in a number may only separate groups of three digits "
            "(1 200 000); correct the number"
        )
    for space in SPACES:
        text = text.replace(space, "")
    return text


def _mark_kind(digits: str) -> str:
    """Which decimal mark a number proves: point, comma, ambiguous_point, ambiguous_comma or none."""
    if "," in digits and "." in digits:
        return "point" if digits.rfind(".") > digits.rfind(",") else "comma"
    for mark, kind in ((",", "comma"), (".", "point")):
        if mark in digits:
            head, _, tail = digits.rpartition(mark)
            if digits.count(mark) > 1:
                return "point" if mark == "," else "comma"  # repeated marks group thousands
            if len(tail) == 3 and head and len(head) <= 3 and head != "0":
                return "ambiguous_" + kind
            return kind
    return "none"


def _one_number(digits: str, decimal_mark: str) -> bool:
    """Whether digits with , and . are one number when decimal_mark ("point" or "comma") marks its decimals: one
    decimal mark at most, the other mark only between groups of three digits before it (not 1.2.3 nor 12,00,000)."""
    group, dec = (",", ".") if decimal_mark == "point" else (".", ",")
    whole, _, fraction = digits.partition(dec)
    if dec in fraction or group in fraction:
        return False
    return group not in whole or re.fullmatch(rf"[0-9]{{1,3}}(?:\{group}[0-9]{{3}})+", whole) is not None


def parse_amount(value: object, convention: AmountConvention, currency: str) -> Decimal:
    """Reads 1200, 1,200.50, $1,200.50 or 1 200,50 in the file's convention; must be greater than 0."""
    if isinstance(value, bool):
        raise Invalid(f"{shown(value)} is not an amount")
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        raw = str(value).strip()
        negative, digits = _strip_amount(raw, currency)
        kind = _mark_kind(digits)
        mark = convention.mark
        if kind == "ambiguous_point" and mark is None:
            raise Invalid(
                f"{shown(raw)} could mean {digits.replace('.', '')} or {digits}; the file does not show which "
                "decimal mark it uses: write the amount without a thousands separator, "
                "or set decimal_mark in foundation.toml"
            )
        if kind in ("point", "comma") and mark and kind != mark:
            rule = (
                f"foundation.toml sets decimal_mark = {mark!r}"
                if convention.configured != "auto"
                else f"this file writes decimals with a {mark} (row {convention.shown_at})"
            )
            raise Invalid(f"{shown(raw)} uses a different decimal mark: {rule}; use one convention")
        decimal_mark = mark or ("comma" if kind == "comma" else "point")
        if kind == "ambiguous_comma" and mark is None:
            decimal_mark = "point"  # 1,200 with no other clue: a thousands separator, as money is written
        group, dec = (",", ".") if decimal_mark == "point" else (".", ",")
        if digits.count(dec) > 1:
            raise Invalid(f"{shown(raw)} is not an amount; it has more than one decimal mark")
        if not _one_number(digits, decimal_mark):
            raise Invalid(
                f"{shown(raw)} is not one number: with decimals after a {decimal_mark}, a "
                f"{'comma' if decimal_mark == 'point' else 'point'} may only separate groups of three digits "
                f"({'1,200,000.50' if decimal_mark == 'point' else '1.200.000,50'}); correct the number"
            )
        normal = digits.replace(group, "").replace(dec, ".")
        try:
            number = Decimal(normal)
        except InvalidOperation:
            raise Invalid(f"{shown(raw)} is not an amount") from None
        if negative:
            number = -number
    if number <= 0:
        raise Invalid(
            f"{shown(value)} must be greater than 0; record money received as inbound and grants made as outbound"
        )
    if number.as_tuple().exponent < -4:
        raise Invalid(f"{shown(value)} has more than 4 decimal places")
    if number >= Decimal("1e14"):
        raise Invalid(f"{shown(value)} is too large to be an amount")
    return number


def _unspaced(value: object) -> tuple[str, str]:
    """A number cell as written (stripped) and without its thousands spaces; Invalid for digits other than 0-9."""
    raw = str(value).strip()
    check_digits(raw)
    return raw, _ungrouped(raw, raw)


def parse_int(value: object) -> int:
    """Reads a whole number, 0 or more."""
    if isinstance(value, bool):
        raise Invalid(f"{shown(value)} is not a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise Invalid(f"{shown(value)} is not a whole number")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raw, text = _unspaced(value)
        if re.fullmatch(r"[+-]?[0-9]{1,3}(,[0-9]{3})+", text):
            text = text.replace(",", "")
        if re.fullmatch(r"[+-]?[0-9]{1,3}\.000", text):
            raise Invalid(
                f"{shown(raw)} could mean {text.replace('.', '')} or {text.split('.')[0]}; write the whole number "
                "without a thousands separator"
            )
        if re.fullmatch(r"[+-]?[0-9]+\.0*", text):
            text = text.split(".")[0]
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise Invalid(f"{shown(raw)} is not a whole number")
        number = int(text)
    if number < 0:
        raise Invalid(f"{number} is negative; write 0 or more")
    if number > 2**62:
        raise Invalid(f"{number} is too large")
    return number


def parse_number(value: object) -> float:
    """Reads a plain number such as 0.9, 1500 or 4,500,000 (a point for decimals), e.g. a target."""
    if isinstance(value, bool):
        raise Invalid(f"{shown(value)} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        raw, text = _unspaced(value)
        if re.fullmatch(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?", text):
            text = text.replace(",", "")
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?", text):
            raise Invalid(f"{shown(raw)} is not a number; write it with a point for decimals, e.g. 0.9 or 4500000")
        number = float(text)
    if not math.isfinite(number):
        raise Invalid(f"{shown(value)} is not a number")
    return number


def parse_bool(value: object) -> bool:
    """Reads true/false, yes/no, y/n, 1/0 in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Invalid(f"{shown(value)} is not true or false; write true/false, yes/no, y/n or 1/0")


def parse_enum(value: object, column: Column) -> str:
    """Reads one of the column's listed values, ignoring case and surrounding spaces."""
    text = as_text(value).lower()
    if text in column.values:
        return text
    close = difflib.get_close_matches(text.replace(" ", "_").replace("-", "_"), column.values, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    if len(column.values) > 15:
        listed = f"see the README for its {len(column.values)} values"
    else:
        listed = "use one of: " + ", ".join(column.values)
    raise Invalid(f"{shown(value)} is not a valid {column.name}; {listed}.{hint}")


def parse_list(value: object) -> list[str]:
    """Reads a ;-separated list of ids, dropping empty items and repeats."""
    items = [item.strip() for item in as_text(value).split(";")]
    return list(dict.fromkeys(item for item in items if item))
