"""Before a source's new tables replace the published ones: is the new vintage plausible?

An upstream file with half the rows, ten rows, every value negative, every value empty or every
value multiplied by 1,000 loads without a layout error; each would go live. The gate compares
the new tables with the published ones (row count, the total and range of each declared
measure over the keys both hold, the share of empty values, negative counts) against
thresholds declared per source, and an as-of period that goes backwards. A breach stops that
source's update; ``--accept-change SOURCE`` (or ``--allow-older SOURCE`` for an older vintage)
publishes it on purpose, and the history records that it did.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from canus.i18n import _, fmt_number
from canus.revisions import ident
from canus.table_specs import TableSpec

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Thresholds:
    #: New row count below this share of the published one is a breach.
    min_row_ratio: float = 0.9
    #: A total (over the keys both vintages hold) or largest value moved by more than this factor.
    factor: float = 3.0
    #: Share of empty values up by more than this many percentage points.
    empty_points: float = 20.0


DEFAULT = Thresholds()

#: Per source; every source not named here uses ``DEFAULT``.
THRESHOLDS: dict[str, Thresholds] = {
    "bts-border-crossings": DEFAULT,
    "cer-electricity-trade": DEFAULT,
    "great-lakes-water-levels": DEFAULT,
    "air-emissions": DEFAULT,
    # The Census API answers the years CANUS_CENSUS_YEARS names; a narrower setting is a choice,
    # but still one an operator should confirm.
    "census-trade": DEFAULT,
    # Three countries' outlines; a new Natural Earth release may simplify them (fewer points).
    "natural-earth-countries": Thresholds(factor=10.0),
}


def thresholds_for(source_id: str) -> Thresholds:
    return THRESHOLDS.get(source_id, DEFAULT)


@dataclass(frozen=True)
class Breach:
    check: str  # rows | total | range | empty | negative
    detail: dict[str, str]  # the explanation in en and fr


def both(message: str, *, digits: int = 2, **params: object) -> dict[str, str]:
    """``message`` in English and French; a fraction is shown with ``digits`` decimals, below 100."""

    def value(v: object, lang: str) -> object:
        if isinstance(v, float | int) and not isinstance(v, bool):
            return fmt_number(v, lang, 0 if float(v).is_integer() or abs(v) >= 100 else digits)
        return v

    return {lang: _(message, lang, **{k: value(v, lang) for k, v in params.items()}) for lang in ("en", "fr")}


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()
    return int(row[0]) if row else 0


def _profile(con: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[float, int]:
    """Share of empty values (0 to 1) and count of negatives, over the whole table."""
    c = ident(column)
    row = con.execute(
        f"SELECT coalesce(avg(({c} IS NULL)::INT), 0), count(*) FILTER (WHERE {c} < 0) FROM {ident(table)}"
    ).fetchone()
    assert row is not None
    return float(row[0]), int(row[1])


@dataclass(frozen=True)
class _Common:
    """Totals and largest absolute values over the keys both vintages hold."""

    keys: int
    sum_old: float | None
    sum_new: float | None
    top_old: float | None
    top_new: float | None


def _common(con: duckdb.DuckDBPyConnection, old: str, new: str, spec: TableSpec, column: str) -> _Common:
    # Over common keys only: a newer vintage adds months (and bigger ports), which must not
    # read as a jump; the same key multiplied by 1,000 must.
    if not spec.key:
        return _Common(0, None, None, None, None)
    on = " AND ".join(f"o.{ident(k)} IS NOT DISTINCT FROM n.{ident(k)}" for k in spec.key)
    c = ident(column)
    row = con.execute(
        f"SELECT count(*), sum(o.{c})::DOUBLE, sum(n.{c})::DOUBLE, max(abs(o.{c}))::DOUBLE, "
        f"max(abs(n.{c}))::DOUBLE FROM {ident(old)} o JOIN {ident(new)} n ON {on}"
    ).fetchone()
    assert row is not None
    return _Common(int(row[0]), row[1], row[2], row[3], row[4])


def _moved(old: float | None, new: float | None, factor: float) -> bool:
    if not old:
        return False
    if new is None or new == 0 or (new > 0) != (old > 0):
        return True
    ratio = new / old
    return ratio > factor or ratio < 1 / factor


def check_table(
    con: duckdb.DuckDBPyConnection, table: str, old: str, new: str, spec: TableSpec, limits: Thresholds
) -> list[Breach]:
    """Breaches of ``limits`` by the new table ``new`` against the published ``old``."""
    out: list[Breach] = []
    n_old, n_new = _rows(con, old), _rows(con, new)
    if n_old and n_new < limits.min_row_ratio * n_old:
        out.append(
            Breach(
                "rows",
                both(
                    "rows of {table}: {new} against {old} published (fewer than {limit}% of them)",
                    table=table,
                    new=n_new,
                    old=n_old,
                    limit=round(limits.min_row_ratio * 100),
                ),
            )
        )
    new_cols = {r[0] for r in con.execute(f"DESCRIBE {ident(new)}").fetchall()}
    old_cols = {r[0] for r in con.execute(f"DESCRIBE {ident(old)}").fetchall()}
    if not set(spec.key) <= new_cols & old_cols:
        # A key column one vintage lacks (a renamed dimension): no common keys to compare over;
        # the row count, empty shares and signs are still checked.
        spec = TableSpec(key=(), compared=spec.compared, measures=spec.measures, non_negative=spec.non_negative)
    for column in (m for m in spec.measures if m in new_cols and m in old_cols):
        out.extend(_check_measure(con, table, old, new, spec, column, limits))
    return out


def _check_measure(
    con: duckdb.DuckDBPyConnection, table: str, old: str, new: str, spec: TableSpec, column: str, limits: Thresholds
) -> list[Breach]:
    out: list[Breach] = []
    name = f"{table}.{column}"
    empty_old, neg_old = _profile(con, old, column)
    empty_new, neg_new = _profile(con, new, column)
    common = _common(con, old, new, spec, column)
    if common.keys and _moved(common.sum_old, common.sum_new, limits.factor):
        out.append(
            Breach(
                "total",
                both(
                    "total of {column} over the {n} keys both vintages hold: {new} against {old} "
                    "published (moved by more than a factor of {factor})",
                    column=name,
                    n=common.keys,
                    new=common.sum_new if common.sum_new is not None else "—",
                    old=common.sum_old or 0,
                    factor=limits.factor,
                ),
            )
        )
    if common.keys and common.top_new and _moved(common.top_old, common.top_new, limits.factor):
        out.append(
            Breach(
                "range",
                both(
                    "largest absolute value of {column} over the keys both vintages hold: {new} against "
                    "{old} published (moved by more than a factor of {factor})",
                    column=name,
                    new=common.top_new,
                    old=common.top_old or 0,
                    factor=limits.factor,
                ),
            )
        )
    if (empty_new - empty_old) * 100 > limits.empty_points:
        out.append(
            Breach(
                "empty",
                both(
                    "empty values in {column}: {new}% against {old}% published (up by more than {points} points)",
                    digits=1,
                    column=name,
                    new=empty_new * 100,
                    old=empty_old * 100,
                    points=limits.empty_points,
                ),
            )
        )
    if column in spec.non_negative and neg_new > neg_old:
        out.append(
            Breach(
                "negative",
                both(
                    "negative values in {column}, which counts something: {new} against {old} published",
                    column=name,
                    new=neg_new,
                    old=neg_old,
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------- vintages

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_VERSION = re.compile(r"^v?(\d+(?:\.\d+)+)$")


def _as_of_key(as_of: str | None) -> tuple[str, tuple[int, ...]] | None:
    if not as_of:
        return None
    if m := _DATE.match(as_of.strip()):
        return "date", tuple(int(p) for p in m.groups() if p is not None)
    if m := _VERSION.match(as_of.strip()):
        return "version", tuple(int(p) for p in m.group(1).split("."))
    return None


def _release_time(release: str | None) -> dt.datetime | None:
    if not release:
        return None
    try:
        when = dt.datetime.fromisoformat(release.strip())  # 3.11 reads a trailing "Z" itself
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def compare_vintages(
    new_as_of: str | None, old_as_of: str | None, new_release: str | None = None, old_release: str | None = None
) -> int:
    """-1 when the new vintage is older than the published one, 1 when newer, 0 tied or unknown.

    The as-of period decides (compared at the precision both give: ``2019`` ties ``2019-03``);
    where it ties or either lacks one, the publisher's release time does.
    """
    a, b = _as_of_key(new_as_of), _as_of_key(old_as_of)
    if a and b and a[0] == b[0]:
        n = min(len(a[1]), len(b[1]))
        if a[1][:n] != b[1][:n]:
            return -1 if a[1][:n] < b[1][:n] else 1
    ra, rb = _release_time(new_release), _release_time(old_release)
    if ra and rb and ra != rb:
        return -1 if ra < rb else 1
    return 0
