"""The floor of benchmark 4: each step written out by hand for this benchmark's data alone.

What any Python implementation has to do per batch at the least: read the batch's
columns from the DataFrame (the way livedash reads them, from pandas' blocks), keep the
window as the batches' own arrays (no row copied; a sum taken once per batch, as it
comes), update running state, and compute the step's output. Nothing
else: rows always in time order, no missing value, no infinity, one column, one
function, no pipeline around it, nobody to hand the output to. It is not a contender (it
could not serve a dashboard); it shows how fast this machine can go, and so whether
"10 x streamz" is within reach at all.

Kinds with a floor: ``window``, ``aggregate`` (mean), ``rolling`` (mean of the last
100 rows) and ``resample`` (1 s means). Results are checked against pandas like the
contenders'.
"""
from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import pandas as pd

from livedash.rows import _frame_column
from livedash.steps.groupstate import float_sum
from livedash.steps.rolling import rolling_values

KINDS = ("window", "aggregate", "rolling", "resample")


class Pieces:
    """The window as the batches it was fed, oldest first, each with its column sums taken
    as it came (no copy of any row). Rows leave from the front: whole pieces, and a cut
    into the oldest, whose sums are then taken again for the rows it keeps."""

    def __init__(self) -> None:
        self.held: deque[dict[str, Any]] = deque()
        self.n = 0

    def append(self, piece: dict[str, Any]) -> None:
        self.held.append(piece)
        self.n += len(piece["value"])

    def pop(self, n: int) -> list[dict[str, Any]]:
        """Remove the ``n`` oldest rows; returns them, as pieces."""
        out = []
        while n > 0:
            head = self.held[0]
            size = len(head["value"])
            if size <= n:
                out.append(self.held.popleft())
            else:  # cut: the rows that leave, and the rest with their sum taken again
                out.append({k: v[:n] for k, v in head.items() if k != "sum"})
                rest = {k: v[n:] for k, v in head.items() if k != "sum"}
                if "sum" in head:
                    rest["sum"] = float_sum(rest["value"])
                self.held[0] = rest
                size = n
            self.n -= size
            n -= size
        return out

    def pop_through(self, cutoff: int) -> list[dict[str, Any]]:
        """Remove the rows at or before time ``cutoff`` (each piece's times in order)."""
        gone = 0
        for piece in self.held:
            times = piece["time"]
            if times[-1] <= cutoff:
                gone += len(times)
                continue
            gone += int(times.searchsorted(cutoff, side="right"))
            break
        return self.pop(gone)

    def column(self, name: str) -> np.ndarray:
        parts = [p[name] for p in self.held]
        return np.concatenate(parts) if parts else np.empty(0)


class Floor:
    name = "floor"

    def __init__(self, kind: Any, window: Any):
        self.kind = kind.name
        self.by_time = window.by_time
        self.size = window.rows
        self.span = int(pd.Timedelta(window.spec).value) if window.by_time else 0
        self.pieces = Pieces()
        self.at: dict[str, int] = {}
        # aggregate: a running sum; rolling: the last 99 values and the last output
        self.total = 0.0
        self.mean = np.nan
        self.tail = np.empty(0)
        self.last: tuple[Any, np.ndarray] | None = None  # (index or buckets, values)
        self.bounds: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # resample: per-bucket sums and counts for buckets base .. base + len - 1
        self.every = 1_000_000_000
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
        piece: dict[str, Any] = {"value": values}
        # the times only where they are used: a count window's aggregate never reads them
        if self.by_time or self.kind != "aggregate":
            piece["time"] = times = batch.index.asi8
        if self.kind == "window":
            piece["key"] = self._column(batch, "key")
        elif self.kind == "aggregate":
            piece["sum"] = total = float_sum(values)
            self.total += total
        else:
            piece["id"] = times // self.every
        self.pieces.append(piece)
        if self.by_time:
            gone = self.pieces.pop_through(int(times[-1]) - self.span)
        else:
            gone = self.pieces.pop(max(0, self.pieces.n - self.size))
        if self.kind == "aggregate":
            for old in gone:  # a whole piece's sum was taken as it came
                self.total -= old["sum"] if "sum" in old else float_sum(old["value"])
            self.mean = self.total / self.pieces.n
        elif self.kind == "resample":
            self._resample(piece, gone)

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

    def _resample(self, piece: dict[str, Any], gone: list[dict[str, Any]]) -> None:
        for old in gone:  # the rows that left, out of their buckets
            self._add(old["id"], old["value"], -1.0)
        ids = piece["id"]
        if not len(self.sums):
            self.base = int(ids[0])
        top = int(ids[-1]) - self.base + 1
        if top > len(self.sums):  # buckets beyond the arrays: move the live ones down
            first = int(self.pieces.held[0]["id"][0]) - self.base
            size = 2 * (top - first)
            sums, counts = np.zeros(size), np.zeros(size)
            kept = max(0, len(self.sums) - first)
            sums[:kept] = self.sums[first:first + kept]
            counts[:kept] = self.counts[first:first + kept]
            self.sums, self.counts, self.base = sums, counts, self.base + first
            top -= first
        self._add(ids, piece["value"], 1.0)
        lo = int(self.pieces.held[0]["id"][0]) - self.base
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
            return pd.DataFrame({"key": self.pieces.column("key"),
                                 "value": self.pieces.column("value")},
                                index=index_of(self.pieces.column("time")))
        assert self.last is not None
        if self.kind == "rolling":
            times, out = self.last
            return pd.Series(out, index=index_of(times), name="value")
        buckets, means = self.last
        return pd.DataFrame({"value": means}, index=index_of(buckets * self.every))
