"""en-CA / fr-CA numbers, amounts and dates, and the house wording for large amounts."""

from __future__ import annotations

import datetime as dt

from canus.i18n import _, fmt_amount, fmt_date, fmt_number, fmt_percent

NBSP = "\u00a0"


def test_numbers() -> None:
    assert fmt_number(1234567, "en") == "1,234,567"
    assert fmt_number(1234567, "fr") == f"1{NBSP}234{NBSP}567"
    assert fmt_number(1234.5, "fr", 1) == f"1{NBSP}234,5"
    assert fmt_percent(-0.234, "en") == "-23.4%"
    assert fmt_percent(-0.234, "fr") == f"-23,4{NBSP}%"


def test_amounts_in_words_not_compact_units() -> None:
    assert fmt_amount(3.6e9, "en", "CAD") == "$3.6 billion"
    assert fmt_amount(3.6e9, "fr", "CAD") == f"3,6{NBSP}milliards de dollars"
    assert fmt_amount(1.3e12, "en", "CAD") == "$1.3 trillion"
    # Never "billion" in French: the Government of Canada writes trillions in milliards.
    assert fmt_amount(1.3e12, "fr", "CAD") == f"1{NBSP}300{NBSP}milliards de dollars"
    assert fmt_amount(1.03e12, "fr", "CAD") == f"1{NBSP}000{NBSP}milliards de dollars"
    assert fmt_amount(2e12, "fr", "CAD") == f"2{NBSP}000{NBSP}milliards de dollars"
    assert fmt_amount(-3.6e9, "en", "CAD") == "\u2212$3.6 billion"
    assert fmt_amount(5.25e6, "en", "USD") == "US$5.3 million"
    assert fmt_amount(5.25e6, "fr", "USD") == f"5,3{NBSP}millions de dollars américains"
    assert fmt_amount(950, "en") == "950"


def test_counts_ranks_and_vintages_in_words() -> None:
    from canus.i18n import fmt_as_of, fmt_count, fmt_rank

    assert fmt_count(2e6, "jobs", "en") == "2 million jobs"
    assert fmt_count(2e6, "jobs", "fr") == f"2{NBSP}millions d'emplois"
    assert fmt_count(28000, "jobs", "fr") == f"28{NBSP}000{NBSP}emplois"
    assert fmt_rank(1, "fr") == f"1er{NBSP}rang"
    assert fmt_rank(3, "fr") == f"3e{NBSP}rang"
    assert fmt_rank(1, "en") == "rank 1"
    assert fmt_as_of("2025-06", "fr") == "juin 2025"
    assert fmt_as_of("2026-11-21", "fr") == "21 novembre 2026"
    assert fmt_as_of("2019", "en") == "2019"


def test_dates() -> None:
    assert fmt_date(dt.date(2025, 1, 14), "en") == "January 14, 2025"
    assert fmt_date("2025-01-14", "fr") == "14 janvier 2025"


def test_catalogue_translates_and_fills_fields() -> None:
    assert _("Update summary", "fr") == "Résumé de la mise à jour"
    assert _("Done in {seconds} s.", "fr", seconds="1,2") == "Terminé en 1,2 s."
    assert _("Done in {seconds} s.", "en", seconds="1.2") == "Done in 1.2 s."


def test_names_from_the_data_are_never_translated_in_an_error() -> None:
    """A column "State" or "Port" missing from a file is named as the file names it, in French
    too (the catalogue's "État" and "Point d'entrée" are the portal's words, not the file's)."""
    from canus.errors import CanusError, LayoutError

    e = LayoutError(
        "{source}: {file}: expected columns are missing: {columns}",
        source="bts-border-crossings",
        file="Border_Crossing_Entry_Data.csv",
        columns="State",
    )
    assert e.localized("fr") == (
        "bts-border-crossings\u00a0: Border_Crossing_Entry_Data.csv\u00a0: colonnes attendues absentes\u00a0: State"
    )

    # A message of its own, or words given in both languages, are worded in the reader's language.
    def failed(problem: object) -> LayoutError:
        return LayoutError("{source}: {url}: {problem}", source="s", url="https://x.example/a.csv", problem=problem)

    empty = failed(CanusError("the response is empty"))
    assert empty.localized("fr") == "s\u00a0: https://x.example/a.csv\u00a0: la réponse est vide"
    both = failed({"en": "Port", "fr": "Point d'entrée"})
    assert both.localized("fr").endswith("\u00a0: Point d'entrée") and str(both).endswith(": Port")
    assert failed("Port").localized("fr").endswith("\u00a0: Port")
