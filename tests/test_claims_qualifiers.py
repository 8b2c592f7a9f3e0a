"""Tolerances from the words: for each qualifier, a value just inside and just outside its
supporting values, on both sides; estimates; and registry facts that must earn a verdict."""

from __future__ import annotations

import pytest

from canus.claims import checker
from canus.claims.models import load_claims
from canus.claims.qualifiers import (
    QUALIFIERS,
    holds,
    holds_estimate,
    interval,
    width,
    written_step,
)

# (qualifier, figure, supported values, unsupported values): just inside and just outside,
# below and above. 400,000 is written to the hundred thousand (step 100,000).
CASES = [
    ("exact", 14, [14], [13, 15]),
    ("largest", 1, [1], [2, 0]),
    ("about", 400_000, [350_000, 449_999], [349_999, 450_000]),
    ("around", 400_000, [350_000, 449_999], [349_999, 450_000]),
    ("roughly", 0.8, [0.75, 0.8499], [0.7499, 0.85]),
    ("approximately", 800_000, [750_000, 849_999], [749_999, 850_000]),
    ("some", 300, [250, 349], [249, 350]),
    # "nearly 1.3 trillion": 1.25 to 1.30 trillion; C$1.18 trillion reads "1.2 trillion".
    ("nearly", 1.3e12, [1.25e12, 1.3e12], [1.249e12, 1.301e12, 1.18e12]),
    ("close to", 9000, [8500, 9000, 8891], [8499, 9001]),
    ("almost", 400_000, [350_000, 400_000], [349_999, 400_001]),
    ("more than", 300, [301], [300, 299]),
    ("over", 100, [101], [100]),
    ("at least", 2_000_000, [2_000_000, 2_000_001], [1_999_999]),
    ("less than", 10, [9], [10, 11]),
    ("under", 10, [9], [10]),
    ("at most", 5, [5, 1], [6]),
    ("among the top", 5, [1, 5], [6]),
    ("one of the largest", 5, [1, 5], [6]),
]


def test_every_qualifier_has_cases() -> None:
    assert {q for q, *_ in CASES} == set(QUALIFIERS)


@pytest.mark.parametrize(("qualifier", "figure", "inside", "outside"), CASES, ids=[c[0] for c in CASES])
def test_just_inside_and_just_outside(qualifier: str, figure: float, inside: list[float], outside: list[float]) -> None:
    for v in inside:
        assert holds(v, figure, qualifier), (qualifier, figure, v)
    for v in outside:
        assert not holds(v, figure, qualifier), (qualifier, figure, v)


def test_written_step_is_the_last_written_digit() -> None:
    assert written_step(1.3e12) == 1e11
    assert written_step(400_000) == 100_000
    assert written_step(9000) == 1000
    assert written_step(0.8) == pytest.approx(0.1)
    assert written_step(14) == 1
    # A claim may say the figure is written more finely than its zeros suggest.
    assert holds(1040, 1000, "about", step=100) and not holds(1050, 1000, "about", step=100)


def test_how_discriminating_each_reading_is() -> None:
    assert width(1.3e12, "nearly") == pytest.approx(0.05e12 / 1.3e12)
    assert width(400_000, "around") == pytest.approx(0.25)
    assert width(14, "exact") == 0
    assert width(300, "more than") is None  # one-sided: rules out only one side
    assert interval(9000, "close to") == (8500, 9000)


def test_an_estimate_needs_its_band_to_meet_the_claim_and_its_centre_within() -> None:
    # "roughly 80 %": 75 % to 85 %.
    assert holds_estimate(0.80, 0.705, 0.892, 0.8, "roughly")
    # A wide band that overlaps is not enough when the centre is outside.
    assert not holds_estimate(0.70, 0.55, 0.78, 0.8, "roughly")
    assert not holds_estimate(0.86, 0.80, 0.95, 0.8, "roughly")
    # A centre inside with a band that cannot be (inconsistent input) does not support either.
    assert not holds_estimate(0.80, 0.90, 0.95, 0.8, "roughly")


def test_an_unconfirmed_registry_fact_never_supports() -> None:
    results = {r.claim.id: r for r in checker.check_all(None)}
    claims = {c.id: c for c in load_claims()}
    from canus.claims.observations import observe_registry

    seen = 0
    for cid, r in results.items():
        c = claims[cid]
        if c.check.kind != "registry":
            continue
        o = observe_registry(c.check.target, c.check.reduce, c.figure.period)
        if any(not f["confirmed"] for f in o.facts):
            seen += 1
            assert r.verdict == "not_checkable", cid
            assert r.value is None and r.missing_text(), cid
    assert seen >= 4
    rivers = results["rivers-along-border"]
    assert rivers.verdict == "not_checkable"
    assert "rivers alone" in (rivers.missing_text() or "")
    assert "and lakes" not in claims["rivers-along-border"].statement.en
    net_zero = results["net-zero-2050"]
    assert net_zero.verdict == "not_checkable" and "Net-Zero" in (net_zero.missing_text() or "")
    assert results["embassy-washington"].verdict == "supported"
    assert results["ozone-annex-benefit-millions"].verdict == "not_checkable"


def test_access_date_only_where_the_source_was_read() -> None:
    r = next(r for r in checker.check_all(None) if r.claim.id == "rivers-along-border")
    assert r.facts[0]["accessed"] is None
    assert r.vintage == {"registry:border": None}
