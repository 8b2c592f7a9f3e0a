"""Schema of a claim file (``claims/data/<id>.yaml``).

A claim restates one figure, date, count or superlative of the page in canus's own words,
records the page's figure as data, and says how canus checks it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from canus.errors import CanusError
from canus.registry.models import Text

DATA_DIR = Path(__file__).parent / "data"
PAGE_URL: dict[Literal["en", "fr"], str] = {
    "en": "https://www.international.gc.ca/country-pays/us-eu/relations.aspx?lang=eng",
    "fr": "https://www.international.gc.ca/country-pays/us-eu/relations.aspx?lang=fra",
}
EDITIONS = ("earlier", "later")


class ClaimError(CanusError):
    """A claim file that does not match the schema."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(Strict):
    value: float
    #: persons_per_day, CAD, USD, km, count, rank, year, percent, years, persons …
    unit: str
    #: The period the figure describes ("2022", "2019"); for an undated edition, its likely year.
    period: str
    #: One of :data:`canus.claims.qualifiers.QUALIFIERS`, or "exact".
    qualifier: str = "exact"
    #: The precision the page writes the figure at, when its last non-zero digit does not say
    #: it (see :func:`canus.claims.qualifiers.written_step`).
    step: float | None = Field(default=None, gt=0)
    #: The page's own wording of the figure, paraphrased (never a sentence of the page).
    as_written: str | None = None


class Check(Strict):
    kind: Literal["metric", "registry"]
    #: metric: an observation name of :mod:`canus.claims.observations`;
    #: registry: ``<registry>:<fact id>.<field>`` or ``<registry>:count(key=value,…)``.
    target: str
    #: How a registry date becomes a number: its year, or years elapsed by the claim's period.
    reduce: Literal["value", "year", "years_since"] = "value"
    #: What the verdict rests on: a measurement of the page's own quantity, a related measure
    #: defined differently (``proxy``, explained in ``definitions``), or an ``estimate`` whose
    #: method and limits are documented at ``method``.
    basis: Literal["measured", "proxy", "estimate"] = "measured"
    #: Where the method and its limits are written (a docs/ path with its anchor).
    method: str | None = None

    @model_validator(mode="after")
    def _estimate_has_method(self) -> Check:
        if self.basis == "estimate" and not self.method:
            raise ValueError("an estimate must link its method (check.method)")
        return self


class Claim(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    editions: list[Literal["earlier", "later"]] = Field(min_length=1)
    section: str
    statement: Text
    figure: Figure
    check: Check
    definitions: Text
    page: dict[Literal["en", "fr"], str] = Field(default_factory=lambda: dict(PAGE_URL))
    #: What is shown beside the verdict and never weighs in it: a name of
    #: :data:`canus.claims.observations.CONTEXTS` (e.g. each country's emissions trend).
    context: str | None = None

    @model_validator(mode="after")
    def _page_is_the_page(self) -> Claim:
        if self.page != PAGE_URL:
            raise ValueError("page must link to the page in both languages (see PAGE_URL)")
        return self


def read_claim(path: Path) -> Claim:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        claim = Claim.model_validate(raw)
    except (OSError, yaml.YAMLError) as e:
        raise ClaimError("Claim file {file}: cannot be read: {problem}", file=path, problem=str(e)) from e
    except ValidationError as e:
        first = e.errors()[0]
        raise ClaimError(
            "Claim file {file}: field {field}: {problem}",
            file=path,
            field=".".join(str(p) for p in first["loc"]),
            problem=first["msg"],
        ) from e
    if claim.id != path.stem:
        raise ClaimError("Claim file {file}: id {id!r} differs from the file name.", file=path, id=claim.id)
    return claim


def load_claims(data_dir: Path | None = None) -> list[Claim]:
    """Every claim, in file-name order. Files starting with ``_`` hold other data."""
    if data_dir is None:
        return list(_packaged())
    return [read_claim(p) for p in sorted(data_dir.glob("*.yaml")) if not p.name.startswith("_")]


@cache
def _packaged() -> tuple[Claim, ...]:
    return tuple(load_claims(DATA_DIR))
