"""The shared environment pillar's metrics, declared."""

from __future__ import annotations

from canus.metrics.spec import MetricSpec, plain
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
)
