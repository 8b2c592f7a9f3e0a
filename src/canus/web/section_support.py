"""What the section builders share: optional pillars, registry tables and the map outline.

Pillars land at different times, so every builder imports them lazily: a missing module
means "no data yet", never a broken page.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import duckdb

from canus import terminology
from canus.i18n import _
from canus.metrics import Column, MetricTable, has_tables

NATURAL_EARTH = "natural-earth-countries"


def optional_module(name: str) -> ModuleType | None:
    """The module, or None when it has not landed yet (a missing dependency inside still raises)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name == name or (e.name and name.startswith(e.name + ".")):
            return None
        raise


def registry(name: str) -> Any | None:
    """One validated registry file (``missions``, ``security`` …), or None before it exists."""
    reg = optional_module("canus.registry")
    if reg is None or name not in getattr(reg, "SCHEMAS", getattr(
            optional_module("canus.registry.models"), "SCHEMAS", {})):
        return None
    return reg.load(name)


def host_of(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")


def fact_table(
    table_id: str,
    title: str,
    definition: str,
    facts: Sequence[Any],
    lang: str,
    columns: list[Column],
    values: Callable[[Any], dict[str, Any]],
) -> MetricTable:
    """A table of registry facts with each fact's citation; registry facts name no dataset."""
    rows = []
    for f in facts:
        row = {"label": f.label.get(lang), **values(f)}
        note = f.note.get(lang) if getattr(f, "note", None) else ""
        if not f.confirmed:
            note = (_("Not yet confirmed against its source.", lang) + " " + note).strip()
        row.update({"publisher": terminology.name(f.source.publisher, lang),
                    "source_url": terminology.url_in(f.source.url, lang)[0],
                    "accessed": f.source.accessed.isoformat(), "note": note})
        rows.append(row)
    return MetricTable(
        id=table_id, title=title, definition=definition,
        columns=[Column("label", "Name", "text"), *columns,
                 Column("publisher", "Cited source", "text"),
                 Column("source_url", "Address", "url"),
                 Column("accessed", "Consulted", "code"),
                 Column("note", "Note", "text")],
        rows=rows, provenance=[],
    )


def boundaries_geojson(con: duckdb.DuckDBPyConnection | None) -> dict[str, Any] | None:
    """Country outlines as a FeatureCollection, from the environment pillar or the table itself."""
    if con is None:
        return None
    env = optional_module("canus.metrics.environment")
    fn = getattr(env, "boundaries_geojson", None) if env else None
    if fn is not None:
        result = fn(con)
        if isinstance(result, str):
            result = json.loads(result)
        if result:
            return result
    if not has_tables(con, "boundaries"):
        return None
    feats = [
        {"type": "Feature", "properties": {"ISO_A3": iso, "NAME_EN": en, "NAME_FR": fr},
         "geometry": json.loads(geo)}
        for iso, en, fr, geo in con.execute(
            "SELECT iso_a3, name_en, name_fr, geojson FROM boundaries ORDER BY iso_a3").fetchall()
    ]
    return {"type": "FeatureCollection", "features": feats}
