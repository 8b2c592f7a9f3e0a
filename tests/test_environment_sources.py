"""Greenhouse gas inventories (ECCC, EPA), CEDS air emissions of both countries, the Great Lakes to the
latest month, the registries of targets and infrastructure, and the metrics built on them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus import registry
from canus.pillars.environment import air, ghg, lakes
from canus.pipeline import update
from canus.registry.models import ClimateTarget, Infrastructure
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply

ENV = FIXTURES / "environment"
NIR, NIR_NAME = "eccc-ghg-inventory", "EN_GHG_Econ_Can_Prov_Terr.csv"
NIR_GOOD = (ENV / NIR_NAME).read_bytes()
EPA, EPA_NAME = "epa-ghg-inventory", "Table 2-10.csv"
EPA_GOOD = (ENV / EPA_NAME).read_bytes()
CEDS, CEDS_NAME = "ceds-emissions", "ceds_emissions_can_usa_hector_units.csv"
HTML = b"<!DOCTYPE html><html><body>Moved</body></html>"


@pytest.fixture
def urls(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_URL_ECCC_GHG_INVENTORY", loopback.url("/nir.csv"))
    monkeypatch.setenv("CANUS_URL_EPA_GHG_INVENTORY", loopback.url("/epa.csv"))
    monkeypatch.setenv("CANUS_URL_CEDS_EMISSIONS", loopback.url("/ceds.csv"))


# ---------------------------------------------------------------------------- ECCC inventory


def test_nir_loads_levels_and_keeps_suppressed_cells(loopback: Loopback, urls: None) -> None:
    publish_over_loopback(loopback, "/nir.csv", Reply(200, NIR_GOOD), NIR)
    with Warehouse().read() as con:
        assert (
            con.execute("""SELECT value_mt FROM ghg_inventory_canada
                              WHERE region = 'Canada' AND level = 0 AND year = 2005""").fetchone()[0]
            == 732.0
        )
        # Québec's suppressed total is NULL with its symbol, and the region name is decoded.
        assert con.execute("""SELECT value_kt, status FROM ghg_inventory_canada
                              WHERE region = 'Québec'""").fetchall()[0] == (None, "x")
        assert con.execute("SELECT count(*) FROM ghg_inventory_canada WHERE level = 2").fetchone()[0] == 3


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        (NIR_GOOD.replace(b"CO2eq", b"CO2e", 1), "CO2eq"),
        (
            NIR_GOOD.replace(b"2022,Canada,1,Oil and Gas,,,,y,217000", b"2022,Canada,1,Oil and Gas,,,,y,317000", 1),
            "economic sectors",
        ),
        (
            NIR_GOOD.replace(b"2021,Canada,2,Transportation,,,,y,150000", b"2021,Canada,2,Transportation,,,,y,n.d.", 1),
            "no known form",
        ),
    ],
)
def test_nir_bad_download_fails_and_keeps_warehouse(loopback: Loopback, urls: None, body: bytes, needle: str) -> None:
    before = publish_over_loopback(loopback, "/nir.csv", Reply(200, NIR_GOOD), NIR)
    loopback.queue("/nir.csv", Reply(200, body))
    assert_update_fails_keeping_warehouse(NIR, before, needle)


# ---------------------------------------------------------------------------- EPA inventory


def test_epa_reads_the_table_under_its_title(loopback: Loopback, urls: None) -> None:
    publish_over_loopback(loopback, "/epa.csv", Reply(200, EPA_GOOD), EPA)
    with Warehouse().read() as con:
        assert con.execute("SELECT DISTINCT year FROM ghg_inventory_us ORDER BY 1").fetchall() == [
            (1990,),
            (2005,),
            (2020,),
            (2021,),
            (2022,),
        ]
        assert (
            con.execute("""SELECT value_mt FROM ghg_inventory_us
                              WHERE kind = 'net_total' AND year = 2005""").fetchone()[0]
            == 6675.0
        )
        # "(860.0)" is a removal (negative); "+" is kept as a symbol, not zero.
        assert (
            con.execute("""SELECT value_mt FROM ghg_inventory_us
                              WHERE kind = 'lulucf' AND year = 2021""").fetchone()[0]
            == -860.0
        )
        assert con.execute("""SELECT value_mt, status FROM ghg_inventory_us
                              WHERE sector = 'U.S. Territories' AND year = 2022""").fetchone() == (None, "+")


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        # A header without years: the table's layout is not the one canus reads.
        (EPA_GOOD.replace(b'"1990","2005","2020","2021","2022"', b'"A","B","C","D","E"', 1), "years"),
        (EPA_GOOD.replace(b'"Industry","1,652.0"', b'"Industry","n/a?"', 1), "neither a number"),
        (EPA_GOOD.replace(b'"Total Emissions","6,468.0"', b'"Total Emissions","9,468.0"', 1), "sum of their sectors"),
    ],
)
def test_epa_bad_download_fails_and_keeps_warehouse(loopback: Loopback, urls: None, body: bytes, needle: str) -> None:
    before = publish_over_loopback(loopback, "/epa.csv", Reply(200, EPA_GOOD), EPA)
    loopback.queue("/epa.csv", Reply(200, body))
    assert_update_fails_keeping_warehouse(EPA, before, needle)


# ---------------------------------------------------------------------------- paths to the goals


def test_ghg_paths_flag_inventory_and_target_line(loopback: Loopback, urls: None) -> None:
    publish_over_loopback(loopback, "/nir.csv", Reply(200, NIR_GOOD), NIR)
    publish_over_loopback(loopback, "/epa.csv", Reply(200, EPA_GOOD), EPA)
    with Warehouse().read() as con:
        table = ghg.emissions_paths(con)
        sectors = ghg.emissions_by_sector(con)
    ca = [r for r in table.rows if r["country"] == "CA"]
    assert {r["row_kind"] for r in ca} == {"inventory", "target_line"}
    # Every row is one or the other, never both: inventory rows have no line value and vice versa.
    for r in table.rows:
        assert (r["emissions_mt"] is None) == (r["row_kind"] == "target_line")
        assert (r["line_mt"] is None) == (r["row_kind"] == "inventory")
    # Canada: 732 Mt in 2005, 40–45% below → 2030 midpoint 732 × 0.575 = 420.9 Mt; from 708 Mt in 2022.
    line = {r["year"]: r["line_mt"] for r in ca if r["row_kind"] == "target_line"}
    assert min(line) == 2023 and max(line) == 2050
    assert line[2030] == pytest.approx(420.9)
    assert line[2023] == pytest.approx(708 + (420.9 - 708) / 8)
    assert line[2050] == pytest.approx(0.0)
    assert line[2040] == pytest.approx(420.9 / 2)
    # The US uses its net total (its target is net): 6,675 in 2005, 50–52% below → 3,270.75.
    us = {r["year"]: r for r in table.rows if r["country"] == "US"}
    assert us[2022]["total"] == "net_total" and us[2022]["emissions_mt"] == 5485.0
    assert us[2030]["line_mt"] == pytest.approx(6675 * 0.49)
    assert table.summary["CA_target_2030_mt"] == "420.9"
    assert {p.source_id for p in table.provenance} == {NIR, EPA}
    oil = next(r for r in sectors.rows if r["country"] == "CA" and r["year"] == 2022 and r["sector"] == "Oil and Gas")
    assert oil["share"] == pytest.approx(217 / 708)


def test_targets_registry_both_countries() -> None:
    for country in ("CA", "US"):
        goals = ghg.targets(country)
        assert goals["2030"].base_year == 2005 and goals["net_zero"].target_year == 2050
    facts = [f for f in registry.facts("climate_targets") if isinstance(f, ClimateTarget)]
    assert all((f.reduction_low or 0) <= (f.reduction_high or 0) for f in facts)


def test_infrastructure_registry_has_both_kinds_with_sources() -> None:
    facts = [f for f in registry.facts("energy_infrastructure") if isinstance(f, Infrastructure)]
    kinds = {f.kind for f in facts}
    assert kinds == {"oil_pipeline", "gas_pipeline", "power_line"}
    for f in facts:
        assert (f.capacity is None) == (f.capacity_unit is None), f.id
        unit = {"oil_pipeline": "bbl/d", "gas_pipeline": "Bcf/d", "power_line": "MW"}[f.kind]
        assert f.capacity_unit in (None, unit), f.id
        assert f.crossing.en and f.crossing.fr and f.source.url.startswith("https://")
        if f.lat is not None:
            assert 41 < f.lat < 50 and f.lon is not None and -125 < f.lon < -66, f.id


# ---------------------------------------------------------------------------- CEDS


def _ceds_mirror(tmp_path: Path, folder: str, body: bytes | None = None) -> Path:
    mirror = tmp_path / "mirror"
    (mirror / folder).mkdir(parents=True)
    (mirror / folder / CEDS_NAME).write_bytes(body if body is not None else (ENV / CEDS_NAME).read_bytes())
    return mirror


def test_ceds_reads_the_shared_mirror_folder_and_converts_explicitly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(_ceds_mirror(tmp_path, "air-emissions")))
    [r] = update([CEDS])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        # Values exactly as the file gives them, with the file's units.
        got = con.execute("""SELECT value, unit FROM ceds_emissions
                             WHERE country = 'CA' AND species = 'SO2' AND year = 1980""").fetchone()
        assert got == (2239.07, "Gg S")
        table = air.so2_nox_both(con)
    ca1980 = next(x for x in table.rows if x["country"] == "CA" and x["year"] == 1980)
    # By hand: 2,239.07 Gg S × 64.064 / 32.06 = 4,474.21 kt SO2; 0.8649 Tg N × 1,000 × 46.0055 / 14.0067 = 2,840.8 kt.
    assert ca1980["so2_kt"] == pytest.approx(2239.07 * 64.064 / 32.06)
    assert ca1980["so2_kt"] == pytest.approx(4474.2, abs=0.1)
    assert ca1980["nox_kt"] == pytest.approx(2840.8, abs=0.1)
    markers = {x["year"]: x["marker"] for x in table.rows if x["country"] == "US" and x["marker"]}
    assert set(markers) == {1991, 2000}
    us2019 = next(x for x in table.rows if x["country"] == "US" and x["year"] == 2019)
    assert us2019["so2_change"] == pytest.approx(941.35 / 12102.32 - 1)
    assert all(x["basis"] == "estimate" for x in table.rows)


def test_ceds_own_folder_is_read_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = _ceds_mirror(tmp_path, "ceds-emissions")
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = update([CEDS])
    assert r.status == "updated" and r.as_of == "2019"


def test_ceds_without_mirror_or_address_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANUS_URL_CEDS_EMISSIONS", raising=False)
    [r] = update([CEDS])
    assert r.status == "failed"
    assert "CANUS_MIRROR" in str(r.error) and "CANUS_URL_CEDS_EMISSIONS" in str(r.error)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        ((ENV / CEDS_NAME).read_bytes().replace(b"variable", b"species", 1), "variable"),
        ((ENV / CEDS_NAME).read_bytes().replace(b"can,1980.0", b"mex,1980.0", 1), "unexpected countries"),
        (
            (ENV / CEDS_NAME)
            .read_bytes()
            .replace(b"usa,1991.0,NOX_emissions,7.0,Tg N", b"usa,1991.0,NOX_emissions,7.0,Tg NO2", 1),
            "more than one unit",
        ),
    ],
)
def test_ceds_bad_download_fails_and_keeps_warehouse(loopback: Loopback, urls: None, body: bytes, needle: str) -> None:
    before = publish_over_loopback(loopback, "/ceds.csv", Reply(200, (ENV / CEDS_NAME).read_bytes()), CEDS)
    loopback.queue("/ceds.csv", Reply(200, body))
    assert_update_fails_keeping_warehouse(CEDS, before, needle)


@pytest.mark.shared_data
def test_ceds_real_file_so2_1980_and_2019(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not (shared_data / "air-emissions" / CEDS_NAME).is_file():
        pytest.skip(f"{CEDS_NAME} is absent from {shared_data / 'air-emissions'}")
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update([CEDS])
    assert r.status == "updated", r.error
    assert r.as_of == "2022"
    with Warehouse().read() as con:
        got = dict(
            ((c, y), v)
            for c, y, v in con.execute("""
            SELECT country, year, value FROM ceds_emissions
            WHERE species = 'SO2' AND year IN (1980, 2019)""").fetchall()
        )
        units = con.execute("SELECT DISTINCT unit FROM ceds_emissions WHERE species = 'SO2'").fetchall()
        assert units == [("Gg S",)]
        table = air.so2_nox_both(con)
    # Exactly as the file writes them, in gigagrams of sulphur (not of SO2).
    assert got == {
        ("CA", 1980): 2239.073213353115,
        ("CA", 2019): 372.147057615809,
        ("US", 1980): 12102.3210765294,
        ("US", 2019): 941.35327169326,
    }
    rows = {(x["country"], x["year"]): x for x in table.rows}
    # Converted explicitly to kilotonnes of SO2 (× 64.064 / 32.06): Canada 1980 ≈ 4,474 kt.
    assert rows[("CA", 1980)]["so2_kt"] == pytest.approx(2239.073213353115 * 64.064 / 32.06)
    assert rows[("US", 2019)]["so2_change"] == pytest.approx(941.35327169326 / 12102.3210765294 - 1)
    assert min(y for _, y in rows) == 1980


# ---------------------------------------------------------------------------- Great Lakes


def _no_comment_block() -> bytes:
    lines = (ENV / "GLHYD_data_metric.csv").read_bytes().splitlines(keepends=True)
    return b"".join(x for x in lines if not x.lstrip(b'"').startswith(b"#"))


def test_great_lakes_layout_without_comment_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "mirror" / "great-lakes-water-levels"
    mirror.mkdir(parents=True)
    (mirror / "GLHYD_data_metric.csv").write_bytes(_no_comment_block())
    assert _no_comment_block().startswith(b"month,year,Superior")
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    [r] = update(["great-lakes-water-levels"])
    assert r.status == "updated", r.error
    assert r.rows == 5 * 27 and r.as_of == "2018-03"
    with Warehouse().read() as con:
        table = lakes.latest_month(con)
    sup = table.rows[0]
    assert sup["lake"] == "Superior" and sup["month"].isoformat() == "2018-03-01"
    # March over 2016, 2017 and 2018 in the fixture: mean, record high and record low of March.
    levels = [r for r in _march_levels()]
    assert sup["month_mean_m"] == pytest.approx(sum(levels) / 3)
    assert sup["month_high_m"] == pytest.approx(max(levels)) and sup["month_low_m"] == pytest.approx(min(levels))
    assert sup["difference_m"] == pytest.approx(levels[-1] - sum(levels) / 3)
    assert table.summary["month"] == "2018-03"


def _march_levels() -> list[float]:
    out = []
    for line in (ENV / "GLHYD_data_metric.csv").read_text().splitlines():
        parts = line.split(",")
        if parts[0] == "mar":
            out.append(float(parts[2]))
    return out


@pytest.mark.shared_data
def test_lakes_same_month_with_shared_file(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = shared_data / "great-lakes-water-levels" / "GLHYD_data_metric.csv"
    if not src.is_file():
        pytest.skip(f"{src} is absent")
    mirror = shared_data
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = update(["great-lakes-water-levels"])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        rows = lakes.latest_month(con).rows
        dec = con.execute("""SELECT avg(level_m) FROM great_lakes_levels
                             WHERE lake = 'Ontario' AND month(period) = 12""").fetchone()[0]
    ontario = next(x for x in rows if x["lake"] == "Ontario")
    assert ontario["month"].isoformat() == "2017-12-01"
    assert ontario["month_mean_m"] == pytest.approx(dec)
    assert ontario["first_year"] == 1918 and ontario["month_low_m"] <= ontario["level_m"] <= ontario["month_high_m"]


def test_environment_metrics_empty_without_tables() -> None:
    con = duckdb.connect()
    for fn in (ghg.emissions_paths, ghg.emissions_by_sector, air.so2_nox_both, lakes.latest_month):
        assert fn(con).rows == []
    for mod in (ghg, air, lakes):
        for s in mod.SPECS:
            assert getattr(mod, s.function)(con).id == s.id


# ---------------------------------------------------------------------------- ECCC projections

PROJ, PROJ_NAME = "eccc-ghg-projections", "economic_sector_GHG_emissions_GES_secteur_economique.csv"
PROJ_GOOD = (ENV / PROJ_NAME).read_bytes()


@pytest.fixture
def proj_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_URL_ECCC_GHG_PROJECTIONS", loopback.url("/proj.csv"))


def test_projections_split_inventory_and_projection(loopback: Loopback, urls: None, proj_url: None) -> None:
    publish_over_loopback(loopback, "/proj.csv", Reply(200, PROJ_GOOD), PROJ)
    with Warehouse().read() as con:
        # The note row at the bottom is left out; "-" is missing, not zero.
        assert con.execute("SELECT count(*) FROM ghg_projections_canada").fetchone()[0] == 6 * 5
        dash = con.execute("""SELECT value_mt, status FROM ghg_projections_canada
                              WHERE gas = 'Methane' AND sector = 'Electricity' AND year = 2030""").fetchone()
        assert dash == (None, "-")
        basis = dict(con.execute("SELECT DISTINCT year, basis FROM ghg_projections_canada").fetchall())
        assert basis[2019] == "inventory" and basis[2020] == basis[2025] == "projection"
    publish_over_loopback(loopback, "/nir.csv", Reply(200, NIR_GOOD), NIR)
    with Warehouse().read() as con:
        table = ghg.emissions_paths(con)
    ca = [r for r in table.rows if r["country"] == "CA"]
    assert {r["row_kind"] for r in ca} == {"inventory", "projection", "target_line"}
    proj = {r["year"]: r["emissions_mt"] for r in ca if r["row_kind"] == "projection"}
    # Only years after the latest inventory year (2022 in the NIR fixture), all gases summed.
    assert proj == {2025: pytest.approx(194.1 + 25.9), 2030: pytest.approx(189.0 + 24.7)}
    assert PROJ in {p.source_id for p in table.provenance}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        (PROJ_GOOD.replace(b"Economic Sector (English)", b"Sector (English)", 1), "Economic Sector (English)"),
        (PROJ_GOOD.replace(b'"112.5"', b'"11 2.5?"', 1), "neither numbers"),
        (PROJ_GOOD.replace(b'"229.1"', b'"329.1"', 1), "sum of their sectors"),
    ],
)
def test_projections_bad_download_fails_and_keeps_warehouse(
    loopback: Loopback, proj_url: None, body: bytes, needle: str
) -> None:
    before = publish_over_loopback(loopback, "/proj.csv", Reply(200, PROJ_GOOD), PROJ)
    loopback.queue("/proj.csv", Reply(200, body))
    assert_update_fails_keeping_warehouse(PROJ, before, needle)
