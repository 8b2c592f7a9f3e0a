"""``canus update`` on Statistics Canada tables: WDS → zips → warehouse, over loopback HTTP."""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zipfile
from pathlib import Path

import duckdb
import pytest

from canus import pipeline
from canus.settings import get_settings
from canus.sources import statcan
from canus.warehouse import Warehouse
from tests.conftest import sha256_of
from tests.fixtures.statcan.official import HERE, zip_fixture_dir
from tests.loopback import Loopback, Reply

PID = "99990001"
SID = f"statcan-{PID}"
JSON = {"Content-Type": "application/json"}
ZIP = {"Content-Type": "application/zip"}


@pytest.fixture
def zips(tmp_path: Path) -> dict[str, bytes]:
    return {
        lang: zip_fixture_dir(PID, HERE / PID / folder, tmp_path / f"{PID}-{folder}.zip").read_bytes()
        for lang, folder in (("en", "eng"), ("fr", "fra"))
    }


@pytest.fixture
def service(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    monkeypatch.setenv("CANUS_STATCAN_WDS", loopback.url("/wds"))
    return loopback


def _metadata(release: str) -> Reply:
    body = [{"status": "SUCCESS", "object": {"responseStatusCode": 0, "productId": PID, "releaseTime": release}}]
    return Reply(200, json.dumps(body).encode(), JSON)


def _serve(
    service: Loopback,
    zips: dict[str, bytes],
    release: str = "2025-06-20T08:30",
    en: Reply | None = None,
    *extra_en: Reply,
) -> None:
    service.queue("/wds/getCubeMetadata", _metadata(release))
    for lang, folder in (("en", "eng"), ("fr", "fra")):
        address = service.url(f"/n1/tbl/csv/{PID}-{folder}.zip")
        service.queue(
            f"/wds/getFullTableDownloadCSV/{PID}/{lang}",
            Reply(200, json.dumps({"status": "SUCCESS", "object": address}).encode(), JSON),
        )
    service.queue(f"/n1/tbl/csv/{PID}-eng.zip", *([en] if en else []), *extra_en)
    if not en:
        service.queue(f"/n1/tbl/csv/{PID}-eng.zip", Reply(200, zips["en"], ZIP))
    service.queue(f"/n1/tbl/csv/{PID}-fra.zip", Reply(200, zips["fr"], ZIP))


def _zip_requests(service: Loopback) -> list[str]:
    return [p for _, p, _, _ in service.requests if p.endswith(".zip")]


def test_update_then_release_unchanged_downloads_nothing(service: Loopback, zips: dict[str, bytes]) -> None:
    _serve(service, zips)
    [first] = pipeline.update([SID])
    assert first.status == "updated", first.error
    assert first.rows == 6 and first.as_of == "2015"
    versions = Warehouse().versions()
    assert versions[SID].release == "2025-06-20T08:30"
    with Warehouse().read() as con:
        assert con.execute(
            f"SELECT value FROM statcan_{PID} WHERE vector = 'v900001' AND ref_date = '2014'"
        ).fetchone() == (377273540500.0,)
        assert con.execute(f"SELECT count(*) FROM statcan_{PID}_members WHERE member_fr IS NOT NULL").fetchone() == (7,)
    assert len(_zip_requests(service)) == 2

    before = len(service.requests)
    service.queue("/wds/getCubeMetadata", _metadata("2025-06-20T08:30"))
    [second] = pipeline.update([SID])
    assert second.status == "unchanged" and second.reason == "release unchanged"
    new = [p for _, p, _, _ in service.requests[before:]]
    assert new == ["/wds/getCubeMetadata"]


def test_new_release_is_loaded(service: Loopback, zips: dict[str, bytes]) -> None:
    _serve(service, zips)
    pipeline.update([SID])
    _serve(service, zips, release="2025-07-20T08:30")
    [again] = pipeline.update([SID])
    # Same bytes under a new release: loaded once so the new release is recorded …
    assert again.status == "updated"
    assert Warehouse().versions()[SID].release == "2025-07-20T08:30"
    # … and the next run with that release downloads nothing.
    before = len(service.requests)
    service.queue("/wds/getCubeMetadata", _metadata("2025-07-20T08:30"))
    [third] = pipeline.update([SID])
    assert third.status == "unchanged" and third.reason == "release unchanged"
    assert [p for _, p, _, _ in service.requests[before:]] == ["/wds/getCubeMetadata"]


def _truncated(body: bytes) -> Reply:
    return Reply(200, body, ZIP, truncate_at=len(body) // 2)


def _renamed(body: bytes, tmp: Path) -> bytes:
    src = tmp / "in.zip"
    src.write_bytes(body)
    out = tmp / "renamed.zip"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == f"{PID}.csv":
                data = data.replace(b'"VALUE"', b'"VAL"', 1)
            zout.writestr(name, data)
    return out.read_bytes()


def _bad_crc(body: bytes) -> bytes:
    """The same zip with one byte of the data member changed near its end: the directory and
    the header line still read, only decompressing the member in full shows the damage."""
    info = zipfile.ZipFile(io.BytesIO(body)).getinfo(f"{PID}.csv")
    name_len, extra_len = struct.unpack("<HH", body[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    at = start + info.compress_size - 3
    return body[:at] + bytes([body[at] ^ 0x55]) + body[at + 1 :]


@pytest.mark.parametrize("case", ["500-then-ok", "429-then-ok", "timeout-then-ok"])
def test_transient_failures_recover(service: Loopback, zips: dict[str, bytes], case: str) -> None:
    first = {
        "500-then-ok": Reply(500, b"oops"),
        "429-then-ok": Reply(429, b"slow down", {"Retry-After": "0"}),
        "timeout-then-ok": Reply(200, zips["en"], ZIP, delay=2.5),
    }[case]
    _serve(service, zips, "2025-06-20T08:30", first, Reply(200, zips["en"], ZIP))
    [r] = pipeline.update([SID])
    assert r.status == "updated", r.error


@pytest.mark.parametrize("case", ["truncated", "cut-zip", "bad-crc", "html", "renamed", "always-500"])
def test_failures_leave_the_published_warehouse(
    service: Loopback, zips: dict[str, bytes], tmp_path: Path, case: str
) -> None:
    _serve(service, zips)
    assert pipeline.update([SID])[0].status == "updated"
    published = get_settings().warehouse_path
    before = sha256_of(published)
    bad = {
        "truncated": [_truncated(zips["en"])] * 3,
        "cut-zip": [Reply(200, zips["en"][: len(zips["en"]) // 2], ZIP)],
        "bad-crc": [Reply(200, _bad_crc(zips["en"]), ZIP)],
        "html": [Reply(200, b"<!DOCTYPE html><html>Maintenance</html>", {"Content-Type": "text/html"})],
        "renamed": [Reply(200, _renamed(zips["en"], tmp_path), ZIP)],
        "always-500": [Reply(500, b"oops")] * 3,
    }[case]
    _serve(service, zips, "2025-08-01T08:30", *bad)
    [r] = pipeline.update([SID])
    assert r.status == "failed"
    text = str(r.error)
    assert SID in text
    expected = {
        "truncated": "connection broke off",
        "cut-zip": "zip archive is damaged or incomplete",
        "bad-crc": "zip archive is damaged",
        "html": "HTML page",
        "renamed": "expected column VALUE",
        "always-500": "gave up after 3 tries",
    }[case]
    assert expected in text, text
    # Every failure, a load error on damaged bytes too, names the address the file came from.
    assert service.url(f"/n1/tbl/csv/{PID}-eng.zip") in text, text
    assert sha256_of(published) == before


def test_mirror_layout(tmp_path: Path, zips: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "mirror"
    (mirror / SID).mkdir(parents=True)
    (mirror / SID / f"{PID}-eng.zip").write_bytes(zips["en"])
    (mirror / SID / f"{PID}-fra.zip").write_bytes(zips["fr"])
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = pipeline.update([SID])
    assert r.status == "updated", r.error
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    try:
        assert con.execute(f"SELECT count(*) FROM statcan_{PID}").fetchone() == (6,)
    finally:
        con.close()


def test_csv_base_setting_skips_the_wds_address_call(
    service: Loopback, zips: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANUS_STATCAN_CSV", service.url("/zips"))
    service.queue("/wds/getCubeMetadata", _metadata("2025-06-20T08:30"))
    service.queue(f"/zips/{PID}-eng.zip", Reply(200, zips["en"], ZIP))
    service.queue(f"/zips/{PID}-fra.zip", Reply(200, zips["fr"], ZIP))
    [r] = pipeline.update([SID])
    assert r.status == "updated", r.error
    assert not [p for _, p, _, _ in service.requests if "getFullTableDownloadCSV" in p]


def test_changed_source_ids(service: Loopback, zips: dict[str, bytes]) -> None:
    _serve(service, zips)
    pipeline.update([SID])
    now = dt.datetime.now(dt.UTC).astimezone(statcan.TORONTO).replace(hour=12)
    day = now.date()
    listing = {
        "status": "SUCCESS",
        "object": [
            {"responseStatusCode": 0, "productId": int(PID), "releaseTime": f"{day}T08:30"},
            {"responseStatusCode": 0, "productId": 33100302, "releaseTime": f"{day}T08:30"},
        ],
    }
    for d in (day - dt.timedelta(days=1), day):
        service.queue(f"/wds/getChangedCubeList/{d.isoformat()}", Reply(200, json.dumps(listing).encode(), JSON))
    ids = statcan.changed_source_ids(now=now)
    # Ours changed; the defaults were never loaded so they are due too; 33100302 is not ours.
    assert SID in ids
    assert "statcan-33100302" not in ids
    assert "statcan-24100053" in ids


def test_family_registration() -> None:
    from canus import sources

    src = sources.get("statcan-24100053")
    assert src.tables == ("statcan_24100053", "statcan_24100053_members")
    assert src.title["en"].startswith("Table 24-10-0053-01")
    assert src.licence.id == "statcan-open"
    assert "statcan-12100173" in sources.default_ids()
    with pytest.raises(Exception, match="Unknown source"):
        sources.get("statcan-123")
