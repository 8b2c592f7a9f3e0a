"""Every English message written in the code has a French translation in the catalogue.

The runtime check (``missing_translations``) catches what pages and commands show in tests;
this one reads the source, so a message on a path no test walks (an error, a rare verdict)
cannot ship in English only.
"""

from __future__ import annotations

import ast
from pathlib import Path

from canus.i18n import _catalogue

SRC = Path(__file__).resolve().parents[1] / "src" / "canus"
#: Callables whose first positional argument is a catalogue message.
MESSAGE_CALLS = {
    "_",
    "gettext",
    "CanusError",
    "FetchError",
    "LayoutError",
    "WarehouseError",
    "QueryError",
    "StatcanError",
    "WdsError",
    "CensusError",
    "RatesError",
    "RegistryError",
    "ClaimError",
    "FeedbackError",
    "fail",
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            literal = None
            if (name in MESSAGE_CALLS or name.endswith("Error")) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    literal = first.value
            elif name == "Column" and len(node.args) >= 2:
                second = node.args[1]
                if isinstance(second, ast.Constant) and isinstance(second.value, str):
                    literal = second.value
            if literal and any(c.isalpha() for c in literal):
                found.setdefault(literal, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_message_in_the_code_is_translated() -> None:
    french = _catalogue("fr")
    found = messages()
    assert len(found) > 200  # the scan reads the real code
    missing = {m: where for m, where in found.items() if m not in french}
    assert missing == {}


def test_translations_keep_their_fields() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    french = _catalogue("fr")
    broken = {en: fr for en, fr in french.items() if fields(en) != fields(fr)}
    assert broken == {}


def test_no_web_error_is_written_in_english_only() -> None:
    """An error the web answers with (page or API) is a catalogue message, never a bare literal."""
    bare = []
    for path in (SRC / "web").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) == "HTTPException":
                detail = node.args[1] if len(node.args) > 1 else None
                detail = next((k.value for k in node.keywords if k.arg == "detail"), detail)
                if isinstance(detail, ast.Constant | ast.JoinedStr):
                    bare.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert bare == []
