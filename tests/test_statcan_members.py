"""Statistics Canada series by meaning: member names (and the loaded vintage's ids), not vectors.

Fixtures are full-table zips in the official layout (``tests/fixtures/statcan/official.py``),
loaded through the real pipeline from a mirror.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from canus import sources
from canus.cli import app
from canus.pipeline import update
from canus.settings import get_settings
from canus.sources import statcan_members
from canus.sources.statcan_members import Need, select_members
from canus.warehouse import Warehouse
from tests.conftest import sha256_of
from tests.fixtures.statcan.official import Dim, Row, older_traveller_zip, write_zip

SOURCE = "statcan-24100041"
TABLE = "statcan_24100041"
FROM_US = ["United States residents entering Canada", "Canadian residents returning from the United States"]


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mirror"
    (root / SOURCE).mkdir(parents=True)
    monkeypatch.setenv("CANUS_MIRROR", str(root))
    return root / SOURCE


def _publish(folder: Path, *, french: bool = True, **vintage: object) -> None:
    for lang in ("en", "fr") if french else ("en",):
        older_traveller_zip(folder / f"24100041-{'eng' if lang == 'en' else 'fra'}.zip", lang, **vintage)  # type: ignore[arg-type]


def _from_us_per_month() -> tuple[list[int], float]:
    with Warehouse().read() as con:
        sel = select_members(con, TABLE, {"Geography": ["Canada"], "Traveller characteristics": FROM_US}).require()
        [(total,)] = con.execute(
            f"SELECT sum(value) / count(DISTINCT ref_date) FROM {TABLE} WHERE {sel.where()}"
        ).fetchall()
        vectors = [v for (v,) in con.execute(f"SELECT DISTINCT vector FROM {TABLE}").fetchall()]
    assert "v62370949" not in vectors
    return sel.ids("Traveller characteristics"), total


def test_series_found_by_member_names_whatever_the_vectors(mirror: Path) -> None:
    # A vintage whose member ids and vectors are not today's, with the same member names.
    _publish(mirror, first_member_id=40, first_vector=125184)
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    ids, per_month = _from_us_per_month()
    assert ids == [41, 43] and per_month == 2000 + 3000
    # Another vintage: other ids, other vectors, same meaning, same figure.
    _publish(mirror, first_member_id=7, first_vector=125227)
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    ids, per_month = _from_us_per_month()
    assert ids == [8, 10] and per_month == 5000


def test_a_renamed_member_is_found_through_its_declared_alias(mirror: Path) -> None:
    _publish(
        mirror, rename={"United States residents entering Canada": "United States of America residents entering Canada"}
    )
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        sel = select_members(con, TABLE, {"Traveller characteristics": FROM_US})
    assert sel.missing == ()
    assert {m.name for m in sel.found} == {
        "United States of America residents entering Canada",
        "Canadian residents returning from the United States",
    }
    # Names compare without case, accents or repeated spaces.
    assert statcan_members.fold("  Résidents  CANADIENS ") == "residents canadiens"


def test_a_missing_member_is_named_when_the_table_is_loaded(mirror: Path) -> None:
    _publish(mirror, drop=("Canadian residents returning from the United States",))
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    notes = Warehouse().versions()[SOURCE].notes
    assert isinstance(notes, dict)
    assert notes["missing_members"] == (
        '"Traveller characteristics" / "Canadian residents returning from the United States"'
    )
    assert "Canadian residents returning from the United States" in notes["warning"]
    assert "24100041-eng.zip" in notes["warning"]
    assert "Canadian residents returning from the United States" in notes["warning_fr"]
    assert notes["warning_fr"] != notes["warning"]
    with Warehouse().read() as con, pytest.raises(Exception, match="Canadian residents returning"):
        select_members(con, TABLE, {"Traveller characteristics": FROM_US}).require()


def test_a_required_member_absent_stops_the_load_naming_it(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _publish(mirror)
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    before = sha256_of(get_settings().warehouse_path)
    monkeypatch.setitem(
        statcan_members.NEEDS,
        "24100041",
        (
            Need(
                "Traveller characteristics",
                ("United States residents entering Canada",),
                {"en": "a test", "fr": "un essai"},
                required=True,
            ),
        ),
    )
    _publish(
        mirror,
        drop=(
            "United States residents entering Canada",
            "United States residents entering Canada, automobile, same day",
        ),
    )
    [r] = update([SOURCE])
    assert r.status == "failed"
    message = str(r.error)
    assert '"Traveller characteristics" / "United States residents entering Canada"' in message
    assert "24100041-eng.zip" in message and "file://" in message
    assert sha256_of(get_settings().warehouse_path) == before


def test_a_missing_dimension_is_named(mirror: Path) -> None:
    _publish(mirror)
    update([SOURCE])
    with Warehouse().read() as con:
        sel = select_members(con, TABLE, {"Type of transport": ["Land"]})
    assert sel.missing == (("Type of transport", ""),) and sel.found == ()
    with pytest.raises(Exception, match='"Type of transport"'):
        sel.require()


def test_mirror_without_the_french_zip_loads(mirror: Path) -> None:
    _publish(mirror, french=False)
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    version = Warehouse().versions()[SOURCE]
    assert version.notes["french_names"] == "absent"
    assert [f.name for f in version.files] == ["24100041-eng.zip"]
    with Warehouse().read() as con:
        assert con.execute(
            f"SELECT count(*) FILTER (WHERE member_fr IS NOT NULL), count(*) FROM {TABLE}_members"
        ).fetchone() == (0, 7)


def test_a_mirror_without_the_english_zip_still_fails(mirror: Path) -> None:
    older_traveller_zip(mirror / "24100041-fra.zip", "fr")
    [r] = update([SOURCE])
    assert r.status == "failed" and "24100041-eng.zip" in str(r.error)


# ---------------------------------------------------------------------------- listing


OTHER_PID = "24100003"
OTHER_TITLE = (
    "Travellers in a fixture table, by type of transport",
    "Voyageurs d'un tableau d'essai, selon le type de transport",
)


def _other_table(root: Path) -> None:
    folder = root.parent / f"statcan-{OTHER_PID}"
    folder.mkdir()
    dims = [
        Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
        Dim("Type of transport", "Type de transport", [(1, None, "Land", "Terre")]),
    ]
    rows = [Row("2024-01", (1, 1), 10.0), Row("2024-02", (1, 1), 12.0)]
    for lang, suffix in (("en", "eng"), ("fr", "fra")):
        write_zip(folder / f"{OTHER_PID}-{suffix}.zip", OTHER_PID, OTHER_TITLE, dims, rows, lang)


def test_any_loaded_table_is_listed_with_its_own_metadata(mirror: Path) -> None:
    _other_table(mirror)
    _publish(mirror)
    assert f"statcan-{OTHER_PID}" not in sources.default_ids()
    results = update([f"statcan-{OTHER_PID}", SOURCE])
    assert all(r.status == "updated" for r in results), [r.error for r in results]
    r = CliRunner().invoke(app, ["sources", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = {s["id"]: s for s in json.loads(r.stdout)}
    other = rows[f"statcan-{OTHER_PID}"]
    assert other["title"] == f"Table 24-10-0003-01: {OTHER_TITLE[0]}"
    assert other["licence"] == "Statistics Canada Open Licence" and other["as_of"] == "2024-02"
    # A default table loaded shows the title of its metadata, not the declared one.
    assert (
        rows[SOURCE]["title"]
        == "Table 24-10-0041-01: " + "International travellers entering or returning to Canada, by type of transport"
    )

    from canus.web.app import create_app

    api = {s["id"]: s for s in TestClient(create_app()).get("/api/sources?lang=fr").json()}
    assert api[f"statcan-{OTHER_PID}"]["title"] == f"Tableau 24-10-0003-01\u00a0: {OTHER_TITLE[1]}"
    assert api[f"statcan-{OTHER_PID}"]["licence"] == "Licence ouverte de Statistique Canada"
    assert "release" in api[f"statcan-{OTHER_PID}"]


def test_unknown_loaded_ids_are_left_out() -> None:
    assert sources.loaded_ids({"no-such-source": {}, "statcan-24100003": {}}) == ["statcan-24100003"]
