"""``canus trade …``: the tariff exposure calculator on the command line."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from canus.errors import CanusError
from canus.i18n import LANGS, _, fmt_amount
from canus.settings import get_settings

LANG = get_settings().lang


class By(StrEnum):
    province = "province"
    state = "state"
    product = "product"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def exposure(
    rates: Annotated[
        Path,
        typer.Option(
            "--rates",
            help=_("YAML file of tariff rates in percent by NAPCS section and/or HS chapter.", LANG),
            show_default=False,
        ),
    ],
    year: Annotated[
        int | None, typer.Option("--year", help=_("Year of trade to apply the rates to (default: the latest).", LANG))
    ] = None,
    by: Annotated[By, typer.Option("--by", help=_("Breakdown: province, state or product.", LANG))] = By.product,
    fmt: Annotated[Format, typer.Option("--format", help=_("Output format.", LANG))] = Format.table,
    lang: Annotated[str | None, typer.Option("--lang", help=_("Language: en or fr.", LANG))] = None,
) -> None:
    """Trade exposed to the given tariff rates, and the duty they would raise (no behaviour change)."""
    from canus.pillars.trade.exposure import exposure as compute
    from canus.pillars.trade.exposure import load_rates
    from canus.warehouse import Warehouse

    lang = lang if lang in LANGS else get_settings().lang
    out, err = Console(), Console(stderr=True)
    try:
        schedule = load_rates(rates)
        with Warehouse().read() as con:
            table = compute(con, schedule, year=year, by=by.value)
    except CanusError as e:
        err.print(f"[red]{e.localized(lang)}[/]")
        raise typer.Exit(1) from None
    if not table.rows:
        err.print(
            _(
                "No trade data for this breakdown yet: run 'canus update' for {source}.",
                lang,
                source="census-trade" if by is By.state else "statcan-12100173",
            )
        )
        raise typer.Exit(1)
    if fmt is Format.json:
        doc = table.to_json(lang)
        doc["totals"] = {k: float(table.summary[k]) for k in ("value", "exposed", "duty")}
        doc["year"] = int(table.summary["year"])
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if fmt is Format.csv:
        typer.echo(table.to_csv(), nl=False)
        return
    currency = table.summary["currency"]
    t = Table(title=_("Tariff exposure, {year}, rates from {file}", lang, year=table.summary["year"], file=rates.name))
    for c in table.columns[1:]:
        t.add_column(_(c.label, lang), justify="left" if c.unit in ("text", "code") else "right")
    from canus.metrics import format_value

    for r in table.rows:
        t.add_row(*[format_value(r.get(c.name), c.unit, lang) for c in table.columns[1:]])
    out.print(t)
    out.print(
        _(
            "Total: {exposed} exposed, {duty} in duty, out of {value} of trade.",
            lang,
            exposed=fmt_amount(float(table.summary["exposed"]), lang, currency),
            duty=fmt_amount(float(table.summary["duty"]), lang, currency),
            value=fmt_amount(float(table.summary["value"]), lang, currency),
        )
    )
    out.print(_("Static calculation: nobody is assumed to change what they buy or sell.", lang))
    for p in table.provenance:
        out.print(
            f"{p.title.get(lang, p.title['en'])} · {p.licence_name.get(lang)} · {_('as of', lang)} {p.as_of or '—'}"
        )


def register(app: typer.Typer) -> None:
    trade = typer.Typer(
        help=_("Trade between Canada and the United States.", LANG), no_args_is_help=True, rich_markup_mode=None
    )
    trade.command("exposure")(exposure)
    app.add_typer(trade, name="trade")
