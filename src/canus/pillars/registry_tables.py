"""Tables of registry facts (missions, organizations, agreements …) for every pillar that has them.

Registry facts are not datasets: each row cites the public page it was read from. These
tables are metrics like any other (in the catalogue, at ``/api/metrics/<id>``), with the
basis ``registry``; their rows carry names, so they are built for one language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial
from typing import Any

from canus import registry as reg_store
from canus import terminology
from canus.i18n import _
from canus.metrics import Column, MetricTable
from canus.metrics.spec import MetricSpec, registry_table

KINDS = {
    "embassy": "Embassy",
    "consulate_general": "Consulate general",
    "consulate": "Consulate",
    "trade_office": "Trade office",
    "honorary_consul": "Honorary consul",
}
OPERATORS = {"canada": "Canada in the United States", "united_states": "The United States in Canada"}
ENVIRONMENT_THEMES = {"environment", "water", "wildlife", "parks", "climate"}
SPENDING_DEFINITION = (
    "Defence expenditure as a share of gross domestic product, as NATO publishes it for its "
    "members; the latest year is an estimate."
)
MISSIONS_DEFINITION = "Missions listed in canus's register, with the official page each was taken from."
FACT_COLUMNS = ("label", "publisher", "source_url", "accessed", "note")


@cache
def registry(name: str) -> Any:
    """One validated registry file (``missions``, ``security`` …)."""
    return reg_store.load(name)


def fact_table(
    table_id: str,
    title: str,
    definition: str,
    facts: Sequence[Any],
    lang: str,
    columns: list[Column],
    values: Callable[[Any], dict[str, Any]],
) -> MetricTable:
    """A table of registry facts with each fact's citation; registry facts name no dataset."""
    rows = []
    for f in facts:
        row = {"label": f.label.get(lang), **values(f)}
        # Only the public note: internal notes stay in the registry's YAML.
        note = f.public_note.get(lang) if getattr(f, "public_note", None) else ""
        if not f.confirmed:
            note = (_("Not yet confirmed against its source.", lang) + " " + note).strip()
        row.update(
            {
                "publisher": terminology.name(f.source.publisher, lang),
                "source_url": terminology.url_in(f.source.url, lang)[0],
                "accessed": f.source.accessed.isoformat() if f.source.accessed else "",
                "note": note,
            }
        )
        rows.append(row)
    return MetricTable(
        id=table_id,
        title=title,
        definition=definition,
        columns=[
            Column("label", "Name", "text"),
            *columns,
            Column("publisher", "Cited source", "text"),
            Column("source_url", "Address", "url"),
            Column("accessed", "Consulted", "code"),
            Column("note", "Note", "text"),
        ],
        rows=rows,
        provenance=[],
    )


def missions_table(operator: str, lang: str) -> MetricTable:
    reg = registry("missions")
    return fact_table(
        f"missions-{operator.replace('_', '-')}",
        OPERATORS[operator],
        MISSIONS_DEFINITION,
        [m for m in reg.missions if m.operator == operator],
        lang,
        [
            Column("kind", "Kind of office", "text"),
            Column("city", "City", "text"),
            Column("region", "Province or state", "code"),
        ],
        lambda m: {"kind": _(KINDS[m.kind], lang), "city": m.city, "region": m.region},
    )


def organizations_table(lang: str) -> MetricTable:
    reg = registry("partnerships")
    return fact_table(
        "partnerships-organizations",
        "International organizations both countries belong to",
        "Organizations with both Canada and the United States as members, from their own pages.",
        reg.organizations,
        lang,
        [
            Column("acronym", "Acronym", "text"),
            Column("founded", "Founded", "year"),
            Column("canada_member_since", "Canada a member since", "year"),
            Column("us_member_since", "United States a member since", "year"),
        ],
        lambda o: {
            "acronym": o.acronym.get(lang),
            "founded": o.founded,
            "canada_member_since": o.canada_member_since,
            "us_member_since": o.us_member_since,
        },
    )


def cooperation_table(lang: str) -> MetricTable:
    reg = registry("security")
    return fact_table(
        "security-cooperation",
        "Joint commands, alliances and partnerships",
        "Defence and security bodies both countries belong to, with the year each was founded.",
        reg.cooperation,
        lang,
        [Column("founded", "Founded", "date"), Column("canada_since", "Canada a member since", "date")],
        lambda c: {"founded": c.founded, "canada_since": c.canada_since},
    )


def spending_table(lang: str = "en") -> MetricTable | None:
    reg = registry("security")
    if not reg.defence_spending:
        return None
    by_year: dict[int, dict[str, object]] = {}
    for f in reg.defence_spending:
        row = by_year.setdefault(
            f.year,
            {
                "year": f.year,
                "canada": None,
                "united_states": None,
                "estimate": "",
                "publisher": f.source.publisher,
                "source_url": f.source.url,
                # Not a column: the date under the chart's source line.
                "accessed": (f.source.accessed.isoformat() if f.source.accessed else ""),
            },
        )
        row["canada" if f.country == "CA" else "united_states"] = f.percent_gdp / 100
        if f.estimate:
            row["estimate"] = "e"
    return MetricTable(
        id="security-defence-spending",
        title="Defence spending as a share of GDP",
        definition=SPENDING_DEFINITION,
        columns=[
            Column("year", "Year", "year"),
            Column("canada", "Canada", "percent"),
            Column("united_states", "United States", "percent"),
            Column("estimate", "Estimate (e)", "text"),
            Column("publisher", "Cited source", "text"),
            Column("source_url", "Address", "url"),
        ],
        rows=[by_year[y] for y in sorted(by_year)],
        provenance=[],
    )


def people_table(lang: str) -> MetricTable:
    reg = registry("people")
    return fact_table(
        "societies-people",
        "People linking the two countries",
        "Counts of people canus records with their definition, year and source.",
        reg.facts,
        lang,
        [Column("value", "Value", "count"), Column("year", "Year", "year")],
        lambda f: {"value": f.value, "year": f.year},
    )


def agreements_table(lang: str) -> MetricTable:
    reg = registry("agreements")
    chosen = [a for a in reg.agreements if ENVIRONMENT_THEMES & set(a.theme)]
    return fact_table(
        "environment-agreements",
        "Environmental agreements between the two countries",
        "Treaties and agreements on water, air, wildlife and climate, with their dates.",
        chosen,
        lang,
        [Column("signed", "Signed", "date"), Column("in_force", "In force", "date")],
        lambda a: {"signed": a.signed, "in_force": a.in_force},
    )


def _spec(
    id_: str,
    pillar: str,
    title: str,
    definition: str,
    columns: tuple[str, ...],
    fn: Callable[[str], MetricTable | None],
    unit: str = "text",
) -> MetricSpec:
    return MetricSpec(
        id=id_,
        pillar=pillar,
        title=title,
        definition=definition,
        unit=unit,
        basis="registry",
        needs=(),
        columns=columns,
        fn=registry_table(fn),
    )


def _with_facts(*middle: str) -> tuple[str, ...]:
    return ("label", *middle, *FACT_COLUMNS[1:])


CATALOGUE: tuple[MetricSpec, ...] = (
    *(
        _spec(
            f"missions-{op.replace('_', '-')}",
            "diplomacy",
            title,
            MISSIONS_DEFINITION,
            _with_facts("kind", "city", "region"),
            partial(missions_table, op),
        )
        for op, title in OPERATORS.items()
    ),
    _spec(
        "security-cooperation",
        "security",
        "Joint commands, alliances and partnerships",
        "Defence and security bodies both countries belong to, with the year each was founded.",
        _with_facts("founded", "canada_since"),
        cooperation_table,
    ),
    _spec(
        "security-defence-spending",
        "security",
        "Defence spending as a share of GDP",
        SPENDING_DEFINITION,
        ("year", "canada", "united_states", "estimate", "publisher", "source_url"),
        spending_table,
        unit="percent",
    ),
    _spec(
        "environment-agreements",
        "environment",
        "Environmental agreements between the two countries",
        "Treaties and agreements on water, air, wildlife and climate, with their dates.",
        _with_facts("signed", "in_force"),
        agreements_table,
    ),
    _spec(
        "societies-people",
        "societies",
        "People linking the two countries",
        "Counts of people canus records with their definition, year and source.",
        _with_facts("value", "year"),
        people_table,
        unit="count",
    ),
    _spec(
        "partnerships-organizations",
        "partnerships",
        "International organizations both countries belong to",
        "Organizations with both Canada and the United States as members, from their own pages.",
        _with_facts("acronym", "founded", "canada_member_since", "us_member_since"),
        organizations_table,
    ),
)
