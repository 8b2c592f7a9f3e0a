"""Errors that reach a user: each names what failed and where, in either language."""

from __future__ import annotations

from canus.i18n import _, known


class CanusError(Exception):
    """An error whose message is a catalogue entry with named fields."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(self.localized("en"))

    def localized(self, lang: str) -> str:
        # A field given in both languages ({"en": …, "fr": …}) is taken in the reader's; a field
        # that is itself a catalogue entry (the "problem" of a failed download) is translated;
        # names, addresses and numbers pass through unchanged.
        params = {}
        for k, v in self.params.items():
            if isinstance(v, CanusError):
                # A problem with fields of its own, worded in the same language.
                v = v.localized(lang)
            elif isinstance(v, dict) and "en" in v:
                v = v.get(lang) or v["en"]
            params[k] = known(v, lang) if isinstance(v, str) else v
        return _(self.message, lang, **params)


class FetchError(CanusError):
    """A download or mirror read that cannot be trusted."""


class LayoutError(CanusError):
    """A file whose layout is not what the reader knows (renamed column, bad dates …)."""


class WarehouseError(CanusError):
    """The warehouse could not be built, validated or opened."""


class QueryError(CanusError):
    """A query refused or failed."""
