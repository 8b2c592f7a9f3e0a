"""Every page of the portal, by language: the list the French, twin and browser tests walk.

Declared from the section list and the declared chart builders, so a new section or chart is walked
without editing the tests.
"""

from __future__ import annotations

from canus.web.page import sections
from canus.web.page.builders import CHART_BUILDERS, SECTION_BUILDERS

#: Sections whose pages are built by other routers (claims, feedback), not by a section builder.
OTHER_PAGES = ("trade", "claims", "editions", "sources", "feedback")
EXTRA = {
    "en": ["/en/trade/exposure", "/en/claims/people-per-day-prepandemic"],
    "fr": ["/fr/commerce/exposition", "/fr/affirmations/people-per-day-prepandemic"],
}


def section_paths(lang: str) -> list[str]:
    """Pages with a builder (they have ``.json`` twins)."""
    return [sections.path_for(s.id, lang) for s in sections.SECTIONS if s.id in SECTION_BUILDERS and s.id != "charts"]


def page_paths(lang: str, charts: bool = True) -> list[str]:
    paths = section_paths(lang)
    paths += [sections.path_for(s, lang) for s in OTHER_PAGES if sections.path_for(s, lang) not in paths]
    paths += EXTRA[lang]
    if charts:
        paths += [sections.path_for("charts", lang, "/" + c) for c in sorted(CHART_BUILDERS)]
    return paths
