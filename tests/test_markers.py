"""Every test that reads ../shared/data carries the `shared_data` marker and every test that
drives Chromium the `browser` marker, so `-m "not shared_data"` / `-m "not browser"` select
what they say. Checked on the real collection of the whole suite."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
#: Fixtures that start a browser (the server fixture of the browser tests is only reached through them).
BROWSER_FIXTURES = {"browser_context", "page"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("markers") / "report.json"
    env = os.environ | {"CANUS_MARKER_REPORT": str(out)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            "-p",
            "tests.marker_report",
            str(TESTS),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    items = json.loads(out.read_text())
    assert len(items) > 100
    return items


def test_shared_data_marker_is_on_exactly_the_tests_that_read_it(collected: list[dict]) -> None:
    missing = [i["nodeid"] for i in collected if "shared_data" in i["fixtures"] and "shared_data" not in i["markers"]]
    stray = [i["nodeid"] for i in collected if "shared_data" in i["markers"] and "shared_data" not in i["fixtures"]]
    assert missing == [], "add @pytest.mark.shared_data to: " + ", ".join(missing)
    assert stray == [], "marked shared_data but never read it (use the shared_data fixture): " + ", ".join(stray)


def test_real_data_is_reached_only_through_the_fixture() -> None:
    # A test that built the path itself would skip no marker check above; only conftest may.
    # (../shared/page, the page text test_claims_no_copy compares against, is not data.)
    pattern = re.compile(r"SHARED_DATA|/work/shared/data|\"shared\" / \"data\"")
    direct = [
        p.name
        for p in TESTS.glob("*.py")
        if p.name not in ("conftest.py", Path(__file__).name) and pattern.search(p.read_text())
    ]
    assert direct == []


def test_browser_marker_is_on_exactly_the_browser_tests(collected: list[dict]) -> None:
    missing = [
        i["nodeid"] for i in collected if BROWSER_FIXTURES & set(i["fixtures"]) and "browser" not in i["markers"]
    ]
    stray = [
        i["nodeid"]
        for i in collected
        if "browser" in i["markers"]
        and not BROWSER_FIXTURES & set(i["fixtures"])
        and not Path(i["path"]).name.startswith("test_browser_")
    ]
    assert missing == [], "add pytest.mark.browser to: " + ", ".join(missing)
    assert stray == []
    assert any("browser" in i["markers"] for i in collected)
