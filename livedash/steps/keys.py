"""Group keys as small integers, so that per-group state lives in numpy arrays."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

SMALL = 64  # rows up to which encoding goes row by row
_INT64 = (-2 ** 63, 2 ** 63 - 1)


def _normal(column: Any) -> Any:
    """Times as pandas arrays: their items are Timestamps whichever way they are read
    (numpy's ``tolist`` gives plain integers for nanoseconds)."""
    if isinstance(column, np.ndarray) and column.dtype.kind in "mM":
        return pd.array(column)
    return column


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (
        isinstance(value, float) and value != value)


class KeyEncoder:
    """Gives every distinct key (a tuple of values) a code 0, 1, 2, ... for good.

    Rows with a missing value in any key column get ``-1``: pandas drops them from a
    groupby (``dropna=True``), and so do we.
    """

    def __init__(self) -> None:
        self.codes: dict[tuple[Any, ...], int] = {}
        self.keys: list[tuple[Any, ...]] = []
        self.top: int | None = None  # after encode: the largest code, if none is -1
        self.single: dict[Any, int] = {}  # one-column keys by their value: no tuples
        # While every key is one integer (time buckets, integer columns), the keys by
        # code as int64 too (room grows by doubling): sorted and read with numpy.
        self._ints: np.ndarray | None = np.empty(64, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.keys)

    def _code(self, key: tuple[Any, ...]) -> int:
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = len(self.keys)
            self.keys.append(key)
            if len(key) == 1:
                self.single[key[0]] = code
            if self._ints is not None:
                self._note_int(code, key)
        return code

    def _note_int(self, code: int, key: tuple[Any, ...]) -> None:
        ints = self._ints
        assert ints is not None
        value = key[0]
        if len(key) != 1 or not isinstance(value, (int, np.integer)) or \
                isinstance(value, bool) or not _INT64[0] <= value <= _INT64[1]:
            self._ints = None  # for good: keys of other kinds are sorted by Python
            return
        if code >= len(ints):
            self._ints = ints = np.concatenate([ints, np.empty(len(ints), dtype=np.int64)])
        ints[code] = value

    def encode(self, columns: Sequence[Any]) -> np.ndarray:
        """One code per row for key ``columns`` (arrays, Series or Indexes of equal length)."""
        self.top = None
        columns = [_normal(c) for c in columns]
        n = len(columns[0]) if columns else 0
        if len(columns) == 1 and n:
            return self._encode_one(columns[0], n)
        if n <= SMALL:
            return self._encode_rows(columns, n)
        # Factorizing first means the Python-level dict work is per distinct key in the
        # chunk, not per row.
        factored = [pd.factorize(np.asarray(c) if isinstance(c, list) else c) for c in columns]
        n = len(factored[0][0]) if factored else 0
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        if len(factored) == 1:
            local, uniques = factored[0]
            lut = np.fromiter((self._code((u,)) for u in uniques), np.int64, len(uniques))
            return np.where(local >= 0, lut[np.maximum(local, 0)] if len(lut) else -1, -1)
        missing = np.zeros(n, dtype=bool)
        combined = np.zeros(n, dtype=np.int64)
        for local, uniques in factored:
            missing |= local < 0
            combined = combined * max(len(uniques), 1) + np.maximum(local, 0)
        present, inverse = np.unique(combined[~missing], return_inverse=True)
        lut = np.empty(len(present), dtype=np.int64)
        for i, value in enumerate(present.tolist()):
            parts = []
            for local, uniques in reversed(factored):
                value, digit = divmod(value, max(len(uniques), 1))
                parts.append(uniques[digit])
            lut[i] = self._code(tuple(reversed(parts)))
        codes = np.full(n, -1, dtype=np.int64)
        codes[~missing] = lut[inverse.ravel()]
        return codes

    def _encode_one(self, column: Any, n: int) -> np.ndarray:
        """One key column: a dict look-up per value, or per run of equal values (time
        buckets come in runs)."""
        get = self.single.get
        if n > SMALL and isinstance(column, np.ndarray) and column.dtype.kind in "iu":
            starts = np.flatnonzero(column[1:] != column[:-1])
            if len(starts) < n // 8:
                edges = np.empty(len(starts) + 2, dtype=np.intp)  # where each run begins
                edges[0], edges[-1] = 0, n
                edges[1:-1] = starts + 1
                lengths = edges[1:] - edges[:-1]
                return np.repeat(self.encode_runs(column[edges[:-1]].tolist()), lengths)
        values = column.tolist() if hasattr(column, "tolist") else list(column)
        found = list(map(get, values))
        whole = True
        if None in found:  # new keys, or missing ones
            for i, f in enumerate(found):
                if f is None:
                    value = values[i]
                    if _missing(value):
                        found[i] = -1
                        whole = False
                    else:
                        found[i] = self._code((value,))
        codes = np.array(found, dtype=np.int64)
        if whole:
            self.top = max(found) if n <= SMALL else int(codes.max())
        return codes

    def encode_runs(self, values: list[Any]) -> np.ndarray:
        """The codes of one key column's runs of equal values, given as each run's value
        (none missing): repeat each over its run for the rows' codes."""
        get = self.single.get
        found = [get(v) for v in values]
        if None in found:
            found = [self._code((v,)) if f is None else f for v, f in zip(values, found)]
        self.top = max(found) if found else None
        return np.array(found, dtype=np.int64)

    def _encode_rows(self, columns: Sequence[Any], n: int) -> np.ndarray:
        """Row by row: for a few rows a dict look-up beats pandas' fixed costs."""
        lists = [c.tolist() if hasattr(c, "tolist") else list(c) for c in columns]
        get = self.codes.get
        if len(lists) == 1:  # the common case: one key column, every key already known
            found = [get((v,)) for v in lists[0]]
            if None not in found:
                if found:
                    self.top = max(found)
                return np.array(found, dtype=np.int64)
        codes = np.empty(n, dtype=np.int64)
        for i, key in enumerate(zip(*lists)):
            code = self.codes.get(key)
            if code is None:
                code = -1 if any(_missing(k) for k in key) else self._code(key)
            codes[i] = code
        return codes

    def keep(self, codes: np.ndarray) -> None:
        """Forget every key but those of ``codes``, which become 0, 1, 2 ... in order."""
        self.keys = [self.keys[c] for c in codes.tolist()]
        self.codes = {key: i for i, key in enumerate(self.keys)}
        self.single = {key[0]: i for i, key in enumerate(self.keys) if len(key) == 1}
        if self._ints is not None:
            self._ints = np.concatenate([self._ints[codes], np.empty(len(codes) + 64, np.int64)])
        self.top = None

    def sorted_codes(self, codes: np.ndarray) -> np.ndarray:
        """``codes`` ordered by their keys, as ``groupby(sort=True)`` orders groups."""
        if self._ints is not None:
            return codes[np.argsort(self._ints[codes], kind="stable")]
        keys = self.keys
        return np.array(sorted(codes.tolist(), key=keys.__getitem__), dtype=np.int64)

    def key_column(self, codes: np.ndarray, position: int) -> Any:
        """The keys' values in column ``position``, for ``codes`` (a list, or int64)."""
        if self._ints is not None:
            return self._ints[codes]
        return [self.keys[c][position] for c in codes.tolist()]
