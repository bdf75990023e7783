"""Rows kept in arrival order as a queue of frames: cheap appends and cheap front drops."""
from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd


class RowQueue:
    """A frame held in pieces, so that appending a chunk or dropping the oldest rows
    costs the size of the change, not the size of the frame."""

    def __init__(self) -> None:
        self._chunks: deque[pd.DataFrame] = deque()
        self._len = 0
        self._empty: pd.DataFrame | None = None  # the schema, for "no rows" answers

    def __len__(self) -> int:
        return self._len

    def empty(self) -> pd.DataFrame:
        """A frame with the columns and no rows."""
        return self._empty if self._empty is not None else pd.DataFrame()

    def append(self, frame: pd.DataFrame) -> None:
        if self._empty is None or len(self._empty.columns) == 0:
            self._empty = frame.iloc[:0]
        if len(frame):
            self._chunks.append(frame)
            self._len += len(frame)

    def replace(self, frame: pd.DataFrame) -> None:
        """Hold exactly ``frame`` from now on."""
        self._chunks.clear()
        self._len = 0
        self.append(frame)

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The pieces, oldest first (no copy: do not change the queue while iterating)."""
        return iter(self._chunks)

    def last_index(self) -> Any:
        return self._chunks[-1].index[-1] if self._chunks else None

    def frame(self) -> pd.DataFrame:
        """All rows as one frame (kept as the single chunk afterwards)."""
        if len(self._chunks) == 0:
            return self.empty()
        if len(self._chunks) > 1:
            whole = pd.concat(list(self._chunks))
            self._chunks = deque([whole])
        return self._chunks[0]

    def pop_front(self, n: int) -> pd.DataFrame:
        """Remove and return the ``n`` oldest rows."""
        taken: list[pd.DataFrame] = []
        while n > 0 and self._chunks:
            head = self._chunks[0]
            if len(head) <= n:
                taken.append(self._chunks.popleft())
                n -= len(head)
                self._len -= len(head)
            else:
                taken.append(head.iloc[:n])
                self._chunks[0] = head.iloc[n:]
                self._len -= n
                n = 0
        if not taken:
            return self.empty()
        return taken[0] if len(taken) == 1 else pd.concat(taken)

    def delete(self, mask: np.ndarray) -> pd.DataFrame:
        """Remove and return the rows where ``mask`` (one flag per row, in order) is set."""
        whole = self.frame()
        gone = whole.iloc[np.flatnonzero(mask)]
        self.replace(whole.iloc[np.flatnonzero(~mask)])
        return gone

    def matching(self, rows: pd.DataFrame, columns: list[Any] | None = None) -> np.ndarray:
        """One flag per held row: set for the earliest rows equal to ``rows`` (index and
        ``columns``, by default all), each row of ``rows`` matching at most one held row.

        Used only when rows leave from the middle: a row has no identity besides its
        content, and equal rows are interchangeable.
        """
        mask = np.zeros(self._len, dtype=bool)
        if len(rows) == 0 or self._len == 0:
            return mask
        whole = self.frame()
        columns = list(whole.columns) if columns is None else columns
        wanted = Counter(_row_hashes(rows[columns]).tolist())
        for i, h in enumerate(_row_hashes(whole[columns]).tolist()):
            if wanted.get(h, 0) > 0:
                wanted[h] -= 1
                mask[i] = True
        return mask


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    if len(frame.columns) == 0:
        return pd.util.hash_pandas_object(frame.index).to_numpy()
    return pd.util.hash_pandas_object(frame, index=True).to_numpy()


def is_prefix(mask: np.ndarray) -> bool:
    """True when the set flags of ``mask`` are exactly its first ones."""
    n = int(mask.sum())
    return bool(mask[:n].all())
