"""Benchmark: a 1,000,000-row Statistics Canada full-table zip into a DuckDB file.

Three ways, each in a fresh process (``harness.measure``), on the same generated zip in the
official layout (BOM, every field quoted, 4 dimensions, monthly, thousands of dollars):

- ``canus update`` from a mirror: checks the zip, stores the snapshot, loads the long table
  with English and French member names, publishes the warehouse;
- the canus loader alone (zip → table in a DuckDB file), the part comparable with the floor;
- bare DuckDB ``read_csv`` of the already extracted CSV into a DuckDB file (the floor);
- ``stats_can.sc.zip_table_to_dataframe`` (pandas), the Python client most people use.

Run: ``.venv/bin/python -m bench.statcan [runs]``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tests.fixtures.statcan.official import EN_FIXED, FR_FIXED, Dim, metadata_csv

from bench import harness

PID = "99990002"
ROWS = 1_000_000
GEOS = [
    "Canada",
    "Newfoundland and Labrador",
    "Prince Edward Island",
    "Nova Scotia",
    "New Brunswick",
    "Quebec",
    "Ontario",
    "Manitoba",
    "Saskatchewan",
    "Alberta",
    "British Columbia",
    "Yukon",
    "Northwest Territories",
    "Nunavut",
]
PARTNERS = ["All countries", "United States"] + [f"Partner country {i:02d}" for i in range(48)]
SECTIONS = ["All sections"] + [f"Product section {i:02d} [C{i:02d}]" for i in range(1, 15)]
TRADES = ["Export", "Import"]
#: (English name, French name, members): the members' French names are the English ones marked.
DIMS = [
    ("Geography", "Géographie", GEOS),
    ("Trading partner", "Partenaire commercial", PARTNERS),
    (
        "North American Product Classification System (NAPCS)",
        "Système de classification des produits de l'Amérique du Nord (SCPAN)",
        SECTIONS,
    ),
    ("Trade", "Commerce", TRADES),
]
HEADER = ("REF_DATE", "GEO", "DGUID", *(en for en, _, _ in DIMS[1:]), *EN_FIXED)


def _data_lines(out: io.TextIOBase) -> None:
    out.write("\ufeff" + ",".join(f'"{h}"' for h in HEADER) + "\n")
    n = 0
    months = [f"{y}-{m:02d}" for y in range(2017, 2026) for m in range(1, 13)]
    for month in months:
        for g, geo in enumerate(GEOS, 1):
            for p, partner in enumerate(PARTNERS, 1):
                for s, section in enumerate(SECTIONS, 1):
                    for t, trade in enumerate(TRADES, 1):
                        if n == ROWS:
                            return
                        coord = f"{g}.{p}.{s}.{t}"
                        vector = ((g * 100 + p) * 100 + s) * 10 + t
                        if n % 97 == 0:
                            value, status = "", "x"
                        elif n % 89 == 0:
                            value, status = "", ".."
                        else:
                            value, status = f"{(n * 7919) % 10_000_000 / 10:.1f}", ""
                        symbol = "p" if month >= "2025-10" else ""
                        out.write(
                            f'"{month}","{geo}","2021A0002{g:02d}","{partner}","{section}",'
                            f'"{trade}","Dollars","81","thousands","3","v{vector}",'
                            f'"{coord}","{value}","{status}","{symbol}","","1"\n'
                        )
                        n += 1


def _metadata(lang: str) -> str:
    dims = [
        Dim(en, fr, [(m, None if m == 1 else 1, name, f"{name} (fr)") for m, name in enumerate(members, 1)])
        for en, fr, members in DIMS
    ]
    return metadata_csv(PID, ("Generated benchmark table", "Tableau de référence généré"), dims, lang)


def generate(folder: Path) -> tuple[Path, Path]:
    """Write ``<pid>-eng.zip`` and ``<pid>-fra.zip`` (the French one: metadata only matters)."""
    folder.mkdir(parents=True, exist_ok=True)
    eng, fra = folder / f"{PID}-eng.zip", folder / f"{PID}-fra.zip"
    with zipfile.ZipFile(eng, "w", zipfile.ZIP_DEFLATED) as z:
        # Streamed, so that the generating process stays small.
        with (
            z.open(f"{PID}.csv", "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
        ):
            _data_lines(text)
        z.writestr(f"{PID}_MetaData.csv", _metadata("en").encode("utf-8"))
    fr_names = ("PÉRIODE DE RÉFÉRENCE", "GÉO", "DGUID", *(fr for _, fr, _ in DIMS[1:]), *FR_FIXED)
    header = ";".join(f'"{h}"' for h in fr_names)
    with zipfile.ZipFile(fra, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{PID}.csv", ("\ufeff" + header + "\n").encode("utf-8"))
        z.writestr(f"{PID}_MetaData.csv", _metadata("fr").encode("utf-8"))
    return eng, fra


LOADER = """
import sys, duckdb
from pathlib import Path
from canus.sources import statcan_zip as sz
eng, fra, db, work = map(Path, sys.argv[1:5])
con = duckdb.connect(str(db))
tz = sz.open_zip(eng, "{pid}", "en")
sz.load_table(con, table="statcan_{pid}", data=tz, en_meta=sz.read_metadata(tz),
              fr_meta=sz.read_metadata(sz.open_zip(fra, "{pid}", "fr")),
              source_id="statcan-{pid}", snapshot_sha256="bench", work_dir=work, where=eng.name)
con.execute("CHECKPOINT")
con.close()
""".replace("{pid}", PID)

BARE = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[1]}')")
con.execute("CHECKPOINT")
con.close()
"""

STATS_CAN = """
import sys
from stats_can.sc import zip_table_to_dataframe
df = zip_table_to_dataframe(sys.argv[1], sys.argv[2])
assert len(df) == int(sys.argv[3]), len(df)
"""

GENERATE = """
import shutil, sys, zipfile
from pathlib import Path
from bench.statcan import PID, generate
eng, _ = generate(Path(sys.argv[1]))
with zipfile.ZipFile(eng) as z, z.open(f"{PID}.csv") as src, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(src, out)
"""

UPDATE = """
import sys
from canus.pipeline import update
[r] = update([sys.argv[1]])
assert r.status == "updated", r.error
"""


def run(shared: Path, runs: int = 5) -> list[harness.Measure]:
    """``shared`` is unused: the input is generated, so the figures do not depend on it."""
    del shared
    py = sys.executable
    root = Path(tempfile.mkdtemp(prefix="canus-bench-statcan-"))
    try:
        mirror = root / "mirror" / f"statcan-{PID}"
        # Generated in a child process: Linux carries a parent's peak RSS into the children it
        # forks, so a big parent would inflate every figure measured after it.
        subprocess.run([py, "-c", GENERATE, str(mirror), str(root / f"{PID}.csv")], check=True)
        eng, fra = mirror / f"{PID}-eng.zip", mirror / f"{PID}-fra.zip"
        extracted = root / f"{PID}.csv"
        home, db, work = root / "home", root / "load.duckdb", root / "work"
        work.mkdir()

        def fresh() -> None:
            shutil.rmtree(home, ignore_errors=True)
            for p in (db, root / "bare.duckdb"):
                p.unlink(missing_ok=True)
                p.with_name(p.name + ".wal").unlink(missing_ok=True)

        env = {**os.environ, "CANUS_HOME": str(home), "CANUS_MIRROR": str(root / "mirror")}
        size = f"{eng.stat().st_size / 1e6:.0f} MB zip, {extracted.stat().st_size / 1e6:.0f} MB CSV"
        return [
            harness.measure(
                "statcan: canus update (mirror → published warehouse)",
                [py, "-c", UPDATE, f"statcan-{PID}"],
                runs=runs,
                env=env,
                before_each=fresh,
                note=f"{ROWS:,} rows, {size}; includes zip check, snapshot copy and sha256",
            ),
            harness.measure(
                "statcan: canus loader (zip → DuckDB table)",
                [py, "-c", LOADER, str(eng), str(fra), str(db), str(work)],
                runs=runs,
                before_each=fresh,
                note="extract from zip + typed long table",
            ),
            harness.measure(
                "statcan: bare DuckDB read_csv (extracted CSV → table)",
                [py, "-c", BARE, str(extracted), str(root / "bare.duckdb")],
                runs=runs,
                before_each=fresh,
                note="floor: no extraction, no typing",
            ),
            harness.measure(
                "statcan: stats_can zip_table_to_dataframe (pandas)",
                [py, "-c", STATS_CAN, PID, str(mirror), str(ROWS)],
                runs=runs,
                note="stats_can 3.x",
            ),
        ]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:  # pragma: no cover
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(harness.machine())
    for m in run(Path("../shared/data"), runs):
        print(f"{m.name:62s} median {m.median_s:6.2f} s  peak {m.peak_mb:7.0f} MB  {m.note}")


if __name__ == "__main__":  # pragma: no cover
    main()
