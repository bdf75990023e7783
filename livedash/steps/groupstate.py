"""Per-group aggregation state in numpy arrays, updated by rows added and removed.

count, sum, mean, std and var follow additions and removals exactly from running
sums (of values minus a per-column shift, which keeps the sums of squares from
cancelling). min, max, first, last and median cannot be undone: after a removal that
may have changed them, the affected groups are recomputed from the held input rows
(:class:`~livedash.steps.rowring.RowRing`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..rows import Rows
from .aggs import Output
from .rowring import RowRing

SUMS = frozenset({"sum", "mean", "std", "var"})
HELD = frozenset({"min", "max", "first", "last", "median"})  # need the rows on removal


def values_of(rows: Rows, column: str, numeric: bool) -> np.ndarray:
    """A column as float64 (NaN for missing) when numeric, else as objects."""
    if numeric:
        return rows.numeric(column)
    values = rows.column(column)
    if isinstance(values, np.ndarray) and values.dtype.kind not in "mM":
        return values if values.dtype == object else values.astype(object)
    return pd.Series(values, copy=False).to_numpy(dtype=object)


def _present(values: np.ndarray) -> np.ndarray:
    return ~np.isnan(values) if values.dtype.kind == "f" else ~pd.isna(values)


class ColumnState:
    """What the requested functions need to know about one input column, per group."""

    def __init__(self, name: str, functions: set[str], numeric: bool):
        self.name = name
        self.functions = functions
        self.numeric = numeric
        self.shift: float | None = None
        self.present = np.zeros(0)  # non-missing values per group
        self.arrays: dict[str, np.ndarray] = {}  # "sum", "squares", "min", ..., "median"
        self.dirty: dict[str, np.ndarray] = {}   # function -> groups to recompute

    @property
    def held(self) -> set[str]:
        return self.functions & HELD

    def grow(self, size: int) -> None:
        old = len(self.present)
        if size <= old:
            return
        self.present = np.concatenate([self.present, np.zeros(size - old)])
        names = (["sum"] if self.functions & SUMS else []) + (
            ["squares"] if self.functions & {"std", "var"} else []) + sorted(self.held)
        for name in names:
            fill: Any = 0.0 if name in {"sum", "squares"} else np.nan
            dtype = np.float64 if self.numeric or name in {"sum", "squares"} else object
            extra = np.full(size - old, fill, dtype=dtype)
            self.arrays[name] = np.concatenate([self.arrays.get(name, extra[:0]), extra])
        for fn in self.held:
            self.dirty[fn] = np.concatenate([self.dirty.get(fn, np.zeros(0, bool)),
                                             np.zeros(size - old, bool)])

    def add(self, codes: np.ndarray, values: np.ndarray, size: int) -> None:
        ok = _present(values)
        c, v = codes[ok], values[ok]
        had = self.present.copy() if self.functions & {"first"} else self.present
        self.present += np.bincount(c, minlength=size)
        if self.functions & SUMS and len(v):
            if self.shift is None:
                self.shift = float(v[0])
            d = v - self.shift
            self.arrays["sum"] += np.bincount(c, weights=d, minlength=size)
            if "squares" in self.arrays:
                self.arrays["squares"] += np.bincount(c, weights=d * d, minlength=size)
        if not len(c):
            return
        if "min" in self.arrays:
            np.fmin.at(self.arrays["min"], c, v)
        if "max" in self.arrays:
            np.fmax.at(self.arrays["max"], c, v)
        if "first" in self.arrays:
            groups, at = np.unique(c, return_index=True)
            new = had[groups] == 0  # a group's first value is its first present one
            self.arrays["first"][groups[new]] = v[at[new]]
        if "last" in self.arrays:
            groups, at = np.unique(c[::-1], return_index=True)
            self.arrays["last"][groups] = v[::-1][at]
        if "median" in self.arrays:
            self.dirty["median"][c] = True

    def remove(self, codes: np.ndarray, values: np.ndarray, size: int) -> None:
        ok = _present(values)
        c, v = codes[ok], values[ok]
        self.present -= np.bincount(c, minlength=size)
        if self.functions & SUMS and len(v):
            d = v - self.shift
            self.arrays["sum"] -= np.bincount(c, weights=d, minlength=size)
            if "squares" in self.arrays:
                self.arrays["squares"] -= np.bincount(c, weights=d * d, minlength=size)
        # Only a removed value that was the extreme can change min or max.
        if "min" in self.arrays:
            self.dirty["min"][c[v <= self.arrays["min"][c]]] = True
        if "max" in self.arrays:
            self.dirty["max"][c[v >= self.arrays["max"][c]]] = True
        for fn in ("first", "last", "median"):
            if fn in self.arrays:
                self.dirty[fn][c] = True

    def reset_empty(self) -> None:
        """Drift from subtracting floats ends with the group: empty groups restart at 0."""
        gone = self.present <= 0
        if "sum" in self.arrays and gone.any():
            self.arrays["sum"][gone] = 0.0
            if "squares" in self.arrays:
                self.arrays["squares"][gone] = 0.0
            self.present[gone] = 0.0

    def refresh(self, ring: RowRing) -> None:
        """Recompute the dirty groups of min, max, first, last and median from ``ring``."""
        self.reset_empty()
        for fn, dirty in self.dirty.items():
            if not dirty.any():
                continue
            codes = ring.codes()
            values = ring.column(self.name)
            pick = (codes >= 0) & dirty[np.maximum(codes, 0)]
            pick &= _present(values)
            c, v = codes[pick], values[pick]
            target = self.arrays[fn]
            target[dirty] = np.nan
            if fn == "min":
                np.fmin.at(target, c, v)
            elif fn == "max":
                np.fmax.at(target, c, v)
            elif fn == "first" and len(c):
                groups, at = np.unique(c, return_index=True)
                target[groups] = v[at]
            elif fn == "last" and len(c):
                groups, at = np.unique(c[::-1], return_index=True)
                target[groups] = v[::-1][at]
            elif fn == "median" and len(c):
                order = np.lexsort((v, c))
                c, v = c[order], v[order]
                groups, start, count = np.unique(c, return_index=True, return_counts=True)
                target[groups] = (v[start + (count - 1) // 2] + v[start + count // 2]) / 2
            dirty[:] = False

    def result(self, function: str, groups: np.ndarray) -> np.ndarray:
        n = self.present[groups]
        if function == "count":
            return n.astype(np.int64)
        if function in SUMS:
            total = self.arrays["sum"][groups]
            with np.errstate(invalid="ignore", divide="ignore"):
                if function == "sum":
                    return total + (self.shift or 0.0) * n
                if function == "mean":
                    return np.where(n > 0, (self.shift or 0.0) + total / n, np.nan)
                squares = self.arrays["squares"][groups]
                var = np.where(n > 1, (squares - total * total / n) / (n - 1), np.nan)
                var = np.maximum(var, 0.0)  # rounding can leave a tiny negative
                return np.sqrt(var) if function == "std" else var
        values = self.arrays[function][groups]
        return np.where(n > 0, values, np.nan) if values.dtype.kind == "f" else values


class GroupState:
    """All groups' state for a list of outputs; groups are integer codes."""

    def __init__(self, outputs: list[Output], numeric: dict[str, bool]):
        self.outputs = outputs
        wanted: dict[str, set[str]] = {}
        for out in outputs:
            wanted.setdefault(out.column, set()).add(out.function)
        self.columns = {name: ColumnState(name, fns, numeric[name])
                        for name, fns in wanted.items()}
        held = {name: np.dtype(np.float64 if numeric[name] else object)
                for name, col in self.columns.items() if col.held}
        # Rows are held only when a function needs them after removals: count, sum,
        # mean, std and var alone keep no per-row state, so an endless stream is fine.
        self.ring = RowRing(held) if held else None
        self.rows = np.zeros(0, dtype=np.int64)  # rows per group, missing values included

    def reserve(self, size: int) -> int:
        """Make room for groups ``0 .. size - 1``; return the number of groups."""
        size = max(size, len(self.rows))
        if size > len(self.rows):
            self.rows = np.concatenate([self.rows, np.zeros(size - len(self.rows), np.int64)])
            for col in self.columns.values():
                col.grow(size)
        return size

    def add(self, codes: np.ndarray, rows: Rows) -> None:
        """Rows appended at the end of the input."""
        values = {n: values_of(rows, n, c.numeric) for n, c in self.columns.items()}
        if self.ring is not None:
            self.ring.append(codes, {n: values[n] for n, c in self.columns.items() if c.held})
        keep = codes >= 0
        codes = codes[keep]
        size = self.reserve(int(codes.max()) + 1 if len(codes) else 0)
        self.rows += np.bincount(codes, minlength=size)
        for name, col in self.columns.items():
            col.add(codes, values[name][keep], size)

    def remove(self, codes: np.ndarray, rows: Rows, oldest: bool) -> None:
        """Rows that left the input: the oldest held ones when ``oldest``."""
        keep = codes >= 0
        size = len(self.rows)
        self.rows -= np.bincount(codes[keep], minlength=size)
        for name, col in self.columns.items():
            col.remove(codes[keep], values_of(rows, name, col.numeric)[keep], size)
        if oldest and self.ring is not None:
            self.ring.drop_front(len(codes))

    def refill(self, codes: np.ndarray, rows: Rows) -> None:
        """Hold exactly these rows (after rows left from the middle of the input)."""
        if self.ring is not None:
            self.ring.clear()
            self.ring.append(codes, {n: values_of(rows, n, c.numeric)
                                     for n, c in self.columns.items() if c.held})

    def refresh(self) -> None:
        if self.ring is not None:
            for col in self.columns.values():
                col.refresh(self.ring)
        else:  # nothing to recompute, but sums of emptied groups restart from zero
            for col in self.columns.values():
                col.reset_empty()

    def live(self) -> np.ndarray:
        return np.flatnonzero(self.rows > 0)

    def result(self, out: Output, groups: np.ndarray) -> np.ndarray:
        return self.columns[out.column].result(out.function, groups)
