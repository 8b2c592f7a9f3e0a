"""canus past one machine: the warehouse as a Parquet lake, and the border and trade metrics on
Apache Spark over that lake.

- :mod:`canus.lake.parquet` writes every warehouse table as Parquet with a Frictionless
  ``datapackage.json`` (``canus export parquet DIR``).
- :mod:`canus.lake.definitions` holds the one SQL text of each border and trade query, in
  DuckDB's dialect; the metric functions read them from here.
- :mod:`canus.lake.spark` runs those same metric functions on PySpark: a connection-like object
  whose ``execute`` transpiles DuckDB SQL to Spark SQL with sqlglot.

See docs/scale.md for why, and for when to use which engine.
"""
