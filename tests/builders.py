"""Build a real warehouse from our own fixture files, through the real pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from canus.pipeline import UpdateResult, update
from canus.settings import get_settings
from tests.conftest import FIXTURES, sha256_of
from tests.loopback import Loopback, Reply


def publish_bts_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str = "current_export.csv", *, on_purpose: bool = False
) -> Path:
    """Publish a BTS fixture; ``on_purpose`` loads an older or smaller vintage as a user would
    with ``--allow-older --accept-change``."""
    mirror = tmp_path / "fixture-mirror"
    folder = mirror / "bts-border-crossings"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "bts" / fixture, folder / "Border_Crossing_Entry_Data.csv")
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    wanted = {"bts-border-crossings"} if on_purpose else set()
    [r] = update(["bts-border-crossings"], allow_older=wanted, accept_change=wanted)
    assert r.status == "updated", r.error
    monkeypatch.delenv("CANUS_MIRROR")
    return mirror


def publish_over_loopback(loopback: Loopback, path: str, reply: Reply, source_id: str) -> str:
    """Serve ``reply`` at ``path``, update ``source_id`` from it, return the warehouse sha256."""
    loopback.queue(path, reply)
    [r] = update([source_id])
    assert r.status == "updated", r.error
    return sha256_of(get_settings().warehouse_path)


def assert_update_fails_keeping_warehouse(source_id: str, before: str, *needles: str) -> UpdateResult:
    """Update once more: it must fail, name the source and each needle, and change nothing."""
    [r] = update([source_id])
    assert r.status == "failed"
    message = str(r.error)
    assert source_id in message, message
    for needle in needles:
        assert needle in message, message
    assert sha256_of(get_settings().warehouse_path) == before
    return r
