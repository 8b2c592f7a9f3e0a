"""How canus reads the page's hedging words ("nearly", "about", "more than" …).

Each qualifier becomes an explicit test of a computed value ``v`` against the page's figure
``f``. ``tol`` is the claim's tolerance, or the qualifier's default when the claim gives none.
The same table is printed in ``docs/claims.md``; a test keeps the two in step.

| qualifier | holds when | default tol |
|---|---|---|
| exact | f×(1−tol) ≤ v ≤ f×(1+tol) | 0 |
| about, around, roughly, approximately | f×(1−tol) ≤ v ≤ f×(1+tol) | 0.10 |
| nearly, close to, almost | f×(1−tol) ≤ v ≤ f×(1+overshoot), overshoot = min(tol, 0.02) | 0.10 |
| more than, over | v > f | — |
| at least | v ≥ f | — |
| less than, under | v < f | — |
| at most, among the top | v ≤ f (ranks: 1 is the top) | — |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: "nearly 1.3 trillion" allows rounding up of at most this much.
NEARLY_OVERSHOOT = 0.02


@dataclass(frozen=True)
class Rule:
    name: str
    default_tolerance: float | None
    test: Callable[[float, float, float], bool]
    #: English description; the catalogue gives the French.
    reads_as: str


def _within(v: float, f: float, tol: float) -> bool:
    return f * (1 - tol) - 1e-9 <= v <= f * (1 + tol) + 1e-9


def _nearly(v: float, f: float, tol: float) -> bool:
    return f * (1 - tol) - 1e-9 <= v <= f * (1 + min(tol, NEARLY_OVERSHOOT)) + 1e-9


_EXACT = Rule("exact", 0.0, _within, "equal to the figure, within the tolerance")
_ABOUT = Rule("about", 0.10, _within, "within the tolerance either side of the figure")
_NEARLY = Rule("nearly", 0.10, _nearly,
               "below the figure by at most the tolerance, or above it by at most 2%")
_MORE = Rule("more than", None, lambda v, f, t: v > f, "strictly above the figure")
_AT_LEAST = Rule("at least", None, lambda v, f, t: v >= f, "at or above the figure")
_LESS = Rule("less than", None, lambda v, f, t: v < f, "strictly below the figure")
_AT_MOST = Rule("at most", None, lambda v, f, t: v <= f,
                "at or below the figure (for ranks: at or nearer the top)")

QUALIFIERS: dict[str, Rule] = {
    "exact": _EXACT,
    "about": _ABOUT, "around": _ABOUT, "roughly": _ABOUT, "approximately": _ABOUT,
    "nearly": _NEARLY, "close to": _NEARLY, "almost": _NEARLY,
    "more than": _MORE, "over": _MORE,
    "at least": _AT_LEAST,
    "less than": _LESS, "under": _LESS,
    "at most": _AT_MOST, "among the top": _AT_MOST,
}


def rule(qualifier: str) -> Rule:
    try:
        return QUALIFIERS[qualifier]
    except KeyError:
        raise KeyError(f"unknown qualifier {qualifier!r}; known: {', '.join(QUALIFIERS)}") from None


def holds(value: float, figure: float, qualifier: str, tolerance: float | None) -> bool:
    r = rule(qualifier)
    tol = tolerance if tolerance is not None else (r.default_tolerance or 0.0)
    return r.test(value, figure, tol)


def effective_tolerance(qualifier: str, tolerance: float | None) -> float | None:
    r = rule(qualifier)
    return tolerance if tolerance is not None else r.default_tolerance
