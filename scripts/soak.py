"""Run test files again and again, each in a fresh interpreter, and report any run that aborts.

Why: the page-cache warm-up thread once outlived pytest inside DuckDB and the interpreter died
with exit 134 after every test had passed — only in some runs. One green run proves nothing about
that; twenty in a row is the check issue 16 asks for. Usage:

    .venv/bin/python scripts/soak.py --runs 20 tests/test_web_portal.py tests/test_spine_web.py

Exit 0 when every run of every file exited 0; otherwise 1, with each bad run's exit code and
the tail of its output.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(path: str, seed: int) -> tuple[int, float, str]:
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "randomly",
            f"--randomly-seed={seed}",
            path,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return proc.returncode, time.monotonic() - started, (proc.stdout + proc.stderr)[-2000:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    bad: list[str] = []
    for i in range(1, args.runs + 1):
        for path in args.files:
            code, seconds, tail = run_once(path, seed=i)
            # A negative code is a signal (-6 = abort); 134 is the shell's way of saying the same.
            mark = "ok" if code == 0 else f"EXIT {code}"
            print(f"run {i:2d}  {path:45s} {seconds:6.1f} s  {mark}", flush=True)
            if code != 0:
                bad.append(f"run {i} {path}: exit {code}\n{tail}")
    print(f"\n{args.runs} runs × {len(args.files)} files: {len(bad)} bad run(s)")
    for b in bad:
        print("\n" + b)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
