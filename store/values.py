"""Turns raw cells into typed values, with the file-wide conventions for slash dates and decimal marks."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from contract import Column

TRUE = {"true", "yes", "y", "1", "t"}
FALSE = {"false", "no", "n", "0", "f"}
CURRENCY_SYMBOLS = "$€£¥"
SPACES = " \u00a0\u202f\u2009'’"

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_SLASH = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


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


def _date(y: int, m: int, d: int, raw: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise Invalid(f"{raw!r} is not a real calendar date") from None


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
                f"{raw!r} is ambiguous: this file writes some dates day first (row {self.day_first_seen}) "
                f"and others month first (row {self.month_first_seen}); write dates as YYYY-MM-DD"
            )
        if self.day_first_seen:
            return _date(y, b, a, raw)
        if self.month_first_seen:
            return _date(y, a, b, raw)
        raise Invalid(
            f"{raw!r} could be day/month or month/day and nothing in the file tells which; "
            "write dates as YYYY-MM-DD, or set slash_dates in foundation.toml"
        )


def parse_date(value: object, convention: DateConvention) -> date:
    """Reads ISO dates, ISO date-times, slash dates and real Excel dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel serial date in a cell formatted as a number
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise Invalid(f"{value!r} is not a date; write dates as YYYY-MM-DD")
    raw = str(value).strip()
    if m := _ISO.match(raw) or _YMD_SLASH.match(raw):
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    if m := _SLASH.match(raw):
        return convention.parse_slash(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    raise Invalid(f"{raw!r} is not a date; write dates as YYYY-MM-DD, e.g. 2024-03-05")


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
        if kind == "point" and self.point_seen is None:
            self.point_seen = row
        if kind == "comma" and self.comma_seen is None:
            self.comma_seen = row

    @property
    def mark(self) -> str | None:
        if self.configured != "auto":
            return self.configured
        if self.point_seen and not self.comma_seen:
            return "point"
        if self.comma_seen and not self.point_seen:
            return "comma"
        return None


def _strip_amount(raw: str, currency: str) -> tuple[bool, str]:
    """Removes currency marks, signs and digit-group spaces; returns (negative, digits with , and .)."""
    text = raw.strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    code = re.match(r"^([A-Za-z]{3})\s*([^A-Za-z\s].*)$", text) or re.match(r"^(.*[^A-Za-z\s])\s*([A-Za-z]{3})$", text)
    if code:
        letters = code.group(1) if code.group(1).isalpha() else code.group(2)
        if letters.upper() != currency:
            raise Invalid(f"{raw!r} is in {letters.upper()}, but amounts must be in the reporting currency {currency}")
        text = code.group(2) if code.group(1).isalpha() else code.group(1)
    text = text.strip()
    if text[:1] in "-−" or text[-1:] in "-−":
        negative, text = True, text.strip("-−").strip()
    text = text.strip(CURRENCY_SYMBOLS).strip()
    if text[:1] in "-−":
        negative, text = True, text[1:].strip()
    for space in SPACES:
        text = text.replace(space, "")
    if not re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*", text):
        raise Invalid(f"{raw!r} is not an amount; write a number such as 1200 or 1,200.50")
    return negative, text


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


def parse_amount(value: object, convention: AmountConvention, currency: str) -> Decimal:
    """Reads 1200, 1,200.50, $1,200.50 or 1 200,50 in the file's convention; must be greater than 0."""
    if isinstance(value, bool):
        raise Invalid(f"{value!r} is not an amount")
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        raw = str(value).strip()
        negative, digits = _strip_amount(raw, currency)
        kind = _mark_kind(digits)
        mark = convention.mark
        if kind == "ambiguous_point" and mark is None:
            raise Invalid(
                f"{raw!r} could mean {digits.replace('.', '')} or {digits}; the file does not show which "
                "decimal mark it uses: write the amount without a thousands separator, "
                "or set decimal_mark in foundation.toml"
            )
        if kind in ("point", "comma") and mark and kind != mark:
            rule = (
                f"foundation.toml sets decimal_mark = {mark!r}"
                if convention.configured != "auto"
                else f"the rest of this file writes decimals with a {mark} (row "
                f"{convention.point_seen or convention.comma_seen})"
            )
            raise Invalid(f"{raw!r} uses a different decimal mark: {rule}; use one convention")
        decimal_mark = mark or ("comma" if kind == "comma" else "point")
        if kind == "ambiguous_comma" and mark is None:
            decimal_mark = "point"  # 1,200 with no other clue: a thousands separator, as money is written
        group, dec = (",", ".") if decimal_mark == "point" else (".", ",")
        if digits.count(dec) > 1:
            raise Invalid(f"{raw!r} is not an amount; it has more than one decimal mark")
        normal = digits.replace(group, "").replace(dec, ".")
        try:
            number = Decimal(normal)
        except InvalidOperation:
            raise Invalid(f"{raw!r} is not an amount") from None
        if negative:
            number = -number
    if number <= 0:
        raise Invalid(
            f"{as_text(value)!r} must be greater than 0; record money received as inbound and grants made as outbound"
        )
    if number.as_tuple().exponent < -4:
        raise Invalid(f"{as_text(value)!r} has more than 4 decimal places")
    if number >= Decimal("1e14"):
        raise Invalid(f"{as_text(value)!r} is too large to be an amount")
    return number


def parse_int(value: object) -> int:
    """Reads a whole number, 0 or more."""
    if isinstance(value, bool):
        raise Invalid(f"{value!r} is not a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise Invalid(f"{value!r} is not a whole number")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raw = str(value).strip()
        text = raw
        for space in SPACES:
            text = text.replace(space, "")
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        if re.fullmatch(r"[+-]?\d+\.0*", text):
            text = text.split(".")[0]
        if not re.fullmatch(r"[+-]?\d+", text):
            raise Invalid(f"{raw!r} is not a whole number")
        number = int(text)
    if number < 0:
        raise Invalid(f"{number} is negative; write 0 or more")
    if number > 2**62:
        raise Invalid(f"{number} is too large")
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
    raise Invalid(f"{as_text(value)!r} is not true or false; write true/false, yes/no, y/n or 1/0")


def parse_enum(value: object, column: Column) -> str:
    """Reads one of the column's listed values, ignoring case and surrounding spaces."""
    text = as_text(value).lower()
    if text in column.values:
        return text
    close = difflib.get_close_matches(text.replace(" ", "_").replace("-", "_"), column.values, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return_values = ", ".join(column.values)
    raise Invalid(f"{as_text(value)!r} is not a valid {column.name}; use one of: {return_values}.{hint}")


def parse_list(value: object) -> list[str]:
    """Reads a ;-separated list of ids, dropping empty items and repeats."""
    items = [item.strip() for item in as_text(value).split(";")]
    return list(dict.fromkeys(item for item in items if item))
