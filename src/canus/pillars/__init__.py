"""The pillars of the relationship: the one list every page, route, claim and command comes from.

A pillar with data series is a package (``border``, ``trade``, ``energy``, ``environment``)
holding its metrics, their catalogue entries, its page and, where it has them, its routes and
commands. A pillar told only by registry facts is a single module (``diplomacy``,
``security``, ``societies``, ``partnerships``). Each pillar's id is also its section id.
"""

from __future__ import annotations

#: In the order of the later edition of the page.
PILLARS: tuple[str, ...] = (
    "diplomacy",
    "border",
    "security",
    "trade",
    "environment",
    "energy",
    "societies",
    "partnerships",
)
#: Pillars with measured series (a package each); the others read the registry only.
DATA_PILLARS: tuple[str, ...] = ("border", "trade", "energy", "environment")
