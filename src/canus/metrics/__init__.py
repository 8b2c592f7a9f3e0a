"""Named figures computed from the warehouse, each with its definition and provenance.

A metric function takes a DuckDB connection and returns a :class:`MetricTable`: rows,
typed columns, what the figure counts, and the sources (with licence and vintage) it
rests on. Pages, the API, the CLI and the claims checker all consume the same object.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import duckdb

from canus import sources
from canus.data_versions import read_versions
from canus.i18n import _, fmt_amount, fmt_date, fmt_number, fmt_percent
from canus.query import plain
from canus.sources.base import Source
from canus.terminology import url_in


@dataclass(frozen=True)
class Column:
    name: str
    #: English label; the message catalogue gives the French.
    label: str
    #: count, persons, vehicles, per_day, percent, CAD, USD, year, date, text, rank …
    unit: str = "count"


@dataclass(frozen=True)
class Provenance:
    source_id: str
    title: dict[str, str]
    publisher: dict[str, str]
    licence_name: dict[str, str]
    licence_url: str
    attribution: dict[str, str]
    landing_url: str
    as_of: str | None
    retrieved_at: str | None
    sha256: str | None

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "title": self.title.get(lang, self.title["en"]),
            "publisher": self.publisher.get(lang, self.publisher["en"]),
            "licence": self.licence_name.get(lang, self.licence_name["en"]),
            "licence_url": self.licence_url,
            "attribution": self.attribution.get(lang, self.attribution["en"]),
            "landing_url": url_in(self.landing_url, lang)[0],
            "as_of": self.as_of,
            "retrieved_at": self.retrieved_at,
            "sha256": self.sha256,
        }


def provenance(con: duckdb.DuckDBPyConnection, *source_ids: str) -> list[Provenance]:
    versions = read_versions(con)
    out = []
    for sid in source_ids:
        v = versions.get(sid)
        # A loaded table is titled as its own metadata says (Statistics Canada renames tables).
        src: Source = sources.as_loaded(sources.get(sid), v.notes if v else None)
        out.append(
            Provenance(
                source_id=sid,
                title=src.title,
                publisher=src.publisher,
                licence_name=src.licence.name,
                licence_url=src.licence.url,
                attribution=src.licence.attribution,
                landing_url=src.landing_url,
                as_of=v.as_of if v else None,
                retrieved_at=v.retrieved_at.isoformat() if v and v.retrieved_at else None,
                sha256=v.sha256 if v else None,
            )
        )
    return out


def dict_rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every row of the result ``cur`` holds, each a dict keyed by its column name."""
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def has_tables(con: duckdb.DuckDBPyConnection, *tables: str) -> bool:
    names = {
        r[0]
        for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    }
    return all(t in names for t in tables)


@dataclass
class MetricTable:
    id: str
    title: str
    definition: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    provenance: list[Provenance]
    summary: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        return _(self.title, lang)

    def definition_in(self, lang: str) -> str:
        return _(self.definition, lang)

    def formatted(self, row: dict[str, Any], col: Column, lang: str) -> str:
        return format_value(row.get(col.name), col.unit, lang)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title_in(lang),
            "definition": self.definition_in(lang),
            "summary": self.summary.get(lang),
            "columns": [{"name": c.name, "label": _(c.label, lang), "unit": c.unit} for c in self.columns],
            "rows": [{c.name: plain(r.get(c.name)) for c in self.columns} for r in self.rows],
            "sources": [p.as_dict(lang) for p in self.provenance],
        }

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.name for c in self.columns])
        for r in self.rows:
            w.writerow(["" if r.get(c.name) is None else plain(r.get(c.name)) for c in self.columns])
        return buf.getvalue()


def format_value(v: Any, unit: str, lang: str) -> str:
    if v is None:
        return "—"
    if unit == "percent":
        return fmt_percent(v, lang)
    if unit in ("CAD", "USD"):
        return fmt_amount(v, lang, currency=unit)
    if unit == "date":
        return fmt_date(v, lang)
    if unit == "month":
        from canus.i18n import fmt_month

        return fmt_month(v, lang)
    if unit == "metres":
        # Lake levels differ by centimetres: the table keeps the card's two decimals.
        return fmt_number(v, lang, 2)
    if unit in ("year", "text", "code"):
        return str(v)
    if isinstance(v, float) and not v.is_integer():
        return fmt_number(v, lang, 0 if abs(v) >= 100 else 1)
    if isinstance(v, int | float):
        return fmt_number(v, lang)
    return str(v)
