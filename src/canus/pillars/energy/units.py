"""Conversion factors to common units (energy content in petajoules), each with its citation.

Every energy metric converts through this one module, so a factor is written once and a
reader can find where it comes from. Volume factors are definitions (exact); energy-content
factors are conventional averages that the publishers use for their own energy balances, so
a figure in petajoules is an estimate of energy content, never a measurement — the metric
rows that carry one say so (basis ``estimate``).

Hand check (the tests do the same on fixture values): 10,000 m³ a day of crude oil over a
31-day month is 310,000 m³ × 38.51 GJ/m³ = 11,938,100 GJ = 11.9381 PJ. And 150,000 t of coal a
month for a year is 1,800,000 t × 25.8 GJ/t = 46,440,000 GJ = 46.44 PJ.

Uranium has no energy content here: what a kilogram yields depends on its enrichment, the
reactor and the burn-up, none of which a trade record says.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Factor:
    value: float
    unit: str
    citation: str
    #: True for definitions and for factors checked against the cited source; False for
    #: conventional values written from the publisher's tables without an offline check.
    confirmed: bool


#: One barrel (42 US gallons) in cubic metres: a definition.
M3_PER_BARREL = Factor(0.158987294928, "m3/bbl", "NIST Handbook 44, Appendix C (1 bbl = 42 US gal)", True)
#: One thousand cubic feet (Mcf) in cubic metres: a definition (1 ft = 0.3048 m).
M3_PER_MCF = Factor(28.316846592, "m3/Mcf", "definition of the foot (0.3048 m), cubed × 1,000", True)
#: One megawatt hour in gigajoules: a definition.
GJ_PER_MWH = Factor(3.6, "GJ/MWh", "SI: 1 W·h = 3,600 J", True)
#: Energy content of crude oil (light and medium; heavy crude is about 6% higher).
GJ_PER_M3_CRUDE = Factor(
    38.51,
    "GJ/m3",
    "Statistics Canada, Report on Energy Supply and Demand in Canada, energy conversion factors "
    "(crude oil); the Canada Energy Regulator's conversion tables use the same value",
    False,
)
#: Energy content of marketable natural gas.
GJ_PER_THOUSAND_M3_GAS = Factor(
    38.32,
    "GJ/10^3 m3",
    "Statistics Canada, Report on Energy Supply and Demand in Canada, energy conversion factors "
    "(marketable natural gas, 38.32 MJ per cubic metre)",
    False,
)
#: Energy content of coal: the IPCC default net calorific value of "other bituminous coal" (the
#: thermal coal that dominates HS heading 2701). Coking coal is 28.2, anthracite 26.7,
#: sub-bituminous 18.9 and lignite 11.9 GJ/t in the same table: a trade figure does not say
#: which coal it is, so petajoules of coal are an estimate (basis ``estimate``).
GJ_PER_TONNE_COAL = Factor(
    25.8,
    "GJ/t",
    "IPCC, 2006 IPCC Guidelines for National Greenhouse Gas Inventories, vol. 2 (Energy), ch. 1, "
    "table 1.2: default net calorific value of other bituminous coal, 25.8 TJ/Gg",
    False,
)
#: Kilograms in a metric ton: a definition (the Census unit codes ``T`` and ``KG``).
KG_PER_TONNE = 1000.0
GJ_PER_PJ = 1_000_000.0


def crude_m3_to_pj(m3: float | None) -> float | None:
    return None if m3 is None else m3 * GJ_PER_M3_CRUDE.value / GJ_PER_PJ


def crude_bbl_to_m3(bbl: float | None) -> float | None:
    return None if bbl is None else bbl * M3_PER_BARREL.value


def crude_bbl_to_pj(bbl: float | None) -> float | None:
    return crude_m3_to_pj(crude_bbl_to_m3(bbl))


def gas_thousand_m3_to_pj(thousand_m3: float | None) -> float | None:
    return None if thousand_m3 is None else thousand_m3 * GJ_PER_THOUSAND_M3_GAS.value / GJ_PER_PJ


def gas_mmcf_to_thousand_m3(mmcf: float | None) -> float | None:
    # 1 MMcf = 1,000 Mcf; 1 Mcf = 28.3168 m³, so 1 MMcf = 28.3168 thousand m³.
    return None if mmcf is None else mmcf * M3_PER_MCF.value


def gas_mmcf_to_pj(mmcf: float | None) -> float | None:
    return gas_thousand_m3_to_pj(gas_mmcf_to_thousand_m3(mmcf))


def mwh_to_pj(mwh: float | None) -> float | None:
    return None if mwh is None else mwh * GJ_PER_MWH.value / GJ_PER_PJ


#: Census quantity units (``UNIT_QY1``) that are masses, in tonnes per unit.
TONNES_PER_UNIT = {"T": 1.0, "KG": 1 / KG_PER_TONNE}


def coal_tonnes_to_pj(tonnes: float | None) -> float | None:
    """Coal's energy content, an estimate (one average factor for every kind of coal)."""
    return None if tonnes is None else tonnes * GJ_PER_TONNE_COAL.value / GJ_PER_PJ


def to_tonnes(quantity: float | None, unit: str | None) -> float | None:
    """A Census quantity in tonnes when its unit is a mass, else None (never a guess)."""
    per = TONNES_PER_UNIT.get((unit or "").strip().upper())
    return None if quantity is None or per is None else quantity * per


#: Every factor, for the method text and the API.
FACTORS: dict[str, Factor] = {
    "m3_per_barrel": M3_PER_BARREL,
    "m3_per_mcf": M3_PER_MCF,
    "gj_per_mwh": GJ_PER_MWH,
    "gj_per_m3_crude_oil": GJ_PER_M3_CRUDE,
    "gj_per_thousand_m3_natural_gas": GJ_PER_THOUSAND_M3_GAS,
    "gj_per_tonne_coal": GJ_PER_TONNE_COAL,
}

#: SQL expressions for the same conversions, so DuckDB does the arithmetic on whole columns.
SQL_CRUDE_M3_TO_PJ = f"* {GJ_PER_M3_CRUDE.value} / {GJ_PER_PJ}"
SQL_CRUDE_BBL_TO_PJ = f"* {M3_PER_BARREL.value} * {GJ_PER_M3_CRUDE.value} / {GJ_PER_PJ}"
SQL_GAS_THOUSAND_M3_TO_PJ = f"* {GJ_PER_THOUSAND_M3_GAS.value} / {GJ_PER_PJ}"
SQL_GAS_MMCF_TO_PJ = f"* {M3_PER_MCF.value} * {GJ_PER_THOUSAND_M3_GAS.value} / {GJ_PER_PJ}"
SQL_MWH_TO_PJ = f"* {GJ_PER_MWH.value} / {GJ_PER_PJ}"
SQL_COAL_TONNES_TO_PJ = f"* {GJ_PER_TONNE_COAL.value} / {GJ_PER_PJ}"
