"""FRED ``fredgraph.csv`` series: both header forms, "." for missing, mirror and loopback paths."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus import sources
from canus.pipeline import update
from canus.settings import get_settings
from canus.warehouse import Warehouse
from tests.conftest import FIXTURES
from tests.loopback import Reply

MIRROR = FIXTURES / "trade" / "mirror"


def test_family_is_registered_with_its_defaults() -> None:
    ids = sources.default_ids()
    for sid in ("fred-EXPCA", "fred-IMPCA", "fred-EXCAUS"):
        assert sid in ids
    src = sources.get("fred-EXPCA")
    assert src.files[0].url == "https://fred.stlouisfed.org/graph/fredgraph.csv?id=EXPCA"
    assert src.files[0].name == "EXPCA.csv"
    assert src.tables == ("fred_expca",)
    # Any well-formed id works, for series canus has no notes on.
    assert sources.get("fred-DEXCAUS").tables == ("fred_dexcaus",)


def test_both_header_forms_and_missing_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(MIRROR))
    results = update(["fred-EXPCA", "fred-IMPCA", "fred-EXCAUS"])
    assert [r.status for r in results] == ["updated"] * 3, [r.error for r in results]
    with Warehouse().read() as con:
        # "DATE" header form; "." kept as NULL, not zero, and as-of ignores it.
        rows = con.execute("SELECT period::VARCHAR, value, value_base FROM fred_expca ORDER BY period").fetchall()
        assert rows == [
            ("2023-01-01", 28000.5, 28000.5e6),
            ("2023-02-01", 27000.25, 27000.25e6),
            ("2023-03-01", None, None),
        ]
        # "observation_date" header form.
        assert con.execute("SELECT sum(value) FROM fred_impca").fetchone() == (105000.0,)
        assert con.execute("SELECT value_base FROM fred_excaus WHERE period = '2023-02-01'").fetchone() == (1.34,)
        versions = dict(con.execute("SELECT source_id, as_of FROM data_versions").fetchall())
    assert versions["fred-EXPCA"] == "2023-02"
    assert versions["fred-IMPCA"] == "2023-03"


def test_loopback_download_and_renamed_column(loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    body = (MIRROR / "fred-IMPCA" / "IMPCA.csv").read_bytes()
    loopback.queue("/fredgraph.csv", Reply(500), Reply(200, body))
    monkeypatch.setenv("CANUS_URL_FRED_IMPCA", loopback.url("/fredgraph.csv?id=IMPCA"))
    [r] = update(["fred-IMPCA"])
    assert r.status == "updated" and r.rows == 3
    published = get_settings().warehouse_path.read_bytes()

    # The series column renamed: a clear error, the warehouse untouched.
    loopback.queue("/fredgraph.csv", Reply(200, body.replace(b"IMPCA", b"IMPCAX")))
    [r] = update(["fred-IMPCA"], force=True)
    assert r.status == "failed"
    msg = str(r.error)
    assert "fred-IMPCA" in msg and "IMPCA" in msg and "missing" in msg
    assert get_settings().warehouse_path.read_bytes() == published


def test_bad_value_is_reported_with_an_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "m"
    (mirror / "fred-EXPCA").mkdir(parents=True)
    (mirror / "fred-EXPCA" / "EXPCA.csv").write_text("observation_date,EXPCA\n2023-01-01,12\n2023-02-01,n/a\n")
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = update(["fred-EXPCA"])
    assert r.status == "failed"
    assert "2023-02-01,n/a" in str(r.error) and "EXPCA.csv" in str(r.error)
    assert not get_settings().warehouse_path.exists()


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("series", "month", "value"),
    [
        ("EXPCA", "1985-01-01", 3779.6),
        ("EXPCA", "2023-10-01", 29079.108256),
        ("IMPCA", "1985-02-01", 5548.5),
        ("IMPCA", "2023-09-01", 35019.146115),
        ("EXCAUS", "1971-01-01", 1.0118),
        ("EXCAUS", "2023-11-01", 1.3707),
    ],
)
def test_real_fred_copies(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, series: str, month: str, value: float
) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update([f"fred-{series}"])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        got = con.execute(f"SELECT value FROM fred_{series.lower()} WHERE period = ?", [month]).fetchone()
    assert got == (value,)


def test_table_is_typed() -> None:
    con = duckdb.connect()
    src = sources.get("fred-EXCAUS")
    from canus.sources.base import Snapshot

    path = MIRROR / "fred-EXCAUS" / "EXCAUS.csv"
    snap = Snapshot("fred-EXCAUS", "EXCAUS.csv", "file:", "abc", path, 1, "2024-01-01", "mirror")
    res = src.load(con, {"EXCAUS.csv": snap}, src)
    assert res.rows == 3 and res.notes["date_header"] == "observation_date"
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'fred_excaus'"
        ).fetchall()
    )
    assert types["period"] == "DATE" and types["value"] == "DOUBLE"
