"""The Data page's Deliveries section, for admins: the reports sent by e-mail (subscriptions and alerts), edited
here and kept in foundation.toml, and every delivery tried, sent or failed."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import settings
from delivery import config as delivery
from delivery.deliver import alert_year, last_full
from metrics import Period
from store import database
from ui import data, session, staff
from ui.text import plain

KEY = "deliveries"
SENDS = {
    "board_pack": "Board pack (internal)",
    "community_report": "Community report",
    "both": "Both",
    "alert": "Target alert",
}
PERIODS = {
    "last_full_month": "Last full month",
    "last_full_quarter": "Last full quarter",
    "last_full_year": "Last full year",
}
COLUMNS = {
    "name": st.column_config.TextColumn("Name", required=True, help="Lower-case letters, digits, - and _"),
    "send": st.column_config.SelectboxColumn("Sends", options=list(SENDS), required=True, format_func=SENDS.get),
    "period": st.column_config.SelectboxColumn(
        "Period",
        options=list(PERIODS),
        help="Not for an alert: it watches this year's targets",
        format_func=PERIODS.get,
    ),
    "to": st.column_config.TextColumn("To", required=True, help="E-mail addresses, separated by commas", width="large"),
}
LOG = {
    "tried_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
    "subscription": st.column_config.TextColumn("Subscription"),
    "sends": st.column_config.TextColumn("What"),
    "period": st.column_config.TextColumn("Period"),
    "recipients": st.column_config.TextColumn("To"),
    "status": st.column_config.TextColumn("Status"),
    "detail": st.column_config.TextColumn("Why it failed", width="large"),
}


def frame(subscriptions: tuple[delivery.Subscription, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"name": s.name, "send": s.send, "period": s.period, "to": ", ".join(s.to)} for s in subscriptions],
        columns=list(COLUMNS),
    )


def subscriptions_of(edited: pd.DataFrame) -> list[delivery.Subscription]:
    """The edited table's rows as subscriptions (checked when saved); empty rows left out."""

    def text(value: object) -> str:
        return "" if value is None or pd.isna(value) else str(value).strip()

    found = []
    for row in edited.to_dict("records"):
        name, send, to_text = text(row.get("name")), text(row.get("send")), text(row.get("to"))
        if not name and not send and not to_text:
            continue
        to = tuple(a.strip() for a in to_text.replace(";", ",").split(",") if a.strip())
        period = None if send == "alert" else text(row.get("period"))
        found.append(delivery.Subscription(name, send, to, period))
    return found


def log(limit: int = 50) -> pd.DataFrame:
    """The latest deliveries tried, newest first."""
    with database.read(data.db_path()) as con:
        if not database.has_table(con, "deliveries"):
            return pd.DataFrame(columns=list(LOG))
        rows = con.execute(
            "SELECT tried_at, subscription, sends, period_start, period_end, recipients, status, detail "
            "FROM deliveries ORDER BY tried_at DESC LIMIT ?",
            [limit],
        ).fetchall()
    return pd.DataFrame(
        [
            {
                "tried_at": at,
                "subscription": sub,
                "sends": sends.replace("_", " ").replace("+", " and "),
                "period": Period(start, end).label,
                "recipients": to,
                "status": status,
                "detail": detail,
            }
            for at, sub, sends, start, end, to, status, detail in rows
        ],
        columns=list(LOG),
    )


def section() -> None:
    """The subscriptions (editable), the mail server, and the deliveries tried."""
    session.require("manage_deliveries")
    path = settings.config_path()
    st.markdown(
        "Reports that arrive by themselves: each subscription sends its report for the last full month, quarter or "
        "year, once per period, as a PDF attached to one e-mail to its recipients; an alert e-mails when a headline "
        "metric's status against its target changes. `cli.py deliver`, run daily (the README shows the cron line "
        "and a systemd timer), does the sending."
    )
    try:
        configured = delivery.load(path)
    except delivery.ConfigProblem as problem:
        st.error(plain(staff.sentence(str(problem))), icon=":material/error:")
        configured = None
    smtp = configured.smtp if configured else None
    if smtp:
        login = "a user and password from the environment" if smtp.user else "no login"
        tls = "STARTTLS" if smtp.starttls else "implicit TLS (ssl)" if smtp.ssl else "no encryption"
        st.caption(
            plain(
                f"Mail server: {smtp.host}:{smtp.port}, {tls}, {login}; sent from {smtp.sender}; each message "
                f"gets {smtp.timeout:g} seconds in all."
            )
        )
        try:
            delivery.check_login(smtp, path)
        except delivery.ConfigProblem as problem:  # cli.py deliver refuses to send: say so before the next run
            st.error(plain(staff.sentence(str(problem))), icon=":material/lock_open:")
    else:
        st.warning(
            "No mail server is set: add [smtp] to foundation.toml (host, port, sender, starttls or ssl); the user and "
            "password come only from PARTNERSHIP_SMTP_USER and PARTNERSHIP_SMTP_PASSWORD.",
            icon=":material/mail:",
        )
    today = date.today()
    st.subheader("Subscriptions")
    edited = st.data_editor(
        frame(configured.subscriptions if configured else ()),
        column_config=COLUMNS,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"{KEY}-editor",
    )
    upcoming = []
    for sub in configured.subscriptions if configured else ():
        if sub.send == "alert":
            upcoming.append(f"{sub.name}: watches the targets of {alert_year(today).label}")
        else:
            upcoming.append(f"{sub.name}: sends {last_full(sub.period, today).label} when it is not sent yet")
    if upcoming:
        st.caption(plain("Today: " + "; ".join(upcoming) + "."))
    if st.button("Save the subscriptions", icon=":material/save:", key=f"{KEY}-save"):
        try:
            delivery.save(path, subscriptions_of(edited))
        except delivery.ConfigProblem as problem:
            st.error(
                plain(f"Not saved: {staff.sentence(str(problem).removeprefix(f'{path}: '))}"), icon=":material/error:"
            )
        else:
            settings.load.cache_clear()
            staff.flash(KEY, "success", plain(f"Saved in {path.name}. The next run of cli.py deliver uses them."))
            st.rerun()
    staff.show_flash(KEY)
    st.subheader("Deliveries")
    tried = log()
    if tried.empty:
        st.caption("Nothing has been sent yet.")
    else:
        st.dataframe(tried, column_config=LOG, hide_index=True, width="stretch", key=f"{KEY}-log")
