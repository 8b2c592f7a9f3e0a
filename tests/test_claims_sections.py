"""The page's statements on the section pages where they are made, in both languages, and no
internal note of a registry anywhere a reader or a program can see."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from canus import registry
from canus.claims.display import portal_section
from canus.claims.models import load_claims
from canus.web.app import create_app
from canus.web.page import sections
from tests.web_helpers import build_warehouse

HEADING = {"en": "What the page says here, checked", "fr": "Ce que la page dit ici, vérifié"}
NAV = [s for s in sections.SECTIONS if s.in_nav and s.id != "overview"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("claims-sections")
    mp = pytest.MonkeyPatch()
    mp.setenv("CANUS_HOME", str(tmp / "home"))
    build_warehouse(tmp, mp)
    with TestClient(create_app()) as c:
        yield c
    mp.undo()


def _claims_of(section_id: str) -> set[str]:
    return {c.id for c in load_claims() if portal_section(c.section) == section_id}


def test_every_claim_belongs_to_a_portal_section() -> None:
    ids = {s.id for s in NAV}
    assert {portal_section(c.section) for c in load_claims()} <= ids


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_section_page_shows_its_claims_with_badges(client: TestClient, lang: str) -> None:
    shown = set()
    for sec in NAV:
        expected = _claims_of(sec.id)
        path = sections.path_for(sec.id, lang)
        page = client.get(path)
        assert page.status_code == 200, path
        text = html.unescape(page.text)
        twin = client.get(path + ".json").json()
        assert {c["id"] for c in twin["claims"]} == expected, sec.id
        if not expected:
            assert HEADING[lang] not in text
            continue
        assert HEADING[lang] in text and "/static/claims.css" in text, sec.id
        slug = "claims" if lang == "en" else "affirmations"
        for c in twin["claims"]:
            # The statement in canus's words, its badge linking to the claim, its verdict.
            assert c["statement"] in text, (sec.id, c["id"])
            assert f'id="claim-{c["id"]}"' in page.text
            assert f'href="/{lang}/{slug}/{c["id"]}"' in page.text
            assert f"verdict-badge verdict-{c['verdict']}" in page.text
            assert c["verdict_label"] in text and c["figure_text"] in text
            if c["value"] is not None:
                assert c["value_text"] in text
        shown |= expected
    assert shown == {c.id for c in load_claims()}


def test_border_page_shows_the_people_claims_and_what_they_wait_for(client: TestClient) -> None:
    text = html.unescape(client.get("/en/border").text)
    assert "400,000" in text and "Waiting for:" in text and "24-10-0041-01" in text
    fr = html.unescape(client.get("/fr/frontiere").text)
    assert "400\u00a0000" in fr and "En attente de\u00a0:" in fr


def test_overview_keeps_the_tally_and_the_coverage_from_the_register(client: TestClient) -> None:
    from canus.claims.register import coverage

    cov = coverage()
    text = html.unescape(client.get("/en/").text)
    assert f"Of the {cov['claims']} statements" in text
    assert (
        f"restates {cov['earlier']} statements of the earlier edition and {cov['later']} of "
        f"the later one, and leaves out {cov['left_out']} value judgements"
    ) in text


def _internal_notes() -> set[str]:
    notes = set()
    for facts in registry.all_facts().values():
        for f in facts:
            if f.internal_note is not None:
                notes |= {f.internal_note.en, f.internal_note.fr}
    return notes


def _every_address(client: TestClient) -> list[str]:
    paths = [
        "/api/claims?lang=en",
        "/api/claims?lang=fr",
        "/api/claims.csv?lang=en",
        "/api/claims.csv?lang=fr",
        "/api/claims/editions?lang=en",
        "/api/claims/editions?lang=fr",
        "/api/version",
        "/api/sources",
        "/api/metrics",
    ]
    paths += [f"/api/metrics/{m['name'] if isinstance(m, dict) else m}" for m in _metric_names(client)]
    for lang in ("en", "fr"):
        slug = "claims" if lang == "en" else "affirmations"
        paths += [f"/{lang}/{slug}", f"/{lang}/{slug}/editions"]
        paths += [f"/{lang}/{slug}/{c.id}" for c in load_claims()]
        for sec in sections.SECTIONS:
            if sec.id in ("claims", "editions", "charts", "feedback"):
                continue
            path = sections.path_for(sec.id, lang)
            paths.append(path)
            if sec.id not in ("sources", "overview"):
                paths += [path + ".json", path + ".csv"]
    return paths


def _metric_names(client: TestClient) -> list[str]:
    return [m["id"] for m in client.get("/api/metrics").json()]


def test_no_internal_note_reaches_any_page_twin_or_api(client: TestClient) -> None:
    notes = _internal_notes()
    assert len(notes) > 20  # the registries do hold internal notes
    checked = 0
    for path in _every_address(client):
        r = client.get(path)
        if r.status_code == 404:
            continue
        # A metric whose tables are not loaded answers 503 naming them; its body is checked too.
        assert r.status_code == 200 or (r.status_code == 503 and path.startswith("/api/metrics/")), path
        body = r.text
        if "json" in r.headers.get("content-type", ""):
            body = json.dumps(r.json(), ensure_ascii=False)
        body = html.unescape(body)
        leaked = [n for n in notes if n in body]
        assert not leaked, (path, leaked[:2])
        checked += 1
    assert checked > 100


def test_registry_dumps_keep_internal_notes_out() -> None:
    for facts in registry.all_facts().values():
        for f in facts:
            dumped = json.dumps(registry.as_jsonable(f), ensure_ascii=False)
            assert "internal_note" not in dumped and '"note"' not in dumped
            if f.internal_note is not None:
                assert f.internal_note.en not in dumped


def test_every_section_twin_has_a_claims_list() -> None:
    # A section page's claims come from one generic mechanism: PageModel.claims.
    from canus.web.page.model import PageModel

    assert "claims" in PageModel("x", "y").to_json("en")
