"""The energy pillar's metrics, declared."""

from __future__ import annotations

from canus.metrics.spec import MetricSpec, plain
from canus.pillars.energy import metrics as m

ELECTRICITY = ("electricity_trade",)

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        id="energy-electricity-annual", pillar="energy",
        title="Electricity trade between Canada and the United States, by year",
        definition=m.TRADE_DEFINITION, unit="MWh", basis="measured", needs=ELECTRICITY,
        columns=("year", "months", "publication", "exports_gwh", "imports_gwh", "net_exports_gwh",
                 "exports_value_cad", "imports_value_cad", "net_value_cad",
                 "export_price_cad_per_mwh"),
        fn=plain(m.annual_trade)),
    MetricSpec(
        id="energy-electricity-provinces", pillar="energy",
        title="Provinces exporting electricity to the United States",
        definition=m.PROVINCE_DEFINITION, unit="MWh", basis="measured", needs=ELECTRICITY,
        columns=("rank", "province", "exports_gwh", "exports_value_cad", "share_of_exports",
                 "imports_gwh"),
        fn=plain(m.top_provinces)),
    MetricSpec(
        id="energy-electricity-states", pillar="energy",
        title="US destinations of Canadian electricity exports",
        definition=m.STATE_DEFINITION, unit="MWh", basis="measured", needs=ELECTRICITY,
        columns=("rank", "us_state", "exports_gwh", "exports_value_cad", "share_of_exports"),
        fn=plain(m.top_states)),
    MetricSpec(
        id="energy-electricity-revisions", pillar="energy",
        title="Revisions of electricity trade by CER's annual file",
        definition=m.REVISIONS_DEFINITION, unit="MWh", basis="measured",
        needs=(*ELECTRICITY, m.YEARS_TABLE),
        columns=tuple(c.name for c in m._REVISION_COLUMNS), fn=plain(m.annual_revisions)),
)
