"""Text files of unknown single-byte or UTF-8 encoding, handed to DuckDB as UTF-8."""

from __future__ import annotations

import contextlib
import gzip
import tempfile
from collections.abc import Iterator
from pathlib import Path


def decode(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, else Windows-1252, else Latin-1 (never fails)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


@contextlib.contextmanager
def utf8_text(path: Path) -> Iterator[Path]:
    """A UTF-8 copy of ``path`` (gzip or not) for as long as the block runs."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        text = decode(f.read()).lstrip("\ufeff")
    with tempfile.TemporaryDirectory(prefix="canus-text-") as tmp:
        out = Path(tmp) / path.name.removesuffix(".gz")
        out.write_text(text, encoding="utf-8")
        yield out
