"""`make bench`: run every benchmark and write docs/benchmarks.md.

Each benchmark module exposes ``run(shared, runs) -> list[Measure]``. Figures are medians of
``runs`` fresh processes, with the peak RSS of the largest run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
from pathlib import Path

from bench.harness import Measure, machine

BENCHES = {
    "bts": ("Spine: BTS border crossings (issue 2)", "bench.bts"),
    "statcan": ("Statistics Canada full-table zip (issue 3)", "bench.statcan"),
    "web": ("Portal time to first byte (issue 6)", "bench.web"),
    "energy": ("Energy and environment sources: cold update vs bare DuckDB (issue 13)", "bench.energy"),
    "sql": ("Ad-hoc SQL and pages under abuse (issue 15)", "bench.sql"),
    "scale": ("Past one machine: static export, DuckDB and Spark, static serving (issue 14)", "bench.scale"),
}
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
NOTES = Path(__file__).resolve().parent / "notes.md"


def table(rows: list[Measure]) -> str:
    lines = ["| what | median (s) | runs (s) | peak memory (MB) | note |", "|---|---:|---|---:|---|"]
    for m in rows:
        runs = ", ".join(f"{r:.3f}" for r in m.runs_s)
        lines.append(f"| {m.name} | {m.median_s:.3f} | {runs} | {m.peak_mb:.0f} | {m.note} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHES))
    args = ap.parse_args()
    sections = []
    for key, (title, module_name) in BENCHES.items():
        if args.only and key not in args.only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            print(f"{key}: {e}; skipped", file=sys.stderr)
            continue
        print(f"running {key} …", file=sys.stderr)
        rows = module.run(args.shared.resolve(), args.runs)
        render = getattr(module, "table", table)
        if rows:
            sections.append(f"## {title}\n\n{render(rows)}\n")
            print(render(rows))
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    notes = NOTES.read_text() if NOTES.exists() else ""
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(
        "# Benchmarks\n\n"
        f"Measured {when} on {machine()}, with `make bench` "
        f"(medians of {args.runs} fresh processes; peak memory is the largest run's max RSS).\n"
        "This file is written by `bench/run.py`; the analysis below it is kept in `bench/notes.md`.\n\n"
        + "\n".join(sections)
        + "\n"
        + notes
    )
    print(f"wrote {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
