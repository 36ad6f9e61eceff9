"""Sign-in end to end: Debian's Chromium signs in to the served dashboard through a real OpenID Connect provider
(oidc-provider-mock, on localhost in a thread of this process), and each person sees what their role allows.

Run on its own too: `python -m pytest tests/test_auth.py`.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import browser_marks, free_port, streamlit_server, wait_for_app
from tests.conftest import ROOT

pytestmark = browser_marks()

ACCESS = '[access]\nviewers = ["@board.org"]\neditors = ["@lumen.org"]\nadmins = ["ada@lumen.org"]\n'
SAMPLE_SECRETS = re.compile(r"\b(Castrelle|Sableford|Kestrane|Blue|Heron)\b", re.I)  # confidential in sample_data
PEOPLE = {  # sub -> the claims a test gives the provider for them, email_verified as real providers send it
    "ada": {"email": "ada@lumen.org", "email_verified": True, "name": "Ada"},
    "bob": {"email": "bob@lumen.org", "email_verified": "true", "name": "Bob"},  # a string, as AWS Cognito sends it
    "dan": {"email": "dan@board.org", "email_verified": True, "name": "Dan"},
    "mallory": {"email": "mallory@example.com", "email_verified": True, "name": "Mallory"},
    # Set by themselves at a provider that lets people type in any address:
    "fake-ada": {"email": "ada@lumen.org", "email_verified": False, "name": "Not Ada"},
    "two-at": {"email": "evil@attacker.com@lumen.org", "email_verified": True, "name": "Evil"},
    # At a provider that never sends email_verified:
    "plain-ada": {"email": "ada@lumen.org", "name": "Ada"},
}


@pytest.fixture(scope="module")
def provider():
    """The identity provider: a real OIDC server on a free localhost port; each test gives it its user."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://127.0.0.1:{server.server_port}"


def serve(tmp_path, db, provider: str, public: bool, trust: bool = False):
    """The dashboard with sign-in configured against the provider (secrets and access list in tmp_path); trust:
    [access] trust_unverified_email."""
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-cookie-secret-for-tests-only"\n'
        'client_id = "partnership-impact"\n'
        'client_secret = "a-client-secret-for-tests-only"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    config = tmp_path / "foundation.toml"
    config.write_text(
        f'[foundation]\nname = "Lumen Foundation for Ondine Syndrome"\nlogo = "{ROOT / "assets" / "logo.svg"}"\n'
        f"{ACCESS}public = {str(public).lower()}\n" + ("trust_unverified_email = true\n" if trust else "")
    )
    return streamlit_server(
        db, port=port, env={"PARTNERSHIP_CONFIG": str(config)}, args=("--secrets.files", str(secrets))
    )


def sign_in(page, url: str, provider: str, sub: str) -> None:
    """Signs in as sub, whose claims (e-mail, name) this test gives the provider first."""
    import httpx

    assert httpx.put(f"{provider}/users/{sub}", json=PEOPLE[sub]).status_code == 204
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").first.click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_for_app(page)


@pytest.mark.parametrize(
    ("sub", "sees"),
    [
        ("ada", "Signed in as ada@lumen.org (an admin)."),
        ("bob", "Signed in as bob@lumen.org (an editor)."),
        ("dan", "Signed in as dan@board.org (a viewer)."),
    ],
)
def test_each_person_signs_in_and_sees_their_role(tmp_path, sample_db, provider, chromium, sub, sees):
    with serve(tmp_path, sample_db, provider, public=False) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        try:
            sign_in(page, url, provider, sub)
            expect(page.get_by_text(sees)).to_be_visible()
            nav = page.locator(".st-key-nav")
            if sub == "dan":
                expect(nav.get_by_text("Data", exact=True)).to_have_count(0)
            else:
                expect(nav.get_by_text("Data", exact=True)).to_be_visible()
        finally:
            page.close()


def test_someone_on_no_list_is_told_so(tmp_path, sample_db, provider, chromium):
    with serve(tmp_path, sample_db, provider, public=False) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        try:
            sign_in(page, url, provider, "mallory")
            expect(page.get_by_text("is not on this dashboard's access list")).to_be_visible()
            expect(page.get_by_test_id("stMetric")).to_have_count(0)
        finally:
            page.close()


@pytest.mark.parametrize("public", [False, True])
def test_a_visitor_who_is_not_signed_in(tmp_path, sample_db, provider, chromium, public):
    with serve(tmp_path, sample_db, provider, public=public) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        try:
            page.goto(f"{url}/?period=year&year=2024")
            wait_for_app(page)
            if public:
                expect(page.get_by_text("The community-safe view, open to the public.")).to_be_visible()
                expect(page.get_by_text("for sharing in public").first).to_be_visible()
                expect(page.get_by_role("checkbox", name="Community-safe view")).to_have_count(0)
                expect(page.get_by_role("link", name="Data")).to_have_count(0)
            else:
                expect(page.get_by_role("heading", name="Lumen Foundation for Ondine Syndrome")).to_be_visible()
                expect(page.get_by_test_id("stMetric")).to_have_count(0)
                page.screenshot(path=ROOT / "tests" / "artifacts" / "sign-in-1366x768.png")
            assert not SAMPLE_SECRETS.search(page.inner_text("body"))
        finally:
            page.close()


@pytest.mark.parametrize(
    ("sub", "says"),
    [
        (
            "fake-ada",
            "Your identity provider has not confirmed that ada@lumen.org is your address (email_verified), so it "
            "cannot give you a role here.",
        ),
        (
            "plain-ada",
            "Your identity provider did not say whether ada@lumen.org is your address (email_verified), so it "
            "cannot give you a role here.",
        ),
        (
            "two-at",
            "Your identity provider gave evil@attacker.com@lumen.org as your e-mail, which is not one e-mail "
            "address, so it cannot give you a role here.",
        ),
    ],
)
def test_an_address_the_provider_does_not_vouch_for_gives_no_role_and_says_why(
    tmp_path, sample_db, provider, chromium, sub, says
):
    with serve(tmp_path, sample_db, provider, public=True) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        try:
            sign_in(page, url, provider, sub)
            expect(page.get_by_text(says)).to_be_visible()
            expect(page.get_by_test_id("stMetric")).to_have_count(0)
            expect(page.get_by_role("link", name="Data")).to_have_count(0)
            assert not SAMPLE_SECRETS.search(page.inner_text("body"))
        finally:
            page.close()


def test_a_foundation_that_trusts_its_provider_lets_an_address_sent_without_email_verified_in(
    tmp_path, sample_db, provider, chromium
):
    with serve(tmp_path, sample_db, provider, public=False, trust=True) as url:
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        try:
            sign_in(page, url, provider, "plain-ada")
            expect(page.get_by_text("Signed in as ada@lumen.org (an admin).")).to_be_visible()
        finally:
            page.close()
        page = chromium.new_page(viewport={"width": 1366, "height": 768})
        try:  # one the provider says is not confirmed is still refused
            sign_in(page, url, provider, "fake-ada")
            expect(page.get_by_text("has not confirmed that ada@lumen.org is your address")).to_be_visible()
        finally:
            page.close()


def test_a_role_taken_away_in_foundation_toml_goes_at_the_next_page_view_without_a_restart(
    tmp_path, sample_db, provider, chromium
):
    with serve(tmp_path, sample_db, provider, public=False) as url:
        signed_in = chromium.new_page(viewport={"width": 1366, "height": 768})
        try:
            sign_in(signed_in, url, provider, "bob")
            expect(signed_in.get_by_text("Signed in as bob@lumen.org (an editor).")).to_be_visible()
            config = tmp_path / "foundation.toml"
            config.write_text(config.read_text().replace('editors = ["@lumen.org"]', "editors = []"))
            signed_in.reload()  # the next page view, same session, same server
            wait_for_app(signed_in)
            expect(signed_in.get_by_text("bob@lumen.org is not on this dashboard's access list")).to_be_visible()
            expect(signed_in.get_by_test_id("stMetric")).to_have_count(0)
            fresh = chromium.new_page(viewport={"width": 1366, "height": 768})
            try:  # and a new sign-in
                sign_in(fresh, url, provider, "bob")
                expect(fresh.get_by_text("bob@lumen.org is not on this dashboard's access list")).to_be_visible()
                expect(fresh.get_by_test_id("stMetric")).to_have_count(0)
            finally:
                fresh.close()
        finally:
            signed_in.close()
