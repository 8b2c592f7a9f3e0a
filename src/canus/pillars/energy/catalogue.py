"""The energy pillar's metrics, declared."""

from __future__ import annotations

from canus.metrics.spec import MetricSpec, plain, registry_table
from canus.pillars.energy import forms as f
from canus.pillars.energy import infrastructure as infra
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
    MetricSpec(
        id="energy-flows-by-form", pillar="energy",
        title="Energy trade between Canada and the United States, by form",
        definition=f.FLOWS_DEFINITION, unit="PJ", basis="measured",
        needs=("cer_crude_exports", "cer_gas_trade", *ELECTRICITY, "eia_energy_trade"),
        columns=("year", "form", "direction", "reported_by", "months", "volume_m3", "volume_bbl",
                 "energy_mwh", "energy_pj", "value_cad", "source_id"),
        fn=plain(f.energy_flows)),
    MetricSpec(
        id="energy-crude-oil-trade", pillar="energy", title="Canada's crude oil exports by destination",
        definition=f.CRUDE_DEFINITION, unit="m3", basis="measured", needs=("cer_crude_exports",),
        columns=("year", "destination", "months", "volume_m3", "volume_bbl", "energy_pj", "share",
                 "confidential"),
        fn=plain(f.crude_oil_exports)),
    MetricSpec(
        id="energy-natural-gas-trade", pillar="energy",
        title="Canada's natural gas exports and imports, pipeline and LNG",
        definition=f.GAS_DEFINITION, unit="m3", basis="measured", needs=("cer_gas_trade",),
        columns=("year", "flow", "mode", "months", "volume_m3", "volume_mcf", "energy_pj", "value_cad",
                 "confidential"),
        fn=plain(f.natural_gas_trade)),
    MetricSpec(
        id="energy-partner-shares", pillar="energy",
        title="Energy imports by partner country: shares and ranks",
        definition=f.SHARES_DEFINITION, unit="percent", basis="measured",
        needs=("eia_energy_trade", "statcan_12100173"),
        columns=("year", "importer", "form", "measure", "partner", "amount", "share", "rank", "source_id"),
        fn=plain(f.partner_shares)),
    MetricSpec(
        id="energy-supplier-rank", pillar="energy",
        title="Each country's rank as the other's foreign energy supplier",
        definition=f.RANK_DEFINITION, unit="rank", basis="measured",
        needs=("eia_energy_trade", "statcan_12100173"),
        columns=("year", "importer", "form", "measure", "supplier", "rank", "share", "first_partner",
                 "first_share", "partners", "source_id"),
        fn=plain(f.supplier_ranks)),
    MetricSpec(
        id="energy-trade-by-fuel", pillar="energy",
        title="Canada's energy exports and imports by fuel, all partners",
        definition=f.FUEL_DEFINITION, unit="PJ", basis="measured", needs=("statcan_25100029",),
        columns=("year", "fuel_type", "exports_pj", "imports_pj", "net_exports_pj"),
        fn=plain(f.trade_by_fuel)),
    MetricSpec(
        id="energy-infrastructure", pillar="energy", title="Cross-border pipelines and power lines",
        definition=infra.INFRA_DEFINITION, unit="text", basis="registry", needs=(),
        columns=("label", *infra.COLUMNS, "publisher", "source_url", "accessed", "note"),
        fn=registry_table(infra.infrastructure_table)),
)
