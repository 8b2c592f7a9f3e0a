"""Template helpers for the Canada.ca furniture: related links, source names, report form."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from canus import sources
from canus.errors import CanusError
from canus.web.feedback.store import KINDS, MAX_DETAILS, PLACEHOLDER
from canus.web.page import related_links, sections


def source_title(source_id: str, lang: str) -> str:
    """A source's title in the page's language, or its id when no such source is registered."""
    if source_id.startswith("registry:"):
        return source_id
    try:
        return sources.get(source_id).title[lang]
    except (CanusError, KeyError):
        return source_id


_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<text>.*?)</h2>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def with_toc(html: str, heading: str) -> Markup:
    """Add an "On this page" list, built from the page's h2 headings, when it has none.

    Pillars' own templates get the same furniture as the section pages without repeating it;
    headings without an id get one so the links have a target.
    """
    if 'class="toc"' in html:
        return Markup(html)
    entries: list[tuple[str, str]] = []
    used = set(re.findall(r'\sid="([^"]+)"', html))

    def anchor(m: re.Match[str]) -> str:
        attrs, text = m.group("attrs"), m.group("text")
        found = re.search(r'\sid="([^"]+)"', attrs)
        if found:
            ident = found.group(1)
        else:
            base = re.sub(r"[^a-z0-9]+", "-", _TAGS.sub("", text).lower()).strip("-") or "section"
            ident, n = "h-" + base, 2
            while ident in used:
                ident, n = f"h-{base}-{n}", n + 1
            used.add(ident)
            attrs += f' id="{ident}"'
        entries.append((ident, _TAGS.sub("", text).strip()))
        return f"<h2{attrs}>{text}</h2>"

    body = _H2.sub(anchor, html)
    if not entries:
        return Markup(body)
    items = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in entries)
    nav = f'<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">{heading}</h2><ul>{items}</ul></nav>'
    at = body.find("</h1>")
    at = at + len("</h1>") if at >= 0 else 0
    return Markup(body[:at] + nav + body[at:])


def template_globals(lang: str) -> dict[str, Any]:
    return {
        "related_links": lambda section_id: related_links.RELATED.get(section_id, []),
        "neighbours": lambda section_id: related_links.NEIGHBOURS.get(section_id, []),
        "source_title": lambda sid: source_title(sid, lang),
        "sections_by_id": sections.BY_ID,
        "feedback_kinds": KINDS,
        "feedback_max": MAX_DETAILS,
        "csrf_placeholder": PLACEHOLDER,
        "with_toc": with_toc,
    }
