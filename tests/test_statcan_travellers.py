"""Traveller metrics on a warehouse built by ``canus update`` from a mirror of our own fixtures."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest

from canus import pipeline
from canus.pillars.border import travellers
from canus.warehouse import Warehouse
from tests.fixtures.statcan.official import (
    TRAVELLER_DIMS,
    Dim,
    Row,
    data_csv,
    metadata_csv,
    traveller_rows,
    write_zip,
)

# Characteristics member id → travellers a month at Canada level (aggregates 1, 2, 10 included
# on purpose: they must not be counted on top of their leaves).
BASE = {1: 3480, 2: 930, 3: 300, 4: 600, 5: 30, 10: 2100, 11: 900, 12: 1200, 20: 450}
TITLE = (
    "International travellers entering or returning to Canada (fixture)",
    "Voyageurs internationaux entrant ou revenant au Canada (données de test)",
)
BTS_HEADER = "Port Name,State,Port Code,Border,Date,Measure,Value,Latitude,Longitude,Point\n"


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mirror"
    folder = root / "statcan-24100053"
    folder.mkdir(parents=True)
    rows = traveller_rows(["2024-01", "2024-02"], BASE)
    for lang, suffix in (("en", "eng"), ("fr", "fra")):
        write_zip(folder / f"24100053-{suffix}.zip", "24100053", TITLE, TRAVELLER_DIMS, rows, lang)
    monkeypatch.setenv("CANUS_MIRROR", str(root))
    return root


def _add_bts(root: Path) -> None:
    folder = root / "bts-border-crossings"
    folder.mkdir()
    lines = [BTS_HEADER] + [
        f"Blaine,Washington,3004,US-Canada Border,{month} 2024,Personal Vehicle Passengers,6000,"
        "49.0,-122.7,POINT (-122.7 49.0)\n"
        for month in ("Jan", "Feb")
    ]
    (folder / "Border_Crossing_Entry_Data.csv").write_text("".join(lines))


def test_entering_canada_by_mode(mirror: Path) -> None:
    [r] = pipeline.update(["statcan-24100053"])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        table = travellers.entering_canada(con)
    [row] = table.rows
    assert row["year"] == 2024 and row["months"] == 2
    assert row["travellers"] == 6960  # leaves only, both months
    assert row["per_day"] == pytest.approx(116.0)  # 6,960 over the 60 days of Jan–Feb 2024
    assert row["air_per_day"] == pytest.approx(55.0)
    assert row["land_per_day"] == pytest.approx(60.0)
    assert row["water_per_day"] == pytest.approx(1.0)
    assert table.provenance[0].source_id == "statcan-24100053"
    assert table.provenance[0].as_of == "2024-02"


def test_us_residents_vs_canadians(mirror: Path) -> None:
    pipeline.update(["statcan-24100053"])
    with Warehouse().read() as con:
        [row] = travellers.us_residents_vs_canadians(con).rows
    assert row["us_residents_per_day"] == pytest.approx(31.0)
    assert row["canadians_from_us_per_day"] == pytest.approx(70.0)
    assert row["us_share"] == pytest.approx(930 / 3030)


def test_both_directions(mirror: Path) -> None:
    _add_bts(mirror)
    results = pipeline.update(["statcan-24100053", "bts-border-crossings"])
    assert all(r.status == "updated" for r in results), [r.error for r in results]
    with Warehouse().read() as con:
        table = travellers.both_directions(con)
    [row] = table.rows
    assert row["into_us_per_day"] == pytest.approx(200.0)
    # From the US only: US residents (31 a day) and Canadians back from the US (70 a day);
    # residents of other countries (450 a month) are not counted.
    assert row["into_canada_per_day"] == pytest.approx(101.0)
    assert row["us_residents_per_day"] == pytest.approx(31.0)
    assert row["canadians_from_us_per_day"] == pytest.approx(70.0)
    assert row["into_canada_air_per_day"] == pytest.approx(40.0)
    assert row["into_canada_land_per_day"] == pytest.approx(60.0)
    assert row["into_canada_water_per_day"] == pytest.approx(1.0)
    assert row["into_us_air_per_day"] is None
    assert row["both_per_day"] == pytest.approx(301.0)
    assert row["both_land_per_day"] == pytest.approx(260.0)
    assert "flying" in table.definition and "Left out" in table.definition
    assert [p.source_id for p in table.provenance] == ["bts-border-crossings", "statcan-24100053"]
    fr = table.to_json("fr")
    assert fr["definition"] != table.definition and "terrestres" in fr["definition"]


def test_no_tables_gives_empty_tables() -> None:
    con = duckdb.connect()
    for fn in (travellers.entering_canada, travellers.us_residents_vs_canadians, travellers.both_directions):
        table = fn(con)
        assert table.rows == []
        assert table.columns


def test_group_and_mode_of_published_names() -> None:
    assert travellers._group("United States of America residents, land") == "us_residents"
    assert (
        travellers._group("Canadian residents returning from the United States of America, air") == "canadians_from_us"
    )
    assert (
        travellers._group("Canadian residents returning from countries other than the United States of America, water")
        == "canadians_from_other"
    )
    assert travellers._group("Residents of countries other than the United States of America, air") == "other_residents"
    assert travellers._mode("United States of America residents, water") == "water"


def test_crosswalk_file() -> None:
    rows = travellers.port_crosswalk()
    codes = {r["bts_port_code"] for r in rows}
    assert len(codes) >= 20
    for r in rows:
        assert len(r["bts_port_code"]) == 4 and r["bts_port_code"].isdigit()
        assert r["us_source"].startswith("https://") and r["ca_source"].startswith("https://")
        assert r["us_accessed"] and r["ca_crossing_name"] and r["ca_province"]
    assert len({r["crossing_id"] for r in rows}) == len(rows)


@pytest.mark.shared_data
def test_crosswalk_covers_the_20_busiest_bts_ports(shared_data: Path) -> None:
    src = shared_data / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv.gz"
    busiest = (
        duckdb.connect()
        .execute(f"""
        SELECT lpad(CAST("Port Code" AS VARCHAR), 4, '0') AS code, sum("Value") AS people
        FROM read_csv('{src}')
        WHERE "Border" = 'US-Canada Border' AND "Date" LIKE '%-24'
          AND "Measure" IN ('Personal Vehicle Passengers', 'Bus Passengers', 'Train Passengers',
                            'Pedestrians')
        GROUP BY code ORDER BY people DESC LIMIT 20""")
        .fetchall()
    )
    assert len(busiest) == 20
    codes = {r["bts_port_code"] for r in travellers.port_crosswalk()}
    assert {c for c, _ in busiest} <= codes


def test_facing_ports(mirror: Path) -> None:
    _add_bts(mirror)
    pipeline.update(["bts-border-crossings"])
    with Warehouse().read() as con:
        table = travellers.facing_ports(con, 2024)
    blaine = next(r for r in table.rows if r["bts_port_code"] == "3004")
    assert blaine["into_us_per_day"] == pytest.approx(200.0)
    assert "Pacific Highway" in blaine["ca_crossings"] and blaine["into_canada_per_day"] is None
    assert travellers.facing_ports(duckdb.connect()).rows == []


OLDER_DIMS = [
    Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
    Dim(
        "Traveller characteristics",
        "Caractéristiques du voyageur",
        [
            (1, None, "Total international travellers", "Total des voyageurs internationaux"),
            (2, 1, "United States residents entering Canada", "Résidents des États-Unis entrant au Canada"),
            (
                3,
                2,
                "United States residents entering Canada, automobile, same day",
                "Résidents des États-Unis entrant au Canada, automobile, même jour",
            ),
            (
                4,
                2,
                "United States residents entering Canada, plane",
                "Résidents des États-Unis entrant au Canada, avion",
            ),
            (
                5,
                1,
                "Canadian residents returning from the United States",
                "Résidents canadiens revenant des États-Unis",
            ),
            (
                6,
                5,
                "Canadian residents returning from the United States, automobile, same day",
                "Résidents canadiens revenant des États-Unis, automobile, même jour",
            ),
            (
                7,
                5,
                "Canadian residents returning from the United States, plane",
                "Résidents canadiens revenant des États-Unis, avion",
            ),
            (
                8,
                1,
                "Canadian residents returning from countries other than the United States",
                "Résidents canadiens revenant de pays autres que les États-Unis",
            ),
            (
                9,
                8,
                "Canadian residents returning from countries other than the United States, air, air direct",
                "Résidents canadiens revenant de pays autres que les États-Unis, avion, vol direct",
            ),
            (
                10,
                1,
                "Residents of countries other than United States entering Canada, air, air via United States",
                "Résidents de pays autres que les États-Unis entrant au Canada, avion, via les États-Unis",
            ),
        ],
    ),
]
#: Member id → travellers a month. 1 is the grand total, 8–10 did not come from the US.
OLDER_MONTHLY = {
    1: 10000.0,
    2: 1000.0,
    3: 700.0,
    4: 300.0,
    5: 2000.0,
    6: 1500.0,
    7: 500.0,
    8: 5000.0,
    9: 5000.0,
    10: 2000.0,
}


def _older_zip(folder: Path, lang: str) -> None:
    """24-10-0041 in the official layout, with vector ids unlike any other vintage's."""
    months = [f"2019-{m:02d}" for m in range(1, 13)]
    rows = [Row(m, (1, mid), v) for m in months for mid, v in OLDER_MONTHLY.items()]
    data = data_csv(OLDER_DIMS, rows, lang)
    suffix = "eng" if lang == "en" else "fra"
    title = (
        "International travellers entering or returning to Canada, by type of transport",
        "Voyageurs internationaux entrant ou revenant au Canada, selon le type de transport",
    )
    with zipfile.ZipFile(folder / f"24100041-{suffix}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("24100041.csv", data.encode("utf-8"))
        z.writestr("24100041_MetaData.csv", metadata_csv("24100041", title, OLDER_DIMS, lang).encode("utf-8"))


def test_years_before_24100053_come_from_24100041_members_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "older-mirror"
    (root / "statcan-24100041").mkdir(parents=True)
    for lang in ("en", "fr"):
        _older_zip(root / "statcan-24100041", lang)
    bts = root / "bts-border-crossings"
    bts.mkdir()
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    (bts / "Border_Crossing_Entry_Data.csv").write_text(
        BTS_HEADER
        + "".join(
            f"Blaine,Washington,3004,US-Canada Border,{m} 2019,Pedestrians,3650,49.0,-122.7,POINT (-122.7 49.0)\n"
            for m in months
        )
    )
    monkeypatch.setenv("CANUS_MIRROR", str(root))
    results = pipeline.update(["statcan-24100041", "bts-border-crossings"])
    assert all(r.status == "updated" for r in results), [r.error for r in results]
    with Warehouse().read() as con:
        table = travellers.both_directions(con)
        [row] = table.rows
        # From the US: 1,000 US residents + 2,000 Canadians a month, selected by member name;
        # Canadians back from elsewhere and the grand total are not counted.
        assert row["canada_table"] == "24-10-0041" and row["months_canada"] == 12
        assert row["into_canada_per_day"] == pytest.approx(12 * 3000 / 365)
        assert row["into_canada_land_per_day"] == pytest.approx(12 * 2200 / 365)
        assert row["into_canada_air_per_day"] == pytest.approx(12 * 800 / 365)
        assert row["into_us_per_day"] == pytest.approx(120.0)
        assert row["both_land_per_day"] == pytest.approx(120.0 + 12 * 2200 / 365)
        assert {p.source_id for p in table.provenance} == {"bts-border-crossings", "statcan-24100041"}
        from canus.claims.checker import check_claim
        from canus.claims.models import load_claims

        claim = next(c for c in load_claims() if c.id == "people-per-day-prepandemic")
        result = check_claim(claim, con)
    # Checkable now, for 2019, from the older table; far from 400,000 on these fixture counts.
    assert result.verdict == "contradicted" and result.period == "2019"
    assert "statcan-24100041" in result.source_ids
