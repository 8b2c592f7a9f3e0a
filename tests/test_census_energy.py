"""US energy trade by partner from the Census API (coal, uranium, HS chapter 27): units, the coal and
uranium metric, supplier ranks where Canada is and is not first, the claim, and the energy page.

The warehouse is loaded through the real pipeline from a loopback server answering with the
fixtures in the Census API's JSON layout (tests/fixtures/trade/census/*-hs-energy-<code>-2023.json).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from canus.i18n import _catalogue
from canus.metrics.catalogue import get as metric_spec
from canus.pillars.energy import coal_uranium, forms, page_census, supplier_claim, units
from canus.pipeline import update
from canus.settings import get_settings
from canus.warehouse import Warehouse
from canus.web.page.builders import CHART_BUILDERS, SECTION_BUILDERS
from canus.web.render.charts import render_svg
from tests.loopback import Loopback, Reply
from tests.test_census_trade import BASE, CENSUS, JSON_TYPE, KEY, _queue_good_answers

HS2_IMPORTS = "imports-hs-energy-27-2023.json"


@pytest.fixture
def api(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    monkeypatch.setenv("CANUS_CENSUS_API", loopback.url(BASE))
    monkeypatch.setenv("CANUS_CENSUS_YEARS", "2023-2024")
    monkeypatch.setenv("CANUS_CENSUS_API_KEY", KEY)
    return loopback


def _loaded(api: Loopback, replace: dict[str, Reply] | None = None) -> duckdb.DuckDBPyConnection:
    """A writable copy of the published warehouse (so a test can add Canada's side)."""
    _queue_good_answers(api, replace)
    [r] = update(["census-trade"])
    assert r.status == "updated", r.error
    con = duckdb.connect()
    con.execute(f"ATTACH '{get_settings().warehouse_path}' AS wh (READ_ONLY)")
    for t in ("census_energy_partners", "data_versions"):
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM wh.{t}")
    con.execute("DETACH wh")
    return con


def _canada_side(con: duckdb.DuckDBPyConnection, partners: dict[str, float]) -> None:
    """Canada's imports of energy products by partner for 2023, as the StatCan family writes 12-10-0173-01."""
    con.execute("""CREATE TABLE statcan_12100173 (ref_date VARCHAR, period DATE, geo VARCHAR, trading_partner VARCHAR,
                   north_american_product_classification_system_napcs VARCHAR, trade VARCHAR, value DOUBLE,
                   source_id VARCHAR)""")
    for p, v in partners.items():
        con.execute(
            "INSERT INTO statcan_12100173 VALUES ('2023', DATE '2023-01-01', 'Canada', ?, "
            "'Energy products [C12]', 'Import', ?, 'statcan-12100173')",
            [p, v],
        )


# ---------------------------------------------------------------------------- units


def test_coal_energy_content_by_hand() -> None:
    # 150,000 t a month for a year: 1,800,000 t x 25.8 GJ/t = 46,440,000 GJ = 46.44 PJ.
    assert units.coal_tonnes_to_pj(1_800_000) == pytest.approx(46.44)
    # The Census gives kilograms for some lines: 5,000 kg is 5 t, 0.129 TJ, 0.000129 PJ.
    assert units.to_tonnes(5000, "KG") == pytest.approx(5.0)
    assert units.coal_tonnes_to_pj(units.to_tonnes(5000, "kg")) == pytest.approx(0.000129)
    # No unit, or a unit that is not a mass: no guess.
    assert units.to_tonnes(1000, "-") is None and units.to_tonnes(1000, "BBL") is None
    assert units.coal_tonnes_to_pj(None) is None
    f = units.FACTORS["gj_per_tonne_coal"]
    assert f.value == 25.8 and "IPCC" in f.citation and f.unit == "GJ/t"


# ---------------------------------------------------------------------------- the metric


def test_coal_and_uranium_by_partner_canada_first_and_not(api: Loopback) -> None:
    con = _loaded(api)
    table = coal_uranium.coal_uranium_trade(con)
    assert tuple(c.name for c in table.columns) == metric_spec("energy-coal-uranium-trade").columns
    by = {(r["direction"], r["commodity"]): r for r in table.rows}
    assert {r["year"] for r in table.rows} == {2023}
    coal_in = by[("us_imports", "2701")]
    # Colombia 60 M$, Canada 20 M$, Russia 10 M$ a month: Canada second with 2/9 of the value.
    assert (coal_in["canada_rank"], coal_in["first_partner"], coal_in["partners"]) == (2, "COLOMBIA", 3)
    assert coal_in["canada_share"] == pytest.approx(2 / 9)
    assert coal_in["canada_value_usd"] == 12 * 20e6 and coal_in["total_value_usd"] == 12 * 90e6
    # 150,000 t a month: 1.8 Mt, 46.44 PJ (estimate).
    assert (coal_in["canada_quantity"], coal_in["quantity_unit"]) == (1_800_000, "T")
    assert coal_in["canada_energy_pj"] == pytest.approx(46.44)
    # Uranium together: Kazakhstan 115 M$ a month, Canada 110 M$ (ores 30 + natural 80): second.
    u_in = by[("us_imports", "all")]
    assert (u_in["canada_rank"], u_in["first_partner"], u_in["partners"]) == (2, "KAZAKHSTAN", 6)
    assert u_in["canada_quantity"] == 12 * 700_000 and u_in["quantity_unit"] == "KG"
    # Uranium never gets an energy content.
    assert all(r["canada_energy_pj"] is None for r in table.rows if r["form"] == "uranium")
    # Ores alone: Canada first.
    assert by[("us_imports", "2612")]["canada_rank"] == 1
    # No enriched uranium from Canada: no rank, Russia first.
    enriched = by[("us_imports", "284420")]
    assert enriched["canada_rank"] is None and enriched["canada_value_usd"] is None
    assert enriched["first_partner"] == "RUSSIA"
    # US exports: Canada takes most of the uranium (first) but is third for coal (India first).
    assert by[("us_exports", "all")]["canada_rank"] == 1
    assert by[("us_exports", "2701")]["canada_rank"] == 3 and by[("us_exports", "2701")]["first_partner"] == "INDIA"
    assert table.provenance and table.provenance[0].source_id == "census-trade"
    assert table.summary["energy_basis"] == "estimate"


def test_a_partial_year_is_left_out(api: Loopback) -> None:
    con = _loaded(api)
    con.execute("DELETE FROM census_energy_partners WHERE month(period) = 12 AND direction = 'us_imports'")
    table = coal_uranium.coal_uranium_trade(con)
    assert {r["direction"] for r in table.rows} == {"us_exports"}
    assert not [r for r in forms.supplier_ranks(con).rows if r["measure"] == "value_usd"]


# ---------------------------------------------------------------------------- ranks and the claim


def test_supplier_ranks_by_value_every_form(api: Loopback) -> None:
    con = _loaded(api)
    rows = {r["form"]: r for r in forms.supplier_ranks(con).rows if r["measure"] == "value_usd"}
    assert set(rows) == {"all_energy", "coal", "uranium"}
    # All energy is chapter 27 plus uranium: Canada 9,000 + 110 M$ a month of 12,200 + 405 M$.
    assert rows["all_energy"]["rank"] == 1 and rows["all_energy"]["first_partner"] == "CANADA"
    assert rows["all_energy"]["share"] == pytest.approx(9_110 / 12_605)
    # Coal is inside chapter 27 and never added twice: 9 partner countries in all.
    assert rows["all_energy"]["partners"] == 9
    assert (rows["coal"]["rank"], rows["coal"]["first_partner"]) == (2, "COLOMBIA")
    assert (rows["uranium"]["rank"], rows["uranium"]["first_partner"]) == (2, "KAZAKHSTAN")


def test_claim_from_census_supported_when_canada_first(api: Loopback) -> None:
    con = _loaded(api)
    # Without Canada's side the claim waits for Statistics Canada only: the Census stands in for EIA.
    with pytest.raises(supplier_claim.MissingSource) as e:
        supplier_claim.observe(con, "2023")
    assert e.value.source_ids == ("statcan-12100173",)
    _canada_side(con, {"United States": 20e9, "Norway": 2e9})
    obs = supplier_claim.observe(con, "2023")
    assert obs is not None and obs.value == 1.0 and obs.period == "2023"
    assert obs.detail["us_measure"] == "value_usd"
    assert obs.detail["by_form"]["united_states:coal_value"] == 2
    assert obs.detail["by_form"]["united_states:uranium_value"] == 2
    assert "census-trade" in obs.source_ids and "statcan-12100173" in obs.source_ids
    census_note = obs.notes[-1]
    assert census_note.text == supplier_claim.CENSUS_NOTE
    assert (census_note.fields["all_rank"], census_note.fields["coal_rank"], census_note.fields["uranium_rank"]) == (
        "1",
        "2",
        "2",
    )


def test_claim_from_census_contradicted_when_canada_is_not_first(api: Loopback) -> None:
    # Canada's chapter 27 cut to 900 M$ a month: with 110 M$ of uranium, 1,010 M$, behind Mexico
    # (1,500) and Saudi Arabia (1,200): third.
    body = (CENSUS / HS2_IMPORTS).read_bytes().replace(b'"CANADA", "27", "9000000000"', b'"CANADA", "27", "900000000"')
    assert body != (CENSUS / HS2_IMPORTS).read_bytes()
    con = _loaded(api, {HS2_IMPORTS: Reply(200, body, JSON_TYPE)})
    _canada_side(con, {"United States": 20e9, "Norway": 2e9})
    [row] = [r for r in forms.supplier_ranks(con).rows if r["measure"] == "value_usd" and r["form"] == "all_energy"]
    assert (row["rank"], row["first_partner"]) == (3, "MEXICO")
    obs = supplier_claim.observe(con, "2023")
    assert obs is not None and obs.value == 3.0
    assert obs.detail["us_first_supplier"] == "MEXICO"


# ---------------------------------------------------------------------------- the page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_energy_page_carries_coal_and_uranium(api: Loopback, lang: str) -> None:
    _queue_good_answers(api)
    assert update(["census-trade"])[0].status == "updated"
    with Warehouse().read() as con:
        page = SECTION_BUILDERS["energy"](con, lang)
    [chart] = [c for c in page.charts if c.id == page_census.CHART_ID]
    summary = chart.summary(chart.table, lang)
    if lang == "en":
        assert summary.startswith("US imports in 2023 — coal: Canada 22")
        assert "rank 2 of 3; first: Colombia" in summary and "first: Kazakhstan." in summary
    else:
        assert summary.startswith("Importations américaines en 2023 — charbon\u00a0: Canada")
        # The Census writes "COLOMBIA": the reader sees the country's name in French.
        assert "Colombie" in summary and "COLOMBIA" not in summary
    svg = render_svg(chart, lang, "test")
    assert "<svg" in svg and 'aria-label="' in svg
    method = coal_uranium.METHOD if lang == "en" else _catalogue("fr")[coal_uranium.METHOD]
    assert method in page.notes
    assert "census-trade" not in page.missing_sources
    assert "census-trade" in {p.source_id for p in page.provenance}


def test_without_the_census_table_the_page_waits_for_census_trade() -> None:
    con = duckdb.connect()
    assert CHART_BUILDERS[page_census.CHART_ID](con) is None
    for lang in ("en", "fr"):
        page = SECTION_BUILDERS["energy"](con, lang)
        assert "census-trade" in page.missing_sources
        assert page_census.CHART_ID not in {c.id for c in page.charts}


def test_chart_answers_with_its_twins_in_both_languages(api: Loopback, tmp_path: Path) -> None:
    _queue_good_answers(api)
    assert update(["census-trade"])[0].status == "updated"
    from canus.web.app import create_app

    client = TestClient(create_app())
    for base in ("/en/charts", "/fr/graphiques"):
        page = client.get(f"{base}/{page_census.CHART_ID}")
        assert page.status_code == 200, page.text[:300]
        csv = client.get(f"{base}/{page_census.CHART_ID}.csv")
        assert csv.status_code == 200 and "2701" in csv.text and "COLOMBIA" in csv.text
        for ext in ("json", "svg"):
            assert client.get(f"{base}/{page_census.CHART_ID}.{ext}").status_code == 200
    en = client.get("/en/energy")
    assert en.status_code == 200 and page_census.CHART_ID in en.text
    fr = client.get("/fr/energie")
    assert fr.status_code == 200 and "Commerce américain de charbon et d" in fr.text
    api_doc = client.get("/api/metrics/energy-coal-uranium-trade").json()
    # Provenance: the latest month of the source (the energy answers run to December 2023).
    assert api_doc["sources"][0]["licence"] and api_doc["sources"][0]["as_of"] == "2023-12"


def test_shares_and_ranks_with_the_census_instead_of_eia(api: Loopback) -> None:
    from canus.metrics.catalogue import available, missing_sources
    from canus.pillars.energy import page_forms
    from canus.web.render.charts import vega_spec

    con = _loaded(api)
    # Neither US table: the preferred one (EIA) is named; the Census alone meets the US need.
    assert missing_sources(duckdb.connect(), metric_spec("energy-supplier-rank")) == [
        "eia-energy-trade",
        "statcan-12100173",
    ]
    assert missing_sources(con, metric_spec("energy-supplier-rank")) == ["statcan-12100173"]
    _canada_side(con, {"United States": 20e9, "Norway": 2e9})
    assert available(con, "energy-supplier-rank") and available(con, "energy-partner-shares")
    chart = page_forms.shares_chart(con)
    assert chart is not None
    facets = {v["importer"] for v in vega_spec(chart, "fr")["data"]["values"]}
    # Shares by value in US and in Canadian dollars: each in its own panel, said in the label.
    assert facets == {
        "Importations des États-Unis, 2023, selon la valeur en dollars américains",
        "Importations du Canada, 2023, selon la valeur en dollars canadiens",
    }


def test_claim_without_either_us_table_names_both_ways_to_get_it() -> None:
    con = duckdb.connect()
    _canada_side(con, {"United States": 20e9})
    with pytest.raises(supplier_claim.MissingSource) as e:
        supplier_claim.observe(con, "2023")
    assert e.value.source_ids == ("eia-energy-trade",)
    assert "census-trade" in e.value.what and "CANUS_CENSUS_API_KEY" in e.value.what
