"""Periods: the one place that knows how many days a period has and how much of it is covered.

Every per-day figure divides by :func:`days_in_months` (the days actually in the months
present, so a leap year has 366 and January–March 2019 has 90), every yearly table says how
much of its year it covers (:func:`coverage`), and every change against a baseline year
compares the same months of both years (:func:`same_months`). Labels name the months in
either language: "Jan–Jun 2025", "janv.–juin 2025".
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable

from canus.i18n import check_lang

WHOLE = "whole"
SHORT_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def days_in_months(year: int, months: Iterable[int]) -> int:
    """Days in the given months of ``year`` (each month counted once)."""
    return sum(days_in_month(year, m) for m in set(months))


def per_day(total: float | None, days: int) -> int | None:
    """A total as a whole number per day: one rounding, so every view shows the same number.

    Rounded here, once, because a figure shown as 18,376 in a table and 18,380 on a map is
    two figures to the reader.
    """
    if total is None or days <= 0:
        return None
    return round(total / days)


def is_whole(months: Iterable[int]) -> bool:
    return set(months) == set(range(1, 13))


def months_label(months: Iterable[int], lang: str) -> str:
    """ "Jan–Mar" for a run of months, "Jan, Mar, May" otherwise, in the reader's language."""
    lang = check_lang(lang)
    ms = sorted(set(months))
    if not ms:
        return ""
    names = SHORT_MONTHS[lang]
    if ms == list(range(ms[0], ms[-1] + 1)):
        if len(ms) == 1:
            return names[ms[0] - 1]
        return f"{names[ms[0] - 1]}–{names[ms[-1] - 1]}"
    return ", ".join(names[m - 1] for m in ms)


def coverage(months: Iterable[int], lang: str = "en") -> str:
    """``"whole"`` for all twelve months, otherwise the months' label ("Jan–Mar")."""
    ms = list(months)
    return WHOLE if is_whole(ms) else months_label(ms, lang)


def period_label(year: int, months: Iterable[int], lang: str) -> str:
    """ "2024" for a whole year, "Jan–Jun 2025" / "janv.–juin 2025" for part of one."""
    ms = list(months)
    if is_whole(ms) or not ms:
        return str(year)
    return f"{months_label(ms, lang)} {year}"


def coverage_label(year: int, cov: str, lang: str) -> str:
    """The period label from a table's ``coverage`` column (stored in English)."""
    if cov == WHOLE:
        return str(year)
    return f"{translate_months(cov, lang)} {year}"


def translate_months(label: str, lang: str) -> str:
    """An English months label ("Jan–Mar") in the reader's language."""
    lang = check_lang(lang)
    if lang == "en" or label == WHOLE:
        return label
    out = label
    # Replace longest names first is unnecessary: English short names do not overlap.
    for en, other in zip(SHORT_MONTHS["en"], SHORT_MONTHS[lang], strict=True):
        out = out.replace(en, other)
    return out


def same_months(latest: Iterable[int], baseline: Iterable[int]) -> list[int]:
    """Months present in both periods: the only fair ground for a change between them."""
    return sorted(set(latest) & set(baseline))


def change(value: float | None, base: float | None) -> float | None:
    """Relative change of ``value`` against ``base``, or ``None`` when it cannot be computed."""
    if value is None or base is None or base == 0:
        return None
    return value / base - 1


def partial_periods(rows: Iterable[dict[str, object]], lang: str) -> list[str]:
    """Labels of the part periods in a table's rows ("Jan–Jun 2025"), from its coverage column."""
    out = []
    for r in rows:
        cov, year = r.get("coverage"), r.get("year")
        if isinstance(cov, str) and cov != WHOLE:
            out.append(coverage_label(int(year), cov, lang) if isinstance(year, int) else translate_months(cov, lang))
    return list(dict.fromkeys(out))


def row_period(row: dict[str, object], lang: str, year_key: str = "year") -> str:
    """A key figure's period from its table row: "2024", or "Jan–Jun 2025" for a part year.

    Uses the row's ``coverage`` when it has one; otherwise a ``months`` count, read as the
    first months of the year (the year-to-date tables of StatCan, Census and CER start in
    January).
    """
    year = row.get(year_key)
    cov = row.get("coverage")
    if isinstance(cov, str) and isinstance(year, int):
        return coverage_label(year, cov, lang)
    months = row.get("months")
    if isinstance(months, int) and isinstance(year, int) and 0 < months < 12:
        return period_label(year, range(1, months + 1), lang)
    return str(year)
