"""``canus check`` and ``canus editions``: the claims register on the command line.

Imported by every ``canus`` command to register these two, so the checker, the registries
and the warehouse are imported only when one of them runs.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from canus.claims import display
from canus.cli_output import print_table as emit_table
from canus.i18n import LANGS, _, fmt_percent
from canus.settings import get_settings

if TYPE_CHECKING:
    import duckdb

    from canus.claims.checker import Result

COLOURS = {"supported": "green", "contradicted": "red", "not_checkable": "bright_black"}


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


LANG = get_settings().lang
# Module level: Typer resolves these annotations by name (postponed evaluation).
FormatOpt = Annotated[CheckFormat, typer.Option("--format", help=_("Output format: table or json.", LANG))]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help=_("Exit with status 1 when a claim is contradicted at its own period.", LANG))
]
LangOpt = Annotated[str | None, typer.Option("--lang", help=_("Language: en or fr.", LANG))]


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else get_settings().lang


@contextlib.contextmanager
def _warehouse() -> Iterator[duckdb.DuckDBPyConnection | None]:
    # No warehouse is a normal state: metric claims then say what they are waiting for.
    from canus.warehouse import Warehouse

    wh = Warehouse()
    if not wh.exists():
        yield None
        return
    with wh.read() as con:
        yield con


def run_check(lang: str) -> list[Result]:
    from canus.claims.checker import check_all

    with _warehouse() as con:
        return check_all(con)


def print_table(results: list[Result], lang: str, console: Console) -> None:
    table = Table(title=_("Claims of the page, checked", lang))
    for head in (
        _("Claim", lang),
        _("Verdict", lang),
        _("Page says", lang),
        _("canus finds", lang),
        _("Period", lang),
        _("Source", lang),
        _("Vintage", lang),
        _("Supporting values", lang),
        _("Since then", lang),
    ):
        table.add_column(head)
    for r in results:
        fig = r.claim.figure
        said = display.figure(fig.value, fig.unit, fig.qualifier, lang)
        found = display.amount(r.value, r.unit, lang)
        if r.verdict == "not_checkable" and r.missing:
            found = _("missing: {what}", lang, what=r.missing_text(lang))
        vintage = ", ".join(f"{k}: {v}" for k, v in r.vintage.items() if v) or "—"
        tol = "—" if r.tolerance is None else _("{width} of the figure", lang, width=fmt_percent(r.tolerance, lang, 1))
        since = (
            "—"
            if not r.latest_period
            else f"{display.amount(r.latest_value, r.unit, lang)} ({r.latest_period})"
            + (" ↻" if r.changed_since else "")
        )
        table.add_row(
            r.claim.id,
            f"[{COLOURS[r.verdict]}]{display.ICONS[r.verdict]} {r.verdict_label(lang)}[/]",
            said,
            found,
            r.period or r.latest_period or "—",
            ", ".join(r.source_ids) or "—",
            vintage,
            tol,
            since,
        )
    emit_table(console, table)
    for r in results:
        for n in r.notes:
            console.print(f"{r.claim.id}: {n.render(lang)}", highlight=False)
        for m in r.context.messages:
            console.print(f"{r.claim.id}: {_('Context:', lang)} {m.render(lang)}", highlight=False)
    counts = {v: sum(1 for r in results if r.verdict == v) for v in COLOURS}
    console.print(
        _(
            "{supported} supported, {contradicted} contradicted, {not_checkable} not yet "
            "checkable; {changed} no longer hold with later data.",
            lang,
            changed=sum(r.changed_since for r in results),
            **counts,
        )
    )


def _edition_figure(entry: dict, lang: str) -> str:
    fig = entry["figure"]
    text = display.figure(fig["value"], fig["unit"], fig.get("qualifier", "exact"), lang)
    return f"{text} ({fig['period']})" if fig.get("period") else text


def register(app: typer.Typer) -> None:
    app.command("check", help=_("Check every claim of the page against the warehouse and the registries.", LANG))(check)
    app.command(
        "editions", help=_("Compare the page's two editions: sections, changed figures, agreements cited.", LANG)
    )(editions)


def check(fmt: FormatOpt = CheckFormat.table, strict: StrictOpt = False, lang: LangOpt = None) -> None:
    from canus.claims.checker import exit_code

    lang = _lang(lang)
    results = run_check(lang)
    if fmt is CheckFormat.json:
        typer.echo(json.dumps([r.as_dict(lang) for r in results], ensure_ascii=False, indent=2))
    else:
        print_table(results, lang, Console())
    raise typer.Exit(exit_code(results, strict))


def editions(fmt: FormatOpt = CheckFormat.table, lang: LangOpt = None) -> None:
    from canus.claims.editions import as_dict as editions_dict

    lang = _lang(lang)
    data = editions_dict(lang)
    if fmt is CheckFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console()
    names = {e["id"]: e["label"] for e in data["editions"]}
    for table in (
        _sections_table(data, names, lang),
        _figures_table(data, names, lang),
        _agreements_table(data, names, lang),
    ):
        emit_table(console, table)


#: In or out of an edition, in the editions tables.
YES, NO = "✓", "—"


def _sections_table(data: dict, names: dict[str, str], lang: str) -> Table:
    sec = Table(title=_("Sections of each edition", lang))
    for head in (_("Section", lang), names["earlier"], names["later"], _("Note", lang)):
        sec.add_column(head)
    for s in data["sections"]:
        sec.add_row(
            s["label"],
            YES if "earlier" in s["editions"] else NO,
            YES if "later" in s["editions"] else NO,
            s["note"] or "",
        )
    return sec


def _figures_table(data: dict, names: dict[str, str], lang: str) -> Table:
    figs = Table(title=_("Figures that changed", lang))
    for head in (_("Change", lang), names["earlier"], names["later"]):
        figs.add_column(head)
    for f in data["figure_changes"]:
        figs.add_row(
            f["change"],
            _edition_figure(f["earlier"], lang) if f["earlier"] else NO,
            _edition_figure(f["later"], lang) if f["later"] else NO,
        )
    return figs


def _agreements_table(data: dict, names: dict[str, str], lang: str) -> Table:
    ags = Table(title=_("Agreements cited", lang))
    for head in (_("Agreement", lang), _("Signed", lang), names["earlier"], names["later"]):
        ags.add_column(head)
    for a in data["agreements"]:
        ags.add_row(
            a["label"] + (f" — {a['note']}" if a["note"] else ""),
            a["signed"] or "—",
            YES if a["earlier"] else NO,
            YES if a["later"] else NO,
        )
    return ags
