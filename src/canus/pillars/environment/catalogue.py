"""The shared environment pillar's metrics, declared."""

from __future__ import annotations

from canus.metrics.spec import MetricSpec, plain, registry_table
from canus.pillars.environment import air, ghg, lakes, targets
from canus.pillars.environment import metrics as m

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        id="environment-great-lakes", pillar="environment",
        title="Great Lakes water levels: latest year against the long-term mean",
        definition=m.LAKES_DEFINITION, unit="m", basis="measured", needs=("great_lakes_levels",),
        columns=("lake", "latest_year", "months", "coverage", "latest_mean_m", "long_term_mean_m", "difference_m",
                 "first_year"),
        fn=plain(m.great_lakes_levels)),
    MetricSpec(
        id="environment-acid-rain-emissions", pillar="environment",
        title="Canada's emissions of sulphur oxides and nitrogen oxides",
        # Inventory years are estimates and later years ECCC projections: not measured.
        definition=m.AIR_DEFINITION, unit="kt", basis="estimate", needs=("air_emissions",),
        columns=("year", "sox_kt", "nox_kt", "sox_change", "nox_change", "basis"),
        fn=plain(m.acid_rain_emissions)),
    MetricSpec(
        id="environment-great-lakes-latest-month", pillar="environment",
        title="Great Lakes: latest month against the long-term mean and records",
        definition=lakes.DEFINITION, unit="m", basis="measured", needs=("great_lakes_levels",),
        columns=("lake", "month", "level_m", "month_mean_m", "difference_m", "month_high_m",
                 "month_high_year", "month_low_m", "month_low_year", "record_high_m", "record_low_m",
                 "first_year"),
        fn=plain(lakes.latest_month)),
    MetricSpec(
        id="environment-so2-nox-both", pillar="environment",
        title="Sulphur dioxide and nitrogen oxides: Canada and the United States since 1980",
        definition=air.DEFINITION, unit="kt", basis="estimate", needs=("ceds_emissions",),
        columns=("country", "year", "so2_kt", "nox_kt", "so2_gg_s", "nox_tg_n", "so2_change",
                 "nox_change", "marker", "basis"),
        fn=plain(air.so2_nox_both)),
    MetricSpec(
        id="environment-ghg-paths", pillar="environment",
        title="Greenhouse gas emissions of Canada and the United States against their goals",
        definition=ghg.PATH_DEFINITION, unit="Mt CO2e", basis="estimate",
        needs=("ghg_inventory_canada", "ghg_inventory_us", "ghg_projections_canada"),
        columns=("country", "year", "row_kind", "emissions_mt", "line_mt", "total"),
        fn=plain(ghg.emissions_paths)),
    MetricSpec(
        id="environment-ghg-by-sector", pillar="environment",
        title="Greenhouse gas emissions by economic sector",
        definition=ghg.SECTOR_DEFINITION, unit="Mt CO2e", basis="estimate",
        needs=("ghg_inventory_canada", "ghg_inventory_us"),
        columns=("country", "year", "sector", "value_mt", "share", "source_id"),
        fn=plain(ghg.emissions_by_sector)),
    MetricSpec(
        id="environment-climate-targets", pillar="environment", title="Emissions targets of the two governments",
        definition=targets.TARGETS_DEFINITION, unit="text", basis="registry", needs=(),
        columns=("label", *targets.COLUMNS, "publisher", "source_url", "accessed", "note"),
        fn=registry_table(targets.targets_table)),
)
