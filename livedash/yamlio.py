"""Safe, strict YAML loading that remembers where every key and value came from.

Only the YAML 1.1 core scalar types are built (no tags such as ``!!python/object``);
timestamps stay strings; duplicate keys and alias bombs are reported as errors instead
of being silently resolved. Nothing in a file can run code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import SpecError

Path = tuple[str | int, ...]
MAX_NODES = 100_000
_SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _Resolver(yaml.resolver.Resolver):
    """The safe resolver without implicit timestamps: ``2024-01-01`` stays a string."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
              yaml.composer.Composer, yaml.constructor.SafeConstructor, _Resolver):
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)


@dataclass
class Positions:
    """1-based (line, column) of every key and value, by key path."""

    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of_key(self, path: Path) -> tuple[int, int]:
        """Where the key at ``path`` is written, else the nearest enclosing position."""
        return self.keys.get(path) or self.of_value(path)

    def of_value(self, path: Path) -> tuple[int, int]:
        """Where the value at ``path`` starts, else the nearest enclosing position."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


@dataclass
class Loaded:
    data: Any
    positions: Positions
    errors: list[SpecError]


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


class _Builder:
    def __init__(self, loader: _Loader, file: str):
        self.loader = loader
        self.file = file
        self.positions = Positions()
        self.errors: list[SpecError] = []
        self.count = 0

    def error(self, where: tuple[int, int], code: str, path: Path, message: str, hint: str = ""):
        self.errors.append(SpecError(where[0], where[1], self.file, code, path, message, hint))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(node)
        self.positions.values.setdefault(path, _pos(node.start_mark))
        if node.tag not in _SAFE_TAGS:
            self.error(_pos(node.start_mark), "yaml-tag", path,
                       f"YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
                       "livedash files hold plain data only: remove the tag "
                       "(callbacks are named as \"module:function\" strings)")
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            self.loader.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = self.build_scalar_key(key_node, path)
                if key is _BAD:
                    continue
                sub = (*path, key)
                if key in out:
                    first = self.positions.keys.get(sub, (0, 0))
                    self.error(_pos(key_node.start_mark), "duplicate-key", sub,
                               f"duplicate key {key!r} (first defined on line {first[0]})",
                               "remove one of them or rename it")
                    continue
                self.positions.keys[sub] = _pos(key_node.start_mark)
                out[key] = self.build(value_node, sub)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def build_scalar_key(self, node: yaml.Node, path: Path) -> Any:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _SAFE_TAGS:
            self.error(_pos(node.start_mark), "bad-key", path,
                       "mapping keys must be plain names", "write the key as a plain word")
            return _BAD
        key = self.loader.construct_object(node)
        return key if isinstance(key, str) else str(key)


class _TooBig(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


_BAD = object()


def load_yaml(text: str, file: str = "") -> Loaded:
    """Parse ``text``; never raises for bad input, returns errors instead."""
    loader = _Loader(text)
    builder = _Builder(loader, file)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = _pos(mark) if mark else (1, 1)
            problem = exc.problem or str(exc)
            if exc.context:
                problem = f"{exc.context}, {problem}"
            builder.error(where, "yaml-syntax", (), f"YAML syntax error: {problem}",
                          "check the indentation and quoting on this line and the one before")
            return Loaded(None, builder.positions, builder.errors)
        except yaml.YAMLError as exc:
            builder.error((1, 1), "yaml-syntax", (), f"YAML syntax error: {exc}",
                          "save the file as UTF-8 text")
            return Loaded(None, builder.positions, builder.errors)
        if root is None:
            builder.error((1, 1), "empty-file", (), "the file is empty",
                          "a dashboard needs at least `sources` and `views`")
            return Loaded(None, builder.positions, builder.errors)
        try:
            data = builder.build(root, ())
        except _TooBig as big:
            builder.errors = [SpecError(*_pos(big.node.start_mark), file, "alias-bomb", (),
                                        f"the document expands to more than {MAX_NODES} "
                                        "values through aliases", "do not nest YAML aliases (*name)")]
            return Loaded(None, Positions(), builder.errors)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            builder.error(_pos(mark) if mark else (1, 1), "yaml-value", (),
                          f"cannot read value: {exc.problem}", "quote the value")
            return Loaded(None, builder.positions, builder.errors)
        return Loaded(data, builder.positions, builder.errors)
    finally:
        loader.dispose()
