"""Who may do what: roles from foundation.toml's [access], matched by address or domain; local mode may do all."""

from __future__ import annotations

import pytest

import settings
from access import LOCAL, NEEDS, NotAllowed, person, require, role_of
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
        ("Ada@Lumen.org ", "admin"),  # case and spaces do not matter
        ("bob@lumen.org", "editor"),  # by domain
        ("carol@lumen.org", "editor"),  # a viewer by address, an editor by domain: the higher role
        ("dan@board.org", "viewer"),
        ("eve@lumen.org.evil.com", None),  # a domain must match whole
        ("mallory@example.com", None),
    ],
)
def test_a_role_is_the_highest_list_that_names_the_address_or_its_domain(email, role):
    assert role_of(email, ACCESS) == role


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
    viewer = person(sign_in=True, logged_in=True, email="dan@board.org", access=ACCESS)
    with pytest.raises(NotAllowed, match="This needs an editor; dan@board.org is signed in as a viewer."):
        require(viewer, "write")
    stranger = person(sign_in=True, logged_in=True, email="mallory@example.com", access=ACCESS)
    with pytest.raises(NotAllowed, match="This needs a viewer; mallory@example.com is not on the access list."):
        require(stranger, "see_internal")


def test_access_is_read_from_foundation_toml(tmp_path):
    path = tmp_path / "foundation.toml"
    path.write_text('[access]\neditors = ["@Lumen.org"]\nadmins = ["ada@lumen.org"]\npublic = true\n')
    assert settings.load.__wrapped__(path).access == Access(
        editors=("@lumen.org",), admins=("ada@lumen.org",), public=True
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('editors = ["lumen.org"]', "'lumen.org' is neither an e-mail address (ada@lumen.org) nor a domain"),
        ('editors = "@lumen.org"', "editors must be a list of e-mail addresses or @domains"),
        ("public = 1", "public must be true or false, not 1"),
        ('owners = ["ada@lumen.org"]', "owners: not a setting; use viewers, editors, admins or public"),
    ],
)
def test_a_wrong_access_list_is_an_error_that_names_the_setting(tmp_path, text, says):
    path = tmp_path / "foundation.toml"
    path.write_text(f"[access]\n{text}\n")
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        settings.load.__wrapped__(path)
