"""What the claims register covers: claims per edition, and the statements left out on purpose.

The overview's coverage sentence is computed here from the register, so it cannot drift from
the claim files.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from canus.claims.models import DATA_DIR, load_claims

LEFT_OUT = DATA_DIR / "_left_out.yaml"


@cache
def left_out() -> tuple[dict[str, Any], ...]:
    """Statements of the page deliberately not made claims, each with its reason."""
    return tuple(yaml.safe_load(LEFT_OUT.read_text(encoding="utf-8")))


def coverage() -> dict[str, int]:
    claims = load_claims()
    return {
        "claims": len(claims),
        "earlier": sum("earlier" in c.editions for c in claims),
        "later": sum("later" in c.editions for c in claims),
        "left_out": len(left_out()),
    }
