"""Every source type is registered, documented field by field, and has a JSON Schema."""
from __future__ import annotations

import pytest
from sourceticks import source_registry

from livedash.registry import Registry
from livedash.spec.models import SourceSpec

TYPES = ["matrix", "periodic", "push", "random", "random_walk", "sine"]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return source_registry()


@pytest.mark.parametrize("name", TYPES)
def test_registered_with_its_own_model(registry: Registry, name: str) -> None:
    info = registry.get("source", name)
    assert info is not None and info.summary
    assert issubclass(info.spec, SourceSpec)
    assert info.spec.model_fields["type"].default == name


@pytest.mark.parametrize("name", TYPES)
def test_every_parameter_is_documented(registry: Registry, name: str) -> None:
    info = registry.get("source", name)
    assert info is not None and info.spec.__doc__
    undocumented = [field for field, spec in info.spec.model_fields.items()
                    if not spec.description]
    assert undocumented == []


@pytest.mark.parametrize("name", TYPES)
def test_json_schema(registry: Registry, name: str) -> None:
    info = registry.get("source", name)
    assert info is not None
    schema = info.spec.model_json_schema(mode="serialization")
    assert schema["properties"]["type"]["const"] == name
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", [n for n in TYPES if n != "periodic"])
def test_defaults_are_valid(registry: Registry, name: str) -> None:
    info = registry.get("source", name)
    assert info is not None
    info.spec.model_validate({"type": name})
