"""Verdict badges (text, icon, contrast), the /api/claims fields, --strict, and the partner rank."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from canus.claims import checker
from canus.claims.checker import check_all, check_claim
from canus.claims.display import ICONS
from canus.claims.models import load_claims, read_claim
from canus.cli import app
from canus.settings import get_settings
from canus.warehouse import VERSIONS_DDL, attach_readonly
from canus.web.app import create_app
from canus.web.render.templating import environment
from canus.web.routes import claims as routes_claims

CSS = Path(routes_claims.__file__).parents[1] / "static" / "claims.css"
FIXTURES = Path(__file__).parent / "fixtures" / "claims"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_every_verdict_has_a_style_with_aa_contrast() -> None:
    css = CSS.read_text(encoding="utf-8")
    for verdict in checker.VERDICTS:
        m = re.search(
            rf"\.verdict-badge\.verdict-{verdict}\s*{{\s*color:\s*(#[0-9a-f]{{6}});"
            rf"\s*background:\s*(#[0-9a-f]{{6}});",
            css,
        )
        assert m, verdict
        assert contrast(m.group(1), m.group(2)) >= 4.5, verdict
        # The badge is also on the page's white background: its border (currentColor) too.
        assert contrast(m.group(1), "#ffffff") >= 4.5, verdict
    assert len(set(ICONS.values())) == len(checker.VERDICTS)


def test_badge_macro_renders_icon_words_and_link() -> None:
    r = next(x for x in check_all(None) if x.claim.id == "border-length-9000")
    macro = environment("fr").get_template("claims/_badge.html").module.claim_badge
    html = str(macro(routes_claims.badge(r, "fr")))
    assert 'href="/fr/affirmations/border-length-9000"' in html
    assert "verdict-supported" in html and "✓" in html and "étayée" in html
    assert 'aria-hidden="true"' in html  # the icon is decoration; the words carry the verdict
    assert str(macro(None)) == ""


def test_pages_link_the_stylesheet_and_show_badges() -> None:
    c = TestClient(create_app())
    for url in ("/en/claims", "/en/claims/border-length-9000", "/en/claims/editions"):
        assert '<link rel="stylesheet" href="/static/claims.css">' in c.get(url).text, url
    css = c.get("/static/claims.css")
    assert css.status_code == 200 and ".verdict-badge" in css.text
    idx = c.get("/en/claims").text
    assert idx.count('class="verdict-badge') == len(load_claims())
    assert "verdict-not_checkable" in idx and "not yet checkable" in idx


def test_badges_cover_every_claim_and_every_figure_names_a_real_claim() -> None:
    app_ = create_app()
    TestClient(app_).get("/en/claims")
    got = routes_claims.badges(app_.state.canus, "en")
    ids = {c.id for c in load_claims()}
    assert ids <= set(got)
    assert got["border-length-9000"]["url"] == "/en/claims/border-length-9000"
    # Section pages put claim ids on their key figures: each must be a claim in the register.
    package = Path(routes_claims.__file__).parents[2]
    used = {m for f in package.rglob("*.py") for m in re.findall(r'claim_id="([^"]+)"', f.read_text())}
    assert used and used <= ids, used - ids


def _bts(con: duckdb.DuckDBPyConnection, per_day: dict[int, float]) -> None:
    con.execute(
        "CREATE TABLE ports (port_code VARCHAR, port_name VARCHAR, state VARCHAR, latitude DOUBLE, longitude DOUBLE)"
    )
    con.execute("""CREATE TABLE border_crossings (port_code VARCHAR, period DATE, measure VARCHAR,
                   value BIGINT, direction VARCHAR, source_id VARCHAR, snapshot_sha256 VARCHAR)""")
    for year, rate in per_day.items():
        for month in range(1, 13):
            days = calendar.monthrange(year, month)[1]
            con.execute(
                "INSERT INTO border_crossings VALUES ('0901', ?, 'Pedestrians', ?, "
                "'into_us', 'bts-border-crossings', 'abc')",
                [dt.date(year, month, 1), round(rate * days)],
            )
    con.execute(
        "INSERT INTO data_versions VALUES ('bts-border-crossings', 'abc', '[]', 1, "
        "'2023-12', now()::TIMESTAMP, now()::TIMESTAMP, NULL, '{}')"
    )


def test_api_carries_value_period_sources_vintage_tolerance_and_missing() -> None:
    path = get_settings().warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(VERSIONS_DDL)
    _bts(con, {2019: 150_000})
    con.close()
    rows = {r["id"]: r for r in TestClient(create_app()).get("/api/claims").json()}
    for r in rows.values():
        for key in (
            "value",
            "period",
            "source_ids",
            "vintage",
            "tolerance",
            "missing_source",
            "missing_source_ids",
            "verdict",
            "basis",
            "figure",
            "notes",
        ):
            assert key in r, (r["id"], key)
    border = rows["border-length-9000"]
    # "close to 9,000": 8,500 to 9,000 support it, a span of 1/18 of the figure.
    assert (border["value"], border["period"]) == (8891, "2023")
    assert border["tolerance"] == pytest.approx(500 / 9000)
    assert border["source_ids"] == ["registry:border"] and border["vintage"]["registry:border"]
    people = rows["people-per-day-prepandemic"]
    # 2019 is before 24-10-0053 begins: the claim waits for 24-10-0041, named.
    assert people["missing_source_ids"] == ["statcan-24100041"] and people["value"] is None
    assert people["tolerance"] == 0.25 and "24-10-0041-01" in people["missing_source"]
    assert any("150,000 people a day" in n for n in people["notes"])


def test_strict_fails_on_contradicted_not_on_changed_since_or_not_checkable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = read_claim(FIXTURES / "people-into-us-2022.yaml")
    path = get_settings().warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(VERSIONS_DDL)
    _bts(con, {2022: 1000, 2023: 500})  # held in 2022, not since: still supported
    con.close()
    runner = CliRunner()
    monkeypatch.setattr(checker, "load_claims", lambda: [claim])
    assert runner.invoke(app, ["check", "--strict"]).exit_code == 0
    path.unlink()
    con = duckdb.connect(str(path))
    con.execute(VERSIONS_DDL)
    _bts(con, {2022: 500, 2023: 1000})  # wrong for 2022 itself
    con.close()
    assert runner.invoke(app, ["check", "--strict"]).exit_code == 1
    assert runner.invoke(app, ["check"]).exit_code == 0
    # The packaged register has not-checkable claims and no warehouse data for them: passes.
    monkeypatch.undo()
    path.unlink()
    assert runner.invoke(app, ["check", "--strict"]).exit_code == 0


def test_partner_rank_is_checked_on_a_related_measure(tmp_path: Path) -> None:
    """Census totals by country for 2022: Canada (1220) first, then Mexico (2010)."""
    path = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(path))
    con.execute(VERSIONS_DDL)
    con.execute("""CREATE TABLE census_trade_partners (direction VARCHAR, period DATE,
                   cty_code VARCHAR, cty_name VARCHAR, value_usd DOUBLE, source_id VARCHAR,
                   snapshot_sha256 VARCHAR)""")
    for month in range(1, 13):
        for direction in ("us_exports_to_canada", "us_imports_from_canada"):
            for code, name, v in (("1220", "CANADA", 60.0), ("2010", "MEXICO", 55.0), ("5700", "CHINA", 50.0)):
                con.execute(
                    "INSERT INTO census_trade_partners VALUES (?, ?, ?, ?, ?, 'census-trade', 'x')",
                    [direction, dt.date(2022, month, 1), code, name, v],
                )
    con.execute(
        "INSERT INTO data_versions VALUES ('census-trade', 'x', '[]', 1, '2022-12', "
        "now()::TIMESTAMP, now()::TIMESTAMP, NULL, '{}')"
    )
    con.close()
    claim = next(c for c in load_claims() if c.id == "largest-us-partner-2022")
    ro = attach_readonly(path)
    try:
        r = check_claim(claim, ro)
    finally:
        ro.close()
    assert r.verdict == "supported" and r.value == 1 and r.period == "2022"
    assert r.vintage == {"census-trade": "2022-12"}
    assert r.verdict_label("en") == "supported, on a related measure"
    assert r.provenance[0].licence_url
