"""``push``: rows sent in by other programs (``dash.push(name, rows)``, HTTP ingest).

Rows are a DataFrame, one record (a mapping of column to value) or a list of records.
Each call is all or nothing: either every row fits, or :class:`RowsRejected` names the
first row and column that does not (rows are numbered from 1). The columns and their
types are declared with ``columns``, or fixed by the first rows accepted (numbers are
then ``float``: JSON does not tell 20 from 20.0; declare ``int`` to insist); see
:class:`livedash.sources.shape.ShapeGuard` for what each type takes.

Each row's time comes from the ``index`` column, else from a ``time`` column, else from
the DataFrame's ``DatetimeIndex``, else it is the arrival time. A push source has no
timer: ``poll`` returns no rows and ``interval`` is ignored.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pandas as pd
from pydantic import ValidationInfo, field_validator

from ..errors import RowsRejected
from ..plugins import SourceContext
from ..registry import Registry
from ..spec.models import SourceSpec
from .records import as_frame, stamped
from .shape import ColumnType, ShapeGuard
from .timestamps import TIME


class PushSpec(SourceSpec):
    """Rows pushed in by ``dash.push(name, rows)`` or ``POST /ingest/<name>``."""

    type: Literal["push"] = "push"
    """``push``."""
    index: str | None = None
    """Column holding each row's time (parsed as a date and time, e.g.
    ``2024-05-01T12:00:00Z``). Default: the ``time`` column if the rows have one, else
    the time they arrive."""
    columns: dict[str, ColumnType] | None = None
    """Column types by name: float, int, str, bool or datetime, e.g. ``{sensor: str,
    temperature: float}``. Rows with other columns, or values of another type, are
    rejected. Default: fixed by the first rows accepted."""

    @field_validator("columns")
    @classmethod
    def _consistent(cls, value: dict[str, ColumnType] | None, info: ValidationInfo
                    ) -> dict[str, ColumnType] | None:
        if value is None:
            return value
        if not value:
            raise ValueError("no columns are declared: write them as {name: type}, e.g. "
                             "{temperature: float}, or leave columns out to take them "
                             "from the first rows")
        given = info.data.get("index")
        index = given or TIME
        if given is not None and index not in value:
            raise ValueError(f"the index column {index!r} is missing: add "
                             f"`{index}: datetime` to columns")
        if index in value and value[index] != "datetime":
            raise ValueError(f"column {index!r} holds the row time, so its type must be "
                             f"datetime, not {value[index]}")
        if index != TIME and TIME in value:
            raise ValueError(f"column 'time' would clash with the index, which is always "
                             f"called time: rename it, or leave out `index: {index}` to "
                             "take the row time from it")
        return value


class Push:
    """A running ``push`` source: checks the rows handed to :meth:`accept`.

    Parameters
    ----------
    spec : PushSpec
        The validated parameters.
    clock : callable, optional
        Gives the arrival time of rows that carry no time (default ``pd.Timestamp.now``).
    """

    whole = False

    def __init__(self, spec: PushSpec,
                 clock: Callable[[], pd.Timestamp] = pd.Timestamp.now) -> None:
        self.spec = spec
        self._clock = clock
        declared = None if spec.columns is None else {
            name: kind for name, kind in spec.columns.items() if name != (spec.index or TIME)}
        self.guard = ShapeGuard(declared, whole_as_float=True)

    def accept(self, rows: object) -> pd.DataFrame:
        """``rows`` checked and indexed by time, ready to append.

        Raises
        ------
        RowsRejected
            When any row does not fit; then none is accepted.
        """
        frame = stamped(as_frame(rows), self._clock(), self.spec.index)
        if TIME in frame.columns:  # only when `index` names another column
            raise RowsRejected(f"column 'time' would clash with the index, which is always "
                               f"called time: rename it, or leave out `index: "
                               f"{self.spec.index}` to take the row time from it")
        return self.guard.check(frame)

    def poll(self, last: pd.Timestamp, now: pd.Timestamp) -> pd.DataFrame:
        """No rows: a push source only changes when rows are pushed."""
        return self.guard.empty()

    def close(self) -> None:
        """Nothing to release."""


def make(spec: PushSpec, ctx: SourceContext) -> Push:
    """The factory registered for ``push``."""
    return Push(spec)


def register(registry: Registry) -> None:
    """Add the ``push`` source type."""
    registry.add("source", "push", PushSpec, make,
                 "rows pushed in with dash.push(name, rows) or POST /ingest/<name>, "
                 "checked against fixed columns")
