"""The rows a node keeps: appended in batches, dropped from the front, joined lazily."""
from __future__ import annotations

import pandas as pd

from ..rows import Rows
from ..steps.rowqueue import RowQueue


class Retained:
    """A bounded sequence of rows stored as batches, so that appending costs O(batch).

    ``limit`` bounds the rows kept (``None``: unbounded, used for windows, which bound
    themselves). ``frame()`` joins the batches on demand.
    """

    def __init__(self, limit: int | None = None):
        self.limit = limit
        self._queue = RowQueue()

    def __len__(self) -> int:
        return len(self._queue)

    def append(self, rows: Rows) -> None:
        self._queue.append(rows)
        if self.limit is not None and len(self._queue) > self.limit:
            self._queue.pop_front(len(self._queue) - self.limit)

    def drop_front(self, count: int) -> None:
        if count > 0:
            self._queue.pop_front(count)

    def replace(self, rows: Rows) -> None:
        self._queue.replace(rows)
        if self.limit is not None and len(self._queue) > self.limit:
            self._queue.pop_front(len(self._queue) - self.limit)

    def rows(self) -> Rows:
        return self._queue.rows()

    def frame(self) -> pd.DataFrame:
        return self._queue.frame()
