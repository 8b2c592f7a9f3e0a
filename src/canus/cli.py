"""The command line: ``canus update | sources | query | serve …`` in English or French."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
import time
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from canus import sources
from canus.cli_i18n import argv_lang, env_lang, translate_click
from canus.cli_output import FailedAwareDownloadColumn, print_table
from canus.errors import CanusError, QueryError
from canus.i18n import _, fmt_number
from canus.settings import get_settings

# Help texts are fixed when commands are declared: read ``--lang`` from the command line first.
LANG = argv_lang() or env_lang() or get_settings().lang
translate_click(LANG)

app = typer.Typer(
    help=_("canus keeps the Canada–United States relationship measurable.", LANG),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)


def _top_lang(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    if value is not None:
        # Pillars' commands read the language from the settings: one place for all of them.
        os.environ["CANUS_LANG"] = str(value)
    elif os.environ.get("CANUS_LANG") not in (None, "", "en", "fr"):
        raise typer.BadParameter(_("CANUS_LANG must be en or fr, not {value!r}.", LANG,
                                   value=os.environ["CANUS_LANG"]), ctx=ctx, param=param)
    return value


@app.callback()
def _main(
    lang: Annotated[Lang | None, typer.Option(
        "--lang", help=_("Language of every command: en or fr (default: CANUS_LANG, else en).", LANG),
        callback=_top_lang, is_eager=True)] = None,
) -> None:
    """canus keeps the Canada–United States relationship measurable."""


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _lang(lang: str | None) -> str:
    return str(lang) if lang in ("en", "fr") else (env_lang() or get_settings().lang)


class Lang(StrEnum):
    """The two official languages; any other value is refused by Click with the choices."""

    en = "en"
    fr = "fr"


LangOpt = Annotated[Lang | None, typer.Option("--lang", help=_("Language: en or fr.", LANG))]


@app.command(help=_("Download sources, check them and publish a new warehouse.", LANG))
def update(
    source_ids: Annotated[list[str] | None, typer.Argument(
        help=_("Sources to update (default: all).", LANG), show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help=_(
        "Load again even when the snapshot is unchanged.", LANG))] = False,
    changed: Annotated[bool, typer.Option("--changed", help=_(
        "Only the Statistics Canada tables that changed since the last run.", LANG))] = False,
    fmt: Annotated[Format, typer.Option("--format", help=_("Output format.", LANG))] = Format.table,
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
    # With --format csv|json, stdout carries only the data.
    (console if fmt is Format.table else err).print(
        _("Updating from {where} into {home}", lang, where=where, home=settings.home))
    tasks: dict[str, TaskID] = {}
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), FailedAwareDownloadColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as bar:

        def on_bytes(sid: str, done: int, total: int | None) -> None:
            if sid not in tasks:
                tasks[sid] = bar.add_task(sid, total=total)
            bar.update(tasks[sid], completed=done, total=total)

        def on_event(sid: str, what: str) -> None:
            label = {"fetching": _("fetching", lang), "loading": _("loading", lang),
                     "failed": _("failed", lang)}.get(what, what)
            if sid not in tasks:
                tasks[sid] = bar.add_task(sid, total=None)
            if what == "failed":
                # No download bar left at "0/? bytes": the row says the source failed.
                bar.update(tasks[sid], description=f"[red]{sid} · {label}[/]", failed=True)
                bar.stop_task(tasks[sid])
                return
            bar.update(tasks[sid], description=f"{sid} · {label}")

        results = run_update(ids or None, settings=settings, progress=on_bytes,
                             on_event=on_event, force=force)

    failed = [r for r in results if r.status == "failed"]
    if fmt is not Format.table:
        rows = [{"source": r.source_id, "result": r.status, "rows": r.rows, "as_of": r.as_of,
                 "details": r.error.localized(lang) if r.error else (_(r.reason, lang) if r.reason else "")}
                for r in results]
        if fmt is Format.json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            _write_csv(["source", "result", "rows", "as_of", "details"], [list(r.values()) for r in rows])
        raise typer.Exit(1 if failed else 0)
    table = Table(title=_("Update summary", lang))
    for head in (_("Source", lang), _("Result", lang), _("Rows", lang), _("As of", lang),
                 _("Details", lang)):
        table.add_column(head, justify="right" if head == _("Rows", lang) else "left")
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
    print_table(console, table, ids=1)
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
        table.add_column(head, overflow="fold", justify="right" if head == _("Rows", lang) else "left")
    for r in rows:
        table.add_row(r["id"], r["title"], r["publisher"], r["licence"],
                      (r["retrieved_at"] or _("never", lang))[:16],
                      fmt_number(r["rows"], lang) if r["rows"] is not None else "—",
                      r["as_of"] or "—")
    print_table(console, table, ids=1)


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
        shown = rows[:limit]
        for i, h in enumerate(header):
            numeric = bool(shown) and all(isinstance(plain(r[i]), int | float) for r in shown if r[i] is not None)
            table.add_column(h, justify="right" if numeric else "left")
        for r in shown:
            table.add_row(*["" if v is None else str(plain(v)) for v in r])
        print_table(console, table)
        if len(rows) > limit:
            console.print(_("{n} more rows not shown (use --format csv).", lang,
                            n=fmt_number(len(rows) - limit, lang)))


@app.command(help=_("Serve the bilingual portal and the API.", LANG))
def serve(
    host: Annotated[str, typer.Option(help=_("Address to listen on.", LANG))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=_("Port to listen on.", LANG))] = 8000,
) -> None:
    """Serve the bilingual portal and the API."""
    import socket

    import uvicorn

    lang = _lang(None)
    # A busy port is said first, plainly, before anything claims the server is up.
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as e:
        err.print(_("Cannot serve on {host}:{port}: {problem}. Is another server using this port? "
                    "Choose another with --port.", lang, host=host, port=port, problem=e.strerror or e))
        raise typer.Exit(1) from None
    console.print(_("Serving on http://{host}:{port}/ (Ctrl+C to stop)", lang, host=host, port=port))
    # Access log on: each request is one line (method, path, status).
    uvicorn.run("canus.web.app:create_app", factory=True, host=host, port=port,
                log_level="info", access_log=True, workers=1)


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
