"""Where canus keeps its data and how it reaches publishers, all from ``CANUS_*`` variables.

Settings are read from the environment each time they are asked for, so a test or a
long-running server sees a changed variable without a restart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from canus.i18n import LANGS

#: Every variable canus reads, with what it does. The README is tested against this list.
VARIABLES: dict[str, str] = {
    "CANUS_HOME": "Directory for raw snapshots, the warehouse and feedback "
    "(default: the platform's user data directory).",
    "CANUS_MIRROR": "Read sources from DIR/<source id>/<file> instead of the network (a .gz of the file also counts).",
    "CANUS_URL_<SOURCE>": "Override the download address of a source, e.g. "
    "CANUS_URL_BTS_BORDER_CROSSINGS=http://127.0.0.1:9000/rows.csv.",
    "CANUS_CENSUS_API_KEY": "US Census Bureau API key (free, from api.census.gov/data/key_signup.html).",
    "CANUS_CENSUS_API": "Base address of the US Census international-trade API "
    "(default https://api.census.gov/data/timeseries/intltrade).",
    "CANUS_CENSUS_YEARS": "Years to fetch from the Census trade API, as FIRST-LAST (default 2013 to the current year).",
    "CANUS_EIA_API_KEY": "US Energy Information Administration open-data API key (free, from "
    "https://www.eia.gov/opendata/register.php).",
    "CANUS_EIA_API": "Base address of the EIA open-data API v2 (default https://api.eia.gov/v2).",
    "CANUS_TIMEOUT": "Seconds to wait for a publisher before retrying (default 60).",
    "CANUS_RETRIES": "How many times to try a download before giving up (default 4).",
    "CANUS_BACKOFF": "First back-off delay in seconds, doubled after each retry (default 1).",
    "CANUS_DOWNLOAD_DEADLINE": "Total seconds allowed for one file, retries included (default 600), "
    "plus one second per 256 KiB of the size the publisher announces.",
    "CANUS_LANG": "Language of the command line, en or fr (default en).",
    "CANUS_ADMIN_TOKEN": "Token that opens the feedback admin page (no token: the page is closed).",
    "CANUS_STATCAN_WDS": "Base address of the Statistics Canada Web Data Service "
    "(default https://www150.statcan.gc.ca/t1/wds/rest).",
    "CANUS_QUERY_TIMEOUT": "Seconds a read-only SQL query may run before it is stopped (default 5).",
    "CANUS_QUERY_WORKERS": "How many read-only SQL queries the server runs at once (default 2).",
    "CANUS_QUERY_QUEUE": "How many SQL queries may wait for a worker before the API answers 503 (default 32).",
    "CANUS_QUERY_MEMORY_MB": "Memory cap of each SQL query worker, in MB (default 512).",
    "CANUS_QUERY_THREADS": "Threads each SQL query may use (default 1).",
    "CANUS_PROXY": "Addresses of the reverse proxy whose X-Forwarded-For/-Proto headers the server "
    "trusts, comma-separated (default: none, proxy headers are ignored).",
    "CANUS_STATCAN_CSV": "Base address of Statistics Canada full-table zips, e.g. "
    "https://www150.statcan.gc.ca/n1/tbl/csv (default: unset, the Web Data Service gives each "
    "zip's address).",
}


def _env_key(source_id: str) -> str:
    return "CANUS_URL_" + source_id.upper().replace("-", "_")


@dataclass(frozen=True)
class Settings:
    home: Path
    mirror: Path | None
    timeout: float
    retries: int
    backoff: float
    census_api_key: str | None
    lang: str
    admin_token: str | None
    census_api: str = "https://api.census.gov/data/timeseries/intltrade"
    census_years: str | None = None
    download_deadline: float = 600.0
    eia_api_key: str | None = None
    eia_api: str = "https://api.eia.gov/v2"
    query_timeout: float = 5.0
    query_workers: int = 2
    query_queue: int = 32
    query_memory_mb: int = 512
    query_threads: int = 1
    proxy: str | None = None

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "canus.duckdb"

    @property
    def feedback_path(self) -> Path:
        return self.home / "feedback.sqlite"

    def url_for(self, source_id: str, default: str) -> str:
        return os.environ.get(_env_key(source_id), default)


def get_settings() -> Settings:
    env = os.environ
    home = Path(env.get("CANUS_HOME") or platformdirs.user_data_dir("canus", appauthor=False))
    mirror = env.get("CANUS_MIRROR")
    lang = env.get("CANUS_LANG", "en")
    return Settings(
        home=home.expanduser(),
        mirror=Path(mirror).expanduser() if mirror else None,
        timeout=float(env.get("CANUS_TIMEOUT", "60")),
        retries=max(1, int(env.get("CANUS_RETRIES", "4"))),
        backoff=float(env.get("CANUS_BACKOFF", "1")),
        census_api_key=env.get("CANUS_CENSUS_API_KEY") or None,
        lang=lang if lang in LANGS else "en",
        admin_token=env.get("CANUS_ADMIN_TOKEN") or None,
        census_api=(env.get("CANUS_CENSUS_API") or "https://api.census.gov/data/timeseries/intltrade").rstrip("/"),
        census_years=env.get("CANUS_CENSUS_YEARS") or None,
        download_deadline=float(env.get("CANUS_DOWNLOAD_DEADLINE", "600")),
        eia_api_key=env.get("CANUS_EIA_API_KEY") or None,
        eia_api=(env.get("CANUS_EIA_API") or "https://api.eia.gov/v2").rstrip("/"),
        query_timeout=max(0.1, float(env.get("CANUS_QUERY_TIMEOUT") or 5)),
        query_workers=max(1, int(env.get("CANUS_QUERY_WORKERS") or 2)),
        query_queue=max(1, int(env.get("CANUS_QUERY_QUEUE") or 32)),
        query_memory_mb=max(16, int(env.get("CANUS_QUERY_MEMORY_MB") or 512)),
        query_threads=max(1, int(env.get("CANUS_QUERY_THREADS") or 1)),
        proxy=env.get("CANUS_PROXY") or None,
    )
