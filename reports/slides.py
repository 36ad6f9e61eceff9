"""Slides for board meetings: one message each (a chart or a set of numbers, and one sentence stating the finding),
built as plain data from a Lens (through the community gate in the community-safe view), shown by the Present page
and printed as the board pack (one 16:9 page per slide)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import plotly.graph_objects as go
from markupsafe import Markup

import settings as settings_module
from charts import catalogue
from community.rules import HIDDEN, MARKERS, people_words
from exports import INTERNAL
from lens import Direct, Lens, View
from metrics import CATALOGUE, HEADLINE
from metrics import format as fmt
from metrics import targets as goals
from metrics.targets import Status
from reports import pdf as printer
from reports.render import ENV, logo_data_uri

WIDTH, HEIGHT = 1920, 1080  # the slide, in CSS pixels, on screen (at 1920×1080) and on the board pack's page

FUNDING = ["funding_inbound_total", "funding_partner_count", "funding_hhi", "funding_top_partner_share"]
ENGAGEMENT = [
    "engagement_count",
    "engagement_patient_participants",
    "engagement_patient_voice_count",
    "engagement_convening_count",
]
PUBLICATIONS = ["publication_count", "publication_open_access_share", "publication_lay_summary_share"]
SCIENCE = ["milestone_count", "milestone_clinical_count", "approval_count", "program_advanced_count"]
PARTNERS = ["partner_new_count", "relationship_longitudinal_share", "partner_active_count"]
USED = list(dict.fromkeys([*HEADLINE, *FUNDING, *ENGAGEMENT, *PUBLICATIONS, *SCIENCE, *PARTNERS]))
NO_NOTES = "No notes for this period."

Number = tuple[str, str, Status | None]  # (value as read, label, status against the target or None)


@dataclass(frozen=True)
class Slide:
    """One slide: its title, the one sentence stating its finding, a set of numbers or a chart (by its name in
    the chart catalogue, drawn for the slide's view), and (on the story slide) the notes from the team."""

    title: str
    finding: str
    numbers: list[Number] = field(default_factory=list)
    figure: go.Figure | None = None
    items: list[str] = field(default_factory=list)
    chart: str | None = None
    alt: str = ""


def _count(n: float | int | None, one: str, many: str | None = None) -> str:
    n = int(n or 0)
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _pct(share: float | str | None) -> str:
    return fmt.NULL if share is None or share in MARKERS else f"{share * 100:,.0f}%"


def _change(current, prior, verbs: tuple[str, str], prior_label: str) -> str:
    """ "rose 16% on 2023", "fell 5% on 2023", "held level with 2023", or "" when there is nothing to compare."""
    if current is None or prior is None or current in MARKERS or prior in MARKERS:
        return ""
    up, down = verbs
    if prior == 0:
        return "" if current == 0 else f"{up} from none in {prior_label}"
    change = (current - prior) / abs(prior) * 100
    if round(change) == 0:
        return f"held level with {prior_label}"
    return f"{up if change > 0 else down} {abs(change):,.0f}% on {prior_label}"


def build(lens: Lens, *, settings=None) -> list[Slide]:
    """The board's slides for the lens's view.

    In the community-safe view every number comes through the gate (people rounded, a funding number that would
    show a confidential funder hidden, only public notes, redacted). Targets are the whole foundation's: a
    filtered or community view shows no status.
    """
    config = settings or settings_module.load()
    view = lens.view
    period = view.period
    filters = view.filters
    community = lens.community
    periods = view.periods
    # Compared with the period before on the chart (2023 before 2024), which reads as the board expects.
    trend = lens.series(USED)
    prior, now = (trend[-2] if len(trend) > 1 else {}), trend[-1]
    targets = lens.targets(USED)
    label = period.label
    before = periods[-2].label if len(periods) > 1 else period.prior.label
    scope = f" (filtered to {filters.describe()})" if filters.active else ""

    def number(metric_id: str, value=None, text: str | None = None) -> Number:
        metric = CATALOGUE[metric_id]
        value = now.get(metric_id) if value is None and text is None else value
        status = goals.status(metric, value, targets.get(metric_id)) if value not in MARKERS else None
        return (text or fmt.value(metric, value, config.currency, compact=True), metric.label, status)

    def chart(name: str) -> tuple[go.Figure | None, str]:
        drawn = catalogue.draw(name, lens)
        return drawn.figure, drawn.alt

    slides: list[Slide] = []

    # 1. Headline metrics against their targets.
    headline = [number(m) for m in HEADLINE]
    statuses = [s for _, _, s in headline if s is not None]
    if statuses:
        says = {"on_track": "{} on track", "watch": "{} to watch", "off_track": "{} off track"}
        counts = [(sum(s == kind for s in statuses), says[key]) for key, kind in goals.STATUSES.items()]
        parts = [w.format(n) for n, w in counts if n]
        first = next(n for n, _ in counts if n)
        parts[0] = parts[0].replace(" ", " is " if first == 1 else " are ", 1)
        finding = (
            f"Of the {len(statuses)} headline metrics with a target for {period.end.year}, "
            + ", ".join(parts[:-1])
            + (" and " if len(parts) > 1 else "")
            + parts[-1]
            + "."
        )
    else:
        why = "targets are the whole foundation's" if (filters.active or community) else "none is set"
        finding = f"The headline metrics for {label}{scope} have no targets to measure against: {why}."
    slides.append(Slide("Headline metrics against their targets", finding, numbers=headline))

    # 2. Funding and its concentration.
    inbound, funders = now.get("funding_inbound_total"), now.get("funding_partner_count")
    top = now.get("funding_top_partner_share")
    if inbound == HIDDEN:
        finding = (
            f"Funding for {label} is not shown here, so that a partner who asked not to be named is not shown "
            "on its own."
        )
    elif not inbound:
        finding = f"No funding from partners was recorded in {label}{scope}."
    else:
        moved = _change(inbound, prior.get("funding_inbound_total"), ("rose", "fell"), before)
        amount = fmt.money(inbound, config.currency, compact=True)
        finding = f"Funding from partners{scope} {moved + ' to ' if moved else 'was '}{amount} in {label}, from "
        finding += _count(funders, "partner")
        if top is not None and top not in MARKERS:
            finding += f"; the largest gave {_pct(top)} of it"
        finding += "."
    figure, alt = chart("funding")
    slides.append(Slide("Funding and its concentration", finding, figure=figure, chart="funding", alt=alt))

    # 3. Engagement and the patient's voice.
    touchpoints = now.get("engagement_count") or 0
    if not touchpoints:
        finding = f"No touchpoints with partners were recorded in {label}{scope}."
    else:
        moved = _change(touchpoints, prior.get("engagement_count"), ("up", "down"), before)
        patients = now.get("engagement_patient_participants")
        patients_said = (
            people_words(patients, "patient participants") if community else _count(patients, "patient participant")
        )
        finding = (
            f"We worked with partners{scope} {_count(touchpoints, 'time')} in {label}"
            f"{' (' + moved + ')' if moved else ''}, with {patients_said} and "
            f"{_count(now.get('engagement_patient_voice_count'), 'patient-voice session')}."
        )
    slides.append(Slide("Engagement and the patient's voice", finding, numbers=[number(m) for m in ENGAGEMENT]))

    # 4. Publications.
    papers = now.get("publication_count") or 0
    if not papers:
        finding = f"No publications appeared in {label}{scope}."
    else:
        moved = _change(papers, prior.get("publication_count"), ("up", "down"), before)
        finding = (
            f"{_count(papers, 'publication')}{scope} appeared in {label}{' (' + moved + ')' if moved else ''}, "
            f"{_pct(now.get('publication_open_access_share'))} of them open access."
        )
    figure, alt = chart("publications")
    slides.append(Slide("Publications", finding, figure=figure, chart="publications", alt=alt))

    # 5. Science progress and milestones.
    milestones = now.get("milestone_count") or 0
    if not milestones:
        finding = f"No science milestones were reached in {label}{scope}."
    else:
        finding = (
            f"{_count(milestones, 'milestone')}{scope} {'was' if milestones == 1 else 'were'} reached in {label}, "
            f"{int(now.get('milestone_clinical_count') or 0):,} of them clinical, with "
            f"{_count(now.get('approval_count'), 'approval')}."
        )
    figure, alt = chart("milestones")
    slides.append(Slide("Science progress and milestones", finding, figure=figure, chart="milestones", alt=alt))

    # 6. Partners that joined, deepened or lapsed.
    lapsed_rows = lens.rows("present_lapsed").frame
    lapsed = int(lapsed_rows["lapsed"].iloc[-1]) if len(lapsed_rows) else 0
    joined = int(now.get("partner_new_count") or 0)
    deep = now.get("relationship_longitudinal_share")
    finding = f"In {label}{scope}, {_count(joined, 'partner')} joined and {_count(lapsed, 'partner')} lapsed"
    finding += f"; {_pct(deep)} of relationships were longitudinal." if deep is not None else "."
    slides.append(
        Slide(
            "Partners that joined, deepened or lapsed",
            finding,
            numbers=[
                number("partner_new_count"),
                number("relationship_longitudinal_share"),
                (f"{lapsed:,}", f"Lapsed partners (active in {before}, not in {label})", None),
                number("partner_active_count"),
            ],
        )
    )

    # 7. The story behind the numbers; each note is also shown on the slide of its metric (at most two there).
    found = lens.notes()
    items = [f"{CATALOGUE[n.metric_id].label}: {n.text}" for n in found if n.metric_id in CATALOGUE]
    for i, group in enumerate((HEADLINE, FUNDING, ENGAGEMENT, PUBLICATIONS, SCIENCE, PARTNERS)):
        own = [f"{CATALOGUE[n.metric_id].label}: {n.text}" for n in found if n.metric_id in group]
        if own and i < len(slides):
            slides[i] = replace(slides[i], items=own[:2])
    finding = f"{_count(len(items), 'note')} from the team on {label}." if items else NO_NOTES
    slides.append(Slide("The story behind the numbers", finding, items=items))
    return slides


# ---------------------------------------------------------------------------------------------------------------
# Look: the same classes and sizes on the screen and in the board pack


THEMES = {
    False: {"bg": "#FFFFFF", "fg": "#1F2933", "muted": "#5B6573", "rule": "#E4E8EE", "card": "#F4F6F9"},
    True: {"bg": "#0E1117", "fg": "#E6EAF0", "muted": "#A3ACB9", "rule": "#2B313B", "card": "#1A1F29"},
}


def css(dark: bool = False) -> str:
    """The slides' style: large type that reads from the back of a room (body 32 px, numbers 96 px)."""
    t = THEMES[dark]
    font = settings_module.load().brand.font
    return f"""
.slide {{ font-family: {font}; color: {t["fg"]}; background: {t["bg"]}; box-sizing: border-box; }}
.slide-head {{ display: flex; justify-content: space-between; align-items: baseline; gap: 32px; }}
.slide-title {{ font-size: 56px; font-weight: 700; line-height: 1.15; margin: 0 0 16px 0; color: {t["fg"]}; }}
.slide-counter {{ font-size: 28px; color: {t["muted"]}; white-space: nowrap; }}
.slide-finding {{ font-size: 40px; line-height: 1.3; margin: 0 0 40px 0; color: {t["fg"]}; }}
.slide-numbers {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 32px; }}
.slide-card {{ background: {t["card"]}; border-radius: 16px; padding: 28px 32px; }}
.slide-number {{ font-size: 96px; font-weight: 700; line-height: 1.05; color: {t["fg"]}; }}
.slide-label {{ font-size: 28px; line-height: 1.25; color: {t["muted"]}; margin-top: 8px; }}
.slide-status {{ font-size: 28px; font-weight: 700; margin-top: 12px; }}
.slide-notes {{ font-size: 32px; line-height: 1.35; margin: 0; padding-left: 1.2em; }}
.slide-notes li {{ margin-bottom: 20px; }}
.slide-body {{ font-size: 32px; line-height: 1.35; }}
.slide-chart svg {{ display: block; width: 100%; height: 100%; }}
"""


def _status_html(status: Status | None) -> Markup:
    if status is None:
        return Markup("")
    return Markup('<div class="slide-status" style="color: {}">{}</div>').format(status.colour, status.text)


def fragment(slide: Slide, index: int, total: int) -> Markup:
    """The slide's text as HTML: the title, its counter, the finding, and its numbers or notes (not the chart)."""
    parts = [
        Markup(
            '<div class="slide-head"><h1 class="slide-title">{}</h1><div class="slide-counter">{}</div></div>'
        ).format(slide.title, f"{index} / {total}"),
        Markup('<p class="slide-finding">{}</p>').format(slide.finding),
    ]
    if slide.numbers:
        cards = Markup("").join(
            Markup(
                '<div class="slide-card"><div class="slide-number">{}</div><div class="slide-label">{}</div>{}</div>'
            ).format(value, label, _status_html(status))
            for value, label, status in slide.numbers
        )
        parts.append(Markup('<div class="slide-numbers">{}</div>').format(cards))
    if slide.items:
        parts.append(
            Markup('<ul class="slide-notes">{}</ul>').format(
                Markup("").join(Markup("<li>{}</li>").format(item) for item in slide.items)
            )
        )
    return Markup("").join(parts)


def _scalable(svg: str) -> str:
    """The SVG drawn to the size of its box: a viewBox in place of its fixed width and height."""
    match = re.search(r'<svg[^>]*?\swidth="([\d.]+)"\s+height="([\d.]+)"', svg)
    if not match:
        return svg
    w, h = match.group(1), match.group(2)
    head = match.group(0).replace(f'width="{w}"', f'viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMid meet"')
    head = head.replace(f'height="{h}"', 'width="100%" height="100%"')
    return svg.replace(match.group(0), head, 1)


def html(slides: list[Slide], svgs: list[str | None], view: View) -> str:
    """The board pack as one self-contained HTML document: one 16:9 page per slide; an internal pack says so on
    every page."""
    config = settings_module.load()
    return ENV.get_template("slides.html.j2").render(
        slides=[
            (fragment(s, i, len(slides)), Markup(_scalable(svg)) if svg else None, s.alt)
            for i, (s, svg) in enumerate(zip(slides, svgs, strict=True), start=1)
        ],
        css=Markup(css(False)),
        width=WIDTH,
        height=HEIGHT,
        name=config.name,
        period=view.period,
        logo=logo_data_uri(config.logo),
        internal=None if view.community else INTERNAL,
    )


def board_pack(lens: Lens, out: Path) -> Path:
    """Prints the lens's slides as a PDF: one landscape 16:9 page per slide, the charts as inline SVG at the
    slides' scale."""
    from charts import export

    slides = build(lens)
    svgs = [
        export.image(s.figure, "slide-chart", "svg").decode("utf-8") if s.figure is not None else None for s in slides
    ]
    return printer.pdf(html(slides, svgs, lens.view), Path(out), size=(f"{WIDTH}px", f"{HEIGHT}px"))


def board_pack_bytes(db: Path | str, view: View) -> bytes:
    """The board pack's PDF for the view as bytes, read from the database at db."""
    from store import database

    with tempfile.TemporaryDirectory() as tmp, database.read(db) as con:
        out = board_pack(Lens(Direct(con), view, USED), Path(tmp) / "board-pack.pdf")
        return out.read_bytes()
