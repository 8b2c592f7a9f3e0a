"""Schemas of the registries: facts canus writes itself, each with a citation.

Every fact cites where it comes from (address, access date, publisher) and carries an
English and a French label. ``confirmed: false`` marks a fact that could not be checked
against its source when it was written; its internal note (``note`` in the YAML) says what is
uncertain. Internal notes stay in the YAML: they are excluded from every dump and have no
attribute of that name, so no page, twin or API can show them; users see ``public_note``.
``source.accessed`` is the date the source was actually read, and empty when it was not.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Strict):
    en: str = Field(min_length=1)
    fr: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Citation(Strict):
    url: str
    #: The day the source was read; None when the fact was written without reading it.
    accessed: dt.date | None = None
    publisher: str = Field(min_length=2)

    @field_validator("url")
    @classmethod
    def _https(cls, v: str) -> str:
        if not v.startswith(("https://", "http://")):
            raise ValueError(f"not a web address: {v!r}")
        return v


class Fact(Strict):
    """Shared fields of every registry entry."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text
    source: Citation
    confirmed: bool = True
    #: For maintainers only (YAML key ``note``): never dumped, never shown.
    internal_note: Text | None = Field(default=None, alias="note", exclude=True, repr=False)
    #: A short note for readers, where one is useful.
    public_note: Text | None = None
    #: What would confirm an unconfirmed fact (a document to read, a table to load).
    confirm_with: Text | None = None


class Mission(Fact):
    operator: Literal["canada", "united_states"]
    kind: Literal["embassy", "consulate_general", "consulate", "trade_office", "honorary_consul"]
    city: str
    region: str
    country: Literal["US", "CA"]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class DeclaredCount(Fact):
    """A count published by the operator itself, kept even where the list is incomplete."""

    operator: Literal["canada", "united_states"]
    kind: str
    value: int = Field(ge=0)


class Agreement(Fact):
    kind: Literal["treaty", "agreement", "annex", "protocol", "declaration", "legislation", "initiative", "dialogue"]
    scope: Literal["bilateral", "trilateral", "multilateral"]
    theme: list[
        Literal[
            "trade",
            "environment",
            "water",
            "wildlife",
            "parks",
            "security",
            "defence",
            "border",
            "migration",
            "energy",
            "climate",
            "partnership",
        ]
    ]
    signed: dt.date | None = None
    in_force: dt.date | None = None
    ended: dt.date | None = None
    status: Literal["in_force", "terminated", "superseded", "political", "established"]
    #: Words that all appear in the title of this agreement in treaty databases (cross-check).
    match: list[str] = Field(default_factory=list)


class Cooperation(Fact):
    kind: Literal["command", "alliance", "intelligence", "board", "coalition", "agreement"]
    founded: dt.date
    canada_since: dt.date | None = None


class DefenceSpending(Fact):
    country: Literal["CA", "US"]
    year: int = Field(ge=1949, le=2100)
    percent_gdp: float = Field(gt=0, lt=20)
    estimate: bool = False


class Organization(Fact):
    acronym: Text
    founded: int = Field(ge=1800, le=2100)
    canada_member_since: int = Field(ge=1800, le=2100)
    us_member_since: int = Field(ge=1800, le=2100)


class Quantity(Fact):
    """One number with its unit and the year it describes."""

    value: float
    unit: str
    year: int | None = Field(default=None, ge=1800, le=2100)
    #: Set when the source itself states a bound ("more than 300"), as the claims read it.
    qualifier: str | None = None
    definition: Text | None = None


class Infrastructure(Fact):
    """A cross-border pipeline or international power line."""

    kind: Literal["oil_pipeline", "gas_pipeline", "power_line"]
    owner: str = Field(min_length=2)
    #: Design capacity in ``capacity_unit`` (bbl/d, Bcf/d, MW); ``None`` where not published.
    capacity: float | None = Field(default=None, gt=0)
    capacity_unit: Literal["bbl/d", "Bcf/d", "MW"] | None = None
    in_service: int | None = Field(default=None, ge=1900, le=2100)
    status: Literal["operating", "under_construction", "approved", "cancelled", "retired"]
    #: Where it crosses the border: Canadian and US sides (province, state).
    crossing: Text
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class ClimateTarget(Fact):
    """A government's emissions target: a reduction by a year, or net zero by a year."""

    country: Literal["CA", "US"]
    kind: Literal["reduction", "net_zero"]
    target_year: int = Field(ge=2020, le=2100)
    base_year: int | None = Field(default=None, ge=1990, le=2030)
    #: Reduction below the base year, as fractions (0.40–0.45 for "40 to 45%").
    reduction_low: float | None = Field(default=None, ge=0, le=1)
    reduction_high: float | None = Field(default=None, ge=0, le=1)
    instrument: Text
    announced: dt.date
    status: Literal["legislated", "submitted", "announced", "withdrawn"]


class InfrastructureFile(Strict):
    pipelines: list[Infrastructure]
    power_lines: list[Infrastructure]


class ClimateTargetsFile(Strict):
    targets: list[ClimateTarget]


class MissionsFile(Strict):
    missions: list[Mission]
    declared_counts: list[DeclaredCount]


class AgreementsFile(Strict):
    agreements: list[Agreement]


class SecurityFile(Strict):
    cooperation: list[Cooperation]
    defence_spending: list[DefenceSpending]


class PartnershipsFile(Strict):
    organizations: list[Organization]


class QuantitiesFile(Strict):
    facts: list[Quantity]


#: Registry file stem → its schema.
SCHEMAS: dict[str, type[Strict]] = {
    "missions": MissionsFile,
    "agreements": AgreementsFile,
    "security": SecurityFile,
    "partnerships": PartnershipsFile,
    "people": QuantitiesFile,
    "border": QuantitiesFile,
    "climate": QuantitiesFile,
    "energy_infrastructure": InfrastructureFile,
    "climate_targets": ClimateTargetsFile,
}
