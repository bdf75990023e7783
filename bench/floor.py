"""The floor of benchmark 4: each step written out by hand for this benchmark's data alone.

What any Python implementation has to do per batch at the least: read the batch's
columns from the DataFrame (the way livedash reads them, from pandas' blocks), keep the
window in numpy arrays, update running state, and compute the step's output. Nothing
else: rows always in time order, no missing value, no infinity, one column, one
function, no pipeline around it, nobody to hand the output to. It is not a contender (it
could not serve a dashboard); it shows how fast this machine can go, and so whether
"10 x streamz" is within reach at all.

Kinds with a floor: ``window``, ``aggregate`` (mean), ``rolling`` (mean of the last
100 rows) and ``resample`` (1 s means). Results are checked against pandas like the
contenders'.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from livedash.rows import _frame_column
from livedash.steps.rolling import rolling_values

KINDS = ("window", "aggregate", "rolling", "resample")


class Ring:
    """Values oldest first in one numpy array: append at the end, drop from the front."""

    def __init__(self, dtype: Any):
        self.data = np.empty(1024, dtype=dtype)
        self.start = self.stop = 0

    def __len__(self) -> int:
        return self.stop - self.start

    def view(self) -> np.ndarray:
        return self.data[self.start:self.stop]

    def append(self, values: np.ndarray) -> None:
        n = len(values)
        if self.stop + n > len(self.data):
            held = self.view()
            size = max(len(self.data), 2 * (len(held) + n))
            data = np.empty(size, dtype=self.data.dtype)
            data[:len(held)] = held
            self.data, self.start, self.stop = data, 0, len(held)
        self.data[self.stop:self.stop + n] = values
        self.stop += n

    def drop(self, n: int) -> np.ndarray:
        """Drop the ``n`` oldest; returns them (a view, valid until the next append)."""
        out = self.data[self.start:self.start + n]
        self.start += n
        return out


class Floor:
    name = "floor"

    def __init__(self, kind: Any, window: Any):
        self.kind = kind.name
        self.by_time = window.by_time
        self.size = window.rows
        self.span = int(pd.Timedelta(window.spec).value) if window.by_time else 0
        self.times = Ring(np.int64)
        self.values = Ring(np.float64)
        self.keys = Ring(object) if self.kind == "window" else None
        self.at: dict[str, int] = {}
        # aggregate: a running sum; rolling: the last 99 values and the last output
        self.total = 0.0
        self.mean = np.nan
        self.tail = np.empty(0)
        self.last: tuple[Any, np.ndarray] | None = None  # (index or buckets, values)
        self.bounds: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # resample: per-bucket sums and counts for buckets base .. base + len - 1
        self.every = 1_000_000_000
        self.buckets = Ring(np.int64)
        self.base = 0
        self.sums = np.zeros(0)
        self.counts = np.zeros(0)

    def _column(self, frame: pd.DataFrame, name: str) -> Any:
        at = self.at.get(name)
        if at is None:
            at = self.at[name] = list(frame.columns).index(name)
        return _frame_column(frame, at)

    def feed(self, batch: pd.DataFrame) -> None:
        values = self._column(batch, "value")
        if self.kind == "rolling":  # the window before it changes no new row's value
            self._rolling(values, batch.index)
            return
        # the times only where they are used: a count window's aggregate never reads them
        times = batch.index.asi8 if self.by_time or self.kind != "aggregate" else None
        self.values.append(values)
        if self.by_time:
            self.times.append(times)
            held = self.times.view()
            gone = int(held.searchsorted(times[-1] - self.span, side="right"))
            self.times.drop(gone)
        else:
            gone = max(0, len(self.values) - self.size)
        removed = self.values.drop(gone)
        if self.kind == "window":
            if not self.by_time:
                self.times.append(times)
                self.times.drop(gone)
            assert self.keys is not None
            self.keys.append(self._column(batch, "key"))
            self.keys.drop(gone)
        elif self.kind == "aggregate":
            self.total += float(np.add.reduce(values)) - float(np.add.reduce(removed))
            self.mean = self.total / len(self.values)
        else:
            self._resample(times, values, removed)

    def _rolling(self, values: np.ndarray, index: pd.Index) -> None:
        k = len(values)
        both = np.concatenate([self.tail, values])
        bounds = self.bounds.get(len(both))
        if bounds is None:
            end = np.arange(len(both) - k + 1, len(both) + 1, dtype=np.int64)
            bounds = self.bounds[len(both)] = (np.maximum(end - 100, 0), end)
        out = rolling_values("mean", both, bounds[0], bounds[1], 100)  # pandas' kernel
        self.tail = both[-99:]
        self.last = (index, out)  # the rows' index, held as it came (read by result())

    def _resample(self, times: np.ndarray, values: np.ndarray, removed: np.ndarray) -> None:
        ids = times // self.every
        old = self.buckets.drop(len(removed))
        if len(old):  # the rows that left, out of their buckets
            self._add(old, removed, -1.0)
        self.buckets.append(ids)
        if not len(self.sums):
            self.base = int(ids[0])
        top = int(ids[-1]) - self.base + 1
        if top > len(self.sums):  # buckets beyond the arrays: move the live ones down
            first = int(self.buckets.view()[0]) - self.base
            size = 2 * (top - first)
            sums, counts = np.zeros(size), np.zeros(size)
            kept = max(0, len(self.sums) - first)
            sums[:kept] = self.sums[first:first + kept]
            counts[:kept] = self.counts[first:first + kept]
            self.sums, self.counts, self.base = sums, counts, self.base + first
            top -= first
        self._add(ids, values, 1.0)
        lo = int(self.buckets.view()[0]) - self.base
        counts = self.counts[lo:top]
        live = np.flatnonzero(counts)
        self.last = (live + lo + self.base, self.sums[lo:top][live] / counts[live])

    def _add(self, buckets: np.ndarray, values: np.ndarray, sign: float) -> None:
        """``values`` into (sign 1) or out of (-1) their ``buckets`` (in order)."""
        lo = int(buckets[0]) - self.base
        at = buckets - int(buckets[0])
        n = int(at[-1]) + 1
        self.sums[lo:lo + n] += sign * np.bincount(at, weights=values, minlength=n)
        self.counts[lo:lo + n] += sign * np.bincount(at, minlength=n)

    def result(self) -> Any:
        if self.kind == "aggregate":
            return self.mean
        index_of = lambda ns: pd.DatetimeIndex(np.asarray(ns).view("M8[ns]"), name="time")
        if self.kind == "window":
            assert self.keys is not None
            return pd.DataFrame({"key": self.keys.view(), "value": self.values.view()},
                                index=index_of(self.times.view()))
        assert self.last is not None
        if self.kind == "rolling":
            times, out = self.last
            return pd.Series(out, index=index_of(times), name="value")
        buckets, means = self.last
        return pd.DataFrame({"value": means}, index=index_of(buckets * self.every))
