"""Single-source updates build on the published warehouse: an update of one source keeps every
other source's tables, and a failed update leaves the published file exactly as it was."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from canus.pipeline import update
from canus.settings import get_settings
from canus.warehouse import Warehouse
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


def test_an_update_whose_every_load_fails_publishes_nothing(mirror: Path) -> None:
    """The file a load reads passes the download checks (right header) but its values do not
    load: the build fails inside the warehouse, and the published file must be the same file
    (same inode, bytes and time), not a re-published copy of the old content."""
    [first] = update(["bts-border-crossings"])
    assert first.status == "updated", first.error
    published = get_settings().warehouse_path
    before, stat = sha256_of(published), published.stat()
    bts = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    header = bts.read_text().splitlines()[0]
    bts.write_text(
        header + "\nBlaine,WA,3004,US-Canada Border,Jan 2030,Trucks,not a number,49.0,-122.7,POINT (-122.7 49.0)\n"
    )
    [second] = update(["bts-border-crossings"])
    assert second.status == "failed"
    assert "bts-border-crossings" in str(second.error)
    after = published.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert sha256_of(published) == before


def test_each_source_reports_fetching_then_loading_and_a_failure_says_so(mirror: Path) -> None:
    """The command line's progress rows are driven by these events (its bars are off without a terminal)."""
    events: list[tuple[str, str]] = []

    def of(sid: str) -> list[str]:
        return [what for s, what in events if s == sid]

    for f in (mirror / "natural-earth-countries").rglob("*"):
        if f.is_file():
            f.write_bytes(b"not a shapefile")
    results = update(
        ["bts-border-crossings", "natural-earth-countries"], on_event=lambda sid, what: events.append((sid, what))
    )
    assert [r.status for r in results] == ["updated", "failed"]
    assert of("bts-border-crossings") == ["fetching", "loading"]
    assert of("natural-earth-countries") == ["fetching", "failed"]  # refused at download, never loaded
    # A file that downloads but does not load: its row says loading, then failed.
    events.clear()
    bts = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    header = bts.read_text().splitlines()[0]
    bts.write_text(header + "\nBlaine,WA,3004,US-Canada Border,Jan 2030,Trucks,x,49.0,-122.7,POINT (-122.7 49.0)\n")
    [r] = update(["bts-border-crossings"], on_event=lambda sid, what: events.append((sid, what)))
    assert r.status == "failed" and of("bts-border-crossings") == ["fetching", "loading", "failed"]


def test_a_table_a_load_leaves_empty_stops_the_source() -> None:
    """The backstop behind every loader's own checks (BTS's refuses a file without border rows first)."""
    from canus import sources
    from canus.errors import WarehouseError
    from canus.warehouse import _check_not_empty

    source = sources.get("bts-border-crossings")
    con = duckdb.connect()
    for table in source.tables:
        con.execute(f'CREATE TABLE "{table}" AS SELECT 1 AS x')
    _check_not_empty(con, source)
    last = source.tables[-1]
    con.execute(f'DELETE FROM "{last}"')
    with pytest.raises(WarehouseError) as e:
        _check_not_empty(con, source)
    assert str(e.value) == f"bts-border-crossings: table {last} came out empty; nothing was published."
    assert len(source.tables) > 1  # the first tables had rows: every table is looked at


def test_a_published_file_that_is_not_a_warehouse_is_named_and_left_as_it_is(mirror: Path) -> None:
    from canus.errors import WarehouseError

    [first] = update(["bts-border-crossings"])
    assert first.status == "updated", first.error
    published = get_settings().warehouse_path
    published.write_bytes(b"not a DuckDB file " * 500)
    before = sha256_of(published)
    results = update(["bts-border-crossings", "natural-earth-countries"])
    assert [r.status for r in results] == ["failed", "failed"]
    for r in results:
        assert isinstance(r.error, WarehouseError)
        assert str(r.error).startswith(f"The warehouse {published} cannot be read (")
        assert "Move it aside and run 'canus update' to build a new one." in str(r.error)
        assert r.error.localized("fr").startswith(f"L'entrepôt {published} est illisible (")
    assert sha256_of(published) == before


def test_a_disk_too_small_for_the_build_names_the_room_it_needs(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from canus.warehouse import DiskFullError
    from tests.test_update_debris import small_disk

    [first] = update(["bts-border-crossings"])
    assert first.status == "updated", first.error
    home = get_settings().home
    used = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    bts = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    bts.write_text(bts.read_text().replace("Trucks", "Buses", 1))  # a new vintage to load
    room = used + 2 * bts.stat().st_size + (64 << 10)  # the download fits, a copy of the warehouse does not
    assert get_settings().warehouse_path.stat().st_size > room - used
    with small_disk(tmp_path / "small", room) as disk:
        shutil.copytree(home, disk / "home")
        monkeypatch.setenv("CANUS_HOME", str(disk / "home"))
        published = disk / "home" / "canus.duckdb"
        before, size = sha256_of(published), published.stat().st_size
        names = sorted(p.name for p in published.parent.iterdir())
        [r] = update(["bts-border-crossings"])
        assert r.status == "failed" and isinstance(r.error, DiskFullError), r.error
        # A copy of the published file and the new tables beside the old, the raw file four
        # times over, and DuckDB's own room.
        need = 2 * size + 4 * bts.stat().st_size + (4 << 20)
        assert f"This step needs about {need / 1e6:,.1f} MB free there" in str(r.error)
        # Where it could not write, and what the system said.
        assert f"canus could not write {published.parent}/.canus.duckdb.building-" in str(r.error)
        assert "No space left on device" in str(r.error)
        assert sha256_of(published) == before
        assert sorted(p.name for p in published.parent.iterdir()) == names  # no half-built file, no WAL


def test_a_file_too_large_for_the_disk_is_named_not_called_a_full_disk(mirror: Path) -> None:
    """A place that refuses a large file (a FAT32 stick, a quota per file) is not a full disk:
    the error names the warehouse and the system's words, and asks for no room figure."""
    import resource

    from canus.errors import WarehouseError
    from canus.warehouse import DiskFullError

    [first] = update(["bts-border-crossings"])
    assert first.status == "updated", first.error
    published = get_settings().warehouse_path
    before, size = sha256_of(published), published.stat().st_size
    names = sorted(p.name for p in published.parent.iterdir())
    bts = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    bts.write_text(bts.read_text().replace("Trucks", "Buses", 1))
    limit = size // 2  # the download fits under it, a copy of the warehouse does not
    assert bts.stat().st_size < limit
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        [r] = update(["bts-border-crossings"])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert r.status == "failed"
    assert isinstance(r.error, WarehouseError) and not isinstance(r.error, DiskFullError), r.error
    assert str(r.error).startswith(f"canus cannot write {published} (")
    assert "File too large" in str(r.error) and "MB" not in str(r.error)
    assert str(r.error).endswith("the published data is unchanged.")
    assert r.error.localized("fr").startswith(f"canus ne peut pas écrire {published} (")
    assert sha256_of(published) == before
    assert sorted(p.name for p in published.parent.iterdir()) == names  # no half-built file, no WAL


def test_a_disk_full_on_the_very_first_build_names_the_room_it_needs(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No published file yet: the room needed is the new tables and DuckDB's own, nothing to copy."""
    from canus.warehouse import DiskFullError
    from tests.test_update_debris import small_disk

    bts = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    with small_disk(tmp_path / "small", 2 * bts.stat().st_size + (256 << 10)) as disk:
        monkeypatch.setenv("CANUS_HOME", str(disk / "home"))
        [r] = update(["bts-border-crossings"])
        assert r.status == "failed" and isinstance(r.error, DiskFullError), r.error
        need = 4 * bts.stat().st_size + (4 << 20)
        assert f"This step needs about {need / 1e6:,.1f} MB free there" in str(r.error)
        assert not get_settings().warehouse_path.exists()
        assert not list((disk / "home").glob(".canus.duckdb.building-*"))


def test_a_read_only_home_is_named_and_nothing_is_lost(mirror: Path) -> None:
    """Root ignores modes, so the home is made read-only by a read-only bind mount."""
    import os

    from canus.errors import WarehouseError
    from tests.test_feedback import _read_only

    [first] = update(["bts-border-crossings"])
    assert first.status == "updated", first.error
    home = get_settings().home
    before = sha256_of(get_settings().warehouse_path)
    if os.geteuid() != 0:
        pytest.skip("a read-only home is made here with a read-only bind mount, which needs root")
    with _read_only(home):
        [r] = update(["bts-border-crossings"])
    assert r.status == "failed" and isinstance(r.error, WarehouseError), r.error
    assert str(r.error).startswith(f"canus cannot write {home} (")
    assert "Read-only file system" in str(r.error)
    assert r.error.localized("fr").endswith("les données publiées n'ont pas changé.")
    assert sha256_of(get_settings().warehouse_path) == before


def test_a_release_the_loader_reads_from_the_file_is_recorded_with_the_version(mirror: Path) -> None:
    """Natural Earth names its release inside the zip (no publisher release time to ask)."""
    import zipfile

    from canus.warehouse import Warehouse

    [zipped] = (mirror / "natural-earth-countries").rglob("*.zip")
    with zipfile.ZipFile(zipped, "a") as z:
        z.writestr("ne_110m_admin_0_countries.VERSION.txt", "5.1.1\n")
    [r] = update(["natural-earth-countries"])
    assert r.status == "updated", r.error
    v = Warehouse().versions()["natural-earth-countries"]
    assert (v.as_of, v.release) == ("5.1.1", "5.1.1")


def test_a_load_that_fails_beside_one_that_succeeds_keeps_its_published_tables(mirror: Path) -> None:
    """Each source loads in a transaction of its own: a failed one is rolled back to the tables
    set aside, and the next source still loads and publishes."""
    import zipfile

    first = update(["bts-border-crossings", "natural-earth-countries"])
    assert [r.status for r in first] == ["updated", "updated"], [r.error for r in first]
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    before = con.execute("SELECT * FROM border_crossings ORDER BY ALL").fetchall()
    con.close()
    bts = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    header = bts.read_text().splitlines()[0]
    bts.write_text(header + "\nBlaine,WA,3004,US-Canada Border,Jan 2030,Trucks,x,49.0,-122.7,POINT (-122.7 49.0)\n")
    for f in (mirror / "natural-earth-countries").rglob("*.zip"):
        with zipfile.ZipFile(f, "a") as z:
            z.writestr("ne_110m_admin_0_countries.VERSION.txt", "5.1.1\n")  # a new file to load
    results = update(["bts-border-crossings", "natural-earth-countries"])
    assert [r.status for r in results] == ["failed", "updated"], [r.error for r in results]
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    try:
        assert con.execute("SELECT * FROM border_crossings ORDER BY ALL").fetchall() == before
        assert not [t for (t,) in con.execute("SHOW TABLES").fetchall() if t.startswith("_canus_")]
    finally:
        con.close()


def test_a_loaders_plain_exception_fails_its_source_and_a_full_disk_stops_the_build(tmp_path: Path) -> None:
    """Every loader of today words its own failures; one that lets a plain exception through
    still fails only its source, named, and a full disk inside a load stops the whole build."""
    import dataclasses
    import errno

    from canus import sources
    from canus.sources.base import Snapshot
    from canus.warehouse import DiskFullError, Warehouse

    def loader_raising(e: Exception):  # type: ignore[no-untyped-def]
        def load(con, snaps, source):  # type: ignore[no-untyped-def]
            raise e

        return load

    bts = sources.get("bts-border-crossings")
    raw = tmp_path / "raw.csv"
    raw.write_text("x")
    snap = Snapshot(bts.id, "raw.csv", raw.as_uri(), "0" * 64, raw, 1, "2024-07-01T12:00:00+00:00", "mirror")
    wh = Warehouse(path=tmp_path / "home" / "canus.duckdb")
    plain = dataclasses.replace(bts, load=loader_raising(ValueError("unexpected\n  value")))
    [outcome] = wh.build([(plain, {"raw.csv": snap})])
    assert not outcome.ok and str(outcome.error) == "bts-border-crossings: loading failed: unexpected value"
    full = dataclasses.replace(bts, load=loader_raising(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(DiskFullError):
        wh.build([(full, {"raw.csv": snap})])
    assert not wh.path.exists()


def test_an_earlier_release_a_loader_reads_is_refused_as_an_older_vintage(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The release a loader reads from its file goes to the publish checks with the period."""
    import dataclasses

    from canus import sources
    from canus.warehouse import PublishRefusedError

    bts = sources.get("bts-border-crossings")
    release = {"now": "2024-08-01T08:30"}

    def load(con, snaps, source):  # type: ignore[no-untyped-def]
        result = bts.load(con, snaps, source)
        return dataclasses.replace(result, notes={**result.notes, "release": release["now"]})

    monkeypatch.setitem(sources._STATIC, bts.id, dataclasses.replace(bts, load=load))
    [first] = update([bts.id])
    assert first.status == "updated", first.error
    release["now"] = "2024-07-01T08:30"  # the same period, released earlier
    bts_file = mirror / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv"
    bts_file.write_text(bts_file.read_text().replace("Trucks", "Buses", 1))
    [second] = update([bts.id])
    assert second.status == "failed" and isinstance(second.error, PublishRefusedError), second.error
    assert second.error.checks == ("as-of",)


def test_a_warehouse_written_elsewhere_leaves_the_homes_downloads_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`canus rebuild` writes another file under its own lock: a download of the home may be live."""
    monkeypatch.setenv("CANUS_HOME", str(tmp_path / "home"))
    raw = get_settings().raw_dir
    raw.mkdir(parents=True)
    download = raw / "tmp-download"
    download.write_bytes(b"partial")
    os.utime(download, (time.time() - 3600, time.time() - 3600))
    with Warehouse(path=tmp_path / "rebuilt" / "canus.duckdb").lock():
        pass
    assert download.exists()
    # The home's own update holds the home's lock: from before it, the file is debris.
    with Warehouse().lock():
        pass
    assert not download.exists()
