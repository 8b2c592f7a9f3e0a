"""Energy trade between Canada and the United States in every form, in common units, with ranks.

Tables read (each optional: a metric lists what it has and says what is missing):

- ``cer_crude_exports`` (``cer-crude-oil-exports``): Canada's crude oil exports by destination;
- ``cer_gas_trade`` (``cer-natural-gas-trade``): natural gas exports and imports by port;
- ``electricity_trade`` (``cer-electricity-trade``): electricity exports and imports;
- ``eia_energy_trade`` (``eia-energy-trade``): US crude oil imports and natural gas imports and
  exports by partner country, as the US reports them;
- ``statcan_12100173`` (``statcan-12100173``): Canada's imports of "Energy products" by trading
  partner, in dollars (every form together, including refined products, coal and uranium);
- ``census_energy_partners`` (``census-trade``): US imports and exports of HS chapter 27, coal
  (2701) and uranium (2612, 284410, 284420) by partner country, in US dollars, used when present
  for the ranks by value: all energy (chapter 27 and uranium), coal and uranium.

Method and limits (shown with the figures): volumes are as reported; energy content in
petajoules is converted with the factors of :mod:`canus.pillars.energy.units` (an estimate);
a partner's rank is its place among every partner country the source lists for that year,
by energy content (US side, crude oil and natural gas) or by value (Canada's side, all energy
products). Forms a source does not cover (refined products and coal in EIA's routes read here;
Mexico's electricity sales to the US) are left out of the US total, which is therefore a lower
bound; CER and Statistics Canada count exports differently (CER's reconciliation page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, Provenance, dict_rows, has_tables, provenance
from canus.pillars.energy import units

CER_CRUDE, CER_GAS, CER_POWER = "cer-crude-oil-exports", "cer-natural-gas-trade", "cer-electricity-trade"
EIA, T173, CENSUS = "eia-energy-trade", "statcan-12100173", "census-trade"
FORMS = ("crude_oil", "natural_gas", "electricity", "all_energy")

FLOWS_DEFINITION = (
    "Crude oil, natural gas and electricity crossing the Canada–US border each year, in the units "
    "each publisher reports (cubic metres, barrels, megawatt hours, Canadian dollars) and in "
    "petajoules of energy content converted with published conversion factors. Canada's side is "
    "reported to the Canada Energy Regulator; rows reported by the United States come from the "
    "US Energy Information Administration."
)
SHARES_DEFINITION = (
    "Each partner country's share of a country's energy imports in the year, and its rank: US "
    "imports of crude oil and natural gas by country of origin (EIA, in petajoules of energy "
    "content) and Canada's imports of energy products by trading partner (Statistics Canada, in "
    "Canadian dollars)."
)
RANK_DEFINITION = (
    "The rank of Canada among the countries supplying energy to the United States, and of the "
    "United States among those supplying Canada, by form of energy and for all energy together. "
    "Ranks count partner countries only, never regional groups; a form a source does not cover is "
    "left out and said so."
)
METHOD_LIMITS = (
    "Energy content is an estimate: volumes are converted with average factors (38.51 GJ per cubic "
    "metre of crude oil, 38.32 GJ per thousand cubic metres of natural gas, 3.6 GJ per megawatt "
    "hour). The US total counts crude oil and natural gas (and electricity from Canada) but not "
    "refined products, coal or uranium; Canada's total is the value of all energy products. CER "
    "and Statistics Canada count exports differently, so their figures differ."
)
CENSUS_METHOD = (
    "Ranks by value (US Census Bureau, US general imports by country of origin, customs value in US "
    "dollars, whole years only): all energy is HS chapter 27 (mineral fuels: crude oil, refined "
    "products, natural gas, coal, electricity) plus uranium (HS 2612, uranium and thorium ores, and "
    "HS 2844.10 and 2844.20, natural and enriched uranium), counted with energy because it is reactor "
    "fuel; coal is HS 2701. Value ranks weigh a dollar of coal like a dollar of uranium, so they can "
    "differ from ranks by energy content. Uranium has no energy content here: what a kilogram yields "
    "depends on its enrichment, the reactor and the burn-up."
)

CRUDE_DEFINITION = (
    "Canada's crude oil exports by destination each year (US refining districts "
    "PADD I to V, other countries): cubic metres, barrels and petajoules of energy "
    "content, with each destination's share. Confidential months are left out of "
    "the sums and flagged."
)
GAS_DEFINITION = (
    "Natural gas Canada exports and imports each year, by pipeline and as liquefied "
    "natural gas (LNG): cubic metres, thousand cubic feet, petajoules of energy "
    "content and Canadian dollars."
)
FUEL_DEFINITION = (
    "Canada's exports and imports of each fuel in the national energy balance (coal, crude "
    "oil, natural gas, refined products, electricity …), in petajoules, all partner "
    "countries together, from Statistics Canada's supply and demand of primary and "
    "secondary energy."
)


@dataclass(frozen=True)
class Spec:
    id: str
    unit: str
    basis: str
    tables: tuple[str, ...]
    function: str
    #: Tables used when present (the metric is complete without them, and says what it used).
    optional: tuple[str, ...] = ()


SPECS: tuple[Spec, ...] = (
    Spec(
        "energy-flows-by-form",
        "PJ",
        "measured",
        ("cer_crude_exports", "cer_gas_trade", "electricity_trade", "eia_energy_trade"),
        "energy_flows",
    ),
    Spec("energy-crude-oil-trade", "m3", "measured", ("cer_crude_exports",), "crude_oil_exports"),
    Spec("energy-natural-gas-trade", "m3", "measured", ("cer_gas_trade",), "natural_gas_trade"),
    Spec(
        "energy-partner-shares",
        "percent",
        "measured",
        ("eia_energy_trade", "statcan_12100173"),
        "partner_shares",
        ("electricity_trade", "census_energy_partners"),
    ),
    Spec(
        "energy-supplier-rank",
        "rank",
        "measured",
        ("eia_energy_trade", "statcan_12100173"),
        "supplier_ranks",
        ("electricity_trade", "census_energy_partners"),
    ),
    Spec("energy-trade-by-fuel", "PJ", "measured", ("statcan_25100029",), "trade_by_fuel"),
)
T029 = "statcan-25100029"


def _prov(con: duckdb.DuckDBPyConnection, tables: dict[str, str]) -> list[Provenance]:
    return provenance(con, *dict.fromkeys(sid for t, sid in tables.items() if has_tables(con, t)))


# ---------------------------------------------------------------------------- flows by form

_FLOW_COLUMNS = [
    Column("year", "Year", "year"),
    Column("form", "Form of energy", "code"),
    Column("direction", "Direction", "code"),
    Column("reported_by", "Reported by", "code"),
    Column("months", "Months of data", "count"),
    Column("volume_m3", "Volume (cubic metres)", "m3"),
    Column("volume_bbl", "Volume (barrels)", "bbl"),
    Column("energy_mwh", "Energy (MWh)", "MWh"),
    Column("energy_pj", "Energy content (PJ)", "PJ"),
    Column("value_cad", "Value", "CAD"),
    Column("source_id", "Source", "code"),
]


def energy_flows(con: duckdb.DuckDBPyConnection) -> MetricTable:
    parts: list[str] = []
    if has_tables(con, "cer_crude_exports"):
        parts.append(f"""
            SELECT year(period) AS year, 'crude_oil' AS form, 'canada_to_us' AS direction, 'canada' AS reported_by,
                   count(DISTINCT month(period)) AS months, sum(volume_m3) AS volume_m3,
                   sum(volume_bbl) AS volume_bbl, NULL::DOUBLE AS energy_mwh,
                   sum(volume_m3) {units.SQL_CRUDE_M3_TO_PJ} AS energy_pj, NULL::DOUBLE AS value_cad,
                   '{CER_CRUDE}' AS source_id
            FROM cer_crude_exports WHERE to_united_states GROUP BY ALL""")
    if has_tables(con, "cer_gas_trade"):
        parts.append(f"""
            SELECT year(period), 'natural_gas',
                   CASE flow WHEN 'export' THEN 'canada_to_us' ELSE 'us_to_canada' END, 'canada',
                   count(DISTINCT month(period)), sum(volume_thousand_m3) * 1000, NULL, NULL,
                   sum(volume_thousand_m3) {units.SQL_GAS_THOUSAND_M3_TO_PJ}, sum(value_cad), '{CER_GAS}'
            FROM cer_gas_trade WHERE mode = 'pipeline' GROUP BY ALL""")
    if has_tables(con, "electricity_trade"):
        parts.append(f"""
            SELECT year(period), 'electricity',
                   CASE activity WHEN 'export' THEN 'canada_to_us' ELSE 'us_to_canada' END, 'canada',
                   count(DISTINCT month(period)), NULL, NULL, sum(energy_mwh),
                   sum(energy_mwh) {units.SQL_MWH_TO_PJ}, sum(value_cad), '{CER_POWER}'
            FROM electricity_trade GROUP BY ALL""")
    if has_tables(con, "eia_energy_trade"):
        parts.append(f"""
            SELECT year, form, CASE flow WHEN 'us_imports' THEN 'canada_to_us' ELSE 'us_to_canada' END, 'us', 12,
                   -- MBBL is thousand barrels; MMCF is a thousand Mcf.
                   CASE form WHEN 'crude_oil' THEN sum(value) * 1000 * {units.M3_PER_BARREL.value}
                        ELSE sum(value) * 1000 * {units.M3_PER_MCF.value} END,
                   CASE form WHEN 'crude_oil' THEN sum(value) * 1000 END, NULL,
                   CASE form WHEN 'crude_oil' THEN sum(value) * 1000 {units.SQL_CRUDE_BBL_TO_PJ}
                        ELSE sum(value) {units.SQL_GAS_MMCF_TO_PJ} END,
                   NULL, '{EIA}'
            FROM eia_energy_trade WHERE is_canada GROUP BY year, form, flow""")
    rows: list[dict[str, Any]] = []
    if parts:
        names = (
            "year, form, direction, reported_by, months, volume_m3, volume_bbl, energy_mwh, energy_pj, "
            "value_cad, source_id"
        )
        union = " UNION ALL ".join(f"SELECT * FROM ({p}) AS t({names})" for p in parts)
        rows = dict_rows(con.execute(union + " ORDER BY 1, 2, 3, 4"))
    return MetricTable(
        id="energy-flows-by-form",
        title="Energy trade between Canada and the United States, by form",
        definition=FLOWS_DEFINITION,
        columns=_FLOW_COLUMNS,
        rows=rows,
        provenance=_prov(
            con,
            {
                "cer_crude_exports": CER_CRUDE,
                "cer_gas_trade": CER_GAS,
                "electricity_trade": CER_POWER,
                "eia_energy_trade": EIA,
            },
        ),
        summary={"method": METHOD_LIMITS},
    )


def crude_oil_exports(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows: list[dict[str, Any]] = []
    if has_tables(con, "cer_crude_exports"):
        rows = dict_rows(
            con.execute(f"""
            WITH y AS (
                SELECT year(period) AS year, destination, to_united_states,
                       count(DISTINCT month(period)) AS months, sum(volume_m3) AS volume_m3,
                       sum(volume_bbl) AS volume_bbl, bool_or(confidential) AS confidential
                FROM cer_crude_exports GROUP BY ALL)
            SELECT *, volume_m3 {units.SQL_CRUDE_M3_TO_PJ} AS energy_pj,
                   volume_m3 / nullif(sum(volume_m3) OVER (PARTITION BY year), 0) AS share
            FROM y ORDER BY year, destination""")
        )
    return MetricTable(
        id="energy-crude-oil-trade",
        title="Canada's crude oil exports by destination",
        definition=CRUDE_DEFINITION,
        columns=[
            Column("year", "Year", "year"),
            Column("destination", "Destination", "text"),
            Column("months", "Months of data", "count"),
            Column("volume_m3", "Volume (cubic metres)", "m3"),
            Column("volume_bbl", "Volume (barrels)", "bbl"),
            Column("energy_pj", "Energy content (PJ)", "PJ"),
            Column("share", "Share of exports", "percent"),
            Column("confidential", "Some months confidential", "code"),
        ],
        rows=rows,
        provenance=_prov(con, {"cer_crude_exports": CER_CRUDE}),
    )


def natural_gas_trade(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows: list[dict[str, Any]] = []
    if has_tables(con, "cer_gas_trade"):
        rows = dict_rows(
            con.execute(f"""
            SELECT year(period) AS year, flow, mode, count(DISTINCT month(period)) AS months,
                   sum(volume_thousand_m3) * 1000 AS volume_m3, sum(volume_mcf) AS volume_mcf,
                   sum(volume_thousand_m3) {units.SQL_GAS_THOUSAND_M3_TO_PJ} AS energy_pj,
                   sum(value_cad) AS value_cad, bool_or(confidential) AS confidential
            FROM cer_gas_trade GROUP BY ALL ORDER BY year, flow, mode""")
        )
    return MetricTable(
        id="energy-natural-gas-trade",
        title="Canada's natural gas exports and imports, pipeline and LNG",
        definition=GAS_DEFINITION,
        columns=[
            Column("year", "Year", "year"),
            Column("flow", "Direction", "code"),
            Column("mode", "Mode", "code"),
            Column("months", "Months of data", "count"),
            Column("volume_m3", "Volume (cubic metres)", "m3"),
            Column("volume_mcf", "Volume (thousand cubic feet)", "Mcf"),
            Column("energy_pj", "Energy content (PJ)", "PJ"),
            Column("value_cad", "Value", "CAD"),
            Column("confidential", "Some months confidential", "code"),
        ],
        rows=rows,
        provenance=_prov(con, {"cer_gas_trade": CER_GAS}),
    )


# ---------------------------------------------------------------------------- partners and ranks

_SHARE_COLUMNS = [
    Column("year", "Year", "year"),
    Column("importer", "Importing country", "code"),
    Column("form", "Form of energy", "code"),
    Column("measure", "Measure", "code"),
    Column("partner", "Partner", "text"),
    Column("amount", "Amount", "number"),
    Column("share", "Share of imports", "percent"),
    Column("rank", "Rank", "rank"),
    Column("source_id", "Source", "code"),
]


def _us_side(con: duckdb.DuckDBPyConnection, year: int | None) -> list[dict[str, Any]]:
    """US imports by partner country: per form in PJ, and all forms together (a lower bound)."""
    if not has_tables(con, "eia_energy_trade"):
        return []
    electricity = ""
    if has_tables(con, "electricity_trade"):
        # Electricity from Canada, as Canada reports its exports (EIA's routes read here have none).
        electricity = f"""UNION ALL SELECT year(period), 'electricity', 'Canada', TRUE,
                          sum(energy_mwh) {units.SQL_MWH_TO_PJ}, '{CER_POWER}'
                          FROM electricity_trade WHERE activity = 'export' GROUP BY ALL
                          HAVING count(DISTINCT month(period)) = 12"""
    return dict_rows(
        con.execute(
            f"""
        WITH per_form AS (
            SELECT year, form, CASE WHEN is_canada THEN 'Canada' ELSE partner END AS partner, is_canada,
                   sum(CASE form WHEN 'crude_oil' THEN value * 1000 {units.SQL_CRUDE_BBL_TO_PJ}
                                 ELSE value {units.SQL_GAS_MMCF_TO_PJ} END) AS amount,
                   '{EIA}' AS source_id
            FROM eia_energy_trade WHERE flow = 'us_imports' AND is_country AND value IS NOT NULL
            GROUP BY ALL
            {electricity}
        ), everything AS (
            SELECT * FROM per_form
            UNION ALL
            SELECT year, 'all_energy', partner, bool_or(is_canada), sum(amount), string_agg(DISTINCT source_id, ' ')
            FROM per_form WHERE year IN (SELECT DISTINCT year FROM eia_energy_trade) GROUP BY year, partner
        )
        SELECT year, 'united_states' AS importer, form, 'energy_pj' AS measure, partner, is_canada AS is_other,
               amount, amount / nullif(sum(amount) OVER (PARTITION BY year, form), 0) AS share,
               rank() OVER (PARTITION BY year, form ORDER BY amount DESC) AS rank, source_id
        FROM everything WHERE (? IS NULL OR year = ?) AND amount > 0
        ORDER BY year, form, rank, partner
    """,
            [year, year],
        )
    )


def _us_value_side(con: duckdb.DuckDBPyConnection, year: int | None) -> list[dict[str, Any]]:
    """US imports by partner in US dollars (Census), whole years: all energy, coal and uranium.

    All energy is chapter 27 plus uranium (outside chapter 27); coal (2701) is inside chapter 27,
    so it is never added to it again. A year counts when the imports data covers its twelve months.
    """
    if not has_tables(con, "census_energy_partners"):
        return []
    return dict_rows(
        con.execute(
            f"""
        WITH imports AS (
            SELECT year(period) AS year, period, form, cty_code, cty_name, value_usd
            FROM census_energy_partners
            WHERE direction = 'us_imports' AND regexp_full_match(cty_code, '[1-9][0-9]{{3}}')
        ), tagged AS (
            SELECT year, period, form, cty_code, cty_name, value_usd FROM imports WHERE form IN ('coal', 'uranium')
            UNION ALL
            SELECT year, period, 'all_energy', cty_code, cty_name, value_usd
            FROM imports WHERE form IN ('all_energy', 'uranium')
        ), whole AS (
            SELECT year FROM imports GROUP BY year HAVING count(DISTINCT month(period)) = 12
        ), p AS (
            SELECT year, form, max(cty_name) AS partner, cty_code = '1220' AS is_other, sum(value_usd) AS amount
            FROM tagged JOIN whole USING (year) GROUP BY year, form, cty_code)
        SELECT year, 'united_states' AS importer, form, 'value_usd' AS measure, partner,
               is_other, amount, amount / nullif(sum(amount) OVER (PARTITION BY year, form), 0) AS share,
               rank() OVER (PARTITION BY year, form ORDER BY amount DESC) AS rank, '{CENSUS}' AS source_id
        FROM p WHERE (? IS NULL OR year = ?) AND amount > 0
        ORDER BY year, form, rank, partner
    """,
            [year, year],
        )
    )


def _canada_side(con: duckdb.DuckDBPyConnection, year: int | None) -> list[dict[str, Any]]:
    """Canada's imports of energy products by trading partner, in dollars (all forms together)."""
    if not has_tables(con, "statcan_12100173"):
        return []
    return dict_rows(
        con.execute(
            f"""
        WITH p AS (
            SELECT year(period) AS year, trading_partner AS partner, sum(value) AS amount
            FROM statcan_12100173
            WHERE geo = 'Canada' AND trade = 'Import'
              AND north_american_product_classification_system_napcs LIKE 'Energy products%'
              AND NOT starts_with(trading_partner, 'All ') AND NOT contains(lower(trading_partner), 'countries')
              AND value IS NOT NULL
            GROUP BY ALL)
        SELECT year, 'canada' AS importer, 'all_energy' AS form, 'value_cad' AS measure, partner,
               partner = 'United States' AS is_other, amount,
               amount / nullif(sum(amount) OVER (PARTITION BY year), 0) AS share,
               rank() OVER (PARTITION BY year ORDER BY amount DESC) AS rank, '{T173}' AS source_id
        FROM p WHERE (? IS NULL OR year = ?) AND amount > 0
        ORDER BY year, rank, partner
    """,
            [year, year],
        )
    )


def partner_shares(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    rows = _us_side(con, year) + _us_value_side(con, year) + _canada_side(con, year)
    for r in rows:
        r.pop("is_other", None)
    return MetricTable(
        id="energy-partner-shares",
        title="Energy imports by partner country: shares and ranks",
        definition=SHARES_DEFINITION,
        columns=_SHARE_COLUMNS,
        rows=rows,
        provenance=_prov(
            con,
            {
                "eia_energy_trade": EIA,
                "electricity_trade": CER_POWER,
                "statcan_12100173": T173,
                "census_energy_partners": CENSUS,
            },
        ),
        summary={"method": METHOD_LIMITS},
    )


def supplier_ranks(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    """One row per importer, form and year: the other country's rank, share and who is first."""
    out: list[dict[str, Any]] = []
    for side in (_us_side(con, year), _us_value_side(con, year), _canada_side(con, year)):
        groups: dict[tuple[int, str, str, str], list[dict[str, Any]]] = {}
        for r in side:
            groups.setdefault((r["year"], r["importer"], r["form"], r["measure"]), []).append(r)
        for (y, importer, form, _measure), members in sorted(groups.items()):
            other = next((m for m in members if m["is_other"]), None)
            first = min(members, key=lambda m: (m["rank"], m["partner"]))
            out.append(
                {
                    "year": y,
                    "importer": importer,
                    "form": form,
                    "measure": members[0]["measure"],
                    "supplier": "canada" if importer == "united_states" else "united_states",
                    "rank": other["rank"] if other else None,
                    "share": other["share"] if other else None,
                    "first_partner": first["partner"],
                    "first_share": first["share"],
                    "partners": len(members),
                    "source_id": members[0]["source_id"],
                }
            )
    return MetricTable(
        id="energy-supplier-rank",
        title="Each country's rank as the other's foreign energy supplier",
        definition=RANK_DEFINITION,
        columns=[
            Column("year", "Year", "year"),
            Column("importer", "Importing country", "code"),
            Column("form", "Form of energy", "code"),
            Column("measure", "Measure", "code"),
            Column("supplier", "Supplier", "code"),
            Column("rank", "Rank", "rank"),
            Column("share", "Share of imports", "percent"),
            Column("first_partner", "First supplier", "text"),
            Column("first_share", "First supplier's share", "percent"),
            Column("partners", "Partner countries counted", "count"),
            Column("source_id", "Source", "code"),
        ],
        rows=out,
        provenance=_prov(
            con,
            {
                "eia_energy_trade": EIA,
                "electricity_trade": CER_POWER,
                "statcan_12100173": T173,
                "census_energy_partners": CENSUS,
            },
        ),
        summary={"method": METHOD_LIMITS},
    )


# ---------------------------------------------------------------------------- every fuel, Canada's balance


def trade_by_fuel(con: duckdb.DuckDBPyConnection) -> MetricTable:
    """Canada's exports and imports of every fuel in the energy balance (coal included), in PJ.

    Fuel names are the table's own (no list is assumed), so a fuel the table adds shows up by
    itself; the balance does not split trade by partner, so these are all destinations together.
    """
    rows: list[dict[str, Any]] = []
    if has_tables(con, "statcan_25100029"):
        rows = dict_rows(
            con.execute("""
            SELECT year(period) AS year, fuel_type,
                   sum(value) FILTER (WHERE supply_and_demand_characteristics = 'Exports') / 1000 AS exports_pj,
                   sum(value) FILTER (WHERE supply_and_demand_characteristics = 'Imports') / 1000 AS imports_pj
            FROM statcan_25100029
            WHERE geo = 'Canada' AND supply_and_demand_characteristics IN ('Exports', 'Imports')
              AND uom = 'Terajoules'
            GROUP BY ALL ORDER BY year, fuel_type""")
        )
        for r in rows:
            r["net_exports_pj"] = (
                None if r["exports_pj"] is None or r["imports_pj"] is None else r["exports_pj"] - r["imports_pj"]
            )
    return MetricTable(
        id="energy-trade-by-fuel",
        title="Canada's energy exports and imports by fuel, all partners",
        definition=FUEL_DEFINITION,
        columns=[
            Column("year", "Year", "year"),
            Column("fuel_type", "Fuel", "text"),
            Column("exports_pj", "Exports (PJ)", "PJ"),
            Column("imports_pj", "Imports (PJ)", "PJ"),
            Column("net_exports_pj", "Net exports (PJ)", "PJ"),
        ],
        rows=rows,
        provenance=_prov(con, {"statcan_25100029": T029}),
    )
