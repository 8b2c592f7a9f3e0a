"""Give each claim a verdict: supported, outdated, contradicted or not yet checkable.

- **supported**: the computed value for the claim's own period satisfies the page's figure
  read with its qualifier (see :mod:`canus.claims.qualifiers`), and so does the latest period.
- **outdated**: it held for the claim's own period, but the latest period differs beyond the
  tolerance.
- **contradicted**: the data for the claim's own period disagrees (for a registry fact: the
  fact disagrees).
- **not_checkable**: what the check needs is missing — a source, a table, a module, or data
  for the claim's period — and the result names it. A registry fact whose only citation is
  the page itself is not evidence for the page, so it is not checkable either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from canus.claims import observations as obs
from canus.claims.models import PAGE_URL, Claim, load_claims
from canus.claims.qualifiers import effective_tolerance, holds
from canus.i18n import _
from canus.metrics import provenance
from canus.registry import RegistryError

Verdict = Literal["supported", "outdated", "contradicted", "not_checkable"]
VERDICTS: tuple[Verdict, ...] = ("supported", "outdated", "contradicted", "not_checkable")
VERDICT_LABELS = {
    "supported": "supported",
    "outdated": "outdated",
    "contradicted": "contradicted",
    "not_checkable": "not yet checkable",
}


@dataclass
class Result:
    claim: Claim
    verdict: Verdict
    value: float | None = None
    unit: str | None = None
    period: str | None = None
    latest_value: float | None = None
    latest_period: str | None = None
    source_ids: list[str] = field(default_factory=list)
    #: source id → as-of date of its data in the warehouse (data_versions).
    vintage: dict[str, str | None] = field(default_factory=dict)
    facts: list[dict[str, Any]] = field(default_factory=list)
    tolerance: float | None = None
    missing: str | None = None
    #: English reasons and caveats; rendered through the catalogue.
    notes: list[str] = field(default_factory=list)

    def verdict_label(self, lang: str) -> str:
        return _(VERDICT_LABELS[self.verdict], lang)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id,
            "editions": list(c.editions),
            "section": c.section,
            "statement": c.statement.get(lang),
            "figure": c.figure.model_dump(),
            "check": c.check.model_dump(),
            "verdict": self.verdict,
            "verdict_label": self.verdict_label(lang),
            "value": self.value,
            "unit": self.unit,
            "period": self.period,
            "latest_value": self.latest_value,
            "latest_period": self.latest_period,
            "source_ids": self.source_ids,
            "vintage": self.vintage,
            "registry_facts": self.facts,
            "tolerance": self.tolerance,
            "missing_source": self.missing,
            "notes": [_(n, lang) for n in self.notes],
            "definitions": c.definitions.get(lang),
            "page": c.page[lang],  # type: ignore[index]
        }


def check_claim(claim: Claim, con: duckdb.DuckDBPyConnection | None) -> Result:
    tol = effective_tolerance(claim.figure.qualifier, claim.check.tolerance)
    if claim.check.kind == "registry":
        return _check_registry(claim, tol)
    return _check_metric(claim, con, tol)


def check_all(con: duckdb.DuckDBPyConnection | None,
              claims: list[Claim] | None = None) -> list[Result]:
    return [check_claim(c, con) for c in (claims if claims is not None else load_claims())]


def _ok(claim: Claim, value: float) -> bool:
    return holds(value, claim.figure.value, claim.figure.qualifier, claim.check.tolerance)


def _check_registry(claim: Claim, tol: float | None) -> Result:
    try:
        o = obs.observe_registry(claim.check.target, claim.check.reduce, claim.figure.period)
    except (RegistryError, AttributeError, ValueError) as e:
        return Result(claim, "not_checkable", tolerance=tol,
                      missing=f"registry fact {claim.check.target} ({e})")
    res = Result(claim, "supported", value=o.value, unit=o.unit, period=claim.figure.period,
                 source_ids=list(o.source_ids), facts=list(o.facts), tolerance=tol)
    # A registry's vintage is when its citations were last read.
    res.vintage = {sid: max((f["accessed"] for f in o.facts), default=None)
                   for sid in o.source_ids}
    if o.facts and all(f["url"] in PAGE_URL.values() for f in o.facts):
        res.verdict = "not_checkable"
        res.missing = f"an independent source for {claim.check.target}"
        res.notes.append("The only citation canus holds for this fact is the page itself.")
        return res
    # A source that itself states the same bound ("more than 300") supports the claim.
    same_bound = (o.detail.get("qualifier") == claim.figure.qualifier
                  and o.value == claim.figure.value)
    if not same_bound and not _ok(claim, o.value):
        res.verdict = "contradicted"
    if any(not f["confirmed"] for f in o.facts):
        res.notes.append("Rests on a registry fact not yet confirmed against its source.")
    return res


def _check_metric(claim: Claim, con: duckdb.DuckDBPyConnection | None,
                  tol: float | None) -> Result:
    target = claim.check.target
    observe = obs.METRICS.get(target)
    if observe is None:
        return Result(claim, "not_checkable", tolerance=tol, missing=f"unknown metric {target}")
    try:
        own = observe(con, claim.figure.period)
        latest = observe(con, None)
    except obs.MissingSource as e:
        return Result(claim, "not_checkable", tolerance=tol, missing=e.what,
                      source_ids=list(e.source_ids))
    res = Result(claim, "not_checkable", tolerance=tol)
    if latest is not None:
        res.latest_value, res.latest_period = latest.value, latest.period
    used = own or latest
    if used is not None:
        res.unit = used.unit
        res.source_ids = list(dict.fromkeys(used.source_ids))
        res.vintage = _vintage(con, res.source_ids)
    if own is None:
        res.missing = f"data for {claim.figure.period} ({_needs(target)})"
        res.notes.append("The loaded data does not cover the claim's period.")
        return res
    res.value, res.period = own.value, own.period
    if not _ok(claim, own.value):
        res.verdict = "contradicted"
    elif latest is not None and latest.period != own.period and not _ok(claim, latest.value):
        res.verdict = "outdated"
    else:
        res.verdict = "supported"
    return res


def _needs(target: str) -> str:
    return obs.NEEDS.get(target, target)


def _vintage(con: duckdb.DuckDBPyConnection | None, source_ids: list[str]) -> dict[str, str | None]:
    if con is None:
        return {}
    out: dict[str, str | None] = {}
    for p in provenance(con, *[s for s in source_ids if not s.startswith("registry:")]):
        out[p.source_id] = p.as_of
    return out


def exit_code(results: list[Result], strict: bool) -> int:
    """Non-zero under ``--strict`` when any claim is contradicted or outdated."""
    if strict and any(r.verdict in ("contradicted", "outdated") for r in results):
        return 1
    return 0
