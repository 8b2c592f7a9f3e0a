"""Give each claim a verdict: supported, contradicted or not yet checkable, at its own period.

A claim speaks of one period (``figure.period``: an explicit year, 2019 for "pre-pandemic",
otherwise the edition's date). Its verdict compares the value canus finds *for that period*
with the page's figure read with its qualifier (see :mod:`canus.claims.qualifiers`):

- **supported**: the value for the claim's period satisfies the figure;
- **contradicted**: it does not;
- **not_checkable**: what the check needs is missing — a source, a table, data for the
  claim's period, or a registry fact confirmed against its source — and the result names it.

What happened since is context, not a verdict: the latest value is reported as "since then"
with its own period, and ``changed_since`` is set when that value would no longer satisfy the
figure. A 2019 claim stays supported when 2024 falls; it gets ``changed_since``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from canus import terminology
from canus.claims import display
from canus.claims import observations as obs
from canus.claims.models import PAGE_URL, Claim, load_claims
from canus.claims.observation import Bilingual, Context, MissingSource, Msg
from canus.claims.qualifiers import holds, holds_estimate, interval, rule, width
from canus.i18n import _
from canus.metrics import Provenance, provenance
from canus.registry import RegistryError

Verdict = Literal["supported", "contradicted", "not_checkable"]
VERDICTS: tuple[Verdict, ...] = ("supported", "contradicted", "not_checkable")
VERDICT_LABELS = {
    "supported": "supported",
    "contradicted": "contradicted",
    "not_checkable": "not yet checkable",
}


BASIS_NOTES = {
    "proxy": "This verdict rests on a related measure whose definition differs from the "
    "page's; the definitions say how.",
    "estimate": "This verdict rests on an estimate, not a measurement; the method and its limits are in {method}.",
}
#: One sentence per basis, for the section pages.
BASIS_SENTENCES = {
    "measured": "canus measures what the page states.",
    "proxy": "canus measures something close to what the page states; the claim page says what is in and what is out.",
    "estimate": "canus estimates this; no official series measures it. The claim page gives the method.",
}
BASIS_LABELS = {"proxy": "on a related measure", "estimate": "on an estimate"}


@dataclass
class Result:
    claim: Claim
    verdict: Verdict
    value: float | None = None
    unit: str | None = None
    period: str | None = None
    #: "Since then": the latest value, when the data has a period after the claim's.
    latest_value: float | None = None
    latest_period: str | None = None
    #: The latest value would no longer satisfy the page's figure.
    changed_since: bool = False
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
    #: Shown beside the verdict, never weighed in it (``Claim.context``): sentences, the figures
    #: behind them, their sources and what they still wait for.
    context: Context = field(default_factory=Context)

    @property
    def basis(self) -> str:
        return self.claim.check.basis

    def verdict_label(self, lang: str) -> str:
        label = _(VERDICT_LABELS[self.verdict], lang)
        if self.verdict != "not_checkable" and self.basis in BASIS_LABELS:
            return _("{verdict}, {basis}", lang, verdict=label, basis=_(BASIS_LABELS[self.basis], lang))
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
            "basis_label": _(BASIS_SENTENCES[self.basis], lang),
            "method": c.check.method,
            "figure_text": display.figure(c.figure.value, c.figure.unit, c.figure.qualifier, lang),
            "value": self.value,
            "value_text": display.amount(self.value, self.unit, lang),
            "icon": display.ICONS[self.verdict],
            "unit": self.unit,
            "period": self.period,
            "latest_value": self.latest_value,
            "latest_period": self.latest_period,
            "latest_value_text": display.amount(self.latest_value, self.unit, lang),
            "changed_since": self.changed_since,
            "reading": _reading(c, lang),
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
            "context": [m.render(lang) for m in self.context.messages],
            "context_detail": self.context.detail,
            "context_sources": [p.as_dict(lang) for p in self.context.provenance],
            "context_missing_ids": list(self.context.missing_ids),
        }


def check_claim(claim: Claim, con: duckdb.DuckDBPyConnection | None) -> Result:
    tol = width(claim.figure.value, claim.figure.qualifier, claim.figure.step)
    res = _check_registry(claim, tol) if claim.check.kind == "registry" else _check_metric(claim, con, tol)
    note = BASIS_NOTES.get(claim.check.basis)
    if note and res.verdict != "not_checkable":
        res.notes.insert(0, Msg(note, {"method": claim.check.method or ""}))
    if claim.context:
        # Computed after the verdict and kept apart from it: context never changes a verdict.
        res.context = obs.CONTEXTS[claim.context](con)
    return res


def check_all(con: duckdb.DuckDBPyConnection | None, claims: list[Claim] | None = None) -> list[Result]:
    return [check_claim(c, con) for c in (claims if claims is not None else load_claims())]


def _ok(claim: Claim, value: float, detail: dict[str, Any] | None = None) -> bool:
    f = claim.figure
    d = detail or {}
    if claim.check.basis == "estimate" and "low" in d and "high" in d:
        return holds_estimate(value, d["low"], d["high"], f.value, f.qualifier, f.step)
    return holds(value, f.value, f.qualifier, f.step)


def _reading(claim: Claim, lang: str) -> dict[str, Any]:
    """How the figure is read: the rule, the supporting values and how narrow they are."""
    f = claim.figure
    r = rule(f.qualifier)
    lo, hi = interval(f.value, f.qualifier, f.step)
    return {
        "qualifier": f.qualifier,
        "rule": _(r.reads_as, lang),
        "low": None if math.isinf(lo) else lo,
        "high": None if math.isinf(hi) else hi,
        "width": width(f.value, f.qualifier, f.step),
    }


def _check_registry(claim: Claim, tol: float | None) -> Result:
    target = claim.check.target
    try:
        o = obs.observe_registry(target, claim.check.reduce, claim.figure.period)
    except (RegistryError, AttributeError, ValueError) as e:
        return Result(
            claim,
            "not_checkable",
            tolerance=tol,
            missing=Msg("registry fact {target} ({problem})", {"target": target, "problem": str(e)}),
        )
    res = Result(
        claim,
        "supported",
        value=o.value,
        unit=o.unit,
        period=claim.figure.period,
        source_ids=list(o.source_ids),
        facts=list(o.facts),
        tolerance=tol,
    )
    # A registry's vintage is the day its citations were read (none when they were not).
    res.vintage = {sid: max((f["accessed"] for f in o.facts if f["accessed"]), default=None) for sid in o.source_ids}
    if o.facts and all(f["url"] in PAGE_URL.values() for f in o.facts):
        return _registry_pending(
            res,
            Msg("an independent source for {target}", {"target": target}),
            Msg("The only citation canus holds for this fact is the page itself."),
        )
    unconfirmed = [f for f in o.facts if not f["confirmed"]]
    if unconfirmed:
        # An unconfirmed fact is canus's reading, not evidence: it never supports a claim.
        wanted: dict[Any, str] = {}
        for f in unconfirmed:
            cw = f.get("confirm_with")
            wanted.setdefault(Bilingual(**cw) if cw else None, f["url"])
        what = [
            Msg("{what}", {"what": key}) if key else Msg("a reading of {url}", {"url": url})
            for key, url in wanted.items()
        ]
        return _registry_pending(
            res,
            Msg("confirmation of registry facts: {what}", {"what": what}),
            Msg(
                "Rests on registry facts not yet confirmed against their "
                "sources, so canus does not count them as support."
            ),
        )
    src_q = o.detail.get("qualifier")
    if src_q == claim.figure.qualifier and o.value == claim.figure.value:
        # Checked before the lower bounds: "more than 300" in the source settles "more than 300".
        res.detail["source_qualifier"] = src_q
        res.notes.append(
            Msg(
                "The source states the same bound as the page ({qualifier} {value}), which canus reads as support.",
                {"qualifier": Msg(claim.figure.qualifier), "value": o.value},
            )
        )
        return res
    if src_q in ("at least", "more than") and not _ok(claim, o.value):
        # "Hundreds" does not decide "more than 300" either way.
        return _registry_pending(
            res,
            Msg("a source that gives the count itself"),
            Msg(
                "The source gives only a lower bound ({qualifier} {value}), which does not decide the page's figure.",
                {"qualifier": Msg(src_q), "value": o.value},
            ),
        )
    if not _ok(claim, o.value):
        res.verdict = "contradicted"
    return res


def _registry_pending(res: Result, missing: Msg, note: Msg) -> Result:
    res.verdict = "not_checkable"
    # What canus holds is not something it found: keep it out of "value".
    res.detail["registry_value"], res.value = res.value, None
    res.missing = missing
    res.notes.append(note)
    return res


def _check_metric(claim: Claim, con: duckdb.DuckDBPyConnection | None, tol: float | None) -> Result:
    target = claim.check.target
    observe = obs.METRICS.get(target)
    if observe is None:
        return Result(claim, "not_checkable", tolerance=tol, missing=Msg("unknown metric {target}", {"target": target}))
    try:
        latest = observe(con, None)
    except MissingSource:
        latest = None
    try:
        own = observe(con, claim.figure.period)
    except MissingSource as e:
        res = Result(
            claim, "not_checkable", tolerance=tol, missing=e.need, missing_ids=list(e.source_ids), notes=list(e.notes)
        )
        if latest is not None:
            # What the loaded data says about a later period is context even while the
            # claim's own period waits for its table.
            res.unit = latest.unit
            res.latest_value, res.latest_period = latest.value, latest.period
            res.changed_since = not _ok(claim, latest.value, latest.detail)
        return res
    res = Result(claim, "not_checkable", tolerance=tol, period=claim.figure.period)
    used = own or latest
    if used is not None:
        res.unit = used.unit
        res.source_ids = list(dict.fromkeys(used.source_ids))
        res.provenance = _provenance(con, res.source_ids)
        res.vintage = {p.source_id: p.as_of for p in res.provenance}
        res.notes.extend(used.notes)
        res.detail = dict(used.detail)
    if latest is not None and (own is None or _later(latest.period, own.period)):
        res.latest_value, res.latest_period = latest.value, latest.period
        res.changed_since = not _ok(claim, latest.value, latest.detail)
    if own is None:
        res.missing = Msg("data for {period} ({needs})", {"period": claim.figure.period, "needs": Msg(_needs(target))})
        res.notes.insert(0, Msg("The loaded data does not cover the claim's period."))
        return res
    res.value, res.period = own.value, own.period
    res.detail = dict(own.detail)
    res.verdict = "supported" if _ok(claim, own.value, own.detail) else "contradicted"
    return res


def _later(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a > b


def _needs(target: str) -> str:
    # Every target has an observer and its needs (test_claims_headline checks the keys match).
    return obs.NEEDS[target]


def _provenance(con: duckdb.DuckDBPyConnection | None, source_ids: list[str]) -> list[Provenance]:
    if con is None:
        return []
    # Metric observers name warehouse sources only (registry facts carry their own citations and
    # are checked by _check_registry): an undeclared id fails here rather than show a figure
    # without its licence.
    return [p for sid in source_ids for p in provenance(con, sid)]


def tally(results: list[Result]) -> dict[str, int]:
    """Claims per verdict, and how many of them have changed since their period."""
    out: dict[str, int] = {v: 0 for v in VERDICTS}
    for r in results:
        out[r.verdict] += 1
    out["changed_since"] = sum(r.changed_since for r in results)
    return out


def exit_code(results: list[Result], strict: bool) -> int:
    """Non-zero under ``--strict`` when any claim is contradicted at its own period."""
    if strict and any(r.verdict == "contradicted" for r in results):
        return 1
    return 0
