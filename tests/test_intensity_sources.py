"""The denominators of the emissions intensity, each through its family's real reader: US population
(FRED ``B230RC0A052NBEA``) and real GDP (FRED ``GDPCA``), Canada's population (Statistics Canada
17-10-0009-01) and real GDP (36-10-0222-01), on fixtures in the publishers' formats, over the loopback
server: success, renamed column or member, HTML instead of data, missing member."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canus import sources
from canus.pipeline import update
from canus.settings import get_settings
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES, sha256_of
from tests.fixtures.intensity import statcan_tables as st
from tests.loopback import Loopback, Reply

MIRROR = FIXTURES / "intensity" / "mirror"
POP_US, GDP_US = "fred-B230RC0A052NBEA", "fred-GDPCA"
POP_CA, GDP_CA = "statcan-17100009", "statcan-36100222"
HTML = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"
JSON = {"Content-Type": "application/json"}
ZIP = {"Content-Type": "application/zip"}


# ---------------------------------------------------------------------------- declarations


def test_the_four_series_are_declared_defaults_with_their_units() -> None:
    ids = sources.default_ids()
    for sid in (POP_US, GDP_US, POP_CA, GDP_CA):
        assert sid in ids, sid
    pop, gdp = sources.get(POP_US), sources.get(GDP_US)
    assert pop.cadence == gdp.cadence == "annual"
    assert pop.files[0].url == "https://fred.stlouisfed.org/graph/fredgraph.csv?id=B230RC0A052NBEA"
    assert "chained 2017" in gdp.title["en"] and "enchaînés de 2017" in gdp.title["fr"]
    assert sources.get(GDP_CA).tables == ("statcan_36100222", "statcan_36100222_members")
    assert sources.get(POP_CA).title["en"] == "Table 17-10-0009-01: Population estimates, quarterly"
    # The address is a setting, as for every FRED series.
    assert sources.get(POP_US).licence.id == "fred-terms"


# ---------------------------------------------------------------------------- FRED


def test_fred_population_and_gdp_in_base_units(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(MIRROR))
    results = update([POP_US, GDP_US])
    assert [r.status for r in results] == ["updated", "updated"], [r.error for r in results]
    with Warehouse().read() as con:
        # Thousands of persons → persons; billions of chained 2017 dollars → dollars.
        assert con.execute(
            "SELECT value, value_base FROM fred_b230rc0a052nbea WHERE period = '2005-01-01'"
        ).fetchone() == (295500.0, 295_500_000.0)
        assert con.execute("SELECT value_base FROM fred_gdpca WHERE period = '2021-01-01'").fetchone() == (20e12,)
        # "." is no observation: NULL, not zero. The old "DATE" header is read too.
        assert con.execute("SELECT value FROM fred_gdpca WHERE period = '2020-01-01'").fetchone() == (None,)
        assert con.execute("SELECT DISTINCT unit FROM fred_gdpca").fetchall() == [("USD_chained_2017",)]
    versions = Warehouse().versions()
    # An annual series is as of its year, not of the January its observation is dated.
    assert versions[POP_US].as_of == "2022" and versions[GDP_US].as_of == "2022"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        ((MIRROR / "fred-GDPCA" / "GDPCA.csv").read_bytes().replace(b"GDPCA", b"GDPC1"), "GDPCA"),
        (b"observation_date,GDPCA\n2023-01-01,n/a\n", "2023-01-01,n/a"),
    ],
)
def test_fred_bad_download_fails_and_keeps_the_warehouse(
    loopback: Loopback, monkeypatch: pytest.MonkeyPatch, body: bytes, needle: str
) -> None:
    monkeypatch.setenv("CANUS_URL_FRED_GDPCA", loopback.url("/fredgraph.csv?id=GDPCA"))
    good = (MIRROR / "fred-GDPCA" / "GDPCA.csv").read_bytes()
    before = publish_over_loopback(loopback, "/fredgraph.csv", Reply(200, good), GDP_US)
    loopback.queue("/fredgraph.csv", Reply(200, body))
    [r] = update([GDP_US], force=True)
    assert r.status == "failed"
    assert GDP_US in str(r.error) and needle in str(r.error), r.error
    assert sha256_of(get_settings().warehouse_path) == before


# ---------------------------------------------------------------------------- Statistics Canada


@pytest.fixture
def statcan(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    monkeypatch.setenv("CANUS_STATCAN_WDS", loopback.url("/wds"))
    monkeypatch.setenv("CANUS_STATCAN_CSV", loopback.url("/zips"))
    return loopback


def _serve(service: Loopback, pid: str, release: str, en: bytes, fr: bytes) -> None:
    meta = [{"status": "SUCCESS", "object": {"responseStatusCode": 0, "productId": pid, "releaseTime": release}}]
    service.queue("/wds/getCubeMetadata", Reply(200, json.dumps(meta).encode(), JSON))
    service.queue(f"/zips/{pid}-eng.zip", Reply(200, en, ZIP))
    service.queue(f"/zips/{pid}-fra.zip", Reply(200, fr, ZIP))


def _zips(written: dict[str, Path]) -> tuple[bytes, bytes]:
    return written["en"].read_bytes(), written["fr"].read_bytes()


def test_statcan_population_and_gdp_load_with_their_members(statcan: Loopback, tmp_path: Path) -> None:
    _serve(statcan, "17100009", "2025-09-24T08:30", *_zips(st.write_population(tmp_path)))
    _serve(statcan, "36100222", "2025-11-07T08:30", *_zips(st.write_gdp(tmp_path)))
    results = update([POP_CA, GDP_CA])
    assert [r.status for r in results] == ["updated", "updated"], [r.error for r in results]
    with Warehouse().read() as con:
        assert con.execute(
            "SELECT value FROM statcan_17100009 WHERE geo = 'Canada' AND ref_date = '2021-07'"
        ).fetchone() == (38_000_000.0,)
        # Millions (SCALAR_FACTOR) are applied: value is in dollars, as published in value_published.
        assert con.execute(
            """SELECT value_published, value FROM statcan_36100222 WHERE geo = 'Canada' AND ref_date = '2005'
               AND prices = 'Chained (2017) dollars' AND estimates = 'Gross domestic product at market prices'"""
        ).fetchone() == (1_600_000.0, 1.6e12)
        assert con.execute(
            "SELECT member_fr FROM statcan_36100222_members WHERE member_en = 'Chained (2017) dollars'"
        ).fetchone() == ("Dollars enchaînés (2017)",)
    versions = Warehouse().versions()
    assert versions[POP_CA].as_of == "2022-10" and versions[GDP_CA].as_of == "2022"
    assert "missing_members" not in (versions[GDP_CA].notes or {})


@pytest.mark.parametrize(
    ("pid", "case", "needle"),
    [
        # StatCan rebases real GDP every few years: a vintage in other chained dollars is refused.
        ("36100222", "renamed member", '"Prices" / "Chained (2017) dollars"'),
        ("36100222", "renamed column", "should be the dimension 'Prices'"),
        ("36100222", "html", "HTML page"),
        ("17100009", "missing member", '"Geography" / "Canada"'),
        ("17100009", "html", "HTML page"),
    ],
)
def test_statcan_bad_vintage_fails_naming_what_is_wrong(
    statcan: Loopback, tmp_path: Path, pid: str, case: str, needle: str
) -> None:
    write = st.write_population if pid == "17100009" else st.write_gdp
    sid = f"statcan-{pid}"
    _serve(statcan, pid, "2025-06-20T08:30", *_zips(write(tmp_path / "good")))
    [first] = update([sid])
    assert first.status == "updated", first.error
    before = sha256_of(get_settings().warehouse_path)

    bad_dir = tmp_path / "bad"
    if case == "renamed member":
        dims = [
            st.GDP_DIMS[0],
            st.Dim(
                "Prices",
                "Prix",
                [
                    (1, None, "Current prices", "Prix courants"),
                    (2, None, "Chained (2022) dollars", "Dollars enchaînés (2022)"),
                ],
            ),
            st.GDP_DIMS[2],
        ]
        en, fr = _zips(write(bad_dir, dims=dims))
    elif case == "renamed column":
        written = write(bad_dir)
        en, fr = st.replace_in_data(written["en"], '"Prices"', '"Price"'), written["fr"].read_bytes()
    elif case == "missing member":
        dims = [st.Dim("Geography", "Géographie", [(7, None, "Ontario", "Ontario")])]
        rows = [r for r in st.population_rows() if r.coordinate == (7,)]
        en, fr = _zips(write(bad_dir, dims=dims, rows=rows))
    else:
        en, fr = HTML, HTML
    _serve(statcan, pid, "2025-12-01T08:30", en, fr)
    r = assert_update_fails_keeping_warehouse(sid, before, needle)
    assert statcan.url(f"/zips/{pid}-eng.zip") in str(r.error)
