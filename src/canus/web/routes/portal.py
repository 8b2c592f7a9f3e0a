"""Section pages, their twins, embeddable charts and the sources page."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from canus import sources
from canus.i18n import LANGS, _
from canus.web.page import sections
from canus.web.page.builders import CHART_BUILDERS, SECTION_BUILDERS
from canus.web.page.model import PageModel
from canus.web.page.sections import check_lang
from canus.web.render.charts import render_svg, svg_download, vega_spec
from canus.web.render.figure_meta import table_caption
from canus.web.render.templating import render
from canus.web.render.twin_csv import page_csv
from canus.web.render.twins import cached_response, split_ext
from canus.web.state import AppState

router = APIRouter()


def _state(request: Request) -> AppState:
    return request.app.state.canus


def _check_lang(lang: str) -> str:
    return check_lang(lang)


def preferred_language(accept: str | None) -> str:
    """The first of en/fr in the Accept-Language header, by quality; English by default."""
    best, best_q = "en", -1.0
    for i, part in enumerate((accept or "").split(",")):
        bits = part.strip().split(";")
        tag = bits[0].strip().lower()
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        primary = tag.split("-")[0]
        if primary in LANGS and (q > best_q or (q == best_q and i == 0)):
            best, best_q = primary, q
    return best


@router.get("/", include_in_schema=False)
def root(request: Request) -> RedirectResponse:
    lang = preferred_language(request.headers.get("accept-language"))
    return RedirectResponse(f"/{lang}/", status_code=307, headers={"Vary": "Accept-Language"})


def build_page(state: AppState, section_id: str, lang: str) -> PageModel:
    builder = SECTION_BUILDERS[section_id]

    def make() -> PageModel:
        from canus.web.routes.claims import section_claims

        page = builder(state.cursor(), lang)
        page.claims = section_claims(state, section_id, lang)
        return page

    return state.cached(("page", section_id, lang), make)


def warm_sections(state: AppState) -> None:
    """Build every section and draw its charts in both languages, ahead of the first reader."""
    version = state.version()
    for lang in LANGS:
        for sec in sections.SECTIONS:
            if sec.id in SECTION_BUILDERS:
                page = build_page(state, sec.id, lang)
                for chart in page.charts:
                    render_svg(chart, lang, version.data_version)


def _page_html(state: AppState, page: PageModel, lang: str, path: str) -> str:
    version = state.version()
    charts = [
        {
            "chart": c,
            "svg": render_svg(c, lang, version.data_version),
            "svg_narrow": render_svg(c, lang, version.data_version, narrow=True),
            "summary": c.summary(c.table, lang),
            "alt": c.alt_text(c.table, lang),
        }
        for c in page.charts
    ]
    claim_badges = None
    if any(f.claim_id for f in page.figures):
        from canus.web.routes.claims import badges

        claim_badges = badges(state, lang)
    return render(
        f"{page.section_id}.html" if _has_template(page.section_id) else "section.html",
        lang,
        page=page,
        charts=charts,
        page_path=path,
        version=version,
        claim_badges=claim_badges,
    )


def _has_template(section_id: str) -> bool:
    from canus.web.render.templating import TEMPLATES

    return (TEMPLATES / f"{section_id}.html").exists()


def _section_response(request: Request, lang: str, section_id: str, kind: str) -> Response:
    state = _state(request)
    page = build_page(state, section_id, lang)
    name = sections.BY_ID[section_id].slug[lang] or "overview"
    if kind == "json":
        return cached_response(request, state, "json", lambda: page.to_json(lang))
    if kind == "csv":
        tables = page.all_tables
        if not tables:
            raise HTTPException(404, _("This page has no data yet.", lang))
        return cached_response(request, state, "csv", lambda: page_csv(tables, lang), filename=f"{name}.csv")
    return cached_response(request, state, "html", lambda: _page_html(state, page, lang, request.url.path))


@router.get("/{lang}/", include_in_schema=False)
def home(request: Request, lang: str) -> Response:
    return _section_response(request, _check_lang(lang), "overview", "html")


@router.get("/{lang}/sources", include_in_schema=False)
def sources_page(request: Request, lang: str) -> Response:
    lang = _check_lang(lang)
    state = _state(request)
    versions = state.versions()
    rows = []
    for src in sources.all_default():
        rows.append({"source": src, "version": versions.get(src.id)})
    return cached_response(
        request,
        state,
        "html",
        lambda: render("sources.html", lang, rows=rows, page_path=request.url.path, version=state.version()),
    )


@router.get("/{lang}/{charts}/{name}", include_in_schema=False)
def chart_page(request: Request, lang: str, charts: str, name: str) -> Response:
    lang = _check_lang(lang)
    sec = sections.section_for(lang, charts)
    if sec is None or sec.id != "charts":
        raise HTTPException(404, _("Page not found", lang))
    chart_id, kind = split_ext(name, ("json", "csv", "svg", "vl.json"))
    if name.endswith(".vl.json"):
        chart_id, kind = name[: -len(".vl.json")], "vl"
    builder = CHART_BUILDERS.get(chart_id)
    state = _state(request)
    con = state.cursor()
    if builder is None:
        raise HTTPException(404, _("Unknown chart: {chart}", lang, chart=chart_id))
    chart = state.cached(("chart", chart_id), lambda: builder(con) if con is not None else None)
    if chart is None:
        raise HTTPException(404, _("This chart has no data yet.", lang))
    version = state.version()
    if kind == "svg":
        caption = table_caption(chart.table, lang)
        return cached_response(
            request,
            state,
            "svg",
            lambda: svg_download(chart, lang, version.data_version, *caption),
            filename=f"{chart_id}.svg",
        )
    if kind == "csv":
        return cached_response(request, state, "csv", chart.table.to_csv, filename=f"{chart_id}.csv")
    if kind == "json":
        return cached_response(
            request,
            state,
            "json",
            lambda: {
                **chart.table.to_json(lang),
                "chart": chart_id,
                "summary": chart.summary(chart.table, lang),
                "alt": chart.alt_text(chart.table, lang),
            },
        )
    if kind == "vl":
        return cached_response(request, state, "json", lambda: vega_spec(chart, lang))
    return cached_response(
        request,
        state,
        "html",
        lambda: render(
            "chart.html",
            lang,
            chart=chart,
            svg=render_svg(chart, lang, version.data_version),
            svg_narrow=render_svg(chart, lang, version.data_version, narrow=True),
            summary=chart.summary(chart.table, lang),
            alt=chart.alt_text(chart.table, lang),
            page_path=request.url.path,
            version=version,
            embed=request.query_params.get("embed") == "1",
            site=str(request.base_url).rstrip("/"),
        ),
    )


@router.get("/{lang}/{name}", include_in_schema=False)
def section(request: Request, lang: str, name: str) -> Response:
    lang = _check_lang(lang)
    slug, kind = split_ext(name)
    sec = sections.section_for(lang, slug)
    other = sections.section_for("fr" if lang == "en" else "en", slug)
    if sec is None and other is not None and other.slug[lang]:
        # /fr/border: the reader asked for the right page with the other language's slug.
        ext = "" if kind == "html" else "." + kind
        return RedirectResponse(sections.path_for(other.id, lang) + ext, status_code=301)
    if sec is None or sec.id not in SECTION_BUILDERS:
        raise HTTPException(404, _("Page not found", lang))
    return _section_response(request, lang, sec.id, kind)
