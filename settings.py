"""The foundation's configuration, read from foundation.toml."""

from __future__ import annotations

import math
import os
import re
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


# A domain of DNS labels (letters, digits, inner hyphens; 63 characters at most), with at least one dot and a
# top-level label that is not a number.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+(?=[a-z0-9-]*[a-z])(?:{_LABEL})")
# The local part as a dot-atom (RFC 5322): the characters an unquoted address may hold, dots only between them.
# Anything else (spaces, control characters, quotes, angle brackets, commas) is not one plain mailbox.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")


def mailbox(text: object) -> str | None:
    """The address lower-cased when text is exactly one well-formed mailbox (one @, a plain local part, a domain of
    DNS labels with a dot); else None."""
    if not isinstance(text, str) or len(text) > 254:
        return None
    # ASCII letters only are lower-cased: some others become ASCII ones (the Kelvin sign becomes k), which would
    # make an address the provider vouched for read as another one.
    address = "".join(c.lower() if c.isascii() else c for c in text)
    local, at, domain = address.partition("@")
    if not at or not domain.isascii() or len(domain) > 253 or not _DOMAIN.fullmatch(domain):
        return None
    if not _LOCAL.fullmatch(local) or any(not c.isprintable() or c.isspace() for c in local):
        return None
    return address


@dataclass(frozen=True)
class Access:
    """Who may sign in, by role ([access] in foundation.toml): e-mail addresses or whole domains ("@lumen.org"),
    lower case; public: whether visitors who are not signed in see the community-safe view;
    trust_unverified_email: whether an e-mail the identity provider sends without email_verified still gives a role
    (for a provider that never sends the claim: anyone who can set that address there then gets its role)."""

    viewers: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    public: bool = False
    trust_unverified_email: bool = False


ACCESS_SETTINGS = ("viewers", "editors", "admins", "public", "trust_unverified_email")


def _access(raw: object, path: Path) -> Access:
    """The [access] table: viewers, editors and admins as lists of addresses or @domains; public and
    trust_unverified_email = true/false."""
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: [access] must be a table of viewers, editors, admins and public")
    unknown = sorted(set(raw) - set(ACCESS_SETTINGS))
    if unknown:
        raise ValueError(
            f"{path}: [access] {unknown[0]}: not a setting; use viewers, editors, admins, public or "
            "trust_unverified_email"
        )
    lists = {}
    for role in ("viewers", "editors", "admins"):
        entries = raw.get(role, [])
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise ValueError(f"{path}: [access] {role} must be a list of e-mail addresses or @domains")
        lists[role] = []
        for entry in entries:
            # An entry is read as the sign-in reads an address: one well-formed mailbox, or a domain that would be one.
            text = entry.strip()
            domain = text.startswith("@")
            address = mailbox(f"someone{text}" if domain else text)
            if address is None:
                raise ValueError(
                    f"{path}: [access] {role}: {entry!r} is neither an e-mail address (ada@lumen.org) nor a "
                    "domain (@lumen.org)"
                )
            lists[role].append(address.removeprefix("someone") if domain else address)
    flags = {}
    for name in ("public", "trust_unverified_email"):
        flags[name] = raw.get(name, False)
        if not isinstance(flags[name], bool):
            raise ValueError(f"{path}: [access] {name} must be true or false, not {flags[name]!r}")
    return Access(**{role: tuple(entries) for role, entries in lists.items()}, **flags)


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


def load(config_file: Path | None = None) -> Settings:
    """The settings in foundation.toml (or the file PARTNERSHIP_CONFIG names) as the file is now: read again when it
    has changed, so a change (a role taken away) applies at the next page view, without a restart."""
    path = Path(config_file or os.environ.get("PARTNERSHIP_CONFIG") or CONFIG_FILE)
    return _cached(path, _stamp(path), os.environ.get("PARTNERSHIP_DB"))


def _stamp(path: Path) -> tuple[int, ...] | None:
    """What changes when the file does (None: no file): a stat per call, against a read and a parse."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino, stat.st_dev)


@lru_cache(maxsize=8)
def _cached(path: Path, stamp: tuple[int, ...] | None, database: str | None) -> Settings:
    """The file read once per version of it (stamp) and of PARTNERSHIP_DB: every page view asks for the settings
    many times."""
    return _read(path)


def _read(path: Path) -> Settings:
    """Reads the configuration file (load resolves which); PARTNERSHIP_DB overrides the database path."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except tomllib.TOMLDecodeError as problem:
        raise ValueError(f"{path}: not TOML: {problem}") from None
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


load.cache_clear = _cached.cache_clear  # tests and the Data page forget what was read, as with an lru_cache
load.__wrapped__ = _read  # the file read now, never from the cache
