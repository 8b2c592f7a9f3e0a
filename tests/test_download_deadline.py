"""One retry policy for every publisher, and downloads that end: against a real server on 127.0.0.1.

``Retry-After`` in both of its forms (delta-seconds and HTTP-date) is honoured by the generic
download path and by the Statistics Canada WDS client alike; a slow-drip upstream stops at the
download deadline; a full disk gives a clear message; none of them leaves a file in ``raw/``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from canus.errors import FetchError
from canus.pipeline import update
from canus.settings import get_settings
from canus.sources import statcan_wds as wds
from canus.sources.http import MAX_RETRY_AFTER, MIN_BYTES_PER_SECOND, Deadline, parse_retry_after
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply

GOOD = (FIXTURES / "bts" / "current_export.csv").read_bytes()
SOURCE = "bts-border-crossings"
PATH = "/api/views/keg4-3bc2/rows.csv"


@pytest.fixture
def bts_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> str:
    url = loopback.url(PATH)
    monkeypatch.setenv("CANUS_URL_BTS_BORDER_CROSSINGS", url)
    return url


def _http_date(seconds_from_now: float) -> str:
    return email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_from_now), usegmt=True)


def _raw_files() -> set[str]:
    raw = get_settings().raw_dir
    return {str(p.relative_to(raw)) for p in raw.rglob("*") if p.is_file()} if raw.exists() else set()


# ---------------------------------------------------------------------------- the parser


def test_retry_after_delta_seconds() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("100000") == MAX_RETRY_AFTER


def test_retry_after_http_date() -> None:
    now = dt.datetime(2026, 10, 21, 7, 28, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:30 GMT", now=now) == 30.0
    # The two obsolete forms RFC 9110 still asks recipients to read.
    assert parse_retry_after("Wednesday, 21-Oct-26 07:28:45 GMT", now=now) == 45.0
    assert parse_retry_after("Wed Oct 21 07:29:00 2026", now=now) == 60.0
    # A date already past means no wait; one far ahead is capped.
    assert parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("Thu, 22 Oct 2026 07:28:00 GMT", now=now) == MAX_RETRY_AFTER


@pytest.mark.parametrize("value", [None, "", "soon", "Wed, 99 Foo 2026"])
def test_retry_after_unreadable_means_back_off(value: str | None) -> None:
    assert parse_retry_after(value) is None


def test_deadline_scales_with_announced_size() -> None:
    d = Deadline(10.0)
    d.scale(None)
    assert d.limit == 10.0
    d.scale(100 * MIN_BYTES_PER_SECOND)
    assert d.limit == 110.0


# ---------------------------------------------------------------------------- both clients


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_download_honours_both_retry_after_forms(loopback: Loopback, bts_url: str, form: str) -> None:
    value = "2" if form == "seconds" else _http_date(3)
    loopback.queue(PATH, Reply(503, b"busy", {"Retry-After": value}), Reply(200, GOOD))
    started = time.monotonic()
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    # It waited for the server (at least a second either way), not the 0.05 s back-off.
    assert time.monotonic() - started >= 1.0
    assert len(loopback.requests) == 2


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_wds_honours_both_retry_after_forms(loopback: Loopback, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    monkeypatch.setenv("CANUS_STATCAN_WDS", loopback.url("/t1/wds/rest"))
    value = "2" if form == "seconds" else _http_date(3)
    meta = [
        {
            "status": "SUCCESS",
            "object": {
                "responseStatusCode": 0,
                "productId": "24100053",
                "releaseTime": "2025-06-20T08:30",
                "dimension": [],
            },
        }
    ]
    loopback.queue(
        "/t1/wds/rest/getCubeMetadata",
        Reply(429, b"", {"Retry-After": value}),
        Reply(200, json.dumps(meta).encode(), {"Content-Type": "application/json"}),
    )
    started = time.monotonic()
    assert wds.get_cube_metadata("24100053").release_time == "2025-06-20T08:30"
    assert time.monotonic() - started >= 1.0
    assert len(loopback.requests) == 2


def test_wds_answer_of_the_wrong_shape_names_the_field(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_STATCAN_WDS", loopback.url("/t1/wds/rest"))
    bad = [
        {
            "status": "SUCCESS",
            "object": {
                "responseStatusCode": 0,
                "productId": "24100053",
                "dimension": [{"dimensionPositionId": "first"}],
            },
        }
    ]
    loopback.queue(
        "/t1/wds/rest/getCubeMetadata", Reply(200, json.dumps(bad).encode(), {"Content-Type": "application/json"})
    )
    with pytest.raises(FetchError, match=r"expected shape \(dimension\.0\.dimensionPositionId"):
        wds.get_cube_metadata("24100053")


# ---------------------------------------------------------------------------- deadline and disk


def test_slow_drip_stops_at_the_deadline_and_leaves_nothing(
    loopback: Loopback, bts_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = publish_over_loopback(loopback, PATH, Reply(200, GOOD), SOURCE)
    files_before = _raw_files()
    # One byte every 50 ms keeps each read well inside CANUS_TIMEOUT (2 s), so only the
    # deadline can stop it: the whole file would take more than a minute.
    monkeypatch.setenv("CANUS_DOWNLOAD_DEADLINE", "1")
    loopback.always(PATH, Reply(200, GOOD.replace(b"400000", b"400001"), drip=0.05))
    r = assert_update_fails_keeping_warehouse(SOURCE, before, bts_url, "deadline of 1 s", "CANUS_DOWNLOAD_DEADLINE")
    assert "gave up" not in str(r.error)
    assert _raw_files() == files_before
    assert len([q for q in loopback.requests if q[1] == PATH]) == 2  # no retry after the deadline


@pytest.fixture
def tiny_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "tiny-home"
    home.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a tmpfs mount, which needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(home)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    monkeypatch.setenv("CANUS_HOME", str(home))
    try:
        yield home
    finally:
        subprocess.run(["umount", str(home)], check=False)


def test_full_disk_is_a_clear_message_and_leaves_nothing(loopback: Loopback, bts_url: str, tiny_home: Path) -> None:
    header, row = GOOD.split(b"\n", 2)[:2]
    big = header + b"\n" + (row + b"\n") * (2_000_000 // len(row))
    loopback.always(PATH, Reply(200, big))
    [r] = update([SOURCE])
    assert r.status == "failed"
    message = str(r.error)
    assert "no space left on the disk holding" in message and str(tiny_home / "raw") in message
    assert bts_url in message
    leftovers = [p for p in (tiny_home / "raw").rglob("*") if p.is_file() and p.name != "manifest.jsonl"]
    assert leftovers == []


def test_a_load_error_on_garbage_names_the_address(loopback: Loopback, bts_url: str) -> None:
    # The download itself is fine (a CSV with the right columns); the reader then finds garbage.
    before = publish_over_loopback(loopback, PATH, Reply(200, GOOD), SOURCE)
    garbage = GOOD.replace(b"Feb 2024", b"sometime").replace(b"Jan 2024", b"sometime")
    assert garbage != GOOD
    loopback.queue(PATH, Reply(200, garbage))
    assert_update_fails_keeping_warehouse(SOURCE, before, bts_url)


def test_leftovers_of_a_killed_update_are_removed_and_snapshots_kept(loopback: Loopback, bts_url: str) -> None:
    from canus.sources.fetch import remove_partial_files

    publish_over_loopback(loopback, PATH, Reply(200, GOOD), SOURCE)
    raw = get_settings().raw_dir
    kept = _raw_files()
    snapshot = next(raw / f for f in kept if f != "manifest.jsonl")
    leftovers = [raw / "tmpab12cd.csv", raw / "tmpef34gh.csv.gz", snapshot.parent / "statcan-24100041-x1.csv"]
    for p in leftovers:
        p.write_bytes(b"half a file")
    fresh = raw / "tmpstill-writing.csv"
    fresh.write_bytes(b"being written")
    old = time.time() - 3600
    for p in leftovers:
        os.utime(p, (old, old))
    assert sorted(remove_partial_files(raw, older_than=600)) == sorted(leftovers)
    assert _raw_files() == kept | {"tmpstill-writing.csv"}
    assert remove_partial_files(raw) == [fresh]
    assert _raw_files() == kept


@pytest.mark.parametrize("case", ["timeout", "truncated", "gave-up", "html", "empty"])
def test_no_failure_leaves_a_partial_file(
    loopback: Loopback, bts_url: str, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    publish_over_loopback(loopback, PATH, Reply(200, GOOD), SOURCE)
    files_before = _raw_files()
    body = GOOD.replace(b"400000", b"400001")
    monkeypatch.setenv("CANUS_TIMEOUT", "0.3")
    loopback.always(
        PATH,
        {
            "timeout": Reply(200, body, delay=1.0),
            "truncated": Reply(200, body, truncate_at=100),
            "gave-up": Reply(503, b"down"),
            "html": Reply(200, b"<!DOCTYPE html><html>Maintenance</html>"),
            "empty": Reply(200, b""),
        }[case],
    )
    [r] = update([SOURCE])
    assert r.status == "failed" and bts_url in str(r.error)
    assert _raw_files() == files_before


def test_full_disk_from_a_mirror_is_a_clear_message(
    tmp_path: Path, tiny_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mirror" / SOURCE
    folder.mkdir(parents=True)
    header, row = GOOD.split(b"\n", 2)[:2]
    (folder / "Border_Crossing_Entry_Data.csv").write_bytes(header + b"\n" + (row + b"\n") * (2_000_000 // len(row)))
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    [r] = update([SOURCE])
    assert r.status == "failed"
    assert "no space left on the disk holding" in str(r.error) and str(folder) in str(r.error)
    leftovers = [p for p in (tiny_home / "raw").rglob("*") if p.is_file() and p.name != "manifest.jsonl"]
    assert leftovers == []
