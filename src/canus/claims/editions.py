"""The page's two editions compared: sections, figures that changed, agreements cited.

The comparison is data (``claims/data/_editions.yaml``) that canus wrote from reading both
editions; agreements are registry ids and figure changes point at claim ids, so a test can
check that every reference resolves.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from canus import registry
from canus.claims.models import DATA_DIR, load_claims
from canus.registry.models import Text

PATH = DATA_DIR / "_editions.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Edition(_Strict):
    id: str
    label: Text


class Section(_Strict):
    id: str
    label: Text
    editions: list[str]
    note: Text | None = None


class FigureChange(_Strict):
    id: str
    earlier: str | None
    later: str | None
    change: Text


class AgreementMention(_Strict):
    agreement: str
    earlier: bool
    later: bool
    note: Text | None = None


class Comparison(_Strict):
    editions: list[Edition]
    sections: list[Section]
    figure_changes: list[FigureChange]
    agreements: list[AgreementMention]


def load_comparison(path: Path = PATH) -> Comparison:
    return _load(path)


@cache
def _load(path: Path) -> Comparison:
    return Comparison.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def as_dict(lang: str = "en") -> dict[str, Any]:
    """The comparison with texts in ``lang``, claims and agreements resolved to their labels."""
    comp = load_comparison()
    claims = {c.id: c for c in load_claims()}
    agreements = {f.id: f for f in registry.facts("agreements")}

    def claim_ref(cid: str | None) -> dict[str, Any] | None:
        if cid is None:
            return None
        c = claims[cid]
        return {"id": cid, "statement": c.statement.get(lang), "figure": c.figure.model_dump()}

    return {
        "editions": [{"id": e.id, "label": e.label.get(lang)} for e in comp.editions],
        "sections": [
            {
                "id": s.id,
                "label": s.label.get(lang),
                "editions": s.editions,
                "note": s.note.get(lang) if s.note else None,
            }
            for s in comp.sections
        ],
        "figure_changes": [
            {"id": f.id, "earlier": claim_ref(f.earlier), "later": claim_ref(f.later), "change": f.change.get(lang)}
            for f in comp.figure_changes
        ],
        "agreements": [
            {
                "id": a.agreement,
                "label": agreements[a.agreement].label.get(lang),
                "signed": _iso(getattr(agreements[a.agreement], "signed", None)),
                "earlier": a.earlier,
                "later": a.later,
                "note": a.note.get(lang) if a.note else None,
            }
            for a in comp.agreements
        ],
    }


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None
