"""Per-module mutation scores from mutmut's results in ``mutants/`` (for docs/testing.md).

Score = killed / (killed + survived); timeouts are counted apart (mutmut counts them as caught),
"no tests" are mutants in code no selected test reaches, "not checked" did not run.
Usage: ``.venv/bin/python scripts/mutation_scores.py [mutants]``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's own reading of its exit codes (the `mutation` extra), so the two never disagree.
from mutmut.stats import status_by_exit_code

COLUMNS = ("killed", "survived", "timeout", "no tests", "not checked")


def scores(root: Path) -> list[tuple[str, Counter[str]]]:
    out = []
    for meta in sorted((root / "src").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        out.append(
            (
                str(meta.relative_to(root / "src"))[: -len(".meta")],
                Counter(status_by_exit_code[c] for c in codes.values()),
            )
        )
    return out


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "mutants")
    print("| module | mutants | " + " | ".join(COLUMNS) + " | score |")
    print("|---|---|" + "---|" * len(COLUMNS) + "---|")
    for module, c in scores(root):
        decided = c["killed"] + c["survived"]
        score = f"{100 * c['killed'] / decided:.0f} %" if decided else "—"
        print(f"| {module} | {sum(c.values())} | " + " | ".join(str(c[k]) for k in COLUMNS) + f" | {score} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
