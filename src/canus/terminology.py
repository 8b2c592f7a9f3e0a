"""Bilingual names and addresses, as the Government of Canada and TERMIUM Plus write them.

French pages never translate a publisher, a province, a lake or a city by hand: the names come
from ``data/terminology.csv`` (kind, English, French) and a source's French address from
``data/terminology_urls.csv`` (pages whose French address differs in more than the language
marker) or from the publisher's own language markers (``lang=eng``/``lang=fra``,
``-eng.``/``-fra.``, ``/en/``/``/fr/`` on the sites that use them). A name or address the table
does not hold is returned unchanged, and :func:`url_in` says so, so a page can mark an
English-only link rather than invent a French one.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"

#: Sites whose French page is the English one with the language marker swapped.
_URL_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"([?&]lang=)eng\b"), r"\1fra"),
    (re.compile(r"^(https://www\.cbsa-asfc\.gc\.ca/.*)-eng(\.\w+)$"), r"\1-fra\2"),
    (re.compile(r"^https://www150\.statcan\.gc\.ca/(t1/tbl1|n1)/en/"), r"https://www150.statcan.gc.ca/\1/fr/"),
    (
        re.compile(r"^https://www\.publicsafety\.gc\.ca/(.*)-en\.aspx$"),
        r"https://www.securitepublique.gc.ca/\1-fr.aspx",
    ),
    (re.compile(r"^https://www\.nato\.int/cps/en/"), "https://www.nato.int/cps/fr/"),
    (re.compile(r"^https://www\.un\.org/en/"), "https://www.un.org/fr/"),
    (re.compile(r"^https://parks\.canada\.ca/"), "https://parcs.canada.ca/"),
)


@cache
def _names() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with (_DATA / "terminology.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["en"]] = {"en": row["en"], "fr": row["fr"], "kind": row["kind"]}
    return out


@cache
def _urls() -> dict[str, str]:
    with (_DATA / "terminology_urls.csv").open(encoding="utf-8", newline="") as f:
        return {row["en"]: row["fr"] for row in csv.DictReader(f)}


def entries() -> list[dict[str, str]]:
    """Every name in the table, for tests and the documentation."""
    return list(_names().values())


def name(text: str | None, lang: str) -> str:
    """``text`` in ``lang`` when the table knows it ("Montreal" → "Montréal"), else unchanged."""
    if not text or lang == "en":
        return text or ""
    found = _names().get(text.strip())
    return found[lang] if found else text


def names_in(text: str, lang: str) -> str:
    """Replace every known name inside a sentence (longest first, whole words only)."""
    if lang == "en" or not text:
        return text
    for en in sorted(_names(), key=len, reverse=True):
        if en in text:
            text = re.sub(rf"(?<![\w-]){re.escape(en)}(?![\w-])", _names()[en][lang], text)
    return text


def _wto(url: str) -> str | None:
    m = re.match(r"^https://www\.wto\.org/english/(.*)$", url)
    if not m:
        return None
    rest = re.sub(r"_e(?=[/.])", "_f", m.group(1))
    return "https://www.wto.org/french/" + rest


def url_in(url: str, lang: str) -> tuple[str, bool]:
    """The address of the page in ``lang`` and whether it is in that language.

    ``(url, False)`` means no page in ``lang`` is known: link it, marked as English only.
    """
    if lang == "en" or not url:
        return url, True
    if url in _urls():
        return _urls()[url], True
    wto = _wto(url)
    if wto:
        return wto, True
    for pattern, repl in _URL_RULES:
        if pattern.search(url):
            return pattern.sub(repl, url), True
    if re.search(r"([?&]lang=fra\b|/fr/|-fra\.|-fr\.aspx)", url):
        return url, True
    return url, False


def localize_fact(fact: dict[str, object], lang: str) -> dict[str, object]:
    """A registry citation (``publisher``, ``url``) as a reader of ``lang`` should see it.

    Adds ``url_in_lang`` (false: the cited page exists only in English) and keeps the ISO date.
    """
    out = dict(fact)
    out["publisher"] = name(str(fact.get("publisher") or ""), lang)
    url, same = url_in(str(fact.get("url") or ""), lang)
    out["url"], out["url_in_lang"] = url, same
    confirm = fact.get("confirm_with")
    if isinstance(confirm, dict):
        # What would confirm the fact, in the reader's language only.
        out["confirm_with"] = confirm.get(lang) or confirm.get("en")
    return out
