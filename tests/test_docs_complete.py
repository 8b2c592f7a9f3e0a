"""The README documents every setting, every source and every command (datasette's habit)."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from canus import sources
from canus.cli import app
from canus.settings import VARIABLES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [v for v in VARIABLES if f"`{v}`" not in README]
    assert missing == []


def test_every_default_source_is_listed() -> None:
    missing = [s for s in sources.default_ids() if f"`{s}`" not in README]
    assert missing == []


def test_every_command_is_documented() -> None:
    group = get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names += [f"canus {name} {s}" for s in sub] if sub else [f"canus {name}"]
    missing = [n for n in names if n not in README]
    assert missing == []


def test_quick_start_has_exactly_the_two_commands() -> None:
    start = README.index("## Quick start")
    block = README[start:].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
