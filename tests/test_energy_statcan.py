"""Statistics Canada energy tables through the real family reader: the energy balance by fuel
(25-10-0029-01, declared by canus.sources.statcan_energy) and Canada's imports of energy products by
trading partner (12-10-0173-01), which gives the United States' rank among Canada's suppliers."""

from __future__ import annotations

from pathlib import Path

import pytest

from canus import sources
from canus.pillars.energy import forms
from canus.pipeline import update
from canus.warehouse import Warehouse
from tests.fixtures.statcan.official import Dim, Row, write_zip

TJ = ("Terajoules", "Térajoules", "255")
DOLLARS = ("Dollars", "Dollars", "81")
BALANCE_DIMS = [
    Dim("Geography", "Géographie", [(1, None, "Canada", "Canada"), (2, 1, "Alberta", "Alberta")]),
    Dim(
        "Fuel type",
        "Type de combustible",
        [
            (1, None, "Total primary and secondary energy", "Total de l'énergie primaire et secondaire"),
            (2, 1, "Coal", "Charbon"),
            (3, 1, "Crude oil", "Pétrole brut"),
            (4, 1, "Natural gas", "Gaz naturel"),
        ],
    ),
    Dim(
        "Supply and demand characteristics",
        "Caractéristiques de l'offre et de la demande",
        [
            (1, None, "Production", "Production"),
            (2, None, "Exports", "Exportations"),
            (3, None, "Imports", "Importations"),
        ],
    ),
]
TRADE_DIMS = [
    Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
    Dim(
        "Trading partner",
        "Partenaire commercial",
        [
            (1, None, "All countries", "Tous les pays"),
            (2, 1, "United States", "États-Unis"),
            (3, 1, "Norway", "Norvège"),
            (4, 1, "Nigeria", "Nigéria"),
        ],
    ),
    Dim(
        "North American Product Classification System (NAPCS)",
        "Système de classification des produits de l'Amérique du Nord (SCPAN)",
        [
            (1, None, "All sections", "Toutes les sections"),
            (2, 1, "Energy products [C12]", "Produits énergétiques [C12]"),
        ],
    ),
    Dim("Trade", "Commerce", [(1, None, "Import", "Importations"), (2, None, "Export", "Exportations")]),
]


def _balance_rows() -> list[Row]:
    # TJ: coal exports 1,000,000 and imports 250,000; crude exports 9,000,000; gas 4,000,000 / 900,000.
    values = {
        (2, 2): 1_000_000,
        (2, 3): 250_000,
        (3, 2): 9_000_000,
        (3, 3): 1_500_000,
        (4, 2): 4_000_000,
        (4, 3): 900_000,
        (2, 1): 1_500_000,
    }
    rows = [Row("2022", (1, fuel, ch), v, uom=TJ) for (fuel, ch), v in values.items()]
    rows.append(Row("2022", (2, 2, 2), 900_000, uom=TJ))  # Alberta: not Canada, not counted
    rows.append(Row("2022", (1, 1, 2), 14_000_000, uom=TJ))
    return rows


def _trade_rows(us: float, norway: float) -> list[Row]:
    # Values in thousands of dollars, as the table publishes them.
    out = [Row("2022", (1, 1, 2, 1), us + norway + 1_000_000, scalar_id=3, uom=DOLLARS)]
    for partner, v in ((2, us), (3, norway), (4, 1_000_000)):
        out.append(Row("2022", (1, partner, 2, 1), v, scalar_id=3, uom=DOLLARS))
        out.append(Row("2022", (1, partner, 1, 1), v * 10, scalar_id=3, uom=DOLLARS))
    return out


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mirror"
    monkeypatch.setenv("CANUS_MIRROR", str(root))
    return root


def _write(root: Path, pid: str, dims: list[Dim], rows: list[Row]) -> None:
    folder = root / f"statcan-{pid}"
    folder.mkdir(parents=True, exist_ok=True)
    for lang, suffix in (("en", "eng"), ("fr", "fra")):
        write_zip(folder / f"{pid}-{suffix}.zip", pid, ("Fixture", "Données de test"), dims, rows, lang)


def test_energy_tables_are_declared_defaults() -> None:
    ids = sources.default_ids()
    assert "statcan-25100029" in ids and "statcan-25100063" in ids
    assert sources.get("statcan-25100029").title["fr"].startswith("Tableau 25-10-0029-01\u00a0: Offre")


def test_trade_by_fuel_in_petajoules(mirror: Path) -> None:
    _write(mirror, "25100029", BALANCE_DIMS, _balance_rows())
    [r] = update(["statcan-25100029"])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        table = forms.trade_by_fuel(con)
    by = {x["fuel_type"]: x for x in table.rows}
    # 1,000,000 TJ = 1,000 PJ; Alberta's row and Production are left out.
    assert by["Coal"]["exports_pj"] == pytest.approx(1000.0)
    assert by["Coal"]["imports_pj"] == pytest.approx(250.0)
    assert by["Coal"]["net_exports_pj"] == pytest.approx(750.0)
    assert by["Natural gas"]["exports_pj"] == pytest.approx(4000.0)
    assert by["Total primary and secondary energy"]["imports_pj"] is None
    assert table.provenance[0].source_id == "statcan-25100029"


@pytest.mark.parametrize(
    ("us", "norway", "rank", "first"),
    [(20_000_000, 2_000_000, 1, "United States"), (2_000_000, 20_000_000, 2, "Norway")],
)
def test_us_rank_among_canadas_suppliers_from_the_real_reader(
    mirror: Path, us: float, norway: float, rank: int, first: str
) -> None:
    _write(mirror, "12100173", TRADE_DIMS, _trade_rows(us, norway))
    [r] = update(["statcan-12100173"])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        ranks = forms.supplier_ranks(con).rows
        shares = forms.partner_shares(con).rows
    [canada] = [x for x in ranks if x["importer"] == "canada"]
    assert canada["rank"] == rank and canada["first_partner"] == first
    # "All countries" is a total, never a partner; values are in dollars (thousands × 1,000).
    assert {x["partner"] for x in shares} == {"United States", "Norway", "Nigeria"}
    us_row = next(x for x in shares if x["partner"] == "United States")
    assert us_row["amount"] == pytest.approx(us * 1000)
    assert us_row["share"] == pytest.approx(us / (us + norway + 1_000_000))
