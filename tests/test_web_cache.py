"""The page cache: one build per entry under concurrency, and warm-up on a new data version."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from canus.web.app import create_app
from tests.builders import publish_bts_fixture


def test_concurrent_requests_build_an_entry_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_bts_fixture(tmp_path, monkeypatch)
    state = create_app().state.canus
    calls: list[int] = []

    def make() -> str:
        calls.append(1)
        time.sleep(0.05)
        return "page"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(state.cached(("k",), make))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["page"] * 8 and len(calls) == 1


def test_new_version_warms_every_section_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_bts_fixture(tmp_path, monkeypatch)
    state = create_app().state.canus
    version = state.version()
    for t in [t for t in threading.enumerate() if t.name == "canus-warm"]:
        t.join(timeout=60)
    keys = {k[1:] for k in state._cache if k[0] == version.data_version}
    assert {("page", "border", "en"), ("page", "border", "fr"), ("page", "overview", "fr")} <= keys


def test_version_endpoint_reports_warming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    publish_bts_fixture(tmp_path, monkeypatch)
    app = create_app()
    # A warmer that waits for the test: the first answer is given while warming, for sure.
    gate = threading.Event()
    app.state.canus.warmers = [lambda state: gate.wait(60)]
    client = TestClient(app)
    first = client.get("/api/version").json()
    assert len(first["data_version"]) == 16 and first["warming"] is True
    gate.set()
    for t in [t for t in threading.enumerate() if t.name == "canus-warm"]:
        t.join(timeout=60)
    again = client.get("/api/version").json()
    assert again["warming"] is False and again["data_version"] == first["data_version"]
