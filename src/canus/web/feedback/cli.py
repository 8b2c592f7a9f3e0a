"""``canus feedback list``: read the problem reports from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from canus.i18n import LANGS, _
from canus.settings import get_settings
from canus.web.feedback.store import KINDS, FeedbackStore

LANG = get_settings().lang


def register(app: typer.Typer) -> None:
    feedback = typer.Typer(help=_("Problem reports sent from the portal's pages.", LANG),
                           no_args_is_help=True)

    @feedback.command("list")
    def list_reports(
        limit: Annotated[int, typer.Option(help=_("Most reports to show.", LANG))] = 50,
        as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON.", LANG))] = False,
        lang: Annotated[str | None, typer.Option("--lang", help=_("Language: en or fr.", LANG))] = None,
    ) -> None:
        """List the reports, newest first."""
        lang = lang if lang in LANGS else get_settings().lang
        reports = FeedbackStore().list(limit)
        if as_json:
            typer.echo(json.dumps([r.__dict__ for r in reports], ensure_ascii=False, indent=1))
            return
        if not reports:
            Console().print(_("No reports yet.", lang))
            return
        table = Table(title=_("Problem reports", lang))
        for head in ("#", _("Received (UTC)", lang), _("Page", lang), _("Problem", lang),
                     _("Details", lang)):
            table.add_column(head, overflow="fold")
        for r in reports:
            table.add_row(str(r.id), r.received_at, f"{r.page} ({r.lang})",
                          "; ".join(_(KINDS[k], lang) if k in KINDS else k for k in r.kinds),
                          r.details)
        # Rich markup in a report would be interpreted: print the table with markup off.
        Console(markup=False, highlight=False).print(table)

    app.add_typer(feedback, name="feedback")
