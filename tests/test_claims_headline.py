"""The page's headline claims decided on warehouses that ``canus update`` builds from mirrors of
official-layout files we write here (Statistics Canada full-table zips, BTS CSV, FRED CSV):
supported, contradicted, changed since, and not checkable naming the exact missing table.

Figures are chosen so that each verdict is worked out by hand in the comments.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import duckdb
import pytest

from canus import pipeline
from canus.claims.checker import Result, check_claim
from canus.claims.models import load_claims
from canus.errors import CanusError
from canus.pillars.border import travellers
from canus.warehouse import Warehouse
from tests.conftest import FIXTURES
from tests.fixtures.statcan.official import Dim, Row, write_zip

BTS_HEADER = "Port Name,State,Port Code,Border,Date,Measure,Value,Latitude,Longitude,Point\n"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def claim(claim_id: str) -> Result:
    c = next(c for c in load_claims() if c.id == claim_id)
    with Warehouse().read() as con:
        return check_claim(c, con)


def _days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _both_langs(folder: Path, pid: str, title: str, dims: list[Dim], rows: list[Row]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for lang, suffix in (("en", "eng"), ("fr", "fra")):
        write_zip(folder / f"{pid}-{suffix}.zip", pid, (title, title + " (fr)"), dims, rows, lang)


# ------------------------------------------------------------------------ people per day

NEW_DIMS = [
    Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
    Dim(
        "Traveller characteristics",
        "Caractéristiques du voyageur",
        [
            (1, None, "Total international travellers", "Total des voyageurs internationaux"),
            (
                2,
                1,
                "United States of America residents entering Canada",
                "Résidents des États-Unis d'Amérique entrant au Canada",
            ),
            (3, 2, "United States of America residents, air", "Résidents des États-Unis d'Amérique, avion"),
            (4, 2, "United States of America residents, land", "Résidents des États-Unis d'Amérique, terre"),
            (
                10,
                1,
                "Canadian residents returning from the United States of America",
                "Résidents canadiens revenant des États-Unis d'Amérique",
            ),
            (
                11,
                10,
                "Canadian residents returning from the United States of America, air",
                "Résidents canadiens revenant des États-Unis d'Amérique, avion",
            ),
            (
                12,
                10,
                "Canadian residents returning from the United States of America, land",
                "Résidents canadiens revenant des États-Unis d'Amérique, terre",
            ),
            (
                30,
                1,
                "Canadian residents returning from countries other than the United States of America, air",
                "Résidents canadiens revenant de pays autres que les États-Unis d'Amérique, avion",
            ),
            (
                20,
                1,
                "Residents of countries other than the United States of America, air",
                "Résidents de pays autres que les États-Unis d'Amérique, avion",
            ),
        ],
    ),
    Dim("Traveller type", "Type de voyageur", [(1, None, "Total traveller type", "Total, type de voyageur")]),
]
OLD_DIMS = [
    Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
    Dim(
        "Traveller characteristics",
        "Caractéristiques du voyageur",
        [
            (1, None, "Total international travellers", "Total des voyageurs internationaux"),
            (2, 1, "United States residents entering Canada", "Résidents des États-Unis entrant au Canada"),
            (
                3,
                2,
                "United States residents entering Canada, automobile, same day",
                "Résidents des États-Unis entrant au Canada, automobile, même jour",
            ),
            (
                4,
                2,
                "United States residents entering Canada, plane",
                "Résidents des États-Unis entrant au Canada, avion",
            ),
            (
                5,
                1,
                "Canadian residents returning from the United States",
                "Résidents canadiens revenant des États-Unis",
            ),
            (
                6,
                5,
                "Canadian residents returning from the United States, automobile, same day",
                "Résidents canadiens revenant des États-Unis, automobile, même jour",
            ),
            (
                7,
                5,
                "Canadian residents returning from the United States, plane",
                "Résidents canadiens revenant des États-Unis, avion",
            ),
            (
                8,
                1,
                "Canadian residents returning from countries other than the United States",
                "Résidents canadiens revenant de pays autres que les États-Unis",
            ),
        ],
    ),
]
#: People a day, per year: (US residents into Canada, Canadians back from the US, Canadians
#: back from elsewhere and other residents, into the US by land per BTS).
PEOPLE = {
    2015: (100_000, 150_000, 200_000, 140_000),  # 250,000 + 140,000 = 390,000
    2019: (100_000, 150_000, 200_000, 150_000),  # 250,000 + 150,000 = 400,000
    2024: (60_000, 90_000, 200_000, 100_000),
}  # 150,000 + 100,000 = 250,000


def _people_mirror(root: Path, people: dict[int, tuple[int, int, int, int]], older: bool = True) -> list[str]:
    new_rows, old_rows, bts = [], [], [BTS_HEADER]
    for year, (us, ca, other, into_us) in people.items():
        for m in range(1, 13):
            d, ref = _days(year, m), f"{year}-{m:02d}"
            bts.append(
                f"Blaine,Washington,3004,US-Canada Border,{MONTHS[m - 1]} {year},"
                f"Personal Vehicle Passengers,{into_us * d},49.0,-122.7,POINT (-122.7 49.0)\n"
            )
            if year >= travellers.NEWER_TABLE_FROM:
                # Leaves only: 40 % by air, 60 % by land; other origins all by air.
                new_rows += [
                    Row(ref, (1, 3, 1), us * d * 0.4),
                    Row(ref, (1, 4, 1), us * d * 0.6),
                    Row(ref, (1, 11, 1), ca * d * 0.4),
                    Row(ref, (1, 12, 1), ca * d * 0.6),
                    Row(ref, (1, 30, 1), other * d / 2),
                    Row(ref, (1, 20, 1), other * d / 2),
                    Row(ref, (1, 1, 1), (us + ca + other) * d),
                ]
            else:
                old_rows += [
                    Row(ref, (1, 2), us * d),
                    Row(ref, (1, 3), us * d * 0.6),
                    Row(ref, (1, 4), us * d * 0.4),
                    Row(ref, (1, 5), ca * d),
                    Row(ref, (1, 6), ca * d * 0.6),
                    Row(ref, (1, 7), ca * d * 0.4),
                    Row(ref, (1, 8), other * d),
                    Row(ref, (1, 1), (us + ca + other) * d),
                ]
    (root / "bts-border-crossings").mkdir(parents=True)
    (root / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv").write_text("".join(bts))
    ids = ["bts-border-crossings"]
    if new_rows:
        _both_langs(root / "statcan-24100053", "24100053", "Travellers", NEW_DIMS, new_rows)
        ids.append("statcan-24100053")
    if old_rows and older:
        _both_langs(root / "statcan-24100041", "24100041", "Travellers (older)", OLD_DIMS, old_rows)
        ids.append("statcan-24100041")
    return ids


def _update(ids: list[str]) -> None:
    results = pipeline.update(ids)
    assert all(r.status == "updated" for r in results), [(r.source_id, r.error) for r in results]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    return tmp_path / "mirror"


def test_people_per_day_supported_at_its_period_and_changed_since(root: Path) -> None:
    _update(_people_mirror(root, PEOPLE))
    r = claim("people-per-day-prepandemic")
    # 2019: 250,000 from the US into Canada + 150,000 into the US = 400,000: "around 400,000".
    # Canadians back from elsewhere and other residents (200,000 a day) are not counted;
    # counted, they would make 600,000 and contradict the page.
    assert r.verdict == "supported" and r.period == "2019"
    assert r.value == pytest.approx(400_000)
    assert r.detail["into_canada_per_day"] == pytest.approx(250_000)
    assert r.detail["into_canada_land_per_day"] == pytest.approx(150_000)
    assert r.detail["canada_table"] == "24-10-0041"
    # 2024 is 250,000: context, not a verdict.
    assert r.latest_period == "2024" and r.latest_value == pytest.approx(250_000)
    assert r.changed_since
    earlier = claim("people-per-day-earlier")
    # 2015: 390,000, within "close to 400,000" (350,000 to 400,000).
    assert earlier.verdict == "supported" and earlier.value == pytest.approx(390_000)
    assert earlier.period == "2015"
    with Warehouse().read() as con:
        table = travellers.both_directions(con)
    by_year = {row["year"]: row for row in table.rows}
    assert by_year[2024]["canada_table"] == "24-10-0053"
    assert by_year[2024]["into_canada_air_per_day"] == pytest.approx(60_000)
    assert by_year[2024]["into_us_air_per_day"] is None


def test_people_per_day_contradicted(root: Path) -> None:
    _update(_people_mirror(root, {2019: (50_000, 70_000, 400_000, 150_000)}))
    r = claim("people-per-day-prepandemic")
    # 120,000 + 150,000 = 270,000: not "around 400,000".
    assert r.verdict == "contradicted" and r.value == pytest.approx(270_000)


def test_people_per_day_names_the_older_table_it_waits_for(root: Path) -> None:
    _update(_people_mirror(root, PEOPLE, older=False))
    r = claim("people-per-day-prepandemic")
    assert r.verdict == "not_checkable" and r.missing_ids == ["statcan-24100041"]
    assert "statcan_24100041" in (r.missing_text() or "")
    assert "24-10-0041-01" in (r.missing_text("fr") or "")
    # BTS alone is quoted for what it is, never compared.
    assert any("150,000" in n.render("en") for n in r.notes)
    # 2024 from 24-10-0053 is still shown as "since then", as context.
    assert r.latest_period == "2024" and r.latest_value == pytest.approx(250_000)
    assert r.changed_since and r.value is None


# ------------------------------------------------------------------------ trade 2022

GOODS_DIMS = [
    Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
    Dim("Trade", "Commerce", [(1, None, "Import", "Importations"), (2, None, "Export", "Exportations")]),
    Dim(
        "Basis", "Base", [(1, None, "Customs", "Douanière"), (2, None, "Balance of payments", "Balance des paiements")]
    ),
    Dim("Seasonal adjustment", "Désaisonnalisation", [(1, None, "Unadjusted", "Non désaisonnalisées")]),
    Dim(
        "Principal trading partners",
        "Principaux partenaires commerciaux",
        [(1, None, "All countries", "Tous les pays"), (2, None, "United States", "États-Unis")],
    ),
]
SERVICES_DIMS = [
    Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
    Dim(
        "Receipts, payments and balances",
        "Recettes, paiements et soldes",
        [(1, None, "Receipts", "Recettes"), (2, None, "Payments", "Paiements")],
    ),
    Dim(
        "Countries or regions",
        "Pays ou régions",
        [(1, None, "All countries", "Tous les pays"), (2, None, "United States", "États-Unis")],
    ),
    Dim(
        "Services",
        "Services",
        [(1, None, "Total services", "Total des services"), (2, 1, "Commercial services", "Services commerciaux")],
    ),
]


def _trade_mirror(
    root: Path,
    goods: dict[int, tuple[float, float]],
    services: dict[int, tuple[float, float]] | None,
    us_goods: dict[int, tuple[float, float]] | None = None,
) -> list[str]:
    """goods/services: year → (exports, imports) in billions of CAD a year (goods in BoP, spread
    over 12 months; customs rows carry 10 times as much so that reading them shows);
    us_goods: year → (US exports, US imports) in billions of USD a year."""
    rows = []
    for year, (e, i) in goods.items():
        for m in range(1, 13):
            ref = f"{year}-{m:02d}"
            for trade, v in ((2, e), (1, i)):
                rows += [
                    Row(ref, (1, trade, 2, 1, 2), v * 1000 / 12, scalar_id=6, decimals=3),
                    Row(ref, (1, trade, 1, 1, 2), v * 10_000 / 12, scalar_id=6, decimals=3),
                ]
    _both_langs(root / "statcan-12100011", "12100011", "Merchandise trade", GOODS_DIMS, rows)
    ids = ["statcan-12100011"]
    if services is not None:
        srows = []
        for year, (rec, pay) in services.items():
            srows += [
                Row(str(year), (1, 1, 2, 1), rec * 1000, scalar_id=6),
                Row(str(year), (1, 2, 2, 1), pay * 1000, scalar_id=6),
                Row(str(year), (1, 1, 2, 2), rec * 100, scalar_id=6),
            ]
        _both_langs(root / "statcan-36100007", "36100007", "Services", SERVICES_DIMS, srows)
        ids.append("statcan-36100007")
    if us_goods:
        for series, pick in (("EXPCA", 0), ("IMPCA", 1)):
            (root / f"fred-{series}").mkdir(parents=True)
            (root / f"fred-{series}" / f"{series}.csv").write_text(
                f'"DATE","{series}"\n'
                + "".join(
                    f"{y}-{m:02d}-01,{v[pick] * 1000 / 12:.3f}\n" for y, v in us_goods.items() for m in range(1, 13)
                )
            )
        (root / "fred-EXCAUS").mkdir(parents=True)
        (root / "fred-EXCAUS" / "EXCAUS.csv").write_text(
            '"DATE","EXCAUS"\n' + "".join(f"{y}-{m:02d}-01,1.30\n" for y in us_goods for m in range(1, 13))
        )
        ids += ["fred-EXPCA", "fred-IMPCA", "fred-EXCAUS"]
    return ids


def test_trade_2022_supported_with_both_countries_figures_and_changed_since(root: Path) -> None:
    # 2022: goods 600 + 480 = 1,080 bn, services 90 + 110 = 200 bn: C$1.28 trillion, which is
    # "nearly 1.3 trillion" (1.25 to 1.30). 2024: C$1.45 trillion, changed since.
    _update(
        _trade_mirror(
            root, {2022: (600, 480), 2024: (700, 550)}, {2022: (90, 110), 2024: (95, 105)}, {2022: (280, 452)}
        )
    )
    r = claim("bilateral-trade-2022")
    assert r.verdict == "supported" and r.period == "2022" and r.unit == "CAD"
    assert r.value == pytest.approx(1.28e12)
    assert r.detail["basis"] == "Balance of payments"
    assert r.latest_period == "2024" and r.changed_since
    # The US side, goods only: (280 + 452) bn USD × 1.30 = 951.6 bn CAD, against Canada's
    # 1,080 bn: a mirror gap of −128.4 bn.
    assert r.detail["us_goods_cad"] == pytest.approx(951.6e9)
    assert r.detail["mirror_gap_goods_cad"] == pytest.approx(951.6e9 - 1080e9)
    assert any("mirror gap" in n.render("en") for n in r.notes)
    assert "fred-EXPCA" in r.source_ids


def test_trade_2022_of_118_trillion_does_not_support_nearly_13(root: Path) -> None:
    # 1,000 + 180 = C$1.18 trillion: written "1.2 trillion", so not "nearly 1.3 trillion".
    _update(_trade_mirror(root, {2022: (550, 450)}, {2022: (80, 100)}))
    r = claim("bilateral-trade-2022")
    assert r.verdict == "contradicted" and r.value == pytest.approx(1.18e12)


def test_trade_2022_names_the_services_table_it_waits_for(root: Path) -> None:
    _update(_trade_mirror(root, {2022: (600, 480)}, None))
    r = claim("bilateral-trade-2022")
    assert r.verdict == "not_checkable" and r.missing_ids == ["statcan-36100007"]
    assert "statcan_36100007" in (r.missing_text() or "")


# The energy claim is tested with the energy sources' fixtures: tests/test_energy_trade_sources.py.


def test_observers_are_declared_and_needs_go_through_one_function() -> None:
    import inspect

    from canus.claims import needs, observations

    src = inspect.getsource(observations)
    # No import-side-effect registration, no module looked up at run time that could be
    # silently missing: a missing metric module fails the import of this module.
    assert "importlib" not in src and "@metric" not in src
    targets = {c.check.target for c in load_claims() if c.check.kind == "metric"}
    assert targets <= set(observations.OBSERVERS)
    assert observations.METRICS.keys() == observations.NEEDS.keys() == observations.OBSERVERS.keys()
    # Which source is missing is decided in canus.claims.needs only.
    assert "has_tables" not in src
    con = duckdb.connect()
    assert needs.missing_sources(con, ("statcan_24100041", "statcan_24100041_members", "border_crossings")) == [
        "statcan-24100041",
        "bts-border-crossings",
    ]
    con.execute("CREATE TABLE border_crossings (x INTEGER)")
    assert needs.missing_sources(con, ("border_crossings",)) == []
    with pytest.raises(CanusError, match="No source declares"):
        needs.source_of("no_such_table")


# ------------------------------------------------------------------------ largest US partner


def _census_mirror(
    root: Path, monkeypatch: pytest.MonkeyPatch, totals: dict[int, dict[str, tuple[str, float]]]
) -> None:
    """US Census Bureau API answers (the JSON arrays the API returns) for the enduse datasets,
    every partner country: year → code → (name, billions of USD a month each way). The world
    total and the NAFTA grouping are in the answers, as the API gives them."""
    import json

    folder = root / "census-trade"
    folder.mkdir(parents=True)
    for year, partners in totals.items():
        for flow, col in (("exports", "ALL_VAL_MO"), ("imports", "GEN_VAL_MO")):
            rows: list[list[str]] = [["CTY_CODE", "CTY_NAME", col, "time"]]
            for m in range(1, 13):
                t = f"{year}-{m:02d}"
                rows.append(["-", "TOTAL FOR ALL COUNTRIES", "900000000000", t])
                rows.append(["0020", "NAFTA", "300000000000", t])
                rows += [[code, name, str(int(bn * 1e9)), t] for code, (name, bn) in partners.items()]
            (folder / f"{flow}-enduse-{year}.json").write_text(json.dumps(rows))
            # The product, state and energy answers the source also loads, moved to this year.
            census = FIXTURES / "trade" / "census"
            energy = sorted(census.glob(f"{flow}-hs-energy-*-2023.json"))
            for answer in [census / f"{flow}-hs-2023.json", census / f"{flow}-statehs-2023.json", *energy]:
                name = answer.name.replace("-2023.json", f"-{year}.json")
                (folder / name).write_text(answer.read_text().replace('"2023-', f'"{year}-'))
    monkeypatch.setenv("CANUS_CENSUS_API_KEY", "not-sent-anywhere")
    monkeypatch.setenv("CANUS_CENSUS_YEARS", f"{min(totals)}-{max(totals)}")


def _rank_claim() -> Result:
    return claim("largest-us-partner-2022")


def test_largest_partner_supported_and_changed_since(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _census_mirror(
        root,
        monkeypatch,
        {
            2022: {"1220": ("CANADA", 65.0), "2010": ("MEXICO", 60.0), "5700": ("CHINA", 55.0)},
            2024: {"1220": ("CANADA", 60.0), "2010": ("MEXICO", 70.0), "5700": ("CHINA", 50.0)},
        },
    )
    _update(["census-trade"])
    r = _rank_claim()
    # 2022: Canada first of every partner country (US goods, both ways); 2024: Mexico first.
    assert r.verdict == "supported" and r.value == 1 and r.period == "2022"
    assert r.basis == "proxy" and any("goods" in n.render("en") for n in r.notes)
    assert r.latest_period == "2024" and r.latest_value == 2 and r.changed_since


def test_largest_partner_contradicted(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _census_mirror(
        root, monkeypatch, {2022: {"1220": ("CANADA", 55.0), "2010": ("MEXICO", 60.0), "5700": ("CHINA", 50.0)}}
    )
    _update(["census-trade"])
    r = _rank_claim()
    assert r.verdict == "contradicted" and r.value == 2


def test_largest_partner_names_the_census_table(root: Path) -> None:
    _update(_people_mirror(root, {2024: PEOPLE[2024]}))
    r = _rank_claim()
    assert r.verdict == "not_checkable" and r.missing_ids == ["census-trade"]
    assert "census_trade_partners" in (r.missing_text() or "")
