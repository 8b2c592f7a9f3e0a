"""Errors that reach a user: each names what failed and where, in either language."""

from __future__ import annotations

from canus.i18n import _, known


class CanusError(Exception):
    """An error whose message is a catalogue entry with named fields."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params) if params else message)

    def localized(self, lang: str) -> str:
        # Fields that are themselves catalogue entries (the "problem" of a failed download) are
        # translated too; names, addresses and numbers pass through unchanged.
        params = {k: known(v, lang) if isinstance(v, str) else v for k, v in self.params.items()}
        return _(self.message, lang, **params)


class FetchError(CanusError):
    """A download or mirror read that cannot be trusted."""


class LayoutError(CanusError):
    """A file whose layout is not what the reader knows (renamed column, bad dates …)."""


class WarehouseError(CanusError):
    """The warehouse could not be built, validated or opened."""


class QueryError(CanusError):
    """A query refused or failed."""
