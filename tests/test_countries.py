"""Publishers' country names shown as readers expect them, in English and French."""

from __future__ import annotations

import pytest

from canus.countries import display, territory


@pytest.mark.parametrize(
    ("published", "code", "en", "fr"),
    [
        ("COLOMBIA", "CO", "Colombia", "Colombie"),
        ("KAZAKHSTAN", "KZ", "Kazakhstan", "Kazakhstan"),
        ("KOREA, SOUTH", "KR", "South Korea", "Corée du Sud"),
        ("BURMA", "MM", "Myanmar (Burma)", "Myanmar"),
        ("UNITED  KINGDOM", "GB", "United Kingdom", "Royaume-Uni"),
        ("Canada", "CA", "Canada", "Canada"),
    ],
)
def test_a_published_name_becomes_the_usual_name_in_each_language(published: str, code: str, en: str, fr: str) -> None:
    assert territory(published) == code
    assert (display(published, "en"), display(published, "fr")) == (en, fr)


def test_an_unknown_name_is_kept_in_title_case_never_dropped() -> None:
    assert territory("OTHER PACIFIC ISLANDS, NEC") is None
    assert display("OTHER PACIFIC ISLANDS, NEC", "fr") == "Other Pacific Islands, Nec"
    assert display("Some Place", "en") == "Some Place"
