"""Air both sides: Canada's and the United States' SO2 and NOx since 1980 (CEDS), with the years of the
1991 Air Quality Agreement and its 2000 Ozone Annex marked.

Table ``ceds_emissions`` (source ``ceds-emissions``) keeps the file's own units; this module
converts them, explicitly:

- SO2 is given in gigagrams of sulphur (``Gg S``): kilotonnes of SO2 = Gg S × 64.064 / 32.06
  (molar masses of SO2 and S), since 1 Gg = 1 kt;
- NOx is given in teragrams of nitrogen (``Tg N``): kilotonnes of NOx as NO2 = Tg N × 1,000 ×
  46.0055 / 14.0067 (molar masses of NO2 and N), the convention of both countries' inventories.

CEDS is a modelled estimate on one method for both countries (basis ``estimate``); the official
inventories differ from it in level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, has_tables, provenance

SOURCE_ID = "ceds-emissions"
FIRST_YEAR = 1980
SO2_PER_S = 64.064 / 32.06
NO2_PER_N = 46.0055 / 14.0067
#: Year → what happened, drawn as markers on the chart.
MARKERS = {1991: "Canada–US Air Quality Agreement signed", 2000: "Ozone Annex to the Air Quality Agreement"}
EXPECTED_UNITS = {"SO2": "Gg S", "NOX": "Tg N"}

DEFINITION = (
    "Sulphur dioxide and nitrogen oxide emissions of Canada and the United States since 1980, in "
    "kilotonnes (SO2, and NOx as NO2), converted from the Community Emissions Data System's units "
    "(gigagrams of sulphur, teragrams of nitrogen). A modelled estimate on one method for both "
    "countries; the official inventories differ in level. The 1991 Air Quality Agreement and its "
    "2000 Ozone Annex are marked."
)


@dataclass(frozen=True)
class Spec:
    id: str
    unit: str
    basis: str
    tables: tuple[str, ...]
    function: str


SPECS: tuple[Spec, ...] = (Spec("environment-so2-nox-both", "kt", "estimate", ("ceds_emissions",), "so2_nox_both"),)


def kt_so2(gg_s: float | None) -> float | None:
    return None if gg_s is None else gg_s * SO2_PER_S


def kt_nox(tg_n: float | None) -> float | None:
    return None if tg_n is None else tg_n * 1000 * NO2_PER_N


def so2_nox_both(con: duckdb.DuckDBPyConnection, first_year: int = FIRST_YEAR) -> MetricTable:
    rows: list[dict[str, Any]] = []
    if has_tables(con, "ceds_emissions"):
        units = dict(
            con.execute(
                "SELECT species, any_value(unit) FROM ceds_emissions WHERE species IN ('SO2', 'NOX') GROUP BY species"
            ).fetchall()
        )
        for species, unit in units.items():
            if EXPECTED_UNITS.get(species) != unit:
                # A unit the conversion was not written for must not be converted silently.
                raise ValueError(f"{SOURCE_ID}: {species} is in {unit!r}, expected {EXPECTED_UNITS[species]!r}")
        raw = con.execute(
            """
            SELECT country, year,
                   any_value(value) FILTER (WHERE species = 'SO2') AS so2_gg_s,
                   any_value(value) FILTER (WHERE species = 'NOX') AS nox_tg_n
            FROM ceds_emissions WHERE year >= ? AND species IN ('SO2', 'NOX')
            GROUP BY country, year ORDER BY country, year
        """,
            [first_year],
        ).fetchall()
        base: dict[str, tuple[float | None, float | None]] = {}
        for country, year, so2, nox in raw:
            so2_kt, nox_kt = kt_so2(so2), kt_nox(nox)
            base.setdefault(country, (so2_kt, nox_kt))
            b_so2, b_nox = base[country]
            rows.append(
                {
                    "country": country,
                    "year": year,
                    "so2_kt": so2_kt,
                    "nox_kt": nox_kt,
                    "so2_gg_s": so2,
                    "nox_tg_n": nox,
                    "so2_change": so2_kt / b_so2 - 1 if so2_kt is not None and b_so2 else None,
                    "nox_change": nox_kt / b_nox - 1 if nox_kt is not None and b_nox else None,
                    "marker": MARKERS.get(year),
                    "basis": "estimate",
                }
            )
    return MetricTable(
        id="environment-so2-nox-both",
        title="Sulphur dioxide and nitrogen oxides: Canada and the United States since 1980",
        definition=DEFINITION,
        columns=[
            Column("country", "Country", "code"),
            Column("year", "Year", "year"),
            Column("so2_kt", "Sulphur dioxide (kt)", "kt"),
            Column("nox_kt", "Nitrogen oxides as NO2 (kt)", "kt"),
            Column("so2_gg_s", "Sulphur dioxide as published (Gg S)", "Gg S"),
            Column("nox_tg_n", "Nitrogen oxides as published (Tg N)", "Tg N"),
            Column("so2_change", "Sulphur dioxide, change since 1980", "percent"),
            Column("nox_change", "Nitrogen oxides, change since 1980", "percent"),
            Column("marker", "Event", "text"),
            Column("basis", "Basis", "code"),
        ],
        rows=rows,
        provenance=provenance(con, SOURCE_ID) if rows else [],
        summary={"markers": ", ".join(str(y) for y in MARKERS)},
    )
