"""What a source is: its origin, licence and files, declared next to the code that reads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Licence:
    id: str
    name: dict[str, str]
    url: str
    attribution: dict[str, str]


LICENCES: dict[str, Licence] = {
    "us-public-domain": Licence(
        id="us-public-domain",
        name={
            "en": "Public domain (US federal government work)",
            "fr": "Domaine public (œuvre du gouvernement fédéral des États-Unis)",
        },
        url="https://www.usa.gov/government-copyright",
        attribution={
            "en": "US federal data, not subject to copyright (17 U.S.C. § 105).",
            "fr": "Données fédérales américaines, libres de droits d'auteur (17 U.S.C. § 105).",
        },
    ),
    "statcan-open": Licence(
        id="statcan-open",
        name={
            "en": "Statistics Canada Open Licence",
            "fr": "Licence ouverte de Statistique Canada",
        },
        url="https://www.statcan.gc.ca/en/reference/licence",
        attribution={
            "en": "Adapted from Statistics Canada. This does not constitute an endorsement "
            "by Statistics Canada of this product.",
            "fr": "Adapté de Statistique Canada. Ceci ne constitue pas une approbation de ce "
            "produit par Statistique Canada.",
        },
    ),
    "ogl-canada": Licence(
        id="ogl-canada",
        name={
            "en": "Open Government Licence – Canada 2.0",
            "fr": "Licence du gouvernement ouvert – Canada 2.0",
        },
        url="https://open.canada.ca/en/open-government-licence-canada",
        attribution={
            "en": "Contains information licensed under the Open Government Licence – Canada.",
            "fr": "Contient des informations visées par la Licence du gouvernement ouvert – Canada.",
        },
    ),
    "cc-by-4.0": Licence(
        id="cc-by-4.0",
        name={"en": "Creative Commons Attribution 4.0", "fr": "Creative Commons Attribution 4.0"},
        url="https://creativecommons.org/licenses/by/4.0/",
        attribution={"en": "Used under CC BY 4.0.", "fr": "Utilisé sous licence CC BY 4.0."},
    ),
    "cc0": Licence(
        id="cc0",
        name={"en": "CC0 1.0 (public domain dedication)", "fr": "CC0 1.0 (dévouement au domaine public)"},
        url="https://creativecommons.org/publicdomain/zero/1.0/",
        attribution={"en": "Public domain (CC0).", "fr": "Domaine public (CC0)."},
    ),
    "fred-terms": Licence(
        id="fred-terms",
        name={
            "en": "FRED terms of use (underlying series: US public domain)",
            "fr": "Conditions d'utilisation de FRED (séries sous-jacentes\u00a0: domaine public américain)",
        },
        url="https://fred.stlouisfed.org/legal/",
        attribution={
            "en": "Retrieved from FRED, Federal Reserve Bank of St. Louis.",
            "fr": "Tiré de FRED, Banque fédérale de réserve de St. Louis.",
        },
    ),
}

FileKind = Literal["csv", "zip", "json"]


@dataclass(frozen=True)
class RemoteFile:
    """One file as its publisher names and serves it."""

    name: str
    url: str
    kind: FileKind = "csv"
    #: Header names that must all be present; a renamed column fails the download.
    required_columns: tuple[str, ...] = ()
    encoding: str = "utf-8"
    delimiter: str = ","
    #: Lines before the header row (some publishers put notes on top).
    skip_lines: int = 0
    #: Decompress a gzip file, or every member of a zip, whole before trusting it. A reader that
    #: decompresses the whole file anyway, and fails on damage (DuckDB stops at a truncated gzip
    #: stream; zipfile checks each member's CRC as it is read), may skip this second pass. A
    #: truncated download is still caught at fetch time: the gzip header or the zip directory
    #: is read either way.
    verify_whole: bool = True
    #: Extra check run on the stored bytes; raise ``ValueError`` with a clear message.
    check: Callable[[Path], None] | None = None
    #: The loader does without this file: a mirror that lacks it is not an error.
    optional: bool = False


@dataclass(frozen=True)
class Snapshot:
    """Raw bytes as published, stored under their sha256."""

    source_id: str
    name: str
    url: str
    sha256: str
    path: Path
    size: int
    retrieved_at: str
    origin: Literal["http", "mirror"]
    etag: str | None = None
    last_modified: str | None = None
    release: str | None = None

    @property
    def address(self) -> str:
        """Where the bytes came from (a ``file://`` address for a mirror), naming the file: every
        load error says it, so a truncated or garbled download can be traced to its origin."""
        return self.url if self.url.endswith(self.name) else f"{self.name} ({self.url})"


@dataclass(frozen=True)
class LoadResult:
    rows: int
    as_of: str | None
    #: Anything a reader wants recorded with the version (e.g. the publisher's release time).
    notes: dict[str, str] = field(default_factory=dict)


Loader = Callable[["duckdb.DuckDBPyConnection", "dict[str, Snapshot]", "Source"], LoadResult]


@dataclass(frozen=True)
class Source:
    id: str
    title: dict[str, str]
    publisher: dict[str, str]
    licence: Licence
    landing_url: str
    cadence: str
    files: tuple[RemoteFile, ...]
    tables: tuple[str, ...]
    load: Loader
    #: A short statement of what the data counts, shown wherever its figures are.
    description: dict[str, str] = field(default_factory=dict)
    #: Name of the setting the source needs (e.g. an API key); without it the source is skipped.
    requires: str | None = None
    #: How to get what ``requires`` names, in both languages.
    requires_help: dict[str, str] = field(default_factory=dict)
    #: Asks the publisher for a release token before downloading; unchanged token → no download.
    release_probe: Callable[[Source], str | None] | None = None
    #: Builds the files to fetch at run time when they depend on settings or the publisher.
    resolve_files: Callable[[Source], tuple[RemoteFile, ...]] | None = None
    #: Replaces the generic download for APIs whose answers need their own checks (e.g. the
    #: Census API's key redirects and 204s); called as ``fetch(source, settings=, client=,
    #: progress=)`` and returns snapshots like ``fetch_source``.
    fetch: Callable[..., dict[str, Snapshot]] | None = None

    def text(self, field_name: str, lang: str) -> str:
        values: dict[str, str] = getattr(self, field_name)
        return values.get(lang) or values.get("en", "")
