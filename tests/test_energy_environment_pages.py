"""The energy and environment pages with every form of energy and both countries' emissions, built on a
warehouse loaded from fixtures in the publishers' formats through the real pipeline."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from canus.pillars.energy import page as energy_page
from canus.pillars.energy import page_forms
from canus.pillars.environment import page_extra
from canus.settings import get_settings
from canus.warehouse import Warehouse
from canus.web.page.builders import CHART_BUILDERS, SECTION_BUILDERS
from canus.web.render.charts import render_svg, vega_spec
from tests.builders import publish_over_loopback
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply
from tests.test_energy_trade_sources import KEY, eia_answers, serve_eia

ENV, ENERGY = FIXTURES / "environment", FIXTURES / "energy"
CER = "CANUS_URL_CER_"
NEW_CHARTS = [*page_forms.CHARTS, *page_extra.CHARTS]
LOOPBACK_SOURCES = {
    # source id: (setting, fixture file)
    "cer-crude-oil-exports": (CER + "CRUDE_OIL_EXPORTS", ENERGY / "crude-oil-exports-by-destination-monthly.csv"),
    "cer-natural-gas-trade": (CER + "NATURAL_GAS_TRADE", ENERGY / "natural-gas-exports-and-imports-monthly.csv"),
    "cer-electricity-trade": (CER + "ELECTRICITY_TRADE", ENERGY / "electricity-exports-and-imports-monthly.csv"),
    "eccc-ghg-inventory": ("CANUS_URL_ECCC_GHG_INVENTORY", ENV / "EN_GHG_Econ_Can_Prov_Terr.csv"),
    "epa-ghg-inventory": ("CANUS_URL_EPA_GHG_INVENTORY", ENV / "Table 2-10.csv"),
    "eccc-ghg-projections": (
        "CANUS_URL_ECCC_GHG_PROJECTIONS",
        ENV / "economic_sector_GHG_emissions_GES_secteur_economique.csv",
    ),
    "ceds-emissions": ("CANUS_URL_CEDS_EMISSIONS", ENV / "ceds_emissions_can_usa_hector_units.csv"),
    "great-lakes-water-levels": ("CANUS_URL_GREAT_LAKES_WATER_LEVELS", ENV / "GLHYD_data_metric.csv"),
}


def _statcan_tables(path: Path) -> None:
    """The columns of the two StatCan tables the energy metrics read, as the family's reader writes them
    (the StatCan family's zip fixtures are exercised in its own tests)."""
    with duckdb.connect(str(path)) as con:
        con.execute("""CREATE TABLE statcan_12100173 (ref_date VARCHAR, period DATE, geo VARCHAR,
                       trading_partner VARCHAR, north_american_product_classification_system_napcs VARCHAR,
                       trade VARCHAR, value DOUBLE, source_id VARCHAR)""")
        for partner, value in {"United States": 20e9, "Norway": 2e9, "Nigeria": 1e9, "All countries": 23e9}.items():
            con.execute(
                "INSERT INTO statcan_12100173 VALUES ('2022', DATE '2022-01-01', 'Canada', ?, "
                "'Energy products [C12]', 'Import', ?, 'statcan-12100173')",
                [partner, value],
            )
        con.execute("""CREATE TABLE statcan_25100029 (period DATE, geo VARCHAR, fuel_type VARCHAR,
                       supply_and_demand_characteristics VARCHAR, uom VARCHAR, value DOUBLE)""")
        for fuel, exp, imp in (
            ("Crude oil", 8_600_000, 1_300_000),
            ("Natural gas", 3_200_000, 900_000),
            ("Coal", 700_000, 200_000),
        ):
            for flow, v in (("Exports", exp), ("Imports", imp)):
                con.execute(
                    "INSERT INTO statcan_25100029 VALUES (DATE '2022-01-01', 'Canada', ?, ?, 'Terajoules', ?)",
                    [fuel, flow, v],
                )


@pytest.fixture
def loaded(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Path:
    for i, (source, (setting, fixture)) in enumerate(LOOPBACK_SOURCES.items()):
        path = f"/f{i}/{fixture.name.replace(' ', '%20')}"
        monkeypatch.setenv(setting, loopback.url(path))
        publish_over_loopback(loopback, path, Reply(200, fixture.read_bytes()), source)
    monkeypatch.setenv("CANUS_EIA_API", loopback.url("/v2"))
    monkeypatch.setenv("CANUS_EIA_API_KEY", KEY)
    serve_eia(loopback, eia_answers())
    from canus.pipeline import update

    [r] = update(["eia-energy-trade"])
    assert r.status == "updated", r.error
    path = get_settings().warehouse_path
    _statcan_tables(path)
    return path


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_carry_every_new_chart_in_both_languages(loaded: Path, lang: str) -> None:
    with Warehouse().read() as con:
        energy = SECTION_BUILDERS["energy"](con, lang)
        env = SECTION_BUILDERS["environment"](con, lang)
        ids = {c.id for c in energy.charts} | {c.id for c in env.charts}
        assert set(NEW_CHARTS) <= ids
        for chart in [*energy.charts, *env.charts]:
            assert chart.table.rows, chart.id
            assert chart.summary(chart.table, lang).strip(), chart.id
            svg = render_svg(chart, lang, "test")
            assert "<svg" in svg and 'aria-label="' in svg
    # Rank figures, the method and its limits, the registry table and the map are on the page.
    assert any("2022" in f.label for f in energy.figures if f.value == "1")
    method = page_forms._(page_forms.f.METHOD_LIMITS, lang)
    assert method in energy.notes and (lang == "en") == (method == page_forms.f.METHOD_LIMITS)
    assert "energy-infrastructure" in {t.id for t in energy.tables}
    [infra_map] = [m for m in energy.extra["maps"] if m.id == "map-energy-infrastructure"]
    assert infra_map.points and "energy-oil-pipeline" in infra_map.svg
    assert "environment-climate-targets" in {t.id for t in env.tables}
    # Nothing is waiting: every source these sections read is loaded.
    assert not {"eccc-ghg-inventory", "epa-ghg-inventory", "ceds-emissions"} & set(env.missing_sources)


def test_ghg_spec_draws_inventory_projection_and_target_line_apart(loaded: Path) -> None:
    with Warehouse().read() as con:
        chart = page_extra.ghg_chart(con)
    assert chart is not None
    kinds = {r["row_kind"] for r in chart.table.rows}
    assert kinds == {"inventory", "projection", "target_line"}
    spec = vega_spec(chart, "en")
    dash = spec["encoding"]["strokeDash"]
    assert dash["field"] == "kind" and dash["legend"] is not None
    # One dash pattern per kind, solid for the inventory only, one legend entry each.
    assert dash["scale"]["domain"] == ["Inventory", "Projection (ECCC reference case)", "Straight line to the goals"]
    assert dash["scale"]["range"][0] == [1, 0] and all(r != [1, 0] for r in dash["scale"]["range"][1:])
    values = spec["data"]["values"]
    assert {v["kind"] for v in values if v["year"] > 2030} == {"Straight line to the goals"}
    fr = vega_spec(chart, "fr")["encoding"]["strokeDash"]["scale"]["domain"]
    assert fr != dash["scale"]["domain"] and len(fr) == 3


def test_so2_nox_marks_the_agreement_and_the_annex(loaded: Path) -> None:
    with Warehouse().read() as con:
        chart = page_extra.so2_nox_chart(con)
    assert chart is not None
    spec = vega_spec(chart, "en")
    marked = {
        v["year"]
        for panel in spec["vconcat"]
        for layer in panel["layer"]
        if layer["mark"]["type"] == "rule"
        for v in layer["data"]["values"]
    }
    assert marked == {1991, 2000}
    assert {r["country"] for r in chart.table.rows} == {"CA", "US"}


def test_charts_never_empty_without_data() -> None:
    con = duckdb.connect()
    for chart_id in NEW_CHARTS:
        assert CHART_BUILDERS[chart_id](con) is None, chart_id
    # The pages still build, with the registry table, the map and the sources they wait for.
    page = SECTION_BUILDERS["energy"](con, "fr")
    assert not page.charts and "energy-infrastructure" in {t.id for t in page.tables}
    assert "cer-crude-oil-exports" in page.missing_sources
    env = SECTION_BUILDERS["environment"](con, "en")
    assert "ceds-emissions" in env.missing_sources and "environment-climate-targets" in {t.id for t in env.tables}


def test_every_new_chart_answers_in_both_languages(loaded: Path) -> None:
    from canus.web.app import create_app

    client = TestClient(create_app())
    for chart_id in NEW_CHARTS:
        assert chart_id in CHART_BUILDERS
        for base in ("/en/charts", "/fr/graphiques"):
            page = client.get(f"{base}/{chart_id}")
            assert page.status_code == 200, (base, chart_id, page.text[:300])
            for ext in ("csv", "json", "svg"):
                twin = client.get(f"{base}/{chart_id}.{ext}")
                assert twin.status_code == 200 and twin.content, (chart_id, ext)
    assert energy_page.CHARTS.keys() >= page_forms.CHARTS.keys()
    for path in ("/en/energy", "/fr/energie", "/en/environment", "/fr/environnement"):
        page = client.get(path)
        assert page.status_code == 200, path
        for chart_id in NEW_CHARTS:
            pillar = "energy" if "/energ" in path else "environment"
            if chart_id.startswith(pillar + "-"):
                assert chart_id in page.text, (path, chart_id)
    assert "map-energy-infrastructure" in client.get("/fr/energie").text
