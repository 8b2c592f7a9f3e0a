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
    # The Government of Canada writes trillions as "milliards" ("1 300 milliards de dollars"),
    # never "billion", which English readers of French take for 10^9.
    "fr": [(1e9, "milliard"), (1e6, "million"), (1e3, "mille")],
}
#: The typographic minus sign: a hyphen-minus reads as a dash in running text.
MINUS = "\u2212"


def fmt_amount(value: float | None, lang: str, currency: str | None = None, digits: int = 1) -> str:
    """Short amount in words: 3.6e9 → "3.6 billion" / "3,6 milliards".

    Babel's compact form gives "4 G" in fr-CA, which no reader expects, hence house wording.
    With a currency, "$3.6 billion" / "3,6 milliards de dollars"; US dollars are marked "US".
    """
    if value is None:
        return "—"
    sign = MINUS if value < 0 else ""
    v = abs(value)
    word = ""
    scaled = v
    for size, name in _SCALES[lang]:
        if v >= size:
            scaled, word = v / size, name
            break
    if not word:
        number = fmt_number(v, lang)
    elif lang == "fr" and v >= 1e12:
        # "$1.3 trillion" in English is "1 300 milliards" in French: the same precision.
        kept = Decimal(repr(v / 1e12)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        number = fmt_number(float(kept) * 1000, lang)
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


def fmt_signed_percent(value: float | None, lang: str, digits: int = 1) -> str:
    """A change as a percentage with a true minus sign: "−13%" / "−13 %"."""
    return fmt_percent(value, lang, digits).replace("-", MINUS)


def fmt_count(value: float, noun: str, lang: str) -> str:
    """A large count with its noun in words: "2 million jobs" / "2 millions d'emplois".

    ``noun`` is the English plural; French comes from the catalogue. Below a million the
    number is written in full: "28,000 jobs" / "28 000 emplois".
    """
    word = gettext(noun, lang)
    if abs(value) < 1e6:
        space = "\u00a0" if lang == "fr" else " "
        return f"{fmt_number(value, lang)}{space}{word}"
    millions = fmt_amount(value, lang, digits=1)
    if lang == "fr":
        elide = word[:1].lower() in "aeéèêiouyh"
        return f"{millions} d'{word}" if elide else f"{millions} de {word}"
    return f"{millions} {word}"


def fmt_rank(value: float | int, lang: str) -> str:
    """A rank: "rank 1" / "1er rang", "2e rang" (French ordinals as the Guide du rédacteur writes them)."""
    n = int(value)
    if lang == "fr":
        suffix = "er" if n == 1 else "e"
        return f"{n}{suffix}\u00a0rang"
    return f"rank {n}"


def fmt_as_of(value: str | dt.date | None, lang: str) -> str:
    """A data vintage in words: "2025-06" → "June 2025" / "juin 2025"; a year or release stays."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    text = str(value)
    try:
        if len(text) == 7 and text[4] == "-":
            return fmt_month(text + "-01", lang)
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            return fmt_date(text[:10], lang)
    except ValueError:
        return text
    return text
