"""ECCC air pollutant emissions: bilingual Windows-1252 layout, download paths, metric, real file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus.pillars.environment import metrics as environment
from canus.pipeline import update
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply

SOURCE = "air-emissions"
NAME = "air_pollutants_emissions_pollutants_atmospheriques.csv"
GOOD = (FIXTURES / "environment" / NAME).read_bytes()
PATH = "/api/file"


@pytest.fixture
def air_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> str:
    url = loopback.url(PATH)
    monkeypatch.setenv("CANUS_URL_AIR_EMISSIONS", url)
    return url


def publish(loopback: Loopback) -> str:
    return publish_over_loopback(loopback, PATH, Reply(200, GOOD), SOURCE)


def test_publishers_windows_1252_is_decoded(loopback: Loopback, air_url: str) -> None:
    # Byte 0x92 is the curly apostrophe of Windows-1252, as in ECCC's file; read as UTF-8 or
    # Latin-1 it would become U+FFFD or the control character U+0092.
    assert b"d\x92azote" in GOOD
    publish(loopback)
    with Warehouse().read() as con:
        names = [r[0] for r in con.execute("SELECT DISTINCT pollutant_fr FROM air_emissions").fetchall()]
    assert "Oxydes d\u2019azote" in names
    assert not any("\ufffd" in n or "\x92" in n for n in names)


def test_download_reads_long_table_and_drops_notes(loopback: Loopback, air_url: str) -> None:
    publish(loopback)
    with Warehouse().read() as con:
        # 8 data rows x 16 years; the note rows at the bottom are not data.
        assert con.execute("SELECT count(*) FROM air_emissions").fetchone()[0] == 8 * 16
        assert con.execute("SELECT DISTINCT pollutant_fr FROM air_emissions WHERE pollutant = 'NOX'").fetchall() == [
            ("Oxydes d’azote",)
        ]
        # "-" is no data: NULL with its symbol kept, never zero.
        assert con.execute("""
            SELECT count(*), count(value), any_value(status) FROM air_emissions
            WHERE pollutant = 'BC'
        """).fetchone() == (32, 0, "-")
        assert (
            con.execute("""
            SELECT basis FROM air_emissions WHERE pollutant = 'SOX' AND is_total AND year = 2020
        """).fetchone()[0]
            == "projection"
        )


def test_acid_rain_metric(loopback: Loopback, air_url: str) -> None:
    publish(loopback)
    with Warehouse().read() as con:
        table = environment.acid_rain_emissions(con)
    first, y2019 = table.rows[0], next(r for r in table.rows if r["year"] == 2019)
    # Fixture: SOx total 1,600 kt in 2005, falling 30 kt a year; NOx 2,400 kt, 30 kt a year.
    assert (first["year"], first["sox_kt"], first["nox_kt"]) == (2005, 1600, 2400)
    assert y2019["sox_kt"] == 1600 - 14 * 30 and y2019["basis"] == "inventory"
    assert y2019["sox_change"] == pytest.approx(-420 / 1600)
    assert table.summary["latest_inventory_year"] == "2019"
    assert table.to_json("fr")["title"] == "Émissions canadiennes d'oxydes de soufre et d'oxydes d'azote"


def test_metric_empty_without_table() -> None:
    assert environment.acid_rain_emissions(duckdb.connect()).rows == []


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"<!doctype html><html><body>Erreur 404</body></html>", "HTML page"),
        (GOOD.replace(b"Units (English) / Unit\xe9 (anglais)", b"Unit (English)", 1), "Units (English)"),
        # A sector changed so the published total no longer adds up.
        (
            GOOD.replace(
                b"Electricity,\xc9lectricit\xe9,Kilotonnes,Kilotonnes,1000,",
                b"Electricity,\xc9lectricit\xe9,Kilotonnes,Kilotonnes,1900,",
                1,
            ),
            "totals differ",
        ),
        (GOOD.replace(b",1000,", b",1O00,", 1), "neither numbers"),
    ],
)
def test_bad_download_fails_and_keeps_warehouse(loopback: Loopback, air_url: str, body: bytes, needle: str) -> None:
    assert body != GOOD
    before = publish(loopback)
    loopback.queue(PATH, Reply(200, body))
    assert_update_fails_keeping_warehouse(SOURCE, before, needle)


@pytest.mark.shared_data
def test_real_file(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    # 10 pollutants x 8 sector rows x 26 years (2005-2030).
    assert r.rows == 2080 and r.as_of == "2019"
    with Warehouse().read() as con:
        rows = {row["year"]: row for row in environment.acid_rain_emissions(con).rows}
    # The file's "Total" rows, read once by hand: SOx 2,171 kt (2005) and 710 kt (2019);
    # NOx 2,471 kt and 1,843 kt.
    assert (rows[2005]["sox_kt"], rows[2019]["sox_kt"]) == (2171, 710)
    assert (rows[2005]["nox_kt"], rows[2019]["nox_kt"]) == (2471, 1843)
    assert rows[2030]["basis"] == "projection"
