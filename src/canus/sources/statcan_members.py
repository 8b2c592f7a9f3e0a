"""Statistics Canada series by meaning: dimension and member names, never a remembered vector id.

Vector ids (``v62370949``) and even member ids change between vintages of a table; the names of
dimensions and members are what a table means. A series is therefore asked for by names::

    sel = select_members(con, "statcan_24100041", {
        "Geography": ["Canada"],
        "Traveller characteristics": ["United States residents entering Canada",
                                      "Canadian residents returning from the United States"],
    })
    sel.require()                 # LayoutError naming each dimension / member not found
    con.execute(f"SELECT ref_date, sum(value) FROM statcan_24100041 WHERE {sel.where()} GROUP BY 1")

Names are resolved against ``statcan_<pid>_members``, the loaded vintage's own metadata, to that
vintage's member ids; rows are then picked by the member ids in ``COORDINATE`` (position k is
dimension k), so the selection holds whatever the vectors are called. Names compare without
case, accents or repeated spaces, and through :data:`ALIASES` where StatCan renamed a member.

A table can declare what canus needs from it (:data:`NEEDS`); :func:`check_needs` is run when
the table is loaded, so a vintage that lacks a member says so then, naming it, instead of a
figure or a claim quietly going missing later.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb

from canus.errors import LayoutError
from canus.sources.csvutil import ident

#: Members (or dimensions) that StatCan names differently in different vintages or sibling
#: tables; each group is one meaning. Declared, from names seen in real files: 24-10-0041 says
#: "United States residents", 24-10-0053 "United States of America residents".
ALIASES: tuple[frozenset[str], ...] = (
    frozenset({"United States residents entering Canada", "United States of America residents entering Canada"}),
    frozenset(
        {
            "Canadian residents returning from the United States",
            "Canadian residents returning from the United States of America",
        }
    ),
    frozenset(
        {
            "Residents of countries other than United States entering Canada",
            "Residents of countries other than the United States of America entering Canada",
        }
    ),
    frozenset({"Geography", "Geographie", "GEO"}),
)


@dataclass(frozen=True)
class Need:
    """Members of one dimension that canus reads from a table, and why."""

    dimension: str
    members: tuple[str, ...]
    #: What the members are for (en, fr), said in the load notes when they are missing.
    why: dict[str, str]
    #: A required need that is not met stops the load; otherwise the load notes say so.
    required: bool = False


#: What canus reads from each table, by pid8. 24-10-0041 is the fallback for years before
#: 24-10-0053 begins: travellers to and from the United States, and the total. 17-10-0009 and
#: 36-10-0222 give the emissions intensity its denominators; without them the figure has no
#: meaning, so a vintage that lacks them is refused (the published one stays).
NEEDS: dict[str, tuple[Need, ...]] = {
    "17100009": (
        Need(
            "Geography",
            ("Canada",),
            {
                "en": "Canada's population, in emissions per person",
                "fr": "la population du Canada, dans les émissions par personne",
            },
            required=True,
        ),
    ),
    "36100222": (
        Need(
            "Geography",
            ("Canada",),
            {
                "en": "Canada's GDP, in emissions per dollar of GDP",
                "fr": "le PIB du Canada, dans les émissions par dollar de PIB",
            },
            required=True,
        ),
        Need(
            "Prices",
            ("Chained (2017) dollars",),
            {
                "en": "real GDP, in emissions per dollar of GDP",
                "fr": "le PIB réel, dans les émissions par dollar de PIB",
            },
            required=True,
        ),
        Need(
            "Estimates",
            ("Gross domestic product at market prices",),
            {
                "en": "GDP itself, in emissions per dollar of GDP",
                "fr": "le PIB lui-même, dans les émissions par dollar de PIB",
            },
            required=True,
        ),
    ),
    "24100041": (
        Need("Geography", ("Canada",), {"en": "national totals", "fr": "totaux nationaux"}),
        Need(
            "Traveller characteristics",
            ("United States residents entering Canada", "Canadian residents returning from the United States"),
            {
                "en": "travellers coming from the United States, in the people-per-day figures "
                "before 24-10-0053 begins",
                "fr": "voyageurs en provenance des États-Unis, dans les chiffres de personnes par "
                "jour antérieurs au tableau 24-10-0053",
            },
        ),
        Need(
            "Traveller characteristics",
            ("Total international travellers",),
            {
                "en": "all travellers entering or returning to Canada",
                "fr": "ensemble des voyageurs entrant ou revenant au Canada",
            },
        ),
    ),
}


def fold(text: str) -> str:
    """Compare names without case, accents or repeated spaces."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.casefold().split())


def _alias_groups() -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for group in ALIASES:
        folded = frozenset(fold(n) for n in group)
        for name in folded:
            out[name] = folded
    return out


def names_for(name: str) -> frozenset[str]:
    """The folded names that mean ``name``: itself and its declared aliases."""
    key = fold(name)
    return _alias_groups().get(key, frozenset({key}))


@dataclass(frozen=True)
class MemberMatch:
    dimension: str
    position: int
    column: str
    asked: str
    name: str
    member_id: int


@dataclass(frozen=True)
class Selection:
    """Members found (with this vintage's ids) and those not found, for one table."""

    table: str
    found: tuple[MemberMatch, ...]
    #: (dimension, member) pairs asked for and absent; member is "" when the dimension is.
    missing: tuple[tuple[str, str], ...]

    def ids(self, dimension: str) -> list[int]:
        wanted = names_for(dimension)
        return [m.member_id for m in self.found if fold(m.dimension) in wanted]

    def positions(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for m in self.found:
            out.setdefault(m.position, []).append(m.member_id)
        return out

    def where(self, alias: str = "") -> str:
        """A SQL condition picking the rows of the selected members (by ``COORDINATE`` ids)."""
        col = f"{alias}.coordinate" if alias else "coordinate"
        parts = [
            f"try_cast(split_part({col}, '.', {pos}) AS INTEGER) IN ({', '.join(map(str, sorted(ids)))})"
            for pos, ids in sorted(self.positions().items())
        ]
        return " AND ".join(parts) or "TRUE"

    def require(self) -> Selection:
        """Raise a ``LayoutError`` naming every dimension or member not found; else return self."""
        if self.missing:
            raise LayoutError(
                "{table}: the loaded vintage lacks these dimensions or members (dimension / member): {missing}",
                table=self.table,
                missing=describe_missing(self.missing),
            )
        return self


def describe_missing(missing: Iterable[tuple[str, str]]) -> str:
    """``"Traveller characteristics" / "Canadian residents …"`` (a whole dimension: its name only);
    names only, so the text reads in either language's message."""
    return "; ".join(f'"{dimension}"' + (f' / "{member}"' if member else "") for dimension, member in missing)


def _members(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[int, str, str, int, str]]:
    try:
        return con.execute(f"""
            SELECT dimension_position, dimension_en, column_name, member_id, member_en
            FROM {ident(table + "_members")} ORDER BY dimension_position, member_id
        """).fetchall()
    except duckdb.CatalogException:
        return []


def select_members(con: duckdb.DuckDBPyConnection, table: str, wanted: Mapping[str, Iterable[str]]) -> Selection:
    """Resolve ``{dimension name: [member names]}`` against ``table``'s loaded metadata.

    Each name may also be a declared alias (:data:`ALIASES`). The result lists every member found
    with this vintage's id and every one not found; nothing is raised here (see ``require``).
    """
    rows = _members(con, table)
    found: list[MemberMatch] = []
    missing: list[tuple[str, str]] = []
    for dimension, members in wanted.items():
        dim_names = names_for(dimension)
        in_dim = [r for r in rows if fold(r[1] or "") in dim_names]
        if not in_dim:
            missing.append((dimension, ""))
            continue
        for asked in members:
            member_names = names_for(asked)
            hits = [r for r in in_dim if fold(r[4] or "") in member_names]
            if not hits:
                missing.append((dimension, asked))
            found += [MemberMatch(r[1], r[0], r[2], asked, r[4], r[3]) for r in hits]
    return Selection(table, tuple(found), tuple(missing))


Unmet = list[tuple[Need, Selection]]


def check_needs(con: duckdb.DuckDBPyConnection, pid: str) -> tuple[Unmet, Unmet]:
    """The declared needs of table ``pid`` that its loaded vintage cannot meet: (required, optional)."""
    required: Unmet = []
    optional: Unmet = []
    for need in NEEDS.get(pid, ()):
        sel = select_members(con, f"statcan_{pid}", {need.dimension: need.members})
        if sel.missing:
            (required if need.required else optional).append((need, sel))
    return required, optional
