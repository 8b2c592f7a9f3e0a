"""What killed and failed updates leave behind is gone after the next one; a full disk is named.

The ``kill -9`` harness kills real ``canus update`` processes at seeded random moments (no
timing is asserted: the delays only spread the kills over the run), then checks that the
published warehouse still opens with one of the published versions and that the next update
leaves no ``.building-*`` copy and no ``raw/tmp*`` file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from canus.pipeline import update
from canus.settings import get_settings
from canus.warehouse import DiskFullError
from tests.conftest import ROOT, sha256_of
from tests.vintage_files import base_value, bts_csv, months

SOURCE = "bts-border-crossings"
FILE = "Border_Crossing_Entry_Data.csv"


def debris(home: Path) -> list[str]:
    found = [p.name for p in home.glob(".canus.duckdb.building-*")]
    raw = home / "raw"
    if raw.is_dir():
        found += [p.name for p in raw.glob("tmp*")] + [p.name for p in raw.glob("*/statcan-*-*.csv")]
    return found


def write_variant(mirror: Path, k: int, periods: list[tuple[int, int]]) -> int:
    """A new snapshot each time (values shifted by ``k``), same vintage, plausible for the gate."""
    folder = mirror / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE).write_bytes(bts_csv(periods, value=lambda *a: base_value(*a) + k))
    return k


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    return tmp_path / "mirror"


def test_stale_debris_is_removed_when_the_next_update_takes_the_lock(mirror: Path) -> None:
    write_variant(mirror, 0, months((2023, 1), (2023, 12)))
    [r] = update([SOURCE])
    assert r.status == "updated"
    home = get_settings().home
    stale = [
        home / ".canus.duckdb.building-99999",
        home / ".canus.duckdb.building-99999.wal",
        home / "raw" / "tmpk2j3.csv",
        home / "raw" / "tmpzz.csv.gz",
        home / "raw" / "ab" / "statcan-1-x.csv",
    ]
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x" * 1000)
    # While another update holds the lock, its files are its own: refused, nothing removed.
    with open(home / ".update.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        [r] = update([SOURCE])
        assert r.status == "failed" and "Another 'canus update'" in str(r.error)
        assert all(p.exists() for p in stale)
    [r] = update([SOURCE])
    assert r.status == "unchanged"
    assert debris(home) == [] and not any(p.exists() for p in stale)


def _canus(*args: str) -> list[str]:
    return [sys.executable, "-c", "from canus.cli import app; app()", *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _published_k(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        got = con.execute(
            f"SELECT value - {base_value('3801', 'Personal Vehicle Passengers', 2000, 1)} "
            "FROM border_crossings WHERE port_code = '3801' "
            "AND measure = 'Personal Vehicle Passengers' AND period = DATE '2000-01-01'"
        ).fetchone()
    assert got is not None
    return int(got[0])


def test_kill_9_at_random_points_in_10_updates_leaves_nothing_behind(mirror: Path) -> None:
    periods = months((2000, 1), (2023, 12))  # 1,152 rows: long enough to be caught mid-build
    home = get_settings().home
    write_variant(mirror, 0, periods)
    started = time.monotonic()
    first = subprocess.run(_canus("update", SOURCE), env=_env(), capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    one_run = time.monotonic() - started
    published = [0]
    rng = random.Random(15)
    left_behind = 0
    for k in range(1, 11):
        write_variant(mirror, k, periods)
        proc = subprocess.Popen(
            _canus("update", SOURCE), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.0, one_run * 1.1))
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left_behind += bool(debris(home))
        # Whatever moment the kill hit, the published file is one whole version: the one
        # published before, or this one if the kill came after the swap.
        now = _published_k(home / "canus.duckdb")
        assert now in (published[-1], k)
        published.append(now)
    write_variant(mirror, 99, periods)
    last = subprocess.run(_canus("update", SOURCE), env=_env(), capture_output=True, text=True)
    assert last.returncode == 0, last.stdout + last.stderr
    assert debris(home) == []
    assert _published_k(home / "canus.duckdb") == 99
    print(f"kills that left debris: {left_behind} of 10")


@contextlib.contextmanager
def small_disk(where: Path, size_bytes: int) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root to mount")
    where.mkdir(parents=True, exist_ok=True)
    kib = max(64, size_bytes // 1024)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(where)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_full_disk_while_building_names_the_path_and_keeps_the_published_file(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    periods = months((2020, 1), (2023, 12))
    write_variant(mirror, 0, periods)
    [r] = update([SOURCE])
    assert r.status == "updated"
    home = get_settings().home
    size = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    # Room for the published home and a little more, not for a second copy of the warehouse.
    with small_disk(tmp_path / "small", size + (512 << 10)) as disk:
        shutil.copytree(home, disk / "home")
        monkeypatch.setenv("CANUS_HOME", str(disk / "home"))
        before = sha256_of(disk / "home" / "canus.duckdb")
        write_variant(mirror, 1, periods)
        [r] = update([SOURCE])
        assert r.status == "failed" and isinstance(r.error, DiskFullError), r.error
        message = str(r.error)
        assert "Disk full" in message and str(disk / "home") in message and " MB free there" in message
        assert "Disque plein" in r.error.localized("fr")
        assert sha256_of(disk / "home" / "canus.duckdb") == before
        assert debris(disk / "home") == []


def test_full_disk_while_downloading_names_the_path_and_leaves_no_partial_file(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    periods = months((1990, 1), (2023, 12))
    folder = mirror / SOURCE
    folder.mkdir(parents=True)
    # Larger than the disk: the copy into raw/ runs out of room.
    (folder / FILE).write_bytes(bts_csv(periods) * 6)
    with small_disk(tmp_path / "tiny", 512 << 10) as disk:
        monkeypatch.setenv("CANUS_HOME", str(disk / "home"))
        [r] = update([SOURCE])
        # The download layer reports it (the copy into raw/ is where the disk fills up).
        assert r.status == "failed", r.error
        assert "no space left" in str(r.error) and str(disk / "home" / "raw") in str(r.error)
        assert debris(disk / "home") == []
        assert not (disk / "home" / "canus.duckdb").exists()
