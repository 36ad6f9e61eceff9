"""The Present page in Debian's Chromium: every slide fits the screen at 1366×768 and 1920×1080 with the controls in
one place, the keys move through the deck and ask for full screen, a filtered deck says so, statuses show targets."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from playwright.sync_api import expect

from store import notes
from tests.browser import browser_marks, streamlit_server, wait_for_app
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
SIZES = [(1366, 768), (1920, 1080)]
TOTAL = 7
LONG = (
    "The second tranche of the grant arrived in January rather than December, so the year reads lower than the "
    "agreement; the board approved the timing in October and the partner confirmed the amount in writing."
)
pytestmark = browser_marks()

# Every box a slide shows (its text, cards, notes and chart) and every control, as [left, top, right, bottom].
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const content = [...document.querySelectorAll(
    '.slide-title, .slide-counter, .slide-scope, .slide-finding, .slide-card, .slide-notes li, ' +
    '.js-plotly-plot .main-svg'
  )].filter(shown);
  const controls = [...document.querySelectorAll(
    '.st-key-present_controls button, .st-key-present_controls a, .st-key-present_controls label'
  )].filter(shown);
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    content: content.map((e) => [e.className.baseVal ?? e.className, ...box(e)]),
    controls: controls.map(box),
    bar: box(document.querySelector('.st-key-present_controls')),
    overflowing: [
      ...[...document.querySelectorAll('.slide-card')].filter((e) => e.scrollHeight > e.clientHeight + 1),
      ...[...document.querySelectorAll('.slide-card, .slide-number, .slide-finding, .slide-title')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1),
    ].map((e) => e.className + ': ' + e.textContent.slice(0, 40)),
    scroll: [document.documentElement.scrollHeight, innerHeight, main.scrollHeight, main.clientHeight],
    ticks: [...document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text')]
      .map((t) => parseFloat(getComputedStyle(t).fontSize)),
  };
}"""


@pytest.fixture(scope="module")
def noted_db(sample_db, tmp_path_factory):
    """The sample foundation with two notes (one long) on the funding and the engagement slides' metrics, and one
    more, for the last full year: the slides with the most text."""
    db = tmp_path_factory.mktemp("present") / "noted.duckdb"
    shutil.copy(sample_db, db)
    year = (date(2025, 1, 1), date(2025, 12, 31))
    notes.add_note(db, "funding_inbound_total", *year, LONG)
    notes.add_note(db, "funding_hhi", *year, "Concentration fell as three mid-sized partners renewed their grants.")
    notes.add_note(db, "engagement_count", *year, "Two retreats moved online after the venue closed.")
    notes.add_note(db, "engagement_patient_participants", *year, LONG)
    notes.add_note(db, "publication_count", *year, "Two journals were slow to review.")
    return db


@pytest.fixture(scope="module")
def served(noted_db):
    with streamlit_server(noted_db) as url:
        yield url


def open_slide(page, url: str) -> None:
    """Opens a link to a slide and waits until the slide and its chart (if any) are drawn."""
    page.goto(url)
    wait_for_app(page)
    page.locator(".slide-counter").wait_for()
    if page.locator(".stPlotlyChart").count():
        page.locator(".js-plotly-plot .xtick").first.wait_for(timeout=60_000)
    wait_for_app(page)


def counter(page) -> str:
    return page.locator(".slide-counter").inner_text()


def inside(box, width: int, height: int) -> bool:
    left, top, right, bottom = box[-4:]
    return left >= -0.5 and top >= -0.5 and right <= width + 0.5 and bottom <= height + 0.5


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_every_slide_fits_the_screen_with_the_controls_in_one_place(served, chromium, size):
    width, height = size
    page = chromium.new_page(viewport={"width": width, "height": height})
    bars = []
    for n in range(1, TOTAL + 1):
        open_slide(page, f"{served}/present?period=year&year=2025&slide={n}")
        assert counter(page) == f"{n} / {TOTAL}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"present-{n}-{width}x{height}.png")
        found = page.evaluate(BOXES)
        document, window, main, shown = found["scroll"]
        assert document <= window and main <= shown, f"slide {n} scrolls: {found['scroll']}"
        assert found["content"] and len(found["controls"]) >= 5
        for box in found["content"] + found["controls"]:
            assert inside(box, width, height), f"slide {n}: {box} is outside {width}×{height}"
        assert not found["overflowing"], f"slide {n}: text overflows its box: {found['overflowing']}"
        for box in found["content"]:
            assert not overlap(box[-4:], found["bar"]), f"slide {n}: the controls cover {box}"
        if width == 1920 and found["ticks"]:
            assert min(found["ticks"]) >= 24, f"slide {n}: axis text of {min(found['ticks'])} px"
        bars.append([round(v) for v in found["bar"]])
    assert all(bar == bars[0] for bar in bars), bars
    page.close()


def test_the_keys_move_through_the_deck(served, chromium):
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    open_slide(page, f"{served}/present?period=year&year=2025&slide=1")
    for key, n in [("ArrowRight", 2), ("PageDown", 3), ("Space", 4), ("ArrowLeft", 3), ("PageUp", 2)]:
        page.keyboard.press(key)
        expect(page.locator(".slide-counter")).to_have_text(f"{n} / {TOTAL}")
        expect(page).to_have_url(re.compile(rf"slide={n}(&|$)"))
        wait_for_app(page)
    # Space after a click on Next (which keeps the focus) moves one slide, not two.
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".slide-counter")).to_have_text(f"3 / {TOTAL}")
    wait_for_app(page)
    page.keyboard.press("Space")
    expect(page.locator(".slide-counter")).to_have_text(f"4 / {TOTAL}")
    wait_for_app(page)
    assert counter(page) == f"4 / {TOTAL}" and re.search(r"slide=4(&|$)", page.url)
    page.keyboard.press("ArrowLeft")  # Previous and the first slide: no further than 1
    expect(page.locator(".slide-counter")).to_have_text(f"3 / {TOTAL}")
    page.close()


def test_f_asks_for_full_screen_and_f_again_leaves_it(served, chromium):
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    open_slide(page, f"{served}/present?period=year&year=2025&slide=2")
    state = "() => document.documentElement.dataset.presentFullscreen || null"
    assert page.evaluate(state) is None
    page.keyboard.press("f")
    page.wait_for_function(f"({state})() !== 'requested'")
    # Headless Chromium grants full screen to a key press; were it refused, the page says so and stays usable.
    assert page.evaluate(state) == "on"
    assert page.evaluate("() => document.fullscreenElement === document.documentElement")
    page.keyboard.press("F")
    page.wait_for_function("() => document.fullscreenElement === null")
    assert page.evaluate(state) == "exit"
    assert counter(page) == f"2 / {TOTAL}"  # the keys change nothing else
    page.close()


def test_a_filtered_deck_says_so_where_its_numbers_are(served, chromium):
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    for n in (1, 2, 3):
        open_slide(page, f"{served}/present?period=year&year=2025&sector=pharma&slide={n}")
        scope = page.locator(".slide-scope")
        expect(scope).to_have_text(re.compile(r"^Filtered to sector pharma"))
        box = scope.bounding_box()
        assert box and box["y"] + box["height"] <= 768
        title = page.locator(".slide-title").bounding_box()
        finding = page.locator(".slide-finding").bounding_box()
        assert title["y"] < box["y"] < finding["y"]  # right under the title, above the finding and its numbers
    assert "filtered to sector pharma" in page.locator(".slide-finding").inner_text()
    page.close()


def test_statuses_show_their_target(served, chromium):
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    open_slide(page, f"{served}/present?period=year&year=2025&slide=1")
    statuses = page.locator(".slide-status").all_inner_texts()
    assert statuses and all(re.match(r"^[●▲■] (On track|Watch|Off track) · target ", s) for s in statuses), statuses
    page.close()


def test_slides_read_from_the_back_of_the_room_in_either_theme(served, chromium):
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    open_slide(page, f"{served}/present?period=year&year=2025&slide=1")
    size = "(selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)"
    assert page.evaluate(size, ".slide-number") >= 72
    assert page.evaluate(size, ".slide-label") >= 28
    assert page.evaluate(size, ".slide-finding") >= 28
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    open_slide(page, f"{served}/present?period=year&year=2025&slide=3&theme=dark")
    assert counter(page) == f"3 / {TOTAL}"
    slide = "() => getComputedStyle(document.querySelector('.st-key-present_slide')).backgroundColor"
    background = page.evaluate(slide)
    assert background == "rgb(14, 17, 23)"
    page.screenshot(path=ARTIFACTS / "present-3-dark-1920x1080.png")
    page.close()


# Each selector of Present's own style rules that names Streamlit's markup (a data-testid, an st* class), and
# whether it matches an element of the page as drawn now (hidden ones included).
STREAMLIT_SELECTORS = r"""() => {
  const style = [...document.querySelectorAll('style')].find((s) => s.textContent.includes('.st-key-present_slide'));
  const split = (text) => {
    const parts = [];
    let depth = 0, start = 0;
    [...text].forEach((c, i) => {
      depth += c === '(' ? 1 : c === ')' ? -1 : 0;
      if (c === ',' && depth === 0) { parts.push(text.slice(start, i).trim()); start = i + 1; }
    });
    return [...parts, text.slice(start).trim()];
  };
  const selectors = [...style.sheet.cssRules].flatMap((rule) => (rule.selectorText ? split(rule.selectorText) : []));
  return Object.fromEntries(
    selectors.filter((s) => /data-testid|\.st[A-Z]/.test(s)).map((s) => [s, document.querySelector(s) !== null])
  );
}"""


def test_each_style_on_streamlit_markup_matches_an_element_of_some_slide(served, chromium):
    matched: dict[str, bool] = {}
    # Every slide wide, and one narrow enough that Streamlit folds the sidebar away (its button to open it shows).
    for size, slides in [((1366, 768), range(1, TOTAL + 1)), ((640, 800), [1])]:
        page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
        for n in slides:
            open_slide(page, f"{served}/present?period=year&year=2025&slide={n}")
            for selector, found in page.evaluate(STREAMLIT_SELECTORS).items():
                matched[selector] = matched.get(selector, False) or found
        page.close()
    assert len(matched) >= 10  # the rules were found and read
    unmatched = [s for s, found in matched.items() if not found]
    assert unmatched == [], f"pages/present.py styles what this Streamlit no longer draws: {unmatched}"
