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
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.indexers import BaseIndexer
from pydantic import Field, model_validator

from ..delta import Delta
from ..durations import format_duration
from ..rows import Rows
from ..spec.fields import Model, Window
from .aggs import AggOne, is_number
from .columns import require
from .rowqueue import RowQueue, is_prefix
from .window import check_time_index, non_decreasing

if TYPE_CHECKING:
    from ..registry import Registry

_NAT = np.iinfo(np.int64).min  # NaT as int64 nanoseconds: older than any cutoff
_add = np.add.reduce
# numpy's C function itself: ``np.concatenate`` first calls a Python function that only
# names its arguments (for ``__array_function__``), ~0.3 µs of a ~25 µs batch
_concatenate = getattr(np.concatenate, "_implementation", np.concatenate)


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


# -- the window functions -------------------------------------------------------------------
# Given a column's values prepared once as they arrive (:func:`prepared`) and each wanted
# window as positions [start, end), one result per window: what pandas' rolling gives.
# pandas' own Cython kernels, called directly: building a Series and a Rolling object
# costs ~300 µs a batch, a kernel a few µs (and gives pandas' values exactly: its running
# sums, its NaN and min_periods rules). Without them (another pandas), the same windows
# go through pandas' public API with a custom indexer.
Kernel = Callable[[np.ndarray, np.ndarray, np.ndarray, int], np.ndarray]


def prepared(fn: str, values: np.ndarray) -> np.ndarray:
    """A column's float values (missing as NaN) as the kernels take them, as pandas
    prepares them: contiguous float64 with infinities as NaN; for ``count``, 1.0 where
    there is a value (an infinity counts) and 0.0 where it is missing, to be summed."""
    if fn == "count":
        return (~np.isnan(values)).astype(np.float64)
    values = np.ascontiguousarray(values, dtype=np.float64)
    # groupstate.float_sum, written out (a call less a batch)
    total = sum(values.tolist()) if len(values) <= 32 else float(_add(values))
    if total - total == 0.0:  # a finite sum: no infinity among them (nor a NaN)
        return values
    inf = np.isinf(values)
    return np.where(inf, np.nan, values) if np.count_nonzero(inf) else values


def _zsqrt(values: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.sqrt(values)
    out[values < 0] = 0
    return out


def _cython_kernels() -> dict[str, Kernel]:
    try:
        from pandas._libs.window import aggregations as agg
        kernels: dict[str, Kernel] = {
            "count": agg.roll_sum, "sum": agg.roll_sum, "mean": agg.roll_mean,
            "min": agg.roll_min, "max": agg.roll_max, "median": agg.roll_median_c,
            "first": agg.roll_first, "last": agg.roll_last}
        roll_var = agg.roll_var
    except (ImportError, AttributeError):  # pragma: no cover - a pandas laid out otherwise
        return {}
    kernels["var"] = lambda v, start, end, minp: roll_var(v, start, end, minp, ddof=1)
    kernels["std"] = lambda v, start, end, minp: _zsqrt(roll_var(v, start, end, minp, ddof=1))
    # checked once on a small case against the public API, so that a pandas whose
    # kernels take other arguments falls back instead of giving wrong values
    try:
        probe = np.array([1.0, np.nan, 3.0, np.inf, 5.0, -2.0, np.nan, np.nan, 7.0])
        end = np.arange(1, len(probe) + 1, dtype=np.int64)
        start = np.maximum(end - 3, 0)
        for fn, kernel in kernels.items():
            for minp in (0, 2):
                want = getattr(pd.Series(probe).rolling(3, min_periods=minp), fn)()
                got = kernel(prepared(fn, probe), start, end, minp)
                if not np.allclose(got, want.to_numpy(), equal_nan=True):
                    return {}  # pragma: no cover
    except Exception:  # noqa: BLE001 - pragma: no cover
        return {}
    return kernels


KERNELS: dict[str, Kernel] = _cython_kernels()


class _Bounds(BaseIndexer):
    """Windows given as arrays, for pandas' public API."""

    def get_window_bounds(self, num_values: int = 0, min_periods: int | None = None,
                          center: bool | None = None, closed: str | None = None,
                          step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        return self.start, self.end  # type: ignore[attr-defined]


def rolling_values(fn: str, values: np.ndarray, start: np.ndarray, end: np.ndarray,
                   minp: int) -> np.ndarray:
    """``fn`` over ``values[start[i]:end[i]]`` for every ``i``, as pandas' rolling gives it
    (``values`` :func:`prepared` for ``fn``)."""
    if len(start) == 0:
        return np.empty(0)
    kernel = KERNELS.get(fn)
    if kernel is not None:  # Cython: no numpy floating-point warnings to silence
        return kernel(values, start, end, minp)
    if fn == "count":  # the values are 1.0 and 0.0 to be summed, as pandas counts
        fn = "sum"
    # pandas wants one window per value: the values before the first wanted window get
    # empty ones, and only the wanted windows' results are kept
    n = len(values)
    if n == 0:
        values, n = np.full(1, np.nan), 1
    first = n - len(start)
    if first < 0:  # more windows than values (empty windows over nothing): pad
        values = np.concatenate([np.full(-first, np.nan), values])
        start, end, first, n = start - first, end - first, 0, len(start)
    full_start = np.concatenate([np.zeros(first, dtype=np.int64), start])
    full_end = np.concatenate([np.zeros(first, dtype=np.int64), end])
    rolled = pd.Series(values).rolling(_Bounds(start=full_start, end=full_end),
                                       min_periods=minp)
    return getattr(rolled, fn)().to_numpy(dtype=np.float64)[first:]


# -- the step ---------------------------------------------------------------------------------
class Tail:
    """The rows the next rows' windows may reach: timestamps (int64 ns, time windows)
    and the aggregated columns as float64 arrays :func:`prepared` for their functions,
    oldest first."""

    def __init__(self) -> None:
        self.stamps: np.ndarray | None = None
        self.values: dict[str, np.ndarray] = {}
        self.sorted = True  # stamps non-decreasing (dropping rows keeps it so)
        self.n = 0  # rows held (none when no column is aggregated)

    def __len__(self) -> int:
        return self.n

    def set(self, stamps: np.ndarray | None, values: dict[str, np.ndarray],
            keep: np.ndarray | slice) -> None:
        self.stamps = None if stamps is None else stamps[keep]
        self.hold({c: v[keep] for c, v in values.items()})

    def hold(self, values: dict[str, np.ndarray], n: int | None = None) -> None:
        """Hold exactly ``values``, ``n`` rows when the caller knows (the stamps, if any,
        are set apart)."""
        self.values = values
        if n is None:
            n = len(next(iter(values.values()))) if values else 0
        self.n = n

    def pop_front(self, n: int) -> None:
        if n > 0:
            self.set(self.stamps, self.values, slice(n, None))

    def drop(self, stamps: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Drop rows equal to the given rows (stamp and values), one held row for each."""
        def key(i: int, stamps: Any, values: dict[str, Any]) -> tuple[Any, ...]:
            # NaN is not equal to itself: compare missing values as None instead.
            return (stamps[i], *(None if v[i] != v[i] else v[i] for v in values.values()))
        wanted = Counter(key(i, stamps, values) for i in range(len(stamps)))
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
        self.by_time = isinstance(spec.window, pd.Timedelta)
        self.span = int(spec.window.value) if self.by_time else 0
        self.label = f"rolling over {format_duration(spec.window)}" if self.by_time else ""
        self.aggs = spec.agg
        self.min_periods = spec.min_periods
        self.functions: dict[str, str] | None = None  # column -> function
        self.tail = Tail()
        # What was emitted for the rows now in the input: rows removed upstream are
        # passed on with the values they were given.
        self.outputs = RowQueue()
        self.n_in = 0
        self.newest: int | None = None  # newest index seen, ns
        self._steady: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # k -> bounds

    def output_rows(self) -> RowQueue:
        """Exactly the rows of this step's current output (the node's result)."""
        return self.outputs

    def update(self, delta: Delta) -> Delta:
        if not delta.is_rows:
            result = delta.result_rows
            assert result is not None
            self.outputs.replace(result.none())
            self.tail, self.n_in, self.newest = Tail(), 0, None
            return Delta.whole(self._admit(result))
        added, removed = delta.added_rows, delta.removed_rows
        assert added is not None and removed is not None
        gone, in_order = self.outputs.empty(), True
        whole = delta.result_rows
        if len(removed):
            if whole is None:
                gone = self._drop_oldest(removed)
            else:
                # Output rows differ from input rows only in the aggregated columns: find
                # the removed ones by index and the columns passed through.
                same = [c for c in self.outputs.empty().columns
                        if c not in (self.functions or {})]
                mask = self.outputs.matching(removed, same)
                in_order = is_prefix(mask)
                gone = self.outputs.delete(mask)
                self._retail(removed, whole[0:len(whole) - len(added)])
        self.n_in = self.n_in + len(added) - len(removed) if whole is None else len(whole)
        new = self._admit(added)
        return Delta.rows(new, gone if gone.names else None,
                          None if in_order else self.outputs.rows())

    def _drop_oldest(self, removed: Rows) -> Rows:
        k = removed.n
        if self.by_time:
            # The tail holds every input row newer than the cutoff, in input order.
            self.tail.pop_front(0 if self.newest is None else
                                int((removed.index_i8 > self.newest - self.span).sum()))
        else:
            # The tail holds the newest input rows: a suffix of the input.
            older = self.tail.n - (self.n_in - k)
            if older > 0:
                self.tail.pop_front(older)
        return self.outputs.pop_front(k)

    def _retail(self, removed: Rows, held: Rows) -> None:
        """Fix the tail after rows left from the middle of the input (now ``held``)."""
        if not self.functions:
            return
        if self.by_time:  # the tail is every input row in the last span
            self.tail.drop(removed.index_i8, self._numbers(removed))
        else:
            # Older rows move up into the last N - 1 when rows before them leave.
            self.tail.set(None, self._numbers(held),
                          slice(max(0, len(held) - self.size + 1), None))

    def _numbers(self, rows: Rows) -> dict[str, np.ndarray]:
        """The aggregated columns of ``rows``, :func:`prepared` for their functions."""
        return {c: prepared(fn, rows.numeric(c)) for c, fn in (self.functions or {}).items()}

    def _resolve(self, rows: Rows) -> dict[str, str]:
        if self.functions is None:
            if self.aggs.every_numeric:
                fn = self.aggs.functions[0]
                self.functions = {c: fn for c, a in zip(rows.names, rows.arrays)
                                  if is_number(a.dtype)}
            else:
                require(rows, self.aggs.named_columns(), "rolling")
                self.functions = {c: fns[0] for c, fns, _ in self.aggs.columns}
            for column, fn in self.functions.items():
                dtype = rows.column(column).dtype
                if not pd.api.types.is_numeric_dtype(dtype):
                    raise TypeError(f"rolling: cannot take a rolling {fn} of column "
                                    f"{column!r}, which holds {dtype} values: "
                                    "a rolling aggregate needs numbers")
        return self.functions

    def _admit(self, added: Rows) -> Rows:
        """Compute the new rows' values, keep them, and keep the tail the next rows need."""
        if not added.names:
            return added
        functions = self.functions if self.functions is not None else self._resolve(added)
        out = added
        if not added.n:  # no rows, but the output's columns are floats all the same
            for column in functions:
                out = out.assign(column, np.empty(0))
            self.outputs.append(out)
            return out
        held = self.tail.n
        if not self.by_time:
            # One pass per column: the tail and the new values, the new rows' windows,
            # and the newest size - 1 values kept as the next tail (a view, no copy).
            # The kept steady bounds and the kernel are taken here, not through _bounds
            # and rolling_values: every batch of a row count rolling runs this.
            k = added.n
            bounds = self._steady.get(k) if held == self.size - 1 else None
            start, end = bounds if bounds is not None else self._bounds(held, k)
            keep = max(0, held + k - self.size + 1)
            tail = self.tail.values
            kept = {}
            for column, fn in functions.items():
                new_values = prepared(fn, added.numeric(column))
                values = _concatenate((tail[column], new_values)) if held else new_values
                kernel = KERNELS.get(fn)
                out = out.assign(column, kernel(values, start, end, self.min_periods)
                                 if kernel is not None else
                                 rolling_values(fn, values, start, end, self.min_periods))
                kept[column] = values[keep:]
            self.tail.hold(kept, held + k - keep)
        else:
            out = self._admit_by_span(added, out, functions, held)
        self.outputs.append(out)
        return out

    def _admit_by_span(self, added: Rows, out: Rows, functions: dict[str, str],
                       held: int) -> Rows:
        """The new rows' values over a time window, and the tail of the last span."""
        values = {c: np.concatenate([self.tail.values[c], v]) if held else v
                  for c, v in self._numbers(added).items()}
        check_time_index(added, self.label)
        new = added.index_i8
        stamps = np.concatenate([self.tail.stamps, new]) \
            if held and self.tail.stamps is not None else new
        ascending = non_decreasing(new)
        top = int(new[-1]) if ascending else int(new.max())
        if top != _NAT and (self.newest is None or top > self.newest):
            self.newest = top
        in_order = bool(ascending and new[0] != _NAT and (
            not held or (self.tail.sorted and new[0] >= stamps[held - 1])))
        computed = self._by_span(stamps, values, held, functions, in_order)
        if self.newest is not None:
            cutoff = self.newest - self.span
            if in_order:  # the rows to keep are a suffix: a view, no copy
                self.tail.set(stamps, values, slice(int(np.searchsorted(
                    stamps, cutoff, side="right")), None))
                self.tail.sorted = True
            else:
                self.tail.set(stamps, values, stamps > cutoff)
                kept = self.tail.stamps
                assert kept is not None
                self.tail.sorted = non_decreasing(kept)
        for column, result in computed.items():
            out = out.assign(column, result)
        return out

    def _bounds(self, held: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Row-count windows of ``k`` rows after ``held``: [start, end) for each. With a
        full tail (``held == size - 1``, the usual case) the same arrays serve every batch
        of ``k`` rows: they are kept in ``_steady``, where :meth:`_admit` looks first."""
        end = np.arange(held + 1, held + k + 1, dtype=np.int64)
        start = end - self.size
        if held == self.size - 1:
            self._steady[k] = (start, end)
            if len(self._steady) > 64:
                self._steady.clear()
        elif held + 1 < self.size:  # the first rows: windows from the first row
            start[start < 0] = 0
        return start, end

    def _by_span(self, stamps: np.ndarray, values: dict[str, np.ndarray], held: int,
                 functions: dict[str, str], in_order: bool) -> dict[str, np.ndarray]:
        """The new rows' values over a time window: rows ``held`` on of ``stamps``
        (``in_order``: all of ``stamps`` non-decreasing, none missing)."""
        new = stamps[held:]
        if in_order:
            # In order: each window is a run of rows ending at the row, as pandas has it.
            start = np.searchsorted(stamps, new - self.span, side="right").astype(np.int64)
            end = np.arange(held + 1, len(stamps) + 1, dtype=np.int64)
            return {c: rolling_values(fn, values[c], start, end, self.min_periods)
                    for c, fn in functions.items()}
        # A late row: pandas needs a sorted index, so each new row is computed on its own
        # window, the rows before it with a timestamp in (t - size, t].
        out = {c: np.empty(len(new)) for c in functions}
        nothing = np.zeros(1, dtype=np.int64)
        for j in range(held, len(stamps)):
            t = int(stamps[j])
            before = stamps[:j + 1]
            inside = np.flatnonzero((before > t - self.span) & (before <= t)) \
                if t != _NAT else np.empty(0, dtype=np.int64)  # no time: an empty window
            end = np.array([len(inside)], dtype=np.int64)
            for c, fn in functions.items():
                window = values[c][inside] if len(inside) else np.full(1, np.nan)
                out[c][j - held] = rolling_values(fn, window, nothing, end, self.min_periods)[0]
        return out


def register(registry: Registry) -> None:
    registry.add("step", "rolling", RollingSpec, RollingStep,
                 "A moving aggregate over the last rows or span of time, one row per row.")
