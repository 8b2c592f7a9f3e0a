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
    # A French "billion" is 10^12.
    assert fmt_amount(1.3e12, "fr", "CAD") == f"1,3{NBSP}billion de dollars"
    assert fmt_amount(2e12, "fr", "CAD") == f"2{NBSP}billions de dollars"
    assert fmt_amount(5.25e6, "en", "USD") == "US$5.3 million"
    assert fmt_amount(5.25e6, "fr", "USD") == f"5,3{NBSP}millions de dollars américains"
    assert fmt_amount(950, "en") == "950"


def test_dates() -> None:
    assert fmt_date(dt.date(2025, 1, 14), "en") == "January 14, 2025"
    assert fmt_date("2025-01-14", "fr") == "14 janvier 2025"


def test_catalogue_translates_and_fills_fields() -> None:
    assert _("Update summary", "fr") == "Résumé de la mise à jour"
    assert _("Done in {seconds} s.", "fr", seconds="1,2") == "Terminé en 1,2 s."
    assert _("Done in {seconds} s.", "en", seconds="1.2") == "Done in 1.2 s."
