"""One Jinja environment per language: request-safe translation without a shared gettext."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from canus import i18n
from canus.metrics import format_value
from canus.web.page import sections
from canus.web.render import furniture

TEMPLATES = Path(__file__).parents[1] / "templates"
#: Pillars that keep templates of their own, reached as ``<pillar>/<name>.html``.
PILLAR_TEMPLATES = {"trade": Path(__file__).parents[2] / "pillars" / "trade" / "templates"}


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([
            FileSystemLoader(TEMPLATES),
            PrefixLoader({name: FileSystemLoader(path) for name, path in PILLAR_TEMPLATES.items()}),
        ]),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def translate(message: str, **params: Any) -> str:
        return i18n._(message, lang, **params)

    env.globals.update(
        _=translate,
        lang=lang,
        other_lang=i18n.other_lang(lang),
        html_lang="en-CA" if lang == "en" else "fr-CA",
        sections=sections.SECTIONS,
        path_for=lambda sid, rest="": sections.path_for(sid, lang, rest),
        other_language_path=sections.other_language_path,
        fmt_number=lambda v, digits=0: i18n.fmt_number(v, lang, digits),
        fmt_amount=lambda v, currency=None, digits=1: i18n.fmt_amount(v, lang, currency, digits),
        fmt_percent=lambda v, digits=1: i18n.fmt_percent(v, lang, digits),
        fmt_date=lambda v, form="long": i18n.fmt_date(v, lang, form),
        fmt_value=lambda v, unit: format_value(v, unit, lang),
        **_portal_globals(lang),
    )
    return env


def _portal_globals(lang: str) -> dict[str, Any]:
    # Furniture of the portal's pages (related links, source names); owned by the portal.
    return furniture.template_globals(lang)


def render(template: str, lang: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)
