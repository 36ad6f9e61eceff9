"""The foundation's configuration, read from foundation.toml."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
class Settings:
    """Everything a foundation configures."""

    name: str = "Partnership Impact"
    short_name: str = "Partnership Impact"
    logo: Path | None = None
    currency: str = "USD"
    database: Path = ROOT / "data" / "partnership.duckdb"
    slash_dates: str = "auto"
    decimal_mark: str = "auto"
    brand: Brand = Brand()


def _resolve(path: str | None, base: Path) -> Path | None:
    if not path:
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() else base / p


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
    env_db = os.environ.get("PARTNERSHIP_DB")
    return Settings(
        name=foundation.get("name", defaults.name),
        short_name=foundation.get("short_name", foundation.get("name", defaults.short_name)),
        logo=_resolve(foundation.get("logo"), base),
        currency=str(foundation.get("currency", defaults.currency)).strip().upper(),
        database=Path(env_db) if env_db else _resolve(data.get("database"), base) or defaults.database,
        slash_dates=slash,
        decimal_mark=mark,
        brand=Brand(**{k: v for k, v in brand.items() if k in Brand.__dataclass_fields__}),
    )
