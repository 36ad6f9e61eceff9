"""Text from the data or the address bar, shown by Streamlit exactly as written: never as markdown or HTML."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Plain text as Streamlit markdown that shows it exactly: no formatting, links, images, HTML or formulas;
    line breaks kept."""
    return "  \n".join(_MARKDOWN.sub(r"\\\1", line) for line in str(text).splitlines())
