"""A page's ``.csv`` twin: every table of the page, rounded as the page shows it, with sources.

Laid out like Statistics Canada's "CSV for display": for each table a title line, the column
names, the rows, a blank line; then the sources (publisher, title, licence, data period,
address). Numbers are plain (no group separators) but carry only the digits the page shows:
the twin says what the page says, not more.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from canus.i18n import _
from canus.metrics import MetricTable
from canus.query import plain
from canus.terminology import name, url_in


def shown(v: Any, unit: str) -> Any:
    """``v`` rounded as :func:`canus.metrics.format_value` shows it, as a plain value."""
    v = plain(v)
    if not isinstance(v, int | float) or isinstance(v, bool) or (isinstance(v, float) and math.isnan(v)):
        return v
    if unit == "percent":
        return round(float(v), 3)
    if unit in ("CAD", "USD"):
        size = next((s for s in (1e12, 1e9, 1e6, 1e3) if abs(v) >= s), 1.0)
        scaled = abs(v) / size
        kept = round(scaled, 1 if scaled < 100 else 0) * size
        return round(math.copysign(kept, v))
    if unit == "metres":
        return round(float(v), 2)
    if isinstance(v, float) and not v.is_integer():
        return round(v) if abs(v) >= 100 else round(v, 1)
    return int(v) if isinstance(v, float) else v


def shown_rows(table: MetricTable, lang: str) -> list[dict[str, Any]]:
    """The table's rows as the page shows them: rounded numbers, names in ``lang``."""
    return [
        {
            c.name: (
                name(r.get(c.name), lang)
                if c.unit == "text" and isinstance(r.get(c.name), str)
                else shown(r.get(c.name), c.unit)
            )
            for c in table.columns
        }
        for r in table.rows
    ]


def page_csv(tables: list[MetricTable], lang: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    seen: dict[str, Any] = {}
    for t in tables:
        w.writerow([t.title_in(lang)])
        w.writerow([c.name for c in t.columns])
        for r in shown_rows(t, lang):
            w.writerow(["" if r[c.name] is None else r[c.name] for c in t.columns])
        w.writerow([])
        for p in t.provenance:
            seen.setdefault(p.source_id, p)
    w.writerow([_("Sources", lang)])
    w.writerow(["source_id", "publisher", "title", "licence", "as_of", "retrieved_at", "address"])
    for p in seen.values():
        d = p.as_dict(lang)
        w.writerow(
            [
                p.source_id,
                d["publisher"],
                d["title"],
                d["licence"],
                d["as_of"] or "",
                d["retrieved_at"] or "",
                url_in(p.landing_url, lang)[0],
            ]
        )
    for t in tables:
        cited = {(r.get("publisher"), r.get("source_url")) for r in t.rows if r.get("publisher")}
        for pub, url in sorted(cited, key=lambda x: str(x)):
            w.writerow(["", name(str(pub), lang), t.title_in(lang), "", "", "", url_in(str(url or ""), lang)[0]])
    return buf.getvalue()
