"""The one retry policy for every publisher: which answers are retried, how long to wait, when to stop.

Used by the generic downloads (``sources.fetch``), the small API calls built on them and the
Statistics Canada Web Data Service client, so a 429 or a 503 is treated alike everywhere:

- up to ``CANUS_RETRIES`` tries, waiting ``CANUS_BACKOFF`` seconds after the first and twice as
  long after each next one;
- a ``Retry-After`` from the server replaces that wait, in either of its two forms
  (delta-seconds ``120`` or an HTTP-date ``Wed, 21 Oct 2026 07:28:00 GMT``, RFC 9110 §10.2.3),
  capped at ``MAX_RETRY_AFTER`` so a hostile or confused server cannot park an update;
- a :class:`Deadline` bounds the whole exchange for one file, retries and waits included.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from canus.settings import Settings

#: Statuses that mean "try again later" for every publisher (each client may add its own).
RETRY_STATUS: frozenset[int] = frozenset({429, 500, 502, 503, 504})
#: The longest wait a server's ``Retry-After`` can impose, in seconds.
MAX_RETRY_AFTER = 120.0
#: The slowest transfer rate a download is given time for beyond the base deadline: a file whose
#: size the publisher announces gets ``size / MIN_BYTES_PER_SECOND`` seconds more.
MIN_BYTES_PER_SECOND = 256 * 1024


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait that a ``Retry-After`` value asks for, or ``None`` when absent or unreadable.

    Both forms of the header are read: delta-seconds (``"120"``) and an HTTP-date
    (``"Wed, 21 Oct 2026 07:28:00 GMT"``). The result is clamped to ``[0, MAX_RETRY_AFTER]``;
    a date in the past means "now".
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return min(MAX_RETRY_AFTER, float(text))
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        # Not the standard's form, but some servers send "1.5"; a negative or NaN value is no wait.
        return min(MAX_RETRY_AFTER, seconds) if seconds > 0 else 0.0
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        # RFC 9110: HTTP-dates are always GMT, even in the obsolete forms without a zone.
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return min(MAX_RETRY_AFTER, max(0.0, (when - now).total_seconds()))


class DeadlineExceeded(Exception):
    """The time allowed for one file ran out (turned into a ``FetchError`` by the caller)."""


@dataclass
class Deadline:
    """A total time limit for one file, scaled up by its announced size.

    ``seconds`` is the base limit (``CANUS_DOWNLOAD_DEADLINE``); :meth:`scale` adds time for a
    large file once its ``Content-Length`` is known, never less than the base.
    """

    seconds: float
    started: float = field(default_factory=time.monotonic)
    limit: float = 0.0

    def __post_init__(self) -> None:
        self.limit = self.seconds

    def scale(self, size: int | None) -> None:
        if size is not None and size > 0:
            self.limit = max(self.limit, self.seconds + size / MIN_BYTES_PER_SECOND)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.limit - self.elapsed()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise DeadlineExceeded


@dataclass
class RetryPolicy:
    """How many tries, how long between them, and which HTTP answers are worth another try."""

    tries: int
    backoff: float
    retry_status: frozenset[int] = RETRY_STATUS

    @classmethod
    def from_settings(cls, settings: Settings, *, extra_status: frozenset[int] = frozenset()) -> RetryPolicy:
        return cls(tries=max(1, settings.retries), backoff=settings.backoff, retry_status=RETRY_STATUS | extra_status)

    def attempts(self, deadline: Deadline | None = None) -> Iterator[Attempt]:
        """Yield one :class:`Attempt` per try; call ``attempt.wait(...)`` before the next one."""
        delay = self.backoff
        for n in range(1, self.tries + 1):
            attempt = Attempt(n, n == self.tries, delay, deadline)
            yield attempt
            delay *= 2

    def is_retried(self, status: int) -> bool:
        return status in self.retry_status


@dataclass
class Attempt:
    number: int
    last: bool
    delay: float
    deadline: Deadline | None = None

    def wait(self, retry_after: str | float | None = None) -> None:
        """Sleep before the next try: the server's ``Retry-After`` if it gave one, else the back-off.

        Raises :class:`DeadlineExceeded` when the wait would run past the file's deadline.
        """
        if self.last:
            return
        asked = parse_retry_after(retry_after) if isinstance(retry_after, str) else retry_after
        pause = self.delay if asked is None else asked
        if self.deadline is not None and pause >= self.deadline.remaining():
            raise DeadlineExceeded
        time.sleep(pause)
