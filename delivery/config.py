"""The [smtp] table and the [[subscriptions]] of foundation.toml, checked: a problem names its key. The user and
password come only from PARTNERSHIP_SMTP_USER / PARTNERSHIP_SMTP_PASSWORD.

[smtp]
host = "smtp.example.org"
port = 587
sender = "impact@example.org"
starttls = true          # or ssl = true (implicit TLS, port 465); a login is never sent without either
timeout = 60             # seconds one message may take in all, from connecting to QUIT
[[subscriptions]]
name = "board"
send = "board_pack"      # board_pack | community_report | both | alert
period = "last_full_quarter"   # last_full_month | last_full_quarter | last_full_year (not for an alert)
to = ["board@example.org"]
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from store import files

SENDS = ("board_pack", "community_report", "both", "alert")
PERIODS = ("last_full_month", "last_full_quarter", "last_full_year")
USER_ENV = "PARTNERSHIP_SMTP_USER"
PASSWORD_ENV = "PARTNERSHIP_SMTP_PASSWORD"
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SMTP_KEYS = {"host", "port", "sender", "starttls", "ssl", "timeout"}
TIMEOUT = 60  # seconds one message may take in all, unless [smtp] timeout says otherwise
MAX_TIMEOUT = 3600
SUBSCRIPTION_KEYS = {"name", "send", "period", "to"}
# What each kind of subscription sends, as a subject and a person say it.
OUTPUTS = {"board_pack": "board pack", "community_report": "community report"}


class ConfigProblem(ValueError):
    """A setting that cannot work: the file, the key and what is wrong, in one sentence."""

    def __init__(self, path: Path, key: str, message: str) -> None:
        super().__init__(f"{path}: {key}: {message}")
        self.key = key


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    starttls: bool = True
    ssl: bool = False  # implicit TLS (SMTPS): encrypted from the first byte, usually on port 465
    timeout: float = TIMEOUT  # seconds for one message in all: connect, EHLO, STARTTLS, login, MAIL/RCPT/DATA, QUIT

    @property
    def encrypted(self) -> bool:
        """Whether the conversation is encrypted before any login (STARTTLS or implicit TLS)."""
        return self.starttls or self.ssl

    @property
    def user(self) -> str | None:
        return os.environ.get(USER_ENV) or None

    @property
    def password(self) -> str | None:
        return os.environ.get(PASSWORD_ENV) or None


@dataclass(frozen=True)
class Subscription:
    name: str
    send: str
    to: tuple[str, ...]
    period: str | None = None  # None for an alert

    @property
    def outputs(self) -> tuple[str, ...]:
        """The reports it sends: board_pack, community_report, or both (none for an alert)."""
        return {"both": ("board_pack", "community_report"), "alert": ()}.get(self.send, (self.send,))


@dataclass(frozen=True)
class Deliveries:
    smtp: Smtp | None
    subscriptions: tuple[Subscription, ...]


def _smtp(raw: object, path: Path) -> Smtp:
    if not isinstance(raw, dict):
        raise ConfigProblem(path, "smtp", "must be a table: [smtp] with host, port, sender and starttls")
    for key in ("user", "password", "username"):
        if key in raw:
            env = USER_ENV if key != "password" else PASSWORD_ENV
            raise ConfigProblem(path, f"smtp.{key}", f"is never kept in the file: set the environment variable {env}")
    unknown = sorted(set(raw) - SMTP_KEYS)
    if unknown:
        raise ConfigProblem(
            path, f"smtp.{unknown[0]}", "is not a setting; use host, port, sender, starttls, ssl and timeout"
        )
    host = raw.get("host")
    if not isinstance(host, str) or not host.strip() or " " in host.strip():
        raise ConfigProblem(
            path, "smtp.host", f"must be the mail server's name, such as smtp.example.org, not {host!r}"
        )
    implicit = raw.get("ssl", False)
    if not isinstance(implicit, bool):
        raise ConfigProblem(path, "smtp.ssl", f"must be true or false, not {implicit!r}")
    port = raw.get("port", 465 if implicit else 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigProblem(
            path, "smtp.port", f"must be a port number from 1 to 65535 (587 for STARTTLS, 465 for ssl), not {port!r}"
        )
    sender = raw.get("sender")
    if not isinstance(sender, str) or not ADDRESS.match(sender.strip()):
        raise ConfigProblem(path, "smtp.sender", f"must be the e-mail address reports come from, not {sender!r}")
    starttls = raw.get("starttls", not implicit)
    if not isinstance(starttls, bool):
        raise ConfigProblem(path, "smtp.starttls", f"must be true or false, not {starttls!r}")
    if starttls and implicit:
        raise ConfigProblem(
            path,
            "smtp.ssl",
            "and starttls cannot both be true: use ssl = true for a server that is encrypted from the start (port "
            "465), or starttls = true for one that starts plain and switches (port 587)",
        )
    timeout = raw.get("timeout", TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 1 <= timeout <= MAX_TIMEOUT:
        raise ConfigProblem(
            path,
            "smtp.timeout",
            f"must be the seconds one message may take in all, from 1 to {MAX_TIMEOUT} (default {TIMEOUT}), "
            f"not {timeout!r}",
        )
    return Smtp(host.strip(), port, sender.strip(), starttls, implicit, float(timeout))


def check_login(smtp: Smtp, path: Path) -> None:
    """ConfigProblem when a user or password is set for a server reached without TLS, where they would cross the
    network readable by anyone on the way."""
    if smtp.encrypted or not (smtp.user or smtp.password):
        return
    raise ConfigProblem(
        path,
        "smtp.starttls",
        f"is false (and ssl is not set), so the mail server's user and password ({USER_ENV}, {PASSWORD_ENV}) would "
        f"go to {smtp.host}:{smtp.port} unencrypted: nothing is sent until starttls = true is set in [smtp] (port "
        "587), or ssl = true (port 465), or both variables are unset for a server that takes mail without a login",
    )


def _subscription(raw: object, i: int, path: Path, names: set[str]) -> Subscription:
    key = f"subscriptions[{i}]"
    if not isinstance(raw, dict):
        raise ConfigProblem(path, key, "must be a table: [[subscriptions]] with name, send, period and to")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise ConfigProblem(
            path,
            f"{key}.name",
            f"must be a short name of lower-case letters, digits, - and _ (such as board), not {name!r}",
        )
    key = f"subscriptions[{i}] ({name})"
    if name in names:
        raise ConfigProblem(path, f"{key}.name", "is the name of another subscription too; give each its own")
    unknown = sorted(set(raw) - SUBSCRIPTION_KEYS)
    if unknown:
        raise ConfigProblem(path, f"{key}.{unknown[0]}", "is not a setting; use name, send, period and to")
    send = raw.get("send")
    if send not in SENDS:
        raise ConfigProblem(path, f"{key}.send", f"must be one of {', '.join(SENDS)}, not {send!r}")
    period = raw.get("period")
    if send == "alert":
        if period is not None:
            raise ConfigProblem(
                path,
                f"{key}.period",
                "an alert has no period: it watches the statuses of this year's targets, as the Overview shows them",
            )
    elif period not in PERIODS:
        raise ConfigProblem(path, f"{key}.period", f"must be one of {', '.join(PERIODS)}, not {period!r}")
    elif period == "last_full_month" and send in ("community_report", "both"):
        raise ConfigProblem(
            path,
            f"{key}.period",
            "the community report is made for calendar quarters and years only (so that no number can be taken "
            "apart between reports); use last_full_quarter or last_full_year",
        )
    to = raw.get("to")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to:
        raise ConfigProblem(path, f"{key}.to", 'must be a list of e-mail addresses, such as ["board@example.org"]')
    for address in to:
        if not isinstance(address, str) or not ADDRESS.match(address.strip()):
            raise ConfigProblem(path, f"{key}.to", f"{address!r} is not an e-mail address")
    return Subscription(name, send, tuple(a.strip() for a in to), period)


def parse(raw: dict, path: Path) -> Deliveries:
    """The deliveries of a parsed foundation.toml; ConfigProblem names the first key that cannot work."""
    subs = raw.get("subscriptions", [])
    if not isinstance(subs, list):
        raise ConfigProblem(path, "subscriptions", "must be an array of tables: [[subscriptions]]")
    names: set[str] = set()
    subscriptions = []
    for i, item in enumerate(subs):
        sub = _subscription(item, i, path, names)
        names.add(sub.name)
        subscriptions.append(sub)
    smtp = _smtp(raw["smtp"], path) if "smtp" in raw else None
    if subscriptions and smtp is None:
        raise ConfigProblem(path, "smtp", "is missing: subscriptions need [smtp] with host, port, sender and starttls")
    return Deliveries(smtp, tuple(subscriptions))


def load(path: Path) -> Deliveries:
    """The deliveries configured in the file; ConfigProblem when it cannot be read or a key cannot work."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigProblem(path, "-", "there is no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigProblem(path, "-", f"is not valid TOML ({exc})") from None
    return parse(raw, path)


def save(path: Path, subscriptions: list[Subscription]) -> None:
    """Writes the subscriptions into the file in place of its [[subscriptions]], keeping every other line and comment
    as it is (tomlkit); ConfigProblem, with nothing written, when the result would not work."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    doc = tomlkit.parse(text)
    if "subscriptions" in doc:
        del doc["subscriptions"]
    if subscriptions:
        tables = tomlkit.aot()
        for sub in subscriptions:
            table = tomlkit.table()
            table["name"] = sub.name
            table["send"] = sub.send
            if sub.period is not None:
                table["period"] = sub.period
            table["to"] = list(sub.to)
            tables.append(table)
        doc["subscriptions"] = tables
    new = tomlkit.dumps(doc)
    parse(tomllib.loads(new), path)  # the whole file must still work
    # Written whole, no more open than the file was (it names who receives what), into the file a link points to.
    target = Path(path).resolve()
    files.write_into(target.parent, {target.name: new.encode("utf-8")}, files.mode_of(target))
