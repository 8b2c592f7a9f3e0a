"""Vintages only move forward; every published version and what it changed stays on the record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from canus.cli import app
from canus.data_versions import VERSIONS_DDL, DataVersion, read_history, read_versions
from canus.pipeline import update
from canus.settings import get_settings
from canus.warehouse import PublishRefusedError, Warehouse
from tests.conftest import sha256_of
from tests.vintage_files import bts_csv, key, months

SOURCE = "bts-border-crossings"
runner = CliRunner()


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mirror" / SOURCE
    folder.mkdir(parents=True)
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    return folder / "Border_Crossing_Entry_Data.csv"


def publish(mirror: Path, body: bytes, **options: set[str]) -> None:
    mirror.write_bytes(body)
    [r] = update([SOURCE], **options)
    assert r.status == "updated", r.error


def table(path: Path, name: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()


def test_read_versions_is_typed(mirror: Path) -> None:
    publish(mirror, bts_csv(months((2023, 1), (2023, 12))))
    [(sid, v)] = Warehouse().versions().items()
    assert isinstance(v, DataVersion) and sid == SOURCE
    assert v.rows == 48 and v.as_of == "2023-12" and v.files[0].name == "Border_Crossing_Entry_Data.csv"
    assert v.files[0].sha256 == v.sha256 and v.retrieved_at is not None and v.loaded_at is not None
    # Each file as it was fetched: where from, how large, when, and by which way.
    [f] = v.files
    assert (f.url, f.size, f.origin) == (mirror.as_uri(), mirror.stat().st_size, "mirror")
    assert f.retrieved_at is not None and f.retrieved_at.startswith(str(v.retrieved_at.date()))
    with Warehouse().read() as con:
        [h] = read_history(con, SOURCE)
    assert h.version.files == v.files


def test_older_vintage_is_refused_then_loaded_on_purpose_and_recorded(mirror: Path) -> None:
    publish(mirror, bts_csv(months((2023, 1), (2023, 12))))
    before = sha256_of(get_settings().warehouse_path)
    # The same number of rows, the same values where they overlap: only the vintage is older.
    mirror.write_bytes(bts_csv(months((2022, 12), (2023, 11))))
    [r] = update([SOURCE])
    assert r.status == "failed" and isinstance(r.error, PublishRefusedError)
    assert r.error.checks == ("as-of",)
    message = str(r.error)
    assert SOURCE in message and "(2023-11)" in message and "(2023-12)" in message
    assert "--allow-older bts-border-crossings" in message
    assert "millésime plus ancien (2023-11)" in r.error.localized("fr")
    assert sha256_of(get_settings().warehouse_path) == before

    [r] = update([SOURCE], allow_older={SOURCE})
    assert r.status == "updated" and r.as_of == "2023-11"
    with Warehouse().read() as con:
        history = read_history(con, SOURCE)
    assert [(h.version.as_of, h.allowed_older) for h in history] == [("2023-12", False), ("2023-11", True)]


def test_an_older_vintage_that_also_breaks_a_check_needs_both_permissions(mirror: Path) -> None:
    publish(mirror, bts_csv(months((2023, 1), (2023, 12))))
    before = sha256_of(get_settings().warehouse_path)
    # A month older and half the rows: two reasons, each with its own way out.
    mirror.write_bytes(bts_csv(months((2022, 12), (2023, 11)), keep=lambda i: i % 2 == 0))
    [r] = update([SOURCE])
    assert isinstance(r.error, PublishRefusedError) and r.error.checks == ("as-of", "rows")
    message = " ".join(str(r.error).split())
    assert message.startswith(f"{SOURCE}: not published, the published data is unchanged. check 'as-of': ")
    assert "than the one published (2023-12); check 'rows': rows of border_crossings: 24 against 48" in message
    assert message.endswith(
        f"To load the older vintage on purpose, run 'canus update --allow-older {SOURCE}'. "
        f"To publish it anyway, run 'canus update --accept-change {SOURCE}'."
    )
    [r] = update([SOURCE], allow_older={SOURCE})
    assert isinstance(r.error, PublishRefusedError) and r.error.checks == ("rows",)
    assert "--allow-older" not in str(r.error) and "--accept-change" in str(r.error)
    [r] = update([SOURCE], accept_change={SOURCE})
    assert isinstance(r.error, PublishRefusedError) and r.error.checks == ("as-of",)
    assert "--allow-older" in str(r.error) and "--accept-change" not in str(r.error)
    assert sha256_of(get_settings().warehouse_path) == before
    [r] = update([SOURCE], allow_older={SOURCE}, accept_change={SOURCE})
    assert r.status == "updated" and r.as_of == "2023-11" and r.rows == 24
    with Warehouse().read() as con:
        [_, last] = read_history(con, SOURCE)
    assert (last.allowed_older, last.accepted_checks) == (True, ("rows",))


def test_older_vintage_refused_from_the_command_line(mirror: Path) -> None:
    publish(mirror, bts_csv(months((2023, 1), (2023, 12))))
    mirror.write_bytes(bts_csv(months((2022, 12), (2023, 11))))
    r = runner.invoke(app, ["update", SOURCE])
    flat = " ".join(r.stdout.split())
    assert r.exit_code == 1 and "older vintage (2023-11)" in flat and "--allow-older" in flat
    r = runner.invoke(app, ["update", SOURCE, "--allow-older", SOURCE])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["sources", "--history", SOURCE, "--format", "json"])
    assert [x["allowed_older"] for x in json.loads(r.stdout)] == [True, False]


def _two_vintages(mirror: Path) -> tuple[str, str]:
    publish(mirror, bts_csv(months((2023, 1), (2023, 11))))
    first = Warehouse().versions()[SOURCE].sha256

    def revised(code: str, measure: str, year: int, month: int) -> int:
        from tests.vintage_files import base_value

        v = base_value(code, measure, year, month)
        if (code, measure, month) in (("3801", "Trucks", 5), ("3004", "Personal Vehicle Passengers", 7)):
            return v + 7
        return v

    publish(mirror, bts_csv(months((2023, 2), (2023, 12)), value=revised))
    return first, Warehouse().versions()[SOURCE].sha256


def test_revisions_list_exactly_the_added_removed_and_revised_keys(mirror: Path) -> None:
    first, second = _two_vintages(mirror)
    ports_measures = [(c, m) for c in ("3801", "3004") for m in ("Personal Vehicle Passengers", "Trucks")]
    with Warehouse().read() as con:
        rows = con.execute(
            "SELECT change, key, old, new FROM revision_keys WHERE sha256 = ? AND table_name = 'border_crossings'",
            [second],
        ).fetchall()
        counts = con.execute(
            "SELECT table_name, added, removed, revised FROM revisions WHERE sha256 = ? ORDER BY table_name", [second]
        ).fetchall()
        # Each table's record names the version it was compared with (none for the first).
        against = con.execute("SELECT sha256, previous_sha256 FROM revisions").fetchall()
        firsts = con.execute(
            "SELECT table_name, added, removed, revised FROM revisions WHERE sha256 = ? ORDER BY table_name", [first]
        ).fetchall()
        history = read_history(con, SOURCE)
    got: dict[str, set[tuple[str, str, str]]] = {"added": set(), "removed": set(), "revised": set()}
    values = {}
    for change, k, old, new in rows:
        k = json.loads(k)
        t = (k["port_code"], k["period"], k["measure"])
        got[change].add(t)
        values[t] = (old and json.loads(old)["value"], new and json.loads(new)["value"])
    assert got["added"] == {key(c, 2023, 12, m) for c, m in ports_measures}
    assert got["removed"] == {key(c, 2023, 1, m) for c, m in ports_measures}
    assert got["revised"] == {key("3801", 2023, 5, "Trucks"), key("3004", 2023, 7, "Personal Vehicle Passengers")}
    t = key("3801", 2023, 5, "Trucks")
    assert values[t][1] - values[t][0] == 7
    assert counts == [("border_crossings", 4, 4, 2), ("ports", 0, 0, 0)]
    # The first version adds every row it has: eleven months of two ports' two measures, two ports.
    assert firsts == [("border_crossings", 11 * len(ports_measures), 0, 0), ("ports", 2, 0, 0)]
    assert sorted(against, key=str) == sorted([(first, None), (first, None), (second, first), (second, first)], key=str)
    assert [h.version.sha256 for h in history] == [first, second]
    assert history[1].previous_sha256 == first and history[0].previous_sha256 is None


def test_update_summary_shows_the_counts(mirror: Path) -> None:
    mirror.write_bytes(bts_csv(months((2023, 1), (2023, 11))))
    assert runner.invoke(app, ["update", SOURCE]).exit_code == 0
    mirror.write_bytes(bts_csv(months((2023, 1), (2023, 12))))
    [r] = update([SOURCE])
    assert (r.added, r.removed, r.revised) == (4, 0, 0)
    r2 = runner.invoke(app, ["sources", "--history", SOURCE, "--format", "json"])
    records = json.loads(r2.stdout)
    assert [(x["as_of"], x["added"], x["removed"], x["revised"]) for x in records] == [
        ("2023-12", 4, 0, 0),
        ("2023-11", None, None, None),
    ]
    r3 = runner.invoke(app, ["sources", "--history", SOURCE, "--lang", "fr"])
    assert "Versions de bts-border-crossings" in " ".join(r3.stdout.split()) and "première" in r3.stdout


def test_older_version_rebuilt_from_its_snapshot_is_identical(mirror: Path, tmp_path: Path) -> None:
    publish(mirror, bts_csv(months((2023, 1), (2023, 11))))
    wh = get_settings().warehouse_path
    then = {t: table(wh, t) for t in ("border_crossings", "ports")}
    first = Warehouse().versions()[SOURCE].sha256
    publish(mirror, bts_csv(months((2023, 2), (2023, 12)), value=lambda *a: 5), accept_change={SOURCE})
    assert table(wh, "border_crossings") != then["border_crossings"]

    out = tmp_path / "rebuilt" / "old.duckdb"
    r = runner.invoke(app, ["rebuild", str(out), "--version", first[:12]])
    assert r.exit_code == 0, r.output
    assert {t: table(out, t) for t in then} == then
    with duckdb.connect(str(out), read_only=True) as con:
        assert con.execute("SELECT sha256, as_of FROM data_versions").fetchall() == [(first, "2023-11")]
    # The snapshots are the truth: a damaged one is named, not loaded.
    again = tmp_path / "rebuilt" / "again.duckdb"
    r = runner.invoke(app, ["rebuild", str(out), "--version", first])
    assert r.exit_code == 1 and "already exists" in r.stderr
    # A file where its folder should be: named with the system's words, not a traceback.
    (tmp_path / "afile").write_text("x")
    r = runner.invoke(app, ["rebuild", str(tmp_path / "afile" / "old.duckdb"), "--version", first])
    assert r.exit_code == 1 and f"canuscannotwrite{tmp_path / 'afile'}(" in "".join(r.stderr.split())
    raw = next(p for p in get_settings().raw_dir.rglob(first + "*"))
    raw.write_bytes(raw.read_bytes() + b"x")
    r = runner.invoke(app, ["rebuild", str(again), "--version", first])
    assert r.exit_code == 1 and "no longer matches its sha256" in " ".join(r.stderr.split())
    assert not again.exists()


def test_rebuild_as_of_a_time(mirror: Path, tmp_path: Path) -> None:
    publish(mirror, bts_csv(months((2023, 1), (2023, 11))))
    wh = get_settings().warehouse_path
    with Warehouse().read() as con:
        [loaded] = con.execute("SELECT loaded_at FROM data_versions").fetchone()
    publish(mirror, bts_csv(months((2023, 1), (2023, 12))))
    now = table(wh, "border_crossings")
    out = tmp_path / "now.duckdb"
    r = runner.invoke(app, ["rebuild", str(out), "--as-of", "2999-01-01T00:00:00"])
    assert r.exit_code == 0, r.output
    assert table(out, "border_crossings") == now
    r = runner.invoke(app, ["rebuild", str(tmp_path / "before.duckdb"), "--as-of", "2000-01-01T00:00:00"])
    assert r.exit_code == 1 and "Nothing was published" in " ".join(r.stderr.split())
    assert loaded is not None


def test_history_api_json_and_csv(mirror: Path) -> None:
    from fastapi.testclient import TestClient

    from canus.web.app import create_app

    first, second = _two_vintages(mirror)
    app_ = create_app()
    client = TestClient(app_)
    r = client.get(f"/api/sources/{SOURCE}/history")
    assert r.status_code == 200, r.text
    records = r.json()
    assert [x["sha256"] for x in records] == [second, first]
    assert (records[0]["added"], records[0]["removed"], records[0]["revised"]) == (4, 4, 2)
    assert records[0]["previous_sha256"] == first and records[1]["added"] is None
    by_table = {t["table"]: (t["added"], t["removed"], t["revised"]) for t in records[0]["tables"]}
    assert by_table == {"border_crossings": (4, 4, 2), "ports": (0, 0, 0)}
    r = client.get(f"/api/sources/{SOURCE}/history.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[0].startswith("id,source_id,sha256,previous_sha256,as_of") and len(lines) == 3
    assert lines[1].split(",")[2] == second and lines[1].endswith(",4,4,2")
    assert client.get("/api/sources/no-such-source/history").status_code == 404
    assert client.get(f"/api/sources/{SOURCE}/nothing").status_code == 404
    # The page-cache warm-up thread holds the warehouse open; let it finish inside the test.
    import time

    deadline = time.monotonic() + 60
    while app_.state.canus.warming.is_set() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_changed_keys_are_capped_revised_first_counts_exact(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from canus import revisions

    monkeypatch.setattr(revisions, "MAX_KEYS", 3)
    _, second = _two_vintages(mirror)
    with Warehouse().read() as con:
        kept = con.execute(
            "SELECT change FROM revision_keys WHERE sha256 = ? AND table_name = 'border_crossings'", [second]
        ).fetchall()
        counts = con.execute(
            "SELECT added, removed, revised, note FROM revisions WHERE sha256 = ? AND table_name = 'border_crossings'",
            [second],
        ).fetchone()
    assert len(kept) == 3 and [c for (c,) in kept].count("revised") == 2
    assert counts == (4, 4, 2, "counts exact; the first 3 of 10 changed keys kept")


def _version_row(con: duckdb.DuckDBPyConnection, table: str, source_id: str, **extra: object) -> None:
    cols = {
        "source_id": source_id,
        "sha256": f"{source_id}-sha",
        "files": json.dumps([{"name": f"{source_id}.csv", "sha256": f"{source_id}-sha", "size": 3}]),
        "rows": 3,
        "as_of": "2024-06",
        "retrieved_at": "2024-07-01 12:00:00",
        "loaded_at": "2024-07-01 12:05:00",
        "release": "2024-07-01T08:30",
        "notes": json.dumps({"annual_file": "absent"}),
    } | extra
    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", list(cols.values()))


def test_the_history_is_read_per_source_with_the_operators_flags() -> None:
    con = duckdb.connect()
    con.execute(VERSIONS_DDL)
    _version_row(con, "data_versions_history", "a", allowed_older=False)
    # A row recorded before accepted checks were kept: no accepted checks, not an error.
    _version_row(con, "data_versions_history", "b", allowed_older=True, previous_sha256="b-old", accepted_checks=None)
    _version_row(con, "data_versions_history", "a", allowed_older=False, accepted_checks='["rows", "sums"]')
    every = read_history(con)
    assert [(h.id, h.version.source_id) for h in every] == [(1, "a"), (2, "b"), (3, "a")]
    only_a = read_history(con, "a")
    assert [h.id for h in only_a] == [1, 3]
    assert only_a[1].accepted_checks == ("rows", "sums") and only_a[0].accepted_checks == ()
    [b] = read_history(con, "b")
    assert b.allowed_older and b.previous_sha256 == "b-old" and b.accepted_checks == ()
    assert b.version.release == "2024-07-01T08:30" and b.version.notes == {"annual_file": "absent"}
    assert b.version.files[0].name == "b.csv" and b.version.files[0].size == 3
    assert b.version.retrieved_at == dt.datetime(2024, 7, 1, 12, 0)


def test_a_version_read_back_from_the_sidecar_is_the_version_in_the_warehouse() -> None:
    con = duckdb.connect()
    con.execute(VERSIONS_DDL)
    _version_row(con, "data_versions", "statcan-24100053")
    [(sid, v)] = read_versions(con).items()
    # Through JSON text, as the sidecar keeps it: every field comes back, typed.
    again = DataVersion.from_json(json.loads(json.dumps(v.to_json())))
    assert again == v and sid == again.source_id == "statcan-24100053"
    assert again.release == "2024-07-01T08:30" and again.notes == {"annual_file": "absent"}
    assert again.loaded_at == dt.datetime(2024, 7, 1, 12, 5) and again.as_of == "2024-06"
    # A version without times (a source never fetched) keeps them empty, not made up.
    bare = DataVersion("x", "sha", (), 0, None, None, None)
    assert DataVersion.from_json(json.loads(json.dumps(bare.to_json()))) == bare


def test_the_published_versions_are_served_from_the_sidecar_while_the_file_is_unchanged(mirror: Path) -> None:
    publish(mirror, bts_csv(months((2023, 1), (2023, 12))))
    wh = Warehouse()
    first = wh.versions()
    assert json.loads(wh.sidecar.read_text(encoding="utf-8"))["versions"][SOURCE]["as_of"] == "2023-12"
    assert wh.versions() == first
    # Served from the sidecar indeed: a mark written into it comes back while the file is the same.
    doc = json.loads(wh.sidecar.read_text(encoding="utf-8"))
    doc["versions"][SOURCE]["rows"] = 12345
    wh.sidecar.write_text(json.dumps(doc), encoding="utf-8")
    assert wh.versions()[SOURCE].rows == 12345
    # The sidecar is a cache keyed on the file: a new publication is read from the warehouse.
    publish(mirror, bts_csv(months((2023, 1), (2024, 1))))
    assert Warehouse().versions()[SOURCE].as_of == "2024-01"


# -- the publish checks of a new vintage, called as the build calls them


def _published(source_id: str, as_of: str, release: str | None) -> DataVersion:
    return DataVersion(source_id, "published-sha", (), 3, as_of, None, None, release=release)


def test_an_earlier_release_of_the_same_period_is_an_older_vintage() -> None:
    from canus import sources
    from canus.sources.base import LoadResult
    from canus.warehouse import PublishOptions, _check_publishable

    con = duckdb.connect()
    source = sources.get("statcan-24100053")
    published = _published(source.id, "2024-06", "2024-08-01T08:30")
    new = LoadResult(3, "2024-06")
    with pytest.raises(PublishRefusedError) as e:
        _check_publishable(con, source, [], new, "2024-07-01T08:30", published, PublishOptions())
    assert e.value.checks == ("as-of",)
    assert (
        "the new file is an older vintage (2024-06 (2024-07-01T08:30)) "
        "than the one published (2024-06 (2024-08-01T08:30))"
    ) in str(e.value)
    assert "canus update --allow-older statcan-24100053" in str(e.value)
    # A later release of the same period is newer; an earlier one allowed on purpose is recorded so.
    assert _check_publishable(con, source, [], new, "2024-09-01T08:30", published, PublishOptions()) == (False, ())
    allow = PublishOptions(allow_older=frozenset({source.id}))
    assert _check_publishable(con, source, [], new, "2024-07-01T08:30", published, allow) == (True, ())


def _boundaries(con: duckdb.DuckDBPyConnection, name: str, points: int) -> None:
    con.execute(
        f'CREATE TABLE "{name}" AS SELECT * FROM (VALUES {", ".join(["(?, ?)"] * 3)}) t(iso_a3, points)',
        ["CAN", points, "USA", points, "MEX", points],
    )


def test_natural_earth_outlines_may_be_simplified_within_their_own_limit() -> None:
    """A new Natural Earth release may draw the countries with fewer points: up to a tenth of
    them (its own threshold), where every other source is held to a third."""
    from canus import sources
    from canus.publish_gate import DEFAULT, thresholds_for
    from canus.sources.base import LoadResult
    from canus.warehouse import PREVIOUS, PublishOptions, _check_publishable

    source = sources.get("natural-earth-countries")
    assert thresholds_for(source.id).factor == 10 > DEFAULT.factor
    published = _published(source.id, "5.1.1", None)
    for fewer, refused in ((5, ()), (20, ("total", "range"))):
        con = duckdb.connect()
        _boundaries(con, PREVIOUS + "boundaries", 1000)
        _boundaries(con, "boundaries", 1000 // fewer)
        if refused:
            with pytest.raises(PublishRefusedError) as e:
                _check_publishable(
                    con, source, ["boundaries"], LoadResult(3, "5.1.1"), None, published, PublishOptions()
                )
            assert e.value.checks == refused
            assert "moved by more than a factor of 10" in str(e.value)
        else:
            assert _check_publishable(
                con, source, ["boundaries"], LoadResult(3, "5.1.1"), None, published, PublishOptions()
            ) == (False, ())


def test_a_table_without_a_declared_key_is_not_published(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Declared, not discovered: the gate and the revisions record need every table's key."""
    from canus import table_specs

    publish(mirror, bts_csv(months((2023, 1), (2023, 11))))
    published = get_settings().warehouse_path
    before = sha256_of(published)
    monkeypatch.delitem(table_specs.SPECS, "ports")
    mirror.write_bytes(bts_csv(months((2023, 1), (2023, 12))))
    [r] = update([SOURCE])
    assert r.status == "failed"
    assert str(r.error) == (
        "bts-border-crossings: table ports has no declared key and figures (canus/table_specs.py); "
        "nothing was published."
    )
    assert r.error is not None and r.error.localized("fr").startswith(
        "bts-border-crossings\u00a0: la table ports n'a ni"
    )
    assert sha256_of(published) == before


def test_a_first_version_with_an_undeclared_table_is_not_published_either(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from canus import table_specs

    monkeypatch.delitem(table_specs.SPECS, "ports")
    mirror.write_bytes(bts_csv(months((2023, 1), (2023, 11))))
    [r] = update([SOURCE])
    assert r.status == "failed" and str(r.error).startswith("bts-border-crossings: table ports has no declared key")
    assert not get_settings().warehouse_path.exists()


def test_the_warehouse_says_when_it_was_built_in_utc_to_the_second(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a machine set to another time zone too: the build time is UTC, never local time."""
    import re
    import time

    monkeypatch.setenv("TZ", "America/St_Johns")  # UTC-3:30 or -2:30: never UTC
    time.tzset()
    try:
        before = dt.datetime.now(dt.UTC).replace(microsecond=0)
        publish(mirror, bts_csv(months((2023, 1), (2023, 11))))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    with Warehouse().read() as con:
        (built,) = con.execute("SELECT value FROM warehouse_meta WHERE key = 'built_at'").fetchone()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", built), built
    assert 0 <= (dt.datetime.fromisoformat(built) - before).total_seconds() < 60
    # The version's own times too: retrieved and loaded by this update, both stored in UTC.
    with Warehouse().read() as con:
        [h] = read_history(con, SOURCE)
    for when in (h.version.retrieved_at, h.version.loaded_at):
        assert when is not None and when.tzinfo is None
        assert 0 <= (when - before.replace(tzinfo=None)).total_seconds() < 60, when
