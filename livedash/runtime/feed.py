"""Hands a node's changes to one session's views, on that session's own thread."""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

import pandas as pd

from ..delta import Delta
from ..plugins import ViewSession
from .node import Node

log = logging.getLogger("livedash")
Scheduler = Callable[[Callable[[], None]], Any]


def coalesce(pending: list[Delta]) -> list[Delta]:
    """Merge deltas that queued up while a session was busy into as few as possible.

    A complete result makes everything before it moot; consecutive row deltas merge into
    one (removals always come off the front, so the counts simply add up).
    """
    for i in range(len(pending) - 1, -1, -1):
        if pending[i].result is not None:
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
    added = [d.added for d in run if len(d.added)]
    removed = [d.removed for d in run if len(d.removed)]
    return [Delta.rows(pd.concat(added) if added else run[-1].added,
                       pd.concat(removed) if removed else run[-1].removed)]


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
