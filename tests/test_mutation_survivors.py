"""Tests written to kill the mutants `make mutation` found surviving (docs/testing.md lists
each one). Each test names the decision it pins, not the mutant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from canus.claims.qualifiers import holds_estimate
from canus.metrics.catalogue import UnknownMetric, get
from canus.sources.statcan_members import MemberMatch, Selection
from canus.web.feedback.store import FeedbackError, FeedbackStore


def test_an_estimate_uses_the_claims_own_step_for_band_and_centre() -> None:
    # "about 1.3" written at step 0.5 supports [1.05, 1.55); at the written step 0.1 only [1.25, 1.35).
    assert holds_estimate(1.45, 1.40, 1.50, 1.3, "about", step=0.5)
    assert not holds_estimate(1.45, 1.40, 1.50, 1.3, "about")


def test_an_estimate_band_touching_a_one_sided_bound_meets_it() -> None:
    # The band's edge on the bound counts as meeting it, on either side.
    assert holds_estimate(100, 100, 120, 100, "at most")
    assert holds_estimate(100, 80, 100, 100, "at least")
    assert not holds_estimate(100, 101, 120, 100, "at most")
    assert not holds_estimate(100, 80, 99, 100, "at least")


def _selection(found: tuple[MemberMatch, ...]) -> Selection:
    return Selection("24-10-0053-01", found, ())


def test_member_selection_sql_runs_with_an_alias_and_when_nothing_is_selected() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE r AS SELECT * FROM (VALUES ('1.2.3', 10), ('1.4.3', 20)) t(coordinate, v)")
    con.execute("CREATE TABLE s AS SELECT * FROM (VALUES ('9.9.9')) t(coordinate)")
    sel = _selection((MemberMatch("Traveller characteristics", 2, "c", "x", "x", 4),))
    # Both tables have `coordinate`: without the alias the condition would be ambiguous.
    got = con.execute(f"SELECT r.v FROM r JOIN s ON TRUE WHERE {sel.where('r')}").fetchall()
    assert got == [(20,)]
    everything = _selection(())
    assert con.execute(f"SELECT count(*) FROM r WHERE {everything.where()}").fetchone() == (2,)


def test_unknown_metric_names_the_metric() -> None:
    with pytest.raises(UnknownMetric) as e:
        get("no-such-metric")
    assert "'no-such-metric'" in e.value.localized("en") and "/api/metrics" in e.value.localized("en")


def test_reports_are_stamped_in_utc_to_the_second_by_the_real_clock() -> None:
    store = FeedbackStore()
    store.add(lang="en", page="/en/border", kinds=["wrong"], details="x", client_address="10.0.0.9")
    [r] = store.list()
    stamp = dt.datetime.fromisoformat(r.received_at)
    assert stamp.utcoffset() == dt.timedelta(0) and stamp.microsecond == 0
    assert abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=5)
    with pytest.raises(FeedbackError) as e:  # the same clock drives the one-a-minute limit
        store.add(lang="en", page="/en/border", kinds=["wrong"], details="y", client_address="10.0.0.9")
    assert e.value.reason == "rate_limited"


def test_a_claim_waiting_for_data_names_what_it_needs(tmp_path: Path) -> None:
    from tests.test_claims_checker import verdict

    r = verdict(tmp_path, {2019: 1000})
    assert r.verdict == "not_checkable"
    assert "people entering the US at land ports" in (r.missing_text() or "")
