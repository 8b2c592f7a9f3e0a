"""Adapters from a claim's ``check.target`` to a number canus computed.

Each metric observation is a function ``(con, period) -> Observation | None``: ``period``
``None`` asks for the latest period the data has; ``None`` back means the source is loaded
but has no value for that period. When the module, table or source a target needs is
absent, the function raises :class:`MissingSource` naming it, so the claim is "not yet
checkable" and becomes checkable by itself once the data lands.

Registry observations read :mod:`canus.registry`; they have no periods.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import duckdb

from canus import registry
from canus.metrics import has_tables
from canus.registry.models import DeclaredCount, Fact, Mission


@dataclass(frozen=True)
class Observation:
    value: float
    unit: str
    period: str | None
    source_ids: tuple[str, ...]
    #: Registry facts used (id, url, accessed, confirmed) — empty for metrics.
    facts: tuple[dict[str, Any], ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


class MissingSource(Exception):
    """What a target needs and canus does not have yet (a source, a table or a module)."""

    def __init__(self, what: str, source_ids: tuple[str, ...] = ()) -> None:
        super().__init__(what)
        self.what = what
        self.source_ids = source_ids


Observer = Callable[[duckdb.DuckDBPyConnection | None, str | None], Observation | None]
METRICS: dict[str, Observer] = {}
#: Plain-language name of what each metric target rests on, for "not yet checkable".
NEEDS: dict[str, str] = {}


def metric(name: str, needs: str) -> Callable[[Observer], Observer]:
    def deco(fn: Observer) -> Observer:
        METRICS[name] = fn
        NEEDS[name] = needs
        return fn
    return deco


def _module(dotted: str, needs: str) -> ModuleType:
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as e:
        if e.name != dotted:
            raise
        raise MissingSource(f"{needs} (module {dotted} not written yet)") from None


def _need_con(con: duckdb.DuckDBPyConnection | None, needs: str) -> duckdb.DuckDBPyConnection:
    if con is None:
        raise MissingSource(f"{needs} (no warehouse yet: run 'canus update')")
    return con


def _need_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, str]) -> None:
    missing = [f"{sid} (table {t})" for t, sid in tables.items() if not has_tables(con, t)]
    if missing:
        raise MissingSource(", ".join(missing),
                            tuple(sid for t, sid in tables.items() if not has_tables(con, t)))


def _year(period: str | None) -> int | None:
    return int(period[:4]) if period else None


# ------------------------------------------------------------------------- border / people

BTS = "bts-border-crossings"


@metric("border.people_per_day_into_us",
        "bts-border-crossings: people entering the US at land ports on the Canadian border")
def _people_into_us(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    con = _need_con(con, NEEDS["border.people_per_day_into_us"])
    _need_tables(con, {"border_crossings": BTS})
    border = _module("canus.metrics.border", "border metrics")
    got = border.people_per_day(con, _year(period))
    if got is None:
        return None
    value, year = got
    return Observation(float(value), "persons_per_day", str(year), (BTS,))


TRAVELLERS_NEEDS = ("people crossing per day in both directions, all modes: Statistics Canada "
                    "table 24-10-0053-01 (travellers entering Canada) with US entries "
                    "(canus.metrics.travellers)")


@metric("travellers.people_per_day_both_directions", TRAVELLERS_NEEDS)
def _people_both_ways(con: duckdb.DuckDBPyConnection | None,
                      period: str | None) -> Observation | None:
    mod = _module("canus.metrics.travellers", TRAVELLERS_NEEDS)
    con = _need_con(con, TRAVELLERS_NEEDS)
    _need_tables(con, {"border_crossings": BTS, mod.TABLE: mod.SOURCE_ID})
    table = mod.both_directions(con)
    # Only years complete on both sides: a part year would understate the daily average.
    rows = [r for r in table.rows if r.get("months_us") == 12 and r.get("months_canada") == 12]
    if period:
        rows = [r for r in rows if r["year"] == _year(period)]
    if not rows:
        return None
    r = max(rows, key=lambda x: x["year"])
    return Observation(float(r["both_per_day"]), "persons_per_day", str(r["year"]),
                       tuple(p.source_id for p in table.provenance))


def _from_metric(got: Any, unit: str, default_sources: tuple[str, ...]) -> Observation | None:
    """Accept a ``(value, year)`` pair or an object with value/unit/period/source_ids."""
    if got is None:
        return None
    if isinstance(got, tuple):
        value, year = got
        return Observation(float(value), unit, str(year), tuple(default_sources))
    return Observation(float(got.value), getattr(got, "unit", unit), str(got.period),
                       tuple(getattr(got, "source_ids", default_sources)),
                       detail={"basis": getattr(got, "basis", "")})


# ------------------------------------------------------------------------- trade

TRADE_NEEDS = ("Canada–US trade in goods and services: Statistics Canada tables 12-10-0011 or "
               "12-10-0173 (goods) and 36-10-0007 (services)")
RANK_NEEDS = "US trade by partner country: US Census Bureau international trade API (census-trade)"


def _trade_years(con: duckdb.DuckDBPyConnection, trade: ModuleType) -> list[int]:
    return sorted((r["year"] for r in trade.goods_and_services_yearly(con).rows), reverse=True)


def _bilateral(currency: str) -> Observer:
    def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
        trade = _module("canus.metrics.trade", TRADE_NEEDS)
        con = _need_con(con, TRADE_NEEDS)
        goods = {"statcan_12100011": "statcan-12100011", "statcan_12100173": "statcan-12100173"}
        if not any(has_tables(con, t) for t in goods):
            raise MissingSource("statcan-12100011 or statcan-12100173 (goods)",
                                ("statcan-12100011",))
        _need_tables(con, {"statcan_36100007": "statcan-36100007"})
        if currency == "USD":
            _need_tables(con, {"fred_excaus": "fred-EXCAUS"})
        years = [_year(period)] if period else _trade_years(con, trade)
        for y in years:
            got = trade.bilateral_total(con, y, currency=currency)
            if got is not None:
                return _from_metric(got, currency, ())
        return None
    return observe


METRICS["trade.bilateral_goods_services_cad"] = _bilateral("CAD")
NEEDS["trade.bilateral_goods_services_cad"] = TRADE_NEEDS
METRICS["trade.bilateral_goods_services_usd"] = _bilateral("USD")
NEEDS["trade.bilateral_goods_services_usd"] = TRADE_NEEDS + " and FRED EXCAUS"


@metric("trade.canada_rank_among_us_partners", RANK_NEEDS)
def _rank(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    trade = _module("canus.metrics.trade", RANK_NEEDS)
    con = _need_con(con, RANK_NEEDS)
    _need_tables(con, {"census_trade_partners": "census-trade"})
    if period:
        years = [_year(period)]
    else:
        years = [int(r[0]) for r in con.execute(
            "SELECT DISTINCT year(period) FROM census_trade_partners ORDER BY 1 DESC").fetchall()]
    for y in years:
        got = trade.canada_rank_among_us_partners(con, y)
        if got is not None:
            return _from_metric(got, "rank", ("census-trade",))
    return None


# ------------------------------------------------------------------------- not in canus yet
# Targets whose data no canus source carries; each names what would make it checkable.

def _unavailable(needs: str) -> Observer:
    def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
        raise MissingSource(needs)
    return observe


_NOT_YET = {
    "trade.jobs_supported": "jobs supported by Canada–US trade: no official open series; an "
                            "input-output estimate (Statistics Canada, US BEA) would be needed",
    "trade.exports_into_us_supply_chains": "share of Canada's goods exports to the US used as "
                                           "inputs by US industry: OECD Trade in Value Added "
                                           "(TiVA) or Statistics Canada supply-use tables",
    "trade.largest_bilateral_relationship_world": "bilateral trade of every pair of countries "
                                                  "(IMF Direction of Trade Statistics or UN "
                                                  "Comtrade)",
    "energy.top_import_source_each_way": "energy imports by partner country for both countries "
                                         "(Statistics Canada energy trade, US EIA imports by "
                                         "country); canus holds electricity trade only",
    "environment.arctic_refuge_ecosystem": "an ecological assessment of intact ecosystems "
                                           "(no open dataset canus reads)",
}
for _name, _needs in _NOT_YET.items():
    METRICS[_name] = _unavailable(_needs)
    NEEDS[_name] = _needs


# ------------------------------------------------------------------------- registry

_COUNT = re.compile(r"^count\((.*)\)$")


def _fact_ref(name: str, f: Fact) -> dict[str, Any]:
    return {"registry": name, "id": f.id, "url": f.source.url,
            "accessed": f.source.accessed.isoformat(), "publisher": f.source.publisher,
            "confirmed": f.confirmed}


def observe_registry(target: str, reduce: str, period: str | None) -> Observation:
    """``missions:count(operator=canada,kind=consulate_general)`` or ``border:boundary-length.value``."""
    name, _, rest = target.partition(":")
    m = _COUNT.match(rest)
    if m:
        conds = dict(kv.split("=", 1) for kv in m.group(1).split(",") if kv)
        hits = [f for f in registry.facts(name)
                if not isinstance(f, DeclaredCount)
                and all(str(getattr(f, k, None)) == v for k, v in conds.items())]
        return Observation(float(len(hits)), "count", None, (f"registry:{name}",),
                           tuple(_fact_ref(name, f) for f in hits),
                           detail={"members": [f.id for f in hits]})
    fact_id, _, fld = rest.rpartition(".")
    f = registry.fact(name, fact_id)
    raw = getattr(f, fld)
    if isinstance(raw, dt.date):
        if reduce == "years_since":
            if period is None:
                raise ValueError(f"{target}: years_since needs the claim's period")
            value = float(int(period[:4]) - raw.year)
        else:
            value = float(raw.year)
    else:
        value = float(raw)
    unit = getattr(f, "unit", "year" if isinstance(raw, dt.date) else "count")
    if isinstance(f, Mission):
        unit = "degrees"
    return Observation(value, "years" if reduce == "years_since" else unit, None,
                       (f"registry:{name}",), (_fact_ref(name, f),),
                       detail={"qualifier": getattr(f, "qualifier", None)})
