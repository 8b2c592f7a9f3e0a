"""Country names as a reader expects them, in English or French, from the names publishers write.

The US Census Bureau writes partner countries in capitals and in its own forms ("COLOMBIA",
"KOREA, SOUTH", "BURMA"). Babel's territory names (CLDR) give each country its usual name in
both languages; a publisher's name is matched to a territory by CLDR's English name or by the
aliases below. A name that matches neither is shown in title case, never dropped.
"""

from __future__ import annotations

import string
from functools import cache

from babel import Locale

from canus.i18n import LOCALES

#: Census Schedule C names that differ from CLDR's English names.
ALIASES = {
    "KOREA, SOUTH": "KR",
    "KOREA, NORTH": "KP",
    "BURMA": "MM",
    "CZECH REPUBLIC": "CZ",
    "TURKEY": "TR",
    "TRINIDAD AND TOBAGO": "TT",
    "BOSNIA AND HERZEGOVINA": "BA",
    "ANTIGUA AND BARBUDA": "AG",
    "SAINT KITTS AND NEVIS": "KN",
    "CONGO, DEMOCRATIC REPUBLIC OF THE CONGO": "CD",
    "CONGO, REPUBLIC OF THE CONGO": "CG",
    "COTE D'IVOIRE": "CI",
    "BRUNEI": "BN",
    "MACEDONIA": "MK",
    "NORTH MACEDONIA": "MK",
    "SWAZILAND": "SZ",
    "ESWATINI": "SZ",
    "HONG KONG": "HK",
    "MACAU": "MO",
}


@cache
def _codes() -> dict[str, str]:
    names = {name.upper(): code for code, name in Locale.parse("en").territories.items() if code.isalpha()}
    return names | ALIASES


def territory(name: str) -> str | None:
    """The ISO 3166 code of a publisher's country name, or None when it is not recognised."""
    return _codes().get(" ".join(name.split()).upper())


def display(name: str, lang: str) -> str:
    """``display("COLOMBIA", "fr") == "Colombie"``; an unknown name in title case."""
    code = territory(name)
    if code is None:
        return string.capwords(name.lower()) if name.isupper() else name
    return str(Locale.parse(LOCALES[lang]).territories.get(code, name))
