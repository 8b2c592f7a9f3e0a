"""The report store: checks, rate limits, tokens, hashed clients, and `canus feedback list`."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from canus.settings import get_settings
from canus.web.feedback.store import DAILY_MAX, MAX_DETAILS, FeedbackError, FeedbackStore, FeedbackUnavailable

T0 = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def _add(store: FeedbackStore, client: str = "10.0.0.1", at: dt.datetime = T0, **kw: object) -> int:
    args = {"lang": "en", "page": "/en/border", "kinds": ["wrong"], "details": "x"} | kw
    return store.add(client_address=client, now=at, **args)  # type: ignore[arg-type]


def test_report_is_stored_in_canus_home_without_the_client_address() -> None:
    store = FeedbackStore()
    assert store.path == get_settings().feedback_path
    rid = _add(store, details="  The 2019 figure is wrong.\r\n ")
    [r] = store.list()
    assert (r.id, r.page, r.kinds, r.details) == (rid, "/en/border", ["wrong"], "The 2019 figure is wrong.")
    raw = store.path.read_bytes()
    assert b"10.0.0.1" not in raw  # only a keyed hash of the address is kept


def test_second_report_within_a_minute_is_refused_then_accepted_later() -> None:
    store = FeedbackStore()
    _add(store)
    with pytest.raises(FeedbackError) as e:
        _add(store, at=T0 + dt.timedelta(seconds=30))
    assert e.value.reason == "rate_limited"
    assert "wait" in e.value.localized("en")
    assert e.value.localized("en").startswith("You sent a report less than a minute ago.")
    assert e.value.localized("fr") != e.value.localized("en")
    _add(store, client="10.0.0.2", at=T0 + dt.timedelta(seconds=30))  # another client is fine
    _add(store, at=T0 + dt.timedelta(seconds=61))
    assert len(store.list()) == 3


def test_daily_cap_per_client() -> None:
    store = FeedbackStore()
    for i in range(DAILY_MAX):
        _add(store, at=T0 + dt.timedelta(minutes=2 * i))
    with pytest.raises(FeedbackError, match="many reports today") as e:
        _add(store, at=T0 + dt.timedelta(minutes=2 * DAILY_MAX))
    assert e.value.reason == "rate_limited"
    assert e.value.localized("en").startswith("You have sent many reports today.")
    assert e.value.localized("fr") != e.value.localized("en")
    _add(store, at=T0 + dt.timedelta(days=1, minutes=2 * DAILY_MAX))


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"details": "x" * (MAX_DETAILS + 1)}, "too_long"),
        ({"kinds": ["wrong", "hacked"]}, "invalid"),
        ({"kinds": [], "details": "   "}, "empty"),
        ({"page": "https://evil.example/"}, "invalid"),
        ({"page": "//evil.example/"}, "invalid"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_stored(kw: dict, reason: str) -> None:
    store = FeedbackStore()
    with pytest.raises(FeedbackError) as e:
        _add(store, **kw)
    assert e.value.reason == reason
    assert e.value.localized("fr") != ""
    assert store.list() == []


def test_csrf_tokens_are_signed_with_the_store_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = FeedbackStore()
    token = store.new_token()
    assert len(token) == 40 and store.token_valid(token)
    assert FeedbackStore().token_valid(token)  # the secret lives in the file: survives restarts
    forged = token[:16] + "0" * 24
    assert not store.token_valid(forged) and not store.token_valid("") and not store.token_valid(None)
    other = FeedbackStore(path=tmp_path / "other.sqlite")
    assert not other.token_valid(token)


def test_cli_lists_reports_with_markup_printed_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.cli import app

    store = FeedbackStore()
    _add(store, details="[bold red]not markup[/] <script>alert(1)</script>")
    runner = CliRunner()
    result = runner.invoke(app, ["feedback", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "[bold red]not markup[/]" in result.output
    assert "/en/border" in result.output
    out = runner.invoke(app, ["feedback", "list", "--json"])
    assert '"details": "[bold red]not markup[/] <script>alert(1)</script>"' in out.output
    # The file is a plain SQLite database anyone can inspect.
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (1,)


def test_cli_says_when_there_are_no_reports() -> None:
    from canus.cli import app

    result = CliRunner().invoke(app, ["feedback", "list", "--lang", "fr"])
    assert result.exit_code == 0
    assert "Aucun signalement" in result.output


def test_a_store_that_cannot_be_opened_closes_reports_and_tells_the_operator_why(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    # A directory where the database file should be: SQLite cannot open it (a real failure, not a full disk).
    path = tmp_path / "feedback.sqlite"
    path.mkdir()
    store = FeedbackStore(path=path)
    with caplog.at_level("ERROR", logger="canus.web"), pytest.raises(FeedbackUnavailable) as e:
        store.add(lang="en", page="/en/border", kinds=["wrong"], details="", client_address="10.0.0.9")
    assert e.value.localized("en") == "Reports are closed for now: this server cannot store them."
    [record] = caplog.records
    assert record.getMessage().startswith(f"feedback report not stored in {path}: ")
    assert record.getMessage().endswith("(check the permissions)") and "disk is full" not in record.getMessage()


def test_client_ids_are_short_keyed_hashes_kept_apart_from_tokens(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = FeedbackStore(path=tmp_path / "f.sqlite")
    a, b = store.client_id("10.0.0.1"), store.client_id("10.0.0.2")
    assert len(a) == 16 and int(a, 16) >= 0 and a != b and a == store.client_id("10.0.0.1")
    # Another store (another secret) gives the same address another id: nothing to match across sites.
    assert FeedbackStore(path=tmp_path / "g.sqlite").client_id("10.0.0.1") != a


def test_a_token_signs_its_own_nonce() -> None:
    store = FeedbackStore()
    token = store.new_token()
    # The signature of one nonce does not vouch for another: no token can be made from a seen one.
    other_nonce = format((int(token[:16], 16) + 1) % 16**16, "016x")
    assert not store.token_valid(other_nonce + token[16:])
    assert len({store.new_token()[16:] for _ in range(5)}) == 5


def test_a_store_that_cannot_be_written_keeps_its_secret_in_memory_and_says_so(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "feedback.sqlite"
    path.mkdir()  # SQLite can neither read nor create a database here
    store = FeedbackStore(path=path)
    with caplog.at_level("WARNING", logger="canus.web"):
        token = store.new_token()
    assert store.token_valid(token) and len(store.secret()) == 32
    [record] = caplog.records
    assert record.getMessage().startswith(f"feedback store {path} cannot be written (")
    assert record.getMessage().endswith("); reports are closed") and "(None)" not in record.getMessage()


def test_the_list_gives_every_field_back_newest_first_and_stops_at_its_limit() -> None:
    store = FeedbackStore()
    first = _add(store, lang="fr", page="/fr/frontiere", kinds=["wrong", "outdated"], data_version="2026-11-20")
    second = _add(store, client="10.0.0.2", kinds=[], details="Le tableau ne charge pas.")
    newest, oldest = store.list()
    assert (newest.id, oldest.id) == (second, first)
    assert (oldest.lang, oldest.page, oldest.kinds, oldest.data_version) == (
        "fr",
        "/fr/frontiere",
        ["wrong", "outdated"],
        "2026-11-20",
    )
    assert oldest.received_at == T0.isoformat()
    assert (newest.kinds, newest.details, newest.data_version) == ([], "Le tableau ne charge pas.", None)
    assert [r.id for r in store.list(limit=1)] == [second]


def test_a_store_file_without_its_table_lists_nothing_and_another_fault_is_raised() -> None:
    store = FeedbackStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(store.path).close()  # an empty database: no reports table yet
    assert store.list() == []
    store.path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        store.list()


def test_a_refusal_names_what_was_wrong() -> None:
    with pytest.raises(FeedbackError) as e:
        _add(FeedbackStore(), kinds=["wrong", "hacked", "spam"])
    assert e.value.localized("en") == "Unknown kind of problem: hacked, spam"
    assert "hacked, spam" in e.value.localized("fr")


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """``path`` made read-only for this process: by its mode, or (root ignores modes) by a read-only bind mount."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if shutil.which("mount") is None:
        pytest.skip("running as root without mount(8): cannot make one file read-only")
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], check=True)
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_the_store_is_writable_only_when_both_its_file_and_its_folder_are() -> None:
    store = FeedbackStore()
    # Not created yet: the nearest folder that exists decides, however deep the store would be.
    assert not store.path.exists() and not store.path.parent.exists()
    assert store.writable()
    _add(store)
    assert store.writable()
    with _read_only(store.path):
        assert not store.writable()  # the file alone is read-only: SQLite could not write it
    with _read_only(store.path.parent):
        assert not store.writable()  # the folder: SQLite could not write its journal beside it
    assert store.writable()


def test_a_store_not_yet_created_under_a_read_only_folder_is_not_writable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    store = FeedbackStore(path=locked / "a" / "b" / "feedback.sqlite")
    assert store.writable()
    with _read_only(locked):
        assert not store.writable()  # the folder two levels up is the one that exists, and it is read-only


def test_the_list_shows_the_newest_two_hundred_by_default() -> None:
    store = FeedbackStore()
    ids = [_add(store, client=f"10.1.{i // 250}.{i % 250}") for i in range(201)]
    listed = store.list()
    assert len(listed) == 200 and [r.id for r in listed] == ids[:0:-1]
