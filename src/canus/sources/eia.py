"""US Energy Information Administration open-data API v2: US crude oil and natural gas trade by country.

Refresh: ``CANUS_EIA_API_KEY=… canus update eia-energy-trade``. The key is free
(https://www.eia.gov/opendata/register.php); without it the source is skipped with a message
saying how to get and set one. ``CANUS_EIA_API`` moves the base address (tests use a loopback
server). Documentation: https://www.eia.gov/opendata/documentation.php

Requests (annual frequency, every partner, so Canada's rank among US suppliers can be read):

- ``petroleum/move/impcus`` with ``facets[product][]=EPC0`` (crude oil) and
  ``facets[process][]=IM0`` (imports): US crude oil imports by country of origin;
- ``natural-gas/move/impc``: US natural gas imports by country (pipeline and LNG);
- ``natural-gas/move/expc``: US natural gas exports by country.

Each answer is ``{"response": {"total": "…", "data": [{…}, …]}, "request": …, "apiVersion": …}``
with every value a string; at most 5,000 rows come back per request, so pages are asked with
``offset`` until ``total`` rows are in, and each page is kept as its own snapshot
(``<query>-p<n>.json``, the same names a mirror folder uses).

What is not verified offline ([U] in the connector reference): the duoarea code of each country
(``NUS-NCA`` for Canada is inferred from ``NUS-NNI`` for Nigeria) and the exact
``area-name`` / ``series-description`` wording of the natural-gas routes. The reader therefore
names a partner from ``area-name`` and, where that is the United States itself, from the
``series-description`` ("… Imports From Canada"); rows that are regional groups or world totals
are kept but marked ``is_country = false`` so a rank never counts them.

Units kept as published: ``MBBL`` (thousand barrels in the year) for crude oil — the per-day
duplicates (``MBBL/D``) are left out so nothing is counted twice — and ``MMCF`` (million cubic
feet) for natural gas.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx

from canus.errors import FetchError, LayoutError
from canus.settings import Settings, get_settings
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import sql_str
from canus.sources.fetch import (
    Progress,
    SnapshotStore,
    _looks_like_html,
    _now,
    _sha256_file,
    fetch_file,
    http_client,
    request_with_retries,
)

SOURCE_ID = "eia-energy-trade"
PAGE_LENGTH = 5000
#: A safety stop: an API that keeps announcing more rows than it sends must not loop forever.
MAX_PAGES = 40
KEY_HELP = {
    "en": "Get a free key at https://www.eia.gov/opendata/register.php, then set CANUS_EIA_API_KEY to it.",
    "fr": "Obtenez une clé gratuite à https://www.eia.gov/opendata/register.php, puis "
    "donnez-la à la variable CANUS_EIA_API_KEY.",
}
#: Fields every data row must carry.
REQUIRED = ("period", "value", "units")


@dataclass(frozen=True)
class Query:
    name: str
    route: str
    facets: tuple[tuple[str, str], ...]
    form: str  # crude_oil | natural_gas
    flow: str  # us_imports | us_exports
    #: Units kept (others, such as per-day duplicates, are left out).
    units: tuple[str, ...]


QUERIES = (
    Query(
        "crude-imports",
        "petroleum/move/impcus",
        (("product", "EPC0"), ("process", "IM0")),
        "crude_oil",
        "us_imports",
        ("MBBL",),
    ),
    Query("gas-imports", "natural-gas/move/impc", (), "natural_gas", "us_imports", ("MMCF",)),
    Query("gas-exports", "natural-gas/move/expc", (), "natural_gas", "us_exports", ("MMCF",)),
)
_FILE_RE = re.compile(r"^(crude-imports|gas-imports|gas-exports)-p(\d+)\.json$")


def file_name(q: Query, page: int) -> str:
    return f"{q.name}-p{page}.json"


def query_params(q: Query, offset: int, key: str | None) -> list[tuple[str, str]]:
    params = [("frequency", "annual"), ("data[0]", "value")]
    params += [(f"facets[{k}][]", v) for k, v in q.facets]
    params += [
        ("sort[0][column]", "period"),
        ("sort[0][direction]", "asc"),
        ("offset", str(offset)),
        ("length", str(PAGE_LENGTH)),
    ]
    if key:
        params.append(("api_key", key))
    return params


def public_url(settings: Settings, q: Query, offset: int) -> str:
    """The address without the key: what errors, logs and the manifest show."""
    from urllib.parse import urlencode

    return f"{settings.eia_api}/{q.route}/data/?" + urlencode(query_params(q, offset, None))


def _strip_tags(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:300]


def check_body(body: bytes, url: str) -> dict[str, Any]:
    """An answer must be the v2 envelope with a ``response.data`` list; returns it parsed."""

    def fail(problem: str) -> FetchError:
        return FetchError("{source}: {url}: {problem}", source=SOURCE_ID, url=url, problem=problem)

    if _looks_like_html(body[:2048]):
        raise fail("the API sent an HTML page instead of data")
    try:
        data = json.loads(body)
    except ValueError as e:
        raise fail(f"the response is not valid JSON ({e})") from e
    if isinstance(data, dict) and "error" in data and "response" not in data:
        # EIA reports a missing or refused key as {"error": {"code": "API_KEY_…", …}}.
        err = data["error"]
        code = err.get("code", "") if isinstance(err, dict) else str(err)
        raise fail(f"the API refused the request ({code or err}). " + KEY_HELP["en"])
    resp = data.get("response") if isinstance(data, dict) else None
    if not isinstance(resp, dict) or not isinstance(resp.get("data"), list):
        raise fail("the response has no response.data list")
    return data


def _total(data: dict[str, Any]) -> int:
    try:
        return int(str(data["response"].get("total", "0")).strip() or 0)
    except ValueError:
        return 0


def _store(store: SnapshotStore, body: bytes, name: str, shown: str) -> Snapshot:
    fd, tmp_name = tempfile.mkstemp(dir=store.dir, suffix=".json")
    with os.fdopen(fd, "wb") as f:
        f.write(body)
    tmp = Path(tmp_name)
    snap = Snapshot(
        source_id=SOURCE_ID,
        name=name,
        url=shown,
        sha256=_sha256_file(tmp),
        path=tmp,
        size=len(body),
        retrieved_at=_now(),
        origin="http",
    )
    return store.add(tmp, snap)


def _fetch_query(client: httpx.Client, settings: Settings, q: Query, store: SnapshotStore) -> list[Snapshot]:
    out: list[Snapshot] = []
    offset = 0
    for page in range(1, MAX_PAGES + 1):
        shown = public_url(settings, q, offset)
        resp = request_with_retries(
            client,
            "GET",
            f"{settings.eia_api}/{q.route}/data/",
            settings,
            SOURCE_ID,
            params=query_params(q, offset, settings.eia_api_key),
        )
        if resp.status_code in (401, 403):
            raise FetchError(
                "{source}: {url}: the EIA API refused the key (HTTP {status}). {help}",
                source=SOURCE_ID,
                url=shown,
                status=resp.status_code,
                help=KEY_HELP["en"],
            )
        if resp.status_code >= 400:
            raise FetchError(
                "{source}: {url}: the server answered HTTP {status}: {problem}",
                source=SOURCE_ID,
                url=shown,
                status=resp.status_code,
                problem=_strip_tags(resp.text) or "no explanation",
            )
        data = check_body(resp.content, shown)
        out.append(_store(store, resp.content, file_name(q, page), shown))
        got = len(data["response"]["data"])
        offset += got
        if got == 0 or offset >= _total(data):
            return out
    raise FetchError(
        "{source}: {url}: more than {n} pages; the API's total does not add up",
        source=SOURCE_ID,
        url=public_url(settings, q, 0),
        n=MAX_PAGES,
    )


def remote_files(source: Source) -> tuple[RemoteFile, ...]:
    settings = get_settings()
    return tuple(RemoteFile(name=file_name(q, 1), url=public_url(settings, q, 0), kind="json") for q in QUERIES)


def fetch(
    source: Source,
    *,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> dict[str, Snapshot]:
    settings = settings or get_settings()
    out: dict[str, Snapshot] = {}
    if settings.mirror is not None:
        folder = settings.mirror / SOURCE_ID
        for q in QUERIES:
            page = 1
            while (folder / file_name(q, page)).is_file() or (folder / f"{file_name(q, page)}.gz").is_file():
                rf = RemoteFile(name=file_name(q, page), url=public_url(settings, q, 0), kind="json")
                out[rf.name] = fetch_file(source, rf, settings=settings, progress=progress)
                page += 1
            if page == 1:
                raise FetchError(
                    "{source}: the mirror {mirror} has no {name} (nor {name}.gz)",
                    source=SOURCE_ID,
                    mirror=folder,
                    name=file_name(q, 1),
                )
        return out
    store = SnapshotStore(settings.raw_dir)
    store.dir.mkdir(parents=True, exist_ok=True)
    own = client is None
    client = client or http_client(settings)
    try:
        for i, q in enumerate(QUERIES, 1):
            for snap in _fetch_query(client, settings, q, store):
                out[snap.name] = snap
            if progress:
                progress(SOURCE_ID, i, len(QUERIES))
    finally:
        if own:
            client.close()
    return out


# ---------------------------------------------------------------------------- reading

_PARTNER_IN_DESCRIPTION = re.compile(r"\b(?:from|to)\s+(.+?)\s*(?:\(|,|$)", re.IGNORECASE)
_US_NAMES = {"U.S.", "US", "USA", "UNITED STATES", "U.S.A."}


def _partner(row: dict[str, Any]) -> tuple[str, bool]:
    """(partner name, whether it was read from the series description)."""
    area = str(row.get("area-name") or "").strip()
    if area and area.upper() not in _US_NAMES:
        return area, False
    m = _PARTNER_IN_DESCRIPTION.search(str(row.get("series-description") or ""))
    return (m.group(1).strip(), True) if m else (area, False)


def _rows(snap: Snapshot, q: Query) -> list[tuple[Any, ...]]:
    data = check_body(snap.path.read_bytes(), snap.url)
    out = []
    for i, r in enumerate(data["response"]["data"]):
        if not isinstance(r, dict):
            raise LayoutError("{source}: {file}: row {n} is not an object", source=SOURCE_ID, file=snap.name, n=i + 1)
        missing = [k for k in REQUIRED if k not in r]
        if "duoarea" not in r and "area-name" not in r:
            missing.append("duoarea")
        if missing:
            raise LayoutError(
                "{source}: {file}: expected columns are missing: {columns} (found: {found})",
                source=SOURCE_ID,
                file=snap.name,
                columns=", ".join(missing),
                found=", ".join(sorted(r)),
            )
        process = str(r.get("process-name") or r.get("process") or "")
        mode = (
            "lng"
            if re.search(r"\bLNG\b|liquefied", process, re.IGNORECASE)
            else "pipeline"
            if re.search(r"pipeline", process, re.IGNORECASE)
            else "all"
        )
        partner, described = _partner(r)
        out.append(
            (
                q.name,
                q.form,
                q.flow,
                mode,
                str(r.get("period", "")),
                str(r.get("duoarea") or ""),
                partner,
                described,
                process,
                str(r.get("series") or ""),
                "" if r["value"] is None else str(r["value"]),
                str(r.get("units") or "").strip(),
                snap.sha256,
            )
        )
    return out


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    by_name = {q.name: q for q in QUERIES}
    con.execute("""
        CREATE TEMP TABLE eia_stage (query VARCHAR, form VARCHAR, flow VARCHAR, mode VARCHAR,
            period_text VARCHAR, duoarea VARCHAR, partner VARCHAR, described BOOLEAN, process VARCHAR,
            series VARCHAR, value_text VARCHAR, units VARCHAR, sha VARCHAR)
    """)
    try:
        seen: set[str] = set()
        for name, snap in sorted(snaps.items()):
            m = _FILE_RE.match(name.removesuffix(".gz"))
            if not m:
                continue
            q = by_name[m.group(1)]
            seen.add(q.name)
            rows = _rows(snap, q)
            if rows:
                con.executemany("INSERT INTO eia_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        absent = [q.name for q in QUERIES if q.name not in seen]
        if absent:
            raise LayoutError(
                "{source}: no answer for {queries} among the downloaded files",
                source=source.id,
                queries=", ".join(absent),
            )
        keep = " OR ".join(
            f"(query = {sql_str(q.name)} AND upper(units) IN ({', '.join(sql_str(u) for u in q.units)}))"
            for q in QUERIES
        )
        bad = con.execute(f"""
            SELECT count(*), any_value(period_text || ': ' || value_text) FROM eia_stage
            WHERE ({keep}) AND (try_cast(left(period_text, 4) AS INTEGER) IS NULL
                   OR (try_cast(value_text AS DOUBLE) IS NULL AND trim(value_text) NOT IN ('', 'NA', '--')))
        """).fetchone()
        if bad and bad[0]:
            raise LayoutError(
                "{source}: {n} rows have a period or value in no known form (e.g. {example!r})",
                source=source.id,
                n=bad[0],
                example=bad[1],
            )
        con.execute(f"""
            CREATE TABLE eia_energy_trade AS
            SELECT CAST(left(period_text, 4) AS INTEGER) AS year, form, flow, mode,
                   nullif(duoarea, '') AS duoarea, partner,
                   -- A country is NUS-N plus a two-letter code (totals and groups are longer), or a
                   -- partner named in the series description of a US-wide row, unless a total.
                   regexp_full_match(duoarea, 'NUS-N[A-Z]{{2}}')
                     OR (described AND NOT regexp_matches(upper(partner), 'TOTAL|WORLD|ALL COUNTRIES'))
                     AS is_country,
                   upper(duoarea) = 'NUS-NCA' OR upper(partner) = 'CANADA' AS is_canada,
                   process, series,
                   try_cast(value_text AS DOUBLE) AS value,
                   upper(units) AS unit,
                   {sql_str(source.id)} AS source_id, sha AS snapshot_sha256
            FROM eia_stage WHERE {keep}
            ORDER BY form, flow, year, partner
        """)
        rows, as_of, canada = con.execute(
            "SELECT count(*), max(year)::VARCHAR, count(*) FILTER (WHERE is_canada) FROM eia_energy_trade"
        ).fetchone()  # type: ignore[misc]
        if rows and not canada:
            raise LayoutError(
                "{source}: no row names Canada as a partner; the partner codes may have changed", source=source.id
            )
    finally:
        con.execute("DROP TABLE IF EXISTS eia_stage")
    return LoadResult(rows=rows, as_of=as_of, notes={"pages": str(len(snaps))})


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "US crude oil and natural gas imports and exports by country (EIA API)",
        "fr": "Importations et exportations américaines de pétrole brut et de gaz naturel par pays (API de l'EIA)",
    },
    publisher={"en": "US Energy Information Administration", "fr": "Energy Information Administration des États-Unis"},
    licence=LICENCES["us-public-domain"],
    landing_url="https://www.eia.gov/opendata/browser/petroleum/move/impcus",
    cadence="monthly",
    files=(),
    tables=("eia_energy_trade",),
    load=load,
    description={
        "en": "US crude oil imports by country of origin (thousand barrels) and US natural gas "
        "imports and exports by country (million cubic feet), by year, from the EIA open-data API.",
        "fr": "Importations américaines de pétrole brut par pays d'origine (milliers de barils) et "
        "importations et exportations américaines de gaz naturel par pays (millions de pieds "
        "cubes), par année, selon l'API de données ouvertes de l'EIA.",
    },
    requires="eia_api_key",
    requires_help=KEY_HELP,
    resolve_files=remote_files,
    fetch=fetch,
)

register(SOURCE)
