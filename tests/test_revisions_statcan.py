"""Revisions of a Statistics Canada table: keyed by period and the members of each dimension."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from canus.pipeline import update
from canus.warehouse import Warehouse
from tests.fixtures.statcan.official import TRAVELLER_DIMS, traveller_rows, write_zip

SOURCE = "statcan-24100053"
TITLE = ("International travellers (fixture)", "Voyageurs internationaux (données de test)")
BASE = {
    1: 3_480_000,
    2: 930_000,
    3: 300_000,
    4: 600_000,
    5: 30_000,
    10: 2_100_000,
    11: 900_000,
    12: 1_200_000,
    20: 450_000,
}


def write(folder: Path, months: list[str], revise: bool = False) -> None:
    rows = traveller_rows(months, BASE)
    if revise:
        # Statistics Canada revises US residents by land, Ontario, January 2024, overnight.
        rows = [
            replace(r, value=r.value + 100) if (r.ref_date, r.coordinate) == ("2024-01", (7, 4, 3)) else r for r in rows
        ]
    for lang, suffix in (("en", "eng"), ("fr", "fra")):
        write_zip(folder / f"24100053-{suffix}.zip", "24100053", TITLE, TRAVELLER_DIMS, rows, lang)


def test_statcan_revisions_by_dimension_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mirror" / SOURCE
    folder.mkdir(parents=True)
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    write(folder, ["2023-12", "2024-01"])
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    write(folder, ["2023-12", "2024-01", "2024-02"], revise=True)
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    per_month = 2 * len(BASE) * 3  # geographies x characteristics x traveller types
    assert (r.added, r.removed, r.revised) == (per_month, 0, 1)
    sha = Warehouse().versions()[SOURCE].sha256
    with Warehouse().read() as con:
        [(key, old, new)] = con.execute(
            "SELECT key, old, new FROM revision_keys WHERE sha256 = ? AND change = 'revised'", [sha]
        ).fetchall()
    key = json.loads(key)
    assert key["ref_date"] == "2024-01" and key["geo"] == "Ontario"
    assert set(key) == {"ref_date", "geo", "traveller_characteristics", "traveller_type"}
    assert key["traveller_characteristics"] == "United States of America residents, land"
    assert json.loads(new)["value"] - json.loads(old)["value"] == 100
