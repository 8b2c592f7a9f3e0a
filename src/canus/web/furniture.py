"""Template helpers for the Canada.ca furniture: related links, source names, report form."""

from __future__ import annotations

from typing import Any

from canus import sources
from canus.errors import CanusError
from canus.web import related_links, sections
from canus.web.feedback import KINDS, MAX_DETAILS


def source_title(source_id: str, lang: str) -> str:
    """A source's title in the page's language, or its id when no such source is registered."""
    if source_id.startswith("registry:"):
        return source_id
    try:
        return sources.get(source_id).title[lang]
    except (CanusError, KeyError):
        return source_id


def template_globals(lang: str) -> dict[str, Any]:
    from canus.web.routes_feedback import PLACEHOLDER

    return {
        "related_links": lambda section_id: related_links.RELATED.get(section_id, []),
        "neighbours": lambda section_id: related_links.NEIGHBOURS.get(section_id, []),
        "source_title": lambda sid: source_title(sid, lang),
        "sections_by_id": sections.BY_ID,
        "feedback_kinds": KINDS,
        "feedback_max": MAX_DETAILS,
        "csrf_placeholder": PLACEHOLDER,
    }
