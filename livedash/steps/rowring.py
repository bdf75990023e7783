"""The input rows a grouped step holds, column by column in numpy arrays."""
from __future__ import annotations

import numpy as np


class RowRing:
    """Group codes (and some value columns) of the input's current rows, oldest first.

    Appending and dropping the oldest rows cost the size of the change: the arrays
    grow by doubling and the front is dropped by moving a start offset.
    """

    def __init__(self, columns: dict[str, np.dtype]):
        self._dtypes = {"__code__": np.dtype(np.int64), **columns}
        self._data = {name: np.empty(64, dtype=dt) for name, dt in self._dtypes.items()}
        self._start = 0
        self._stop = 0

    def __len__(self) -> int:
        return self._stop - self._start

    def column(self, name: str) -> np.ndarray:
        """A view of the held values of ``name`` (``__code__`` for the group codes)."""
        return self._data[name][self._start:self._stop]

    def codes(self) -> np.ndarray:
        return self.column("__code__")

    def append(self, codes: np.ndarray, values: dict[str, np.ndarray]) -> None:
        n = len(codes)
        if n == 0:
            return
        capacity = len(self._data["__code__"])
        if self._stop + n > capacity:
            size = len(self) + n
            new_capacity = max(64, capacity)
            while new_capacity < 2 * size:  # room to spare, so moves stay rare
                new_capacity *= 2
            for name, array in self._data.items():
                fresh = np.empty(new_capacity, dtype=self._dtypes[name])
                fresh[:len(self)] = array[self._start:self._stop]
                self._data[name] = fresh
            self._start, self._stop = 0, size - n
        self._data["__code__"][self._stop:self._stop + n] = codes
        for name, array in values.items():
            self._data[name][self._stop:self._stop + n] = array
        self._stop += n

    def recode(self, lut: np.ndarray) -> None:
        """Give every held row the code ``lut[code]`` (a missing key, -1, stays -1)."""
        codes = self.codes()
        codes[:] = np.where(codes >= 0, lut[np.maximum(codes, 0)], -1)

    def drop_front(self, n: int) -> None:
        self._start = min(self._start + n, self._stop)

    def clear(self) -> None:
        self._start = self._stop = 0
