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


_M8NS = np.dtype("M8[ns]")


def _names_of(columns: pd.Index) -> tuple[Any, ...]:
    """Column names as a tuple of Python objects, as ``columns.tolist()`` gives them."""
    values = columns._values
    data = getattr(values, "_ndarray", values)  # str/object: no copy
    if isinstance(data, np.ndarray) and data.dtype == object:
        return tuple(data.tolist())
    return tuple(columns.tolist())


def _frame_column(frame: pd.DataFrame, i: int) -> Array:
    """Column ``i`` of ``frame`` as pandas holds it (one column, no Series made)."""
    try:  # found by each block's own positions (the frame's position map is built lazily
        # and costs more than the search, on a frame that is read once)
        for block in frame._mgr.blocks:
            where = block._mgr_locs.indexer  # the attribute behind mgr_locs
            if isinstance(where, slice):
                start, step = where.start or 0, where.step or 1
                if not (start <= i < where.stop and (i - start) % step == 0):
                    continue
                k = (i - start) // step
            else:
                hits = np.flatnonzero(where == i)
                if not len(hits):
                    continue
                k = int(hits[0])
            values = block.values
            return values[k] if getattr(values, "ndim", 1) == 2 else values
    except Exception:  # noqa: BLE001 - a pandas whose internals differ: the public way
        pass
    return frame.iloc[:, i].array


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


def _pick(values: Any, key: "slice | np.ndarray") -> Any:
    """``values`` (an array or an Index) at ``key``: a slice, or positions."""
    return values[key] if isinstance(key, slice) else values.take(key)


class Rows:
    """An immutable batch of rows: an index, column names and one array per column.

    Build one with :meth:`of` (a DataFrame, kept as it is until a column is needed) or
    with the constructor (arrays). Every operation returns a new ``Rows``; slicing,
    taking, selecting and concatenating are recorded and carried out per column, only
    for the columns someone reads (a filter on ``value`` never copies the other columns
    of the rows it drops).

    ``n`` is the number of rows, as ``len(rows)`` gives it, and ``names`` the column names
    in order (a tuple); both are attributes, read only, for the code a batch runs through,
    which asks for them ~20 times a batch (a Python ``__len__`` or property costs ~600
    instructions a call, the attribute ~20).
    """

    __slots__ = ("_frame", "names", "_arrays", "_index", "_index_name", "n",
                 "_i8", "_base", "_parts", "_cols", "_set", "_memo")

    def __init__(self, index: Array, names: Sequence[Any], arrays: Sequence[Array],
                 index_name: Any = None):
        self._frame: pd.DataFrame | None = None
        self.names = tuple(names)
        self._arrays: tuple[Array, ...] | None = tuple(arrays)
        self._index: Array | None = index
        self._index_name = index_name
        self.n = len(index)  # rows (read only)
        self._i8: np.ndarray | None = None
        # lazily: rows ``key`` (a slice or positions) of ``base``, or ``parts`` end to end
        self._base: tuple[Rows, slice | np.ndarray] | None = None
        self._parts: tuple[Rows, ...] | None = None
        self._cols: dict[Any, Array] | None = None  # columns read so far, when lazy
        self._set = False  # some column was set on these rows, not read from the base
        self._memo: dict[Any, Any] | None = None  # see memo()

    @classmethod
    def _blank(cls, names: tuple[Any, ...], length: int) -> "Rows":
        rows = cls.__new__(cls)
        rows._frame = rows._arrays = rows._index = rows._i8 = None
        rows._base = rows._parts = rows._cols = rows._memo = None
        rows._set = False
        rows.names, rows._index_name, rows.n = names, None, length
        return rows

    @classmethod
    def of(cls, frame: "pd.DataFrame | Rows") -> "Rows":
        """``frame`` as rows; the frame itself is what :attr:`frame` gives back."""
        if isinstance(frame, Rows):
            return frame
        rows = cls._blank(_names_of(frame.columns), len(frame.index))
        rows._frame = frame
        return rows

    def none(self) -> "Rows":
        """No rows, these columns (``rows[0:0]``, without the slice's checks)."""
        if not self.n:
            return self
        if self._base is not None and not self._set:  # a pick of a pick: one pick
            return self._at(slice(0, 0), 0)
        rows = Rows._blank(self.names, 0)  # as _at, without the call (a source's every batch)
        rows._base = (self, slice(0, 0))
        return rows

    # -- what is held ---------------------------------------------------------------------
    def __len__(self) -> int:
        return self.n

    @property
    def columns(self) -> tuple[Any, ...]:
        """Column names, in order: :attr:`names`, under a DataFrame's name for code that
        takes either (``steps.columns.require``)."""
        return self.names

    @property
    def _lazy(self) -> bool:
        return self._arrays is None and (self._base is not None or self._parts is not None)

    def _load(self) -> None:
        if self._arrays is not None:
            return
        if self._lazy:
            arrays = tuple(self.column(n) for n in self.names)
            index: Any
            if self._base is not None:
                base, key = self._base
                base._load()
                index, self._index_name = _pick(base._index, key), base._index_name
            else:
                assert self._parts is not None
                for part in self._parts:
                    part._load()
                indexes = [p._index for p in self._parts]
                index = indexes[0].append(indexes[1:]) \
                    if all(isinstance(i, pd.Index) for i in indexes) else \
                    _concat_arrays([i._values if isinstance(i, pd.Index) else i
                                    for i in indexes])
                self._index_name = self._parts[0]._index_name
            self._index, self._arrays = index, arrays
            self._base = self._parts = self._cols = None
            return
        frame = self._frame
        assert frame is not None
        self._unique_names()
        self._arrays = tuple(_column_arrays(frame))
        self._cols = None
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
        if self._arrays is None and self._frame is not None:  # rows made by of: not lazy
            return self._frame.index._values  # the columns need not be looked at
        self._load()
        index = self._index
        return index._values if isinstance(index, pd.Index) else index

    @property
    def index_name(self) -> Any:
        if self._base is not None:
            return self._base[0].index_name
        if self._parts is not None:
            return self._parts[0].index_name
        if self._arrays is None and self._frame is not None:  # the columns need not be read
            return self._frame.index.name
        self._load()
        return self._index_name

    @property
    def is_time(self) -> bool:
        """True when the index holds timestamps."""
        if self._base is not None:
            return self._base[0].is_time
        if self._parts is not None:
            return all(p.is_time for p in self._parts)
        if self._frame is not None and self._arrays is None:
            return isinstance(self._frame.index, pd.DatetimeIndex)
        return isinstance(self.index_array.dtype, pd.DatetimeTZDtype) or \
            self.index_array.dtype.kind == "M"

    @property
    def index_i8(self) -> np.ndarray:
        """A time index as int64 nanoseconds (NaT is the smallest int64)."""
        if self._i8 is not None:
            return self._i8
        if self._base is not None:
            base, key = self._base
            self._i8 = _pick(base.index_i8, key)
        elif self._parts is not None:
            self._i8 = np.concatenate([p.index_i8 for p in self._parts])
        if self._i8 is None:
            frame = self._frame  # rows of a frame: its index read at once (index_array)
            values = frame.index._values if frame is not None and self._arrays is None \
                else self.index_array
            if not isinstance(values, np.ndarray):  # DatetimeArray: its numpy values, or
                values = getattr(values, "_ndarray", None)  # for a time zone, in UTC
                if values is None or values.dtype.kind != "M":
                    values = np.asarray(self.index_array.as_unit("ns").asi8).view("M8[ns]")
            self._i8 = (values if values.dtype == _M8NS else values.astype(_M8NS)).view("i8")
        return self._i8

    def memo(self) -> dict[Any, Any]:
        """A place for what is computed from these rows alone, kept with them: rows never
        change, so it stays right (the sum of a column, taken as rows enter a window, is
        the sum to take out when they leave)."""
        memo = self._memo
        if memo is None:
            memo = self._memo = {}
        return memo

    def column(self, name: Any) -> Array:
        """One column's array (raises ``KeyError`` when there is no such column)."""
        cols = self._cols
        if cols is not None and name in cols:  # read before
            return cols[name]
        if name not in self.names:
            raise KeyError(name)
        if self._arrays is not None:
            return self._arrays[self.names.index(name)]
        if self._base is not None or self._parts is not None:  # lazy (_lazy, inlined)
            cols = self._cols if self._cols is not None else {}
            values = cols.get(name)
            if values is None:
                if self._base is not None:
                    base, key = self._base
                    values = _pick(base.column(name), key)
                else:
                    assert self._parts is not None
                    values = _concat_arrays([p.column(name) for p in self._parts])
                cols[name] = values
                self._cols = cols
            return values
        if self._frame is not None:  # read one column of the frame, not all of them
            cols = self._cols
            if cols is None:
                self._unique_names()
                cols = self._cols = {}
            values = cols.get(name)
            if values is None:
                values = cols[name] = _frame_column(self._frame, self.names.index(name))
            return values
        self._load()
        assert self._arrays is not None
        return self._arrays[self.names.index(name)]

    def _unique_names(self) -> None:
        if len(set(self.names)) != len(self.names):
            frame = self._frame
            dup = frame.columns[frame.columns.duplicated()] if frame is not None else ()
            raise ValueError("the data has two columns named alike ("
                             + ", ".join(map(str, dup))
                             + "): give every column its own name")

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
        return name in self.names

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (made once, then cached; do not change it)."""
        if self._frame is None:
            self._load()
            index = self._index if isinstance(self._index, pd.Index) else \
                pd.Index(self._index, name=self._index_name, copy=False)
            self._frame = pd.DataFrame(dict(zip(range(len(self.names)), self._arrays or ())),
                                       index=index, copy=False)
            self._frame.columns = pd.Index(self.names) if self.names else \
                pd.RangeIndex(0)
        return self._frame

    # -- new rows from these --------------------------------------------------------------
    def _at(self, key: "slice | np.ndarray", length: int,
            names: tuple[Any, ...] | None = None) -> "Rows":
        """Rows ``key`` of these (a step-1 slice or positions), made when read."""
        base = self
        if self._base is not None and not self._set:
            # a pick of a pick is one pick of the original
            base, outer = self._base
            if isinstance(outer, slice):
                offset = outer.start or 0
                key = slice(offset + key.start, offset + key.stop) if isinstance(key, slice) \
                    else key + offset
            else:
                key = outer[key]
        rows = Rows._blank(self.names if names is None else names, length)
        rows._base = (base, key)
        return rows

    def __getitem__(self, key: slice) -> "Rows":
        """Rows ``key.start`` to ``key.stop`` (a plain slice)."""
        start, stop, step = key.indices(self.n)
        if start == 0 and stop == self.n and step == 1:
            return self
        if step != 1:
            return self.take(np.arange(start, stop, step))
        stop = max(start, stop)
        return self._at(slice(start, stop), stop - start)

    def take(self, where: np.ndarray) -> "Rows":
        """The rows at ``where``: positions, or a boolean mask."""
        if where.dtype.kind == "b":
            count = np.count_nonzero(where)
            if count == len(where):
                return self
            if count == 0:
                return self.none()
            where = np.flatnonzero(where)
            first, last = int(where[0]), int(where[-1])
            if last - first + 1 == len(where):
                return self[first:last + 1]  # a run of rows: a slice, as pandas makes of it
        return self._at(np.asarray(where, dtype=np.intp), len(where))

    def select(self, names: Iterable[Any]) -> "Rows":
        names = tuple(names)
        if names == self.names:
            return self
        for name in names:
            if name not in self.names:
                raise KeyError(name)
        if self._arrays is not None:
            return Rows(self._index, names, [self.column(n) for n in names], self._index_name)
        return self._at(slice(0, self.n), self.n, names)

    def assign(self, name: Any, values: Array) -> "Rows":
        """These rows with column ``name`` set to ``values`` (added last when new)."""
        if self._arrays is None:
            # the other columns are read from these rows when (and if) wanted
            names = self.names if name in self.names else (*self.names, name)
            rows = Rows._blank(names, self.n)
            rows._base = (self, slice(0, self.n))
            rows._cols = {name: values}
            rows._set = True
            return rows
        self._load()
        arrays = list(self.arrays)
        names = list(self.names)
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
        if any(p.names != first.names for p in parts):  # the columns changed mid-stream
            return Rows.of(pd.concat([p.frame for p in parts]))
        rows = Rows._blank(first.names, sum(len(p) for p in parts))
        rows._parts = tuple(parts)
        return rows

    def __repr__(self) -> str:
        return f"Rows({self.n} rows, columns={list(self.names)})"
