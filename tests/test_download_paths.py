"""The real download path against a real HTTP server on 127.0.0.1.

Each case ends in the right result or a clear error that names the source, the address and
the problem; after every failure the published warehouse is byte for byte what it was.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from canus.pipeline import update
from canus.settings import get_settings
from canus.sources.fetch import SnapshotStore
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES, sha256_of
from tests.loopback import Loopback, Reply

GOOD = (FIXTURES / "bts" / "current_export.csv").read_bytes()
SOURCE = "bts-border-crossings"


@pytest.fixture
def bts_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> str:
    url = loopback.url("/api/views/keg4-3bc2/rows.csv")
    monkeypatch.setenv("CANUS_URL_BTS_BORDER_CROSSINGS", url)
    return url


def publish_good(loopback: Loopback) -> str:
    """Publish a first warehouse and return its sha256."""
    return publish_over_loopback(loopback, "/api/views/keg4-3bc2/rows.csv", Reply(200, GOOD), SOURCE)


def assert_failed_and_unchanged(before: str, *needles: str) -> None:
    assert_update_fails_keeping_warehouse(SOURCE, before, *needles)


def test_success_stores_snapshot_and_manifest(loopback: Loopback, bts_url: str) -> None:
    publish_good(loopback)
    store = SnapshotStore(get_settings().raw_dir)
    [row] = store.manifest()
    assert row["source_id"] == SOURCE and row["url"] == bts_url and row["origin"] == "http"
    stored = Path(str(row["path"]))
    assert stored.read_bytes() == GOOD  # kept exactly as published
    assert stored.name.startswith(str(row["sha256"]))


def test_unchanged_snapshot_is_not_loaded_again(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(200, GOOD))
    [r] = update([SOURCE])
    assert r.status == "unchanged" and r.rows == 11
    assert sha256_of(get_settings().warehouse_path) == before


def test_not_modified_answer_reuses_snapshot(loopback: Loopback, bts_url: str) -> None:
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(200, GOOD, {"ETag": '"v1"'}))
    [r] = update([SOURCE])
    assert r.status == "updated"
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(304, b"", {"ETag": '"v1"'}))
    [r] = update([SOURCE])
    assert r.status == "unchanged"
    assert loopback.requests[-1][2].get("If-None-Match") == '"v1"'


def test_500_then_success(loopback: Loopback, bts_url: str) -> None:
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(500, b"oops"), Reply(200, GOOD))
    [r] = update([SOURCE])
    assert r.status == "updated" and r.rows == 11
    assert len(loopback.requests) == 2


def test_429_honours_retry_after(loopback: Loopback, bts_url: str) -> None:
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(429, b"slow down", {"Retry-After": "1"}), Reply(200, GOOD))
    started = time.monotonic()
    [r] = update([SOURCE])
    assert r.status == "updated"
    # The second request waited for the server's Retry-After, not the 0.05 s back-off.
    assert time.monotonic() - started >= 0.9
    assert len(loopback.requests) == 2


def test_persistent_500_gives_up_with_clear_error(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    loopback.always("/api/views/keg4-3bc2/rows.csv", Reply(503, b"down"))
    assert_failed_and_unchanged(before, bts_url, "gave up after 3 tries", "HTTP 503")


def test_timeout(loopback: Loopback, bts_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = publish_good(loopback)
    monkeypatch.setenv("CANUS_TIMEOUT", "0.3")
    monkeypatch.setenv("CANUS_RETRIES", "2")
    loopback.always("/api/views/keg4-3bc2/rows.csv", Reply(200, GOOD, delay=1.0))
    assert_failed_and_unchanged(before, "no answer within 0.3 s")


def test_truncated_gzip(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    packed = gzip.compress(GOOD.replace(b"400000", b"400001"))
    loopback.queue(
        "/api/views/keg4-3bc2/rows.csv", Reply(200, packed[: len(packed) // 2], {"Content-Encoding": "gzip"})
    )
    assert_failed_and_unchanged(before, "gzip", "incomplete")


def test_connection_cut_short(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    body = GOOD.replace(b"400000", b"400001")
    loopback.always("/api/views/keg4-3bc2/rows.csv", Reply(200, body, truncate_at=100))
    assert_failed_and_unchanged(before, "gave up")


def test_html_error_page(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    page = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(200, page, {"Content-Type": "text/html"}))
    assert_failed_and_unchanged(before, "HTML page")


def test_html_body_with_csv_content_type(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    page = b"\n  <html><head><title>Maintenance</title></head></html>"
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(200, page))
    assert_failed_and_unchanged(before, "HTML page")


def test_empty_body(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(200, b""))
    assert_failed_and_unchanged(before, "empty")


def test_renamed_column(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    renamed = GOOD.replace(b",Measure,", b",Measure Name,", 1)
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(200, renamed))
    assert_failed_and_unchanged(before, "expected columns are missing: Measure", "Measure Name")


def test_not_found(loopback: Loopback, bts_url: str) -> None:
    before = publish_good(loopback)
    loopback.queue("/api/views/keg4-3bc2/rows.csv", Reply(404, b"no such dataset"))
    assert_failed_and_unchanged(before, "HTTP 404")


def test_no_server_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    # A closed port on loopback: the error says it could not connect, and nothing is built.
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("CANUS_URL_BTS_BORDER_CROSSINGS", f"http://127.0.0.1:{port}/rows.csv")
    [r] = update([SOURCE])
    assert r.status == "failed" and "could not connect" in str(r.error)
    assert not get_settings().warehouse_path.exists()
