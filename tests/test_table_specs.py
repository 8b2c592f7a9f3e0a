"""Every warehouse table has a declared key and figures; a table without one is this test failing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus import sources
from canus.settings import get_settings
from canus.table_specs import declared, spec_for
from tests.web_helpers import build_warehouse

BOOKKEEPING = {"data_versions", "data_versions_history", "warehouse_meta", "revisions", "revision_keys"}


def test_every_table_of_every_default_source_is_declared() -> None:
    missing = {t: s.id for s in sources.all_default() for t in s.tables if declared(t) is None}
    assert missing == {}


def _check_tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    problems: dict[str, str] = {}
    tables = [
        r[0]
        for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    ]
    for table in tables:
        if table in BOOKKEEPING:
            continue
        if declared(table) is None:
            problems[table] = "no declaration"
            continue
        spec = spec_for(con, table)
        columns = {r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}
        absent = [c for c in (*spec.key, *spec.compared, *spec.measures, *spec.non_negative) if c not in columns]
        if absent:
            problems[table] = f"columns absent: {absent}"
            continue
        keys = ", ".join(f'"{k}"' for k in spec.key)
        dupes = con.execute(
            f'SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT {keys} FROM "{table}")) FROM "{table}"'
        ).fetchone()[0]
        if dupes:
            problems[table] = f"key {spec.key} not unique ({dupes} duplicates)"
    return problems


def test_declared_keys_are_unique_and_columns_exist_in_every_loaded_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture mirror: BTS, Natural Earth, 24-10-0053 (en + fr zips), CER, Great Lakes, emissions.
    build_warehouse(tmp_path, monkeypatch)
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        loaded = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"border_crossings", "statcan_24100053", "statcan_24100053_members", "electricity_trade"} <= loaded
        assert _check_tables(con) == {}
        # The Statistics Canada key follows the loaded vintage's own dimensions.
        spec = spec_for(con, "statcan_24100053")
        assert spec.key[:2] == ("ref_date", "geo") and len(spec.key) > 2


@pytest.mark.shared_data
def test_declared_keys_hold_on_the_shared_mirror(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.pipeline import update

    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    wanted = [
        "bts-border-crossings",
        "cer-electricity-trade",
        "great-lakes-water-levels",
        "air-emissions",
        "natural-earth-countries",
        "fred-EXPCA",
        "fred-IMPCA",
        "fred-EXCAUS",
    ]
    results = update(wanted)
    assert [r.status for r in results] == ["updated"] * len(wanted), [r.error for r in results]
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        assert _check_tables(con) == {}
