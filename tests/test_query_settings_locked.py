"""`canus query` cannot change the sandbox's settings: `SET` and `RESET` are refused, so
`lock_configuration` is what holds (the other settings alone would still let a query raise
its memory or threads, or reset them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from canus.cli import app
from canus.pipeline import update
from tests.web_helpers import write_bts_mirror


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_bts_mirror(tmp_path / "mirror")
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    assert [r.status for r in update(["bts-border-crossings"])] == ["updated"]


@pytest.mark.parametrize(
    "sql",
    [
        "SET threads = 1",
        "SET memory_limit = '64GB'",
        "RESET memory_limit",
        "RESET threads",
        "SET GLOBAL max_expression_depth = 5",
    ],
)
def test_set_and_reset_are_refused(warehouse: None, sql: str) -> None:
    result = CliRunner().invoke(app, ["query", sql])
    assert result.exit_code == 2, result.output
    assert "refused or failed" in result.output
    assert "lock" in result.output.lower() or "configuration" in result.output.lower()


def test_a_plain_select_still_runs(warehouse: None) -> None:
    result = CliRunner().invoke(app, ["query", "SELECT count(*) AS n FROM ports", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n", "4"]
