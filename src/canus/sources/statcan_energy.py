"""Statistics Canada tables for energy, declared here so ``canus update`` fetches them by default.

Each is an ordinary member of the ``statcan-<pid8>`` family (``canus.sources.statcan``: the
full-table zips, English and French, read into ``statcan_<pid8>``); this module only names the
tables energy needs and gives their titles, so they are declared, not discovered.

- 25-10-0029-01 Supply and demand of primary and secondary energy in terajoules, annual: exports
  and imports of each fuel in energy content, Canada's side of "energy in every form";
- 25-10-0063-01 Supply and disposition of crude oil and equivalent, monthly: exports and
  imports of crude oil by month.

Canada's imports of energy products by partner country come from 12-10-0173-01 (product
section "Energy products", every trading partner), already a default table of the family.
"""

from __future__ import annotations

import dataclasses

from canus.sources import register
from canus.sources.statcan import make_source

#: pid8 → (English title, French title).
TABLES: dict[str, tuple[str, str]] = {
    "25100029": (
        "Supply and demand of primary and secondary energy in terajoules, annual",
        "Offre et demande d'énergie primaire et secondaire en térajoules, annuelle",
    ),
    "25100063": (
        "Supply and disposition of crude oil and equivalent, monthly",
        "Approvisionnement et utilisation de pétrole brut et d'équivalent, mensuel",
    ),
}


def _declare(pid: str, en: str, fr: str) -> None:
    base = make_source(f"statcan-{pid}")
    assert base is not None
    number = f"{pid[:2]}-{pid[2:4]}-{pid[4:8]}-01"
    register(dataclasses.replace(base, title={"en": f"Table {number}: {en}", "fr": f"Tableau {number}\u00a0: {fr}"}))


for _pid, (_en, _fr) in TABLES.items():
    _declare(_pid, _en, _fr)
