"""What identifies a row of each warehouse table, and which of its columns carry the figures.

Declared here, table by table, because the revisions record ("which rows did this vintage
add, remove or revise?") and the publish gate ("is this new file plausible?") both need it and
the source declarations do not say it. A table without an entry is a failing test
(``tests/test_table_specs.py``), never a silent skip.

Statistics Canada tables are long: one row per reference period and member of each dimension.
Their key is ``ref_date`` plus one column per dimension, named by the table's own metadata
(the ``column_name`` of ``statcan_<pid>_members``), so it follows the loaded vintage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class TableSpec:
    #: Columns that together name one row; unique in every vintage.
    key: tuple[str, ...]
    #: Columns compared to call a kept row "revised".
    compared: tuple[str, ...]
    #: Numeric columns whose total, range and empty share the publish gate watches.
    measures: tuple[str, ...] = ()
    #: Measures that cannot be negative (counts, quantities, levels above a datum).
    non_negative: tuple[str, ...] = ()
    #: Key taken from the table's ``_members`` metadata (Statistics Canada long tables).
    dimensions_from_members: bool = False


#: Exact table names.
SPECS: dict[str, TableSpec] = {
    "border_crossings": TableSpec(
        key=("port_code", "period", "measure"), compared=("value",), measures=("value",), non_negative=("value",)
    ),
    "ports": TableSpec(
        key=("port_code",),
        # first_period and last_period follow from border_crossings, whose revisions say it all.
        compared=("port_name", "state", "latitude", "longitude"),
    ),
    "census_trade_hs": TableSpec(
        key=("direction", "period", "hs2"),
        compared=("value_usd", "description"),
        measures=("value_usd",),
        non_negative=("value_usd",),
    ),
    "census_trade_state": TableSpec(
        key=("direction", "period", "state", "hs2"),
        compared=("value_usd",),
        measures=("value_usd",),
        non_negative=("value_usd",),
    ),
    "census_trade_partners": TableSpec(
        key=("direction", "period", "cty_code"),
        compared=("value_usd", "cty_name"),
        measures=("value_usd",),
        non_negative=("value_usd",),
    ),
    "census_energy_partners": TableSpec(
        key=("direction", "period", "commodity", "cty_code"),
        compared=("value_usd", "quantity", "quantity_unit", "cty_name"),
        measures=("value_usd", "quantity"),
        non_negative=("value_usd", "quantity"),
    ),
    "electricity_trade": TableSpec(
        key=("period", "activity", "province", "us_state"),
        compared=("energy_mwh", "value_cad", "price_cad_per_mwh"),
        # No sign rule: CER's own file carries negative energy and values (3 and 134 rows to
        # 2019 in the real monthly file; corrections), and more months bring more of them.
        measures=("energy_mwh", "value_cad"),
    ),
    "electricity_trade_years": TableSpec(
        # The yearly view of both CER publications: what a revision by the annual file moves.
        key=("year", "activity", "province", "us_state"),
        compared=("energy_mwh", "value_cad", "publication", "annual_energy_mwh", "annual_value_cad"),
        measures=("energy_mwh", "value_cad"),
    ),
    # Energy in every form and the shared environment (issue 13).
    "ceds_emissions": TableSpec(
        key=("country", "species", "year"), compared=("value", "unit"), measures=("value",), non_negative=("value",)
    ),
    "cer_crude_exports": TableSpec(
        key=("period", "destination"),
        compared=("m3_per_day", "bbl_per_day", "confidential"),
        measures=("volume_m3",),
        non_negative=("volume_m3",),
    ),
    "cer_crude_exports_by_type": TableSpec(
        key=("period", "oil_type"),
        compared=("m3_per_day", "bbl_per_day", "confidential"),
        measures=("volume_m3",),
        non_negative=("volume_m3",),
    ),
    "cer_gas_trade": TableSpec(
        key=("period", "flow", "port", "region"),
        compared=("volume_thousand_m3", "volume_mcf", "value_cad", "value_usd", "confidential"),
        measures=("volume_thousand_m3", "value_cad"),
    ),
    "eia_energy_trade": TableSpec(
        key=("year", "form", "flow", "mode", "duoarea", "partner", "process", "series"),
        compared=("value", "unit"),
        measures=("value",),
    ),
    # Emissions can be net negative in land use: no sign rule.
    "ghg_inventory_canada": TableSpec(
        key=("year", "region", "economic_sector", "sector", "sub_sector", "sub_sub_sector"),
        compared=("value_kt", "status"),
        measures=("value_kt",),
    ),
    "ghg_projections_canada": TableSpec(
        key=("year", "gas", "sector"), compared=("value_mt", "status", "basis"), measures=("value_mt",)
    ),
    "ghg_inventory_us": TableSpec(
        key=("year", "sector", "kind"), compared=("value_mt", "status"), measures=("value_mt",)
    ),
    "great_lakes_levels": TableSpec(
        key=("lake", "period"), compared=("level_m",), measures=("level_m",), non_negative=("level_m",)
    ),
    "air_emissions": TableSpec(
        # Not non-negative: sectors such as land use can be net sinks.
        key=("pollutant", "sector_en", "year"),
        compared=("value", "status", "basis"),
        measures=("value",),
    ),
    # The outlines' points: a new release may simplify them (publish_gate.THRESHOLDS allows for it).
    "boundaries": TableSpec(
        key=("iso_a3",),
        compared=("name_en", "name_fr", "geojson", "points"),
        measures=("points",),
        non_negative=("points",),
    ),
}

#: Families of tables, by name prefix: one table per FRED series, two per Statistics Canada table.
FAMILY_SPECS: dict[str, TableSpec] = {
    # Some FRED series are balances or rates that can go below zero: no sign rule.
    "fred_": TableSpec(key=("period",), compared=("value",), measures=("value",)),
    "statcan_*_members": TableSpec(
        key=("dimension_position", "member_id"),
        compared=("dimension_en", "dimension_fr", "column_name", "parent_member_id", "member_en", "member_fr"),
    ),
    "statcan_": TableSpec(
        key=("ref_date",), compared=("value", "status", "symbol"), measures=("value",), dimensions_from_members=True
    ),
}


def declared(table: str) -> TableSpec | None:
    """The declaration for ``table`` (its dimension columns not yet resolved), or None."""
    if table in SPECS:
        return SPECS[table]
    if table.startswith("statcan_") and table.endswith("_members"):
        return FAMILY_SPECS["statcan_*_members"]
    for prefix in ("fred_", "statcan_"):
        if table.startswith(prefix):
            return FAMILY_SPECS[prefix]
    return None


def spec_for(con: duckdb.DuckDBPyConnection, table: str, members_table: str | None = None) -> TableSpec:
    """The spec of ``table`` with its key complete; ``members_table`` names where its dimensions are."""
    spec = declared(table)
    if spec is None:
        raise KeyError(table)
    if not spec.dimensions_from_members:
        return spec
    members = members_table or f"{table}_members"
    dims = [
        r[0]
        for r in con.execute(
            f'SELECT column_name FROM "{members}" GROUP BY column_name ORDER BY min(dimension_position)'
        ).fetchall()
    ]
    return TableSpec(
        key=(*spec.key, *dims), compared=spec.compared, measures=spec.measures, non_negative=spec.non_negative
    )
