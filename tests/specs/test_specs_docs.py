"""docs/reference.md and docs/schema.json are generated, complete and up to date.

Regenerate them with::

    python -m livedash.spec.reference > docs/reference.md
    livedash schema > docs/schema.json
"""
from __future__ import annotations

from typing import Any

import pytest
from specrun import ROOT

from livedash.registry import KINDS, default_registry
from livedash.spec import reference
from livedash.spec.codes import CODES
from livedash.spec.models import DashboardSpec
from livedash.spec.schema import build_schema, dumps

DOCS = ROOT / "docs"
FIX = "run `python -m livedash.spec.reference > docs/reference.md` and " \
      "`livedash schema > docs/schema.json`"


def keys(schema: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property anywhere in ``schema``, with where it is."""
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(schema, dict):
        for name, prop in schema.get("properties", {}).items():
            out.append((f"{path}.{name}", prop))
            out.extend(keys(prop, f"{path}.{name}"))
        for key, value in schema.items():
            if key not in ("properties", "if"):  # `if` only tests a value
                out.extend(keys(value, f"{path}/{key}" if key == "$defs" else path))
    elif isinstance(schema, list):
        for item in schema:
            out.extend(keys(item, path))
    return out


def test_reference_is_up_to_date() -> None:
    assert (DOCS / "reference.md").read_text(encoding="utf-8") == reference.generate(), FIX


def test_schema_is_up_to_date() -> None:
    assert (DOCS / "schema.json").read_text(encoding="utf-8") == dumps(build_schema()), FIX


def test_every_key_has_a_description() -> None:
    undocumented = sorted({where for where, prop in keys(build_schema())
                           if not prop.get("description")})
    assert undocumented == [], "add a docstring under each of these fields"


@pytest.mark.parametrize("kind", KINDS)
def test_every_type_is_documented(kind: str) -> None:
    text = reference.generate()
    registry = default_registry()
    for name in registry.names(kind):  # type: ignore[arg-type]
        info = registry.get(kind, name)  # type: ignore[arg-type]
        assert info is not None and info.summary, f"{kind} {name!r} has no summary"
        assert info.spec.__doc__, f"the model of {kind} {name!r} has no docstring"
        assert f"`{name}`" in text, f"{kind} {name!r} is missing from the reference"


def test_every_top_level_key_code_and_key_is_in_the_reference() -> None:
    text = reference.generate()
    for name in DashboardSpec.model_fields:
        assert f"| `{name}` |" in text
    for code in CODES:
        assert f"| `{code}` |" in text
    steps = default_registry().names("step")
    for where, _ in keys(build_schema()):
        name = where.rsplit(".", 1)[1]
        row = f"### `{name}`" if where == f"/$defs.{name}" and name in steps else f"| `{name}` |"
        assert row in text, where


def test_the_readme_shows_the_schema_header() -> None:
    assert "# yaml-language-server: $schema=" in (ROOT / "README.md").read_text()
