"""An estimate of how much of Canada's goods exports to the US feed US production.

Method: each NAPCS section of table 12-10-0173 is given one end use in
``data/napcs_end_use.csv`` (intermediate input, capital good, consumer good, mixed, or
unclassified), with the reason written next to it. The share of exports to the US that are
intermediate or capital goods is then a range:

- low: mixed sections counted as final consumption;
- high: mixed sections counted as inputs;
- central: mixed sections counted half and half.

Unclassified exports (special transactions) are left out of both numerator and denominator.

Limits: a section is a coarse unit (motor vehicles and parts are one section; parts are
inputs, finished cars are not), so the range is wide by design; an "intermediate" export
may still be consumed in the US without further processing (refined fuel for cars); the
estimate says nothing about the share of value added that returns to Canada. It is a test
of the order of magnitude of a claim, not a measurement of integration.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import duckdb

from canus.metrics import Column, MetricTable, has_tables, provenance

MAPPING_PATH = Path(__file__).parent / "data" / "napcs_end_use.csv"
INPUT_CLASSES = ("intermediate", "capital")
END_USES = ("intermediate", "capital", "consumer", "mixed", "unclassified")

DEFINITION = (
    "Estimate: the share of Canada's goods exports to the United States that are intermediate "
    "inputs or capital goods for US producers, from a documented mapping of NAPCS product "
    "sections to end uses. Low bound counts mixed sections as consumer goods, high bound as "
    "inputs, central estimate half and half. Sections are coarse, so this is a range, not a "
    "measurement."
)
METHOD = {
    "en": "Estimate by product section, not a measurement: see the method page for the mapping and its limits.",
    "fr": "Estimation par section de produits, pas une mesure\u00a0: la page de méthode donne la "
    "correspondance utilisée et ses limites.",
}


@cache
def mapping() -> dict[str, str]:
    """NAPCS section code → end use."""
    with MAPPING_PATH.open(encoding="utf-8", newline="") as f:
        out = {r["code"]: r["end_use"] for r in csv.DictReader(f)}
    unknown = {v for v in out.values() if v not in END_USES}
    if unknown:
        raise ValueError(f"{MAPPING_PATH}: unknown end uses {sorted(unknown)}")
    return out


def estimate(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    columns = [
        Column("year", "Year", "year"),
        Column("exports", "Exports to the US, all sections", "CAD"),
        Column("intermediate_share", "Intermediate inputs", "percent"),
        Column("capital_share", "Capital goods", "percent"),
        Column("consumer_share", "Consumer goods", "percent"),
        Column("mixed_share", "Mixed sections", "percent"),
        Column("low", "Inputs and capital goods, low bound", "percent"),
        Column("central", "Inputs and capital goods, central estimate", "percent"),
        Column("high", "Inputs and capital goods, high bound", "percent"),
    ]
    table = MetricTable(
        id="trade-supply-chain",
        title="Supply-chain integration estimate",
        definition=DEFINITION,
        columns=columns,
        rows=[],
        provenance=[],
        summary=dict(METHOD),
    )
    if not has_tables(con, "statcan_12100173"):
        return table
    m = mapping()
    values = ", ".join(f"('{code}', '{use}')" for code, use in m.items())
    where = "AND year(period) = ?" if year else ""
    cur = con.execute(
        f"""
        WITH s AS (
            SELECT year(period) AS year,
                   regexp_extract(north_american_product_classification_system_napcs,
                                  '\\[(C[0-9]+)\\]', 1) AS code,
                   sum(value) AS exports
            FROM statcan_12100173
            WHERE geo = 'Canada' AND trading_partner = 'United States' AND trade = 'Export'
              AND north_american_product_classification_system_napcs <> 'All sections' {where}
            GROUP BY ALL
        ), m(code, end_use) AS (VALUES {values})
        SELECT s.year, coalesce(m.end_use, 'unmapped') AS end_use, sum(s.exports)
        FROM s LEFT JOIN m USING (code)
        GROUP BY ALL ORDER BY 1
    """,
        [year] if year else [],
    )
    by_year: dict[int, dict[str, float]] = {}
    for y, use, v in cur.fetchall():
        by_year.setdefault(int(y), {})[use] = float(v or 0)
    for y, uses in sorted(by_year.items()):
        if uses.get("unmapped"):
            raise ValueError(f"{MAPPING_PATH}: a NAPCS section of {y} has no end use")
        classified = sum(v for k, v in uses.items() if k != "unclassified")
        if not classified:
            continue
        share = {k: uses.get(k, 0.0) / classified for k in END_USES}
        inputs = share["intermediate"] + share["capital"]
        table.rows.append(
            {
                "year": y,
                "exports": sum(uses.values()),
                "intermediate_share": share["intermediate"],
                "capital_share": share["capital"],
                "consumer_share": share["consumer"],
                "mixed_share": share["mixed"],
                "low": inputs,
                "central": inputs + share["mixed"] / 2,
                "high": inputs + share["mixed"],
            }
        )
    table.provenance = provenance(con, "statcan-12100173")
    return table
