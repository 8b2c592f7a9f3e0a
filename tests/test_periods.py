"""Whole or labelled periods: days in a period, coverage, labels, and fair comparisons.

Warehouses are built by the real pipeline from BTS-format mirrors (tests/web_helpers.py): one
file ending in March 2019 (the baseline year itself is partial), one ending in March 2024 (a
part year against the same months of 2019, in a leap year), and the full fixture whose last
year, 2024, is a whole leap year.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from canus.i18n import UnknownLanguage
from canus.metrics import periods
from canus.settings import get_settings
from tests.web_helpers import PORTS, write_bts_mirror

FIXTURES = Path(__file__).parent / "fixtures"
#: People per month in the fixture at all four ports (personal-vehicle passengers + pedestrians).
PEOPLE_PER_MONTH = sum(p[5] for p in PORTS)


# ------------------------------------------------------------------------------- periods.py


def test_days_in_periods() -> None:
    assert periods.days_in_year(2024) == 366 and periods.days_in_year(2023) == 365
    assert periods.days_in_year(1900) == 365 and periods.days_in_year(2000) == 366
    assert periods.days_in_months(2019, [1, 2, 3]) == 90
    assert periods.days_in_months(2024, [1, 2, 3]) == 91
    assert periods.days_in_months(2024, range(1, 13)) == 366
    assert periods.days_in_months(2025, range(1, 7)) == 181
    # A month listed twice is one month.
    assert periods.days_in_months(2024, [2, 2]) == 29
    assert periods.per_day(3_600_000, 366) == 9836 and periods.per_day(3_600_000, 365) == 9863
    assert periods.per_day(None, 30) is None and periods.per_day(10, 0) is None


def test_coverage_and_labels_in_both_languages() -> None:
    assert periods.coverage(range(1, 13)) == "whole"
    assert periods.coverage([1, 2, 3]) == "Jan–Mar"
    assert periods.coverage([1, 2, 3], "fr") == "janv.–mars"
    assert periods.coverage([3]) == "Mar"
    assert periods.coverage([1, 3, 5]) == "Jan, Mar, May"
    assert periods.period_label(2025, range(1, 7), "en") == "Jan–Jun 2025"
    assert periods.period_label(2025, range(1, 7), "fr") == "janv.–juin 2025"
    assert periods.period_label(2024, range(1, 13), "fr") == "2024"
    assert periods.coverage_label(2025, "Jan–Jun", "fr") == "janv.–juin 2025"
    assert periods.coverage_label(2024, "whole", "en") == "2024"
    assert periods.translate_months("Jul–Dec", "fr") == "juil.–déc."
    with pytest.raises(UnknownLanguage):
        periods.months_label([1], "de")


@pytest.mark.parametrize(
    ("row", "lang", "label"),
    [
        ({"year": 2024, "coverage": "whole"}, "en", "2024"),
        ({"year": 2025, "coverage": "Jan–Jun"}, "en", "Jan–Jun 2025"),
        ({"year": 2025, "coverage": "Jan–Jun"}, "fr", "janv.–juin 2025"),
        # The coverage column wins over a months count.
        ({"year": 2025, "coverage": "whole", "months": 6}, "en", "2025"),
        ({"year": 2025, "coverage": None, "months": 6}, "en", "Jan–Jun 2025"),
        # A months count is the first months of the year: 1 and 11 are part years, 12 and 0 are not.
        ({"year": 2025, "months": 1}, "fr", "janv. 2025"),
        ({"year": 2025, "months": 11}, "en", "Jan–Nov 2025"),
        ({"year": 2025, "months": 12}, "en", "2025"),
        ({"year": 2025, "months": 0}, "en", "2025"),
        ({"year": 2025}, "en", "2025"),
        # A year that is not a number is shown as it came.
        ({"year": "2025", "coverage": "Jan–Jun", "months": 6}, "en", "2025"),
    ],
)
def test_a_key_figures_period_from_its_row(row: dict[str, object], lang: str, label: str) -> None:
    assert periods.row_period(row, lang) == label


def test_a_key_figures_period_under_another_year_column() -> None:
    assert periods.row_period({"ref_year": 2024, "months": 3}, "en", year_key="ref_year") == "Jan–Mar 2024"
    assert periods.row_period({"ref_year": 2024, "coverage": "Jan–Mar"}, "fr", year_key="ref_year") == "janv.–mars 2024"


def test_same_months_and_change() -> None:
    assert periods.same_months([1, 2, 3], range(1, 13)) == [1, 2, 3]
    assert periods.same_months([1, 2, 3], [4, 5]) == []
    assert periods.change(150, 100) == pytest.approx(0.5)
    assert periods.change(1, 0) is None and periods.change(None, 1) is None
    assert periods.partial_periods(
        [{"year": 2024, "coverage": "whole"}, {"year": 2025, "coverage": "Jan–Jun"}], "fr"
    ) == ["janv.–juin 2025"]


# ------------------------------------------------------------------------------- fixtures


def _bts_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kw: object) -> duckdb.DuckDBPyConnection:
    from canus.pipeline import update

    mirror = tmp_path / "mirror"
    write_bts_mirror(mirror, **kw)  # type: ignore[arg-type]
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = update(["bts-border-crossings"])
    assert r.status == "updated", r.error
    return duckdb.connect(str(get_settings().warehouse_path), read_only=True)


@pytest.fixture
def ends_march_2019(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _bts_warehouse(tmp_path, monkeypatch, years=range(2016, 2020), last_month=3)
    yield con
    con.close()


@pytest.fixture
def ends_march_2024(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[duckdb.DuckDBPyConnection]:
    # 2024 doubles the counts of every other year, so the change against 2019 is not zero.
    con = _bts_warehouse(tmp_path, monkeypatch, years=range(2018, 2025), last_month=3, factor={2024: 2.0})
    yield con
    con.close()


# ------------------------------------------------------------------- a file ending in March


def test_whole_years_are_not_compared_with_part_of_2019(ends_march_2019: duckdb.DuckDBPyConnection) -> None:
    from canus.pillars.border import metrics as m

    rows = {r["year"]: r for r in m.yearly(ends_march_2019).rows}
    assert rows[2019]["months"] == 3 and rows[2019]["coverage"] == "Jan–Mar"
    assert rows[2018]["coverage"] == "whole"
    for year in (2016, 2017, 2018):
        assert rows[year]["change_vs_2019"] is None and rows[year]["compared_months"] is None
    # Part of 2019 per day: the people of Jan–Mar over their 90 days.
    assert rows[2019]["people"] == 3 * PEOPLE_PER_MONTH
    assert rows[2019]["people_per_day"] == round(3 * PEOPLE_PER_MONTH / 90)
    # The ports of the latest whole year (2018) carry no change against three months of 2019:
    # the "+506 % against 2019" of issue 10 is gone.
    ports = m.busiest_ports(ends_march_2019)
    assert ports.summary["year"] == "2018" and ports.rows
    assert all(r["change_vs_2019"] is None and r["compared_months"] is None for r in ports.rows)
    assert ports.rows[0]["people_per_day"] == round(12 * PORTS[0][5] / 365)


def test_year_to_date_against_the_same_months_of_2019(ends_march_2024: duckdb.DuckDBPyConnection) -> None:
    from canus.pillars.border import metrics as m

    rows = {r["year"]: r for r in m.yearly(ends_march_2024).rows}
    latest = rows[2024]
    assert (latest["months"], latest["coverage"], latest["compared_months"]) == (3, "Jan–Mar", "Jan–Mar")
    # Jan–Mar 2024: 4,680,000 people over 91 days (a leap February); Jan–Mar 2019: 2,340,000
    # over 90 days.
    assert latest["people"] == 4_680_000 == 2 * 3 * PEOPLE_PER_MONTH
    assert latest["people_per_day"] == 51_429  # 4,680,000 / 91 = 51,428.57
    assert latest["change_vs_2019"] == pytest.approx((4_680_000 / 91) / (2_340_000 / 90) - 1)
    # Whole years against the whole of 2019.
    assert rows[2023]["compared_months"] == "whole" and rows[2023]["change_vs_2019"] == pytest.approx(0)
    ports = m.busiest_ports(ends_march_2024, 2024)
    buffalo = next(r for r in ports.rows if r["port_code"] == "0901")
    assert buffalo["people"] == 1_440_000 and buffalo["people_per_day"] == 15_824
    assert buffalo["change_vs_2019"] == pytest.approx((1_440_000 / 91) / (720_000 / 90) - 1)
    assert buffalo["compared_months"] == "Jan–Mar" and buffalo["coverage"] == "Jan–Mar"


def test_page_and_chart_mark_the_part_year(ends_march_2024: duckdb.DuckDBPyConnection) -> None:
    from canus.pillars.border import page
    from canus.web.render.charts import render_svg, vega_spec

    for lang, label in (("en", "Jan–Mar"), ("fr", "janv.–mars")):
        model = page.build(ends_march_2024, lang)
        figures = [f.label for f in model.figures]
        assert any(f.endswith(f"{label} 2024") for f in figures), figures
        assert any(f.endswith(", 2023") for f in figures), figures
        part = next(f for f in model.figures if f.label.endswith(f"{label} 2024"))
        assert part.value == ("51,429" if lang == "en" else "51\u00a0429")
        assert part.note == (
            "Against the same months of 2019: 98%."
            if lang == "en"
            else "Par rapport aux mêmes mois de 2019\u00a0: 98\u00a0%."
        )
        chart = page.people_chart(ends_march_2024)
        assert chart is not None
        spec = vega_spec(chart, lang)
        marked = [v for v in spec["data"]["values"] if v.get("partial")]
        assert {(v["x"], v["partial"]) for v in marked} == {(2024, label)}
        marks = [layer["mark"] for layer in spec["layer"]]
        assert {"type": "point", "shape": "diamond", "size": 140, "filled": False, "strokeWidth": 2} in marks
        assert any(mk.get("type") == "text" for mk in marks if isinstance(mk, dict))
        svg = render_svg(chart, lang, f"test-{lang}")
        assert label in svg
        assert "same months of 2019" in chart.summary(chart.table, "en")


# ------------------------------------------------------------------- a leap year, everywhere


def test_leap_year_per_day_is_one_number_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from canus.cli import app
    from canus.web.app import create_app
    from tests.web_helpers import build_warehouse

    build_warehouse(tmp_path, monkeypatch, ("bts-border-crossings",))
    # Detroit, 2024 (whole, leap): 3,600,000 people over 366 days = 9,836.07; 365 would give 9,863.
    want = 9_836
    client = TestClient(create_app())
    html = client.get("/en/border").text
    assert "Detroit (Michigan): 9,836" in html  # the map's text list
    assert re.search(r"<td[^>]*>\s*9,836\s*</td>", html)  # the ports table
    fr = client.get("/fr/frontiere").text
    assert "Detroit (Michigan)\u00a0: 9\u00a0836" in fr or "Detroit (Michigan): 9\u00a0836" in fr
    page_json = client.get("/en/border.json").json()
    ports = next(t for t in page_json["tables"] if t["id"] == "border-ports")
    detroit = next(r for r in ports["rows"] if r["port_code"] == "3801")
    assert detroit["people_per_day"] == want and detroit["coverage"] == "whole"
    api_json = client.get("/api/metrics/border-ports.json").json()
    rows = api_json.get("rows") or api_json["table"]["rows"]
    assert next(r for r in rows if r["port_code"] == "3801")["people_per_day"] == want
    api_csv = list(csv.DictReader(io.StringIO(client.get("/api/metrics/border-ports.csv").text)))
    assert next(r for r in api_csv if r["port_code"] == "3801")["people_per_day"] == str(want)
    result = CliRunner().invoke(app, ["metrics", "border-ports", "--format", "csv"])
    assert result.exit_code == 0, result.output
    cli_rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert next(r for r in cli_rows if r["port_code"] == "3801")["people_per_day"] == str(want)
    out = CliRunner().invoke(app, ["metrics", "border-yearly", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["partial_periods"] == []
    listing = CliRunner().invoke(app, ["metrics", "--format", "json"])
    assert {"id": "border-ports", "available": True}.items() <= next(
        r for r in json.loads(listing.stdout) if r["id"] == "border-ports"
    ).items()


def _facing_cell(html: str, port_code: str) -> str:
    """The per-day cell of ``port_code``'s row in the page's facing-ports table."""
    [row] = [r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f'col-bts_port_code">{port_code}<' in r]
    m = re.search(r'col-into_us_per_day">([^<]*)<', row)
    assert m, row
    return m.group(1)


def test_facing_ports_per_day_is_one_number_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from canus.cli import app
    from canus.web.app import create_app
    from tests.web_helpers import build_warehouse

    build_warehouse(tmp_path, monkeypatch, ("bts-border-crossings",))
    # Detroit, 2024 (whole, leap): 3,600,000 people over 366 days = 9,836.07, rounded once by
    # periods.per_day, the same number as the busiest-ports table (365 days would give 9,863).
    want = 9_836
    client = TestClient(create_app())
    assert _facing_cell(client.get("/en/border").text, "3801") == "9,836"
    assert _facing_cell(client.get("/fr/frontiere").text, "3801") == "9\u00a0836"
    api_json = client.get("/api/metrics/travellers-facing-ports.json").json()
    detroit = next(r for r in api_json["rows"] if r["bts_port_code"] == "3801")
    assert detroit["into_us_per_day"] == want and isinstance(detroit["into_us_per_day"], int)
    api_csv = list(csv.DictReader(io.StringIO(client.get("/api/metrics/travellers-facing-ports.csv").text)))
    assert next(r for r in api_csv if r["bts_port_code"] == "3801")["into_us_per_day"] == str(want)
    for fmt in ("csv", "json"):
        result = CliRunner().invoke(app, ["metrics", "travellers-facing-ports", "--format", fmt])
        assert result.exit_code == 0, result.output
        cli_rows = (
            list(csv.DictReader(io.StringIO(result.stdout))) if fmt == "csv" else json.loads(result.stdout)["rows"]
        )
        assert str(next(r for r in cli_rows if r["bts_port_code"] == "3801")["into_us_per_day"]) == str(want)
    ports = client.get("/api/metrics/border-ports.json").json()["rows"]
    assert next(r for r in ports if r["port_code"] == "3801")["people_per_day"] == want


def test_facing_ports_part_of_a_leap_year(ends_march_2024: duckdb.DuckDBPyConnection) -> None:
    from canus.pillars.border import metrics as m
    from canus.pillars.border import travellers as tr

    # Buffalo, Jan–Mar 2024: 1,440,000 people over 91 days (a leap February) = 15,824.18.
    facing = tr.facing_ports(ends_march_2024, 2024)
    buffalo = next(r for r in facing.rows if r["bts_port_code"] == "0901")
    assert buffalo["into_us_per_day"] == 15_824
    ports = m.busiest_ports(ends_march_2024, 2024)
    assert next(r for r in ports.rows if r["port_code"] == "0901")["people_per_day"] == 15_824


def test_cli_metrics_names_part_periods_and_sources(ends_march_2019: duckdb.DuckDBPyConnection) -> None:
    from typer.testing import CliRunner

    from canus.cli import app

    out = CliRunner().invoke(app, ["metrics", "border-yearly", "--lang", "fr"])
    assert out.exit_code == 0, out.output
    text = re.sub(r"[ \n]+", " ", out.stdout)  # lines re-joined; non-breaking spaces stay
    assert "Périodes partielles\u00a0: janv.–mars 2019." in text, text
    assert "Bureau of Transportation Statistics" in text and "2019-03" in text
    js = CliRunner().invoke(app, ["metrics", "border-yearly", "--format", "json", "--lang", "fr"])
    assert json.loads(js.stdout)["partial_periods"] == ["janv.–mars 2019"]
    missing = CliRunner().invoke(app, ["metrics", "no-such-metric"])
    assert missing.exit_code == 1


# ------------------------------------------------------------------- projections, dashed


def test_emissions_chart_draws_projections_dashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.pillars.environment import page
    from canus.pipeline import update
    from canus.web.render.charts import render_svg, vega_spec

    name = "air_pollutants_emissions_pollutants_atmospheriques.csv"
    (tmp_path / "mirror" / "air-emissions").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "environment" / name, tmp_path / "mirror" / "air-emissions" / name)
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    [r] = update(["air-emissions"])
    assert r.status == "updated", r.error
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    try:
        chart = page.air_chart(con)
        assert chart is not None
        bases = {row["basis"] for row in chart.table.rows}
        assert bases == {"inventory", "projection"}, bases
        for lang, obs, proj in (("en", "Inventory", "Projection"), ("fr", "Inventaire", "Projection")):
            spec = vega_spec(chart, lang)
            base = spec["layer"][0]
            dash = base["encoding"]["strokeDash"]
            assert dash["field"] == "kind" and dash["scale"]["range"] == [[1, 0], [6, 4]]
            values = spec["data"]["values"]
            last_inventory = max(row["year"] for row in chart.table.rows if row["basis"] == "inventory")
            # The dashed segment starts at the last inventory year, for each pollutant.
            bridges = [v for v in values if v.get("bridge")]
            assert {v["x"] for v in bridges} == {last_inventory} and len(bridges) == 2
            assert all(v["kind"] == proj for v in values if v["x"] > last_inventory)
            svg = render_svg(chart, lang, f"air-{lang}")
            assert proj in svg and obs in svg and "stroke-dasharray" in svg
            assert all(v["kind"] == obs for v in values if v["x"] < last_inventory)
    finally:
        con.close()


# ------------------------------------------------------------------- the shared mirror


@pytest.mark.shared_data
def test_shared_bts_2025_is_labelled_jan_jun(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.pillars.border import metrics as m
    from canus.pillars.border import page
    from canus.pipeline import update
    from canus.web.render.charts import vega_spec

    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update(["bts-border-crossings"])
    assert r.status == "updated", r.error
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    try:
        rows = {row["year"]: row for row in m.yearly(con).rows}
        y25 = rows[2025]
        assert (y25["months"], y25["coverage"], y25["compared_months"]) == (6, "Jan–Jun", "Jan–Jun")
        assert y25["people_per_day"] == round(y25["people"] / 181)
        chart = page.people_chart(con)
        assert chart is not None
        spec = vega_spec(chart, "fr")
        assert {(v["x"], v["partial"]) for v in spec["data"]["values"] if v.get("partial")} == {(2025, "janv.–juin")}
        labels = [f.label for f in page.build(con, "en").figures]
        assert any(lbl.endswith("Jan–Jun 2025") for lbl in labels), labels
        # The ports default to the latest whole year, 2024, over its 366 days.
        ports = m.busiest_ports(con)
        assert ports.summary == {"year": "2024", "coverage": "whole"}
        top = ports.rows[0]
        assert top["people_per_day"] == round(top["people"] / 366)
    finally:
        con.close()
