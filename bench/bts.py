"""`canus update bts-border-crossings` against a bare DuckDB read and a pandas baseline.

All three read the same gzip file from the shared mirror and end with the US–Canada rows in
a DuckDB file, each in a fresh process.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.harness import Measure, measure

BARE = """
import duckdb, sys
con = duckdb.connect(sys.argv[2])
con.execute(
    "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?) WHERE \\"Border\\" = 'US-Canada Border'",
    [sys.argv[1]],
)
con.close()
"""
PANDAS = """
import duckdb, pandas as pd, sys
df = pd.read_csv(sys.argv[1], dtype={"Port Code": str})
df = df[df["Border"] == "US-Canada Border"]
con = duckdb.connect(sys.argv[2])
con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM df")
con.close()
"""


def run(shared: Path, runs: int = 5) -> list[Measure]:
    data = shared / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv.gz"
    if not data.exists():
        print(f"bts: {data} absent, skipped", file=sys.stderr)
        return []
    work = Path(tempfile.mkdtemp(prefix="canus-bench-bts-"))
    home = work / "home"
    canus = str(Path(sys.executable).with_name("canus"))
    env = {**os.environ, "CANUS_HOME": str(home), "CANUS_MIRROR": str(shared)}

    def fresh_home() -> None:
        shutil.rmtree(home, ignore_errors=True)

    out_db = work / "baseline.duckdb"

    def fresh_db() -> None:
        out_db.unlink(missing_ok=True)

    results = [
        measure(
            "canus update, cold (empty home)",
            [canus, "update", "bts-border-crossings"],
            runs=runs,
            env=env,
            before_each=fresh_home,
        ),
    ]
    results.append(
        measure(
            "canus update, warm (unchanged snapshot)", [canus, "update", "bts-border-crossings"], runs=runs, env=env
        )
    )
    results.append(
        measure(
            "bare DuckDB read_csv + filter into a DuckDB file",
            [sys.executable, "-c", BARE, str(data), str(out_db)],
            runs=runs,
            before_each=fresh_db,
        )
    )
    results.append(
        measure(
            "pandas read_csv + filter + write to DuckDB",
            [sys.executable, "-c", PANDAS, str(data), str(out_db)],
            runs=runs,
            before_each=fresh_db,
        )
    )
    results.append(
        measure(
            "Python start-up + `import canus.cli` (floor of any command)",
            [sys.executable, "-c", "import canus.cli"],
            runs=runs,
        )
    )
    shutil.rmtree(work, ignore_errors=True)
    return results
