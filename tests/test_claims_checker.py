"""The checker on a real DuckDB warehouse built from fixture rows: verdicts move with data."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from canus.claims import checker
from canus.claims import observations as obs
from canus.claims.checker import check_claim, exit_code
from canus.claims.models import Claim, load_claims, read_claim
from canus.claims.observation import MissingSource, Msg, Observation
from canus.claims.qualifiers import width
from canus.cli import app
from canus.settings import get_settings
from canus.warehouse import VERSIONS_DDL, attach_readonly

FIXTURES = Path(__file__).parent / "fixtures" / "claims"
CLAIM = read_claim(FIXTURES / "people-into-us-2022.yaml")


def build(path: Path, per_day: dict[int, float], as_of: str = "2023-12") -> Path:
    """A warehouse holding BTS-shaped rows: ``per_day`` people a day in each year."""
    con = duckdb.connect(str(path))
    con.execute(VERSIONS_DDL)
    con.execute("""CREATE TABLE border_crossings (port_code VARCHAR, period DATE, measure VARCHAR,
                   value BIGINT, direction VARCHAR, source_id VARCHAR, snapshot_sha256 VARCHAR)""")
    for year, rate in per_day.items():
        for month in range(1, 13):
            days = calendar.monthrange(year, month)[1]
            con.execute(
                "INSERT INTO border_crossings VALUES ('0901', ?, 'Pedestrians', ?, "
                "'into_us', 'bts-border-crossings', 'abc')",
                [dt.date(year, month, 1), round(rate * days)],
            )
    con.execute(
        "INSERT INTO data_versions VALUES ('bts-border-crossings', 'abc', '[]', 1, ?, "
        "now()::TIMESTAMP, now()::TIMESTAMP, NULL, '{}')",
        [as_of],
    )
    con.close()
    return path


def verdict(tmp_path: Path, per_day: dict[int, float]) -> checker.Result:
    path = build(tmp_path / f"wh-{len(list(tmp_path.iterdir()))}.duckdb", per_day)
    con = attach_readonly(path)
    try:
        return check_claim(CLAIM, con)
    finally:
        con.close()


def test_supported_with_value_period_sources_and_vintage(tmp_path: Path) -> None:
    r = verdict(tmp_path, {2022: 1000})
    assert r.verdict == "supported"
    assert r.value == pytest.approx(1000, rel=1e-3) and r.period == "2022" and r.unit == "persons_per_day"
    assert r.source_ids == ["bts-border-crossings"]
    assert r.vintage == {"bts-border-crossings": "2023-12"}
    assert r.tolerance == pytest.approx(0.1)  # 950 to 1,050: a tenth of the figure wide
    assert not r.changed_since and r.latest_value is None and r.as_dict("en")["detail"] == {}


def test_a_claim_is_judged_at_its_own_period_and_later_years_are_context(tmp_path: Path) -> None:
    r = verdict(tmp_path, {2022: 1000, 2023: 1040})
    assert r.verdict == "supported" and not r.changed_since and r.latest_period == "2023"
    # A 2022 claim stays supported when 2023 falls; it gets changed_since.
    r = verdict(tmp_path, {2022: 1000, 2023: 600})
    assert r.verdict == "supported" and r.changed_since
    assert r.latest_period == "2023" and r.latest_value == pytest.approx(600, rel=1e-3)
    assert r.value == pytest.approx(1000, rel=1e-3) and r.period == "2022"
    d = r.as_dict("en")
    assert d["changed_since"] is True and d["latest_period"] == "2023"
    # And a claim contradicted at its own period stays contradicted whatever came later.
    r = verdict(tmp_path, {2022: 600, 2023: 1000})
    assert r.verdict == "contradicted" and not r.changed_since


def test_contradicted_when_own_period_disagrees(tmp_path: Path) -> None:
    r = verdict(tmp_path, {2022: 500, 2023: 1000})
    assert r.verdict == "contradicted"
    assert exit_code([r], strict=True) == 1 and exit_code([r], strict=False) == 0


def test_not_checkable_names_missing_source_and_missing_period(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    con = attach_readonly(empty)
    r = check_claim(CLAIM, con)
    con.close()
    assert r.verdict == "not_checkable" and "bts-border-crossings" in (r.missing_text() or "")
    assert check_claim(CLAIM, None).missing_text() and "canus update" in (check_claim(CLAIM, None).missing_text() or "")
    r = verdict(tmp_path, {2019: 1000})
    assert r.verdict == "not_checkable" and (r.missing_text() or "").startswith("data for 2022 (")
    assert r.notes[0].text == "The loaded data does not cover the claim's period."
    assert r.latest_period == "2019"
    # Waiting for its own period, the claim still says which period it is about, and the unit,
    # sources, provenance and vintage of the data it will be judged on.
    assert (r.period, r.unit, r.source_ids, r.value) == ("2022", "persons_per_day", ["bts-border-crossings"], None)
    assert [p.source_id for p in r.provenance] == ["bts-border-crossings"]
    assert r.vintage == {"bts-border-crossings": "2023-12"} and r.as_dict("en")["detail"] == {}


def test_every_packaged_claim_resolves_and_is_bilingual() -> None:
    from canus.claims import observations as obs

    claims = load_claims()
    assert len(claims) >= 25
    for c in claims:
        assert c.statement.en and c.statement.fr and c.statement.en != c.statement.fr
        assert c.definitions.en and c.definitions.fr
        assert c.page["en"].endswith("lang=eng") and c.page["fr"].endswith("lang=fra")
        if c.check.kind == "metric":
            assert c.check.target in obs.METRICS, c.id
        else:
            o = obs.observe_registry(c.check.target, c.check.reduce, c.figure.period)
            assert o.facts, c.id
    assert {e for c in claims for e in c.editions} == {"earlier", "later"}


def test_registry_claims_without_a_warehouse() -> None:
    results = {r.claim.id: r for r in checker.check_all(None)}
    assert results["border-length-9000"].verdict in ("supported", "not_checkable")
    assert results["ijc-century"].value == 106  # 2015 − 1909
    # The page is not evidence for itself.
    assert results["honorary-consuls-14"].verdict == "not_checkable"
    assert results["people-per-day-prepandemic"].verdict == "not_checkable"
    assert "24-10-0053" in (results["people-per-day-prepandemic"].missing_text() or "")


def test_cli_check_json_and_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["check", "--format", "json", "--lang", "fr"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert len(rows) == len(load_claims())
    assert {r["verdict_label"] for r in rows} >= {"étayée", "pas encore vérifiable"}
    # --strict fails once a claim is contradicted by the published warehouse.
    build(
        get_settings().warehouse_path.parent.mkdir(parents=True, exist_ok=True) or get_settings().warehouse_path,
        {2022: 500},
    )
    monkeypatch.setattr(checker, "load_claims", lambda: [CLAIM])
    assert runner.invoke(app, ["check", "--format", "json"]).exit_code == 0
    res = runner.invoke(app, ["check", "--strict"])
    assert res.exit_code == 1


def test_cli_editions() -> None:
    res = CliRunner().invoke(app, ["editions", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    ag = {a["id"]: a for a in data["agreements"]}
    assert ag["nafta"]["earlier"] and not ag["nafta"]["later"]
    assert ag["cusma"]["later"] and not ag["cusma"]["earlier"]
    change = next(f for f in data["figure_changes"] if f["id"] == "people-per-day")
    assert change["earlier"]["figure"]["qualifier"] == "close to"
    assert change["later"]["figure"]["qualifier"] == "around"


def _with_basis(basis: str, method: str | None, period: str = "2022") -> Claim:
    check = CLAIM.check.model_copy(update={"basis": basis, "method": method})
    return CLAIM.model_copy(update={"check": check, "figure": CLAIM.figure.model_copy(update={"period": period})})


@pytest.mark.parametrize(("basis", "method"), [("proxy", None), ("estimate", "docs/methods.md#people")])
def test_a_proxy_or_estimate_verdict_says_so_first_and_names_its_method(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, basis: str, method: str | None
) -> None:
    con = attach_readonly(build(tmp_path / "wh.duckdb", {2022: 1000}))
    try:
        # The observer's own caveats come after the note on the basis.
        observe = obs.METRICS[CLAIM.check.target]

        def with_caveat(c: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation | None:
            found = observe(c, period)
            return None if found is None else replace(found, notes=(Msg("A caveat of the observer."),))

        monkeypatch.setitem(obs.METRICS, CLAIM.check.target, with_caveat)
        decided = check_claim(_with_basis(basis, method), con)
        waiting = check_claim(_with_basis(basis, method, period="2019"), con)
        measured = check_claim(_with_basis("measured", None), con)
    finally:
        con.close()
    assert decided.verdict == "supported"
    assert [n.text for n in decided.notes] == [checker.BASIS_NOTES[basis], "A caveat of the observer."]
    assert decided.notes[0].fields == {"method": method or ""}
    # Nothing decided, nothing to qualify; a measured verdict needs no such note.
    assert waiting.verdict == "not_checkable" and checker.BASIS_NOTES[basis] not in [n.text for n in waiting.notes]
    assert [n.text for n in measured.notes] == ["A caveat of the observer."]
    # The verdict's label names the basis too, once there is a verdict.
    on = {
        "proxy": ("on a related measure", "sur une mesure apparentée"),
        "estimate": ("on an estimate", "sur une estimation"),
    }
    assert decided.verdict_label("en") == f"supported, {on[basis][0]}"
    assert decided.verdict_label("fr") == f"étayée, {on[basis][1]}"
    assert waiting.verdict_label("en") == "not yet checkable" and measured.verdict_label("en") == "supported"


def test_registry_claims_carry_the_tolerance_of_their_figure() -> None:
    by_id = {c.id: c for c in load_claims()}
    for cid in ("border-length-9000", "canadians-in-us-800k"):
        c = by_id[cid]
        r = check_claim(c, None)
        assert r.tolerance == pytest.approx(width(c.figure.value, c.figure.qualifier, c.figure.step)) and r.tolerance


def test_only_an_estimate_with_a_whole_band_is_judged_by_its_band() -> None:
    estimate = _with_basis("estimate", "docs/methods.md#people")
    band_apart = {"low": 1200.0, "high": 1300.0}  # the central 1,000 holds; the band misses 950–1,050
    assert not checker._ok(estimate, 1000, band_apart)
    assert checker._ok(estimate, 1000, {"low": 990.0, "high": 1010.0})
    # A measured figure, or an estimate without both ends of its band, is judged by its value.
    assert checker._ok(_with_basis("measured", None), 1000, band_apart)
    assert checker._ok(estimate, 1000, {"low": 1200.0}) and checker._ok(estimate, 1000, {"high": 1300.0})
    assert checker._ok(estimate, 1000, None) and not checker._ok(estimate, 1100, None)


def test_a_claim_whose_metric_has_no_observer_waits_and_names_it() -> None:
    # Every packaged claim has an observer (test_claims_headline); one read from a file may not.
    check = CLAIM.check.model_copy(update={"target": "border.nowhere"})
    r = check_claim(CLAIM.model_copy(update={"check": check}), None)
    assert (r.claim.id, r.verdict, r.tolerance) == (CLAIM.id, "not_checkable", pytest.approx(0.1))
    assert r.missing_text() == r.missing_text("en") == "unknown metric border.nowhere"  # English unless asked


def _older_table_missing(latest: Observation) -> Callable[..., Observation]:
    """An observer whose latest year is loaded while the claim's own year needs another table."""

    def observe(con: duckdb.DuckDBPyConnection | None, period: str | None) -> Observation:
        if period is None:
            return latest
        raise MissingSource(
            Msg("the table for {period}", {"period": period}),
            ("statcan-24100053",),
            (Msg("A one-way count is loaded meanwhile."),),
        )

    return observe


@pytest.mark.parametrize(
    ("basis", "latest", "band", "changed"),
    [
        ("measured", 600.0, {}, True),
        ("measured", 1000.0, {}, False),
        # An estimate's later value is judged with its band, as the claim's own would be.
        ("estimate", 1000.0, {"low": 1200.0, "high": 1300.0}, True),
        ("estimate", 1000.0, {"low": 990.0, "high": 1010.0}, False),
    ],
)
def test_while_the_claims_own_period_waits_the_latest_data_is_context(
    monkeypatch: pytest.MonkeyPatch, basis: str, latest: float, band: dict, changed: bool
) -> None:
    later = Observation(latest, "persons_per_day", "2024", ("bts-border-crossings",), detail=band)
    monkeypatch.setitem(obs.METRICS, CLAIM.check.target, _older_table_missing(later))
    r = check_claim(_with_basis(basis, "docs/methods.md#people"), None)
    assert (r.verdict, r.tolerance, r.missing_ids) == ("not_checkable", pytest.approx(0.1), ["statcan-24100053"])
    assert r.missing_text("en") == "the table for 2022"
    assert [n.text for n in r.notes] == ["A one-way count is loaded meanwhile."]
    assert (r.unit, r.latest_value, r.latest_period, r.changed_since) == ("persons_per_day", latest, "2024", changed)
    assert r.value is None and r.period is None


@pytest.mark.parametrize(("band", "changed"), [({"low": 1200.0, "high": 1300.0}, True), ({}, False)])
def test_a_later_estimate_is_judged_with_its_band(monkeypatch: pytest.MonkeyPatch, band: dict, changed: bool) -> None:
    own = Observation(1000.0, "persons_per_day", "2022", ("bts-border-crossings",))
    later = Observation(1000.0, "persons_per_day", "2024", ("bts-border-crossings",), detail=band)
    monkeypatch.setitem(obs.METRICS, CLAIM.check.target, lambda con, period: own if period else later)
    r = check_claim(_with_basis("estimate", "docs/methods.md#people"), None)
    assert (r.verdict, r.latest_period, r.changed_since) == ("supported", "2024", changed)


def test_an_estimate_for_the_claims_own_period_is_judged_with_its_band(monkeypatch: pytest.MonkeyPatch) -> None:
    # The central value 1,000 supports "about 1,000"; a band of 1,200 to 1,300 does not meet it.
    own = Observation(
        1000.0, "persons_per_day", "2022", ("bts-border-crossings",), detail={"low": 1200.0, "high": 1300.0}
    )
    monkeypatch.setitem(obs.METRICS, CLAIM.check.target, lambda con, period: own)
    assert check_claim(_with_basis("estimate", "docs/methods.md#people"), None).verdict == "contradicted"
    assert check_claim(_with_basis("measured", None), None).verdict == "supported"


def test_a_claim_without_data_for_its_period_says_so_before_the_observers_caveats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    later = Observation(1000.0, "persons_per_day", "2024", ("bts-border-crossings",), notes=(Msg("A caveat."),))
    monkeypatch.setitem(obs.METRICS, CLAIM.check.target, lambda con, period: None if period else later)
    r = check_claim(CLAIM, None)
    assert r.verdict == "not_checkable"
    assert [n.text for n in r.notes] == ["The loaded data does not cover the claim's period.", "A caveat."]


def test_a_results_record_is_the_same_figures_in_each_language_and_its_words_translated(tmp_path: Path) -> None:
    """``Result.as_dict`` is what the API, the CLI's JSON and the pages read: every field it gives."""
    r = verdict(tmp_path, {2022: 1000, 2023: 600})
    en, fr = r.as_dict("en"), r.as_dict("fr")
    same = {
        "id": "people-into-us-2022",
        "editions": ["later"],
        "section": "border",
        "figure": CLAIM.figure.model_dump(),
        "check": CLAIM.check.model_dump(),
        "verdict": "supported",
        "basis": "measured",
        "method": None,
        "icon": "✓",
        "unit": "persons_per_day",
        "period": "2022",
        "latest_period": "2023",
        "changed_since": True,
        "source_ids": ["bts-border-crossings"],
        "vintage": {"bts-border-crossings": "2023-12"},
        "registry_facts": [],
        "tolerance": pytest.approx(0.1),
        "missing_source": None,
        "missing_source_ids": [],
        "notes": [],
        "detail": {},
        "context": [],
        "context_detail": {},
        "context_sources": [],
        "context_missing_ids": [],
    }
    for d in (en, fr):
        assert {k: d[k] for k in same} == same
        assert d["value"] == pytest.approx(1000, rel=1e-3) and d["latest_value"] == pytest.approx(600, rel=1e-3)
        assert [s["source_id"] for s in d["sources"]] == ["bts-border-crossings"]
        assert d["sources"][0]["as_of"] == "2023-12"
    words = {
        "statement": (CLAIM.statement.en, CLAIM.statement.fr),
        "definitions": ("One direction, land ports only.", "Un seul sens, postes terrestres seulement."),
        "page": (
            "https://www.international.gc.ca/country-pays/us-eu/relations.aspx?lang=eng",
            "https://www.international.gc.ca/country-pays/us-eu/relations.aspx?lang=fra",
        ),
        "verdict_label": ("supported", "étayée"),
        "basis_label": ("canus measures what the page states.", "canus mesure ce que la page énonce."),
        "figure_text": ("about 1,000 people a day", "environ 1\xa0000 personnes par jour"),
        "value_text": ("1,000 people a day", "1\xa0000 personnes par jour"),
        "latest_value_text": ("600 people a day", "600 personnes par jour"),
    }
    for key, (in_en, in_fr) in words.items():
        assert (en[key], fr[key]) == (in_en, in_fr), key
    assert en["sources"][0]["licence"] != fr["sources"][0]["licence"]
    # How the figure is read: "about 1,000" written to the hundred is 950 to 1,050.
    assert en["reading"] == {
        "qualifier": "about",
        "rule": "a value the page would write as the same rounded figure",
        "low": pytest.approx(950),
        "high": pytest.approx(1050),
        "width": pytest.approx(0.1),
    }
    assert fr["reading"]["rule"] == "une valeur que la page écrirait avec le même chiffre arrondi"
    assert {k: v for k, v in fr["reading"].items() if k != "rule"} == {
        k: v for k, v in en["reading"].items() if k != "rule"
    }


def test_a_results_record_is_english_unless_asked_and_its_context_is_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Context is shown beside the verdict with its own sources, in the reader's language."""
    from canus.claims.observation import Context
    from canus.metrics import provenance

    def later_years(con: duckdb.DuckDBPyConnection | None) -> Context:
        assert con is not None
        return Context(
            messages=(Msg("A caveat."),),
            detail={"years": [2023]},
            provenance=tuple(provenance(con, "bts-border-crossings")),
            missing_ids=("statcan-24-10-0053",),
        )

    monkeypatch.setitem(obs.CONTEXTS, "later-years", later_years)
    path = build(tmp_path / "wh.duckdb", {2022: 1000, 2023: 600})
    con = attach_readonly(path)
    try:
        r = check_claim(CLAIM.model_copy(update={"context": "later-years"}), con)
    finally:
        con.close()
    en, fr = r.as_dict("en"), r.as_dict("fr")
    assert r.as_dict() == en
    assert r.verdict == "supported"  # context never weighs in the verdict
    for d in (en, fr):
        assert d["context_detail"] == {"years": [2023]} and d["context_missing_ids"] == ["statcan-24-10-0053"]
        assert [s["source_id"] for s in d["context_sources"]] == ["bts-border-crossings"]
        assert d["context_sources"][0]["as_of"] == "2023-12"
    assert en["context_sources"][0] == en["sources"][0] and fr["context_sources"][0] == fr["sources"][0]
    assert en["context_sources"][0]["licence"] != fr["context_sources"][0]["licence"]


@pytest.mark.parametrize(
    ("qualifier", "step", "low", "high"),
    [
        ("over", None, 1000, None),  # one-sided: no upper end
        ("under", None, None, 1000),  # nor a lower one
        ("about", 10, 995, 1005),  # the claim's own step, not a default one
        ("exact", None, 1000, 1000),
    ],
)
def test_a_results_reading_gives_the_ends_the_figure_allows(
    qualifier: str, step: float | None, low: float, high: float | None
) -> None:
    figure = CLAIM.figure.model_copy(update={"qualifier": qualifier, "step": step})
    reading = check_claim(CLAIM.model_copy(update={"figure": figure}), None).as_dict("en")["reading"]
    assert reading["qualifier"] == qualifier
    assert reading["low"] == pytest.approx(low)
    assert reading["high"] == (None if high is None else pytest.approx(high))
    assert reading["width"] == pytest.approx(width(1000, qualifier, step))


# -------------------------------------------------------------- registry claims: what counts as support

TARGET = "missions:count(operator=canada)"


def _fact(url: str = "https://www.canada.ca/missions", accessed: str | None = "2024-05-01", **kw: object) -> dict:
    return (
        {"registry": "missions", "id": "m1", "url": url, "accessed": accessed, "publisher": "GAC"}
        | {
            "confirmed": True,
            "confirm_with": None,
        }
        | kw
    )


def _registry_result(
    monkeypatch: pytest.MonkeyPatch,
    value: float,
    facts: list[dict],
    *,
    qualifier: str = "exact",
    figure: float = 13,
    source_qualifier: str | None = None,
) -> checker.Result:
    """A registry claim judged on ``value`` read from ``facts`` (the registry's own reading is tested apart)."""
    detail = {"qualifier": source_qualifier} if source_qualifier else {}

    def observe(target: str, reduce: str, period: str | None) -> Observation:
        assert (target, reduce, period) == (TARGET, "value", "2023")
        return Observation(value, "count", None, ("registry:missions",), tuple(facts), detail=detail)

    monkeypatch.setattr(obs, "observe_registry", observe)
    claim = CLAIM.model_copy(
        update={
            "check": CLAIM.check.model_copy(update={"kind": "registry", "target": TARGET}),
            "figure": CLAIM.figure.model_copy(
                update={"value": figure, "unit": "count", "period": "2023", "qualifier": qualifier, "step": None}
            ),
        }
    )
    return check_claim(claim, None)


def test_a_confirmed_registry_fact_decides_with_its_value_sources_and_latest_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facts = [_fact(accessed="2024-05-01"), _fact(accessed="2025-02-03"), _fact(accessed=None)]
    r = _registry_result(monkeypatch, 13, facts)
    assert (r.verdict, r.value, r.unit, r.period) == ("supported", 13, "count", "2023")
    assert r.source_ids == ["registry:missions"] and r.facts == facts and r.tolerance == 0
    assert r.vintage == {"registry:missions": "2025-02-03"}  # the day the citations were last read
    assert r.notes == [] and r.missing is None and r.detail == {}
    assert _registry_result(monkeypatch, 12, facts).verdict == "contradicted"
    unread = _registry_result(monkeypatch, 13, [_fact(accessed=None)])
    assert unread.vintage == {"registry:missions": None}


def test_a_registry_fact_cited_only_to_the_page_itself_is_not_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.claims.models import PAGE_URL

    r = _registry_result(monkeypatch, 13, [_fact(url=PAGE_URL["en"]), _fact(url=PAGE_URL["fr"])])
    assert r.verdict == "not_checkable" and r.value is None and r.detail["registry_value"] == 13
    assert r.missing_text("en") == f"an independent source for {TARGET}"
    assert [n.text for n in r.notes] == ["The only citation canus holds for this fact is the page itself."]
    # One other citation is enough to be judged.
    assert _registry_result(monkeypatch, 13, [_fact(url=PAGE_URL["en"]), _fact()]).verdict == "supported"


def test_an_unconfirmed_registry_fact_never_supports_and_says_what_would_confirm_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facts = [
        _fact(confirmed=False, confirm_with={"en": "the mission's own page", "fr": "la page de la mission"}),
        _fact(confirmed=False, confirm_with={"en": "the mission's own page", "fr": "la page de la mission"}),
        _fact(url="https://example.org/list", confirmed=False),
        _fact(url="https://example.org/list", confirmed=False),
        _fact(),
    ]
    r = _registry_result(monkeypatch, 13, facts)
    assert r.verdict == "not_checkable" and r.value is None and r.detail["registry_value"] == 13
    assert r.missing_text("en") == (
        "confirmation of registry facts: the mission's own page, a reading of https://example.org/list"
    )
    assert "la page de la mission" in (r.missing_text("fr") or "")
    assert [n.text for n in r.notes] == [
        "Rests on registry facts not yet confirmed against their sources, so canus does not count them as support."
    ]


@pytest.mark.parametrize("source_qualifier", ["at least", "more than"])
def test_a_source_that_gives_only_a_lower_bound_decides_only_when_the_bound_settles_it(
    monkeypatch: pytest.MonkeyPatch, source_qualifier: str
) -> None:
    # The page: more than 300. The source: at least / more than 200, which does not decide it.
    r = _registry_result(
        monkeypatch, 200, [_fact()], qualifier="more than", figure=300, source_qualifier=source_qualifier
    )
    assert r.verdict == "not_checkable" and r.value is None and r.detail["registry_value"] == 200
    assert r.missing_text("en") == "a source that gives the count itself"
    assert r.notes[0].render("en") == (
        f"The source gives only a lower bound ({source_qualifier} 200), which does not decide the page's figure."
    )
    # A bound of 400 does: more than 400 is more than 300.
    r = _registry_result(
        monkeypatch, 400, [_fact()], qualifier="more than", figure=300, source_qualifier=source_qualifier
    )
    assert r.verdict == "supported" and r.value == 400


def test_a_source_stating_the_pages_own_bound_supports_it_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    r = _registry_result(monkeypatch, 300, [_fact()], qualifier="at least", figure=300, source_qualifier="at least")
    assert r.verdict == "supported" and r.detail == {"source_qualifier": "at least"}
    assert [n.render("en") for n in r.notes] == [
        "The source states the same bound as the page (at least 300), which canus reads as support."
    ]
    # "More than 300" in the source settles "more than 300" on the page, though 300 is not more than 300.
    strict = _registry_result(
        monkeypatch, 300, [_fact()], qualifier="more than", figure=300, source_qualifier="more than"
    )
    assert strict.verdict == "supported" and strict.detail == {"source_qualifier": "more than"}
    assert strict.notes[0].render("fr").startswith("La source donne la même borne que la page")
    # The same words with another number are judged by the rule, not by the wording.
    other = _registry_result(monkeypatch, 250, [_fact()], qualifier="at least", figure=300, source_qualifier="at most")
    assert other.verdict == "contradicted" and other.detail == {} and other.notes == []


def test_a_registry_fact_that_cannot_be_read_waits_and_names_the_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    from canus.registry import RegistryError

    def broken(target: str, reduce: str, period: str | None) -> Observation:
        raise RegistryError("no fact {fact} in {registry}", fact="m9", registry="missions")

    monkeypatch.setattr(obs, "observe_registry", broken)
    claim = CLAIM.model_copy(update={"check": CLAIM.check.model_copy(update={"kind": "registry", "target": TARGET})})
    r = check_claim(claim, None)
    assert (r.claim, r.verdict, r.value, r.tolerance) == (claim, "not_checkable", None, pytest.approx(0.1))
    assert r.missing_text("en") == f"registry fact {TARGET} (no fact m9 in missions)"


def test_check_all_judges_the_claims_it_is_given_or_every_packaged_one() -> None:
    assert [r.claim.id for r in checker.check_all(None, [CLAIM])] == [CLAIM.id]
    assert [r.claim.id for r in checker.check_all(None)] == [c.id for c in load_claims()]
