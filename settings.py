"""The foundation's configuration, read from foundation.toml."""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from metrics.catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parent
CONFIG_FILE = ROOT / "foundation.toml"


@dataclass(frozen=True)
class Brand:
    """Colours and font of the foundation's brand."""

    primary: str = "#1B4F72"
    accent: str = "#E69F00"
    background: str = "#FFFFFF"
    text: str = "#1F2933"
    font: str = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Access:
    """Who may sign in, by role ([access] in foundation.toml): e-mail addresses or whole domains ("@lumen.org"),
    lower case; public: whether visitors who are not signed in see the community-safe view."""

    viewers: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    public: bool = False


def _access(raw: object, path: Path) -> Access:
    """The [access] table: viewers, editors and admins as lists of addresses or @domains; public = true/false."""
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: [access] must be a table of viewers, editors, admins and public")
    unknown = sorted(set(raw) - {"viewers", "editors", "admins", "public"})
    if unknown:
        raise ValueError(f"{path}: [access] {unknown[0]}: not a setting; use viewers, editors, admins or public")
    lists = {}
    for role in ("viewers", "editors", "admins"):
        entries = raw.get(role, [])
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise ValueError(f"{path}: [access] {role} must be a list of e-mail addresses or @domains")
        for entry in entries:
            text = entry.strip().lower()
            if text.count("@") != 1 or " " in text or text.endswith("@") or "." not in text.rpartition("@")[2]:
                raise ValueError(
                    f"{path}: [access] {role}: {entry!r} is neither an e-mail address (ada@lumen.org) nor a "
                    "domain (@lumen.org)"
                )
        lists[role] = tuple(e.strip().lower() for e in entries)
    public = raw.get("public", False)
    if not isinstance(public, bool):
        raise ValueError(f"{path}: [access] public must be true or false, not {public!r}")
    return Access(public=public, **lists)


@dataclass(frozen=True)
class Settings:
    """Everything a foundation configures."""

    name: str = "Partnership Impact"
    short_name: str = "Partnership Impact"
    logo: Path | None = None
    currency: str = "USD"
    database: Path = ROOT / "data" / "partnership.duckdb"
    slash_dates: str = "auto"
    decimal_mark: str = "auto"
    snapshots: int = 10  # automatic copies of the database kept, one taken before each write
    brand: Brand = Brand()
    targets: dict[int, dict[str, float]] = field(default_factory=dict, hash=False)  # year -> metric id -> target
    access: Access = Access()


def _targets(raw: object, path: Path) -> dict[int, dict[str, float]]:
    """The [targets.YEAR] tables: each key a metric id, each value a number; shares as fractions from 0 to 1."""
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: targets must be tables such as [targets.2025], one per year")
    targets: dict[int, dict[str, float]] = {}
    for year, table in raw.items():
        if not (str(year).isdigit() and 1900 <= int(year) <= 2999):
            raise ValueError(f"{path}: [targets.{year}]: {year!r} is not a year; write [targets.2025]")
        if not isinstance(table, dict):
            raise ValueError(f"{path}: [targets.{year}] must be a table of metric id = target")
        targets[int(year)] = {}
        for key, value in table.items():
            where = f"{path}: [targets.{year}] {key}"
            if key not in CATALOGUE:
                raise ValueError(f"{where}: there is no metric with this id (the README lists every metric id)")
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"{where}: the target must be a number, not {value!r}")
            metric = CATALOGUE[key]
            if metric.unit == "share" and not key.endswith("_change") and not 0 <= value <= 1:
                raise ValueError(f"{where}: a share is a fraction from 0 to 1 (write 0.9 for 90%), not {value!r}")
            if metric.unit != "share" and value < 0:
                raise ValueError(f"{where}: the target cannot be negative, not {value!r}")
            targets[int(year)][key] = float(value)
    return targets


def _resolve(path: str | None, base: Path) -> Path | None:
    if not path:
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() else base / p


def config_path() -> Path:
    """The foundation's configuration file: the one PARTNERSHIP_CONFIG names, else foundation.toml."""
    return Path(os.environ.get("PARTNERSHIP_CONFIG") or CONFIG_FILE)


@lru_cache(maxsize=8)
def load(config_file: Path | None = None) -> Settings:
    """Reads foundation.toml (or the file PARTNERSHIP_CONFIG names); PARTNERSHIP_DB overrides the database path."""
    path = Path(config_file or os.environ.get("PARTNERSHIP_CONFIG") or CONFIG_FILE)
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    base = path.parent
    foundation, data, brand = raw.get("foundation", {}), raw.get("data", {}), raw.get("brand", {})
    defaults = Settings()
    slash = data.get("slash_dates", "auto")
    if slash not in ("auto", "DD/MM/YYYY", "MM/DD/YYYY"):
        raise ValueError(f"{path}: slash_dates must be auto, DD/MM/YYYY or MM/DD/YYYY, not {slash!r}")
    mark = data.get("decimal_mark", "auto")
    if mark not in ("auto", "point", "comma"):
        raise ValueError(f"{path}: decimal_mark must be auto, point or comma, not {mark!r}")
    keep = data.get("snapshots", defaults.snapshots)
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise ValueError(f"{path}: snapshots is how many copies of the database to keep (0 for none), not {keep!r}")
    env_db = os.environ.get("PARTNERSHIP_DB")
    return Settings(
        name=foundation.get("name", defaults.name),
        short_name=foundation.get("short_name", foundation.get("name", defaults.short_name)),
        logo=_resolve(foundation.get("logo"), base),
        currency=str(foundation.get("currency", defaults.currency)).strip().upper(),
        database=Path(env_db) if env_db else _resolve(data.get("database"), base) or defaults.database,
        slash_dates=slash,
        decimal_mark=mark,
        snapshots=keep,
        brand=Brand(**{k: v for k, v in brand.items() if k in Brand.__dataclass_fields__}),
        targets=_targets(raw.get("targets", {}), path),
        access=_access(raw.get("access", {}), path),
    )
