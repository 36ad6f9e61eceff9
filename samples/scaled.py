"""Large synthetic databases for benchmarks ('large': about 1 million engagements, 'xl': about 10 million), drawn
from numpy arrays and written straight into DuckDB through store.database; the small story is samples/story.py.
"""

from __future__ import annotations

import math
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from contract import (
    ENGAGEMENT_TYPES,
    INDUSTRY_SECTORS,
    IP_AGREEMENTS,
    MILESTONES,
    PARTNERSHIP_KINDS,
    PURPOSES,
    SECTORS,
    STAGES,
    TABLE_ORDER,
    TABLES,
)
from samples.story import _PUBLICATION_DESIGNS, _PUBLICATION_TOPICS, _TITLES, DOI_PREFIX, FIRST_YEAR, LAST_YEAR
from store import database, history

SCALES = {"large": 1_000_000, "xl": 10_000_000}

_EPOCH = date(FIRST_YEAR, 1, 1)
_DAYS = (date(LAST_YEAR, 12, 31) - _EPOCH).days + 1
_YEAR_STARTS = np.array([(date(y, 1, 1) - _EPOCH).days for y in range(FIRST_YEAR, LAST_YEAR + 2)])
_SCALED_SECTOR_SHARE = (0.12, 0.14, 0.08, 0.06, 0.28, 0.02, 0.04, 0.08, 0.10, 0.08)  # in SECTORS order
_SCALED_TYPE_SHARE = (0.14, 0.001, 0.003, 0.15, 0.18, 0.17, 0.13, 0.12, 0.096)  # in ENGAGEMENT_TYPES order
_INBOUND_SECTORS = ("pharma", "biotech", "medtech", "foundation", "government")
_OUTBOUND_SECTORS = ("academic", "cro", "patient_org", "other")
_STEMS = (
    "Vel",
    "Ori",
    "Nord",
    "Cast",
    "Arbor",
    "Corv",
    "Quill",
    "Bright",
    "Sable",
    "Merid",
    "Tide",
    "Tess",
    "Kest",
    "Lode",
    "Pinna",
    "Harrow",
    "East",
    "Kings",
    "Maple",
    "Hosh",
    "Rhine",
    "Vald",
    "North",
    "Blue",
    "Aur",
    "Lum",
    "Ash",
    "Cedar",
    "Fen",
    "Glen",
)
_ENDINGS = ("ana", "ix", "mere", "ford", "vane", "ton", "elle", "ora", "well", "crest")
_SECTOR_WORD = (
    "Therapeutics",
    "Bio",
    "Medical",
    "Clinical Research",
    "University",
    "Medicines Agency",
    "Health Department",
    "Foundation",
    "Patient Network",
    "Data Services",
)
_COUNTRIES = (
    "United States",
    "United Kingdom",
    "Germany",
    "France",
    "Canada",
    "Netherlands",
    "Switzerland",
    "Spain",
    "Italy",
    "Japan",
    "Australia",
    "Denmark",
    "Sweden",
    "Ireland",
    "Belgium",
)
_AGREEMENT_TITLES = ("Patient engagement programme", "Education partnership", "Research collaboration")
_MODALITIES = (
    "small molecule",
    "gene therapy",
    "antisense oligonucleotide",
    "medical device",
    "diagnostic",
    "gene editing",
    "mRNA",
    "clinical guideline",
)
# Engagement size by type (in ENGAGEMENT_TYPES order): patients low/high, other attendees low/high;
# and the chance that attendees is left blank.
_SCALED_SIZES = np.array(
    [
        (3, 24, 2, 8),
        (30, 90, 60, 150),
        (10, 45, 50, 150),
        (2, 8, 3, 10),
        (0, 5, 20, 400),
        (10, 200, 10, 150),
        (0, 0, 2, 8),
        (0, 4, 3, 12),
        (0, 0, 2, 20),
    ]
)
_SCALED_BLANK_ATTENDEES = np.array([0, 0, 0, 0, 0.7, 0, 0.6, 0, 0.4])


def scaled_sizes(scale: str, engagements: int | None = None) -> dict[str, int]:
    """The target row counts of a scaled build: tables in the proportions of the small sample."""
    if engagements is None:
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
        engagements = SCALES[scale]
    if engagements < 1500:
        raise ValueError("a scaled build needs at least 1,500 engagements")
    partners = max(40, round(3000 * math.sqrt(engagements / 1_000_000)))
    return {
        "partners": partners,
        "partnerships": round(partners * 1.25),
        "programs": max(8, round(engagements * 8 / 1500)),
        "engagements": engagements,
        "funding": round(engagements * 400 / 1500),
        "publications": round(engagements * 250 / 1500),
    }


def _growing_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Day offsets from 2016-01-01 whose density grows over the years."""
    u = rng.random(n)
    x = np.where(rng.random(n) < 0.3, u, np.sqrt(u))
    return np.minimum((x * _DAYS).astype(np.int32), _DAYS - 1)


def _year_index(days: np.ndarray) -> np.ndarray:
    return np.searchsorted(_YEAR_STARTS, days, side="right") - 1


def _chance(rng: np.random.Generator, p, n: int | None = None) -> np.ndarray:
    """True with probability p (a number with n draws, or an array of probabilities)."""
    return rng.random(np.shape(p) if n is None else n) < p


def _pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum()).astype(np.int8)


class _Scaled:
    """Draws the synthetic store with numpy; partners are chosen among those active in the record's year."""

    def __init__(self, sizes: dict[str, int], seed: int):
        self.sizes = sizes
        self.rng = np.random.default_rng(seed)
        n = sizes["partners"]
        rng = self.rng
        self.sector = _pick(rng, n, _SCALED_SECTOR_SHARE)
        self.sector[: len(SECTORS)] = np.arange(len(SECTORS))
        first = (FIRST_YEAR + np.floor(10 * rng.random(n) ** 1.4)).astype(np.int16)
        lapses = _chance(rng, 0.12, n)
        last = np.where(lapses, first + np.floor(rng.random(n) * (LAST_YEAR + 1 - first)), LAST_YEAR).astype(np.int16)
        first[: len(SECTORS)], last[: len(SECTORS)] = FIRST_YEAR, LAST_YEAR
        self.first, self.last = first, last
        self.weight = np.minimum(rng.pareto(1.5, n) + 1, 50)
        self.industry = np.isin(self.sector, [SECTORS.index(s) for s in INDUSTRY_SECTORS])

    def pool(self, year: int, sectors: tuple[str, ...] = SECTORS) -> np.ndarray:
        codes = [SECTORS.index(s) for s in sectors]
        return np.flatnonzero((self.first <= year) & (self.last >= year) & np.isin(self.sector, codes))

    def choose(self, years: np.ndarray, counts: np.ndarray, sectors: tuple[str, ...] = SECTORS) -> np.ndarray:
        """Picks counts[i] distinct partners active in years[i] for each record; -1 pads unused slots."""
        rng, width = self.rng, max(1, int(counts.max()))
        out = np.full((len(years), width), -1, dtype=np.int32)
        for y in np.unique(years):
            rows = np.flatnonzero(years == y)
            pool = self.pool(FIRST_YEAR + int(y), sectors)
            w = self.weight[pool] / self.weight[pool].sum()
            pos = rng.choice(len(pool), size=len(rows), p=w)
            step = rng.integers(1, max(2, (len(pool) - 1) // max(1, width - 1) + 1), size=len(rows))
            for j in range(width):
                taken = counts[rows] > j
                out[rows[taken], j] = pool[(pos[taken] + j * step[taken]) % len(pool)]
        return out

    def partners(self) -> pd.DataFrame:
        rng, n = self.rng, self.sizes["partners"]
        i = np.arange(n)
        names = [
            f"{_STEMS[k % len(_STEMS)]}{_ENDINGS[(k // len(_STEMS)) % len(_ENDINGS)]} {_SECTOR_WORD[s]}"
            + (f" {k // (len(_STEMS) * len(_ENDINGS)) + 1}" if k >= len(_STEMS) * len(_ENDINGS) else "")
            for k, s in zip(i.tolist(), self.sector.tolist(), strict=True)
        ]
        confidential = _chance(rng, 0.07, n)
        confidential[: len(SECTORS)] = False
        return pd.DataFrame(
            {
                "i": i,
                "name": names,
                "sector": self.sector,
                "country": rng.integers(0, len(_COUNTRIES), n),
                "confidential": confidential,
            }
        )

    def partnerships(self) -> pd.DataFrame:
        rng, n, p = self.rng, self.sizes["partnerships"], self.sizes["partners"]
        owner = np.where(np.arange(n) < p, np.arange(n) % p, rng.integers(0, p, n))
        first, last = self.first[owner], self.last[owner]
        year = first + np.floor(rng.random(n) * (last + 1 - first)).astype(np.int16)
        start = _YEAR_STARTS[year - FIRST_YEAR] + rng.integers(0, 365, n)
        ends = _chance(rng, 0.45, n) | (last < LAST_YEAR)
        end = np.minimum(start + rng.integers(180, 5 * 365, n), _YEAR_STARTS[last + 1 - FIRST_YEAR] - 1)
        end = np.where(ends, np.maximum(start, end), -1)
        kind = rng.integers(0, 3, n).astype(np.int8)
        research = kind == 2
        ip = np.where(research, _pick(rng, n, (0.15, 0.15, 0.55, 0.15)), _pick(rng, n, (0.2, 0, 0, 0.8)))
        self.agreement_start, self.agreement_end = start[:p], np.where(end[:p] < 0, _DAYS, end[:p])
        return pd.DataFrame(
            {
                "i": np.arange(n),
                "owner": owner,
                "kind": kind,
                "start": start,
                "end": end,
                "ip": ip,
                "precompetitive": _chance(rng, 0.25, n),
            }
        )

    def agreement(self, partner: np.ndarray, days: np.ndarray, chance: float) -> np.ndarray:
        """The partner's first partnership when it is running on that day (it has index = partner index)."""
        safe = np.maximum(partner, 0)
        live = (partner >= 0) & (self.agreement_start[safe] <= days) & (days <= self.agreement_end[safe])
        return np.where(live & _chance(self.rng, chance, len(days)), partner, -1)

    def stage(self, n: int, blank: float) -> np.ndarray:
        return np.where(_chance(self.rng, blank, n), -1, _pick(self.rng, n, (3, 3, 3, 1.5, 1)))

    def links(self, chosen: np.ndarray) -> pd.DataFrame:
        rows, slots = np.nonzero(chosen >= 0)
        return pd.DataFrame({"i": rows.astype(np.int64), "partner": chosen[rows, slots]})

    def engagements(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng, n = self.rng, self.sizes["engagements"]
        days = np.sort(_growing_days(rng, n))
        years = _year_index(days)
        kind = _pick(rng, n, _SCALED_TYPE_SHARE)
        convening = np.isin(kind, [1, 2])
        counts = np.where(convening, rng.integers(5, 9, n), _pick(rng, n, (0, 0.70, 0.20, 0.07, 0.03)))
        chosen = self.choose(years, counts)
        size = _SCALED_SIZES[kind]
        patients = rng.integers(size[:, 0], size[:, 1] + 1)
        attendees = patients + rng.integers(size[:, 2], size[:, 3] + 1)
        attendees = np.where(_chance(rng, _SCALED_BLANK_ATTENDEES[kind]), -1, attendees)
        industry = np.zeros(n, dtype=bool)
        for j in range(chosen.shape[1]):
            industry |= (chosen[:, j] >= 0) & self.industry[np.maximum(chosen[:, j], 0)]
        frame = pd.DataFrame(
            {
                "i": np.arange(n),
                "day": days,
                "year": years + FIRST_YEAR,
                "kind": kind,
                "agreement": self.agreement(chosen[:, 0], days, 0.4),
                "stage": self.stage(n, 0.15),
                "attendees": attendees,
                "patients": patients,
                "insights": _chance(rng, np.where(industry | convening, 0.85, 0.3)),
            }
        )
        return frame, self.links(chosen)

    def funding(self) -> pd.DataFrame:
        rng, n = self.rng, self.sizes["funding"]
        days = np.sort(_growing_days(rng, n))
        years = _year_index(days)
        inbound = _chance(rng, 0.65, n)
        partner = np.empty(n, dtype=np.int32)
        for direction, sectors in ((True, _INBOUND_SECTORS), (False, _OUTBOUND_SECTORS)):
            rows = inbound == direction
            partner[rows] = self.choose(years[rows], np.ones(rows.sum(), dtype=np.int8), sectors)[:, 0]
        amount = np.where(inbound, rng.lognormal(math.log(40_000), 1.0, n), rng.lognormal(math.log(30_000), 0.9, n))
        purpose = np.where(
            inbound,
            _pick(rng, n, (2, 4, 1, 2, 1, 1.5, 2, 0.5)),  # in PURPOSES order
            _pick(rng, n, (6, 0, 1, 2, 1, 1, 0.5, 0.5)),
        )
        return pd.DataFrame(
            {
                "i": np.arange(n),
                "day": days,
                "partner": partner,
                "inbound": inbound,
                "amount": np.maximum(np.round(amount, 2), 100.0),
                "usd": _chance(rng, 0.85, n),
                "agreement": self.agreement(partner, days, 0.35),
                "purpose": purpose,
                "stage": self.stage(n, 0.2),
            }
        )

    def publications(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng, n = self.rng, self.sizes["publications"]
        days = np.sort(_growing_days(rng, n))
        years = _year_index(days)
        chosen = self.choose(years, _pick(rng, n, (0.05, 0.45, 0.35, 0.15)))
        lag = np.maximum(30, rng.normal(470 - 27 * years, 90)).astype(np.int32)
        age = (_DAYS - days) / 365.25
        report = _chance(rng, 0.08, n)
        frame = pd.DataFrame(
            {
                "i": np.arange(n),
                "day": days,
                "year": years + FIRST_YEAR,
                "doi": ~report & _chance(rng, 0.97, n),
                "agreement": self.agreement(chosen[:, 0], days, 0.2),
                "completed": np.where(_chance(rng, 0.9, n), days - lag, -(10**6)),
                "peer_reviewed": ~report,
                "open_access": _chance(rng, 0.35 + 0.06 * years),
                "lay_summary": _chance(rng, 0.15 + 0.07 * years),
                "citations": np.where(_chance(rng, 0.05, n), -1, np.floor(rng.exponential(1 + 6 * age))),
            }
        )
        return frame, self.links(chosen)

    def programs(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        rng, n = self.rng, self.sizes["programs"]
        counts = _pick(rng, n, (0, 0.4, 0.4, 0.2))
        p, width = self.sizes["partners"], 3
        pos = rng.integers(0, p, n)
        step = rng.integers(1, (p - 1) // (width - 1) + 1, n)
        chosen = np.where(np.arange(width) < counts[:, None], (pos[:, None] + np.arange(width) * step[:, None]) % p, -1)
        modality = rng.integers(0, len(_MODALITIES), n)
        programs = pd.DataFrame({"i": np.arange(n), "modality": modality, "insights": _chance(rng, 0.75, n)})
        first_kind = _pick(rng, n, (30, 20, 12, 10, 8, 5, 4, 3))
        steps = np.minimum(rng.integers(1, 7, n), len(MILESTONES) - first_kind)
        program = np.repeat(np.arange(n), steps)
        group_start = np.repeat(np.cumsum(steps) - steps, steps)
        j = np.arange(len(program)) - group_start
        gaps = np.where(j == 0, 0, rng.integers(90, 721, len(program)))
        elapsed = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[np.cumsum(steps) - steps], steps)
        day = np.repeat(rng.integers(0, _DAYS, n), steps) + elapsed
        keep = day < _DAYS
        milestones = pd.DataFrame(
            {"program": program[keep], "day": day[keep], "kind": (np.repeat(first_kind, steps) + j)[keep]}
        )
        milestones.insert(0, "i", np.arange(len(milestones)))
        return programs, self.links(chosen), milestones


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def _day_sql(column: str) -> str:
    """SQL turning a day offset from 2016-01-01 into a date."""
    return f"(DATE '{_EPOCH.isoformat()}' + CAST({column} AS INTEGER))"


def _title_sql() -> str:
    """SQL picking an engagement title from its type code `kind` and row number `i`."""
    titles = [list(_TITLES.get(t, ()))[:4] or [""] for t in ENGAGEMENT_TYPES]
    cases = " ".join(f"WHEN {k} THEN {_sql_list(ts)}[1 + i % {len(ts)}]" for k, ts in enumerate(titles) if ts != [""])
    return (
        f"CASE kind WHEN 1 THEN 'Patient-focused drug development meeting ' || year "
        f"WHEN 2 THEN 'Annual Ondine Scientific Retreat ' || year {cases} END"
    )


def build_scaled(db_path: Path, scale: str, seed: int = 42, engagements: int | None = None) -> dict[str, int]:
    """Builds a fresh synthetic store of `scale` ('large' or 'xl', or `engagements` rows) straight in DuckDB."""
    started = time.monotonic()
    sizes = scaled_sizes(scale, engagements)
    draw = _Scaled(sizes, seed)
    frames = {"partners": draw.partners(), "partnerships": draw.partnerships()}
    frames["programs"], frames["program_partners"], frames["milestones"] = draw.programs()
    frames["engagements"], frames["engagement_partners"] = draw.engagements()
    frames["funding"] = draw.funding()
    frames["publications"], frames["publication_partners"] = draw.publications()
    # Each link row carries its record's date (and an engagement's type): database.LINK_COPIES.
    for link, parent, columns in (
        ("engagement_partners", "engagements", ("day", "kind")),
        ("publication_partners", "publications", ("day",)),
    ):
        rows = frames[link]["i"].to_numpy()
        for column in columns:
            frames[link][column] = frames[parent][column].to_numpy()[rows]
    ptr, agr = "printf('PTR-%06d', {})", "CASE WHEN {0} >= 0 THEN printf('AGR-%06d', {0}) END"
    stage = f"CASE WHEN stage >= 0 THEN CAST({_sql_list(STAGES)}[stage + 1] AS rd_stage) END"
    inserts = {
        "partners": f"""SELECT {ptr.format("i")}, name, CAST({_sql_list(SECTORS)}[sector + 1] AS sector),
            {_sql_list(_COUNTRIES)}[country + 1], confidential FROM partners_frame""",
        "partnerships": f"""SELECT printf('AGR-%06d', i), {ptr.format("owner")},
            {_sql_list(_AGREEMENT_TITLES)}[kind + 1] || ' ' || i,
            CAST({_sql_list(PARTNERSHIP_KINDS)}[kind + 1] AS partnership_kind),
            {_day_sql("start")}, CASE WHEN "end" >= 0 THEN {_day_sql('"end"')} END,
            CAST({_sql_list(IP_AGREEMENTS)}[ip + 1] AS ip_agreement),
            precompetitive FROM partnerships_frame""",
        "programs": f"""SELECT printf('PRG-%06d', i),
            upper(substr({_sql_list(_STEMS)}[i % {len(_STEMS)} + 1], 1, 3)) || '-' || i || ' '
                || {_sql_list(_MODALITIES)}[modality + 1],
            {_sql_list(_MODALITIES)}[modality + 1], insights FROM programs_frame""",
        "program_partners": f"SELECT printf('PRG-%06d', i), {ptr.format('partner')} FROM program_partners_frame",
        "engagements": f"""SELECT printf('ENG-%08d', i), {_day_sql("day")},
            CAST({_sql_list(ENGAGEMENT_TYPES)}[kind + 1] AS engagement_type), {_title_sql()},
            {agr.format("agreement")}, {stage}, CASE WHEN attendees >= 0 THEN attendees END, patients, insights
            FROM engagements_frame""",
        "engagement_partners": f"""SELECT printf('ENG-%08d', i), {ptr.format("partner")}, {_day_sql("day")},
            CAST({_sql_list(ENGAGEMENT_TYPES)}[kind + 1] AS engagement_type) FROM engagement_partners_frame""",
        "funding": f"""SELECT printf('FUN-%08d', i), {_day_sql("day")}, {ptr.format("partner")},
            CAST(CASE WHEN inbound THEN 'inbound' ELSE 'outbound' END AS funding_direction),
            CAST(amount AS DECIMAL(18, 2)), CASE WHEN usd THEN 'USD' END, {agr.format("agreement")},
            CAST({_sql_list(PURPOSES)}[purpose + 1] AS funding_purpose), {stage} FROM funding_frame""",
        "publications": f"""SELECT printf('PUB-%08d', i),
            {_sql_list(_PUBLICATION_TOPICS)}[i % {len(_PUBLICATION_TOPICS)} + 1] || ': ' || {
            _sql_list(_PUBLICATION_DESIGNS)
        }[(i // {len(_PUBLICATION_TOPICS)}) % {len(_PUBLICATION_DESIGNS)} + 1],
            {_day_sql("day")}, CASE WHEN doi THEN printf('{DOI_PREFIX}/scale.%d.%08d', year, i) END,
            {agr.format("agreement")}, CASE WHEN completed > -1000000 THEN {_day_sql("completed")} END,
            peer_reviewed, open_access, lay_summary, CASE WHEN citations >= 0 THEN CAST(citations AS BIGINT) END
            FROM publications_frame""",
        "publication_partners": (
            f"SELECT printf('PUB-%08d', i), {ptr.format('partner')}, {_day_sql('day')} FROM publication_partners_frame"
        ),
        "milestones": f"""SELECT printf('MS-%08d', i), printf('PRG-%06d', program), {_day_sql("day")},
            CAST({_sql_list(MILESTONES)}[kind + 1] AS milestone_kind), NULL FROM milestones_frame""",
    }
    columns = {name: [c.name for c in table.columns if c.type != "list"] for name, table in TABLES.items()}
    files = [f"sample --scale {scale} --seed {seed}"]
    # Too many rows to journal one by one: the history records the write, and cannot go back past it.
    with history.writing(db_path, "sample", files=files, fresh=True, journaled=False) as journal:
        con = journal.con
        for name, select in inserts.items():
            con.register(f"{name}_frame", frames.pop(name))
            target = f"{name} ({', '.join(columns[name])})" if name in columns else name
            con.execute(f"INSERT INTO {target} {select}")
            con.unregister(f"{name}_frame")
        database.refresh_partners(con)
        database.refresh_flags(con)
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in inserts}
        summary = (
            f"Synthetic sample, scale {scale}, seed {seed}: "
            + ", ".join(f"{counts[name]:,} {name}" for name in TABLE_ORDER)
            + f"; built in {time.monotonic() - started:.0f} s"
        )
        journal.counts = {name: {"new": counts[name]} for name in TABLE_ORDER}
        journal.summary = summary
        database.record_import(con, files, summary)
    return {
        name: counts[name] for name in (*TABLE_ORDER, "engagement_partners", "publication_partners", "program_partners")
    }
