"""Observer for the claim "each country is the other's leading foreign supplier of energy".

``observe(con, period)`` follows the claims checker's contract (``canus.claims.observations``):
it returns an :class:`Observation` whose value is the *worse* of the two ranks for all energy
together — 1 exactly when each country is the other's first supplier, so the claim's figure
(rank 1) is supported at value 1 and contradicted otherwise — with both ranks, per-form ranks
and the first partner of each side in ``detail``. It raises :class:`MissingSource` naming the
tables that are absent, so the claim is "not yet checkable" until both sides are loaded.

``period`` ``None`` asks for the latest year both sides have (the checker's "since then");
a year asks for that year (the later edition's).

The US side is EIA's rank by energy content (crude oil, natural gas, electricity) when
``eia_energy_trade`` is loaded; otherwise the Census rank by value over every form (HS chapter
27 and uranium, ``census_energy_partners``). When the Census table is loaded its ranks (all
energy, coal, uranium, by value) are reported beside the verdict, in ``detail`` and a note.

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
    "set, or else census-trade (by value), skipped until CANUS_CENSUS_API_KEY is set; Canada's "
    "side needs statcan-12100173"
)
TABLES = {"eia_energy_trade": forms.EIA, "statcan_12100173": forms.T173}
#: Either table gives the US side (EIA preferred: energy content); Canada's has one source.
US_TABLES = ("eia_energy_trade", "census_energy_partners")
CENSUS_NOTE = (
    "By value (US Census Bureau, every energy form: HS chapter 27 and uranium), Canada's rank among "
    "US energy suppliers in {year}: {all_rank}; for coal: {coal_rank}; for uranium: {uranium_rank}."
)
FIRST_NOTE = (
    "Canada's rank among US energy suppliers (crude oil, natural gas and electricity, by "
    "energy content): {us_rank}; the United States' rank among Canada's (energy products, "
    "by value): {ca_rank}. First supplier of the United States: {us_first} ({us_share}); "
    "of Canada: {ca_first} ({ca_share})."
)
FIRST_NOTE_VALUE = (
    "Canada's rank among US energy suppliers (every form, HS chapter 27 and uranium, by value): "
    "{us_rank}; the United States' rank among Canada's (energy products, by value): {ca_rank}. "
    "First supplier of the United States: {us_first} ({us_share}); of Canada: {ca_first} ({ca_share})."
)
LIMITS_NOTE = (
    "The US total leaves out refined products, coal and uranium; Canada's total is the value of all energy products."
)


def ranks(con: duckdb.DuckDBPyConnection, year: int | None) -> dict[int, dict[str, dict[str, Any]]]:
    """year → importer → form → rank row (see ``forms.supplier_ranks``).

    For the United States, ``all_energy`` is the rank by energy content (EIA); the ranks by value
    (Census, when loaded) are kept under ``all_energy_value``, ``coal_value`` and ``uranium_value``,
    and ``all_energy_value`` stands in for ``all_energy`` in a year EIA does not cover.
    """
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for r in forms.supplier_ranks(con, year).rows:
        form = f"{r['form']}_value" if r["measure"] == "value_usd" else r["form"]
        out.setdefault(r["year"], {}).setdefault(r["importer"], {})[form] = r
    for sides in out.values():
        us = sides.get("united_states", {})
        if "all_energy" not in us and "all_energy_value" in us:
            us["all_energy"] = us["all_energy_value"]
    return out


def _rank_text(row: dict[str, Any] | None) -> str:
    return "—" if row is None or row["rank"] is None else str(row["rank"])


def _census_note(year: int, us: dict[str, dict[str, Any]]) -> Msg | None:
    if "all_energy_value" not in us:
        return None
    return Msg(
        CENSUS_NOTE,
        {
            "year": str(year),
            "all_rank": _rank_text(us.get("all_energy_value")),
            "coal_rank": _rank_text(us.get("coal_value")),
            "uranium_rank": _rank_text(us.get("uranium_value")),
        },
    )


def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
    if con is None:
        raise MissingSource(Msg("{needs} (no warehouse yet: run 'canus update')", {"needs": Msg(NEEDS)}))
    absent = {t: TABLES[t] for t in missing_tables(con, tuple(TABLES))}
    if "eia_energy_trade" in absent and not missing_tables(con, ("census_energy_partners",)):
        del absent["eia_energy_trade"]  # the Census gives the US side by value
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
        FIRST_NOTE if us_all["measure"] == "energy_pj" else FIRST_NOTE_VALUE,
        {
            "us_rank": str(us_all["rank"]),
            "ca_rank": str(ca_all["rank"]),
            "us_first": us_all["first_partner"],
            "us_share": Percent(us_all["first_share"] or 0.0),
            "ca_first": ca_all["first_partner"],
            "ca_share": Percent(ca_all["first_share"] or 0.0),
        },
    )
    census = _census_note(y, us)
    notes: tuple[Msg, ...] = (note, Msg(LIMITS_NOTE)) if us_all["measure"] == "energy_pj" else (note,)
    sources = tuple(dict.fromkeys(s for r in (us_all, ca_all) for s in str(r["source_id"]).split()))
    if census is not None:
        notes += (census,)
        sources = tuple(dict.fromkeys((*sources, forms.CENSUS)))
    detail["us_measure"] = us_all["measure"]
    return Observation(float(worst), "rank", str(y), sources, detail=detail, notes=notes)
