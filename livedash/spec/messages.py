"""Pydantic's validation errors, said the way a YAML author needs to hear them.

A pydantic location may name things the author never wrote: union members (``str``,
``list[str]``), validator wrappers (``function-after[...]``) and, when a step turns its
shorthand (``window: 30s``) into a mapping, internal fields (``size``). Locations are
therefore mapped back onto the YAML value: each error points at the deepest key or item
that exists there.
"""
from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..yamlio import Path
from .fields import TimeSpan
from .hints import describe, did_you_mean

_BASIC_TAGS = {"str", "int", "float", "bool", "dict", "list", "tuple", "set", "none",
               "bytes", "any", "[key]"}
_TAG_PREFIXES = ("function-", "is-instance", "lax-or-strict", "json-or-python", "literal[",
                 "nullable", "chain", "tagged-union", "definition-ref", "model-fields")
_WORDS = {  # what a union member (or a type error) expects
    "str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "dict": "a mapping", "list": "a list", "tuple": "a list", "set": "a list",
    "none": "nothing",
}
_TYPE_ERRORS = {
    "int_type": "int", "int_parsing": "int", "int_from_float": "int",
    "float_type": "float", "float_parsing": "float", "string_type": "str",
    "bool_type": "bool", "bool_parsing": "bool", "list_type": "list", "tuple_type": "list",
    "set_type": "list", "iterable_type": "list", "dict_type": "dict",
    "mapping_type": "dict", "model_type": "dict", "model_attributes_type": "dict",
    "dataclass_type": "dict", "none_required": "none",
}
_BOUNDS = {"greater_than": ("gt", "greater than"), "greater_than_equal": ("ge", "at least"),
           "less_than": ("lt", "less than"), "less_than_equal": ("le", "at most")}
# Hints the step and source models write into their messages, moved onto the hint line.
_INLINE_HINTS = (("; did you mean ", "did you mean "), ("; use one of ", "valid values: "))


@dataclass(frozen=True)
class Problem:
    """One error, located relative to the value that was validated."""

    path: Path
    code: str
    message: str
    hint: str = ""
    at_key: bool = False


def _is_tag(part: object) -> bool:
    return isinstance(part, str) and (part in _BASIC_TAGS or "[" in part or
                                      part.startswith(_TAG_PREFIXES))


@dataclass(frozen=True)
class _Where:
    path: Path          # the part of the location that exists in the YAML value
    rest: tuple[Any, ...]  # what is left: a missing key, or internal fields
    union: int | None   # len(path) where a union member tag was skipped
    member: str         # that tag
    on_key: bool        # the error is about a mapping key, not its value


def _walk(data: Any, loc: tuple[Any, ...]) -> _Where:
    cur, path, union, member, on_key = data, [], None, "", False
    for i, part in enumerate(loc):
        in_mapping = isinstance(cur, dict) and isinstance(part, str) and part in cur
        in_list = isinstance(cur, (list, tuple)) and isinstance(part, int) and \
            0 <= part < len(cur)
        if in_mapping or in_list:
            path.append(part)
            cur = cur[part]
        elif _is_tag(part):
            on_key = on_key or part == "[key]"
            if union is None and not str(part).startswith("function-") and part != "[key]":
                union, member = len(path), str(part)
        else:
            return _Where(tuple(path), tuple(loc[i:]), union, member, on_key)
    return _Where(tuple(path), (), union, member, on_key)


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _member_words(tag: str) -> str:
    head = tag.split("[", 1)[0]
    words = _WORDS.get(head, tag)
    inner = re.match(r"^(list|tuple|set)\[(\w+)", tag)
    if inner and inner.group(2) in _WORDS:
        return f"a list of {_WORDS[inner.group(2)].removeprefix('a ')}" \
            .replace("of whole number", "of whole numbers").replace("of number", "of numbers")
    return words


def field_at(model: Any, path: Path) -> FieldInfo | None:
    """The pydantic field of ``model`` that ``path`` (YAML keys) lands on, if any."""
    info = None
    for part in path:
        fields = getattr(model, "model_fields", None)
        if not isinstance(part, str) or not fields or part not in fields:
            return info if isinstance(part, int) else None
        info = fields[part]
        model = info.annotation
    return info


def _fields_of(model: Any, path: Path) -> list[str]:
    for part in path:
        fields = getattr(model, "model_fields", None) or {}
        if part not in fields:
            return []
        model = fields[part].annotation
        args = [a for a in typing.get_args(model) if hasattr(a, "model_fields")]
        model = args[0] if args else model
    return list(getattr(model, "model_fields", {}) or {})


def _shorthand_field(model: Any, value: Any) -> FieldInfo | None:
    """The field a non-mapping shorthand (``window: 30s``) fills: the only required one."""
    if isinstance(value, dict):
        return None
    required = [f for f in getattr(model, "model_fields", {}).values() if f.is_required()]
    return required[0] if len(required) == 1 else None


def _is_timespan(info: FieldInfo | None) -> bool:
    return info is not None and any(isinstance(m, TimeSpan) for m in info.metadata)


def summary(info: FieldInfo | None) -> str:
    """The first sentence of a field's description, or ``""``."""
    text = " ".join((info.description or "").split()) if info else ""
    text = text.replace("``", "`")
    first = re.split(r"(?<=[.;])\s", text, maxsplit=1)[0].rstrip(".;")
    return first if len(first) <= 90 else ""


def split_hint(message: str) -> tuple[str, str]:
    """Move a did-you-mean written into ``message`` onto its own hint line."""
    for marker, lead in _INLINE_HINTS:
        if marker in message:
            head, tail = message.split(marker, 1)
            return head, lead + tail
    return message, ""


def translate(model: type[BaseModel], data: Any, exc: ValidationError,
              choices: Mapping[str, list[str]] | None = None) -> list[Problem]:
    """The errors of ``model.model_validate(data)``, located in ``data``.

    ``choices`` gives, for a required key, its valid values (``type`` of a source, ``kind``
    of a view) for the hint when it is missing.
    """
    found = [(err, _walk(data, tuple(err["loc"]))) for err in exc.errors()]
    # One error per union: the member that got furthest, or "expected a or b" when no
    # member got past the value itself.
    groups: dict[Path, list[tuple[Any, _Where]]] = {}
    out: list[Problem] = []
    for err, where in found:
        if where.union is None:
            out.append(_one(model, data, err, where, choices or {}))
        else:
            groups.setdefault(where.path[:where.union], []).append((err, where))
    for base, members in groups.items():
        deepest = max(len(w.path) for _, w in members)
        if deepest > len(base):
            out.extend(_one(model, data, e, w, choices or {}) for e, w in members
                       if len(w.path) == deepest)
            continue
        if all(e["type"] in _TYPE_ERRORS for e, _ in members):
            words = []
            for _, w in members:
                word = _member_words(w.member)
                if word not in words:
                    words.append(word)
            value = _value_at(data, base)
            out.append(Problem(base, "wrong-type", f"expected {' or '.join(words)}, got "
                               f"{describe(value)}", _quote_hint(value, words)))
        else:
            out.extend(_one(model, data, e, w, choices or {}) for e, w in members
                       if e["type"] not in _TYPE_ERRORS)
    unique: list[Problem] = []
    for problem in out:
        if problem not in unique:
            unique.append(problem)
    return unique


def _quote_hint(value: Any, words: list[str]) -> str:
    if "text" in words and isinstance(value, (bool, int, float)):
        if isinstance(value, bool):
            return "put it in quotes: YAML reads yes, no, on, off, true and false as true/false"
        return f"put it in quotes: '{value}'"
    return ""


def _one(model: Any, data: Any, err: Any, where: _Where,
         choices: Mapping[str, list[str]]) -> Problem:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    path = where.path
    if kind == "missing" and where.rest:
        key = str(where.rest[0])
        info = field_at(model, (*path, key))
        if key in choices:
            hint = f"add `{key}:`, one of: " + ", ".join(sorted(choices[key]))
        else:
            about = summary(info)
            hint = f"add `{key}:`" + (f" ({about[0].lower()}{about[1:]})" if about else "")
        return Problem(path, "missing-key", f"missing required key {key!r}", hint, True)
    if kind == "extra_forbidden" and path:
        extra = path[-1]
        return Problem(path, "unknown-key", f"unknown key {extra!r}",
                       did_you_mean(extra, _fields_of(model, path[:-1]), "keys"), True)
    if kind in ("literal_error", "enum"):
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return Problem(path, "bad-value", f"{value!r} is not one of the choices",
                       did_you_mean(value, options), where.on_key)
    if kind in _TYPE_ERRORS:
        word = _WORDS[_TYPE_ERRORS[kind]]
        return Problem(path, "wrong-type", f"expected {word}, got {describe(value)}",
                       _quote_hint(value, [word]), where.on_key)
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return Problem(path, "bad-value", f"must be {words} {ctx.get(key)}, got "
                       f"{value!r}", "", where.on_key)
    message = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    message, hint = split_hint(message)
    info = field_at(model, path) if path else _shorthand_field(model, data)
    code = "bad-value"
    if _is_timespan(info):
        code = "bad-duration"
    elif path and path[-1] == "callback":
        code = "bad-callback"
    return Problem(path, code, message, hint, where.on_key)
