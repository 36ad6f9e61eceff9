"""Roles in the running app (AppTest): with sign-in configured, each person sees and may do only what is theirs.

Sign-in itself (the identity provider, the redirect, the cookie) is Streamlit's; here st.user is what AppTest
says it is, and the tests check what the dashboard makes of it, on the server: what is shown, and what is refused.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

import settings
from tests.conftest import ROOT, plain_text
from tests.secret import CONFIDENTIAL, DISTINCTIVE
from ui import navigation
from ui.navigation import PAGES

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-secret-for-tests-only",
    "client_id": "partnership-impact",
    "client_secret": "a-client-secret-for-tests-only",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ACCESS = '[access]\nviewers = ["@board.org"]\neditors = ["@lumen.org"]\nadmins = ["ada@lumen.org"]\n'
PUBLIC = [page.path for page in PAGES if page.role == "public"]  # the public's navigation (ui/navigation.py)
SECRET = re.compile(rf"\b({re.escape(CONFIDENTIAL)}|{DISTINCTIVE})\b")


@pytest.fixture
def dashboard(monkeypatch, tmp_path):
    """An AppTest of the dashboard with sign-in configured, on a database, for a user (None: not signed in)."""

    def make(
        db, email: str | None, public: bool = False, page: str | None = None, claims: dict | None = None, **params
    ) -> AppTest:
        """claims: what the provider sends besides the e-mail (by default email_verified: true, as it vouches)."""
        config = tmp_path / "foundation.toml"
        config.write_text(f'[foundation]\nname = "Lumen Foundation"\n{ACCESS}public = {str(public).lower()}\n')
        monkeypatch.setenv("PARTNERSHIP_CONFIG", str(config))
        monkeypatch.setenv("PARTNERSHIP_DB", str(db))
        settings.load.cache_clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.secrets["auth"] = AUTH
        vouched = {"email_verified": True} if claims is None else claims
        at.user = {"is_logged_in": True, "email": email, **vouched} if email else {"is_logged_in": False}
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    yield make
    settings.load.cache_clear()


def shown(at: AppTest) -> str:
    return "\n".join(str(node.proto) for node in at._tree if getattr(node, "proto", None) is not None)


def buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button] + [b.label for b in at.get("form_submit_button")]


def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_page(dashboard, secret_db):
    at = dashboard(secret_db, None)
    assert [t.value for t in at.title] == ["Lumen Foundation"]
    assert buttons(at) == ["Sign in"]
    assert not at.toggle and not at.metric and not at.get("plotly_chart")
    assert not SECRET.search(shown(at))


def test_a_visitor_without_access_has_no_page_to_switch_to(dashboard, secret_db):
    at = dashboard(secret_db, None)
    with pytest.raises(ValueError, match=r"Known pages: \['Sign in'\]"):
        at.switch_page("pages/overview.py")


@pytest.mark.parametrize("page", PUBLIC)
def test_the_public_sees_the_community_safe_view_only_and_no_write(dashboard, secret_db, page):
    # Asked for the internal view of a filtered 2024 in the link: the public still gets the community view.
    at = dashboard(secret_db, None, public=True, page=page, period="year", year="2024", sector="pharma")
    text = shown(at)
    assert not SECRET.search(text), SECRET.search(text)
    # The banner every community page carries; Present's full-screen slides show the slide alone.
    assert "Community-safe view" in text or navigation.by_path(page).full_screen
    assert not [t for t in at.toggle if t.key == "community"]  # no switch to turn it off
    assert not {"Add the note", "Add the event", "Delete"} & set(buttons(at))


def test_the_public_has_neither_the_data_page_nor_the_report_builds(dashboard, secret_db):
    at = dashboard(secret_db, None, public=True)
    assert {"pages/data.py", "pages/reports.py"} <= {page.path for page in PAGES} - set(PUBLIC)
    for page in {page.path for page in PAGES} - set(PUBLIC):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


@pytest.mark.parametrize(
    ("email", "role", "params"),
    [
        (None, "public", {}),
        ("dan@board.org", "viewer", {}),
        ("bob@lumen.org", "editor", {}),
        ("bob@lumen.org", "editor", {"view": "community"}),
        ("ada@lumen.org", "admin", {}),
    ],
)
def test_each_role_has_the_links_to_the_pages_the_navigation_declares_for_it(dashboard, secret_db, email, role, params):
    at = dashboard(secret_db, email, public=email is None, **params)
    declared = navigation.seen_by(role, community=bool(params))
    assert [link.proto.label for link in at.get("page_link")] == [page.title for page in declared]
    assert ("pages/data.py" in {page.path for page in declared}) == (role in ("editor", "admin") and not params)


def test_someone_on_no_list_is_told_so_and_sees_nothing(dashboard, secret_db):
    at = dashboard(secret_db, "mallory@example.com")
    assert [plain_text(w.value) for w in at.warning] == [
        "mallory@example.com is not on this dashboard's access list. Ask the foundation's administrator to add you, "
        "or sign in with another account."
    ]
    assert buttons(at) == ["Sign out"]
    assert not SECRET.search(shown(at))


@pytest.mark.parametrize(
    ("email", "claims", "says"),
    [
        (
            "ada@lumen.org",
            {"email_verified": False},
            "Your identity provider has not confirmed that ada@lumen.org is your address (email_verified), so it "
            "cannot give you a role here.",
        ),
        (
            "mallory@lumen.org",
            {},
            "Your identity provider did not say whether mallory@lumen.org is your address (email_verified), so it "
            "cannot give you a role here.",
        ),
        (
            "evil@attacker.com@lumen.org",
            {"email_verified": True},
            "Your identity provider gave evil@attacker.com@lumen.org as your e-mail, which is not one e-mail "
            "address, so it cannot give you a role here.",
        ),
    ],
)
def test_an_address_the_provider_does_not_vouch_for_or_not_one_address_gets_no_role_and_says_why(
    dashboard, secret_db, email, claims, says
):
    at = dashboard(secret_db, email, claims=claims)
    [warning] = [plain_text(w.value) for w in at.warning]
    assert warning.startswith(says)
    assert buttons(at) == ["Sign out"]
    assert not at.metric and not SECRET.search(shown(at))
    with pytest.raises(ValueError, match=r"Known pages: \['Sign in'\]"):
        at.switch_page("pages/data.py")


def test_a_role_taken_away_in_foundation_toml_goes_at_the_next_run_without_a_restart(dashboard, secret_db, tmp_path):
    at = dashboard(secret_db, "ada@lumen.org", page="pages/data.py")
    assert "Access" in [t.label for t in at.tabs]
    config = tmp_path / "foundation.toml"
    config.write_text(config.read_text().replace('admins = ["ada@lumen.org"]', "admins = []"))
    at.run()  # the next page view of the same session
    assert [t.label for t in at.tabs] == ["Import", "Templates", "Edits", "History", "Export"]  # an editor's now
    config.write_text('[foundation]\nname = "Lumen Foundation"\n[access]\nviewers = ["@board.org"]\n')
    at.run()
    # On no list now: the page (which AppTest runs all the same) refuses on the server, and shows nothing.
    assert [plain_text(e.value) for e in at.error] == ["This needs an editor; ada@lumen.org is not on the access list."]
    assert not at.tabs


def test_a_mistake_in_foundation_toml_is_a_sentence_that_names_it_and_no_page(monkeypatch, tmp_path, secret_db):
    # Read at every page view, a file edited into a mistake while the dashboard runs shows here at the next one.
    config = tmp_path / "foundation.toml"
    config.write_text('[access]\nadmins = ["ada@lumen.org"]\npublic = "no"\n')
    monkeypatch.setenv("PARTNERSHIP_CONFIG", str(config))
    monkeypatch.setenv("PARTNERSHIP_DB", str(secret_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "ada@lumen.org", "email_verified": True}
    at.run()
    assert not at.exception
    assert [plain_text(e.value) for e in at.error] == [f"{config}: [access] public must be true or false, not 'no'"]
    assert not at.metric and not SECRET.search(shown(at))


def test_a_viewer_reads_the_internal_view_but_writes_nothing(dashboard, secret_db):
    first = dashboard(secret_db, "dan@board.org")
    assert "Signed in as dan@board.org (a viewer)." in [plain_text(c.value) for c in first.sidebar.caption]
    assert first.toggle(key="community").value is False
    at = dashboard(secret_db, "dan@board.org", page="pages/partners.py")
    listed = " ".join(str(name) for frame in at.dataframe for name in frame.value.get("name", []))
    assert SECRET.search(listed)  # the internal view names the confidential partner
    # Not in a viewer's navigation; asked for all the same (AppTest runs the file), the page refuses on the server.
    forged = at.switch_page("pages/data.py").run()
    assert [plain_text(e.value) for e in forged.error] == [
        "This needs an editor; dan@board.org is signed in as a viewer."
    ]
    assert not forged.tabs
    overview = dashboard(secret_db, "dan@board.org", period="year", year="2024")
    assert not {"Add the note", "Add the event", "Delete"} & set(buttons(overview))
    report = dashboard(secret_db, "dan@board.org", page="pages/reports.py", period="year", year="2024")
    build = next(b for b in report.button if b.label == "Build the report")
    assert build.disabled


def test_an_editor_keeps_the_data_but_only_an_admin_puts_it_back(dashboard, secret_db):
    editor = dashboard(secret_db, "bob@lumen.org", page="pages/data.py")
    assert not editor.error
    assert [t.label for t in editor.tabs] == ["Import", "Templates", "Edits", "History", "Export"]
    assert "Putting the data back needs an admin" not in shown(editor)  # no write is chosen yet
    admin = dashboard(secret_db, "ada@lumen.org", page="pages/data.py")
    assert not admin.error
    assert [t.label for t in admin.tabs][-2:] == ["Access", "Deliveries"]
    [table] = [t for t in admin.table if list(t.value.columns) == ["Role", "Who", "May"]]
    assert table.value.to_dict("records")[2] == {
        "Role": "Admins",
        "Who": "ada@lumen\\.org",  # shown as text: its markdown escaped
        "May": "Plus putting the data back to an earlier write, this list, and the reports by e\\-mail\\.",
    }


def test_the_access_list_warns_admins_when_the_foundation_trusts_unconfirmed_addresses(dashboard, secret_db, tmp_path):
    admin = dashboard(secret_db, "ada@lumen.org", page="pages/data.py")
    assert not [w for w in admin.warning if "trust_unverified_email" in w.value]
    config = tmp_path / "foundation.toml"
    config.write_text(config.read_text() + "trust_unverified_email = true\n")
    admin.run()
    [warning] = [plain_text(w.value) for w in admin.warning if "trust_unverified_email" in w.value]
    assert "anyone who can set that address at the provider gets it" in warning


def test_a_forged_write_from_someone_who_lost_the_role_is_refused_on_the_server(dashboard, secret_db, tmp_path):
    import shutil

    from store import history

    db = tmp_path / "db.duckdb"
    shutil.copy(secret_db, db)
    at = dashboard(db, "bob@lumen.org", period="year", year="2024")  # an editor: the note form is there
    before = len(history.writes(db))
    at.user = {"is_logged_in": True, "email": "dan@board.org", "email_verified": True}  # now a viewer, sending the
    # editor's form
    at.text_area(key="overview-notes-text").input("Written by someone who may not.")
    [add] = [b for b in at.get("form_submit_button") if b.label == "Add the note"]
    add.click().run()
    assert len(history.writes(db)) == before  # the server wrote nothing
    assert "Add the note" not in buttons(at)


def test_without_sign_in_configured_it_is_local_mode(app, secret_db):
    at = app(secret_db)
    assert "Local mode: not signed in." in [c.value for c in at.sidebar.caption]


def test_the_server_refuses_to_listen_beyond_localhost_without_sign_in():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "serve.py"), "--server.address", "0.0.0.0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("serve.py: not listening on 0.0.0.0 without sign-in")
    assert "--public-only" in done.stderr


def test_a_public_only_server_shows_everyone_the_community_view_and_no_data_page(app, secret_db, monkeypatch):
    monkeypatch.setenv("PARTNERSHIP_PUBLIC_ONLY", "1")  # what serve.py --public-only sets
    at = app(secret_db, period="year", year="2024")
    assert not [t for t in at.toggle if t.key == "community"]
    assert not SECRET.search(shown(at))
    assert "The community-safe view, open to the public." in [c.value for c in at.sidebar.caption]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/data.py")


def test_secrets_stay_out_of_the_repository_and_xsrf_protection_stays_on():
    import subprocess
    import tomllib

    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT, capture_output=True
    ).returncode
    assert ignored == 0  # git ignores the file that holds the cookie and client secrets
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [f for f in tracked if f.endswith("secrets.toml")]
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"].get("enableXsrfProtection", True) is True
