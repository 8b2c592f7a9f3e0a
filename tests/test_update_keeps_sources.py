"""Single-source updates build on the published warehouse: an update of one source keeps every
other source's tables, and a failed update leaves the published file exactly as it was."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus.pipeline import update
from canus.settings import get_settings
from tests.conftest import sha256_of
from tests.web_helpers import write_bts_mirror, write_natural_earth_mirror


def _tables() -> set[str]:
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mirror"
    write_bts_mirror(root)
    write_natural_earth_mirror(root)
    monkeypatch.setenv("CANUS_MIRROR", str(root))
    return root


def test_two_single_source_updates_keep_both_sources(mirror: Path) -> None:
    [first] = update(["bts-border-crossings"])
    assert first.status == "updated", first.error
    [second] = update(["natural-earth-countries"])
    assert second.status == "updated", second.error
    assert {"border_crossings", "ports", "boundaries"} <= _tables()


def test_a_failed_second_update_keeps_the_first(mirror: Path) -> None:
    [first] = update(["bts-border-crossings"])
    assert first.status == "updated", first.error
    published = get_settings().warehouse_path
    before = sha256_of(published)
    for f in (mirror / "natural-earth-countries").rglob("*"):
        if f.is_file():
            f.write_bytes(b"not a shapefile")
    [second] = update(["natural-earth-countries"])
    assert second.status == "failed"
    assert "natural-earth-countries" in str(second.error)
    assert sha256_of(published) == before
    assert {"border_crossings", "ports"} <= _tables()
    assert "boundaries" not in _tables()
