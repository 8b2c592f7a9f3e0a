"""Community Emissions Data System (CEDS): Canada's and the United States' emissions since 1851.

Refresh: ``CANUS_MIRROR=DIR canus update ceds-emissions`` reads
``ceds_emissions_can_usa_hector_units.csv`` from the mirror. The shared data folder files it
under ``air-emissions/`` (beside ECCC's air pollutant table), so the mirror folder
``air-emissions`` is read when ``ceds-emissions`` has none — declared in ``MIRROR_FOLDERS``.
This file is a reformatting of a CEDS release (PNNL / JGCRI, https://github.com/JGCRI/CEDS,
CC BY 4.0) into the units of the Hector climate model; it has no fixed public address of its
own, so a network update needs ``CANUS_URL_CEDS_EMISSIONS`` set to wherever a copy is served.

What it counts: yearly anthropogenic emissions of ten species for ``can`` and ``usa``,
1851–2022, modelled by CEDS from energy and activity statistics: an estimate, not an
official inventory. Use for long trends in both countries on one method; the official
inventories (ECCC's ``air-emissions``, the EPA's) stay the reference for levels.

Layout: ``country,year,variable,value,units`` with years written ``1980.0`` and units as
Hector uses them: ``SO2_emissions`` in ``Gg S`` (gigagrams of sulphur, not of SO2),
``NOX_emissions`` in ``Tg N`` (teragrams of nitrogen), ``ffi_emissions`` in ``Pg C/yr`` …
Values are kept exactly as the file gives them, with their unit; conversion to tonnes of SO2
or NO2 happens in the metric (``canus.pillars.environment.air``), where it is stated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import httpx

from canus.errors import CanusError, FetchError, LayoutError
from canus.settings import Settings, get_settings
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import header, sql_str
from canus.sources.fetch import Progress, SnapshotStore, _now, _sha256_file, check_file, fetch_file

SOURCE_ID = "ceds-emissions"
FILE_NAME = "ceds_emissions_can_usa_hector_units.csv"
#: Mirror folders searched in order: the source's own, then where the shared data files it.
MIRROR_FOLDERS = (SOURCE_ID, "air-emissions")
REQUIRED = ("country", "year", "variable", "value", "units")
COUNTRIES = {"can": "CA", "usa": "US"}
REMOTE = RemoteFile(name=FILE_NAME, url="", kind="csv", required_columns=REQUIRED)


def fetch(
    source: Source,
    *,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> dict[str, Snapshot]:
    settings = settings or get_settings()
    if settings.mirror is not None:
        for folder in MIRROR_FOLDERS:
            found = next(
                (
                    p
                    for p in (settings.mirror / folder / FILE_NAME, settings.mirror / folder / f"{FILE_NAME}.gz")
                    if p.is_file()
                ),
                None,
            )
            if found is not None:
                return {FILE_NAME: _from_mirror(found, settings)}
        raise FetchError(
            "{source}: the mirror {mirror} has no {name} in any of {folders}",
            source=SOURCE_ID,
            mirror=settings.mirror,
            name=FILE_NAME,
            folders=", ".join(MIRROR_FOLDERS),
        )
    url = settings.url_for(SOURCE_ID, "")
    if not url:
        raise FetchError(
            "{source}: this derived file has no fixed public address; set CANUS_MIRROR to a folder "
            "holding {name} (under air-emissions/ or ceds-emissions/) or CANUS_URL_CEDS_EMISSIONS "
            "to an address serving it",
            source=SOURCE_ID,
            name=FILE_NAME,
        )
    rf = RemoteFile(name=FILE_NAME, url=url, kind="csv", required_columns=REQUIRED)
    return {FILE_NAME: fetch_file(source, rf, settings=settings, client=client, progress=progress)}


def _from_mirror(found: Path, settings: Settings) -> Snapshot:
    store = SnapshotStore(settings.raw_dir)
    store.dir.mkdir(parents=True, exist_ok=True)
    name = FILE_NAME + (".gz" if found.name.endswith(".gz") else "")
    sha = _sha256_file(found)
    previous = store.latest(SOURCE_ID, name)
    known = store.path_for(sha, name)
    if previous and previous.get("sha256") == sha and known.exists():
        return Snapshot(**{**previous, "path": known})  # type: ignore[arg-type]
    fd, tmp_name = tempfile.mkstemp(dir=store.dir, suffix=".csv.gz" if name.endswith(".gz") else ".csv")
    os.close(fd)
    tmp = Path(tmp_name)
    shutil.copyfile(found, tmp)
    try:
        check_file(tmp, REMOTE, SOURCE_ID, str(found))
    except FetchError:
        tmp.unlink(missing_ok=True)
        raise
    snap = Snapshot(
        source_id=SOURCE_ID,
        name=name,
        url=found.resolve().as_uri(),
        sha256=sha,
        path=tmp,
        size=found.stat().st_size,
        retrieved_at=_now(),
        origin="mirror",
    )
    return store.add(tmp, snap)


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps.get(FILE_NAME) or snaps[FILE_NAME + ".gz"]
    cols = header(snap.path)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.name,
            columns=", ".join(missing),
        )

    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError(
            "{source}: {file}: {problem}", source=source.id, file=snap.name, problem=CanusError(message, **fields)
        )

    con.execute(f"""
        CREATE TEMP TABLE ceds_stage AS
        SELECT lower(trim(country)) AS country_text, trim(year) AS year_text,
               try_cast(try_cast(trim(year) AS DOUBLE) AS INTEGER) AS year,
               trim(variable) AS variable, trim(value) AS value_text,
               try_cast(trim(value) AS DOUBLE) AS value, trim(units) AS unit
        FROM read_csv({sql_str(snap.path)}, header = true, all_varchar = true)
    """)
    try:
        if not con.execute("SELECT count(*) FROM ceds_stage").fetchone()[0]:  # type: ignore[index]
            raise fail("the file has no data rows")
        bad = con.execute("""
            SELECT count(*), any_value(country_text || ' ' || year_text || ' ' || variable || ': ' || value_text)
            FROM ceds_stage WHERE year IS NULL OR (value IS NULL AND value_text <> '')
        """).fetchone()
        if bad and bad[0]:
            raise fail(
                "{n} rows have a year or value that is not a number (e.g. {example!r})", n=bad[0], example=bad[1]
            )
        known = ", ".join(sql_str(c) for c in COUNTRIES)
        bad = con.execute(
            f"SELECT string_agg(DISTINCT country_text, ', ') FROM ceds_stage WHERE country_text NOT IN ({known})"
        ).fetchone()[0]  # type: ignore[index]
        if bad:
            raise fail("unexpected countries: {countries}", countries=bad)
        # One unit per species: a file mixing Gg S and Tg SO2 for one variable would be misread.
        mixed = con.execute("""
            SELECT string_agg(variable, ', ') FROM (SELECT variable FROM ceds_stage
                                                    GROUP BY variable HAVING count(DISTINCT unit) > 1)
        """).fetchone()[0]  # type: ignore[index]
        if mixed:
            raise fail("more than one unit for: {variables}", variables=mixed)
        mapping = "MAP {" + ", ".join(f"{sql_str(k)}: {sql_str(v)}" for k, v in COUNTRIES.items()) + "}"
        con.execute(f"""
            CREATE TABLE ceds_emissions AS
            SELECT {mapping}[country_text] AS country, year,
                   regexp_replace(variable, '_emissions$', '') AS species, variable,
                   value, unit,
                   {sql_str(source.id)} AS source_id, {sql_str(snap.sha256)} AS snapshot_sha256
            FROM ceds_stage WHERE value IS NOT NULL
            ORDER BY country, species, year
        """)
        dupes = con.execute("""SELECT count(*) FROM (SELECT country, species, year FROM ceds_emissions
                               GROUP BY ALL HAVING count(*) > 1)""").fetchone()[0]  # type: ignore[index]
        if dupes:
            raise fail("{n} country-species-years appear more than once", n=dupes)
        rows, as_of = con.execute("SELECT count(*), max(year)::VARCHAR FROM ceds_emissions").fetchone()  # type: ignore[misc]
    finally:
        con.execute("DROP TABLE IF EXISTS ceds_stage")
    return LoadResult(rows=rows, as_of=as_of)


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "CEDS emissions of Canada and the United States, 1851 onward (in Hector units)",
        "fr": "Émissions CEDS du Canada et des États-Unis depuis 1851 (en unités de Hector)",
    },
    publisher={
        "en": "Community Emissions Data System (Pacific Northwest National Laboratory, JGCRI)",
        "fr": "Community Emissions Data System (Pacific Northwest National Laboratory, JGCRI)",
    },
    licence=LICENCES["cc-by-4.0"],
    landing_url="https://github.com/JGCRI/CEDS",
    cadence="yearly",
    files=(REMOTE,),
    tables=("ceds_emissions",),
    load=load,
    description={
        "en": "Modelled yearly emissions of sulphur dioxide, nitrogen oxides and eight other "
        "species for Canada and the United States on one method (CEDS), for long trends; an "
        "estimate, not an official inventory.",
        "fr": "Émissions annuelles modélisées de dioxyde de soufre, d'oxydes d'azote et de huit "
        "autres espèces pour le Canada et les États-Unis selon une même méthode (CEDS), pour les "
        "tendances longues; une estimation, pas un inventaire officiel.",
    },
    fetch=fetch,
)

register(SOURCE)
