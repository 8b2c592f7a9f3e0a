"""schemathesis against the published OpenAPI, on loopback: no server error, no undocumented status.

A bounded run (a fixed seed and a few examples per operation) of the coverage and fuzzing
phases, against a real uvicorn serving a warehouse built by the real pipeline.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import serve
from tests.web_helpers import build_warehouse


def test_api_answers_match_its_openapi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("schemathesis", reason="schemathesis is in the test extra: pip install -e '.[test]'")
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    if st is None:
        pytest.skip("the schemathesis command line (st) is not installed")
    build_warehouse(tmp_path, monkeypatch)
    monkeypatch.delenv("CANUS_MIRROR")
    with serve() as base:
        done = subprocess.run(
            [
                st,
                "run",
                f"{base}/api/openapi.json",
                "--checks",
                "not_a_server_error,status_code_conformance",
                "--phases",
                "coverage,fuzzing",
                "--max-examples",
                "15",
                "--seed",
                "15",
                "--generation-database",
                "none",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )  # its cache stays out of the repo
    report = done.stdout[-4000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    assert " passed" in done.stdout and "API Operations" in done.stdout, report
