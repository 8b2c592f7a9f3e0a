"""The command line: ``canus update | sources | query | serve …`` in English or French."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import time
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from canus import sources
from canus.errors import CanusError, QueryError
from canus.i18n import _, fmt_number
from canus.settings import get_settings

LANG = get_settings().lang

app = typer.Typer(
    help=_("canus keeps the Canada–United States relationship measurable.", LANG),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _lang(lang: str | None) -> str:
    return lang if lang in ("en", "fr") else get_settings().lang


LangOpt = Annotated[str | None, typer.Option("--lang", help=_("Language: en or fr.", LANG))]


@app.command(help=_("Download sources, check them and publish a new warehouse.", LANG))
def update(
    source_ids: Annotated[list[str] | None, typer.Argument(
        help=_("Sources to update (default: all).", LANG), show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help=_(
        "Load again even when the snapshot is unchanged.", LANG))] = False,
    changed: Annotated[bool, typer.Option("--changed", help=_(
        "Only the Statistics Canada tables that changed since the last run.", LANG))] = False,
    lang: LangOpt = None,
) -> None:
    """Download sources, check them and publish a new warehouse."""
    from canus.pipeline import update as run_update

    lang = _lang(lang)
    settings = get_settings()
    ids = list(source_ids or [])
    if changed:
        from canus.sources import statcan  # type: ignore[attr-defined]

        ids = statcan.changed_source_ids(settings)
        if not ids:
            console.print(_("No Statistics Canada table has changed since the last run.", lang))
            return
    where = (
        _("mirror {path}", lang, path=settings.mirror) if settings.mirror
        else _("the publishers' servers", lang)
    )
    console.print(_("Updating from {where} into {home}", lang, where=where, home=settings.home))
    tasks: dict[str, TaskID] = {}
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as bar:

        def on_bytes(sid: str, done: int, total: int | None) -> None:
            if sid not in tasks:
                tasks[sid] = bar.add_task(sid, total=total)
            bar.update(tasks[sid], completed=done, total=total)

        def on_event(sid: str, what: str) -> None:
            label = {"fetching": _("fetching", lang), "loading": _("loading", lang)}.get(what, what)
            if sid not in tasks:
                tasks[sid] = bar.add_task(sid, total=None)
            bar.update(tasks[sid], description=f"{sid} · {label}")

        results = run_update(ids or None, settings=settings, progress=on_bytes,
                             on_event=on_event, force=force)

    table = Table(title=_("Update summary", lang))
    for head in (_("Source", lang), _("Result", lang), _("Rows", lang), _("As of", lang),
                 _("Details", lang)):
        table.add_column(head)
    labels = {
        "updated": ("green", _("updated", lang)),
        "unchanged": ("cyan", _("unchanged", lang)),
        "failed": ("red", _("failed", lang)),
        "skipped": ("yellow", _("skipped", lang)),
    }
    problems = []
    for r in results:
        colour, word = labels[r.status]
        if r.error:
            problems.append((colour, r.error.localized(lang)))
            detail = _("see below ({n})", lang, n=len(problems))
        else:
            detail = _(r.reason, lang) if r.reason else ""
        table.add_row(r.source_id, f"[{colour}]{word}[/]",
                      fmt_number(r.rows, lang) if r.rows is not None else "—", r.as_of or "—",
                      detail)
    console.print(table)
    # Messages in full below the table: addresses and advice must not be cut to a column width.
    for i, (colour, message) in enumerate(problems, 1):
        console.print(f"[{colour}]({i})[/] ", end="")
        console.print(message, markup=False, soft_wrap=True)
    console.print(_("Done in {seconds} s.", lang,
                    seconds=fmt_number(time.perf_counter() - started, lang, 1)))
    failed = [r for r in results if r.status == "failed"]
    if failed:
        err.print(_("Could not update: {ids}. The published data is unchanged for them.", lang,
                    ids=", ".join(r.source_id for r in failed)))
        raise typer.Exit(1)


@app.command("sources", help=_("List sources with publisher, licence, last update, rows and as-of period.", LANG))
def list_sources(
    fmt: Annotated[Format, typer.Option("--format", help=_("Output format.", LANG))] = Format.table,
    lang: LangOpt = None,
) -> None:
    """List sources with publisher, licence, last update, rows and as-of period."""
    from canus.warehouse import Warehouse

    lang = _lang(lang)
    versions = Warehouse().versions()
    rows = []
    for src in sources.all_default():
        v = versions.get(src.id, {})
        retrieved = v.get("retrieved_at")
        rows.append({
            "id": src.id,
            "title": src.text("title", lang),
            "publisher": src.text("publisher", lang),
            "licence": src.licence.name[lang],
            "retrieved_at": retrieved.isoformat() if isinstance(retrieved, dt.datetime) else None,
            "rows": v.get("rows"),
            "as_of": v.get("as_of"),
        })
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if fmt is Format.csv:
        _write_csv(list(rows[0].keys()) if rows else [], [list(r.values()) for r in rows])
        return
    table = Table(title=_("Sources", lang))
    for head in (_("Id", lang), _("Title", lang), _("Publisher", lang), _("Licence", lang),
                 _("Last update", lang), _("Rows", lang), _("As of", lang)):
        table.add_column(head, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["title"], r["publisher"], r["licence"],
                      (r["retrieved_at"] or _("never", lang))[:16],
                      fmt_number(r["rows"], lang) if r["rows"] is not None else "—",
                      r["as_of"] or "—")
    console.print(table)


def _write_csv(header: list[str], rows: list[list[Any]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    sys.stdout.write(buf.getvalue())



@app.command(help=_("Run a read-only SQL query on the warehouse (no writes, files or network).", LANG))
def query(
    sql: Annotated[str, typer.Argument(help=_("One read-only SQL statement.", LANG))],
    fmt: Annotated[Format, typer.Option("--format", help=_("Output format.", LANG))] = Format.table,
    limit: Annotated[int, typer.Option(help=_("Most rows to print in a table.", LANG))] = 1000,
    lang: LangOpt = None,
) -> None:
    """Run a read-only SQL query on the warehouse (no writes, files or network)."""
    from canus.query import plain, run_query

    lang = _lang(lang)
    try:
        header, rows = run_query(sql)
    except QueryError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(2) from None
    except CanusError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(1) from None
    if fmt is Format.json:
        typer.echo(json.dumps([dict(zip(header, map(plain, r), strict=True)) for r in rows],
                              ensure_ascii=False, default=str))
    elif fmt is Format.csv:
        _write_csv(header, [[plain(v) for v in r] for r in rows])
    else:
        table = Table()
        for h in header:
            table.add_column(h)
        for r in rows[:limit]:
            table.add_row(*["" if v is None else str(plain(v)) for v in r])
        console.print(table)
        if len(rows) > limit:
            console.print(_("{n} more rows not shown (use --format csv).", lang,
                            n=fmt_number(len(rows) - limit, lang)))


@app.command(help=_("Serve the bilingual portal and the API.", LANG))
def serve(
    host: Annotated[str, typer.Option(help=_("Address to listen on.", LANG))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=_("Port to listen on.", LANG))] = 8000,
) -> None:
    """Serve the bilingual portal and the API."""
    import uvicorn

    console.print(_("Serving on http://{host}:{port}/ (Ctrl+C to stop)", LANG, host=host, port=port))
    uvicorn.run("canus.web.app:create_app", factory=True, host=host, port=port,
                log_level="warning", workers=1)


# ---------------------------------------------------------------------------- export (issue 14)

export_app = typer.Typer(help=_("Publish canus outside the server: a static site, a Parquet lake.", LANG),
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export_app, name="export")


@export_app.command("parquet", help=_("Write every warehouse table as Parquet with a datapackage.json.", LANG))
def export_parquet_cmd(
    dest: Annotated[str, typer.Argument(help=_("Folder of the lake (replaced when complete).", LANG))],
    lang: LangOpt = None,
) -> None:
    from pathlib import Path

    from canus.lake.parquet import export_parquet

    lang = _lang(lang)
    try:
        package = export_parquet(Path(dest))
    except CanusError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(1) from None
    rows = sum(r["canus:rows"] for r in package["resources"])
    console.print(_("{tables} tables, {rows} rows written to {path}", lang, tables=len(package["resources"]),
                    rows=fmt_number(rows, lang), path=dest))


@export_app.command("site", help=_("Write the whole portal as static files, both languages.", LANG))
def export_site_cmd(
    dest: Annotated[str, typer.Argument(help=_("Folder of the site (only changed pages are rewritten).", LANG))],
    form_endpoint: Annotated[str | None, typer.Option("--form-endpoint", help=_(
        "Where the report-a-problem forms post to; without it they are replaced by a note.", LANG))] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help=_(
        "The address the site will be published at (used in the chart embed code).", LANG))] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", help=_("Worker processes (default: cores, at most 4).",
                                                              LANG))] = None,
    full: Annotated[bool, typer.Option("--full", help=_("Render every page again.", LANG))] = False,
    lang: LangOpt = None,
) -> None:
    from pathlib import Path

    from canus.export_site import export_site

    lang = _lang(lang)
    try:
        report = export_site(Path(dest), form_endpoint=form_endpoint, jobs=jobs, full=full, base_url=base_url)
    except CanusError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(1) from None
    console.print(_("{pages} files in {path}: {rendered} rendered, {kept} unchanged, {removed} removed "
                    "({size} MB, {seconds} s).", lang, pages=report.pages, path=dest, rendered=report.rendered,
                    kept=report.kept, removed=report.removed, size=fmt_number(report.bytes / 1e6, lang, 1),
                    seconds=fmt_number(report.seconds, lang, 1)))


def main() -> None:  # pragma: no cover
    app()


def _register_extensions() -> None:
    # Pillars add their own sub-commands (claims, trade, feedback …) by defining ``register(app)``.
    import importlib

    for module in ("canus.claims.cli", "canus.trade_cli", "canus.web.feedback_cli"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise
            continue
        mod.register(app)


_register_extensions()
