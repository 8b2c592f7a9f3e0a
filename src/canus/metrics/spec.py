"""What a metric is, declared once: the spec every page, API route, claim and command reads.

A spec names the figure (one id style everywhere: kebab case, ``border-yearly``), says what it
counts and in which unit, how it knows it (``measured``, ``proxy`` or ``estimate``), which
warehouse tables it needs, which columns it returns and the function that computes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import duckdb

from canus.metrics import MetricTable

Basis = Literal["measured", "proxy", "estimate", "registry"]
#: A need is a table, or a tuple of tables of which any one will do (the first is preferred).
Need = str | tuple[str, ...]
MetricFn = Callable[[duckdb.DuckDBPyConnection, str], MetricTable | None]

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BASES: tuple[Basis, ...] = ("measured", "proxy", "estimate", "registry")


@dataclass(frozen=True)
class MetricSpec:
    id: str
    pillar: str
    #: English title and definition; the French comes from the message catalogue.
    title: str
    definition: str
    unit: str
    basis: Basis
    needs: tuple[Need, ...]
    columns: tuple[str, ...]
    #: ``fn(con, lang)``; language matters only to registry tables, whose rows carry names.
    fn: MetricFn

    def __post_init__(self) -> None:
        if not _KEBAB.match(self.id):
            raise ValueError(f"metric id {self.id!r} must be kebab case (lower-case words and hyphens)")
        if self.basis not in BASES:
            raise ValueError(f"metric {self.id!r}: basis must be one of {BASES}")


def plain(fn: Callable[[duckdb.DuckDBPyConnection], MetricTable | None]) -> MetricFn:
    """A language-neutral metric function as a catalogue function."""
    return lambda con, lang: fn(con)


def registry_table(fn: Callable[[str], MetricTable | None]) -> MetricFn:
    """A registry table (rows carry names in the reader's language) as a catalogue function."""
    return lambda con, lang: fn(lang)
