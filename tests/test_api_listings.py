"""`/api/sources` and `/api/metrics` answer with the declared lists, checked against the
declarations themselves and against what the warehouse actually holds."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from canus import sources
from canus.metrics import catalogue
from canus.pipeline import update
from canus.settings import get_settings
from canus.web.app import create_app
from tests.web_helpers import write_bts_mirror


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One warehouse for the module (every test only reads it); the app keeps its settings."""
    tmp = tmp_path_factory.mktemp("api-listings")
    mirror = tmp / "mirror"
    csv_path = write_bts_mirror(mirror)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANUS_HOME", str(tmp / "home"))
        mp.setenv("CANUS_MIRROR", str(mirror))
        assert [r.status for r in update(["bts-border-crossings"])] == ["updated"]
        c = TestClient(create_app(get_settings()))
        c.bts_sha = hashlib.sha256(csv_path.read_bytes()).hexdigest()  # type: ignore[attr-defined]
        yield c


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_api_sources_lists_every_declared_source_with_its_provenance(client: TestClient, lang: str) -> None:
    r = client.get("/api/sources", params={"lang": lang})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    rows = {row["id"]: row for row in r.json()}
    assert list(rows)[: len(sources.default_ids())] == sources.default_ids()
    for sid, row in rows.items():
        src = sources.get(sid)
        assert row["publisher"] == src.text("publisher", lang)
        assert row["licence"] == src.licence.name[lang] and row["licence_url"] == src.licence.url
        assert row["landing_url"] == src.landing_url
    bts = rows["bts-border-crossings"]
    # 4 ports × 7 years × 12 months × 4 measures, plus nothing from the US-Mexico row.
    assert bts["rows"] == 4 * 7 * 12 * 4
    assert bts["sha256"] == client.bts_sha  # type: ignore[attr-defined]
    assert bts["retrieved_at"]
    unloaded = [row for sid, row in rows.items() if sid != "bts-border-crossings"]
    assert unloaded and all(row["rows"] is None and row["sha256"] is None for row in unloaded)


def test_api_sources_refuses_an_unknown_language(client: TestClient) -> None:
    assert client.get("/api/sources", params={"lang": "de"}).status_code == 400


def test_api_metrics_lists_the_catalogue_with_availability(client: TestClient) -> None:
    rows = client.get("/api/metrics").json()
    assert [r["id"] for r in rows] == [m.id for m in catalogue.CATALOGUE]
    by_id = {r["id"]: r for r in rows}
    for spec in catalogue.CATALOGUE:
        row = by_id[spec.id]
        assert (row["unit"], row["basis"], row["pillar"]) == (spec.unit, spec.basis, spec.pillar)
        if row["available"]:
            assert row["missing_sources"] == []
        else:
            assert row["missing_sources"] and "bts-border-crossings" not in row["missing_sources"]
    assert by_id["border-yearly"]["available"] is True


def test_each_available_metric_answers_json_and_csv_and_the_others_503(client: TestClient) -> None:
    for row in client.get("/api/metrics").json():
        js = client.get(row["url"])
        if not row["available"]:
            assert js.status_code == 503, row["id"]
            assert js.json()["missing_sources"] == row["missing_sources"]
            continue
        assert js.status_code == 200, (row["id"], js.text[:300])
        body = js.json()
        assert body["unit"] == row["unit"] and body["basis"] == row["basis"]
        c = client.get(row["url"] + ".csv")
        assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(c.text)))
        assert len(table) - 1 == len(body["rows"]), row["id"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "No API address /api/no-such/thing; every address is listed at /api/docs"), ("fr", "Aucune adresse d'API")],
)
def test_an_unknown_api_address_is_the_apis_own_404_pointing_to_the_list(
    client: TestClient, lang: str, words: str
) -> None:
    # It used to be read as a portal page whose "language" was "api".
    r = client.get("/api/no-such/thing", params={"lang": lang})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert r.json() == {"error": r.json()["error"], "status": 404} and words in r.json()["error"]
    assert "/api/docs" in r.json()["error"] and "Unknown language" not in r.text
    assert client.head("/api/no-such").status_code == 404
    # A known address with another method stays a 405, and the docs' own files are still served.
    assert client.post("/api/sources").status_code == 405
    assert client.get("/api/openapi.json").status_code == 200


def test_a_source_history_speaks_the_readers_language(client: TestClient) -> None:
    r = client.get("/api/sources/no-such-source/history", params={"lang": "fr"})
    assert r.status_code == 404 and r.json()["error"] == "Source inconnue 'no-such-source'; voir /api/sources"
    r = client.get("/api/sources/no-such-source/history")
    assert r.json()["error"] == "Unknown source 'no-such-source'; see /api/sources"
    r = client.get("/api/sources/bts-border-crossings/changes", params={"lang": "fr"})
    assert r.status_code == 404 and r.json()["error"].startswith("L'historique d'une source est à /api/sources/")
    assert client.get("/api/sources/bts-border-crossings/history", params={"lang": "fr"}).status_code == 200


def test_an_unknown_language_is_refused_in_both_languages(client: TestClient) -> None:
    for path in ("/api/sources", "/api/metrics", "/api/sources/bts-border-crossings/history", "/api/nowhere"):
        r = client.get(path, params={"lang": "de"})
        assert r.status_code == 400, path
        assert (
            r.json()["error"] == "Unknown language 'de': use en or fr / Langue inconnue 'de'\u00a0: utilisez en ou fr"
        )


def test_a_history_before_any_data_says_so_in_the_readers_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANUS_HOME", str(tmp_path))
    empty = TestClient(create_app(get_settings()))
    for lang, words in (("en", "No data yet: run 'canus update'"), ("fr", "Pas encore de données\u00a0: lancez")):
        r = empty.get("/api/sources/bts-border-crossings/history", params={"lang": lang})
        assert r.status_code == 503 and r.json()["error"].startswith(words)
