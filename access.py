"""Who may do what: the roles of foundation.toml's [access], and what each role may do. No Streamlit here.

Roles, each with everything of the ones before it:
- public: anyone not signed in, only when the foundation opens the community-safe view to the public
  (`public = true`): that view only, no writes, public-safe downloads only;
- viewer (board, leadership): every page, the internal view, read-only;
- editor (staff): plus the Data page, notes, events, targets and report builds;
- admin: plus restores and the access list.

Local mode (no sign-in configured) is one person on their own machine: they may do everything, as an admin.

A role comes only from an e-mail address the identity provider vouches for (its `email_verified` claim) that is
one well-formed mailbox: many providers let a person type in an address they do not own.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from settings import Access, mailbox

ROLES = ("public", "viewer", "editor", "admin")
LOCAL = "local"

# The least role each action needs.
NEEDS = {
    "see_internal": "viewer",  # the internal view: confidential partners named, exact counts
    "download_internal": "viewer",  # CSV and images of the internal view
    "write": "editor",  # imports, edits, notes, events, targets
    "build_report": "editor",  # the community report's PDF and the board pack (Chromium runs)
    "restore": "admin",  # putting the data back to an earlier write
    "manage_access": "admin",  # the access list
    "manage_deliveries": "admin",  # the reports sent by e-mail: subscriptions and alerts
}
WORDS = {
    "public": "the public",
    "viewer": "a viewer",
    "editor": "an editor",
    "admin": "an admin",
    LOCAL: "local mode",
}


@dataclass(frozen=True)
class Person:
    """Who is using the dashboard: their e-mail (None when not signed in, or not vouched for), their role (None: no
    access) and, when a signed-in person has no role, the sentence that says why."""

    email: str | None
    role: str | None
    why: str = ""

    def can(self, action: str) -> bool:
        """Whether this person may do the action (one of NEEDS)."""
        if self.role == LOCAL:
            return True
        if self.role is None:
            return False
        return ROLES.index(self.role) >= ROLES.index(NEEDS[action])

    @property
    def public(self) -> bool:
        """Whether this person sees the community-safe view only."""
        return self.role == "public"


def vouched(claim: object, *, trust_missing: bool = False) -> bool:
    """Whether the provider's email_verified claim says the address is the person's: the JSON true, or the string
    "true" in any case (as some providers, AWS Cognito among them, send it). trust_missing: a claim the provider
    does not send at all counts as true ([access] trust_unverified_email)."""
    if claim is None:
        return trust_missing
    return claim is True or (isinstance(claim, str) and claim.lower() == "true")


def _matches(address: str, entries: tuple[str, ...]) -> bool:
    domain = address.rpartition("@")[2]
    return any(entry == address or entry == f"@{domain}" for entry in entries)


def role_of(email: str, access: Access) -> str | None:
    """The highest role whose list names the address or its domain (@lumen.org); None when no list does, or when
    email is not one well-formed mailbox."""
    address = mailbox(email)
    if address is None:
        return None
    for role in reversed(ROLES[1:]):
        if _matches(address, getattr(access, f"{role}s")):
            return role
    return None


def _shown(text: object) -> str:
    """The claim as a person may read it in a sentence: invisible characters as ?, at most 80 characters."""
    shown = "".join(c if c.isprintable() else "?" for c in str(text))
    return shown if len(shown) <= 80 else shown[:79] + "…"


def person(*, sign_in: bool, logged_in: bool, email: object, access: Access, email_verified: object = None) -> Person:
    """The person using the dashboard.

    sign_in: whether sign-in is configured (else local mode); logged_in, email and email_verified: what the identity
    provider said, as it said it (email_verified missing: None).
    """
    if not sign_in:
        return Person(None, LOCAL)
    if not logged_in:
        return Person(None, "public" if access.public else None)
    if email is None or email == "":
        return Person(
            None,
            None,
            "Your identity provider did not send an e-mail address, so it cannot give you a role here. Sign in "
            "with an account that has one, or ask the foundation's administrator.",
        )
    address = mailbox(email)
    if address is None:
        return Person(
            None,
            None,
            f"Your identity provider gave {_shown(email)} as your e-mail, which is not one e-mail address, so it "
            "cannot give you a role here. Sign in with another account, or ask the foundation's administrator.",
        )
    if not vouched(email_verified, trust_missing=access.trust_unverified_email):
        said = "did not say whether" if email_verified is None else "has not confirmed that"
        return Person(
            None,
            None,
            f"Your identity provider {said} {address} is your address (email_verified), so it cannot give you a "
            "role here. Confirm the address with your provider and sign in again, or ask the foundation's "
            "administrator.",
        )
    role = role_of(address, access)
    if role is None:
        return Person(
            address,
            None,
            f"{address} is not on this dashboard's access list. Ask the foundation's administrator to add you, or "
            "sign in with another account.",
        )
    return Person(address, role)


def loopback(address: str) -> bool:
    """Whether a server address is this machine's alone: localhost, 127.0.0.0/8 or ::1 (empty means every interface).
    Local mode, with no sign-in, is only for a server on such an address."""
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class NotAllowed(PermissionError):
    """An action refused for the person's role; the message says so in plain words."""


def require(who: Person, action: str) -> None:
    """Raises NotAllowed unless the person may do the action: the check every write makes on the server."""
    if who.can(action):
        return
    needed = WORDS[NEEDS[action]]
    if who.email is None and who.why:
        raise NotAllowed(f"This needs {needed}. {who.why}")
    if who.email is None:
        raise NotAllowed(f"This needs {needed}: sign in first.")
    role = f"signed in as {WORDS[who.role]}" if who.role else "not on the access list"
    raise NotAllowed(f"This needs {needed}; {who.email} is {role}.")
