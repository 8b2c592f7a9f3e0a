"""The command line in the reader's language, down to Click's own words.

Typer carries its own copy of Click (``typer._click``) whose words are plain English literals,
not gettext calls. :func:`translate_click` therefore translates its output: the help text
(``HelpFormatter.getvalue``) and the error lines (``echo`` in its exceptions module) pass
through :data:`CLICK_PHRASES`, each an English pattern and the catalogue message that replaces
it, so "Usage:", "Options:", "Show this message and exit." and option errors read in French.
Typer's own gettext messages ("Aborted!") and a stock Click's, if one is used, go through the
catalogue too. Help texts are fixed when the commands are declared, so the language is read from the
command line (``--lang fr`` anywhere before the command runs) before they are: see
:func:`argv_lang`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from canus.i18n import LANGS, gettext

_CLICK_MODULES = (
    "click.core",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.decorators",
    "click.types",
    "click.termui",
    "click.utils",
    "typer.core",
    "typer.main",
)


def argv_lang(argv: Sequence[str] | None = None) -> str | None:
    """``fr`` for ``canus --lang fr …`` or ``canus sources --lang=fr``; None when absent or unknown."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            return args[i + 1] if args[i + 1] in LANGS else None
        if a.startswith("--lang="):
            value = a.split("=", 1)[1]
            return value if value in LANGS else None
    return None


def env_lang() -> str | None:
    value = os.environ.get("CANUS_LANG")
    return value if value in LANGS else None


#: English patterns of Click's output and the catalogue message (same named fields) for each.
CLICK_PHRASES: tuple[tuple[str, str], ...] = (
    (r"Usage: ", "Usage: "),
    (r"(?m)^Options:$", "Options:"),
    (r"(?m)^Commands:$", "Commands:"),
    (r"(?m)^Arguments:$", "Arguments:"),
    (r"Show this message and exit\.", "Show this message and exit."),
    (r"Try '(?P<command>[^']+)' for help\.", "Try '{command}' for help."),
    (r"Error: ", "Error: "),
    (r"No such option: (?P<name>\S+)", "No such option: {name}"),
    (r"No such command (?P<name>'[^']+')\.", "No such command {name}."),
    (r"Invalid value for (?P<param>'[^']+'): ", "Invalid value for {param}: "),
    (
        r"(?:Value error, )?(?P<value>'[^']*') is not one of (?P<choices>.+?)\.(?=\s|$)",
        "{value} is not one of {choices}.",
    ),
    (r"Missing argument (?P<name>'[^']+')\.", "Missing argument {name}."),
    (r"Missing option (?P<name>'[^']+')\.", "Missing option {name}."),
    (r"Got unexpected extra argument\(s\) \((?P<args>[^)]*)\)", "Got unexpected extra argument(s) ({args})"),
    (r"\[default: (?P<value>[^\]]+)\]", "[default: {value}]"),
    (r"\[required\]", "[required]"),
)


def translate_output(text: str, lang: str) -> str:
    """Click's English output with its own words in ``lang``."""
    import re

    if lang == "en" or not isinstance(text, str):
        return text
    for pattern, msgid in CLICK_PHRASES:

        def swap(m: re.Match[str], msgid: str = msgid) -> str:
            return gettext(msgid, lang).format(**m.groupdict())

        text = re.sub(pattern, swap, text)
    return text


def translate_click(lang: str) -> None:
    """Route Click's and Typer's own messages through the catalogue for ``lang``."""
    _translate_typer_output(lang)
    _translate_click_modules(lang)


def _translate_typer_output(lang: str) -> None:
    """Typer's vendored Click writes help and errors itself: translate what it writes (once)."""
    try:
        from typer._click import exceptions as tc_exceptions
        from typer._click import formatting as tc_formatting
    except ImportError:
        return
    if lang == "en" or getattr(tc_formatting.HelpFormatter, "_canus_lang", None):
        return
    getvalue = tc_formatting.HelpFormatter.getvalue
    echo = tc_exceptions.echo

    def translated_getvalue(self: object) -> str:
        return translate_output(getvalue(self), lang)  # type: ignore[arg-type]  # self is the formatter

    def translated_echo(message: object = None, *args: Any, **kwargs: Any) -> None:
        echo(translate_output(message, lang) if isinstance(message, str) else message, *args, **kwargs)

    tc_formatting.HelpFormatter.getvalue = translated_getvalue  # type: ignore[method-assign]
    tc_formatting.HelpFormatter._canus_lang = lang  # type: ignore[attr-defined]
    tc_exceptions.echo = translated_echo


def _translate_click_modules(lang: str) -> None:
    """Click's modules look their messages up through their own ``_`` and ``ngettext``."""
    import importlib

    def _(message: str) -> str:
        return gettext(message, lang) if lang != "en" else message

    def ngettext(singular: str, plural: str, n: int) -> str:
        one = n in (0, 1) if lang == "fr" else n == 1
        return _(singular if one else plural)

    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
