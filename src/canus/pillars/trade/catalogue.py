"""The trade pillar's metrics, declared."""

from __future__ import annotations

from functools import partial

import duckdb

from canus.metrics import MetricTable
from canus.metrics.spec import MetricFn, MetricSpec, plain
from canus.pillars.trade import exposure as x
from canus.pillars.trade import metrics as m
from canus.pillars.trade import supply_chain as sc

T011, T173, T007 = m.T011, m.T173, m.T007
GOODS = (T011, T173)
MIRROR_COLUMNS = (
    "ca_exports",
    "us_imports",
    "exports_gap",
    "exports_gap_pct",
    "ca_imports",
    "us_exports",
    "imports_gap",
    "imports_gap_pct",
    "cad_per_usd",
)
US_GOODS = (("fred_impca", "fred_expca"),)


def _exposure(by: str) -> MetricFn:
    def fn(con: duckdb.DuckDBPyConnection, lang: str) -> MetricTable:
        return x.exposure(con, x.load_rates(x.EXAMPLE_RATES), by=by)

    return fn


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        id="trade-goods-monthly",
        pillar="trade",
        title="Canada–US merchandise trade by month",
        definition=m.GOODS_DEF,
        unit="CAD",
        basis="measured",
        needs=(T011,),
        columns=("period", "exports", "imports", "balance", "total", "per_day"),
        fn=plain(m.goods_monthly),
    ),
    MetricSpec(
        id="trade-goods-yearly",
        pillar="trade",
        title="Canada–US merchandise trade by year",
        definition=m.GOODS_DEF,
        unit="CAD",
        basis="measured",
        needs=(GOODS,),
        columns=("year", "months", "coverage", "exports", "imports", "balance", "total", "per_day"),
        fn=plain(m.goods_yearly),
    ),
    MetricSpec(
        id="trade-services-yearly",
        pillar="trade",
        title="Canada–US trade in services by year",
        definition=m.SERVICES_DEF,
        unit="CAD",
        basis="measured",
        needs=(T007,),
        columns=("year", "exports", "imports", "balance", "total"),
        fn=plain(m.services_yearly),
    ),
    MetricSpec(
        id="trade-goods-services-yearly",
        pillar="trade",
        title="Canada–US trade in goods and services by year",
        definition=m.GOODS_SERVICES_DEF,
        unit="CAD",
        basis="measured",
        needs=(GOODS, T007),
        columns=("year", "goods", "services", "total", "total_usd", "goods_basis"),
        fn=plain(m.goods_and_services_yearly),
    ),
    MetricSpec(
        id="trade-partners",
        pillar="trade",
        title="Canada's principal trading partners: shares and ranks",
        definition=m.PARTNERS_DEF,
        unit="percent",
        basis="measured",
        needs=(T011,),
        columns=("partner", "exports", "export_share", "imports", "import_share", "rank"),
        fn=plain(m.partner_shares),
    ),
    MetricSpec(
        id="trade-sections",
        pillar="trade",
        title="Canada–US merchandise trade by product section",
        definition=m.SECTIONS_DEF,
        unit="CAD",
        basis="measured",
        needs=(T173,),
        columns=("year", "code", "section", "exports", "export_share", "imports", "import_share"),
        fn=plain(m.composition),
    ),
    MetricSpec(
        id="trade-provinces",
        pillar="trade",
        title="Merchandise trade with the US by province and territory",
        definition=m.PROVINCES_DEF,
        unit="CAD",
        basis="measured",
        needs=(T173,),
        columns=("year", "province", "exports", "imports", "balance", "export_share"),
        fn=plain(m.by_province),
    ),
    MetricSpec(
        id="trade-states",
        pillar="trade",
        title="US trade with Canada by state",
        definition=m.STATES_DEF,
        unit="USD",
        basis="measured",
        needs=("census_trade_state",),
        columns=("year", "state", "exports", "imports", "total", "months"),
        fn=plain(m.by_state),
    ),
    MetricSpec(
        id="trade-us-side",
        pillar="trade",
        title="US goods trade with Canada by year, as the US records it",
        definition=m.US_SIDE_DEF,
        unit="USD",
        basis="measured",
        needs=("fred_expca", "fred_impca"),
        columns=("year", "months", "us_exports", "us_imports", "total", "total_cad"),
        fn=plain(m.us_goods_yearly),
    ),
    MetricSpec(
        id="trade-mirror-year",
        pillar="trade",
        title="Mirror view: each flow as Canada and the United States record it",
        definition=m.MIRROR_DEF,
        unit="CAD",
        basis="measured",
        needs=("fred_excaus", *US_GOODS, GOODS),
        columns=("year", *MIRROR_COLUMNS),
        fn=plain(partial(m.mirror, currency="CAD", frequency="year")),
    ),
    MetricSpec(
        id="trade-mirror-month",
        pillar="trade",
        title="Mirror view: each flow as Canada and the United States record it",
        definition=m.MIRROR_DEF,
        unit="CAD",
        basis="measured",
        needs=("fred_excaus", *US_GOODS, T011),
        columns=("period", *MIRROR_COLUMNS),
        fn=plain(partial(m.mirror, currency="CAD", frequency="month")),
    ),
    MetricSpec(
        id="trade-supply-chain",
        pillar="trade",
        title="Supply-chain integration estimate",
        definition=sc.DEFINITION,
        unit="percent",
        basis="estimate",
        needs=(T173,),
        columns=(
            "year",
            "exports",
            "intermediate_share",
            "capital_share",
            "consumer_share",
            "mixed_share",
            "low",
            "central",
            "high",
        ),
        fn=plain(m.supply_chain),
    ),
    *(
        MetricSpec(
            id=f"trade-exposure-{by}",
            pillar="trade",
            title="Tariff exposure",
            definition=x.DEFINITION,
            unit="CAD",
            basis="estimate",
            needs=("census_trade_state",) if by == "state" else (T173,),
            columns=("year", "group", "value", "exposed", "duty", "effective_rate"),
            fn=_exposure(by),
        )
        for by in x.BY
    ),
)
