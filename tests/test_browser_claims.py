"""Each section page shows the page's statements with their verdicts, in a real browser
(Debian's Chromium, the server of ``test_browser_portal``), in both languages: screenshots of
the claims block go to ``tests/artifacts/``, and axe-core finds nothing serious on the page."""

from __future__ import annotations

import pytest

from canus.claims.display import portal_section
from canus.claims.models import load_claims
from canus.web.page import sections
from tests.test_browser_portal import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    AXE,
    _axe,
    axe_present,
    browser_context,
    page,
    pytestmark,
    server,
)

WITH_CLAIMS = sorted({portal_section(c.section) for c in load_claims()})
CASES = [(s, lang) for lang in ("en", "fr") for s in WITH_CLAIMS]


@pytest.mark.parametrize(("section_id", "lang"), CASES, ids=[f"{lang}-{s}" for s, lang in CASES])
def test_section_claims_in_browser(
    server: str,  # noqa: F811
    page: tuple[object, object],  # noqa: F811
    section_id: str,
    lang: str,
) -> None:
    pg, watch = page
    # The first page a fresh server builds warms every section: give it time on a busy machine.
    response = pg.goto(
        server + sections.path_for(section_id, lang),
        wait_until="load",  # type: ignore[attr-defined]
        timeout=180_000,
    )
    assert response.status == 200
    block = pg.locator("section.section-claims")  # type: ignore[attr-defined]
    assert block.count() == 1
    expected = {c.id for c in load_claims() if portal_section(c.section) == section_id}
    items = block.locator("li.section-claim")
    assert items.count() == len(expected)
    for i in range(items.count()):
        item = items.nth(i)
        badge = item.locator("a.verdict-badge")
        assert badge.count() == 1 and badge.is_visible()
        # The verdict is said in words and with an icon, not by colour alone.
        assert badge.inner_text().strip() and item.locator(".verdict-icon").count() == 1
        href = item.locator("p.claim-link a").get_attribute("href")
        assert href.split("/")[-1] in expected
    # The table of contents reaches the block.
    assert pg.locator("nav.toc a[href='#page-claims']").count() == 1  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    block.screenshot(path=str(ARTIFACTS / f"claims-{lang}-{section_id}.png"))
    if axe_present():
        assert _axe(pg) == []
    # Following the link opens the claim's own page.
    first = items.first.locator("p.claim-link a")
    first.click()
    pg.wait_for_load_state("load")  # type: ignore[attr-defined]
    assert pg.locator("h1").count() == 1  # type: ignore[attr-defined]
    assert watch.errors == [] and watch.outside == []  # type: ignore[attr-defined]
