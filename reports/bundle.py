"""Writes the community report bundle: report.html, report.pdf, charts (PNG, SVG, alt text), summary.json."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from charts import export
from metrics import Period
from reports import content, pdf, render
from store import database

PAPERS = ("A4", "Letter")


@dataclass(frozen=True)
class Bundle:
    """The files a report build wrote."""

    html: Path
    pdf: Path | None
    summary: Path
    charts: list[Path]

    @property
    def files(self) -> list[Path]:
        return [self.html, *([self.pdf] if self.pdf else []), self.summary, *self.charts]


def svg_markup(svg: bytes) -> str:
    """SVG bytes as markup to inline in HTML: no XML declaration, and no namespace URLs (HTML needs none)."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg") :] if "<svg" in text else text
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)


def write(
    db_path: Path | str,
    period: Period,
    out_dir: Path | str,
    paper: str = "A4",
    with_pdf: bool = True,
    charts: bool = True,
) -> Bundle:
    """Builds the report for the period from the database and writes every file of the bundle into out_dir.

    The period must be a calendar quarter or year (community.Refused says why otherwise). charts=False writes what
    needs no Chromium: report.html with each chart as its alt text alone, and summary.json (no chart files, no PDF)."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    out = Path(out_dir)
    with database.read(db_path) as con:
        report = content.build(con, period)  # Refused, before any file is written, for a period the rules refuse
    written: list[Path] = []
    svgs = {c.name: "" for c in report.charts}
    if charts:
        charts_dir = out / "charts"
        charts_dir.mkdir(parents=True, exist_ok=True)
        written = export.write({c.name: c.figure for c in report.charts}, charts_dir, formats=("png", "svg"))
        for chart in report.charts:
            alt = charts_dir / f"{chart.name}.txt"
            alt.write_text(chart.alt + "\n", encoding="utf-8")
            written.append(alt)
        with tempfile.TemporaryDirectory() as tmp:  # the page's own SVGs, on a canvas its width
            export.write({c.name: c.figure for c in report.charts}, Path(tmp), formats=("svg",), size="print")
            svgs = {c.name: svg_markup((Path(tmp) / f"{c.name}.svg").read_bytes()) for c in report.charts}
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / "report.html"
    page = render.html(report, svgs, paper)
    html_path.write_text(page, encoding="utf-8")
    summary = out / "summary.json"
    summary.write_text(json.dumps(report.summary, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    pdf_path = pdf.pdf(page, out / "report.pdf", paper) if with_pdf and charts else None
    return Bundle(html_path, pdf_path, summary, sorted(written))
