"""Publishing replaces the warehouse by a rename, never by writing into the published file: a
reader that opened the old version keeps reading it whole, and the path names a new file."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from canus.pipeline import update
from canus.settings import get_settings
from tests.web_helpers import write_bts_mirror, write_natural_earth_mirror


def test_publish_is_a_rename_and_open_readers_keep_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror = tmp_path / "mirror"
    write_bts_mirror(mirror)
    write_natural_earth_mirror(mirror)
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    assert [r.status for r in update(["bts-border-crossings"])] == ["updated"]
    published = get_settings().warehouse_path
    old_inode = published.stat().st_ino

    with published.open("rb") as old_file:
        old_bytes = old_file.read()
        old_file.seek(0)
        con = duckdb.connect(str(published), read_only=True)
        try:
            rows = con.execute("SELECT count(*) FROM border_crossings").fetchone()[0]
            assert [r.status for r in update(["natural-earth-countries"])] == ["updated"]
            # The new version is a new file; the old one is untouched under its readers.
            assert published.stat().st_ino != old_inode
            assert os.fstat(old_file.fileno()).st_ino == old_inode
            assert old_file.read() == old_bytes
            assert con.execute("SELECT count(*) FROM border_crossings").fetchone()[0] == rows
            assert (
                con.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'boundaries'"
                ).fetchone()[0]
                == 0
            )
        finally:
            con.close()
    new = duckdb.connect(str(published), read_only=True)
    try:
        assert new.execute("SELECT count(*) FROM boundaries").fetchone()[0] > 0
    finally:
        new.close()
