"""The warehouse swap: readers see a new version without a restart, never a half-built one."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from canus.pipeline import update
from canus.settings import get_settings
from canus.warehouse import Reader, Warehouse
from tests.builders import publish_bts_fixture
from tests.conftest import sha256_of


def test_reader_notices_new_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_bts_fixture(tmp_path, monkeypatch, "export_2019.csv")
    reader = Reader()
    cur = reader.cursor()
    assert cur.execute("SELECT max(period)::VARCHAR FROM border_crossings").fetchone()[0] == "2019-04-01"
    old_generation = reader.generation
    publish_bts_fixture(tmp_path / "second", monkeypatch, "current_export.csv")
    cur = reader.cursor()
    assert cur.execute("SELECT max(period)::VARCHAR FROM border_crossings").fetchone()[0] == "2024-02-01"
    assert reader.generation == old_generation + 1


def test_cursor_per_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_bts_fixture(tmp_path, monkeypatch)
    reader = Reader()
    results: list[int] = []
    cursors: list[object] = []

    def work() -> None:
        cur = reader.cursor()
        cursors.append(cur)
        for _ in range(20):
            results.append(cur.execute("SELECT count(*) FROM border_crossings").fetchone()[0])

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [11] * 120
    assert len({id(c) for c in cursors}) == 6  # the list keeps them alive, so ids are distinct


def test_failed_load_leaves_published_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = publish_bts_fixture(tmp_path, monkeypatch)
    before = sha256_of(get_settings().warehouse_path)
    bad = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    bad.write_text(bad.read_text().replace(",400000,", ",lots,"))
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = update(["bts-border-crossings"])
    assert r.status == "failed" and "not of the expected type" in str(r.error) and "lots" in str(r.error)
    assert sha256_of(get_settings().warehouse_path) == before
    leftovers = [p.name for p in get_settings().home.iterdir() if "building" in p.name]
    assert leftovers == []


def test_data_version_changes_with_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_bts_fixture(tmp_path, monkeypatch, "export_2019.csv")
    with Warehouse().read() as con:
        v1 = con.execute("SELECT value FROM warehouse_meta WHERE key = 'data_version'").fetchone()[0]
    publish_bts_fixture(tmp_path / "b", monkeypatch, "current_export.csv")
    with Warehouse().read() as con:
        v2 = con.execute("SELECT value FROM warehouse_meta WHERE key = 'data_version'").fetchone()[0]
    assert v1 != v2 and len(v1) == 16


def test_versions_sidecar_is_used_only_when_it_matches_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    publish_bts_fixture(tmp_path, monkeypatch, "export_2019.csv")
    wh = Warehouse()
    doc = json.loads(wh.sidecar.read_text())
    assert doc["versions"]["bts-border-crossings"]["rows"] == 3
    # A sidecar that names another file (a crash between swap and sidecar, a copied home …)
    # is ignored: the rows come from the warehouse itself, and the sidecar is rewritten.
    doc["file"][0] += 1
    doc["versions"]["bts-border-crossings"]["rows"] = 999
    wh.sidecar.write_text(json.dumps(doc))
    assert wh.versions()["bts-border-crossings"].rows == 3
    assert json.loads(wh.sidecar.read_text())["versions"]["bts-border-crossings"]["rows"] == 3
    # A new publish rewrites it for the new file.
    publish_bts_fixture(tmp_path / "b", monkeypatch, "current_export.csv")
    fresh = Warehouse().versions()["bts-border-crossings"]
    assert fresh.as_of == "2024-02" and fresh.retrieved_at is not None and fresh.retrieved_at.year >= 2026


def test_a_reader_before_the_first_update_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.errors import WarehouseError

    reader = Reader()
    assert not reader.available()
    with pytest.raises(WarehouseError) as e:
        reader.cursor()
    assert str(e.value) == f"No warehouse yet at {get_settings().warehouse_path}: run 'canus update' first."
    assert e.value.localized("fr").startswith("Pas encore d'entrepôt à ")
    publish_bts_fixture(tmp_path, monkeypatch)
    assert reader.available()
    first = reader.cursor()
    generation = reader.generation
    # The same file: the same cursor for this thread, no new connection.
    assert reader.cursor() is first and reader.generation == generation == 1
