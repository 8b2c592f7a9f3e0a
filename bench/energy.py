"""Cold update of the energy and environment sources against a bare DuckDB read of the same files.

Real files from the shared mirror where it has them (CEDS under ``air-emissions/``, the Great
Lakes levels); the others (CER crude oil and natural gas, ECCC and EPA inventories, the Census
API's answers for 2023 with energy by partner country, FRED's US population and real GDP) from the
project's fixtures, laid out as a mirror. Both sides end with the same rows in a DuckDB file.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.harness import Measure, measure

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
#: source id → (mirror folder, file name, fixture to use when the shared mirror lacks it).
FILES = {
    "ceds-emissions": (
        "air-emissions",
        "ceds_emissions_can_usa_hector_units.csv",
        FIXTURES / "environment" / "ceds_emissions_can_usa_hector_units.csv",
    ),
    "great-lakes-water-levels": (
        "great-lakes-water-levels",
        "GLHYD_data_metric.csv",
        FIXTURES / "environment" / "GLHYD_data_metric.csv",
    ),
    "cer-crude-oil-exports": (
        "cer-crude-oil-exports",
        "crude-oil-exports-by-destination-monthly.csv",
        FIXTURES / "energy" / "crude-oil-exports-by-destination-monthly.csv",
    ),
    "cer-natural-gas-trade": (
        "cer-natural-gas-trade",
        "natural-gas-exports-and-imports-monthly.csv",
        FIXTURES / "energy" / "natural-gas-exports-and-imports-monthly.csv",
    ),
    "eccc-ghg-inventory": (
        "eccc-ghg-inventory",
        "EN_GHG_Econ_Can_Prov_Terr.csv",
        FIXTURES / "environment" / "EN_GHG_Econ_Can_Prov_Terr.csv",
    ),
    "epa-ghg-inventory": ("epa-ghg-inventory", "Table 2-10.csv", FIXTURES / "environment" / "Table 2-10.csv"),
    "cer-crude-oil-exports-type": (
        "cer-crude-oil-exports-type",
        "crude-oil-exports-by-type-monthly.csv",
        FIXTURES / "energy" / "crude-oil-exports-by-type-monthly.csv",
    ),
    "eccc-ghg-projections": (
        "eccc-ghg-projections",
        "economic_sector_GHG_emissions_GES_secteur_economique.csv",
        FIXTURES / "environment" / "economic_sector_GHG_emissions_GES_secteur_economique.csv",
    ),
    # Population and real GDP of the United States for the emissions intensity (FRED, annual).
    "fred-B230RC0A052NBEA": (
        "fred-B230RC0A052NBEA",
        "B230RC0A052NBEA.csv",
        FIXTURES / "intensity" / "mirror" / "fred-B230RC0A052NBEA" / "B230RC0A052NBEA.csv",
    ),
    "fred-GDPCA": ("fred-GDPCA", "GDPCA.csv", FIXTURES / "intensity" / "mirror" / "fred-GDPCA" / "GDPCA.csv"),
}
#: The Census API's answers for one year (US trade with Canada, partner totals and energy by
#: partner: HS 27, coal, uranium), from the fixtures laid out as a mirror; the shared mirror has none.
CENSUS = ("census-trade", sorted((FIXTURES / "trade" / "census").glob("*-2023.json")))
BARE = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
for i, path in enumerate(sys.argv[2:]):
    if path.endswith(".json"):  # the Census API's array of arrays, one list per row
        con.execute(f"CREATE OR REPLACE TABLE t{i} AS SELECT * FROM read_json(?, format = 'array', "
                    "records = 'false')", [path])
        continue
    con.execute(f"CREATE OR REPLACE TABLE t{i} AS SELECT * FROM read_csv(?, all_varchar = true, "
                "null_padding = true, strict_mode = false, ignore_errors = true)", [path])
con.close()
"""


def _mirror(shared: Path, work: Path) -> tuple[Path, list[str], list[Path]]:
    mirror = work / "mirror"
    used, paths = [], []
    for sid, (folder, name, fixture) in FILES.items():
        real = shared / folder / name
        src = real if real.is_file() else fixture
        dest = mirror / folder / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        used.append(f"{sid}={'mirror' if src == real else 'fixture'}")
        paths.append(dest)
    sid, files = CENSUS
    for fixture in files:
        dest = mirror / sid / fixture.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixture, dest)
        paths.append(dest)
    used.append(f"{sid}=fixture ({len(files)} files)")
    return mirror, used, paths


def run(shared: Path, runs: int = 5) -> list[Measure]:
    work = Path(tempfile.mkdtemp(prefix="canus-bench-energy-"))
    mirror, used, paths = _mirror(shared, work)
    home = work / "home"
    canus = str(Path(sys.executable).with_name("canus"))
    # The Census source runs only with a key; from a mirror the key is never sent anywhere.
    env = {
        **os.environ,
        "CANUS_HOME": str(home),
        "CANUS_MIRROR": str(mirror),
        "CANUS_CENSUS_YEARS": "2023",
        "CANUS_CENSUS_API_KEY": "bench-mirror-no-request",
    }
    ids = [*FILES, CENSUS[0]]
    note = ", ".join(used)

    def fresh_home() -> None:
        shutil.rmtree(home, ignore_errors=True)

    out_db = work / "bare.duckdb"

    def fresh_db() -> None:
        out_db.unlink(missing_ok=True)

    results = [
        measure(
            f"canus update of the {len(ids)} energy/environment sources, cold",
            [canus, "update", *ids],
            runs=runs,
            env=env,
            before_each=fresh_home,
            note=note,
        ),
        measure(
            f"bare DuckDB read_csv/read_json of the same {len(paths)} files into a DuckDB file",
            [sys.executable, "-c", BARE, str(out_db), *map(str, paths)],
            runs=runs,
            before_each=fresh_db,
        ),
    ]
    shutil.rmtree(work, ignore_errors=True)
    return results
