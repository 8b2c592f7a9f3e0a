"""Cross-check the environmental agreements against a treaty database export.

The reference is the manyenviron export of Canada–US environmental agreements
(columns ``manyID, Title, Begin, Signature, Force, End, source_dbs``). It merges several
databases, so one agreement can appear under several rows (protocols, exchanges of notes,
duplicate entries from each database); we keep the row whose title matches all of the
agreement's ``match`` words and whose signature is closest to ours. Placeholder dates of
those databases (``2899-01-01``, ``9999-12-31``) mean "unknown" and are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from canus.errors import LayoutError
from canus.registry import load
from canus.registry.models import Agreement, AgreementsFile

COLUMNS = ("manyID", "Title", "Begin", "Signature", "Force", "End")
_PLACEHOLDER_YEARS = {2899, 9999}


@dataclass(frozen=True)
class Mismatch:
    agreement_id: str
    field: str  # signed | in_force | absent
    ours: dt.date | None
    theirs: dt.date | None
    reference_title: str | None
    #: "year" when the years differ, "date" when only month or day differ, "absent" if unmatched.
    severity: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "agreement_id": self.agreement_id,
            "field": self.field,
            "ours": self.ours.isoformat() if self.ours else None,
            "theirs": self.theirs.isoformat() if self.theirs else None,
            "reference_title": self.reference_title,
            "severity": self.severity,
        }


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        d = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None if d.year in _PLACEHOLDER_YEARS else d


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LayoutError(
                "treaty cross-check: {file}: expected columns are missing: {columns}",
                file=path,
                columns=", ".join(missing),
            )
        return list(reader)


def _best_row(agreement: Agreement, rows: list[dict[str, str]]) -> dict[str, str] | None:
    words = [w.lower() for w in agreement.match]
    candidates = [r for r in rows if all(w in r["Title"].lower() for w in words)]
    if not candidates:
        return None

    def distance(r: dict[str, str]) -> tuple[int, int]:
        theirs = _date(r["Signature"]) or _date(r["Begin"])
        if theirs is None or agreement.signed is None:
            return (1, 10**6)
        return (0, abs((theirs - agreement.signed).days))

    return min(candidates, key=distance)


def _compare(aid: str, field: str, ours: dt.date | None, theirs: dt.date | None, title: str) -> Mismatch | None:
    if ours is None or theirs is None or ours == theirs:
        return None
    severity = "year" if ours.year != theirs.year else "date"
    return Mismatch(aid, field, ours, theirs, title, severity)


def crosscheck_environmental(path: Path, agreements: AgreementsFile | None = None) -> list[Mismatch]:
    """Mismatches between our agreements (those with ``match`` words) and the export at ``path``."""
    rows = _read_rows(path)
    reg = agreements or load("agreements")
    assert isinstance(reg, AgreementsFile)
    out: list[Mismatch] = []
    for ag in reg.agreements:
        if not ag.match:
            continue
        row = _best_row(ag, rows)
        if row is None:
            out.append(Mismatch(ag.id, "absent", ag.signed, None, None, "absent"))
            continue
        signed = _date(row["Signature"]) or _date(row["Begin"])
        for m in (
            _compare(ag.id, "signed", ag.signed, signed, row["Title"]),
            _compare(ag.id, "in_force", ag.in_force, _date(row["Force"]), row["Title"]),
        ):
            if m:
                out.append(m)
    return out
