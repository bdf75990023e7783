"""Per-group aggregation state in numpy arrays, updated by rows added and removed.

count, sum, mean, std and var follow additions and removals exactly from running
sums (of values minus a per-column shift, which keeps the sums of squares from
cancelling). min, max, first, last and median cannot be undone: after a removal that
may have changed them, the affected groups are recomputed from the held input rows
(:class:`~livedash.steps.rowring.RowRing`).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..rows import Rows
from .aggs import Output
from .rowring import RowRing

SUMS = frozenset({"sum", "mean", "std", "var"})
CODES_UNTIL = 1_000_000  # rows whose codes are held before any has left (see GroupState)
HELD = frozenset({"min", "max", "first", "last", "median"})  # need the rows on removal
INFINITIES = ("posinf", "neginf")  # per group: infinite values, kept out of the sums
COUNTED = frozenset({"sum", "squares", *INFINITIES})
RENUMBERINGS = 4  # renumberings of groups followed to take back what rows added
# what an add put into its groups: non-missing values and sums (None: nothing kept)
Added = tuple[np.ndarray | None, np.ndarray | None]


def _at(added: Added, groups: np.ndarray) -> Added:
    """What an add put into every group (arrays the size of all groups), at ``groups``."""
    present, sums = added
    return (None if present is None else present[groups],
            None if sums is None else sums[groups])


class Runs(NamedTuple):
    """Rows that come as runs of one group each, every group once (rows in time order
    into time buckets): run ``i`` is ``lengths[i]`` rows from ``starts[i]``, of group
    ``groups[i]``."""

    groups: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray


def values_of(rows: Rows, column: str, numeric: bool) -> np.ndarray:
    """A column as float64 (NaN for missing) when numeric, else as objects."""
    values = rows.column(column)  # only this column is read from picked rows
    if numeric:
        if isinstance(values, np.ndarray):
            if values.dtype == np.float64:
                return values
            if values.dtype.kind == "f":
                return values.astype(np.float64)
            if values.dtype.kind in "iub":
                return values.astype(np.float64)
        return pd.Series(values, copy=False).to_numpy(dtype=np.float64, na_value=np.nan)
    if isinstance(values, np.ndarray) and values.dtype.kind not in "mM":
        return values if values.dtype == object else values.astype(object)
    return pd.Series(values, copy=False).to_numpy(dtype=object)


_add = np.add.reduce


def float_sum(values: np.ndarray) -> float:
    """The sum of float ``values`` as a Python float (a few are added in Python: a numpy
    call costs more than the additions)."""
    return sum(values.tolist()) if len(values) <= 32 else float(_add(values))


def column_sum(rows: Rows, name: str) -> float:
    """:func:`float_sum` of numeric column ``name`` of ``rows`` (NaN when a value is
    missing), taken once per rows: rows leaving a window were summed when they came."""
    memo = rows.memo()
    total = memo.get(("sum", name))
    if total is None:
        total = memo["sum", name] = float_sum(values_of(rows, name, True))
    return total


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
        self.plain = numeric and functions <= {"count", "sum", "mean"}

    @property
    def held(self) -> set[str]:
        return self.functions & HELD

    def grow(self, size: int) -> None:
        old = len(self.present)
        if size <= old:
            return
        self.present = np.concatenate([self.present, np.zeros(size - old)])
        names = (["sum"] if self.functions & SUMS else []) + (
            ["squares"] if self.functions & {"std", "var"} else []) + sorted(self.held) + [
            name for name in INFINITIES if name in self.arrays]
        for name in names:
            counted = name in COUNTED
            fill: Any = 0.0 if counted else np.nan
            dtype = np.float64 if self.numeric or counted else object
            extra = np.full(size - old, fill, dtype=dtype)
            self.arrays[name] = np.concatenate([self.arrays.get(name, extra[:0]), extra])
        for fn in self.held:
            self.dirty[fn] = np.concatenate([self.dirty.get(fn, np.zeros(0, bool)),
                                             np.zeros(size - old, bool)])

    def keep(self, groups: np.ndarray) -> None:
        """Only ``groups``' state, in that order (see :meth:`GroupState.keep`)."""
        self.present = self.present[groups]
        self.arrays = {name: array[groups] for name, array in self.arrays.items()}
        self.dirty = {fn: flags[groups] for fn, flags in self.dirty.items()}

    def _present_only(self, codes: np.ndarray, values: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, bool]:
        """The codes and values of the rows whose value is not missing; True if all are."""
        if values.dtype.kind == "f":
            missing = np.isnan(values)
            if not missing.any():
                return codes, values, True
            ok = ~missing
        else:
            ok = ~pd.isna(values)
            if ok.all():
                return codes, values, True
        return codes[ok], values[ok], False

    def _result_one(self, function: str) -> np.ndarray:
        """The one group's count, sum or mean, in Python floats (no array arithmetic),
        set into a new one-value array (half the cost of ``np.array([value])``)."""
        n = self.present.item(0)
        if function == "count":
            out = np.empty(1, dtype=np.int64)
            out[0] = n
            return out
        total = self.arrays["sum"].item(0)
        shift = self.shift or 0.0
        out = np.empty(1)
        if function == "sum":
            out[0] = total + shift * n if shift else total
        else:
            out[0] = shift + total / n if n > 0 else np.nan
        return out

    def _sums(self, c: np.ndarray, v: np.ndarray, size: int, sign: float
              ) -> np.ndarray | None:
        """Sums (of values minus the shift) in or out of the groups; returns the
        per-group sums of several groups when every value was finite."""
        if self.shift is None:
            finite = v[np.isfinite(v)]
            if len(finite):
                self.shift = float(finite[0])
        d = v - self.shift if self.shift else v
        if size == 1:  # one group (aggregate): plain sums
            total = float_sum(d)
            if total - total != 0.0:  # an infinity (no NaN gets here)
                c, d = self._infinities(c, d, sign)
                total = float_sum(d)
            self.arrays["sum"][0] += sign * total
            if "squares" in self.arrays:
                self.arrays["squares"][0] += sign * np.dot(d, d)
            return None
        sums = np.bincount(c, weights=d, minlength=size)
        total = float(_add(sums))
        finite = total - total == 0.0
        if not finite:
            c, d = self._infinities(c, d, sign)
            sums = np.bincount(c, weights=d, minlength=size)
        squares = np.bincount(c, weights=d * d, minlength=size) \
            if "squares" in self.arrays else None
        if sign > 0:
            self.arrays["sum"] += sums
            if squares is not None:
                self.arrays["squares"] += squares
        else:
            self.arrays["sum"] -= sums
            if squares is not None:
                self.arrays["squares"] -= squares
        return sums if finite else None

    def _infinities(self, c: np.ndarray, d: np.ndarray, sign: float
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Count ``d``'s infinities per group apart (a sum cannot take one back out: inf
        - inf is NaN); returns the codes and values of the finite rest."""
        inf = np.isinf(d)
        for name, hit in zip(INFINITIES, (inf & (d > 0), inf & (d < 0))):
            if hit.any():
                if name not in self.arrays:
                    self.arrays[name] = np.zeros(len(self.present))
                self.arrays[name] += sign * np.bincount(c[hit], minlength=len(self.present))
            if sign < 0 and name in self.arrays and not self.arrays[name].any():
                del self.arrays[name]  # none left: results need no more checks
        finite = ~inf
        return c[finite], d[finite]

    def add_one(self, total: float, n: int, sign: float) -> None:
        """``n`` values whose sum is ``total`` (finite; ``shift`` set) in (sign 1) or out
        (sign -1) of the one group (count, sum and mean only: ``plain``). A net change
        may be given too: values in less values out (``n`` then below 0 when more left)."""
        self.present[0] += sign * n
        if "sum" in self.arrays:
            self.arrays["sum"][0] += sign * (total - n * self.shift)

    def _one(self, values: np.ndarray, sign: float) -> bool:
        """One group, count and sums only, no value missing: update with one sum."""
        if not self.plain or values.dtype.kind != "f" or not len(values):
            return False
        total = float_sum(values)
        if total - total != 0.0:  # NaN (missing) or infinite: not here
            return False
        if self.shift is None:
            self.shift = float(values[0])
        self.add_one(total, len(values), sign)
        return True

    def add_runs(self, runs: Runs, values: np.ndarray) -> Added | None:
        """Rows given as ``runs`` (several groups), count, sum and mean only, no value
        missing or infinite: each run summed as one piece. Returns what was added per
        run's group, or None when that does not apply (nothing is added then: add them
        row by row)."""
        if not self.plain or values.dtype.kind != "f":
            return None
        sums = None
        if self.functions & SUMS:
            if self.shift is None:
                if not np.isfinite(values[0]):
                    return None
                self.shift = float(values[0])
            d = values - self.shift if self.shift else values
            sums = np.add.reduceat(d, runs.starts)
            total = sum(sums.tolist())
            if total - total != 0.0:  # NaN (missing) or infinite: not here
                return None
            self.arrays["sum"][runs.groups] += sums
        elif np.isnan(values).any():
            return None
        self.present[runs.groups] += runs.lengths
        return runs.lengths, sums

    def add(self, codes: np.ndarray, values: np.ndarray, size: int,
            counts: np.ndarray | None = None) -> Added | None:
        """Rows added; ``counts``: rows per group among them, when already known.
        Returns what they added per group (non-missing values, and sums or None) when
        subtracting it takes them back out again (count, sum, mean, several groups, no
        infinity); else None."""
        if size == 1 and self._one(values, 1.0):
            return None
        c, v, every = self._present_only(codes, values)
        if not len(c):  # every value missing: nothing added, nothing to take back
            return (None, None) if self.plain and size > 1 else None
        had = self.present.copy() if "first" in self.arrays else self.present
        present = None
        if size == 1:
            self.present[0] += len(c)
        else:
            present = counts if every and counts is not None else \
                np.bincount(c, minlength=size)
            self.present += present
        sums = self._sums(c, v, size, 1.0) if self.functions & SUMS else None
        added = (present, sums) if self.plain and present is not None and (
            sums is not None or not self.functions & SUMS) else None
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
        return added

    def remove(self, codes: np.ndarray, values: np.ndarray, size: int,
               counts: np.ndarray | None = None) -> None:
        if size == 1 and self._one(values, -1.0):
            return
        c, v, every = self._present_only(codes, values)
        if not len(c):
            return
        if size == 1:
            self.present[0] -= len(c)
        elif every and counts is not None:
            self.present -= counts
        else:
            self.present -= np.bincount(c, minlength=size)
        if self.functions & SUMS:
            self._sums(c, v, size, -1.0)
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
        if len(self.present) == 1:
            if self.present[0] <= 0 and "sum" in self.arrays:
                self.present[0] = 0.0
                self.arrays["sum"][0] = 0.0
                if "squares" in self.arrays:
                    self.arrays["squares"][0] = 0.0
            return
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
        if function in SUMS and (INFINITIES[0] in self.arrays or INFINITIES[1] in self.arrays):
            return self._infinite(function, groups, self._result(function, groups))
        return self._result(function, groups)

    def _infinite(self, function: str, groups: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``out`` where groups hold infinities, as pandas has it: a sum or mean of +inf
        (-inf) values and finite ones is +inf (-inf), of both NaN; std and var NaN."""
        none = np.zeros(len(groups))
        pos, neg = (self.arrays[n][groups] if n in self.arrays else none for n in INFINITIES)
        out = out.astype(np.float64, copy=True)
        if function in {"std", "var"}:
            out[(pos > 0) | (neg > 0)] = np.nan
            return out
        out[pos > 0] = np.inf
        out[neg > 0] = -np.inf
        out[(pos > 0) & (neg > 0)] = np.nan
        return out

    def _result(self, function: str, groups: np.ndarray) -> np.ndarray:
        if len(self.present) == 1 and function in {"count", "sum", "mean"}:
            return self._result_one(function)
        n = self.present[groups]
        if function == "count":
            return n.astype(np.int64)
        if function in SUMS:
            total = self.arrays["sum"][groups]
            shift = self.shift or 0.0
            if function == "sum":
                return total + shift * n if shift else total
            if function == "mean":
                if n.all():  # the usual case: every group has a value
                    out = total / n
                else:
                    out = np.full(len(n), np.nan)
                    np.divide(total, n, out=out, where=n > 0)
                if shift:
                    out += shift
                return out
            squares = self.arrays["squares"][groups]
            many = n > 1
            var = np.full(len(n), np.nan)
            np.divide(total * total, n, out=var, where=many)
            np.subtract(squares, var, out=var, where=many)
            np.divide(var, n - 1, out=var, where=many)
            np.maximum(var, 0.0, out=var, where=many)  # rounding can leave a tiny negative
            return np.sqrt(var) if function == "std" else var
        values = self.arrays[function][groups]
        return np.where(n > 0, values, np.nan) if values.dtype.kind == "f" else values


class GroupState:
    """All groups' state for a list of outputs; groups are integer codes."""

    def __init__(self, outputs: list[Output], numeric: dict[str, bool], keyless: bool = False):
        self.outputs = outputs
        wanted: dict[str, set[str]] = {}
        for out in outputs:
            wanted.setdefault(out.column, set()).add(out.function)
        self.columns = {name: ColumnState(name, fns, numeric[name])
                        for name, fns in wanted.items()}
        held = {name: np.dtype(np.float64 if numeric[name] else object)
                for name, col in self.columns.items() if col.held}
        self.held = bool(held)
        # The group code of each row of the input is held (so rows leaving need not be
        # encoded again), and the values of the columns whose functions cannot be undone.
        # count, sum, mean, std and var alone need only the codes, which are dropped
        # when CODES_UNTIL rows have come without any leaving: an endless stream then
        # keeps per-group state only.
        # Without keys every code is 0 and count and sums need nothing per row.
        self.ring: RowRing | None = None if keyless and not held else RowRing(held)
        self.removed_any = False
        self.emptied = False  # rows left since the last refresh
        self.rows = np.zeros(0, dtype=np.int64)  # rows per group, missing values included
        # What an add put in is kept with its rows (Rows.memo, under this state's own
        # token) when it can be taken back as it is: when the very same rows leave (a
        # window's oldest piece, whole), that is subtracted instead of counting and
        # summing them again. Kept only once rows have left (an input that only grows
        # never takes anything back). ``generation`` changes when groups are renumbered;
        # ``renumbered`` holds the last few renumberings (old code -> new), so that rows
        # added before one are still taken back.
        self.token = object()
        self.generation = 0
        self.renumbered: dict[int, np.ndarray] = {}  # generation -> its codes' new codes

    def reserve(self, size: int) -> int:
        """Make room for groups ``0 .. size - 1``; return the number of groups.

        Room grows by doubling (groups beyond the known ones have no rows), so that new
        keys arriving every batch (time buckets) do not copy the state every batch. The
        first reservation is exact: one group stays one group (``aggregate``).
        """
        old = len(self.rows)
        if size > old:
            size = max(size, 2 * old) if old else size
            self.rows = np.concatenate([self.rows, np.zeros(size - old, np.int64)])
            for col in self.columns.values():
                col.grow(size)
        return len(self.rows)

    def add(self, codes: np.ndarray, rows: Rows, top: int | None = None,
            runs: Runs | None = None) -> None:
        """Rows appended at the end of the input; ``top``: the largest code, when known
        and no code is missing (-1); ``runs``: the same codes as runs, when known."""
        if not len(codes):
            return
        values = {n: values_of(rows, n, c.numeric) for n, c in self.columns.items()}
        ring = self.ring
        if ring is not None:
            ring.append(codes, {n: values[n] for n, c in self.columns.items() if c.held})
            if not self.held and not self.removed_any and len(ring) > CODES_UNTIL:
                self.ring = None
        if runs is not None and top is not None and self.reserve(top + 1) > 1:
            self._add_runs(codes, runs, rows, values)
            return
        if top is None:
            if codes.min() < 0:  # a missing key: the row is in no group
                keep = codes >= 0
                codes = codes[keep]
                values = {n: v[keep] for n, v in values.items()}
                if not len(codes):
                    return
            top = int(codes.max())
        size = self.reserve(top + 1)
        if size == 1:
            self.rows[0] += len(codes)
            counts = None
        else:
            counts = np.bincount(codes, minlength=size)
            self.rows += counts
        added = [col.add(codes, values[name], size, counts)
                 for name, col in self.columns.items()]
        if counts is not None and self.removed_any and all(a is not None for a in added):
            groups = np.flatnonzero(counts)  # the groups that got rows, only
            rows.memo()[self.token] = (self.generation, groups, counts[groups],
                                       [_at(a, groups) for a in added])

    def _add_runs(self, codes: np.ndarray, runs: Runs, rows: Rows,
                  values: dict[str, np.ndarray]) -> None:
        """:meth:`add` of rows given as runs too: each column adds a run at a time where
        it can (count, sum, mean), else row by row."""
        size = len(self.rows)
        self.rows[runs.groups] += runs.lengths
        added = []
        for name, col in self.columns.items():
            got = col.add_runs(runs, values[name])
            if got is None:  # row by row; what that added, for the runs' groups only
                every = col.add(codes, values[name], size)
                got = None if every is None else _at(every, runs.groups)
            added.append(got)
        if self.removed_any and all(a is not None for a in added):
            rows.memo()[self.token] = (self.generation, runs.groups, runs.lengths, added)

    def remove(self, codes: np.ndarray, rows: Rows, oldest: bool,
               whole: bool = False) -> None:
        """Rows that left the input: the oldest held ones when ``oldest``; ``whole``: no
        code is missing."""
        self.removed_any = True
        if oldest and self.ring is not None:
            self.ring.drop_front(len(codes))
        if not len(codes):
            return
        self.emptied = True
        if self._take_back(rows):
            return
        values = {n: values_of(rows, n, c.numeric) for n, c in self.columns.items()}
        if not whole and codes.min() < 0:
            keep = codes >= 0
            codes = codes[keep]
            values = {n: v[keep] for n, v in values.items()}
            if not len(codes):
                return
        size = len(self.rows)
        if size == 1:
            self.rows[0] -= len(codes)
            counts = None
        else:
            counts = np.bincount(codes, minlength=size)
            self.rows -= counts
        for name, col in self.columns.items():
            col.remove(codes, values[name], size, counts)

    def _take_back(self, rows: Rows) -> bool:
        """``rows`` leave exactly as one add brought them in: subtract what it added
        (the same numbers the counts and sums of the rows give). False when that add
        left nothing to take back, or groups were renumbered more than
        ``RENUMBERINGS`` times since."""
        kept = rows.memo().get(self.token)
        if kept is None:
            return False
        generation, groups, counts, columns = kept
        if generation != self.generation:  # renumbered since: follow the renumberings
            for lut in (self.renumbered.get(g) for g in range(generation, self.generation)):
                if lut is None:
                    return False
                groups = lut[groups]
            if groups.min() < 0:  # pragma: no cover - rows held keep their groups
                return False
        self.rows[groups] -= counts
        for col, (present, sums) in zip(self.columns.values(), columns):
            if present is not None:
                col.present[groups] -= present
            if sums is not None:
                col.arrays["sum"][groups] -= sums
        return True

    def shift_one(self, added: Rows, removed: Rows) -> bool:
        """One group, no key, count and sums only: ``removed`` (the oldest rows) out and
        ``added`` in, one sum per column each. False, with nothing changed, when that
        does not apply (a missing value, another function): use remove and add then."""
        if self.ring is not None or len(self.rows) != 1:
            return False
        sums = []
        n_out, n_in = removed.n, added.n  # Rows.n: len() calls a Python __len__
        for name, col in self.columns.items():
            if not col.plain:
                return False
            total_out = column_sum(removed, name) if n_out else 0.0
            total_in = column_sum(added, name) if n_in else 0.0
            if total_out - total_out != 0.0 or total_in - total_in != 0.0:
                return False  # NaN (missing) or infinite: not here
            sums.append((col, name, total_out, total_in))
        for col, name, total_out, total_in in sums:
            if col.shift is None:
                col.shift = float(values_of(removed if n_out else added, name, True)[0])
            if n_in or n_out:  # out and in as one change (one update of each array)
                col.add_one(total_in - total_out, n_in - n_out, 1.0)
        self.rows[0] += n_in - n_out
        if n_out:
            self.removed_any = self.emptied = True
        return True

    def refill(self, codes: np.ndarray, rows: Rows) -> None:
        """Hold exactly these rows (after rows left from the middle of the input)."""
        if self.ring is not None:
            self.ring.clear()
            self.ring.append(codes, {n: values_of(rows, n, c.numeric)
                                     for n, c in self.columns.items() if c.held})

    def refresh(self) -> None:
        if self.held:
            assert self.ring is not None
            for col in self.columns.values():
                col.refresh(self.ring)
        elif self.emptied:  # nothing to recompute, but sums of emptied groups restart at 0
            for col in self.columns.values():
                col.reset_empty()
        self.emptied = False

    def live(self) -> np.ndarray:
        return np.flatnonzero(self.rows > 0)

    def keep(self, groups: np.ndarray) -> None:
        """Keep only ``groups`` (every group with rows among them), renumbered 0, 1, 2 ...
        in that order, as :meth:`KeyEncoder.keep` renumbers their keys."""
        lut = np.full(len(self.rows), -1, dtype=np.int64)
        lut[groups] = np.arange(len(groups))
        self.renumbered[self.generation] = lut  # for what adds kept with their rows
        self.generation += 1
        self.renumbered.pop(self.generation - 1 - RENUMBERINGS, None)
        self.rows = self.rows[groups]
        for col in self.columns.values():
            col.keep(groups)
        if self.ring is not None:
            self.ring.recode(lut)

    def result(self, out: Output, groups: np.ndarray) -> np.ndarray:
        return self.columns[out.column].result(out.function, groups)
