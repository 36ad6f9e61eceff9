"""Who may do what: the roles of foundation.toml's [access], and what each role may do. No Streamlit here.

Roles, each with everything of the ones before it:
- public: anyone not signed in, only when the foundation opens the community-safe view to the public
  (`public = true`): that view only, no writes, public-safe downloads only;
- viewer (board, leadership): every page, the internal view, read-only;
- editor (staff): plus the Data page, notes, events, targets and report builds;
- admin: plus restores and the access list.

Local mode (no sign-in configured) is one person on their own machine: they may do everything, as an admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from settings import Access

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
    """Who is using the dashboard: their e-mail (None when not signed in) and their role (None: no access)."""

    email: str | None
    role: str | None

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


def _matches(email: str, entries: tuple[str, ...]) -> bool:
    address = email.strip().lower()
    domain = address.rpartition("@")[2]
    return any(entry == address or entry == f"@{domain}" for entry in entries)


def role_of(email: str, access: Access) -> str | None:
    """The highest role whose list names the address or its domain (@lumen.org); None when no list does."""
    for role in reversed(ROLES[1:]):
        if _matches(email, getattr(access, f"{role}s")):
            return role
    return None


def person(*, sign_in: bool, logged_in: bool, email: str | None, access: Access) -> Person:
    """The person using the dashboard.

    sign_in: whether sign-in is configured (else local mode); logged_in and email: what the identity provider said.
    """
    if not sign_in:
        return Person(None, LOCAL)
    if not logged_in or not email:
        return Person(None, "public" if access.public else None)
    return Person(email.strip().lower(), role_of(email, access))


class NotAllowed(PermissionError):
    """An action refused for the person's role; the message says so in plain words."""


def require(who: Person, action: str) -> None:
    """Raises NotAllowed unless the person may do the action: the check every write makes on the server."""
    if who.can(action):
        return
    needed = WORDS[NEEDS[action]]
    if who.email is None:
        raise NotAllowed(f"This needs {needed}: sign in first.")
    role = f"signed in as {WORDS[who.role]}" if who.role else "not on the access list"
    raise NotAllowed(f"This needs {needed}; {who.email} is {role}.")
