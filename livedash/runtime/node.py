"""A source's or pipeline's current result, the steps that produce it, and who listens."""
from __future__ import annotations

import threading
from typing import Callable, Sequence

import pandas as pd

from ..delta import Delta
from ..plugins import Step
from ..steps.fused import fuse
from ..steps.rowqueue import RowQueue
from .retained import Retained

Listener = Callable[["Node", Delta], None]


class Node:
    """One source or pipeline inside a running dashboard.

    A node keeps its current result, turns each input change into an output change with
    its steps, passes it to the pipelines fed from it, then to its listeners (session
    feeds). All nodes of one source tree share ``lock``: a tick, a push and a read never
    interleave.
    """

    def __init__(self, name: str, lock: threading.RLock, steps: Sequence[Step] = (),
                 whole: bool = False, limit: int | None = 1000):
        self.name = name
        self.lock = lock
        self.steps = fuse(list(steps))  # a window and the step after it run as one
        self.whole = whole
        # ``limit`` bounds an unbounded stream's history; a windowed result is bounded by
        # its window and must be kept whole, or removals would drop the wrong rows.
        self.retained = Retained(limit)
        # A last step that keeps exactly its output rows (a window, a rolling) lends them
        # as the node's result, so that they are not appended and dropped twice a tick.
        lend = getattr(self.steps[-1], "output_rows", None) if self.steps else None
        self._lent: Callable[[], RowQueue] | None = lend if limit is None else None
        self.version = 0
        self.rows_total = 0
        self.children: list[Node] = []
        self._listeners: dict[int, Listener] = {}
        self._next_id = 0
        self.error: str | None = None

    # -- data ------------------------------------------------------------------------
    def result(self) -> pd.DataFrame:
        with self.lock:
            return self._held().frame()

    def __len__(self) -> int:
        """Rows in the current result (read without the lock, for status pages)."""
        return len(self._held())

    def _held(self) -> RowQueue | Retained:
        return self._lent() if self._lent is not None else self.retained

    def feed(self, delta: Delta) -> None:
        """Run ``delta`` (the input's change) through the steps and publish the result."""
        with self.lock:
            try:
                for step in self.steps:
                    delta = step.update(delta)
            except Exception as exc:  # a step failing on odd data must not stop the source
                self.error = f"{type(exc).__name__}: {exc}"
                return
            self.error = None
            self._publish(delta)

    def publish(self, delta: Delta) -> None:
        """Take ``delta`` as this node's change (a source's tick) and pass it on."""
        with self.lock:
            self._publish(delta)

    def _publish(self, delta: Delta) -> None:
        """As :meth:`publish`, the lock held."""
        added = delta.added_rows
        # Delta.empty and Delta.is_rows, read from the fields (two property calls a batch)
        if added is not None and not added.n and not delta.removed_rows.n \
                and delta.result_rows is None:
            return
        self.whole = added is None
        if self._lent is not None:
            pass  # the last step's own rows are the result
        elif delta.result_rows is not None:
            self.retained.replace(delta.result_rows)
        else:
            removed = delta.removed_rows
            assert added is not None and removed is not None
            excess = removed.n - len(self.retained)
            self.retained.drop_front(removed.n)
            self.retained.append(added[excess:] if excess > 0 else added)
        if added is not None:
            self.rows_total += added.n
        else:
            assert delta.result_rows is not None
            self.rows_total = delta.result_rows.n
        self.version += 1
        for child in self.children:
            child.feed(delta)
        for listener in list(self._listeners.values()):
            listener(self, delta)

    # -- listeners --------------------------------------------------------------------
    def listen(self, listener: Listener) -> Callable[[], None]:
        """Add ``listener``; returns the function that removes it."""
        with self.lock:
            key = self._next_id
            self._next_id += 1
            self._listeners[key] = listener

        def remove() -> None:
            with self.lock:
                self._listeners.pop(key, None)
        return remove

    @property
    def listener_count(self) -> int:
        return len(self._listeners)
