"""Who may do what: roles from foundation.toml's [access], matched by address or domain, only for an address the
identity provider vouches for that is one well-formed mailbox; local mode may do all."""

from __future__ import annotations

import pytest

import settings
from access import LOCAL, NEEDS, NotAllowed, mailbox, person, require, role_of, vouched
from settings import Access

ACCESS = Access(
    viewers=("@board.org", "carol@lumen.org"),
    editors=("@lumen.org",),
    admins=("ada@lumen.org",),
)


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("ada@lumen.org", "admin"),  # an admin by address, though her domain makes her an editor too
        ("Ada@Lumen.ORG", "admin"),  # case does not matter
        ("bob@lumen.org", "editor"),  # by domain
        ("carol@lumen.org", "editor"),  # a viewer by address, an editor by domain: the higher role
        ("dan@board.org", "viewer"),
        ("eve@lumen.org.evil.com", None),  # a domain must match whole
        ("mallory@example.com", None),
        ("evil@attacker.com@lumen.org", None),  # two @: not one address, whatever its end says
        ("ada@lumen.org ", None),  # a space is no part of an address
    ],
)
def test_a_role_is_the_highest_list_that_names_the_address_or_its_domain(email, role):
    assert role_of(email, ACCESS) == role


@pytest.mark.parametrize(
    "text",
    [
        "evil@attacker.com@lumen.org",  # two @
        "ada@lumen.org.",  # a trailing dot: an empty label
        "ada@lumen",  # no dot in the domain
        "@lumen.org",  # no local part
        "ada@",
        "ada",
        "",
        "ada @lumen.org",
        " ada@lumen.org",
        "ada@lumen.org\n",
        "ada\x00@lumen.org",
        "a\u200b@lumen.org",  # an invisible character
        '"ada"@lumen.org',
        "<ada@lumen.org>",
        "Ada <ada@lumen.org>",
        "ada@lumen.org, eve@evil.com",
        "a..b@lumen.org",
        ".ada@lumen.org",
        "ada@-lumen.org",
        "ada@lumen-.org",
        "ada@lumen..org",
        "ada@10.0.0.1",  # a number is no top-level domain
        "ada@lümen.org",  # a domain is ASCII (its xn-- form)
        "ada@" + "a" * 64 + ".org",  # a DNS label is at most 63 characters
        None,
        ["ada@lumen.org"],
    ],
)
def test_anything_but_one_well_formed_mailbox_is_no_address(text):
    assert mailbox(text) is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("ada@lumen.org", "ada@lumen.org"),
        ("Ada@Lumen.ORG", "ada@lumen.org"),  # compared lower-cased
        ("o'neil+board@mail.lumen.org", "o'neil+board@mail.lumen.org"),
        ("ada@xn--lmen-jua.org", "ada@xn--lmen-jua.org"),
        ("\u212aate@lumen.org", "\u212aate@lumen.org"),  # the Kelvin sign is not lower-cased into kate's k
    ],
)
def test_a_well_formed_mailbox_is_its_address_lower_cased(text, address):
    assert mailbox(text) == address


@pytest.mark.parametrize(
    ("claim", "trust_missing", "vouches"),
    [
        (True, False, True),
        ("true", False, True),  # AWS Cognito sends it as a string
        ("TRUE", False, True),
        ("True", False, True),
        (False, False, False),
        ("false", False, False),
        (None, False, False),  # not sent at all
        (None, True, True),  # not sent, and the foundation trusts its provider's addresses
        (False, True, False),  # said to be unconfirmed: never trusted
        ("false", True, False),
        (1, False, False),
        ("yes", False, False),
        (" true", False, False),
        ("", False, False),
    ],
)
def test_only_a_true_email_verified_vouches_for_the_address(claim, trust_missing, vouches):
    assert vouched(claim, trust_missing=trust_missing) is vouches


def signed_in(email: object, verified: object = True, access: Access = ACCESS):
    return person(sign_in=True, logged_in=True, email=email, email_verified=verified, access=access)


@pytest.mark.parametrize("verified", [False, "false", None, 0, "1"])
def test_an_address_the_provider_does_not_vouch_for_gives_no_role_and_says_why(verified):
    who = signed_in("Ada@lumen.org", verified)
    assert (who.email, who.role) == (None, None)
    said = "did not say whether" if verified is None else "has not confirmed that"
    assert who.why.startswith(f"Your identity provider {said} ada@lumen.org is your address (email_verified), so it")
    with pytest.raises(NotAllowed, match=r"^This needs an editor\. Your identity provider"):
        require(who, "write")


@pytest.mark.parametrize("verified", [True, "true", "True"])
def test_an_address_the_provider_vouches_for_gives_its_role(verified):
    who = signed_in("Ada@Lumen.org", verified)
    assert (who.email, who.role, who.why) == ("ada@lumen.org", "admin", "")


def test_a_foundation_may_trust_a_provider_that_never_sends_email_verified_but_not_one_that_says_false():
    trusting = Access(admins=("ada@lumen.org",), trust_unverified_email=True)
    assert signed_in("ada@lumen.org", None, trusting).role == "admin"
    assert signed_in("ada@lumen.org", False, trusting).role is None
    assert signed_in("evil@attacker.com@lumen.org", None, trusting).role is None


@pytest.mark.parametrize("email", ["evil@attacker.com@lumen.org", "ada@lumen.org.", "ada@lumen.org\n<b>"])
def test_a_claim_that_is_not_one_address_gives_no_role_and_says_why(email):
    who = signed_in(email)
    assert (who.email, who.role) == (None, None)
    assert "which is not one e-mail address, so it cannot give you a role here" in who.why
    assert "\n" not in who.why


def test_a_signed_in_person_without_an_e_mail_gets_no_role_and_is_not_taken_for_the_public():
    who = person(sign_in=True, logged_in=True, email=None, email_verified=None, access=Access(public=True))
    assert (who.email, who.role) == (None, None)
    assert who.why.startswith("Your identity provider did not send an e-mail address")


# What each role may do, one column per action in the order of NEEDS:
# see_internal, download_internal, write, build_report, restore, manage_access, manage_deliveries.
ALLOWED = {
    "public": (False, False, False, False, False, False, False),
    "viewer": (True, True, False, False, False, False, False),
    "editor": (True, True, True, True, False, False, False),
    "admin": (True, True, True, True, True, True, True),
    LOCAL: (True, True, True, True, True, True, True),
    None: (False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_may_do_what_the_roles_before_it_may_and_more(role):
    from access import Person

    who = Person("someone@lumen.org", role)
    assert tuple(who.can(action) for action in NEEDS) == ALLOWED[role]


def test_without_sign_in_configured_it_is_local_mode_and_may_do_everything():
    who = person(sign_in=False, logged_in=False, email=None, access=Access())
    assert (who.email, who.role) == (None, LOCAL)
    require(who, "restore")  # no exception


def test_a_visitor_who_is_not_signed_in_is_the_public_only_when_the_foundation_opens_it():
    closed = person(sign_in=True, logged_in=False, email=None, access=ACCESS)
    opened = person(sign_in=True, logged_in=False, email=None, access=Access(public=True))
    assert (closed.role, opened.role, opened.public) == (None, "public", True)
    with pytest.raises(NotAllowed, match="This needs a viewer: sign in first."):
        require(opened, "see_internal")


def test_a_refused_action_says_which_role_it_needs_and_who_is_asking():
    viewer = signed_in("dan@board.org")
    with pytest.raises(NotAllowed, match="This needs an editor; dan@board.org is signed in as a viewer."):
        require(viewer, "write")
    stranger = signed_in("mallory@example.com")
    with pytest.raises(NotAllowed, match="This needs a viewer; mallory@example.com is not on the access list."):
        require(stranger, "see_internal")


def test_access_is_read_from_foundation_toml(tmp_path):
    path = tmp_path / "foundation.toml"
    path.write_text('[access]\neditors = ["@Lumen.org"]\nadmins = [" ada@lumen.org"]\npublic = true\n')
    assert settings.load.__wrapped__(path).access == Access(
        editors=("@lumen.org",), admins=("ada@lumen.org",), public=True, trust_unverified_email=False
    )
    path.write_text("[access]\ntrust_unverified_email = true\n")
    assert settings.load.__wrapped__(path).access.trust_unverified_email is True


def test_a_change_to_foundation_toml_is_read_at_the_next_load_without_a_restart(tmp_path):
    path = tmp_path / "foundation.toml"
    path.write_text('[access]\neditors = ["@lumen.org"]\nadmins = ["ada@lumen.org"]\n')
    assert settings.load(path).access.admins == ("ada@lumen.org",)
    assert settings.load(path) is settings.load(path)  # unchanged: read once
    path.write_text('[access]\neditors = ["@lumen.org"]\n')
    assert settings.load(path).access.admins == ()
    path.unlink()
    assert settings.load(path).access == Access()
    settings.load.cache_clear()  # still there for the tests that set PARTNERSHIP_CONFIG or PARTNERSHIP_DB


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('editors = ["lumen.org"]', "'lumen.org' is neither an e-mail address (ada@lumen.org) nor a domain"),
        ('admins = ["evil@attacker.com@lumen.org"]', "'evil@attacker.com@lumen.org' is neither an e-mail address"),
        ('editors = ["@lumen.org."]', "'@lumen.org.' is neither an e-mail address"),
        ('trust_unverified_email = "yes"', "trust_unverified_email must be true or false, not 'yes'"),
        ('editors = "@lumen.org"', "editors must be a list of e-mail addresses or @domains"),
        ("public = 1", "public must be true or false, not 1"),
        (
            'owners = ["ada@lumen.org"]',
            "owners: not a setting; use viewers, editors, admins, public or trust_unverified_email",
        ),
    ],
)
def test_a_wrong_access_list_is_an_error_that_names_the_setting(tmp_path, text, says):
    path = tmp_path / "foundation.toml"
    path.write_text(f"[access]\n{text}\n")
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        settings.load.__wrapped__(path)
