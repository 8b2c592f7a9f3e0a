"""Statistics Canada full-table zips (``<pid8>-eng.zip`` / ``<pid8>-fra.zip``) into long DuckDB tables.

Format: https://www.statcan.gc.ca/eng/developers/csv/user-guide and
``reference/official-sources.md`` §1.5. Each zip holds ``<pid8>.csv`` (the data) and
``<pid8>_MetaData.csv`` (blocks of CSV: cube, dimensions, members, symbols, notes …).
English files use ``,``; French files use ``;``, a decimal comma and French column names.
Both start with a BOM and quote every field.

The data CSV is streamed out of the zip into a temporary file and read by DuckDB, so memory
stays bounded whatever the table's size; Python touches only the header and the small
metadata file. Dimension columns are named by the slug of the dimension's English name and
hold English member names whichever language was read: a French file is mapped back to
English through the member ids in ``COORDINATE``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from canus.errors import LayoutError
from canus.sources.csvutil import ident, sql_str

#: The fixed columns after the dimension columns, in published order.
TAIL = (
    "uom",
    "uom_id",
    "scalar_factor",
    "scalar_id",
    "vector",
    "coordinate",
    "value",
    "status",
    "symbol",
    "terminated",
    "decimals",
)
HEAD = ("ref_date", "geo", "dguid")

#: Accepted header names per language (compared without accents and case). The French names
#: marked in the reference as unverified get the likely variants.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "ref_date": ("REF_DATE",),
        "geo": ("GEO",),
        "dguid": ("DGUID",),
        "uom": ("UOM",),
        "uom_id": ("UOM_ID",),
        "scalar_factor": ("SCALAR_FACTOR",),
        "scalar_id": ("SCALAR_ID",),
        "vector": ("VECTOR",),
        "coordinate": ("COORDINATE",),
        "value": ("VALUE",),
        "status": ("STATUS",),
        "symbol": ("SYMBOL",),
        "terminated": ("TERMINATED",),
        "decimals": ("DECIMALS",),
    },
    "fr": {
        "ref_date": ("PÉRIODE DE RÉFÉRENCE",),
        "geo": ("GÉO",),
        "dguid": ("DGUID",),
        "uom": ("UNITÉ DE MESURE",),
        "uom_id": ("IDENTIFICATEUR D'UNITÉ DE MESURE",),
        "scalar_factor": ("FACTEUR SCALAIRE",),
        "scalar_id": ("IDENTIFICATEUR SCALAIRE",),
        "vector": ("VECTEUR",),
        "coordinate": ("COORDONNÉES", "COORDONNÉE"),
        "value": ("VALEUR",),
        "status": ("STATUT",),
        "symbol": ("SYMBOLE", "SYMBOLES"),
        "terminated": ("TERMINÉ", "TERMINE"),
        "decimals": ("DÉCIMALES", "DECIMALES"),
    },
}
DELIMITER = {"en": ",", "fr": ";"}
LOAD_MEMORY_LIMIT = "256MB"


def slug(text: str) -> str:
    """``North American Product Classification System (NAPCS)`` → ``north_american_…_napcs``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "dimension"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.strip()).encode("ascii", "ignore").decode().upper()


# ---------------------------------------------------------------------------- metadata


@dataclass
class Member:
    dimension: int
    member_id: int
    parent_id: int | None
    name: str


@dataclass
class Metadata:
    lang: str
    title: str = ""
    dimensions: dict[int, str] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)


_DIM_ID = {"DIMENSION ID", "NUMERO D'IDENTIFICATION DE LA DIMENSION"}
_DIM_NAME = {"DIMENSION NAME", "NOM DE LA DIMENSION"}
_MEMBER_NAME = {"MEMBER NAME", "NOM DU MEMBRE"}
_MEMBER_ID = {"MEMBER ID", "NUMERO D'IDENTIFICATION DU MEMBRE"}
_PARENT_ID = {"PARENT MEMBER ID", "NUMERO D'IDENTIFICATION DU MEMBRE PARENT"}
_CUBE_TITLE = {"CUBE TITLE", "TITRE DU CUBE"}


def _col(header: list[str], names: set[str]) -> int | None:
    folded = [_fold(h) for h in header]
    return next((i for i, h in enumerate(folded) if h in names), None)


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _block_kind(header: list[str]) -> str:
    """What a metadata block holds, from its header row."""
    first = _fold(header[0]) if header else ""
    if first in _CUBE_TITLE:
        return "cube"
    if first in _DIM_ID and _col(header, _MEMBER_NAME) is not None:
        return "members"
    if first in _DIM_ID and _col(header, _DIM_NAME) is not None:
        return "dimensions"
    return "other"


def _read_dimension(meta: Metadata, header: list[str], row: list[str]) -> None:
    dim = _int(row[0])
    name_at = _col(header, _DIM_NAME)
    if dim is not None and name_at is not None and name_at < len(row):
        meta.dimensions[dim] = row[name_at].strip()


def _read_member(meta: Metadata, header: list[str], row: list[str], where: str) -> None:
    name_i, id_i, parent_i = (_col(header, _MEMBER_NAME), _col(header, _MEMBER_ID), _col(header, _PARENT_ID))
    if name_i is None or id_i is None or parent_i is None:
        raise LayoutError(
            "{file}: the member block lacks Member ID or Parent Member ID (found: {columns})",
            file=where,
            columns=", ".join(header),
        )
    dim, mid = _int(row[0]), _int(row[id_i]) if id_i < len(row) else None
    if dim is None or mid is None:
        return
    parent = _int(row[parent_i]) if parent_i < len(row) else None
    meta.members.append(Member(dim, mid, parent, row[name_i].strip()))


def _read_row(meta: Metadata, kind: str, header: list[str], row: list[str], where: str) -> None:
    if kind == "cube" and not meta.title:
        meta.title = row[0].strip()
    elif kind == "dimensions":
        _read_dimension(meta, header, row)
    elif kind == "members":
        _read_member(meta, header, row, where)


def parse_metadata(text: str, lang: str, where: str) -> Metadata:
    """Read the dimension and member blocks of a ``_MetaData.csv`` (blocks split by blank rows)."""
    meta = Metadata(lang=lang)
    # StatCan writes curly quotes in some titles (17-10-0016); they are text, not CSV quoting.
    rows = csv.reader(io.StringIO(text.replace("\u201c", '"').replace("\u201d", '"')), delimiter=DELIMITER[lang])
    header: list[str] | None = None
    kind = ""
    for row in rows:
        if not any(cell.strip() for cell in row):
            header, kind = None, ""
        elif header is None:
            header, kind = row, _block_kind(row)
        else:
            _read_row(meta, kind, header, row, where)
    if not meta.dimensions or not meta.members:
        raise LayoutError("{file}: no dimension or member block was found in the metadata", file=where)
    return meta


# ---------------------------------------------------------------------------- zip access


@dataclass(frozen=True)
class TableZip:
    path: Path
    pid: str
    lang: str
    data_member: str
    meta_member: str


def open_zip(path: Path, pid: str, lang: str, where: str | None = None) -> TableZip:
    """Find the data and metadata members; fail naming the file when they are not there."""
    where = where or path.name
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError) as e:
        raise LayoutError("{file}: not a readable zip archive ({problem})", file=where, problem=str(e)) from e
    lower = {n.lower().rsplit("/", 1)[-1]: n for n in names}
    data = lower.get(f"{pid}.csv")
    meta = lower.get(f"{pid}_metadata.csv")
    if data is None or meta is None:
        raise LayoutError(
            "{file}: expected {data} and {meta} inside the zip, found {found}",
            file=where,
            data=f"{pid}.csv",
            meta=f"{pid}_MetaData.csv",
            found=", ".join(names) or {"en": "nothing", "fr": "rien"},
        )
    return TableZip(path, pid, lang, data, meta)


def read_metadata(tz: TableZip, where: str | None = None) -> Metadata:
    with zipfile.ZipFile(tz.path) as z:
        text = z.read(tz.meta_member).decode("utf-8-sig", errors="replace")
    return parse_metadata(text, tz.lang, f"{where or tz.path.name}: {tz.meta_member}")


def read_header(tz: TableZip) -> list[str]:
    with zipfile.ZipFile(tz.path) as z, z.open(tz.data_member) as raw:
        line = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="").readline()
    return [h.strip() for h in next(csv.reader([line], delimiter=DELIMITER[tz.lang]), [])]


def check_header(header: list[str], lang: str, where: str) -> None:
    """Raise a LayoutError naming the first fixed column that is missing or renamed."""
    need = len(HEAD) + len(TAIL)
    if len(header) < need:
        value_name = HEADERS[lang]["value"][0]
        if value_name not in header:
            raise LayoutError(
                "{file}: no {column} column (a semi-wide table, which canus does "
                "not read yet, or not a full-table file); found: {found}",
                file=where,
                column=value_name,
                found=", ".join(header[:20]),
            )
        raise LayoutError(
            "{file}: only {n} columns, a full table has at least {need}", file=where, n=len(header), need=need
        )
    names = HEADERS[lang]
    expected = list(HEAD) + list(TAIL)
    actual = header[: len(HEAD)] + header[len(header) - len(TAIL) :]
    for key, got in zip(expected, actual, strict=True):
        if _fold(got) not in {_fold(n) for n in names[key]}:
            raise LayoutError(
                "{file}: expected column {expected} where the file has {got!r}",
                file=where,
                expected=names[key][0],
                got=got,
            )


def extract_data(tz: TableZip, directory: Path, where: str | None = None) -> Path:
    """Stream the data CSV out of the zip (a zip's CRC is checked as it is read to the end)."""
    fd, name = tempfile.mkstemp(prefix=f"statcan-{tz.pid}-", suffix=".csv", dir=directory)
    out_path = Path(name)
    try:
        with zipfile.ZipFile(tz.path) as z, z.open(tz.data_member) as src, open(fd, "wb") as out:
            shutil.copyfileobj(src, out, 8 << 20)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        out_path.unlink(missing_ok=True)
        raise LayoutError(
            "{file}: the zip archive is damaged ({problem})",
            file=f"{where}: {tz.data_member}" if where else tz.data_member,
            problem=str(e),
        ) from e
    return out_path


# ---------------------------------------------------------------------------- loading


def member_rows(en: Metadata, fr: Metadata | None) -> list[tuple[object, ...]]:
    """Rows of ``statcan_<pid>_members``: English names, French ones joined by member id."""
    fr_names = {(m.dimension, m.member_id): m.name for m in fr.members} if fr else {}
    columns = dimension_columns(en)
    rows: list[tuple[object, ...]] = []
    for m in en.members:
        rows.append(
            (
                m.dimension,
                en.dimensions.get(m.dimension),
                fr.dimensions.get(m.dimension) if fr else None,
                columns.get(m.dimension),
                m.member_id,
                m.parent_id,
                m.name,
                fr_names.get((m.dimension, m.member_id)),
            )
        )
    return rows


_RESERVED = {"ref_date", "period", "geo", "dguid", "value_published", "source_id", "snapshot_sha256", *TAIL}


def dimension_columns(en: Metadata) -> dict[int, str]:
    """Column name of each dimension: ``geo`` for the first, else the English name's slug."""
    out: dict[int, str] = {}
    for pos in sorted(en.dimensions):
        name = "geo" if pos == 1 else slug(en.dimensions[pos])
        while pos != 1 and (name in _RESERVED or name in out.values()):
            name += "_dim"
        out[pos] = name
    return out


def _period_sql(col: str) -> str:
    # '2014' → 2014-01-01, '2024-03' → 2024-03-01, full dates kept; ranges ('2023/2024') stay NULL.
    return f"""CASE length({col})
        WHEN 4 THEN try_cast({col} || '-01-01' AS DATE)
        WHEN 7 THEN try_cast({col} || '-01' AS DATE)
        WHEN 10 THEN try_cast({col} AS DATE) END"""


def load_table(
    con: duckdb.DuckDBPyConnection,
    *,
    table: str,
    data: TableZip,
    en_meta: Metadata,
    fr_meta: Metadata | None,
    source_id: str,
    snapshot_sha256: str,
    work_dir: Path,
    where: str,
) -> dict[str, object]:
    """Create ``table`` and ``table_members``; return counts for the load notes."""
    header = read_header(data)
    check_header(header, data.lang, where)
    dims = dimension_columns(en_meta)
    other_dims = [p for p in sorted(dims) if p != 1]
    n_dim_cols = len(header) - len(HEAD) - len(TAIL)
    if n_dim_cols != len(other_dims):
        raise LayoutError(
            "{file}: the data has {n} dimension columns but the metadata lists {m} dimensions besides geography",
            file=where,
            n=n_dim_cols,
            m=len(other_dims),
        )
    if data.lang == "en":
        for pos, got in zip(other_dims, header[len(HEAD) : len(HEAD) + n_dim_cols], strict=True):
            if _fold(got) != _fold(en_meta.dimensions[pos]):
                raise LayoutError(
                    "{file}: column {got!r} should be the dimension {expected!r}",
                    file=where,
                    got=got,
                    expected=en_meta.dimensions[pos],
                )

    con.execute(f"DROP TABLE IF EXISTS {ident(table + '_members')}")
    con.execute(f"""CREATE TABLE {ident(table + "_members")} (
        dimension_position INTEGER, dimension_en VARCHAR, dimension_fr VARCHAR,
        column_name VARCHAR, member_id INTEGER, parent_member_id INTEGER,
        member_en VARCHAR, member_fr VARCHAR)""")
    con.executemany(
        f"INSERT INTO {ident(table + '_members')} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", member_rows(en_meta, fr_meta)
    )

    csv_path = extract_data(data, work_dir, where)
    # A cap on DuckDB's buffer pool keeps a load of millions of rows within a few hundred MB
    # (it spills to disk instead); the connection's own limit is put back afterwards.
    # DuckDB's own progress bar would print into the command line's output on long loads.
    # Row order carries no meaning in a long table; letting DuckDB drop it lets the load run in
    # parallel within the cap instead of spilling (half the time, same peak memory).
    previous, bar, order = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('enable_progress_bar'), "
        "current_setting('preserve_insertion_order')"
    ).fetchone() or (None, None, None)
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    try:
        return _load_rows(con, table, data, header, dims, other_dims, csv_path, source_id, snapshot_sha256, where)
    finally:
        if previous:
            con.execute(f"SET memory_limit = {sql_str(str(previous))}")
        if bar is not None:
            con.execute(f"SET enable_progress_bar = {str(bool(bar)).lower()}")
        if order is not None:
            con.execute(f"SET preserve_insertion_order = {str(bool(order)).lower()}")
        csv_path.unlink(missing_ok=True)


def _load_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    data: TableZip,
    header: list[str],
    dims: dict[int, str],
    other_dims: list[int],
    csv_path: Path,
    source_id: str,
    sha: str,
    where: str,
) -> dict[str, object]:
    ncols = len(header)
    cols = {f"c{i}": "VARCHAR" for i in range(ncols)}
    struct = "{" + ", ".join(f"'{k}': '{v}'" for k, v in cols.items()) + "}"
    tail = {name: f"c{ncols - len(TAIL) + i}" for i, name in enumerate(TAIL)}
    value_text = f"nullif(trim({tail['value']}), '')"
    if data.lang == "fr":
        value_text = f"replace(replace(replace({value_text}, ' ', ''), '\u00a0', ''), ',', '.')"
    members = ident(table + "_members")
    if data.lang == "en":
        geo_sql = "c1"
        dim_sql = [f"c{len(HEAD) + i} AS {ident(dims[p])}" for i, p in enumerate(other_dims)]
        joins = ""
    else:
        # French names → English through the member ids of COORDINATE (position k = dimension k).
        geo_sql = "m1.member_en"
        dim_sql = [f"m{p}.member_en AS {ident(dims[p])}" for p in other_dims]
        joins = " ".join(
            f"LEFT JOIN {members} m{p} ON m{p}.dimension_position = {p} "
            f"AND m{p}.member_id = try_cast(split_part(r.{tail['coordinate']}, '.', {p}) AS INTEGER)"
            for p in sorted(dims)
        )
    sql = f"""
        CREATE TABLE {ident(table)} AS
        SELECT r.c0 AS ref_date,
               {_period_sql("r.c0")} AS period,
               {geo_sql} AS geo,
               nullif(r.c2, '') AS dguid,
               {", ".join(dim_sql) + "," if dim_sql else ""}
               r.{tail["uom"]} AS uom,
               nullif(r.{tail["uom_id"]}, '') AS uom_id,
               trim(r.{tail["scalar_factor"]}) AS scalar_factor,
               CAST(nullif(trim(r.{tail["scalar_id"]}), '') AS INTEGER) AS scalar_id,
               r.{tail["vector"]} AS vector,
               r.{tail["coordinate"]} AS coordinate,
               r.value_published,
               round(r.value_published * pow(10, CAST(nullif(trim(r.{tail["scalar_id"]}), '') AS INTEGER)),
                     greatest(coalesce(CAST(nullif(trim(r.{tail["decimals"]}), '') AS INTEGER), 0)
                              - CAST(nullif(trim(r.{tail["scalar_id"]}), '') AS INTEGER), 0)) AS value,
               nullif(trim(r.{tail["status"]}), '') AS status,
               nullif(trim(r.{tail["symbol"]}), '') AS symbol,
               nullif(trim(r.{tail["terminated"]}), '') AS terminated,
               CAST(nullif(trim(r.{tail["decimals"]}), '') AS INTEGER) AS decimals,
               {sql_str(source_id)} AS source_id,
               {sql_str(sha)} AS snapshot_sha256
        FROM (
            SELECT *, CAST({value_text} AS DOUBLE) AS value_published
            FROM read_csv({sql_str(csv_path)}, header = true, auto_detect = false,
                          delim = {sql_str(DELIMITER[data.lang])}, quote = '"', escape = '"',
                          columns = {struct})
        ) r {joins}
    """
    try:
        con.execute(sql)
    except (duckdb.ConversionException, duckdb.InvalidInputException) as e:
        raise LayoutError(
            "{file}: a value could not be read ({problem})", file=where, problem=str(e).splitlines()[0][:300]
        ) from e
    rows, bad_periods, as_of, unmapped = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE period IS NULL), max(ref_date),
               count(*) FILTER (WHERE geo IS NULL)
        FROM {ident(table)}""").fetchone()  # type: ignore[misc]
    if rows == 0:
        raise LayoutError("{file}: the data file has no rows", file=where)
    if unmapped:
        raise LayoutError(
            "{file}: {n} rows have a COORDINATE whose members are not in the metadata", file=where, n=unmapped
        )
    return {"rows": rows, "periods_not_dates": bad_periods, "as_of": as_of}
