"""``select``: keep some columns, in the order given.

Examples
--------
``- select: [sensor, temperature]``, ``- select: temperature``, or the long form
``- select: {columns: [sensor, temperature]}``.

Notes
-----
The index is kept. A column the data does not have is an error at run time, naming
the columns there are.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import GetJsonSchemaHandler, field_validator, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from ..rows import Rows
from ..spec.fields import Model
from .columns import require
from .rowwise import Made, RowwiseStep

if TYPE_CHECKING:
    from ..registry import Registry


class SelectSpec(Model):
    """Keep ``columns``, in this order."""

    columns: tuple[str, ...]
    """Column names to keep, in the order they should appear."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, (str, list)):
            # Checked here so that an error is reported at the step, not under a key
            # `columns` the analyst never wrote.
            return {"columns": _names([value] if isinstance(value, str) else value)}
        if not isinstance(value, dict):
            raise ValueError("write the columns to keep as a list, e.g. "
                             "`select: [sensor, temperature]`")
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _long(cls, columns: Any) -> tuple[str, ...]:
        return _names([columns] if isinstance(columns, str) else columns)

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        long = handler(core)
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}},
                          long]}


def _names(columns: Any) -> tuple[str, ...]:
    if not isinstance(columns, (list, tuple)):
        raise ValueError("write the columns to keep as a list, e.g. `[sensor, temperature]`")
    if not columns:
        raise ValueError("an empty list keeps no column: name at least one, e.g. "
                         "`select: [temperature]`")
    seen: set[str] = set()
    for name in columns:
        if not isinstance(name, str):
            raise ValueError(f"{name!r} is not a column name: write names as text "
                             "(quote names that look like numbers, e.g. '2024')")
        if name in seen:
            raise ValueError(f"column {name!r} is listed twice: name each column once")
        seen.add(name)
    return tuple(columns)


def _select(spec: SelectSpec) -> RowwiseStep:
    def select(rows: Rows) -> Made:
        require(rows, spec.columns, "select")
        return rows.select(spec.columns), None
    return RowwiseStep(select)


def register(registry: Registry) -> None:
    registry.add("step", "select", SelectSpec, _select, "Keep some columns, in order.")
