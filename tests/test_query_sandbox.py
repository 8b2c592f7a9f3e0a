"""`canus query` is strictly read-only: no writes, no ATTACH, no files, no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from canus.cli import app
from canus.settings import get_settings
from tests.builders import publish_bts_fixture
from tests.conftest import sha256_of

runner = CliRunner()


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    publish_bts_fixture(tmp_path, monkeypatch)
    return sha256_of(get_settings().warehouse_path)


def test_select_works_in_three_formats(published: str) -> None:
    sql = "SELECT port_code, sum(value) AS total FROM border_crossings GROUP BY 1 ORDER BY 1"
    r = runner.invoke(app, ["query", sql, "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:2] == ["port_code,total", "0209,300"]
    r = runner.invoke(app, ["query", sql, "--format", "json"])
    assert '"port_code": "3004"' in r.stdout
    r = runner.invoke(app, ["query", sql])
    assert "3801" in r.stdout


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO ports (port_code) VALUES ('9999')",
        "DELETE FROM border_crossings",
        "DROP TABLE ports",
        "UPDATE ports SET port_name = 'x'",
        "ATTACH '{tmp}/canus-attack.duckdb' AS other",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "COPY ports TO '{tmp}/canus-out.csv'",
        "SELECT * FROM 'http://127.0.0.1:9/x.csv'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "PRAGMA enable_external_access",
    ],
)
def test_refused(published: str, sql: str, tmp_path: Path) -> None:
    # Paths unique to this test: a leftover of another run can never make it pass or fail.
    sql = sql.replace("{tmp}", str(tmp_path))
    r = runner.invoke(app, ["query", sql])
    assert r.exit_code == 2, (sql, r.output)
    assert "Query refused or failed" in r.output
    assert sha256_of(get_settings().warehouse_path) == published
    assert not (tmp_path / "canus-out.csv").exists()
    assert not (tmp_path / "canus-attack.duckdb").exists()


def test_no_warehouse_yet_is_a_clear_error() -> None:
    r = runner.invoke(app, ["query", "SELECT 1"])
    assert r.exit_code == 1
    assert "canus update" in r.output


def test_api_query_is_read_only_too(published: str, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from canus.web.app import create_app

    client = TestClient(create_app())
    r = client.get(
        "/api/query", params={"sql": "SELECT min(period) AS first, sum(value) AS total FROM border_crossings"}
    )
    assert r.status_code == 200
    # The fixture's US-Canada values: 400,000 + 180,000 + 30,000 + 25,000 + 1,000 + 600,000
    # + 5,000 + 140,000 + 550,000 + 300 + 20.
    assert r.json() == {"columns": ["first", "total"], "rows": [["2024-01-01", 1_931_320]], "truncated": False}
    for sql in (
        "DROP TABLE ports",
        "SELECT * FROM read_csv('/etc/passwd')",
        f"ATTACH '{tmp_path}/canus-attack.duckdb' AS x",
    ):
        r = client.get("/api/query", params={"sql": sql})
        assert r.status_code == 400 and "Query refused or failed" in r.json()["error"]
    assert sha256_of(get_settings().warehouse_path) == published


SANDBOX = {
    "enable_external_access": False,
    "allow_community_extensions": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def test_the_sandbox_sets_each_of_its_settings_and_a_plain_reader_keeps_duckdbs(tmp_path: Path) -> None:
    import duckdb

    from canus.warehouse import attach_readonly

    # A folder name with a quote in it: the path is written into SQL, quoted.
    path = tmp_path / "l'entrepôt" / "wh.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE ports AS SELECT '0901' AS port_code")
    query = "SELECT current_setting(?)"
    sandboxed = attach_readonly(path, sandbox=True)
    reader = attach_readonly(path)
    try:
        for con in (sandboxed, reader):
            assert con.execute("SELECT port_code FROM ports").fetchall() == [("0901",)]  # the warehouse is the default
            with pytest.raises(duckdb.Error, match="read-only"):
                con.execute("CREATE TABLE x AS SELECT 1")
        assert {k: sandboxed.execute(query, [k]).fetchone()[0] for k in SANDBOX} == SANDBOX  # type: ignore[index]
        defaults = {k: reader.execute(query, [k]).fetchone()[0] for k in SANDBOX}  # type: ignore[index]
        assert defaults["enable_external_access"] is True and defaults["lock_configuration"] is False
    finally:
        sandboxed.close()
        reader.close()
