"""The message catalogue and en-CA / fr-CA formatting of numbers, amounts and dates.

English text is the message id; French comes from the ``.po`` files in
``locales/fr/LC_MESSAGES/`` (one per area of the code, merged), read with Babel directly
(no compile step), once per process.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LANGS = ("en", "fr")


class UnknownLanguage(ValueError):
    """A language canus does not speak; every entry point turns it into its own clear error."""

    def __init__(self, lang: object) -> None:
        super().__init__(f"Unknown language {lang!r}: use one of {', '.join(LANGS)}")
        self.lang = lang


def check_lang(lang: object) -> str:
    """``lang`` if canus speaks it; the one language check of the web, the API and the CLI."""
    if lang not in LANGS:
        raise UnknownLanguage(lang)
    return str(lang)


def other_lang(lang: str) -> str:
    return LANGS[1 - LANGS.index(check_lang(lang))]
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
_LOCALE_DIR = Path(__file__).parent / "locales"


@cache
def _catalogue(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((_LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as f:
            cat = read_po(f, locale=LOCALES[lang])
        for msg in cat:
            if msg.id and msg.string and not msg.fuzzy and isinstance(msg.id, str):
                out[msg.id] = str(msg.string)
    return out


_MISSING: set[str] = set()


def gettext(message: str, lang: str) -> str:
    if lang == "en":
        return message
    found = _catalogue(lang).get(message)
    if found is None:
        # Recorded so the test suite can prove every string shown in French is translated.
        _MISSING.add(message)
        return message
    return found


def known(message: str, lang: str) -> str:
    """The translation if the catalogue has one, else the text unchanged (nothing recorded)."""
    return message if lang == "en" else _catalogue(lang).get(message, message)


def missing_translations() -> set[str]:
    """English messages asked for in French since start-up that the catalogue lacks."""
    return set(_MISSING)


def _(message: str, lang: str, /, **params: object) -> str:
    """Translate ``message`` and fill its ``{named}`` fields."""
    text = gettext(message, lang)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    # English and French differ only at 0 and 1 (French treats 0 as singular).
    one = n in (0, 1) if lang == "fr" else n == 1
    return gettext(singular if one else plural, lang)


def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, "en_CA"))


def fmt_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def fmt_percent(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + ("%" if lang == "en" else "\u00a0%")
    return format_percent(value, format=pattern, locale=LOCALES[lang])


def fmt_date(value: dt.date | str | None, lang: str, form: str = "long") -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return _babel_date(value, format=form, locale=LOCALES[lang])


def fmt_month(value: dt.date | str, lang: str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return _babel_date(value, format="MMMM y", locale=LOCALES[lang])


_SCALES = {
    "en": [(1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")],
    # A French "billion" is 10^12, a "milliard" 10^9.
    "fr": [(1e12, "billion"), (1e9, "milliard"), (1e6, "million"), (1e3, "mille")],
}


def fmt_amount(value: float | None, lang: str, currency: str | None = None, digits: int = 1) -> str:
    """Short amount in words: 3.6e9 → "3.6 billion" / "3,6 milliards".

    Babel's compact form gives "4 G" in fr-CA, which no reader expects, hence house wording.
    With a currency, "$3.6 billion" / "3,6 milliards de dollars"; US dollars are marked "US".
    """
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    v = abs(value)
    word = ""
    scaled = v
    for size, name in _SCALES[lang]:
        if v >= size:
            scaled, word = v / size, name
            break
    if not word:
        number = fmt_number(v, lang)
    else:
        places = digits if scaled < 100 else 0
        rounded = Decimal(repr(scaled)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        number = fmt_number(float(rounded), lang, places)
        # Trailing zero decimals read badly in prose: "2.0 billion" → "2 billion".
        number = number.removesuffix(".0").removesuffix(",0")
    if lang == "fr":
        if word and word != "mille" and scaled >= 2:
            word += "s"
        words = f"{number}\u00a0{word}".strip() if word else number
        if currency:
            de = " de" if word and word != "mille" else ""
            unit = "dollars" + (" américains" if currency == "USD" else "")
            return f"{sign}{words}{de} {unit}" if de else f"{sign}{words}\u00a0{unit}"
        return sign + words
    words = f"{number} {word}".strip() if word else number
    if currency:
        prefix = "US$" if currency == "USD" else "$"
        return f"{sign}{prefix}{words}"
    return sign + words
