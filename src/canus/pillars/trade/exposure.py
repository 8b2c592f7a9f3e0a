"""Tariff exposure: the trade a set of tariff rates would touch, and the duty at those rates.

Rates are percentages by product: NAPCS sections (``C12``…, Statistics Canada table
12-10-0173, Canadian dollars) for breakdowns by product and province, HS chapters
(``27``, ``87``…, US Census state data, US dollars) for the breakdown by US state.

For each year and each group (product section, province or state):

- value: the trade in the chosen direction;
- exposed: the part of it in products with a rate above zero;
- duty: the sum over products of value × rate.

The direction ``exports`` is Canada's exports to the US (US tariffs on Canadian goods);
``imports`` is Canada's imports from the US (Canadian tariffs on US goods).

Limits (also in docs/trade-method.md): a static calculation on past trade. Nobody changes
what they buy or sell, prices do not move, exemptions (e.g. CUSMA-compliant goods),
quotas and duty drawback are ignored, and a rate applies to a whole section or chapter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from canus.errors import CanusError
from canus.metrics import Column, MetricTable, dict_rows, has_tables, provenance

#: The example schedule shipped with canus (``rates=example``).
EXAMPLE_RATES = Path(__file__).resolve().parent / "data" / "example-rates.yaml"
BY = ("product", "province", "state")
DIRECTIONS = ("exports", "imports")
_SECTION_RE = re.compile(r"^C[0-9]{2}$")
_CHAPTER_RE = re.compile(r"^[0-9]{2}$")

DEFINITION = (
    "Value of trade in products that the given tariff rates would cover, and the duty those "
    "rates would raise on it, computed on past trade. No change in behaviour, prices or "
    "sourcing is modelled; exemptions and quotas are ignored."
)


class RatesError(CanusError):
    """A rate file or rate parameter that cannot be used."""


@dataclass
class RateSchedule:
    name: str = "custom"
    direction: str = "exports"
    #: Percent by NAPCS section code (``C12``).
    sections: dict[str, float] = field(default_factory=dict)
    #: Percent by two-digit HS chapter (``87``).
    chapters: dict[str, float] = field(default_factory=dict)
    #: Percent for products not listed.
    default: float = 0.0


def _rate(value: Any, where: str, key: str) -> float:
    text = str(value).strip().removesuffix("%")
    try:
        rate = float(text)
    except ValueError:
        raise RatesError(
            "{where}: the rate for {key} is not a number: {value!r}", where=where, key=key, value=value
        ) from None
    if not 0 <= rate <= 1000:
        raise RatesError(
            "{where}: the rate for {key} must be a percentage from 0 to 1000, not {value}",
            where=where,
            key=key,
            value=value,
        )
    return rate


def _keys(mapping: Any, pattern: re.Pattern[str], where: str, what: str) -> dict[str, float]:
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise RatesError("{where}: {what} must be a mapping of code to percent", where=where, what=what)
    out = {}
    for k, v in mapping.items():
        key = f"{k:02d}" if isinstance(k, int) else str(k).strip().upper()
        if not pattern.match(key):
            raise RatesError("{where}: {key!r} is not a valid code under {what}", where=where, key=str(k), what=what)
        out[key] = _rate(v, where, key)
    return out


def schedule_from_mapping(data: Any, where: str) -> RateSchedule:
    if not isinstance(data, dict):
        raise RatesError("{where}: expected a mapping with 'sections' and/or 'chapters'", where=where)
    direction = str(data.get("direction", "exports"))
    if direction not in DIRECTIONS:
        raise RatesError("{where}: direction must be exports or imports, not {value!r}", where=where, value=direction)
    sched = RateSchedule(
        name=str(data.get("name", "custom")),
        direction=direction,
        sections=_keys(data.get("sections"), _SECTION_RE, where, "sections"),
        chapters=_keys(data.get("chapters"), _CHAPTER_RE, where, "chapters"),
        default=_rate(data.get("default", 0), where, "default"),
    )
    if not sched.sections and not sched.chapters and not sched.default:
        raise RatesError("{where}: no rate is given", where=where)
    return sched


def load_rates(path: Path) -> RateSchedule:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise RatesError(
            "{where}: cannot read the rate file ({problem})", where=str(path), problem=e.strerror or str(e)
        ) from None
    except yaml.YAMLError as e:
        raise RatesError(
            "{where}: the rate file is not valid YAML ({problem})", where=str(path), problem=str(e).splitlines()[0]
        ) from None
    return schedule_from_mapping(data, str(path))


def parse_rate_list(spec: str | None, pattern: re.Pattern[str], where: str) -> dict[str, float]:
    """``"C12:10,C19:25"`` → {"C12": 10.0, "C19": 25.0}."""
    out: dict[str, float] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition(":")
        key = key.strip().upper()
        if not sep or not pattern.match(key):
            raise RatesError("{where}: {part!r} is not CODE:PERCENT", where=where, part=part.strip())
        out[key] = _rate(value, where, key)
    return out


def schedule_from_params(
    sections: str | None, chapters: str | None, default: str | None, direction: str = "exports"
) -> RateSchedule:
    data: dict[str, Any] = {
        "direction": direction,
        "sections": parse_rate_list(sections, _SECTION_RE, "sections"),
        "chapters": parse_rate_list(chapters, _CHAPTER_RE, "chapters"),
        "default": default or 0,
    }
    return schedule_from_mapping(data, "query")


# ---------------------------------------------------------------------------- computation


def _rates_sql(rates: dict[str, float]) -> str:
    if not rates:
        return "SELECT NULL::VARCHAR AS code, NULL::DOUBLE AS pct WHERE false"
    return "VALUES " + ", ".join(f"('{k}', {v!r})" for k, v in rates.items())


def exposure(
    con: duckdb.DuckDBPyConnection, schedule: RateSchedule, *, year: int | None = None, by: str = "product"
) -> MetricTable:
    if by not in BY:
        raise RatesError("by must be one of {choices}, not {value!r}", choices=", ".join(BY), value=by)
    state = by == "state"
    currency = "USD" if state else "CAD"
    group_label = {"product": "Product section", "province": "Province or territory", "state": "State"}[by]
    columns = [
        Column("year", "Year", "year"),
        Column("group", group_label, "code" if state else "text"),
        Column("value", "Trade", currency),
        Column("exposed", "Trade in products with a tariff", currency),
        Column("duty", "Duty at these rates", currency),
        Column("effective_rate", "Duty as a share of trade", "percent"),
    ]
    table = MetricTable(
        id=f"trade-exposure-{by}",
        title="Tariff exposure",
        definition=DEFINITION,
        columns=columns,
        rows=[],
        provenance=[],
        summary={"schedule": schedule.name, "direction": schedule.direction, "currency": currency},
    )
    if state:
        if not schedule.chapters and not schedule.default:
            raise RatesError("A breakdown by state needs rates by HS chapter ('chapters').")
        if not has_tables(con, "census_trade_state"):
            return table
        direction = "us_imports_from_canada" if schedule.direction == "exports" else "us_exports_to_canada"
        base = f"""
            SELECT year(period) AS year, state AS grp, hs2 AS code, sum(value_usd) AS value
            FROM census_trade_state WHERE direction = '{direction}'
            GROUP BY ALL"""
        rates = schedule.chapters
        src = "census-trade"
    else:
        if not schedule.sections and not schedule.default:
            raise RatesError("A breakdown by product or province needs rates by NAPCS section ('sections').")
        if not has_tables(con, "statcan_12100173"):
            return table
        trade = "Export" if schedule.direction == "exports" else "Import"
        napcs = "north_american_product_classification_system_napcs"
        grp = napcs if by == "product" else "geo"
        geo = "geo = 'Canada'" if by == "product" else "geo <> 'Canada'"
        base = f"""
            SELECT year(period) AS year, {grp} AS grp,
                   regexp_extract({napcs}, '\\[(C[0-9]+)\\]', 1) AS code, sum(value) AS value
            FROM statcan_12100173
            WHERE {geo} AND trading_partner = 'United States' AND trade = '{trade}'
              AND {napcs} <> 'All sections'
            GROUP BY ALL"""
        rates = schedule.sections
        src = "statcan-12100173"
    if year is None:
        row = con.execute(f"SELECT max(year) FROM ({base})").fetchone()
        year = int(row[0]) if row and row[0] is not None else None
    cur = con.execute(
        f"""
        WITH b AS ({base}), r(code, pct) AS ({_rates_sql(rates)}),
        j AS (
            SELECT b.year, b.grp, b.value, coalesce(r.pct, {schedule.default!r}) AS pct
            FROM b LEFT JOIN r USING (code) WHERE b.year = ? AND b.value IS NOT NULL
        )
        SELECT year, grp AS "group", sum(value) AS value,
               coalesce(sum(value) FILTER (WHERE pct > 0), 0) AS exposed,
               sum(value * pct / 100) AS duty
        FROM j GROUP BY ALL ORDER BY duty DESC, "group"
    """,
        [year],
    )
    for out in dict_rows(cur):
        out["effective_rate"] = out["duty"] / out["value"] if out["value"] else None
        table.rows.append(out)
    table.summary |= {
        "year": str(year),
        "value": repr(sum(r["value"] for r in table.rows)),
        "exposed": repr(sum(r["exposed"] for r in table.rows)),
        "duty": repr(sum(r["duty"] for r in table.rows)),
    }
    table.provenance = provenance(con, src)
    return table
