"""`canus export parquet`: every warehouse table leaves as Parquet with a Frictionless data package.

The warehouse is built from the fixture mirror through the real pipeline; the lake is read back
with DuckDB and with PyArrow and compared with the warehouse row for row.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from canus.lake.parquet import LakeError, export_parquet, read_package, resource_glob, warehouse_tables
from canus.warehouse import Warehouse
from tests.web_helpers import build_warehouse


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


@pytest.fixture
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_warehouse(tmp_path, monkeypatch, ("bts-border-crossings", "statcan-24100053", "cer-electricity-trade"))
    dest = tmp_path / "lake"
    # A low threshold so the fixture's border table is split by year, as a real one would be.
    export_parquet(dest, partition_min_rows=1000)
    return dest


def test_every_table_is_a_resource_with_source_licence_and_version(lake: Path) -> None:
    package = read_package(lake)
    with Warehouse().read() as con:
        tables = warehouse_tables(con)
        versions = {r[0]: r[1] for r in con.execute("SELECT source_id, sha256 FROM data_versions").fetchall()}
    by_table = {r["canus:table"]: r for r in package["resources"]}
    assert sorted(by_table) == tables
    assert {"border_crossings", "ports", "data_versions", "electricity_trade"} <= set(by_table)
    border = by_table["border_crossings"]
    assert border["canus:source_id"] == "bts-border-crossings"
    assert border["canus:data_version"]["sha256"] == versions["bts-border-crossings"]
    assert border["licenses"][0]["name"] == "us-public-domain"
    assert border["sources"][0]["path"].startswith("https://")
    assert border["description"]
    assert border["canus:partitioned_by"] == ["year"]
    assert all(p.startswith("bts-border-crossings/border_crossings/year=") for p in border["path"])
    fields = {f["name"]: f["type"] for f in border["schema"]["fields"]}
    assert fields["period"] == "date" and fields["port_code"] == "string"
    # Small tables stay one file; canus's own tables sit under canus/.
    assert by_table["ports"]["path"] == "bts-border-crossings/ports.parquet"
    assert by_table["data_versions"]["path"] == "canus/data_versions.parquet"
    # Every path the package names exists, and no Parquet file is left out of it.
    named = {p for r in package["resources"] for p in ([r["path"]] if isinstance(r["path"], str) else r["path"])}
    assert named == {str(p.relative_to(lake)) for p in lake.rglob("*.parquet")}
    json.dumps(package)  # plain JSON, no Python objects left in it


def test_lake_read_back_with_duckdb_and_pyarrow_equals_the_warehouse(lake: Path) -> None:
    package = read_package(lake)
    lake_con = duckdb.connect()
    with Warehouse().read() as con:
        for res in package["resources"]:
            table = res["canus:table"]
            names = [f["name"] for f in res["schema"]["fields"]]
            cols = ", ".join(f'"{n}"' for n in names)
            expected = _rows(con, f'SELECT {cols} FROM "{table}"')
            hive = "true" if res.get("canus:partitioned_by") else "false"
            got = _rows(
                lake_con, f"SELECT {cols} FROM read_parquet('{resource_glob(lake, res)}', hive_partitioning = {hive})"
            )
            assert got == expected, table
            assert len(got) == res["canus:rows"]
            # PyArrow, with the Hive year folders as a partitioning scheme.
            dataset = ds.dataset(
                str(lake / Path(res["path"][0]).parents[1]) if hive == "true" else str(lake / res["path"]),
                format="parquet",
                partitioning="hive" if hive == "true" else None,
            )
            arrow = dataset.to_table(columns=names)
            assert arrow.num_rows == len(expected), table
            back = duckdb.connect()
            back.register("arrow_t", arrow)
            assert _rows(back, f"SELECT {cols} FROM arrow_t") == expected, table
            if hive == "true":
                years = {int(r[0]) for r in con.execute(f'SELECT DISTINCT year(period) FROM "{table}"').fetchall()}
                assert {int(Path(p).parent.name.split("=")[1]) for p in res["path"]} == years


def test_a_folder_that_is_not_a_lake_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_warehouse(tmp_path, monkeypatch, ("bts-border-crossings",))
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me")
    with pytest.raises(LakeError, match="not a canus lake"):
        export_parquet(dest)
    assert (dest / "notes.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir() if ".building-" in p.name] == []
