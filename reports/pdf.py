"""Prints HTML to PDF in Debian's Chromium: A4 or Letter, selectable text, vector charts, page numbers."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, as root, on a machine whose network is closed: no sandbox, no GPU, no calls home.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
FOOTER = (
    '<div style="font-family: DejaVu Sans, Helvetica, Arial, sans-serif; font-size: 8px; color: #5B6573; '
    'width: 100%; padding: 0 16mm; display: flex; justify-content: space-between;">'
    '<span class="title"></span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
    "</div>"
)

NO_MARGIN = {"top": "0", "bottom": "0", "left": "0", "right": "0"}


def pdf(html: str, out: Path, paper: str = "A4", size: tuple[str, str] | None = None) -> Path:
    """Writes the HTML as a PDF; the page loads nothing from the network (every request is refused).

    size: a page of this (width, height), such as ("1920px", "1080px") for slides, without margins, header or
    footer, in place of the paper format.
    """
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*", lambda route: route.abort() if not route.request.url.startswith("data:") else route.continue_()
            )
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            if size is not None:
                page.pdf(path=str(out), width=size[0], height=size[1], print_background=True, margin=NO_MARGIN)
                return out
            page.pdf(
                path=str(out),
                format=paper,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
                prefer_css_page_size=False,
            )
        finally:
            browser.close()
    return out
