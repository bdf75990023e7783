"""Safe, strict YAML loading that remembers where every key and value came from.

Only plain data is built: strings, numbers, booleans, null, lists and mappings. No tag
such as ``!!python/object`` is honoured; timestamps stay strings; duplicate keys are
errors. Nothing in a file can run code.

Aliases (``*name``) are expanded only after the composed node graph has been measured:
a document whose aliases would expand to more than :data:`MAX_NODES` values (a
"billion laughs"), that refers to itself, or that nests deeper than :data:`MAX_DEPTH`
is refused before anything is built. PyYAML's composer shares the node of an anchor
between its aliases, so composing such a document costs no more than its text.

Merge keys (``<<: *defaults``) work as in YAML 1.1: keys written in the mapping win
over merged ones, and earlier merged mappings win over later ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import SpecError

Path = tuple[str | int, ...]
MAX_NODES = 100_000
"""Most values a document may expand to through aliases."""
MAX_DEPTH = 64
"""Most levels of nested lists and mappings (a dashboard needs about eight)."""
MAX_CHARS = 1_000_000
"""Longest text read as a dashboard."""

_YAML = "tag:yaml.org,2002:"
_SAFE_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_MERGE = _YAML + "merge"

# What to do about PyYAML's most common complaints, by the start of the problem text.
_SYNTAX_HINTS = (
    ("mapping values are not allowed",
     "put quotes around a value that contains ': ', or check the indentation"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("could not find expected ':'", "write each entry as `key: value`, or close the quotes"),
    ("found undefined alias", "define the anchor (&name) before using it (*name)"),
    ("found unexpected end of stream", "close the quotes or brackets opened here"),
    ("found unknown escape character",
     "in double quotes, write a backslash as \\\\, or use single quotes"),
    ("expected <block end>", "line the keys of one mapping up at the same indentation"),
    ("did not find expected key", "line the keys of one mapping up at the same indentation"),
    ("did not find expected '-' indicator",
     "line the items of one list up at the same indentation"),
    ("expected ',' or '}'", ("close the `{` with `}`, and put quotes around values that "
                             "contain ',' or ': '")),
    ("expected ',' or ']'", ("close the `[` with `]`, and put quotes around values that "
                             "contain ',' or ': '")),
)


class Unreadable:
    """Stands for a value that could not be read (and was reported as such)."""

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE = Unreadable()


class _Resolver(yaml.resolver.Resolver):
    """The safe resolver without implicit timestamps (``2024-01-01`` stays a string) and
    without YAML 1.1's base-60 numbers (``1:30`` stays a string, not 90), as in YAML 1.2."""


_NUMBERS = {
    _YAML + "int": re.compile(r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""", re.VERBOSE),
    _YAML + "float": re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", re.VERBOSE),
}
_Resolver.yaml_implicit_resolvers = {
    first: [(tag, _NUMBERS.get(tag, regexp)) for tag, regexp in resolvers
            if tag != _YAML + "timestamp"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark):
        self.mark = mark


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
              yaml.composer.Composer, yaml.constructor.SafeConstructor, _Resolver):
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.depth = 0
        self.anchor_names: dict[int, str] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        # The composer recurses once per level: stop before Python's recursion limit.
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_sequence_node(self, anchor: str | None) -> Any:
        return self._named(super().compose_sequence_node(anchor), anchor)

    def compose_mapping_node(self, anchor: str | None) -> Any:
        return self._named(super().compose_mapping_node(anchor), anchor)

    def compose_scalar_node(self, anchor: str | None) -> Any:
        return self._named(super().compose_scalar_node(anchor), anchor)

    def _named(self, node: yaml.Node, anchor: str | None) -> yaml.Node:
        if anchor is not None:
            self.anchor_names[id(node)] = anchor
        return node


@dataclass
class Positions:
    """1-based (line, column) of every key and value, by key path."""

    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of_key(self, path: Path) -> tuple[int, int]:
        """Where the key at ``path`` is written, else the nearest enclosing position."""
        return self.keys.get(tuple(path)) or self.of_value(path)

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

    def copy(self) -> Positions:
        return Positions(dict(self.keys), dict(self.values))

    def move(self, old: Path, new: Path) -> None:
        """Make ``new`` (and everything under it) point where ``old`` is written."""
        n = len(old)
        for table in (self.keys, self.values):
            for path in [p for p in table if p[:n] == old]:
                table[new + path[n:]] = table[path]


@dataclass
class Loaded:
    """What :func:`load_yaml` read: the data (``None`` when unusable) and the problems."""

    data: Any
    """The document; a value that could not be read is :data:`UNREADABLE`."""
    positions: Positions
    errors: list[SpecError]


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _Measure:
    """Expanded size and depth of every node, computed once per distinct node."""

    def __init__(self) -> None:
        self.size: dict[int, int] = {}
        self.depth: dict[int, int] = {}
        self.first_path: dict[int, Path] = {}
        self.open: set[int] = set()

    def visit(self, node: yaml.Node, path: Path) -> yaml.Node | None:
        """Fill the tables; return a node that contains itself, if there is one."""
        key = id(node)
        if key in self.open:
            return node
        if key in self.size:
            return None
        self.first_path[key] = path
        self.open.add(key)
        size, depth = 1, 0
        for i, child in enumerate(_children(node)):
            loop = self.visit(child, (*path, _label(node, i)))
            if loop is not None:
                return loop
            size += self.size[id(child)]
            depth = max(depth, self.depth[id(child)])
        self.open.discard(key)
        self.size[key], self.depth[key] = size, depth + 1
        return None

    def culprit(self, root: yaml.Node, table: dict[int, int], limit: int) -> yaml.Node:
        """The innermost node over ``limit``: where the aliases pile up."""
        node = root
        while True:
            over = [c for c in _children(node) if table[id(c)] > limit]
            if not over:
                return node
            node = over[0]


def _label(node: yaml.Node, i: int) -> str | int:
    if isinstance(node, yaml.MappingNode):
        key = node.value[i // 2][0]
        return key.value if isinstance(key, yaml.ScalarNode) else "?"
    return i


class _Builder:
    def __init__(self, loader: _Loader, file: str):
        self.loader = loader
        self.file = file
        self.positions = Positions()
        self.errors: list[SpecError] = []

    def error(self, where: tuple[int, int], code: str, path: Path, message: str,
              hint: str = "") -> None:
        self.errors.append(SpecError(where[0], where[1], self.file, code, path, message, hint))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.positions.values.setdefault(path, _pos(node.start_mark))
        if node.tag not in _SAFE_TAGS:
            tag = node.tag.replace(_YAML, "!!")
            self.error(_pos(node.start_mark), "yaml-tag", path,
                       f"the YAML tag {tag} is not allowed",
                       "dashboard files hold plain data only: remove the tag (a callback "
                       "is named as a \"module:function\" string)")
            return UNREADABLE
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            self.error(_pos(node.start_mark), "yaml-value", path,
                       f"cannot read this value: {problem}",
                       "remove the tag, or put the value in quotes")
            return UNREADABLE

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append((key_node, value_node))
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            sub = (*path, key)
            if key in out:
                first = self.positions.keys.get(sub, (0, 0))
                self.error(_pos(key_node.start_mark), "duplicate-key", sub,
                           f"the key {key!r} is already defined on line {first[0]}",
                           "remove one of them, or rename one")
                continue
            self.positions.keys[sub] = _pos(key_node.start_mark)
            out[key] = self.build(value_node, sub)
        for merge_key, merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, yaml.MappingNode) or source.tag not in _SAFE_TAGS:
                    self.error(_pos(merge_key.start_mark), "yaml-value", path,
                               "`<<` merges mappings only",
                               "write `<<: *name` where &name is a mapping")
                    break
                for key_node, value_node in source.value:
                    key = self.key(key_node, path)
                    if key is None or key in out or key_node.tag == _MERGE:
                        continue
                    sub = (*path, key)
                    self.positions.keys[sub] = _pos(key_node.start_mark)
                    out[key] = self.build(value_node, sub)
        return out

    def key(self, node: yaml.Node, path: Path) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _SAFE_TAGS:
            self.error(_pos(node.start_mark), "bad-key", path,
                       "a key must be a plain name, not a list, a mapping or a tagged value",
                       "write the key as a plain word")
            return None
        # The text as written: `on:` stays "on" and `1:` stays "1" (not True and 1).
        return str(node.value)


def _syntax_error(exc: yaml.MarkedYAMLError) -> tuple[tuple[int, int], str, str]:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or str(exc)
    hint = next((h for start, h in _SYNTAX_HINTS if problem.startswith(start)),
                "check the indentation and the quotes on this line and the one before")
    if exc.context:
        problem = f"{problem} ({exc.context}"
        if exc.context_mark and exc.problem_mark and exc.context_mark.line != \
                exc.problem_mark.line:
            problem += f" on line {exc.context_mark.line + 1}"
        problem += ")"
    return (_pos(mark) if mark else (1, 1)), problem, hint


def load_yaml(text: str, file: str = "") -> Loaded:
    """Parse ``text``; never raises for bad input, returns errors instead."""
    positions = Positions()

    def fail(where: tuple[int, int], code: str, message: str, hint: str,
             path: Path = ()) -> Loaded:
        return Loaded(None, positions, [SpecError(where[0], where[1], file, code, path,
                                                  message, hint)])

    if len(text) > MAX_CHARS:
        return fail((1, 1), "too-big", f"the file has {len(text)} characters, more than "
                    f"{MAX_CHARS}", "a dashboard is a short file: move data into a source")
    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except _TooDeep as deep:
            return fail(_pos(deep.mark), "too-deep", f"lists and mappings are nested more "
                        f"than {MAX_DEPTH} levels deep", "flatten the structure")
        except yaml.MarkedYAMLError as exc:
            where, problem, hint = _syntax_error(exc)
            return fail(where, "yaml-syntax", f"YAML syntax error: {problem}", hint)
        except yaml.YAMLError as exc:
            return fail((1, 1), "yaml-syntax", f"YAML syntax error: {exc}",
                        "save the file as UTF-8 text")
        if root is None:
            what = "the file is empty" if not text.strip() else "the file holds only comments"
            return fail((1, 1), "empty-file", what,
                        "a dashboard needs at least `sources:` and `views:`")
        measure = _Measure()
        loop = measure.visit(root, ())
        if loop is not None:
            name = loader.anchor_names.get(id(loop), "")
            return fail(_pos(loop.start_mark), "alias-loop",
                        f"the alias *{name} is used inside the value it names, so it never "
                        "ends", f"write the value out instead of *{name}",
                        measure.first_path.get(id(loop), ()))
        if measure.size[id(root)] > MAX_NODES:
            node = measure.culprit(root, measure.size, MAX_NODES)
            return fail(_pos(node.start_mark), "alias-bomb",
                        f"the aliases (*name) in this value expand it to "
                        f"{measure.size[id(node)]} values, more than {MAX_NODES}",
                        "do not nest aliases: write the values out",
                        measure.first_path.get(id(node), ()))
        if measure.depth[id(root)] > MAX_DEPTH:
            node = measure.culprit(root, measure.depth, MAX_DEPTH)
            return fail(_pos(node.start_mark), "too-deep",
                        f"with its aliases expanded, this value is nested more than "
                        f"{MAX_DEPTH} levels deep", "do not nest aliases: write the values "
                        "out", measure.first_path.get(id(node), ()))
        builder = _Builder(loader, file)
        data = builder.build(root, ())
        return Loaded(data, builder.positions, builder.errors)
    finally:
        loader.dispose()
