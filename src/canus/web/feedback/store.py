"""Reports from the "Report a problem on this page" form, kept in a small SQLite file.

The store is ``CANUS_HOME/feedback.sqlite`` (``settings.feedback_path``): one writer at a
time is all a feedback form needs, and SQLite's own locking makes it safe across workers.
It also keeps the secret that signs form tokens and hashes client addresses, so a restart
does not invalidate forms already on screen, and no raw IP address is ever stored.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from canus.errors import CanusError
from canus.i18n import LANGS, fmt_number
from canus.settings import Settings, get_settings

#: Kinds of problem offered as checkboxes: stored as these ids, labelled via the catalogue.
KINDS: dict[str, str] = {
    "broken": "Something is broken or does not load",
    "wrong": "A figure or statement is wrong",
    "outdated": "The information is out of date",
    "translation": "The translation is wrong or missing",
    "spelling": "There is a spelling or grammar mistake",
    "accessibility": "I cannot use it with my assistive technology",
    "other": "Other",
}
MAX_DETAILS = 1000
MAX_PAGE = 300
#: A form post larger than this is refused before it is parsed: room for MAX_DETAILS characters
#: of four UTF-8 bytes each, percent-encoded (x3), plus the other fields.
MAX_BODY = MAX_DETAILS * 12 + 4096
#: One report per client per window, and a daily cap per client.
WINDOW_SECONDS = 60
DAILY_MAX = 20
TOKEN_LENGTH = 40
#: What templates write where the form token goes (the middleware swaps in the real one).
PLACEHOLDER = "csrf-token-placeholder-".ljust(TOKEN_LENGTH, "0")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    lang TEXT NOT NULL,
    page TEXT NOT NULL,
    kinds TEXT NOT NULL,
    details TEXT NOT NULL,
    client TEXT NOT NULL,
    data_version TEXT
);
CREATE INDEX IF NOT EXISTS reports_client ON reports (client, received_at);
"""


log = logging.getLogger("canus.web")


class FeedbackError(CanusError):
    """A report that cannot be accepted; ``reason`` says which rule it broke."""

    def __init__(self, message: str, reason: str, **fields: object) -> None:
        super().__init__(message, **fields)
        self.reason = reason


class FeedbackUnavailable(CanusError):
    """The store cannot take reports now (read-only home, full disk); the reader is told so."""


@dataclass(frozen=True)
class Report:
    id: int
    received_at: str
    lang: str
    page: str
    kinds: list[str]
    details: str
    data_version: str | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class FeedbackStore:
    def __init__(self, settings: Settings | None = None, path: Path | None = None) -> None:
        self.path = path or (settings or get_settings()).feedback_path
        self._secret: bytes | None = None

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        try:
            con.executescript(_SCHEMA)
            yield con
        finally:
            con.close()

    @contextmanager
    def connect_readonly(self) -> Iterator[sqlite3.Connection]:
        """Reading never writes: a read-only home, or a full disk, still serves every page."""
        con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            yield con
        finally:
            con.close()

    def writable(self) -> bool:
        """Whether a report could be stored (the form says reports are closed otherwise)."""
        if self.path.exists():
            return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        parent = self.path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        return os.access(parent, os.W_OK)

    # -- secret, tokens and client ids ---------------------------------------------------

    def secret(self) -> bytes:
        """The signing secret: read from the store, created there once, at the first write.

        When the store cannot be written (read-only home, full disk) the secret lives in memory
        for this process: forms work until a restart, and no page request ever needs to write.
        """
        if self._secret is None:
            value = self._read_secret()
            if value is None:
                try:
                    with self.connect() as con:
                        con.execute("INSERT OR IGNORE INTO meta VALUES ('secret', ?)", (secrets.token_hex(32),))
                        row = con.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
                    value = row[0]
                except (OSError, sqlite3.Error) as e:
                    log.warning("feedback store %s cannot be written (%s); reports are closed", self.path, e)
                    value = secrets.token_hex(32)
            self._secret = bytes.fromhex(value)
        return self._secret

    def _read_secret(self) -> str | None:
        if not self.path.exists():
            return None
        try:
            with self.connect_readonly() as con:
                row = con.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
        except sqlite3.Error:
            return None  # no meta table yet: created at the first write
        return row[0] if row else None

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret(), b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()[:24]

    def new_token(self) -> str:
        """A CSRF token: 16 hex of nonce and 24 of its signature (always 40 characters)."""
        nonce = secrets.token_hex(8)
        return nonce + self._sign(nonce)

    def token_valid(self, token: str | None) -> bool:
        if not token or len(token) != TOKEN_LENGTH:
            return False
        nonce, sig = token[:16], token[16:]
        return hmac.compare_digest(sig, self._sign(nonce))

    def client_id(self, address: str) -> str:
        # Hashed with the store's secret: enough to rate-limit, useless to identify anyone.
        return hmac.new(self.secret(), b"client:" + address.encode(), hashlib.sha256).hexdigest()[:16]

    # -- reports --------------------------------------------------------------------------

    def add(
        self,
        *,
        lang: str,
        page: str,
        kinds: list[str],
        details: str,
        client_address: str,
        data_version: str | None = None,
        now: dt.datetime | None = None,
    ) -> int:
        """Store a report after checking it; raises :class:`FeedbackError` naming the rule broken."""
        kinds = [k for k in dict.fromkeys(kinds) if k]
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise FeedbackError("Unknown kind of problem: {kinds}", "invalid", kinds=", ".join(unknown))
        details = details.replace("\r\n", "\n").strip()
        if not kinds and not details:
            raise FeedbackError("Please tick at least one box or describe the problem.", "empty")
        if len(details) > MAX_DETAILS:
            raise FeedbackError(
                "The description is too long: at most {n} characters.",
                "too_long",
                n={code: fmt_number(MAX_DETAILS, code) for code in LANGS},
            )
        if len(page) > MAX_PAGE or not page.startswith("/") or page.startswith("//"):
            raise FeedbackError("The page address is not one of this site's pages.", "invalid")
        now = now or _now()
        client = self.client_id(client_address)
        try:
            return self._insert(now, lang, page, kinds, details, client, data_version)
        except (OSError, sqlite3.Error) as e:
            full = getattr(e, "errno", None) == errno.ENOSPC or "full" in str(e).lower()
            # The operator learns the path and the need from the log; the reader a plain refusal.
            log.error(
                "feedback report not stored in %s: %s",
                self.path,
                "the disk is full, free some space" if full else f"{e} (check the permissions)",
            )
            if full:
                raise FeedbackUnavailable(
                    "Reports cannot be stored right now: the server's disk is full. Please try again later."
                ) from None
            raise FeedbackUnavailable("Reports are closed for now: this server cannot store them.") from None

    def _insert(
        self,
        now: dt.datetime,
        lang: str,
        page: str,
        kinds: list[str],
        details: str,
        client: str,
        data_version: str | None,
    ) -> int:
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                recent, today = con.execute(
                    "SELECT count(*) FILTER (WHERE received_at > ?), count(*) FROM reports "
                    "WHERE client = ? AND received_at > ?",
                    (
                        (now - dt.timedelta(seconds=WINDOW_SECONDS)).isoformat(),
                        client,
                        (now - dt.timedelta(days=1)).isoformat(),
                    ),
                ).fetchone()
                if recent:
                    raise FeedbackError(
                        "You sent a report less than a minute ago. Please wait a moment before sending another.",
                        "rate_limited",
                    )
                if today >= DAILY_MAX:
                    raise FeedbackError(
                        "You have sent many reports today. Thank you; please try again tomorrow.", "rate_limited"
                    )
                cur = con.execute(
                    "INSERT INTO reports (received_at, lang, page, kinds, details, client, "
                    "data_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (now.isoformat(), lang, page, ",".join(kinds), details, client, data_version),
                )
                con.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (full disk) may already have ended the transaction: the
                # original error is the one to report, not "cannot rollback".
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        return int(cur.lastrowid or 0)

    def list(self, limit: int = 200) -> list[Report]:
        if not self.path.exists():
            return []
        try:
            with self.connect_readonly() as con:
                rows = con.execute(
                    "SELECT id, received_at, lang, page, kinds, details, data_version FROM reports "
                    "ORDER BY id DESC LIMIT ?",
                    (limit,),
                ).fetchall()
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):
                return []
            raise
        return [
            Report(i, at, lang, page, [k for k in kinds.split(",") if k], details, ver)
            for i, at, lang, page, kinds, details, ver in rows
        ]


def admin_token_ok(given: str | None, settings: Settings | None = None) -> bool:
    expected = (settings or get_settings()).admin_token
    return bool(expected and given and hmac.compare_digest(given.encode(), expected.encode()))
