"""Emissions per person and per dollar of GDP, and the emissions trend beside the net-zero claim's
verdict, on a warehouse loaded through the real pipeline from fixtures in the publishers' formats
(both inventories, FRED population and GDP, StatCan 17-10-0009-01 and 36-10-0222-01). Every number
below is worked out by hand from the fixture values."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from canus.claims.checker import check_claim
from canus.claims.models import load_claims
from canus.claims.observations import CONTEXTS
from canus.metrics import catalogue
from canus.pillars.environment import intensity, page_intensity, trend
from canus.pipeline import update
from canus.warehouse import Warehouse
from canus.web.page.builders import CHART_BUILDERS, SECTION_BUILDERS
from canus.web.render.charts import render_svg, vega_spec
from tests.conftest import FIXTURES
from tests.fixtures.intensity import statcan_tables as st

SOURCES = [
    "eccc-ghg-inventory",
    "epa-ghg-inventory",
    "fred-B230RC0A052NBEA",
    "fred-GDPCA",
    "statcan-17100009",
    "statcan-36100222",
]


def build_mirror(root: Path) -> Path:
    for sid, name in (("eccc-ghg-inventory", "EN_GHG_Econ_Can_Prov_Terr.csv"), ("epa-ghg-inventory", "Table 2-10.csv")):
        (root / sid).mkdir(parents=True)
        shutil.copy(FIXTURES / "environment" / name, root / sid / name)
    for sid in ("fred-B230RC0A052NBEA", "fred-GDPCA"):
        shutil.copytree(FIXTURES / "intensity" / "mirror" / sid, root / sid)
    return st.write_mirror(root)


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(build_mirror(tmp_path / "mirror")))
    results = update(SOURCES)
    assert [r.status for r in results] == ["updated"] * len(SOURCES), [r.error for r in results]
    monkeypatch.delenv("CANUS_MIRROR")


def _rows() -> dict[tuple[str, int], dict]:
    with Warehouse().read() as con:
        table = intensity.intensity(con)
    return {(r["country"], r["year"]): r for r in table.rows}


# ---------------------------------------------------------------------------- the metric


def test_intensity_by_hand_on_the_fixture_values(loaded: None) -> None:
    rows = _rows()
    # Canada 2005: 732 Mt / 32,000,000 people (July 1) = 22.875 t; / 1,600,000 M$ (chained 2017) = 457.5 t.
    ca05 = rows[("CA", 2005)]
    assert ca05["population"] == 32_000_000 and ca05["gdp_millions"] == 1_600_000
    assert ca05["t_per_person"] == pytest.approx(22.875)
    assert ca05["t_per_million_gdp"] == pytest.approx(457.5)
    assert ca05["per_person_index"] == pytest.approx(100.0) and ca05["per_gdp_index"] == pytest.approx(100.0)
    # Canada 2022: 708 / 38.5 M = 18.3896 t; 708e6 / 2,150,000 = 329.302 t; indexes on 2005.
    ca22 = rows[("CA", 2022)]
    assert ca22["t_per_person"] == pytest.approx(708 / 38.5)
    assert ca22["t_per_million_gdp"] == pytest.approx(708e6 / 2_150_000)
    assert ca22["per_person_index"] == pytest.approx((708 / 38.5) / 22.875 * 100)  # 80.39
    assert ca22["per_gdp_index"] == pytest.approx(329.30233 / 457.5 * 100, rel=1e-6)  # 71.98
    assert ca22["currency"] == "CAD (chained 2017)" and ca22["total"] == "national_inventory_total"
    # United States 2021: the gross total (without the land sector, like Canada's), 6,342 Mt;
    # 332,000 thousand people; 20,000 billion chained 2017 USD = 20,000,000 million.
    us21 = rows[("US", 2021)]
    assert us21["emissions_mt"] == 6342 and us21["total"] == "gross_total"
    assert us21["t_per_person"] == pytest.approx(6342 / 332)  # 19.10
    assert us21["t_per_million_gdp"] == pytest.approx(317.1)
    assert us21["per_person_index"] == pytest.approx((6342 / 332) / (7475 / 295.5) * 100)  # 75.52
    assert us21["per_gdp_index"] == pytest.approx(317.1 / 467.1875 * 100)  # 67.87
    assert us21["currency"] == "USD (chained 2017)"


def test_years_without_a_denominator_are_left_out_and_said(loaded: None) -> None:
    with Warehouse().read() as con:
        table = intensity.intensity(con)
    years = {(r["country"], r["year"]) for r in table.rows}
    # 1990 has neither population nor GDP in the fixtures; 2020's GDP is FRED's "." (no observation).
    assert years == {("CA", 2005), ("CA", 2021), ("CA", 2022), ("US", 2005), ("US", 2021), ("US", 2022)}
    assert table.summary["US_no_population"] == "1990"
    assert table.summary["US_no_gdp"] == "1990, 2020"
    said = page_intensity.left_out(table, "en")
    assert "United States: inventory years left out for want of a real GDP figure: 1990, 2020." in said
    assert any("PIB réel\u00a0: 1990, 2020" in s for s in page_intensity.left_out(table, "fr"))


def test_projections_are_never_divided(loaded: None) -> None:
    with Warehouse().read() as con:
        con_years = {r["year"] for r in intensity.intensity(con).rows}
    assert max(con_years) == 2022  # the latest inventory year, whatever projections are loaded
    assert "ghg_projections_canada" not in intensity.NEEDS


def test_the_spec_matches_the_table_and_names_missing_sources(loaded: None) -> None:
    spec = catalogue.get("environment-ghg-intensity")
    with Warehouse().read() as con:
        table = spec.fn(con, "en")
        assert catalogue.available(con, spec.id)
    assert table is not None and table.id == spec.id and table.title == spec.title
    assert tuple(c.name for c in table.columns) == spec.columns
    assert spec.basis == "estimate"
    assert "not compared between the countries" in spec.definition
    assert {p.source_id for p in table.provenance} == set(SOURCES)
    empty = duckdb.connect()
    assert catalogue.missing_sources(empty, spec) == [
        "eccc-ghg-inventory",
        "epa-ghg-inventory",
        "statcan-17100009",
        "statcan-36100222",
        "fred-B230RC0A052NBEA",
        "fred-GDPCA",
    ]


def test_a_base_year_without_denominators_gives_no_index() -> None:
    rows, said = intensity._country_rows("CA", {2005: 700.0, 2021: 600.0}, {2021: 40e6}, {2021: 2e6})
    assert [r["year"] for r in rows] == [2021]
    assert rows[0]["per_person_index"] is None and rows[0]["t_per_person"] == pytest.approx(15.0)
    assert said["CA_no_base_year"] == "2005" and said["CA_no_population"] == "2005"


# ---------------------------------------------------------------------------- the page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_environment_page_carries_the_intensity_chart(loaded: None, lang: str) -> None:
    with Warehouse().read() as con:
        page = SECTION_BUILDERS["environment"](con, lang)
    [chart] = [c for c in page.charts if c.id == "environment-ghg-intensity"]
    summary = chart.summary(chart.table, lang)
    if lang == "en":
        assert "Canada: 18.4 tonnes per person in 2022; per person 80 and per dollar of GDP 72 (2005 = 100)" in summary
        assert "want of a real GDP figure: 1990, 2020" in summary
    else:
        assert "Canada\u00a0: 18,4 tonnes par personne en 2022" in summary
    spec = vega_spec(chart, lang)
    top, bottom = spec["vconcat"]
    assert {v["country"] for v in top["data"]["values"]} == (
        {"Canada", "United States"} if lang == "en" else {"Canada", "États-Unis"}
    )
    dash = bottom["layer"][0]["encoding"]["strokeDash"]["scale"]["domain"]
    assert dash == (["Per person", "Per dollar of GDP"] if lang == "en" else ["Par personne", "Par dollar de PIB"])
    # The dash legend draws strokes: a line drawn with its points would make its symbols dots.
    lines = bottom["layer"][0]
    assert lines["mark"] == {"type": "line"} or lines["mark"] == "line"
    assert lines["encoding"]["strokeDash"]["legend"]["symbolType"] == "stroke"
    assert "<svg" in render_svg(chart, lang, "test")
    figures = [f for f in page.figures if "2022" in f.label and ("per person" in f.label or "par personne" in f.label)]
    assert [f.value for f in figures] == (["18.4", "19.0"] if lang == "en" else ["18,4", "19,0"])
    assert figures[0].source.startswith("Environment and Climate Change Canada" if lang == "en" else "Environnement")
    assert not {"statcan-17100009", "fred-GDPCA"} & set(page.missing_sources)


def test_without_data_the_page_names_the_missing_sources() -> None:
    con = duckdb.connect()
    assert CHART_BUILDERS["environment-ghg-intensity"](con) is None
    page = SECTION_BUILDERS["environment"](con, "fr")
    assert {"statcan-17100009", "statcan-36100222", "fred-B230RC0A052NBEA", "fred-GDPCA"} <= set(page.missing_sources)


def test_page_twins_and_chart_downloads_in_both_languages(loaded: None) -> None:
    from canus.web.app import create_app

    client = TestClient(create_app())
    for base in ("/en/charts", "/fr/graphiques"):
        csv = client.get(f"{base}/environment-ghg-intensity.csv")
        assert csv.status_code == 200
        assert csv.text.splitlines()[0].startswith("country,year,emissions_mt")
        assert "CA,2005,732" in csv.text
    for path, context in (
        ("/en/environment", "Reaching zero by 2050 takes an average cut of 25 Mt a year from 2022"),
        ("/fr/environnement", "Atteindre zéro d'ici 2050 demande une baisse moyenne de 25 Mt par an"),
    ):
        html = client.get(path)
        assert html.status_code == 200
        assert "environment-ghg-intensity" in html.text and context in html.text.replace("&#39;", "'")
        twin = client.get(path + ".json").json()
        assert "environment-ghg-intensity" in {t["id"] for t in twin["tables"]}
        [claim] = [c for c in twin["claims"] if c["id"] == "net-zero-2050"]
        assert any(context in line for line in claim["context"])
        assert "statcan-36100222" in {s["source_id"] for s in twin["sources"]}
    # The claim's own page: the context under its heading, its sources with licence and as-of.
    for path, heading in (
        ("/en/claims/net-zero-2050", "Context, not part of the verdict"),
        ("/fr/affirmations/net-zero-2050", "Contexte, hors du verdict"),
    ):
        page = client.get(path)
        assert page.status_code == 200 and heading in page.text
        assert "eccc-ghg-inventory" in page.text and "epa-ghg-inventory" in page.text


# ---------------------------------------------------------------------------- the net-zero claim


def _net_zero():
    return next(c for c in load_claims() if c.id == "net-zero-2050")


def test_net_zero_context_by_hand(loaded: None) -> None:
    with Warehouse().read() as con:
        ctx = trend.emissions_trend(con)
    ca, us = ctx.detail["CA"], ctx.detail["US"]
    # Canada: 708 Mt in 2022 against 732 in 2005; 708 / (2050 − 2022) = 25.29 Mt a year to zero;
    # the last five inventory years in the fixture hold 2021 only: (708 − 670) / 1 = +38 a year.
    assert (ca["latest_year"], ca["latest_mt"]) == (2022, 708.0)
    assert ca["change_since_base"] == pytest.approx(708 / 732 - 1)
    assert ca["needed_cut_mt_per_year"] == pytest.approx(708 / 28)
    assert (ca["recent_start_year"], ca["recent_change_mt_per_year"]) == (2021, pytest.approx(38.0))
    # United States, net total (as its target is set): 5,485 in 2022, 6,675 in 2005; from 2020 (5,167).
    assert us["total"] == "net_total" and us["latest_mt"] == 5485
    assert us["change_since_base"] == pytest.approx(5485 / 6675 - 1)
    assert us["needed_cut_mt_per_year"] == pytest.approx(5485 / 28)
    assert (us["recent_start_year"], us["recent_change_mt_per_year"]) == (2020, pytest.approx((5485 - 5167) / 2))
    en = [m.render("en") for m in ctx.messages]
    assert en[0] == (
        "Canada: 708 Mt CO2 eq. in 2022 (national inventory total, without land use), \u22123% since 2005. "
        "Reaching zero by 2050 takes an average cut of 25 Mt a year from 2022; from 2021 to 2022 "
        "emissions rose by 38 Mt a year on average."
    )
    fr = [m.render("fr") for m in ctx.messages]
    assert fr[1].startswith("États-Unis\u00a0: 5") and "depuis 2005" in fr[1] and "de 2020 à 2022" in fr[1]
    # The US rose from 2020 to 2022 in the fixture: said in words, never as an unsigned "change".
    assert "les émissions ont augmenté en moyenne de 159 Mt par an" in fr[1] and "\u221218\u00a0%" in fr[1]
    assert {p.source_id for p in ctx.provenance} == {"eccc-ghg-inventory", "epa-ghg-inventory"}


def test_context_goes_with_the_verdict_and_never_changes_it(loaded: None) -> None:
    claim = _net_zero()
    assert claim.context in CONTEXTS
    bare = check_claim(claim, None)
    with Warehouse().read() as con:
        full = check_claim(claim, con)
    assert (full.verdict, full.value, full.notes) == (bare.verdict, bare.value, bare.notes)
    d = full.as_dict("fr")
    assert len(d["context"]) == 2 and d["context"][0].startswith("Canada\u00a0: 708 Mt")
    assert d["context_detail"]["CA"]["latest_year"] == 2022
    assert {s["source_id"] for s in d["context_sources"]} == {"eccc-ghg-inventory", "epa-ghg-inventory"}
    # Without a warehouse, the context says what it waits for instead of staying mute.
    assert bare.context.missing_ids == ("eccc-ghg-inventory", "epa-ghg-inventory")
    assert bare.as_dict("en")["context"] == [
        "Emissions trend still to come from: eccc-ghg-inventory, epa-ghg-inventory"
    ]


def test_every_claim_context_is_declared() -> None:
    named = {c.context for c in load_claims() if c.context}
    assert named == {"environment.emissions_trend"} and named <= set(CONTEXTS)


def test_canus_check_prints_the_context(loaded: None) -> None:
    from typer.testing import CliRunner

    from canus.cli import app

    for lang, needle in (
        ("en", "net-zero-2050: Context: Canada: 708 Mt"),
        ("fr", "net-zero-2050: Contexte\u00a0: Canada\u00a0: 708 Mt"),
    ):
        out = CliRunner().invoke(app, ["check", "--lang", lang])
        assert out.exit_code == 0, out.output
        # Lines re-joined; a non-breaking space is the text's own, and stays.
        assert needle in re.sub(r"[ \n]+", " ", out.output), out.output[-2000:]


def test_empty_without_tables_and_the_spec_names_its_function() -> None:
    con = duckdb.connect()
    table = intensity.intensity(con)
    assert table.rows == [] and table.provenance == [] and table.summary == {}
    for s in intensity.SPECS:
        assert getattr(intensity, s.function)(con).id == s.id
        assert s.tables == catalogue.get(s.id).needs
    assert trend.emissions_trend(con).detail == {}
