"""Renders the community report as one self-contained HTML file (charts as inline SVG, logo inline)."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

import jinja2

import settings
from metrics import CATALOGUE
from reports.content import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
ROWS_PER_TABLE = 12  # a table longer than this continues as a new table, so no table is cut by a page

# autoescape=True, not select_autoescape(): the template's .html.j2 name would not match its list.
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)


def logo_data_uri(path: Path | None) -> str | None:
    """The logo as a data: URI, so the HTML loads nothing from anywhere."""
    if not path or not path.exists():
        return None
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def as_of_text(report: Report) -> str:
    """ "Records through 30 December 2025 (data as of 27 November 2026)", or that there is no data yet."""
    if not report.data_as_of:
        return "No data imported yet"
    through = f"Records through {report.records_through:%-d %B %Y}" if report.records_through else "No records yet"
    return f"{through} (data as of {report.data_as_of:%-d %B %Y})"


def html(report: Report, svgs: dict[str, str], paper: str = "A4") -> str:
    """The report as HTML; svgs maps each chart's name to its SVG markup."""
    config = settings.load()
    used = dict.fromkeys(metric_id for s in report.sections for _, _, metric_id in s.numbers)
    return ENV.get_template("report.html.j2").render(
        report=report,
        svgs=svgs,
        paper=paper,
        brand=config.brand,
        logo=logo_data_uri(config.logo),
        as_of_text=as_of_text(report),
        metrics_used=[CATALOGUE[m] for m in used],
        rows_per_table=ROWS_PER_TABLE,
    )
