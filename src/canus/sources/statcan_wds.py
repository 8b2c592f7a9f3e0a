"""Statistics Canada Web Data Service (WDS): one function per endpoint canus calls.

Reference: https://www.statcan.gc.ca/en/developers/wds/user-guide (the official guide) and
``reference/official-sources.md`` §1 for the formats seen in real responses.

Every answer is checked twice: the HTTP status, then the ``status`` inside the body
(``SUCCESS``/``FAILED``) and each item's ``responseStatusCode``. StatCan locks a table while it
publishes it (code 6, or HTTP 409 around 08:30 Eastern on release day), so those are retried
with back-off like 429 and 5xx. Calls are throttled to at most ten a second per process, well
under the limits third parties report for the service.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from typing import Any

import httpx

from canus.errors import FetchError
from canus.settings import Settings, get_settings
from canus.sources.fetch import MAX_RETRY_AFTER, http_client

DEFAULT_WDS = "https://www150.statcan.gc.ca/t1/wds/rest"
DEFAULT_CSV = "https://www150.statcan.gc.ca/n1/tbl/csv"
WDS_ENV = "CANUS_STATCAN_WDS"
CSV_ENV = "CANUS_STATCAN_CSV"
MAX_PER_SECOND = 10.0
RETRY_HTTP = {409, 429, 500, 502, 503, 504}
#: responseStatusCode values that mean "try again later" rather than "your request is wrong".
RETRY_CODES = {6}

#: wdsResponseStatus code set (real getCodeSets answer), as catalogue messages.
RESPONSE_CODES: dict[int, str] = {
    0: "Success",
    1: "Invalid date",
    2: "Invalid cube and series combination",
    3: "Request failed",
    4: "Vector is invalid",
    5: "Cube product id is invalid",
    6: "Cube is currently being published. Please try again later.",
    7: "Cube is not available",
    8: "Invalid number of reference periods",
}
HTTP_MESSAGES: dict[int, str] = {
    409: "the table is locked while Statistics Canada publishes it (HTTP 409)",
    503: "the Statistics Canada website is currently unavailable (HTTP 503)",
}


def wds_base() -> str:
    return os.environ.get(WDS_ENV, DEFAULT_WDS).rstrip("/")


def csv_base() -> str | None:
    """The zip base address when set; otherwise the WDS tells where each zip is."""
    value = os.environ.get(CSV_ENV)
    return value.rstrip("/") if value else None


class _Throttle:
    """At most ``rate`` calls a second across the threads of this process."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.lock = threading.Lock()
        self.next_at = 0.0

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            if self.next_at > now:
                time.sleep(self.next_at - now)
                now = self.next_at
            self.next_at = now + self.interval


THROTTLE = _Throttle(MAX_PER_SECOND)


def pid8(value: str | int) -> str:
    """The 8-digit product id of ``12-10-0011-01``, ``1210001101`` or ``12100011``."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) < 8:
        raise ValueError(f"not a Statistics Canada table number: {value!r}")
    return digits[:8]


def _code_message(code: int) -> str:
    return RESPONSE_CODES.get(code, f"unknown response code {code}")


def _retry_after(resp: httpx.Response, default: float) -> float:
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(resp.headers.get("Retry-After", ""))))
    except ValueError:
        return default


def _call(
    method: str,
    endpoint: str,
    source_id: str,
    *,
    body: Any = None,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
) -> Any:
    """Call one endpoint; return the decoded body once HTTP and body statuses say success."""
    settings = settings or get_settings()
    url = f"{wds_base()}/{endpoint}"
    own = client is None
    client = client or http_client(settings)
    delay = settings.backoff
    last = ""
    try:
        for attempt in range(1, settings.retries + 1):
            THROTTLE.wait()
            try:
                if method == "POST":
                    resp = client.post(url, content=json.dumps(body),
                                       headers={"Content-Type": "application/json"})
                else:
                    resp = client.get(url)
            except httpx.TimeoutException:
                last = f"no answer within {settings.timeout:g} s"
                wait = delay
            except httpx.TransportError as e:
                raise FetchError("{source}: {url}: could not connect ({problem})",
                                 source=source_id, url=url, problem=str(e) or type(e).__name__) from e
            else:
                if resp.status_code in RETRY_HTTP:
                    last = HTTP_MESSAGES.get(resp.status_code, f"HTTP {resp.status_code}")
                    wait = _retry_after(resp, delay)
                elif resp.status_code >= 400:
                    raise FetchError("{source}: {url}: the server answered HTTP {status}",
                                     source=source_id, url=url, status=resp.status_code)
                else:
                    try:
                        data = resp.json()
                    except ValueError as e:
                        raise FetchError(
                            "{source}: {url}: the answer is not JSON (it starts with {head!r})",
                            source=source_id, url=url, head=resp.text[:60],
                        ) from e
                    code = _busy_code(data)
                    if code is None:
                        _check_envelopes(data, source_id, url)
                        return data
                    last = _code_message(code)
                    wait = delay
            if attempt < settings.retries:
                time.sleep(wait)
                delay *= 2
        raise FetchError("{source}: {url}: gave up after {n} tries (last: {problem})",
                         source=source_id, url=url, n=settings.retries, problem=last)
    finally:
        if own:
            client.close()


def _envelopes(data: Any) -> list[Any]:
    return data if isinstance(data, list) else [data]


def _busy_code(data: Any) -> int | None:
    for env in _envelopes(data):
        obj = env.get("object") if isinstance(env, dict) else None
        if isinstance(obj, dict) and obj.get("responseStatusCode") in RETRY_CODES:
            return int(obj["responseStatusCode"])
    return None


def _check_envelopes(data: Any, source_id: str, url: str) -> None:
    for env in _envelopes(data):
        if not isinstance(env, dict) or "status" not in env:
            raise FetchError("{source}: {url}: the answer has no status envelope",
                             source=source_id, url=url)
        obj = env.get("object")
        code = obj.get("responseStatusCode") if isinstance(obj, dict) else None
        if env["status"] != "SUCCESS" or (isinstance(code, int) and code != 0):
            if isinstance(code, int):
                problem = f"code {code}: {_code_message(code)}"
            elif isinstance(obj, str) and obj:
                problem = obj
            else:
                problem = "status " + str(env["status"])
            raise FetchError("{source}: {url}: Statistics Canada refused the request ({problem})",
                             source=source_id, url=url, problem=problem)


def get_cube_metadata(pid: str, *, settings: Settings | None = None,
                      client: httpx.Client | None = None) -> dict[str, Any]:
    """``getCubeMetadata`` (POST ``[{"productId": pid}]``): titles, dimensions, members, releaseTime.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    data = _call("POST", "getCubeMetadata", f"statcan-{pid}", body=[{"productId": int(pid)}],
                 settings=settings, client=client)
    return _envelopes(data)[0]["object"]


def get_full_table_download_csv(pid: str, lang: str = "en", *, settings: Settings | None = None,
                                client: httpx.Client | None = None) -> str:
    """``getFullTableDownloadCSV/{pid}/{en|fr}``: the address of the table's full zip.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    endpoint = f"getFullTableDownloadCSV/{pid}/{lang}"
    data = _call("GET", endpoint, f"statcan-{pid}", settings=settings, client=client)
    url = data.get("object") if isinstance(data, dict) else None
    suffix = f"{pid}-{'eng' if lang == 'en' else 'fra'}.zip"
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) \
            or not url.endswith(suffix):
        raise FetchError("{source}: {url}: expected the address of {name}, got {got!r}",
                         source=f"statcan-{pid}", url=f"{wds_base()}/{endpoint}", name=suffix,
                         got=url)
    return url


def get_changed_cube_list(day: dt.date, *, settings: Settings | None = None,
                          client: httpx.Client | None = None) -> list[dict[str, Any]]:
    """``getChangedCubeList/{YYYY-MM-DD}``: the tables released on ``day``.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    data = _call("GET", f"getChangedCubeList/{day.isoformat()}", "statcan", settings=settings,
                 client=client)
    return list(data.get("object") or [])


def get_data_from_vectors_and_latest_n_periods(
    vectors: list[int | str], latest_n: int, *, settings: Settings | None = None,
    client: httpx.Client | None = None,
) -> list[dict[str, Any]]:
    """``getDataFromVectorsAndLatestNPeriods``: the last ``latest_n`` points of each vector.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    body = [{"vectorId": int(str(v).lstrip("vV")), "latestN": latest_n} for v in vectors]
    data = _call("POST", "getDataFromVectorsAndLatestNPeriods", "statcan", body=body,
                 settings=settings, client=client)
    return [env["object"] for env in _envelopes(data)]
