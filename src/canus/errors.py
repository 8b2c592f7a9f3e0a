"""Errors that reach a user: each names what failed and where, in either language."""

from __future__ import annotations

from canus.i18n import _


class CanusError(Exception):
    """An error whose message is a catalogue entry with named fields."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(self.localized("en"))

    def localized(self, lang: str) -> str:
        # A field given in both languages ({"en": …, "fr": …}) is taken in the reader's, and a
        # field that is a message of its own (a CanusError) is worded in the reader's language.
        # Any other text is a name from the data (a column, a member, a file) and passes through
        # as it is: looked up in the catalogue, a column "Port" came out as "Point d'entrée".
        params: dict[str, object] = {}
        for k, v in self.params.items():
            if isinstance(v, CanusError):
                v = v.localized(lang)
            elif isinstance(v, dict) and "en" in v:
                v = v.get(lang) or v["en"]
            params[k] = v
        return _(self.message, lang, **params)


class FetchError(CanusError):
    """A download or mirror read that cannot be trusted."""


class LayoutError(CanusError):
    """A file whose layout is not what the reader knows (renamed column, bad dates …)."""


class WarehouseError(CanusError):
    """The warehouse could not be built, validated or opened."""


class QueryError(CanusError):
    """A query refused or failed."""
