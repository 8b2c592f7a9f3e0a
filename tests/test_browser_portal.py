"""The portal in a real browser: Debian's Chromium driven by Playwright, against a real server.

The warehouse is built by ``canus update`` from the fixture mirror (BTS and Natural Earth in
their publishers' formats), served by uvicorn on 127.0.0.1. Every request that leaves
127.0.0.1 is blocked and recorded, so a CDN dependency would fail the tests. Screenshots go
to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from canus.web.page import sections
from tests.web_helpers import MIRRORED, write_mirror

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_TOKEN = "browser-admin-token"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (/usr/bin/chromium); `make test` installs it "
        "when run as root (scripts/system-deps.sh)",
    ),
]

PAGES = [(s.id, lang) for lang in ("en", "fr") for s in sections.SECTIONS if s.in_nav] + [
    ("sources", "en"),
    ("sources", "fr"),
    ("feedback", "en"),
    ("feedback", "fr"),
    ("claims", "en"),
    ("claims", "fr"),
    ("editions", "en"),
    ("editions", "fr"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("portal")
    env = {
        **os.environ,
        "CANUS_HOME": str(base / "home"),
        "CANUS_MIRROR": str(base / "mirror"),
        "CANUS_ADMIN_TOKEN": ADMIN_TOKEN,
        "CANUS_LANG": "en",
    }
    write_mirror(base / "mirror")
    canus = Path(sys.executable).with_name("canus")
    done = subprocess.run([str(canus), "update", *MIRRORED], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "canus.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/version", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the portal did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield ctx
        ctx.close()


class Watch:
    """Console errors, page errors and any request that tries to leave loopback."""

    def __init__(self, page: object) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: self.errors.append(str(e)))  # type: ignore[attr-defined]
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]

        def route(r: object) -> None:
            host = urlsplit(r.request.url).hostname  # type: ignore[attr-defined]
            if host not in ("127.0.0.1", None) and not r.request.url.startswith("data:"):  # type: ignore[attr-defined]
                self.outside.append(r.request.url)  # type: ignore[attr-defined]
                r.abort()  # type: ignore[attr-defined]
            else:
                r.continue_()  # type: ignore[attr-defined]

        page.route("**/*", route)  # type: ignore[attr-defined]


@pytest.fixture
def page(browser_context: object) -> Iterator[tuple[object, Watch]]:
    pg = browser_context.new_page()  # type: ignore[attr-defined]
    watch = Watch(pg)
    yield pg, watch
    pg.close()


def axe_present() -> bool:
    """Whether the accessibility check can run. Under CI (``CI=true``) a missing axe-core is a
    failure, never a silently skipped check; elsewhere ``test_axe_is_available`` skips with
    the reason, so the gap shows in the summary."""
    if AXE.exists():
        return True
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"axe-core is absent ({AXE}) and CI=true: run `make test-node`")
    return False


def _axe(pg: object) -> list[dict]:
    # Evaluated by the test driver, not as an inline <script>: the site's CSP rightly refuses
    # inline scripts, and axe is the test's tool, not the page's.
    pg.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.axe = axe;")  # type: ignore[attr-defined]
    result = pg.evaluate(  # type: ignore[attr-defined]
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("section_id", "lang"), PAGES, ids=[f"{lang}-{s}" for s, lang in PAGES])
def test_page_in_browser(server: str, page: tuple[object, Watch], section_id: str, lang: str) -> None:
    pg, watch = page
    path = sections.path_for(section_id, lang)
    response = pg.goto(server + path, wait_until="load")  # type: ignore[attr-defined]
    assert response.status == 200
    path = urlsplit(pg.url).path  # type: ignore[attr-defined]  # after any redirect
    pg.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert pg.evaluate("document.documentElement.lang") == f"{lang}-CA"  # type: ignore[attr-defined]

    # "On this page": each link moves to its target.
    links = pg.locator("nav.toc a")  # type: ignore[attr-defined]
    # A page with sections (h2) lists them; a one-part page (a single table) needs no list.
    if pg.locator("main h2:not(#toc-h)").count():  # type: ignore[attr-defined]
        assert links.count() >= 1
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        assert pg.locator(f"[id='{href[1:]}']").count() == 1, href  # type: ignore[attr-defined]
    if links.count():
        last = links.nth(links.count() - 1)
        target = last.get_attribute("href")
        last.click()
        assert pg.evaluate("location.hash") == target  # type: ignore[attr-defined]

    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{lang}-{section_id}.png"), full_page=True)  # type: ignore[attr-defined]

    if axe_present():
        bad = _axe(pg)
        assert bad == [], bad

    # The language toggle lands on the same section in the other language.
    other = "fr" if lang == "en" else "en"
    pg.locator("nav.lang a").click()  # type: ignore[attr-defined]
    pg.wait_for_load_state("load")  # type: ignore[attr-defined]
    assert urlsplit(pg.url).path == sections.other_language_path(path)  # type: ignore[attr-defined]
    assert pg.evaluate("document.documentElement.lang") == f"{other}-CA"  # type: ignore[attr-defined]
    assert watch.errors == [], watch.errors
    assert watch.outside == [], watch.outside


def test_axe_is_available(page: tuple[object, Watch]) -> None:
    if not axe_present():
        pytest.skip(f"axe-core is absent ({AXE}); `make test-node` installs it from npm")
    pg, _ = page
    # A page with two known serious faults: axe must load, run and name both.
    pg.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'  # type: ignore[attr-defined]
        '<img src="data:,"><button></button></main></body></html>'
    )
    found = {v["id"] for v in _axe(pg)}
    assert {"image-alt", "button-name"} <= found, found


def test_charts_become_interactive_and_keep_table_download_embed(server: str, page: tuple[object, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/en/border")  # type: ignore[attr-defined]
    # Vega-Embed, served by the site itself, replaces the server SVG.
    pg.wait_for_selector("figure.chart[data-interactive='1']", timeout=20_000)  # type: ignore[attr-defined]
    figures = pg.locator("figure.chart")  # type: ignore[attr-defined]
    assert figures.count() == 3
    for i in range(figures.count()):
        fig = figures.nth(i)
        fig.locator("details.table summary").click()
        assert fig.locator("table.data tbody tr").count() >= 2
        csv_href = fig.locator("p.downloads a[download]").get_attribute("href")
        r = pg.request.get(server + csv_href)  # type: ignore[attr-defined]
        assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.text().splitlines()[0].startswith(("year", "rank"))
        json_href = fig.locator("p.downloads a").nth(1).get_attribute("href")
        assert pg.request.get(server + json_href).json()["rows"]  # type: ignore[attr-defined]
    # The embed page carries its own table and the iframe code, and the embed view loads.
    pg.locator("figure.chart").first.locator("p.downloads a").nth(2).click()  # type: ignore[attr-defined]
    pg.wait_for_load_state("load")  # type: ignore[attr-defined]
    code = pg.locator("#embed-code").input_value()  # type: ignore[attr-defined]
    assert "<iframe" in code and "?embed=1" in code
    assert pg.locator("table.data").count() == 1  # type: ignore[attr-defined]
    src = code.split('src="')[1].split('"')[0]
    # The address is absolute, so the code works pasted into another site.
    assert src.startswith(server + "/")
    r = pg.goto(src)  # type: ignore[attr-defined]
    assert r.status == 200 and pg.locator("svg").count() >= 1  # type: ignore[attr-defined]
    assert watch.errors == [] and watch.outside == []


def test_report_form_thanks_then_refuses_then_admin_shows_payload_inert(
    server: str, page: tuple[object, Watch]
) -> None:
    pg, watch = page
    payload = '<script>alert("x")</script><img src=x onerror="alert(1)">'
    pg.goto(server + "/en/security-defence")  # type: ignore[attr-defined]
    pg.locator("#report-problem summary").click()  # type: ignore[attr-defined]
    pg.locator("#rp-wrong").check()  # type: ignore[attr-defined]
    pg.locator("#rp-details").fill(payload)  # type: ignore[attr-defined]
    pg.locator("#report-problem button[type=submit]").click()  # type: ignore[attr-defined]
    pg.wait_for_selector("#thanks")  # type: ignore[attr-defined]
    assert "Thank you for your help!" in pg.locator("#thanks").inner_text()  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / "en-feedback-thanks.png"))  # type: ignore[attr-defined]

    pg.goto(server + "/en/security-defence")  # type: ignore[attr-defined]
    pg.locator("#report-problem summary").click()  # type: ignore[attr-defined]
    pg.locator("#rp-other").check()  # type: ignore[attr-defined]
    pg.locator("#report-problem button[type=submit]").click()  # type: ignore[attr-defined]
    pg.wait_for_selector("#form-error")  # type: ignore[attr-defined]
    assert "less than a minute ago" in pg.locator("#form-error").inner_text()  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / "en-feedback-refused.png"))  # type: ignore[attr-defined]

    pg.goto(server + "/en/report-problem/admin")  # type: ignore[attr-defined]
    pg.locator("#admin-token").fill(ADMIN_TOKEN)  # type: ignore[attr-defined]
    pg.locator("form.admin-login button").click()  # type: ignore[attr-defined]
    pg.wait_for_selector("table.reports")  # type: ignore[attr-defined]
    assert pg.locator("td.details").first.inner_text() == payload  # type: ignore[attr-defined]
    assert pg.locator("td.details img, td.details script").count() == 0  # type: ignore[attr-defined]
    pg.screenshot(path=str(ARTIFACTS / "en-feedback-admin.png"))  # type: ignore[attr-defined]
    # 429 is the one expected console message (the browser logs failed responses).
    errors = [e for e in watch.errors if "429" not in e]
    assert errors == [] and watch.dialogs == [] and watch.outside == []
