"""Each government's emissions targets and net-zero commitment (registry ``climate_targets``) as a table."""

from __future__ import annotations

from canus.i18n import _, fmt_percent
from canus.metrics import Column, MetricTable
from canus.pillars.registry_tables import fact_table, registry
from canus.registry.models import ClimateTarget

COUNTRIES = {"CA": "Canada", "US": "United States"}
TARGET_KINDS = {"reduction": "Reduction", "net_zero": "Net zero"}
TARGET_STATUS = {
    "legislated": "Legislated",
    "submitted": "Submitted",
    "announced": "Announced",
    "withdrawn": "Withdrawn",
}
TARGETS_DEFINITION = (
    "Each government's emissions targets and its net-zero commitment: the reduction, its base "
    "year, the instrument that sets it and its status, each with its source."
)
COLUMNS = ("country", "kind", "target_year", "reduction", "instrument", "status")


def _country(code: str, lang: str) -> str:
    return _(COUNTRIES[code], lang) if code in COUNTRIES else code


def targets_table(lang: str) -> MetricTable:
    def goal(t: ClimateTarget) -> str:
        low, high = t.reduction_low, t.reduction_high
        if low is None or t.base_year is None:
            return ""
        span = (
            fmt_percent(low, lang, 0)
            if high in (None, low)
            else f"{fmt_percent(low, lang, 0)}\u2013{fmt_percent(high, lang, 0)}"
        )
        return _("{span} below {base}", lang, span=span, base=t.base_year)

    return fact_table(
        "environment-climate-targets",
        "Emissions targets of the two governments",
        TARGETS_DEFINITION,
        registry("climate_targets").targets,
        lang,
        [
            Column("country", "Country", "text"),
            Column("kind", "Kind", "text"),
            Column("target_year", "Target year", "year"),
            Column("reduction", "Reduction", "text"),
            Column("instrument", "Instrument", "text"),
            Column("status", "Status", "text"),
        ],
        lambda t: {
            "country": _country(t.country, lang),
            "kind": _(TARGET_KINDS[t.kind], lang),
            "target_year": t.target_year,
            "reduction": goal(t),
            "instrument": t.instrument.get(lang),
            "status": _(TARGET_STATUS[t.status], lang),
        },
    )
