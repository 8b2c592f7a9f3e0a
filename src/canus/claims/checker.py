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

from canus import terminology
from canus.claims import display
from canus.claims import observations as obs
from canus.claims.models import PAGE_URL, Claim, load_claims
from canus.claims.observations import Msg
from canus.claims.qualifiers import effective_tolerance, holds
from canus.i18n import _
from canus.metrics import Provenance, provenance
from canus.registry import RegistryError

Verdict = Literal["supported", "outdated", "contradicted", "not_checkable"]
VERDICTS: tuple[Verdict, ...] = ("supported", "outdated", "contradicted", "not_checkable")
VERDICT_LABELS = {
    "supported": "supported",
    "outdated": "outdated",
    "contradicted": "contradicted",
    "not_checkable": "not yet checkable",
}


BASIS_NOTES = {
    "proxy": "This verdict rests on a related measure whose definition differs from the "
             "page's; the definitions say how.",
    "estimate": "This verdict rests on an estimate, not a measurement; the method and its "
                "limits are in {method}.",
}
BASIS_LABELS = {"proxy": "on a related measure", "estimate": "on an estimate"}


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
    #: What the check is waiting for, named (rendered through the catalogue).
    missing: Msg | None = None
    #: Source ids of what is missing, for machines.
    missing_ids: list[str] = field(default_factory=list)
    #: Reasons and caveats, rendered through the catalogue.
    notes: list[Msg] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    #: Title, publisher, licence and as-of of each warehouse source used.
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def basis(self) -> str:
        return self.claim.check.basis

    def verdict_label(self, lang: str) -> str:
        label = _(VERDICT_LABELS[self.verdict], lang)
        if self.verdict != "not_checkable" and self.basis in BASIS_LABELS:
            return _("{verdict}, {basis}", lang, verdict=label,
                     basis=_(BASIS_LABELS[self.basis], lang))
        return label

    def missing_text(self, lang: str = "en") -> str | None:
        return None if self.missing is None else self.missing.render(lang)

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
            "basis": self.basis,
            "method": c.check.method,
            "figure_text": display.figure(c.figure.value, c.figure.unit, c.figure.qualifier,
                                          lang),
            "value": self.value,
            "value_text": display.amount(self.value, self.unit, lang),
            "icon": display.ICONS[self.verdict],
            "unit": self.unit,
            "period": self.period,
            "latest_value": self.latest_value,
            "latest_period": self.latest_period,
            "latest_value_text": display.amount(self.latest_value, self.unit, lang),
            "source_ids": self.source_ids,
            "vintage": self.vintage,
            "sources": [p.as_dict(lang) for p in self.provenance],
            "registry_facts": [terminology.localize_fact(f, lang) for f in self.facts],
            "tolerance": self.tolerance,
            "missing_source": self.missing_text(lang),
            "missing_source_ids": self.missing_ids,
            "notes": [n.render(lang) for n in self.notes],
            "detail": self.detail,
            "definitions": c.definitions.get(lang),
            "page": c.page[lang],  # type: ignore[index]
        }


def check_claim(claim: Claim, con: duckdb.DuckDBPyConnection | None) -> Result:
    tol = effective_tolerance(claim.figure.qualifier, claim.check.tolerance)
    res = (_check_registry(claim, tol) if claim.check.kind == "registry"
           else _check_metric(claim, con, tol))
    note = BASIS_NOTES.get(claim.check.basis)
    if note and res.verdict != "not_checkable":
        res.notes.insert(0, Msg(note, {"method": claim.check.method or ""}))
    return res


def check_all(con: duckdb.DuckDBPyConnection | None,
              claims: list[Claim] | None = None) -> list[Result]:
    return [check_claim(c, con) for c in (claims if claims is not None else load_claims())]


def _ok(claim: Claim, value: float) -> bool:
    return holds(value, claim.figure.value, claim.figure.qualifier, claim.check.tolerance)


def _check_registry(claim: Claim, tol: float | None) -> Result:
    target = claim.check.target
    try:
        o = obs.observe_registry(target, claim.check.reduce, claim.figure.period)
    except (RegistryError, AttributeError, ValueError) as e:
        return Result(claim, "not_checkable", tolerance=tol,
                      missing=Msg("registry fact {target} ({problem})",
                                  {"target": target, "problem": str(e)}))
    res = Result(claim, "supported", value=o.value, unit=o.unit, period=claim.figure.period,
                 source_ids=list(o.source_ids), facts=list(o.facts), tolerance=tol)
    # A registry's vintage is when its citations were last read.
    res.vintage = {sid: max((f["accessed"] for f in o.facts), default=None)
                   for sid in o.source_ids}
    if o.facts and all(f["url"] in PAGE_URL.values() for f in o.facts):
        res.verdict = "not_checkable"
        # The page's own figure is not something canus found: keep it out of "value".
        res.detail["page_only_value"], res.value = res.value, None
        res.missing = Msg("an independent source for {target}", {"target": target})
        res.notes.append(Msg("The only citation canus holds for this fact is the page itself."))
        return res
    # A source that itself states the same bound ("more than 300") supports the claim.
    same_bound = (o.detail.get("qualifier") == claim.figure.qualifier
                  and o.value == claim.figure.value)
    if same_bound:
        res.detail["source_qualifier"] = o.detail.get("qualifier")
        res.notes.append(Msg("The source states the same bound as the page ({qualifier} "
                             "{value}), which canus reads as support.",
                             {"qualifier": Msg(claim.figure.qualifier), "value": o.value}))
    elif not _ok(claim, o.value):
        res.verdict = "contradicted"
    if any(not f["confirmed"] for f in o.facts):
        res.notes.append(Msg("Rests on a registry fact not yet confirmed against its source."))
    return res


def _check_metric(claim: Claim, con: duckdb.DuckDBPyConnection | None,
                  tol: float | None) -> Result:
    target = claim.check.target
    observe = obs.METRICS.get(target)
    if observe is None:
        return Result(claim, "not_checkable", tolerance=tol,
                      missing=Msg("unknown metric {target}", {"target": target}))
    try:
        own = observe(con, claim.figure.period)
        latest = observe(con, None)
    except obs.MissingSource as e:
        return Result(claim, "not_checkable", tolerance=tol, missing=e.need,
                      missing_ids=list(e.source_ids), notes=list(e.notes))
    res = Result(claim, "not_checkable", tolerance=tol)
    if latest is not None:
        res.latest_value, res.latest_period = latest.value, latest.period
    used = own or latest
    if used is not None:
        res.unit = used.unit
        res.source_ids = list(dict.fromkeys(used.source_ids))
        res.provenance = _provenance(con, res.source_ids)
        res.vintage = {p.source_id: p.as_of for p in res.provenance}
        res.notes.extend(used.notes)
        res.detail = dict(used.detail)
    if own is None:
        res.missing = Msg("data for {period} ({needs})",
                          {"period": claim.figure.period, "needs": Msg(_needs(target))})
        res.notes.insert(0, Msg("The loaded data does not cover the claim's period."))
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


def _provenance(con: duckdb.DuckDBPyConnection | None,
                source_ids: list[str]) -> list[Provenance]:
    if con is None:
        return []
    return provenance(con, *[s for s in source_ids if not s.startswith("registry:")])


def exit_code(results: list[Result], strict: bool) -> int:
    """Non-zero under ``--strict`` when any claim is contradicted or outdated."""
    if strict and any(r.verdict in ("contradicted", "outdated") for r in results):
        return 1
    return 0
