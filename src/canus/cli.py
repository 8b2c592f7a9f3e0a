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
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
from canus.i18n import LANGS, _, fmt_number
from canus.settings import get_settings

if TYPE_CHECKING:
    import duckdb

    from canus.metrics import MetricTable
    from canus.pipeline import UpdateResult
    from canus.settings import Settings

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
        raise typer.BadParameter(
            _("CANUS_LANG must be en or fr, not {value!r}.", LANG, value=os.environ["CANUS_LANG"]),
            ctx=ctx,
            param=param,  # type: ignore[arg-type]
        )
    return value


@app.callback()
def _main(
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help=_("Language of every command: en or fr (default: CANUS_LANG, else en).", LANG),
            callback=_top_lang,
            is_eager=True,
        ),
    ] = None,
) -> None:
    """canus keeps the Canada–United States relationship measurable."""


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Lang(StrEnum):
    """The two official languages; any other value is refused by Click with the choices."""

    en = "en"
    fr = "fr"


def _lang(lang: str | None) -> Lang:
    return Lang(str(lang) if lang in LANGS else (env_lang() or get_settings().lang))


LangOpt = Annotated[Lang | None, typer.Option("--lang", help=_("Language: en or fr.", LANG))]


@app.command(help=_("Download sources, check them and publish a new warehouse.", LANG))
def update(
    source_ids: Annotated[
        list[str] | None, typer.Argument(help=_("Sources to update (default: all).", LANG), show_default=False)
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=_("Load again even when the snapshot is unchanged.", LANG))
    ] = False,
    changed: Annotated[
        bool,
        typer.Option("--changed", help=_("Only the Statistics Canada tables that changed since the last run.", LANG)),
    ] = False,
    allow_older: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-older",
            metavar="SOURCE",
            help=_("Load this source even if its vintage is older than the published one (recorded).", LANG),
        ),
    ] = None,
    accept_change: Annotated[
        list[str] | None,
        typer.Option(
            "--accept-change",
            metavar="SOURCE",
            help=_("Publish this source even where the publish gate finds the change implausible (recorded).", LANG),
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help=_("Output format.", LANG))] = Format.table,
    lang: LangOpt = None,
) -> None:
    """Download sources, check them and publish a new warehouse."""
    lang = _lang(lang)
    settings = get_settings()
    ids = list(source_ids or [])
    if changed:
        from canus.sources import statcan

        ids = statcan.changed_source_ids(settings)
        if not ids:
            console.print(_("No Statistics Canada table has changed since the last run.", lang))
            return
    where = _("mirror {path}", lang, path=settings.mirror) if settings.mirror else _("the publishers' servers", lang)
    # With --format csv|json, stdout carries only the data.
    (console if fmt is Format.table else err).print(
        _("Updating from {where} into {home}", lang, where=where, home=settings.home)
    )
    started = time.perf_counter()
    results = _update_with_progress(
        ids, settings, lang, force=force, allow_older=set(allow_older or ()), accept_change=set(accept_change or ())
    )
    failed = [r for r in results if r.status == "failed"]
    if fmt is not Format.table:
        _write_update_results(results, fmt, lang)
        raise typer.Exit(1 if failed else 0)
    _print_update_summary(results, lang)
    console.print(_("Done in {seconds} s.", lang, seconds=fmt_number(time.perf_counter() - started, lang, 1)))
    if failed:
        err.print(
            _(
                "Could not update: {ids}. The published data is unchanged for them.",
                lang,
                ids=", ".join(r.source_id for r in failed),
            )
        )
        raise typer.Exit(1)


def _update_with_progress(
    ids: list[str], settings: Settings, lang: str, *, force: bool, allow_older: set[str], accept_change: set[str]
) -> list[UpdateResult]:
    """Run the pipeline with a progress row per source on stderr (a terminal only)."""
    from canus.pipeline import update as run_update

    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        FailedAwareDownloadColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:

        def on_bytes(sid: str, done: int, total: int | None) -> None:
            if sid not in tasks:
                tasks[sid] = bar.add_task(sid, total=total)
            bar.update(tasks[sid], completed=done, total=total)

        def on_event(sid: str, what: str) -> None:
            label = {"fetching": _("fetching", lang), "loading": _("loading", lang), "failed": _("failed", lang)}.get(
                what, what
            )
            if sid not in tasks:
                tasks[sid] = bar.add_task(sid, total=None)
            if what == "failed":
                # No download bar left at "0/? bytes": the row says the source failed.
                bar.update(tasks[sid], description=f"[red]{sid} · {label}[/]", failed=True)
                bar.stop_task(tasks[sid])
                return
            bar.update(tasks[sid], description=f"{sid} · {label}")

        return run_update(
            ids or None,
            settings=settings,
            progress=on_bytes,
            on_event=on_event,
            force=force,
            allow_older=allow_older,
            accept_change=accept_change,
        )


def _write_update_results(results: list[UpdateResult], fmt: Format, lang: str) -> None:
    """The update's results as data on stdout (JSON or CSV), one row per source."""
    rows = [
        {
            "source": r.source_id,
            "result": r.status,
            "rows": r.rows,
            "as_of": r.as_of,
            "details": r.error.localized(lang) if r.error else (_(r.reason, lang) if r.reason else ""),
        }
        for r in results
    ]
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _write_csv(["source", "result", "rows", "as_of", "details"], [list(r.values()) for r in rows])


def _print_update_summary(results: list[UpdateResult], lang: str) -> None:
    """The update summary table, then each problem's message in full beneath it."""
    table = Table(title=_("Update summary", lang))
    # Source ids are what a reader copies into the next command: never cut.
    table.add_column(_("Source", lang), no_wrap=True, min_width=max((len(r.source_id) for r in results), default=6))
    for head in (_("Result", lang), _("Rows", lang), _("As of", lang), _("Details", lang)):
        table.add_column(head, justify="right" if head == _("Rows", lang) else "left")
    if any(r.status == "updated" for r in results):
        table.caption = _(
            "Details of an update: rows + added, − removed, ~ revised against the published version.", lang
        )
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
            detail = _(r.reason, lang) if r.reason else _changes(r, lang)
        table.add_row(
            r.source_id,
            f"[{colour}]{word}[/]",
            fmt_number(r.rows, lang) if r.rows is not None else "—",
            r.as_of or "—",
            detail,
        )
    print_table(console, table, ids=1)
    # Messages in full below the table: addresses and advice must not be cut to a column width.
    for i, (colour, message) in enumerate(problems, 1):
        console.print(f"[{colour}]({i})[/] ", end="")
        console.print(message, markup=False, soft_wrap=True)


@app.command("sources", help=_("List sources with publisher, licence, last update, rows and as-of period.", LANG))
def list_sources(
    fmt: Annotated[Format, typer.Option("--format", help=_("Output format.", LANG))] = Format.table,
    history: Annotated[
        str | None,
        typer.Option(
            "--history", metavar="SOURCE", help=_("Show every published version of SOURCE and what each changed.", LANG)
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """List sources with publisher, licence, last update, rows and as-of period."""
    from canus.warehouse import Warehouse

    lang = _lang(lang)
    if history:
        _show_history(history, fmt, lang)
        return
    versions = Warehouse().versions()
    rows: list[dict[str, Any]] = []
    for src in sources.listed(versions):
        v = versions.get(src.id)
        rows.append(
            {
                "id": src.id,
                "title": src.text("title", lang),
                "publisher": src.text("publisher", lang),
                "licence": src.licence.name[lang],
                "retrieved_at": v.retrieved_at.isoformat() if v and v.retrieved_at else None,
                "rows": v.rows if v else None,
                "as_of": v.as_of if v else None,
                "release": str(v.release) if v and v.release else None,
            }
        )
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if fmt is Format.csv:
        _write_csv(list(rows[0].keys()) if rows else [], [list(r.values()) for r in rows])
        return
    table = Table(title=_("Sources", lang))
    for head in (
        _("Id", lang),
        _("Title", lang),
        _("Publisher", lang),
        _("Licence", lang),
        _("Last update", lang),
        _("Rows", lang),
        _("As of", lang),
    ):
        table.add_column(head, overflow="fold", justify="right" if head == _("Rows", lang) else "left")
    for r in rows:
        table.add_row(
            r["id"],
            r["title"],
            r["publisher"],
            r["licence"],
            (r["retrieved_at"] or _("never", lang))[:16],
            fmt_number(r["rows"], lang) if r["rows"] is not None else "—",
            r["as_of"] or "—",
        )
    print_table(console, table, ids=1)


def _changes(r: Any, lang: str) -> str:
    counts = (r.added, r.removed, r.revised)
    if all(n is None for n in counts):
        return ""
    return " ".join(
        f"{sign}{fmt_number(n, lang) if n is not None else '?'}"
        for sign, n in zip(("+", "−", "~"), counts, strict=True)
    )


def _show_history(source_id: str, fmt: Format, lang: str) -> None:
    from canus.history import CSV_COLUMNS, csv_row, history_records
    from canus.warehouse import Warehouse

    try:
        with Warehouse().read() as con:
            records = history_records(con, source_id)
    except CanusError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(1) from None
    if fmt is Format.json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if fmt is Format.csv:
        _write_csv(list(CSV_COLUMNS), [csv_row(r) for r in records])
        return
    if not records:
        console.print(_("No published version of {source} in this warehouse.", lang, source=source_id))
        return
    table = Table(title=_("Versions of {source}, newest first", lang, source=source_id))
    for head in (
        _("Loaded", lang),
        _("As of", lang),
        _("Rows", lang),
        _("Added / removed / revised", lang),
        _("sha256", lang),
        _("Flags", lang),
    ):
        table.add_column(head, overflow="fold")

    def n(value: int | None) -> str:
        return fmt_number(value, lang) if value is not None else "—"

    for r in records:
        changes = " / ".join(n(r[k]) for k in ("added", "removed", "revised")) if r["previous_sha256"] else "—"
        table.add_row(
            (r["loaded_at"] or "")[:16].replace("T", " "),
            r["as_of"] or "—",
            n(r["rows"]),
            changes,
            r["sha256"][:8],
            "; ".join(_history_flags(r, lang)),
        )
    console.print(table)


def _history_flags(record: dict[str, Any], lang: str) -> list[str]:
    """What an operator allowed for a published version, and whether it was the first."""
    flags = []
    if record["allowed_older"]:
        flags.append(_("older vintage allowed", lang))
    if record["accepted_checks"]:
        flags.append(_("change accepted: {checks}", lang, checks=", ".join(record["accepted_checks"])))
    if not record["previous_sha256"]:
        flags.append(_("first version", lang))
    return flags


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
    limit: Annotated[int, typer.Option(min=1, help=_("Most rows to return.", LANG))] = 1000,
    all_rows: Annotated[
        bool, typer.Option("--all", help=_("Return every row (still within the time limit).", LANG))
    ] = False,
    lang: LangOpt = None,
) -> None:
    """Run a read-only SQL query on the warehouse (no writes, files or network)."""
    from canus.query import plain, run_query

    lang = _lang(lang)
    try:
        result = run_query(sql, None if all_rows else limit)
    except QueryError as e:
        err.print(e.localized(lang), style="red", markup=False)
        raise typer.Exit(2) from None
    except CanusError as e:
        err.print(e.localized(lang), style="red", markup=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    header, rows = result.columns, result.rows
    if fmt is Format.json:
        typer.echo(
            json.dumps([dict(zip(header, map(plain, r), strict=True)) for r in rows], ensure_ascii=False, default=str)
        )
    elif fmt is Format.csv:
        _write_csv(header, [[plain(v) for v in r] for r in rows])
    else:
        table = Table()
        for i, h in enumerate(header):
            numeric = bool(rows) and all(isinstance(plain(r[i]), int | float) for r in rows if r[i] is not None)
            table.add_column(h, justify="right" if numeric else "left", overflow="fold")
        for r in rows:
            table.add_row(*["" if v is None else str(plain(v)) for v in r])
        # Values are data, not rich markup.
        print_table(Console(markup=False, highlight=False, emoji=False), table)
    if result.truncated:
        # On stderr: visible on a terminal, and CSV/JSON on stdout stay clean data.
        err.print(
            _(
                "Only the first {n} rows are shown: there are more. Use --limit N or --all.",
                lang,
                n=fmt_number(len(rows), lang),
            ),
            style="yellow",
            markup=False,
        )


@app.command(help=_("Rebuild a past version of the warehouse from the raw snapshots into a new file.", LANG))
def rebuild(
    output: Annotated[Path, typer.Argument(help=_("The new warehouse file to write.", LANG))],
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of", help=_("The warehouse as published at this time (UTC), e.g. 2026-12-01T10:00:00.", LANG)
        ),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version", help=_("The warehouse right after this source version (sha256 or its first characters).", LANG)
        ),
    ] = None,
    source_ids: Annotated[
        list[str] | None,
        typer.Option("--source", help=_("Only these sources (default: every source published then).", LANG)),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Rebuild a past version of the warehouse from the raw snapshots into a new file."""
    from canus.rebuild import rebuild as run_rebuild

    lang = _lang(lang)
    if (as_of is None) == (version is None):
        err.print(_("Give exactly one of --as-of and --version.", lang))
        raise typer.Exit(2)
    try:
        outcomes = run_rebuild(output, as_of=as_of, version=version, source_ids=source_ids or None)
    except CanusError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(1) from None
    for o in outcomes:
        if o.ok:
            console.print(
                _(
                    "{source}: rebuilt, {rows} rows, as of {as_of}",
                    lang,
                    source=o.source_id,
                    rows=fmt_number(o.rows, lang),
                    as_of=o.as_of or "—",
                )
            )
        else:
            console.print(f"[red]{o.error.localized(lang) if o.error else o.source_id}[/]")
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)
    console.print(_("Written to {path}", lang, path=output))


@app.command(help=_("Serve the bilingual portal and the API.", LANG))
def serve(
    host: Annotated[str, typer.Option(help=_("Address to listen on.", LANG))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=_("Port to listen on.", LANG))] = 8000,
) -> None:
    """Serve the bilingual portal and the API."""
    import socket

    from canus.web.hardening import run_server

    lang = _lang(None)
    # A busy port is said first, plainly, before anything claims the server is up.
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as e:
        err.print(
            _(
                "Cannot serve on {host}:{port}: {problem}. Is another server using this port? "
                "Choose another with --port.",
                lang,
                host=host,
                port=port,
                problem=e.strerror or e,
            )
        )
        raise typer.Exit(1) from None
    console.print(_("Serving on http://{host}:{port}/ (Ctrl+C to stop)", lang, host=host, port=port))
    run_server(host, port, get_settings())


@app.command(
    "metrics", help=_("Print a catalogue metric with its period coverage and provenance (no id: list them).", LANG)
)
def metrics_command(
    metric_id: Annotated[
        str | None,
        typer.Argument(help=_("Metric id, as in /api/metrics (default: list every metric).", LANG), show_default=False),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help=_("Output format.", LANG))] = Format.table,
    lang: LangOpt = None,
) -> None:
    """Print a catalogue metric: the same rows as its API table, its coverage and its sources."""
    from canus.warehouse import Warehouse

    lang = _lang(lang)
    try:
        with Warehouse().read() as con:
            if metric_id is None:
                _print_metric_listing(con, fmt, lang)
                return
            table = _metric_table(con, metric_id, lang)
    except CanusError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(1) from None
    if table is None:
        err.print(_("Metric {metric} has no rows.", lang, metric=metric_id))
        raise typer.Exit(1)
    _print_metric(table, fmt, lang)


def _print_metric_listing(con: duckdb.DuckDBPyConnection, fmt: Format, lang: str) -> None:
    """Every catalogue metric with whether the warehouse can answer it."""
    from canus.metrics import catalogue as cat

    listing = [
        {
            "id": m.id,
            "pillar": m.pillar,
            "unit": m.unit,
            "basis": m.basis,
            "available": not cat.missing_tables(con, m),
            "title": _(m.title, lang),
        }
        for m in cat.CATALOGUE
    ]
    if fmt is Format.json:
        typer.echo(json.dumps(listing, ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        _write_csv(list(listing[0]), [list(r.values()) for r in listing])
    else:
        t = Table()
        for h in listing[0]:
            t.add_column(h, overflow="fold")
        for r in listing:
            t.add_row(*[str(v) for v in r.values()])
        console.print(t)


def _metric_table(con: duckdb.DuckDBPyConnection, metric_id: str, lang: str) -> MetricTable | None:
    """The metric's table, or exit 1 naming the sources it still waits for."""
    from canus.metrics import catalogue as cat

    spec = cat.get(metric_id)
    missing = cat.missing_sources(con, spec)
    if missing:
        err.print(_("Metric {metric} needs data not loaded yet: {ids}.", lang, metric=spec.id, ids=", ".join(missing)))
        raise typer.Exit(1)
    return spec.fn(con, lang)


def _print_metric(table: MetricTable, fmt: Format, lang: str) -> None:
    """The metric's rows (CSV and JSON exactly as the API gives them), coverage and sources."""
    from canus.metrics import format_value, periods

    part = periods.partial_periods(table.rows, lang)
    coverage = (
        _("Part periods: {periods}.", lang, periods=", ".join(part))
        if part
        else _("Every period shown is whole, or the metric is not by period.", lang)
    )
    if fmt is Format.csv:
        # Exactly the API's CSV on stdout; coverage and sources go to stderr for the reader.
        sys.stdout.write(table.to_csv())
        err.print(coverage)
        for p in table.provenance:
            d = p.as_dict(lang)
            err.print(f"{d['title']} — {d['publisher']} — {d['licence']} — {d['as_of'] or '—'}")
        return
    if fmt is Format.json:
        out = table.to_json(lang)
        out["partial_periods"] = part
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    t = Table(title=table.title_in(lang))
    for c in table.columns:
        t.add_column(_(c.label, lang), overflow="fold")
    for r in table.rows:
        t.add_row(*[format_value(r.get(c.name), c.unit, lang) for c in table.columns])
    console.print(t)
    console.print(coverage)
    for p in table.provenance:
        d = p.as_dict(lang)
        console.print(
            _(
                "Source: {title}, {publisher}; licence: {licence}; as of {as_of}.",
                lang,
                title=d["title"],
                publisher=d["publisher"],
                licence=d["licence"],
                as_of=d["as_of"] or "—",
            )
        )


# ---------------------------------------------------------------------------- export (issue 14)

_EXPORT_HELP = _("Publish canus outside the server: a static site, a Parquet lake.", LANG)
export_app = typer.Typer(
    help=_EXPORT_HELP,
    # Given whole: Click's own short form re-spaces words, losing French non-breaking spaces.
    short_help=_EXPORT_HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
)
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
    console.print(
        _(
            "{tables} tables, {rows} rows written to {path}",
            lang,
            tables=len(package["resources"]),
            rows=fmt_number(rows, lang),
            path=dest,
        )
    )


@export_app.command("site", help=_("Write the whole portal as static files, both languages.", LANG))
def export_site_cmd(
    dest: Annotated[str, typer.Argument(help=_("Folder of the site (only changed pages are rewritten).", LANG))],
    form_endpoint: Annotated[
        str | None,
        typer.Option(
            "--form-endpoint",
            help=_("Where the report-a-problem forms post to; without it they are replaced by a note.", LANG),
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", help=_("The address the site will be published at (used in the chart embed code).", LANG)
        ),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", help=_("Worker processes (default: cores, at most 4).", LANG))
    ] = None,
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
    console.print(
        _(
            "{pages} files in {path}: {rendered} rendered, {kept} unchanged, {removed} removed "
            "({size} MB, {seconds} s).",
            lang,
            pages=report.pages,
            path=dest,
            rendered=report.rendered,
            kept=report.kept,
            removed=report.removed,
            size=fmt_number(report.bytes / 1e6, lang, 1),
            seconds=fmt_number(report.seconds, lang, 1),
        )
    )


def main() -> None:  # pragma: no cover
    app()


def _add_sub_commands() -> None:
    # Declared here, not discovered: each of these adds its commands with ``register(app)``.
    from canus.claims import cli as claims_cli
    from canus.pillars.trade import cli as trade_cli
    from canus.web.feedback import cli as feedback_cli

    for module in (claims_cli, trade_cli, feedback_cli):
        module.register(app)


_add_sub_commands()
