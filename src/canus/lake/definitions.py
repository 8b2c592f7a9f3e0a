"""The one definition of each border and trade query, as SQL text in DuckDB's dialect.

``canus.pillars.border.metrics`` and ``canus.pillars.trade.metrics`` run these on the warehouse; the Spark
runner (:mod:`canus.lake.spark`) runs the very same metric functions on the Parquet lake, its
``execute`` turning this text into Spark SQL with sqlglot. So a definition changes here, once,
and both engines follow; ``tests/test_lake_spark.py`` compares every metric between them.

Why SQL text and not a dataframe API: the metrics were already SQL, reviewed against the
publishers' definitions; keeping the text keeps that review valid and the diff small. Where
DuckDB and Spark would read the same text differently the text says what it means: integer
division is written ``CAST(… AS DOUBLE)`` (Spark turns ``x / 365.0`` into a decimal), and
every ORDER BY that meets NULLs says where they go. Pieces chosen at run time (the measure
lists, which table, whether a member exists) are ``str.format`` fields filled with
identifiers and quoted literals from canus's own declarations, never with user input; values
that come from the caller (a year, a row limit) are ``?`` parameters.
"""

from __future__ import annotations

from canus.sources.bts_border_crossings import PEOPLE_MEASURES, VEHICLE_MEASURES


def in_list(values: tuple[str, ...]) -> str:
    """``('a', 'b')`` with quotes doubled: for lists canus declares, never for input."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


_PEOPLE, _VEHICLES = in_list(PEOPLE_MEASURES), in_list(VEHICLE_MEASURES)

# ---------------------------------------------------------------------------- border

BORDER_MONTHLY = f"""
SELECT period,
       sum(value) FILTER (WHERE measure IN {_PEOPLE}) AS people,
       sum(value) FILTER (WHERE measure IN {_VEHICLES}) AS vehicles,
       sum(value) FILTER (WHERE measure = 'Trucks') AS trucks
FROM border_crossings WHERE direction = 'into_us'
GROUP BY period ORDER BY period
"""

BORDER_YEARLY = f"""
WITH monthly AS (
    SELECT period,
           sum(value) FILTER (WHERE measure IN {_PEOPLE}) AS people,
           sum(value) FILTER (WHERE measure IN {_VEHICLES}) AS vehicles,
           sum(value) FILTER (WHERE measure = 'Trucks') AS trucks
    FROM border_crossings
    WHERE direction = 'into_us'
    GROUP BY period
)
SELECT year(period) AS year,
       count(*) AS months,
       sum(people) AS people,
       sum(vehicles) AS vehicles,
       sum(trucks) AS trucks,
       -- days actually covered, so a part year gives a fair daily average
       sum(day(last_day(period))) AS days
FROM monthly
GROUP BY year(period)
ORDER BY year
"""

BORDER_LATEST_COMPLETE_YEAR = """
SELECT max(y) FROM (
    SELECT year(period) AS y FROM border_crossings
    GROUP BY year(period) HAVING count(DISTINCT month(period)) = 12) AS complete
"""

#: Parameters: year, top. The baseline year is a format field (``baseline``).
BORDER_PORTS = f"""
WITH y AS (
    SELECT port_code,
           sum(value) FILTER (WHERE measure IN {_PEOPLE}) AS people,
           sum(value) FILTER (WHERE measure = 'Trucks') AS trucks,
           sum(value) FILTER (WHERE measure IN {_VEHICLES}) AS vehicles
    FROM border_crossings
    WHERE year(period) = ? AND direction = 'into_us'
    GROUP BY port_code
), b AS (
    SELECT port_code,
           sum(value) FILTER (WHERE measure IN {_PEOPLE}) AS people
    FROM border_crossings WHERE year(period) = {{baseline}}
    GROUP BY port_code
)
SELECT rank() OVER (ORDER BY y.people DESC NULLS LAST) AS rank, y.port_code, p.port_name, p.state,
       y.people, y.people / CAST(365 AS DOUBLE) AS people_per_day, y.trucks, y.vehicles,
       CASE WHEN b.people > 0 THEN y.people / CAST(b.people AS DOUBLE) - 1 END AS change_vs_2019,
       p.latitude, p.longitude
FROM y JOIN ports p USING (port_code) LEFT JOIN b USING (port_code)
ORDER BY y.people DESC NULLS LAST, y.port_code
LIMIT ?
"""

# ---------------------------------------------------------------------------- trade
# Format fields: {t011} {t173} {t007} table names, {us} the partner member, {napcs} the NAPCS
# column, {unadjusted} a quoted list, {sa_filter} "" or an AND clause built from it.

RATES_YEARLY = """
SELECT year(period), avg(value) FROM fred_excaus WHERE value IS NOT NULL
GROUP BY year(period) HAVING count(*) = 12 ORDER BY 1
"""

RATES_MONTHLY = "SELECT period, value FROM fred_excaus WHERE value IS NOT NULL"

SA_MEMBERS_011 = """
SELECT DISTINCT seasonal_adjustment FROM {t011}
WHERE seasonal_adjustment IN {unadjusted}
"""

SA_FILTER = "AND seasonal_adjustment IN {unadjusted}"

#: Parameter: basis.
GOODS_MONTHLY_011 = """
SELECT period,
       sum(value) FILTER (WHERE trade = 'Export') AS exports,
       sum(value) FILTER (WHERE trade = 'Import') AS imports
FROM {t011}
WHERE geo = 'Canada' AND principal_trading_partners = '{us}' AND basis = ?
  {sa_filter}
GROUP BY period ORDER BY period
"""

GOODS_YEARLY_173 = """
SELECT year(period) AS year, 12 AS months,
       sum(value) FILTER (WHERE trade = 'Export') AS exports,
       sum(value) FILTER (WHERE trade = 'Import') AS imports
FROM {t173}
WHERE geo = 'Canada' AND trading_partner = '{us}' AND {napcs} = 'All sections'
GROUP BY year(period) ORDER BY 1
"""

TABLE_COLUMNS = """
SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'
ORDER BY ordinal_position
"""

DISTINCT_MEMBERS = 'SELECT DISTINCT "{column}" FROM {table}'

SERVICES_TOTAL_FILTER = (
    'AND (lower("{category}") LIKE \'total services%\' OR lower("{category}") '
    "LIKE 'all services%' OR lower(\"{category}\") LIKE 'total, services%')"
)

SERVICES_YEARLY = """
SELECT year(period) AS year,
       sum(value) FILTER (WHERE "{direction}" = 'Receipts') AS exports,
       sum(value) FILTER (WHERE "{direction}" = 'Payments') AS imports
FROM {t007}
WHERE "{partner}" = '{us}' AND (geo = 'Canada' OR geo IS NULL) {cat_filter}
GROUP BY year(period) ORDER BY 1
"""

BOP_ROWS_011 = "SELECT count(*) FROM {t011} WHERE basis = 'Balance of payments'"

SA_ROWS_011 = "SELECT count(*) FROM {t011} WHERE seasonal_adjustment IN {unadjusted}"

LATEST_COMPLETE_YEAR_011 = """
SELECT max(y) FROM (SELECT year(period) AS y FROM {t011} GROUP BY year(period)
                    HAVING count(DISTINCT month(period)) = 12) AS complete
"""

#: Parameter: year.
PARTNERS_011 = """
SELECT principal_trading_partners AS partner,
       sum(value) FILTER (WHERE trade = 'Export') AS exports,
       sum(value) FILTER (WHERE trade = 'Import') AS imports
FROM {t011}
WHERE geo = 'Canada' AND basis = 'Customs' AND year(period) = ? {sa_filter}
GROUP BY 1
"""

#: Parameter: year. Ties in total are broken by code and the name is the least one, so the
#: answer is the same on any engine (``any_value`` may pick either of two spellings).
US_PARTNER_RANKS = """
SELECT cty_code, min(cty_name), sum(value_usd) AS total,
       count(DISTINCT (direction, period)) AS n
FROM census_trade_partners
WHERE year(period) = ?
GROUP BY cty_code ORDER BY total DESC NULLS LAST, cty_code
"""

LATEST_YEAR_173 = "SELECT max(year(period)) FROM {t173}"

#: Parameter: year.
SECTIONS_173 = """
WITH s AS (
    SELECT year(period) AS year,
           regexp_extract({napcs}, '\\[(C[0-9]+)\\]', 1) AS code,
           trim(regexp_replace({napcs}, '\\s*\\[C[0-9]+\\]\\s*$', '')) AS section,
           sum(value) FILTER (WHERE trade = 'Export') AS exports,
           sum(value) FILTER (WHERE trade = 'Import') AS imports
    FROM {t173}
    WHERE geo = 'Canada' AND trading_partner = '{us}' AND {napcs} <> 'All sections'
      AND year(period) = ?
    GROUP BY ALL
)
SELECT *, exports / sum(exports) OVER () AS export_share,
       imports / sum(imports) OVER () AS import_share
FROM s ORDER BY exports DESC NULLS LAST, code
"""

#: Parameters: year, year.
PROVINCES_173 = """
WITH p AS (
    SELECT year(period) AS year, geo AS province,
           sum(value) FILTER (WHERE trade = 'Export') AS exports,
           sum(value) FILTER (WHERE trade = 'Import') AS imports
    FROM {t173}
    WHERE geo <> 'Canada' AND trading_partner = '{us}' AND {napcs} = 'All sections'
      AND year(period) = ?
    GROUP BY ALL
), c AS (
    SELECT sum(value) AS exports FROM {t173}
    WHERE geo = 'Canada' AND trading_partner = '{us}' AND {napcs} = 'All sections'
      AND trade = 'Export' AND year(period) = ?
)
SELECT p.*, p.exports - p.imports AS balance, p.exports / c.exports AS export_share
FROM p, c ORDER BY p.exports DESC NULLS LAST, p.province
"""

LATEST_YEAR_STATES = "SELECT max(year(period)) FROM census_trade_state"

#: Parameter: year.
STATES = """
SELECT year(period) AS year, state,
       sum(value_usd) FILTER (WHERE direction = 'us_exports_to_canada') AS exports,
       sum(value_usd) FILTER (WHERE direction = 'us_imports_from_canada') AS imports,
       coalesce(sum(value_usd), 0) AS total,
       count(DISTINCT period) AS months
FROM census_trade_state WHERE year(period) = ?
GROUP BY ALL ORDER BY total DESC, state
"""

US_MONTHLY = "SELECT period, value_base FROM {table}"

US_GOODS_YEARLY = """
SELECT year(e.period) AS year, count(*) AS months,
       sum(e.value_base) AS us_exports, sum(i.value_base) AS us_imports
FROM fred_expca e JOIN fred_impca i USING (period)
WHERE e.value_base IS NOT NULL AND i.value_base IS NOT NULL
GROUP BY year(e.period) ORDER BY 1
"""

CA_YEARLY_173 = """
SELECT year(period), sum(value) FILTER (WHERE trade = 'Export'),
       sum(value) FILTER (WHERE trade = 'Import')
FROM {t173}
WHERE geo = 'Canada' AND trading_partner = '{us}' AND {napcs} = 'All sections'
GROUP BY year(period)
"""

US_YEARLY_FRED = """
SELECT year(period), sum(value_base) FROM {table}
GROUP BY year(period) HAVING count(value_base) = 12
"""

#: Every query above, by name: what the documentation and the engine test walk through.
ALL: dict[str, str] = {
    name: value
    for name, value in globals().items()
    if name.isupper() and isinstance(value, str) and name not in ("SA_FILTER",)
}
