"""Row-wise steps (filter, select, derive): one function applied to every part of a delta.

Rows leave a step's input after they arrived in it, so a row-wise step has already
treated every row that leaves: it keeps what it made of each batch (the output rows,
and for a filter which input rows it kept) and hands those out again as the removed
rows, instead of evaluating its expressions a second time. It starts keeping them once
rows have left at all (an endless stream with no window keeps nothing), never for more
than ``MEMO_ROWS`` input rows, and only for rows its input still holds.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..delta import Delta
from ..rows import Rows

# What a row-wise function makes of some rows: the output rows, and the input rows kept
# (a boolean mask, for a filter) or None when every input row gives one output row.
Made = tuple[Rows, np.ndarray | None]
RowFunction = Callable[[Rows], Made]

MEMO_ROWS = 1_000_000  # input rows whose output is kept at most


class _Batch(NamedTuple):
    """What the step made of one batch of input rows it still holds the output of."""

    rows: int                 # input rows
    out: Rows                 # the output made of them
    kept: np.ndarray | None   # which input rows gave an output row (None: all, one each)


class RowwiseStep:
    """Applies ``function`` to ``added``, ``removed`` and ``result`` alike.

    Because the function treats each row on its own, the removed rows of the output are
    still the oldest ones whenever they were in the input, so the delta keeps its shape.
    """

    def __init__(self, function: RowFunction):
        self.function = function
        self._made: deque[_Batch] = deque()  # the newest held input rows' output, in order
        self._made_rows = 0    # input rows in ``_made``
        self._unmade = 0       # the oldest held input rows, whose output is not kept
        self._keeping = False  # rows have left the input: keep outputs from now on

    def _apply(self, rows: Rows) -> Made:
        # Rows with neither rows nor columns (an idle tick) have nothing to check.
        if len(rows) == 0 and len(rows.names) == 0:
            return rows, None
        return self.function(rows)

    def __call__(self, rows: Rows) -> Rows:
        return self._apply(rows)[0]

    def update(self, delta: Delta) -> Delta:
        if not delta.is_rows:
            assert delta.result_rows is not None
            out, kept = self._apply(delta.result_rows)
            self._restart(len(delta.result_rows), out, kept)
            return Delta.whole(out)
        added, removed = delta.added_rows, delta.removed_rows
        assert added is not None and removed is not None
        if delta.result_rows is not None:  # rows left from the middle: start again
            result = delta.result_rows
            out, kept = self._apply(result)
            changed = Delta(self(added), self(removed), out)
            self._keeping = True
            self._restart(len(result), out, kept)
            return changed
        out_added, kept = self._apply(added)  # first: a failure changes nothing
        out_removed = self._leave(removed) if len(removed) else out_added.none()
        self._arrive(len(added), out_added, kept)
        return Delta(out_added, out_removed)

    # -- what the step keeps --------------------------------------------------------------
    def _restart(self, rows: int, out: Rows, kept: np.ndarray | None) -> None:
        """The input now holds exactly ``rows`` rows, whose output is ``out``."""
        self._made.clear()
        self._made_rows = self._unmade = 0
        self._arrive(rows, out, kept)

    def _arrive(self, rows: int, out: Rows, kept: np.ndarray | None) -> None:
        if not rows:
            return
        if not self._keeping:
            self._unmade += rows
            return
        self._made.append(_Batch(rows, out, kept))
        self._made_rows += rows
        while self._made_rows > MEMO_ROWS:
            oldest = self._made.popleft()
            self._made_rows -= oldest.rows
            self._unmade += oldest.rows

    def _leave(self, removed: Rows) -> Rows:
        """The output of ``removed`` (some rows), the oldest held input rows: what was made
        of them."""
        n = len(removed)
        fresh = min(n, self._unmade)
        parts = [self(removed[0:fresh])] if fresh else []
        self._unmade -= fresh
        self._keeping = True
        k = n - fresh
        while k and self._made:
            batch = self._made[0]
            if batch.rows <= k:
                self._made.popleft()
                parts.append(batch.out)
                k -= batch.rows
                self._made_rows -= batch.rows
                continue
            m = k if batch.kept is None else int(np.count_nonzero(batch.kept[:k]))
            parts.append(batch.out[0:m])
            self._made[0] = _Batch(batch.rows - k, batch.out[m:],
                                   None if batch.kept is None else batch.kept[k:])
            self._made_rows -= k
            k = 0
        if k:  # more rows left than the step knows of: make their output again
            parts.append(self(removed[n - k:]))
        return Rows.concat(parts)
