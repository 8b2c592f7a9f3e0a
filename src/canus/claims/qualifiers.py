"""How canus reads the page's hedging words ("nearly", "about", "more than" …).

The tolerance comes from the words and from the figure as written, never from a free
percentage. ``f`` is the page's figure, ``v`` the value canus finds, ``step`` the precision the
page writes the figure at: the place of its last non-zero digit ("1.3 trillion" → 0.1 trillion,
"400,000" → 100,000, "80%" → 10 points), unless the claim file sets ``figure.step``.

A value that the page would have written as a different rounded figure does not support the
claim: C$1.18 trillion is written "1.2 trillion", so it does not support "nearly 1.3 trillion".
The same table is printed in ``docs/claims.md``; a test keeps the two in step.

| qualifier | holds when | supporting values, relative width |
|---|---|---|
| exact, largest | v = f | a single value |
| about, around, roughly, approximately, some | f − step/2 ≤ v < f + step/2 | step / f |
| nearly, close to, almost | f − step/2 ≤ v ≤ f | step / (2f) |
| more than, over | v > f | one-sided |
| at least | v ≥ f | one-sided |
| less than, under | v < f | one-sided |
| at most, among the top, one of the largest | v ≤ f (ranks: 1 is the top) | one-sided |
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

#: Relative slack for floating-point noise only; it never widens a reading.
EPS = 1e-9


@dataclass(frozen=True)
class Rule:
    name: str
    #: v, f, step → holds
    test: Callable[[float, float, float], bool]
    #: f, step → (lowest, highest) supporting value; ±inf for one-sided rules.
    interval: Callable[[float, float], tuple[float, float]]
    #: English description; the catalogue gives the French.
    reads_as: str


def written_step(figure: float) -> float:
    """The precision a figure is written at: the place of its last non-zero digit."""
    v = abs(figure)
    if v == 0:
        return 1.0
    if float(v).is_integer():
        digits = str(int(v))
        return float(10 ** (len(digits) - len(digits.rstrip("0"))))
    decimals = len(repr(float(v)).split(".")[1].rstrip("0"))
    return 10.0**-decimals


def _eq(v: float, f: float, step: float) -> bool:
    return math.isclose(v, f, rel_tol=EPS, abs_tol=EPS)


def _about(v: float, f: float, step: float) -> bool:
    d = (v - f) / step  # in units of the last written digit: rounding noise stays tiny
    return -0.5 - EPS <= d < 0.5 - EPS


def _nearly(v: float, f: float, step: float) -> bool:
    d = (v - f) / step
    return -0.5 - EPS <= d <= EPS


INF = math.inf
_EXACT = Rule("exact", _eq, lambda f, s: (f, f), "equal to the figure")
_ABOUT = Rule(
    "about", _about, lambda f, s: (f - s / 2, f + s / 2), "a value the page would write as the same rounded figure"
)
_NEARLY = Rule(
    "nearly",
    _nearly,
    lambda f, s: (f - s / 2, f),
    "at or just below the figure, by at most half its last written digit",
)
_MORE = Rule("more than", lambda v, f, s: v > f, lambda f, s: (f, INF), "strictly above the figure")
_AT_LEAST = Rule("at least", lambda v, f, s: v >= f, lambda f, s: (f, INF), "at or above the figure")
_LESS = Rule("less than", lambda v, f, s: v < f, lambda f, s: (-INF, f), "strictly below the figure")
_AT_MOST = Rule(
    "at most",
    lambda v, f, s: v <= f,
    lambda f, s: (-INF, f),
    "at or below the figure (for ranks: at or nearer the top)",
)

QUALIFIERS: dict[str, Rule] = {
    "exact": _EXACT,
    "largest": _EXACT,
    "about": _ABOUT,
    "around": _ABOUT,
    "roughly": _ABOUT,
    "approximately": _ABOUT,
    "some": _ABOUT,
    "nearly": _NEARLY,
    "close to": _NEARLY,
    "almost": _NEARLY,
    "more than": _MORE,
    "over": _MORE,
    "at least": _AT_LEAST,
    "less than": _LESS,
    "under": _LESS,
    "at most": _AT_MOST,
    "among the top": _AT_MOST,
    "one of the largest": _AT_MOST,
}


def rule(qualifier: str) -> Rule:
    try:
        return QUALIFIERS[qualifier]
    except KeyError:
        raise KeyError(f"unknown qualifier {qualifier!r}; known: {', '.join(QUALIFIERS)}") from None


def holds(value: float, figure: float, qualifier: str, step: float | None = None) -> bool:
    """Whether ``value`` supports the page's ``figure`` read with ``qualifier``."""
    return rule(qualifier).test(value, figure, step if step is not None else written_step(figure))


def interval(figure: float, qualifier: str, step: float | None = None) -> tuple[float, float]:
    """Every value between these two supports the claim (bounds as the rule's table says)."""
    return rule(qualifier).interval(figure, step if step is not None else written_step(figure))


def holds_estimate(
    central: float, low: float, high: float, figure: float, qualifier: str, step: float | None = None
) -> bool:
    """An estimate supports a claim only when its band meets the claim's supporting values
    *and* its central value supports the claim on its own: a wide band alone proves nothing."""
    lo, hi = interval(figure, qualifier, step)
    return low <= hi and high >= lo and holds(central, figure, qualifier, step)


def width(figure: float, qualifier: str, step: float | None = None) -> float | None:
    """How discriminating the test is: the supporting values' width relative to the figure
    (0 for an exact figure; None for a one-sided reading, which only rules out one side)."""
    lo, hi = interval(figure, qualifier, step)
    if math.isinf(lo) or math.isinf(hi):
        return None
    return (hi - lo) / abs(figure) if figure else None
