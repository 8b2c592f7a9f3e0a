"""Trade metrics on a small warehouse built here in the StatCan / FRED / Census table contracts.

Every expected figure is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from canus.pillars.trade import metrics as trade
from canus.pillars.trade.metrics import to_currency
from canus.warehouse import VERSIONS_DDL

B = 1e9
TAIL = (
    "uom VARCHAR, uom_id VARCHAR, scalar_factor VARCHAR, scalar_id INTEGER, vector VARCHAR, "
    "coordinate VARCHAR, value_published DOUBLE, value DOUBLE, status VARCHAR, "
    "symbol VARCHAR, terminated VARCHAR, decimals INTEGER, source_id VARCHAR, "
    "snapshot_sha256 VARCHAR"
)


def _statcan(
    con: duckdb.DuckDBPyConnection, pid: str, dims: list[str], rows: list[tuple[str, str, tuple[str, ...], float]]
) -> None:
    """rows: (ref_date, geo, dimension members, value in dollars)."""
    dim_sql = ", ".join(f"{d} VARCHAR" for d in dims)
    con.execute(
        f"CREATE TABLE statcan_{pid} (ref_date VARCHAR, period DATE, geo VARCHAR, dguid VARCHAR, {dim_sql}, {TAIL})"
    )
    data = []
    for ref, geo, members, value in rows:
        period = dt.date.fromisoformat(ref + "-01-01"[len(ref) - 4 :])
        data.append(
            (
                ref,
                period,
                geo,
                "",
                *members,
                "Dollars",
                "81",
                "thousands",
                3,
                "v1",
                "1.1",
                value / 1000,
                value,
                "",
                "",
                "",
                1,
                f"statcan-{pid}",
                "sha",
            )
        )
    marks = ", ".join(["?"] * len(data[0]))
    con.executemany(f"INSERT INTO statcan_{pid} VALUES ({marks})", data)


def _fred(con: duckdb.DuckDBPyConnection, series: str, scale: int, values: dict[str, float]) -> None:
    con.execute(
        f"CREATE TABLE fred_{series.lower()} (series_id VARCHAR, period DATE, "
        "value DOUBLE, value_base DOUBLE, unit VARCHAR, scale INTEGER, "
        "source_id VARCHAR, snapshot_sha256 VARCHAR)"
    )
    con.executemany(
        f"INSERT INTO fred_{series.lower()} VALUES (?, ?, ?, ?, 'x', ?, ?, 'sha')",
        [(series, dt.date.fromisoformat(p), v, v * 10**scale, scale, f"fred-{series}") for p, v in values.items()],
    )


MONTHS = [f"2023-{m:02d}" for m in range(1, 13)]


def build_trade_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(VERSIONS_DDL)
    # 12-10-0011, monthly, in dollars. Per month, customs basis, unadjusted:
    # US exports 50 bn, imports 40 bn; all countries 65 / 60; China 3 / 7; EU 2.5 / 5;
    # Mexico 1 / 4. Balance of payments basis for the US: 52 / 41. Seasonally adjusted rows
    # carry 999 bn so that reading them by mistake shows.
    r011 = []
    partners = {
        "United States": (50, 40),
        "All countries": (65, 60),
        "China": (3, 7),
        "European Union": (2.5, 5),
        "Mexico": (1, 4),
    }
    for ref in [*MONTHS, "2024-01"]:
        for partner, (e, i) in partners.items():
            r011 += [
                (ref, "Canada", ("Export", "Customs", "Unadjusted", partner), e * B),
                (ref, "Canada", ("Import", "Customs", "Unadjusted", partner), i * B),
                (ref, "Canada", ("Export", "Customs", "Seasonally adjusted", partner), 999 * B),
            ]
        r011 += [
            (ref, "Canada", ("Export", "Balance of payments", "Unadjusted", "United States"), 52 * B),
            (ref, "Canada", ("Import", "Balance of payments", "Unadjusted", "United States"), 41 * B),
        ]
    _statcan(con, "12100011", ["trade", "basis", "seasonal_adjustment", "principal_trading_partners"], r011)

    # 12-10-0173, annual 2023, Canada and two provinces, in dollars.
    sec = {
        "C12": "Energy products [C12]",
        "C14": "Metal and non-metallic mineral products [C14]",
        "C17": "Industrial machinery, equipment and parts [C17]",
        "C19": "Motor vehicles and parts [C19]",
        "C22": "Consumer goods [C22]",
        "C23": "Special transactions trade [C23]",
    }
    canada_exports = {"C12": 180, "C14": 200, "C17": 30, "C19": 90, "C22": 60, "C23": 40}  # 600
    canada_imports = {"C19": 200, "C22": 280}  # 480
    r173 = [
        ("2023", "Canada", ("United States", "All sections", "Export"), 600 * B),
        ("2023", "Canada", ("United States", "All sections", "Import"), 480 * B),
        ("2023", "Ontario", ("United States", "All sections", "Export"), 300 * B),
        ("2023", "Ontario", ("United States", "All sections", "Import"), 300 * B),
        ("2023", "Alberta", ("United States", "All sections", "Export"), 150 * B),
        ("2023", "Alberta", ("United States", "All sections", "Import"), 20 * B),
    ]
    r173 += [("2023", "Canada", ("United States", sec[c], "Export"), v * B) for c, v in canada_exports.items()]
    r173 += [("2023", "Canada", ("United States", sec[c], "Import"), v * B) for c, v in canada_imports.items()]
    r173 += [
        ("2023", "Ontario", ("United States", sec["C19"], "Export"), 80 * B),
        ("2023", "Ontario", ("United States", sec["C12"], "Export"), 10 * B),
        ("2023", "Ontario", ("United States", sec["C22"], "Export"), 210 * B),
        ("2023", "Alberta", ("United States", sec["C12"], "Export"), 140 * B),
        ("2023", "Alberta", ("United States", sec["C23"], "Export"), 10 * B),
    ]
    _statcan(con, "12100173", ["trading_partner", "north_american_product_classification_system_napcs", "trade"], r173)

    # 36-10-0007, annual, in dollars: US receipts 100 bn, payments 120 bn for all services.
    _statcan(
        con,
        "36100007",
        ["receipts_payments", "countries_or_regions", "services"],
        [
            ("2023", "Canada", ("Receipts", "United States", "Total services"), 100 * B),
            ("2023", "Canada", ("Payments", "United States", "Total services"), 120 * B),
            ("2023", "Canada", ("Receipts", "United States", "Commercial services"), 70 * B),
            ("2023", "Canada", ("Receipts", "All countries", "Total services"), 160 * B),
        ],
    )

    # FRED, millions of USD; EXCAUS 1.30 CAD per USD in January–June, 1.40 in July–December.
    _fred(con, "IMPCA", 6, {m + "-01": 37_000 for m in MONTHS})
    _fred(con, "EXPCA", 6, {m + "-01": 30_000 for m in MONTHS})
    _fred(con, "EXCAUS", 0, {m + "-01": (1.30 if i < 6 else 1.40) for i, m in enumerate(MONTHS)})


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    build_trade_warehouse(c)
    return c


def test_currency_conversion_both_ways() -> None:
    assert to_currency(100.0, "USD", "CAD", 1.35) == pytest.approx(135.0)
    assert to_currency(135.0, "CAD", "USD", 1.35) == pytest.approx(100.0)
    assert to_currency(7.0, "CAD", "CAD", 1.35) == 7.0
    with pytest.raises(ValueError):
        to_currency(1.0, "EUR", "CAD", 1.0)


def test_annual_rate_is_the_mean_of_twelve_months(con: duckdb.DuckDBPyConnection) -> None:
    # (6 × 1.30 + 6 × 1.40) / 12 = 1.35
    assert trade.annual_rates(con) == {2023: pytest.approx(1.35)}


def test_goods_monthly_and_yearly(con: duckdb.DuckDBPyConnection) -> None:
    m = trade.goods_monthly(con)
    feb = next(r for r in m.rows if r["period"] == dt.date(2023, 2, 1))
    # 50 + 40 = 90 bn over the 28 days of February; seasonally adjusted rows ignored.
    assert (feb["exports"], feb["imports"], feb["balance"]) == (50 * B, 40 * B, 10 * B)
    assert feb["per_day"] == pytest.approx(90 * B / 28)
    y = {r["year"]: r for r in trade.goods_yearly(con).rows}
    # 12 × 50 = 600 bn exports, 12 × 40 = 480 bn imports, balance 120 bn, 1,080 bn / 365 days.
    assert y[2023]["exports"] == 600 * B and y[2023]["imports"] == 480 * B
    assert y[2023]["balance"] == 120 * B
    assert y[2023]["per_day"] == pytest.approx(1080 * B / 365)
    # 2024 has January only: its daily average is over 31 days, not 366.
    assert y[2024]["months"] == 1 and y[2024]["per_day"] == pytest.approx(90 * B / 31)
    assert (y[2023]["coverage"], y[2024]["coverage"]) == ("whole", "Jan")
    assert [p.source_id for p in m.provenance] == ["statcan-12100011"]


def test_goods_yearly_falls_back_to_the_annual_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE statcan_12100011")
    y = trade.goods_yearly(con)
    assert [(r["year"], r["exports"], r["imports"]) for r in y.rows] == [(2023, 600 * B, 480 * B)]
    assert y.provenance[0].source_id == "statcan-12100173"


def test_services_and_bilateral_total(con: duckdb.DuckDBPyConnection) -> None:
    s = trade.services_yearly(con).rows
    # Only "Total services" with the United States: 100 bn receipts, 120 bn payments.
    assert s == [{"year": 2023, "exports": 100 * B, "imports": 120 * B, "balance": -20 * B, "total": 220 * B}]
    obs = trade.bilateral_total(con, 2023)
    # Goods on BOP basis 12 × (52 + 41) = 1,116 bn + services 220 bn = 1,336 bn CAD.
    assert obs is not None and obs.value == pytest.approx(1336 * B) and obs.unit == "CAD"
    assert obs.basis == "Balance of payments" and obs.period == "2023"
    assert set(obs.source_ids) == {"statcan-12100011", "statcan-36100007", "fred-EXCAUS"}
    usd = trade.bilateral_total(con, 2023, "USD")
    # 1,336 bn / 1.35 CAD per USD.
    assert usd is not None and usd.value == pytest.approx(1336 * B / 1.35)
    assert trade.bilateral_total(con, 2019) is None


def test_partner_shares_and_rank(con: duckdb.DuckDBPyConnection) -> None:
    t = trade.partner_shares(con)
    assert t.summary["year"] == "2023"  # 2024 has one month only
    rows = {r["partner"]: r for r in t.rows}
    # US share of exports 50 / 65; of imports 40 / 60.
    assert rows["United States"]["export_share"] == pytest.approx(50 / 65)
    assert rows["United States"]["import_share"] == pytest.approx(40 / 60)
    # Ranks by exports + imports: US 90, China 10, Mexico 5; the EU is a grouping.
    assert [(r["partner"], r["rank"]) for r in t.rows] == [
        ("United States", 1),
        ("China", 2),
        ("Mexico", 3),
        ("European Union", None),
    ]


def test_composition_provinces_and_states(con: duckdb.DuckDBPyConnection) -> None:
    c = trade.composition(con)
    top = c.rows[0]
    assert (top["code"], top["section"]) == ("C14", "Metal and non-metallic mineral products")
    assert top["export_share"] == pytest.approx(200 / 600)
    p = {r["province"]: r for r in trade.by_province(con).rows}
    assert p["Alberta"]["balance"] == 130 * B
    assert p["Ontario"]["export_share"] == pytest.approx(300 / 600)
    # No Census tables: an empty table, not an error.
    s = trade.by_state(con)
    assert s.rows == [] and s.provenance == []


def test_mirror_view_in_both_currencies(con: duckdb.DuckDBPyConnection) -> None:
    [cad] = trade.mirror(con, "CAD").rows
    # US imports from Canada: 37 bn USD a month, × 1.30 for six months and × 1.40 for six:
    # 37 × 6 × (1.30 + 1.40) = 599.4 bn CAD, against Canada's 600 bn: gap −0.6 bn (−0.1 %).
    assert cad["ca_exports"] == pytest.approx(600 * B)
    assert cad["us_imports"] == pytest.approx(599.4 * B)
    assert cad["exports_gap"] == pytest.approx(-0.6 * B)
    assert cad["exports_gap_pct"] == pytest.approx(-0.001)
    # US exports to Canada: 30 × 6 × 2.70 = 486 bn CAD against Canada's imports 480 bn.
    assert cad["us_exports"] == pytest.approx(486 * B)
    assert cad["imports_gap_pct"] == pytest.approx(6 / 480)
    [usd] = trade.mirror(con, "USD").rows
    # Canada's exports converted month by month: 50 × 6 / 1.30 + 50 × 6 / 1.40.
    assert usd["ca_exports"] == pytest.approx(50 * B * 6 / 1.30 + 50 * B * 6 / 1.40)
    assert usd["us_imports"] == pytest.approx(444 * B)
    monthly = trade.mirror(con, "CAD", "month").rows
    assert len(monthly) == 12  # 2024-01 has no FRED value
    assert monthly[6]["us_imports"] == pytest.approx(37 * B * 1.40)
    t = trade.mirror(con)
    assert "1990" in t.summary["en"] and "1990" in t.summary["fr"]


def test_mirror_annual_fallback_at_the_annual_rate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE statcan_12100011")
    [r] = trade.mirror(con, "CAD").rows
    # Annual 12-10-0173: exports 600 bn CAD. US imports 12 × 37 = 444 bn USD × 1.35 (annual
    # mean rate) = 599.4 bn CAD; US exports 12 × 30 = 360 bn USD × 1.35 = 486 bn CAD.
    assert r["ca_exports"] == 600 * B and r["us_imports"] == pytest.approx(599.4 * B)
    assert r["us_exports"] == pytest.approx(486 * B)
    [u] = trade.mirror(con, "USD").rows
    # Canada's 600 bn CAD / 1.35 = 444.44 bn USD against the US 444 bn.
    assert u["ca_exports"] == pytest.approx(600 * B / 1.35)
    assert u["exports_gap"] == pytest.approx(444 * B - 600 * B / 1.35)
    assert trade.mirror(con, "CAD", "month").rows == []


def test_supply_chain_estimate(con: duckdb.DuckDBPyConnection) -> None:
    [r] = trade.supply_chain(con).rows
    # Classified exports 600 − 40 (C23, unclassified) = 560 bn. Inputs: C12 180 + C14 200
    # (intermediate) + C17 30 (capital) = 410; mixed: C19 90; consumer: C22 60.
    assert r["low"] == pytest.approx(410 / 560)
    assert r["high"] == pytest.approx(500 / 560)
    assert r["central"] == pytest.approx(455 / 560)
    assert r["consumer_share"] == pytest.approx(60 / 560)


def test_every_metric_is_empty_without_its_tables() -> None:
    empty = duckdb.connect()
    for fn in (
        trade.goods_monthly,
        trade.goods_yearly,
        trade.services_yearly,
        trade.goods_and_services_yearly,
        trade.partner_shares,
        trade.composition,
        trade.by_province,
        trade.by_state,
        trade.mirror,
        trade.supply_chain,
    ):
        t = fn(empty)
        assert t.rows == [] and t.columns, fn.__name__
    assert trade.bilateral_total(empty, 2023) is None
    assert trade.canada_rank_among_us_partners(empty, 2023) is None


def test_json_and_csv_twins_in_french(con: duckdb.DuckDBPyConnection) -> None:
    t = trade.goods_yearly(con)
    j = t.to_json("fr")
    assert j["rows"][0]["exports"] == 600 * B
    assert t.to_csv().splitlines()[0] == "year,months,coverage,exports,imports,balance,total,per_day"


def _statcan_zip_from_csv(csv_text: str, pid: str, dims: list[str], path: Path) -> None:
    """Wrap a full-table data CSV in the official zip layout, with a minimal metadata file."""
    import csv
    import io
    import zipfile

    rows = list(csv.reader(io.StringIO(csv_text)))
    header = rows[0]
    meta = io.StringIO()
    w = csv.writer(meta, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(["Cube Title", "Product Id"])
    w.writerow([f"Table {pid}", pid])
    w.writerow([])
    w.writerow(["Dimension ID", "Dimension name", "Dimension Notes", "Dimension Definitions"])
    for i, d in enumerate(dims, 1):
        w.writerow([i, d, "", ""])
    w.writerow([])
    w.writerow(
        [
            "Dimension ID",
            "Member Name",
            "Classification Code",
            "Member ID",
            "Parent Member ID",
            "Terminated",
            "Member Notes",
            "Member Definitions",
        ]
    )
    for i, d in enumerate(dims, 1):
        col = header.index("GEO" if i == 1 else d)
        for mid, name in enumerate(sorted({r[col] for r in rows[1:]}), 1):
            w.writerow([i, name, "", mid, "", "", "", ""])
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{pid}.csv", "\ufeff" + csv_text)
        z.writestr(f"{pid}_MetaData.csv", "\ufeff" + meta.getvalue())


@pytest.mark.shared_data
def test_real_12100173_through_the_statcan_reader(shared_data: Path, tmp_path: Path) -> None:
    """Canada's exports to the US in 2014, all sections: 377,273,540.5 thousand CAD."""
    from canus import sources
    from canus.sources.base import Snapshot

    src = shared_data / "statcan-12100173" / "12100173-eng-united-states-only.csv"
    # That copy carries an extra unnamed leading index column; drop it here, not in the reader.
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    with src.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            w.writerow(row[1:])
    zpath = tmp_path / "12100173-eng.zip"
    _statcan_zip_from_csv(
        out.getvalue(),
        "12100173",
        ["Geography", "Trading partner", "North American Product Classification System (NAPCS)", "Trade"],
        zpath,
    )
    source = sources.get("statcan-12100173")
    snap = Snapshot(
        "statcan-12100173",
        zpath.name,
        zpath.as_uri(),
        "sha",
        zpath,
        zpath.stat().st_size,
        "2025-01-01T00:00:00+00:00",
        "mirror",
    )
    c = duckdb.connect()
    c.execute(VERSIONS_DDL)
    source.load(c, {zpath.name: snap}, source)
    rows = {r["year"]: r for r in trade.goods_yearly(c).rows}
    assert rows[2014]["exports"] == pytest.approx(377_273_540.5 * 1000)
    assert len(rows) == 11  # 2014–2024
    sections = trade.composition(c, 2014).rows
    assert len(sections) == 12 and all(r["code"].startswith("C") for r in sections)
    # Section shares add up to the whole.
    assert sum(r["export_share"] for r in sections) == pytest.approx(1.0)
    provinces = trade.by_province(c, 2014).rows
    assert provinces[0]["province"] == "Ontario"
    est = trade.supply_chain(c, 2014).rows[0]
    assert 0 < est["low"] <= est["central"] <= est["high"] < 1


def test_a_year_with_one_direction_missing_has_no_total() -> None:
    """12-10-0173 giving exports but no imports for a year: missing stays missing, no crash."""
    con = duckdb.connect()
    build_trade_warehouse(con)
    con.execute("DROP TABLE statcan_12100011")
    con.execute("DELETE FROM statcan_12100173 WHERE trade = 'Import'")
    rows = trade.goods_yearly(con).rows
    assert rows and all(r["exports"] and r["imports"] is None for r in rows)
    assert all(r["total"] is None and r["balance"] is None and r["per_day"] is None for r in rows)
