"""What ``groupby``, ``aggregate`` and ``resample`` share: keys in, one row per group out.

Rows deltas update :class:`~livedash.steps.groupstate.GroupState` incrementally; a
whole input is recomputed with pandas (:func:`~livedash.steps.aggs.pandas_grouped`),
which is also the reference the incremental result must equal. The output is always a
whole delta, made of numpy arrays (no DataFrame is built until someone asks for one).

Notes
-----
Column types follow pandas: the first rows seen are aggregated by pandas once, and the
incremental result takes that result's column types (a sum of integers stays integer).
Memory: count, sum, mean, std and var keep state per group only. min, max, first,
last and median also hold, for every row in the input's current result, its group code
and the values of those columns (their removal cannot be undone otherwise): on an
endless stream without a ``window`` before it, that grows by a few bytes a row.
Groups whose rows have all left are forgotten (their state and key) once they are most
of the more than 256 groups known: new keys for ever (time buckets) stay bounded.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..delta import Delta
from ..rows import Rows
from .aggs import Aggregations, Output, check_types, pandas_grouped
from .columns import require
from .groupstate import GroupState, Runs
from .keys import KeyEncoder


COMPACT_FROM = 256  # groups known, beyond which groups that emptied are forgotten


class GroupedStep:
    """One grouped step's state. Subclasses say what the keys are."""

    where = "groupby"

    def __init__(self, aggs: Aggregations, key_names: list[str]):
        self.aggs = aggs
        self.key_names = key_names
        self.encoder = KeyEncoder()
        self.outputs: list[Output] | None = None
        self.numeric: dict[str, bool] = {}
        self.schema: pd.DataFrame | None = None      # the input's columns, no rows
        self._template: pd.DataFrame | None = None   # pandas on one row: output dtypes
        self._dtypes: dict[str, Any] = {}
        self.state: GroupState | None = None
        self.last_whole: Rows | None = None          # the input, after a whole delta
        self._live: np.ndarray | None = None         # live-group mask of the cached order
        self._order = np.zeros(0, dtype=np.int64)
        self._keys: dict[str, Any] = {}
        self._index: Any = None                      # the output's index, for that order
        self._index_name: Any = None
        self._names: list[str] = []
        self._top: int | None = None
        self._runs: Runs | None = None               # after _encode, when it gives them

    @property
    def template(self) -> pd.DataFrame | None:
        return self._template

    @template.setter
    def template(self, frame: pd.DataFrame | None) -> None:
        self._template = frame
        self._dtypes = {} if frame is None else dict(zip(frame.columns, frame.dtypes))

    # -- what subclasses change ------------------------------------------------------
    def keys(self, frame: pd.DataFrame) -> list[pd.Series]:
        """The key columns of ``frame``, as Series named like the output columns (pandas)."""
        return [frame[name] for name in self.key_names]

    def key_arrays(self, rows: Rows) -> tuple[list[Any], np.ndarray | None]:
        """The key columns of ``rows`` as arrays to encode, and rows to leave out (or None)."""
        return [rows.column(name) for name in self.key_names], None

    def input_columns(self) -> list[str]:
        """Columns the input must have, besides the aggregated ones."""
        return list(self.key_names)

    def finish(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Final touches on pandas' result (resample moves the time into the index)."""
        return frame

    def index(self, keys: dict[str, Any], rows: int) -> tuple[Any, Any, dict[str, Any]]:
        """The output's index, its name and its key columns, in ``finish``'s shape."""
        return pd.RangeIndex(rows), None, keys

    def live(self, state: GroupState, mask: np.ndarray) -> np.ndarray:
        """The groups in the output, given ``mask``: the groups with rows."""
        return np.flatnonzero(mask)

    def pandas(self, frame: pd.DataFrame) -> pd.DataFrame:
        assert self.outputs is not None
        return pandas_grouped(frame, self.keys(frame), self.outputs)

    # -- the step ----------------------------------------------------------------------
    def update(self, delta: Delta) -> Delta:
        if not delta.is_rows:
            assert delta.result_rows is not None
            whole = delta.result_rows
            self._resolve(whole)
            self.state, self.last_whole = None, whole  # rebuilt if rows deltas follow
            if self.outputs is None:
                return Delta.whole(self._nothing())
            return Delta.whole(self.finish(self.pandas(whole.frame)))
        added, removed = delta.added_rows, delta.removed_rows
        assert added is not None and removed is not None
        self._resolve(added)
        if self.outputs is None:
            return Delta.whole(self._nothing())
        state = self._state()
        result = delta.result_rows
        if result is None and not self.key_names and self.template is not None and \
                state.shift_one(added, removed):
            state.refresh()
            return Delta.whole(self._output(state))
        if len(removed):
            if result is None and state.ring is not None:
                # The oldest held rows: their codes are known, no need to encode again.
                state.remove(state.ring.codes()[:len(removed)], removed, oldest=True,
                             whole=not self.key_names)
            else:
                codes = self._encode(removed)
                state.remove(codes, removed, oldest=result is None,
                             whole=self._top is not None)
        if result is not None:  # rows left from the middle: hold the new input
            kept = result[0:len(result) - len(added)]
            state.refill(self._encode(kept), kept)
        if len(added):
            codes = self._encode(added)
            state.add(codes, added, self._top, self._runs)
            if self.template is None:
                self.template = self.pandas(added[0:1].frame)
        state.refresh()
        if len(state.rows) > COMPACT_FROM:
            self._compact(state)
        return Delta.whole(self._output(state))

    def _compact(self, state: GroupState) -> None:
        """Forget groups whose rows have all left, once they are most of the groups known
        (a resample behind a window sees a new bucket every period, for ever)."""
        live = state.live()
        if len(live) * 2 > len(state.rows):
            return
        self.encoder.keep(live)
        state.keep(live)
        self._live = None  # the cached order, keys and index are of the old codes

    def _resolve(self, rows: Rows) -> None:
        """Fix the outputs from the first rows that have columns."""
        if self.outputs is not None or len(rows.names) == 0:
            return
        frame = rows[0:1].frame
        require(frame, [*self.input_columns(), *self.aggs.named_columns()], self.where)
        outputs = self.aggs.outputs(frame, exclude=self.key_names)
        check_types(frame, outputs, self.where)
        self.numeric = {o.column: pd.api.types.is_numeric_dtype(frame[o.column].dtype)
                        for o in outputs}
        self.schema = frame.iloc[:0]
        self.outputs = outputs

    def _state(self) -> GroupState:
        if self.state is None:
            assert self.outputs is not None
            self.state = GroupState(self.outputs, self.numeric, keyless=not self.key_names)
            self._live = None
            if self.last_whole is not None and len(self.last_whole):
                self.state.add(self._encode(self.last_whole), self.last_whole)
                self.template = self.pandas(self.last_whole[0:1].frame)
        return self.state

    def _encode(self, rows: Rows) -> np.ndarray:
        """The group code of each row (-1: a missing key); ``_top`` is then the largest
        code when none is missing and that is known cheaply, else None, and ``_runs``
        the rows as runs of one group each when a subclass found them so, else None."""
        self._top = self._runs = None
        if not self.key_names:
            self._top = 0
            return np.zeros(len(rows), dtype=np.int64)
        columns, missing = self.key_arrays(rows)
        if missing is None or not missing.any():
            codes = self.encoder.encode(columns)
            self._top = self.encoder.top
            return codes
        codes = np.full(len(rows), -1, dtype=np.int64)
        present = np.flatnonzero(~missing)
        if len(present):
            codes[present] = self.encoder.encode([c[present] for c in columns])
        return codes

    def _nothing(self) -> pd.DataFrame:
        """The output before any column is known."""
        names = [*self.key_names, *(c if not listed else f"{c}_{fn}"
                                    for c, fns, listed in self.aggs.columns for fn in fns)]
        return self.finish(pd.DataFrame({name: [] for name in names}))

    def _output(self, state: GroupState) -> Rows:
        assert self.outputs is not None and self.schema is not None
        if self.key_names:
            live = state.rows > 0
            changed = self._live is None or len(live) != len(self._live) or \
                not (live == self._live).all()
        else:  # one row, always: nothing to sort
            changed = self._live is None
            live = np.ones(1, dtype=bool) if changed else self._live
        if changed:
            # Groups came or went: sort again, and rebuild the key columns and the index.
            groups = self.live(state, live)
            if len(groups) == 0:
                self._live = None
                return Rows.of(self.finish(self.pandas(self.schema)))
            self._live = live
            self._order = self.encoder.sorted_codes(groups) if self.key_names else groups
            keys = {name: self._typed(name, self.encoder.key_column(self._order, i))
                    for i, name in enumerate(self.key_names)}
            self._index, self._index_name, self._keys = self.index(keys, len(self._order))
            self._names = [*self._keys, *(out.name for out in self.outputs)]
        arrays = list(self._keys.values())
        for out in self.outputs:
            arrays.append(self._typed(out.name, state.result(out, self._order)))
        return Rows(self._index, self._names, arrays, self._index_name)

    def _typed(self, name: str, values: Any) -> Any:
        """``values`` in the type pandas gives column ``name``."""
        dtype = self._dtypes.get(name)
        if dtype is None:
            return values
        if isinstance(values, np.ndarray) and values.dtype == dtype:
            return values
        if isinstance(values, np.ndarray) and values.dtype.kind == "f":
            if dtype.kind in "iub":
                if np.isnan(values).any():
                    return values  # a missing value cannot be an integer
                return np.rint(values).astype(dtype) if dtype.kind != "b" else values != 0
            if dtype.kind == "f":
                return values
        try:
            typed = pd.array(list(values), dtype=dtype)
        except (TypeError, ValueError):
            return values
        return typed.to_numpy() if isinstance(dtype, np.dtype) else typed
