"""Ad-hoc SQL and pages under abuse (issue 15).

1. Pages while the SQL API is abused: TTFB p95 of ``/en/`` at 20 clients while 0, 5 and 20
   clients keep sending a query that would count to a trillion (each stopped at the time limit,
   or refused with 503 when the queue is full, and sent again at once).
2. canus ``/api/query`` (DuckDB) against datasette ``?sql=`` on a SQLite copy of the same rows:
   the same aggregate (people by port for one measure, grouped and sorted), 20 concurrent
   clients, each request on a new connection, as ``ab -c 20`` sends them (``ab`` when it is
   installed, otherwise the same load from Python threads).

Both servers run as their own processes on loopback against a warehouse built by
``canus update`` from ``../shared/data``. Run alone: ``.venv/bin/python -m bench.sql --shared ../shared/data``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from bench.harness import Measure, machine
from bench.web import _canus, _free_port, _peak_rss_mb, _percentile, measure_ttfb

AGGREGATE = (
    "SELECT port_name, sum(value) AS people FROM border_crossings "
    "WHERE measure = 'Personal Vehicle Passengers' GROUP BY port_name ORDER BY people DESC"
)
ABUSE = "SELECT count(*) FROM range(1000000000000)"
ABUSERS = (0, 5, 20)
CLIENTS = 20
COLUMNS = ("port_code", "port_name", "state", "period", "measure", "value", "direction")


@dataclass
class SqlMeasure(Measure):
    p95_s: float = 0.0
    throughput: float = 0.0
    requests: int = 0
    errors: int = 0
    tool: str = ""


def sqlite_copy(warehouse: Path, target: Path) -> int:
    """The border_crossings rows of the warehouse in a SQLite file, for datasette."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    db = sqlite3.connect(target)
    try:
        db.execute(f"CREATE TABLE border_crossings ({', '.join(COLUMNS)})")
        cur = con.execute(
            f"SELECT {', '.join(COLUMNS[:3])}, CAST(period AS VARCHAR), {', '.join(COLUMNS[4:])} FROM border_crossings"
        )
        while rows := cur.fetchmany(50_000):
            db.executemany(f"INSERT INTO border_crossings VALUES ({', '.join('?' * len(COLUMNS))})", rows)
        db.commit()
        return int(db.execute("SELECT count(*) FROM border_crossings").fetchone()[0])
    finally:
        db.close()
        con.close()


def _wait_up(url: str, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            r = httpx.get(url, timeout=5)
            if r.status_code == 200 and not (
                r.headers.get("content-type", "").startswith("application/json")
                and isinstance(r.json(), dict)
                and r.json().get("warming")
            ):
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.3)


def _ab(url: str, n: int) -> tuple[float, float, int, int] | None:
    """(requests/s, p95 s, requests, non-2xx) from ``ab -c 20 -n N``; None without ab."""
    ab = shutil.which("ab")
    if ab is None:
        return None
    out = subprocess.run(
        [ab, "-q", "-c", str(CLIENTS), "-n", str(n), url], capture_output=True, text=True, timeout=900
    ).stdout
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p95 = float(re.search(r"^\s+95%\s+(\d+)", out, re.M).group(1)) / 1000  # type: ignore[union-attr]
    done = int(re.search(r"Complete requests:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx responses:\s+(\d+)", out)
    return rps, p95, done, int(bad.group(1)) if bad else 0


def _threads_load(url: str, n: int) -> tuple[float, float, int, int]:
    """The same load as ab from Python threads: a new connection per request."""
    times: list[float] = []
    bad: list[int] = []
    per = n // CLIENTS

    def client() -> None:
        for _ in range(per):
            t0 = time.perf_counter()
            r = httpx.get(url, timeout=60)
            times.append(time.perf_counter() - t0)
            if r.status_code != 200:
                bad.append(r.status_code)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return len(times) / wall, _percentile(times, 0.95), len(times), len(bad)


def load(url: str, n: int) -> tuple[float, float, int, int, str]:
    got = _ab(url, n)
    if got is not None:
        return (*got, "ab")
    return (*_threads_load(url, n), "python threads")


def _abuse(base: str, stop: threading.Event, sent: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=60) as c:
        while not stop.is_set():
            try:
                r = c.get("/api/query", params={"sql": ABUSE})
                sent.append(r.status_code)
                if r.status_code == 503:
                    time.sleep(0.05)  # an abuser that respects nothing but TCP back-pressure
            except httpx.HTTPError:
                pass


def run(shared: Path, runs: int = 3) -> list[Measure]:
    if not (shared / "bts-border-crossings").is_dir():
        print(f"bench.sql: {shared}/bts-border-crossings is absent; skipped", file=sys.stderr)
        return []
    rows: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="canus-bench-sql-") as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "CANUS_HOME": str(home), "CANUS_MIRROR": str(shared)}
        subprocess.run(
            [_canus(), "update", "bts-border-crossings", "natural-earth-countries"],
            env=env,
            capture_output=True,
            text=True,
        )
        if not (home / "canus.duckdb").exists():
            raise RuntimeError("canus update built no warehouse")
        copy = Path(tmp) / "copy.db"
        n_rows = sqlite_copy(home / "canus.duckdb", copy)
        env.pop("CANUS_MIRROR")
        port, dport = _free_port(), _free_port()
        canus = subprocess.Popen(
            [_canus(), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        datasette_bin = shutil.which("datasette", path=str(Path(sys.executable).parent)) or shutil.which("datasette")
        datasette = None
        if datasette_bin:
            # A generous time limit, so that datasette answers rather than refuses under load.
            datasette = subprocess.Popen(
                [datasette_bin, "serve", str(copy), "--port", str(dport), "--setting", "sql_time_limit_ms", "60000"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_up(base + "/api/version", canus, "canus serve")
            # 1. Pages while abusers keep the SQL workers busy.
            httpx.get(base + "/en/", timeout=60)
            for abusers in ABUSERS:
                stop = threading.Event()
                sent: list[int] = []
                threads = [
                    threading.Thread(target=_abuse, args=(base, stop, sent), daemon=True) for _ in range(abusers)
                ]
                for t in threads:
                    t.start()
                time.sleep(1.0 if abusers else 0)
                every: list[float] = []
                errors = 0
                for _ in range(runs):
                    times, bad = measure_ttfb(base, "/en/", CLIENTS, 10)
                    every += times
                    errors += bad
                stop.set()
                for t in threads:
                    t.join(timeout=15)
                rows.append(
                    SqlMeasure(
                        name=f"page /en/, {CLIENTS} clients, {abusers} abusive queries running",
                        median_s=_percentile(every, 0.5),
                        runs_s=[_percentile(every, 0.5)],
                        peak_mb=_peak_rss_mb(canus.pid),
                        p95_s=_percentile(every, 0.95),
                        requests=len(every),
                        errors=errors,
                        tool="httpx threads (TTFB)",
                        note=(
                            f"abusive answers: {sent.count(400)} stopped at the time limit, "
                            f"{sent.count(503)} refused (503)"
                        )
                        if abusers
                        else "no SQL load",
                    )
                )
            # 2. The same aggregate on both engines.
            canus_url = f"{base}/api/query?sql={quote(AGGREGATE)}"
            targets = [("canus /api/query (DuckDB)", canus_url, canus)]
            if datasette is not None:
                durl = f"http://127.0.0.1:{dport}/copy.json?sql={quote(AGGREGATE)}&_shape=array"
                _wait_up(f"http://127.0.0.1:{dport}/-/versions.json", datasette, "datasette")
                targets.append(("datasette ?sql= (SQLite copy)", durl, datasette))
            for name, url, proc in targets:
                assert httpx.get(url, timeout=60).status_code == 200, name
                best: tuple[float, float, int, int, str] | None = None
                all_rps: list[float] = []
                for _ in range(runs):
                    got = load(url, 400)
                    all_rps.append(got[0])
                    if best is None or got[0] > best[0]:
                        best = got
                assert best is not None
                rps = sorted(all_rps)[len(all_rps) // 2]
                rows.append(
                    SqlMeasure(
                        name=f"{name}, {CLIENTS} clients",
                        median_s=1 / rps if rps else float("nan"),
                        runs_s=[1 / r for r in all_rps if r],
                        peak_mb=_peak_rss_mb(proc.pid),
                        p95_s=best[1],
                        throughput=rps,
                        requests=best[2],
                        errors=best[3],
                        tool=best[4],
                        note=f"{n_rows:,} rows; throughput per run: {', '.join(f'{r:.1f}' for r in all_rps)}/s",
                    )
                )
        finally:
            for proc in (canus, datasette):
                if proc is not None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        proc.kill()
    return rows


def table(rows: list[Measure]) -> str:
    lines = [
        "| what | requests | p50 (ms) | p95 (ms) | throughput (requests/s) | server peak RSS (MB) "
        "| non-200 | load from | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        assert isinstance(r, SqlMeasure)
        tput = f"{r.throughput:.1f}" if r.throughput else "—"
        p50 = f"{r.median_s * 1000:.1f}" if not r.throughput else "—"
        lines.append(
            f"| {r.name} | {r.requests} | {p50} | {r.p95_s * 1000:.1f} | {tput} | {r.peak_mb:.0f} | "
            f"{r.errors} | {r.tool} | {r.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"# {machine()}")
    print(table(run(args.shared.resolve(), args.runs)))


if __name__ == "__main__":
    main()
