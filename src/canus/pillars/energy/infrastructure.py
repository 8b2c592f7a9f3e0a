"""Cross-border pipelines and international power lines (registry ``energy_infrastructure``) as a table."""

from __future__ import annotations

from canus.i18n import _, fmt_number
from canus.metrics import Column, MetricTable
from canus.pillars.registry_tables import fact_table, registry
from canus.registry.models import Infrastructure

INFRA_KINDS = {"oil_pipeline": "Oil pipeline", "gas_pipeline": "Gas pipeline", "power_line": "Power line"}
STATUS_LABELS = {
    "operating": "Operating",
    "under_construction": "Under construction",
    "approved": "Approved",
    "cancelled": "Cancelled",
    "retired": "Retired",
}
INFRA_DEFINITION = (
    "Pipelines and international power lines that cross the Canada–US border: owner, design "
    "capacity, year in service and status, each with the page it was taken from."
)
COLUMNS = ("kind", "owner", "capacity", "in_service", "status", "crossing")


def _capacity(i: Infrastructure, lang: str) -> str:
    if not i.capacity:
        return ""
    # Bcf/d capacities are small numbers (2.4): keep the decimal the source gives.
    digits = 0 if float(i.capacity).is_integer() else 2 if i.capacity < 1 else 1
    return f"{fmt_number(i.capacity, lang, digits)} {i.capacity_unit}"


def _infrastructure() -> list[Infrastructure]:
    reg = registry("energy_infrastructure")
    return [*reg.pipelines, *reg.power_lines]


def infrastructure_table(lang: str) -> MetricTable:
    return fact_table(
        "energy-infrastructure",
        "Cross-border pipelines and power lines",
        INFRA_DEFINITION,
        _infrastructure(),
        lang,
        [
            Column("kind", "Kind", "text"),
            Column("owner", "Owner", "text"),
            Column("capacity", "Design capacity", "text"),
            Column("in_service", "In service", "year"),
            Column("status", "Status", "text"),
            Column("crossing", "Where it crosses", "text"),
        ],
        lambda i: {
            "kind": _(INFRA_KINDS[i.kind], lang),
            "owner": i.owner,
            "capacity": _capacity(i, lang),
            "in_service": i.in_service,
            "status": _(STATUS_LABELS[i.status], lang),
            "crossing": i.crossing.get(lang),
        },
    )
