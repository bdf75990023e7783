"""Safe expressions over columns, as ``filter`` and ``derive`` steps write them.

An expression is parsed with :mod:`ast` and checked against a short list of allowed
forms when the dashboard is validated; nothing is ever passed to ``eval``.

Allowed: column names (in backticks when they are not Python identifiers, e.g.
```my col` > 3``), numbers, strings, ``True``/``False``, ``+ - * / // % **``,
comparisons (chains too, and ``in`` / ``not in`` a literal list), ``and`` / ``or`` /
``not`` (element-wise), unary minus, and the functions in :data:`FUNCTIONS`. A name
that is not a column but is the name of the index refers to the index.

Notes
-----
Element-wise math follows numpy: dividing by zero gives ``inf``, ``log`` of a
negative number gives ``NaN``; no warning is raised for either.
"""
from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
import pandas as pd

from ..rows import Rows
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from .columns import require

FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int]] = {
    # name: (implementation, fewest arguments, most arguments)
    "abs": (np.abs, 1, 1), "sqrt": (np.sqrt, 1, 1), "log": (np.log, 1, 1),
    "log10": (np.log10, 1, 1), "exp": (np.exp, 1, 1), "sin": (np.sin, 1, 1),
    "cos": (np.cos, 1, 1), "tan": (np.tan, 1, 1), "floor": (np.floor, 1, 1),
    "ceil": (np.ceil, 1, 1), "round": (np.round, 1, 2), "where": (np.where, 3, 3),
}
_FUNCTION_LIST = ", ".join(sorted(FUNCTIONS))

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}
# What an analyst most likely meant when writing a refused operator.
_INSTEAD = {ast.BitAnd: "`and`", ast.BitOr: "`or`", ast.Invert: "`not`",
            ast.BitXor: "`!=` between two conditions", ast.LShift: "`*` by a power of 2",
            ast.RShift: "`//` by a power of 2", ast.Is: "`==`", ast.IsNot: "`!=`"}
_REFUSED_NAMES = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression",
    ast.IfExp: "`x if c else y`", ast.Dict: "a dict", ast.Set: "a set",
    ast.Starred: "`*`", ast.JoinedStr: "an f-string", ast.NamedExpr: "`:=`",
    ast.Await: "await", ast.Yield: "yield", ast.Slice: "a slice",
}
_HINTS = {ast.Attribute: "write the column name in backticks if it contains a dot",
          ast.IfExp: "use where(condition, a, b)",
          ast.Subscript: "refer to a column by its name"}


class ExpressionError(ValueError):
    """An expression uses something that is not allowed, or is not an expression."""


@dataclass(frozen=True, eq=False)
class Expression:
    """A checked expression; :meth:`evaluate` computes it over a frame's rows."""

    text: str
    tree: ast.Expression = field(repr=False)
    columns: dict[str, str] = field(repr=False)  # placeholder identifier -> column name

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    @property
    def is_arithmetic(self) -> bool:
        """True when the result is a number for sure (a filter needs a condition)."""
        body = self.tree.body
        return isinstance(body, ast.BinOp) or (
            isinstance(body, ast.UnaryOp) and isinstance(body.op, (ast.USub, ast.UAdd))) or (
            isinstance(body, ast.Constant) and not isinstance(body.value, bool))

    def evaluate(self, frame: pd.DataFrame | Rows) -> Any:
        """The value for every row (an array or Series in row order), or a scalar."""
        if not self._arithmetic:  # comparisons and logic raise no floating-point warning
            return _Evaluator(frame, self.columns).visit(self.tree.body)
        with np.errstate(all="ignore"):
            return _Evaluator(frame, self.columns).visit(self.tree.body)

    @functools.cached_property
    def _arithmetic(self) -> bool:
        """True when some part may divide by zero or leave a function's domain."""
        return any(isinstance(node, (ast.BinOp, ast.Call, ast.UnaryOp))
                   for node in ast.walk(self.tree))


def parse(text: object) -> Expression:
    """Check ``text`` and return it as an :class:`Expression`.

    Raises
    ------
    ExpressionError
        Naming what is not allowed and the column (1-based) where it starts.
    """
    if isinstance(text, Expression):
        return text
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ExpressionError(f"expected an expression in quotes, e.g. \"temperature > 20\", "
                              f"got {text!r}")
    text = str(text).strip()
    if not text:
        raise ExpressionError("the expression is empty: write one, e.g. \"temperature > 20\"")
    # Newlines (a YAML block scalar) become spaces so that columns stay exact.
    source, columns = _replace_backticks(text.replace("\n", " "))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = exc.offset or 1
        raise ExpressionError(f"{text!r} is not a valid expression: {exc.msg} "
                              f"(at column {col})") from None
    _check(tree.body, text)
    return Expression(text, tree, columns)


def _replace_backticks(text: str) -> tuple[str, dict[str, str]]:
    """Swap each ```column name``` for an identifier of the same length (columns stay put)."""
    out: list[str] = []
    columns: dict[str, str] = {}
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "'\"":  # copy string literals untouched: a backtick there is just text
            end = i + 1
            while end < len(text) and text[end] != ch:
                end += 2 if text[end] == "\\" else 1
            out.append(text[i:end + 1])
            i = end + 1
        elif ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise ExpressionError(f"the backtick at column {i + 1} is not closed: write "
                                      "`column name` with a backtick on each side")
            name = text[i + 1:end]
            if not name:
                raise ExpressionError(f"empty backticks at column {i + 1}: put a column name "
                                      "between them")
            ident = _placeholder(len(columns), end + 1 - i, text)
            columns[ident] = name
            out.append(ident)
            i = end + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out), columns


def _placeholder(n: int, width: int, text: str) -> str:
    # `x` is 3 characters wide, so the shortest placeholder is 3 characters too.
    for lead in ("_", "_q", "_z"):
        ident = f"{lead}{n}".ljust(width, "_")
        if len(ident) == width and ident not in text:
            return ident
    raise ExpressionError("too many backticked names in one expression: use at most 99")


def _column(node: ast.AST, text: str) -> int:
    """1-based character column of ``node`` in ``text`` (ast counts UTF-8 bytes)."""
    offset = getattr(node, "col_offset", 0)
    return len(text.encode()[:offset].decode(errors="ignore")) + 1


def _snippet(node: ast.AST, text: str) -> str:
    start = _column(node, text) - 1
    end_offset = getattr(node, "end_col_offset", None)
    end = len(text.encode()[:end_offset].decode(errors="ignore")) if end_offset else len(text)
    return text[start:end]


def _refuse(node: ast.AST, text: str, what: str, hint: str = "") -> ExpressionError:
    message = f"{what} is not allowed (at column {_column(node, text)}, in " \
              f"{_snippet(node, text)!r})"
    return ExpressionError(message + (f"; {hint}" if hint else ""))


def _check(node: ast.AST, text: str) -> None:
    """Raise for the first construct (left to right) that is not allowed."""
    if isinstance(node, ast.Name):
        return
    if isinstance(node, ast.Constant):
        if node.value is None or not isinstance(node.value, (int, float, str, bool)):
            raise _refuse(node, text, f"the constant {node.value!r}",
                          "use a number, a string or True/False")
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _refuse(node, text, "the operator " + _op_text(node.op),
                          f"write {_INSTEAD.get(type(node.op), 'an arithmetic operator')}")
        _check(node.left, text)
        _check(node.right, text)
        return
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Invert):
            raise _refuse(node, text, "the operator ~", "write `not`")
        _check(node.operand, text)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, text)
        return
    if isinstance(node, ast.Compare):
        _check(node.left, text)
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                _check_literal_list(right, text)
            elif type(op) not in _COMPARE:
                raise _refuse(node, text, "the operator " + _op_text(op),
                              f"write {_INSTEAD.get(type(op), '==')}")
            else:
                _check(right, text)
        return
    if isinstance(node, ast.Call):
        _check_call(node, text)
        return
    if isinstance(node, (ast.List, ast.Tuple)):
        raise _refuse(node, text, "a list", "lists may only follow `in`, e.g. "
                      "`sensor in ['a', 'b']`")
    what = _REFUSED_NAMES.get(type(node), type(node).__name__)
    raise _refuse(node, text, what, _HINTS.get(type(node), ""))


def _check_call(node: ast.Call, text: str) -> None:
    if not isinstance(node.func, ast.Name):
        _check(node.func, text)  # a lambda or `a.b` is refused as such
        raise _refuse(node, text, "calling something other than a function name",
                      f"the functions are {_FUNCTION_LIST}")
    if node.func.id not in FUNCTIONS:
        raise _refuse(node, text, f"calling {node.func.id!r}",
                      f"the functions are {_FUNCTION_LIST}")
    name = node.func.id
    if node.keywords:
        raise _refuse(node, text, "a keyword argument",
                      f"pass the arguments of {name}() by position")
    _impl, low, high = FUNCTIONS[name]
    if not low <= len(node.args) <= high:
        count = str(low) if low == high else f"{low} or {high}"
        raise _refuse(node, text, f"{name}() with {len(node.args)} arguments",
                      f"{name}() takes {count}")
    for arg in node.args:
        _check(arg, text)


def _check_literal_list(node: ast.AST, text: str) -> None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        raise _refuse(node, text, "`in` followed by something other than a list",
                      "write the values in brackets, e.g. `sensor in ['a', 'b']`")
    for item in node.elts:
        value = item.operand if isinstance(item, ast.UnaryOp) and isinstance(
            item.op, ast.USub) else item
        if not isinstance(value, ast.Constant) or value.value is None:
            raise _refuse(item, text, "a list item that is not a number or a string",
                          "the list after `in` holds constants only")


def _op_text(op: ast.AST) -> str:
    symbols = {ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<",
               ast.RShift: ">>", ast.MatMult: "@", ast.Is: "is", ast.IsNot: "is not"}
    return symbols.get(type(op), type(op).__name__)


def _literal(node: ast.AST) -> Any:
    if isinstance(node, ast.UnaryOp):
        return -_literal(node.operand)
    assert isinstance(node, ast.Constant)
    return node.value


def _flags(value: Any) -> np.ndarray:
    """A condition as a numpy bool array; missing counts as false."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "b":
        return value
    return pd.Series(value).to_numpy(dtype=bool, na_value=False)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (pd.Series, pd.Index, np.ndarray))


class _Evaluator:
    """Walks a checked tree; every node handled here was allowed by :func:`_check`."""

    def __init__(self, frame: pd.DataFrame, columns: dict[str, str]):
        self.frame = frame
        self.columns = columns

    def visit(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            return self.name(self.columns.get(node.id, node.id))
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](self.visit(node.left), self.visit(node.right))
        if isinstance(node, ast.UnaryOp):
            value = self.visit(node.operand)
            if isinstance(node.op, ast.Not):
                return (not value) if _is_scalar(value) else np.logical_not(value)
            return -value if isinstance(node.op, ast.USub) else +value
        if isinstance(node, ast.BoolOp):
            return self.boolean(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    def name(self, name: str) -> Any:
        if isinstance(self.frame, Rows):
            return self.rows_name(self.frame, name)
        if name in self.frame.columns:
            column = self.frame[name]
            # Plain numpy arrays for numbers: pandas adds ~0.5 ms to every operation on a
            # small Series, and rows arrive ten at a time.
            dtype = column.dtype
            if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
                return column.to_numpy()
            return column
        if name == self.frame.index.name:
            return self.frame.index.to_series()
        require(self.frame, [name], "the expression")
        raise AssertionError  # pragma: no cover (require raised)

    @staticmethod
    def rows_name(rows: Rows, name: str) -> Any:
        if name in rows.names:
            values = rows.column(name)
            if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
                return values
            return pd.Series(values, copy=False)  # strings, missing values: pandas' rules
        if name == rows.index_name:
            return pd.Series(rows.index_array, copy=False)
        require(rows, [name], "the expression")
        raise AssertionError  # pragma: no cover (require raised)

    def boolean(self, node: ast.BoolOp) -> Any:
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        result = self.visit(node.values[0])
        for value_node in node.values[1:]:
            value = self.visit(value_node)
            if _is_scalar(result) and _is_scalar(value):
                result = (result and value) if isinstance(node.op, ast.And) else (result or value)
            else:
                result = combine(result, value)
        return result

    def compare(self, node: ast.Compare) -> Any:
        result: Any = True
        left = self.visit(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            part: Any
            if isinstance(op, (ast.In, ast.NotIn)):
                values = [_literal(item) for item in right_node.elts]  # type: ignore[attr-defined]
                if _is_scalar(left):
                    part = left in values
                elif isinstance(left, np.ndarray):
                    part = np.isin(left, values)
                else:
                    part = pd.Series(left).isin(values)
                if isinstance(op, ast.NotIn):
                    part = (not part) if _is_scalar(part) else np.logical_not(_flags(part))
                right = None  # `in` ends a chain in practice; nothing sensible follows
            else:
                right = self.visit(right_node)
                part = _COMPARE[type(op)](left, right)
            part = part if _is_scalar(part) else _flags(part)
            result = part if result is True else np.logical_and(result, part)
            left = right
        return result

    def call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)
        impl = FUNCTIONS[node.func.id][0]
        args = [self.visit(arg) for arg in node.args]
        if node.func.id == "round" and len(args) == 2:
            return np.round(args[0], int(args[1]))
        if node.func.id == "where":
            args[0] = args[0] if _is_scalar(args[0]) else _flags(args[0])
        return impl(*args)


Expr = Annotated[
    Expression,
    BeforeValidator(parse),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "description": "An expression over columns, e.g. "
                    "\"temperature > 20 and sensor in ['a', 'b']\"."}),
]
"""A pydantic field type: text in YAML, a checked :class:`Expression` in the spec."""
