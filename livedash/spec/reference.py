"""The reference of the dashboard format, generated from the schema, the models and the
registry, so that it cannot drift from what the loader accepts::

    python -m livedash.spec.reference > docs/reference.md

A test regenerates it and fails when ``docs/reference.md`` differs, or when a key, a
type or a step has no description.
"""
from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from ..durations import UNITS_HELP
from ..registry import Kind, Registry, default_registry
from ..steps.aggs import FUNCTIONS
from .codes import CODES
from .deprecated import RENAMED_KEYS, RENAMED_VALUES
from .fields import DURATION_PATTERN
from .schema import build_schema, text

SCHEMA_HEADER = "# yaml-language-server: $schema=../docs/schema.json"
"""The first line of a dashboard in ``dashboards/`` for completion in editors."""


def _code(value: Any) -> str:
    return f"`{json.dumps(value) if not isinstance(value, str) else value}`"


def type_words(prop: dict[str, Any]) -> str:
    """What a property takes, in words: ``duration``, ``whole number ≥ 1``, ..."""
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[1]
    if "const" in prop:
        return _code(prop["const"])
    if "enum" in prop:
        if set(prop["enum"]) <= set(FUNCTIONS) | {"ohlc"} and len(prop["enum"]) > 3:
            return "aggregation function" + (" (or `ohlc`)" if "ohlc" in prop["enum"] else "")
        return "one of " + ", ".join(_code(v) for v in prop["enum"])
    if prop.get("pattern") == DURATION_PATTERN:
        return "duration"
    for key in ("anyOf", "oneOf"):
        if key in prop:
            words: list[str] = []
            for sub in prop[key]:
                word = "mapping (long form)" if "properties" in sub else type_words(sub)
                if words and word == f"list of {words[-1]}":
                    words[-1] += " or a list of them"
                elif word != "null" and word not in words:
                    words.append(word)
            return " or ".join(words)
    kinds = prop.get("type")
    if isinstance(kinds, list):
        return " or ".join(type_words({**prop, "type": k}) for k in kinds if k != "null")
    if kinds == "string":
        return "text"
    if kinds in ("integer", "number"):
        word = "whole number" if kinds == "integer" else "number"
        for bound, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤")):
            if bound in prop:
                word += f" {sign} {prop[bound]}"
        return word
    if kinds == "null":
        return "null"
    if kinds == "boolean":
        return "true/false"
    if kinds == "array":
        items = prop.get("items")
        return f"list of {type_words(items)}" if isinstance(items, dict) and items else "list"
    if kinds == "object":
        extra = prop.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            inner = type_words(extra)
            return f"mapping of names to {f'({inner})' if ' or ' in inner else inner}"
        return "mapping"
    return "any"


def _default(name: str, prop: dict[str, Any], required: list[str]) -> str:
    if name in required:
        return "required"
    if "default" not in prop or prop["default"] is None:
        return ""
    value = prop["default"]
    if isinstance(value, str):
        return f"`{value}`"
    return f"`{json.dumps(value)}`".replace('"', "")


def _cell(words: str) -> str:
    return words.replace("|", "\\|").replace("\n\n", "<br><br>")


def keys_table(schema: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    """A Markdown table of the properties of ``schema``."""
    required = schema.get("required", [])
    lines = ["| key | type | default | description |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        if name in skip:
            continue
        lines.append(f"| `{name}` | {_cell(type_words(prop))} | "
                     f"{_default(name, prop, required)} | "
                     f"{_cell(prop.get('description', ''))} |")
    return lines


def _section(module_name: str, title: str) -> str:
    """A numpydoc section (``Examples``, ``Notes``) of a module's docstring, as Markdown."""
    doc = importlib.import_module(module_name).__doc__ or ""
    match = re.search(rf"\n{title}\n-+\n(.*?)(?:\n\n\w[^\n]*\n-+\n|\Z)", doc, re.DOTALL)
    return text(match.group(1)) if match else ""


def _long_form(schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The mapping form of a step and the words for its shorthand forms."""
    if "anyOf" not in schema:
        return schema, []
    longs = [s for s in schema["anyOf"] if "properties" in s]
    shorts = [type_words(s) for s in schema["anyOf"] if "properties" not in s]
    return (longs[0] if longs else {}), shorts


def _typed_section(schema: dict[str, Any], registry: Registry, kind: Kind,
                   title: str, level: str) -> Iterator[str]:
    defs = schema["$defs"][kind]
    key = "type" if kind == "source" else "kind"
    for branch in defs["allOf"]:
        test = branch["if"]["properties"][key]
        names = [test["const"]] if "const" in test else test["enum"]
        then = branch["then"]
        if len(names) == 1:
            info = registry.get(kind, names[0])
            assert info is not None
            yield f"{level} `{names[0]}`"
            yield ""
            yield f"{info.summary} *({info.origin})*"
        else:
            yield f"{level} {title}: " + ", ".join(f"`{n}`" for n in names)
            yield ""
            for name in names:
                info = registry.get(kind, name)
                assert info is not None
                yield f"- `{name}`: {info.summary} *({info.origin})*"
        yield ""
        if then.get("description"):
            yield then["description"]
            yield ""
        yield from keys_table(then)
        yield ""


def _steps(schema: dict[str, Any], registry: Registry) -> Iterator[str]:
    for name, prop in schema["$defs"]["step"]["properties"].items():
        info = registry.get("step", name)
        assert info is not None
        long, shorts = _long_form(prop)
        yield f"### `{name}`"
        yield ""
        yield f"{info.summary} *({info.origin})*"
        yield ""
        if long.get("description"):
            yield long["description"]
            yield ""
        examples = _section(info.spec.__module__, "Examples")
        if examples:
            yield f"Examples: {examples}"
            yield ""
        if shorts:
            yield f"Short form: `{name}:` followed by " + " or ".join(shorts) + \
                "; long form: a mapping with these keys:"
            yield ""
        yield from keys_table(long)
        yield ""


INTRO = (
    "Check a file with `livedash validate FILE` (every problem at once, with its line and "
    "column). For completion and inline errors in VS Code (YAML extension) and other "
    "editors using yaml-language-server, make this the first line of a dashboard in "
    "`dashboards/` (the path is relative to the file; `livedash schema` prints the same "
    "schema as [schema.json](schema.json)):"
)
DURATIONS = (
    f"Intervals, windows and buckets are durations: {UNITS_HELP}. A duration is longer "
    "than zero. `ms` is milliseconds, `s` (or `sec`) seconds, `min` (or `m`) minutes, `h` "
    "hours and `d` days. A window may also be a row count: a whole number of at least 1."
)
AGGREGATIONS = (
    "`agg` of `groupby`, `aggregate`, `resample` and `rolling` names functions from this "
    "list: " + ", ".join(f"`{f}`" for f in FUNCTIONS) + " (and `ohlc` in `resample`). It "
    "is one function (`agg: mean`: every numeric column), a list (`agg: [mean, max]`), or "
    "a mapping of column to function(s) (`agg: {temperature: [mean, max], humidity: last}`)."
)
ERRORS = (
    "`livedash validate` prints each problem as `path:line:col: error[code]: key.path: "
    "message`, then a hint. It exits with 0 when every file is valid, 1 when one has an "
    "error, and 2 for a usage error (no path, an unknown option, a path that does not "
    "exist, a directory without YAML files). Warnings do not fail validation unless "
    "`--strict` is given. `--format json` prints one object with every problem."
)
DEPRECATED = (
    "Accepted with a `deprecated` warning (an error with `--strict`); the schema does not "
    "accept them, so editors flag them."
)
CONTENTS = ("Top level", "config", "Sources", "Pipelines and steps", "Aggregation functions",
            "Views", "Durations", "Errors and warnings", "Deprecated spellings")
_SECTION_OF = {"type": "sources", "kind": "views"}


def _deprecated() -> Iterator[str]:
    yield "| where | old | new |"
    yield "|---|---|---|"
    for section, renames in RENAMED_KEYS.items():
        for old, new in renames.items():
            yield f"| `{section}.<name>` | `{old}:` | `{new}:` |"
    for field, renames in RENAMED_VALUES.items():
        for old, new in renames.items():
            yield f"| `{_SECTION_OF[field]}.<name>.{field}` | `{old}` | `{new}` |"
    yield ("| a source `type`, view `kind` or step | with hyphens, e.g. `random-walk` | "
           "with underscores, e.g. `random_walk` |")


def generate(registry: Registry | None = None) -> str:
    """The whole reference, as Markdown."""
    registry = registry or default_registry()
    schema = build_schema(registry)
    props, defs = schema["properties"], schema["$defs"]
    anchor = {title: title.lower().replace(" ", "-") for title in CONTENTS}
    lines = [
        "# Dashboard file reference", "",
        ("<!-- Generated by `python -m livedash.spec.reference > docs/reference.md` from the "
         "models and the registry. Do not edit: a test fails when this file is out of date. "
         "-->"), "",
        schema["description"], "",
        INTRO, "", "```yaml", SCHEMA_HEADER, "```", "",
        *[f"- [{title}](#{anchor[title]})" for title in CONTENTS], "",
        "## Top level", "", *keys_table(schema), "",
        "## config", "", *keys_table(props["config"]), "",
        "## Sources", "",
        props["sources"]["description"] + " Every source takes `type`, `interval` and "
        "`history`; the other keys depend on the type.", "",
        *_typed_section(schema, registry, "source", "Sources", "###"),
        "## Pipelines and steps", "",
        props["pipelines"]["description"], "",
        *keys_table(defs["pipeline"]), "",
        defs["step"]["description"], "",
        *_steps(schema, registry),
        "### Aggregation functions", "",
        AGGREGATIONS, "",
        _section("livedash.steps.aggs", "Notes"), "",
        "## Views", "",
        props["views"]["description"], "",
        *_typed_section(schema, registry, "view", "Kinds", "###"),
        "## Durations", "", DURATIONS, "",
        "## Errors and warnings", "", ERRORS, "",
        "| code | severity | meaning |", "|---|---|---|",
        *[f"| `{code}` | {c.severity} | {_cell(c.meaning)} |" for code, c in CODES.items()], "",
        "## Deprecated spellings", "", DEPRECATED, "", *_deprecated(), "",
    ]
    return "\n".join(lines)


def main() -> int:
    """Print the reference to standard output."""
    sys.stdout.write(generate())
    return 0


if __name__ == "__main__":
    sys.exit(main())
