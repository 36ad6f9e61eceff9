"""Slides for board meetings: one message each (a chart or a set of numbers, and one sentence stating the finding),
built as plain data from a Lens (through the community gate in the community-safe view), shown by the Present page
and printed as the board pack (one 16:9 page per slide)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import plotly.graph_objects as go
from markupsafe import Markup

import settings as settings_module
from charts import catalogue, export
from charts.funding import hhi_band
from community.rules import HIDDEN, MARKERS, people_words
from exports import INTERNAL
from lens import Direct, Lens, View
from metrics import CATALOGUE, HEADLINE
from metrics import format as fmt
from metrics import targets as goals
from metrics.targets import Status
from reports import pdf as printer
from reports.render import ENV, logo_data_uri
from store import database

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
STORY_NOTES = 6  # notes on the story slide, the newest; more would not read from the back of the room


class Number(NamedTuple):
    """A number on a slide: its value as read, its label, its status against the target and the target ("target
    $5.5M"), both only where a target applies to the period."""

    value: str
    label: str
    status: Status | None = None
    target: str = ""


@dataclass(frozen=True)
class Slide:
    """One slide: its title, the one sentence stating its finding, a set of numbers or a chart (by its name in
    the chart catalogue, drawn for the slide's view), and (on the story slide) the notes from the team."""

    title: str
    finding: str
    scope: str = ""  # a filtered view says so under the title: "Filtered to sector pharma · ..."
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
    filtered or community view shows no status, and a filtered one says so on every slide.
    """
    config = settings or settings_module.load()
    view = lens.view
    period = view.period
    filters = view.filters
    community = lens.community
    # Compared with the view's baseline: the prior period (2024 before 2025, read from the trend already there), or
    # the same period a year earlier.
    now = lens.series(USED)[-1]
    prior = lens.prior(USED)
    targets = lens.targets(USED)
    said = lens.caveats(USED)  # the gate's sentence for a statistic worked out from the published cells

    def caveat(metric_ids: list[str]) -> str:
        return "".join(f" {s}" for s in dict.fromkeys(said[m] for m in metric_ids if m in said))

    label = period.label
    before = view.baseline.label
    scope = f" (filtered to {filters.describe()})" if filters.active else ""
    scope_line = f"Filtered to {filters.describe()} · not the whole foundation's numbers" if filters.active else ""

    def number(metric_id: str) -> Number:
        metric, value, target = CATALOGUE[metric_id], now.get(metric_id), targets.get(metric_id)
        status = goals.status(metric, value, target) if value not in MARKERS else None
        shown = fmt.value(metric, value, config.currency, compact=True)
        return Number(
            shown,
            metric.label,
            status,
            goals.target_text(metric, target, config.currency) if target is not None else "",
        )

    def chart(name: str) -> tuple[go.Figure | None, str]:
        drawn = catalogue.draw(name, lens)
        return drawn.figure, drawn.alt

    slides: list[Slide] = []

    # 1. Headline metrics against their targets.
    headline = [number(m) for m in HEADLINE]
    statuses = [n.status for n in headline if n.status is not None]
    if statuses:
        says = {"on_track": "{} on track", "watch": "{} to watch", "off_track": "{} off track"}
        counts = [(sum(s == kind for s in statuses), says[key]) for key, kind in goals.STATUSES.items()]
        parts = [w.format(n) for n, w in counts if n]
        first = next(n for n, _ in counts if n)
        parts[0] = parts[0].replace(" ", " is " if first == 1 else " are ", 1)
        finding = (
            f"Of the {len(statuses)} headline metrics with a target for {label}, "
            + ", ".join(parts[:-1])
            + (" and " if len(parts) > 1 else "")
            + parts[-1]
            + "."
        )
    else:
        why = "targets are the whole foundation's" if (filters.active or community) else "none is set"
        finding = f"The headline metrics for {label}{scope} have no targets to measure against: {why}."
    finding += caveat(list(HEADLINE))
    slides.append(Slide("Headline metrics against their targets", finding, numbers=headline))

    # 2. Funding and its concentration (the HHI, in its band), or funding alone when the HHI is not shown.
    inbound, funders = now.get("funding_inbound_total"), now.get("funding_partner_count")
    top, hhi = now.get("funding_top_partner_share"), now.get("funding_hhi")
    concentrated = bool(inbound) and inbound not in MARKERS and hhi is not None and hhi not in MARKERS
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
        if concentrated:
            finding += f"{', and' if top is not None and top not in MARKERS else ';'} at an HHI of {hhi:,.0f}"
            finding += f" funding is {hhi_band(hhi)}"
        finding += "." + caveat(FUNDING)
    figure, alt = chart("funding")
    title = "Funding and its concentration" if concentrated else "Funding from partners"
    slides.append(Slide(title, finding, figure=figure, chart="funding", alt=alt))

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
                Number(f"{lapsed:,}", f"Lapsed partners (active in {before}, not in {label})"),
                number("partner_active_count"),
            ],
        )
    )

    # 7. The story behind the numbers, the period's notes (each also on the slide of its metric, at most two
    # there); without notes, the deck's findings in brief, to close on.
    found = lens.notes()
    items = [f"{CATALOGUE[n.metric_id].label}: {n.text}" for n in found if n.metric_id in CATALOGUE]
    for i, group in enumerate((HEADLINE, FUNDING, ENGAGEMENT, PUBLICATIONS, SCIENCE, PARTNERS)):
        own = [f"{CATALOGUE[n.metric_id].label}: {n.text}" for n in found if n.metric_id in group]
        if own and i < len(slides):
            slides[i] = replace(slides[i], items=own[:2])
    if items:
        finding = f"{_count(len(items), 'note')} from the team on {label}{scope}"
        finding += f", the {STORY_NOTES} newest here." if len(items) > STORY_NOTES else "."
        slides.append(Slide("The story behind the numbers", finding, items=items[:STORY_NOTES]))
    else:
        finding = f"What the numbers say about {label}{scope}, for discussion; the team added no notes on it."
        slides.append(Slide(f"{label} in brief", finding, items=[s.finding for s in slides]))
    return [replace(s, scope=scope_line) for s in slides]


# ---------------------------------------------------------------------------------------------------------------
# Look: the same classes and sizes on the screen and in the board pack


THEMES = {
    False: {"bg": "#FFFFFF", "fg": "#1F2933", "muted": "#5B6573", "rule": "#E4E8EE", "card": "#F4F6F9"},
    True: {"bg": "#0E1117", "fg": "#E6EAF0", "muted": "#A3ACB9", "rule": "#2B313B", "card": "#1A1F29"},
}


PACK_UNIT = "1px"  # the board pack's page is the 1920×1080 slide itself


def css(dark: bool = False, unit: str = PACK_UNIT) -> str:
    """The slides' style: large type that reads from the back of a room (at 1920×1080: finding 40 px, numbers
    104 px and up), every size a multiple of unit, the CSS length of one pixel of a 1920×1080 slide (the Present
    page's follows the screen, so that a slide fits any screen as it fits 1920×1080)."""
    t = THEMES[dark]
    font = settings_module.load().brand.font

    def u(n: float) -> str:
        return f"calc({n} * var(--slide-u))"

    return f"""
:root {{ --slide-u: {unit}; }}
.slide {{ font-family: {font}; color: {t["fg"]}; background: {t["bg"]}; box-sizing: border-box;
  display: flex; flex-direction: column; min-height: 0; }}
.slide-head {{ display: flex; justify-content: space-between; align-items: baseline; gap: {u(32)}; }}
.slide-title {{ font-size: {u(56)}; font-weight: 700; line-height: 1.15; margin: 0 0 {u(12)} 0; padding: 0;
  color: {t["fg"]}; }}
.slide-counter {{ font-size: {u(28)}; color: {t["muted"]}; white-space: nowrap; }}
.slide-scope {{ align-self: flex-start; font-size: {u(28)}; font-weight: 700; line-height: 1.3; color: {t["fg"]};
  background: {t["card"]}; border-left: {u(8)} solid {t["muted"]}; padding: {u(6)} {u(16)}; margin: 0 0 {u(16)} 0; }}
.slide-finding {{ font-size: {u(40)}; line-height: 1.3; margin: 0 0 {u(28)} 0; color: {t["fg"]}; }}
.slide-numbers {{ flex: 1 1 auto; min-height: 0; max-height: {u(720)}; display: grid; gap: {u(32)};
  grid-template-columns: repeat(4, minmax(0, 1fr)); grid-auto-rows: minmax(0, 1fr); --number: {u(104)}; }}
.slide-numbers.two {{ grid-template-columns: repeat(2, minmax(0, 1fr)); --number: {u(136)}; }}
.slide-card {{ background: {t["card"]}; border-radius: {u(16)}; padding: {u(24)} {u(32)}; min-height: 0;
  display: flex; flex-direction: column; justify-content: center; container-type: inline-size; }}
.slide-number {{ font-size: min(var(--number), 25cqi); font-weight: 700; line-height: 1.05; white-space: nowrap;
  color: {t["fg"]}; }}
.slide-label {{ font-size: {u(30)}; line-height: 1.25; color: {t["muted"]}; margin-top: {u(8)}; }}
.slide-status {{ font-size: {u(28)}; line-height: 1.3; margin-top: {u(10)}; }}
.slide-status b {{ font-weight: 700; }}
.slide-target {{ color: {t["fg"]}; white-space: nowrap; }}
.slide-notes {{ font-size: {u(36)}; line-height: 1.35; margin: 0; padding-left: 1.2em; }}
.slide-notes li {{ margin-bottom: {u(24)}; }}
.slide-notes li > span {{ overflow: hidden; display: -webkit-box; -webkit-box-orient: vertical;
  -webkit-line-clamp: 3; }}
.slide-notes.aside {{ font-size: {u(28)}; margin-top: {u(24)}; flex: none; }}
.slide-notes.aside li {{ margin-bottom: {u(8)}; }}
.slide-notes.aside li > span {{ -webkit-line-clamp: 2; }}
.slide-body {{ font-size: {u(32)}; line-height: 1.35; }}
.slide-chart svg {{ display: block; width: 100%; height: 100%; }}
"""


def _status_html(number: Number) -> Markup:
    """ "● On track · target $5.5M": the status in words and shape (its colour only repeats them), then the target."""
    if number.status is None and not number.target:
        return Markup("")
    status = number.status
    words = Markup('<b style="color: {}">{}</b> · ').format(status.colour, status.text) if status else Markup("")
    target = number.target[:1].upper() + number.target[1:] if status is None else number.target
    return Markup('<div class="slide-status">{}<span class="slide-target">{}</span></div>').format(words, target)


def notes_list(slide: Slide) -> Markup:
    """The slide's notes as a list: the story slide's, or (two at most, shorter) those on a metric's slide."""
    if not slide.items:
        return Markup("")
    kind = "story" if not (slide.numbers or slide.chart) else "aside"
    return Markup('<ul class="slide-notes {}">{}</ul>').format(
        kind, Markup("").join(Markup("<li><span>{}</span></li>").format(item) for item in slide.items)
    )


def fragment(slide: Slide, index: int, total: int, *, notes: bool = True) -> Markup:
    """The slide's text as HTML: the title, its counter, the filter it is read through, the finding, and its
    numbers and (unless notes is False) its notes; not the chart."""
    parts = [
        Markup(
            '<div class="slide-head"><h1 class="slide-title">{}</h1><div class="slide-counter">{}</div></div>'
        ).format(slide.title, f"{index} / {total}"),
    ]
    if slide.scope:
        parts.append(Markup('<p class="slide-scope">{}</p>').format(slide.scope))
    parts.append(Markup('<p class="slide-finding">{}</p>').format(slide.finding))
    if slide.numbers:
        cards = Markup("").join(
            Markup(
                '<div class="slide-card"><div class="slide-number">{}</div><div class="slide-label">{}</div>{}</div>'
            ).format(n.value, n.label, _status_html(n))
            for n in slide.numbers
        )
        layout = "" if len(slide.numbers) > 4 else " two"
        parts.append(Markup('<div class="slide-numbers{}">{}</div>').format(layout, cards))
    if notes:
        parts.append(notes_list(slide))
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
    slides = build(lens)
    svgs = [
        export.image(s.figure, "slide-chart", "svg").decode("utf-8") if s.figure is not None else None for s in slides
    ]
    return printer.pdf(html(slides, svgs, lens.view), Path(out), size=(f"{WIDTH}px", f"{HEIGHT}px"))


def board_pack_bytes(db: Path | str, view: View) -> bytes:
    """The board pack's PDF for the view as bytes, read from the database at db."""
    with tempfile.TemporaryDirectory() as tmp, database.read(db) as con:
        out = board_pack(Lens(Direct(con), view, USED), Path(tmp) / "board-pack.pdf")
        return out.read_bytes()
