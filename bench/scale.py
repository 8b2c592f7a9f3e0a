"""Past one machine (issue 14): static export, Spark against DuckDB, static files against canus serve.

1. ``canus export site`` of the whole portal on a warehouse built from the shared mirror: wall
   time, files per second, size; then a rebuild after one source (the Great Lakes levels) changes.
2. A synthetic border table at 10×, 100× (and 1,000× when ``CANUS_BENCH_SCALE_MAX=1000``): the
   real ``border_crossings`` rows repeated with distinct port codes, written to DuckDB and to a
   Parquet lake (by year); the border-yearly definition run on DuckDB and on local Spark.
3. The exported site served by ``python -m http.server`` against ``canus serve``: 20 clients,
   throughput and TTFB p95 for the border page.

Run alone: ``.venv/bin/python -m bench.scale --shared ../shared/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.harness import Measure, machine
from bench.web import _canus, _free_port, _percentile, build_home, measure_ttfb

CLIENTS = 20
PER_CLIENT = 20
CHANGED_SOURCE = "great-lakes-water-levels"


@dataclass
class ScaleMeasure(Measure):
    figures: str = ""


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "CANUS_HOME": str(home)}
    env.pop("CANUS_MIRROR", None)
    return env


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - t0


def _manifest(site: Path) -> dict:
    return json.loads((site / ".canus-export.json").read_text())


def bench_export(shared: Path, tmp: Path) -> tuple[list[ScaleMeasure], Path, Path]:
    home = tmp / "home"
    loaded = build_home(shared, home)
    env = _env(home)
    site = tmp / "site"
    wall = _timed([_canus(), "export", "site", str(site), "--jobs", "2"], env)
    m = _manifest(site)
    files = len(m["pages"])
    size = sum((site / r["file"]).stat().st_size for r in m["pages"].values())
    rows = [
        ScaleMeasure(
            f"export site, whole portal ({', '.join(loaded)})",
            wall,
            [wall],
            0.0,
            figures=f"{files} files, {files / wall:.1f} files/s, {size / 1e6:.1f} MB",
        )
    ]
    # One source changes: a copy of its folder with one value of the last row altered.
    mirror = tmp / "mirror"
    mirror.mkdir()
    src = shared / CHANGED_SOURCE
    shutil.copytree(src, mirror / CHANGED_SOURCE)
    csv_path = next(p for p in (mirror / CHANGED_SOURCE).iterdir() if p.suffix == ".csv")
    csv_path.chmod(0o644)
    text = csv_path.read_text(encoding="utf-8", errors="replace").rstrip("\n").split("\n")
    last = text[-1]
    i = max(i for i, c in enumerate(last) if c.isdigit())
    text[-1] = last[:i] + str((int(last[i]) + 1) % 10) + last[i + 1 :]
    csv_path.write_text("\n".join(text) + "\n", encoding="utf-8")
    done = subprocess.run(
        [_canus(), "update", CHANGED_SOURCE], env={**env, "CANUS_MIRROR": str(mirror)}, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"update of {CHANGED_SOURCE} failed: {done.stderr[-2000:]}")
    before = {r["file"]: r["sha256"] for r in m["pages"].values()}
    wall = _timed([_canus(), "export", "site", str(site), "--jobs", "2"], env)
    after = _manifest(site)["pages"]
    rewritten = sum(1 for r in after.values() if before.get(r["file"]) != r["sha256"])
    touched = sum(1 for p in after if p not in m["pages"] or after[p].get("key") != m["pages"][p].get("key"))
    rows.append(
        ScaleMeasure(
            f"export site again after {CHANGED_SOURCE} changed",
            wall,
            [wall],
            0.0,
            figures=f"{touched} of {len(after)} files rendered again, {rewritten} differ",
        )
    )
    return rows, home, site


def bench_engines(home: Path, tmp: Path, factors: list[int]) -> list[ScaleMeasure]:
    import duckdb

    from canus.lake import definitions
    from canus.lake.spark import session, to_spark_sql, why_unavailable
    from canus.warehouse import attach_readonly

    wh = home / "canus.duckdb"
    if not wh.exists():
        wh = next(home.rglob("*.duckdb"))
    src = attach_readonly(wh)
    base_rows = src.execute("SELECT count(*) FROM border_crossings").fetchone()[0]
    src.close()
    rows: list[ScaleMeasure] = []
    spark = None if why_unavailable() else session(cores=2, memory="6g", app="canus-bench")
    for factor in factors:
        db = tmp / f"border-{factor}.duckdb"
        lake = tmp / f"lake-{factor}"
        con = duckdb.connect(str(db))
        con.execute(f"ATTACH '{wh}' AS wh (READ_ONLY)")
        t0 = time.perf_counter()
        # The real rows, repeated with a copy number in the port code: same schema, same months,
        # `factor` times as many ports — as a detailed table (more crossings, finer steps) grows.
        con.execute(f"""CREATE TABLE border_crossings AS
            SELECT b.* REPLACE (b.port_code || '-' || lpad(CAST(i AS VARCHAR), 4, '0') AS port_code)
            FROM wh.border_crossings b, range({factor}) r(i)""")
        con.execute(
            f"COPY (SELECT *, year(period) AS year FROM border_crossings) TO '{lake}' "
            "(FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)"
        )
        build = time.perf_counter() - t0
        n = con.execute("SELECT count(*) FROM border_crossings").fetchone()[0]
        size = sum(p.stat().st_size for p in lake.rglob("*.parquet"))
        con.close()
        duck = duckdb.connect(str(db), read_only=True)
        walls = []
        for _ in range(3):
            t0 = time.perf_counter()
            duck_answer = duck.execute(definitions.BORDER_YEARLY).fetchall()
            walls.append(time.perf_counter() - t0)
        duck.close()
        rows.append(
            ScaleMeasure(
                f"border-yearly on DuckDB, {factor}× ({n:,} rows)",
                min(walls),
                walls,
                0.0,
                figures=f"{base_rows:,} real rows × {factor}; table built in {build:.0f} s; lake {size / 1e6:.0f} MB",
            )
        )
        if spark is None:
            continue
        df = spark.read.option("basePath", str(lake)).parquet(str(lake)).drop("year")
        df.createOrReplaceTempView("border_crossings")
        sql = to_spark_sql(definitions.BORDER_YEARLY)
        walls = []
        for _ in range(3):
            t0 = time.perf_counter()
            spark_answer = [tuple(r) for r in spark.sql(sql).collect()]
            walls.append(time.perf_counter() - t0)
        same = [(r[0], r[1], r[2]) for r in duck_answer] == [(r[0], r[1], r[2]) for r in spark_answer]
        rows.append(
            ScaleMeasure(
                f"border-yearly on Spark local[2], {factor}× ({n:,} rows)",
                min(walls),
                walls,
                0.0,
                figures=f"same answer as DuckDB: {same}",
            )
        )
        db.unlink()
    if spark is not None:
        spark.stop()
    return rows


def _throughput(base: str, path: str) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    times, errors = measure_ttfb(base, path, CLIENTS, PER_CLIENT)
    wall = time.perf_counter() - t0
    return len(times) / wall, _percentile(times, 0.95), errors


def _wait(base: str, proc: subprocess.Popen, path: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            r = httpx.get(base + path, timeout=2)
            if r.status_code == 200 and (not path.startswith("/api") or not r.json().get("warming")):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {base} did not start")


def bench_serving(home: Path, site: Path) -> list[ScaleMeasure]:
    rows = []
    for label, cmd, ready, path in (
        (
            "python -m http.server (static files)",
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(site)],
            "/en/index.html",
            "/en/border/index.html",
        ),
        ("canus serve (uvicorn, 1 worker)", [_canus(), "serve", "--host", "127.0.0.1"], "/api/version", "/en/border"),
    ):
        port = _free_port()
        args = [*cmd, str(port)] if "http.server" in cmd else [*cmd, "--port", str(port)]
        proc = subprocess.Popen(args, env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, proc, ready)
            rps, p95, errors = _throughput(base, path)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        rows.append(
            ScaleMeasure(
                f"{label}, border page, {CLIENTS} clients",
                p95,
                [p95],
                0.0,
                figures=f"{rps:.0f} requests/s; TTFB p95 {p95 * 1000:.1f} ms; errors {errors}",
            )
        )
    return rows


def run(shared: Path, runs: int = 1) -> list[ScaleMeasure]:
    top = int(os.environ.get("CANUS_BENCH_SCALE_MAX", "100"))
    factors = [f for f in (10, 100, 1000) if f <= top]
    with tempfile.TemporaryDirectory(prefix="canus-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        rows, home, site = bench_export(shared, tmp)
        rows += bench_serving(home, site)
        rows += bench_engines(home, tmp, factors)
    return rows


def table(rows: list[ScaleMeasure]) -> str:
    lines = ["| what | seconds | runs (s) | figures |", "|---|---:|---|---|"]
    for r in rows:
        lines.append(f"| {r.name} | {r.median_s:.3f} | {', '.join(f'{x:.3f}' for x in r.runs_s)} | {r.figures} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    args = ap.parse_args()
    print(f"# {machine()}")
    print(table(run(args.shared.resolve())))


if __name__ == "__main__":
    main()
