"""The portal's sections and their addresses in each language.

URL scheme: ``/<lang>/<slug>`` with the slug in the page's language (as on Canada.ca),
``/en/`` and ``/fr/`` for the overview. A page's twins add ``.json`` or ``.csv`` to its path.
The language toggle maps a path to the same section in the other language.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException

from canus.i18n import LANGS, UnknownLanguage, _, other_lang
from canus.i18n import check_lang as _check


@dataclass(frozen=True)
class Section:
    id: str
    slug: dict[str, str]
    #: English title; French from the catalogue.
    title: str
    #: In the page's main navigation (the later edition's sections) or only linked.
    in_nav: bool = True


SECTIONS: tuple[Section, ...] = (
    Section("overview", {"en": "", "fr": ""}, "Overview"),
    Section("diplomacy", {"en": "diplomatic-network", "fr": "reseau-diplomatique"}, "Diplomatic network"),
    Section("border", {"en": "border", "fr": "frontiere"}, "Border"),
    Section("security", {"en": "security-defence", "fr": "securite-defense"}, "Security and defence"),
    Section("trade", {"en": "trade", "fr": "commerce"}, "Trade"),
    Section("environment", {"en": "environment", "fr": "environnement"}, "Shared environment"),
    Section("energy", {"en": "energy", "fr": "energie"}, "Energy"),
    Section("societies", {"en": "inclusive-societies", "fr": "societes-inclusives"}, "Fair and just societies"),
    Section("partnerships", {"en": "partnerships", "fr": "partenariats"}, "Partnerships and organizations"),
    Section("claims", {"en": "claims", "fr": "affirmations"}, "Claims checked", in_nav=False),
    Section("editions", {"en": "editions", "fr": "editions"}, "The two editions compared", in_nav=False),
    Section("sources", {"en": "sources", "fr": "sources"}, "Sources", in_nav=False),
    Section("charts", {"en": "charts", "fr": "graphiques"}, "Charts", in_nav=False),
    Section("feedback", {"en": "report-problem", "fr": "signaler-probleme"}, "Report a problem", in_nav=False),
)
BY_ID = {s.id: s for s in SECTIONS}
_BY_SLUG = {(lang, s.slug[lang]): s for s in SECTIONS for lang in LANGS}


def path_for(section_id: str, lang: str, rest: str = "") -> str:
    slug = BY_ID[section_id].slug[lang]
    base = f"/{lang}/{slug}" if slug else f"/{lang}/"
    return base + rest


def section_for(lang: str, slug: str) -> Section | None:
    return _BY_SLUG.get((lang, slug))


#: Pages below a section whose own slug differs by language (``/en/trade/exposure``).
SUB_SLUGS: dict[str, str] = {"exposure": "exposition"}
_SUB_BY_LANG = {"en": SUB_SLUGS, "fr": {fr: en for en, fr in SUB_SLUGS.items()}}


def other_language_path(path: str) -> str:
    """The same page in the other language: ``/en/border.csv`` → ``/fr/frontiere.csv``."""
    parts = path.split("/")
    if len(parts) < 2 or parts[1] not in LANGS:
        return "/"
    lang = parts[1]
    other = other_lang(lang)
    parts[1] = other
    if len(parts) > 2:
        head, dot, ext = parts[2].partition(".")
        sec = section_for(lang, head)
        if sec is not None:
            parts[2] = sec.slug[other] + (dot + ext if dot else "")
    if len(parts) > 3:
        head, dot, ext = parts[3].partition(".")
        parts[3] = _SUB_BY_LANG[lang].get(head, head) + (dot + ext if dot else "")
    return "/".join(parts)


def check_lang(lang: str) -> str:
    """The language of a portal address; any other first path segment is a 404."""
    try:
        return _check(lang)
    except UnknownLanguage:
        # The address's language is what is unknown: the error page speaks English, as its frame does.
        raise HTTPException(404, _("Unknown language: use /en/ or /fr/", "en")) from None
