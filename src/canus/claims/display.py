"""How a claim's figures and verdicts read, the same on the command line, the pages and the API."""

from __future__ import annotations

from canus.i18n import _, fmt_amount, fmt_count, fmt_number, fmt_percent, fmt_rank

#: English unit words (the catalogue gives the French); units absent here print no word.
UNIT_WORDS = {
    "persons_per_day": "people a day",
    "persons": "people",
    "jobs": "jobs",
    "km": "km",
    "lakes": "lakes",
    "rivers and lakes": "rivers and lakes",
    "lakes and rivers": "lakes and rivers",
    "rivers": "rivers",
    "governments": "governments",
    "years": "years",
}
#: Text marks that go with each verdict, so the verdict never rests on colour alone.
ICONS = {"supported": "✓", "contradicted": "✗", "not_checkable": "?"}


def amount(value: float | None, unit: str | None, lang: str) -> str:
    """A value in its unit: "1,991" is a year, "80%" a share, "$1.3 trillion" an amount."""
    if value is None:
        return "—"
    unit = unit or ""
    if unit == "year":
        return str(int(value))
    if unit == "percent":
        return fmt_percent(value, lang, 0)
    if unit in ("CAD", "USD"):
        return fmt_amount(value, lang, currency=unit)
    if unit == "rank":
        return fmt_rank(value, lang)
    if unit == "jobs" and abs(value) >= 1e6:
        return fmt_count(value, "jobs", lang)
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 2
    number = fmt_number(value, lang, digits)
    word = UNIT_WORDS.get(unit)
    return f"{number} {_(word, lang)}" if word else number


def figure(value: float, unit: str, qualifier: str, lang: str) -> str:
    """The page's figure read with its qualifier: "around 400,000 people a day"."""
    if unit == "rank" and qualifier == "among the top":
        return _("among the top {n}", lang, n=fmt_number(value, lang))
    said = amount(value, unit, lang)
    return said if qualifier == "exact" else f"{_(qualifier, lang)} {said}"


#: Section of the page (as claim files name it) → the portal section that shows it.
PORTAL_SECTIONS = {"bilateral": "diplomacy"}


def portal_section(page_section: str) -> str:
    return PORTAL_SECTIONS.get(page_section, page_section)
