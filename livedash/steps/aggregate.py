"""``aggregate``: one row summarising every row of the input.

Examples
--------
``- aggregate: {agg: {temperature: [mean, max]}}``, or the shorthands
``- aggregate: mean``, ``- aggregate: [mean, max]``,
``- aggregate: {temperature: [mean, max]}`` (a mapping without the key ``agg``).

Notes
-----
The same as ``groupby`` without keys: a one-row frame with a RangeIndex. With no rows
at all it still has one row: ``count`` 0, ``sum`` 0, every other function missing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from ..spec.fields import Model
from .aggs import Agg, agg_schema, parse_aggregations
from .grouped import GroupedStep
from .groupstate import GroupState

if TYPE_CHECKING:
    from ..registry import Registry


class AggregateSpec(Model):
    """Aggregate all rows into one."""

    agg: Agg
    """A function (``mean``), a list (``[mean, max]``) for every numeric column, or a
    mapping of column to function(s) (``{temperature: [mean, max]}``)."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"agg"}:
            return value
        # Checked here so that an error is reported at the step, not at a key `agg` the
        # analyst never wrote.
        return {"agg": parse_aggregations(value)}

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"anyOf": [agg_schema(lists=True, ohlc=False), handler(core)]}


class AggregateStep(GroupedStep):
    """State of one ``aggregate`` step (see :class:`~livedash.steps.grouped.GroupedStep`)."""

    where = "aggregate"

    def __init__(self, spec: AggregateSpec):
        super().__init__(spec.agg, [])

    def live(self, state: GroupState, mask: np.ndarray) -> np.ndarray:
        state.reserve(1)
        return np.zeros(1, dtype=np.int64)  # the one row exists even with no input rows

    def pandas(self, frame: pd.DataFrame) -> pd.DataFrame:
        if len(frame):
            return super().pandas(frame)
        assert self.outputs is not None
        return self._output(GroupState(self.outputs, self.numeric)).frame


def register(registry: Registry) -> None:
    registry.add("step", "aggregate", AggregateSpec, AggregateStep,
                 "One row aggregating every row of the input.")
