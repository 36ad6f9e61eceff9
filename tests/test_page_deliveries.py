"""The Data page's Deliveries section (admins): subscriptions read from foundation.toml, edited and saved back
with every other line kept, refused with the key named when they cannot work, and the deliveries tried."""

from __future__ import annotations

import os
import stat
import textwrap
from datetime import UTC, date, datetime

import pandas as pd
import pytest

import settings
from delivery import config as delivery
from store import database
from ui import deliveries

TOML = textwrap.dedent(
    """\
    # The foundation's settings.
    [foundation]
    name = "Lumen Foundation for Ondine Syndrome"
    short_name = "Lumen Foundation"

    [smtp]
    host = "smtp.lumen.example"  # our relay
    port = 587
    sender = "impact@lumen.example"
    starttls = true

    [[subscriptions]]
    name = "board"
    send = "board_pack"
    period = "last_full_quarter"
    to = ["board@lumen.example"]
    """
)


@pytest.fixture
def conf(tmp_path, monkeypatch):
    path = tmp_path / "foundation.toml"
    path.write_text(TOML, encoding="utf-8")
    monkeypatch.setenv("PARTNERSHIP_CONFIG", str(path))
    settings.load.cache_clear()
    yield path
    settings.load.cache_clear()


def test_saving_keeps_every_other_line_and_comment(conf):
    (board,) = delivery.load(conf).subscriptions
    news = delivery.Subscription("news", "community_report", ("a@lumen.example", "b@lumen.example"), "last_full_year")
    alert = delivery.Subscription("targets", "alert", ("ceo@lumen.example",))
    delivery.save(conf, [board, news, alert])
    text = conf.read_text(encoding="utf-8")
    assert text.startswith(TOML.split("[[subscriptions]]")[0])  # comments and [smtp] as they were
    assert delivery.load(conf).subscriptions == (board, news, alert)
    assert 'name = "targets"\nsend = "alert"\nto = ["ceo@lumen.example"]' in text  # an alert has no period


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_saving_keeps_the_files_mode_and_writes_into_the_file_a_link_points_to(conf, tmp_path, mode):
    os.chmod(conf, mode)
    link = tmp_path / "linked.toml"
    link.symlink_to(conf)
    (board,) = delivery.load(conf).subscriptions
    old = os.umask(0o022)  # a server's usual umask would make a new file 0644
    try:
        delivery.save(link, [board, delivery.Subscription("targets", "alert", ("ceo@lumen.example",))])
    finally:
        os.umask(old)
    assert link.is_symlink() and stat.S_IMODE(os.stat(conf).st_mode) == mode
    assert [s.name for s in delivery.load(conf).subscriptions] == ["board", "targets"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foundation.toml", "linked.toml"]  # no file left beside


def test_a_subscription_that_cannot_work_is_not_saved(conf):
    before = conf.read_text(encoding="utf-8")
    with pytest.raises(delivery.ConfigProblem, match=r"subscriptions\[0\] \(x\)\.to: 'not an address'"):
        delivery.save(conf, [delivery.Subscription("x", "board_pack", ("not an address",), "last_full_year")])
    assert conf.read_text(encoding="utf-8") == before


def test_the_edited_table_becomes_subscriptions():
    edited = pd.DataFrame(
        [
            {"name": "board", "send": "board_pack", "period": "last_full_quarter", "to": "a@x.org; b@x.org"},
            {"name": "targets", "send": "alert", "period": "last_full_year", "to": "ceo@x.org"},
            {"name": None, "send": None, "period": None, "to": None},  # the editor's empty new row
        ]
    )
    assert deliveries.subscriptions_of(edited) == [
        delivery.Subscription("board", "board_pack", ("a@x.org", "b@x.org"), "last_full_quarter"),
        delivery.Subscription("targets", "alert", ("ceo@x.org",)),  # an alert's period is dropped
    ]


def test_the_section_shows_the_subscriptions_the_server_and_the_log(app, sample_db, conf, tmp_path):
    db = tmp_path / "db.duckdb"
    db.write_bytes(sample_db.read_bytes())
    with database.write(db, rows=1) as con:
        con.execute(
            "INSERT INTO deliveries VALUES (?, 'board', 'board_pack', ?, ?, 'board@lumen.example', 'failed', ?)",
            [datetime(2025, 10, 5, 7, 0, tzinfo=UTC), date(2025, 7, 1), date(2025, 9, 30), "the server refused it"],
        )
    at = app(db, "pages/data.py")
    assert not at.exception, [e.message for e in at.exception]
    assert [t.label for t in at.tabs][-1] == "Deliveries"
    text = " ".join(c.value for c in at.caption).replace("\\", "")  # shown as text: markdown escaped
    assert "Mail server: smtp.lumen.example:587, STARTTLS, no login; sent from impact@lumen.example" in text
    assert "board: sends Q" in text
    (editor,) = [d for d in at.dataframe if list(d.value.columns) == ["name", "send", "period", "to"]]
    assert editor.value.to_dict("records") == [
        {"name": "board", "send": "board_pack", "period": "last_full_quarter", "to": "board@lumen.example"}
    ]
    (tried,) = [d for d in at.dataframe if "status" in d.value.columns]
    assert tried.value[["subscription", "period", "status", "detail"]].to_dict("records") == [
        {"subscription": "board", "period": "Q3 2025", "status": "failed", "detail": "the server refused it"}
    ]


def test_the_section_warns_when_a_login_would_go_unencrypted(app, sample_db, conf, monkeypatch):
    conf.write_text(TOML.replace("starttls = true", "starttls = false"), encoding="utf-8")
    monkeypatch.setenv("PARTNERSHIP_SMTP_USER", "impact")
    monkeypatch.setenv("PARTNERSHIP_SMTP_PASSWORD", "secret")
    at = app(sample_db, "pages/data.py")
    assert not at.exception, [e.message for e in at.exception]
    text = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Mail server: smtp.lumen.example:587, no encryption, a user and password from the environment" in text
    (error,) = [e.value.replace("\\", "") for e in at.error]
    assert f"{conf}: smtp.starttls: is false (and ssl is not set)" in error and "nothing is sent until" in error
    assert "secret" not in error
