"""The Web Data Service client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from canus.errors import FetchError
from canus.sources import statcan_wds as wds
from tests.loopback import Loopback, Reply

JSON = {"Content-Type": "application/json"}


def _json(obj: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(obj).encode(), JSON)


@pytest.fixture
def service(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    monkeypatch.setenv("CANUS_STATCAN_WDS", loopback.url("/t1/wds/rest"))
    return loopback


def _meta(release: str = "2025-06-20T08:30") -> list[dict[str, object]]:
    return [
        {
            "status": "SUCCESS",
            "object": {"responseStatusCode": 0, "productId": "24100053", "releaseTime": release, "dimension": []},
        }
    ]


def test_cube_metadata_posts_json_array(service: Loopback) -> None:
    service.queue("/t1/wds/rest/getCubeMetadata", _json(_meta()))
    meta = wds.get_cube_metadata("24100053")
    assert meta.release_time == "2025-06-20T08:30"
    method, _, headers, body = service.requests[-1]
    assert method == "POST" and json.loads(body) == [{"productId": 24100053}]
    assert headers["Content-Type"] == "application/json"


@pytest.mark.shared_data
def test_real_metadata_sample(service: Loopback, shared_data: Path) -> None:
    body = (shared_data / "samples" / "statcan" / "getCubeMetadata.json").read_bytes()
    service.queue("/t1/wds/rest/getCubeMetadata", Reply(200, body, JSON))
    meta = wds.get_cube_metadata("33100302")
    assert meta.release_time == "2024-04-30T08:30" and meta.product_id == "33100302"
    assert meta.dimension[0].member[1].member_name_fr == "Région de l'Atlantique"


def test_full_table_download_address(service: Loopback) -> None:
    url = "https://www150.statcan.gc.ca/n1/tbl/csv/24100053-eng.zip"
    service.queue("/t1/wds/rest/getFullTableDownloadCSV/24100053/en", _json({"status": "SUCCESS", "object": url}))
    assert wds.get_full_table_download_csv("24100053", "en") == url


def test_full_table_download_wrong_answer(service: Loopback) -> None:
    service.queue(
        "/t1/wds/rest/getFullTableDownloadCSV/24100053/fr",
        _json({"status": "SUCCESS", "object": "https://example.org/other.zip"}),
    )
    with pytest.raises(FetchError, match=r"expected the address of 24100053-fra\.zip"):
        wds.get_full_table_download_csv("24100053", "fr")


def test_changed_cube_list(service: Loopback) -> None:
    service.queue(
        "/t1/wds/rest/getChangedCubeList/2024-04-30",
        _json(
            {
                "status": "SUCCESS",
                "object": [{"responseStatusCode": 0, "productId": 33100302, "releaseTime": "2024-04-30T08:30"}],
            }
        ),
    )
    items = wds.get_changed_cube_list(dt.date(2024, 4, 30))
    assert [i.pid for i in items] == ["33100302"]


def test_latest_n_periods(service: Loopback) -> None:
    service.queue(
        "/t1/wds/rest/getDataFromVectorsAndLatestNPeriods",
        _json(
            [
                {
                    "status": "SUCCESS",
                    "object": {
                        "responseStatusCode": 0,
                        "vectorId": 32164132,
                        "vectorDataPoint": [{"refPer": "2022-01-01", "value": 19.24}],
                    },
                }
            ]
        ),
    )
    out = wds.get_data_from_vectors_and_latest_n_periods(["v32164132"], 3)
    assert out[0].vector_data_point[0].value == 19.24
    assert json.loads(service.requests[-1][3]) == [{"vectorId": 32164132, "latestN": 3}]


@pytest.mark.parametrize("code", [1, 2, 3, 4, 5, 7, 8])
def test_failed_codes_are_named(service: Loopback, code: int) -> None:
    service.queue("/t1/wds/rest/getCubeMetadata", _json([{"status": "FAILED", "object": {"responseStatusCode": code}}]))
    with pytest.raises(FetchError) as e:
        wds.get_cube_metadata("24100053")
    text = str(e.value)
    assert f"code {code}: {wds.RESPONSE_CODES[code]}" in text
    assert "statcan-24100053" in text and "getCubeMetadata" in text
    assert len(service.requests) == 1  # a refusal is not retried


def test_failed_with_message_string(service: Loopback) -> None:
    service.queue(
        "/t1/wds/rest/getDataFromVectorsAndLatestNPeriods", _json([{"status": "FAILED", "object": "Vector not found"}])
    )
    with pytest.raises(FetchError, match="refused the request \\(Vector not found\\)"):
        wds.get_data_from_vectors_and_latest_n_periods([1], 1)


def test_being_published_is_retried(service: Loopback) -> None:
    service.queue(
        "/t1/wds/rest/getCubeMetadata",
        _json([{"status": "FAILED", "object": {"responseStatusCode": 6}}]),
        _json(_meta("2025-07-01T08:30")),
    )
    assert wds.get_cube_metadata("24100053").release_time == "2025-07-01T08:30"
    assert len(service.requests) == 2


@pytest.mark.parametrize("status", [409, 503])
def test_409_and_503_are_retried(service: Loopback, status: int) -> None:
    service.queue("/t1/wds/rest/getCubeMetadata", Reply(status, b""), _json(_meta()))
    assert wds.get_cube_metadata("24100053").release_time == "2025-06-20T08:30"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (409, "locked while Statistics Canada publishes it"),
        (503, "currently unavailable"),
    ],
)
def test_persistent_409_503_give_up_with_meaning(service: Loopback, status: int, words: str) -> None:
    service.always("/t1/wds/rest/getCubeMetadata", Reply(status, b""))
    with pytest.raises(FetchError) as e:
        wds.get_cube_metadata("24100053")
    assert words in str(e.value) and "gave up after 3 tries" in str(e.value)


def test_persistent_code_6(service: Loopback) -> None:
    service.always("/t1/wds/rest/getCubeMetadata", _json([{"status": "FAILED", "object": {"responseStatusCode": 6}}]))
    with pytest.raises(FetchError, match="being published"):
        wds.get_cube_metadata("24100053")


def test_not_json(service: Loopback) -> None:
    service.queue(
        "/t1/wds/rest/getCubeMetadata", Reply(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})
    )
    with pytest.raises(FetchError, match="the answer is not JSON"):
        wds.get_cube_metadata("24100053")


def test_pid8() -> None:
    assert wds.pid8("24-10-0053-01") == "24100053"
    assert wds.pid8("2410005301") == "24100053"
    with pytest.raises(ValueError):
        wds.pid8("12-10")
