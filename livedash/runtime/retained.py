"""The rows a node keeps: appended in chunks, dropped from the front, concatenated lazily."""
from __future__ import annotations

from collections import deque

import pandas as pd


class Retained:
    """A bounded sequence of rows stored as chunks, so that appending costs O(batch).

    ``limit`` bounds the rows kept (``None``: unbounded, used for windows, which bound
    themselves). ``frame()`` concatenates on demand and caches the result.
    """

    def __init__(self, limit: int | None = None):
        self.limit = limit
        self._chunks: deque[pd.DataFrame] = deque()
        self._length = 0
        self._cache: pd.DataFrame | None = None
        self._empty: pd.DataFrame = pd.DataFrame()

    def __len__(self) -> int:
        return self._length

    def append(self, rows: pd.DataFrame) -> None:
        if len(rows.columns) and not len(self._empty.columns):
            self._empty = rows.iloc[:0]
        if len(rows) == 0:
            return
        self._chunks.append(rows)
        self._length += len(rows)
        self._cache = None
        if self.limit is not None and self._length > self.limit:
            self.drop_front(self._length - self.limit)

    def drop_front(self, count: int) -> None:
        count = min(count, self._length)
        if count <= 0:
            return
        self._cache = None
        self._length -= count
        while count:
            head = self._chunks[0]
            if len(head) <= count:
                self._chunks.popleft()
                count -= len(head)
            else:
                self._chunks[0] = head.iloc[count:]
                count = 0

    def replace(self, frame: pd.DataFrame) -> None:
        self._chunks.clear()
        self._length = 0
        self._cache = None
        self._empty = frame.iloc[:0]
        if len(frame):
            self._chunks.append(frame)
            self._length = len(frame)
        if self.limit is not None and self._length > self.limit:
            self.drop_front(self._length - self.limit)

    def frame(self) -> pd.DataFrame:
        if self._cache is None:
            if not self._chunks:
                self._cache = self._empty
            elif len(self._chunks) == 1:
                self._cache = self._chunks[0]
            else:
                self._cache = pd.concat(list(self._chunks))
                self._chunks = deque([self._cache])
        return self._cache
