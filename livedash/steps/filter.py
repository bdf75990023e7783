"""``filter``: keep the rows for which a condition holds.

Examples
--------
``- filter: "temperature > -50 and sensor in ['a', 'b']"``, or the long form
``- filter: {expr: "temperature > -50"}``.

Notes
-----
The condition is an expression (see :mod:`livedash.steps.expr`). Rows where it is
missing (``NaN``) are dropped. A condition that is a single true/false value (no
column in it) keeps every row or none.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from ..rows import Rows
from ..spec.fields import Model
from .expr import Expr, parse
from .rowwise import Made, RowwiseStep

if TYPE_CHECKING:
    from ..registry import Registry


class FilterSpec(Model):
    """Keep the rows where ``expr`` is true."""

    expr: Expr
    """A condition over columns, e.g. ``temperature > 20 and sensor in ['a', 'b']``."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            # Parsed here so that an error is reported at the step, not at a key
            # `expr` the analyst never wrote.
            return {"expr": parse(value)}
        if value is None or isinstance(value, (bool, list)):
            raise ValueError("a filter is a condition in quotes, e.g. "
                             "`filter: \"temperature > 20\"`")
        return value

    @model_validator(mode="after")
    def _condition(self) -> FilterSpec:
        if self.expr.is_arithmetic:
            raise ValueError(f"{self.expr.text!r} gives a number, not true or false: compare "
                             f"it with something, e.g. \"{self.expr.text} > 0\"")
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        long = handler(core)
        return {"anyOf": [{"type": "string", "description": "The condition."}, long]}


def _keep(spec: FilterSpec) -> RowwiseStep:
    def keep(rows: Rows) -> Made:
        mask = spec.expr.evaluate(rows)
        if isinstance(mask, (bool, np.bool_)):
            mask = np.full(len(rows), bool(mask))
        elif not (isinstance(mask, np.ndarray) and mask.dtype.kind == "b"):
            dtype = getattr(mask, "dtype", None)
            if dtype is None or not (pd.api.types.is_bool_dtype(dtype) or
                                     pd.api.types.is_object_dtype(dtype)):
                raise TypeError(f"filter {spec.expr.text!r} gives "
                                f"{dtype or type(mask).__name__} values, not true/false: "
                                "compare them with something, e.g. `x > 0`")
            mask = pd.Series(mask).to_numpy(dtype=bool, na_value=False)  # missing: false
        return rows.take(mask), mask  # positional: equal timestamps stay correct
    return RowwiseStep(keep)


def register(registry: Registry) -> None:
    registry.add("step", "filter", FilterSpec, _keep, "Keep the rows where a condition holds.")
