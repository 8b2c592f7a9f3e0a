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
from canus.i18n import _, fmt_number, fmt_percent
from canus.metrics import has_tables
from canus.registry.models import DeclaredCount, Fact, Mission


@dataclass(frozen=True)
class Percent:
    """A share (0.8) shown as a percentage in the reader's language."""

    value: float


@dataclass
class Msg:
    """An English message with fields, rendered through the catalogue in the reader's language.

    Fields that are themselves :class:`Msg` are rendered first; floats are formatted as numbers
    of the language (en-CA, fr-CA). Source ids, table names and years are left as they are.
    """

    text: str
    fields: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        vals: dict[str, Any] = {}
        for k, v in self.fields.items():
            if isinstance(v, Msg):
                vals[k] = v.render(lang)
            elif isinstance(v, list):
                vals[k] = ", ".join(x.render(lang) if isinstance(x, Msg) else str(x) for x in v)
            elif isinstance(v, Percent):
                vals[k] = fmt_percent(v.value, lang, 0)
            elif isinstance(v, float):
                vals[k] = fmt_number(v, lang, 0)
            else:
                vals[k] = v
        return _(self.text, lang, **vals)

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True)
class Observation:
    value: float
    unit: str
    period: str | None
    source_ids: tuple[str, ...]
    #: Registry facts used (id, url, accessed, confirmed) — empty for metrics.
    facts: tuple[dict[str, Any], ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)
    #: Caveats that go with this value on every surface (estimate range, partial coverage …).
    notes: tuple[Msg, ...] = ()


class MissingSource(Exception):
    """What a target needs and canus does not have yet (a source, a table or a module)."""

    def __init__(self, what: Msg | str, source_ids: tuple[str, ...] = (),
                 notes: tuple[Msg, ...] = ()) -> None:
        self.need = what if isinstance(what, Msg) else Msg(what)
        super().__init__(str(self.need))
        self.source_ids = source_ids
        #: What canus can say meanwhile (a one-way count that is not the page's measure …).
        self.notes = notes

    @property
    def what(self) -> str:
        return str(self.need)


Observer = Callable[[duckdb.DuckDBPyConnection | None, str | None], Observation | None]
METRICS: dict[str, Observer] = {}
#: Plain-language name of what each metric target rests on (English; the catalogue gives the
#: French), for "not yet checkable".
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
        raise MissingSource(Msg("{needs} (module {module} not written yet)",
                                {"needs": Msg(needs), "module": dotted})) from None


def _need_con(con: duckdb.DuckDBPyConnection | None, needs: str) -> duckdb.DuckDBPyConnection:
    if con is None:
        raise MissingSource(Msg("{needs} (no warehouse yet: run 'canus update')",
                                {"needs": Msg(needs)}))
    return con


def _table_msg(source_id: str, table: str) -> Msg:
    return Msg("{source} (table {table})", {"source": source_id, "table": table})


def _absent(con: duckdb.DuckDBPyConnection, tables: dict[str, str]) -> dict[str, str]:
    return {t: sid for t, sid in tables.items() if not has_tables(con, t)}


def _need_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, str],
                 why: str | None = None, notes: tuple[Msg, ...] = ()) -> None:
    """Raise naming every absent table at once, so one run lists all that is missing."""
    absent = _absent(con, tables)
    if not absent:
        return
    by_source: dict[str, list[str]] = {}
    for t, sid in absent.items():
        by_source.setdefault(sid, []).append(t)
    listed = [_table_msg(sid, ", ".join(ts)) for sid, ts in by_source.items()]
    what = (Msg("{missing}: {why}", {"missing": listed, "why": Msg(why)}) if why
            else Msg("{missing}", {"missing": listed}))
    raise MissingSource(what, tuple(dict.fromkeys(absent.values())), notes)


def _year(period: str | None) -> int | None:
    return int(period[:4]) if period else None


# ------------------------------------------------------------------------- border / people

BTS = "bts-border-crossings"


@metric("border.people_per_day_into_us",
        "bts-border-crossings: people entering the US at land ports on the Canadian border")
def _people_into_us(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    con = _need_con(con, NEEDS["border.people_per_day_into_us"])
    _need_tables(con, {"border_crossings": BTS})
    border = _module("canus.pillars.border.metrics", "border metrics")
    got = border.people_per_day(con, _year(period))
    if got is None:
        return None
    value, year = got
    return Observation(float(value), "persons_per_day", str(year), (BTS,))


TRAVELLERS_NEEDS = ("people crossing per day in both directions, all modes: Statistics Canada "
                    "table 24-10-0053-01 (travellers entering Canada) with US entries "
                    "(canus.pillars.border.travellers)")
TRAVELLERS_WHY = ("Statistics Canada table 24-10-0053-01 counts travellers entering Canada; "
                  "without it canus has one direction only, since BTS counts only people "
                  "entering the US at land ports, while the page counts both directions and "
                  "every mode")
OLDER_WHY = ("Statistics Canada table 24-10-0041-01 counts travellers entering Canada in the "
             "years before table 24-10-0053-01 begins")
BTS_ALONE = ("BTS alone: {value} people a day entered the US at land ports on the Canadian "
             "border in {year}. That is one direction and one mode, so canus does not compare "
             "it with the page's figure.")

def _bts_alone(con: duckdb.DuckDBPyConnection, period: str | None) -> tuple[Msg, ...]:
    """The one-way US count, said for what it is, while the Canadian side is missing."""
    if not has_tables(con, "border_crossings"):
        return ()
    from canus.pillars.border import metrics as border

    got = border.people_per_day(con, _year(period))
    if got is None:
        return ()
    value, year = got
    return (Msg(BTS_ALONE, {"value": float(round(value, -2)), "year": str(year)}),)


@metric("travellers.people_per_day_both_directions", TRAVELLERS_NEEDS)
def _people_both_ways(con: duckdb.DuckDBPyConnection | None,
                      period: str | None) -> Observation | None:
    mod = _module("canus.pillars.border.travellers", TRAVELLERS_NEEDS)
    con = _need_con(con, TRAVELLERS_NEEDS)
    canadian = ({mod.OLDER_TABLE: mod.OLDER_SOURCE_ID} if has_tables(con, mod.OLDER_TABLE)
                else {mod.TABLE: mod.SOURCE_ID, mod.MEMBERS: mod.SOURCE_ID})
    _need_tables(con, {**canadian, "border_crossings": BTS, "ports": BTS},
                 TRAVELLERS_WHY, _bts_alone(con, period))
    table = mod.both_directions(con)
    # Only years complete on both sides: a part year would understate the daily average.
    rows = [r for r in table.rows if r.get("months_us") == 12 and r.get("months_canada") == 12]
    if period:
        rows = [r for r in rows if r["year"] == _year(period)]
    if not rows and period:
        # A year before 24-10-0053 begins needs the older table: name it rather than stay mute.
        _need_tables(con, {mod.OLDER_TABLE: mod.OLDER_SOURCE_ID}, OLDER_WHY,
                     _bts_alone(con, period))
    if not rows:
        return None
    r = max(rows, key=lambda x: x["year"])
    return Observation(float(r["both_per_day"]), "persons_per_day", str(r["year"]),
                       tuple(p.source_id for p in table.provenance),
                       detail={"into_us_per_day": r["into_us_per_day"],
                               "into_canada_per_day": r["into_canada_per_day"]},
                       notes=(Msg("Into the US (BTS, land ports): {into_us} a day; into Canada "
                                  "(Statistics Canada, all modes): {into_canada} a day. The "
                                  "two counts are not defined alike.",
                                  {"into_us": float(r["into_us_per_day"]),
                                   "into_canada": float(r["into_canada_per_day"])}),))


def _from_metric(got: Any, unit: str, default_sources: tuple[str, ...]) -> Observation | None:
    """Accept a ``(value, year)`` pair or an object with value/unit/period/source_ids."""
    if got is None:
        return None
    if isinstance(got, tuple):
        value, year = got
        return Observation(float(value), unit, str(year), tuple(default_sources))
    return Observation(float(got.value), getattr(got, "unit", unit), str(got.period),
                       tuple(getattr(got, "source_ids", default_sources)),
                       detail={"basis": getattr(got, "basis", ""),
                               "parts": getattr(got, "parts", {})})


# ------------------------------------------------------------------------- trade

TRADE_NEEDS = ("Canada–US trade in goods and services: Statistics Canada tables 12-10-0011 or "
               "12-10-0173 (goods) and 36-10-0007 (services)")
RANK_NEEDS = "US trade by partner country: US Census Bureau international trade API (census-trade)"
RANK_WHY = ("the US Census Bureau's trade by partner country; 'canus update' skips census-trade "
            "until CANUS_CENSUS_API_KEY is set")
GOODS_TABLES = {"statcan_12100011": "statcan-12100011", "statcan_12100173": "statcan-12100173"}


def _trade_years(con: duckdb.DuckDBPyConnection, trade: ModuleType) -> list[int]:
    return sorted((r["year"] for r in trade.goods_and_services_yearly(con).rows), reverse=True)


def _bilateral(currency: str) -> Observer:
    def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
        trade = _module("canus.pillars.trade.metrics", TRADE_NEEDS)
        con = _need_con(con, TRADE_NEEDS)
        missing: list[Msg] = []
        ids: list[str] = []
        if not any(has_tables(con, t) for t in GOODS_TABLES):
            missing.append(Msg("{a} or {b} (goods)", {"a": _table_msg("statcan-12100011",
                                                                        "statcan_12100011"),
                                                       "b": _table_msg("statcan-12100173",
                                                                       "statcan_12100173")}))
            ids += ["statcan-12100011", "statcan-12100173"]
        extra = {"statcan_36100007": "statcan-36100007"}
        if currency == "USD":
            extra["fred_excaus"] = "fred-EXCAUS"
        for t, sid in _absent(con, extra).items():
            missing.append(_table_msg(sid, t))
            ids.append(sid)
        if missing:
            raise MissingSource(Msg("{missing}: {why}", {"missing": missing,
                                                         "why": Msg(TRADE_NEEDS)}), tuple(ids))
        years = [_year(period)] if period else _trade_years(con, trade)
        for y in years:
            got = trade.bilateral_total(con, y, currency=currency)
            if got is not None:
                o = _from_metric(got, currency, ())
                assert o is not None
                basis = getattr(got, "basis", "")
                if basis and basis != "Balance of payments":
                    return Observation(o.value, o.unit, o.period, o.source_ids, detail=o.detail,
                                       notes=(Msg("Goods on a customs basis: the balance-of-"
                                                  "payments figures that add up with services "
                                                  "are not loaded."),))
                return o
        return None
    return observe


METRICS["trade.bilateral_goods_services_cad"] = _bilateral("CAD")
NEEDS["trade.bilateral_goods_services_cad"] = TRADE_NEEDS
METRICS["trade.bilateral_goods_services_usd"] = _bilateral("USD")
NEEDS["trade.bilateral_goods_services_usd"] = TRADE_NEEDS + " and FRED EXCAUS"


@metric("trade.canada_rank_among_us_partners", RANK_NEEDS)
def _rank(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    trade = _module("canus.pillars.trade.metrics", RANK_NEEDS)
    con = _need_con(con, RANK_NEEDS)
    _need_tables(con, {"census_trade_partners": "census-trade"}, RANK_WHY)
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


SUPPLY_NEEDS = ("Canada's goods exports to the US by product section: Statistics Canada table "
                "12-10-0173-01, read with canus's mapping of product sections to end uses")
SUPPLY_RANGE = ("Estimate, not a measurement: {low} to {high} of exports to the US are inputs "
                "or capital goods for US producers, {central} at the centre of the range "
                "(product sections mapped to end uses; see the method and its limits).")


@metric("trade.exports_into_us_supply_chains", SUPPLY_NEEDS)
def _supply_chain(con: duckdb.DuckDBPyConnection | None,
                  period: str | None) -> Observation | None:
    trade = _module("canus.pillars.trade.metrics", SUPPLY_NEEDS)
    con = _need_con(con, SUPPLY_NEEDS)
    _need_tables(con, {"statcan_12100173": "statcan-12100173"}, SUPPLY_NEEDS)
    rows = trade.supply_chain(con, _year(period)).rows
    if not rows:
        return None
    r = max(rows, key=lambda x: x["year"])
    pct = {k: Percent(r[k]) for k in ("low", "central", "high")}
    return Observation(float(r["central"]), "percent", str(r["year"]), ("statcan-12100173",),
                       detail={"low": r["low"], "central": r["central"], "high": r["high"]},
                       notes=(Msg(SUPPLY_RANGE, pct),))


# ------------------------------------------------------------------------- not in canus yet
# Targets whose data no canus source carries; each names what would make it checkable.

def _unavailable(needs: str) -> Observer:
    def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
        raise MissingSource(needs)
    return observe


_NOT_YET = {
    "trade.jobs_supported": "jobs supported by Canada–US trade: no official open series; an "
                            "input-output estimate (Statistics Canada, US BEA) would be needed",
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
