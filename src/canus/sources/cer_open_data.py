"""Reading the Canada Energy Regulator's open-data CSVs (``/open/imports-exports/…``): what the
crude oil and natural gas readers share.

Those files are Windows-1252, write ``Period`` as ``2021-01-01``, ``01/31/2021`` or ``2021-01``,
and put the literal ``Confidential`` in place of a hidden number. Each reader stages the file as
text beside the numbers it reads (so a value that is neither a number nor ``Confidential`` can be
reported as written), checks the stage, then builds its tidy table from it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

import duckdb

from canus.errors import CanusError, LayoutError
from canus.sources.base import Snapshot, Source
from canus.sources.cer_electricity import utf8_copy
from canus.sources.csvutil import header, ident, sql_str

ENCODING = "cp1252"

#: ``Period`` in any of the forms CER has used, as the first day of its month.
PERIOD_SQL = """coalesce(
    try_strptime(trim("Period"), '%Y-%m-%d'),
    try_strptime(trim("Period"), '%m/%d/%Y'),
    try_strptime(trim("Period"), '%Y-%m')
)::DATE"""


def num_sql(col: str) -> str:
    """The column read as a number (thousands separators dropped); NULL when it is not one."""
    return f"try_cast(replace(trim({ident(col)}), ',', '') AS DOUBLE)"


def columns(snap: Snapshot) -> list[str]:
    return header(snap.path, encoding=ENCODING)


def require_columns(snap: Snapshot, source: Source, missing: Iterable[str]) -> None:
    """Refuse the file when any expected column is missing, naming them."""
    missing = list(missing)
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.name,
            columns=", ".join(missing),
        )


def layout_failure(source: Source, snap: Snapshot) -> Callable[..., LayoutError]:
    """A maker of layout errors naming the source and the file, for the checks of a stage."""

    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError(
            "{source}: {file}: {problem}", source=source.id, file=snap.name, problem=CanusError(message, **fields)
        )

    return fail


@contextlib.contextmanager
def staged(con: duckdb.DuckDBPyConnection, snap: Snapshot, stage: str, select: str) -> Iterator[None]:
    """The file's data rows in temporary table ``stage`` while the block runs (dropped after).

    The stage holds ``period_text`` and ``period`` (from :data:`PERIOD_SQL`) and the columns
    ``select`` names; rows without a Period are left out.
    """
    with utf8_copy(snap.path) as text_path:
        con.execute(f"""
            CREATE TEMP TABLE {stage} AS
            SELECT trim("Period") AS period_text, {PERIOD_SQL} AS period,
                   {select}
            FROM read_csv({sql_str(text_path)}, header = true, all_varchar = true)
            WHERE nullif(trim("Period"), '') IS NOT NULL
        """)
    try:
        yield
    finally:
        con.execute(f"DROP TABLE IF EXISTS {stage}")


def check_periods(con: duckdb.DuckDBPyConnection, stage: str, fail: Callable[..., LayoutError]) -> None:
    """The stage has rows, and every Period is in a known form."""
    if not con.execute(f"SELECT count(*) FROM {stage}").fetchone()[0]:  # type: ignore[index]
        raise fail("the file has no data rows")
    bad = con.execute(f"SELECT count(*), any_value(period_text) FROM {stage} WHERE period IS NULL").fetchone()
    if bad and bad[0]:
        raise fail("{n} rows have a Period in no known form (e.g. {example!r})", n=bad[0], example=bad[1])


def unreadable_numbers(
    con: duckdb.DuckDBPyConnection, stage: str, pairs: Iterable[tuple[str, str]]
) -> tuple[int, str | None]:
    """Rows where a (number, text) pair of the stage is neither a number, ``Confidential`` nor
    blank: how many, and one example as written (the texts joined by `` / ``)."""
    pairs = list(pairs)
    example = " || ' / ' || ".join(text for _, text in pairs)
    where = "\n           OR ".join(
        f"({num} IS NULL AND lower({text}) NOT IN ('confidential', ''))" for num, text in pairs
    )
    row = con.execute(f"SELECT count(*), any_value({example}) FROM {stage} WHERE {where}").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)
