"""Hand-picked mutants: the deliberate bugs of issue 16, each applied to a copy of the source in
tmp, must make the named tests fail. This is the fast part of mutation testing that runs with
every `make test`; the full run is `make mutation` (mutmut, see docs/testing.md).

An anchor that is no longer in the source is a failure, not a skip: when the code moves, move
the mutant with it (a mutant that cannot be applied tests nothing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str  # relative to src/canus
    anchor: str  # exact text, found exactly once
    replacement: str
    tests: tuple[str, ...]  # pytest node ids that must fail
    #: Other (anchor, replacement) forms of the same bug, for code in the middle of a move.
    also: tuple[tuple[str, str], ...] = ()


MUTANTS = [
    Mutant(
        "about-upper-bound-x3",
        "claims/qualifiers.py",
        "return -0.5 - EPS <= d < 0.5 - EPS",
        "return -0.5 - EPS <= d < 1.5 - EPS",
        ("tests/test_claims_qualifiers.py::test_just_inside_and_just_outside",),
    ),
    Mutant(
        "about-lower-bound-x2",
        "claims/qualifiers.py",
        "return -0.5 - EPS <= d < 0.5 - EPS",
        "return -1.0 - EPS <= d < 0.5 - EPS",
        ("tests/test_claims_qualifiers.py::test_just_inside_and_just_outside",),
    ),
    Mutant(
        "nearly-above-the-figure",
        "claims/qualifiers.py",
        "return -0.5 - EPS <= d <= EPS",
        "return -0.5 - EPS <= d <= 0.5 + EPS",
        ("tests/test_claims_qualifiers.py::test_just_inside_and_just_outside",),
    ),
    Mutant(
        "csrf-token-not-matched-to-cookie",
        "web/routes/feedback.py",
        'store.token_valid(token) and token == _cookie(request.scope.get("headers", []))',
        "store.token_valid(token)",
        ("tests/test_feedback_csrf.py",),
    ),
    Mutant(
        "csrf-signature-not-checked",
        "web/routes/feedback.py",
        "store.token_valid(token) and token == _cookie(",
        "True and token == _cookie(",
        ("tests/test_feedback_csrf.py",),
    ),
    Mutant(
        "per-day-divides-by-360",
        "pillars/border/metrics.py",
        '"people_per_day": (people or 0) / days',
        '"people_per_day": (people or 0) / 360',
        ("tests/test_spine_web.py::test_twins_match_the_page",),
        also=(('"people_per_day": periods.per_day(people, days)', '"people_per_day": periods.per_day(people, 360)'),),
    ),
    Mutant(
        "publish-by-copy-not-rename",
        "warehouse.py",
        "os.replace(tmp, self.path)",
        "shutil.copyfile(tmp, self.path)",
        ("tests/test_publish_atomic.py",),
    ),
    Mutant(
        "build-without-the-published-copy",
        "warehouse.py",
        "shutil.copyfile(self.path, tmp)",
        "pass",
        ("tests/test_update_keeps_sources.py",),
    ),
    Mutant(
        "sandbox-configuration-not-locked",
        "query.py",
        '"SET lock_configuration = true",',
        '"SELECT 1",',
        ("tests/test_query_settings_locked.py::test_set_and_reset_are_refused",),
    ),
    Mutant(
        "nearly-accepts-far-below",
        "claims/qualifiers.py",
        "return -0.5 - EPS <= d <= EPS",
        "return -1.5 - EPS <= d <= EPS",
        ("tests/test_claims_qualifiers.py::test_just_inside_and_just_outside",),
    ),
    Mutant(
        "february-always-28-days",
        "metrics/periods.py",
        "return calendar.monthrange(year, month)[1]",
        "return 28 if month == 2 else calendar.monthrange(year, month)[1]",
        ("tests/test_periods.py",),
    ),
    Mutant(
        "statcan-scalar-factor-ignored",
        "sources/statcan_zip.py",
        """round(r.value_published * pow(10, CAST(nullif(trim(r.{tail["scalar_id"]}), '') AS INTEGER)),""",
        "round(r.value_published * pow(10, 0),",
        ("tests/test_statcan_zip.py",),
    ),
    Mutant(
        "sandbox-external-access-left-on",
        "query.py",
        '"SET enable_external_access = false",',
        '"SELECT 1",',
        ("tests/test_query_sandbox.py",),
    ),
    Mutant(
        "french-numbers-in-english-format",
        "i18n.py",
        "return format_decimal(value, format=pattern, locale=LOCALES[lang])",
        'return format_decimal(value, format=pattern, locale="en_CA")',
        ("tests/test_i18n_formats.py",),
    ),
    Mutant(
        "bts-old-measure-name-not-renamed",
        "sources/bts_border_crossings.py",
        '"Truck Containers Full": "Truck Containers Loaded",',
        '"Truck Containers Full": "Truck Containers Full",',
        ("tests/test_bts_reader.py",),
    ),
    Mutant(
        "publish-when-every-load-failed",
        "warehouse.py",
        "if not any(o.ok for o in outcomes):",
        "if False and not any(o.ok for o in outcomes):",
        ("tests/test_update_keeps_sources.py", "tests/test_warehouse_swap.py"),
    ),
]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.id for m in MUTANTS])
def test_mutant_is_caught(mutant: Mutant, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "canus", src / "canus", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    target = src / "canus" / mutant.path
    text = target.read_text()
    anchor, replacement = next(
        ((a, r) for a, r in ((mutant.anchor, mutant.replacement), *mutant.also) if text.count(a) == 1),
        (mutant.anchor, mutant.replacement),
    )
    assert text.count(anchor) == 1, (
        f"{mutant.id}: anchor {mutant.anchor!r} is not in src/canus/{mutant.path} exactly once; "
        "the code moved, so move this mutant with it"
    )
    target.write_text(text.replace(anchor, replacement))
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(src), str(ROOT)]), "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            "--no-header",
            *mutant.tests,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # 1 = tests ran and failed; 2–5 would be a broken run, which proves nothing.
    assert run.returncode == 1, f"{mutant.id} survived (exit {run.returncode}):\n{run.stdout[-3000:]}"


def test_the_mutated_copy_is_what_the_tests_import(tmp_path: Path) -> None:
    (tmp_path / "canus").mkdir()
    (tmp_path / "canus" / "__init__.py").write_text("")
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    out = subprocess.run(
        [sys.executable, "-c", "import canus; print(canus.__file__)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(out).parent == tmp_path / "canus"
