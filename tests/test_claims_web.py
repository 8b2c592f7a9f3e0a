"""Claims API and pages, in English and French, on the real app."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from canus.claims.models import load_claims
from canus.web.app import create_app


def test_api_json_and_csv_twins() -> None:
    c = TestClient(create_app())
    rows = c.get("/api/claims?lang=fr").json()
    assert len(rows) == len(load_claims())
    one = next(r for r in rows if r["id"] == "border-length-9000")
    assert one["verdict"] == "supported" and one["value"] == 8891
    assert one["page"].endswith("lang=fra")
    body = c.get("/api/claims.csv").text
    parsed = list(csv.DictReader(io.StringIO(body)))
    assert {r["id"] for r in parsed} == {r["id"] for r in rows}
    assert next(r for r in parsed if r["id"] == "honorary-consuls-14")["verdict"] == "not_checkable"


def test_pages_in_both_languages() -> None:
    c = TestClient(create_app())
    en = c.get("/en/claims/border-length-9000")
    fr = c.get("/fr/affirmations/border-length-9000")
    assert en.status_code == fr.status_code == 200
    assert "supported" in en.text and "étayée" in fr.text
    assert "International Boundary Commission" in en.text
    idx = c.get("/fr/affirmations")
    assert idx.status_code == 200 and "/fr/affirmations/ijc-century" in idx.text
    ed = c.get("/fr/affirmations/editions")
    assert ed.status_code == 200 and "ACEUM" in ed.text
    assert c.get("/en/claims/not-a-claim").status_code == 404
