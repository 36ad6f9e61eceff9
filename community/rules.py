"""The community-safe rules of shared/METRICS.md ("Community-safe numbers"), as pure functions.

1. A count of people from 1 to 10 is never shown: it reads "<11". Zero is shown. A count above 10 is rounded to
   the nearest 5 (never below 15, so that a rounded count cannot be taken for a small one). Where parts appear
   with their total, enough other parts are hidden too that no hidden part can be worked out by subtraction.
2. A confidential partner is never named and never shown alone: its money counts in totals and is pooled as
   "Other partners". A pool of fewer than 3 partners, or one where a single partner gives more than 80% of the
   pool, takes in the smallest named partners until it is safe, or no breakdown is shown. A named partner that
   joins the pool is treated as confidential for that period: its own amounts are shown nowhere else.
3. Community outputs cover calendar quarters and calendar years only, and take no filter (`refusal`).
4. Free text loses every confidential partner's name and each distinctive word of it (`redact`).
5. Every community output states the period, the date of the latest record and these rules (RULES_IN_WORDS).
6. Statistics of the money's distribution are computed from the published cells only, the pool as one funder of
   no sector (the gate's CELL_RULES), or hidden.
7. A metric shows only as the catalogue declares it (what it counts, what money it reveals); the gate hides any
   metric, and refuses any query or text, it has no rule for.

The gate (community/gate.py) applies these to everything the public sees; nothing else calls them on its own.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from metrics.filters import Filters
from metrics.periods import Period

SMALL = "<11"  # how a count of people from 1 to 10 reads
HIDDEN = "—"  # a number hidden so that a small count or a confidential partner cannot be worked out
MARKERS = (SMALL, HIDDEN)  # what the gate shows in place of a number
OTHERS = "Other partners"
MIN_POOL = 3
MAX_POOL_SHARE = 0.8
ROUND_TO = 5
SMALLEST_SHOWN = 15  # the least a rounded count above 10 reads: 11 and 12 are nearer 10, which reads as small
A_PARTNER = "a partner"

RULES_IN_WORDS = (
    "To protect the people and partners behind these numbers: a count of patients or other people from 1 to 10 "
    f"is shown as “{SMALL}”, and larger counts of people are rounded to the nearest 5; where a small count could "
    f"be worked out from a total, other numbers are hidden too (“{HIDDEN}”). Partners who asked us to keep our "
    "work with them confidential are never named: their contributions are included in every total and grouped "
    f"as “{OTHERS}”, a group shown only when it holds at least three partners and no single partner gives more "
    "than 80% of it; a named partner grouped with them has its own amounts left out everywhere. These figures "
    "cover whole calendar quarters and years of the whole foundation only, never a narrower selection, so that "
    "no one can be singled out by comparing two of them. Measures of how the money is spread among funders count "
    f"“{OTHERS}” as one funder."
)


def is_small(n: object) -> bool:
    """A count of people that must not be shown: 1 to 10."""
    return isinstance(n, int | float) and not isinstance(n, bool) and 1 <= n <= 10


def people(n: int | float | None) -> int | str | None:
    """A count of people as it may be shown: 1 to 10 read "<11", larger counts rounded to the nearest 5 (15 at
    least), zero and unknowns pass; a marker ("<11", "—") passes unchanged."""
    if n is None or isinstance(n, str):
        return n
    if is_small(n):
        return SMALL
    if n <= 0:
        return 0
    return max(SMALLEST_SHOWN, ROUND_TO * int((n + ROUND_TO / 2) // ROUND_TO))


def people_text(n: int | float | str | None) -> str:
    """A shown count of people in a table: "<11", "—", "0" or "1,215"."""
    shown = people(n)
    if shown is None:
        return HIDDEN
    return shown if isinstance(shown, str) else f"{shown:,}"


def people_words(n: int | float | str | None, noun: str) -> str:
    """A count of people in a sentence: "no patients", "fewer than 11 patients", "about 215 patients"."""
    shown = people(n)
    if shown == SMALL:
        return f"fewer than 11 {noun}"
    if shown is None or shown == HIDDEN:
        return f"an undisclosed number of {noun}"
    if shown == 0:
        return f"no {noun}"
    return f"about {shown:,} {noun}"


def suppress_parts(parts: Mapping[str, int | float], total_shown: bool = True) -> dict[str, int | str]:
    """Parts of a count of people, made safe to show beside their total (complementary suppression).

    Every part reads as `people` gives it. When the total is shown and exactly one part is hidden ("<11"), the
    smallest other non-zero part is hidden too ("—"), so that total minus the shown parts gives no hidden value.
    """
    shown: dict[str, int | str] = {k: people(v) for k, v in parts.items()}
    hidden = [k for k, v in parts.items() if is_small(v)]
    if total_shown and len(hidden) == 1:
        others = sorted((v, str(k), k) for k, v in parts.items() if k not in hidden and v and v > 0)
        if others:
            shown[others[0][2]] = HIDDEN
    return shown


@dataclass(frozen=True)
class Pooled:
    """A breakdown by partner that is safe to show: named rows, the pool, and whether a breakdown may show."""

    rows: list[tuple[str, float]]  # (label, value), largest first, the pool last
    members: frozenset[str]  # the keys in the pool: confidential, and named ones merged in
    merged: frozenset[str]  # the named keys merged in
    breakdown_shown: bool  # False: only the total may be shown

    @property
    def total(self) -> float:
        return sum(v for _, v in self.rows)

    @property
    def pooled_partners(self) -> int:
        return len(self.members)


def pool_is_safe(values: list[float]) -> bool:
    """A pool may show on its own: at least MIN_POOL partners, none above MAX_POOL_SHARE of it."""
    total = sum(values)
    return len(values) >= MIN_POOL and (total == 0 or max(values) <= MAX_POOL_SHARE * total)


def pool_partners(items: Iterable[tuple[str, bool, float]]) -> Pooled:
    """Pools partners as "Other partners"; items are (key, pooled, value): pooled for a confidential partner (or
    one already pooled elsewhere), value its money (0 counts for nothing).

    Named partners join the pool, smallest first, until it is safe; when it cannot be made safe, every partner
    is in it and no breakdown is shown (only the total). With nothing pooled, nothing is.
    """
    items = [(key, bool(conf), float(value or 0)) for key, conf, value in items if value]
    named = sorted([(v, k) for k, c, v in items if not c], key=lambda x: (-x[0], str(x[1])))
    pool = {k: v for k, c, v in items if c}
    if not pool:
        return Pooled([(k, v) for v, k in named], frozenset(), frozenset(), True)
    merged = []
    while not pool_is_safe(list(pool.values())) and named:
        value, key = named.pop()  # the smallest named partner joins the pool
        pool[key] = value
        merged.append(key)
    if not pool_is_safe(list(pool.values())):
        everyone = frozenset(pool) | {k for _, k in named}
        return Pooled([(OTHERS, sum(pool.values()) + sum(v for v, _ in named))], everyone, frozenset(), False)
    rows = [*((k, v) for v, k in named), (OTHERS, sum(pool.values()))]
    return Pooled(rows, frozenset(pool), frozenset(merged), True)


@dataclass(frozen=True)
class Exposure:
    """What one period's money in one direction would reveal: each partner's amount, and who is confidential."""

    amounts: Mapping[str, float]  # partner id -> money (> 0)
    confidential: frozenset[str]
    industry: frozenset[str] = frozenset()

    @property
    def at_risk(self) -> bool:
        return bool(self.confidential & set(self.amounts))

    @property
    def total(self) -> float:
        return sum(self.amounts.values())

    def top(self) -> tuple[str | None, float]:
        """The largest partner and its share (ties: a confidential one first)."""
        if not self.amounts or not self.total:
            return None, 0.0
        key = max(self.amounts, key=lambda k: (self.amounts[k], k in self.confidential, str(k)))
        return key, self.amounts[key] / self.total

    @property
    def total_unsafe(self) -> bool:
        """The total alone would show a confidential partner: fewer than 3 partners, or one confidential above
        80% of it."""
        if not self.at_risk:
            return False
        top, share = self.top()
        return len(self.amounts) < MIN_POOL or (top in self.confidential and share > MAX_POOL_SHARE)


def published(period: Period) -> bool:
    """A period community outputs may cover: a whole calendar quarter or calendar year."""
    return period.calendar in ("quarter", "year")


def refusal(period: Period, filters: Filters | None = None) -> str | None:
    """Why a community output cannot cover this period under these filters, in a sentence; None when it can."""
    if filters is not None and filters.active:
        return (
            f"Community-safe outputs cover the whole foundation, so they take no filter (this one is filtered to "
            f"{filters.describe()}): a narrower selection, compared with the whole, could single out a partner or a "
            "small group of people. Clear the filters to share these numbers."
        )
    if not published(period):
        return (
            f"Community-safe outputs cover whole calendar quarters and calendar years only, and {period.label} is "
            "neither: two overlapping periods compared with each other could reveal a partner's money or a small "
            "count of people. Choose a calendar quarter or year (such as the last full year or quarter)."
        )
    return None


# Words that name a kind of organisation, or are common enough that they single out no one (METRICS.md:
# "a common word such as Pharma, Therapeutics, Foundation"); every other word of four letters or more in a
# confidential partner's name is distinctive.
COMMON_WORDS = frozenset(
    """
    agency alliance america american associates association bank biologics biopharma biopharmaceuticals
    bioscience biosciences biotech biotechnology biotherapeutics board care center centre charitable charity
    clinic clinical clinics college committee community company consortium consulting corp corporation council
    data department development devices diagnostics digital discovery disease division drug drugs europe
    european federal foundation fund genetics genomics global group health healthcare holding holdings
    hospital hospitals incorporated industries innovation innovations institute institutes international
    laboratories laboratory labs life limited management medical medicine medicines national network
    oncology organisation organization partners partnership patient patients pharma pharmaceutical
    pharmaceuticals program programme rare regional research sciences science services society solutions
    systems team technologies technology therapeutic therapeutics therapies therapy trust trials unit united
    university ventures with from that this have their there about into over under after before other
    """.split()
)
# A word of a name: letters, with an apostrophe inside ("O'Brien"); digits and `_ - . # @` separate words.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Characters people and systems slip into a name without it looking any different: the soft hyphen, zero-width
# spaces and joiners, the word joiner, the byte-order mark.
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
# Letters that hold their mark in themselves, so that decomposing them leaves them as they are.
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})
# Between the words of a name as written: nothing ("CedarDevices"), a space, `_`, `-`, `.`, "—", up to three.
_BETWEEN = r"[\W_]{0,3}"
# A token as characters are classed: w a word's (letter, digit, `_`, an accent, an invisible one), j a joiner
# inside it (`-`, `.`), h one that may also lead it (`#`, `@`); "#cedar", "cedar-devices.com", "a@cedar.io".
_TOKEN = re.compile(r"h*w+(?:[jh]w+)*")
_CLASS = {"-": "j", ".": "j", "#": "h", "@": "h", "_": "w"}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """A character as names are compared: full-width and other compatibility forms plain, accents off, case folded,
    an invisible character gone ("Ｃ" and "C" read "c", "é" reads "e")."""
    if ch in INVISIBLE:
        return ""
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.category(c).startswith("M"))
    return plain.casefold().translate(_LETTERS)


def fold(text: str) -> tuple[str, list[int] | None]:
    """Text as names are compared (`_fold_char` of each character), and for each of its characters the index of
    the one of text it comes from (None when they are the same: ASCII text)."""
    if text.isascii():
        return text.lower(), None
    folded, where = [], []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            folded.append(c)
            where.append(i)
    return "".join(folded), where


def _class(ch: str) -> str:
    folded = _fold_char(ch)
    if not folded:  # an accent on its own, or an invisible character: part of the word it is in
        return "w"
    if folded in _CLASS:
        return _CLASS[folded]
    return "w" if folded.isalnum() else "o"


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # where a word run together starts the next: "Quartzite|Holdings"


def distinctive_words(name: str) -> list[str]:
    """The words of a name that single it out: four letters or more, not a common word ("Cedar" of "Cedar
    Devices"; "Cedar" of "Cedar_Devices2024" too, since digits and `_ - . # @` separate words)."""
    words = _WORD.findall("".join(ch for ch in name or "" if ch not in INVISIBLE))
    # A name written run together ("QuartziteHoldings") is also its words: "Quartzite" alone singles it out too.
    words = [part for w in words for part in dict.fromkeys([w, *_CAMEL.split(w)])]
    return [w for w in words if sum(c.isalpha() for c in w) >= 4 and fold(w)[0] not in COMMON_WORDS]


@lru_cache(maxsize=64)
def _pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """One expression that finds, in folded text, any of these names or their distinctive words, longest first."""
    targets = set()
    for name in names:
        for target in (name, *distinctive_words(name)):
            parts = re.findall(r"[^\W_]+", fold(target)[0])
            if not parts:
                continue
            body = _BETWEEN.join(re.escape(p) for p in parts)
            if sum(c.isalpha() for c in "".join(parts)) < 4:
                # "3M", "UCB": too short to find inside other words ("3mg"), so a whole word only
                body = rf"(?<![^\W_]){body}(?![^\W_])"
            targets.add(body)
    if not targets:
        return None
    return re.compile("|".join(sorted(targets, key=lambda t: (-len(t), t))))


def redact(text: str | None, names: Iterable[str]) -> str | None:
    """Free text with every token that holds a confidential partner's name, or a distinctive word of it, read "a
    partner": "Cedar Devices", "Cedar" alone, and each of them as people and systems write them (METRICS.md rule 4).

    Names are found in the folded text (`fold`: any case, accents and full-width letters plain, zero-width
    characters and soft hyphens ignored): inside words run together ("CedarDevices", "NewCedar", "Cedars",
    "Cedar2024") or joined by `_ - . # @` ("cedar_devices", "#cedar", "@cedar", "cedar-devices.com"), the whole
    name with its words run together or so joined too. The whole token that holds one goes ("cedar-devices.com"
    reads "a partner"); everything else is the text as it was, markup included (each output escapes for its
    format); an apostrophe ends a token, so "Cedar's team" reads "a partner's team".

    The trade-off: a distinctive word is found inside any word, so an ordinary word that holds one goes too
    ("Cedarville", or "Bluetooth" while "Blue Heron" is confidential). What keeps this rare is what makes a word
    distinctive: four letters or more and not in COMMON_WORDS. A name or word of fewer than four letters ("3M")
    is found as a whole word only, so that "3mg" stays.
    """
    if not text:
        return text
    pattern = _pattern(tuple(sorted({n.strip() for n in names if n and n.strip()})))
    if pattern is None:
        return text
    folded, where = fold(text)
    found = [m.span() for m in pattern.finditer(folded)]
    if not found:
        return text
    tokens = [m.span() for m in _TOKEN.finditer("".join(_class(ch) for ch in text))]
    starts = [a for a, _ in tokens]

    def token(i: int) -> tuple[int, int]:
        """The token that holds the character at i (the character alone when it is in none)."""
        a, b = tokens[bisect_right(starts, i) - 1] if starts and starts[0] <= i else (i, i + 1)
        return (a, b) if a <= i < b else (i, i + 1)

    spans: list[tuple[int, int]] = []
    for start, end in found:
        first, last = (start, end - 1) if where is None else (where[start], where[end - 1])
        begin, finish = token(first)[0], token(last)[1]
        if spans and begin <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], finish))
        else:
            spans.append((begin, finish))
    out, at = [], 0
    for begin, finish in spans:
        out += [text[at:begin], A_PARTNER]
        at = finish
    return "".join([*out, text[at:]])
