"""Adapters from a claim's ``check.target`` to a number canus computed.

Each metric observation is a function ``(con, period) -> Observation | None``: ``period``
``None`` asks for the latest period the data has; ``None`` back means the source is loaded
but has no value for that period. When a table a target needs is absent, the function raises
:class:`MissingSource` naming the table and its source (decided by
:func:`canus.claims.needs.missing_sources`, the only place that does), so the claim is "not yet
checkable" and becomes checkable by itself once the data lands.

The observers are declared in :data:`OBSERVERS`, target name → (function, what it needs); the
metric modules they read are imported at the top, so a missing module is an import error.

Registry observations read :mod:`canus.registry`; they have no periods.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import duckdb

from canus import registry
from canus.claims.needs import missing_sources, missing_tables, source_of
from canus.claims.observation import (
    Amount,
    Context,
    MissingSource,
    Msg,
    Observation,
    Observer,
    Percent,
    need_tables,
    table_msg,
)
from canus.pillars.border import metrics as border
from canus.pillars.border import travellers
from canus.pillars.energy import supplier_claim
from canus.pillars.environment import trend as emissions_trend
from canus.pillars.trade import metrics as trade_metrics
from canus.registry.models import DeclaredCount, Fact, Mission


def _year(period: str | None) -> int | None:
    return int(period[:4]) if period else None


# ------------------------------------------------------------------------- border / people

TRAVELLERS_NEEDS = (
    "people crossing per day in both directions: Statistics Canada table "
    "24-10-0053-01 (travellers coming from the US into Canada) and BTS entries "
    "into the US"
)
TRAVELLERS_WHY = (
    "Statistics Canada table 24-10-0053-01 counts travellers coming from the US into "
    "Canada; without it canus has one direction only, since BTS counts only people "
    "entering the US at land ports"
)
OLDER_WHY = (
    "Statistics Canada table 24-10-0041-01 counts travellers coming from the US into "
    "Canada in the years before table 24-10-0053-01 begins"
)
BTS_ALONE = (
    "BTS alone: {value} people a day entered the US at land ports on the Canadian "
    "border in {year}. That is one direction and one mode, so canus does not compare "
    "it with the page's figure."
)
NEW_TABLES = ("statcan_24100053", "statcan_24100053_members")
OLD_TABLES = ("statcan_24100041", "statcan_24100041_members")
BTS_TABLES = ("border_crossings", "ports")


def _bts_alone(con: duckdb.DuckDBPyConnection | None, period: str | None) -> tuple[Msg, ...]:
    """The one-way US count, said for what it is, while the Canadian side is missing."""
    if con is None or missing_tables(con, ("border_crossings",)):
        return ()
    got = border.people_per_day(con, _year(period))
    if got is None:
        return ()
    value, year = got
    return (Msg(BTS_ALONE, {"value": float(round(value, -2)), "year": str(year)}),)


INTO_US_NEEDS = "bts-border-crossings: people entering the US at land ports on the Canadian border"


def _people_into_us(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    need_tables(con, ("border_crossings",), INTO_US_NEEDS)
    assert con is not None  # need_tables names every table when there is no warehouse
    got = border.people_per_day(con, _year(period))
    if got is None:
        return None
    value, year = got
    return Observation(float(value), "persons_per_day", str(year), (source_of("border_crossings"),))


def _canadian_tables(con: duckdb.DuckDBPyConnection | None, period: str | None) -> tuple[str, ...]:
    """24-10-0041 for a year before 24-10-0053 begins; for the latest year, whichever is loaded."""
    y = _year(period)
    if y is not None:
        return OLD_TABLES if y < travellers.NEWER_TABLE_FROM else NEW_TABLES
    return OLD_TABLES if missing_tables(con, NEW_TABLES) and not missing_tables(con, OLD_TABLES) else NEW_TABLES


def _people_both_ways(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    canadian = _canadian_tables(con, period)
    need_tables(
        con, (*canadian, *BTS_TABLES), OLDER_WHY if canadian == OLD_TABLES else TRAVELLERS_WHY, _bts_alone(con, period)
    )
    assert con is not None  # need_tables names every table when there is no warehouse
    table = travellers.both_directions(con)
    # Only years complete on both sides: a part year would understate the daily average.
    rows = [r for r in table.rows if r.get("months_us") == 12 and r.get("months_canada") == 12]
    if period:
        rows = [r for r in rows if r["year"] == _year(period)]
    if not rows and period:
        # A year before 24-10-0053 begins needs the older table: name it rather than stay mute.
        need_tables(con, OLD_TABLES, OLDER_WHY, _bts_alone(con, period))
    if not rows:
        return None
    r = max(rows, key=lambda x: x["year"])
    return Observation(
        float(r["both_per_day"]),
        "persons_per_day",
        str(r["year"]),
        tuple(p.source_id for p in table.provenance),
        detail={
            k: r[k]
            for k in (
                "into_us_per_day",
                "into_canada_per_day",
                "us_residents_per_day",
                "canadians_from_us_per_day",
                "into_canada_air_per_day",
                "into_canada_land_per_day",
                "into_canada_water_per_day",
                "canada_table",
            )
        },
        notes=(
            Msg(
                "Into the US from Canada (BTS, land ports): {into_us} a day; "
                "into Canada from the US (Statistics Canada, all modes): "
                "{into_canada} a day. People flying into the US from Canada "
                "are not counted: no official open count of them is loaded.",
                {"into_us": float(r["into_us_per_day"]), "into_canada": float(r["into_canada_per_day"])},
            ),
        ),
    )


# ------------------------------------------------------------------------- trade

TRADE_NEEDS = (
    "Canada–US trade in goods and services: Statistics Canada tables 12-10-0011 or "
    "12-10-0173 (goods) and 36-10-0007 (services)"
)
RANK_NEEDS = "US trade with every partner country: US Census Bureau international trade API (census-trade), goods only"
RANK_WHY = (
    "the US Census Bureau's trade by partner country; 'canus update' skips census-trade "
    "until CANUS_CENSUS_API_KEY is set"
)
GOODS_TABLES = ("statcan_12100011", "statcan_12100173")
US_SIDE = (
    "US side, goods only (US Census Bureau via FRED): {us_goods} in {year}, against "
    "{ca_goods} in Statistics Canada's goods figures, a mirror gap of {gap}. US services "
    "by partner (BEA) are not loaded."
)


def _trade_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return sorted((r["year"] for r in trade_metrics.goods_and_services_yearly(con).rows), reverse=True)


def _us_side(
    con: duckdb.DuckDBPyConnection, year: int, ca_goods: float | None
) -> tuple[dict[str, Any], tuple[Msg, ...]]:
    """The US-recorded goods figure of the same year, in CAD, and its gap with Canada's."""
    if ca_goods is None or missing_tables(con, ("fred_expca", "fred_impca", "fred_excaus")):
        return {}, ()
    row = next((r for r in trade_metrics.us_goods_yearly(con).rows if r["year"] == year and r["months"] == 12), None)
    if row is None or row["total_cad"] is None:
        return {}, ()
    gap = row["total_cad"] - ca_goods
    detail = {"us_goods_cad": row["total_cad"], "canada_goods_cad": ca_goods, "mirror_gap_goods_cad": gap}
    amounts = {
        "us_goods": Amount(row["total_cad"], "CAD"),
        "ca_goods": Amount(ca_goods, "CAD"),
        "gap": Amount(gap, "CAD"),
        "year": str(year),
    }
    return detail, (Msg(US_SIDE, amounts),)


def _bilateral(currency: str) -> Observer:
    def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
        missing: list[Msg] = []
        ids: list[str] = []
        if len(missing_tables(con, GOODS_TABLES)) == len(GOODS_TABLES):
            a, b = GOODS_TABLES
            missing.append(
                Msg("{a} or {b} (goods)", {"a": table_msg(source_of(a), a), "b": table_msg(source_of(b), b)})
            )
            ids += missing_sources(con, GOODS_TABLES)
        extra = ("statcan_36100007",) + (("fred_excaus",) if currency == "USD" else ())
        for t in missing_tables(con, extra):
            missing.append(table_msg(source_of(t), t))
        ids += missing_sources(con, extra)
        if con is None:
            missing.append(Msg("no warehouse yet: run 'canus update'"))
        if missing:
            raise MissingSource(Msg("{missing}: {why}", {"missing": missing, "why": Msg(TRADE_NEEDS)}), tuple(ids))
        assert con is not None
        years = [_year(period)] if period else _trade_years(con)
        for y in years:
            assert y is not None
            got = trade_metrics.bilateral_total(con, y, currency=currency)
            if got is None:
                continue
            notes: list[Msg] = []
            if got.basis and got.basis != "Balance of payments":
                notes.append(
                    Msg(
                        "Goods on a customs basis: the balance-of-payments figures "
                        "that add up with services are not loaded."
                    )
                )
            detail: dict[str, Any] = {"basis": got.basis, "parts": got.parts}
            us_detail, us_notes = _us_side(con, y, got.parts.get("goods_cad"))
            detail.update(us_detail)
            return Observation(
                float(got.value),
                currency,
                str(got.period),
                tuple(got.source_ids) + (("fred-EXPCA", "fred-IMPCA") if us_detail else ()),
                detail=detail,
                notes=(*notes, *us_notes),
            )
        return None

    return observe


def _rank(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    need_tables(con, ("census_trade_partners",), RANK_WHY)
    assert con is not None  # need_tables names every table when there is no warehouse
    if period:
        years = [_year(period)]
    else:
        years = [
            int(r[0])
            for r in con.execute("SELECT DISTINCT year(period) FROM census_trade_partners ORDER BY 1 DESC").fetchall()
        ]
    for y in years:
        assert y is not None
        got = trade_metrics.canada_rank_among_us_partners(con, y)
        if got is not None:
            return Observation(
                float(got.value),
                "rank",
                str(got.period),
                ("census-trade",),
                detail={"basis": got.basis, "parts": got.parts},
                notes=(
                    Msg(
                        "Ranked on US goods trade with every partner country "
                        "(US Census Bureau); services by partner are not "
                        "loaded."
                    ),
                ),
            )
    return None


SUPPLY_NEEDS = (
    "Canada's goods exports to the US by product section: Statistics Canada table "
    "12-10-0173-01, read with canus's mapping of product sections to end uses"
)
SUPPLY_RANGE = (
    "Estimate, not a measurement: {low} to {high} of exports to the US are inputs "
    "or capital goods for US producers, {central} at the centre of the range "
    "(product sections mapped to end uses; see the method and its limits)."
)


def _supply_chain(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    need_tables(con, ("statcan_12100173",), SUPPLY_NEEDS)
    assert con is not None  # need_tables names every table when there is no warehouse
    rows = trade_metrics.supply_chain(con, _year(period)).rows
    if period:
        rows = [r for r in rows if r["year"] == _year(period)]
    if not rows:
        return None
    r = max(rows, key=lambda x: x["year"])
    pct = {k: Percent(r[k]) for k in ("low", "central", "high")}
    return Observation(
        float(r["central"]),
        "percent",
        str(r["year"]),
        ("statcan-12100173",),
        detail={"low": r["low"], "central": r["central"], "high": r["high"]},
        notes=(Msg(SUPPLY_RANGE, pct),),
    )


def _unavailable(needs: str) -> Observer:
    def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
        raise MissingSource(needs)

    return observe


NOT_YET = {
    "trade.jobs_supported": "jobs supported by Canada–US trade: no official open series; an "
    "input-output estimate (Statistics Canada, US BEA) would be needed",
    "trade.largest_bilateral_relationship_world": "bilateral trade of every pair of countries "
    "(IMF Direction of Trade Statistics or UN "
    "Comtrade)",
    "environment.arctic_refuge_ecosystem": "an ecological assessment of intact ecosystems "
    "(no open dataset canus reads)",
    "environment.ozone_annex_people_benefiting": (
        "a count of people living where the Ozone Annex lowered ozone: the annex's progress "
        "reports give emission cuts in its control region, not people, so canus would need "
        "population by air basin joined to ozone trends (no open series canus reads)"
    ),
}


#: Every metric target a claim may name: target → (observer, what it rests on). Declared here,
#: not registered on import, so a test can check that every claim's target is in it.
OBSERVERS: dict[str, tuple[Observer, str]] = {
    "border.people_per_day_into_us": (_people_into_us, INTO_US_NEEDS),
    "travellers.people_per_day_both_directions": (_people_both_ways, TRAVELLERS_NEEDS),
    "trade.bilateral_goods_services_cad": (_bilateral("CAD"), TRADE_NEEDS),
    "trade.bilateral_goods_services_usd": (_bilateral("USD"), TRADE_NEEDS + " and FRED EXCAUS"),
    "trade.canada_rank_among_us_partners": (_rank, RANK_NEEDS),
    "trade.exports_into_us_supply_chains": (_supply_chain, SUPPLY_NEEDS),
    "energy.top_import_source_each_way": (supplier_claim.observe, supplier_claim.NEEDS),
    **{name: (_unavailable(needs), needs) for name, needs in NOT_YET.items()},
}
METRICS: dict[str, Observer] = {k: v[0] for k, v in OBSERVERS.items()}
NEEDS: dict[str, str] = {k: v[1] for k, v in OBSERVERS.items()}

#: Every context a claim may name (``Claim.context``): shown beside the verdict, never part of it.
CONTEXTS: dict[str, Callable[[duckdb.DuckDBPyConnection | None], Context]] = {
    "environment.emissions_trend": emissions_trend.emissions_trend,
}


# ------------------------------------------------------------------------- registry

_COUNT = re.compile(r"^count\((.*)\)$")


def _fact_ref(name: str, f: Fact) -> dict[str, Any]:
    return {
        "registry": name,
        "id": f.id,
        "url": f.source.url,
        "accessed": f.source.accessed.isoformat() if f.source.accessed else None,
        "publisher": f.source.publisher,
        "confirmed": f.confirmed,
        "confirm_with": f.confirm_with.model_dump() if f.confirm_with else None,
    }


def observe_registry(target: str, reduce: str, period: str | None) -> Observation:
    """``missions:count(operator=canada,kind=consulate_general)`` or ``border:boundary-length.value``."""
    name, _, rest = target.partition(":")
    m = _COUNT.match(rest)
    if m:
        conds = dict(kv.split("=", 1) for kv in m.group(1).split(",") if kv)
        hits = [
            f
            for f in registry.facts(name)
            if not isinstance(f, DeclaredCount) and all(str(getattr(f, k, None)) == v for k, v in conds.items())
        ]
        return Observation(
            float(len(hits)),
            "count",
            None,
            (f"registry:{name}",),
            tuple(_fact_ref(name, f) for f in hits),
            detail={"members": [f.id for f in hits]},
        )
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
    return Observation(
        value,
        "years" if reduce == "years_since" else unit,
        None,
        (f"registry:{name}",),
        (_fact_ref(name, f),),
        detail={"qualifier": getattr(f, "qualifier", None)},
    )
