"""The JSON Schema (draft 2020-12) of the whole format, generated from the models the
loader uses and the types in the registry.

It is written for editors (VS Code and others through yaml-language-server) as much as
for validators: a source's ``type`` and a view's ``kind`` are enums with a description
per value, and ``if``/``then`` picks the keys of the chosen type, so completion offers
the right keys and an error names the right one. Only keywords that mean the same in
draft-07 are used (no ``$dynamicRef``, ``prefixItems`` or ``unevaluatedProperties``),
because many editors still validate with a draft-07 engine. Descriptions are never put
beside a ``$ref``, which draft-07 ignores.

What the schema cannot check, ``livedash validate`` does: references between names,
cycles, callbacks against ``allowed_modules``, expressions, and the cross-field rules
of each type (e.g. ``min_periods`` at most the window).
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any

import pandas as pd
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from ..durations import format_duration
from ..registry import Kind, Registry, default_registry
from .models import ConfigSpec, DashboardSpec, PipelineSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NAMES = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"},
                                          "minItems": 1, "uniqueItems": True}]}
# Keys whose model type is narrower than what the YAML may say (a name or a list of them,
# turned into a tuple by a before-validator), by (kind, type name, key).
OVERRIDES: dict[tuple[Kind, str, str], dict[str, Any]] = {
    ("step", "groupby", "by"): _NAMES,
    ("step", "resample", "by"): _NAMES,
    ("step", "select", "columns"): _NAMES,
}
_DISCRIMINATOR: dict[Kind, str] = {"source": "type", "view": "kind"}


class _Generator(GenerateJsonSchema):
    """Defaults as the YAML spells them (``1s``, not ``PT1S``); no generated titles."""

    def encode_default(self, dft: Any) -> Any:
        if isinstance(dft, pd.Timedelta):
            return format_duration(dft)
        if isinstance(dft, tuple):
            return [self.encode_default(v) for v in dft]
        raw = getattr(dft, "raw", None)  # a parsed value that remembers how it was written
        return raw if raw is not None else super().encode_default(dft)

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def text(doc: str | None) -> str:
    """A docstring as one Markdown paragraph per paragraph (``x`` becomes `x`)."""
    if not doc:
        return ""
    paragraphs = re.split(r"\n\s*\n", doc.strip())
    out = "\n\n".join(" ".join(p.split()) for p in paragraphs).replace("``", "`")
    return re.sub(r":\w+:`~?([^`]+)`", r"`\1`", out)  # Sphinx roles such as :mod:`x`


def _walk(schema: Any, visit: Any) -> None:
    """Call ``visit`` on every schema object (not on the names under ``properties``)."""
    if not isinstance(schema, dict):
        return
    visit(schema)
    for key, value in schema.items():
        if key in ("properties", "$defs", "patternProperties", "dependentSchemas"):
            for sub in value.values():
                _walk(sub, visit)
        elif key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            for sub in value:
                _walk(sub, visit)
        elif key in ("items", "additionalProperties", "not", "if", "then", "else",
                     "contains", "propertyNames") and isinstance(value, dict):
            _walk(value, visit)


def _tidy(node: dict[str, Any]) -> None:
    if isinstance(node.get("title"), str):
        del node["title"]
    if isinstance(node.get("description"), str):
        node["description"] = text(node["description"])


class _Defs:
    """The models' schemas, generated together so that their names cannot clash."""

    def __init__(self, models: list[type[BaseModel]]):
        unique = list(dict.fromkeys(models))
        refs, defs = models_json_schema([(m, "validation") for m in unique],
                                        ref_template="#/$defs/{model}",
                                        schema_generator=_Generator)
        self.defs: dict[str, Any] = defs.get("$defs", {})
        self.refs = {model: refs[(model, "validation")]["$ref"] for model in unique}

    def inline(self, model: type[BaseModel], description: str = "") -> dict[str, Any]:
        """A copy of ``model``'s schema, with ``description`` when given."""
        name = self.refs[model].rsplit("/", 1)[1]
        schema = copy.deepcopy(self.defs[name])
        if description:
            schema["description"] = description
        return schema


def _override(schema: dict[str, Any], kind: Kind, name: str) -> dict[str, Any]:
    targets = [schema, *[s for s in schema.get("anyOf", []) if "properties" in s]]
    for target in targets:
        for key, prop in target.get("properties", {}).items():
            extra = OVERRIDES.get((kind, name, key))
            if extra is not None:
                target["properties"][key] = {**extra, "description": prop.get(
                    "description", "")}
    return schema


def _typed(defs: _Defs, registry: Registry, kind: Kind) -> dict[str, Any]:
    """A source or view: the ``type``/``kind`` enum, then the keys of the chosen one."""
    key = _DISCRIMINATOR[kind]
    names = registry.names(kind)
    by_model: dict[type[BaseModel], list[str]] = {}
    for name in names:
        by_model.setdefault(registry.get(kind, name).spec, []).append(name)  # type: ignore
    branches = []
    for model, members in by_model.items():
        test = {"const": members[0]} if len(members) == 1 else {"enum": members}
        then = defs.inline(model)
        for name in members:
            _override(then, kind, name)
        then["properties"][key] = {**then["properties"].get(key, {}), **test}
        branches.append({"if": {"properties": {key: test}, "required": [key]},
                         "then": then})
    summaries = [registry.get(kind, n).summary for n in names]  # type: ignore[union-attr]
    return {
        "type": "object", "required": [key],
        "properties": {key: {
            "enum": names, "enumDescriptions": summaries,
            "description": f"What the {kind} is: " + ", ".join(names) + "."}},
        "allOf": branches,
    }


def _step(defs: _Defs, registry: Registry) -> dict[str, Any]:
    properties = {}
    for name in registry.names("step"):
        info = registry.get("step", name)
        assert info is not None
        schema = _override(defs.inline(info.spec), "step", name)
        schema["description"] = info.summary
        properties[name] = schema
    return {"type": "object", "minProperties": 1, "maxProperties": 1,
            "additionalProperties": False, "properties": properties,
            "description": "A step: a mapping with one key, its kind, e.g. "
                           "`- window: 30s`."}


def _prune(schema: dict[str, Any]) -> None:
    """Drop the definitions nothing refers to any more."""
    defs = schema.get("$defs", {})
    used: set[str] = set()
    todo = [schema]
    found: list[str] = []

    def refs(node: dict[str, Any]) -> None:
        if "$ref" in node:
            found.append(node["$ref"].rsplit("/", 1)[1])

    while todo:
        found.clear()
        for node in todo:
            _walk({k: v for k, v in node.items() if k != "$defs"}, refs)
        todo = [defs[n] for n in found if n not in used and n in defs]
        used.update(found)
    for name in [n for n in defs if n not in used]:
        del defs[name]


def dumps(schema: dict[str, Any]) -> str:
    """The schema as ``livedash schema`` prints it (and docs/schema.json holds it)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def build_schema(registry: Registry | None = None) -> dict[str, Any]:
    """The JSON Schema of a dashboard file for the types in ``registry``."""
    registry = registry or default_registry()
    models: list[type[BaseModel]] = [ConfigSpec, PipelineSpec]
    for kind in ("source", "step", "view"):
        models += [registry.get(kind, n).spec for n in registry.names(kind)]  # type: ignore
    defs = _Defs(models)
    fields = DashboardSpec.model_fields

    def about(key: str) -> str:
        return text(fields[key].description)

    pipeline = defs.inline(PipelineSpec)
    pipeline["properties"]["steps"] = {"type": "array", "items": {"$ref": "#/$defs/step"},
                                       "description": pipeline["properties"]["steps"]
                                       ["description"]}
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": "livedash dashboard",
        "description": text(DashboardSpec.__doc__),
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, f in fields.items() if f.is_required()],
        "properties": {
            "title": {"type": ["string", "number"], "description": about("title")},
            "description": {"type": ["string", "number"], "description": about("description")},
            "config": {**defs.inline(ConfigSpec), "description": about("config")},
            "sources": {"type": ["object", "null"], "description": about("sources"),
                        "additionalProperties": {"$ref": "#/$defs/source"}},
            "pipelines": {"type": ["object", "null"], "description": about("pipelines"),
                          "additionalProperties": {"$ref": "#/$defs/pipeline"}},
            "views": {"type": ["object", "null"], "description": about("views"),
                      "additionalProperties": {"$ref": "#/$defs/view"}},
            "layout": {"type": "array", "description": about("layout"), "items": {
                "anyOf": [{"type": "array", "items": {"type": "string"}},
                          {"type": "string"}]}},
        },
        "$defs": {**defs.defs, "source": _typed(defs, registry, "source"),
                  "pipeline": pipeline, "step": _step(defs, registry),
                  "view": _typed(defs, registry, "view")},
    }
    _prune(schema)
    _walk(schema, _tidy)
    return {"$schema": DIALECT, "title": "livedash dashboard", **schema}
