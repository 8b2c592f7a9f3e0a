"""Registries: facts that are not data series (missions, agreements, memberships …).

Each registry is a YAML file in ``registry/data/`` validated by the schema of the same name
in :mod:`canus.registry.models`. Loading fails loudly, naming the file and the field, so a
bad edit never reaches a page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from canus.errors import CanusError
from canus.registry.models import SCHEMAS, Fact, Strict

DATA_DIR = Path(__file__).parent / "data"


class RegistryError(CanusError):
    """A registry file that does not match its schema, or a fact that does not exist."""


def load(name: str, data_dir: Path | None = None) -> Strict:
    """Read and validate one registry file (``missions``, ``agreements`` …)."""
    if name not in SCHEMAS:
        raise RegistryError("Unknown registry {name!r}. Known: {known}", name=name, known=", ".join(SCHEMAS))
    if data_dir is None:
        return _load_packaged(name)
    return _read(name, data_dir)


@cache
def _load_packaged(name: str) -> Strict:
    return _read(name, DATA_DIR)


def _read(name: str, data_dir: Path) -> Strict:
    path = data_dir / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise RegistryError("Registry {file}: cannot be read: {problem}", file=path, problem=str(e)) from e
    try:
        return SCHEMAS[name].model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RegistryError(
            "Registry {file}: field {field}: {problem}", file=path, field=where, problem=first["msg"]
        ) from e


def facts(name: str) -> list[Fact]:
    """Every fact of one registry, whatever its section."""
    reg = load(name)
    out: list[Fact] = []
    for field in type(reg).model_fields:
        out.extend(getattr(reg, field))
    return out


def all_facts() -> dict[str, list[Fact]]:
    return {name: facts(name) for name in SCHEMAS}


def fact(name: str, fact_id: str) -> Fact:
    for f in facts(name):
        if f.id == fact_id:
            return f
    raise RegistryError("Registry {name} has no fact {fact!r}.", name=name, fact=fact_id)


def as_jsonable(f: Fact) -> dict[str, Any]:
    return f.model_dump(mode="json")
