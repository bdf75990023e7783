"""Hands a node's changes to one session's views, on that session's own thread."""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Any, Callable, Hashable, Iterator


from ..delta import Delta
from ..plugins import ViewSession
from ..rows import Rows
from .node import Node

log = logging.getLogger("livedash")
Scheduler = Callable[[Callable[[], None]], Any]


class Wakeups:
    """Server-loop wake-ups held back while a source thread hands out a tick.

    One per dashboard graph: its source runners open :meth:`batch` around each tick,
    and its session deliveries ask :meth:`defer` before waking their loop. Which thread
    is inside a batch is kept per instance (a ``threading.local``), not per process.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold back the wake-ups deferred in this block, on this thread, until it ends.

        A source thread publishing a tick offers it to every session's feed in turn.
        Waking the server's loop at the first offer lets it start serving sessions while
        this thread still offers to the others, and the two threads then trade the GIL
        (up to its 5 ms switch interval at each trade). Inside ``batch()`` a delivery
        only queues the work, and its loop is woken once, when the outermost block ends.
        """
        wakes: dict[Hashable, Callable[[], None]] | None = getattr(self._local, "wakes", None)
        if wakes is not None:  # nested: the outermost block wakes
            yield
            return
        self._local.wakes = wakes = {}
        try:
            yield
        finally:
            self._local.wakes = None
            for wake in wakes.values():
                try:
                    wake()
                except Exception:  # one scheduler failing must not stop the others
                    log.exception("waking a delivery failed")

    def defer(self, key: Hashable, wake: Callable[[], None]) -> bool:
        """Inside :meth:`batch` on this thread: call ``wake`` (once per ``key``) when the
        batch ends, and return True. Outside a batch: return False (the caller wakes
        now)."""
        wakes: dict[Hashable, Callable[[], None]] | None = getattr(self._local, "wakes", None)
        if wakes is None:
            return False
        wakes.setdefault(key, wake)
        return True


def coalesce(pending: list[Delta]) -> list[Delta]:
    """Merge deltas that queued up while a session was busy into as few as possible.

    A complete result makes everything before it moot; consecutive row deltas merge into
    one (removals always come off the front, so the counts simply add up).
    """
    for i in range(len(pending) - 1, -1, -1):
        if pending[i].result_rows is not None:  # presence only: no frame made
            pending = pending[i:]
            break
    out: list[Delta] = []
    run: list[Delta] = []
    for delta in pending:
        if delta.is_prefix:
            run.append(delta)
            continue
        out.extend(_merge(run))
        run = []
        out.append(delta)
    out.extend(_merge(run))
    return out


def _merge(run: list[Delta]) -> list[Delta]:
    if len(run) <= 1:
        return run
    # joined as Rows: the frame is made only if a view reads it
    added = [d.added_rows for d in run if len(d.added_rows)]  # prefix deltas: both set
    removed = [d.removed_rows for d in run if len(d.removed_rows)]
    return [Delta.rows(Rows.concat(added) if added else run[-1].added_rows,
                       Rows.concat(removed) if removed else run[-1].removed_rows)]


class Feed:
    """One node → the views of one session that show it.

    ``offer`` runs on the source's thread: it queues the change and, unless a flush is
    already scheduled, asks the session's loop for one. A slow session therefore gets
    fewer, larger updates instead of a growing backlog of callbacks.
    """

    def __init__(self, node: Node, views: list[ViewSession], schedule: Scheduler,
                 on_view_error: Callable[[ViewSession, Exception], None]):
        self.node = node
        self.views = views
        self.schedule = schedule
        self.on_view_error = on_view_error
        self._pending: list[Delta] = []
        self._scheduled = False
        self._lock = threading.Lock()
        self._remove: Callable[[], None] | None = None
        self.closed = False

    def connect(self, version: int) -> None:
        """Start listening; catch up if the node changed since the page was built."""
        with self.node.lock:
            if self.node.version != version:
                current = self.node.result()
                self._offer(self.node, Delta.whole(current) if self.node.whole
                            else Delta.rows(current.iloc[:0], current.iloc[:0], result=current))
            self._remove = self.node.listen(self._offer)

    def _offer(self, node: Node, delta: Delta) -> None:
        with self._lock:
            if self.closed:
                return
            self._pending.append(delta)
            if self._scheduled:
                return
            self._scheduled = True
        self.schedule(self.flush)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
            self._scheduled = False
        if self.closed or not pending:
            return
        for delta in coalesce(pending):
            for view in self.views:
                try:
                    view.apply(delta)
                except Exception as exc:  # one broken view must not stop the others
                    log.exception("view update failed")
                    self.on_view_error(view, exc)

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._pending = []
        if self._remove is not None:
            self._remove()
            self._remove = None
        self.views = []
