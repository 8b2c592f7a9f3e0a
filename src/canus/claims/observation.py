"""What an observer returns or raises: a value with its period and sources, or what it waits for.

Shared by the claim observers of :mod:`canus.claims.observations` and the pillars' own
observers (``canus.pillars.energy.supplier_claim``), so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from canus.claims.needs import missing_sources, missing_tables, source_of
from canus.i18n import _, fmt_amount, fmt_number, fmt_percent, fmt_signed_percent
from canus.metrics import Provenance


@dataclass(frozen=True)
class Percent:
    """A share (0.8) shown as a percentage in the reader's language; ``signed`` for a change
    (a true minus sign, as every other change canus shows)."""

    value: float
    signed: bool = False


@dataclass(frozen=True)
class Bilingual:
    """A text written in both languages in the data itself (a registry's YAML)."""

    en: str
    fr: str


@dataclass(frozen=True)
class Amount:
    """A sum of money shown in the reader's language ("C$1.3 trillion")."""

    value: float
    currency: str


@dataclass
class Msg:
    """An English message with fields, rendered through the catalogue in the reader's language.

    Fields that are themselves :class:`Msg` are rendered first; floats are formatted as numbers
    of the language (en-CA, fr-CA). Source ids, table names and years are left as they are.
    """

    text: str
    fields: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        vals: dict[str, Any] = {}
        for k, v in self.fields.items():
            if isinstance(v, Msg):
                vals[k] = v.render(lang)
            elif isinstance(v, list):
                vals[k] = ", ".join(x.render(lang) if isinstance(x, Msg) else str(x) for x in v)
            elif isinstance(v, Percent):
                vals[k] = (fmt_signed_percent if v.signed else fmt_percent)(v.value, lang, 0)
            elif isinstance(v, Bilingual):
                vals[k] = v.fr if lang == "fr" else v.en
            elif isinstance(v, Amount):
                vals[k] = fmt_amount(v.value, lang, currency=v.currency)
            elif isinstance(v, float):
                vals[k] = fmt_number(v, lang, 0)
            else:
                vals[k] = v
        return _(self.text, lang, **vals)

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True)
class Observation:
    value: float
    unit: str
    period: str | None
    source_ids: tuple[str, ...]
    #: Registry facts used (id, url, accessed, confirmed) — empty for metrics.
    facts: tuple[dict[str, Any], ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)
    #: Caveats that go with this value on every surface (estimate range, partial coverage …).
    notes: tuple[Msg, ...] = ()


@dataclass(frozen=True)
class Context:
    """What a claim's page shows beside its verdict and never weighs in it (``Claim.context``):
    sentences, the figures behind them, and the sources they rest on."""

    messages: tuple[Msg, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)
    provenance: tuple[Provenance, ...] = ()
    #: Sources the context still waits for.
    missing_ids: tuple[str, ...] = ()


class MissingSource(Exception):
    """What a target needs and canus does not have yet (a source, a table or a module)."""

    def __init__(self, what: Msg | str, source_ids: tuple[str, ...] = (), notes: tuple[Msg, ...] = ()) -> None:
        self.need = what if isinstance(what, Msg) else Msg(what)
        super().__init__(str(self.need))
        self.source_ids = source_ids
        #: What canus can say meanwhile (a one-way count that is not the page's measure …).
        self.notes = notes

    @property
    def what(self) -> str:
        return str(self.need)


Observer = Callable[[duckdb.DuckDBPyConnection | None, str | None], Observation | None]


def table_msg(source_id: str, table: str) -> Msg:
    return Msg("{source} (table {table})", {"source": source_id, "table": table})


def need_tables(
    con: duckdb.DuckDBPyConnection | None, tables: tuple[str, ...], why: str, notes: tuple[Msg, ...] = ()
) -> None:
    """Raise naming every absent table at once, so one run lists all that is missing."""
    absent = missing_tables(con, tables)
    if not absent:
        return
    by_source: dict[str, list[str]] = {}
    for t in absent:
        by_source.setdefault(source_of(t), []).append(t)
    listed = [table_msg(sid, ", ".join(ts)) for sid, ts in by_source.items()]
    if con is None:
        listed.append(Msg("no warehouse yet: run 'canus update'"))
    raise MissingSource(
        Msg("{missing}: {why}", {"missing": listed, "why": Msg(why)}), tuple(missing_sources(con, tables)), notes
    )
