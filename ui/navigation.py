"""The dashboard's pages as data: each page's file, title, icon and link, who sees it, and whether it is a community
output. The frame (ui/frame.py) makes its navigation from this list; the tests and the bench take theirs from it, so
that a new page is declared here once and nowhere else. Nothing here imports Streamlit."""

from __future__ import annotations

from dataclasses import dataclass

from access import LOCAL, ROLES


@dataclass(frozen=True)
class Page:
    """One page of the navigation.

    role: the least role (access.ROLES) whose navigation holds it; community: it has a community-safe view, which
    the community rules govern (the guarding test checks it), and it stays in the navigation when that view is on."""

    path: str  # the page's file, from the repository's root
    title: str
    icon: str
    url_path: str  # Streamlit's name for it in links (the default page is opened at the server's address alone)
    role: str = "public"
    community: bool = True
    full_screen: bool = False  # it hides the sidebar and has no heading of its own (Present's slides)

    @property
    def address(self) -> str:
        """What follows the server's address to open it: nothing for the default page."""
        return "" if self is DEFAULT else self.url_path


PAGES: tuple[Page, ...] = (
    Page("pages/overview.py", "Overview", ":material/dashboard:", "overview"),
    Page("pages/funding.py", "Funding", ":material/payments:", "funding"),
    Page("pages/engagement.py", "Engagement", ":material/groups:", "engagement"),
    Page("pages/science.py", "Publications and science", ":material/science:", "science"),
    Page("pages/partners.py", "Partners", ":material/handshake:", "partners"),
    # Builds the report with Chromium on the server: never for the public.
    Page("pages/reports.py", "Community report", ":material/description:", "report", role="viewer"),
    Page("pages/present.py", "Present", ":material/slideshow:", "present", full_screen=True),
    # Editors only, and never in the community-safe view's navigation.
    Page("pages/data.py", "Data", ":material/database:", "data", role="editor", community=False),
)
DEFAULT = PAGES[0]  # the first page, opened at the server's address


def seen_by(role: str, community: bool) -> tuple[Page, ...]:
    """The pages in the navigation of a person of the role (access.ROLES, or local mode, which may do everything),
    in the community-safe view (community) or the internal one. The public has the community-safe view only."""
    rank = len(ROLES) if role == LOCAL else ROLES.index(role)
    community = community or role == "public"
    return tuple(p for p in PAGES if ROLES.index(p.role) <= rank and (p.community or not community))


def community_pages() -> tuple[Page, ...]:
    """The pages that are community outputs: each has a community-safe view the community rules govern."""
    return tuple(p for p in PAGES if p.community)


def by_path(path: str) -> Page:
    """The page of a file ("pages/funding.py")."""
    return next(p for p in PAGES if p.path == path)
