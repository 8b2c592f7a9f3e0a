"""Canada Energy Regulator: electricity exports to and imports from the United States.

Refresh: ``canus update cer-electricity-trade`` downloads both publications of
open.canada.ca dataset ``5c358f51-bc8c-4565-854d-9d2e35e6b178``:
``https://www.cer-rec.gc.ca/open/imports-exports/electricity-exports-and-imports-monthly.csv``
(about 3 MB, updated monthly, a few months behind) and ``…-annual.csv`` (by ``Year``, the
same columns otherwise). The annual file is CER's revised account of each year it covers:
where both give a year, ``electricity_trade_years`` takes the annual figures and says so
(``publication``), keeping the monthly sums beside them so the size of each revision can be
shown. The annual file is optional (a mirror or a publisher without it: monthly sums only).

What it counts: energy (MW.h) and value (Canadian dollars) of electricity crossing the
border, by month, Canadian province and US state (or US market region such as
``New England-ISO``). For exports ``Source`` is the province and ``Destination`` the state;
for imports it is the other way round.

Layout as published, and its pitfalls:
- Windows-1252 / Latin-1 (``Québec`` is byte ``E9``), not UTF-8;
- ``Period`` written ``01/01/1990`` (month/day/year, always the first of the month);
- ``Total`` rows in ``Source`` or ``Destination`` (per province, per state, and both for the
  grand total): left out of the tidy table, but used to check that the detail rows add up;
- ``Price`` is the literal ``Confidential`` for some rows (kept as NULL, flagged);
- a few rows have a blank ``Destination`` (state not disclosed), and a few negative
  adjustments; both are kept as published.
"""

from __future__ import annotations

import contextlib
import gzip
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from canus.errors import CanusError, LayoutError
from canus.settings import get_settings
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import header, sql_str

SOURCE_ID = "cer-electricity-trade"
FILE_NAME = "electricity-exports-and-imports-monthly.csv"
ANNUAL_FILE_NAME = "electricity-exports-and-imports-annual.csv"
BASE_URL = "https://www.cer-rec.gc.ca/open/imports-exports/"
DEFAULT_URL = BASE_URL + FILE_NAME
ANNUAL_URL = BASE_URL + ANNUAL_FILE_NAME
ENERGY, VALUE, PRICE = "Energy (MW.h)", "Total Value (CAN$)", "Price (CAN$/MW.h)"
REQUIRED = ("Period", "Activity", "Source", "Destination", ENERGY, VALUE, PRICE)
REQUIRED_ANNUAL = ("Year", "Activity", "Source", "Destination", ENERGY, VALUE, PRICE)
ENCODING = "cp1252"
#: The published totals must match the sum of the detail rows to within rounding.
TOLERANCE_MWH = 1.0
TOLERANCE_CAD = 100.0

_DATE_SQL = """coalesce(
    try_strptime(trim("Period"), '%m/%d/%Y'),
    try_strptime(trim("Period"), '%Y-%m-%d'),
    try_strptime(trim("Period"), '%Y-%m')
)::DATE"""
#: The annual file's ``Year`` as the first day of the year, so both files share one period column.
_YEAR_SQL = """make_date(try_cast(trim("Year") AS INTEGER), 1, 1)"""


@contextlib.contextmanager
def utf8_copy(path: Path) -> Iterator[Path]:
    """A UTF-8 copy of a Windows-1252 / Latin-1 file, for as long as the block runs.

    Government of Canada files are often Windows-1252, which is Latin-1 plus curly quotes
    in bytes 0x80–0x9F (``d’azote``); DuckDB's Latin-1 reader refuses those bytes, so the
    text is decoded here, the way the publisher wrote it.
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    with tempfile.TemporaryDirectory(prefix="canus-utf8-") as tmp:
        out = Path(tmp) / (path.name.removesuffix(".gz"))
        out.write_text(text.lstrip("\ufeff"), encoding="utf-8")
        yield out


def _num(col: str) -> str:
    # DECIMAL keeps sums exact, so the check against the published totals is not blurred by
    # floating-point error on 40,000 rows.
    return f"try_cast(replace(trim(\"{col}\"), ',', '') AS DECIMAL(20, 4))"


def _stage(con: duckdb.DuckDBPyConnection, path: Path, table: str = "cer_stage", annual: bool = False) -> None:
    period_col = "Year" if annual else "Period"
    con.execute(f"""
        CREATE TEMP TABLE {table} AS
        SELECT trim("{period_col}") AS period_text,
               {_YEAR_SQL if annual else _DATE_SQL} AS period,
               lower(trim("Activity")) AS activity_text,
               nullif(trim("Source"), '') AS src,
               nullif(trim("Destination"), '') AS dst,
               trim("{ENERGY}") AS energy_text,
               {_num(ENERGY)} AS energy_mwh,
               trim("{VALUE}") AS value_text,
               {_num(VALUE)} AS value_cad,
               trim("{PRICE}") AS price_text,
               try_cast(trim("{PRICE}") AS DOUBLE) AS price
        FROM read_csv({sql_str(path)}, header = true, all_varchar = true)
    """)


def _tidy_sql(stage: str, source: Source, snap: Snapshot) -> str:
    """Detail rows of a staged file as ``electricity_trade`` holds them (Total rows left out)."""
    return f"""
        SELECT period,
               CASE activity_text WHEN 'exports' THEN 'export' ELSE 'import' END AS activity,
               CASE activity_text WHEN 'exports' THEN src ELSE dst END AS province,
               CASE activity_text WHEN 'exports' THEN dst ELSE src END AS us_state,
               energy_mwh::DOUBLE AS energy_mwh,
               value_cad::DOUBLE AS value_cad,
               price AS price_cad_per_mwh,
               price IS NULL AND lower(price_text) = 'confidential' AS price_confidential,
               {sql_str(source.id)} AS source_id,
               {sql_str(snap.sha256)} AS snapshot_sha256
        FROM {stage}
        WHERE coalesce(src, '') <> 'Total' AND coalesce(dst, '') <> 'Total'
    """


def _check_columns(snap: Snapshot, required: tuple[str, ...], source: Source) -> None:
    cols = set(header(snap.path, encoding=ENCODING))
    missing = [c for c in required if c not in cols]
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.address,
            columns=", ".join(missing),
        )


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    annual = snaps.get(ANNUAL_FILE_NAME)
    _check_columns(snap, REQUIRED, source)
    if annual is not None:
        _check_columns(annual, REQUIRED_ANNUAL, source)
    try:
        with utf8_copy(snap.path) as text_path:
            _stage(con, text_path)
        _validate(con, source, snap)
        con.execute(
            f"CREATE TABLE electricity_trade AS {_tidy_sql('cer_stage', source, snap)} "
            "ORDER BY period, activity, province, us_state"
        )
        notes = _monthly_notes(con)
        if annual is not None:
            with utf8_copy(annual.path) as text_path:
                _stage(con, text_path, "cer_annual_stage", annual=True)
            _validate(con, source, annual, "cer_annual_stage")
            con.execute(f"CREATE TEMP TABLE cer_annual AS {_tidy_sql('cer_annual_stage', source, annual)}")
        else:
            con.execute("CREATE TEMP TABLE cer_annual AS SELECT * FROM electricity_trade WHERE false")
        _build_years(con, source, snap)
        notes.update(_annual_notes(con, annual))
    finally:
        for temp in ("cer_stage", "cer_annual_stage", "cer_annual"):
            con.execute(f"DROP TABLE IF EXISTS {temp}")
    rows, as_of = con.execute("SELECT count(*), strftime(max(period), '%Y-%m') FROM electricity_trade").fetchone()  # type: ignore[misc]
    return LoadResult(rows=rows, as_of=as_of, notes=notes)


def _monthly_notes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("SELECT count(*) FROM electricity_trade").fetchone()[0]  # type: ignore[index]
    published, confidential = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE lower(price_text) = 'confidential') FROM cer_stage"
    ).fetchone()  # type: ignore[misc]
    return {
        "rows_published": str(published),
        "total_rows_left_out": str(published - rows),
        "confidential_prices": str(confidential),
    }


def _annual_notes(con: duckdb.DuckDBPyConnection, annual: Snapshot | None) -> dict[str, str]:
    if annual is None:
        return {"annual_file": "absent"}
    first, last, revised = con.execute("""
        SELECT min(year), max(year),
               count(DISTINCT year) FILTER (WHERE abs(coalesce(annual_energy_mwh, 0)
                   - coalesce(monthly_energy_mwh, 0)) > 0.5 AND months_in_monthly = 12)
        FROM electricity_trade_years WHERE publication = 'annual'
    """).fetchone()  # type: ignore[misc]
    if first is None:
        return {"annual_file": "empty"}
    return {"annual_years": f"{first}-{last}", "annual_years_revised": str(revised)}


def _build_years(con: duckdb.DuckDBPyConnection, source: Source, snap: Snapshot) -> None:
    """One row per year, direction, province and US state: the monthly sum, the annual figure,
    and the one the metrics use (the annual file's wherever it covers the year)."""
    con.execute(f"""
        CREATE TABLE electricity_trade_years AS
        WITH k AS (
            SELECT year(period) AS year, activity, province, us_state,
                   energy_mwh AS me, value_cad AS mv, NULL::DOUBLE AS ae, NULL::DOUBLE AS av,
                   NULL AS annual_sha
            FROM electricity_trade
            UNION ALL
            SELECT year(period), activity, province, us_state, NULL, NULL, energy_mwh, value_cad,
                   snapshot_sha256
            FROM cer_annual
        ), months AS (
            SELECT year(period) AS year, count(DISTINCT month(period)) AS months_in_monthly
            FROM electricity_trade GROUP BY ALL
        ), annual_years AS (SELECT DISTINCT year(period) AS year FROM cer_annual),
        g AS (
            SELECT year, activity, province, us_state,
                   sum(me) AS monthly_energy_mwh, sum(mv) AS monthly_value_cad,
                   sum(ae) AS annual_energy_mwh, sum(av) AS annual_value_cad,
                   any_value(annual_sha) AS annual_sha
            FROM k GROUP BY ALL
        )
        SELECT g.year, activity, province, us_state,
               monthly_energy_mwh, monthly_value_cad, annual_energy_mwh, annual_value_cad,
               coalesce(m.months_in_monthly, 0) AS months_in_monthly,
               CASE WHEN a.year IS NULL THEN 'monthly' ELSE 'annual' END AS publication,
               CASE WHEN a.year IS NULL THEN monthly_energy_mwh
                    ELSE coalesce(annual_energy_mwh, 0) END AS energy_mwh,
               CASE WHEN a.year IS NULL THEN monthly_value_cad
                    ELSE coalesce(annual_value_cad, 0) END AS value_cad,
               {sql_str(source.id)} AS source_id,
               CASE WHEN a.year IS NULL THEN {sql_str(snap.sha256)}
                    ELSE coalesce(annual_sha, (SELECT any_value(snapshot_sha256) FROM cer_annual))
               END AS snapshot_sha256
        FROM g LEFT JOIN months m USING (year) LEFT JOIN annual_years a USING (year)
        ORDER BY g.year, activity, province, us_state
    """)


def _validate(con: duckdb.DuckDBPyConnection, source: Source, snap: Snapshot, stage: str = "cer_stage") -> None:
    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError(
            "{source}: {file}: {problem}", source=source.id, file=snap.address, problem=CanusError(message, **fields)
        )

    n = con.execute(f"SELECT count(*) FROM {stage}").fetchone()[0]  # type: ignore[index]
    if n == 0:
        raise fail("the file has no data rows")
    bad = con.execute(f"SELECT count(*), any_value(period_text) FROM {stage} WHERE period IS NULL").fetchone()
    if bad and bad[0]:
        raise fail("{n} rows have a Period in no known form (e.g. {example!r})", n=bad[0], example=bad[1])
    bad = con.execute(f"""
        SELECT count(*), any_value(activity_text) FROM {stage}
        WHERE activity_text NOT IN ('exports', 'imports')
    """).fetchone()
    if bad and bad[0]:
        raise fail(
            "{n} rows have an Activity other than Exports or Imports (e.g. {example!r})", n=bad[0], example=bad[1]
        )
    bad = con.execute(f"""
        SELECT count(*), any_value(coalesce(energy_text, '') || ' / ' || coalesce(value_text, ''))
        FROM {stage} WHERE energy_mwh IS NULL OR value_cad IS NULL
    """).fetchone()
    if bad and bad[0]:
        raise fail("{n} rows have an energy or value that is not a number (e.g. {example!r})", n=bad[0], example=bad[1])
    _check_totals(con, stage, fail)


def _check_totals(con: duckdb.DuckDBPyConnection, stage: str, fail: Callable[..., LayoutError]) -> None:
    # The grand total of each period and direction must equal the sum of its detail rows:
    # this catches a file cut short, a changed meaning of "Total" or a shifted column.
    off = con.execute(f"""
        WITH detail AS (
            SELECT period, activity_text, sum(energy_mwh) AS e, sum(value_cad) AS v
            FROM {stage}
            WHERE coalesce(src, '') <> 'Total' AND coalesce(dst, '') <> 'Total'
            GROUP BY ALL
        ), total AS (
            SELECT period, activity_text, sum(energy_mwh) AS e, sum(value_cad) AS v
            FROM {stage} WHERE src = 'Total' AND dst = 'Total'
            GROUP BY ALL
        )
        SELECT count(*), any_value(strftime(t.period, '%Y-%m') || ' ' || t.activity_text),
               any_value(d.e::VARCHAR || ' vs ' || t.e::VARCHAR)
        FROM total t LEFT JOIN detail d USING (period, activity_text)
        WHERE d.e IS NULL OR abs(d.e - t.e) > {TOLERANCE_MWH} OR abs(d.v - t.v) > {TOLERANCE_CAD}
    """).fetchone()
    if off and off[0] and stage == "cer_annual_stage":
        raise fail(
            "{n} yearly totals do not match the sum of their rows (e.g. {example}: {detail} MW.h)",
            n=off[0],
            example=off[1][:4] + off[1][7:],
            detail=off[2],
        )
    if off and off[0]:
        raise fail(
            "{n} monthly totals do not match the sum of their rows (e.g. {example}: {detail} MW.h)",
            n=off[0],
            example=off[1],
            detail=off[2],
        )


def _resolve_files(source: Source) -> tuple[RemoteFile, ...]:
    # CANUS_URL_CER_ELECTRICITY_TRADE names the monthly file; the annual one sits beside it,
    # as on CER's site.
    monthly = get_settings().url_for(source.id, DEFAULT_URL)
    annual = monthly.rsplit("/", 1)[0] + "/" + ANNUAL_FILE_NAME
    return (
        RemoteFile(name=FILE_NAME, url=monthly, kind="csv", required_columns=REQUIRED, encoding=ENCODING),
        RemoteFile(
            name=ANNUAL_FILE_NAME,
            url=annual,
            kind="csv",
            required_columns=REQUIRED_ANNUAL,
            encoding=ENCODING,
            optional=True,
        ),
    )


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Electricity exports and imports (monthly and annual)",
        "fr": "Exportations et importations d'électricité (mensuelles et annuelles)",
    },
    publisher={"en": "Canada Energy Regulator", "fr": "Régie de l'énergie du Canada"},
    licence=LICENCES["ogl-canada"],
    landing_url="https://open.canada.ca/data/en/dataset/5c358f51-bc8c-4565-854d-9d2e35e6b178",
    cadence="monthly",
    files=(
        RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED, encoding=ENCODING),
        RemoteFile(
            name=ANNUAL_FILE_NAME,
            url=ANNUAL_URL,
            kind="csv",
            required_columns=REQUIRED_ANNUAL,
            encoding=ENCODING,
            optional=True,
        ),
    ),
    tables=("electricity_trade", "electricity_trade_years"),
    load=load,
    resolve_files=_resolve_files,
    description={
        "en": "Electricity that Canada sells to and buys from the United States, in megawatt "
        "hours and Canadian dollars, by month, province and US state or market, as reported "
        "to the Canada Energy Regulator; years that CER's annual file covers use its revised "
        "figures.",
        "fr": "Électricité que le Canada vend aux États-Unis et leur achète, en mégawattheures et "
        "en dollars canadiens, par mois, province et État ou marché américain, selon les "
        "déclarations faites à la Régie de l'énergie du Canada; les années que couvre le fichier "
        "annuel de la Régie reprennent ses chiffres révisés.",
    },
)

register(SOURCE)
