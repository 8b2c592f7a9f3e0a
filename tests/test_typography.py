"""Text follows Canadian typography in each language, wherever canus writes it.

The rules of the federal Translation Bureau's style guide (and the OQLF's), as a reader sees them
on a phone, where lines break often: a colon, a percent sign and the inside of guillemets take a
non-breaking space, so a line never starts with ":", "%" or "»"; a semicolon, question mark or
exclamation mark takes no space before it; a number's groups of three never break apart. Babel's
fr-CA formats already follow these rules; this checks the words canus writes itself: the message
catalogue, the French fields of the YAML declarations (claims, registries) and of the Python ones
(sources, metrics).
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from canus.i18n import _catalogue

SRC = Path(__file__).resolve().parents[1] / "src" / "canus"
NBSP = "\u00a0"
#: (what is wrong, the pattern that finds it)
RULES = (
    # "%" followed by a letter is a date format's field ("%A %e %B"), not a percent sign.
    ("breaking space before ':', '%' or '»'", re.compile(r"[ \t\n](?:[:»]|%(?![A-Za-z]))")),
    ("breaking space after '«'", re.compile(r"«[ \t\n]")),
    # After a word: a "?" standing alone is a symbol (a verdict's icon in a table), not punctuation.
    ("space before ';', '?' or '!'", re.compile(rf"(?<=[\w»)\]'’])[ {NBSP}\u202f][;?!]")),
    ("breaking space inside a number", re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)")),
)


def problems(text: str) -> list[str]:
    return [why for why, pattern in RULES if pattern.search(text)]


def findings(text: str) -> list[str]:
    """Each place ``text`` breaks a rule, with a few words around it (for a readable failure)."""
    return [text[max(m.start() - 30, 0) : m.end() + 10] for _, pattern in RULES for m in pattern.finditer(text)]


def page_text(body: str) -> str:
    """What a browser lays out from a page: tags gone, breaking whitespace collapsed as HTML does."""
    body = re.sub(r"<(script|style|textarea)\b.*?</\1>", "", body, flags=re.S)
    body = re.sub(r"<code>.*?</code>", "", body, flags=re.S)
    # Symbols beside words (a verdict's "?" icon), not punctuation of a sentence.
    body = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>', "", body)
    # A cell, item or paragraph ends where another begins: "288" then "2 décembre" is no number.
    body = re.sub(r"</(?:td|th|li|p|div|dd|dt|h\d)>|<br\s*/?>", " ¦ ", body)
    body = html.unescape(re.sub(r"<[^>]+>", "", body))
    return re.sub(r"[ \t\r\n]+", " ", body)


def yaml_french(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "fr" and isinstance(value, str):
                yield value
            else:
                yield from yaml_french(value)
    elif isinstance(node, list):
        for item in node:
            yield from yaml_french(item)


def python_french(tree: ast.AST) -> Iterator[str]:
    """The literal parts of each ``"fr": …`` value (a string, an f-string, or pieces joined by ``+``)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and key.value == "fr"):
                continue
            for part in ast.walk(value):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    yield part.value
                elif isinstance(part, ast.JoinedStr):
                    yield "".join(
                        p.value if isinstance(p, ast.Constant) and isinstance(p.value, str) else "{}"
                        for p in part.values
                    )


def french_texts() -> Iterator[tuple[str, str]]:
    """(where, text) of every French text canus writes itself."""
    for english, french in _catalogue("fr").items():
        yield f"catalogue: {english!r}", french
    for path in sorted(SRC.rglob("*.yaml")):
        for text in yaml_french(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield str(path.relative_to(SRC)), text
    for path in sorted(SRC.rglob("*.py")):
        for text in python_french(ast.parse(path.read_text(encoding="utf-8"))):
            yield str(path.relative_to(SRC)), text


def test_the_rules_find_what_they_should() -> None:
    assert problems("Source : Statistique Canada") == ["breaking space before ':', '%' or '»'"]
    assert problems(f"Source{NBSP}: Statistique Canada, 45{NBSP}%, «{NBSP}canus{NBSP}»") == []
    assert problems("« canus »") == ["breaking space before ':', '%' or '»'", "breaking space after '«'"]
    assert problems("Pourquoi ?") == problems(f"Pourquoi{NBSP}?") == ["space before ';', '?' or '!'"]
    assert problems("un; deux? trois!") == problems("ecosystem     ? pas encore") == []
    assert problems("400 000 personnes") == ["breaking space inside a number"]
    assert problems(f"400{NBSP}000 personnes, en 2023 et 2024, 1,5 000") == []


def test_french_text_follows_canadian_typography() -> None:
    texts = list(french_texts())
    # The scan reads the real declarations: the catalogue, claims, registries and sources.
    assert len(texts) > 1000
    assert {where.split(":")[0].split("/")[0] for where, _ in texts} >= {"catalogue", "claims", "registry", "sources"}
    wrong = {f"{where}: {text[:80]!r}": problems(text) for where, text in texts if problems(text)}
    assert wrong == {}


def test_english_text_writes_a_percent_sign_against_its_number() -> None:
    """en-CA writes "90%"; a message that spaces it ("90 %") reads as French typography."""
    spaced = [english for english in _catalogue("fr") if re.search(r"[\d}] %", english)]
    assert spaced == []
