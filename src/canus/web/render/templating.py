"""One Jinja environment per language: request-safe translation without a shared gettext."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from canus import i18n, terminology
from canus.metrics import format_value
from canus.web.page import sections
from canus.web.render import furniture

TEMPLATES = Path(__file__).parents[1] / "templates"
#: Pillars that keep templates of their own, reached as ``<pillar>/<name>.html``.
PILLAR_TEMPLATES = {"trade": Path(__file__).parents[2] / "pillars" / "trade" / "templates"}


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES),
                PrefixLoader({name: FileSystemLoader(path) for name, path in PILLAR_TEMPLATES.items()}),
            ]
        ),
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
        fmt_value=lambda v, unit: _display_value(v, unit, lang),
        fmt_as_of=lambda v: i18n.fmt_as_of(v, lang),
        term=lambda text: terminology.name(text, lang),
        url_in=lambda url: terminology.url_in(url, lang),
        table_source=lambda table: _table_source(table, lang),
        claim_figure=lambda fig: _claim_figure(fig, lang),
        doc_in=lambda path: _doc_in(path, lang),
        **_portal_globals(lang),
    )
    return env


def _table_source(table: Any, lang: str) -> tuple[str, str, str]:
    from canus.web.render.figure_meta import registry_source

    return registry_source([table], lang) if table is not None else ("", "", "")


_DOCS = Path(__file__).resolve().parents[3] / "docs"


def _doc_in(path: str | None, lang: str) -> str:
    """``docs/x.md#a`` in the reader's language: ``docs/x.fr.md#a`` when that document exists."""
    if not path or lang == "en":
        return path or ""
    file, hash_, anchor = path.partition("#")
    french = file.removesuffix(".md") + ".fr.md"
    if file.startswith("docs/") and (_DOCS / Path(french).name).exists():
        return french + hash_ + anchor
    return path


def _claim_figure(fig: dict[str, Any] | None, lang: str) -> str:
    """A claim's figure as the page states it, with its period: "around 400,000 people a day (2019)"."""
    if not fig:
        return "—"
    from canus.claims.display import figure

    text = figure(fig["value"], fig["unit"], fig.get("qualifier", "exact"), lang)
    return f"{text} ({fig['period']})" if fig.get("period") else text


def _display_value(v: Any, unit: str, lang: str) -> str:
    # Names in tables (provinces, states, lakes, cities) as the reader's language writes them.
    if unit == "text" and isinstance(v, str):
        return terminology.name(v, lang)
    if unit in ("percent", "change") and isinstance(v, int | float) and v < 0:
        return format_value(v, unit, lang).replace("-", i18n.MINUS)
    return format_value(v, unit, lang)


def _portal_globals(lang: str) -> dict[str, Any]:
    # Furniture of the portal's pages (related links, source names); owned by the portal.
    return furniture.template_globals(lang)


def render(template: str, lang: str, **context: Any) -> str:
    return environment(lang).get_template(template).render(**context)
