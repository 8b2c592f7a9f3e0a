"""Portal addresses that belong to another page: the editions comparison lives with the claims."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from canus.web.page import sections

router = APIRouter()


@router.get("/{lang}/editions", include_in_schema=False)
def editions(lang: str) -> RedirectResponse:
    lang = sections.check_lang(lang)
    return RedirectResponse(sections.path_for("claims", lang, "/editions"), status_code=307)
