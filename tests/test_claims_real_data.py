"""The checker on the real mirror (``../shared/data``): every verdict pinned, with the reason.

What that folder holds decides what can be checked:

- BTS crossings are there, Statistics Canada's travellers tables are not: the two people-per-day
  claims speak of 2015 and 2019, before 24-10-0053 begins, so they stay "not yet checkable",
  naming 24-10-0041, and the one-way BTS count is only quoted as a note — never as the value
  checked against the page.
- 12-10-0173 is there only as a filtered CSV, not the official zip, so ``canus update`` cannot
  load it; the supply-chain claim names it. Wrapped in the official zip layout (second test),
  the claim is checked on canus's supply-chain estimate and says so.
- No services table (36-10-0007) and no Census key: the trade total and the partner rank name
  what they wait for.
- Registry claims do not depend on the mirror.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from canus import i18n
from canus.claims.checker import check_all
from canus.cli import app
from canus.warehouse import VERSIONS_DDL

SUPPORTED = {
    "air-quality-agreement-1991",
    "border-length-9000",
    "campobello-park-1964",
    "canadians-in-us-800k",
    "climate-dialogue-2021",
    "embassy-washington",
    "great-lakes-four",
    "ijc-century",
    "ozone-annex-2000",
    "porcupine-caribou-1987",
    "roadmap-2021",
}
#: claim id → source ids the claim names as missing on this mirror.
WAITING = {
    # 2015 and 2019 come before 24-10-0053 begins: they wait for 24-10-0041.
    "people-per-day-earlier": ["statcan-24100041"],
    "people-per-day-prepandemic": ["statcan-24100041"],
    "bilateral-trade-2022": ["statcan-12100011", "statcan-12100173", "statcan-36100007"],
    "supply-chain-80pct": ["statcan-12100173"],
    "largest-us-partner-2022": ["census-trade"],
    "energy-top-sources": ["eia-energy-trade", "statcan-12100173"],
}
#: Not checkable with any source canus reads (the reason names what would check them).
NO_SOURCE = {
    "arctic-refuge-ecosystem",
    "jobs-supported-millions",
    "trade-largest-relationship-world",
    "trade-one-of-largest-relationships",
    "honorary-consuls-14",
    "ozone-annex-benefit-millions",
}
#: Registry facts not yet confirmed against their sources: never support, name what confirms.
UNCONFIRMED = {
    "consulates-general-12",
    "trade-offices-3",
    "longest-border",
    "rivers-along-border",
    "waterton-glacier-1932",
    "net-zero-2050",
}


@pytest.fixture
def real_warehouse(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    res = CliRunner().invoke(app, ["update"])
    # Sources whose official files the folder lacks fail, and say so; the rest are published.
    assert "statcan-24100053" in res.output and "bts-border-crossings" in res.output


@pytest.mark.shared_data
def test_verdicts_on_the_real_mirror(real_warehouse: None) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["check", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in json.loads(res.output)}
    assert {i for i, r in rows.items() if r["verdict"] == "supported"} == SUPPORTED
    assert {i for i, r in rows.items() if r["verdict"] == "not_checkable"} == (set(WAITING) | NO_SOURCE | UNCONFIRMED)
    for cid in UNCONFIRMED:
        assert rows[cid]["value"] is None and "confirmation" in rows[cid]["missing_source"], cid
    for cid, ids in WAITING.items():
        assert rows[cid]["missing_source_ids"] == ids, cid
        assert rows[cid]["value"] is None and rows[cid]["missing_source"], cid

    # 400,000 a day is both directions, all modes: BTS alone must not decide it.
    for cid, year, one_way in (
        ("people-per-day-prepandemic", "2019", "145,400"),
        ("people-per-day-earlier", "2015", "150,400"),
    ):
        r = rows[cid]
        assert "24-10-0041-01" in r["missing_source"] and "from the US" in r["missing_source"]
        assert any(one_way in n and year in n and "one direction" in n for n in r["notes"]), r
    assert "CANUS_CENSUS_API_KEY" in rows["largest-us-partner-2022"]["missing_source"]
    assert "36-10-0007" in rows["bilateral-trade-2022"]["missing_source"]
    # The page is not evidence for itself: its own figure is not reported as found.
    assert rows["honorary-consuls-14"]["value"] is None
    # Related measures say so in the label, not only in the notes.
    assert rows["canadians-in-us-800k"]["verdict_label"] == "supported, on a related measure"
    # The mirror's data carries its vintage for metric claims once they are checkable;
    # registry claims carry the date their citation was read.
    assert all(v for v in rows["border-length-9000"]["vintage"].values())
    # Nothing is contradicted, so --strict passes.
    assert runner.invoke(app, ["check", "--strict"]).exit_code == 0


@pytest.mark.shared_data
def test_real_mirror_in_french_has_every_message(real_warehouse: None) -> None:
    before = i18n.missing_translations()
    res = CliRunner().invoke(app, ["check", "--format", "json", "--lang", "fr"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in json.loads(res.output)}
    assert "venant des États-Unis" in rows["people-per-day-prepandemic"]["missing_source"]
    assert i18n.missing_translations() - before == set()


def _official_zip_from_filtered_csv(src: Path, dest: Path) -> Path:
    """Wrap the folder's 12-10-0173 CSV in the official zip layout (data + metadata files).

    That copy has one extra unnamed leading index column, dropped here; the rows are as
    published. Written to a temporary folder, never to the project.
    """
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    with src.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            w.writerow(row[1:])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header = rows[0]
    dims = ["Geography", "Trading partner", "North American Product Classification System (NAPCS)", "Trade"]
    meta = io.StringIO()
    m = csv.writer(meta, quoting=csv.QUOTE_ALL, lineterminator="\n")
    m.writerows(
        [
            ["Cube Title", "Product Id"],
            ["Table 12100173", "12100173"],
            [],
            ["Dimension ID", "Dimension name", "Dimension Notes", "Dimension Definitions"],
        ]
    )
    m.writerows([[i, d, "", ""] for i, d in enumerate(dims, 1)])
    m.writerows(
        [
            [],
            [
                "Dimension ID",
                "Member Name",
                "Classification Code",
                "Member ID",
                "Parent Member ID",
                "Terminated",
                "Member Notes",
                "Member Definitions",
            ],
        ]
    )
    for i, d in enumerate(dims, 1):
        col = header.index("GEO" if i == 1 else d)
        for mid, name in enumerate(sorted({r[col] for r in rows[1:]}), 1):
            m.writerow([i, name, "", mid, "", "", "", ""])
    with zipfile.ZipFile(dest, "w") as z:
        z.writestr("12100173.csv", "\ufeff" + out.getvalue())
        z.writestr("12100173_MetaData.csv", "\ufeff" + meta.getvalue())
    return dest


@pytest.mark.shared_data
def test_supply_chain_claim_on_the_real_12100173(shared_data: Path, tmp_path: Path) -> None:
    from canus import sources
    from canus.sources.base import Snapshot

    zpath = _official_zip_from_filtered_csv(
        shared_data / "statcan-12100173" / "12100173-eng-united-states-only.csv", tmp_path / "12100173-eng.zip"
    )
    source = sources.get("statcan-12100173")
    snap = Snapshot(
        "statcan-12100173",
        zpath.name,
        zpath.as_uri(),
        "sha",
        zpath,
        zpath.stat().st_size,
        "2025-01-01T00:00:00+00:00",
        "mirror",
    )
    con = duckdb.connect()
    con.execute(VERSIONS_DDL)
    loaded = source.load(con, {zpath.name: snap}, source)
    con.execute(
        "INSERT INTO data_versions VALUES ('statcan-12100173', 'sha', '[]', ?, ?, "
        "now()::TIMESTAMP, now()::TIMESTAMP, NULL, '{}')",
        [loaded.rows, loaded.as_of],
    )
    results = {r.claim.id: r for r in check_all(con)}

    sc = results["supply-chain-80pct"]
    # 2022 central estimate on the real file: 79.9 % (range 70 % to 89 %); 2024: 76.8 %.
    assert sc.verdict == "supported" and sc.period == "2022" and sc.basis == "estimate"
    assert sc.value == pytest.approx(0.799, abs=0.002)
    assert sc.detail["low"] < sc.value < sc.detail["high"]
    assert sc.latest_period == "2024" and sc.latest_value == pytest.approx(0.768, abs=0.002)
    assert sc.source_ids == ["statcan-12100173"] and sc.vintage == {"statcan-12100173": "2024"}
    d = sc.as_dict("en")
    assert d["verdict_label"] == "supported, on an estimate"
    assert d["method"] == "docs/trade-method.md#supply-chain-integration-estimate"
    assert any("estimate, not a measurement" in n and "docs/trade-method.md" in n for n in d["notes"])
    fr = sc.as_dict("fr")
    assert fr["verdict_label"] == "étayée, sur une estimation"

    # Goods are now there; the total still waits for services, and names only them.
    bt = results["bilateral-trade-2022"]
    assert bt.verdict == "not_checkable" and bt.missing_ids == ["statcan-36100007"]
