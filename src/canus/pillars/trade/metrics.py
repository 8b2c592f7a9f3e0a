"""Trade between Canada and the United States: goods, services, products, provinces, states.

Tables read (each metric returns an empty table when its tables are absent):

- ``statcan_12100011`` — monthly merchandise trade by principal partner (customs and BOP
  basis). Columns used: ``trade`` (``Export`` / ``Import``), ``basis`` (``Customs``),
  ``seasonal_adjustment`` (``Unadjusted``), ``principal_trading_partners``.
- ``statcan_12100173`` — annual trade by province and NAPCS section, customs basis; columns
  ``trading_partner``, ``north_american_product_classification_system_napcs``, ``trade``.
- ``statcan_36100007`` — services by country; its columns are found by the members they
  hold (``United States``, ``Receipts``/``Payments``, a total-services member), because its
  dimension names could not be confirmed offline.
- ``fred_expca``, ``fred_impca`` (US side, millions of USD) and ``fred_excaus`` (CAD per USD).
- ``census_trade_hs``, ``census_trade_state``, ``census_trade_partners`` (US side, USD).

All StatCan ``value`` columns are in dollars (scalar factor applied by the reader).

Functions for the claims checker
--------------------------------
``bilateral_total(con, year, currency="CAD") -> TradeObservation | None``
    Goods + services traded between the two countries in ``year`` (both directions), in
    ``"CAD"`` or ``"USD"`` (converted with the annual average of FRED ``EXCAUS``). Goods
    come from 12-10-0011 on a balance-of-payments basis when present, otherwise customs
    basis (12-10-0011, then 12-10-0173); services from 36-10-0007. ``None`` when goods or
    services are missing for that year; ``.parts`` gives the pieces.
``canada_rank_among_us_partners(con, year) -> TradeObservation | None``
    Canada's rank among US trading partners (countries, not groupings) by goods exports +
    imports in ``year``, from the Census ``enduse`` all-country answers
    (``census_trade_partners``). ``value`` is the rank (1 = largest); ``parts`` holds the
    top partners and their totals in USD.

``TradeObservation`` has ``value: float, unit: str, period: str, source_ids: tuple[str, ...],
basis: str, parts: dict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from canus.lake import definitions as D
from canus.metrics import Column, MetricTable, dict_rows, has_tables, periods, provenance

T011, T173, T007 = "statcan_12100011", "statcan_12100173", "statcan_36100007"
S011, S173, S007 = "statcan-12100011", "statcan-12100173", "statcan-36100007"
NAPCS = "north_american_product_classification_system_napcs"
US = "United States"
#: Names StatCan has used for the all-partners member of 12-10-0011.
ALL_PARTNERS = ("All countries", "Total of all countries", "Total of all merchandise", "World")
UNADJUSTED = ("Unadjusted", "Not seasonally adjusted")

MIRROR_CAUSES = {
    "en": (
        "Why the two countries' figures differ even though each compiles its exports to the "
        "other from the other's import records (an exchange in place since 1990): exports are "
        "valued at the point of departure and imports at the border, so inland freight "
        "moves the value; shipments that cross at the end of a month are counted in "
        "different months; Canada credits its imports to the country where goods were made, "
        "while US exports include goods made elsewhere and shipped on from the US "
        "(re-exports), which is why US exports to Canada exceed Canada's imports from the US "
        "by far more than the other way round; low-value shipments, goods for repair and some "
        "energy flows are covered differently; and converting currencies at monthly or "
        "annual average rates cannot reproduce the rate on each transaction day."
    ),
    "fr": (
        "Pourquoi les chiffres des deux pays diffèrent, alors que chacun établit ses "
        "exportations vers l'autre à partir des données d'importation de l'autre (un échange "
        "en place depuis 1990)\u00a0: les exportations sont évaluées au point de départ et les "
        "importations à la frontière, de sorte que le transport intérieur déplace la valeur; "
        "les envois qui traversent en fin de mois sont comptés dans des mois différents; le "
        "Canada attribue ses importations au pays où les biens ont été fabriqués, alors que "
        "les exportations américaines comprennent des biens fabriqués ailleurs et réexpédiés "
        "depuis les États-Unis (réexportations), ce qui explique que les exportations "
        "américaines vers le Canada dépassent de beaucoup plus les importations canadiennes "
        "en provenance des États-Unis que dans l'autre sens; les envois de faible valeur, les biens envoyés en "
        "réparation et certains flux d'énergie sont couverts différemment; enfin, convertir "
        "les devises aux taux moyens mensuels ou annuels ne peut reproduire le taux du jour "
        "de chaque transaction."
    ),
}


@dataclass(frozen=True)
class TradeObservation:
    value: float
    unit: str
    period: str
    source_ids: tuple[str, ...]
    basis: str = ""
    parts: dict[str, Any] = field(default_factory=dict)


def _empty(metric_id: str, title: str, definition: str, columns: list[Column]) -> MetricTable:
    return MetricTable(id=metric_id, title=title, definition=definition, columns=columns, rows=[], provenance=[])


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _sql(template: str, **fields: str) -> str:
    """A definition from canus.lake.definitions with this module's table and member names."""
    return template.format(t011=T011, t173=T173, t007=T007, us=US, napcs=NAPCS, unadjusted=_in(UNADJUSTED), **fields)


# ---------------------------------------------------------------------------- exchange rates


def annual_rates(con: duckdb.DuckDBPyConnection) -> dict[int, float]:
    """CAD per USD, the mean of the monthly averages of each year (FRED EXCAUS)."""
    if not has_tables(con, "fred_excaus"):
        return {}
    return {int(y): float(r) for y, r in con.execute(D.RATES_YEARLY).fetchall()}


def to_currency(amount: float, unit_from: str, unit_to: str, cad_per_usd: float) -> float:
    """Convert an amount between CAD and USD at ``cad_per_usd``."""
    if unit_from == unit_to:
        return amount
    if (unit_from, unit_to) == ("USD", "CAD"):
        return amount * cad_per_usd
    if (unit_from, unit_to) == ("CAD", "USD"):
        return amount / cad_per_usd
    raise ValueError(f"cannot convert {unit_from} to {unit_to}")


# ---------------------------------------------------------------------------- goods (Canada)

GOODS_DEF = (
    "Canada's merchandise trade with the United States as Statistics Canada records it, "
    "customs basis, not seasonally adjusted, in Canadian dollars. Exports are Canada's "
    "exports to the US, imports Canada's imports from the US; the balance is exports minus "
    "imports."
)
_GOODS_COLUMNS_M = [
    Column("period", "Month", "month"),
    Column("exports", "Exports to the US", "CAD"),
    Column("imports", "Imports from the US", "CAD"),
    Column("balance", "Balance", "CAD"),
    Column("total", "Total trade", "CAD"),
    Column("per_day", "Total trade per day", "CAD"),
]


def _monthly_011(con: duckdb.DuckDBPyConnection, basis: str = "Customs") -> list[dict[str, Any]]:
    sa = con.execute(_sql(D.SA_MEMBERS_011)).fetchall()
    sa_filter = _sql(D.SA_FILTER) if sa else ""
    return dict_rows(con.execute(_sql(D.GOODS_MONTHLY_011, sa_filter=sa_filter), [basis]))


def goods_monthly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    title = "Canada–US merchandise trade by month"
    if not has_tables(con, T011):
        return _empty("trade-goods-monthly", title, GOODS_DEF, _GOODS_COLUMNS_M)
    rows = _monthly_011(con)
    for r in rows:
        e, i = r["exports"], r["imports"]
        r["balance"] = e - i if e is not None and i is not None else None
        r["total"] = e + i if e is not None and i is not None else None
        days = periods.days_in_month(r["period"].year, r["period"].month)
        r["per_day"] = r["total"] / days if r["total"] is not None else None
    return MetricTable(
        id="trade-goods-monthly",
        title=title,
        definition=GOODS_DEF,
        columns=_GOODS_COLUMNS_M,
        rows=rows,
        provenance=provenance(con, S011),
    )


_GOODS_COLUMNS_Y = [
    Column("year", "Year", "year"),
    Column("months", "Months of data", "count"),
    Column("coverage", "Months covered", "text"),
    Column("exports", "Exports to the US", "CAD"),
    Column("imports", "Imports from the US", "CAD"),
    Column("balance", "Balance", "CAD"),
    Column("total", "Total trade", "CAD"),
    Column("per_day", "Total trade per day", "CAD"),
]


def goods_yearly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    """By year, from monthly 12-10-0011 when loaded, otherwise annual 12-10-0173."""
    title = "Canada–US merchandise trade by year"
    if has_tables(con, T011):
        monthly = _monthly_011(con)
        by_year: dict[int, dict[str, Any]] = {}
        for m in monthly:
            y = by_year.setdefault(
                m["period"].year,
                {"year": m["period"].year, "months": 0, "exports": 0.0, "imports": 0.0, "month_list": []},
            )
            y["months"] += 1
            y["month_list"].append(m["period"].month)
            y["exports"] += m["exports"] or 0.0
            y["imports"] += m["imports"] or 0.0
        rows = list(by_year.values())
        src = S011
    elif has_tables(con, T173):
        rows = dict_rows(con.execute(_sql(D.GOODS_YEARLY_173)))
        src = S173
    else:
        return _empty("trade-goods-yearly", title, GOODS_DEF, _GOODS_COLUMNS_Y)
    for r in rows:
        # A direction the table does not give is missing, not zero: no balance or total then.
        both = r["exports"] is not None and r["imports"] is not None
        r["balance"] = r["exports"] - r["imports"] if both else None
        r["total"] = r["exports"] + r["imports"] if both else None
        # A part year is averaged over the days of the months it covers, not the whole year.
        months = r.pop("month_list", None) or list(range(1, 13))
        r["coverage"] = periods.coverage(months)
        r["per_day"] = r["total"] / periods.days_in_months(r["year"], months) if both else None
    return MetricTable(
        id="trade-goods-yearly",
        title=title,
        definition=GOODS_DEF,
        columns=_GOODS_COLUMNS_Y,
        rows=rows,
        provenance=provenance(con, src),
    )


# ---------------------------------------------------------------------------- services

SERVICES_DEF = (
    "Canada's international transactions in services with the United States (Statistics "
    "Canada table 36-10-0007): receipts are Canada's exports of services to the US, payments "
    "its imports of services from the US, in Canadian dollars."
)


def _services_columns(con: duckdb.DuckDBPyConnection) -> tuple[str, str, str | None] | None:
    """(partner column, direction column, category column or None), found by their members."""
    cols = [r[0] for r in con.execute(D.TABLE_COLUMNS.format(table=T007)).fetchall()]
    skip = {
        "ref_date",
        "period",
        "dguid",
        "uom",
        "uom_id",
        "scalar_factor",
        "scalar_id",
        "vector",
        "coordinate",
        "value_published",
        "value",
        "status",
        "symbol",
        "terminated",
        "decimals",
        "source_id",
        "snapshot_sha256",
    }
    partner = direction = category = None
    for c in cols:
        if c in skip:
            continue
        members = {str(m[0]) for m in con.execute(D.DISTINCT_MEMBERS.format(column=c, table=T007)).fetchall()}
        if US in members and partner is None:
            partner = c
        elif {"Receipts", "Payments"} <= members:
            direction = c
        elif any(m.lower().startswith(("total services", "all services", "total, services")) for m in members):
            category = c
    return (partner, direction, category) if partner and direction else None


def services_yearly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    title = "Canada–US trade in services by year"
    columns = [
        Column("year", "Year", "year"),
        Column("exports", "Services exports to the US (receipts)", "CAD"),
        Column("imports", "Services imports from the US (payments)", "CAD"),
        Column("balance", "Balance", "CAD"),
        Column("total", "Total services trade", "CAD"),
    ]
    found = _services_columns(con) if has_tables(con, T007) else None
    if found is None:
        return _empty("trade-services-yearly", title, SERVICES_DEF, columns)
    partner, direction, category = found
    cat_filter = ""
    if category:
        cat_filter = D.SERVICES_TOTAL_FILTER.format(category=category)
    rows = dict_rows(con.execute(_sql(D.SERVICES_YEARLY, direction=direction, partner=partner, cat_filter=cat_filter)))
    for r in rows:
        r["balance"] = (r["exports"] or 0) - (r["imports"] or 0)
        r["total"] = (r["exports"] or 0) + (r["imports"] or 0)
    return MetricTable(
        id="trade-services-yearly",
        title=title,
        definition=SERVICES_DEF,
        columns=columns,
        rows=rows,
        provenance=provenance(con, S007),
    )


def _goods_bop_yearly(con: duckdb.DuckDBPyConnection) -> tuple[dict[int, float], str, str]:
    """Total goods trade by complete year: BOP basis if available, else customs."""
    if has_tables(con, T011):
        has_bop = con.execute(_sql(D.BOP_ROWS_011)).fetchone()
        basis = "Balance of payments" if has_bop and has_bop[0] else "Customs"
        totals: dict[int, list[float]] = {}
        for m in _monthly_011(con, basis):
            t = totals.setdefault(m["period"].year, [0, 0.0])
            t[0] += 1
            t[1] += (m["exports"] or 0) + (m["imports"] or 0)
        return {y: v for y, (n, v) in totals.items() if n == 12}, S011, basis
    g = goods_yearly(con)
    return {r["year"]: r["total"] for r in g.rows if r["months"] == 12}, S173, "Customs"


GOODS_SERVICES_DEF = (
    "Goods and services traded between Canada and the United States, both directions, as "
    "Statistics Canada records them (goods on a balance-of-payments basis when available, "
    "otherwise customs basis), in Canadian dollars, and in US dollars at the annual average "
    "exchange rate."
)


def goods_and_services_yearly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    title = "Canada–US trade in goods and services by year"
    definition = GOODS_SERVICES_DEF
    columns = [
        Column("year", "Year", "year"),
        Column("goods", "Goods, both directions", "CAD"),
        Column("services", "Services, both directions", "CAD"),
        Column("total", "Goods and services", "CAD"),
        Column("total_usd", "Goods and services in US dollars", "USD"),
        Column("goods_basis", "Basis of the goods figures", "text"),
    ]
    goods, gsrc, basis = _goods_bop_yearly(con)
    services = {r["year"]: r["total"] for r in services_yearly(con).rows}
    if not goods or not services:
        return _empty("trade-goods-services-yearly", title, definition, columns)
    rates = annual_rates(con)
    rows = []
    for y in sorted(set(goods) & set(services)):
        total = goods[y] + services[y]
        rows.append(
            {
                "year": y,
                "goods": goods[y],
                "services": services[y],
                "total": total,
                "total_usd": total / rates[y] if y in rates else None,
                "goods_basis": basis,
            }
        )
    srcs = [gsrc, S007] + (["fred-EXCAUS"] if rates else [])
    return MetricTable(
        id="trade-goods-services-yearly",
        title=title,
        definition=definition,
        columns=columns,
        rows=rows,
        provenance=provenance(con, *srcs),
    )


def bilateral_total(con: duckdb.DuckDBPyConnection, year: int, currency: str = "CAD") -> TradeObservation | None:
    table = goods_and_services_yearly(con)
    row = next((r for r in table.rows if r["year"] == year), None)
    if row is None:
        return None
    value = row["total"] if currency == "CAD" else row["total_usd"]
    if value is None:
        return None
    return TradeObservation(
        value=value,
        unit=currency,
        period=str(year),
        source_ids=tuple(p.source_id for p in table.provenance),
        basis=row["goods_basis"],
        parts={"goods_cad": row["goods"], "services_cad": row["services"]},
    )


# ---------------------------------------------------------------------------- partners


PARTNERS_DEF = (
    "Share of each principal trading partner in Canada's merchandise exports and imports "
    "(customs basis), and its rank among the partners Statistics Canada lists separately; "
    "groupings such as the European Union and 'other countries' are shown but not ranked."
)


def partner_shares(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    """Each principal partner's share of Canada's goods trade, and its rank, for one year."""
    title = "Canada's principal trading partners: shares and ranks"
    definition = PARTNERS_DEF
    columns = [
        Column("partner", "Partner", "text"),
        Column("exports", "Canada's exports", "CAD"),
        Column("export_share", "Share of Canada's exports", "percent"),
        Column("imports", "Canada's imports", "CAD"),
        Column("import_share", "Share of Canada's imports", "percent"),
        Column("rank", "Rank by total trade", "rank"),
    ]
    if not has_tables(con, T011):
        return _empty("trade-partners", title, definition, columns)
    sa = con.execute(_sql(D.SA_ROWS_011)).fetchone()
    sa_filter = _sql(D.SA_FILTER) if sa and sa[0] else ""
    if year is None:
        row = con.execute(_sql(D.LATEST_COMPLETE_YEAR_011)).fetchone()
        year = int(row[0]) if row and row[0] is not None else None
    if year is None:
        return _empty("trade-partners", title, definition, columns)
    rows = dict_rows(con.execute(_sql(D.PARTNERS_011, sa_filter=sa_filter), [year]))
    total = next((r for r in rows if r["partner"] in ALL_PARTNERS), None)
    parts = [r for r in rows if r["partner"] not in ALL_PARTNERS]

    def rankable(name: str) -> bool:
        low = name.lower()
        return not any(w in low for w in ("other", "european union", "total", "all "))

    ranked = sorted(
        (r for r in parts if rankable(r["partner"])), key=lambda r: -((r["exports"] or 0) + (r["imports"] or 0))
    )
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    for r in parts:
        r.setdefault("rank", None)
        r["export_share"] = r["exports"] / total["exports"] if total and total["exports"] else None
        r["import_share"] = r["imports"] / total["imports"] if total and total["imports"] else None
    parts.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["partner"]))
    return MetricTable(
        id="trade-partners",
        title=title,
        definition=definition,
        columns=columns,
        rows=parts,
        provenance=provenance(con, S011),
        summary={"year": str(year)},
    )


def canada_rank_among_us_partners(con: duckdb.DuckDBPyConnection, year: int) -> TradeObservation | None:
    if not has_tables(con, "census_trade_partners"):
        return None
    rows = con.execute(D.US_PARTNER_RANKS, [year]).fetchall()
    if not rows or rows[0][3] < 24:  # 12 months in each direction, or the rank is not final
        return None
    for rank, (code, _name, _total, _n) in enumerate(rows, 1):
        if code == "1220":
            return TradeObservation(
                value=float(rank),
                unit="rank",
                period=str(year),
                source_ids=("census-trade",),
                basis="US goods exports (total, F.A.S.) + general imports (customs value)",
                parts={"top": [{"cty_code": c, "name": n, "total_usd": t} for c, n, t, _ in rows[:5]]},
            )
    return None


# ---------------------------------------------------------------------------- products, regions


def _latest_year_173(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute(_sql(D.LATEST_YEAR_173)).fetchone()
    return int(row[0]) if row and row[0] is not None else None


SECTIONS_DEF = (
    "Canada's exports to and imports from the United States by NAPCS product section, "
    "customs basis, in Canadian dollars (Statistics Canada table 12-10-0173)."
)


def composition(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    title = "Canada–US merchandise trade by product section"
    definition = SECTIONS_DEF
    columns = [
        Column("year", "Year", "year"),
        Column("code", "Section code", "code"),
        Column("section", "Product section", "text"),
        Column("exports", "Exports to the US", "CAD"),
        Column("export_share", "Share of exports to the US", "percent"),
        Column("imports", "Imports from the US", "CAD"),
        Column("import_share", "Share of imports from the US", "percent"),
    ]
    if not has_tables(con, T173):
        return _empty("trade-sections", title, definition, columns)
    year = year or _latest_year_173(con)
    rows = dict_rows(con.execute(_sql(D.SECTIONS_173), [year]))
    return MetricTable(
        id="trade-sections",
        title=title,
        definition=definition,
        columns=columns,
        rows=rows,
        provenance=provenance(con, S173),
        summary={"year": str(year)},
    )


PROVINCES_DEF = (
    "Each province's and territory's exports to and imports from the United States, all "
    "product sections, customs basis, in Canadian dollars (Statistics Canada table "
    "12-10-0173)."
)


def by_province(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    title = "Merchandise trade with the US by province and territory"
    definition = PROVINCES_DEF
    columns = [
        Column("year", "Year", "year"),
        Column("province", "Province or territory", "text"),
        Column("exports", "Exports to the US", "CAD"),
        Column("imports", "Imports from the US", "CAD"),
        Column("balance", "Balance", "CAD"),
        Column("export_share", "Share of Canada's exports to the US", "percent"),
    ]
    if not has_tables(con, T173):
        return _empty("trade-provinces", title, definition, columns)
    year = year or _latest_year_173(con)
    rows = dict_rows(con.execute(_sql(D.PROVINCES_173), [year, year]))
    return MetricTable(
        id="trade-provinces",
        title=title,
        definition=definition,
        columns=columns,
        rows=rows,
        provenance=provenance(con, S173),
        summary={"year": str(year)},
    )


STATES_DEF = (
    "US exports to Canada by state of origin and US imports from Canada by state of "
    "destination, in US dollars (US Census Bureau, state HS data)."
)


def by_state(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    title = "US trade with Canada by state"
    definition = STATES_DEF
    columns = [
        Column("year", "Year", "year"),
        Column("state", "State", "code"),
        Column("exports", "US exports to Canada", "USD"),
        Column("imports", "US imports from Canada", "USD"),
        Column("total", "Total trade with Canada", "USD"),
        Column("months", "Months of data", "count"),
    ]
    if not has_tables(con, "census_trade_state"):
        return _empty("trade-states", title, definition, columns)
    if year is None:
        row = con.execute(D.LATEST_YEAR_STATES).fetchone()
        year = int(row[0]) if row and row[0] is not None else None
    rows = dict_rows(con.execute(D.STATES, [year]))
    return MetricTable(
        id="trade-states",
        title=title,
        definition=definition,
        columns=columns,
        rows=rows,
        provenance=provenance(con, "census-trade"),
        summary={"year": str(year)},
    )


# ---------------------------------------------------------------------------- mirror view

MIRROR_DEF = (
    "Each flow as both countries record it: Canada's exports to the US (Statistics Canada) "
    "against US imports from Canada (US Census Bureau, via FRED), and Canada's imports from "
    "the US against US exports to Canada, converted to one currency with the Federal "
    "Reserve's monthly average exchange rate. The gap is the US figure minus the Canadian one."
)


def _us_monthly(con: duckdb.DuckDBPyConnection) -> dict[dt.date, dict[str, float | None]]:
    out: dict[dt.date, dict[str, float | None]] = {}
    for table, key in (("fred_impca", "us_imports"), ("fred_expca", "us_exports")):
        if has_tables(con, table):
            for period, v in con.execute(D.US_MONTHLY.format(table=table)).fetchall():
                out.setdefault(period, {})[key] = v
    return out


US_SIDE_DEF = (
    "Goods trade with Canada as the United States records it (US Census Bureau, republished by "
    "FRED): US exports to Canada on a free-alongside-ship basis and US imports from Canada on a "
    "customs basis, not seasonally adjusted, in US dollars; the Canadian-dollar figures use the "
    "Federal Reserve's annual average exchange rate."
)


def us_goods_yearly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    """The US side alone, by year: what canus can show when Canada's tables are not loaded."""
    title = "US goods trade with Canada by year, as the US records it"
    columns = [
        Column("year", "Year", "year"),
        Column("months", "Months of data", "count"),
        Column("us_exports", "US exports to Canada", "USD"),
        Column("us_imports", "US imports from Canada", "USD"),
        Column("total", "Total, both directions", "USD"),
        Column("total_cad", "Total, both directions, in Canadian dollars", "CAD"),
    ]
    if not has_tables(con, "fred_expca", "fred_impca"):
        return _empty("trade-us-side", title, US_SIDE_DEF, columns)
    rates = annual_rates(con)
    rows = dict_rows(con.execute(D.US_GOODS_YEARLY))
    for r in rows:
        r["total"] = r["us_exports"] + r["us_imports"]
        rate = rates.get(r["year"])
        r["total_cad"] = to_currency(r["total"], "USD", "CAD", rate) if rate else None
    return MetricTable(
        id="trade-us-side",
        title=title,
        definition=US_SIDE_DEF,
        columns=columns,
        rows=rows,
        provenance=provenance(con, "fred-EXPCA", "fred-IMPCA", "fred-EXCAUS"),
    )


def _conv(v: float | None, unit_from: str, unit_to: str, rate: float) -> float | None:
    return None if v is None else to_currency(v, unit_from, unit_to, rate)


def mirror(con: duckdb.DuckDBPyConnection, currency: str = "CAD", frequency: str = "year") -> MetricTable:
    """The mirror view by month or by year, in ``currency`` (CAD or USD)."""
    title = "Mirror view: each flow as Canada and the United States record it"
    cur = currency
    columns = _mirror_columns(frequency, cur)
    mid = f"trade-mirror-{frequency}"
    if not (has_tables(con, "fred_excaus") and (has_tables(con, "fred_impca") or has_tables(con, "fred_expca"))):
        return _empty(mid, title, MIRROR_DEF, columns)
    if not has_tables(con, T011):
        if frequency == "year" and has_tables(con, T173):
            return _mirror_annual(con, cur, mid, title, columns)
        return _empty(mid, title, MIRROR_DEF, columns)
    months = _mirror_months(con, cur)
    rows = _mirror_whole_years(months) if frequency == "year" else months
    _gaps(rows)
    srcs = [S011, "fred-EXCAUS"] + [
        s for s, t in (("fred-IMPCA", "fred_impca"), ("fred-EXPCA", "fred_expca")) if has_tables(con, t)
    ]
    return MetricTable(
        id=mid,
        title=title,
        definition=MIRROR_DEF,
        columns=columns,
        rows=rows,
        provenance=provenance(con, *srcs),
        summary=dict(MIRROR_CAUSES),
    )


def _mirror_columns(frequency: str, cur: str) -> list[Column]:
    return [
        Column(
            "period" if frequency == "month" else "year",
            "Month" if frequency == "month" else "Year",
            "month" if frequency == "month" else "year",
        ),
        Column("ca_exports", "Canada's exports to the US (Canadian figure)", cur),
        Column("us_imports", "US imports from Canada (US figure)", cur),
        Column("exports_gap", "Gap, US minus Canadian figure", cur),
        Column("exports_gap_pct", "Gap as a share of the Canadian figure", "percent"),
        Column("ca_imports", "Canada's imports from the US (Canadian figure)", cur),
        Column("us_exports", "US exports to Canada (US figure)", cur),
        Column("imports_gap", "Gap, US minus Canadian figure", cur),
        Column("imports_gap_pct", "Gap as a share of the Canadian figure", "percent"),
        Column("cad_per_usd", "Canadian dollars per US dollar", "rate"),
    ]


def _mirror_months(con: duckdb.DuckDBPyConnection, cur: str) -> list[dict[str, Any]]:
    """Each month both countries and the exchange rate cover, converted at that month's rate."""
    rates = {p: v for p, v in con.execute(D.RATES_MONTHLY).fetchall()}
    us = _us_monthly(con)
    months = []
    for m in _monthly_011(con):
        p = m["period"]
        if p not in rates or p not in us:
            continue
        rate = rates[p]
        months.append(
            {
                "period": p,
                "ca_exports": _conv(m["exports"], "CAD", cur, rate),
                "us_imports": _conv(us[p].get("us_imports"), "USD", cur, rate),
                "ca_imports": _conv(m["imports"], "CAD", cur, rate),
                "us_exports": _conv(us[p].get("us_exports"), "USD", cur, rate),
                "cad_per_usd": rate,
            }
        )
    return months


def _mirror_whole_years(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Yearly sums of the months, for the years with all twelve (the rate: their average)."""
    by_year: dict[int, list[dict[str, Any]]] = {}
    for m in months:
        by_year.setdefault(m["period"].year, []).append(m)
    rows = []
    for y, ms in sorted(by_year.items()):
        if len(ms) < 12:
            continue  # a part year would compare unlike totals
        row: dict[str, Any] = {"year": y}
        for k in ("ca_exports", "us_imports", "ca_imports", "us_exports"):
            vals = [m[k] for m in ms]
            row[k] = None if any(v is None for v in vals) else sum(vals)
        row["cad_per_usd"] = sum(m["cad_per_usd"] for m in ms) / len(ms)
        rows.append(row)
    return rows


def _gaps(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        for a, b, g in (("ca_exports", "us_imports", "exports_gap"), ("ca_imports", "us_exports", "imports_gap")):
            r[g] = r[b] - r[a] if r[a] is not None and r[b] is not None else None
            r[g + "_pct"] = r[g] / r[a] if r[g] is not None and r[a] else None


def _mirror_annual(
    con: duckdb.DuckDBPyConnection, cur: str, mid: str, title: str, columns: list[Column]
) -> MetricTable:
    """Without the monthly table: annual 12-10-0173 against 12 months of FRED, at the annual
    average rate (coarser than month-by-month conversion; said in the definition)."""
    rates = annual_rates(con)
    ca = {int(y): (e, i) for y, e, i in con.execute(_sql(D.CA_YEARLY_173)).fetchall()}
    us: dict[int, dict[str, float]] = {}
    for table, key in (("fred_impca", "us_imports"), ("fred_expca", "us_exports")):
        if has_tables(con, table):
            for y, v in con.execute(D.US_YEARLY_FRED.format(table=table)).fetchall():
                us.setdefault(int(y), {})[key] = float(v)
    rows: list[dict[str, Any]] = []
    for y in sorted(set(ca) & set(us) & set(rates)):
        rate = rates[y]
        rows.append(
            {
                "year": y,
                "cad_per_usd": rate,
                "ca_exports": _conv(ca[y][0], "CAD", cur, rate),
                "ca_imports": _conv(ca[y][1], "CAD", cur, rate),
                "us_imports": _conv(us[y].get("us_imports"), "USD", cur, rate),
                "us_exports": _conv(us[y].get("us_exports"), "USD", cur, rate),
            }
        )
    _gaps(rows)
    srcs = [S173, "fred-EXCAUS"] + [
        s for s, t in (("fred-IMPCA", "fred_impca"), ("fred-EXPCA", "fred_expca")) if has_tables(con, t)
    ]
    definition = MIRROR_DEF + " " + MIRROR_ANNUAL_NOTE
    return MetricTable(
        id=mid,
        title=title,
        definition=definition,
        columns=columns,
        rows=rows,
        provenance=provenance(con, *srcs),
        summary=dict(MIRROR_CAUSES),
    )


MIRROR_ANNUAL_NOTE = (
    "Without Statistics Canada's monthly table, annual totals are compared and converted at "
    "the annual average exchange rate."
)


# ---------------------------------------------------------------------------- supply chains


def supply_chain(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    """Estimate of the share of exports to the US that feed US production (see trade/)."""
    from canus.pillars.trade.supply_chain import estimate

    return estimate(con, year)
