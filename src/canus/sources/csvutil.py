"""Small helpers shared by the CSV readers."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path


def header(path: Path, *, encoding: str = "utf-8", delimiter: str = ",", skip_lines: int = 0) -> list[str]:
    """The header row of a (possibly gzipped) CSV file, stripped of a BOM and spaces."""
    raw = gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="") as text:
        for _ in range(skip_lines):
            text.readline()
        line = text.readline().lstrip("\ufeff")
    return [h.strip() for h in next(csv.reader([line], delimiter=delimiter), [])]


def sql_str(value: str | Path) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
