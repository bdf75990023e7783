"""``derive``: add (or replace) columns computed from expressions.

Examples
--------
``- derive: {fahrenheit: "temperature * 9 / 5 + 32", hot: "fahrenheit > 80"}``, or the
long form ``- derive: {columns: {fahrenheit: "temperature * 9 / 5 + 32"}}``.

Notes
-----
Columns are computed in the order written, so later ones may use earlier ones. A name
that already exists replaces that column where it stands; new names are appended. An
expression without columns (``"1"``) gives the same value on every row. A mapping
whose only key is ``columns`` and whose value is a mapping is the long form (an
expression is always text, so ``{columns: "a + b"}`` derives a column named
``columns``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import GetJsonSchemaHandler, field_validator, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from ..rows import Rows
from ..spec.fields import Model
from .expr import Expr, parse
from .rowwise import Made, RowwiseStep

if TYPE_CHECKING:
    from ..registry import Registry


class DeriveSpec(Model):
    """New columns and the expressions that compute them."""

    columns: dict[str, Expr]
    """New column name to expression, computed in order, e.g. ``{f: "c * 9 / 5 + 32"}``."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("write each new column as `name: expression`, e.g. "
                             "`derive: {fahrenheit: \"temperature * 9 / 5 + 32\"}`")
        if not value:
            raise ValueError("no column to derive: write `name: expression` pairs, e.g. "
                             "`derive: {fahrenheit: \"temperature * 9 / 5 + 32\"}`")
        if set(value) == {"columns"} and isinstance(value["columns"], dict):
            return value
        columns = {}
        for name, text in value.items():
            # Parsed here so that an error is reported at the step, not under a key
            # `columns` the analyst never wrote.
            try:
                columns[name] = parse(text)
            except ValueError as exc:
                raise ValueError(f"column {name!r}: {exc}") from None
        return {"columns": columns}

    @field_validator("columns")
    @classmethod
    def _some(cls, columns: dict[str, Any]) -> dict[str, Any]:
        if not columns:
            raise ValueError("no column to derive: write `name: expression` pairs, e.g. "
                             "`derive: {fahrenheit: \"temperature * 9 / 5 + 32\"}`")
        return columns

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        long = handler(core)
        short = {"type": "object", "minProperties": 1,
                 "additionalProperties": {"type": "string"}}
        return {"anyOf": [short, long]}


def _derive(spec: DeriveSpec) -> RowwiseStep:
    def derive(rows: Rows) -> Made:
        out = rows
        for name, expr in spec.columns.items():
            out = out.assign(name, _column(expr.evaluate(out), len(out)))
        return out, None
    return RowwiseStep(derive)


def _column(value: Any, n: int) -> Any:
    """An expression's value as one column's array of ``n`` rows, typed as pandas would."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and len(value) == n:
        return value
    if isinstance(value, (pd.Series, pd.Index)):
        return value.to_numpy() if isinstance(value.dtype, np.dtype) else value.array
    # a constant, or something numpy broadcasts: let pandas pick the dtype, as assign() does
    column = pd.DataFrame(index=pd.RangeIndex(n)).assign(value=value)["value"]
    return column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array


def register(registry: Registry) -> None:
    registry.add("step", "derive", DeriveSpec, _derive,
                 "Add columns computed from expressions over other columns.")
