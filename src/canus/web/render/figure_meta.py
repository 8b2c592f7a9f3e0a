"""A source and a date for every key figure, the same on the page and in its ``.json`` twin.

A builder that knows where a figure comes from sets ``KeyFigure.source``/``date``; otherwise
the figure rests on the page's data: its first warehouse source (publisher and the period the
data runs to), or, for pages built from canus's registers, the publishers the register cites
and the latest date they were consulted.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from canus import terminology
from canus.i18n import _, fmt_as_of, fmt_date

if TYPE_CHECKING:
    from canus.metrics import MetricTable
    from canus.web.page.model import KeyFigure, PageModel


def page_source(page: PageModel, lang: str) -> tuple[str, str, str]:
    """(source, address, date) that the page's figures rest on by default."""
    for p in page.provenance:
        publisher = p.publisher.get(lang, p.publisher["en"])
        url, _same = terminology.url_in(p.landing_url, lang)
        date = (
            _("data to {period}", lang, period=fmt_as_of(p.as_of, lang))
            if p.as_of
            else _("retrieved {date}", lang, date=fmt_date(p.retrieved_at, lang))
            if p.retrieved_at
            else ""
        )
        return publisher, url, date
    return registry_source(page.all_tables, lang)


def registry_source(tables: list[MetricTable], lang: str) -> tuple[str, str, str]:
    """(publishers, address, date) cited by the rows of register tables (no warehouse source)."""
    publishers: list[str] = []
    url, accessed = "", ""
    for t in tables:
        for row in t.rows:
            pub = terminology.name(str(row.get("publisher") or ""), lang)
            if pub and pub not in publishers:
                publishers.append(pub)
                url = url or terminology.url_in(str(row.get("source_url") or ""), lang)[0]
            acc = row.get("accessed")
            if acc and str(acc) > accessed:
                accessed = str(acc)
    if not publishers:
        return "", "", ""
    shown = ", ".join(publishers[:3]) + (" …" if len(publishers) > 3 else "")
    date = _("consulted {date}", lang, date=fmt_date(accessed, lang)) if accessed else ""
    return shown, url, date


def table_caption(table: MetricTable, lang: str) -> tuple[str, str]:
    """(source, date) of one table, for a stand-alone download."""
    for p in table.provenance:
        date = _("data to {period}", lang, period=fmt_as_of(p.as_of, lang)) if p.as_of else ""
        return f"{p.publisher.get(lang, p.publisher['en'])}, {p.title.get(lang, p.title['en'])}", date
    source, _url, date = registry_source([table], lang)
    return source or _("canus register", lang), date


def with_sources(page: PageModel, lang: str) -> list[KeyFigure]:
    default = page_source(page, lang)
    out = []
    for f in page.figures:
        source = f.source or default[0]
        url = f.source_url or (default[1] if not f.source else "")
        date = f.date or default[2]
        out.append(dataclasses.replace(f, source=source, source_url=url, date=date))
    return out
