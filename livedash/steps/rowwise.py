"""Row-wise steps (filter, select, derive): one function applied to every frame of a delta."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..delta import Delta

RowFunction = Callable[[pd.DataFrame], pd.DataFrame]


class RowwiseStep:
    """Applies ``function`` to ``added``, ``removed`` and ``result`` alike.

    Because the function treats each row on its own, the removed rows of the output are
    still the oldest ones whenever they were in the input, so the delta keeps its shape.
    """

    def __init__(self, function: RowFunction):
        self.function = function

    def __call__(self, frame: pd.DataFrame) -> pd.DataFrame:
        # A frame with neither rows nor columns (an idle tick) has nothing to check.
        if len(frame) == 0 and len(frame.columns) == 0:
            return frame
        return self.function(frame)

    def update(self, delta: Delta) -> Delta:
        if not delta.is_rows:
            assert delta.result is not None
            return Delta.whole(self(delta.result))
        assert delta.added is not None and delta.removed is not None
        result = None if delta.result is None else self(delta.result)
        return Delta(self(delta.added), self(delta.removed), result)
