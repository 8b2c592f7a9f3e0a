"""Portal addresses that belong to another page: the editions comparison lives with the claims."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse

from canus.web import sections
from canus.web.section_support import optional_module

router = APIRouter()


@router.get("/{lang}/editions", include_in_schema=False)
def editions(lang: str) -> RedirectResponse:
    if lang not in ("en", "fr"):
        raise HTTPException(404, "Unknown language: use /en/ or /fr/")
    if optional_module("canus.web.routes_claims") is None:
        # Until the claims pages land, the generic section says which source will fill it.
        raise HTTPException(404, "The editions comparison is not available yet.")
    return RedirectResponse(sections.path_for("claims", lang, "/editions"), status_code=307)
