from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loopback import Loopback

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def canus_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own CANUS_HOME, no mirror, fast retries and no key."""
    home = tmp_path / "home"
    monkeypatch.setenv("CANUS_HOME", str(home))
    for var in ("CANUS_MIRROR", "CANUS_CENSUS_API_KEY", "CANUS_LANG", "CANUS_ADMIN_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CANUS_TIMEOUT", "2")
    monkeypatch.setenv("CANUS_RETRIES", "3")
    monkeypatch.setenv("CANUS_BACKOFF", "0.05")
    return home


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it sits beside the project in CI)")
    return SHARED_DATA


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
