"""Every data file canus reads at run time is shipped in the package, not only in a checkout."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_package_data_covers_every_tracked_resource() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["canus"]
    tracked = subprocess.run(
        ["git", "ls-files", "src/canus"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    resources = [Path(p).relative_to("src/canus") for p in tracked if not p.endswith(".py")]
    assert resources, "expected catalogues, templates and registries under src/canus"
    uncovered = [
        str(r) for r in resources if not any(r.match(p.replace("**/", "")) or Path("x", r).match(p) for p in patterns)
    ]
    assert uncovered == []
