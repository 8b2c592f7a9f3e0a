"""No sentence of the page is copied into the project: no run of 8 words of either edition
appears in any project file. Official names (from the registries) are not sentences and are
removed from the page text before comparing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from canus import registry
from canus.claims.qualifiers import QUALIFIERS

ROOT = Path(__file__).resolve().parents[1]
PAGE_DIR = ROOT.parent / "shared" / "page"
N = 8
SCANNED = ("src", "tests", "docs", "bench", "README.md", "pyproject.toml")
SUFFIXES = {".py", ".yaml", ".yml", ".md", ".po", ".html", ".txt", ".csv", ".json", ".toml", ".js", ".css"}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def ngrams(tokens: list[str], n: int = N) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def official_names() -> list[str]:
    names = []
    for facts in registry.all_facts().values():
        for f in facts:
            # Names only: a label with a sentence's length is not exempt.
            names += [part.strip() for part in re.split(r"[()]", f.label.en) if part.strip() and len(words(part)) <= 12]
    return sorted(set(names), key=len, reverse=True)


def page_ngrams(text: str) -> set[tuple[str, ...]]:
    for name in official_names():
        text = re.sub(re.escape(name), " | ", text, flags=re.IGNORECASE)
    out: set[tuple[str, ...]] = set()
    for chunk in text.split("|"):
        out |= ngrams(words(chunk))
    return out


def project_files() -> list[Path]:
    files: list[Path] = []
    for entry in SCANNED:
        p = ROOT / entry
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files += [
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix in SUFFIXES and "__pycache__" not in f.parts and ".egg-info" not in str(f)
            ]
    return files


def test_detector_finds_a_copied_run() -> None:
    source = "one two three four five six seven eight nine ten"
    assert ngrams(words("x one two three four five six seven eight y")) & page_ngrams(source)
    assert not ngrams(words("one two three four five six seven")) & page_ngrams(source)


def test_no_run_of_eight_page_words_in_project() -> None:
    if not PAGE_DIR.is_dir():
        pytest.skip(f"page editions {PAGE_DIR} are absent (they sit beside the project in CI)")
    page: set[tuple[str, ...]] = set()
    for f in sorted(PAGE_DIR.glob("edition-*.txt")):
        page |= page_ngrams(f.read_text(encoding="utf-8"))
    assert len(page) > 1000
    hits = []
    for f in project_files():
        found = ngrams(words(f.read_text(encoding="utf-8", errors="replace"))) & page
        if found:
            hits.append(f"{f.relative_to(ROOT)}: {' '.join(sorted(found)[0])}")
    assert not hits, "page text copied into: " + "; ".join(hits)


def test_docs_list_every_qualifier() -> None:
    doc = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    table = [line for line in doc.splitlines() if line.startswith("| ") and "holds when" not in line]
    documented = {q.strip() for line in table for q in line.split("|")[1].split(",")}
    assert set(QUALIFIERS) <= documented
