"""Statistics Canada tables: any table is source ``statcan-<pid8>``, declared in one line.

Refresh: ``canus update statcan-24100053`` asks the Web Data Service for the table's release
time (``getCubeMetadata``); when it has not changed since the last load nothing is downloaded.
Otherwise the English and French full-table zips are downloaded (their address comes from
``getFullTableDownloadCSV``, or from ``CANUS_STATCAN_CSV`` when set). The data is read from the
English zip; the French zip gives the French names of dimensions and members (optional: a
mirror may leave it out, and the members then have no French names).
Tables declared in ``statcan_members.NEEDS`` are checked for the members canus reads when loaded.
``canus update --changed`` asks ``getChangedCubeList`` for each day since the last load.

Tables: ``statcan_<pid8>`` (one observation a row, every dimension a column named by the slug
of its English name) and ``statcan_<pid8>_members`` (English and French names of members).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from pathlib import Path

import duckdb

from canus.errors import CanusError, LayoutError
from canus.settings import Settings, get_settings
from canus.sources import register_family
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.statcan_members import check_needs, describe_missing
from canus.sources.statcan_wds import (
    DEFAULT_CSV,
    csv_base,
    get_changed_cube_list,
    get_cube_metadata,
    get_full_table_download_csv,
)
from canus.sources.statcan_zip import HEADERS, check_header, load_table, open_zip, read_header, read_metadata

PREFIX = "statcan-"
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
#: Days of getChangedCubeList worth asking; beyond that every table is simply re-checked.
MAX_CHANGED_DAYS = 90

#: The tables canus uses, pid8 → English and French titles (one line each).
TABLES: dict[str, tuple[str, str]] = {
    "24100053": (
        "International travellers entering or returning to Canada, by type of transportation and traveller type",
        "Voyageurs internationaux entrant ou revenant au Canada, selon le type de transport et le type de voyageur",
    ),
    "24100041": (
        "International travellers entering or returning to Canada, by type of transport",
        "Voyageurs internationaux entrant ou revenant au Canada, selon le type de transport",
    ),
    "24100052": (
        "Vehicles entering Canada by land, by vehicle type and licence plate",
        "Véhicules entrant au Canada par voie terrestre, selon le type de véhicule et la plaque d'immatriculation",
    ),
    "12100173": (
        "Canadian international merchandise trade by province and country, and by "
        "product sections, customs-based, annual",
        "Commerce international de marchandises du Canada selon la province et le pays, "
        "et selon les sections de produits, base douanière, annuel",
    ),
    "12100011": (
        "International merchandise trade for all countries and by Principal Trading Partners, monthly",
        "Commerce international de marchandises pour tous les pays et par principaux partenaires commerciaux, mensuel",
    ),
    "36100007": (
        "International transactions in services, by selected countries, annual",
        "Transactions internationales de services, selon certains pays, annuel",
    ),
    "12100005": (
        "Canada and United States bilateral trade in goods, customs and balance of "
        "payments basis, by currency and direction of trade, quarterly",
        "Commerce bilatéral de biens entre le Canada et les États-Unis, base douanière "
        "et base de la balance des paiements, selon la devise et le sens des échanges, "
        "trimestriel",
    ),
    # Canada's denominators of the emissions intensity (environment-ghg-intensity): population on
    # July 1 (the quarterly table's third-quarter estimate, the year's middle; it has one dimension,
    # so it needs no age or gender members, unlike the annual 17-10-0005-01) and real GDP.
    "17100009": ("Population estimates, quarterly", "Estimations de la population, trimestrielles"),
    "36100222": (
        "Gross domestic product, expenditure-based, provincial and territorial, annual",
        "Produit intérieur brut, en termes de dépenses, provinciaux et territoriaux, annuel",
    ),
}
DEFAULTS = ["24100053", "24100041", "24100052", "12100173", "12100011", "36100007", "12100005", "17100009", "36100222"]


def table_number(pid: str) -> str:
    """``24100053`` → ``24-10-0053-01`` as StatCan writes it on the web."""
    return f"{pid[:2]}-{pid[2:4]}-{pid[4:8]}-01"


def zip_name(pid: str, lang: str) -> str:
    return f"{pid}-{'eng' if lang == 'en' else 'fra'}.zip"


def _check_zip(pid: str, lang: str) -> object:
    def check(path: Path) -> None:
        try:
            tz = open_zip(path, pid, lang)
            check_header(read_header(tz), lang, tz.data_member)
        except LayoutError as e:
            raise ValueError(str(e)) from e

    return check


def _remote(pid: str, lang: str, url: str) -> RemoteFile:
    # The loader streams the data member out in full (CRC checked as it goes), so the fetch
    # layer does not decompress it a second time. The French zip only gives French names, which
    # the loader does without, so a mirror may leave it out.
    return RemoteFile(
        name=zip_name(pid, lang),
        url=url,
        kind="zip",
        required_columns=(HEADERS[lang]["value"][0],),
        check=_check_zip(pid, lang),  # type: ignore[arg-type]
        verify_whole=False,
        optional=lang == "fr",
    )


def _static_files(pid: str) -> tuple[RemoteFile, ...]:
    base = csv_base() or DEFAULT_CSV
    return tuple(_remote(pid, lang, f"{base}/{zip_name(pid, lang)}") for lang in ("en", "fr"))


def _resolve_files(source: Source) -> tuple[RemoteFile, ...]:
    pid = source.id.removeprefix(PREFIX)
    settings = get_settings()
    if settings.mirror is not None or csv_base():
        return _static_files(pid)
    return tuple(_remote(pid, lang, get_full_table_download_csv(pid, lang, settings=settings)) for lang in ("en", "fr"))


def _release(source: Source) -> str | None:
    return get_cube_metadata(source.id.removeprefix(PREFIX)).release_time or None


def _where(source: Source, snap: Snapshot) -> str:
    return f"{source.id}: {snap.address}"


def _check_needs(con: duckdb.DuckDBPyConnection, pid: str, where: str) -> dict[str, str]:
    """Refuse a vintage that lacks a required member; note the optional ones it lacks."""
    required, optional = check_needs(con, pid)
    if required:
        need, sel = required[0]
        raise LayoutError(
            "{file}: the table lacks these dimensions or members (dimension / "
            "member): {missing}; canus needs them for {why}",
            file=where,
            missing=describe_missing(sel.missing),
            why=need.why,
        )
    if not optional:
        return {}
    missing = "; ".join(describe_missing(sel.missing) for _, sel in optional)
    why = {lang: "; ".join(need.why.get(lang, need.why["en"]) for need, _ in optional) for lang in ("en", "fr")}
    warning = CanusError(
        "{file}: the table lacks these dimensions or members (dimension / member): "
        "{missing}; what needs them will not come from this vintage ({why})",
        file=where,
        missing=missing,
        why=why,
    )
    return {"missing_members": missing, "warning": warning.localized("en"), "warning_fr": warning.localized("fr")}


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    pid = source.id.removeprefix(PREFIX)
    en_snap = snaps.get(zip_name(pid, "en"))
    if en_snap is None:
        raise LayoutError("{source}: no {file} among the downloaded files", source=source.id, file=zip_name(pid, "en"))
    where = _where(source, en_snap)
    en_zip = open_zip(en_snap.path, pid, "en", where)
    en_meta = read_metadata(en_zip, where)
    fr_meta = None
    fr_snap = snaps.get(zip_name(pid, "fr"))
    if fr_snap is not None:
        fr_where = _where(source, fr_snap)
        fr_meta = read_metadata(open_zip(fr_snap.path, pid, "fr", fr_where), fr_where)
    counts = load_table(
        con,
        table=f"statcan_{pid}",
        data=en_zip,
        en_meta=en_meta,
        fr_meta=fr_meta,
        source_id=source.id,
        snapshot_sha256=en_snap.sha256,
        work_dir=en_snap.path.parent,
        where=where,
    )
    number = table_number(pid)
    notes = {
        "title_en": en_meta.title,
        "rows_published": str(counts["rows"]),
        "source_title_en": f"Table {number}: {en_meta.title}",
    }
    if fr_meta is not None:
        notes["title_fr"] = fr_meta.title
        notes["source_title_fr"] = f"Tableau {number}\u00a0: {fr_meta.title}"
    else:
        notes["french_names"] = "absent"
    if counts["periods_not_dates"]:
        notes["periods_not_dates"] = str(counts["periods_not_dates"])
    notes.update(_check_needs(con, pid, where))
    return LoadResult(rows=int(counts["rows"]), as_of=str(counts["as_of"]), notes=notes)  # type: ignore[call-overload]


def make_source(source_id: str) -> Source | None:
    m = re.fullmatch(r"statcan-(\d{8})", source_id)
    if not m:
        return None
    pid = m.group(1)
    number = table_number(pid)
    en_title, fr_title = TABLES.get(pid, ("", ""))
    return Source(
        id=source_id,
        title={
            "en": f"Table {number}" + (f": {en_title}" if en_title else ""),
            "fr": f"Tableau {number}" + (f"\u00a0: {fr_title}" if fr_title else ""),
        },
        publisher={"en": "Statistics Canada", "fr": "Statistique Canada"},
        licence=LICENCES["statcan-open"],
        landing_url=f"https://www150.statcan.gc.ca/t1/tbl1/en/tv.action?pid={pid}01",
        cadence="as released",
        files=_static_files(pid),
        tables=(f"statcan_{pid}", f"statcan_{pid}_members"),
        load=load,
        description={
            "en": f"Statistics Canada table {number}, every observation and dimension as "
            "published, values also given in base units.",
            "fr": f"Tableau {number} de Statistique Canada, chaque observation et dimension telles "
            "que publiées, avec les valeurs aussi en unités de base.",
        },
        release_probe=_release,
        resolve_files=_resolve_files,
    )


def _known_ids(versions: Iterable[str]) -> list[str]:
    ids = [PREFIX + p for p in DEFAULTS]
    return ids + sorted(s for s in versions if s.startswith(PREFIX) and s not in ids)


def changed_source_ids(settings: Settings | None = None, *, now: dt.datetime | None = None) -> list[str]:
    """The Statistics Canada sources released since they were last loaded (``update --changed``).

    Tables never loaded are always included. Days are Toronto days, StatCan's own; a day is
    asked only once its 08:30 release has passed.
    """
    from canus.warehouse import Warehouse

    settings = settings or get_settings()
    versions = Warehouse(settings).versions()
    ids = _known_ids(versions)
    loaded = {s: versions[s].loaded_at for s in ids if s in versions}
    never = [s for s in ids if s not in loaded]
    if not loaded:
        return ids
    now = (now or dt.datetime.now(dt.UTC)).astimezone(TORONTO)
    first = min(v for v in loaded.values() if isinstance(v, dt.datetime))
    start = first.replace(tzinfo=dt.UTC).astimezone(TORONTO).date()
    end = now.date() if now.time() >= dt.time(8, 30) else now.date() - dt.timedelta(days=1)
    if (end - start).days > MAX_CHANGED_DAYS:
        return ids
    changed: set[str] = set()
    day = start
    while day <= end:
        changed.update(PREFIX + item.pid for item in get_changed_cube_list(day, settings=settings))
        day += dt.timedelta(days=1)
    return [s for s in ids if s in changed or s in never]


register_family(PREFIX, make_source, defaults=[PREFIX + p for p in DEFAULTS])
