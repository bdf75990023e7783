"""Row-wise steps (filter, select, derive): one function applied to every part of a delta."""
from __future__ import annotations

from collections.abc import Callable

from ..delta import Delta
from ..rows import Rows

RowFunction = Callable[[Rows], Rows]


class RowwiseStep:
    """Applies ``function`` to ``added``, ``removed`` and ``result`` alike.

    Because the function treats each row on its own, the removed rows of the output are
    still the oldest ones whenever they were in the input, so the delta keeps its shape.
    """

    def __init__(self, function: RowFunction):
        self.function = function

    def __call__(self, rows: Rows) -> Rows:
        # Rows with neither rows nor columns (an idle tick) have nothing to check.
        if len(rows) == 0 and len(rows.names) == 0:
            return rows
        return self.function(rows)

    def update(self, delta: Delta) -> Delta:
        if not delta.is_rows:
            assert delta.result_rows is not None
            return Delta.whole(self(delta.result_rows))
        assert delta.added_rows is not None and delta.removed_rows is not None
        result = None if delta.result_rows is None else self(delta.result_rows)
        return Delta(self(delta.added_rows), self(delta.removed_rows), result)
