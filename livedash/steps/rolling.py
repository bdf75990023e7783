"""``rolling``: a moving aggregate, one output row per input row.

Examples
--------
``- rolling: {window: 10, agg: mean}`` (every numeric column),
``- rolling: {window: 30s, agg: {temperature: max}, min_periods: 3}``.

Notes
-----
Each row gets what ``df.rolling(window, min_periods=min_periods).agg(fn)`` gives it on
the input as it was when the row arrived; the aggregated columns keep their names
(values become floats) and the other columns pass through unchanged. The computation
keeps only the tail the next rows need; the output rows of the rows currently in the
input are held too (by reference), so that rows removed upstream can be passed on with
their values: behind no ``window``, that is every row so far.

* A time window (``30s``) covers rows in ``(t - 30s, t]`` among the row and the rows
  that arrived before it. A late row (older than the newest seen) is computed from the
  rows still held, those within ``window`` of the newest: the part of its window that
  is older than that is missing. (pandas refuses an unsorted index outright.)
* When rows leave the input upstream (an earlier ``window``), the same rows leave the
  output; the values already computed for the rows that stay are not recomputed,
  and later rows no longer see the removed ones.
* A whole input (an aggregate) is computed afresh and gives a whole output.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from ..delta import Delta
from ..durations import format_duration
from ..spec.fields import Model, Window
from .aggs import AggOne, is_number
from .columns import require
from ..rows import Rows
from .rowqueue import RowQueue, is_prefix
from .window import check_time_index

if TYPE_CHECKING:
    from ..registry import Registry


class RollingSpec(Model):
    """A moving aggregate over the last rows or the last span of time."""

    window: Window
    """A row count (``10``) or a duration (``30s``)."""
    agg: AggOne
    """A function for every numeric column (``mean``), or column: function
    (``{temperature: max}``)."""
    min_periods: int = Field(1, ge=0)
    """Fewest non-missing values a window needs to give a value (else NaN)."""

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("write the window and the function, e.g. "
                             "`rolling: {window: 10, agg: mean}`")
        return value

    @model_validator(mode="after")
    def _periods(self) -> RollingSpec:
        if isinstance(self.window, int) and self.min_periods > self.window:
            raise ValueError(f"min_periods ({self.min_periods}) is larger than the window "
                             f"({self.window} rows), so no row would get a value: use at "
                             f"most {self.window}")
        return self


class Tail:
    """The rows the next rows' windows may reach: timestamps (time windows) and the
    aggregated columns as float64 arrays, oldest first. numpy, because pandas costs
    ~0.5 ms per operation on a frame and rows arrive a few at a time."""

    def __init__(self) -> None:
        self.stamps: pd.DatetimeIndex | None = None
        self.values: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(next(iter(self.values.values()))) if self.values else 0

    def set(self, stamps: pd.DatetimeIndex | None, values: dict[str, np.ndarray],
            keep: np.ndarray | slice) -> None:
        self.stamps = None if stamps is None else stamps[keep]
        self.values = {c: v[keep] for c, v in values.items()}

    def pop_front(self, n: int) -> None:
        if n > 0:
            self.set(self.stamps, self.values, slice(n, None))

    def drop(self, rows: pd.DataFrame) -> None:
        """Drop rows equal to ``rows`` (stamp and values), one held row for each."""
        def key(i: int, stamps: Any, values: dict[str, Any]) -> tuple[Any, ...]:
            # NaN is not equal to itself: compare missing values as None instead.
            return (stamps[i], *(None if v[i] != v[i] else v[i] for v in values.values()))
        wanted = Counter(key(i, rows.index, {c: rows[c].to_numpy(dtype=np.float64)
                                             for c in self.values}) for i in range(len(rows)))
        keep = np.ones(len(self), dtype=bool)
        for i in range(len(self)):
            k = key(i, self.stamps, self.values)
            if wanted.get(k, 0) > 0:
                wanted[k] -= 1
                keep[i] = False
        self.set(self.stamps, self.values, keep)


class RollingStep:
    """State of one ``rolling`` step."""

    def __init__(self, spec: RollingSpec):
        self.size = spec.window
        self.aggs = spec.agg
        self.min_periods = spec.min_periods
        self.functions: dict[str, str] | None = None  # column -> function
        self.tail = Tail()
        # What was emitted for the rows now in the input: rows removed upstream are
        # passed on with the values they were given.
        self.outputs = RowQueue()
        self.n_in = 0
        self.newest: pd.Timestamp | None = None

    @property
    def _by_time(self) -> bool:
        return isinstance(self.size, pd.Timedelta)

    def update(self, delta: Delta) -> Delta:
        if not delta.is_rows:
            assert delta.result is not None
            self.outputs.replace(Rows.of(delta.result.iloc[:0]))
            self.tail, self.n_in, self.newest = Tail(), 0, None
            return Delta.whole(self._admit(delta.result))
        added, removed = delta.added, delta.removed
        assert added is not None and removed is not None
        gone, in_order = self.outputs.empty(), True
        if len(removed):
            if delta.result is None:
                gone = self._drop_oldest(removed)
            else:
                # Output rows differ from input rows only in the aggregated columns: find
                # the removed ones by index and the columns passed through.
                same = [c for c in self.outputs.empty().columns
                        if c not in (self.functions or {})]
                mask = self.outputs.matching(Rows.of(removed), same)
                in_order = is_prefix(mask)
                gone = self.outputs.delete(mask)
                self._retail(removed, delta.result.iloc[:len(delta.result) - len(added)])
        self.n_in = self.n_in + len(added) - len(removed) if delta.result is None \
            else len(delta.result)
        new = self._admit(added)
        return Delta.rows(new, gone if len(gone.columns) else new.iloc[:0],
                          None if in_order else self.outputs.frame())

    def _drop_oldest(self, removed: pd.DataFrame) -> Rows:
        k = len(removed)
        if self._by_time:
            cutoff = None if self.newest is None else self.newest - self.size
            # The tail holds every input row newer than the cutoff, in input order.
            self.tail.pop_front(0 if cutoff is None else int((removed.index > cutoff).sum()))
        else:
            # The tail holds the newest input rows: a suffix of the input.
            self.tail.pop_front(max(0, len(self.tail) - (self.n_in - k)))
        return self.outputs.pop_front(k)

    def _retail(self, removed: pd.DataFrame, held: pd.DataFrame) -> None:
        """Fix the tail after rows left from the middle of the input (now ``held``)."""
        if not self.functions:
            return
        if self._by_time:
            self.tail.drop(removed)  # the tail is every input row in the last span
        else:
            # Older rows move up into the last N - 1 when rows before them leave.
            self.tail.set(None, self._numbers(held), slice(max(0, len(held) - self.size + 1),
                                                           None))

    def _numbers(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        return {c: frame[c].to_numpy(dtype=np.float64, na_value=np.nan)
                for c in self.functions or {}}

    def _resolve(self, frame: pd.DataFrame) -> dict[str, str]:
        if self.functions is None:
            if self.aggs.every_numeric:
                fn = self.aggs.functions[0]
                self.functions = {c: fn for c in frame.columns if is_number(frame[c].dtype)}
            else:
                require(frame, self.aggs.named_columns(), "rolling")
                self.functions = {c: fns[0] for c, fns, _ in self.aggs.columns}
            for column, fn in self.functions.items():
                if not pd.api.types.is_numeric_dtype(frame[column].dtype):
                    raise TypeError(f"rolling: cannot take a rolling {fn} of column "
                                    f"{column!r}, which holds {frame[column].dtype} values: "
                                    "a rolling aggregate needs numbers")
        return self.functions

    def _admit(self, added: pd.DataFrame) -> pd.DataFrame:
        """Compute the new rows' values, keep them, and keep the tail the next rows need."""
        if len(added.columns) == 0:
            return added
        functions = self._resolve(added)
        held = len(self.tail)
        values = {c: np.concatenate([self.tail.values[c], v]) if held else v
                  for c, v in self._numbers(added).items()}
        stamps: pd.DatetimeIndex | None = None
        if self._by_time:
            check_time_index(added, f"rolling over {format_duration(self.size)}")
            index = added.index if isinstance(added.index, pd.DatetimeIndex) else \
                pd.DatetimeIndex(added.index)
            stamps = self.tail.stamps.append(index) if held and self.tail.stamps is not None \
                else index
            top = index.max() if len(index) else pd.NaT
            if top is not pd.NaT and (self.newest is None or top > self.newest):
                self.newest = top
        computed = self._values(stamps, values, held, functions)
        out = added.assign(**computed) if computed else added
        if stamps is not None and self.newest is not None:
            self.tail.set(stamps, values, np.asarray(stamps > self.newest - self.size))
        elif stamps is None:
            self.tail.set(None, values, slice(max(0, len(added) + held - self.size + 1), None))
        self.outputs.append(Rows.of(out))
        return out

    def _values(self, stamps: pd.DatetimeIndex | None, values: dict[str, np.ndarray],
                held: int, functions: dict[str, str]) -> dict[str, np.ndarray]:
        if stamps is None or stamps.is_monotonic_increasing:
            return {c: getattr(pd.Series(values[c], index=stamps).rolling(
                self.size, min_periods=self.min_periods), fn)().to_numpy()[held:]
                for c, fn in functions.items()}
        # A late row: pandas needs a sorted index, so each new row is computed on its own
        # window, the rows before it with a timestamp in (t - size, t].
        out = {c: np.empty(len(stamps) - held) for c in functions}
        for j in range(held, len(stamps)):
            t = stamps[j]
            inside = np.flatnonzero((stamps[:j + 1] > t - self.size) & (stamps[:j + 1] <= t))
            same = pd.DatetimeIndex([t] * len(inside))  # sorted by construction
            for c, fn in functions.items():
                rolling = pd.Series(values[c][inside], index=same).rolling(
                    self.size, min_periods=self.min_periods)
                out[c][j - held] = getattr(rolling, fn)().iloc[-1]
        return out


def register(registry: Registry) -> None:
    registry.add("step", "rolling", RollingSpec, RollingStep,
                 "A moving aggregate over the last rows or span of time, one row per row.")
