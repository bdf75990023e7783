"""``groupby``: one row per group, with aggregated columns.

Examples
--------
``- groupby: {by: sensor, agg: {temperature: [mean, max]}}`` gives columns ``sensor``,
``temperature_mean``, ``temperature_max``; ``by`` may be a list of columns; ``agg`` is
described in :mod:`livedash.steps.aggs`.

Notes
-----
Equals ``df.groupby(by, sort=True).agg(...)`` with flattened column names, then
``reset_index()``: the keys become the first columns, groups are sorted by key, rows
whose key is missing are left out, and a group disappears when its last row leaves
the input. The output is a whole delta; rows deltas are applied incrementally (see
:mod:`livedash.steps.grouped`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import field_validator, model_validator

from ..spec.fields import Model
from .aggs import Agg
from .grouped import GroupedStep
from .keyspec import check_no_clash, key_names

if TYPE_CHECKING:
    from ..registry import Registry


class GroupbySpec(Model):
    """Group rows by key columns and aggregate each group."""

    by: tuple[str, ...]
    """The key column, or a list of key columns."""
    agg: Agg
    """A function (``mean``), a list (``[mean, max]``) for every numeric column, or a
    mapping of column to function(s) (``{temperature: [mean, max]}``)."""

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("write the keys and the functions, e.g. "
                             "`groupby: {by: sensor, agg: {temperature: mean}}`")
        return value

    @field_validator("by", mode="before")
    @classmethod
    def _by(cls, value: Any) -> tuple[str, ...]:
        return key_names(value)

    @model_validator(mode="after")
    def _clash(self) -> GroupbySpec:
        check_no_clash(self.by, self.agg)
        return self


class GroupbyStep(GroupedStep):
    """State of one ``groupby`` step (see :class:`~livedash.steps.grouped.GroupedStep`)."""

    where = "groupby"

    def __init__(self, spec: GroupbySpec):
        super().__init__(spec.agg, list(spec.by))


def register(registry: Registry) -> None:
    registry.add("step", "groupby", GroupbySpec, GroupbyStep,
                 "One row per group of key columns, with aggregated columns.")
