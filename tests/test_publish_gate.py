"""The publish gate on a real HTTP server: implausible upstream files are stopped, on purpose they pass."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from canus.cli import app
from canus.data_versions import read_history
from canus.pipeline import update
from canus.publish_gate import compare_vintages
from canus.settings import get_settings
from canus.warehouse import PublishRefusedError, Warehouse
from tests.builders import publish_over_loopback
from tests.conftest import sha256_of
from tests.loopback import Loopback, Reply
from tests.vintage_files import base_value, bts_csv, months

SOURCE = "bts-border-crossings"
PATH = "/api/views/keg4-3bc2/rows.csv"
PERIODS = months((2023, 1), (2024, 6))  # 18 months x 2 ports x 2 measures = 72 rows
GOOD = bts_csv(PERIODS)

BAD = {
    # name: (file, the check that must be named, figures the message must give)
    "half the rows": (bts_csv(PERIODS, keep=lambda i: i % 2 == 0), "rows", ("36", "72")),
    "ten rows": (bts_csv(PERIODS, keep=lambda i: i >= 62), "rows", ("10", "72")),
    "negative values": (bts_csv(PERIODS, value=lambda *a: -base_value(*a)), "negative", ("72", "0")),
    "empty values": (bts_csv(PERIODS, value=lambda *a: ""), "empty", ("100", "0")),
    "times 1000": (bts_csv(PERIODS, value=lambda *a: 1000 * base_value(*a)), "total", ()),
}


@pytest.fixture
def published(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CANUS_URL_BTS_BORDER_CROSSINGS", loopback.url(PATH))
    return publish_over_loopback(loopback, PATH, Reply(200, GOOD), SOURCE)


@pytest.mark.parametrize("case", list(BAD))
def test_implausible_file_is_refused_naming_the_check(case: str, loopback: Loopback, published: str) -> None:
    body, check, figures = BAD[case]
    loopback.queue(PATH, Reply(200, body))
    [r] = update([SOURCE])
    assert r.status == "failed" and isinstance(r.error, PublishRefusedError), r.error
    assert check in r.error.checks
    message = str(r.error)
    assert SOURCE in message and f"check '{check}'" in message and "--accept-change bts-border-crossings" in message
    for figure in figures:
        assert figure in message, message
    assert sha256_of(get_settings().warehouse_path) == published
    assert f"contrôle «\u00a0{check}\u00a0»" in r.error.localized("fr")


def test_times_1000_names_old_and_new_totals(loopback: Loopback, published: str) -> None:
    loopback.queue(PATH, Reply(200, BAD["times 1000"][0]))
    [r] = update([SOURCE])
    total = sum(
        base_value(code, m, y, mo)
        for y, mo in PERIODS
        for code in ("3801", "3004")
        for m in ("Personal Vehicle Passengers", "Trucks")
    )
    message = str(r.error)
    assert f"{total:,}" in message and f"{total * 1000:,}" in message and "factor of 3" in message


def test_accept_change_publishes_and_is_recorded(loopback: Loopback, published: str) -> None:
    loopback.queue(PATH, Reply(200, BAD["times 1000"][0]))
    r = CliRunner().invoke(app, ["update", SOURCE, "--accept-change", SOURCE])
    assert r.exit_code == 0, r.output
    assert sha256_of(get_settings().warehouse_path) != published
    with Warehouse().read() as con:
        history = read_history(con, SOURCE)
        top = con.execute("SELECT max(value) FROM border_crossings").fetchone()[0]
    assert [h.accepted_checks for h in history] == [(), ("total", "range")]
    assert top > 1_000_000  # what was accepted is what is published


def test_accepting_one_source_does_not_accept_another(loopback: Loopback, published: str) -> None:
    loopback.queue(PATH, Reply(200, BAD["half the rows"][0]))
    [r] = update([SOURCE], accept_change={"cer-electricity-trade"})
    assert r.status == "failed" and sha256_of(get_settings().warehouse_path) == published


def test_a_plausible_next_vintage_passes(loopback: Loopback, published: str) -> None:
    # One month more, two values revised by a few percent: no check is breached.
    nxt = bts_csv(
        months((2023, 1), (2024, 7)),
        value=lambda c, m, y, mo: base_value(c, m, y, mo) * (103 if mo == 3 else 100) // 100,
    )
    loopback.queue(PATH, Reply(200, nxt))
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    assert (r.added, r.removed, r.revised) == (4, 0, 8)


@pytest.mark.parametrize(
    ("new", "old", "new_release", "old_release", "expected"),
    [
        ("2019-03", "2025-06", None, None, -1),
        ("2025-07", "2025-06", None, None, 1),
        ("2019", "2019-03", None, None, 0),  # compared at the precision both give
        ("2024", "2023", None, None, 1),
        ("5.0.0", "5.1.1", None, None, -1),  # Natural Earth versions
        ("2024-05", "2024-05", "2024-06-20T08:30:00-04:00", "2024-07-18T08:30:00-04:00", -1),
        ("2024-05", "2024-05", "2024-07-18T12:30:00Z", "2024-07-18T08:30:00-04:00", 0),
        (None, None, "2024-07-19T08:30", "2024-07-18T08:30", 1),
        ("2024-05", None, None, None, 0),  # nothing to compare with: not refused
    ],
)
def test_vintage_order(
    new: str | None, old: str | None, new_release: str | None, old_release: str | None, expected: int
) -> None:
    assert compare_vintages(new, old, new_release, old_release) == expected


def test_a_key_column_one_vintage_lacks_is_noted_not_a_crash() -> None:
    import duckdb

    from canus import revisions
    from canus.publish_gate import DEFAULT, check_table
    from canus.table_specs import TableSpec

    con = duckdb.connect()
    # A dimension renamed between vintages: dim_x then dim_y.
    con.execute("CREATE TABLE old AS SELECT 'Canada' AS geo, 'a' AS dim_x, 10.0 AS value FROM range(10)")
    con.execute("CREATE TABLE new AS SELECT 'Canada' AS geo, 'a' AS dim_y, -1.0 AS value FROM range(5)")
    spec = TableSpec(key=("geo", "dim_y"), compared=("value",), measures=("value",), non_negative=("value",))
    assert [b.check for b in check_table(con, "t", "old", "new", spec, DEFAULT)] == ["rows", "negative"]
    diff = revisions.compare(con, "t", "old", "new", spec)
    assert (diff.added, diff.removed, diff.revised) == (None, None, None)
    assert diff.note == "key column(s) absent in one vintage: dim_y"
    dupes = revisions.compare(con, "t", "new", "new", TableSpec(key=("geo",), compared=("value",)))
    assert dupes.note == "key not unique"
