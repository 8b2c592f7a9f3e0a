"""`canus update` and `canus sources` from the command line, in English and French."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from canus.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mirror" / "bts-border-crossings"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "bts" / "current_export.csv", folder / "Border_Crossing_Entry_Data.csv")
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    return folder


def test_update_summary_then_unchanged(mirror: Path) -> None:
    r = runner.invoke(app, ["update", "bts-border-crossings"])
    assert r.exit_code == 0, r.output
    assert "updated" in r.stdout and "2024-02" in r.stdout and "11" in r.stdout
    r = runner.invoke(app, ["update", "bts-border-crossings"])
    assert r.exit_code == 0
    assert "unchanged" in r.stdout and "same snapshot" in r.stdout


def test_update_in_french(mirror: Path) -> None:
    r = runner.invoke(app, ["update", "bts-border-crossings", "--lang", "fr"])
    assert r.exit_code == 0, r.output
    assert "mise à jour" in r.stdout and "Résumé de la mise à jour" in r.stdout and "Terminé en" in r.stdout


def test_failed_update_exits_non_zero_and_names_the_problem(mirror: Path) -> None:
    (mirror / "Border_Crossing_Entry_Data.csv").write_text("<html><body>error</body></html>")
    r = runner.invoke(app, ["update", "bts-border-crossings"])
    assert r.exit_code == 1
    assert "failed" in r.stdout and "HTML page" in r.stdout.replace("\n", " ")


def test_unknown_source(mirror: Path) -> None:
    r = runner.invoke(app, ["update", "no-such-source"])
    assert r.exit_code == 1
    assert "Unknown source" in r.stdout.replace("\n", " ")


def test_sources_lists_licence_rows_and_vintage(mirror: Path) -> None:
    runner.invoke(app, ["update", "bts-border-crossings"])
    r = runner.invoke(app, ["sources", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = {s["id"]: s for s in json.loads(r.stdout)}
    bts = rows["bts-border-crossings"]
    assert bts["rows"] == 11 and bts["as_of"] == "2024-02"
    assert "Public domain" in bts["licence"] and bts["retrieved_at"]
    r = runner.invoke(app, ["sources", "--format", "json", "--lang", "fr"])
    assert "Domaine public" in {s["id"]: s for s in json.loads(r.stdout)}["bts-border-crossings"]["licence"]


def test_source_without_its_key_is_skipped_with_help_in_each_language() -> None:
    from canus import sources

    help_texts = sources.get("census-trade").requires_help
    r = runner.invoke(app, ["update", "census-trade"])
    assert r.exit_code == 0, r.output
    flat = " ".join(r.stdout.split())
    assert "skipped" in flat and "CANUS_CENSUS_API_KEY" in flat
    assert " ".join(help_texts["en"].split())[:30] in flat
    r = runner.invoke(app, ["update", "census-trade", "--lang", "fr"])
    flat = " ".join(r.stdout.split())
    assert "ignorée" in flat and " ".join(help_texts["fr"].split())[:30] in flat
