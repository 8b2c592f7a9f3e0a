"""US trade in coal and uranium with every partner country (US Census Bureau), by whole year.

One row per year, direction (US imports, US exports), form and commodity: the value with every
partner country, Canada's value, share and rank among them, the first partner, and Canada's
quantity in the unit the Census reports it (``T`` metric tons for coal, ``KG`` for uranium).
Uranium is shown code by code (ores, natural, enriched) and together (commodity ``all``), by
value: a kilogram of ore concentrate and a kilogram of enriched uranium are not the same thing,
so quantities are added only where every row has the same unit.

Coal's energy content is an estimate (one average factor, :data:`units.GJ_PER_TONNE_COAL`);
uranium gets none, since what it yields depends on enrichment, reactor and burn-up.
"""

from __future__ import annotations

from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, dict_rows, has_tables, provenance
from canus.pillars.energy import units

CENSUS = "census-trade"
TABLE = "census_energy_partners"
CANADA = "1220"
DEFINITION = (
    "US imports and exports of coal (HS 2701) and uranium (HS 2612 uranium and thorium ores, HS "
    "2844.10 natural uranium, HS 2844.20 enriched uranium) with every partner country, by whole "
    "year, as the US Census Bureau reports them: value in US dollars, Canada's share and rank "
    "among partner countries by value, the first partner, and Canada's quantity."
)
METHOD = (
    "Values are US general imports (customs value) and total exports (F.A.S. value) in US dollars; "
    "a year is shown only when all twelve months are published. Ranks count partner countries "
    "only, never totals or groups. Quantities are in the unit the Census gives (T: metric tons, "
    "KG: kilograms); a quantity without a unit is left out. Coal's energy content is an estimate: "
    "25.8 GJ per tonne, the IPCC default for other bituminous coal (coking coal is 28.2, "
    "sub-bituminous 18.9). Uranium has no energy content here: what a kilogram yields depends on "
    "its enrichment, the reactor and the burn-up. HS 2612 counts thorium ores with uranium ores."
)
COLUMNS = [
    Column("year", "Year", "year"),
    Column("direction", "Direction", "code"),
    Column("form", "Form of energy", "code"),
    Column("commodity", "HS code", "code"),
    Column("partners", "Partner countries counted", "count"),
    Column("total_value_usd", "Value, all partners", "USD"),
    Column("canada_value_usd", "Value, Canada", "USD"),
    Column("canada_share", "Canada's share", "percent"),
    Column("canada_rank", "Canada's rank", "rank"),
    Column("first_partner", "First partner", "text"),
    Column("first_share", "First partner's share", "percent"),
    Column("canada_quantity", "Quantity, Canada", "number"),
    Column("quantity_unit", "Unit of quantity", "code"),
    Column("canada_energy_pj", "Energy content, Canada (PJ, estimate)", "PJ"),
]

_SQL = f"""
WITH base AS (
    SELECT direction, year(period) AS year, form, commodity, cty_code, cty_name, value_usd, quantity, quantity_unit
    FROM {TABLE}
    WHERE form IN ('coal', 'uranium') AND regexp_full_match(cty_code, '[1-9][0-9]{{3}}')
), lines AS (
    SELECT *, commodity AS line FROM base
    UNION ALL
    SELECT *, 'all' FROM base WHERE form = 'uranium'
), whole AS (
    -- A whole year: the direction's energy data covers twelve months (a month without coal
    -- trade with anyone is still a published month).
    SELECT direction, year(period) AS year FROM {TABLE} GROUP BY ALL HAVING count(DISTINCT month(period)) = 12
), p AS (
    SELECT direction, year, form, line, cty_code, max(cty_name) AS partner, sum(value_usd) AS value_usd,
           CASE WHEN count(quantity) = count(*) AND count(DISTINCT quantity_unit) = 1 THEN sum(quantity) END
               AS quantity,
           CASE WHEN count(quantity) = count(*) AND count(DISTINCT quantity_unit) = 1 THEN max(quantity_unit) END
               AS unit
    FROM lines JOIN whole USING (direction, year) GROUP BY ALL
), ranked AS (
    SELECT *, value_usd / nullif(sum(value_usd) OVER w, 0) AS share,
           rank() OVER (w ORDER BY value_usd DESC) AS rank,
           count(*) OVER w AS partners, sum(value_usd) OVER w AS total_value_usd,
           row_number() OVER (w ORDER BY value_usd DESC, partner) AS place
    FROM p WHERE value_usd > 0
    WINDOW w AS (PARTITION BY direction, year, form, line)
)
SELECT f.year, f.direction, f.form, f.line AS commodity, f.partners, f.total_value_usd,
       c.value_usd AS canada_value_usd, c.share AS canada_share, c.rank AS canada_rank,
       f.partner AS first_partner, f.share AS first_share, c.quantity AS canada_quantity, c.unit AS quantity_unit
FROM ranked f
LEFT JOIN ranked c ON c.direction = f.direction AND c.year = f.year AND c.form = f.form AND c.line = f.line
                   AND c.cty_code = '{CANADA}'
WHERE f.place = 1
ORDER BY f.year, f.direction, f.form, f.line = 'all' DESC, f.line
"""


def coal_uranium_trade(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows: list[dict[str, Any]] = []
    if has_tables(con, TABLE):
        rows = dict_rows(con.execute(_SQL))
        for r in rows:
            tonnes = units.to_tonnes(r["canada_quantity"], r["quantity_unit"]) if r["form"] == "coal" else None
            r["canada_energy_pj"] = units.coal_tonnes_to_pj(tonnes)
    return MetricTable(
        id="energy-coal-uranium-trade",
        title="US coal and uranium trade by partner country: Canada's share and rank",
        definition=DEFINITION,
        columns=COLUMNS,
        rows=rows,
        provenance=provenance(con, CENSUS) if has_tables(con, TABLE) else [],
        summary={"method": METHOD, "energy_basis": "estimate"},
    )
