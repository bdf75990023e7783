"""Rows kept in arrival order as a queue of batches: cheap appends and cheap front drops."""
from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator

import numpy as np
import pandas as pd

from ..rows import Rows


class RowQueue:
    """Rows held in pieces (the batches as they came), so that appending a batch or
    dropping the oldest rows costs the size of the change, not the size of the whole."""

    def __init__(self, stamped: bool = False) -> None:
        self._chunks: deque[Rows] = deque()
        self.n = 0  # rows held, as len() gives it (read only; an attribute: see Rows.n)
        self._schema: Rows | None = None  # rows with the columns, for "no rows" answers
        self._empty: Rows | None = None   # made from it when asked
        # stamped (rows indexed by time): each piece's first and last index value (int64
        # ns), as Python ints, so that a time window finds the rows to expire without
        # reading pieces that came long ago (and have left the CPU's caches)
        self._stamps: deque[tuple[int, int]] | None = deque() if stamped else None

    def __len__(self) -> int:
        return self.n

    def empty(self) -> Rows:
        """Rows with the columns and no rows."""
        if self._schema is None:
            return Rows.of(pd.DataFrame())
        if self._empty is None:
            self._empty = self._schema.none()
        return self._empty

    def append(self, rows: Rows, stamps: tuple[int, int] | None = None) -> None:
        """Add ``rows`` at the end (``stamps``: their first and last index values, when
        the caller has them at hand)."""
        schema = self._schema
        if schema is None or (not schema.names and rows.names):
            self._schema, self._empty = rows, None
        n = rows.n
        if n:
            self._chunks.append(rows)
            self.n += n
            if self._stamps is not None:
                if stamps is None:
                    times = rows.index_i8
                    stamps = (int(times[0]), int(times[-1]))
                self._stamps.append(stamps)

    def replace(self, rows: Rows) -> None:
        """Hold exactly ``rows`` from now on."""
        self._chunks.clear()
        if self._stamps is not None:
            self._stamps.clear()
        self.n = 0
        self._schema, self._empty = rows, None
        self.append(rows)

    def stamped_chunks(self) -> Iterator[tuple[Rows, tuple[int, int]]]:
        """The pieces with their first and last index values, oldest first (a stamped
        queue only; no copy: do not change the queue while iterating)."""
        assert self._stamps is not None
        return zip(self._chunks, self._stamps)

    def rows(self) -> Rows:
        """All rows as one piece (kept as the single piece afterwards)."""
        if len(self._chunks) == 0:
            return self.empty()
        if len(self._chunks) > 1:
            self._chunks = deque([Rows.concat(list(self._chunks))])
            if self._stamps is not None:
                self._stamps = deque([(self._stamps[0][0], self._stamps[-1][1])])
        return self._chunks[0]

    def frame(self) -> pd.DataFrame:
        return self.rows().frame

    def pop_front(self, n: int) -> Rows:
        """Remove and return the ``n`` oldest rows."""
        chunks = self._chunks
        if n > 0 and chunks and chunks[0].n == n:  # the oldest piece, whole (the usual):
            if self._stamps is not None:  # as _pop_head, without the call
                self._stamps.popleft()
            self.n -= n
            return chunks.popleft()
        taken: list[Rows] = []
        while n > 0 and chunks:
            if chunks[0].n <= n:
                taken.append(self._pop_head())
                n -= taken[-1].n
            else:
                taken.append(self._cut_head(n))
                n = 0
        if not taken:
            return self.empty()
        return taken[0] if len(taken) == 1 else Rows.concat(taken)

    def pop_through(self, cutoff: int) -> Rows:
        """Remove and return the oldest rows, those whose index is at or before ``cutoff``
        (int64 ns), when the held index is sorted (a stamped queue only): whole pieces by
        their last time, and only the piece the run ends in is read (in one pass: the count
        and the drop)."""
        stamps = self._stamps
        assert stamps is not None
        if not stamps or stamps[0][0] > cutoff:  # nothing to expire
            return self.empty()
        if stamps[0][1] <= cutoff and (len(stamps) == 1 or stamps[1][0] > cutoff):
            return self._pop_head()  # the oldest piece, whole, and no more (the usual)
        taken: list[Rows] = []
        while stamps and stamps[0][1] <= cutoff:
            taken.append(self._pop_head())
        if stamps and stamps[0][0] <= cutoff:
            times = self._chunks[0].index_i8
            taken.append(self._cut_head(int(times.searchsorted(cutoff, side="right"))))
        return taken[0] if len(taken) == 1 else Rows.concat(taken)

    def _pop_head(self) -> Rows:
        """Remove and return the oldest piece, whole."""
        if self._stamps is not None:
            self._stamps.popleft()
        head = self._chunks.popleft()
        self.n -= head.n
        return head

    def _cut_head(self, n: int) -> Rows:
        """Remove and return the ``n`` oldest rows of the oldest piece (fewer than it
        holds); the piece keeps the rest, and its first time when stamped."""
        head = self._chunks[0]
        self._chunks[0] = head[n:]
        if self._stamps is not None:
            self._stamps[0] = (int(head.index_i8[n]), self._stamps[0][1])
        self.n -= n
        return head[:n]

    def delete(self, mask: np.ndarray) -> Rows:
        """Remove and return the rows where ``mask`` (one flag per row, in order) is set."""
        whole = self.rows()
        gone = whole.take(np.flatnonzero(mask))
        self.replace(whole.take(np.flatnonzero(~mask)))
        return gone

    def matching(self, rows: Rows, columns: list[object] | None = None) -> np.ndarray:
        """One flag per held row: set for the earliest rows equal to ``rows`` (index and
        ``columns``, by default all), each row of ``rows`` matching at most one held row.

        Used only when rows leave from the middle: a row has no identity besides its
        content, and equal rows are interchangeable.
        """
        mask = np.zeros(self.n, dtype=bool)
        if len(rows) == 0 or self.n == 0:
            return mask
        whole = self.frame()
        columns = list(whole.columns) if columns is None else columns
        wanted = Counter(_row_hashes(rows.frame[columns]).tolist())
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
