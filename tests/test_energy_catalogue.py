"""Energy and environment: registered sources, and French for every title, definition and label."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
from babel.messages.pofile import read_po

from canus import sources
from canus.i18n import _catalogue
from canus.metrics import MetricTable
from canus.pillars.energy import metrics as energy
from canus.pillars.environment import metrics as environment

PO = Path(__file__).resolve().parents[1] / "src/canus/locales/fr/LC_MESSAGES/energy.po"
IDS = ("cer-electricity-trade", "great-lakes-water-levels", "air-emissions", "natural-earth-countries")


def test_sources_are_registered_with_bilingual_metadata() -> None:
    for sid in IDS:
        assert sid in sources.default_ids()
        src = sources.get(sid)
        for field in ("title", "description"):
            assert src.text(field, "en") and src.text(field, "fr") != src.text(field, "en")
        assert src.publisher["fr"]  # a proper name (Natural Earth) may read the same
        assert src.licence.name["fr"] and src.landing_url.startswith("https://")


def _tables() -> list[MetricTable]:
    con = duckdb.connect()
    return [
        energy.annual_trade(con),
        energy.top_provinces(con),
        energy.top_states(con),
        environment.great_lakes_levels(con),
        environment.acid_rain_emissions(con),
    ]


def test_every_metric_text_has_a_french_translation() -> None:
    fr = _catalogue("fr")
    for table in _tables():
        texts = [table.title, table.definition, *(c.label for c in table.columns)]
        missing = [t for t in texts if t not in fr]
        assert not missing, f"{table.id}: no French for {missing}"


def test_translations_keep_the_same_fields() -> None:
    with PO.open("rb") as f:
        catalogue = read_po(f)
    for msg in catalogue:
        if not msg.id:
            continue
        assert msg.string, f"untranslated: {msg.id}"
        fields = re.findall(r"\{[^}]*\}", str(msg.id))
        assert sorted(fields) == sorted(re.findall(r"\{[^}]*\}", str(msg.string))), msg.id
