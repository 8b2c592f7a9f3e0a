"""The registry of sources: every dataset canus reads, by id.

A static source is a module-level ``SOURCE`` that registers itself; a family of sources (one
per Statistics Canada table, one per FRED series) registers a factory for its id prefix and the
members canus uses by default. Modules are imported only when a source of theirs is asked for,
so ``canus update bts-border-crossings`` does not pay for every other publisher's client.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from canus.errors import CanusError
from canus.sources.base import Source

if TYPE_CHECKING:
    from canus.data_versions import DataVersion

#: Where each source lives: exact ids, then id prefixes of families. Order is the default order.
MODULES: dict[str, str] = {
    "bts-border-crossings": "canus.sources.bts_border_crossings",
    "census-trade": "canus.sources.census_trade",
    "cer-electricity-trade": "canus.sources.cer_electricity",
    "great-lakes-water-levels": "canus.sources.great_lakes",
    "air-emissions": "canus.sources.air_emissions",
    "natural-earth-countries": "canus.sources.natural_earth",
    "cer-crude-oil-exports": "canus.sources.cer_crude_oil",
    "cer-crude-oil-exports-type": "canus.sources.cer_crude_oil",
    "cer-natural-gas-trade": "canus.sources.cer_natural_gas",
    "eia-energy-trade": "canus.sources.eia",
    "statcan-25100029": "canus.sources.statcan_energy",
    "statcan-25100063": "canus.sources.statcan_energy",
    "eccc-ghg-inventory": "canus.sources.eccc_ghg",
    "eccc-ghg-projections": "canus.sources.eccc_ghg_projections",
    "epa-ghg-inventory": "canus.sources.epa_ghg",
    "ceds-emissions": "canus.sources.ceds",
}
FAMILY_MODULES: dict[str, str] = {
    "statcan-": "canus.sources.statcan",
    "fred-": "canus.sources.fred",
}

_STATIC: dict[str, Source] = {}
_FACTORIES: dict[str, Callable[[str], Source | None]] = {}
_DEFAULT_FAMILY_MEMBERS: list[str] = []


def register(source: Source) -> None:
    _STATIC[source.id] = source


def register_family(prefix: str, factory: Callable[[str], Source | None], defaults: list[str]) -> None:
    _FACTORIES[prefix] = factory
    for sid in defaults:
        if sid not in _DEFAULT_FAMILY_MEMBERS:
            _DEFAULT_FAMILY_MEMBERS.append(sid)


def _import(module: str) -> None:
    importlib.import_module(module)


def load_all() -> None:
    for module in [*MODULES.values(), *FAMILY_MODULES.values()]:
        _import(module)


def default_ids() -> list[str]:
    """The sources ``canus update`` fetches when none are named."""
    load_all()
    static = [sid for sid in MODULES if sid in _STATIC]
    static += [sid for sid in _STATIC if sid not in static]
    return static + [s for s in _DEFAULT_FAMILY_MEMBERS if s not in _STATIC]


def get(source_id: str) -> Source:
    if source_id not in _STATIC and source_id in MODULES:
        _import(MODULES[source_id])
    if source_id in _STATIC:
        return _STATIC[source_id]
    for prefix, module in FAMILY_MODULES.items():
        if source_id.startswith(prefix):
            if prefix not in _FACTORIES:
                _import(module)
            src = _FACTORIES[prefix](source_id)
            if src is not None:
                return src
    raise CanusError(
        "Unknown source {source!r}. Known sources: {known}",
        source=source_id,
        known=", ".join(default_ids()),
    )


def all_default() -> list[Source]:
    return [get(s) for s in default_ids()]


def loaded_ids(versions: Mapping[str, object]) -> list[str]:
    """Ids of loaded sources that are not defaults (``canus update statcan-24100003``), sorted.

    ``versions`` is what ``Warehouse().versions()`` returns (only its keys are read). An id no
    module knows any more is left out rather than failing the listing.
    """
    defaults = set(default_ids())
    out = []
    for sid in sorted(versions):
        if sid in defaults:
            continue
        try:
            get(sid)
        except CanusError:
            continue
        out.append(sid)
    return out


def as_loaded(source: Source, notes: Mapping[str, object] | None) -> Source:
    """The source as its loaded version describes itself: a title read from the publisher's own
    metadata (``source_title_en`` / ``source_title_fr`` in the load notes) replaces the declared
    one, so a table renamed by its publisher is listed as it is now called."""
    notes = notes or {}
    en, fr = notes.get("source_title_en"), notes.get("source_title_fr")
    if not isinstance(en, str) or not en.strip():
        return source
    title = {"en": en.strip(), "fr": fr.strip() if isinstance(fr, str) and fr.strip() else en.strip()}
    return dataclasses.replace(source, title=title)


def listed(versions: Mapping[str, DataVersion]) -> list[Source]:
    """Every source to list (``canus sources``, ``/api/sources``): the defaults, then any other
    loaded source, each titled as its loaded version says."""
    ids = default_ids() + loaded_ids(versions)
    out = []
    for sid in ids:
        v = versions.get(sid)
        out.append(as_loaded(get(sid), v.notes if v is not None else None))
    return out
