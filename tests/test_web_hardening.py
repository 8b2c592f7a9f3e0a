"""Headers, HEAD, redirects, admin throttling, proxy headers, ETags, and a home that cannot be written.

Served in-process (TestClient) or by a real uvicorn on 127.0.0.1, on a warehouse built by the
real pipeline from the fixture mirror.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from canus.settings import get_settings
from canus.web.page import sections
from tests.live_server import free_port
from tests.web_helpers import build_warehouse


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_warehouse(tmp_path, monkeypatch)
    monkeypatch.delenv("CANUS_MIRROR")
    return get_settings().home


@pytest.fixture
def client(built: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CANUS_ADMIN_TOKEN", "admin-secret")
    from canus.web.app import create_app

    with TestClient(create_app()) as c:
        yield c


def every_get_path() -> list[str]:
    """Every page and twin a reader can ask for, in both languages, and the API."""
    from canus.web.page.builders import CHART_BUILDERS

    paths = ["/", "/api/version", "/api/sources", "/api/metrics", "/api/openapi.json"]
    for lang in ("en", "fr"):
        paths += [f"/{lang}/", f"/{lang}/.json", f"/{lang}/sources", sections.path_for("feedback", lang)]
        for sec in sections.SECTIONS:
            if sec.in_nav:
                path = sections.path_for(sec.id, lang)
                paths += [path, path + ".json"]
        for chart_id in CHART_BUILDERS:
            paths.append(sections.path_for("charts", lang, f"/{chart_id}"))
    return list(dict.fromkeys(paths))


def _token(client: TestClient) -> str:
    html = client.get("/en/border").text
    return re.search(r'name="csrf" value="([0-9a-f]{40})"', html).group(1)  # type: ignore[union-attr]


# -- headers and HEAD ------------------------------------------------------------------------


def test_security_headers_and_who_may_frame_what(client: TestClient) -> None:
    chart = sections.path_for("charts", "en", "/" + _first_chart())
    for path in ("/en/", "/en/border", "/api/version", sections.path_for("feedback", "fr"), chart):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        csp = r.headers["content-security-policy"]
        assert "script-src 'self' 'unsafe-eval';" in csp and "http" not in csp and "object-src 'none'" in csp
    # A chart embed is made to be framed elsewhere; nothing else is (the form: click-jacking).
    assert "frame-ancestors *" in client.get(chart).headers["content-security-policy"]
    assert "x-frame-options" not in client.get(chart).headers
    form = client.get(sections.path_for("feedback", "en"))
    assert "frame-ancestors 'none'" in form.headers["content-security-policy"]
    assert form.headers["x-frame-options"] == "DENY"
    admin = client.get("/en/report-problem/admin")
    assert "frame-ancestors 'none'" in admin.headers["content-security-policy"]
    # No inline script in a page: the CSP allows only the site's own files.
    assert not re.search(r"<script(?![^>]*\bsrc=)", client.get("/en/border").text)


def test_head_answers_on_every_get_route(client: TestClient) -> None:
    for path in (
        "/en/",
        "/fr/frontiere",
        "/en/border.json",
        "/en/border.csv",
        "/api/sources",
        "/api/version",
        "/en/report-problem",
    ):
        got = client.get(path)
        head = client.head(path)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"], path
        if "etag" in got.headers:
            assert head.headers["etag"] == got.headers["etag"], path
    assert client.head("/en/no-such-page").status_code == 404


def test_etag_is_derived_from_the_body(client: TestClient) -> None:
    for path in ("/api/sources", "/en/border.json", "/en/border.csv"):
        r = client.get(path)
        assert r.headers["etag"] == '"' + hashlib.sha256(r.content).hexdigest()[:24] + '"', path
        assert client.get(path, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


# -- report form and admin page --------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example/x",
        "//evil.example/",
        "https://evil.example/",
        "/en/\\\\evil",
        "javascript:alert(1)",
        "/en/\r\nSet-Cookie: x=1",
        "/xx/border",
        "/en//evil.example",
    ],
)
def test_report_redirect_stays_on_canus_paths(client: TestClient, target: str) -> None:
    r = client.post(
        "/en/report-problem", data={"csrf": _token(client), "page": target, "kind": "other"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/en/report-problem?sent=1", r.headers["location"]
    thanks = client.get(r.headers["location"]).text
    assert "evil" not in thanks


def test_report_redirect_keeps_a_page_of_the_site(client: TestClient) -> None:
    r = client.post(
        "/fr/signaler-probleme",
        data={"csrf": _token(client), "page": "/fr/frontiere", "kind": "other"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/fr/signaler-probleme?sent=1&page=/fr/frontiere"
    assert 'href="/fr/frontiere"' in client.get(r.headers["location"]).text


def test_a_thousand_emoji_is_a_valid_report(client: TestClient) -> None:
    details = "🇨🇦" * 500  # 1,000 characters, 4,000 bytes of UTF-8, 12,000 once form-encoded
    r = client.post(
        "/en/report-problem", data={"csrf": _token(client), "page": "/en/", "details": details}, follow_redirects=False
    )
    assert r.status_code == 303, r.text[:500]
    admin = client.post("/en/report-problem/admin", data={"token": "admin-secret"})
    assert details in admin.text
    over = client.post("/en/report-problem", data={"csrf": _token(client), "page": "/en/", "details": "🇨🇦" * 500 + "x"})
    assert over.status_code in (400, 429)
    # The text box does not count in UTF-16 units (which would stop at 500 emoji): no maxlength.
    assert "maxlength" not in client.get("/en/report-problem").text


def test_admin_answers_are_never_stored_and_guesses_are_throttled(client: TestClient) -> None:
    from canus.web.routes import feedback as routes_feedback

    ok = client.post("/en/report-problem/admin", data={"token": "admin-secret"})
    assert ok.status_code == 200 and ok.headers["cache-control"] == "no-store"
    assert client.get("/en/report-problem/admin").headers["cache-control"] == "no-store"
    codes = [
        client.post("/en/report-problem/admin", data={"token": f"guess-{i}"}).status_code
        for i in range(routes_feedback.ADMIN_TRIES + 2)
    ]
    assert codes[: routes_feedback.ADMIN_TRIES] == [403] * routes_feedback.ADMIN_TRIES
    assert codes[routes_feedback.ADMIN_TRIES :] == [429, 429]
    # Once throttled even the right token waits: guessing cannot be interleaved with it.
    late = client.post("/en/report-problem/admin", data={"token": "admin-secret"})
    assert late.status_code == 429 and late.headers["retry-after"] == "60"
    assert late.headers["cache-control"] == "no-store"


@contextmanager
def _uvicorn(options: dict) -> Iterator[str]:
    from canus.web.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < end
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _report_from(base: str, forwarded_for: str) -> int:
    with httpx.Client(base_url=base, timeout=60) as c:
        html = c.get("/en/border").text
        token = re.search(r'name="csrf" value="([0-9a-f]{40})"', html).group(1)  # type: ignore[union-attr]
        return c.post(
            "/en/report-problem",
            data={"csrf": token, "page": "/en/", "kind": "other"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code


def test_forwarded_for_is_ignored_unless_a_proxy_is_named(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.web.hardening import uvicorn_options

    with _uvicorn(uvicorn_options(get_settings())) as base:
        assert _report_from(base, "203.0.113.1") == 303
        # Another claimed address from the same client is the same client: rate-limited.
        assert _report_from(base, "203.0.113.2") == 429
    monkeypatch.setenv("CANUS_PROXY", "127.0.0.1")
    options = uvicorn_options(get_settings())
    assert options["proxy_headers"] is True and options["forwarded_allow_ips"] == "127.0.0.1"
    with _uvicorn(options) as base:
        # Behind the named proxy, each forwarded client is told apart.
        assert _report_from(base, "203.0.113.3") == 303
        assert _report_from(base, "203.0.113.4") == 303


# -- the command line shows reports without letting them drive the terminal ------------------


def test_feedback_list_escapes_terminal_controls(built: Path) -> None:
    from canus.cli import app
    from canus.web.feedback.store import FeedbackStore

    nasty = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x1b[2J\x1b[31mred\x9b1m \u202eevil\r overwrite\x07"
    FeedbackStore().add(lang="en", page="/en/\x1b[5mborder", kinds=["other"], details=nasty, client_address="10.0.0.9")
    runner = CliRunner()
    table = runner.invoke(app, ["feedback", "list"], env={"COLUMNS": "300"})
    assert table.exit_code == 0, table.output
    for raw in ("\x1b", "\x9b", "\u202e", "\r", "\x07"):
        assert raw not in table.output, repr(raw)
    assert "\\x1b]8;;http://evil.example/" in table.output and "\\u202e" in table.output
    as_json = runner.invoke(app, ["feedback", "list", "--json"])
    for raw in ("\x1b", "\x9b", "\u202e", "\r", "\x07"):
        assert raw not in as_json.output, repr(raw)
    import json

    # The export keeps the data as sent.
    assert json.loads(as_json.output)[0]["details"] == nasty.strip()


# -- a home that cannot be written -----------------------------------------------------------


@contextmanager
def _read_only_copy(home: Path, tmp_path: Path) -> Iterator[Path]:
    """``home`` copied where nothing can be written: a read-only tmpfs as root, else a0555 dirs."""
    target = tmp_path / "ro-home"
    target.mkdir()
    if os.geteuid() == 0:
        # Root ignores permission bits: only a read-only file system stops it.
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(target)], check=True)
        try:
            shutil.copytree(home, target, dirs_exist_ok=True)
            subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)
            yield target
        finally:
            subprocess.run(["umount", "-l", str(target)], check=False)
    else:
        shutil.copytree(home, target, dirs_exist_ok=True)
        for p in [target, *target.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield target
        finally:
            for p in [target, *target.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)


def _can_mount() -> bool:
    return os.geteuid() != 0 or shutil.which("mount") is not None


@pytest.mark.parametrize("with_store", [False, True], ids=["no-store-yet", "store-exists"])
def test_read_only_home_serves_every_page(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_store: bool
) -> None:
    if not _can_mount():
        pytest.skip("running as root without mount(8): cannot make a read-only file system")
    from canus.web.feedback.store import FeedbackStore

    if with_store:
        FeedbackStore().add(lang="en", page="/en/", kinds=["other"], details="before", client_address="x")
        issued = FeedbackStore().new_token()
    from canus.web.app import create_app

    paths = every_get_path()
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        # On a writable home first: a chart without data in the fixture is a 404 in both.
        writable = {p: c.get(p).status_code for p in paths}
    assert {s for s in writable.values()} <= {200, 404}
    assert sum(s == 200 for s in writable.values()) > 40
    if not with_store:
        (built / "feedback.sqlite").unlink()  # the pages above created it
    with _read_only_copy(built, tmp_path) as home:
        monkeypatch.setenv("CANUS_HOME", str(home))
        with pytest.raises(OSError):
            (home / "probe").write_text("x")
        if with_store:
            # The secret is read from the store without writing: a reader's token outlives a restart.
            assert FeedbackStore().token_valid(issued)
        with TestClient(create_app(), raise_server_exceptions=False) as c:
            read_only = {p: c.get(p).status_code for p in paths}
            assert read_only == writable
            form = c.get("/en/report-problem")
            assert "Reports are closed for now" in form.text
            assert "Les signalements sont fermés" in c.get("/fr/signaler-probleme").text
            token = re.search(r'name="csrf" value="([0-9a-f]{40})"', c.get("/en/border").text).group(1)  # type: ignore[union-attr]
            r = c.post("/en/report-problem", data={"csrf": token, "page": "/en/", "kind": "other"})
            assert r.status_code == 503 and "Reports are closed for now" in r.text
            assert str(home) not in r.text


def test_full_disk_gives_a_clear_503_for_reports(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root and mount(8)")
    from canus.web.app import create_app
    from canus.web.feedback.store import FeedbackStore

    disk = tmp_path / "small"
    disk.mkdir()
    size = sum(p.stat().st_size for p in built.rglob("*") if p.is_file()) + 4 * 1024 * 1024
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], check=True)
    try:
        shutil.copytree(built, disk, dirs_exist_ok=True)
        monkeypatch.setenv("CANUS_HOME", str(disk))
        FeedbackStore().add(lang="en", page="/en/", kinds=["other"], details="before", client_address="x")
        # Fill what is left of the disk.
        with (disk / "filler").open("wb") as f, pytest.raises(OSError):
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        with TestClient(create_app(), raise_server_exceptions=False) as c:
            assert c.get("/en/border").status_code == 200
            token = re.search(r'name="csrf" value="([0-9a-f]{40})"', c.get("/en/border").text).group(1)  # type: ignore[union-attr]
            with caplog.at_level("ERROR", logger="canus.web"):
                r = c.post(
                    "/en/report-problem", data={"csrf": token, "page": "/en/", "kind": "other", "details": "y" * 1000}
                )
            assert r.status_code == 503 and r.headers["retry-after"] == "3600"
            assert "the server&#39;s disk is full" in r.text and "rollback" not in r.text
            assert str(disk) not in r.text
            # The operator's log names the file and the need.
            assert str(disk / "feedback.sqlite") in caplog.text and "disk is full" in caplog.text
        assert [rep.details for rep in FeedbackStore().list()] == ["before"]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _first_chart() -> str:
    from canus.web.page.builders import CHART_BUILDERS

    return sorted(CHART_BUILDERS)[0]


def test_openapi_declares_the_error_answers(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    ops = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert any(path == "/api/query" for path, _, _ in ops)
    for path, method, op in ops:
        missing = {"400", "404", "413", "429", "503"} - set(op["responses"])
        assert not missing, (method, path, missing)
    # And the query route does give them: an empty query is a 400 with the Error shape.
    r = client.get("/api/query", params={"sql": ""})
    assert r.status_code == 400 and set(r.json()) == {"error", "status"}


def test_shutdown_stops_the_warm_up_and_the_query_workers(built: Path) -> None:
    from canus.web.app import create_app

    app = create_app()
    with TestClient(app) as c:
        assert c.get("/api/version").status_code == 200  # a new version: the warm-up starts
        assert c.get("/api/query", params={"sql": "SELECT 1 AS one"}).json()["rows"] == [[1]]
        pool = app.state.query_pool
        warm = app.state.canus._warm_thread
        assert warm is not None
    # Shutdown ran: no worker is left, and the warm-up ends at its next page instead of
    # rendering every section in both languages first.
    assert app.state.query_pool is None
    assert not any(t.is_alive() for t in pool._threads)
    warm.join(timeout=10)
    assert not warm.is_alive()
    assert app.state.canus._stopping.is_set()
