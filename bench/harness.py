"""Timing and peak memory of whole commands, each run in a fresh process.

Wall time is measured around the child; peak memory is the child's own max RSS, read
from ``os.wait4`` so that runs do not pollute each other.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measure:
    name: str
    median_s: float
    runs_s: list[float]
    peak_mb: float
    note: str = ""


def run_once(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    if proc.stderr:
        proc.stderr.close()
    return wall, usage.ru_maxrss / 1024.0  # KiB on Linux


def measure(
    name: str,
    cmd: list[str],
    *,
    runs: int = 5,
    env: dict[str, str] | None = None,
    before_each: Callable[[], None] | None = None,
    note: str = "",
) -> Measure:
    walls, peaks = [], []
    for _ in range(runs):
        if before_each:
            before_each()
        wall, peak = run_once(cmd, env=env)
        walls.append(wall)
        peaks.append(peak)
    return Measure(name, statistics.median(walls), walls, max(peaks), note)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"
