"""Travellers entering Canada (Statistics Canada 24-10-0053-01), and both directions with BTS.

Years that 24-10-0053 does not cover (it starts in the 2020s) come from the older table
24-10-0041, read by member name ("United States residents entering Canada", "Canadian residents
returning from the United States" and their per-mode members), never by vector id: vector ids
change between vintages of a table.

Reads ``statcan_24100053`` and its ``_members``. The table splits travellers by residence
and mode in one dimension ("Traveller characteristics", members such as "United States of
America residents, land") and by same-day / overnight in another. Figures here add up the
leaf members (those without children) at the top geography (Canada), so no aggregate is
counted twice whatever aggregate members the table carries.

What each side counts differs, and every table says so: Statistics Canada counts travellers
entering Canada by any mode (air, land, water), Canadians coming home included; BTS counts
persons entering the United States at land ports only.
"""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, has_tables, periods, provenance
from canus.pillars.border import metrics as border_metrics
from canus.sources.bts_border_crossings import SOURCE_ID as BTS_ID

PID = "24100053"
SOURCE_ID = f"statcan-{PID}"
TABLE = f"statcan_{PID}"
MEMBERS = f"statcan_{PID}_members"
MODES = ("air", "land", "water")
OLDER_SOURCE_ID = "statcan-24100041"
#: First year of 24-10-0053 (its monthly series begin in January 2021); earlier years need
#: 24-10-0041.
NEWER_TABLE_FROM = 2021
OLDER_TABLE = "statcan_24100041"

ENTERING_DEFINITION = (
    "Travellers entering Canada, as counted by Statistics Canada at the border: residents of "
    "the United States and of other countries arriving, and Canadian residents coming home, by "
    "air, land and water. Same-day and overnight trips are both counted. One direction only: "
    "into Canada."
)
RESIDENTS_DEFINITION = (
    "Travellers entering Canada from the United States side of the relationship: residents of "
    "the United States arriving in Canada, against Canadian residents coming home from the "
    "United States, all modes (Statistics Canada)."
)
BOTH_DEFINITION = (
    "People crossing the Canada–United States border per day, adding two one-way counts. Into "
    "Canada: travellers coming from the United States, that is residents of the United States "
    "entering Canada plus Canadian residents returning from the United States, by air, land and "
    "water (Statistics Canada 24-10-0053, or 24-10-0041 for earlier years). Left out: Canadians "
    "returning from other countries and residents of other countries, even those who came "
    "through the United States. Into the United States: persons entering at US land ports on "
    "the Canadian border (US CBP counts published by BTS). People flying from Canada into the "
    "United States are missing: no official open monthly count of them is loaded, so both "
    "directions understate the crossings by that much."
)


def _group(name: str) -> str:
    """Residence group of a 'Traveller characteristics' leaf, from its English name."""
    lower = name.lower()
    if lower.startswith("canadian residents returning from the united states"):
        return "canadians_from_us"
    if lower.startswith("canadian residents"):
        return "canadians_from_other"
    if lower.startswith("united states") or lower.startswith("us residents"):
        return "us_residents"
    return "other_residents"


def _mode(name: str) -> str:
    tail = name.rsplit(",", 1)[-1].strip().lower()
    return tail if tail in MODES else "other"


def _dimension_columns(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(characteristics column, traveller-type column), found by their members' names."""
    rows = con.execute(f"""
        SELECT dimension_position, any_value(column_name),
               bool_or(lower(member_en) LIKE '%residents%')
        FROM {MEMBERS} WHERE dimension_position > 1
        GROUP BY dimension_position ORDER BY dimension_position""").fetchall()
    chars = [c for _, c, has_residents in rows if has_residents]
    others = [c for _, c, has_residents in rows if not has_residents]
    if len(chars) != 1 or len(others) != 1:
        return None
    return chars[0], others[0]


def _leaf_sums(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, float]] | None:
    """(year, characteristics leaf, travellers) at the top geography, over leaf traveller types."""
    cols = _dimension_columns(con)
    if cols is None:
        return None
    chars, kind = cols
    return con.execute(f"""
        WITH leaf AS (
            SELECT m.column_name, m.member_en FROM {MEMBERS} m
            WHERE NOT EXISTS (SELECT 1 FROM {MEMBERS} c
                              WHERE c.dimension_position = m.dimension_position
                                AND c.parent_member_id = m.member_id)),
        top_geo AS (
            SELECT member_en FROM {MEMBERS} WHERE dimension_position = 1
            ORDER BY parent_member_id IS NOT NULL, member_id LIMIT 1)
        SELECT year(t.period) AS year, t."{chars}", sum(t.value)
        FROM {TABLE} t
        WHERE t.geo = (SELECT member_en FROM top_geo)
          AND t."{chars}" IN (SELECT member_en FROM leaf WHERE column_name = '{chars}')
          AND t."{kind}" IN (SELECT member_en FROM leaf WHERE column_name = '{kind}')
        GROUP BY ALL ORDER BY 1, 2""").fetchall()


def _coverage(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[int, int]]:
    """Months and days of data per year, so that a part year gives a fair daily average."""
    out: dict[int, tuple[int, int]] = {}
    for year, months in con.execute(f"""
            SELECT year(period), list(DISTINCT month(period)) FROM {TABLE}
            WHERE period IS NOT NULL GROUP BY 1""").fetchall():
        days = sum(calendar.monthrange(int(year), int(m))[1] for m in months)
        out[int(year)] = (len(months), days)
    return out


def _empty(
    id_: str, title: str, definition: str, columns: list[Column], con: duckdb.DuckDBPyConnection, *ids: str
) -> MetricTable:
    return MetricTable(
        id=id_, title=title, definition=definition, columns=columns, rows=[], provenance=provenance(con, *ids)
    )


def _yearly_groups(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, float]] | None:
    if not has_tables(con, TABLE, MEMBERS):
        return None
    sums = _leaf_sums(con)
    if sums is None:
        return None
    out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for year, name, value in sums:
        if value is None:
            continue
        out[int(year)][_group(name)] += float(value)
        out[int(year)]["mode:" + _mode(name)] += float(value)
        out[int(year)]["total"] += float(value)
        if _group(name) in ("us_residents", "canadians_from_us"):
            out[int(year)]["us_link:" + _mode(name)] += float(value)
    return out


ENTERING_COLUMNS = [
    Column("year", "Year", "year"),
    Column("months", "Months of data", "count"),
    Column("per_day", "Travellers per day", "per_day"),
    Column("air_per_day", "By air, per day", "per_day"),
    Column("land_per_day", "By land, per day", "per_day"),
    Column("water_per_day", "By water, per day", "per_day"),
    Column("travellers", "Travellers in the year", "persons"),
]


def entering_canada(con: duckdb.DuckDBPyConnection) -> MetricTable:
    """Travellers entering Canada per day, by year and mode."""
    title = "Travellers entering Canada per day, by year and mode"
    groups = _yearly_groups(con)
    if groups is None:
        return _empty("travellers-entering-canada", title, ENTERING_DEFINITION, ENTERING_COLUMNS, con, SOURCE_ID)
    coverage = _coverage(con)
    rows: list[dict[str, Any]] = []
    for year in sorted(groups):
        g = groups[year]
        months, days = coverage.get(year, (0, 0))
        if not days:
            continue
        rows.append(
            {
                "year": year,
                "months": months,
                "travellers": round(g["total"]),
                "per_day": g["total"] / days,
                **{f"{m}_per_day": g[f"mode:{m}"] / days for m in MODES},
            }
        )
    return MetricTable(
        id="travellers-entering-canada",
        title=title,
        definition=ENTERING_DEFINITION,
        columns=ENTERING_COLUMNS,
        rows=rows,
        provenance=provenance(con, SOURCE_ID),
    )


RESIDENTS_COLUMNS = [
    Column("year", "Year", "year"),
    Column("months", "Months of data", "count"),
    Column("us_residents_per_day", "US residents entering Canada, per day", "per_day"),
    Column("canadians_from_us_per_day", "Canadians returning from the US, per day", "per_day"),
    Column("us_share", "US residents' share", "percent"),
    Column("us_residents", "US residents in the year", "persons"),
    Column("canadians_from_us", "Canadians returning from the US in the year", "persons"),
]


def us_residents_vs_canadians(con: duckdb.DuckDBPyConnection) -> MetricTable:
    """US residents entering Canada against Canadian residents returning from the US."""
    title = "US residents entering Canada and Canadians returning from the US, per day"
    groups = _yearly_groups(con)
    if groups is None:
        return _empty("travellers-us-vs-canadians", title, RESIDENTS_DEFINITION, RESIDENTS_COLUMNS, con, SOURCE_ID)
    coverage = _coverage(con)
    rows = []
    for year in sorted(groups):
        g = groups[year]
        months, days = coverage.get(year, (0, 0))
        if not days:
            continue
        us, ca = g["us_residents"], g["canadians_from_us"]
        rows.append(
            {
                "year": year,
                "months": months,
                "us_residents_per_day": us / days,
                "canadians_from_us_per_day": ca / days,
                "us_share": us / (us + ca) if us + ca else None,
                "us_residents": round(us),
                "canadians_from_us": round(ca),
            }
        )
    return MetricTable(
        id="travellers-us-vs-canadians",
        title=title,
        definition=RESIDENTS_DEFINITION,
        columns=RESIDENTS_COLUMNS,
        rows=rows,
        provenance=provenance(con, SOURCE_ID),
    )


#: 24-10-0041 members, by name (lower case), whose travellers came from the United States.
#: Vector ids differ between vintages of the table, so the members are found by name.
OLDER_FROM_US = {
    "united states residents entering canada": "us_residents",
    "canadian residents returning from the united states": "canadians_from_us",
}
#: Second part of a 24-10-0041 member path → mode ("…, automobile, same day" is by land).
OLDER_MODES = {
    "automobile": "land",
    "bus": "land",
    "train": "land",
    "other land": "land",
    "land": "land",
    "air": "air",
    "plane": "air",
    "boat": "water",
    "water": "water",
}


def _older_column(con: duckdb.DuckDBPyConnection) -> str | None:
    got = con.execute(f"""SELECT any_value(column_name) FROM {OLDER_TABLE}_members
                          WHERE lower(dimension_en) = 'traveller characteristics'""").fetchone()
    return got[0] if got and got[0] else None


def _older_from_us(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, Any]]:
    """Year → travellers from the US in 24-10-0041, by residence and mode, selected by name.

    The residence totals are the members named in :data:`OLDER_FROM_US`; modes add up the
    leaf members under each (``<total>, automobile, …``), so nothing is counted twice.
    """
    if not has_tables(con, OLDER_TABLE, f"{OLDER_TABLE}_members"):
        return {}
    col = _older_column(con)
    if col is None:
        return {}
    rows = con.execute(
        f"""
        WITH leaf AS (
            SELECT lower(trim(m.member_en)) AS name FROM {OLDER_TABLE}_members m
            WHERE m.column_name = ? AND NOT EXISTS (
                SELECT 1 FROM {OLDER_TABLE}_members c
                WHERE c.dimension_position = m.dimension_position
                  AND c.parent_member_id = m.member_id))
        SELECT year(t.period), list(DISTINCT month(t.period)), lower(trim(t."{col}")) AS name,
               sum(t.value), name IN (SELECT name FROM leaf)
        FROM {OLDER_TABLE} t
        WHERE lower(t.geo) = 'canada' AND t.period IS NOT NULL AND t.value IS NOT NULL
        GROUP BY 1, 3""",
        [col],
    ).fetchall()
    out: dict[int, dict[str, Any]] = {}
    for year, months, name, total, is_leaf in rows:
        g = out.setdefault(int(year), {"months": set(), "mode": defaultdict(float)})
        g["months"].update(int(m) for m in months)
        if name in OLDER_FROM_US:
            g[OLDER_FROM_US[name]] = float(total)
            continue
        head, _, rest = name.partition(", ")
        if head in OLDER_FROM_US and is_leaf:
            mode = OLDER_MODES.get(rest.split(",")[0].strip(), "other")
            g["mode"][mode] += float(total)
    return {y: g for y, g in out.items() if "us_residents" in g and "canadians_from_us" in g}


BOTH_COLUMNS = [
    Column("year", "Year", "year"),
    Column("months_us", "Months of US data", "count"),
    Column("months_canada", "Months of Canadian data", "count"),
    Column("into_us_per_day", "Into the US from Canada by land, per day (BTS)", "per_day"),
    Column("into_us_air_per_day", "Into the US from Canada by air, per day (not published)", "per_day"),
    Column("into_canada_per_day", "Into Canada from the US, all modes, per day (Statistics Canada)", "per_day"),
    Column("us_residents_per_day", "of whom US residents, per day", "per_day"),
    Column("canadians_from_us_per_day", "of whom Canadians returning from the US, per day", "per_day"),
    Column("into_canada_land_per_day", "Into Canada from the US by land, per day", "per_day"),
    Column("into_canada_air_per_day", "Into Canada from the US by air, per day", "per_day"),
    Column("into_canada_water_per_day", "Into Canada from the US by water, per day", "per_day"),
    Column("both_per_day", "Both directions, per day", "per_day"),
    Column("both_land_per_day", "Both directions by land, per day", "per_day"),
    Column("canada_table", "Statistics Canada table", "code"),
]


def _canada_side(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, Any]]:
    """Year → travellers from the US into Canada per day, from 24-10-0053, else 24-10-0041."""
    out: dict[int, dict[str, Any]] = {}
    for year, g in _older_from_us(con).items():
        present = sorted(g["months"])
        days = sum(calendar.monthrange(year, m)[1] for m in present)
        modes = g["mode"]
        out[year] = {
            "months": len(present),
            "days": days,
            "table": "24-10-0041",
            "source": OLDER_SOURCE_ID,
            "us_residents": g["us_residents"],
            "canadians_from_us": g["canadians_from_us"],
            **{f"mode:{m}": (modes[m] if modes else None) for m in MODES},
        }
    groups = _yearly_groups(con) or {}
    coverage = _coverage(con) if groups else {}
    for year, g in groups.items():
        months, days = coverage.get(year, (0, 0))
        if not days:
            continue
        out[year] = {  # the newer table wins where both cover a year
            "months": months,
            "days": days,
            "table": "24-10-0053",
            "source": SOURCE_ID,
            "us_residents": g["us_residents"],
            "canadians_from_us": g["canadians_from_us"],
            **{f"mode:{m}": g[f"us_link:{m}"] for m in MODES},
        }
    return out


def both_directions(con: duckdb.DuckDBPyConnection) -> MetricTable:
    """People crossing per day in both directions: BTS into the US plus StatCan from the US."""
    title = "People crossing the Canada–US border per day, both directions"
    canada = _canada_side(con)
    if not canada or not has_tables(con, "border_crossings", "ports"):
        return _empty("travellers-both-directions", title, BOTH_DEFINITION, BOTH_COLUMNS, con, BTS_ID, SOURCE_ID)
    us_side = {r["year"]: r for r in border_metrics.yearly(con).rows}
    rows = []
    used: set[str] = set()
    for year in sorted(set(canada) & set(us_side)):
        us, ca = us_side[year], canada[year]
        days = ca["days"]
        into_canada = (ca["us_residents"] + ca["canadians_from_us"]) / days
        per_mode = {m: (ca[f"mode:{m}"] / days if ca[f"mode:{m}"] is not None else None) for m in MODES}
        used.add(ca["source"])
        rows.append(
            {
                "year": year,
                "months_us": us["months"],
                "months_canada": ca["months"],
                "into_us_per_day": us["people_per_day"],
                "into_us_air_per_day": None,
                "into_canada_per_day": into_canada,
                "us_residents_per_day": ca["us_residents"] / days,
                "canadians_from_us_per_day": ca["canadians_from_us"] / days,
                **{f"into_canada_{m}_per_day": v for m, v in per_mode.items()},
                "both_per_day": us["people_per_day"] + into_canada,
                "both_land_per_day": (
                    us["people_per_day"] + per_mode["land"] if per_mode["land"] is not None else None
                ),
                "canada_table": ca["table"],
            }
        )
    sources = [s for s in (SOURCE_ID, OLDER_SOURCE_ID) if s in used] or [SOURCE_ID]
    return MetricTable(
        id="travellers-both-directions",
        title=title,
        definition=BOTH_DEFINITION,
        columns=BOTH_COLUMNS,
        rows=rows,
        provenance=provenance(con, BTS_ID, *sources),
    )


CROSSWALK = Path(__file__).resolve().parents[2] / "registry" / "data" / "port_crosswalk.csv"
FACING_DEFINITION = (
    "Facing ports of the busiest crossings, with the people entering the United States at each "
    "US port (BTS). The Canadian side names the facing Canada Border Services Agency crossing; "
    "Canada publishes no open count of travellers by port, so the into-Canada column stays "
    "empty until such a count is available."
)
FACING_COLUMNS = [
    Column("us_port_name", "US port", "text"),
    Column("bts_port_code", "BTS port code", "code"),
    Column("ca_crossings", "Facing Canadian crossings", "text"),
    Column("into_us_per_day", "Into the US, people per day (BTS)", "per_day"),
    Column("into_canada_per_day", "Into Canada, travellers per day", "per_day"),
]


def port_crosswalk() -> list[dict[str, str]]:
    """Rows of ``registry/data/port_crosswalk.csv`` (BTS port code kept as 4 characters)."""
    with CROSSWALK.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _people_per_day_by_port(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int | None]:
    """People entering the US per day at each port in ``year``, over the months the port reported
    (a gap is not a zero), rounded by the one per-day rule."""
    cur = con.execute(
        f"""
        SELECT port_code, sum(value) AS people, list(DISTINCT month(period)) AS months
        FROM border_crossings
        WHERE year(period) = ?
          AND measure IN {border_metrics._in(border_metrics.PEOPLE_MEASURES)}
        GROUP BY port_code""",
        [year],
    )
    return {
        code: periods.per_day(float(people) if people is not None else None, periods.days_in_months(year, months))
        for code, people, months in cur.fetchall()
    }


def facing_ports(con: duckdb.DuckDBPyConnection, year: int | None = None) -> MetricTable:
    """Each US port of the crosswalk beside its facing Canadian crossings, for ``year``."""
    title = "Facing ports on the Canada–US border"
    if not has_tables(con, "border_crossings", "ports"):
        return _empty("travellers-facing-ports", title, FACING_DEFINITION, FACING_COLUMNS, con, BTS_ID)
    year = year or border_metrics.latest_complete_year(con)
    facing: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in port_crosswalk():
        facing[row["bts_port_code"]].append(row["ca_crossing_name"])
        names[row["bts_port_code"]] = row["us_port_name"]
    people = _people_per_day_by_port(con, year) if year else {}
    rows = [
        {
            "us_port_name": names[code],
            "bts_port_code": code,
            "ca_crossings": "; ".join(facing[code]),
            "into_us_per_day": people.get(code),
            "into_canada_per_day": None,
        }
        for code in facing
    ]
    rows.sort(key=lambda r: -float(r["into_us_per_day"] or 0))
    return MetricTable(
        id="travellers-facing-ports",
        title=title,
        definition=FACING_DEFINITION,
        columns=FACING_COLUMNS,
        rows=rows,
        provenance=provenance(con, BTS_ID),
        summary={"year": str(year) if year else ""},
    )
