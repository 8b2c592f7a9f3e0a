"""Statistics Canada Web Data Service (WDS): one function per endpoint canus calls.

Reference: https://www.statcan.gc.ca/en/developers/wds/user-guide (the official guide) and
``reference/official-sources.md`` §1 for the formats seen in real responses.

Every answer is checked three times: the HTTP status, then the ``status`` inside the body
(``SUCCESS``/``FAILED``) and each item's ``responseStatusCode``, then its shape against a typed
model (as ``stats_can`` validates its schemas), so a changed answer fails here, naming the field.
StatCan locks a table while it
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
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from canus.errors import FetchError
from canus.settings import Settings, get_settings
from canus.sources.fetch import http_client
from canus.sources.http import Deadline, DeadlineExceeded, RetryPolicy

DEFAULT_WDS = "https://www150.statcan.gc.ca/t1/wds/rest"
DEFAULT_CSV = "https://www150.statcan.gc.ca/n1/tbl/csv"
WDS_ENV = "CANUS_STATCAN_WDS"
CSV_ENV = "CANUS_STATCAN_CSV"
MAX_PER_SECOND = 10.0
#: Retried besides the house policy's statuses: 409 while a table is being published.
RETRY_HTTP = frozenset({409})
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


# ---------------------------------------------------------------------------- typed answers


class WdsModel(BaseModel):
    """An object of a WDS answer: camelCase on the wire, snake_case here; unknown keys kept."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow", frozen=True)


class Envelope(WdsModel):
    """``{"status": "SUCCESS"|"FAILED", "object": …}``: one per item of a bulk POST."""

    status: str
    object: Any = None

    @property
    def response_code(self) -> int | None:
        obj = self.object
        code = obj.get("responseStatusCode") if isinstance(obj, dict) else None
        return code if isinstance(code, int) else None


class CubeMember(WdsModel):
    member_id: int
    parent_member_id: int | None = None
    member_name_en: str
    member_name_fr: str | None = None
    terminated: int | None = None


class CubeDimension(WdsModel):
    dimension_position_id: int
    dimension_name_en: str
    dimension_name_fr: str | None = None
    member: list[CubeMember] = []


class CubeMetadata(WdsModel):
    """``getCubeMetadata``'s object (``reference/official-sources.md`` §1.4)."""

    response_status_code: int = 0
    #: A string here ("33100302"), though an int in other answers.
    product_id: str
    cube_title_en: str | None = None
    cube_title_fr: str | None = None
    cube_start_date: str | None = None
    cube_end_date: str | None = None
    frequency_code: int | None = None
    release_time: str | None = None
    archive_status_code: str | None = None
    dimension: list[CubeDimension] = []

    @field_validator("product_id", mode="before")
    @classmethod
    def _pid_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v


class ChangedCube(WdsModel):
    """One item of ``getChangedCubeList``."""

    response_status_code: int = 0
    product_id: int
    release_time: str | None = None

    @property
    def pid(self) -> str:
        return str(self.product_id).zfill(8)


class DataPoint(WdsModel):
    ref_per: str
    ref_per2: str = ""
    #: A number, a string (seen in one third-party sample) or null (``..``).
    value: float | str | None = None
    decimals: int | None = None
    scalar_factor_code: int | None = None
    symbol_code: int | None = None
    status_code: int | None = None
    security_level_code: int | None = None
    release_time: str | None = None
    frequency_code: int | None = None


class VectorData(WdsModel):
    """One object of ``getDataFromVectorsAndLatestNPeriods``."""

    response_status_code: int = 0
    product_id: int | None = None
    coordinate: str | None = None
    vector_id: int
    vector_data_point: list[DataPoint] = []


# ---------------------------------------------------------------------------- transport


def _send(client: httpx.Client, method: str, url: str, body: Any, timeout: float) -> httpx.Response:
    if method == "POST":
        return client.post(url, content=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=timeout)
    return client.get(url, timeout=timeout)


def _decode(resp: httpx.Response, source_id: str, url: str) -> list[Envelope]:
    try:
        data = resp.json()
    except ValueError as e:
        raise FetchError(
            "{source}: {url}: the answer is not JSON (it starts with {head!r})",
            source=source_id,
            url=url,
            head=resp.text[:60],
        ) from e
    items = data if isinstance(data, list) else [data]
    try:
        return [Envelope.model_validate(item) for item in items]
    except ValidationError as e:
        raise FetchError("{source}: {url}: the answer has no status envelope", source=source_id, url=url) from e


def _call(
    method: str,
    endpoint: str,
    source_id: str,
    *,
    body: Any = None,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
) -> list[Envelope]:
    """Call one endpoint; return its envelopes once HTTP and body statuses say success.

    Retries follow the house policy (``sources.http``), with 409 (a table being published)
    added to the retried statuses and code 6 in the body treated alike.
    """
    settings = settings or get_settings()
    url = f"{wds_base()}/{endpoint}"
    own = client is None
    client = client or http_client(settings)
    policy = RetryPolicy.from_settings(settings, extra_status=RETRY_HTTP)
    deadline = Deadline(settings.download_deadline)
    last: object = ""
    try:
        for attempt in policy.attempts(deadline):
            THROTTLE.wait()
            outcome = _try_once(client, method, url, body, source_id, policy, settings, deadline)
            if isinstance(outcome, list):
                return outcome
            last, retry_after = outcome
            attempt.wait(retry_after)
    except DeadlineExceeded:
        raise FetchError(
            "{source}: {url}: no answer within the deadline of {seconds} s (CANUS_DOWNLOAD_DEADLINE)",
            source=source_id,
            url=url,
            seconds=f"{round(deadline.limit, 1):g}",
        ) from None
    finally:
        if own:
            client.close()
    raise FetchError(
        "{source}: {url}: gave up after {n} tries (last: {problem})",
        source=source_id,
        url=url,
        n=settings.retries,
        problem=last,
    )


def _try_once(
    client: httpx.Client,
    method: str,
    url: str,
    body: Any,
    source_id: str,
    policy: RetryPolicy,
    settings: Settings,
    deadline: Deadline,
) -> list[Envelope] | tuple[str, str | None]:
    """One request: the envelopes on success, else (what went wrong, Retry-After) to retry."""
    try:
        resp = _send(client, method, url, body, max(0.001, min(settings.timeout, deadline.remaining())))
    except httpx.TimeoutException:
        return f"no answer within {settings.timeout:g} s", None
    except httpx.TransportError as e:
        raise FetchError(
            "{source}: {url}: could not connect ({problem})",
            source=source_id,
            url=url,
            problem=str(e) or type(e).__name__,
        ) from e
    if policy.is_retried(resp.status_code):
        return (HTTP_MESSAGES.get(resp.status_code, f"HTTP {resp.status_code}"), resp.headers.get("Retry-After"))
    if resp.status_code >= 400:
        raise FetchError(
            "{source}: {url}: the server answered HTTP {status}", source=source_id, url=url, status=resp.status_code
        )
    envelopes = _decode(resp, source_id, url)
    code = _busy_code(envelopes)
    if code is not None:
        return _code_message(code), None
    _check_envelopes(envelopes, source_id, url)
    return envelopes


def _busy_code(envelopes: list[Envelope]) -> int | None:
    for env in envelopes:
        if env.response_code in RETRY_CODES:
            return env.response_code
    return None


def _check_envelopes(envelopes: list[Envelope], source_id: str, url: str) -> None:
    for env in envelopes:
        code = env.response_code
        if env.status == "SUCCESS" and code in (None, 0):
            continue
        if code is not None:
            problem = f"code {code}: {_code_message(code)}"
        elif isinstance(env.object, str) and env.object:
            problem = env.object
        else:
            problem = "status " + env.status
        raise FetchError(
            "{source}: {url}: Statistics Canada refused the request ({problem})",
            source=source_id,
            url=url,
            problem=problem,
        )


M = TypeVar("M", bound=BaseModel)


def _typed(model: type[M], obj: Any, source_id: str, url: str) -> M:
    try:
        return model.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "object"
        raise FetchError(
            "{source}: {url}: the answer does not have the expected shape ({field}: {problem})",
            source=source_id,
            url=url,
            field=where,
            problem=first["msg"],
        ) from e


def get_cube_metadata(
    pid: str, *, settings: Settings | None = None, client: httpx.Client | None = None
) -> CubeMetadata:
    """``getCubeMetadata`` (POST ``[{"productId": pid}]``): titles, dimensions, members, releaseTime.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    envelopes = _call(
        "POST", "getCubeMetadata", f"statcan-{pid}", body=[{"productId": int(pid)}], settings=settings, client=client
    )
    return _typed(CubeMetadata, envelopes[0].object, f"statcan-{pid}", f"{wds_base()}/getCubeMetadata")


def get_full_table_download_csv(
    pid: str, lang: str = "en", *, settings: Settings | None = None, client: httpx.Client | None = None
) -> str:
    """``getFullTableDownloadCSV/{pid}/{en|fr}``: the address of the table's full zip.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    endpoint = f"getFullTableDownloadCSV/{pid}/{lang}"
    url = _call("GET", endpoint, f"statcan-{pid}", settings=settings, client=client)[0].object
    suffix = f"{pid}-{'eng' if lang == 'en' else 'fra'}.zip"
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or not url.endswith(suffix):
        raise FetchError(
            "{source}: {url}: expected the address of {name}, got {got!r}",
            source=f"statcan-{pid}",
            url=f"{wds_base()}/{endpoint}",
            name=suffix,
            got=url,
        )
    return url


def get_changed_cube_list(
    day: dt.date, *, settings: Settings | None = None, client: httpx.Client | None = None
) -> list[ChangedCube]:
    """``getChangedCubeList/{YYYY-MM-DD}``: the tables released on ``day``.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    endpoint = f"getChangedCubeList/{day.isoformat()}"
    obj = _call("GET", endpoint, "statcan", settings=settings, client=client)[0].object
    return [_typed(ChangedCube, item, "statcan", f"{wds_base()}/{endpoint}") for item in obj or []]


def get_data_from_vectors_and_latest_n_periods(
    vectors: list[int | str],
    latest_n: int,
    *,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
) -> list[VectorData]:
    """``getDataFromVectorsAndLatestNPeriods``: the last ``latest_n`` points of each vector.

    https://www.statcan.gc.ca/en/developers/wds/user-guide
    """
    body = [{"vectorId": int(str(v).lstrip("vV")), "latestN": latest_n} for v in vectors]
    envelopes = _call(
        "POST", "getDataFromVectorsAndLatestNPeriods", "statcan", body=body, settings=settings, client=client
    )
    url = f"{wds_base()}/getDataFromVectorsAndLatestNPeriods"
    return [_typed(VectorData, env.object, "statcan", url) for env in envelopes]
