"""Each country's emissions trend, said beside the net-zero claim's verdict (context, never a verdict).

For each country, from its inventory (the same totals as the paths chart, :func:`ghg.totals`:
Canada's National Inventory Total, the US net total where the table has one):

- the latest inventory year's emissions, and their change since 2005;
- the average yearly cut that takes them from the latest year to zero in 2050 (a straight line);
- the average yearly change over the last five inventory years (from the latest year minus five,
  or the earliest inventory year after it when that year is missing, to the latest), so the pace
  needed and the pace kept sit side by side.

The claim is about commitments; its verdict reads the registry and nothing here changes it.
"""

from __future__ import annotations

from typing import Any

import duckdb

from canus.claims.observation import Context, Msg, Percent
from canus.metrics import provenance
from canus.pillars.environment import ghg

BASE_YEAR = 2005
RECENT_YEARS = 5
NEEDS = ("ghg_inventory_canada", "ghg_inventory_us")
SOURCES = {"CA": ghg.CA_SOURCE, "US": ghg.US_SOURCE}
COUNTRY = {"CA": "Canada", "US": "United States"}
#: Which total, said in the sentence (net zero is about net emissions; Canada reports without land use).
TOTAL_LABELS = {
    "national_inventory_total": "national inventory total, without land use",
    "net_total": "net total, land sector included",
    "gross_total": "gross total, without the land sector",
}
#: The recent pace in words, so that a rise never reads as a cut (numbers carry no sign here).
SENTENCE_ROSE = (
    "{country}: {emissions} Mt CO2 eq. in {year} ({total}), {change} since {base}. Reaching zero by "
    "2050 takes an average cut of {needed} Mt a year from {year}; from {start} to {year} emissions "
    "rose by {recent} Mt a year on average."
)
SENTENCE_FELL = (
    "{country}: {emissions} Mt CO2 eq. in {year} ({total}), {change} since {base}. Reaching zero by "
    "2050 takes an average cut of {needed} Mt a year from {year}; from {start} to {year} emissions "
    "fell by {recent} Mt a year on average."
)
SENTENCE_FLAT = (
    "{country}: {emissions} Mt CO2 eq. in {year} ({total}), {change} since {base}. Reaching zero by "
    "2050 takes an average cut of {needed} Mt a year from {year}; emissions were the same in {start} "
    "and {year}."
)
NO_RECENT = (
    "{country}: {emissions} Mt CO2 eq. in {year} ({total}), {change} since {base}. Reaching zero by "
    "2050 takes an average cut of {needed} Mt a year from {year}; the inventory has no earlier year "
    "within five years to give the recent pace."
)
NO_BASE = (
    "{country}: {emissions} Mt CO2 eq. in {year} ({total}); the inventory has no {base} figure. Reaching "
    "zero by 2050 takes an average cut of {needed} Mt a year from {year}."
)


def _country_trend(series: list[tuple[int, float]]) -> dict[str, Any]:
    by_year = dict(series)
    year, latest = series[-1]
    base = by_year.get(BASE_YEAR)
    window = [y for y, _ in series if year - RECENT_YEARS <= y < year]
    start = min(window) if window else None
    years_left = ghg.NET_ZERO_YEAR - year
    return {
        "latest_year": year,
        "latest_mt": latest,
        "base_year": BASE_YEAR,
        "base_mt": base,
        "change_since_base": latest / base - 1 if base else None,
        "needed_cut_mt_per_year": latest / years_left if years_left > 0 else None,
        "recent_start_year": start,
        "recent_change_mt_per_year": (latest - by_year[start]) / (year - start) if start is not None else None,
    }


def _sentence(code: str, which: str, t: dict[str, Any]) -> Msg:
    fields: dict[str, Any] = {
        "country": Msg(COUNTRY[code]),
        "emissions": float(t["latest_mt"]),
        "year": str(t["latest_year"]),
        "total": Msg(TOTAL_LABELS.get(which, which)),
        "base": str(t["base_year"]),
        "needed": float(t["needed_cut_mt_per_year"] or 0.0),
    }
    if t["change_since_base"] is None:
        return Msg(NO_BASE, fields)
    fields["change"] = Percent(t["change_since_base"], signed=True)
    if t["recent_start_year"] is None:
        return Msg(NO_RECENT, fields)
    pace = float(t["recent_change_mt_per_year"])
    sentence = SENTENCE_ROSE if pace > 0 else SENTENCE_FELL if pace < 0 else SENTENCE_FLAT
    return Msg(sentence, {**fields, "start": str(t["recent_start_year"]), "recent": abs(pace)})


def emissions_trend(con: duckdb.DuckDBPyConnection | None) -> Context:
    """Both countries' trends against the pace to zero by 2050, from the inventories loaded."""
    loaded = ghg.totals(con) if con is not None else {}
    messages: list[Msg] = []
    detail: dict[str, Any] = {}
    used: list[str] = []
    for code in ("CA", "US"):
        which, series = loaded.get(code, ("", []))
        if not series or series[-1][0] >= ghg.NET_ZERO_YEAR:
            continue
        t = _country_trend(series)
        detail[code] = {"total": which, **t}
        messages.append(_sentence(code, which, t))
        used.append(SOURCES[code])
    missing = [SOURCES[c] for c in ("CA", "US") if c not in detail]
    if missing:
        messages.append(Msg("Emissions trend still to come from: {sources}", {"sources": ", ".join(missing)}))
    return Context(
        messages=tuple(messages),
        detail=detail,
        provenance=tuple(provenance(con, *used)) if con is not None and used else (),
        missing_ids=tuple(missing),
    )
