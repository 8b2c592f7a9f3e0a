"""Read-only SQL is bounded: time limit, cancellation, a worker pool, row limits, no files, no paths.

Served by a real uvicorn on 127.0.0.1 over a warehouse built by the real pipeline from the BTS
fixture; the abusive queries are the ones that took the site down before.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from canus.cli import app as cli
from canus.settings import get_settings
from tests.builders import publish_bts_fixture
from tests.live_server import free_port

#: Counts to a trillion: minutes of one core, unless stopped.
ENDLESS = "SELECT count(*) FROM range(1000000000000)"
runner = CliRunner()


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    publish_bts_fixture(tmp_path, monkeypatch)
    return get_settings().warehouse_path


@contextmanager
def serve_app() -> Iterator[tuple[str, object]]:
    """A real server on loopback, with the app at hand to look at its query workers."""
    from canus.web.app import create_app

    app = create_app()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _busy(app: object) -> int:
    pool = getattr(app.state, "query_pool", None)  # type: ignore[attr-defined]
    return pool.busy if pool is not None else 0


def _wait_until(cond, limit: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def test_endless_query_stops_at_the_time_limit_and_leaves_no_thread_busy(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANUS_QUERY_TIMEOUT", "1")
    with serve_app() as (base, app):
        cpu0, t0 = time.process_time(), time.monotonic()  # cpu0: reported if the idle check fails
        r = httpx.get(base + "/api/query", params={"sql": ENDLESS}, timeout=30)
        elapsed = time.monotonic() - t0
        assert r.status_code == 400
        assert "1 s limit" in r.json()["error"]
        assert elapsed < 1 + 2, elapsed  # the bound: the limit plus 2 s
        assert _busy(app) == 0
        # Nothing keeps counting after the answer: one idle second costs (almost) no CPU. A
        # query still running would burn a whole core-second here.
        cpu1 = time.process_time()
        time.sleep(1.0)
        idle_cpu = time.process_time() - cpu1
        assert idle_cpu < 0.5, (idle_cpu, cpu1 - cpu0)


def test_twenty_abusive_queries_leave_pages_answering(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_QUERY_TIMEOUT", "10")
    monkeypatch.setenv("CANUS_QUERY_QUEUE", "8")
    statuses: list[int] = []
    retry_after: list[str | None] = []

    def abuse() -> None:
        r = httpx.get(base + "/api/query", params={"sql": ENDLESS}, timeout=60)
        statuses.append(r.status_code)
        retry_after.append(r.headers.get("retry-after"))

    with serve_app() as (base, app):
        assert httpx.get(base + "/en/", timeout=60).status_code == 200  # a warm page, as readers meet it
        threads = [threading.Thread(target=abuse) for _ in range(20)]
        for t in threads:
            t.start()
        assert _wait_until(lambda: _busy(app) == get_settings().query_workers)
        page = httpx.get(base + "/en/", timeout=30)
        # The page answered while every query worker was still counting.
        still_busy = _busy(app)
        for t in threads:
            t.join()
    assert page.status_code == 200 and "<html" in page.text
    assert still_busy == get_settings().query_workers
    # Two run (time limit), eight wait, the rest are told to come back later.
    assert len(statuses) == 20 and set(statuses) <= {400, 503}
    assert statuses.count(503) >= 20 - get_settings().query_workers - 8
    assert all(ra == "5" for s, ra in zip(statuses, retry_after, strict=True) if s == 503)


def test_a_client_that_leaves_cancels_its_query(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_QUERY_TIMEOUT", "120")  # only the disconnection can stop it
    with serve_app() as (base, app):
        port = int(base.rsplit(":", 1)[1])
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(f"GET /api/query?{urlencode({'sql': ENDLESS})} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert _wait_until(lambda: _busy(app) == 1)
        sock.close()
        assert _wait_until(lambda: _busy(app) == 0, limit=10), "the query kept running for nobody"
        # The worker is free for the next reader.
        r = httpx.get(base + "/api/query", params={"sql": "SELECT 42 AS answer"}, timeout=10)
        assert r.json()["rows"] == [[42]]


def test_sigterm_stops_the_server_and_its_queries(published: Path) -> None:
    import signal
    import subprocess
    import sys

    port = free_port()
    env = {**os.environ, "CANUS_QUERY_TIMEOUT": "300"}
    cmd = [sys.executable, "-c", "from canus.cli import app; app()", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_until(lambda: _up(base), limit=30), "canus serve did not start"
        threading.Thread(target=lambda: _swallow(base), daemon=True).start()
        time.sleep(1.0)  # let the query start counting
        proc.terminate()
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    errors = proc.stderr.read().decode() if proc.stderr else ""
    # uvicorn ends by re-raising the signal it caught, as a well-behaved server does.
    assert code in (0, -signal.SIGTERM), errors
    assert "Traceback" not in errors and "graceful shutdown exceeded" not in errors, errors


def _up(base: str) -> bool:
    try:
        return httpx.get(base + "/api/version", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _swallow(base: str) -> None:
    with suppress(httpx.HTTPError):
        httpx.get(base + "/api/query", params={"sql": ENDLESS}, timeout=60)


def _api(sql: str, **params: object) -> httpx.Response:
    from fastapi.testclient import TestClient

    from canus.web.app import create_app

    with TestClient(create_app()) as client:
        return client.get("/api/query", params={"sql": sql, **params})


@pytest.mark.parametrize("sql", ["", "   ", "-- nothing", "/* nothing */", ";", " ; -- x"])
def test_empty_or_comment_only_sql_is_a_clear_400_and_exit_2(published: Path, sql: str) -> None:
    r = _api(sql)
    assert r.status_code == 400 and "The query is empty" in r.json()["error"]
    # "--" ends the options: SQL starting with "--" is then the argument, not an option.
    done = runner.invoke(cli, ["query", "--", sql])
    assert done.exit_code == 2 and "The query is empty" in done.output
    assert "Traceback" not in done.output
    fr = runner.invoke(cli, ["query", "--lang", "fr", "--", sql])
    assert "La requête est vide" in fr.output


def test_several_statements_are_refused(published: Path) -> None:
    r = _api("SELECT 1; SELECT 2")
    assert r.status_code == 400 and "one SQL statement at a time (2" in r.json()["error"]


def test_temp_directory_is_out_of_reach(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".tmp").mkdir()
    (tmp_path / ".tmp" / "planted.csv").write_text("a\n1\n")
    for sql in (
        "COPY (SELECT * FROM border_crossings) TO '.tmp/x.parquet'",
        "COPY (SELECT 1) TO '.tmp/x.csv'",
        "SELECT * FROM read_csv('.tmp/planted.csv')",
        "SELECT * FROM read_parquet('.tmp/x.parquet')",
    ):
        r = _api(sql)
        assert r.status_code == 400 and "Query refused or failed" in r.json()["error"], sql
    assert sorted(p.name for p in (tmp_path / ".tmp").iterdir()) == ["planted.csv"]
    # Nothing spills to disk: the sandbox has no temp directory at all.
    assert _api("SELECT current_setting('temp_directory') AS t").json()["rows"] == [[""]]


def test_no_path_of_the_machine_in_any_answer(published: Path) -> None:
    home = get_settings().home
    secrets = {str(home), str(home.resolve()), str(Path.home()), str(Path.cwd())}
    for sql in (
        "SELECT * FROM duckdb_databases()",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM pragma_database_list",
        "SELECT path FROM duckdb_databases() WHERE path IS NOT NULL",
    ):
        r = _api(sql)
        assert r.status_code == 200, (sql, r.text)
        for s in secrets:
            assert s not in r.text, (sql, s)
    attached = _api("SELECT path FROM duckdb_databases() WHERE database_name = 'wh'").json()["rows"]
    assert attached == [["$CANUS_HOME/canus.duckdb"]]
    # Errors are scrubbed too.
    r = _api("SELECT * FROM read_csv('" + str(home) + "/x.csv')")
    assert r.status_code == 400 and str(home) not in r.text


def test_no_warehouse_answer_names_no_path() -> None:
    r = _api("SELECT 1")
    assert r.status_code == 503 and "canus update" in r.json()["error"]
    assert str(get_settings().home) not in r.text


def test_row_limit_is_reported_and_the_cli_says_so(published: Path) -> None:
    body = _api("SELECT range AS n FROM range(5000)", limit=10).json()
    assert body["truncated"] is True and body["rows"] == [[i] for i in range(10)]
    body = _api("SELECT range AS n FROM range(10)", limit=10).json()
    assert body["truncated"] is False and len(body["rows"]) == 10
    few = runner.invoke(cli, ["query", "SELECT range AS n FROM range(5000)", "--format", "csv", "--limit", "3"])
    assert few.exit_code == 0
    assert few.stdout.splitlines() == ["n", "0", "1", "2"]
    assert "Only the first 3 rows are shown" in few.stderr and "--all" in few.stderr
    every = runner.invoke(cli, ["query", "SELECT range AS n FROM range(5000)", "--format", "csv", "--all"])
    assert len(every.stdout.splitlines()) == 5001 and "Only the first" not in every.stderr
    default = runner.invoke(cli, ["query", "SELECT range AS n FROM range(5000)", "--format", "json"])
    assert default.stdout.count('"n"') == 1000 and "Only the first 1,000 rows" in default.stderr


def test_cli_query_has_the_time_limit_too(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_QUERY_TIMEOUT", "0.5")
    done = runner.invoke(cli, ["query", ENDLESS])
    assert done.exit_code == 2 and "0.5 s limit" in done.output


def test_workers_reopen_on_a_new_warehouse(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from canus.web.app import create_app

    sql = "SELECT count(*) AS n FROM border_crossings"
    with TestClient(create_app()) as client:
        before = client.get("/api/query", params={"sql": sql}).json()["rows"]
        publish_bts_fixture(tmp_path / "second", monkeypatch, fixture="export_2019.csv", on_purpose=True)
        after = client.get("/api/query", params={"sql": sql}).json()["rows"]
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        expected = con.execute(sql).fetchall()
    finally:
        con.close()
    assert after == [list(expected[0])] and after != before, (before, after)
