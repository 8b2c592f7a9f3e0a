"""What a section page shows, independent of how it is rendered (HTML, JSON or CSV).

A section has a builder ``(con, lang) -> PageModel``, declared in :mod:`canus.web.page.builders`;
the same model feeds the HTML page and its ``.json`` / ``.csv`` twins, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from canus import terminology
from canus.metrics import MetricTable, Provenance
from canus.web.render.charts import Chart
from canus.web.render.twin_csv import shown_rows


@dataclass
class KeyFigure:
    label: str
    value: str
    note: str = ""
    #: Claim id whose verdict badge goes with this figure, when one does.
    claim_id: str | None = None
    #: Who published the figure and its date, in the page's language; when a builder leaves
    #: them empty the page's first source fills them (see ``PageModel.sourced_figures``).
    source: str = ""
    source_url: str = ""
    date: str = ""


@dataclass
class PageModel:
    section_id: str
    title: str
    intro: list[str] = field(default_factory=list)
    figures: list[KeyFigure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[MetricTable] = field(default_factory=list)
    #: Sources that would fill this page but have no data yet (ids), said plainly on the page.
    missing_sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: (text, address) of the page's own tools, shown after its notes.
    links: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: The page's statements that belong to this section, checked (filled by web/pages.py from
    #: canus.web.routes.claims.section_claims, the same for every section).
    claims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def provenance(self) -> list[Provenance]:
        seen: dict[str, Provenance] = {}
        for t in [*self.tables, *(c.table for c in self.charts)]:
            for p in t.provenance:
                seen.setdefault(p.source_id, p)
        return list(seen.values())

    @property
    def main_table(self) -> MetricTable | None:
        """The table of the page's first chart (its headline series), else its first table."""
        if self.charts:
            return self.charts[0].table
        return self.tables[0] if self.tables else None

    @property
    def all_tables(self) -> list[MetricTable]:
        """Every table the page shows (its charts' and its own), once each, in page order."""
        return list({t.id: t for t in [*(c.table for c in self.charts), *self.tables]}.values())

    def sourced_figures(self, lang: str) -> list[KeyFigure]:
        """The key figures, each with a source and a date, as the page shows them."""
        from canus.web.render.figure_meta import with_sources

        return with_sources(self, lang)

    def to_json(self, lang: str) -> dict[str, Any]:
        tables = {t.id: t for t in [*(c.table for c in self.charts), *self.tables]}
        return {
            "section": self.section_id,
            "lang": lang,
            "title": self.title,
            "figures": [dict(f.__dict__) for f in self.sourced_figures(lang)],
            "tables": [_table_json(t, lang) for t in tables.values()],
            "missing_sources": self.missing_sources,
            "claims": self.claims,
            "sources": [p.as_dict(lang) for p in self.provenance],
        }


def _table_json(table: MetricTable, lang: str) -> dict[str, Any]:
    """A table as the twin gives it: stored values (names in ``lang``) and the rows as shown."""
    doc = table.to_json(lang)
    text = {c.name for c in table.columns if c.unit == "text"}
    if lang != "en" and text:
        doc["rows"] = [
            {k: terminology.name(v, lang) if k in text and isinstance(v, str) else v for k, v in row.items()}
            for row in doc["rows"]
        ]
    doc["rows_as_shown"] = shown_rows(table, lang)
    return doc


Builder = Callable[["duckdb.DuckDBPyConnection | None", str], PageModel]
#: A chart of the embeddable chart pages: ``(con) -> Chart | None``.
ChartBuilder = Callable[[duckdb.DuckDBPyConnection], Chart | None]
