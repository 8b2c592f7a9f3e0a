"""The metric catalogue is the one answer to "what does this figure need, and is it there?"."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from canus import sources
from canus.metrics import catalogue
from canus.metrics.spec import MetricSpec
from canus.pillars import PILLARS
from canus.settings import get_settings
from tests.test_trade_metrics import build_trade_warehouse
from tests.web_helpers import build_warehouse

SRC = Path(__file__).resolve().parents[1] / "src" / "canus"


def _literal_ids() -> dict[str, str]:
    """Every metric id written as a literal where a MetricTable is made, with where it is."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            values: list[ast.expr] = []
            if name == "MetricTable":
                values = [k.value for k in node.keywords if k.arg == "id"]
            elif name in ("_empty", "fact_table") and node.args:
                values = [node.args[0]]
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    found[v.value] = f"{path.relative_to(SRC)}:{node.lineno}"
                elif isinstance(v, ast.JoinedStr):
                    # f"trade-mirror-{frequency}": the literal head must start a catalogue id.
                    head = "".join(p.value for p in v.values if isinstance(p, ast.Constant))
                    found[head + "*"] = f"{path.relative_to(SRC)}:{node.lineno}"
    return found


def test_every_metric_id_made_anywhere_is_in_the_catalogue() -> None:
    ids = set(catalogue.BY_ID)
    literal = _literal_ids()
    assert len(literal) >= 20, literal  # the scan reads the real code
    missing = {}
    for mid, where in literal.items():
        if mid.endswith("*"):
            if not any(i.startswith(mid[:-1]) for i in ids):
                missing[mid] = where
        elif mid not in ids:
            missing[mid] = where
    assert missing == {}


def test_catalogue_ids_are_unique_kebab_and_every_pillar_has_metrics() -> None:
    ids = [m.id for m in catalogue.CATALOGUE]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 25
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert {m.pillar for m in catalogue.CATALOGUE} == set(PILLARS)
    with pytest.raises(ValueError):
        MetricSpec(
            id="Border_Yearly",
            pillar="border",
            title="t",
            definition="d",
            unit="count",
            basis="measured",
            needs=(),
            columns=(),
            fn=lambda con, lang: None,
        )


def test_every_need_maps_to_a_declared_source() -> None:
    known = {s.id for s in sources.all_default()}
    for spec in catalogue.CATALOGUE:
        for need in spec.needs:
            for table in (need,) if isinstance(need, str) else need:
                sid = catalogue.source_of_table(table)
                assert sid in known or sid.startswith("statcan-"), (spec.id, table, sid)
                assert table in sources.get(sid).tables, (spec.id, table, sid)


def test_missing_sources_follow_the_needs() -> None:
    con = duckdb.connect()
    spec = catalogue.get("trade-mirror-year")
    # Nothing loaded: the preferred table of each need names its source, in order.
    assert catalogue.missing_sources(con, spec) == ["fred-EXCAUS", "fred-IMPCA", "statcan-12100011"]
    con.execute("CREATE TABLE fred_expca (x INT)")
    con.execute("CREATE TABLE statcan_12100173 (x INT)")
    # Any one of the alternatives meets a need.
    assert catalogue.missing_sources(con, spec) == ["fred-EXCAUS"]
    assert not catalogue.available(con, "trade-mirror-year")
    con.execute("CREATE TABLE fred_excaus (x INT)")
    assert catalogue.available(con, "trade-mirror-year")
    with pytest.raises(catalogue.UnknownMetric):
        catalogue.get("no-such-metric")


def _check_table(spec: MetricSpec, table: object) -> None:
    assert table is not None, spec.id
    assert table.id == spec.id  # type: ignore[attr-defined]
    assert table.title == spec.title, spec.id  # type: ignore[attr-defined]
    assert tuple(c.name for c in table.columns) == spec.columns, spec.id  # type: ignore[attr-defined]


def test_trade_metrics_match_their_specs() -> None:
    con = duckdb.connect()
    build_trade_warehouse(con)
    checked = 0
    for spec in catalogue.for_pillar("trade"):
        if catalogue.available(con, spec.id):
            table = spec.fn(con, "en")
            _check_table(spec, table)
            checked += 1
    assert checked >= 8


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One warehouse for both languages (the tests only read it); the app keeps its settings."""
    from canus.web.app import create_app

    tmp = tmp_path_factory.mktemp("metric-catalogue")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANUS_HOME", str(tmp / "home"))
        build_warehouse(tmp, mp)
        yield TestClient(create_app(get_settings()))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_metric_answers_in_the_api(site: TestClient, lang: str) -> None:
    listing = site.get(f"/api/metrics?lang={lang}")
    assert listing.status_code == 200
    listed = {m["id"]: m for m in listing.json()}
    assert list(listed) == [m.id for m in catalogue.CATALOGUE]
    con = site.app.state.canus.cursor()  # type: ignore[attr-defined]
    served = waiting = 0
    empty: list[str] = []
    for spec in catalogue.CATALOGUE:
        r = site.get(f"/api/metrics/{spec.id}?lang={lang}")
        missing = catalogue.missing_sources(con, spec)
        assert listed[spec.id]["missing_sources"] == missing
        assert listed[spec.id]["basis"] == spec.basis
        if missing:
            assert r.status_code == 503, spec.id
            body = r.json()
            assert body["missing_sources"] == missing
            assert all(s in body["error"] for s in missing)
            assert site.get(f"/api/metrics/{spec.id}.csv").status_code == 503
            waiting += 1
            continue
        assert r.status_code == 200, (spec.id, r.text[:300])
        doc = r.json()
        assert doc["id"] == spec.id and doc["basis"] == spec.basis and doc["unit"] == spec.unit
        assert [c["name"] for c in doc["columns"]] == list(spec.columns)
        if not doc["rows"]:
            empty.append(spec.id)
        if spec.basis != "registry":
            assert doc["sources"] and all(s["licence"] and s["as_of"] for s in doc["sources"]), spec.id
        csv_text = site.get(f"/api/metrics/{spec.id}.csv").text
        assert csv_text.splitlines()[0] == ",".join(spec.columns)
        served += 1
    # The fixture mirror holds border, energy and environment sources, not trade; it has CER's
    # monthly file only, so there is no annual revision to report.
    assert served >= 15 and waiting >= 8, (served, waiting)
    assert empty == ["energy-electricity-revisions"]


def test_a_page_waits_for_what_the_catalogue_says(site: TestClient) -> None:
    con = site.app.state.canus.cursor()  # type: ignore[attr-defined]
    page = site.get("/en/trade.json").json()
    assert page["missing_sources"] == catalogue.missing_for_pillar(con, "trade")
    assert "statcan-12100011" in page["missing_sources"]
    border = site.get("/en/border.json").json()
    assert border["missing_sources"] == catalogue.missing_for_pillar(con, "border")
