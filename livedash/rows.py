"""Rows as columns of arrays: what steps work on, with a pandas frame made only on demand.

A pandas operation on a small frame costs 20-300 µs; rows arrive ten at a time, and a
pipeline runs several steps per batch. :class:`Rows` keeps each column as the array
pandas itself holds (a numpy array, or a pandas extension array for strings, nullable
numbers and time zones), so slicing, taking, selecting and concatenating cost
microseconds and keep every dtype exactly. ``frame`` builds the DataFrame once, when a
view, a test or ``dash.data`` asks, and caches it.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

Array = Any  # np.ndarray or a pandas ExtensionArray


def _column_arrays(frame: pd.DataFrame) -> list[Array]:
    """One array per column, as pandas holds them (no copy, no Series made)."""
    try:  # the block manager: 2-d numpy blocks and 1-d extension arrays
        out: list[Array] = [None] * len(frame.columns)
        for block in frame._mgr.blocks:
            values = block.values
            for row, i in enumerate(block.mgr_locs.as_array):
                out[i] = values[row] if getattr(values, "ndim", 1) == 2 else values
        if all(a is not None for a in out):
            return out
    except Exception:  # noqa: BLE001 - a pandas whose internals differ: the public way
        pass
    return [frame.iloc[:, i].array for i in range(len(frame.columns))]


def _concat_arrays(parts: Sequence[Array]) -> Array:
    first = parts[0]
    if len(parts) == 1:
        return first
    if isinstance(first, np.ndarray) and all(isinstance(p, np.ndarray) and p.dtype == first.dtype
                                             for p in parts):
        return np.concatenate(parts)
    if all(type(p) is type(first) and p.dtype == first.dtype for p in parts):
        return type(first)._concat_same_type(list(parts))
    return pd.concat([pd.Series(p, copy=False) for p in parts], ignore_index=True).array


class Rows:
    """An immutable batch of rows: an index array, column names and one array each.

    Build one with :meth:`of` (a DataFrame, kept as it is until a column is needed) or
    with the constructor (arrays). Every operation returns a new ``Rows``.
    """

    __slots__ = ("_frame", "_names", "_arrays", "_index", "_index_name", "_length",
                 "_i8", "_base")

    def __init__(self, index: Array, names: Sequence[Any], arrays: Sequence[Array],
                 index_name: Any = None):
        self._frame: pd.DataFrame | None = None
        self._names = tuple(names)
        self._arrays: tuple[Array, ...] | None = tuple(arrays)
        self._index: Array | None = index
        self._index_name = index_name
        self._length = len(index)
        self._i8: np.ndarray | None = None
        self._base: tuple[Rows, slice] | None = None

    @classmethod
    def of(cls, frame: "pd.DataFrame | Rows") -> "Rows":
        """``frame`` as rows; the frame itself is what :attr:`frame` gives back."""
        if isinstance(frame, Rows):
            return frame
        rows = cls.__new__(cls)
        rows._frame = frame
        rows._names = tuple(frame.columns.tolist())
        rows._arrays = None
        rows._index = None
        rows._index_name = None
        rows._length = len(frame)
        rows._i8 = None
        rows._base = None
        return rows

    @classmethod
    def empty_like(cls, rows: "Rows") -> "Rows":
        return rows[0:0]

    # -- what is held ---------------------------------------------------------------------
    def __len__(self) -> int:
        return self._length

    @property
    def names(self) -> tuple[Any, ...]:
        """Column names, in order."""
        return self._names

    @property
    def columns(self) -> tuple[Any, ...]:
        return self._names

    def _load(self) -> None:
        if self._arrays is None and self._base is not None:
            base, key = self._base
            base._load()
            assert base._arrays is not None
            self._index = base._index[key]
            self._arrays = tuple(a[key] for a in base._arrays)
            self._index_name = base._index_name
            self._base = None
        elif self._arrays is None:
            frame = self._frame
            assert frame is not None
            if len(set(self._names)) != len(self._names):
                raise ValueError("the data has two columns named alike ("
                                 + ", ".join(map(str, frame.columns[frame.columns.duplicated()]))
                                 + "): give every column its own name")
            self._arrays = tuple(_column_arrays(frame))
            self._index = frame.index  # kept as pandas' Index: slices keep RangeIndex, freq
            self._index_name = frame.index.name

    @property
    def arrays(self) -> tuple[Array, ...]:
        self._load()
        assert self._arrays is not None
        return self._arrays

    @property
    def index_array(self) -> Array:
        """The index's values (numpy, or a pandas array for time zones and the like)."""
        self._load()
        index = self._index
        return index._values if isinstance(index, pd.Index) else index

    @property
    def index_name(self) -> Any:
        self._load()
        return self._index_name

    @property
    def is_time(self) -> bool:
        """True when the index holds timestamps."""
        if self._base is not None:
            return self._base[0].is_time
        if self._frame is not None and self._arrays is None:
            return isinstance(self._frame.index, pd.DatetimeIndex)
        return isinstance(self.index_array.dtype, pd.DatetimeTZDtype) or \
            self.index_array.dtype.kind == "M"

    @property
    def index_i8(self) -> np.ndarray:
        """A time index as int64 nanoseconds (NaT is the smallest int64)."""
        if self._i8 is None and self._base is not None:
            base, key = self._base
            self._i8 = base.index_i8[key]
        if self._i8 is None:
            values = self.index_array
            if not isinstance(values, np.ndarray):  # DatetimeArray: its numpy values, or
                values = getattr(values, "_ndarray", None)  # for a time zone, in UTC
                if values is None or values.dtype.kind != "M":
                    values = np.asarray(self.index_array.as_unit("ns").asi8).view("M8[ns]")
            self._i8 = values.astype("datetime64[ns]", copy=False).view("i8")
        return self._i8

    def column(self, name: Any) -> Array:
        """One column's array (raises ``KeyError`` when there is no such column)."""
        try:
            i = self._names.index(name)
        except ValueError:
            raise KeyError(name) from None
        return self.arrays[i]

    def numeric(self, name: Any) -> np.ndarray:
        """One column as a float array (missing values as NaN)."""
        values = self.column(name)
        if isinstance(values, np.ndarray) and values.dtype.kind == "f":
            return values
        if isinstance(values, np.ndarray) and values.dtype.kind in "iub":
            return values.astype(float)
        return pd.Series(values, copy=False).to_numpy(dtype=float, na_value=np.nan)

    def series(self, name: Any) -> pd.Series:
        """One column as a pandas Series (positional index)."""
        return pd.Series(self.column(name), name=name, copy=False)

    def __contains__(self, name: Any) -> bool:
        return name in self._names

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (made once, then cached; do not change it)."""
        if self._frame is None:
            self._load()
            index = self._index if isinstance(self._index, pd.Index) else \
                pd.Index(self._index, name=self._index_name, copy=False)
            self._frame = pd.DataFrame(dict(zip(range(len(self._names)), self._arrays or ())),
                                       index=index, copy=False)
            self._frame.columns = pd.Index(self._names) if self._names else \
                pd.RangeIndex(0)
        return self._frame

    # -- new rows from these --------------------------------------------------------------
    def __getitem__(self, key: slice) -> "Rows":
        """Rows ``key.start`` to ``key.stop`` (a plain slice)."""
        start, stop, step = key.indices(self._length)
        if start == 0 and stop == self._length and step == 1:
            return self
        # sliced when (and if) a column or the frame is wanted
        base, key = self, slice(start, stop, step)
        if self._base is not None and step == 1 and self._base[1].step in (None, 1):
            # a slice of a slice is one slice of the original: no chain to walk later
            base, outer = self._base
            offset = outer.start or 0
            key = slice(offset + start, offset + max(start, stop))
        rows = Rows.__new__(Rows)
        rows._frame = rows._arrays = rows._index = rows._i8 = None
        rows._names, rows._index_name = self._names, None
        rows._length = len(range(start, stop, step))
        rows._base = (base, key)
        return rows

    def take(self, where: np.ndarray) -> "Rows":
        """The rows at ``where``: positions, or a boolean mask."""
        if where.dtype.kind == "b":
            if where.all():
                return self
            where = np.flatnonzero(where)
            if len(where) == 0:
                return self[0:0]
            first, last = int(where[0]), int(where[-1])
            if last - first + 1 == len(where):
                return self[first:last + 1]  # a run of rows: a slice, as pandas makes of it
        self._load()
        assert self._arrays is not None
        return Rows(self._index.take(where), self._names, [a.take(where) for a in self._arrays],
                    self._index_name)

    def select(self, names: Iterable[Any]) -> "Rows":
        names = tuple(names)
        if names == self._names:
            return self
        self._load()
        return Rows(self._index, names, [self.column(n) for n in names], self._index_name)

    def assign(self, name: Any, values: Array) -> "Rows":
        """These rows with column ``name`` set to ``values`` (added last when new)."""
        self._load()
        arrays = list(self.arrays)
        names = list(self._names)
        if name in names:
            arrays[names.index(name)] = values
        else:
            names.append(name)
            arrays.append(values)
        return Rows(self._index, names, arrays, self._index_name)

    @staticmethod
    def concat(parts: Sequence["Rows"]) -> "Rows":
        """The rows of ``parts`` one after another (all with the same columns)."""
        parts = [p for p in parts if len(p)] or list(parts[:1])
        if len(parts) == 1:
            return parts[0]
        first = parts[0]
        if any(p._names != first._names for p in parts):  # the columns changed mid-stream
            return Rows.of(pd.concat([p.frame for p in parts]))
        for p in parts:
            p._load()
        indexes = [p._index for p in parts]
        index = indexes[0].append(indexes[1:]) if all(isinstance(i, pd.Index) for i in indexes) \
            else _concat_arrays([i._values if isinstance(i, pd.Index) else i for i in indexes])
        return Rows(index, first._names,
                    [_concat_arrays([p.arrays[i] for p in parts])
                     for i in range(len(first._names))], first._index_name)

    def __repr__(self) -> str:
        return f"Rows({self._length} rows, columns={list(self._names)})"
