"""US Census Bureau international-trade API: US trade with Canada by HS chapter, month and state.

Refresh: ``CANUS_CENSUS_API_KEY=… canus update census-trade``. The key is free
(https://api.census.gov/data/key_signup.html) and has been required on every query since
May 2026; without it the source is skipped with a message saying so.

Requests (one per dataset and year, ``CANUS_CENSUS_YEARS`` picks the years; monthly data
starts in January 2010), all for Canada (``CTY_CODE=1220``) at the HS chapter level
(``COMM_LVL=HS2``) — see https://www.census.gov/data/developers/data-sets/international-trade.html:

- ``exports/hs``: ``ALL_VAL_MO`` (total exports, F.A.S. value, USD);
- ``imports/hs``: ``GEN_VAL_MO`` (general imports, customs value, USD);
- ``exports/statehs`` and ``imports/statehs``: the same values by US state of origin or
  destination (``STATE``). The state datasets' variable names follow the hs datasets; they
  have not been checked against a live ``variables.json`` (no network here).

What the API does that a generic download would get wrong, and how it is handled:

- no key or a refused key → a 302 redirect to an HTML page (redirects are not followed:
  the redirect itself is reported) or a 200 with an HTML body, or an
  ``X-DataWebAPI-KeyError`` header: each is reported as a key problem, the key never shown;
- a valid query with no data (a year not yet published) → **204 with an empty body**:
  that file is left out and counted in the notes; all files empty is an error;
- every cell is a string, the first row is the header, predicates are appended as extra
  columns (a variable may appear twice: the first copy is used);
- "TOTAL FOR ALL …" rows (code ``-``) are dropped before anything is summed.

- ``exports/enduse`` and ``imports/enduse`` without a commodity: totals for every country,
  for Canada's rank among US partners.
- ``exports/hs`` and ``imports/hs`` for **every partner country**, energy commodities only (the
  energy pillar's ranks, issue 13), one request per commodity and flow: chapter 27 (mineral
  fuels, every energy form, ``COMM_LVL=HS2``), heading 2701 (coal) and 2612 (uranium and thorium
  ores, ``HS4``), subheadings 284410 (natural uranium) and 284420 (enriched uranium, ``HS6``).
  One code per request: repeating a predicate to ask several codes at once is what some
  published clients do, but it is not documented by the Census and was not checked live here,
  and a refused request would fail the whole source. Value as above, and the first quantity
  (``GEN_QY1_MO`` for imports, ``QTY_1_MO`` for exports — the names differ) with its unit
  (``UNIT_QY1``) for coal and uranium; a unit of ``-`` or none leaves the quantity missing,
  never zero. Chapter 27 asks no quantity: its products have no common unit.

Tables: ``census_trade_hs`` (direction, period, hs2, description, value_usd),
``census_trade_state`` (direction, period, state, hs2, value_usd) and
``census_trade_partners`` (direction, period, cty_code, cty_name, value_usd);
``direction`` is ``us_exports_to_canada`` or ``us_imports_from_canada``. And
``census_energy_partners`` (direction ``us_imports`` or ``us_exports``, period, commodity,
form ``all_energy`` / ``coal`` / ``uranium``, cty_code, cty_name, value_usd, quantity,
quantity_unit), countries only: totals (``-``) and groupings (``0xxx``) are dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

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

SOURCE_ID = "census-trade"
CANADA = "1220"
FIRST_YEAR = 2013
KEY_HELP = {
    "en": "Get a free key at https://api.census.gov/data/key_signup.html, then set CANUS_CENSUS_API_KEY to it.",
    "fr": "Obtenez une clé gratuite à https://api.census.gov/data/key_signup.html, puis "
    "donnez-la à la variable CANUS_CENSUS_API_KEY.",
}


@dataclass(frozen=True)
class Query:
    """One dataset of the API and the variables canus asks it for."""

    flow: str  # exports | imports
    dataset: str  # hs | statehs
    get: tuple[str, ...]
    commodity: str
    value: str
    #: All countries (for ranks) instead of Canada by HS chapter.
    all_countries: bool = False
    #: Energy queries: the HS codes asked (all countries) at one commodity level.
    codes: tuple[str, ...] = ()
    comm_lvl: str = ""
    #: The first-quantity variable, when the codes have a unit worth reading.
    quantity: str = ""

    @property
    def direction(self) -> str:
        if self.codes:
            return "us_exports" if self.flow == "exports" else "us_imports"
        return "us_exports_to_canada" if self.flow == "exports" else "us_imports_from_canada"

    @property
    def kind(self) -> str:
        """The file-name part after the flow: ``hs``, ``enduse`` … or ``hs-energy-2701``."""
        return f"{self.dataset}-energy-{'-'.join(self.codes)}" if self.codes else self.dataset

    def file_name(self, year: int) -> str:
        return f"{self.flow}-{self.kind}-{year}.json"


#: Energy commodity → form; chapter 27 is every energy form, coal is inside it, uranium is not.
ENERGY_FORMS = {"27": "all_energy", "2701": "coal", "2612": "uranium", "284410": "uranium", "284420": "uranium"}


def _energy_queries() -> tuple[Query, ...]:
    out: list[Query] = []
    for code in ENERGY_FORMS:
        level = f"HS{len(code)}"
        with_qty = level != "HS2"
        for flow, commodity, value, qty in (
            ("exports", "E_COMMODITY", "ALL_VAL_MO", "QTY_1_MO"),
            ("imports", "I_COMMODITY", "GEN_VAL_MO", "GEN_QY1_MO"),
        ):
            get = ("CTY_CODE", "CTY_NAME", commodity, value) + ((qty, "UNIT_QY1") if with_qty else ())
            out.append(Query(flow, "hs", get, commodity, value, True, (code,), level, qty if with_qty else ""))
    return tuple(out)


QUERIES = (
    Query("exports", "hs", ("CTY_NAME", "E_COMMODITY", "E_COMMODITY_SDESC", "ALL_VAL_MO"), "E_COMMODITY", "ALL_VAL_MO"),
    Query("imports", "hs", ("CTY_NAME", "I_COMMODITY", "I_COMMODITY_SDESC", "GEN_VAL_MO"), "I_COMMODITY", "GEN_VAL_MO"),
    Query("exports", "statehs", ("STATE", "CTY_NAME", "E_COMMODITY", "ALL_VAL_MO"), "E_COMMODITY", "ALL_VAL_MO"),
    Query("imports", "statehs", ("STATE", "CTY_NAME", "I_COMMODITY", "GEN_VAL_MO"), "I_COMMODITY", "GEN_VAL_MO"),
    # Totals by country (no commodity asked): the layout shown in the Census guide's enduse
    # example, with "TOTAL FOR ALL COUNTRIES" (code "-") and groupings (codes 0xxx) to drop.
    Query("exports", "enduse", ("CTY_CODE", "CTY_NAME", "ALL_VAL_MO"), "", "ALL_VAL_MO", True),
    Query("imports", "enduse", ("CTY_CODE", "CTY_NAME", "GEN_VAL_MO"), "", "GEN_VAL_MO", True),
    *_energy_queries(),
)
_FILE_RE = re.compile(r"^(exports|imports)-(hs|statehs|enduse|hs-energy-\d{2,6})-(\d{4})\.json$")


def years(settings: Settings) -> list[int]:
    this_year = dt.date.today().year
    spec = settings.census_years
    if not spec:
        return list(range(FIRST_YEAR, this_year + 1))
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", spec)
    if not m:
        raise FetchError(
            "{source}: CANUS_CENSUS_YEARS must look like 2019-2024 or 2024, not {value!r}",
            source=SOURCE_ID,
            value=spec,
        )
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    return list(range(max(first, 2010), min(last, this_year) + 1))


def query_params(q: Query, year: int, key: str | None) -> list[tuple[str, str]]:
    """Pairs, in the order the API echoes predicates back as columns."""
    params = [("get", ",".join(q.get))]
    if not q.all_countries:
        params += [("CTY_CODE", CANADA), ("COMM_LVL", "HS2")]
    if q.codes:
        params += [("COMM_LVL", q.comm_lvl), *((q.commodity, c) for c in q.codes)]
    params.append(("time", f"from {year}-01 to {year}-12"))
    if key:
        params.append(("key", key))
    return params


def public_url(settings: Settings, q: Query, year: int) -> str:
    """The address without the key: what errors, logs and the manifest show."""
    return f"{settings.census_api}/{q.flow}/{q.dataset}?" + urlencode(query_params(q, year, None))


def remote_files(source: Source) -> tuple[RemoteFile, ...]:
    settings = get_settings()
    return tuple(
        RemoteFile(name=q.file_name(y), url=public_url(settings, q, y), kind="json")
        for y in years(settings)
        for q in QUERIES
    )


def _strip_tags(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:300]


def check_body(body: bytes, url: str) -> None:
    """An API answer must be a JSON array of arrays of strings with a header row."""

    def fail(problem: str) -> FetchError:
        return FetchError("{source}: {url}: {problem}", source=SOURCE_ID, url=url, problem=problem)

    if _looks_like_html(body[:2048]):
        raise fail(
            "the API sent an HTML page instead of data; this is what it does when the "
            "API key is missing or not accepted. " + KEY_HELP["en"]
        )
    try:
        data = json.loads(body)
    except ValueError as e:
        raise fail(f"the response is not valid JSON ({e}): {_strip_tags(body[:200].decode(errors='replace'))}") from e
    if (
        not isinstance(data, list)
        or not data
        or not all(isinstance(r, list) for r in data)
        or not all(isinstance(c, str) for c in data[0])
    ):
        raise fail("the response is not an array of arrays with a header row")


def _fetch_one(client: httpx.Client, settings: Settings, q: Query, year: int, store: SnapshotStore) -> Snapshot | None:
    shown = public_url(settings, q, year)
    url = f"{settings.census_api}/{q.flow}/{q.dataset}"
    resp = request_with_retries(
        client,
        "GET",
        url,
        settings,
        SOURCE_ID,
        params=query_params(q, year, settings.census_api_key),
        follow_redirects=False,
    )
    if resp.headers.get("X-DataWebAPI-KeyError"):
        raise FetchError(
            "{source}: {url}: the Census API refused the key ({problem}). {help}",
            source=SOURCE_ID,
            url=shown,
            problem=resp.headers["X-DataWebAPI-KeyError"],
            help=KEY_HELP["en"],
        )
    if resp.is_redirect:
        raise FetchError(
            "{source}: {url}: the Census API redirected to {location}, which it does when the "
            "key is missing or not accepted. {help}",
            source=SOURCE_ID,
            url=shown,
            location=resp.headers.get("Location", "?"),
            help=KEY_HELP["en"],
        )
    if resp.status_code == 204 or (resp.status_code == 200 and not resp.content.strip()):
        return None  # no data for that period yet
    if resp.status_code >= 400:
        raise FetchError(
            "{source}: {url}: the server answered HTTP {status}: {problem}",
            source=SOURCE_ID,
            url=shown,
            status=resp.status_code,
            problem=_strip_tags(resp.text) or "no explanation",
        )
    if "text/html" in resp.headers.get("Content-Type", "").lower():
        raise FetchError(
            "{source}: {url}: the API sent an HTML page instead of data; this is what it does "
            "when the API key is missing or not accepted. {help}",
            source=SOURCE_ID,
            url=shown,
            help=KEY_HELP["en"],
        )
    check_body(resp.content, shown)
    fd, tmp_name = tempfile.mkstemp(dir=store.dir, suffix=".json")
    with os.fdopen(fd, "wb") as f:
        f.write(resp.content)
    tmp = Path(tmp_name)
    snap = Snapshot(
        source_id=SOURCE_ID,
        name=q.file_name(year),
        url=shown,
        sha256=_sha256_file(tmp),
        path=tmp,
        size=len(resp.content),
        retrieved_at=_now(),
        origin="http",
    )
    return store.add(tmp, snap)


def fetch(
    source: Source,
    *,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> dict[str, Snapshot]:
    settings = settings or get_settings()
    out: dict[str, Snapshot] = {}
    wanted = [(q, y) for y in years(settings) for q in QUERIES]
    if settings.mirror is not None:
        # A mirror holds the files it has: a year the API had no data for is simply absent.
        for q, y in wanted:
            name = q.file_name(y)
            folder = settings.mirror / SOURCE_ID
            if (folder / name).is_file() or (folder / f"{name}.gz").is_file():
                rf = RemoteFile(name=name, url=public_url(settings, q, y), kind="json")
                out[name] = fetch_file(source, rf, settings=settings, progress=progress)
        if not out:
            raise FetchError(
                "{source}: the mirror {mirror} has none of the expected files (e.g. {name})",
                source=SOURCE_ID,
                mirror=settings.mirror / SOURCE_ID,
                name=wanted[0][0].file_name(wanted[0][1]) if wanted else "",
            )
        return out
    store = SnapshotStore(settings.raw_dir)
    store.dir.mkdir(parents=True, exist_ok=True)
    own = client is None
    client = client or http_client(settings)
    try:
        for i, (q, y) in enumerate(wanted, 1):
            snap = _fetch_one(client, settings, q, y, store)
            if snap is not None:
                out[snap.name] = snap
            if progress:
                progress(SOURCE_ID, i, len(wanted))
    finally:
        if own:
            client.close()
    if not out:
        raise FetchError(
            "{source}: the Census API returned no data (HTTP 204) for any of the years {years}",
            source=SOURCE_ID,
            years=", ".join(str(y) for y in years(settings)),
        )
    return out


# ---------------------------------------------------------------------------- reading


def _rows(snap: Snapshot, q: Query) -> list[tuple[str, ...]]:
    """(direction, time, state, hs2, description, cty_code, cty_name, value, quantity, unit) per data row."""
    data = json.loads(snap.path.read_bytes())
    head = [str(h).strip() for h in data[0]]
    index: dict[str, int] = {}
    for i, h in enumerate(head):
        index.setdefault(h, i)  # a variable both asked for and used as a predicate comes twice
    needed = [c for c in (q.commodity, q.value, "time") if c]
    needed += ["STATE"] if q.dataset == "statehs" else []
    needed += ["CTY_CODE"] if q.all_countries else []
    needed += [q.quantity, "UNIT_QY1"] if q.quantity else []
    missing = [c for c in needed if c not in index]
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns} (found: {found})",
            source=SOURCE_ID,
            file=snap.address,
            columns=", ".join(missing),
            found=", ".join(head),
        )
    desc_col = q.commodity + "_SDESC"
    out: list[tuple[str, ...]] = []
    for r in data[1:]:
        if len(r) != len(head):
            raise LayoutError(
                "{source}: {file}: a row has {n} cells where the header has {m}",
                source=SOURCE_ID,
                file=snap.address,
                n=len(r),
                m=len(head),
            )
        cells = {h: (r[i] if r[i] is not None else "") for h, i in index.items()}
        out.append(
            (
                q.direction,
                cells["time"],
                cells.get("STATE", ""),
                cells.get(q.commodity, ""),
                cells.get(desc_col, ""),
                cells.get("CTY_CODE", CANADA),
                cells.get("CTY_NAME", ""),
                cells[q.value],
                cells.get(q.quantity, "") if q.quantity else "",
                cells.get("UNIT_QY1", "") if q.quantity else "",
            )
        )
    return out


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    by_query = {(q.flow, q.kind): q for q in QUERIES}
    con.execute("""
        CREATE TEMP TABLE census_stage (
            file VARCHAR, dataset VARCHAR, sha VARCHAR, direction VARCHAR, time VARCHAR,
            state VARCHAR, hs2 VARCHAR, description VARCHAR, cty_code VARCHAR, cty_name VARCHAR,
            value_text VARCHAR, qty_text VARCHAR, unit VARCHAR)
    """)
    try:
        for name, snap in sorted(snaps.items()):
            m = _FILE_RE.match(name.removesuffix(".gz"))
            if not m:
                continue
            q = by_query[(m.group(1), m.group(2))]
            rows = _rows(snap, q)
            if rows:
                con.executemany(
                    "INSERT INTO census_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(name, q.kind, snap.sha256, *r) for r in rows],
                )
        # Totals ("TOTAL FOR ALL COUNTRIES / STATES / COMMODITIES", code "-") and country
        # groupings would be counted twice if kept.
        con.execute("""
            CREATE TEMP TABLE census_clean AS
            SELECT *, try_strptime(time, '%Y-%m')::DATE AS period,
                   try_cast(nullif(trim(value_text), '') AS DOUBLE) AS value_usd
            FROM census_stage
            WHERE dataset IN ('hs', 'statehs') AND trim(cty_code) = '1220'
              AND trim(hs2) NOT IN ('-', '')
              AND trim(state) <> '-'
              AND NOT starts_with(upper(trim(description)), 'TOTAL FOR ALL')
              AND NOT starts_with(upper(trim(cty_name)), 'TOTAL FOR ALL')
        """)
        # Countries only: the world total ("-") and groupings (codes 0xxx: EU, NAFTA …) out.
        con.execute("""
            INSERT INTO census_clean
            SELECT *, try_strptime(time, '%Y-%m')::DATE,
                   try_cast(nullif(trim(value_text), '') AS DOUBLE)
            FROM census_stage
            WHERE (dataset = 'enduse' OR starts_with(dataset, 'hs-energy-'))
              AND regexp_full_match(trim(cty_code), '[1-9][0-9]{3}')
              AND trim(hs2) <> '-'
              AND NOT starts_with(upper(trim(cty_name)), 'TOTAL FOR ALL')
        """)
        bad = con.execute("""
            SELECT file, time, coalesce(nullif(trim(value_text), ''), qty_text) FROM census_clean
            WHERE period IS NULL OR (value_usd IS NULL AND trim(value_text) <> '')
               OR (try_cast(nullif(trim(qty_text), '') AS DOUBLE) IS NULL AND trim(qty_text) <> '')
            LIMIT 1
        """).fetchone()
        if bad:
            raise LayoutError(
                "{source}: {file}: a row has a time or value in no known form (time {time!r}, value {value!r})",
                source=SOURCE_ID,
                file=bad[0],
                time=bad[1],
                value=bad[2],
            )
        dropped = con.execute(
            "SELECT (SELECT count(*) FROM census_stage) - (SELECT count(*) FROM census_clean)"
        ).fetchone()[0]  # type: ignore[index]
        sid = sql_str(source.id)
        con.execute(f"""
            CREATE TABLE census_trade_hs AS
            SELECT direction, period, trim(hs2) AS hs2, trim(description) AS description,
                   value_usd, {sid} AS source_id, sha AS snapshot_sha256
            FROM census_clean WHERE dataset = 'hs'
            ORDER BY direction, period, hs2
        """)
        con.execute(f"""
            CREATE TABLE census_trade_state AS
            SELECT direction, period, trim(state) AS state, trim(hs2) AS hs2, value_usd,
                   {sid} AS source_id, sha AS snapshot_sha256
            FROM census_clean WHERE dataset = 'statehs'
            ORDER BY direction, period, state, hs2
        """)
        con.execute(f"""
            CREATE TABLE census_trade_partners AS
            SELECT direction, period, trim(cty_code) AS cty_code, trim(cty_name) AS cty_name,
                   value_usd, {sid} AS source_id, sha AS snapshot_sha256
            FROM census_clean WHERE dataset = 'enduse'
            ORDER BY direction, period, cty_code
        """)
        forms = " ".join(f"WHEN '{code}' THEN '{form}'" for code, form in ENERGY_FORMS.items())
        # A quantity counts only with a unit: "-" is the API's "no unit" (the quantity cell then
        # holds 0, which is not a measured zero).
        con.execute(f"""
            CREATE TABLE census_energy_partners AS
            SELECT direction, period, trim(hs2) AS commodity, CASE trim(hs2) {forms} END AS form,
                   trim(cty_code) AS cty_code, trim(cty_name) AS cty_name, value_usd,
                   CASE WHEN trim(unit) NOT IN ('', '-') THEN try_cast(nullif(trim(qty_text), '') AS DOUBLE)
                   END AS quantity,
                   CASE WHEN trim(unit) NOT IN ('', '-') THEN trim(unit) END AS quantity_unit,
                   {sid} AS source_id, sha AS snapshot_sha256
            FROM census_clean WHERE starts_with(dataset, 'hs-energy-')
            ORDER BY direction, period, commodity, cty_code
        """)
        unknown = con.execute("SELECT commodity FROM census_energy_partners WHERE form IS NULL LIMIT 1").fetchone()
        if unknown:
            raise LayoutError(
                "{source}: the energy answer holds commodity {code!r}, which was not asked for",
                source=SOURCE_ID,
                code=unknown[0],
            )
        rows, as_of = con.execute("""
            SELECT (SELECT count(*) FROM census_trade_hs) + (SELECT count(*) FROM census_trade_state)
                   + (SELECT count(*) FROM census_energy_partners),
                   strftime(greatest((SELECT max(period) FROM census_trade_hs),
                                     (SELECT max(period) FROM census_energy_partners)), '%Y-%m')
        """).fetchone()  # type: ignore[misc]
    finally:
        con.execute("DROP TABLE IF EXISTS census_clean")
        con.execute("DROP TABLE IF EXISTS census_stage")
    return LoadResult(rows=rows, as_of=as_of, notes={"total_rows_dropped": str(dropped), "files": str(len(snaps))})


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "US international trade with Canada by HS chapter and state, and energy trade with every "
        "partner country (Census API)",
        "fr": "Commerce international des États-Unis avec le Canada par chapitre du SH et par État, et commerce "
        "de l'énergie avec chaque pays partenaire (API du Census)",
    },
    publisher={
        "en": "US Census Bureau, Economic Indicators Division",
        "fr": "Census Bureau des États-Unis, Economic Indicators Division",
    },
    licence=LICENCES["us-public-domain"],
    landing_url="https://www.census.gov/data/developers/data-sets/international-trade.html",
    cadence="monthly",
    files=(),
    tables=("census_trade_hs", "census_trade_state", "census_trade_partners", "census_energy_partners"),
    load=load,
    description={
        "en": "US exports to Canada (total exports, F.A.S. value) and US general imports from "
        "Canada (customs value), in US dollars, by HS chapter and month, and by US state; and US "
        "energy trade (HS chapter 27, coal, uranium) with every partner country, in value and quantity.",
        "fr": "Exportations américaines vers le Canada (exportations totales, valeur F.A.B.) et "
        "importations générales américaines en provenance du Canada (valeur en douane), en "
        "dollars américains, par chapitre du SH et par mois, et par État; et commerce américain "
        "de l'énergie (chapitre 27 du SH, charbon, uranium) avec chaque pays partenaire, en valeur "
        "et en quantité.",
    },
    requires="census_api_key",
    requires_help=KEY_HELP,
    resolve_files=remote_files,
    fetch=fetch,
)

register(SOURCE)
