from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loopback import Loopback

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def canus_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own CANUS_HOME, no mirror, fast retries and no key."""
    home = tmp_path / "home"
    monkeypatch.setenv("CANUS_HOME", str(home))
    for var in ("CANUS_MIRROR", "CANUS_CENSUS_API_KEY", "CANUS_LANG", "CANUS_ADMIN_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CANUS_TIMEOUT", "2")
    monkeypatch.setenv("CANUS_RETRIES", "3")
    monkeypatch.setenv("CANUS_BACKOFF", "0.05")
    # The admin page's wrong-token count is per process (a server's whole life): a test that used
    # up the tries must not leave the next test's admin request refused with 429.
    from canus.web.routes import feedback as routes_feedback

    routes_feedback._admin_failures.clear()
    return home


#: The web state's page-cache warm-up threads (web/state.py names them so).
WARM_THREAD = "canus-warm"
#: Longest a test waits for a warm-up it started; a real hang fails the test instead of the run.
WARM_JOIN_SECONDS = 300


def join_warm_threads(timeout: float = WARM_JOIN_SECONDS) -> list[str]:
    """Wait for every warm-up thread; return the names of any still running after ``timeout``.

    A daemon warm-up thread still inside DuckDB when the interpreter exits aborts the process
    ("terminate called … FATAL: exception not rethrown", exit 134) after every test passed;
    and one left running reads the previous test's CANUS_HOME while the next test runs."""
    for t in threading.enumerate():
        if t.name == WARM_THREAD and t is not threading.current_thread():
            t.join(timeout)
    return [t.name for t in threading.enumerate() if t.name == WARM_THREAD and t.is_alive()]


class _WarmFailures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("warming the page cache failed"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def warm_up_is_joined_and_clean() -> Iterator[None]:
    """After each test, wait for the warm-up threads it started, and fail the test when warming
    a page raised (web/state.py logs it and carries on, so nothing else would notice)."""
    handler = _WarmFailures()
    logger = logging.getLogger("canus.web")
    logger.addHandler(handler)
    try:
        yield
        stuck = join_warm_threads()
    finally:
        logger.removeHandler(handler)
    assert stuck == [], f"page-cache warm-up still running after {WARM_JOIN_SECONDS} s"
    if handler.records:
        r = handler.records[0]
        detail = logging.Formatter().formatException(r.exc_info) if r.exc_info else r.getMessage()
        pytest.fail(f"warming the page cache raised ({len(handler.records)} time(s)):\n{detail}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Belt and braces for threads started outside a test (module fixtures' teardown).
    join_warm_threads()


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (it sits beside the project in CI)")
    return SHARED_DATA


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
