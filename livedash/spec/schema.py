"""The JSON Schema of the whole format, generated from the models the loader uses."""
from __future__ import annotations

from typing import Any

from ..registry import Registry, default_registry
from .models import ConfigSpec, PipelineSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _model_schema(model: Any, defs: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/$defs/{model}", mode="validation")
    defs.update(schema.pop("$defs", {}))
    return schema


def build_schema(registry: Registry | None = None) -> dict[str, Any]:
    registry = registry or default_registry()
    defs: dict[str, Any] = {}
    sources = []
    for name in registry.names("source"):
        schema = _model_schema(registry.get("source", name).spec, defs)
        schema.setdefault("properties", {})["type"] = {"const": name,
                                                       "description": "The source type."}
        sources.append(schema)
    steps = []
    for name in registry.names("step"):
        info = registry.get("step", name)
        steps.append({"type": "object", "description": info.summary,
                      "properties": {name: _model_schema(info.spec, defs)},
                      "required": [name], "additionalProperties": False})
    views = []
    for name in registry.names("view"):
        schema = _model_schema(registry.get("view", name).spec, defs)
        schema = {**schema, "properties": {**schema.get("properties", {}),
                                           "kind": {"const": name,
                                                    "description": registry.get("view", name)
                                                    .summary}}}
        views.append(schema)
    pipeline = _model_schema(PipelineSpec, defs)
    pipeline["properties"]["steps"] = {"type": "array", "items": {"oneOf": steps},
                                       "description": pipeline["properties"]["steps"]
                                       .get("description", "")}
    return {
        "$schema": DIALECT,
        "$id": "https://livedash.invalid/schema/dashboard.json",
        "title": "livedash dashboard",
        "description": "A YAML file that livedash turns into a live dashboard.",
        "type": "object",
        "additionalProperties": False,
        "required": ["sources", "views"],
        "properties": {
            "title": {"type": "string", "description": "Page title and index entry."},
            "description": {"type": "string", "description": "Shown in the page header."},
            "config": _model_schema(ConfigSpec, defs),
            "sources": {"type": "object", "description": "Data sources by name.",
                        "additionalProperties": {"oneOf": sources}},
            "pipelines": {"type": "object", "description": "Pipelines by name.",
                          "additionalProperties": pipeline},
            "views": {"type": "object", "description": "Views by name.",
                      "additionalProperties": {"oneOf": views}},
            "layout": {"type": "array", "description": "Rows of view names.",
                       "items": {"type": "array", "items": {"type": "string"}}},
        },
        "$defs": defs,
    }
