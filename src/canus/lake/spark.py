"""The border and trade metric functions on Apache Spark, over the Parquet lake.

:class:`SparkConnection` answers the small part of DuckDB's Python API that the metric
functions use (``execute(sql, params)`` then ``fetchall``/``fetchone``/``description``), so
``canus.metrics.border.yearly(SparkConnection(spark, lake))`` runs the very function the
portal runs, on Spark. Each statement is DuckDB SQL (the definitions in
:mod:`canus.lake.definitions`); it is transpiled by sqlglot to Spark SQL, with ``?``
parameters bound as literals and DuckDB's ``information_schema`` answered from the lake's
``datapackage.json``. Nothing of a metric's logic is written twice.

PySpark is an optional dependency (``pip install 'canus[scale]'``) and needs Java 17+.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from canus.errors import CanusError
from canus.lake.parquet import read_package

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: DuckDB's catalogue views the metrics read, and the temporary views that stand in for them.
CATALOGUE_VIEWS = {"tables": "canus_information_schema_tables", "columns": "canus_information_schema_columns"}


class SparkUnavailable(CanusError):
    pass


def why_unavailable() -> str | None:
    """None when Spark can run here, otherwise the reason (for a skip or an error message)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install 'canus[scale]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and shutil.which("java") is None:
        return "no Java runtime (Debian: apt-get install openjdk-17-jre-headless)"
    return None


def session(cores: int = 2, memory: str = "2g", app: str = "canus") -> SparkSession:
    """A local-mode SparkSession tuned for one machine: few shuffle partitions, no UI.

    ANSI mode is off so that a division by zero gives NULL, as in DuckDB, rather than an error.
    """
    reason = why_unavailable()
    if reason:
        raise SparkUnavailable("Spark cannot run here: {reason}.", reason=reason)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        # Whole-stage code generation compiles Java per query: worth it on big scans, a
        # second lost on each of the many small catalogue and provenance statements.
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def bind(sql: str, params: list[Any] | tuple[Any, ...] | None) -> str:
    """Replace each ``?`` placeholder (found by the tokenizer, so ``'?'`` in a string is left
    alone) by its parameter as a literal."""
    params = list(params or [])
    marks = [t for t in sqlglot.Dialect.get_or_raise("duckdb").tokenize(sql) if t.token_type == TokenType.PLACEHOLDER]
    if len(marks) != len(params):
        raise ValueError(f"{len(marks)} placeholders but {len(params)} parameters")
    out, last = [], 0
    for token, value in zip(marks, params, strict=True):
        out.append(sql[last : token.start])
        out.append(_literal(value))
        last = token.end + 1
    out.append(sql[last:])
    return "".join(out)


def to_spark_sql(sql: str, params: list[Any] | tuple[Any, ...] | None = None) -> str:
    tree = sqlglot.parse_one(bind(sql, params), read="duckdb")

    def catalogue(node: exp.Expression) -> exp.Expression:
        if (
            isinstance(node, exp.Table)
            and node.db.lower() == "information_schema"
            and node.name.lower() in CATALOGUE_VIEWS
        ):
            return exp.to_table(CATALOGUE_VIEWS[node.name.lower()])
        return node

    return tree.transform(catalogue).sql(dialect="spark")


def _plain(v: Any) -> Any:
    # Spark answers DECIMAL where DuckDB answers DOUBLE (e.g. avg over a decimal column).
    return float(v) if isinstance(v, decimal.Decimal) else v


class SparkCursor:
    def __init__(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.description = [(n, None, None, None, None, None, None) for n in names]
        self._rows = rows
        self._at = 0

    def fetchall(self) -> list[tuple[Any, ...]]:
        rest, self._at = self._rows[self._at :], len(self._rows)
        return rest

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]


class SparkConnection:
    """The lake at ``root`` as Spark temporary views, one per warehouse table."""

    def __init__(self, spark: SparkSession, root: Path) -> None:
        self.spark = spark
        self.root = root
        self.package = read_package(root)
        self.last_sql = ""
        # A lake is immutable under a connection, so the same statement has the same answer:
        # the catalogue and provenance lookups every metric repeats are asked of Spark once.
        self._answers: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        tables, columns = [], []
        for res in self.package["resources"]:
            table = res["canus:table"]
            paths = res["path"] if isinstance(res["path"], list) else [res["path"]]
            if res.get("canus:partitioned_by"):
                base = str(root / Path(paths[0]).parents[1])
                df = spark.read.option("basePath", base).parquet(base)
                # The year folders are for consumers that filter on them; the metrics are
                # defined on the warehouse's columns, so the derived column is left out.
                df = df.drop(*res["canus:partitioned_by"])
            else:
                df = spark.read.parquet(*[str(root / p) for p in paths])
            df.createOrReplaceTempView(table)
            tables.append(("lake", "main", table, "BASE TABLE"))
            for i, f in enumerate(res["schema"]["fields"], 1):
                columns.append(("lake", "main", table, f["name"], i, f.get("duckdbType", f["type"])))
        spark.createDataFrame(
            tables, "table_catalog string, table_schema string, table_name string, table_type string"
        ).createOrReplaceTempView(CATALOGUE_VIEWS["tables"])
        spark.createDataFrame(
            columns,
            "table_catalog string, table_schema string, table_name string, "
            "column_name string, ordinal_position int, data_type string",
        ).createOrReplaceTempView(CATALOGUE_VIEWS["columns"])

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] | None = None) -> SparkCursor:
        self.last_sql = to_spark_sql(sql, params)
        if self.last_sql not in self._answers:
            df = self.spark.sql(self.last_sql)
            self._answers[self.last_sql] = (list(df.columns), [tuple(_plain(v) for v in r) for r in df.collect()])
        names, rows = self._answers[self.last_sql]
        return SparkCursor(names, list(rows))
