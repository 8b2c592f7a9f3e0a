"""Every border and trade metric, computed by the same function on DuckDB (the warehouse) and on
Apache Spark in local mode (the Parquet lake exported from it), gives the same rows.

The warehouse holds the fixture BTS mirror (through the real pipeline), the trade tables of
tests/test_trade_metrics.py and small Census tables written here; a second warehouse lacks
Statistics Canada's monthly table, so the annual fallbacks are compared too. One SparkSession
serves the whole run (two cores, two shuffle partitions).
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from canus.lake import definitions
from canus.lake.parquet import export_parquet
from canus.lake.spark import SparkConnection, session, to_spark_sql, why_unavailable
from canus.metrics import MetricTable
from canus.pillars.border import metrics as border
from canus.pillars.trade import metrics as trade
from canus.settings import get_settings
from canus.warehouse import Warehouse, attach_readonly
from tests.test_trade_metrics import build_trade_warehouse
from tests.web_helpers import build_warehouse

pytestmark = pytest.mark.spark

#: Every metric of metrics/border.py and metrics/trade.py, with the arguments to call it with.
#: A public function of those modules missing here (and from NOT_METRICS) fails the last test.
METRICS: dict[str, Callable[[Any], Any]] = {
    "border.yearly": border.yearly,
    "border.monthly": border.monthly,
    "border.people_per_day": border.people_per_day,
    "border.people_per_day(2019)": lambda c: border.people_per_day(c, 2019),
    "border.latest_complete_year": border.latest_complete_year,
    "border.busiest_ports": border.busiest_ports,
    "border.busiest_ports(2019, 2)": lambda c: border.busiest_ports(c, 2019, 2),
    "trade.annual_rates": trade.annual_rates,
    "trade.goods_monthly": trade.goods_monthly,
    "trade.goods_yearly": trade.goods_yearly,
    "trade.services_yearly": trade.services_yearly,
    "trade.goods_and_services_yearly": trade.goods_and_services_yearly,
    "trade.bilateral_total": lambda c: trade.bilateral_total(c, 2023),
    "trade.bilateral_total(USD)": lambda c: trade.bilateral_total(c, 2023, "USD"),
    "trade.partner_shares": trade.partner_shares,
    "trade.canada_rank_among_us_partners": lambda c: trade.canada_rank_among_us_partners(c, 2023),
    "trade.composition": trade.composition,
    "trade.by_province": trade.by_province,
    "trade.by_state": trade.by_state,
    "trade.us_goods_yearly": trade.us_goods_yearly,
    "trade.mirror": trade.mirror,
    "trade.mirror(USD, month)": lambda c: trade.mirror(c, "USD", "month"),
    "trade.supply_chain": trade.supply_chain,
}
NOT_METRICS = {"trade.to_currency", "border.comparable_months"}  # arithmetic on numbers, no query


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    reason = why_unavailable()
    if reason:
        pytest.skip(f"Spark tests need PySpark and Java: {reason}")
    s = session(cores=2, memory="1g", app="canus-tests")
    yield s
    s.stop()


def _add_census(con: duckdb.DuckDBPyConnection) -> None:
    """Two states and three partners, 12 months each way in 2023 (the rank needs 24 answers)."""
    con.execute(
        "CREATE TABLE census_trade_state (direction VARCHAR, period DATE, state VARCHAR, "
        "hs2 VARCHAR, value_usd BIGINT, source_id VARCHAR, snapshot_sha256 VARCHAR)"
    )
    con.execute(
        "CREATE TABLE census_trade_partners (direction VARCHAR, period DATE, cty_code VARCHAR, "
        "cty_name VARCHAR, value_usd BIGINT, source_id VARCHAR, snapshot_sha256 VARCHAR)"
    )
    for m in range(1, 13):
        p = dt.date(2023, m, 1)
        for d, k in (("us_exports_to_canada", 1), ("us_imports_from_canada", 2)):
            con.executemany(
                "INSERT INTO census_trade_state VALUES (?, ?, ?, '-', ?, 'census-trade', 'sha')",
                [(d, p, "MI", 9_000_000 * k), (d, p, "TX", 4_000_000 * k + m)],
            )
            con.executemany(
                "INSERT INTO census_trade_partners VALUES (?, ?, ?, ?, ?, 'census-trade', 'sha')",
                [
                    (d, p, "1220", "CANADA", 30_000_000 * k),
                    (d, p, "2010", "MEXICO", 31_000_000 * k),
                    (d, p, "5700", "CHINA", 20_000_000 * k),
                ],
            )
    con.executemany(
        "INSERT INTO data_versions VALUES (?, 'sha-' || ?, '[]', 1, ?, TIMESTAMP '2026-11-01 10:00:00', "
        "TIMESTAMP '2026-11-01 10:05:00', NULL, NULL)",
        [
            (s, s, "2023-12")
            for s in (
                "statcan-12100011",
                "statcan-12100173",
                "statcan-36100007",
                "fred-EXPCA",
                "fred-IMPCA",
                "fred-EXCAUS",
                "census-trade",
            )
        ],
    )


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, Path]]]:
    """{"full": (warehouse file, lake), "annual": (…)} built once for the module."""
    root = tmp_path_factory.mktemp("engines")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANUS_HOME", str(root / "home"))
        build_warehouse(root, mp, ("bts-border-crossings",))
        path = get_settings().warehouse_path
        con = duckdb.connect(str(path))
        build_trade_warehouse(con)
        _add_census(con)
        con.close()
        export_parquet(root / "lake-full", partition_min_rows=1000)
        out["full"] = (path, root / "lake-full")
        annual = root / "annual.duckdb"
        shutil.copyfile(path, annual)
        con = duckdb.connect(str(annual))
        con.execute("DROP TABLE statcan_12100011")
        con.close()
        mp.setenv("CANUS_HOME", str(root / "home-annual"))
        get_settings().warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(annual, get_settings().warehouse_path)
        export_parquet(root / "lake-annual", warehouse=Warehouse())
        out["annual"] = (annual, root / "lake-annual")
    yield out


def _same(a: Any, b: Any, where: str) -> None:
    if isinstance(a, MetricTable):
        assert isinstance(b, MetricTable), where
        assert (a.id, a.title, a.definition, a.columns, a.summary) == (
            b.id,
            b.title,
            b.definition,
            b.columns,
            b.summary,
        ), where
        assert a.provenance == b.provenance, where
        _same(a.rows, b.rows, where + ".rows")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), (where, a, b)
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        # Sums of doubles in another order differ in the last bits, far below one unit.
        assert isinstance(a, int | float) and isinstance(b, int | float), (where, a, b)
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9), (where, a, b)
    elif hasattr(a, "__dataclass_fields__"):
        _same(vars(a), vars(b), where)
    else:
        assert a == b, (where, a, b)


@pytest.mark.parametrize("variant", ["full", "annual"])
def test_every_border_and_trade_metric_is_the_same_on_duckdb_and_spark(
    spark: Any, engines: dict[str, tuple[Path, Path]], variant: str
) -> None:
    path, lake = engines[variant]
    duck = attach_readonly(path)
    on_spark = SparkConnection(spark, lake)
    for name, fn in METRICS.items():
        expected, got = fn(duck), fn(on_spark)
        _same(expected, got, f"{variant}:{name}")
        if variant == "full":
            # The comparison would prove nothing on empty answers.
            assert expected not in (None, {}, []) and getattr(expected, "rows", [1]), name
    if variant == "annual":
        assert trade.mirror(duck).rows and trade.MIRROR_ANNUAL_NOTE in trade.mirror(on_spark).definition


def test_spark_reads_the_statement_it_was_given(spark: Any, engines: dict[str, tuple[Path, Path]]) -> None:
    on_spark = SparkConnection(spark, engines["full"][1])
    # A question mark inside a string is text, not a parameter.
    assert on_spark.execute("SELECT '?' AS q, ? AS y", [2019]).fetchall() == [("?", 2019)]
    sql = to_spark_sql(definitions.BORDER_PORTS.format(baseline=2019), [2024, 3])
    assert "?" not in sql and "2024" in sql and "LIMIT 3" in sql


def test_every_metric_function_is_compared() -> None:
    public = {
        f"{mod.__name__.split('.')[-2]}.{name}"
        for mod in (border, trade)
        for name, fn in vars(mod).items()
        if inspect.isfunction(fn) and fn.__module__ == mod.__name__ and not name.startswith("_")
    }
    compared = {k.split("(")[0] for k in METRICS}
    assert public - NOT_METRICS == compared, sorted(public ^ (compared | NOT_METRICS))
