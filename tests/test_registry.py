"""Registry schema: every fact cites a source, coordinates are valid, dates parse, both labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from canus import registry
from canus.errors import LayoutError
from canus.registry.crosscheck import crosscheck_environmental
from canus.registry.models import SCHEMAS, AgreementsFile, Mission

FIXTURES = Path(__file__).parent / "fixtures" / "claims"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_fact_has_source_labels_and_ids(name: str) -> None:
    facts = registry.facts(name)
    assert facts, name
    ids = [f.id for f in facts]
    assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
    for f in facts:
        assert f.source.url.startswith("https://"), f.id
        # An access date only where the source was read; an unconfirmed fact was not.
        assert f.source.accessed is None or f.source.accessed <= dt.date.today()
        assert f.confirmed or f.source.accessed is None, f.id
        assert f.label.en.strip() and f.label.fr.strip(), f.id
        if not f.confirmed:
            # An unconfirmed fact must say what is uncertain, in both languages (internal note).
            assert f.internal_note is not None and f.internal_note.en and f.internal_note.fr, f.id


def test_missions_have_valid_coordinates_on_the_right_side() -> None:
    missions = [f for f in registry.facts("missions") if isinstance(f, Mission)]
    for m in missions:
        assert -90 <= m.lat <= 90 and -180 <= m.lon <= 180
        # Every mission is in North America, in the country it claims.
        assert m.lon < -50, m.id
        if m.country == "CA":
            assert m.lat > 42, m.id
    canada_cg = {m.city for m in missions if m.operator == "canada" and m.kind == "consulate_general"}
    assert len(canada_cg) == 12
    assert {m.kind for m in missions if m.operator == "united_states"} >= {"embassy", "consulate_general"}


def test_agreement_dates_parse_and_are_ordered() -> None:
    reg = registry.load("agreements")
    assert isinstance(reg, AgreementsFile)
    by_id = {a.id: a for a in reg.agreements}
    for a in reg.agreements:
        if a.signed and a.in_force:
            assert a.in_force >= a.signed, a.id
        if a.ended and a.in_force:
            assert a.ended > a.in_force, a.id
    assert by_id["boundary-waters-treaty"].signed == dt.date(1909, 1, 11)
    assert by_id["nafta"].ended == by_id["cusma"].in_force == dt.date(2020, 7, 1)
    for needed in (
        "columbia-river-treaty",
        "auto-pact",
        "pacific-salmon-treaty",
        "cusfta",
        "safe-third-country-agreement",
        "beyond-the-border",
        "preclearance-agreement",
        "roadmap-2021",
        "migratory-birds-convention",
        "norad-agreement",
    ):
        assert needed in by_id


def test_defence_spending_for_both_countries() -> None:
    sec = registry.load("security")
    years = {(s.country, s.year) for s in sec.defence_spending}  # type: ignore[attr-defined]
    assert ("CA", 2024) in years and ("US", 2024) in years
    ids = {c.id for c in sec.cooperation}  # type: ignore[attr-defined]
    assert {"norad", "nato", "five-eyes"} <= ids


def test_bad_registry_file_names_file_and_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((registry.DATA_DIR / "border.yaml").read_text())
    raw["facts"][0]["source"]["accessed"] = "not a date"
    (tmp_path / "border.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(registry.RegistryError) as e:
        registry.load("border", tmp_path)
    assert "border.yaml" in str(e.value) and "facts.0.source.accessed" in str(e.value)


def test_crosscheck_reports_year_and_date_differences() -> None:
    mismatches = crosscheck_environmental(FIXTURES / "manyenviron_sample.csv")
    got = {(m.agreement_id, m.field, m.severity) for m in mismatches}
    # The fixture writes the Air Quality Agreement a year late and the ozone annex a month off.
    assert ("air-quality-agreement", "signed", "year") in got
    assert ("ozone-annex", "in_force", "date") in got
    # Agreements the fixture does not hold are reported absent, never silently passed.
    assert ("pacific-salmon-treaty", "absent", "absent") in got
    # The porcupine caribou row agrees with the registry: no mismatch.
    assert not any(m.agreement_id == "porcupine-caribou-agreement" for m in mismatches)


def test_crosscheck_rejects_a_renamed_column(tmp_path: Path) -> None:
    bad = tmp_path / "renamed.csv"
    bad.write_text("manyID,Name,Begin,Signature,Force,End,source_dbs\n")
    with pytest.raises(LayoutError) as e:
        crosscheck_environmental(bad)
    # The message names the file and the column that is gone, not a bare KeyError.
    assert str(bad) in str(e.value) and "missing: Title" in str(e.value)


@pytest.mark.shared_data
def test_crosscheck_against_real_manyenviron(shared_data: Path) -> None:
    path = shared_data / "treaties" / "can_usa_bilateral_environmental_agreements_manyenviron.csv"
    mismatches = crosscheck_environmental(path)
    # Only known disagreement: the 2012 protocol, dated 9 July in that database (7 September
    # in the governments' own record) — same year, so a date mismatch, not a year one.
    assert [(m.agreement_id, m.severity) for m in mismatches] == [("great-lakes-water-quality-2012-protocol", "date")]
