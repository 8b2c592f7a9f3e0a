"""No English left on the French side: pages, twins, API responses and the command line.

Walks every French page (tests/portal_pages.py), its ``.json`` twin, the API in French and the
CLI with ``--lang fr``, and looks for words a French reader must never meet: a list of known
English leftovers (publishers, places, furniture, Click's words) and "billion" in any form
(the Government of Canada writes "milliards").
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import serve
from tests.portal_pages import page_paths, section_paths
from tests.test_typography import findings, page_text
from tests.web_helpers import build_warehouse

#: English a French page must not show (as found by the review in issue 12, and furniture).
LEFTOVERS = (
    "Global Affairs Canada",
    "Environment and Climate Change Canada",
    "Parks Canada",
    "International Joint Commission",
    "International Boundary Commission",
    "Prime Minister of Canada",
    "Canada Energy Regulator",
    "Statistics Canada",
    "British Columbia",
    "New Brunswick",
    "Newfoundland and Labrador",
    "Nova Scotia",
    "North Dakota",
    "Montreal",
    "Lake Superior",
    "Lake Erie",
    "St. Clair",
    "Quelque chose est brisé",
    "le siècle de la CMI",
    "tient aussi",
    "c'est Québec",
    "saute census-trade",
    "Sociétés justes et inclusives",
    "rang 1",
    "Website",
    "Source:",
    "Date modified",
    "Skip to",
    "Report a problem",
    "Download",
    "No data",
    "Usage:",
    "Options:",
    "Show this message",
    "Try '",
    "Error:",
    "No such option",
    "Fair and just",
    "Key figures",
    "Data table",
)
#: "billion", "billions", "trillion" in any case: never in French.
BILLION = re.compile(r"\b(?:billions?|trillions?)\b", re.IGNORECASE)
#: A date left in ISO form after French words ("consulté le 2026-11-21").
ISO_AFTER_WORDS = re.compile(r"(?:consulté le|Données au|dernières données\u00a0:) \d{4}-\d{2}")
#: "Données à" for "As of" (the correct form is "Données au"); "Données à venir" is right.
DONNEES_A = re.compile(r"Données à(?! venir)")
#: A French colon without its space ("(New York): 28 000").
TIGHT_COLON = re.compile(r"\w\): \d")


def visible_text(body: str) -> str:
    """The text a reader sees: no scripts, styles or tags; addresses and code removed."""
    body = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<code>.*?</code>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"https?://\S+", " ", html.unescape(body))


def leftovers(text: str) -> list[str]:
    found = [w for w in LEFTOVERS if w in text]
    found += [m.group(0) for m in BILLION.finditer(text)]
    found += [m.group(0) for m in ISO_AFTER_WORDS.finditer(text)]
    found += [m.group(0) for m in TIGHT_COLON.finditer(text)]
    found += [m.group(0) for m in DONNEES_A.finditer(text)]
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("french")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANUS_HOME", str(tmp / "home"))
        build_warehouse(tmp, mp)
        with serve() as base, httpx.Client(base_url=base, timeout=60) as client:
            yield client


def test_known_leftovers_are_found() -> None:
    # The detector itself: each kind of leftover is caught, clean French passes.
    assert leftovers("Source: Parks Canada, 1 billion de dollars")
    assert leftovers("consulté le 2026-11-21") == ["consulté le 2026-11"]
    assert leftovers("Buffalo (New York): 28 000")
    assert leftovers("dernières données\u00a0: 2026-11") == ["dernières données\u00a0: 2026-11"]
    assert leftovers("Source\u00a0: Parcs Canada, consulté le 21 novembre 2026, 1\u00a0300 milliards") == []


@pytest.mark.parametrize("path", page_paths("fr"))
def test_french_page_has_no_english_leftover(site: httpx.Client, path: str) -> None:
    r = site.get(path, follow_redirects=True)
    if r.status_code == 404 and "/graphiques/" in path:
        # A declared chart whose sources the fixture warehouse lacks: its 404 page is French too.
        assert "Ce graphique n&#39;a pas encore de données." in r.text, path
    else:
        assert r.status_code == 200, path
    assert '<html lang="fr-CA">' in r.text
    assert leftovers(visible_text(r.text)) == []
    # What the page composes itself (labels, values, units around them) follows the same
    # typography as the catalogue's words.
    assert findings(page_text(r.text)) == []


@pytest.mark.parametrize("path", section_paths("fr"))
def test_french_twin_has_no_english_leftover(site: httpx.Client, path: str) -> None:
    r = site.get(path + ".json")
    assert r.status_code == 200, path
    doc = r.json()
    # Addresses and machine ids are not prose; everything else a reader may show is.
    text = json.dumps(doc, ensure_ascii=False)
    text = re.sub(r'"(?:landing_url|licence_url|source_url|url|source_id|id|sha256|name)": "[^"]*"', "", text)
    assert leftovers(text) == []
    assert findings(text) == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/sources?lang=fr",
        "/api/claims?lang=fr",
        "/api/claims/editions?lang=fr",
        "/api/metrics?lang=fr",
        "/api/metrics/{first}?lang=fr",
    ],
)
def test_french_api_has_no_english_leftover(site: httpx.Client, path: str) -> None:
    if "{first}" in path:
        # A metric with data in the fixture warehouse (the list is the API's own).
        listing = site.get("/api/metrics").json()
        first = next(m["id"] for m in listing if m["available"])
        path = path.format(first=first)
    r = site.get(path)
    assert r.status_code == 200, (path, r.text[:200])
    text = re.sub(
        r'"(?:landing_url|licence_url|url|source_id|id|sha256|name|sql)": "[^"]*"',
        "",
        json.dumps(r.json(), ensure_ascii=False),
    )
    assert leftovers(text) == []
    assert findings(text) == []


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CANUS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CANUS_LANG", raising=False)
    build_warehouse(tmp_path, monkeypatch)
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "fr", "--help"],
        ["--lang", "fr", "sources"],
        ["sources", "--lang", "fr"],
        ["--lang", "fr", "sources", "--help"],
        ["--lang", "fr", "check"],
        ["--lang", "fr", "editions"],
        ["--lang", "fr", "query", "--help"],
        ["--lang", "fr", "sources", "--bogus"],
    ],
)
def test_french_cli_has_no_english_leftover(cli_home: Path, args: list[str]) -> None:
    # A real process: the command line reads --lang before it declares its help texts.
    env = {**os.environ, "CANUS_HOME": str(cli_home / "home"), "CANUS_MIRROR": str(cli_home / "mirror")}
    env.pop("CANUS_LANG", None)
    done = subprocess.run(
        [sys.executable, "-c", "from canus.cli import app; app()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert out.strip(), args
    assert leftovers(out) == [], (args, out[:2000])
    assert findings(out) == [], args


def test_unknown_language_is_refused(cli_home: Path) -> None:
    env = {**os.environ, "CANUS_HOME": str(cli_home / "home")}
    for args, extra in (
        (["--lang", "de", "sources"], {}),
        (["sources", "--lang", "xx"], {}),
        (["sources"], {"CANUS_LANG": "de"}),
    ):
        done = subprocess.run(
            [sys.executable, "-c", "from canus.cli import app; app()", *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "'de'" in done.stderr or "'xx'" in done.stderr
        assert "Traceback" not in done.stderr
