"""Time to first byte of the portal: home and one section page, at 1 and 20 concurrent clients.

A real ``canus serve`` process (uvicorn, one worker) on loopback, against a warehouse built
from ``../shared/data`` by ``canus update``. Clients are threads, each with its own
keep-alive ``httpx.Client``, as browsers keep their connections; TTFB is the time from
sending a request to having its status line and headers (``client.stream`` returns then).
Every client first fetches each page once, so the figures are for a warm server (page and
chart caches filled), which is what readers meet between two data updates.

Run alone: ``.venv/bin/python -m bench.web --shared ../shared/data --runs 3``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.harness import Measure, machine

PAGES = {"home": "/en/", "section": "/en/border"}
CONCURRENCY = (1, 20)
#: Requests per client per run: enough for a stable p95 at 20 clients (400 per run).
PER_CLIENT = 20
#: Sources whose folders in the shared data follow the mirror layout and feed the pages.
SOURCES = (
    "bts-border-crossings",
    "natural-earth-countries",
    "cer-electricity-trade",
    "great-lakes-water-levels",
    "air-emissions",
)


@dataclass
class TtfbMeasure(Measure):
    """A Measure whose ``median_s`` is the TTFB p50 over all requests of all runs."""

    p95_s: float = 0.0
    requests: int = 0
    errors: int = 0
    per_run_p95_s: list[float] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _canus() -> str:
    return str(Path(sys.executable).with_name("canus"))


def build_home(shared: Path, home: Path) -> list[str]:
    """Publish a warehouse from the shared data; returns the sources it could load."""
    wanted = [s for s in SOURCES if (shared / s).is_dir()]
    env = {**os.environ, "CANUS_HOME": str(home), "CANUS_MIRROR": str(shared)}
    done = subprocess.run([_canus(), "update", *wanted], env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1 = some source failed; the others are published
        raise RuntimeError(f"canus update failed: {done.stderr[-2000:]}")
    return wanted


def _client_loop(base: str, path: str, n: int, out: list[float], errors: list[int], start: threading.Barrier) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        client.get(path)  # warm: connection open, caches filled
        start.wait()
        for _ in range(n):
            t0 = time.perf_counter()
            with client.stream("GET", path) as r:
                ttfb = time.perf_counter() - t0
                r.read()
            if r.status_code != 200:
                errors.append(r.status_code)
            out.append(ttfb)


def measure_ttfb(base: str, path: str, clients: int, per_client: int) -> tuple[list[float], int]:
    out: list[float] = []
    errors: list[int] = []
    barrier = threading.Barrier(clients)
    threads = [
        threading.Thread(target=_client_loop, args=(base, path, per_client, out, errors, barrier))
        for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, len(errors)


def run(shared: Path, runs: int = 3) -> list[TtfbMeasure]:
    rows: list[TtfbMeasure] = []
    with tempfile.TemporaryDirectory(prefix="canus-bench-web-") as tmp:
        home = Path(tmp) / "home"
        loaded = build_home(shared, home)
        port = _free_port()
        env = {**os.environ, "CANUS_HOME": str(home)}
        env.pop("CANUS_MIRROR", None)
        server = subprocess.Popen(
            [_canus(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = httpx.get(base + "/api/version", timeout=2)
                    # Measure the steady state: wait until the server has warmed its pages.
                    if r.status_code == 200 and not r.json().get("warming"):
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("canus serve did not start")
                time.sleep(0.2)
            for name, path in PAGES.items():
                size = len(httpx.get(base + path).content)
                for clients in CONCURRENCY:
                    every: list[float] = []
                    p95s: list[float] = []
                    errors = 0
                    for _ in range(runs):
                        times, bad = measure_ttfb(base, path, clients, PER_CLIENT)
                        every += times
                        p95s.append(_percentile(times, 0.95))
                        errors += bad
                    rows.append(
                        TtfbMeasure(
                            name=f"web TTFB {name} {path}, {clients} client{'s' if clients > 1 else ''}",
                            median_s=_percentile(every, 0.5),
                            runs_s=[_percentile(every, 0.5)],
                            peak_mb=_peak_rss_mb(server.pid),
                            note=f"{size / 1024:.0f} KB page; sources: {', '.join(loaded)}",
                            p95_s=_percentile(every, 0.95),
                            requests=len(every),
                            errors=errors,
                            per_run_p95_s=p95s,
                        )
                    )
        finally:
            server.terminate()
            server.wait(timeout=10)
    return rows


def table(rows: list[TtfbMeasure]) -> str:
    """The TTFB table for docs/benchmarks.md (``bench.run`` uses it instead of its default)."""
    lines = [
        "| page | clients | requests | TTFB p50 (ms) | TTFB p95 (ms) | p95 per run (ms) "
        "| server peak RSS (MB) | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        name, _, clients = r.name.removeprefix("web TTFB ").rpartition(", ")
        lines.append(
            f"| {name} | {clients.split()[0]} | {r.requests} | {r.median_s * 1000:.1f} | "
            f"{r.p95_s * 1000:.1f} | {', '.join(f'{p * 1000:.1f}' for p in r.per_run_p95_s)} | "
            f"{r.peak_mb:.0f} | {r.errors} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"# {machine()}")
    print(table(run(args.shared, args.runs)))


if __name__ == "__main__":
    main()
