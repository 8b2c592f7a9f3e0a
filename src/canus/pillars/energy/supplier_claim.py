"""Observer for the claim "each country is the other's leading foreign supplier of energy".

``observe(con, period)`` follows the claims checker's contract (``canus.claims.observations``):
it returns an :class:`Observation` whose value is the *worse* of the two ranks for all energy
together — 1 exactly when each country is the other's first supplier, so the claim's figure
(rank 1) is supported at value 1 and contradicted otherwise — with both ranks, per-form ranks
and the first partner of each side in ``detail``. It raises :class:`MissingSource` naming the
tables that are absent, so the claim is "not yet checkable" until both sides are loaded.

``period`` ``None`` asks for the latest year both sides have (the checker's "since then");
a year asks for that year (the later edition's).

Wiring (for the lead): in ``canus.claims.observations`` replace the ``_NOT_YET`` entry
``energy.top_import_source_each_way`` by ``METRICS["energy.top_import_source_each_way"] =
supplier_claim.observe`` and ``NEEDS[...] = supplier_claim.NEEDS``.
"""

from __future__ import annotations

from typing import Any

import duckdb

from canus.claims.needs import missing_tables
from canus.claims.observation import MissingSource, Msg, Observation, Percent, table_msg
from canus.pillars.energy import forms

NEEDS = (
    "energy imports by partner country for both countries: US EIA crude oil and natural gas "
    "imports by country (eia-energy-trade) and Canada's imports of energy products by trading "
    "partner (Statistics Canada table 12-10-0173-01)"
)
WHY = (
    "the US side needs eia-energy-trade, which 'canus update' skips until CANUS_EIA_API_KEY is "
    "set; Canada's side needs statcan-12100173"
)
TABLES = {"eia_energy_trade": forms.EIA, "statcan_12100173": forms.T173}
FIRST_NOTE = (
    "Canada's rank among US energy suppliers (crude oil, natural gas and electricity, by "
    "energy content): {us_rank}; the United States' rank among Canada's (energy products, "
    "by value): {ca_rank}. First supplier of the United States: {us_first} ({us_share}); "
    "of Canada: {ca_first} ({ca_share})."
)
LIMITS_NOTE = (
    "The US total leaves out refined products, coal and uranium; Canada's total is the value of all energy products."
)


def ranks(con: duckdb.DuckDBPyConnection, year: int | None) -> dict[int, dict[str, dict[str, Any]]]:
    """year → importer → form → rank row (see ``forms.supplier_ranks``).

    For the United States, ``all_energy`` is the rank by energy content (EIA); the rank by value
    (Census HS 27, when loaded) is kept under ``all_energy_value``.
    """
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for r in forms.supplier_ranks(con, year).rows:
        form = "all_energy_value" if r["measure"] == "value_usd" else r["form"]
        out.setdefault(r["year"], {}).setdefault(r["importer"], {})[form] = r
    return out


def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    if con is None:
        raise MissingSource(Msg("{needs} (no warehouse yet: run 'canus update')", {"needs": Msg(NEEDS)}))
    absent = {t: TABLES[t] for t in missing_tables(con, tuple(TABLES))}
    if absent:
        listed = [table_msg(sid, t) for t, sid in absent.items()]
        raise MissingSource(
            Msg("{missing}: {why}", {"missing": listed, "why": Msg(WHY)}), tuple(dict.fromkeys(absent.values()))
        )
    year = int(period[:4]) if period else None
    by_year = ranks(con, year)
    both = sorted(
        (
            y
            for y, sides in by_year.items()
            if "all_energy" in sides.get("united_states", {}) and "all_energy" in sides.get("canada", {})
        ),
        reverse=True,
    )
    if not both:
        return None
    y = both[0]
    us = by_year[y]["united_states"]
    ca = by_year[y]["canada"]
    us_all, ca_all = us["all_energy"], ca["all_energy"]
    worst = max(us_all["rank"] or 999, ca_all["rank"] or 999)
    detail = {
        "canada_rank_in_us_imports": us_all["rank"],
        "us_rank_in_canada_imports": ca_all["rank"],
        "canada_share_of_us_imports": us_all["share"],
        "us_share_of_canada_imports": ca_all["share"],
        "us_first_supplier": us_all["first_partner"],
        "canada_first_supplier": ca_all["first_partner"],
        "by_form": {f"{imp}:{form}": row["rank"] for imp, forms_ in by_year[y].items() for form, row in forms_.items()},
    }
    note = Msg(
        FIRST_NOTE,
        {
            "us_rank": str(us_all["rank"]),
            "ca_rank": str(ca_all["rank"]),
            "us_first": us_all["first_partner"],
            "us_share": Percent(us_all["first_share"] or 0.0),
            "ca_first": ca_all["first_partner"],
            "ca_share": Percent(ca_all["first_share"] or 0.0),
        },
    )
    sources = tuple(dict.fromkeys(s for r in (us_all, ca_all) for s in str(r["source_id"]).split()))
    return Observation(float(worst), "rank", str(y), sources, detail=detail, notes=(note, Msg(LIMITS_NOTE)))
