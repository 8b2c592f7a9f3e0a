"""A pytest plugin for ``test_markers.py``: at collection, write every test's markers and the
fixtures it uses (transitively) to the JSON file named by CANUS_MARKER_REPORT."""

from __future__ import annotations

import json
import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    out = os.environ.get("CANUS_MARKER_REPORT")
    if not out:
        return
    report = [
        {
            "nodeid": it.nodeid,
            "path": str(it.path),
            "markers": sorted({m.name for m in it.iter_markers()}),
            "fixtures": sorted(getattr(it, "fixturenames", [])),
        }
        for it in items
    ]
    with open(out, "w") as f:
        json.dump(report, f)
