"""The border pillar's metrics, declared."""

from __future__ import annotations

from canus.metrics import Column
from canus.metrics.spec import MetricSpec, plain
from canus.pillars.border import metrics as m
from canus.pillars.border import travellers as t

BTS = ("border_crossings",)
BTS_PORTS = ("border_crossings", "ports")
TRAVELLERS = ("statcan_24100053", "statcan_24100053_members")


def _names(columns: list[Column]) -> tuple[str, ...]:
    return tuple(c.name for c in columns)


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        id="border-yearly",
        pillar="border",
        title="People and vehicles entering the US from Canada per day, by year",
        definition=m.PEOPLE_DEFINITION,
        unit="per_day",
        basis="measured",
        needs=BTS,
        columns=_names(m.YEARLY_COLUMNS),
        fn=plain(m.yearly),
    ),
    MetricSpec(
        id="border-monthly",
        pillar="border",
        title="People and vehicles entering the US from Canada, by month",
        definition=m.PEOPLE_DEFINITION,
        unit="persons",
        basis="measured",
        needs=BTS,
        columns=("period", "people", "vehicles", "trucks"),
        fn=plain(m.monthly),
    ),
    MetricSpec(
        id="border-ports",
        pillar="border",
        title="Busiest ports of entry into the US on the Canadian border",
        definition=m.PEOPLE_DEFINITION,
        unit="per_day",
        basis="measured",
        needs=BTS_PORTS,
        columns=_names(m.PORTS_COLUMNS),
        fn=plain(m.busiest_ports),
    ),
    MetricSpec(
        id="travellers-entering-canada",
        pillar="border",
        title="Travellers entering Canada per day, by year and mode",
        definition=t.ENTERING_DEFINITION,
        unit="per_day",
        basis="measured",
        needs=TRAVELLERS,
        columns=_names(t.ENTERING_COLUMNS),
        fn=plain(t.entering_canada),
    ),
    MetricSpec(
        id="travellers-us-vs-canadians",
        pillar="border",
        title="US residents entering Canada and Canadians returning from the US, per day",
        definition=t.RESIDENTS_DEFINITION,
        unit="per_day",
        basis="measured",
        needs=TRAVELLERS,
        columns=_names(t.RESIDENTS_COLUMNS),
        fn=plain(t.us_residents_vs_canadians),
    ),
    MetricSpec(
        id="travellers-both-directions",
        pillar="border",
        title="People crossing the Canada–US border per day, both directions",
        definition=t.BOTH_DEFINITION,
        unit="per_day",
        basis="proxy",
        needs=(*BTS_PORTS, ("statcan_24100053", "statcan_24100041")),
        columns=_names(t.BOTH_COLUMNS),
        fn=plain(t.both_directions),
    ),
    MetricSpec(
        id="travellers-facing-ports",
        pillar="border",
        title="Facing ports on the Canada–US border",
        definition=t.FACING_DEFINITION,
        unit="per_day",
        basis="measured",
        needs=BTS_PORTS,
        columns=_names(t.FACING_COLUMNS),
        fn=plain(t.facing_ports),
    ),
)
