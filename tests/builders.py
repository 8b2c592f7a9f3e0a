"""Build a real warehouse from our own fixture files, through the real pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from canus.pipeline import update
from tests.conftest import FIXTURES


def publish_bts_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str = "current_export.csv") -> Path:
    mirror = tmp_path / "fixture-mirror"
    folder = mirror / "bts-border-crossings"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "bts" / fixture, folder / "Border_Crossing_Entry_Data.csv")
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = update(["bts-border-crossings"])
    assert r.status == "updated", r.error
    monkeypatch.delenv("CANUS_MIRROR")
    return mirror
