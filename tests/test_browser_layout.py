"""Every page at phone and desktop widths, in both languages, in Debian's Chromium.

At 320, 390 and 1280 px, English and French, each page of the portal (tests/portal_pages.py):
nothing makes the document wider than the screen, axe-core finds no serious or critical
violation, no request leaves 127.0.0.1, and a screenshot goes to ``tests/artifacts/``. At
1280 px the DOM is checked too: every figure element (key figure, home card, chart, map) shows
a source and a date. Also: the embed view fits the suggested 700 × 520 frame with title, chart,
source and date visible, and ``/api/docs`` renders with no network.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.portal_pages import page_paths
from tests.test_browser_portal import ARTIFACTS, AXE, CHROMIUM, Watch, _axe
from tests.test_browser_portal import browser_context as browser_context
from tests.test_browser_portal import server as server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (/usr/bin/chromium); "
        "`make test` installs it when run as root (scripts/system-deps.sh)",
    ),
]

WIDTHS = (320, 390, 1280)
#: Figure elements and what each must carry: a visible source line with a date in it.
FIGURES = "li.figure, p.figure, figure.chart, figure.map-figure"
FIGURES_WITHOUT_SOURCE = f"""() => [...document.querySelectorAll({FIGURES!r})].filter(el => {{
  const src = el.querySelector('.fig-source');
  const date = el.querySelector('.fig-source .fig-date');
  return !src || !src.textContent.trim() || !date || !date.textContent.trim() || src.offsetParent === null;
}}).map(el => (el.id || el.className) + ': ' + el.textContent.trim().slice(0, 80))"""


@pytest.fixture
def tab(browser_context: object) -> Iterator[tuple[object, Watch]]:
    pg = browser_context.new_page()  # type: ignore[attr-defined]
    # Two shared cores: a page built for the first time can take a while.
    pg.set_default_timeout(120_000)  # type: ignore[attr-defined]
    watch = Watch(pg)
    yield pg, watch
    pg.close()


def _slug(path: str) -> str:
    return path.strip("/").replace("/", "_") or "home"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_fits_the_screen_and_passes_axe(
    server: str, tab: tuple[object, Watch], lang: str, width: int
) -> None:
    pg, watch = tab
    pg.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for path in page_paths(lang):
        before = len(watch.errors)
        response = pg.goto(server + path, wait_until="load")  # type: ignore[attr-defined]
        # A declared chart whose sources the fixture warehouse lacks answers an honest 404 page,
        # which must fit the screen and pass axe like any other.
        chart_without_data = response.status == 404 and ("/charts/" in path or "/graphiques/" in path)
        if chart_without_data:
            # The browser logs the document's own 404; nothing else on that page may fail.
            own = next((i for i in range(before, len(watch.errors)) if "status of 404" in watch.errors[i]), None)
            if own is not None:
                del watch.errors[own]
        if response.status != 200 and not chart_without_data:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        pg.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        scroll = pg.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        inner = pg.evaluate("document.documentElement.clientWidth")  # type: ignore[attr-defined]
        if scroll > inner:
            wide = pg.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className)""")  # type: ignore[attr-defined]
            problems.append(f"{path}: {scroll} px wide in a {inner} px screen ({wide})")
        pg.screenshot(
            path=str(ARTIFACTS / f"{lang}-{width}-{_slug(urlsplit(path).path)}.png"),  # type: ignore[attr-defined]
            full_page=True,
        )
        if width == 1280:
            missing = pg.evaluate(FIGURES_WITHOUT_SOURCE)  # type: ignore[attr-defined]
            problems += [f"{path}: figure without source or date: {m}" for m in missing]
        if AXE.exists():
            problems += [f"{path}: axe {v['id']} ({v['impact']}): {v['nodes']}" for v in _axe(pg)]
    assert problems == [], "\n".join(problems)
    assert watch.outside == [], watch.outside
    assert watch.errors == [], watch.errors


def test_every_figure_element_has_a_source_and_a_date(server: str, tab: tuple[object, Watch]) -> None:
    # Pages with figures in the fixture data: the check above would pass on an empty page.
    pg, _watch = tab
    counted = 0
    for path in ("/en/", "/fr/", "/en/border", "/fr/energie", "/en/environment", "/fr/frontiere"):
        pg.goto(server + path, wait_until="load")  # type: ignore[attr-defined]
        counted += pg.locator(FIGURES).count()  # type: ignore[attr-defined]
        assert pg.evaluate(FIGURES_WITHOUT_SOURCE) == [], path  # type: ignore[attr-defined]
    assert counted >= 10


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_embed_view_fits_its_frame(server: str, tab: tuple[object, Watch], lang: str) -> None:
    pg, watch = tab
    pg.set_viewport_size({"width": 700, "height": 520})  # type: ignore[attr-defined]
    charts = "charts" if lang == "en" else "graphiques"
    pg.goto(f"{server}/{lang}/{charts}/border-people-per-day?embed=1", wait_until="load")  # type: ignore[attr-defined]
    pg.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / f"{lang}-embed-700x520.png"))  # type: ignore[attr-defined]
    for selector in ("h1", "figure.chart svg", ".fig-source", ".fig-source .fig-date"):
        box = pg.locator(selector).first.bounding_box()  # type: ignore[attr-defined]
        assert box is not None, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= 520, (selector, box)
        assert box["x"] + box["width"] <= 700, (selector, box)
    assert pg.locator("nav.toc").count() == 0  # type: ignore[attr-defined]
    assert watch.outside == []


def test_api_docs_render_offline(server: str, tab: tuple[object, Watch]) -> None:
    pg, watch = tab
    pg.goto(server + "/api/docs", wait_until="load")  # type: ignore[attr-defined]
    # Swagger UI draws one block per operation, with the human summaries.
    pg.wait_for_selector(".opblock", timeout=20_000)  # type: ignore[attr-defined]
    text = pg.locator("#swagger-ui").inner_text()  # type: ignore[attr-defined]
    assert "Every source with its licence and vintage" in text
    assert "A page as JSON" in text
    pg.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=True)  # type: ignore[attr-defined]
    assert watch.outside == [], watch.outside


@pytest.mark.parametrize(
    ("start", "other"),
    [("/fr/commerce/exposition", "/en/trade/exposure"), ("/en/trade/exposure", "/fr/commerce/exposition")],
)
def test_calculator_language_toggle(server: str, tab: tuple[object, Watch], start: str, other: str) -> None:
    pg, _watch = tab
    pg.goto(server + start, wait_until="load")  # type: ignore[attr-defined]
    pg.locator("nav.lang a").click()  # type: ignore[attr-defined]
    pg.wait_for_load_state("load")  # type: ignore[attr-defined]
    assert urlsplit(pg.url).path == other  # type: ignore[attr-defined]
    assert pg.locator("h1").count() == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_claims_register_shows_every_verdict_without_scrolling_sideways(
    server: str, tab: tuple[object, Watch], lang: str, width: int
) -> None:
    """A phone reads one card per claim, each value named; a desktop the whole table in its box."""
    from canus.web.page.sections import path_for

    pg, _watch = tab
    pg.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
    assert pg.goto(server + path_for("claims", lang), wait_until="load").status == 200  # type: ignore[attr-defined]
    layout = pg.evaluate("""() => {
      const table = document.querySelector('.claims-table'), box = table.closest('.table-wrap');
      const screen = document.documentElement.clientWidth;
      const verdicts = [...table.querySelectorAll('td.verdict')];
      return {
        box: [box.scrollWidth, box.clientWidth],
        verdicts: verdicts.length,
        offscreen: verdicts.filter(td => td.getBoundingClientRect().right > screen + 1).length,
        label: getComputedStyle(verdicts[0], '::before').content,
        display: getComputedStyle(table.querySelector('tr')).display,
      };
    }""")  # type: ignore[attr-defined]
    assert layout["verdicts"] > 0 and layout["offscreen"] == 0, layout
    assert layout["box"][0] <= layout["box"][1], layout
    if width < 600:
        word = "Verdict" + (": " if lang == "en" else "\u00a0: ")
        assert layout["display"] == "block" and layout["label"] == f'"{word}"', layout
    else:
        assert layout["display"] == "table-row" and layout["label"] == "none", layout
