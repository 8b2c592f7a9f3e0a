"""The registry of sources: every dataset canus reads, by id.

A static source is a module-level ``SOURCE``; a family of sources (one per Statistics Canada
table, one per FRED series) registers a factory for its id prefix and a list of the members
canus uses by default.
"""

from __future__ import annotations

from collections.abc import Callable

from canus.errors import CanusError
from canus.sources import bts_border_crossings
from canus.sources.base import Source

_STATIC: dict[str, Source] = {s.id: s for s in (bts_border_crossings.SOURCE,)}
_FACTORIES: dict[str, Callable[[str], Source | None]] = {}
_DEFAULT_FAMILY_MEMBERS: list[str] = []


def register(source: Source) -> None:
    _STATIC[source.id] = source


def register_family(prefix: str, factory: Callable[[str], Source | None], defaults: list[str]) -> None:
    _FACTORIES[prefix] = factory
    for sid in defaults:
        if sid not in _DEFAULT_FAMILY_MEMBERS:
            _DEFAULT_FAMILY_MEMBERS.append(sid)


def default_ids() -> list[str]:
    """The sources ``canus update`` fetches when none are named."""
    return list(_STATIC) + [s for s in _DEFAULT_FAMILY_MEMBERS if s not in _STATIC]


def get(source_id: str) -> Source:
    if source_id in _STATIC:
        return _STATIC[source_id]
    for prefix, factory in _FACTORIES.items():
        if source_id.startswith(prefix):
            src = factory(source_id)
            if src is not None:
                return src
    raise CanusError(
        "Unknown source {source!r}. Known sources: {known}",
        source=source_id, known=", ".join(default_ids()),
    )


def all_default() -> list[Source]:
    return [get(s) for s in default_ids()]


def _load_families() -> None:
    # Families live in their own modules; importing them registers them.
    import importlib

    for module in ("canus.sources.statcan", "canus.sources.fred", "canus.sources.census_trade",
                   "canus.sources.cer_electricity", "canus.sources.great_lakes",
                   "canus.sources.air_emissions", "canus.sources.natural_earth"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise


_load_families()
