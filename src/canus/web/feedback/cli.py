"""``canus feedback list``: read the problem reports from the command line."""

from __future__ import annotations

import json
import unicodedata
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from canus.i18n import LANGS, _
from canus.settings import get_settings
from canus.web.feedback.store import KINDS, FeedbackStore

LANG = get_settings().lang


def terminal_safe(text: str, keep_newlines: bool = True) -> str:
    """``text`` with control and format characters shown escaped (``\\x1b``, ``\\u202e``).

    Reports come from anyone on the web: an escape sequence in one could clear the screen,
    recolour it, forge a link (OSC 8) or reorder text (bidi overrides) in the reader's terminal.
    """
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _json_safe(value: Any) -> str:
    """JSON keeps the data as sent; characters a terminal would act on are written as \\uXXXX."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in "\n " else ch
        for ch in text
    )


def register(app: typer.Typer) -> None:
    feedback = typer.Typer(help=_("Problem reports sent from the portal's pages.", LANG), no_args_is_help=True)

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
            typer.echo(_json_safe([r.__dict__ for r in reports]))
            return
        if not reports:
            Console().print(_("No reports yet.", lang))
            return
        table = Table(title=_("Problem reports", lang))
        for head in ("#", _("Received (UTC)", lang), _("Page", lang), _("Problem", lang), _("Details", lang)):
            table.add_column(head, overflow="fold")
        for r in reports:
            table.add_row(
                str(r.id),
                terminal_safe(r.received_at),
                terminal_safe(f"{r.page} ({r.lang})", keep_newlines=False),
                "; ".join(_(KINDS[k], lang) if k in KINDS else terminal_safe(k) for k in r.kinds),
                terminal_safe(r.details),
            )
        # Rich markup in a report would be interpreted: print the table with markup off.
        Console(markup=False, highlight=False).print(table)

    app.add_typer(feedback, name="feedback")
