"""What a killed or failed update leaves behind, and its removal when the next one starts.

An update builds ``.<warehouse>.building-<pid>`` beside the published file and downloads into
``raw/tmp*`` before a file is named by its sha256 (Statistics Canada loads also extract
``raw/<xx>/statcan-<pid>-*.csv``). ``kill -9``, a full disk or a power cut leave them there.
Only an update holding the update lock writes any of them, so once the next update holds the
lock, every such file from before that moment belongs to no live process.
"""

from __future__ import annotations

import time
from pathlib import Path


def stale_files(warehouse: Path, raw_dir: Path | None, before_ns: int) -> list[Path]:
    """Leftovers last written before ``before_ns`` (nanoseconds since the epoch)."""
    found = list(warehouse.parent.glob(f".{warehouse.name}.building-*"))
    if raw_dir is not None and raw_dir.is_dir():
        found += raw_dir.glob("tmp*")
        found += raw_dir.glob("*/statcan-*-*.csv")
    out = []
    for path in found:
        try:
            st = path.lstat()
        except FileNotFoundError:
            continue
        if path.is_file() and st.st_mtime_ns < before_ns:
            out.append(path)
    return sorted(out)


def clean(warehouse: Path, raw_dir: Path | None, before_ns: int | None = None) -> list[Path]:
    """Remove the leftovers; returns what was removed. Call only while holding the update lock."""
    removed = []
    for path in stale_files(warehouse, raw_dir, before_ns if before_ns is not None else time.time_ns()):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed
