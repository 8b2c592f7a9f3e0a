"""Tests written to kill the mutants `make mutation` found surviving (docs/testing.md lists
each one). Each test names the decision it pins, not the mutant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from canus.claims.qualifiers import holds_estimate
from canus.metrics.catalogue import UnknownMetric, get
from canus.publish_gate import compare_vintages
from canus.sources.statcan_members import MemberMatch, Selection
from canus.warehouse import is_disk_full
from canus.web.feedback.store import MAX_DETAILS, FeedbackError, FeedbackStore


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
    # The French text proves the message is the catalogue's, not any string naming the metric.
    assert e.value.localized("fr") == "Mesure inconnue 'no-such-metric'; voir /api/metrics"


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


def test_release_times_compare_across_zones_and_a_naive_time_is_utc() -> None:
    # 08:30Z is later than 10:00+02:00 (08:00Z); a publisher's time without a zone is read as UTC.
    assert compare_vintages(None, None, "2024-05-01T08:30:00Z", "2024-05-01T10:00:00+02:00") == 1
    assert compare_vintages(None, None, "2024-05-01T10:00:00+02:00", "2024-05-01T08:30:00Z") == -1
    assert compare_vintages(None, None, "2024-05-01T09:00:00", "2024-05-01T08:30:00Z") == 1
    assert compare_vintages(None, None, "2024-05-01T08:00:00", "2024-05-01T08:30:00+00:00") == -1
    assert compare_vintages(None, None, "not a time", "2024-05-01T08:30:00Z") == 0


def test_a_full_disk_is_recognised_by_errno_and_by_duckdbs_text_only() -> None:
    import errno

    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(ValueError("bad value"))
    assert is_disk_full(duckdb.IOException('Could not write file "x": No space left on device'))
    assert not is_disk_full(duckdb.IOException('Cannot open file "x": Permission denied'))
    assert is_disk_full(duckdb.IOException('Could not write file "x": Disk quota exceeded'))


def test_a_missing_dimension_and_a_missing_member_are_named_exactly_in_both_languages() -> None:
    from canus.errors import LayoutError

    sel = Selection(
        "24-10-0053-01",
        (),
        (("Traveller type", ""), ("Traveller characteristics", "United States residents entering Canada")),
    )
    with pytest.raises(LayoutError) as e:
        sel.require()
    named = '"Traveller type"; "Traveller characteristics" / "United States residents entering Canada"'
    assert e.value.localized("en") == (
        f"24-10-0053-01: the loaded vintage lacks these dimensions or members (dimension / member): {named}"
    )
    assert e.value.localized("fr") == (
        f"24-10-0053-01\u00a0: la version chargée n'a pas ces dimensions ou membres (dimension / membre)\u00a0: {named}"
    )
    assert Selection("24-10-0053-01", (), ()).require().table == "24-10-0053-01"


# ------------------------------------------------ survivors of the run of 2026-12-01 (afternoon)


def test_a_zero_figure_is_written_to_the_unit() -> None:
    from canus.claims.qualifiers import written_step

    assert written_step(0) == 1.0
    assert written_step(1) == 1.0 and written_step(2000) == 1000.0


def test_exact_allows_float_noise_relative_to_large_figures_and_absolute_near_zero() -> None:
    from canus.claims.qualifiers import holds

    # 1e12 + 0.5 is within one part in a billion of 1e12: float noise, not a different figure.
    assert holds(1e12 + 0.5, 1e12, "exact")
    assert not holds(1e12 + 5000, 1e12, "exact")
    # Near zero a relative tolerance alone would demand bit equality.
    assert holds(1e-12, 0.0, "exact")


def test_an_unknown_qualifier_is_named_with_the_known_ones() -> None:
    from canus.claims.qualifiers import QUALIFIERS, rule

    with pytest.raises(KeyError) as e:
        rule("give or take")
    assert str(e.value) == repr(f"unknown qualifier 'give or take'; known: {', '.join(QUALIFIERS)}")


def test_a_zero_figure_has_no_relative_width() -> None:
    from canus.claims.qualifiers import width

    assert width(0, "about") is None
    assert width(100, "about") == 1.0 and width(110, "about") == pytest.approx(10 / 110)


def test_one_day_is_a_period_and_zero_days_is_not() -> None:
    from canus.metrics.periods import per_day

    assert per_day(10, 1) == 10
    assert per_day(10, 0) is None and per_day(None, 31) is None


def test_no_months_give_an_empty_label_in_both_languages() -> None:
    from canus.metrics.periods import months_label

    assert months_label([], "en") == "" and months_label([], "fr") == ""


def test_part_periods_without_a_year_are_the_months_in_the_readers_language() -> None:
    from canus.metrics.periods import WHOLE, partial_periods

    rows = [
        {"coverage": "Jan–Jun", "year": None},
        {"coverage": WHOLE, "year": 2024},
        {"coverage": "Jan–Mar", "year": 2025},
    ]
    assert partial_periods(rows, "en") == ["Jan–Jun", "Jan–Mar 2025"]
    fr = partial_periods(rows, "fr")
    assert fr[0] != "Jan–Jun" and fr[0].startswith("janv") and fr[1].endswith("2025")


# ------------------------------------------------------------------------ the publish gate


def test_thresholds_are_the_sources_own_or_the_default() -> None:
    from canus.publish_gate import DEFAULT, thresholds_for

    assert thresholds_for("natural-earth-countries").factor == 10.0
    assert thresholds_for("no-such-source") is DEFAULT


@pytest.mark.parametrize(
    ("value", "en", "fr"),
    [
        (12.346, "12.35", "12,35"),
        (12.0, "12", "12"),
        (150.6, "151", "151"),
        (100.4, "100", "100"),
        (1234, "1,234", "1\u00a0234"),
    ],
)
def test_gate_messages_write_whole_numbers_and_large_values_without_decimals(value: float, en: str, fr: str) -> None:
    from canus.publish_gate import both

    # A message of the catalogue: an unknown one would be recorded as untranslated for the
    # whole process, and test_web_portal's check of missing translations would see it.
    rows = "rows of {table}: {new} against {old} published (fewer than {limit}% of them)"
    assert both(rows, table="t", new=value, old=10, limit=90) == {
        "en": f"rows of t: {en} against 10 published (fewer than 90% of them)",
        "fr": f"lignes de t\u00a0: {fr} contre 10 publiées (moins de 90\u00a0% de celles-ci)",
    }


@pytest.mark.parametrize(
    ("old", "new", "moved"),
    [
        (100, 1000, False),  # exactly the factor: still within
        (100, 10, False),  # exactly one over the factor
        (100, 1001, True),
        (100, 9.99, True),
        (100, 15, False),
        (0.5, 0.5, False),  # below one: signs and ratios, not "more than 1"
        (1, 1, False),
        (-5, -6, False),
        (-5, 5, True),  # a sign flip always moves
        (5, 0, True),
        (5, None, True),
        (0, 5, False),  # nothing published to move from
        (None, 5, False),
    ],
)
def test_a_total_moves_only_beyond_the_factor_or_across_zero(old: float | None, new: float | None, moved: bool) -> None:
    from canus.publish_gate import _moved

    assert _moved(old, new, 10.0) is moved


def _two_vintages(n_old: int, n_new: int, key_cols: str = "k INTEGER, v DOUBLE") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE o ({key_cols})")
    con.execute(f"CREATE TABLE n ({key_cols})")
    con.execute("INSERT INTO o SELECT i, 1.0 FROM range(?) t(i)", [n_old])
    con.execute("INSERT INTO n SELECT i, 1.0 FROM range(?) t(i)", [n_new])
    return con


def test_rows_at_the_limit_pass_and_one_fewer_is_named_exactly() -> None:
    from canus.publish_gate import DEFAULT, check_table
    from canus.table_specs import TableSpec

    spec = TableSpec(key=("k",), compared=("v",), measures=("v",))
    assert check_table(_two_vintages(10, 9), "ports", "o", "n", spec, DEFAULT) == []
    [breach] = check_table(_two_vintages(10, 8), "ports", "o", "n", spec, DEFAULT)
    assert breach.check == "rows"
    assert breach.detail["en"] == "rows of ports: 8 against 10 published (fewer than 90% of them)"
    assert breach.detail["fr"].startswith("lignes de ports\u00a0: 8 ") or "ports" in breach.detail["fr"]


def test_a_total_that_moves_names_the_column_and_the_common_keys() -> None:
    from canus.publish_gate import DEFAULT, check_table
    from canus.table_specs import TableSpec

    con = _two_vintages(4, 4)
    con.execute("UPDATE n SET v = 1000")
    spec = TableSpec(key=("k",), compared=("v",), measures=("v",))
    breaches = {b.check: b.detail["en"] for b in check_table(con, "ports", "o", "n", spec, DEFAULT)}
    assert breaches == {
        "total": "total of ports.v over the 4 keys both vintages hold: 4,000 against 4 published "
        "(moved by more than a factor of 3)",
        "range": "largest absolute value of ports.v over the keys both vintages hold: 1,000 against 1 published "
        "(moved by more than a factor of 3)",
    }


def test_a_measure_emptied_on_every_common_key_is_a_move_to_nothing() -> None:
    from canus.publish_gate import DEFAULT, check_table
    from canus.table_specs import TableSpec

    con = _two_vintages(4, 4)
    con.execute("UPDATE n SET v = NULL")
    spec = TableSpec(key=("k",), compared=("v",), measures=("v",))
    breaches = {b.check: b.detail["en"] for b in check_table(con, "ports", "o", "n", spec, DEFAULT)}
    assert breaches["total"].startswith("total of ports.v over the 4 keys both vintages hold: — against 4 published")
    assert breaches["empty"] == "empty values in ports.v: 100% against 0% published (up by more than 20 points)"


@pytest.mark.parametrize(
    ("empty_old", "empty_new", "detail"),
    [
        # shares of 40 rows: the rise is what counts, not the shares added up
        (8, 16, None),  # 20 % to 40 %: up by exactly the limit, not more
        (8, 17, "empty values in ports.v: 42.5% against 20% published (up by more than 20 points)"),
        (0, 8, None),  # 0 % to 20 %: at the limit
        (0, 9, "empty values in ports.v: 22.5% against 0% published (up by more than 20 points)"),
        (3, 12, "empty values in ports.v: 30% against 7.5% published (up by more than 20 points)"),
        (16, 8, None),  # fewer empties is never a breach
    ],
)
def test_empty_values_breach_only_when_their_share_rises_by_more_than_the_limit(
    empty_old: int, empty_new: int, detail: str | None
) -> None:
    from canus.publish_gate import DEFAULT, check_table
    from canus.table_specs import TableSpec

    con = _two_vintages(40, 40)
    con.execute("UPDATE o SET v = NULL WHERE k < ?", [empty_old])
    con.execute("UPDATE n SET v = NULL WHERE k < ?", [empty_new])
    spec = TableSpec(key=("k",), compared=("v",), measures=("v",))
    found = [b.detail["en"] for b in check_table(con, "ports", "o", "n", spec, DEFAULT) if b.check == "empty"]
    assert found == ([detail] if detail else [])


def test_new_negative_values_in_a_count_are_named_with_both_figures() -> None:
    from canus.publish_gate import DEFAULT, check_table
    from canus.table_specs import TableSpec

    con = _two_vintages(40, 40)
    con.execute("UPDATE o SET v = -1 WHERE k < 1")
    con.execute("UPDATE n SET v = -1 WHERE k < 3")
    counts = TableSpec(key=("k",), compared=("v",), measures=("v",), non_negative=("v",))
    found = {b.check: b.detail for b in check_table(con, "ports", "o", "n", counts, DEFAULT)}
    assert found["negative"]["en"] == "negative values in ports.v, which counts something: 3 against 1 published"
    assert (
        found["negative"]["fr"] == "valeurs négatives dans ports.v, qui compte quelque chose\u00a0: 3 contre 1 publiées"
    )
    # A measure that may be negative (a balance) is not held to it.
    balances = TableSpec(key=("k",), compared=("v",), measures=("v",))
    assert "negative" not in {b.check for b in check_table(con, "ports", "o", "n", balances, DEFAULT)}


def test_a_measure_only_one_vintage_has_is_not_compared() -> None:
    from canus.publish_gate import DEFAULT, check_table
    from canus.table_specs import TableSpec

    con = _two_vintages(4, 4)
    con.execute("ALTER TABLE n ADD COLUMN w DOUBLE DEFAULT 5")
    spec = TableSpec(key=("k",), compared=("v",), measures=("v", "w"))
    assert check_table(con, "ports", "o", "n", spec, DEFAULT) == []


# --------------------------------------------------------------------- the report form's rules


@pytest.mark.parametrize(
    ("fields", "reason", "en", "fr"),
    [
        (
            {"kinds": ["wrong", "bogus", "odd"]},
            "invalid",
            "Unknown kind of problem: bogus, odd",
            "Type de problème inconnu\u00a0: bogus, odd",
        ),
        (
            {"kinds": [], "details": "  \r\n "},
            "empty",
            "Please tick at least one box or describe the problem.",
            "Veuillez cocher au moins une case ou décrire le problème.",
        ),
        (
            {"details": "x" * 1001},
            "too_long",
            "The description is too long: at most 1,000 characters.",
            "La description est trop longue\u00a0: au plus 1\u00a0000 caractères.",
        ),
        (
            {"page": "/" + "p" * 300},
            "invalid",
            "The page address is not one of this site's pages.",
            "L'adresse de la page n'est pas une page de ce site.",
        ),
        ({"page": "//evil.example/en"}, "invalid", "The page address is not one of this site's pages.", None),
        ({"page": "en/border"}, "invalid", "The page address is not one of this site's pages.", None),
    ],
)
def test_each_rule_of_the_report_form_is_named_in_both_languages(
    fields: dict, reason: str, en: str, fr: str | None
) -> None:
    report = {"lang": "en", "page": "/en/border", "kinds": ["wrong"], "details": "", "client_address": "10.0.0.7"}
    with pytest.raises(FeedbackError) as e:
        FeedbackStore().add(**(report | fields))
    assert e.value.reason == reason
    assert e.value.localized("en") == en
    if fr is not None:
        assert e.value.localized("fr") == fr


def test_reports_at_the_limits_are_taken_and_stored_as_written(tmp_path: Path) -> None:
    store = FeedbackStore()
    when = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    # Exactly the longest description (1,001 characters as sent: a Windows newline counts as one)
    # and page address; then kinds alone.
    store.add(
        lang="fr",
        page="/" + "p" * 299,
        kinds=[],
        details="a\r\n" + "b" * 998,
        client_address="10.0.0.1",
        data_version="v42",
        now=when,
    )
    store.add(lang="en", page="/en", kinds=["wrong", "wrong", ""], details="", client_address="10.0.0.2", now=when)
    first, second = sorted(store.list(), key=lambda r: r.id)
    assert (first.lang, len(first.page), first.kinds, first.data_version) == ("fr", 300, [], "v42")
    assert first.details == "a\n" + "b" * 998 and len(first.details) == MAX_DETAILS
    assert (second.kinds, second.details, second.data_version) == (["wrong"], "", None)


# ------------------------------------------------------------------------- warehouse loading


def _snap(name: str) -> object:
    from canus.sources.base import Snapshot

    return Snapshot(
        "bts-border-crossings", name, "https://example.invalid/" + name, "0" * 64, Path(name), 1, "", "mirror"
    )


def test_a_load_that_breaks_is_named_with_the_source_and_the_problem_on_one_line() -> None:
    from canus import sources
    from canus.errors import LayoutError
    from canus.warehouse import _load_error

    bts = sources.get("bts-border-crossings")
    snaps = {"a": _snap("a.csv.gz"), "b": _snap("b.csv")}
    gz = _load_error(OSError("Input is not a GZIP\\n  stream"), bts, snaps)  # type: ignore[arg-type]
    assert gz.localized("en") == (
        "bts-border-crossings: a.csv.gz, b.csv: the gzip file is damaged or incomplete (Input is not a GZIP\\n stream)"
    )
    other = _load_error(ValueError("Could not convert\n string 'x'  to INT64"), bts, snaps)  # type: ignore[arg-type]
    assert other.localized("en") == "bts-border-crossings: loading failed: Could not convert string 'x' to INT64"
    own = LayoutError("{source}: no column {column}", source="bts-border-crossings", column="Value")
    assert _load_error(own, bts, snaps) is own  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- the checker


def _claim_with_basis(basis: str):  # type: ignore[no-untyped-def]
    from canus.claims.models import load_claims

    return next(c for c in load_claims() if c.check.basis == basis)


def test_a_verdict_on_a_proxy_says_so_and_not_checkable_says_nothing_more() -> None:
    from canus.claims.checker import Result

    proxy = _claim_with_basis("proxy")
    assert Result(proxy, "supported").verdict_label("en") == "supported, on a related measure"
    assert Result(proxy, "supported").verdict_label("fr") == "étayée, sur une mesure apparentée"
    assert Result(proxy, "not_checkable").verdict_label("en") == "not yet checkable"


def test_a_result_as_the_api_gives_it_names_its_section_statement_and_check() -> None:
    from canus.claims.checker import Result

    c = _claim_with_basis("proxy")
    fr = Result(c, "supported").as_dict("fr")
    assert fr["id"] == c.id and fr["section"] == c.section
    assert fr["statement"] == c.statement.get("fr") != c.statement.get("en")
    assert fr["check"] == c.check.model_dump() and fr["check"]["basis"] == "proxy"


def test_the_tally_counts_each_verdict_and_the_changes_since() -> None:
    from canus.claims.checker import Result, tally

    c = _claim_with_basis("proxy")
    results = [Result(c, "supported"), Result(c, "supported"), Result(c, "contradicted"), Result(c, "not_checkable")]
    results[0].changed_since = True
    assert tally(results) == {"supported": 2, "contradicted": 1, "not_checkable": 1, "changed_since": 1}


def test_a_metrics_sources_carry_their_licence_and_an_undeclared_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from canus.claims.checker import _provenance
    from canus.errors import CanusError
    from canus.warehouse import Warehouse
    from tests.builders import publish_bts_fixture

    publish_bts_fixture(tmp_path, monkeypatch)
    with Warehouse().read() as con:
        got = _provenance(con, ["bts-border-crossings"])
        assert [p.source_id for p in got] == ["bts-border-crossings"] and got[0].licence_name
        # Registry facts are cited by _check_registry, never here: such an id is a mistake, and loud.
        with pytest.raises(CanusError, match="Unknown source 'registry:border_facts'"):
            _provenance(con, ["registry:border_facts"])
    assert _provenance(None, ["bts-border-crossings"]) == []


# -- the warehouse's small helpers: a version's sha, its times, and the words of a write failure


def _file(name: str, sha: str, retrieved_at: str = "2024-07-01T12:00:00Z") -> object:
    from canus.sources.base import Snapshot

    return Snapshot("s", name, f"https://example.org/{name}", sha, Path(name), 3, retrieved_at, "http")


def test_a_versions_sha_is_its_one_files_or_one_over_every_file_by_name() -> None:
    import hashlib

    from canus.warehouse import combined_sha256

    assert combined_sha256({"a": _file("a.csv", "aaa")}) == "aaa"  # type: ignore[dict-item]
    two = {"b": _file("b.csv", "bbb"), "a": _file("a.csv", "aaa")}
    assert combined_sha256(two) == hashlib.sha256(b"a:aaa\nb:bbb").hexdigest()  # type: ignore[arg-type]
    assert combined_sha256(dict(reversed(two.items()))) == combined_sha256(two)  # type: ignore[arg-type]


def test_times_are_kept_in_utc_to_the_second() -> None:
    from canus.warehouse import _utc_naive

    assert _utc_naive("2024-07-01T12:00:00+02:00") == dt.datetime(2024, 7, 1, 10, 0)
    assert _utc_naive("2024-07-01T12:00:00.987654") == dt.datetime(2024, 7, 1, 12, 0)  # naive: already UTC
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    got = _utc_naive(None)
    assert got.tzinfo is None and got.microsecond == 0 and abs((got - now).total_seconds()) < 5


def test_a_write_failure_names_the_place_the_room_and_the_systems_words_on_one_line() -> None:
    from canus.warehouse import disk_full_error, write_error

    long = OSError(28, "No space left on device\n  " + "x" * 300)
    full = disk_full_error(Path("/h/.canus.duckdb.building-1"), 2_460_000, long)
    assert str(full).startswith("Disk full: canus could not write /h/.canus.duckdb.building-1 (")
    assert "This step needs about 2.5 MB free there" in str(full)
    assert "Cette étape a besoin d'environ 2,5 Mo libres" in full.localized("fr")
    problem = str(full).split(" (", 1)[1].split("). This step", 1)[0]
    assert len(problem) == 200 and "\n" not in problem and "device x" in problem
    # However little is needed, it is asked in whole megabytes: never "0.0 MB".
    assert "needs about 1.0 MB free" in str(disk_full_error(Path("/h"), 10, long))
    ro = write_error(Path("/h"), OSError(30, "Read-only file system"))
    assert str(ro) == (
        "canus cannot write /h ([Errno 30] Read-only file system). Make that place writable or choose another "
        "one (CANUS_HOME for the warehouse); the published data is unchanged."
    )


def test_a_sources_counts_are_unknown_when_one_of_its_tables_cannot_be_compared() -> None:
    from canus.revisions import TableDiff
    from canus.warehouse import _sum_diffs

    a, b = TableDiff("a", 3, 1, 2), TableDiff("b", 1, 0, 0)
    unknown = TableDiff("c", None, None, None, "the key is not unique")
    assert _sum_diffs([a, b], ["a", "b"]) == (4, 1, 2)
    assert _sum_diffs([a, unknown], ["a", "c"]) == (None, None, None)
    assert _sum_diffs([a, b], []) == (None, None, None)  # a first version: nothing to compare with


def test_a_version_is_retrieved_when_its_last_file_was() -> None:
    """Not when it was loaded: a rebuild of an old version keeps the time its files were fetched."""
    from canus import sources
    from canus.data_versions import VERSIONS_DDL, read_history, read_versions
    from canus.sources.base import LoadResult
    from canus.warehouse import _record_version

    con = duckdb.connect()
    con.execute(VERSIONS_DDL)
    snaps = {
        "a": _file("a.csv", "aaa", "2024-07-01T12:00:00+02:00"),
        "b": _file("b.csv", "bbb", "2024-07-01T11:30:00Z"),
    }
    source = sources.get("bts-border-crossings")
    loaded = dt.datetime(2026, 12, 2, 9, 0)
    _record_version(con, source, snaps, LoadResult(3, "2024-06"), None, "sha", None, loaded, False, ())  # type: ignore[arg-type]
    v = read_versions(con)[source.id]
    assert (v.retrieved_at, v.loaded_at) == (dt.datetime(2024, 7, 1, 11, 30), loaded)
    assert read_history(con, source.id)[0].version == v
