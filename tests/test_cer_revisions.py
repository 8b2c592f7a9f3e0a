"""CER's two publications: the monthly file and the annual file that revises it.

Fixtures are written here in CER's layout (Windows-1252, quoted fields, ``Total`` rows that add
up, ``Period`` as ``MM/DD/YYYY`` in the monthly file and ``Year`` in the annual one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from canus.pillars.energy import metrics as energy
from canus.pillars.energy import page as energy_page
from canus.pipeline import update
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse
from tests.loopback import Loopback, Reply

SOURCE = "cer-electricity-trade"
MONTHLY = "electricity-exports-and-imports-monthly.csv"
ANNUAL = "electricity-exports-and-imports-annual.csv"
HEAD = '"{first}","Activity","Source","Destination","Energy (MW.h)","Total Value (CAN$)","Price (CAN$/MW.h)"\n'

#: Detail rows of one month: (activity, source, destination, MW.h, CAD).
MONTH = [
    ("Exports", "Québec", "New York", 3000.0, 240000.0),
    ("Exports", "British Columbia", "Washington", 1000.0, 90000.0),
    ("Imports", "Washington", "British Columbia", 400.0, 48000.0),
    ("Imports", "New York", "Ontario", 100.0, 9000.0),
]
#: What the annual file says of 2021 for BC's imports from Washington (12 × 400 = 4,800 MW.h
#: and 12 × 48,000 = 576,000 CAD in the monthly file): revised up by 123.5 MW.h and 9,876.25 CAD.
BC_2021 = (4923.5, 585876.25)


def _rows_with_totals(period: str, detail: list[tuple[str, str, str, float, float]]) -> list[str]:
    out = []
    for activity in ("Exports", "Imports"):
        rows = [r for r in detail if r[0] == activity]
        for _, src, dst, mwh, cad in rows:
            out.append(f'"{period}","{activity}","{src}","{dst}","{mwh:.4f}","{cad:.4f}","{cad / mwh:.2f}"')
        mwh, cad = sum(r[3] for r in rows), sum(r[4] for r in rows)
        out.append(f'"{period}","{activity}","Total","Total","{mwh:.4f}","{cad:.4f}","{cad / mwh:.2f}"')
    return out


def monthly_file() -> bytes:
    lines = [HEAD.format(first="Period").rstrip("\n")]
    for year, months in ((2021, 12), (2022, 2)):
        for m in range(1, months + 1):
            lines += _rows_with_totals(f"{m:02d}/01/{year}", MONTH)
    return ("\n".join(lines) + "\n").encode("cp1252")


def annual_file(bc_2021: tuple[float, float] = BC_2021) -> bytes:
    detail = [(a, s, d, 12 * e, 12 * v) for a, s, d, e, v in MONTH]
    detail[2] = ("Imports", "Washington", "British Columbia", *bc_2021)
    lines = [HEAD.format(first="Year").rstrip("\n"), *_rows_with_totals("2021", detail)]
    return ("\n".join(lines) + "\n").encode("cp1252")


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mirror" / SOURCE
    folder.mkdir(parents=True)
    (folder / MONTHLY).write_bytes(monthly_file())
    (folder / ANNUAL).write_bytes(annual_file())
    monkeypatch.setenv("CANUS_MIRROR", str(folder.parent))
    return folder


def test_the_annual_file_wins_for_the_years_it_covers(mirror: Path) -> None:
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        years = {row["year"]: row for row in energy.annual_trade(con).rows}
    # 2021 from the annual file, revised: BC imports 4,923.5 + Ontario 12 × 100 MW.h.
    assert years[2021]["publication"] == "annual" and years[2021]["months"] == 12
    assert years[2021]["imports_gwh"] == pytest.approx((4923.5 + 1200) / 1000)
    assert years[2021]["imports_value_cad"] == pytest.approx(585_876.25 + 108_000)
    assert years[2021]["exports_gwh"] == pytest.approx(12 * 4000 / 1000)
    # 2022 only in the monthly file, two months of it.
    assert years[2022]["publication"] == "monthly" and years[2022]["months"] == 2
    assert years[2022]["imports_gwh"] == pytest.approx(2 * 500 / 1000)
    notes = Warehouse().versions()[SOURCE].notes
    assert notes["annual_years"] == "2021-2021" and notes["annual_years_revised"] == "1"  # type: ignore[index]


def test_the_revision_is_measured_both_directions_in_mwh_and_cad(mirror: Path) -> None:
    update([SOURCE])
    with Warehouse().read() as con:
        table = energy.annual_revisions(con)
        bc = energy.annual_revisions(con, province="British Columbia")
        quebec = energy.annual_revisions(con, province="Québec")
    rows = {(r["year"], r["activity"]): r for r in table.rows}
    assert set(rows) == {(2021, "export"), (2021, "import")}  # 2022 is not in the annual file
    imports = rows[(2021, "import")]
    assert imports["monthly_mwh"] == pytest.approx(12 * 500)
    assert imports["annual_mwh"] == pytest.approx(4923.5 + 1200)
    assert imports["revision_mwh"] == pytest.approx(123.5)
    assert imports["revision_cad"] == pytest.approx(9876.25)
    assert imports["revision_share"] == pytest.approx(123.5 / 6000)
    assert rows[(2021, "export")]["revision_mwh"] == 0 and rows[(2021, "export")]["revision_cad"] == 0
    assert table.summary["revised_rows"] == "1" and table.summary["largest_year"] == "2021"
    [bc_import] = [r for r in bc.rows if r["activity"] == "import"]
    assert bc_import["revision_mwh"] == pytest.approx(123.5)
    assert all(r["revision_mwh"] == 0 for r in quebec.rows)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["CER's annual file covers 2021;", "imports of 2021", "124 MWh", "2.06%"]),
        ("fr", ["Le fichier annuel de la Régie couvre 2021;", "importations de 2021", "124 MWh", "2,06\u00a0%"]),
    ],
)
def test_the_energy_page_says_the_revision(mirror: Path, lang: str, words: list[str]) -> None:
    update([SOURCE])
    with Warehouse().read() as con:
        page = energy_page.build(con, lang)
    note = next(n for n in page.notes if "2021;" in n)
    for w in words:
        assert w in note, note
    assert "energy-electricity-revisions" in [t.id for t in page.tables]


def test_without_the_annual_file_the_monthly_sums_stand(mirror: Path) -> None:
    (mirror / ANNUAL).unlink()
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        years = {row["year"]: row for row in energy.annual_trade(con).rows}
        assert energy.annual_revisions(con).rows == []
    assert years[2021]["publication"] == "monthly"
    assert years[2021]["imports_gwh"] == pytest.approx(6.0)
    assert Warehouse().versions()[SOURCE].notes["annual_file"] == "absent"


def test_both_files_over_http_and_a_broken_annual_names_its_address(
    loopback: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CANUS_URL_CER_ELECTRICITY_TRADE", loopback.url(f"/open/{MONTHLY}"))
    loopback.queue(f"/open/{MONTHLY}", Reply(200, monthly_file()))
    loopback.queue(f"/open/{ANNUAL}", Reply(200, annual_file()))
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    from canus.settings import get_settings
    from tests.conftest import sha256_of

    before = sha256_of(get_settings().warehouse_path)
    # The annual total no longer adds up: the load fails naming the annual file's address.
    broken = annual_file().replace(b'"Imports","Total","Total","6123.5000"', b'"Imports","Total","Total","7000.0000"')
    assert broken != annual_file()
    loopback.queue(f"/open/{MONTHLY}", Reply(200, monthly_file()))
    loopback.queue(f"/open/{ANNUAL}", Reply(200, broken))
    assert_update_fails_keeping_warehouse(SOURCE, before, loopback.url(f"/open/{ANNUAL}"), "yearly totals do not match")


def test_a_publisher_without_the_annual_file(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_URL_CER_ELECTRICITY_TRADE", loopback.url(f"/open/{MONTHLY}"))
    loopback.queue(f"/open/{MONTHLY}", Reply(200, monthly_file()))
    [r] = update([SOURCE])  # the annual address answers 404
    assert r.status == "updated", r.error
    assert [f.name for f in Warehouse().versions()[SOURCE].files] == [MONTHLY]


@pytest.mark.shared_data
def test_real_files_bc_imports_2015_2022(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        table = energy.annual_revisions(con, province="British Columbia")
        national = energy.annual_revisions(con)
    bc = {row["year"]: row for row in table.rows if row["activity"] == "import" and 2015 <= row["year"] <= 2022}
    assert sorted(bc) == list(range(2015, 2023))
    # Both files as published: the annual figure (computed once with DuckDB on the annual file).
    assert bc[2015]["annual_mwh"] == pytest.approx(7_041_715.555)
    assert bc[2020]["annual_mwh"] == pytest.approx(7_079_418.9816)
    assert bc[2022]["annual_mwh"] == pytest.approx(8_811_654.2484)
    # The shared copies of the two files agree on every year: the revision is measured as nil.
    for row in bc.values():
        assert abs(row["revision_mwh"]) < 0.01 and abs(row["revision_cad"]) < 0.01
    assert national.summary["years"] == "1990-2022" and national.summary["revised_rows"] == "0"
